// SPDX-License-Identifier: BSD-2-Clause
/*
 * The write-ahead journal: commit, checkpoint, recovery, and the superblock
 * pair that records where the live journal starts.
 *
 * Physical block journaling. One transaction is running at a time; it holds
 * the DIRTY buffers of whole operations (bcache.c). Committing transaction T
 * (sequence number T) is:
 *
 *   1. write home every COMMITTED buffer of T-1 that was not changed since
 *      (the changed ones went home in cfs_buf_dirty: write-before-modify)
 *   2. write T's descriptor blocks and block images into the journal after
 *      T-1's region (file data was already written in place: ordered mode)
 *   3. FLUSH            -> T's images, T's file data and T-1's home copies
 *                          are durable
 *   4. write the commit record of T, and the older superblock copy with
 *      tail = (T, T's position)
 *   5. FLUSH            -> T is durable; fsync/sync may return
 *   6. T's buffers become COMMITTED; frees of T-1 become allocatable
 *
 * Nothing depends on the order of writes between two flushes:
 *   - the commit record is written only after the images are durable, and
 *     recovery checks every image's CRC against its descriptor anyway, so a
 *     torn, lost or stale image makes the whole transaction invalid;
 *   - if the new superblock reached the disk but the commit did not, the
 *     tail names T, T is found invalid, nothing is replayed, and everything
 *     before T is already home (step 3);
 *   - if the old superblock survives (the new one lost or torn: its
 *     checksum fails and the other copy wins), recovery starts at T-1, whose
 *     region step 2 never overwrites because a transaction is at most half
 *     of the journal (I3) and the live region is one transaction;
 *   - sequence numbers are never reused (recovery skips one), so a stale
 *     descriptor or commit record of an older pass over the journal never
 *     matches.
 * Steps 1-5 take exactly two flushes; a checkpoint is folded into every
 * commit (step 1), so the journal never needs a separate one to make room.
 *
 * State of the journal region:
 *
 *     tail_pos          head_pos
 *        |  T-1 (live)     |  T (being written)  |  free ...
 *
 * Invariant I4 (see cfs_internal.h) holds after step 5.
 */
#include "cfs_internal.h"

static uint64_t jblock(const struct cfs *fs, uint64_t pos)
{
	return fs->sb.journal_start + pos % fs->sb.journal_blocks;
}

/* ---- Superblock pair ----------------------------------------------------- */

err_t cfs_super_write(struct cfs *fs)
{
	uint8_t *buf = fs->jbuf;
	uint32_t copy = fs->sb_next_copy;
	err_t err;

	fs->sb.generation++;
	if (fs->errors_seen)
		fs->sb.state |= CFS_STATE_ERRORS;
	fs->sb.write_time_ns = cfs_now(fs);
	memset(buf, 0, fs->bs);
	memcpy(buf, &fs->sb, sizeof(fs->sb));
	cfs_block_seal(0, buf, fs->bs, CFS_MAGIC_SUPER, copy);
	err = cfs_dev_write(fs, copy, 1, buf);
	if (err)
		return err;
	fs->sb_next_copy = copy ^ 1;
	return CAIRN_OK;
}

static err_t read_bytes(struct blockdev *bd, uint64_t off, uint32_t len, uint8_t *buf)
{
	uint32_t dbs = bd->block_size;

	if (off % dbs || len % dbs)
		return CAIRN_ERR_ALIGN;
	return blockdev_read(bd, off / dbs, len / dbs, buf);
}

/* Read and check superblock copy `copy` assuming block size `bs`. */
static err_t try_copy(struct blockdev *bd, uint32_t copy, uint32_t bs, bool ro, uint8_t *buf,
		      struct cfs_super *out)
{
	const char *why;
	err_t err;

	if (bs < bd->block_size)
		return CAIRN_ERR_ALIGN;
	err = read_bytes(bd, (uint64_t)copy * bs, bs, buf);
	if (err)
		return err == CAIRN_ERR_RANGE ? CAIRN_ERR_CORRUPT : CAIRN_ERR_IO;
	memcpy(out, buf, sizeof(*out));
	if (out->block_size != bs)
		return CAIRN_ERR_CORRUPT;
	return cfs_super_check(buf, bs, copy, bd->block_count * (uint64_t)bd->block_size, ro, &why);
}

