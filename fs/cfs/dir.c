// SPDX-License-Identifier: BSD-2-Clause
/*
 * Directories: linear hashing over bucket blocks.
 *
 * A directory's logical block b is its hash bucket b (the layout is in
 * include/fs/cfs_format.h). A name is found by hashing it (CRC32C seeded
 * per filesystem, then mixed), picking its bucket with the linear-hashing
 * rule and scanning that bucket's chain: one block almost always, so a
 * lookup in a directory of 100,000 entries reads one or two blocks.
 *
 * Growth is one bucket at a time: when the entries fill more than 3/4 of the
 * buckets' space, bucket s = nbuckets - 2^L is split into s and nbuckets,
 * rehashing its entries with one more bit. cfs_dir_maybe_split() does this
 * as an operation of its own after an insert, so a split that cannot be
 * done (no space, transaction full) costs nothing but a longer chain.
 * Overflow blocks absorb whatever does not fit; an emptied overflow block
 * is unlinked and freed. Buckets never merge (directories do not shrink,
 * as in ext4).
 *
 * Every block read is checked for owner, bucket and kind before an entry is
 * trusted, and every entry is bounds-checked as it is parsed, so a corrupt
 * directory yields CORRUPT, never an out-of-bounds read. Chains are walked
 * at most CHAIN_MAX steps, so a corrupt cycle cannot hang a lookup.
 */
#include "cfs_internal.h"

#define CHAIN_MAX 65535u
#define DIRBLK_HDR ((uint32_t)sizeof(struct cfs_dir_block))

static struct cfs_dir_block *dirblk(struct cfs_buf *b)
{
	return (struct cfs_dir_block *)(void *)b->data;
}

static err_t dirblk_read(struct cfs *fs, uint32_t dir, uint32_t bucket, uint64_t pblk,
			 bool overflow, struct cfs_buf **bp)
{
	struct cfs_dir_block *db;
	err_t err;

	if (pblk < fs->sb.data_start || pblk >= fs->nblocks)
		return CORRUPT("cfs: directory %u: bucket block %llu out of range", dir,
			       (unsigned long long)pblk);
	err = cfs_bread(fs, pblk, CFS_MAGIC_DIR, bp);
	if (err)
		return err;
	db = dirblk(*bp);
	if (db->ino != dir || db->bucket != bucket ||
	    !!(db->flags & CFS_DIRBLK_OVERFLOW) != overflow || db->used > fs->bs - DIRBLK_HDR ||
	    (db->next && (db->next < fs->sb.data_start || db->next >= fs->nblocks)))
		return CORRUPT("cfs: directory %u: block %llu does not belong to bucket %u",
			       dir, (unsigned long long)pblk, bucket);
	return CAIRN_OK;
}

static err_t dir_inode(struct cfs *fs, uint32_t dir, struct cfs_inode **ip)
{
	err_t err = cfs_inode_get(fs, dir, NULL, ip);

	if (err)
		return err;
	if ((*ip)->type != CFS_TYPE_DIR)
		return CAIRN_ERR_NOTDIR;
	if ((*ip)->nbuckets == 0 || (*ip)->nbuckets > fs->dir_max_buckets)
		return CORRUPT("cfs: directory %u: %u buckets (1 to %u possible)", dir,
			       (*ip)->nbuckets, fs->dir_max_buckets);
	return CAIRN_OK;
}

/* Find `name` in bucket `b`. *found_blk/off locate it; *prev is the block
 * before it in the chain (NULL for the primary). */
static err_t bucket_find(struct cfs *fs, uint32_t dir, uint32_t b, uint32_t hash,
			 const char *name, size_t len, struct cfs_buf **found_blk,
			 uint32_t *found_off, struct cfs_buf **prev)
{
	uint64_t pblk;
	struct cfs_buf *last = NULL;
	err_t err = cfs_bmap(fs, dir, b, &pblk);

	*found_blk = NULL;
	if (err)
		return err;
	for (uint32_t steps = 0; pblk; steps++) {
		struct cfs_buf *blk;
		uint32_t off = DIRBLK_HDR, end;

		if (steps > CHAIN_MAX)
			return CORRUPT("cfs: directory %u: bucket %u chain loops", dir, b);
		err = dirblk_read(fs, dir, b, pblk, steps > 0, &blk);
		if (err)
			return err;
		end = DIRBLK_HDR + dirblk(blk)->used;
		while (off < end) {
			uint32_t eino, ehash;
			uint8_t etype, elen;
			const char *ename;

			err = cfs_dir_entry_parse(blk->data, fs->bs, off, end, &eino, &ehash,
						  &etype, &ename, &elen);
			if (err)
				return CORRUPT("cfs: directory %u: bad entry in block %llu", dir,
					       (unsigned long long)pblk);
			if (ehash == hash && elen == len && memcmp(ename, name, len) == 0) {
				*found_blk = blk;
				*found_off = off;
				if (prev)
					*prev = last;
				return CAIRN_OK;
			}
			off += CFS_DIRENT_HDR + elen;
		}
		last = blk;
		pblk = dirblk(blk)->next;
	}
	return CAIRN_OK;
}

