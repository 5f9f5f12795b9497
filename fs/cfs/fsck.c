// SPDX-License-Identifier: BSD-2-Clause
/*
 * fsck: check and repair a cfs image (see cfs_fsck() in <fs/cfs_tools.h>).
 *
 * One pass, in an order chosen so that every repair is visible to the
 * checks after it, which is what makes a second run find nothing:
 *
 *   1. superblocks     pick the valid copy with the highest generation; a
 *                      damaged copy is rewritten at the end
 *   2. journal         replay committed transactions (as mount would)
 *   3. inode table     every table block and every in-use inode's fields;
 *                      an unreadable table block is reinitialised, an
 *                      invalid inode cleared
 *   4. the tree        breadth-first from the root. Each directory's map,
 *                      bucket blocks, overflow chains and entries are
 *                      checked; each file's map and indirect blocks are
 *                      claimed in a "blocks in use" bitmap the first time
 *                      the file is reached. A pointer that is out of range,
 *                      names a block already claimed (cross-link), lies past
 *                      the end of its file or leads to an invalid block is
 *                      cleared. An entry that is malformed, misplaced (hash
 *                      or bucket), duplicated, names a free inode or a
 *                      directory already linked is removed. Directory
 *                      counters, parents and block counts are corrected.
 *   5. unreachable     in-use inodes the walk did not reach are cleared
 *   6. link counts     against the references counted in step 4
 *   7. bitmaps         rewritten from what steps 4-6 found in use
 *   8. write back      every repaired block (checksummed), both superblock
 *                      copies (journal empty, clean), flush
 *
 * Every finding is one line through opts->report. Without opts->repair the
 * same analysis runs on in-memory copies and nothing is written.
 * fsck never trusts a pointer before range-checking it and never follows a
 * chain further than the filesystem has blocks, so no image can crash or
 * hang it (tests/fuzz/ runs it on mutated images).
 */
#include <fs/cfs_tools.h>
#include <kernel/fmt.h>

#include "cfs_internal.h"

struct name_seen {
	uint32_t hash;
	uint8_t len;
	char name[CFS_NAME_MAX];
};

struct fsck {
	struct cfs *fs;
	const struct cfs_fsck_opts *opts;
	struct cfs_fsck_result *res;
	bool repair;
	uint8_t *itype;         /* per inode: its type once validated, 0 = free */
	uint8_t *reached;
	uint32_t *links;        /* references found */
	uint64_t *bused;        /* blocks found in use */
	uint32_t *queue;        /* directories to visit */
	size_t qhead, qlen, qcap;
	uint8_t *tmp;           /* a block for rebuilding entry areas */
	struct name_seen *seen; /* names kept so far in the current bucket */
	size_t nseen, seen_cap;
	uint64_t owned;         /* blocks claimed by the inode being walked */
	uint32_t subdirs;       /* subdirectories of the directory being walked */
};

static void say(struct fsck *fx, bool problem, const char *fmt, ...) __printf_like(3, 4);

static void say(struct fsck *fx, bool problem, const char *fmt, ...)
{
	char line[200];
	size_t n;
	va_list ap;

	if (problem) {
		if (fx->repair)
			fx->res->fixed++;
		else
			fx->res->errors_left++;
	}
	if (!fx->opts->report)
		return;
	n = ksnprintf(line, sizeof(line), "%s", !problem ? "" : fx->repair ? "fixed: " : "error: ");
	va_start(ap, fmt);
	kvsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	fx->opts->report(fx->opts->ctx, line);
}

static err_t dirty(struct fsck *fx, struct cfs_buf *b)
{
	return cfs_buf_dirty(fx->fs, b);
}

static bool claimed(struct fsck *fx, uint64_t b)
{
	return cfs_bit_test(fx->bused, b);
}

static void claim(struct fsck *fx, uint64_t b)
{
	cfs_bit_set(fx->bused, b);
	fx->owned++;
}

static bool in_data(struct fsck *fx, uint64_t b)
{
	return b >= fx->fs->sb.data_start && b < fx->fs->nblocks;
}

/* ---- Block maps ---------------------------------------------------------- */

