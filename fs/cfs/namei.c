// SPDX-License-Identifier: BSD-2-Clause
/*
 * Path resolution and the namespace operations: create, mkdir, rmdir,
 * unlink, rename, symlink, setattr, readlink, stat, readdir.
 *
 * Each changing call follows "validate fully, then act": it resolves and
 * checks everything it can (existence, types, emptiness, open files, loops)
 * before opening its operation; inside the operation any failure (NOSPC,
 * NOMEM, CORRUPT, IO) rolls the whole call back (bcache.c), so a namespace
 * call is all-or-nothing in memory and, through the journal, on disk:
 * rename in particular is atomic across a power cut.
 *
 * Each call reserves its worst case in the running transaction first
 * (cfs_txn_reserve), which may commit the transaction before the call
 * starts. Growing a directory's hash table is a separate, optional
 * operation after the insert (cfs_dir_maybe_split).
 */
#include "cfs_internal.h"

/* ---- Paths ----------------------------------------------------------------- */

struct cfs_path_last {
	uint32_t dir;
	const char *name;
	size_t len;
};

static bool is_dot(const char *s, size_t n)
{
	return (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.');
}

static err_t load_checked(struct cfs *fs, uint32_t ino, struct cfs_inode **ip)
{
	err_t err = cfs_inode_get(fs, ino, NULL, ip);

	if (!err)
		err = cfs_inode_check(fs, ino, *ip);
	return err;
}

/*
 * Resolve `path`. With `last` non-NULL the final component is not looked
 * up but returned (its directory resolved): it must be a real name.
 */
static err_t walk(struct cfs *fs, const char *path, uint32_t *ino_out,
		  struct cfs_path_last *last)
{
	uint32_t cur = CFS_ROOT_INO;
	size_t plen;
	const char *p;
	err_t err;

	if (!path || path[0] != '/')
		return CAIRN_ERR_INVAL;
	plen = strnlen(path, CFS_PATH_MAX + 1);
	if (plen > CFS_PATH_MAX)
		return CAIRN_ERR_NAMETOOLONG;
	p = path;
	for (;;) {
		const char *c, *e;
		size_t n;
		struct cfs_inode *ip;
		uint32_t next;
		uint8_t type;

		while (*p == '/')
			p++;
		c = p;
		while (*p && *p != '/')
			p++;
		e = p;
		n = (size_t)(e - c);
		while (*p == '/')
			p++;
		if (n > CFS_NAME_MAX)
			return CAIRN_ERR_NAMETOOLONG;
		if (n == 0) {
			/* The path was "/" (or ended in slashes after it). */
			if (last)
				return CAIRN_ERR_INVAL;
			*ino_out = cur;
			return CAIRN_OK;
		}
		err = load_checked(fs, cur, &ip);
		if (err)
			return err;
		if (ip->type != CFS_TYPE_DIR)
			return CAIRN_ERR_NOTDIR;
		if (last && *p == '\0') {
			if (is_dot(c, n))
				return CAIRN_ERR_INVAL;
			last->dir = cur;
			last->name = c;
			last->len = n;
			return CAIRN_OK;
		}
		if (n == 1 && c[0] == '.') {
			next = cur;
		} else if (n == 2 && c[0] == '.' && c[1] == '.') {
			next = ip->parent;
		} else {
			err = cfs_dir_lookup(fs, cur, c, n, &next, &type);
			if (err)
				return err;
		}
		cur = next;
		if (*p == '\0') {
			*ino_out = cur;
			return CAIRN_OK;
		}
	}
}

bool cfs_ino_is_open(struct cfs *fs, uint32_t ino)
{
	for (struct cfs_file *f = fs->files; f; f = f->next)
		if (f->ino == ino)
			return true;
	return false;
}

static err_t begin(struct cfs *fs, uint32_t reserve)
{
	err_t err;

	if (fs->failed)
		return CAIRN_ERR_IO;
	if (fs->read_only)
		return CAIRN_ERR_ROFS;
	err = cfs_txn_reserve(fs, reserve);
	if (err)
		return err;
	cfs_op_begin(fs);
	return CAIRN_OK;
}

/* Grow a directory after an insert; failures only mean "not now". */
static void after_insert(struct cfs *fs, uint32_t dir)
{
	if (fs->failed || cfs_txn_reserve(fs, 8) != CAIRN_OK)
		return;
	cfs_op_begin(fs);
	(void)cfs_op_end(fs, cfs_dir_maybe_split(fs, dir));
}

/* ---- Creating ------------------------------------------------------------ */

/* New inode of `type` named `last`, inside an operation. */
static err_t make_node(struct cfs *fs, const struct cfs_path_last *last, uint16_t type,
		       uint16_t perm, uint32_t *ino_out)
{
	struct cfs_inode *ip;
	uint32_t ino, gen;
	uint64_t now = cfs_now(fs);
	err_t err = cfs_inode_alloc(fs, &ino);

	if (!err)
		err = cfs_inode_edit(fs, ino, &ip);
	if (err)
		return err;
	if (ip->type != CFS_TYPE_FREE)
		return CORRUPT("cfs: inode %u is marked free but in use", ino);
	gen = ip->generation + 1;
	memset(ip, 0, sizeof(*ip));
	ip->type = type;
	ip->perm = perm;
	ip->nlink = 1;
	ip->generation = gen;
	ip->mtime_ns = ip->ctime_ns = now;
	if (type == CFS_TYPE_DIR) {
		struct cfs_inode *pp;

		ip->nlink = 2;
		ip->nbuckets = 1;
		ip->parent = last->dir;
		err = cfs_inode_edit(fs, last->dir, &pp);
		if (err)
			return err;
		pp->nlink++;
	}
	err = cfs_dir_insert(fs, last->dir, last->name, last->len, ino, (uint8_t)type);
	if (err)
		return err;
	*ino_out = ino;
	return CAIRN_OK;
}

err_t cfs_create_node(struct cfs *fs, const char *path, uint16_t type, uint32_t *ino)
{
	struct cfs_path_last last;
	uint32_t existing;
	uint8_t etype;
	err_t err;

	err = begin(fs, CFS_TXN_DIR_CHANGE + 6);
	if (err)
		return err;
	err = walk(fs, path, NULL, &last);
	if (!err) {
		err = cfs_dir_lookup(fs, last.dir, last.name, last.len, &existing, &etype);
		if (err == CAIRN_OK)
			err = CAIRN_ERR_EXIST;
		else if (err == CAIRN_ERR_NOENT)
			err = make_node(fs, &last, type, type == CFS_TYPE_DIR ? 0755 : 0644, ino);
	}
	err = cfs_op_end(fs, err);
	if (!err)
		after_insert(fs, last.dir);
	return err;
}

err_t cfs_mkdir(struct cfs *fs, const char *path)
{
	uint32_t ino;

	return cfs_create_node(fs, path, CFS_TYPE_DIR, &ino);
}

err_t cfs_symlink(struct cfs *fs, const char *target, const char *path)
{
	struct cfs_path_last last;
	struct cfs_inode *ip;
	uint32_t ino = 0, existing;
	uint8_t etype;
	size_t len;
	err_t err;

	if (!target)
		return CAIRN_ERR_INVAL;
	len = strnlen(target, CFS_SYMLINK_MAX + 1);
	if (len == 0)
		return CAIRN_ERR_INVAL;
	if (len > CFS_SYMLINK_MAX)
		return CAIRN_ERR_NAMETOOLONG;
	err = begin(fs, CFS_TXN_DIR_CHANGE + 6 + 4 * CFS_TXN_PER_BLOCK);
	if (err)
		return err;
	err = walk(fs, path, NULL, &last);
	if (!err) {
		err = cfs_dir_lookup(fs, last.dir, last.name, last.len, &existing, &etype);
		if (err == CAIRN_OK)
			err = CAIRN_ERR_EXIST;
		else if (err == CAIRN_ERR_NOENT)
			err = make_node(fs, &last, CFS_TYPE_SYMLINK, 0777, &ino);
	}
	if (!err)
		err = cfs_inode_edit(fs, ino, &ip);
	if (!err && len <= CFS_SYMLINK_INLINE_MAX) {
		memcpy(ip->map, target, len);
		ip->flags |= CFS_INODE_INLINE_SYMLINK;
	}
	for (uint64_t off = 0; !err && len > CFS_SYMLINK_INLINE_MAX && off < len; off += fs->bs) {
		uint64_t pblk;
		bool fresh;
		size_t n = MIN((size_t)fs->bs, len - off);

		err = cfs_bmap_alloc(fs, ino, off / fs->bs, 0, &pblk, &fresh);
		if (err)
			break;
		memset(fs->scratch, 0, fs->bs);
		memcpy(fs->scratch, target + off, n);
		err = cfs_dev_write(fs, pblk, 1, fs->scratch);
	}
	if (!err)
		ip->size = len;
	err = cfs_op_end(fs, err);
	if (!err)
		after_insert(fs, last.dir);
	return err;
}

/* ---- Removing ------------------------------------------------------------- */

/* Drop one link of `ino` (named in a directory just removed); frees it at
 * zero. Inside an operation. */
static err_t drop_link(struct cfs *fs, uint32_t ino, uint32_t parent)
{
	struct cfs_inode *ip, *pp;
	err_t err = cfs_inode_edit(fs, ino, &ip);

	if (err)
		return err;
	if (ip->type == CFS_TYPE_DIR) {
		err = cfs_dir_release(fs, ino);
		if (!err)
			err = cfs_inode_edit(fs, parent, &pp);
		if (err)
			return err;
		if (pp->nlink <= 2)
			return CORRUPT("cfs: directory %u: link count too low", parent);
		pp->nlink--;
		ip->nlink = 0;
	} else {
		if (ip->nlink == 0)
			return CORRUPT("cfs: inode %u: link count underflow", ino);
		ip->nlink--;
		ip->ctime_ns = cfs_now(fs);
		if (ip->nlink)
			return CAIRN_OK;
		if (!(ip->flags & CFS_INODE_INLINE_SYMLINK)) {
			err = cfs_bmap_truncate(fs, ino, 0);
			if (err)
				return err;
		}
	}
	if (ip->blocks != 0)
		return CORRUPT("cfs: inode %u: %llu blocks left after release", ino,
			       (unsigned long long)ip->blocks);
	err = cfs_inode_free(fs, ino);
	if (err)
		return err;
	{
		uint32_t gen = ip->generation;

		memset(ip, 0, sizeof(*ip));
		ip->generation = gen;
	}
	return CAIRN_OK;
}

static err_t remove_common(struct cfs *fs, const char *path, bool want_dir)
{
	struct cfs_path_last last;
	struct cfs_inode *ip;
	uint32_t ino;
	uint8_t type;
	err_t err;

	err = begin(fs, cfs_txn_need_free_all(&fs->sb));
	if (err)
		return err;
	err = walk(fs, path, NULL, &last);
	if (!err)
		err = cfs_dir_lookup(fs, last.dir, last.name, last.len, &ino, &type);
	if (!err)
		err = load_checked(fs, ino, &ip);
	if (err)
		goto out;
	if (want_dir && ip->type != CFS_TYPE_DIR)
		err = CAIRN_ERR_NOTDIR;
	else if (!want_dir && ip->type == CFS_TYPE_DIR)
		err = CAIRN_ERR_ISDIR;
	else if (want_dir && ip->size != 0)
		err = CAIRN_ERR_NOTEMPTY;
	else if (cfs_ino_is_open(fs, ino))
		err = CAIRN_ERR_BUSY;
	if (err)
		goto out;
	err = cfs_dir_remove(fs, last.dir, last.name, last.len);
	if (!err)
		err = drop_link(fs, ino, last.dir);
out:
	return cfs_op_end(fs, err);
}

err_t cfs_unlink(struct cfs *fs, const char *path)
{
	return remove_common(fs, path, false);
}

err_t cfs_rmdir(struct cfs *fs, const char *path)
{
	return remove_common(fs, path, true);
}

/* Is directory `anc` `dir` itself or one of its ancestors? */
static err_t is_ancestor(struct cfs *fs, uint32_t anc, uint32_t dir, bool *yes)
{
	for (uint32_t steps = 0; steps < fs->sb.inode_count; steps++) {
		struct cfs_inode *ip;
		err_t err;

		if (dir == anc) {
			*yes = true;
			return CAIRN_OK;
		}
		if (dir == CFS_ROOT_INO) {
			*yes = false;
			return CAIRN_OK;
		}
		err = load_checked(fs, dir, &ip);
		if (err)
			return err;
		dir = ip->parent;
	}
	return CORRUPT("cfs: directory parents form a loop");
}

err_t cfs_rename(struct cfs *fs, const char *from, const char *to)
{
	struct cfs_path_last a, b;
	struct cfs_inode *sip, *dip;
	uint32_t sino, dino = 0;
	uint8_t stype, dtype;
	bool loop = false;
	err_t err;

	err = begin(fs, cfs_txn_need_rename(&fs->sb));
	if (err)
		return err;
	err = walk(fs, from, NULL, &a);
	if (!err)
		err = walk(fs, to, NULL, &b);
	if (!err)
		err = cfs_dir_lookup(fs, a.dir, a.name, a.len, &sino, &stype);
	if (!err)
		err = load_checked(fs, sino, &sip);
	if (err)
		goto out;
	err = cfs_dir_lookup(fs, b.dir, b.name, b.len, &dino, &dtype);
	if (err == CAIRN_ERR_NOENT) {
		dino = 0;
		err = CAIRN_OK;
	}
	if (err)
		goto out;
	if (dino == sino)
		goto out; /* the same entry (or a second name of it): nothing to do */
	if (sip->type == CFS_TYPE_DIR) {
		err = is_ancestor(fs, sino, b.dir, &loop);
		if (!err && loop)
			err = CAIRN_ERR_INVAL;
		if (err)
			goto out;
	}
	if (dino) {
		err = load_checked(fs, dino, &dip);
		if (err)
			goto out;
		if (sip->type == CFS_TYPE_DIR && dip->type != CFS_TYPE_DIR)
			err = CAIRN_ERR_NOTDIR;
		else if (sip->type != CFS_TYPE_DIR && dip->type == CFS_TYPE_DIR)
			err = CAIRN_ERR_ISDIR;
		else if (dip->type == CFS_TYPE_DIR && dip->size != 0)
			err = CAIRN_ERR_NOTEMPTY;
		else if (cfs_ino_is_open(fs, dino))
			err = CAIRN_ERR_BUSY;
		if (err)
			goto out;
		err = cfs_dir_remove(fs, b.dir, b.name, b.len);
		if (!err)
			err = drop_link(fs, dino, b.dir);
		if (err)
			goto out;
	}
	err = cfs_dir_remove(fs, a.dir, a.name, a.len);
	if (!err)
		err = cfs_dir_insert(fs, b.dir, b.name, b.len, sino, stype);
	if (!err)
		err = cfs_inode_edit(fs, sino, &sip);
	if (err)
		goto out;
	sip->ctime_ns = cfs_now(fs);
	if (sip->type == CFS_TYPE_DIR && a.dir != b.dir) {
		struct cfs_inode *op, *np;

		err = cfs_inode_edit(fs, a.dir, &op);
		if (!err)
			err = cfs_inode_edit(fs, b.dir, &np);
		if (err)
			goto out;
		if (op->nlink <= 2) {
			err = CORRUPT("cfs: directory %u: link count too low", a.dir);
			goto out;
		}
		op->nlink--;
		np->nlink++;
		sip->parent = b.dir;
	}
out:
	err = cfs_op_end(fs, err);
	if (!err && dino != sino)
		after_insert(fs, b.dir);
	return err;
}

err_t cfs_setattr(struct cfs *fs, const char *path, uint32_t what, uint32_t perm,
		  uint64_t mtime_ns)
{
	struct cfs_inode *ip;
	uint32_t ino;
	err_t err;

	if (what == 0 || (what & ~(CFS_ATTR_PERM | CFS_ATTR_MTIME)) ||
	    ((what & CFS_ATTR_PERM) && perm > 07777))
		return CAIRN_ERR_INVAL;
	err = begin(fs, 1); /* the inode's table block */
	if (err)
		return err;
	err = walk(fs, path, &ino, NULL);
	if (!err)
		err = load_checked(fs, ino, &ip);
	if (!err)
		err = cfs_inode_edit(fs, ino, &ip);
	if (!err) {
		if (what & CFS_ATTR_PERM)
			ip->perm = (uint16_t)perm;
		if (what & CFS_ATTR_MTIME)
			ip->mtime_ns = mtime_ns;
		ip->ctime_ns = cfs_now(fs);
	}
	return cfs_op_end(fs, err);
}

/* ---- Reading the namespace --------------------------------------------- */

static enum cfs_type api_type(uint16_t t)
{
	return t == CFS_TYPE_DIR ? CFS_DIR : t == CFS_TYPE_SYMLINK ? CFS_SYMLINK : CFS_FILE;
}

err_t cfs_stat_ino(struct cfs *fs, uint32_t ino, struct cfs_stat *st)
{
	struct cfs_inode *ip;
	err_t err = load_checked(fs, ino, &ip);

	if (err)
		return err;
	memset(st, 0, sizeof(*st));
	st->ino = ino;
	st->generation = ip->generation;
	st->type = api_type(ip->type);
	st->perm = ip->perm;
	st->nlink = ip->nlink;
	st->size = ip->size;
	st->blocks = ip->blocks;
	st->mtime_ns = ip->mtime_ns;
	st->ctime_ns = ip->ctime_ns;
	return CAIRN_OK;
}

err_t cfs_stat(struct cfs *fs, const char *path, struct cfs_stat *st)
{
	uint32_t ino;
	err_t err = walk(fs, path, &ino, NULL);

	if (!err)
		err = cfs_stat_ino(fs, ino, st);
	cfs_bcache_trim(fs);
	return cfs_note(fs, err);
}

err_t cfs_readlink(struct cfs *fs, const char *path, char *buf, size_t size, size_t *len)
{
	struct cfs_inode *ip;
	uint32_t ino;
	err_t err = walk(fs, path, &ino, NULL);

	if (!err)
		err = load_checked(fs, ino, &ip);
	if (err)
		goto out;
	if (ip->type != CFS_TYPE_SYMLINK) {
		err = CAIRN_ERR_INVAL;
		goto out;
	}
	if (size < ip->size + 1) {
		err = CAIRN_ERR_RANGE;
		goto out;
	}
	*len = ip->size;
	if (ip->flags & CFS_INODE_INLINE_SYMLINK) {
		memcpy(buf, ip->map, ip->size);
	} else {
		uint64_t n = ip->size;

		for (uint64_t off = 0; off < n && !err; off += fs->bs) {
			uint64_t pblk;

			err = cfs_bmap(fs, ino, off / fs->bs, &pblk);
			if (!err && !pblk)
				err = CORRUPT("cfs: symlink %u has a hole", ino);
			if (!err)
				err = cfs_dev_read(fs, pblk, 1, fs->scratch);
			if (!err)
				memcpy(buf + off, fs->scratch, MIN((uint64_t)fs->bs, n - off));
		}
	}
	if (!err) {
		buf[*len] = '\0';
		if (strnlen(buf, *len) != *len)
			err = CORRUPT("cfs: symlink %u contains a NUL byte", ino);
	}
out:
	cfs_bcache_trim(fs);
	return cfs_note(fs, err);
}

err_t cfs_readdir(struct cfs *fs, const char *path, uint64_t *cookie, struct cfs_dirent *ent)
{
	uint32_t ino;
	uint8_t type;
	err_t err = walk(fs, path, &ino, NULL);

	if (!err)
		err = cfs_dir_next(fs, ino, cookie, &ent->ino, &type, ent->name, &ent->name_len);
	if (!err)
		ent->type = api_type(type);
	cfs_bcache_trim(fs);
	return cfs_note(fs, err);
}

err_t cfs_lookup_path(struct cfs *fs, const char *path, uint32_t *ino)
{
	return walk(fs, path, ino, NULL);
}
