// SPDX-License-Identifier: BSD-2-Clause
/*
 * Block and inode allocation.
 *
 * The on-disk bitmaps (journaled metadata blocks) say what the last
 * committed state uses. The allocator decides from two in-memory "busy"
 * bitmaps loaded at mount (I6): a block is busy if the disk bitmap has it,
 * if the running transaction allocated it, or if a transaction freed it and
 * that free is not yet safe to reuse.
 *
 * Why frees wait: a block freed by transaction T may still hold an image in
 * the journal that recovery would replay (T itself can be replayed until
 * the transaction after it commits and moves the journal tail past it), and
 * until T commits the old owner still points at it on disk. So a freed
 * block joins `pending` tagged with T's sequence number and becomes
 * allocatable only when the durable journal tail is past T
 * (cfs_alloc_release, called by the commit). Inode numbers need no such
 * delay: an inode lives in a journaled inode table block, so its reuse is
 * ordered by the journal like any other metadata change.
 *
 * Allocation is next-fit from a goal (the block after the previous one), so
 * a file written sequentially gets contiguous blocks.
 */
#include "cfs_internal.h"

static uint64_t words_for(uint64_t bits)
{
	return (bits + 63) / 64;
}

static err_t bitmap_block_of(struct cfs *fs, uint64_t start, uint32_t magic, uint64_t bit,
			     struct cfs_buf **bp, uint64_t *bitno)
{
	uint64_t blk = bit / fs->bits_per_bitmap;

	*bitno = bit % fs->bits_per_bitmap;
	return cfs_bread(fs, start + blk, magic, bp);
}

static bool disk_bit(const struct cfs_buf *b, uint64_t bit)
{
	return (b->data[CFS_BITMAP_HDR + bit / 8] >> (bit % 8)) & 1;
}

static void disk_bit_put(struct cfs_buf *b, uint64_t bit, bool on)
{
	uint8_t *byte = &b->data[CFS_BITMAP_HDR + bit / 8];

	if (on)
		*byte |= (uint8_t)(1u << (bit % 8));
	else
		*byte &= (uint8_t)~(1u << (bit % 8));
}

static err_t load_map(struct cfs *fs, uint64_t start, uint32_t nblk, uint32_t magic,
		      uint64_t nbits, uint64_t *map)
{
	for (uint32_t i = 0; i < nblk; i++) {
		struct cfs_buf *b;
		uint64_t base = (uint64_t)i * fs->bits_per_bitmap;
		err_t err = cfs_bread(fs, start + i, magic, &b);

		if (err)
			return err;
		for (uint64_t bit = 0; bit < fs->bits_per_bitmap && base + bit < nbits; bit++) {
			if (disk_bit(b, bit))
				cfs_bit_set(map, base + bit);
		}
	}
	return CAIRN_OK;
}

err_t cfs_alloc_load(struct cfs *fs)
{
	uint64_t ninodes = fs->sb.inode_count;
	err_t err;

	fs->bbusy = kcalloc(words_for(fs->nblocks), sizeof(uint64_t));
	fs->ibusy = kcalloc(words_for(ninodes), sizeof(uint64_t));
	if (!fs->bbusy || !fs->ibusy)
		return CAIRN_ERR_NOMEM;
	err = load_map(fs, fs->sb.bbitmap_start, fs->sb.bbitmap_blocks, CFS_MAGIC_BBITMAP,
		       fs->nblocks, fs->bbusy);
	if (!err)
		err = load_map(fs, fs->sb.ibitmap_start, fs->sb.ibitmap_blocks,
			       CFS_MAGIC_IBITMAP, ninodes, fs->ibusy);
	if (err)
		return err;
	/* The fixed regions and inode 0 are never allocatable, whatever a
	 * damaged bitmap says (fsck reports the mismatch). */
	for (uint64_t b = 0; b < fs->sb.data_start; b++)
		cfs_bit_set(fs->bbusy, b);
	cfs_bit_set(fs->ibusy, 0);
	fs->bfree = 0;
	for (uint64_t b = 0; b < fs->nblocks; b++)
		fs->bfree += !cfs_bit_test(fs->bbusy, b);
	fs->ifree = 0;
	for (uint64_t i = 0; i < ninodes; i++)
		fs->ifree += !cfs_bit_test(fs->ibusy, i);
	fs->bgoal = fs->sb.data_start;
	fs->igoal = CFS_ROOT_INO + 1;
	return CAIRN_OK;
}