err_t cfs_dir_lookup(struct cfs *fs, uint32_t dir, const char *name, size_t len,
		     uint32_t *ino, uint8_t *type)
{
	struct cfs_inode *ip;
	struct cfs_buf *blk;
	uint32_t off, hash;
	err_t err = dir_inode(fs, dir, &ip);

	if (err)
		return err;
	hash = cfs_name_hash(fs->sb.hash_seed, name, len);
	err = bucket_find(fs, dir, cfs_dir_bucket_of(hash, ip->nbuckets), hash, name, len, &blk,
			  &off, NULL);
	if (err)
		return err;
	if (!blk)
		return CAIRN_ERR_NOENT;
	memcpy(ino, blk->data + off, 4);
	*type = blk->data[off + 8];
	return CAIRN_OK;
}

static void dirblk_init(struct cfs_buf *b, uint32_t dir, uint32_t bucket, bool overflow)
{
	struct cfs_dir_block *db = dirblk(b);

	db->hdr.magic = CFS_MAGIC_DIR;
	db->hdr.blockno = b->blockno;
	db->ino = dir;
	db->bucket = bucket;
	db->flags = overflow ? CFS_DIRBLK_OVERFLOW : 0;
}

/* Append an encoded entry to bucket `b`, extending the chain if needed. */
static err_t bucket_append(struct cfs *fs, uint32_t dir, uint32_t b, const uint8_t *ent,
			   uint32_t esize)
{
	uint64_t pblk, nblk;
	struct cfs_buf *blk = NULL, *nb;
	struct cfs_inode *ip;
	uint32_t steps = 0;
	bool fresh;
	err_t err = cfs_bmap(fs, dir, b, &pblk);

	if (err)
		return err;
	if (!pblk) {
		err = cfs_bmap_alloc(fs, dir, b, 0, &pblk, &fresh);
		if (!err)
			err = cfs_bnew(fs, pblk, &blk);
		if (err)
			return err;
		dirblk_init(blk, dir, b, false);
	} else {
		for (;; steps++) {
			if (steps >= CHAIN_MAX)
				return CAIRN_ERR_LIMIT;
			err = dirblk_read(fs, dir, b, pblk, steps > 0, &blk);
			if (err)
				return err;
			if (dirblk(blk)->used + esize <= fs->bs - DIRBLK_HDR)
				break;
			if (!dirblk(blk)->next) {
				/* Chain full: add an overflow block after `blk`. */
				err = cfs_block_alloc(fs, blk->blockno + 1, &nblk);
				if (!err)
					err = cfs_bnew(fs, nblk, &nb);
				if (!err)
					err = cfs_buf_dirty(fs, blk);
				if (!err)
					err = cfs_inode_edit(fs, dir, &ip);
				if (err)
					return err;
				dirblk_init(nb, dir, b, true);
				dirblk(blk)->next = (uint32_t)nblk;
				ip->blocks++;
				blk = nb;
				break;
			}
			pblk = dirblk(blk)->next;
		}
	}
	err = cfs_buf_dirty(fs, blk);
	if (err)
		return err;
	memcpy(blk->data + DIRBLK_HDR + dirblk(blk)->used, ent, esize);
	dirblk(blk)->used = (uint16_t)(dirblk(blk)->used + esize);
	dirblk(blk)->count++;
	return CAIRN_OK;
}

static uint32_t encode(uint8_t *ent, uint32_t ino, uint32_t hash, uint8_t type,
		       const char *name, size_t len)
{
	memcpy(ent, &ino, 4);
	memcpy(ent + 4, &hash, 4);
	ent[8] = type;
	ent[9] = (uint8_t)len;
	memcpy(ent + CFS_DIRENT_HDR, name, len);
	return CFS_DIRENT_HDR + (uint32_t)len;
}

