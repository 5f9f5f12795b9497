// SPDX-License-Identifier: BSD-2-Clause
/*
 * The pure functions of the on-disk format: block checksums, superblock
 * validation, the geometry that block size, block count, inode count and
 * journal size imply, and the directory name hash.
 *
 * Nothing here does I/O or keeps state, so mount, mkfs, fsck, the tools and
 * the fuzzers all agree on what a valid block is by calling the same code.
 * The geometry is derived, never trusted: cfs_super_check() recomputes every
 * region from the four free parameters and refuses a superblock whose stored
 * layout differs, so no later code has to guard against overlapping or
 * out-of-device regions.
 */
#include "cfs_internal.h"

uint32_t cfs_block_csum(uint32_t seed, const void *block, uint32_t bs)
{
	static const uint8_t zero[4];
	const uint8_t *p = block;
	uint32_t c = crc32c_update(seed ^ 0xFFFFFFFFu, p, 4);

	c = crc32c_update(c, zero, 4);
	c = crc32c_update(c, p + 8, bs - 8);
	return crc32c_final(c);
}

void cfs_block_seal(uint32_t seed, void *block, uint32_t bs, uint32_t magic,
		    uint64_t blockno)
{
	struct cfs_block_hdr *h = block;

	h->magic = magic;
	h->blockno = blockno;
	h->crc = cfs_block_csum(seed, block, bs);
}

bool cfs_block_valid(uint32_t seed, const void *block, uint32_t bs, uint32_t magic,
		     uint64_t blockno)
{
	const struct cfs_block_hdr *h = block;

	return h->magic == magic && h->blockno == blockno &&
	       h->crc == cfs_block_csum(seed, block, bs);
}

err_t cfs_block_check(uint32_t seed, const void *block, uint32_t bs, uint32_t magic,
		      uint64_t blockno)
{
	const struct cfs_block_hdr *h = block;

	if (h->magic != magic)
		return CORRUPT("cfs: block %llu: magic %#x, expected %#x",
			       (unsigned long long)blockno, h->magic, magic);
	if (h->blockno != blockno)
		return CORRUPT("cfs: block %llu claims to be block %llu (misdirected write?)",
			       (unsigned long long)blockno, (unsigned long long)h->blockno);
	if (h->crc != cfs_block_csum(seed, block, bs))
		return CORRUPT("cfs: block %llu: checksum mismatch", (unsigned long long)blockno);
	return CAIRN_OK;
}

uint32_t cfs_ptrs_per_block(uint32_t bs)
{
	return (bs - (uint32_t)sizeof(struct cfs_indirect)) / 4;
}

uint64_t cfs_max_file_blocks(uint32_t bs)
{
	uint64_t p = cfs_ptrs_per_block(bs);
	uint64_t n = CFS_NDIRECT + p + p * p + p * p * p;

	/* Logical block numbers stay below 2^32 (directory buckets, cookies). */
	return MIN(n, (uint64_t)UINT32_MAX);
}

uint32_t cfs_dir_max_buckets(const struct cfs_super *sb)
{
	/* No hard links: a directory names at most every inode but itself and
	 * the root, each with the longest entry. A bucket is added only when
	 * the entries fill 3/4 of the buckets' space (dir.c), and buckets never
	 * merge, so no directory ever had more buckets than this. */
	uint64_t bytes = (uint64_t)sb->inode_count * (CFS_DIRENT_HDR + CFS_NAME_MAX);
	uint64_t per = (uint64_t)(sb->block_size - sizeof(struct cfs_dir_block)) * 3 / 4;
	uint64_t n = bytes / per + 2;

	return (uint32_t)MIN(n, cfs_max_file_blocks(sb->block_size));
}

/* murmur3's finaliser: spreads the CRC's linear bits over the low bits the
 * bucket index uses. */
static uint32_t mix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

uint32_t cfs_name_hash(uint32_t seed, const char *name, size_t len)
{
	return mix32(crc32c(seed, name, len));
}

