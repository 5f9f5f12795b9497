// SPDX-License-Identifier: BSD-2-Clause
/*
 * Making a filesystem: choose the geometry, then write every fixed region
 * (bitmaps, the whole inode table, an invalid first journal block, the root
 * directory) and finally the two superblock copies, with a flush between,
 * so an interrupted mkfs never leaves a valid superblock over a partial
 * layout.
 */
#include <fs/cfs_tools.h>

#include "cfs_internal.h"

#define BATCH 64u /* blocks per device write */

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

static err_t choose_geometry(struct blockdev *bd, const struct cfs_mkfs_opts *o,
			     struct cfs_super *sb)
{
	uint32_t bs = o->block_size ? o->block_size : 4096;
	uint64_t dev_blocks, ipb, inodes;
	uint32_t bpi = o->bytes_per_inode ? o->bytes_per_inode : 8192;
	err_t err;

	if (!IS_POW2(bs) || bs < CFS_MIN_BLOCK_SIZE || bs > CFS_MAX_BLOCK_SIZE ||
	    bs < bd->block_size)
		return CAIRN_ERR_INVAL;
	dev_blocks = bd->block_count / (bs / bd->block_size);
	sb->block_size = bs;
	sb->block_count = o->block_count ? o->block_count : MIN(dev_blocks, CFS_MAX_BLOCKS);
	if (sb->block_count > dev_blocks)
		return CAIRN_ERR_NOSPC;
	if (sb->block_count > CFS_MAX_BLOCKS)
		return CAIRN_ERR_RANGE;
	ipb = bs / CFS_INODE_SIZE - 1;
	inodes = o->inode_count ? o->inode_count : sb->block_count * bs / bpi;
	inodes = MAX(inodes, 16u);
	inodes = div_up(inodes, ipb) * ipb;
	if (inodes > UINT32_MAX - ipb)
		return CAIRN_ERR_RANGE;
	sb->inode_count = (uint32_t)inodes;
	if (o->journal_blocks) {
		sb->journal_blocks = o->journal_blocks;
		return cfs_geometry(sb);
	}
	sb->journal_blocks = (uint32_t)MIN(MAX(sb->block_count / 64, CFS_MIN_JOURNAL_BLOCKS),
					   8192u);
	for (;;) {
		err = cfs_geometry(sb);
		if (err != CAIRN_ERR_RANGE || sb->journal_blocks > sb->block_count / 2)
			return err;
		/* Too small for one truncate-to-zero: grow it. */
		sb->journal_blocks += 16;
	}
}