void cfs_alloc_destroy(struct cfs *fs)
{
	kfree(fs->bbusy);
	kfree(fs->ibusy);
	kfree(fs->pending.v);
	kfree(fs->oplog);
	fs->bbusy = fs->ibusy = NULL;
	fs->pending.v = NULL;
	fs->oplog = NULL;
}

/* The first clear bit in [from, to) of `map`, or `to`. */
static uint64_t find_clear(const uint64_t *map, uint64_t from, uint64_t to)
{
	uint64_t i = from;

	while (i < to) {
		/* Invert first: the zeros shifted in must not look clear. */
		uint64_t w = ~map[i >> 6] >> (i & 63);

		if (w) {
			uint64_t bit = i + (uint64_t)__builtin_ctzll(w);

			return bit < to ? bit : to;
		}
		i = (i | 63) + 1;
	}
	return to;
}

err_t cfs_block_alloc(struct cfs *fs, uint64_t goal, uint64_t *out)
{
	uint64_t lo = fs->sb.data_start, b, bitno;
	struct cfs_buf *bm;
	err_t err;

	if (fs->bfree == 0)
		return CAIRN_ERR_NOSPC;
	if (goal < lo || goal >= fs->nblocks)
		goal = fs->bgoal;
	b = find_clear(fs->bbusy, goal, fs->nblocks);
	if (b == fs->nblocks)
		b = find_clear(fs->bbusy, lo, goal);
	if (b == goal && cfs_bit_test(fs->bbusy, b))
		return CAIRN_ERR_NOSPC;
	if (b >= fs->nblocks)
		return CAIRN_ERR_NOSPC;
	err = bitmap_block_of(fs, fs->sb.bbitmap_start, CFS_MAGIC_BBITMAP, b, &bm, &bitno);
	if (!err)
		err = cfs_buf_dirty(fs, bm);
	if (!err)
		err = cfs_oplog_add(fs, CFS_OPLOG_BLOCKS, b, 1);
	if (err)
		return err;
	if (disk_bit(bm, bitno))
		return CORRUPT("cfs: block %llu free in memory but used on disk",
			       (unsigned long long)b);
	disk_bit_put(bm, bitno, true);
	cfs_bit_set(fs->bbusy, b);
	fs->bfree--;
	fs->bgoal = b + 1 < fs->nblocks ? b + 1 : lo;
	*out = b;
	return CAIRN_OK;
}

static err_t pending_add(struct cfs *fs, uint64_t b)
{
	struct cfs_extents *p = &fs->pending;

	if (p->n > fs->op_pending_mark) {
		struct cfs_extent *last = &p->v[p->n - 1];

		if (last->seq == fs->seq && last->start + last->len == b) {
			last->len++;
			return CAIRN_OK;
		}
	}
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 64;
		struct cfs_extent *nv = krealloc(p->v, ncap * sizeof(*nv));

		if (!nv)
			return CAIRN_ERR_NOMEM;
		p->v = nv;
		p->cap = ncap;
	}
	p->v[p->n++] = (struct cfs_extent){ b, 1, fs->seq };
	return CAIRN_OK;
}

err_t cfs_block_free(struct cfs *fs, uint64_t b)
{
	struct cfs_buf *bm;
	uint64_t bitno;
	err_t err;

	if (b < fs->sb.data_start || b >= fs->nblocks)
		return CORRUPT("cfs: freeing block %llu outside the data area",
			       (unsigned long long)b);
	err = bitmap_block_of(fs, fs->sb.bbitmap_start, CFS_MAGIC_BBITMAP, b, &bm, &bitno);
	if (!err)
		err = cfs_buf_dirty(fs, bm);
	if (err)
		return err;
	if (!disk_bit(bm, bitno) || !cfs_bit_test(fs->bbusy, b))
		return CORRUPT("cfs: block %llu freed twice", (unsigned long long)b);
	err = pending_add(fs, b);
	if (err)
		return err;
	disk_bit_put(bm, bitno, false);
	return CAIRN_OK;
}

