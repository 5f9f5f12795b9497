// SPDX-License-Identifier: BSD-2-Clause
/*
 * Inodes and their block maps.
 *
 * An inode is read and changed in place in its inode table buffer: there is
 * no separate in-memory inode, so rolling back an operation's buffers rolls
 * back its inode changes too. Pointers returned by cfs_inode_get() stay
 * valid until the operation ends (I2).
 *
 * The block map is the classic one (12 direct pointers, then single, double
 * and triple indirect blocks of (B - 32) / 4 pointers each: 4 KiB blocks map
 * about 4 TiB per file, capped at 2^32 blocks). Every indirect block names
 * its owner inode and level, so fsck can tell a cross-linked or misplaced
 * block from a valid one, and reading through a corrupt pointer is caught
 * here as CORRUPT rather than followed.
 *
 * Truncation frees whole subtrees without dirtying them (they are freed, not
 * changed): a truncate to zero dirties only the bitmap blocks, the inode
 * and at most three partially kept indirect blocks, which is what lets one
 * transaction of bounded size (cfs_txn_need_free_all) delete a file of any
 * size.
 */
#include "cfs_internal.h"

static err_t itable_buf(struct cfs *fs, uint32_t ino, struct cfs_buf **bp)
{
	uint64_t blk = ino / fs->ipb;
	err_t err;

	if (ino == 0 || ino >= fs->sb.inode_count)
		return CORRUPT("cfs: inode number %u out of range", ino);
	err = cfs_bread(fs, fs->sb.itable_start + blk, CFS_MAGIC_ITABLE, bp);
	if (err)
		return err;
	if (((struct cfs_itable_hdr *)(void *)(*bp)->data)->first_ino != blk * fs->ipb)
		return CORRUPT("cfs: inode table block %llu has a wrong first inode",
			       (unsigned long long)(fs->sb.itable_start + blk));
	return CAIRN_OK;
}

err_t cfs_inode_get(struct cfs *fs, uint32_t ino, struct cfs_buf **bp, struct cfs_inode **ip)
{
	struct cfs_buf *b;
	err_t err = itable_buf(fs, ino, &b);

	if (err)
		return err;
	*ip = (struct cfs_inode *)(void *)(b->data + CFS_INODE_SIZE * (1 + ino % fs->ipb));
	if (bp)
		*bp = b;
	return CAIRN_OK;
}

err_t cfs_inode_edit(struct cfs *fs, uint32_t ino, struct cfs_inode **ip)
{
	struct cfs_buf *b;
	err_t err = cfs_inode_get(fs, ino, &b, ip);

	if (!err)
		err = cfs_buf_dirty(fs, b);
	return err;
}

static bool ptr_ok(const struct cfs *fs, uint32_t p)
{
	return p == 0 || (p >= fs->sb.data_start && p < fs->nblocks);
}

err_t cfs_inode_check(const struct cfs *fs, uint32_t ino, const struct cfs_inode *ip)
{
	bool inline_link = ip->type == CFS_TYPE_SYMLINK && (ip->flags & CFS_INODE_INLINE_SYMLINK);

	if (ip->type < CFS_TYPE_FILE || ip->type > CFS_TYPE_SYMLINK)
		return CORRUPT("cfs: inode %u: bad type %u", ino, ip->type);
	if (ip->nlink == 0)
		return CORRUPT("cfs: inode %u: in use with no links", ino);
	if (!inline_link) {
		for (uint32_t i = 0; i < CFS_MAP_SLOTS; i++)
			if (!ptr_ok(fs, ip->map[i]))
				return CORRUPT("cfs: inode %u: map[%u] = %u out of range", ino,
					       i, ip->map[i]);
	}
	switch (ip->type) {
	case CFS_TYPE_FILE:
		if (ip->size > fs->max_file_blocks * fs->bs)
			return CORRUPT("cfs: inode %u: size %llu too large", ino,
				       (unsigned long long)ip->size);
		break;
	case CFS_TYPE_DIR:
		if (ip->nbuckets == 0 || ip->nbuckets > fs->dir_max_buckets)
			return CORRUPT("cfs: directory %u: %u buckets (1 to %u possible)", ino,
				       ip->nbuckets, fs->dir_max_buckets);
		if (ip->parent == 0 || ip->parent >= fs->sb.inode_count)
			return CORRUPT("cfs: directory %u: bad parent %u", ino, ip->parent);
		break;
	case CFS_TYPE_SYMLINK:
		if (ip->size == 0 || ip->size > CFS_SYMLINK_MAX ||
		    inline_link != (ip->size <= CFS_SYMLINK_INLINE_MAX))
			return CORRUPT("cfs: symlink %u: bad length %llu", ino,
				       (unsigned long long)ip->size);
		break;
	}
	return CAIRN_OK;
}