/* Prefer the most telling error: a clear refusal over "corrupt". */
static err_t worse(err_t a, err_t b)
{
	if (a == CAIRN_ERR_NOTSUP || b == CAIRN_ERR_NOTSUP)
		return CAIRN_ERR_NOTSUP;
	if (a == CAIRN_ERR_ROFS || b == CAIRN_ERR_ROFS)
		return CAIRN_ERR_ROFS;
	if (a == CAIRN_ERR_IO || b == CAIRN_ERR_IO)
		return CAIRN_ERR_IO;
	return CAIRN_ERR_CORRUPT;
}

err_t cfs_super_load(struct blockdev *bd, bool ro, struct cfs_super *out, uint32_t *which,
		     bool *other_ok)
{
	struct cfs_super a, b;
	uint8_t *buf;
	err_t ea = CAIRN_ERR_CORRUPT, eb = CAIRN_ERR_CORRUPT;
	uint32_t hint = 0;

	if (!IS_POW2(bd->block_size) || bd->block_size < 512 ||
	    bd->block_size > CFS_MAX_BLOCK_SIZE)
		return CAIRN_ERR_INVAL;
	buf = kmalloc(CFS_MAX_BLOCK_SIZE);
	if (!buf)
		return CAIRN_ERR_NOMEM;
	/* Copy A's block size field is only a hint until its CRC checks. */
	if (read_bytes(bd, 0, MAX(1024u, bd->block_size), buf) == CAIRN_OK) {
		memcpy(&hint, buf + offsetof(struct cfs_super, block_size), 4);
		if (!IS_POW2(hint) || hint < CFS_MIN_BLOCK_SIZE || hint > CFS_MAX_BLOCK_SIZE)
			hint = 0;
	}
	if (hint)
		ea = try_copy(bd, 0, hint, ro, buf, &a);
	if (hint)
		eb = try_copy(bd, 1, hint, ro, buf, &b);
	for (uint32_t bs = CFS_MIN_BLOCK_SIZE; eb != CAIRN_OK && bs <= CFS_MAX_BLOCK_SIZE;
	     bs <<= 1) {
		if (bs != hint) {
			err_t e = try_copy(bd, 1, bs, ro, buf, &b);

			if (e == CAIRN_OK || e == CAIRN_ERR_NOTSUP || e == CAIRN_ERR_ROFS)
				eb = e;
		}
	}
	kfree(buf);
	if (ea == CAIRN_OK && eb == CAIRN_OK) {
		bool pick_b = b.generation > a.generation;

		*out = pick_b ? b : a;
		*which = pick_b;
		*other_ok = true;
		return CAIRN_OK;
	}
	*other_ok = false;
	if (ea == CAIRN_OK) {
		*out = a;
		*which = 0;
		return CAIRN_OK;
	}
	if (eb == CAIRN_OK) {
		*out = b;
		*which = 1;
		return CAIRN_OK;
	}
	return worse(ea, eb);
}

/* ---- Commit ---------------------------------------------------------------- */

static uint32_t div_up32(uint32_t a, uint32_t b)
{
	return a / b + (a % b != 0);
}

err_t cfs_txn_reserve(struct cfs *fs, uint32_t n)
{
	DEBUG_ASSERT(!fs->in_op);
	if (fs->failed)
		return CAIRN_ERR_IO;
	if (fs->read_only)
		return CAIRN_ERR_ROFS;
	if (n > fs->txn_max)
		return CAIRN_ERR_LIMIT;
	if (fs->pending.n && fs->bfree < 2 * (uint64_t)n + 64) {
		/* Space is short and frees are waiting: make them reusable. */
		return cfs_journal_checkpoint(fs, fs->sb.state & ~CFS_STATE_CLEAN);
	}
	if (fs->ndirty + n > fs->txn_max)
		return cfs_txn_commit(fs);
	return CAIRN_OK;
}

static err_t commit(struct cfs *fs);

static err_t write_home_committed(struct cfs *fs)
{
	while (fs->committed.count) {
		struct cfs_buf *b = fs->committed.head.next;
		err_t err = cfs_dev_write(fs, b->blockno, 1, b->data);

		if (err)
			return err;
		fs->ctr.checkpoints++;
		cfs_buf_list_move(fs, b, CFS_BUF_CLEAN);
	}
	return CAIRN_OK;
}