/* What a data pointer of a map leads to: for directories a primary bucket
 * block that must validate; for files anything. */
static bool data_block_ok(struct fsck *fx, uint32_t ino, uint16_t type, uint64_t lblk,
			  uint64_t ptr)
{
	struct cfs_buf *b;
	const struct cfs_dir_block *db;

	if (type != CFS_TYPE_DIR)
		return true;
	if (cfs_bread(fx->fs, ptr, CFS_MAGIC_DIR, &b) != CAIRN_OK)
		return false;
	db = (const struct cfs_dir_block *)(const void *)b->data;
	return db->ino == ino && db->bucket == lblk && !(db->flags & CFS_DIRBLK_OVERFLOW) &&
	       db->used <= fx->fs->bs - sizeof(*db) &&
	       (db->next == 0 || in_data(fx, db->next));
}

static err_t clear_ptr(struct fsck *fx, struct cfs_buf *owner, uint32_t *loc)
{
	err_t err = dirty(fx, owner);

	if (!err)
		*loc = 0;
	return err;
}

static err_t walk_tree(struct fsck *fx, uint32_t ino, uint16_t type, struct cfs_buf *owner,
		       uint32_t *loc, uint32_t level, uint64_t base, uint64_t limit)
{
	struct cfs *fs = fx->fs;
	uint32_t ptr = *loc;
	uint64_t span = 1;
	struct cfs_buf *b;
	struct cfs_indirect *ind;
	err_t err;

	if (!ptr)
		return CAIRN_OK;
	for (uint32_t l = 1; l < level; l++)
		span *= fs->ptrs;
	if (!in_data(fx, ptr) || claimed(fx, ptr) || base >= limit) {
		say(fx, true, "inode %u: indirect pointer %u %s: cleared", ino, ptr,
		    !in_data(fx, ptr) ? "out of range" :
		    claimed(fx, ptr) ? "to a block already in use" : "past the end");
		return clear_ptr(fx, owner, loc);
	}
	if (cfs_bread(fs, ptr, CFS_MAGIC_INDIRECT, &b) != CAIRN_OK) {
		say(fx, true, "inode %u: indirect block %u is damaged: pointer cleared", ino, ptr);
		return clear_ptr(fx, owner, loc);
	}
	ind = (struct cfs_indirect *)(void *)b->data;
	if (ind->ino != ino || ind->level != level) {
		say(fx, true, "inode %u: indirect block %u belongs to inode %u: pointer cleared",
		    ino, ptr, ind->ino);
		return clear_ptr(fx, owner, loc);
	}
	claim(fx, ptr);
	for (uint32_t i = 0; i < fs->ptrs; i++) {
		uint64_t lb = base + (uint64_t)i * span;
		uint32_t *cl = &ind->ptr[i];

		if (!*cl)
			continue;
		if (level > 1) {
			err = walk_tree(fx, ino, type, b, cl, level - 1, lb, limit);
		} else if (!in_data(fx, *cl) || claimed(fx, *cl) || lb >= limit ||
			   !data_block_ok(fx, ino, type, lb, *cl)) {
			say(fx, true, "inode %u: block %u (logical %llu) is invalid or shared: "
				      "pointer cleared", ino, *cl, (unsigned long long)lb);
			err = clear_ptr(fx, b, cl);
		} else {
			claim(fx, *cl);
			err = CAIRN_OK;
		}
		if (err)
			return err;
	}
	return CAIRN_OK;
}