/*
 * Where logical block `lblk` hangs: the map slot, the number of indirect
 * levels below it, and the index at each level (idx[0] is the top one).
 */
static err_t map_path(const struct cfs *fs, uint64_t lblk, uint32_t *slot, uint32_t *levels,
		      uint32_t idx[3])
{
	uint64_t p = fs->ptrs;

	if (lblk >= fs->max_file_blocks)
		return CAIRN_ERR_FBIG;
	if (lblk < CFS_NDIRECT) {
		*slot = (uint32_t)lblk;
		*levels = 0;
		return CAIRN_OK;
	}
	lblk -= CFS_NDIRECT;
	if (lblk < p) {
		*slot = CFS_MAP_IND;
		*levels = 1;
		idx[0] = (uint32_t)lblk;
		return CAIRN_OK;
	}
	lblk -= p;
	if (lblk < p * p) {
		*slot = CFS_MAP_DIND;
		*levels = 2;
		idx[0] = (uint32_t)(lblk / p);
		idx[1] = (uint32_t)(lblk % p);
		return CAIRN_OK;
	}
	lblk -= p * p;
	*slot = CFS_MAP_TIND;
	*levels = 3;
	idx[0] = (uint32_t)(lblk / (p * p));
	idx[1] = (uint32_t)(lblk / p % p);
	idx[2] = (uint32_t)(lblk % p);
	return CAIRN_OK;
}

static err_t read_ind(struct cfs *fs, uint32_t ino, uint32_t ptr, uint32_t level,
		      struct cfs_buf **bp)
{
	struct cfs_indirect *ind;
	err_t err;

	if (!ptr_ok(fs, ptr))
		return CORRUPT("cfs: inode %u: indirect pointer %u out of range", ino, ptr);
	err = cfs_bread(fs, ptr, CFS_MAGIC_INDIRECT, bp);
	if (err)
		return err;
	ind = (struct cfs_indirect *)(void *)(*bp)->data;
	if (ind->ino != ino || ind->level != level)
		return CORRUPT("cfs: indirect block %u belongs to inode %u level %u, "
			       "expected inode %u level %u",
			       ptr, ind->ino, ind->level, ino, level);
	return CAIRN_OK;
}

static uint32_t *ind_ptrs(struct cfs_buf *b)
{
	return ((struct cfs_indirect *)(void *)b->data)->ptr;
}

err_t cfs_bmap(struct cfs *fs, uint32_t ino, uint64_t lblk, uint64_t *pblk)
{
	struct cfs_inode *ip;
	uint32_t slot, levels, idx[3], ptr;
	err_t err = cfs_inode_get(fs, ino, NULL, &ip);

	if (!err)
		err = map_path(fs, lblk, &slot, &levels, idx);
	if (err)
		return err;
	ptr = ip->map[slot];
	for (uint32_t l = 0; l < levels && ptr; l++) {
		struct cfs_buf *b;

		err = read_ind(fs, ino, ptr, levels - l, &b);
		if (err)
			return err;
		ptr = ind_ptrs(b)[idx[l]];
	}
	if (!ptr_ok(fs, ptr))
		return CORRUPT("cfs: inode %u: block pointer %u out of range", ino, ptr);
	*pblk = ptr;
	return CAIRN_OK;
}

static err_t new_ind(struct cfs *fs, uint32_t ino, uint32_t level, uint64_t goal,
		     uint32_t *out)
{
	struct cfs_buf *b;
	struct cfs_indirect *ind;
	uint64_t blk;
	err_t err = cfs_block_alloc(fs, goal, &blk);

	if (err)
		return err;
	err = cfs_bnew(fs, blk, &b);
	if (err)
		return err;
	ind = (struct cfs_indirect *)(void *)b->data;
	ind->hdr.magic = CFS_MAGIC_INDIRECT;
	ind->hdr.blockno = blk;
	ind->ino = ino;
	ind->level = level;
	*out = (uint32_t)blk;
	return CAIRN_OK;
}