static err_t commit(struct cfs *fs)
{
	uint32_t n = fs->ndirty, E = fs->desc_entries;
	uint32_t ndesc, total, pos = fs->head_pos, desc_crc = 0;
	struct cfs_buf *b;
	struct cfs_jcommit *jc;
	err_t err;

	DEBUG_ASSERT(!fs->in_op);
	if (fs->failed)
		return CAIRN_ERR_IO;
	if (n == 0)
		return fs->dev_dirty ? cfs_dev_flush(fs) : CAIRN_OK;
	ASSERT(!fs->read_only && !fs->fsck_mode);

	/* Step 1. */
	err = write_home_committed(fs);
	if (err)
		return err;

	/* Step 2: seal the images, fill and write the descriptors. */
	ndesc = div_up32(n, E);
	total = ndesc + n + 1;
	ASSERT_MSG(n <= fs->txn_max && total <= fs->sb.journal_blocks / 2,
		   "I3: transaction of %u blocks", n);
	b = fs->dirty.head.next;
	for (uint32_t d = 0; d < ndesc; d++) {
		struct cfs_jdesc *jd = (struct cfs_jdesc *)(void *)fs->jbuf;
		struct cfs_jentry *ent = (struct cfs_jentry *)(void *)(fs->jbuf + sizeof(*jd));
		uint32_t cnt = MIN(E, n - d * E);

		memset(fs->jbuf, 0, fs->bs);
		jd->seq = fs->seq;
		jd->index = d;
		jd->ndesc = ndesc;
		jd->count = cnt;
		jd->total = n;
		for (uint32_t i = 0; i < cnt; i++, b = b->next) {
			struct cfs_block_hdr *h = (struct cfs_block_hdr *)(void *)b->data;

			DEBUG_ASSERT(h->blockno == b->blockno);
			h->crc = cfs_block_csum(fs->sb.csum_seed, b->data, fs->bs);
			ent[i].target = (uint32_t)b->blockno;
			ent[i].crc = h->crc;
		}
		cfs_block_seal(fs->sb.csum_seed, fs->jbuf, fs->bs, CFS_MAGIC_JDESC,
			       jblock(fs, pos + d));
		desc_crc = crc32c(desc_crc, &jd->hdr.crc, 4);
		err = cfs_dev_write(fs, jblock(fs, pos + d), 1, fs->jbuf);
		if (err)
			return err;
	}
	b = fs->dirty.head.next;
	for (uint32_t i = 0; i < n; i++, b = b->next) {
		err = cfs_dev_write(fs, jblock(fs, pos + ndesc + i), 1, b->data);
		if (err)
			return err;
	}
	fs->ctr.journal_blocks += n;

	/* Step 3. */
	err = cfs_dev_flush(fs);
	if (err)
		return err;

	/* Step 4. */
	memset(fs->jbuf, 0, fs->bs);
	jc = (struct cfs_jcommit *)(void *)fs->jbuf;
	jc->seq = fs->seq;
	jc->ndesc = ndesc;
	jc->total = n;
	jc->desc_crc = desc_crc;
	jc->time_ns = cfs_now(fs);
	cfs_block_seal(fs->sb.csum_seed, fs->jbuf, fs->bs, CFS_MAGIC_JCOMMIT,
		       jblock(fs, pos + ndesc + n));
	err = cfs_dev_write(fs, jblock(fs, pos + ndesc + n), 1, fs->jbuf);
	if (err)
		return err;
	fs->sb.jtail_seq = fs->seq;
	fs->sb.jtail_pos = pos % fs->sb.journal_blocks;
	fs->sb.state &= ~CFS_STATE_CLEAN;
	err = cfs_super_write(fs);
	if (err)
		return err;

	/* Step 5. */
	err = cfs_dev_flush(fs);
	if (err)
		return err;

	/* Step 6. */
	while (fs->dirty.count)
		cfs_buf_list_move(fs, fs->dirty.head.next, CFS_BUF_COMMITTED);
	fs->tail_pos = pos % fs->sb.journal_blocks;
	fs->head_pos = (pos + total) % fs->sb.journal_blocks;
	cfs_alloc_release(fs, fs->seq);
	fs->seq++;
	fs->ctr.commits++;
	return CAIRN_OK;
}