/* Claim the blocks of inode `ino` whose map is at `ip` inside `ibuf`. */
static err_t walk_map(struct fsck *fx, uint32_t ino, struct cfs_buf *ibuf, struct cfs_inode *ip)
{
	struct cfs *fs = fx->fs;
	uint64_t limit, base = CFS_NDIRECT, span = fs->ptrs;
	err_t err;

	if (ip->type == CFS_TYPE_SYMLINK && (ip->flags & CFS_INODE_INLINE_SYMLINK))
		return CAIRN_OK;
	if (ip->type == CFS_TYPE_DIR)
		limit = ip->nbuckets;
	else
		limit = ip->size / fs->bs + (ip->size % fs->bs != 0);
	for (uint32_t i = 0; i < CFS_NDIRECT; i++) {
		uint32_t p = ip->map[i];

		if (!p)
			continue;
		if (!in_data(fx, p) || claimed(fx, p) || i >= limit ||
		    !data_block_ok(fx, ino, ip->type, i, p)) {
			say(fx, true, "inode %u: block %u (logical %u) is invalid or shared: "
				      "pointer cleared", ino, p, i);
			err = clear_ptr(fx, ibuf, &ip->map[i]);
			if (err)
				return err;
			continue;
		}
		claim(fx, p);
	}
	for (uint32_t r = 0; r < 3; r++, base += span, span *= fs->ptrs) {
		err = walk_tree(fx, ino, ip->type, ibuf, &ip->map[CFS_MAP_IND + r], r + 1, base,
				limit);
		if (err)
			return err;
	}
	return CAIRN_OK;
}

/* ---- Directories ------------------------------------------------------- */

static bool name_ok(const char *name, uint8_t len)
{
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return false;
	for (uint8_t i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == '\0')
			return false;
	return true;
}

static err_t seen_add(struct fsck *fx, uint32_t hash, const char *name, uint8_t len, bool *dup)
{
	for (size_t i = 0; i < fx->nseen; i++) {
		if (fx->seen[i].hash == hash && fx->seen[i].len == len &&
		    memcmp(fx->seen[i].name, name, len) == 0) {
			*dup = true;
			return CAIRN_OK;
		}
	}
	*dup = false;
	if (fx->nseen == fx->seen_cap) {
		size_t ncap = fx->seen_cap ? fx->seen_cap * 2 : 64;
		struct name_seen *n = krealloc(fx->seen, ncap * sizeof(*n));

		if (!n)
			return CAIRN_ERR_NOMEM;
		fx->seen = n;
		fx->seen_cap = ncap;
	}
	fx->seen[fx->nseen].hash = hash;
	fx->seen[fx->nseen].len = len;
	memcpy(fx->seen[fx->nseen].name, name, len);
	fx->nseen++;
	return CAIRN_OK;
}

static err_t enqueue(struct fsck *fx, uint32_t ino)
{
	if (fx->qlen == fx->qcap) {
		size_t ncap = fx->qcap ? fx->qcap * 2 : 256;
		uint32_t *n = krealloc(fx->queue, ncap * sizeof(*n));

		if (!n)
			return CAIRN_ERR_NOMEM;
		fx->queue = n;
		fx->qcap = ncap;
	}
	fx->queue[fx->qlen++] = ino;
	return CAIRN_OK;
}

/* Reach a file or symlink for the first time: claim its blocks. */
static err_t reach_leaf(struct fsck *fx, uint32_t ino)
{
	struct cfs_buf *ib;
	struct cfs_inode *ip;
	uint64_t before = fx->owned;
	err_t err = cfs_inode_get(fx->fs, ino, &ib, &ip);

	if (err)
		return err;
	fx->reached[ino] = 1;
	fx->owned = 0;
	err = walk_map(fx, ino, ib, ip);
	if (!err && ip->blocks != fx->owned) {
		say(fx, true, "inode %u: block count %llu, should be %llu", ino,
		    (unsigned long long)ip->blocks, (unsigned long long)fx->owned);
		err = dirty(fx, ib);
		ip->blocks = fx->owned;
	}
	fx->owned = before;
	return err;
}

/* Check the entries of one bucket block; rebuild its entry area if needed.
 * *entries / *bytes accumulate what is kept. */
static err_t check_entries(struct fsck *fx, uint32_t dir, uint32_t bucket, uint32_t nbuckets,
			   struct cfs_buf *b, uint64_t *entries, uint64_t *bytes)
{
	struct cfs *fs = fx->fs;
	struct cfs_dir_block *db = (struct cfs_dir_block *)(void *)b->data;
	uint32_t hdr = (uint32_t)sizeof(*db), off = hdr, end = hdr + db->used, out = 0;
	uint16_t count = 0;
	bool changed = false;
	err_t err;

