// SPDX-License-Identifier: BSD-2-Clause
/*
 * Regular files: open, close, read, write, truncate, fsync, fstat.
 *
 * Data is not journaled and not cached: cfs_write() writes each block in
 * place before it returns (whole blocks straight from the caller's buffer,
 * contiguous runs in one device call; partial blocks read-modify-write),
 * and the metadata that makes new blocks reachable (block map, bitmap,
 * size) joins the running transaction. Since a commit flushes the device
 * before it writes its commit record, the data always reaches the disk
 * before the metadata that points at it: ordered mode.
 *
 * A large write is split into operations that each fit in the transaction
 * (the transaction commits between them when full); each operation first
 * makes sure enough blocks are free for what it maps, so running out of
 * space stops the write short with NOSPC and everything before it intact.
 *
 * Bytes past the end of file inside the last block are garbage on disk;
 * they are zeroed when the file grows over them (zero_tail), so they never
 * become visible.
 */
#include "cfs_internal.h"

#define RUN_MAX 256u   /* blocks per device call */

static err_t file_open_ino(struct cfs *fs, uint32_t ino, uint32_t flags, struct cfs_file **out)
{
	struct cfs_file *f = kzalloc(sizeof(*f));

	if (!f)
		return CAIRN_ERR_NOMEM;
	f->fs = fs;
	f->ino = ino;
	f->flags = flags;
	f->next = fs->files;
	fs->files = f;
	*out = f;
	return CAIRN_OK;
}

err_t cfs_open(struct cfs *fs, const char *path, uint32_t flags, struct cfs_file **out)
{
	struct cfs_stat st;
	uint32_t ino;
	err_t err;

	if (!out || (flags & ~(CFS_O_READ | CFS_O_WRITE | CFS_O_CREATE | CFS_O_EXCL | CFS_O_TRUNC)) ||
	    !(flags & (CFS_O_READ | CFS_O_WRITE)) ||
	    ((flags & CFS_O_TRUNC) && !(flags & CFS_O_WRITE)) ||
	    ((flags & CFS_O_EXCL) && !(flags & CFS_O_CREATE)))
		return CAIRN_ERR_INVAL;
	if ((flags & (CFS_O_WRITE | CFS_O_CREATE)) && fs->read_only)
		return CAIRN_ERR_ROFS;
	err = cfs_lookup_path(fs, path, &ino);
	if (err == CAIRN_ERR_NOENT && (flags & CFS_O_CREATE))
		err = cfs_create_node(fs, path, CFS_TYPE_FILE, &ino);
	else if (err == CAIRN_OK && (flags & CFS_O_EXCL))
		err = CAIRN_ERR_EXIST;
	if (!err)
		err = cfs_stat_ino(fs, ino, &st);
	if (!err && st.type == CFS_DIR)
		err = CAIRN_ERR_ISDIR;
	else if (!err && st.type != CFS_FILE)
		err = CAIRN_ERR_INVAL;
	if (!err)
		err = file_open_ino(fs, ino, flags, out);
	if (!err && (flags & CFS_O_TRUNC) && st.size) {
		err = cfs_truncate(*out, 0);
		if (err) {
			cfs_close(*out);
			*out = NULL;
		}
	}
	cfs_bcache_trim(fs);
	return cfs_note(fs, err);
}

err_t cfs_create(struct cfs *fs, const char *path, struct cfs_file **out)
{
	return cfs_open(fs, path, CFS_O_READ | CFS_O_WRITE | CFS_O_CREATE | CFS_O_EXCL, out);
}

void cfs_close(struct cfs_file *f)
{
	struct cfs_file **pp;

	if (!f)
		return;
	for (pp = &f->fs->files; *pp; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	}
	kfree(f);
}

err_t cfs_fstat(struct cfs_file *f, struct cfs_stat *st)
{
	err_t err = cfs_stat_ino(f->fs, f->ino, st);

	cfs_bcache_trim(f->fs);
	return err;
}

err_t cfs_fsync(struct cfs_file *f)
{
	return cfs_sync(f->fs);
}

/* ---- Reading ----------------------------------------------------------- */

