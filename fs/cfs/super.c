// SPDX-License-Identifier: BSD-2-Clause
/*
 * Mounting and unmounting: the lifecycle of a struct cfs.
 *
 *   cfs_mount:   superblock pair -> geometry -> journal recovery ->
 *                bitmaps -> root check -> (read-write) superblock marked
 *                "mounted" with an empty journal, flushed
 *                (read-only: nothing is written; a journal that needs
 *                replay is replayed into an in-memory overlay of the
 *                replayed blocks that every read consults)
 *   cfs_unmount: commit -> checkpoint (every committed block home) ->
 *                superblock marked CLEAN with an empty journal, flushed
 *
 * A mount that fails at any step frees everything it built; the device is
 * left as it was, except that a journal replay that completed stays done
 * (replay is idempotent, so that is harmless). A read-only mount never
 * writes the device.
 */
#include "cfs_internal.h"

void cfs_fs_error(struct cfs *fs)
{
	if (fs->fsck_mode || fs->errors_seen)
		return;
	fs->errors_seen = true;
	LOG_ERR("cfs: corruption found: the filesystem is marked as having errors "
		"(run cairn-fsck)");
}

void cfs_fs_free(struct cfs *fs)
{
	cfs_bcache_destroy(fs);
	cfs_alloc_destroy(fs);
	kfree(fs->jbuf);
	kfree(fs->scratch);
	kfree(fs);
}

/* Fill the fields derived from a validated superblock. */
static void derive(struct cfs *fs, struct blockdev *bd)
{
	fs->bs = fs->sb.block_size;
	fs->dev_per_block = fs->bs / bd->block_size;
	fs->nblocks = fs->sb.block_count;
	fs->ipb = fs->bs / CFS_INODE_SIZE - 1;
	fs->ptrs = cfs_ptrs_per_block(fs->bs);
	fs->bits_per_bitmap = (uint64_t)(fs->bs - CFS_BITMAP_HDR) * 8;
	fs->max_file_blocks = cfs_max_file_blocks(fs->bs);
	fs->dir_max_buckets = cfs_dir_max_buckets(&fs->sb);
	fs->desc_entries = (fs->bs - (uint32_t)sizeof(struct cfs_jdesc)) /
			   (uint32_t)sizeof(struct cfs_jentry);
	fs->txn_max = cfs_txn_max(fs->sb.journal_blocks, fs->bs);
}

err_t cfs_fs_attach(struct blockdev *bd, const struct cfs_super *sb, uint32_t which,
		    struct cfs **out)
{
	struct cfs *fs = kzalloc(sizeof(*fs));
	err_t err = CAIRN_ERR_NOMEM;

	if (!fs)
		return CAIRN_ERR_NOMEM;
	fs->bd = bd;
	fs->sb = *sb;
	derive(fs, bd);
	fs->sb_next_copy = which ^ 1;
	fs->fsck_mode = true;
	fs->jbuf = kmalloc(fs->bs);
	fs->scratch = kmalloc(fs->bs);
	if (fs->jbuf && fs->scratch)
		err = cfs_bcache_init(fs, 1u << 30);
	if (err) {
		cfs_fs_free(fs);
		return err;
	}
	*out = fs;
	return CAIRN_OK;
}

err_t cfs_mount(struct blockdev *bd, const struct cfs_mount_opts *opts, struct cfs **out)
{
	struct cfs *fs;
	struct cfs_inode *root;
	uint32_t which, replayed;
	bool other_ok;
	err_t err;

	if (!bd || !bd->ops || !bd->ops->read || !bd->ops->write || !bd->ops->flush || !out)
		return CAIRN_ERR_INVAL;
	fs = kzalloc(sizeof(*fs));
	if (!fs)
		return CAIRN_ERR_NOMEM;
	fs->bd = bd;
	fs->read_only = opts && opts->read_only;
	fs->clock_ns = opts ? opts->clock_ns : NULL;
	err = cfs_super_load(bd, fs->read_only, &fs->sb, &which, &other_ok);
	if (err)
		goto fail;
	if (fs->sb.block_size < bd->block_size) {
		LOG_ERR("cfs: block size %u is smaller than the device's %u",
			fs->sb.block_size, bd->block_size);
		err = CAIRN_ERR_INVAL;
		goto fail;
	}
	if (fs->sb.state & CFS_STATE_ERRORS)
		LOG_WARN("cfs: the filesystem has recorded errors: run cairn-fsck");
	derive(fs, bd);
	fs->sb_next_copy = which ^ 1;
	err = CAIRN_ERR_NOMEM;
	fs->jbuf = kmalloc(fs->bs);
	fs->scratch = kmalloc(fs->bs);
	if (!fs->jbuf || !fs->scratch)
		goto fail;
	err = cfs_bcache_init(fs, opts ? opts->cache_blocks : 0);
	if (err)
		goto fail;
	err = cfs_journal_recover(fs, true, &replayed);
	if (err)
		goto fail;
	err = cfs_alloc_load(fs);
	if (err)
		goto fail;
	err = cfs_inode_get(fs, CFS_ROOT_INO, NULL, &root);
	if (!err)
		err = cfs_inode_check(fs, CFS_ROOT_INO, root);
	if (!err && root->type != CFS_TYPE_DIR)
		err = CORRUPT("cfs: the root inode is not a directory");
	if (err)
		goto fail;
	if (!fs->read_only) {
		/* Record the empty journal (after a replay the old tail must
		 * never be used again) and that the filesystem is in use. */
		fs->sb.jtail_seq = fs->seq;
		fs->sb.jtail_pos = fs->head_pos;
		fs->sb.state &= ~CFS_STATE_CLEAN;
		fs->sb.mount_count++;
		err = cfs_super_write(fs);
		if (!err)
			err = cfs_dev_flush(fs);
		if (err)
			goto fail;
	}
	cfs_bcache_trim(fs);
	LOG_DEBUG("cfs: mounted %llu blocks of %u bytes, %u transactions replayed",
		  (unsigned long long)fs->nblocks, fs->bs, replayed);
	*out = fs;
	return CAIRN_OK;
fail:
	cfs_fs_free(fs);
	return err;
}

err_t cfs_unmount(struct cfs *fs)
{
	err_t err = CAIRN_OK;

	if (fs->files)
		return CAIRN_ERR_BUSY;
	if (fs->failed)
		err = CAIRN_ERR_IO;
	else if (!fs->read_only)
		err = cfs_journal_checkpoint(fs, fs->sb.state | CFS_STATE_CLEAN);
	cfs_fs_free(fs);
	return err;
}

err_t cfs_sync(struct cfs *fs)
{
	if (fs->failed)
		return CAIRN_ERR_IO;
	if (fs->read_only)
		return CAIRN_OK;
	return cfs_txn_commit(fs);
}

err_t cfs_statfs(struct cfs *fs, struct cfs_statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->block_size = fs->bs;
	st->blocks = fs->nblocks;
	st->blocks_free = fs->bfree;
	st->inodes = fs->sb.inode_count - 1;
	st->inodes_free = fs->ifree;
	st->name_max = CFS_NAME_MAX;
	st->errors = fs->errors_seen || (fs->sb.state & CFS_STATE_ERRORS);
	memcpy(st->label, fs->sb.label, CFS_LABEL_MAX);
	st->label[CFS_LABEL_MAX] = '\0';
	memcpy(st->uuid, fs->sb.uuid, sizeof(st->uuid));
	return CAIRN_OK;
}

void cfs_counters_get(struct cfs *fs, struct cfs_counters *out)
{
	*out = fs->ctr;
}