void cfs_alloc_release(struct cfs *fs, uint64_t durable_tail_seq)
{
	struct cfs_extents *p = &fs->pending;
	size_t keep = 0;

	DEBUG_ASSERT(!fs->in_op);
	for (size_t i = 0; i < p->n; i++) {
		struct cfs_extent *e = &p->v[i];

		if (e->seq < durable_tail_seq) {
			for (uint64_t b = e->start; b < e->start + e->len; b++)
				cfs_bit_clear(fs->bbusy, b);
			fs->bfree += e->len;
		} else {
			p->v[keep++] = *e;
		}
	}
	p->n = keep;
}

err_t cfs_inode_alloc(struct cfs *fs, uint32_t *out)
{
	uint64_t n = fs->sb.inode_count, i, bitno;
	struct cfs_buf *bm;
	err_t err;

	if (fs->ifree == 0)
		return CAIRN_ERR_NOSPC;
	i = find_clear(fs->ibusy, fs->igoal < n ? fs->igoal : 1, n);
	if (i == n)
		i = find_clear(fs->ibusy, 1, n);
	if (i >= n)
		return CAIRN_ERR_NOSPC;
	err = bitmap_block_of(fs, fs->sb.ibitmap_start, CFS_MAGIC_IBITMAP, i, &bm, &bitno);
	if (!err)
		err = cfs_buf_dirty(fs, bm);
	if (!err)
		err = cfs_oplog_add(fs, CFS_OPLOG_INODE_ALLOC, i, 1);
	if (err)
		return err;
	if (disk_bit(bm, bitno))
		return CORRUPT("cfs: inode %llu free in memory but used on disk",
			       (unsigned long long)i);
	disk_bit_put(bm, bitno, true);
	cfs_bit_set(fs->ibusy, i);
	fs->ifree--;
	fs->igoal = (uint32_t)(i + 1);
	*out = (uint32_t)i;
	return CAIRN_OK;
}

err_t cfs_inode_free(struct cfs *fs, uint32_t ino)
{
	struct cfs_buf *bm;
	uint64_t bitno;
	err_t err;

	if (ino == 0 || ino >= fs->sb.inode_count)
		return CORRUPT("cfs: freeing inode %u out of range", ino);
	err = bitmap_block_of(fs, fs->sb.ibitmap_start, CFS_MAGIC_IBITMAP, ino, &bm, &bitno);
	if (!err)
		err = cfs_buf_dirty(fs, bm);
	if (!err)
		err = cfs_oplog_add(fs, CFS_OPLOG_INODE_FREE, ino, 1);
	if (err)
		return err;
	if (!disk_bit(bm, bitno))
		return CORRUPT("cfs: inode %u freed twice", ino);
	disk_bit_put(bm, bitno, false);
	cfs_bit_clear(fs->ibusy, ino);
	fs->ifree++;
	return CAIRN_OK;
}

void cfs_alloc_op_commit(struct cfs *fs)
{
	fs->oplog_n = 0;
}

void cfs_alloc_op_rollback(struct cfs *fs)
{
	while (fs->oplog_n) {
		struct cfs_oplog_entry *e = &fs->oplog[--fs->oplog_n];

		switch (e->kind) {
		case CFS_OPLOG_BLOCKS:
			for (uint64_t b = e->start; b < e->start + e->len; b++)
				cfs_bit_clear(fs->bbusy, b);
			break;
		case CFS_OPLOG_INODE_ALLOC:
			cfs_bit_clear(fs->ibusy, e->start);
			break;
		case CFS_OPLOG_INODE_FREE:
			cfs_bit_set(fs->ibusy, e->start);
			break;
		}
	}
	fs->pending.n = fs->op_pending_mark;
	fs->bfree = fs->op_bfree;
	fs->ifree = fs->op_ifree;
	fs->bgoal = fs->op_bgoal;
}