	while (off < end) {
		uint32_t ino, hash;
		uint8_t type, len;
		const char *name;
		const char *why = NULL;
		bool dup;

		if (cfs_dir_entry_parse(b->data, fs->bs, off, end, &ino, &hash, &type, &name,
					&len) != CAIRN_OK) {
			say(fx, true, "directory %u: malformed entry in block %llu: rest of block "
				      "dropped", dir, (unsigned long long)b->blockno);
			changed = true;
			break;
		}
		if (!name_ok(name, len))
			why = "invalid name";
		else if (hash != cfs_name_hash(fs->sb.hash_seed, name, len))
			why = "wrong hash";
		else if (cfs_dir_bucket_of(hash, nbuckets) != bucket)
			why = "in the wrong bucket";
		else if (ino == 0 || ino >= fs->sb.inode_count || !fx->itype[ino])
			why = "names a free or invalid inode";
		else if (ino == CFS_ROOT_INO ||
			 (fx->itype[ino] == CFS_TYPE_DIR && fx->reached[ino]))
			why = "is a second link to a directory";
		if (!why) {
			err = seen_add(fx, hash, name, len, &dup);
			if (err)
				return err;
			if (dup)
				why = "duplicates another name";
		}
		if (why) {
			say(fx, true, "directory %u: entry '%.*s' -> %u %s: removed", dir, len, name,
			    ino, why);
			changed = true;
			off += CFS_DIRENT_HDR + len;
			continue;
		}
		if (type != fx->itype[ino]) {
			say(fx, true, "directory %u: entry '%.*s' has type %u, inode %u is type %u: "
				      "fixed", dir, len, name, type, ino, fx->itype[ino]);
			changed = true;
		}
		memcpy(fx->tmp + out, b->data + off, CFS_DIRENT_HDR + len);
		fx->tmp[out + 8] = fx->itype[ino];
		out += CFS_DIRENT_HDR + len;
		count++;
		off += CFS_DIRENT_HDR + len;
		if (fx->itype[ino] == CFS_TYPE_DIR) {
			struct cfs_buf *cb;
			struct cfs_inode *cp;

			fx->reached[ino] = 1;
			fx->subdirs++;
			err = cfs_inode_get(fs, ino, &cb, &cp);
			if (err)
				return err;
			if (cp->parent != dir) {
				say(fx, true, "directory %u: parent is %u, should be %u", ino,
				    cp->parent, dir);
				err = dirty(fx, cb);
				if (err)
					return err;
				cp->parent = dir;
			}
			err = enqueue(fx, ino);
		} else {
			fx->links[ino]++;
			err = fx->reached[ino] ? CAIRN_OK : reach_leaf(fx, ino);
		}
		if (err)
			return err;
	}
	if (!changed && count != db->count) {
		say(fx, true, "directory %u: block %llu counts %u entries, holds %u", dir,
		    (unsigned long long)b->blockno, db->count, count);
		changed = true;
	}
	if (changed) {
		err = dirty(fx, b);
		if (err)
			return err;
		memset(b->data + hdr, 0, fs->bs - hdr);
		memcpy(b->data + hdr, fx->tmp, out);
		db->used = (uint16_t)out;
		db->count = count;
	}
	*entries += count;
	*bytes += out;
	return CAIRN_OK;
}