err_t cfs_txn_commit(struct cfs *fs)
{
	/* Nothing to commit but frees waiting: a checkpoint releases them. */
	if (fs->ndirty == 0 && fs->pending.n && !fs->failed)
		return cfs_journal_checkpoint(fs, fs->sb.state & ~CFS_STATE_CLEAN);
	return commit(fs);
}

err_t cfs_journal_checkpoint(struct cfs *fs, uint32_t state)
{
	err_t err = commit(fs);

	if (!err)
		err = write_home_committed(fs);
	if (!err)
		err = cfs_dev_flush(fs);
	if (err)
		return err;
	fs->sb.jtail_seq = fs->seq;
	fs->sb.jtail_pos = fs->head_pos;
	fs->sb.state = state;
	fs->tail_pos = fs->head_pos;
	err = cfs_super_write(fs);
	if (!err)
		err = cfs_dev_flush(fs);
	if (!err)
		cfs_alloc_release(fs, fs->seq);
	return err;
}

/* ---- Recovery ---------------------------------------------------------- */

/*
 * Check the transaction at `pos` with sequence `seq`. On success `descs`
 * holds its descriptor blocks (ndesc * bs bytes, kmalloc'd) and *len its
 * length in journal blocks. CORRUPT means "not a valid committed
 * transaction": the end of the journal.
 */
static err_t txn_check(struct cfs *fs, uint32_t pos, uint64_t seq, uint8_t *blk,
		       uint8_t **descs_out, uint32_t *ndesc_out, uint32_t *len)
{
	uint32_t J = fs->sb.journal_blocks, seed = fs->sb.csum_seed, bs = fs->bs;
	const struct cfs_jdesc *jd = (const struct cfs_jdesc *)(const void *)blk;
	const struct cfs_jcommit *jc = (const struct cfs_jcommit *)(const void *)blk;
	uint32_t ndesc, total, sum = 0, desc_crc = 0;
	uint8_t *descs = NULL;
	err_t err;

	err = cfs_dev_read(fs, jblock(fs, pos), 1, blk);
	if (err)
		return err;
	if (!cfs_block_valid(seed, blk, bs, CFS_MAGIC_JDESC, jblock(fs, pos)))
		return CAIRN_ERR_CORRUPT;
	ndesc = jd->ndesc;
	total = jd->total;
	if (jd->seq != seq || jd->index != 0 || ndesc == 0 || total == 0 ||
	    total > J / 2 || ndesc > total || ndesc + total + 1 > J / 2)
		return CAIRN_ERR_CORRUPT;
	descs = kmalloc((size_t)ndesc * bs);
	if (!descs)
		return CAIRN_ERR_NOMEM;
	for (uint32_t d = 0; d < ndesc; d++) {
		const struct cfs_jdesc *x = (const struct cfs_jdesc *)(const void *)(descs +
										  (size_t)d * bs);

		err = cfs_dev_read(fs, jblock(fs, pos + d), 1, descs + (size_t)d * bs);
		if (err)
			goto fail;
		err = CAIRN_ERR_CORRUPT;
		if (!cfs_block_valid(seed, x, bs, CFS_MAGIC_JDESC, jblock(fs, pos + d)) ||
		    x->seq != seq || x->index != d || x->ndesc != ndesc || x->total != total ||
		    x->count == 0 || x->count > fs->desc_entries ||
		    (d + 1 < ndesc && x->count != fs->desc_entries))
			goto fail;
		sum += x->count;
		desc_crc = crc32c(desc_crc, &x->hdr.crc, 4);
	}
	err = CAIRN_ERR_CORRUPT;
	if (sum != total)
		goto fail;
	err = cfs_dev_read(fs, jblock(fs, pos + ndesc + total), 1, blk);
	if (err)
		goto fail;
	err = CAIRN_ERR_CORRUPT;
	if (!cfs_block_valid(seed, blk, bs, CFS_MAGIC_JCOMMIT, jblock(fs, pos + ndesc + total)) ||
	    jc->seq != seq || jc->ndesc != ndesc || jc->total != total ||
	    jc->desc_crc != desc_crc)
		goto fail;
	/* Every image must match its descriptor entry and aim at metadata. */
	for (uint32_t i = 0; i < total; i++) {
		const struct cfs_jentry *e =
			(const struct cfs_jentry *)(const void *)(descs +
								  (size_t)(i / fs->desc_entries) * bs +
								  sizeof(struct cfs_jdesc)) +
			i % fs->desc_entries;

		err = cfs_dev_read(fs, jblock(fs, pos + ndesc + i), 1, blk);
		if (err)
			goto fail;
		err = CAIRN_ERR_CORRUPT;
		if (e->target < fs->sb.bbitmap_start || e->target >= fs->nblocks ||
		    cfs_block_csum(seed, blk, bs) != e->crc ||
		    ((const struct cfs_block_hdr *)(const void *)blk)->crc != e->crc ||
		    ((const struct cfs_block_hdr *)(const void *)blk)->blockno != e->target)
			goto fail;
	}
	*descs_out = descs;
	*ndesc_out = ndesc;
	*len = ndesc + total + 1;
	return CAIRN_OK;
fail:
	kfree(descs);
	return err;
}