uint32_t cfs_dir_bucket_of(uint32_t hash, uint32_t nbuckets)
{
	uint32_t lo = 1;
	uint32_t b;

	DEBUG_ASSERT(nbuckets >= 1);
	while (lo <= nbuckets / 2)
		lo <<= 1;
	b = hash & (lo - 1);
	if (b < nbuckets - lo)
		b = hash & (2 * lo - 1);
	return b;
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

/* Blocks a transaction of at most half the journal can hold. */
uint32_t cfs_txn_max(uint32_t journal_blocks, uint32_t bs)
{
	uint32_t half = journal_blocks / 2;
	uint32_t per_desc = (bs - (uint32_t)sizeof(struct cfs_jdesc)) /
			    (uint32_t)sizeof(struct cfs_jentry);
	uint32_t ndesc = (uint32_t)div_up(half, per_desc);

	return half > ndesc + 1 ? half - ndesc - 1 : 0;
}

uint32_t cfs_txn_need_free_all(const struct cfs_super *sb)
{
	/* Every bitmap block, the partial indirect blocks of three levels, the
	 * inode, the inode bitmap, a directory change, and slack. */
	return sb->bbitmap_blocks + 3 + 2 + CFS_TXN_DIR_CHANGE + 8;
}

uint32_t cfs_txn_need_rename(const struct cfs_super *sb)
{
	/* Replacing a file: one free-all, two directory changes, the inodes. */
	return cfs_txn_need_free_all(sb) + 2 * CFS_TXN_DIR_CHANGE + 4;
}

err_t cfs_geometry(struct cfs_super *sb)
{
	uint32_t bs = sb->block_size;
	uint64_t bits, ipb, inodes;

	if (!IS_POW2(bs) || bs < CFS_MIN_BLOCK_SIZE || bs > CFS_MAX_BLOCK_SIZE)
		return CAIRN_ERR_INVAL;
	if (sb->block_count > CFS_MAX_BLOCKS || sb->block_count < 16)
		return CAIRN_ERR_RANGE;
	if (sb->journal_blocks < CFS_MIN_JOURNAL_BLOCKS ||
	    sb->journal_blocks > sb->block_count)
		return CAIRN_ERR_RANGE;
	bits = (uint64_t)(bs - CFS_BITMAP_HDR) * 8;
	ipb = bs / CFS_INODE_SIZE - 1;
	inodes = sb->inode_count;
	if (inodes < 2 || inodes % ipb != 0)
		return CAIRN_ERR_RANGE;

	sb->journal_start = 2;
	sb->bbitmap_start = sb->journal_start + sb->journal_blocks;
	sb->bbitmap_blocks = (uint32_t)div_up(sb->block_count, bits);
	sb->ibitmap_start = sb->bbitmap_start + sb->bbitmap_blocks;
	sb->ibitmap_blocks = (uint32_t)div_up(inodes, bits);
	sb->itable_start = sb->ibitmap_start + sb->ibitmap_blocks;
	sb->itable_blocks = (uint32_t)(inodes / ipb);
	sb->data_start = sb->itable_start + sb->itable_blocks;
	if (sb->data_start + 8 > sb->block_count)
		return CAIRN_ERR_NOSPC;
	if (cfs_txn_max(sb->journal_blocks, bs) < cfs_txn_need_rename(sb) + 8)
		return CAIRN_ERR_RANGE;
	return CAIRN_OK;
}

#define SUPER_BAD(why_text)                                                    \
	do {                                                                   \
		*why = (why_text);                                             \
		return CORRUPT("cfs: superblock copy %u: %s", copy, *why);     \
	} while (0)

err_t cfs_super_check(const void *block, uint32_t block_len, uint32_t copy, uint64_t dev_bytes,
		      bool read_only, const char **why)
{
	struct cfs_super g, sbuf;
	const struct cfs_super *sb = &sbuf;
	uint64_t bytes;

	*why = "ok";
	if (block_len < sizeof(sbuf))
		SUPER_BAD("block too short");
	memcpy(&sbuf, block, sizeof(sbuf));

	if (sb->hdr.magic != CFS_MAGIC_SUPER)
		SUPER_BAD("bad magic (not a cfs filesystem)");
	if (!IS_POW2(sb->block_size) || sb->block_size < CFS_MIN_BLOCK_SIZE ||
	    sb->block_size > CFS_MAX_BLOCK_SIZE || sb->block_size > block_len)
		SUPER_BAD("bad block size");
	if (sb->hdr.blockno != copy)
		SUPER_BAD("wrong block number");
	if (sb->hdr.crc != cfs_block_csum(0, block, sb->block_size))
		SUPER_BAD("checksum mismatch");
	if (sb->version == 0)
		SUPER_BAD("version 0");
	if (sb->version > CFS_VERSION) {
		*why = "format version newer than this code";
		LOG_ERR("cfs: format version %u is newer than this code's (%u): "
			"refusing to mount; use a newer cairn-fsck/kernel",
			sb->version, CFS_VERSION);
		return CAIRN_ERR_NOTSUP;
	}
	if (sb->feature_incompat & ~CFS_FEATURE_INCOMPAT_SUPP) {
		*why = "unknown incompatible features";
		LOG_ERR("cfs: unknown incompatible features %#x: refusing to mount",
			sb->feature_incompat & ~CFS_FEATURE_INCOMPAT_SUPP);
		return CAIRN_ERR_NOTSUP;
	}
	if ((sb->feature_ro_compat & ~CFS_FEATURE_RO_COMPAT_SUPP) && !read_only) {
		*why = "unknown read-only-compatible features";
		LOG_ERR("cfs: unknown ro-compat features %#x: mount read-only only",
			sb->feature_ro_compat & ~CFS_FEATURE_RO_COMPAT_SUPP);
		return CAIRN_ERR_ROFS;
	}
	if (mul_overflows(sb->block_count, (uint64_t)sb->block_size, &bytes) ||
	    bytes > dev_bytes)
		SUPER_BAD("filesystem larger than the device");

	memset(&g, 0, sizeof(g));
	g.block_size = sb->block_size;
	g.block_count = sb->block_count;
	g.inode_count = sb->inode_count;
	g.journal_blocks = sb->journal_blocks;
	if (cfs_geometry(&g) != CAIRN_OK)
		SUPER_BAD("impossible geometry");
	if (g.journal_start != sb->journal_start || g.bbitmap_start != sb->bbitmap_start ||
	    g.bbitmap_blocks != sb->bbitmap_blocks || g.ibitmap_start != sb->ibitmap_start ||
	    g.ibitmap_blocks != sb->ibitmap_blocks || g.itable_start != sb->itable_start ||
	    g.itable_blocks != sb->itable_blocks || g.data_start != sb->data_start)
		SUPER_BAD("layout does not match the geometry");
	if (sb->jtail_pos >= sb->journal_blocks)
		SUPER_BAD("journal tail outside the journal");
	if (sb->root_ino != CFS_ROOT_INO)
		SUPER_BAD("bad root inode number");
	if (sb->csum_seed != crc32c(0, sb->uuid, sizeof(sb->uuid)))
		SUPER_BAD("checksum seed does not match the uuid");
	return CAIRN_OK;
}

err_t cfs_dir_entry_parse(const uint8_t *blk, uint32_t bs, uint32_t off, uint32_t used_end,
			  uint32_t *ino, uint32_t *hash, uint8_t *type, const char **name,
			  uint8_t *name_len)
{
	uint8_t nl;

	if (used_end > bs || off + CFS_DIRENT_HDR > used_end)
		return CAIRN_ERR_CORRUPT;
	nl = blk[off + 9];
	if (nl == 0 || off + CFS_DIRENT_HDR + nl > used_end)
		return CAIRN_ERR_CORRUPT;
	memcpy(ino, blk + off, 4);
	memcpy(hash, blk + off + 4, 4);
	*type = blk[off + 8];
	*name = (const char *)blk + off + CFS_DIRENT_HDR;
	*name_len = nl;
	return CAIRN_OK;
}