static err_t visit_dir(struct fsck *fx, uint32_t dir)
{
	struct cfs *fs = fx->fs;
	struct cfs_buf *ib;
	struct cfs_inode *ip;
	uint64_t entries = 0, bytes = 0;
	uint32_t nb;
	err_t err = cfs_inode_get(fs, dir, &ib, &ip);

	if (err)
		return err;
	fx->res->dirs++;
	fx->owned = 0;
	fx->subdirs = 0;
	err = walk_map(fx, dir, ib, ip);
	if (err)
		return err;
	nb = ip->nbuckets;
	for (uint32_t bk = 0; bk < nb; bk++) {
		uint64_t pblk;
		struct cfs_buf *b, *prev = NULL;

		fx->nseen = 0;
		/* The map was just validated: cfs_bmap cannot fail on it now
		 * except for I/O. */
		err = cfs_bmap(fs, dir, bk, &pblk);
		if (err)
			return err;
		for (uint64_t steps = 0; pblk; steps++) {
			const struct cfs_dir_block *db;

			if (steps == 0) {
				err = cfs_bread(fs, pblk, CFS_MAGIC_DIR, &b);
				if (err)
					return err;
			} else {
				bool ok = in_data(fx, pblk) && !claimed(fx, pblk) &&
					  cfs_bread(fs, pblk, CFS_MAGIC_DIR, &b) == CAIRN_OK;

				db = ok ? (const struct cfs_dir_block *)(const void *)b->data : NULL;
				if (!ok || db->ino != dir || db->bucket != bk ||
				    !(db->flags & CFS_DIRBLK_OVERFLOW) ||
				    db->used > fs->bs - sizeof(*db) ||
				    (db->next && !in_data(fx, db->next))) {
					say(fx, true, "directory %u: bucket %u: bad overflow block "
						      "%llu: chain cut", dir, bk,
					    (unsigned long long)pblk);
					err = dirty(fx, prev);
					if (err)
						return err;
					((struct cfs_dir_block *)(void *)prev->data)->next = 0;
					break;
				}
				claim(fx, pblk);
			}
			err = check_entries(fx, dir, bk, nb, b, &entries, &bytes);
			if (err)
				return err;
			prev = b;
			pblk = ((const struct cfs_dir_block *)(const void *)b->data)->next;
		}
	}
	/* The walk may have brought other inode table blocks in; ip is still
	 * valid (no eviction during fsck's walk). */
	if (ip->size != entries || ip->dir_bytes != bytes) {
		say(fx, true, "directory %u: counts %llu entries / %llu bytes, holds %llu / %llu",
		    dir, (unsigned long long)ip->size, (unsigned long long)ip->dir_bytes,
		    (unsigned long long)entries, (unsigned long long)bytes);
		err = dirty(fx, ib);
		ip->size = entries;
		ip->dir_bytes = bytes;
	}
	if (!err && ip->blocks != fx->owned) {
		say(fx, true, "directory %u: block count %llu, should be %llu", dir,
		    (unsigned long long)ip->blocks, (unsigned long long)fx->owned);
		err = dirty(fx, ib);
		ip->blocks = fx->owned;
	}
	if (!err && ip->nlink != 2 + fx->subdirs) {
		say(fx, true, "directory %u: link count %u, should be %u", dir, ip->nlink,
		    2 + fx->subdirs);
		err = dirty(fx, ib);
		ip->nlink = 2 + fx->subdirs;
	}
	return err;
}

/* ---- Inode table, bitmaps -------------------------------------------- */

/*
 * A bucket count for a directory whose own is impossible: one past its
 * highest mapped direct bucket when it has no indirect blocks (so every
 * bucket block it owns stays reachable), else the most possible. Entries
 * that then hash to another bucket are dropped by the entry check.
 */
static uint32_t dir_buckets_guess(const struct cfs *fs, const struct cfs_inode *ip)
{
	uint32_t nb = 1;

	for (uint32_t i = CFS_MAP_IND; i <= CFS_MAP_TIND; i++)
		if (ip->map[i])
			return fs->dir_max_buckets;
	for (uint32_t i = 0; i < CFS_NDIRECT; i++)
		if (ip->map[i])
			nb = i + 1;
	return MIN(nb, fs->dir_max_buckets);
}