static void bitmap_set(uint8_t *blk, uint64_t bit)
{
	blk[CFS_BITMAP_HDR + bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static err_t write_blocks(struct blockdev *bd, uint32_t bs, uint64_t blockno, uint32_t n,
			  const void *buf)
{
	uint32_t per = bs / bd->block_size;

	return blockdev_write(bd, blockno * per, n * per, buf) ? CAIRN_ERR_IO : CAIRN_OK;
}

err_t cfs_mkfs(struct blockdev *bd, const struct cfs_mkfs_opts *o)
{
	struct cfs_super sb;
	uint8_t *buf = NULL;
	uint32_t bs, ipb, seed;
	uint64_t bits;
	size_t label_len = o->label ? strnlen(o->label, CFS_LABEL_MAX + 1) : 0;
	err_t err;

	if (!bd || !bd->ops || !IS_POW2(bd->block_size) || bd->block_size < 512)
		return CAIRN_ERR_INVAL;
	if (label_len > CFS_LABEL_MAX)
		return CAIRN_ERR_NAMETOOLONG;
	memset(&sb, 0, sizeof(sb));
	err = choose_geometry(bd, o, &sb);
	if (err)
		return err;
	bs = sb.block_size;
	ipb = bs / CFS_INODE_SIZE - 1;
	bits = (uint64_t)(bs - CFS_BITMAP_HDR) * 8;
	sb.version = CFS_VERSION;
	memcpy(sb.uuid, o->uuid, sizeof(sb.uuid));
	if (label_len)
		memcpy(sb.label, o->label, label_len);
	sb.csum_seed = seed = crc32c(0, sb.uuid, sizeof(sb.uuid));
	sb.hash_seed = crc32c(0x5A17u, sb.uuid, sizeof(sb.uuid));
	sb.jtail_seq = 1;
	sb.jtail_pos = 0;
	sb.state = CFS_STATE_CLEAN;
	sb.mkfs_time_ns = o->time_ns;
	sb.root_ino = CFS_ROOT_INO;

	buf = kmalloc((size_t)bs * BATCH);
	if (!buf)
		return CAIRN_ERR_NOMEM;

	/* The first journal block: zero, so no transaction starts there. */
	memset(buf, 0, bs);
	err = write_blocks(bd, bs, sb.journal_start, 1, buf);
	if (err)
		goto out;

	/* Block bitmap: the fixed regions are in use. */
	for (uint32_t i = 0; i < sb.bbitmap_blocks && !err; i++) {
		memset(buf, 0, bs);
		for (uint64_t b = i * bits; b < (i + 1) * bits && b < sb.data_start; b++)
			bitmap_set(buf, b - i * bits);
		cfs_block_seal(seed, buf, bs, CFS_MAGIC_BBITMAP, sb.bbitmap_start + i);
		err = write_blocks(bd, bs, sb.bbitmap_start + i, 1, buf);
	}
	/* Inode bitmap: inode 0 (never used) and the root. */
	for (uint32_t i = 0; i < sb.ibitmap_blocks && !err; i++) {
		memset(buf, 0, bs);
		if (i == 0) {
			bitmap_set(buf, 0);
			bitmap_set(buf, CFS_ROOT_INO);
		}
		cfs_block_seal(seed, buf, bs, CFS_MAGIC_IBITMAP, sb.ibitmap_start + i);
		err = write_blocks(bd, bs, sb.ibitmap_start + i, 1, buf);
	}
	/* Inode table, in batches. */
	for (uint32_t i = 0; i < sb.itable_blocks && !err; i += BATCH) {
		uint32_t n = MIN(BATCH, sb.itable_blocks - i);

		memset(buf, 0, (size_t)bs * n);
		for (uint32_t k = 0; k < n; k++) {
			uint8_t *blk = buf + (size_t)k * bs;
			struct cfs_itable_hdr *h = (struct cfs_itable_hdr *)(void *)blk;

			h->first_ino = (i + k) * ipb;
			if (i + k == CFS_ROOT_INO / ipb) {
				struct cfs_inode *root = (struct cfs_inode *)(void *)(
					blk + CFS_INODE_SIZE * (1 + CFS_ROOT_INO % ipb));

				root->type = CFS_TYPE_DIR;
				root->perm = 0755;
				root->nlink = 2;
				root->parent = CFS_ROOT_INO;
				root->nbuckets = 1;
				root->generation = 1;
				root->mtime_ns = root->ctime_ns = o->time_ns;
			}
			cfs_block_seal(seed, blk, bs, CFS_MAGIC_ITABLE, sb.itable_start + i + k);
		}
		err = write_blocks(bd, bs, sb.itable_start + i, n, buf);
	}
	if (!err)
		err = blockdev_flush(bd) ? CAIRN_ERR_IO : CAIRN_OK;

	/* Last, the superblocks. */
	for (uint32_t copy = 0; copy < 2 && !err; copy++) {
		memset(buf, 0, bs);
		sb.generation = 1 + copy;
		sb.write_time_ns = o->time_ns;
		memcpy(buf, &sb, sizeof(sb));
		cfs_block_seal(0, buf, bs, CFS_MAGIC_SUPER, copy);
		err = write_blocks(bd, bs, copy, 1, buf);
	}
	if (!err)
		err = blockdev_flush(bd) ? CAIRN_ERR_IO : CAIRN_OK;
out:
	kfree(buf);
	return err;
}