err_t cfs_read(struct cfs_file *f, uint64_t off, void *buf, size_t len, size_t *done)
{
	struct cfs *fs = f->fs;
	struct cfs_inode *ip;
	uint8_t *dst = buf;
	uint64_t size, end;
	err_t err;

	*done = 0;
	if (!(f->flags & CFS_O_READ))
		return CAIRN_ERR_ACCESS;
	err = cfs_inode_get(fs, f->ino, NULL, &ip);
	if (!err)
		err = cfs_inode_check(fs, f->ino, ip);
	if (err)
		return cfs_note(fs, err);
	size = ip->size;
	if (off >= size || len == 0)
		return CAIRN_OK;
	end = off + MIN((uint64_t)len, size - off);
	while (off < end) {
		uint64_t lb = off / fs->bs, pb;
		uint32_t boff = (uint32_t)(off % fs->bs);
		uint64_t n = MIN((uint64_t)fs->bs - boff, end - off);

		err = cfs_bmap(fs, f->ino, lb, &pb);
		if (err)
			break;
		if (!pb) {
			memset(dst, 0, n);
		} else if (boff == 0 && n == fs->bs) {
			/* A run of whole, physically contiguous blocks: one call. */
			uint32_t run = 1;

			while (run < RUN_MAX && off + (uint64_t)(run + 1) * fs->bs <= end) {
				uint64_t next;

				err = cfs_bmap(fs, f->ino, lb + run, &next);
				if (err || next != pb + run)
					break;
				run++;
			}
			err = cfs_dev_read(fs, pb, run, dst);
			if (err)
				break;
			n = (uint64_t)run * fs->bs;
		} else {
			err = cfs_dev_read(fs, pb, 1, fs->scratch);
			if (err)
				break;
			memcpy(dst, fs->scratch + boff, n);
		}
		dst += n;
		off += n;
		*done += n;
	}
	cfs_bcache_trim(fs);
	return cfs_note(fs, err);
}

/* ---- Writing ------------------------------------------------------------ */

/* Zero the garbage past the old end of file in its last block. */
static err_t zero_tail(struct cfs *fs, uint32_t ino, uint64_t old_size)
{
	uint32_t boff = (uint32_t)(old_size % fs->bs);
	uint64_t pb;
	err_t err;

	if (boff == 0)
		return CAIRN_OK;
	err = cfs_bmap(fs, ino, old_size / fs->bs, &pb);
	if (err || !pb)
		return err;
	err = cfs_dev_read(fs, pb, 1, fs->scratch);
	if (err)
		return err;
	memset(fs->scratch + boff, 0, fs->bs - boff);
	return cfs_dev_write(fs, pb, 1, fs->scratch);
}

/* Blocks mapping logical block `lb` may need: the block and its indirects. */
static uint32_t need_for(const struct cfs *fs, uint64_t lb)
{
	uint64_t p = fs->ptrs;

	if (lb < CFS_NDIRECT)
		return 1;
	lb -= CFS_NDIRECT;
	if (lb < p)
		return 2;
	lb -= p;
	return lb < p * p ? 3 : 4;
}