static err_t scan_inodes(struct fsck *fx)
{
	struct cfs *fs = fx->fs;

	for (uint32_t t = 0; t < fs->sb.itable_blocks; t++) {
		uint64_t blkno = fs->sb.itable_start + t;
		struct cfs_buf *b;
		struct cfs_itable_hdr *h;
		err_t err = cfs_bread(fs, blkno, CFS_MAGIC_ITABLE, &b);

		if (err == CAIRN_ERR_NOMEM || err == CAIRN_ERR_IO)
			return err;
		if (err) {
			say(fx, true, "inode table block %llu is damaged: reinitialised "
				      "(inodes %u..%u lost)", (unsigned long long)blkno,
			    t * fs->ipb, (t + 1) * fs->ipb - 1);
			err = cfs_bnew(fs, blkno, &b);
			if (err)
				return err;
			h = (struct cfs_itable_hdr *)(void *)b->data;
			h->hdr.magic = CFS_MAGIC_ITABLE;
			h->hdr.blockno = blkno;
			h->first_ino = t * fs->ipb;
			continue;
		}
		h = (struct cfs_itable_hdr *)(void *)b->data;
		if (h->first_ino != t * fs->ipb) {
			say(fx, true, "inode table block %llu: wrong first inode", (unsigned long long)blkno);
			err = dirty(fx, b);
			if (err)
				return err;
			h->first_ino = t * fs->ipb;
		}
		for (uint32_t s = 0; s < fs->ipb; s++) {
			uint32_t ino = t * fs->ipb + s;
			struct cfs_inode *ip = (struct cfs_inode *)(void *)(b->data +
									  CFS_INODE_SIZE * (1 + s));

			if (ip->type == CFS_TYPE_FREE || ino >= fs->sb.inode_count)
				continue;
			if (ip->type == CFS_TYPE_DIR &&
			    (ip->nbuckets == 0 || ip->nbuckets > fs->dir_max_buckets)) {
				uint32_t nb = dir_buckets_guess(fs, ip);

				say(fx, true, "directory %u: %u hash buckets (1 to %u possible): "
					      "set to %u", ino, ip->nbuckets, fs->dir_max_buckets, nb);
				err = dirty(fx, b);
				if (err)
					return err;
				ip->nbuckets = nb;
			}
			if (ino == 0 || cfs_inode_check(fs, ino, ip) != CAIRN_OK) {
				uint32_t gen = ip->generation;

				say(fx, true, "inode %u has invalid fields: cleared", ino);
				err = dirty(fx, b);
				if (err)
					return err;
				memset(ip, 0, sizeof(*ip));
				ip->generation = gen;
				continue;
			}
			fx->itype[ino] = (uint8_t)ip->type;
		}
	}
	return CAIRN_OK;
}

static err_t fix_root(struct fsck *fx)
{
	struct cfs_buf *b;
	struct cfs_inode *ip;
	err_t err;

	if (fx->itype[CFS_ROOT_INO] == CFS_TYPE_DIR)
		return CAIRN_OK;
	say(fx, true, "the root directory is missing: recreated empty");
	err = cfs_inode_get(fx->fs, CFS_ROOT_INO, &b, &ip);
	if (!err)
		err = dirty(fx, b);
	if (err)
		return err;
	memset(ip, 0, sizeof(*ip));
	ip->type = CFS_TYPE_DIR;
	ip->perm = 0755;
	ip->nlink = 2;
	ip->parent = CFS_ROOT_INO;
	ip->nbuckets = 1;
	ip->generation = 1;
	fx->itype[CFS_ROOT_INO] = CFS_TYPE_DIR;
	return CAIRN_OK;
}

static err_t finish_inodes(struct fsck *fx)
{
	struct cfs *fs = fx->fs;

	for (uint32_t ino = 1; ino < fs->sb.inode_count; ino++) {
		struct cfs_buf *b;
		struct cfs_inode *ip;
		err_t err;

		if (!fx->itype[ino])
			continue;
		err = cfs_inode_get(fs, ino, &b, &ip);
		if (err)
			return err;
		if (!fx->reached[ino]) {
			uint32_t gen = ip->generation;

			say(fx, true, "inode %u (type %u, size %llu) is not reachable from the "
				      "root: cleared", ino, ip->type, (unsigned long long)ip->size);
			err = dirty(fx, b);
			if (err)
				return err;
			memset(ip, 0, sizeof(*ip));
			ip->generation = gen;
			fx->itype[ino] = 0;
			continue;
		}
		fx->res->inodes_used++;
		if (ip->type == CFS_TYPE_FILE)
			fx->res->files++;
		else if (ip->type == CFS_TYPE_SYMLINK)
			fx->res->symlinks++;
		if (ip->type != CFS_TYPE_DIR && ip->nlink != fx->links[ino]) {
			say(fx, true, "inode %u: link count %u, should be %u", ino, ip->nlink,
			    fx->links[ino]);
			err = dirty(fx, b);
			if (err)
				return err;
			ip->nlink = fx->links[ino];
		}
	}
	return CAIRN_OK;
}