err_t cfs_dir_insert(struct cfs *fs, uint32_t dir, const char *name, size_t len,
		     uint32_t ino, uint8_t type)
{
	uint8_t ent[CFS_DIRENT_HDR + CFS_NAME_MAX];
	struct cfs_inode *ip;
	struct cfs_buf *blk;
	uint32_t off, hash, b, esize;
	err_t err = dir_inode(fs, dir, &ip);

	if (err)
		return err;
	if (len == 0 || len > CFS_NAME_MAX)
		return CAIRN_ERR_NAMETOOLONG;
	hash = cfs_name_hash(fs->sb.hash_seed, name, len);
	b = cfs_dir_bucket_of(hash, ip->nbuckets);
	err = bucket_find(fs, dir, b, hash, name, len, &blk, &off, NULL);
	if (err)
		return err;
	if (blk)
		return CAIRN_ERR_EXIST;
	esize = encode(ent, ino, hash, type, name, len);
	err = bucket_append(fs, dir, b, ent, esize);
	if (!err)
		err = cfs_inode_edit(fs, dir, &ip);
	if (err)
		return err;
	ip->size++;
	ip->dir_bytes += esize;
	ip->mtime_ns = ip->ctime_ns = cfs_now(fs);
	return CAIRN_OK;
}

err_t cfs_dir_remove(struct cfs *fs, uint32_t dir, const char *name, size_t len)
{
	struct cfs_inode *ip;
	struct cfs_buf *blk, *prev;
	struct cfs_dir_block *db;
	uint32_t off, hash, esize;
	err_t err = dir_inode(fs, dir, &ip);

	if (err)
		return err;
	hash = cfs_name_hash(fs->sb.hash_seed, name, len);
	err = bucket_find(fs, dir, cfs_dir_bucket_of(hash, ip->nbuckets), hash, name, len, &blk,
			  &off, &prev);
	if (err)
		return err;
	if (!blk)
		return CAIRN_ERR_NOENT;
	err = cfs_buf_dirty(fs, blk);
	if (!err)
		err = cfs_inode_edit(fs, dir, &ip);
	if (err)
		return err;
	db = dirblk(blk);
	esize = CFS_DIRENT_HDR + blk->data[off + 9];
	if (ip->size == 0 || ip->dir_bytes < esize || db->count == 0)
		return CORRUPT("cfs: directory %u: entry counts out of step", dir);
	memmove(blk->data + off, blk->data + off + esize, DIRBLK_HDR + db->used - off - esize);
	db->used = (uint16_t)(db->used - esize);
	db->count--;
	memset(blk->data + DIRBLK_HDR + db->used, 0, esize);
	ip->size--;
	ip->dir_bytes -= esize;
	ip->mtime_ns = ip->ctime_ns = cfs_now(fs);
	if (db->count == 0 && (db->flags & CFS_DIRBLK_OVERFLOW) && prev) {
		/* Unlink the emptied overflow block from its chain. */
		err = cfs_buf_dirty(fs, prev);
		if (!err)
			err = cfs_block_free(fs, blk->blockno);
		if (err)
			return err;
		dirblk(prev)->next = db->next;
		ip->blocks--;
	}
	return CAIRN_OK;
}

err_t cfs_dir_maybe_split(struct cfs *fs, uint32_t dir)
{
	struct cfs_inode *ip;
	struct cfs_buf *blk;
	uint64_t pblk, next;
	uint32_t nb, lo = 1, s, used = 0, chain = 0;
	uint8_t *ents = NULL;
	err_t err = dir_inode(fs, dir, &ip);

	if (err)
		return err;
	nb = ip->nbuckets;
	if (ip->dir_bytes <= (uint64_t)nb * (fs->bs - DIRBLK_HDR) * 3 / 4 ||
	    nb >= fs->dir_max_buckets)
		return CAIRN_OK;
	while (lo <= nb / 2)
		lo <<= 1;
	s = nb - lo;
	err = cfs_bmap(fs, dir, s, &pblk);
	if (err)
		return err;
	/* Gather the chain's entries (and size the transaction). */
	for (next = pblk; next; chain++) {
		if (chain > CHAIN_MAX)
			return CORRUPT("cfs: directory %u: bucket %u chain loops", dir, s);
		err = dirblk_read(fs, dir, s, next, chain > 0, &blk);
		if (err)
			return err;
		used += dirblk(blk)->used;
		next = dirblk(blk)->next;
	}
	if (fs->ndirty + 2 * chain + 2 * CFS_TXN_PER_BLOCK + 4 > fs->txn_max)
		return CAIRN_OK; /* retried at a later insert */
	if (used) {
		ents = kmalloc(used);
		if (!ents)
			return CAIRN_ERR_NOMEM;
	}
	used = 0;
	err = cfs_inode_edit(fs, dir, &ip);
	for (next = pblk, chain = 0; next && !err; chain++) {
		struct cfs_dir_block *db;

		err = dirblk_read(fs, dir, s, next, chain > 0, &blk);
		if (err)
			break;
		db = dirblk(blk);
		if (db->used)
			memcpy(ents + used, blk->data + DIRBLK_HDR, db->used);
		used += db->used;
		next = db->next;
		if (chain == 0) {
			err = cfs_buf_dirty(fs, blk);
			if (err)
				break;
			memset(blk->data + DIRBLK_HDR, 0, fs->bs - DIRBLK_HDR);
			db->used = 0;
			db->count = 0;
			db->next = 0;
		} else {
			err = cfs_block_free(fs, blk->blockno);
			ip->blocks--;
		}
	}
	if (err)
		goto out;
	ip->nbuckets = nb + 1;
	for (uint32_t off = 0; off < used;) {
		uint32_t eino, ehash;
		uint8_t etype, elen;
		const char *ename;

		/* Already parsed by bucket_find when inserted; re-check anyway. */
		err = cfs_dir_entry_parse(ents, used, off, used, &eino, &ehash, &etype, &ename,
					  &elen);
		if (err) {
			err = CORRUPT("cfs: directory %u: bad entry while splitting", dir);
			break;
		}
		err = bucket_append(fs, dir, cfs_dir_bucket_of(ehash, nb + 1), ents + off,
				    CFS_DIRENT_HDR + elen);
		if (err)
			break;
		off += CFS_DIRENT_HDR + elen;
	}
out:
	kfree(ents);
	return err;
}