err_t cfs_bmap_alloc(struct cfs *fs, uint32_t ino, uint64_t lblk, uint64_t goal,
		     uint64_t *pblk, bool *fresh)
{
	struct cfs_inode *ip;
	struct cfs_buf *ibuf, *parent = NULL;
	uint32_t slot, levels, idx[3], *where;
	uint64_t blk;
	err_t err = cfs_inode_get(fs, ino, &ibuf, &ip);

	if (!err)
		err = map_path(fs, lblk, &slot, &levels, idx);
	if (err)
		return err;
	*fresh = false;
	where = &ip->map[slot];
	for (uint32_t l = 0; l <= levels; l++) {
		uint32_t ptr = *where;
		struct cfs_buf *owner = l == 0 ? ibuf : parent;

		if (!ptr) {
			if (l == levels) {
				err = cfs_block_alloc(fs, goal, &blk);
				if (!err)
					cfs_bforget(fs, blk);
				ptr = (uint32_t)blk;
				*fresh = true;
			} else {
				err = new_ind(fs, ino, levels - l, goal, &ptr);
			}
			if (!err)
				err = cfs_buf_dirty(fs, owner);
			if (!err)
				err = cfs_buf_dirty(fs, ibuf);
			if (err)
				return err;
			*where = ptr;
			ip->blocks++;
		}
		if (l == levels) {
			if (!ptr_ok(fs, ptr))
				return CORRUPT("cfs: inode %u: block pointer %u out of range",
					       ino, ptr);
			*pblk = ptr;
			return CAIRN_OK;
		}
		err = read_ind(fs, ino, ptr, levels - l, &parent);
		if (err)
			return err;
		where = &ind_ptrs(parent)[idx[l]];
	}
	return CAIRN_ERR_INVAL; /* not reached */
}

/*
 * Free the blocks of the subtree at `ptr` (an indirect block of `level`)
 * whose index relative to the subtree is >= from. *all says the whole
 * subtree went (then the caller frees `ptr` itself).
 */
static err_t free_tree(struct cfs *fs, struct cfs_inode *ip, uint32_t ino, uint32_t ptr,
		       uint32_t level, uint64_t from, uint64_t *freed)
{
	uint64_t span = 1;
	struct cfs_buf *b;
	uint32_t first;
	err_t err;

	for (uint32_t l = 1; l < level; l++)
		span *= fs->ptrs;
	err = read_ind(fs, ino, ptr, level, &b);
	if (err)
		return err;
	first = (uint32_t)(from / span);
	for (uint32_t i = first; i < fs->ptrs; i++) {
		uint32_t child = ind_ptrs(b)[i];
		uint64_t child_from = (i == first) ? from - (uint64_t)i * span : 0;

		if (!child)
			continue;
		if (level > 1) {
			err = free_tree(fs, ip, ino, child, level - 1, child_from, freed);
			if (err)
				return err;
			if (child_from != 0)
				continue; /* partially kept */
		}
		err = cfs_block_free(fs, child);
		if (err)
			return err;
		(*freed)++;
		if (from != 0) {
			/* This block stays: clear the pointer in it. */
			err = cfs_buf_dirty(fs, b);
			if (err)
				return err;
			ind_ptrs(b)[i] = 0;
		}
	}
	return CAIRN_OK;
}

err_t cfs_bmap_truncate(struct cfs *fs, uint32_t ino, uint64_t from)
{
	static const uint32_t roots[3] = { CFS_MAP_IND, CFS_MAP_DIND, CFS_MAP_TIND };
	struct cfs_inode *ip;
	uint64_t base = CFS_NDIRECT, span = fs->ptrs, freed = 0;
	err_t err = cfs_inode_edit(fs, ino, &ip);

	if (err)
		return err;
	for (uint64_t i = from; i < CFS_NDIRECT; i++) {
		if (ip->map[i]) {
			err = cfs_block_free(fs, ip->map[i]);
			if (err)
				return err;
			ip->map[i] = 0;
			freed++;
		}
	}
	for (uint32_t r = 0; r < 3; r++, base += span, span *= fs->ptrs) {
		uint32_t ptr = ip->map[roots[r]];
		uint64_t rel = from > base ? from - base : 0;

		if (!ptr || rel >= span)
			continue;
		err = free_tree(fs, ip, ino, ptr, r + 1, rel, &freed);
		if (err)
			return err;
		if (rel == 0) {
			err = cfs_block_free(fs, ptr);
			if (err)
				return err;
			ip->map[roots[r]] = 0;
			freed++;
		}
	}
	if (freed > ip->blocks)
		return CORRUPT("cfs: inode %u: freed %llu blocks but owned %llu", ino,
			       (unsigned long long)freed, (unsigned long long)ip->blocks);
	ip->blocks -= freed;
	return CAIRN_OK;
}