/* txn_check with its own buffers: OK if a valid transaction `seq` starts
 * at `pos`, CORRUPT if not, NOMEM / IO. */
static err_t jbuf_alloc_check(struct cfs *fs, uint32_t pos, uint64_t seq)
{
	uint8_t *blk = kmalloc(fs->bs), *descs = NULL;
	uint32_t ndesc, len;
	err_t err;

	if (!blk)
		return CAIRN_ERR_NOMEM;
	err = txn_check(fs, pos, seq, blk, &descs, &ndesc, &len);
	kfree(descs);
	kfree(blk);
	return err;
}

err_t cfs_journal_recover(struct cfs *fs, bool apply, uint32_t *replayed)
{
	uint32_t J = fs->sb.journal_blocks, pos = fs->sb.jtail_pos, walked = 0;
	uint64_t seq = fs->sb.jtail_seq;
	uint8_t *blk = kmalloc(fs->bs);
	err_t err = CAIRN_OK;

	*replayed = 0;
	if (!blk)
		return CAIRN_ERR_NOMEM;
	while (walked < J) {
		uint8_t *descs;
		uint32_t ndesc, len, total;

		err = txn_check(fs, pos, seq, blk, &descs, &ndesc, &len);
		if (err == CAIRN_ERR_CORRUPT) {
			err = CAIRN_OK;
			break;
		}
		if (err)
			break;
		total = len - ndesc - 1;
		for (uint32_t i = 0; apply && i < total && !err; i++) {
			const struct cfs_jentry *e =
				(const struct cfs_jentry *)(const void *)(descs +
									  (size_t)(i / fs->desc_entries) *
										  fs->bs +
									  sizeof(struct cfs_jdesc)) +
				i % fs->desc_entries;

			err = cfs_dev_read(fs, jblock(fs, pos + ndesc + i), 1, blk);
			if (!err && fs->read_only)
				err = cfs_overlay_put(fs, e->target, blk);
			else if (!err)
				err = cfs_dev_write(fs, e->target, 1, blk);
		}
		kfree(descs);
		if (err)
			break;
		if (apply)
			LOG_INFO("cfs: journal: replayed transaction %llu (%u blocks)%s",
				 (unsigned long long)seq, total,
				 fs->read_only ? " in memory (read-only mount)" : "");
		(*replayed)++;
		fs->ctr.replays++;
		pos = (pos + len) % J;
		walked += len;
		seq++;
	}
	kfree(blk);
	if (err)
		return err;
	if (*replayed && apply && !fs->read_only) {
		err = cfs_dev_flush(fs);
		if (err)
			return err;
	}
	/* Skip one sequence number: an uncommitted transaction may have left
	 * blocks carrying `seq`; the next one must never match them. And the
	 * new tail (seq + 1, pos) must not name a complete transaction that is
	 * already there: it is not part of the history (the one at pos did
	 * not carry `seq`), so a later recovery must not replay it. A damaged
	 * or crafted superblock can produce that; skip its number too. */
	fs->seq = seq + 1;
	err = jbuf_alloc_check(fs, pos, fs->seq);
	if (err == CAIRN_OK)
		fs->seq++;
	else if (err != CAIRN_ERR_CORRUPT)
		return err;
	fs->head_pos = pos;
	fs->tail_pos = pos;
	return CAIRN_OK;
}