err_t cfs_dir_next(struct cfs *fs, uint32_t dir, uint64_t *cookie, uint32_t *ino,
		   uint8_t *type, char *name, uint8_t *name_len)
{
	struct cfs_inode *ip;
	uint32_t b = (uint32_t)(*cookie >> 32);
	uint32_t pos = (uint32_t)(*cookie >> 16) & 0xffff;
	uint32_t idx = (uint32_t)*cookie & 0xffff;
	err_t err = dir_inode(fs, dir, &ip);

	if (err)
		return err;
	for (; b < ip->nbuckets; b++, pos = 0, idx = 0) {
		uint64_t pblk;
		uint32_t step = 0;

		err = cfs_bmap(fs, dir, b, &pblk);
		if (err)
			return err;
		while (pblk) {
			struct cfs_buf *blk;
			uint32_t off = DIRBLK_HDR, end, i = 0;

			err = dirblk_read(fs, dir, b, pblk, step > 0, &blk);
			if (err)
				return err;
			end = DIRBLK_HDR + dirblk(blk)->used;
			if (step == pos) {
				while (off < end) {
					uint32_t eino, ehash;
					uint8_t etype, elen;
					const char *ename;

					err = cfs_dir_entry_parse(blk->data, fs->bs, off, end, &eino,
								  &ehash, &etype, &ename, &elen);
					if (err)
						return CORRUPT("cfs: directory %u: bad entry", dir);
					if (i == idx) {
						*ino = eino;
						*type = etype;
						memcpy(name, ename, elen);
						name[elen] = '\0';
						*name_len = elen;
						*cookie = ((uint64_t)b << 32) | ((uint64_t)pos << 16) |
							  (idx + 1);
						return CAIRN_OK;
					}
					off += CFS_DIRENT_HDR + elen;
					i++;
				}
				pos++;
				idx = 0;
			}
			if (++step > CHAIN_MAX)
				return CORRUPT("cfs: directory %u: bucket %u chain loops", dir, b);
			pblk = dirblk(blk)->next;
		}
	}
	*cookie = (uint64_t)ip->nbuckets << 32;
	return CAIRN_ERR_NOENT;
}

err_t cfs_dir_release(struct cfs *fs, uint32_t dir)
{
	struct cfs_inode *ip;
	err_t err = dir_inode(fs, dir, &ip);
	uint32_t nb;

	if (err)
		return err;
	nb = ip->nbuckets;
	for (uint32_t b = 0; b < nb; b++) {
		uint64_t pblk;
		struct cfs_buf *blk;
		uint32_t steps = 0;

		err = cfs_bmap(fs, dir, b, &pblk);
		if (err)
			return err;
		if (!pblk)
			continue;
		err = dirblk_read(fs, dir, b, pblk, false, &blk);
		if (err)
			return err;
		/* Overflow blocks hang off the primary; the map frees the rest. */
		for (uint64_t o = dirblk(blk)->next; o; steps++) {
			struct cfs_buf *ob;

			if (steps > CHAIN_MAX)
				return CORRUPT("cfs: directory %u: chain loops", dir);
			err = dirblk_read(fs, dir, b, o, true, &ob);
			if (!err)
				err = cfs_block_free(fs, o);
			if (!err)
				err = cfs_inode_edit(fs, dir, &ip);
			if (err)
				return err;
			ip->blocks--;
			o = dirblk(ob)->next;
		}
	}
	return cfs_bmap_truncate(fs, dir, 0);
}
