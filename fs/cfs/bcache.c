// SPDX-License-Identifier: BSD-2-Clause
/*
 * The metadata buffer cache and the operation (undo) layer.
 *
 * Every metadata block is handled through a struct cfs_buf found by block
 * number in a hash table. Each buffer sits on exactly one list, the one of
 * its state:
 *
 *            cfs_buf_dirty()            cfs_txn_commit()
 *   CLEAN ------------------> DIRTY -------------------> COMMITTED
 *     ^                                                      |
 *     |        written home (next commit, checkpoint, or     |
 *     +------- write-before-modify in cfs_buf_dirty)  <------+
 *
 * Only CLEAN buffers are evicted (LRU, between operations: I2).
 *
 * Operations make failures harmless: cfs_op_begin() opens one, the first
 * cfs_buf_dirty() of a buffer inside it saves the buffer's content and
 * state, and cfs_op_end(err) either drops those copies (success) or puts
 * them back and undoes the allocator changes the operation logged
 * (failure). Since I/O during an operation only reads, or writes file data
 * and committed images home, nothing on disk needs undoing.
 */
#include "cfs_internal.h"

/* ---- Device I/O ---------------------------------------------------------- */

/* The first overlay slot whose block is >= blockno. */
static uint32_t overlay_find(const struct cfs *fs, uint64_t blockno)
{
	uint32_t lo = 0, hi = fs->ovl_n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (fs->ovl_block[mid] < blockno)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

err_t cfs_overlay_put(struct cfs *fs, uint64_t blockno, const void *img)
{
	uint32_t i = overlay_find(fs, blockno);

	DEBUG_ASSERT(fs->read_only);
	if (i == fs->ovl_n || fs->ovl_block[i] != blockno) {
		if (fs->ovl_n == fs->ovl_cap) {
			uint32_t cap = fs->ovl_cap ? fs->ovl_cap * 2 : 16;
			uint64_t *nb = krealloc(fs->ovl_block, cap * sizeof(*nb));
			uint8_t *nd;

			if (!nb)
				return CAIRN_ERR_NOMEM;
			fs->ovl_block = nb;
			nd = krealloc(fs->ovl_data, (size_t)cap * fs->bs);
			if (!nd)
				return CAIRN_ERR_NOMEM;
			fs->ovl_data = nd;
			fs->ovl_cap = cap;
		}
		memmove(&fs->ovl_block[i + 1], &fs->ovl_block[i],
			(fs->ovl_n - i) * sizeof(*fs->ovl_block));
		memmove(fs->ovl_data + (size_t)(i + 1) * fs->bs, fs->ovl_data + (size_t)i * fs->bs,
			(size_t)(fs->ovl_n - i) * fs->bs);
		fs->ovl_block[i] = blockno;
		fs->ovl_n++;
	}
	memcpy(fs->ovl_data + (size_t)i * fs->bs, img, fs->bs);
	return CAIRN_OK;
}

err_t cfs_dev_read(struct cfs *fs, uint64_t blockno, uint32_t count, void *buf)
{
	err_t err;

	if (blockno >= fs->nblocks || count > fs->nblocks - blockno)
		return CORRUPT("cfs: read of blocks %llu+%u outside the filesystem",
			       (unsigned long long)blockno, count);
	err = blockdev_read(fs->bd, blockno * fs->dev_per_block, count * fs->dev_per_block,
			    buf);
	if (err) {
		LOG_ERR("cfs: read of block %llu failed: %s", (unsigned long long)blockno,
			cairn_err_name(err));
		return CAIRN_ERR_IO;
	}
	/* Replayed images of a read-only mount win over the home copies. */
	for (uint32_t i = overlay_find(fs, blockno); i < fs->ovl_n &&
	     fs->ovl_block[i] < blockno + count; i++)
		memcpy((uint8_t *)buf + (fs->ovl_block[i] - blockno) * fs->bs,
		       fs->ovl_data + (size_t)i * fs->bs, fs->bs);
	return CAIRN_OK;
}

err_t cfs_dev_write(struct cfs *fs, uint64_t blockno, uint32_t count, const void *buf)
{
	err_t err;

	if (fs->failed)
		return CAIRN_ERR_IO;
	/* A read-only mount leaves the device exactly as it found it. */
	ASSERT(!fs->read_only);
	ASSERT(blockno < fs->nblocks && count <= fs->nblocks - blockno);
	err = blockdev_write(fs->bd, blockno * fs->dev_per_block, count * fs->dev_per_block,
			     buf);
	fs->dev_dirty = true;
	if (err) {
		LOG_ERR("cfs: write of block %llu failed: %s; filesystem stopped",
			(unsigned long long)blockno, cairn_err_name(err));
		fs->failed = true;
		return CAIRN_ERR_IO;
	}
	return CAIRN_OK;
}

err_t cfs_dev_flush(struct cfs *fs)
{
	err_t err;

	if (fs->failed)
		return CAIRN_ERR_IO;
	err = blockdev_flush(fs->bd);
	if (err) {
		LOG_ERR("cfs: flush failed: %s; filesystem stopped", cairn_err_name(err));
		fs->failed = true;
		return CAIRN_ERR_IO;
	}
	fs->dev_dirty = false;
	return CAIRN_OK;
}

/* ---- Lists and hash ------------------------------------------------------ */

static struct cfs_buf_list *list_of(struct cfs *fs, enum cfs_buf_state st)
{
	switch (st) {
	case CFS_BUF_DIRTY:
		return &fs->dirty;
	case CFS_BUF_COMMITTED:
		return &fs->committed;
	default:
		return &fs->clean;
	}
}

static void list_init(struct cfs_buf_list *l)
{
	l->head.prev = l->head.next = &l->head;
	l->count = 0;
}

static void list_del(struct cfs *fs, struct cfs_buf *b)
{
	b->prev->next = b->next;
	b->next->prev = b->prev;
	list_of(fs, b->state)->count--;
}

static void list_add_tail(struct cfs_buf_list *l, struct cfs_buf *b)
{
	b->prev = l->head.prev;
	b->next = &l->head;
	l->head.prev->next = b;
	l->head.prev = b;
	l->count++;
}

void cfs_buf_list_move(struct cfs *fs, struct cfs_buf *b, enum cfs_buf_state st)
{
	list_del(fs, b);
	b->state = (uint8_t)st;
	list_add_tail(list_of(fs, st), b);
	fs->ndirty = fs->dirty.count;
}

static uint32_t hash_of(const struct cfs *fs, uint64_t blockno)
{
	return (uint32_t)((blockno * 0x9E3779B97F4A7C15ull) >> 32) & fs->hmask;
}

static struct cfs_buf *lookup(struct cfs *fs, uint64_t blockno)
{
	struct cfs_buf *b;

	for (b = fs->htab[hash_of(fs, blockno)]; b; b = b->hnext)
		if (b->blockno == blockno)
			return b;
	return NULL;
}

static void hash_del(struct cfs *fs, struct cfs_buf *b)
{
	struct cfs_buf **pp = &fs->htab[hash_of(fs, b->blockno)];

	while (*pp != b)
		pp = &(*pp)->hnext;
	*pp = b->hnext;
}

static void buf_free(struct cfs *fs, struct cfs_buf *b)
{
	hash_del(fs, b);
	list_del(fs, b);
	fs->nbufs--;
	fs->ndirty = fs->dirty.count;
	kfree(b->data);
	kfree(b->undo);
	kfree(b);
}

/* Grow the hash table when the chains get long; failure only costs speed. */
static void maybe_grow_hash(struct cfs *fs)
{
	uint32_t nsize = (fs->hmask + 1) * 2;
	struct cfs_buf **nt;

	if (fs->nbufs < (fs->hmask + 1) * 2 || nsize > (1u << 24))
		return;
	nt = kcalloc(nsize, sizeof(*nt));
	if (!nt)
		return;
	for (uint32_t i = 0; i <= fs->hmask; i++) {
		struct cfs_buf *b = fs->htab[i], *n;

		for (; b; b = n) {
			uint32_t h = (uint32_t)((b->blockno * 0x9E3779B97F4A7C15ull) >> 32) &
				     (nsize - 1);

			n = b->hnext;
			b->hnext = nt[h];
			nt[h] = b;
		}
	}
	kfree(fs->htab);
	fs->htab = nt;
	fs->hmask = nsize - 1;
}

static err_t buf_alloc(struct cfs *fs, uint64_t blockno, struct cfs_buf **out)
{
	struct cfs_buf *b = kzalloc(sizeof(*b));

	if (!b)
		return CAIRN_ERR_NOMEM;
	b->data = kmalloc(fs->bs);
	if (!b->data) {
		kfree(b);
		return CAIRN_ERR_NOMEM;
	}
	b->blockno = blockno;
	b->state = CFS_BUF_CLEAN;
	b->hnext = fs->htab[hash_of(fs, blockno)];
	fs->htab[hash_of(fs, blockno)] = b;
	list_add_tail(&fs->clean, b);
	fs->nbufs++;
	maybe_grow_hash(fs);
	*out = b;
	return CAIRN_OK;
}

err_t cfs_bcache_init(struct cfs *fs, uint32_t cache_max)
{
	fs->hmask = 1023;
	fs->htab = kcalloc(fs->hmask + 1, sizeof(*fs->htab));
	if (!fs->htab)
		return CAIRN_ERR_NOMEM;
	list_init(&fs->clean);
	list_init(&fs->dirty);
	list_init(&fs->committed);
	fs->cache_max = cache_max ? cache_max : 4096;
	return CAIRN_OK;
}

void cfs_bcache_destroy(struct cfs *fs)
{
	if (!fs->htab)
		return;
	for (uint32_t i = 0; i <= fs->hmask; i++) {
		while (fs->htab[i])
			buf_free(fs, fs->htab[i]);
	}
	kfree(fs->htab);
	fs->htab = NULL;
	while (fs->undo_pool_n)
		kfree(fs->undo_pool[--fs->undo_pool_n]);
	kfree(fs->ovl_block);
	kfree(fs->ovl_data);
	fs->ovl_block = NULL;
	fs->ovl_data = NULL;
	fs->ovl_n = fs->ovl_cap = 0;
}

void cfs_bcache_trim(struct cfs *fs)
{
	DEBUG_ASSERT(!fs->in_op); /* I2 */
	while (fs->nbufs > fs->cache_max && fs->clean.count) {
		struct cfs_buf *b = fs->clean.head.next;

		buf_free(fs, b);
	}
}

/* ---- Reading and creating buffers --------------------------------------- */

err_t cfs_bread(struct cfs *fs, uint64_t blockno, uint32_t magic, struct cfs_buf **out)
{
	struct cfs_buf *b = lookup(fs, blockno);
	err_t err;

	if (b) {
		/* A hit was validated when read; only the type can differ, when
		 * a corrupt pointer names a block of another kind. */
		if (((struct cfs_block_hdr *)(void *)b->data)->magic != magic)
			return CORRUPT("cfs: block %llu is not of the expected type %#x",
				       (unsigned long long)blockno, magic);
		if (b->state == CFS_BUF_CLEAN) {
			list_del(fs, b);
			list_add_tail(&fs->clean, b);
		}
		*out = b;
		return CAIRN_OK;
	}
	if (blockno < fs->sb.bbitmap_start || blockno >= fs->nblocks)
		return CORRUPT("cfs: metadata pointer %llu outside the metadata area",
			       (unsigned long long)blockno);
	err = buf_alloc(fs, blockno, &b);
	if (err)
		return err;
	err = cfs_dev_read(fs, blockno, 1, b->data);
	if (!err)
		err = cfs_block_check(fs->sb.csum_seed, b->data, fs->bs, magic, blockno);
	if (err) {
		buf_free(fs, b);
		return err;
	}
	*out = b;
	return CAIRN_OK;
}

err_t cfs_bnew(struct cfs *fs, uint64_t blockno, struct cfs_buf **out)
{
	struct cfs_buf *b = lookup(fs, blockno);
	err_t err;

	DEBUG_ASSERT(fs->in_op || fs->fsck_mode);
	if (b) {
		/* A freed metadata block is allocatable again only once its
		 * buffer went home (I6 and the release rule), so it is CLEAN. */
		ASSERT((b->state == CFS_BUF_CLEAN || fs->fsck_mode) && !b->in_op);
		buf_free(fs, b);
	}
	err = buf_alloc(fs, blockno, &b);
	if (err)
		return err;
	memset(b->data, 0, fs->bs);
	if (fs->fsck_mode) {
		cfs_buf_list_move(fs, b, CFS_BUF_DIRTY);
		*out = b;
		return CAIRN_OK;
	}
	b->created_in_op = true;
	b->in_op = true;
	b->op_next = fs->op_bufs;
	fs->op_bufs = b;
	cfs_buf_list_move(fs, b, CFS_BUF_DIRTY);
	if (fs->ndirty > fs->txn_max && !fs->fsck_mode)
		return CAIRN_ERR_LIMIT; /* rolled back by the caller's op_end */
	*out = b;
	return CAIRN_OK;
}

void cfs_bforget(struct cfs *fs, uint64_t blockno)
{
	struct cfs_buf *b = lookup(fs, blockno);

	if (b) {
		ASSERT(b->state == CFS_BUF_CLEAN && !b->in_op);
		buf_free(fs, b);
	}
}

static uint8_t *undo_get(struct cfs *fs)
{
	if (fs->undo_pool_n)
		return fs->undo_pool[--fs->undo_pool_n];
	return kmalloc(fs->bs);
}

static void undo_put(struct cfs *fs, uint8_t *p)
{
	if (!p)
		return;
	if (fs->undo_pool_n < ARRAY_SIZE(fs->undo_pool))
		fs->undo_pool[fs->undo_pool_n++] = p;
	else
		kfree(p);
}

err_t cfs_buf_dirty(struct cfs *fs, struct cfs_buf *b)
{
	err_t err;

	if (fs->fsck_mode) {
		/* fsck writes its repairs home at the end; no journal, no undo. */
		if (b->state != CFS_BUF_DIRTY)
			cfs_buf_list_move(fs, b, CFS_BUF_DIRTY);
		return CAIRN_OK;
	}
	DEBUG_ASSERT(fs->in_op);
	if (fs->read_only)
		return CAIRN_ERR_ROFS;
	if (b->in_op)
		return CAIRN_OK;
	b->undo = undo_get(fs);
	if (!b->undo)
		return CAIRN_ERR_NOMEM;
	if (b->state == CFS_BUF_COMMITTED) {
		/* I5: the committed image goes home before it changes. */
		err = cfs_dev_write(fs, b->blockno, 1, b->data);
		if (err) {
			undo_put(fs, b->undo);
			b->undo = NULL;
			return err;
		}
		fs->ctr.checkpoints++;
		cfs_buf_list_move(fs, b, CFS_BUF_CLEAN);
	}
	memcpy(b->undo, b->data, fs->bs);
	b->undo_state = b->state;
	b->in_op = true;
	b->op_next = fs->op_bufs;
	fs->op_bufs = b;
	if (b->state != CFS_BUF_DIRTY)
		cfs_buf_list_move(fs, b, CFS_BUF_DIRTY);
	if (fs->ndirty > fs->txn_max && !fs->fsck_mode) {
		LOG_ERR("cfs: operation exceeds the transaction limit (%u blocks)",
			fs->txn_max);
		return CAIRN_ERR_LIMIT; /* I3; the caller's op_end rolls back */
	}
	return CAIRN_OK;
}

/* ---- Operations ---------------------------------------------------------- */

void cfs_op_begin(struct cfs *fs)
{
	DEBUG_ASSERT(!fs->in_op);
	fs->in_op = true;
	fs->op_bufs = NULL;
	fs->oplog_n = 0;
	fs->op_pending_mark = fs->pending.n;
	fs->op_bfree = fs->bfree;
	fs->op_ifree = fs->ifree;
	fs->op_bgoal = fs->bgoal;
}

err_t cfs_oplog_add(struct cfs *fs, enum cfs_oplog_kind kind, uint64_t start, uint64_t len)
{
	DEBUG_ASSERT(fs->in_op);
	if (fs->oplog_n && kind == CFS_OPLOG_BLOCKS) {
		struct cfs_oplog_entry *last = &fs->oplog[fs->oplog_n - 1];

		if (last->kind == CFS_OPLOG_BLOCKS && last->start + last->len == start) {
			last->len += len;
			return CAIRN_OK;
		}
	}
	if (fs->oplog_n == fs->oplog_cap) {
		size_t ncap = fs->oplog_cap ? fs->oplog_cap * 2 : 64;
		struct cfs_oplog_entry *nv = krealloc(fs->oplog, ncap * sizeof(*nv));

		if (!nv)
			return CAIRN_ERR_NOMEM;
		fs->oplog = nv;
		fs->oplog_cap = ncap;
	}
	fs->oplog[fs->oplog_n++] = (struct cfs_oplog_entry){ (uint8_t)kind, start, len };
	return CAIRN_OK;
}

err_t cfs_op_end(struct cfs *fs, err_t err)
{
	struct cfs_buf *b, *n;

	DEBUG_ASSERT(fs->in_op);
	for (b = fs->op_bufs; b; b = n) {
		n = b->op_next;
		b->op_next = NULL;
		b->in_op = false;
		if (err == CAIRN_OK) {
			b->created_in_op = false;
			undo_put(fs, b->undo);
			b->undo = NULL;
			continue;
		}
		if (b->created_in_op) {
			buf_free(fs, b);
			continue;
		}
		memcpy(b->data, b->undo, fs->bs);
		undo_put(fs, b->undo);
		b->undo = NULL;
		if (b->state != b->undo_state)
			cfs_buf_list_move(fs, b, b->undo_state);
	}
	fs->op_bufs = NULL;
	if (err == CAIRN_OK)
		cfs_alloc_op_commit(fs);
	else
		cfs_alloc_op_rollback(fs);
	fs->in_op = false;
	cfs_bcache_trim(fs);
	return cfs_note(fs, err);
}