static err_t check_bitmap(struct fsck *fx, uint64_t start, uint32_t nblk, uint32_t magic,
			  uint64_t nbits, bool (*want)(struct fsck *, uint64_t), const char *what)
{
	struct cfs *fs = fx->fs;

	for (uint32_t i = 0; i < nblk; i++) {
		struct cfs_buf *b;
		uint64_t base = i * fs->bits_per_bitmap, wrong = 0;
		err_t err = cfs_bread(fs, start + i, magic, &b);

		if (err == CAIRN_ERR_NOMEM || err == CAIRN_ERR_IO)
			return err;
		if (err) {
			say(fx, true, "%s block %llu is damaged: rebuilt", what,
			    (unsigned long long)(start + i));
			err = cfs_bnew(fs, start + i, &b);
			if (err)
				return err;
			((struct cfs_block_hdr *)(void *)b->data)->magic = magic;
			((struct cfs_block_hdr *)(void *)b->data)->blockno = start + i;
		}
		for (uint64_t bit = 0; bit < fs->bits_per_bitmap; bit++) {
			uint8_t *byte = &b->data[CFS_BITMAP_HDR + bit / 8];
			bool have = (*byte >> (bit % 8)) & 1;
			bool should = base + bit < nbits && want(fx, base + bit);

			if (have == should)
				continue;
			if (!wrong++) {
				err = dirty(fx, b);
				if (err)
					return err;
			}
			*byte ^= (uint8_t)(1u << (bit % 8));
		}
		if (wrong)
			say(fx, true, "%s block %llu: %llu bits did not match what is in use",
			    what, (unsigned long long)(start + i), (unsigned long long)wrong);
	}
	return CAIRN_OK;
}

static bool want_block(struct fsck *fx, uint64_t b)
{
	return b < fx->fs->sb.data_start || claimed(fx, b);
}

static bool want_inode(struct fsck *fx, uint64_t i)
{
	return i == 0 || fx->itype[i];
}

static err_t write_back(struct cfs *fs)
{
	while (fs->dirty.count) {
		struct cfs_buf *b = fs->dirty.head.next;
		struct cfs_block_hdr *h = (struct cfs_block_hdr *)(void *)b->data;
		err_t err;

		h->crc = cfs_block_csum(fs->sb.csum_seed, b->data, fs->bs);
		err = cfs_dev_write(fs, b->blockno, 1, b->data);
		if (err)
			return err;
		cfs_buf_list_move(fs, b, CFS_BUF_CLEAN);
	}
	return CAIRN_OK;
}

err_t cfs_fsck(struct blockdev *bd, const struct cfs_fsck_opts *opts,
	       struct cfs_fsck_result *res)
{
	struct fsck fx;
	struct cfs_super sb;
	uint32_t which, replayed = 0;
	bool other_ok, sb_dirty = false;
	err_t err;

	memset(res, 0, sizeof(*res));
	memset(&fx, 0, sizeof(fx));
	fx.opts = opts;
	fx.res = res;
	fx.repair = opts->repair;