/* One operation's worth of a write: as many blocks as fit. */
static err_t write_chunk(struct cfs_file *f, uint64_t off, const uint8_t *src, size_t len,
			 size_t *done)
{
	struct cfs *fs = f->fs;
	struct cfs_inode *ip;
	uint64_t goal = 0, pos = off;
	size_t left = len;
	err_t err;

	err = cfs_inode_edit(fs, f->ino, &ip);
	if (!err)
		err = cfs_inode_check(fs, f->ino, ip);
	if (!err && off > ip->size)
		err = zero_tail(fs, f->ino, ip->size);
	if (err)
		return err;
	while (left && fs->ndirty + CFS_TXN_PER_BLOCK + 2 <= fs->txn_max) {
		uint64_t lb = pos / fs->bs, pb;
		uint32_t boff = (uint32_t)(pos % fs->bs);
		size_t n = (size_t)MIN((uint64_t)fs->bs - boff, (uint64_t)left);
		bool fresh;

		if (fs->bfree < need_for(fs, lb)) {
			uint64_t have;

			/* Out of space unless the block is already mapped. */
			err = cfs_bmap(fs, f->ino, lb, &have);
			if (err)
				return err;
			if (!have) {
				if (pos == off)
					return CAIRN_ERR_NOSPC;
				break;
			}
		}
		err = cfs_bmap_alloc(fs, f->ino, lb, goal, &pb, &fresh);
		if (err)
			return err;
		if (n == fs->bs) {
			/* Gather a run of whole blocks contiguous on disk. A block
			 * that lands elsewhere ends the run but is written too, so
			 * no mapped block is left unwritten. */
			uint32_t run = 1;
			uint64_t last = pb, next;

			while (run < RUN_MAX && left >= (size_t)(run + 1) * fs->bs &&
			       fs->ndirty + CFS_TXN_PER_BLOCK + 2 <= fs->txn_max &&
			       fs->bfree >= need_for(fs, lb + run)) {
				err = cfs_bmap_alloc(fs, f->ino, lb + run, pb + run, &next, &fresh);
				if (err)
					return err;
				if (next != pb + run) {
					err = cfs_dev_write(fs, next, 1, src + (size_t)run * fs->bs);
					if (err)
						return err;
					last = next;
					run++;
					break;
				}
				last = next;
				run++;
			}
			err = cfs_dev_write(fs, pb, last == pb + run - 1 ? run : run - 1, src);
			if (err)
				return err;
			n = (size_t)run * fs->bs;
			pb = last;
		} else {
			if (fresh)
				memset(fs->scratch, 0, fs->bs);
			else
				err = cfs_dev_read(fs, pb, 1, fs->scratch);
			if (err)
				return err;
			memcpy(fs->scratch + boff, src, n);
			err = cfs_dev_write(fs, pb, 1, fs->scratch);
			if (err)
				return err;
		}
		goal = pb + 1;
		src += n;
		pos += n;
		left -= n;
	}
	if (pos > ip->size)
		ip->size = pos;
	ip->mtime_ns = ip->ctime_ns = cfs_now(fs);
	*done = len - left;
	return CAIRN_OK;
}

err_t cfs_write(struct cfs_file *f, uint64_t off, const void *buf, size_t len, size_t *done)
{
	struct cfs *fs = f->fs;
	const uint8_t *src = buf;
	uint64_t end;
	err_t err = CAIRN_OK;

	*done = 0;
	if (!(f->flags & CFS_O_WRITE))
		return CAIRN_ERR_ACCESS;
	if (fs->read_only)
		return CAIRN_ERR_ROFS;
	if (fs->failed)
		return CAIRN_ERR_IO;
	if (len == 0)
		return CAIRN_OK;
	if (add_overflows(off, (uint64_t)len, &end) || end > fs->max_file_blocks * fs->bs)
		return CAIRN_ERR_FBIG;
	while (*done < len) {
		size_t n = 0;

		err = cfs_txn_reserve(fs, 2 * CFS_TXN_PER_BLOCK + 4);
		if (err)
			break;
		cfs_op_begin(fs);
		err = cfs_op_end(fs, write_chunk(f, off + *done, src + *done, len - *done, &n));
		if (err)
			break;
		*done += n;
		if (n == 0) {
			err = CAIRN_ERR_NOSPC;
			break;
		}
		if (*done < len && fs->bfree == 0) {
			err = CAIRN_ERR_NOSPC;
			break;
		}
	}
	return err;
}

err_t cfs_truncate(struct cfs_file *f, uint64_t size)
{
	struct cfs *fs = f->fs;
	struct cfs_inode *ip;
	err_t err;

	if (!(f->flags & CFS_O_WRITE))
		return CAIRN_ERR_ACCESS;
	if (fs->read_only)
		return CAIRN_ERR_ROFS;
	if (fs->failed)
		return CAIRN_ERR_IO;
	if (size > fs->max_file_blocks * fs->bs)
		return CAIRN_ERR_FBIG;
	err = cfs_txn_reserve(fs, cfs_txn_need_free_all(&fs->sb));
	if (err)
		return err;
	cfs_op_begin(fs);
	err = cfs_inode_edit(fs, f->ino, &ip);
	if (!err)
		err = cfs_inode_check(fs, f->ino, ip);
	if (!err && size < ip->size)
		err = cfs_bmap_truncate(fs, f->ino, size / fs->bs + (size % fs->bs != 0));
	else if (!err && size > ip->size)
		err = zero_tail(fs, f->ino, ip->size);
	if (!err) {
		ip->size = size;
		ip->mtime_ns = ip->ctime_ns = cfs_now(fs);
	}
	return cfs_op_end(fs, err);
}