	err = cfs_super_load(bd, !opts->repair, &sb, &which, &other_ok);
	if (err == CAIRN_ERR_NOMEM || err == CAIRN_ERR_IO || err == CAIRN_ERR_INVAL)
		return err;
	if (err) {
		fx.repair = false;
		res->no_filesystem = true;
		say(&fx, true, "no valid superblock (%s): not a cfs filesystem this fsck can "
			       "check", err == CAIRN_ERR_NOTSUP ? "newer version or unknown "
							      "incompatible features" :
							      "both copies damaged");
		return CAIRN_OK;
	}
	if (sb.block_size < bd->block_size)
		return CAIRN_ERR_INVAL;
	err = cfs_fs_attach(bd, &sb, which, &fx.fs);
	if (err)
		return err;
	if (!other_ok) {
		say(&fx, true, "superblock copy %u is damaged: rewritten from copy %u", which ^ 1,
		    which);
		sb_dirty = true;
	}
	err = cfs_journal_recover(fx.fs, fx.repair, &replayed);
	if (err)
		goto out;
	res->replayed = replayed;
	if (replayed && !fx.repair) {
		say(&fx, true, "the journal holds %u committed transactions to replay: run with "
			       "repair to replay them (check stopped)", replayed);
		goto out;
	}
	/* Replaying changes the image: it counts as a fix (e2fsck exits 1). */
	if (replayed)
		say(&fx, true, "journal: replayed %u committed transactions", replayed);
	if (replayed || fx.fs->sb.jtail_pos != fx.fs->head_pos ||
	    fx.fs->sb.jtail_seq != fx.fs->seq || !(fx.fs->sb.state & CFS_STATE_CLEAN))
		sb_dirty = true;
	if (fx.fs->sb.state & CFS_STATE_ERRORS) {
		/* Checked in full below; the flag goes with the repairs. */
		say(&fx, true, "superblock: the filesystem recorded errors at run time (state "
			       "flag ERRORS; cleared when the check leaves none)");
		sb_dirty = true;
	}

	err = CAIRN_ERR_NOMEM;
	fx.itype = kcalloc(sb.inode_count, 1);
	fx.reached = kcalloc(sb.inode_count, 1);
	fx.links = kcalloc(sb.inode_count, sizeof(uint32_t));
	fx.bused = kcalloc((size_t)(sb.block_count + 63) / 64, sizeof(uint64_t));
	fx.tmp = kmalloc(sb.block_size);
	if (!fx.itype || !fx.reached || !fx.links || !fx.bused || !fx.tmp)
		goto out;

	err = scan_inodes(&fx);
	if (!err)
		err = fix_root(&fx);
	if (!err) {
		fx.reached[CFS_ROOT_INO] = 1;
		err = enqueue(&fx, CFS_ROOT_INO);
	}
	while (!err && fx.qhead < fx.qlen) {
		err = visit_dir(&fx, fx.queue[fx.qhead++]);
	}
	if (!err) {
		struct cfs_inode *root;

		/* The root is its own parent. */
		err = cfs_inode_get(fx.fs, CFS_ROOT_INO, NULL, &root);
		if (!err && root->parent != CFS_ROOT_INO) {
			struct cfs_buf *rb;

			say(&fx, true, "the root's parent is %u: fixed", root->parent);
			err = cfs_inode_get(fx.fs, CFS_ROOT_INO, &rb, &root);
			if (!err)
				err = dirty(&fx, rb);
			root->parent = CFS_ROOT_INO;
		}
	}
	if (!err)
		err = finish_inodes(&fx);
	if (!err)
		err = check_bitmap(&fx, sb.bbitmap_start, sb.bbitmap_blocks, CFS_MAGIC_BBITMAP,
				   sb.block_count, want_block, "block bitmap");
	if (!err)
		err = check_bitmap(&fx, sb.ibitmap_start, sb.ibitmap_blocks, CFS_MAGIC_IBITMAP,
				   sb.inode_count, want_inode, "inode bitmap");
	if (err)
		goto out;
	for (uint64_t b = 0; b < sb.block_count; b++)
		res->blocks_used += want_block(&fx, b);
	if (fx.repair) {
		err = write_back(fx.fs);
		if (!err && (sb_dirty || res->fixed)) {
			fx.fs->sb.jtail_seq = fx.fs->seq;
			fx.fs->sb.jtail_pos = fx.fs->head_pos;
			fx.fs->sb.state = CFS_STATE_CLEAN |
					  (res->errors_left ? CFS_STATE_ERRORS : 0);
			err = cfs_dev_flush(fx.fs);
			if (!err)
				err = cfs_super_write(fx.fs);
			if (!err)
				err = cfs_super_write(fx.fs);
		}
		if (!err)
			err = cfs_dev_flush(fx.fs);
	}
out:
	kfree(fx.itype);
	kfree(fx.reached);
	kfree(fx.links);
	kfree(fx.bused);
	kfree(fx.tmp);
	kfree(fx.queue);
	kfree(fx.seen);
	if (fx.fs)
		cfs_fs_free(fx.fs);
	return err;
}
