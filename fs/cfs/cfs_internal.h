/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internals of the Cairn filesystem, shared by the files of fs/cfs/ and by
 * white-box tests. Consumers include <fs/cfs.h> instead.
 *
 * The shape of a mounted filesystem (struct cfs):
 *
 *   metadata buffer cache   every metadata block read or written goes through
 *                           a struct cfs_buf (bcache.c). A buffer is CLEAN
 *                           (home copy on disk equals it), DIRTY (changed in
 *                           the running transaction) or COMMITTED (its image
 *                           is durable in the journal, the home copy is not
 *                           yet written).
 *   operations              each API call that changes metadata is one
 *                           operation: cfs_op_begin() .. cfs_op_end(). Before
 *                           a buffer is first changed inside an operation its
 *                           content is saved (undo copy); an operation that
 *                           fails for any reason (NOSPC, NOMEM, CORRUPT, IO)
 *                           is rolled back in memory, so the running
 *                           transaction only ever holds whole operations.
 *   journal                 one running transaction collects the DIRTY
 *                           buffers of finished operations; cfs_txn_commit()
 *                           writes it (journal.c).
 *   allocator               in-memory "busy" bitmaps of blocks and inodes
 *                           (alloc.c). A block freed by transaction T stays
 *                           busy until the transaction after T has committed,
 *                           so that no replayable journal image and no
 *                           not-yet-durable free can ever point at reused data.
 *
 * Invariants (cited by the asserts that check them):
 *   I1  A buffer's content is changed only after cfs_buf_dirty() returned OK
 *       for it in the current operation.
 *   I2  Buffers are evicted only between operations, so a buffer pointer
 *       obtained inside an operation stays valid until cfs_op_end().
 *   I3  ndirty <= txn_max: a transaction always fits in half the journal.
 *   I4  When cfs_txn_commit(T) returns OK, every transaction before T is
 *       durable at its home location and the superblock's tail is T.
 *   I5  A COMMITTED buffer holds exactly its last committed image: it is
 *       written home (write-before-modify) before it is changed again.
 *   I6  A block is allocatable only if its bit is clear in the busy bitmap;
 *       busy = on-disk bitmap | pending frees | blocks allocated in memory.
 *
 * Locking: none inside; the caller serialises all calls on one struct cfs.
 */
#ifndef FS_CFS_INTERNAL_H
#define FS_CFS_INTERNAL_H

#include <fs/cfs.h>
#include <fs/cfs_format.h>
#include <kernel/alloc.h>
#include <kernel/assert.h>
#include <kernel/blockdev.h>
#include <kernel/crc32c.h>
#include <kernel/log.h>
#include <kernel/string.h>

/* ---- Buffers ------------------------------------------------------------ */

enum cfs_buf_state {
	CFS_BUF_CLEAN,
	CFS_BUF_DIRTY,
	CFS_BUF_COMMITTED,
};

struct cfs_buf {
	uint64_t blockno;
	uint8_t *data;
	struct cfs_buf *hnext;          /* hash chain */
	struct cfs_buf *prev, *next;    /* the list of its state (LRU for CLEAN) */
	uint8_t state;                  /* enum cfs_buf_state */
	/* Operation bookkeeping (undo). */
	bool in_op;                     /* touched by the current operation */
	bool created_in_op;             /* came into being in it: dropped on rollback */
	uint8_t undo_state;
	uint8_t *undo;                  /* content before the operation, or NULL */
	struct cfs_buf *op_next;
};

struct cfs_buf_list {
	struct cfs_buf head;            /* sentinel; only prev/next used */
	uint32_t count;
};

/* ---- Allocation bookkeeping --------------------------------------------- */

struct cfs_extent {
	uint64_t start;
	uint64_t len;
	uint64_t seq;                   /* pending frees: the freeing transaction */
};

struct cfs_extents {
	struct cfs_extent *v;
	size_t n, cap;
};

enum cfs_oplog_kind {
	CFS_OPLOG_BLOCKS,               /* blocks allocated: clear busy on rollback */
	CFS_OPLOG_INODE_ALLOC,
	CFS_OPLOG_INODE_FREE,
};

struct cfs_oplog_entry {
	uint8_t kind;
	uint64_t start;
	uint64_t len;
};

/* ---- Open files --------------------------------------------------------- */

struct cfs_file {
	struct cfs *fs;
	uint32_t ino;
	uint32_t flags;
	struct cfs_file *next;          /* fs->files */
};

/* ---- The mounted filesystem --------------------------------------------- */

struct cfs {
	struct blockdev *bd;
	struct cfs_super sb;            /* the current superblock (in memory) */
	uint32_t bs;                    /* block size */
	uint32_t dev_per_block;         /* device blocks per filesystem block */
	uint64_t nblocks;
	uint32_t ipb;                   /* inodes per inode table block */
	uint32_t ptrs;                  /* pointers per indirect block */
	uint64_t bits_per_bitmap;       /* bits per bitmap block */
	uint64_t max_file_blocks;
	uint32_t dir_max_buckets;       /* cfs_dir_max_buckets() */
	bool read_only;                 /* never writes the device */
	bool failed;                    /* an I/O error happened: refuse changes */
	bool errors_seen;               /* corruption found: CFS_STATE_ERRORS */
	bool fsck_mode;                 /* fsck: no journal, write buffers home */
	uint64_t (*clock_ns)(void);

	/* Buffer cache. */
	struct cfs_buf **htab;
	uint32_t hmask;
	uint32_t nbufs;
	uint32_t cache_max;
	struct cfs_buf_list clean;      /* LRU: evict from head */
	struct cfs_buf_list dirty;      /* the running transaction */
	struct cfs_buf_list committed;  /* I5 */
	uint8_t *undo_pool[8];          /* spare undo copies */
	uint32_t undo_pool_n;

	/* The current operation. */
	bool in_op;
	struct cfs_buf *op_bufs;
	struct cfs_oplog_entry *oplog;
	size_t oplog_n, oplog_cap;
	size_t op_pending_mark;         /* fs->pending.n at cfs_op_begin */
	uint64_t op_bfree, op_ifree, op_bgoal;

	/* Journal. */
	uint64_t seq;                   /* sequence of the running transaction */
	uint32_t head_pos;              /* where it will be written */
	uint32_t tail_pos;              /* start of the live region on disk */
	uint32_t ndirty;                /* == dirty.count */
	uint32_t txn_max;               /* I3 */
	uint32_t desc_entries;          /* entries per descriptor block */
	uint8_t *jbuf;                  /* scratch block for descriptors/commits */
	uint8_t *scratch;               /* scratch block for partial data I/O */
	bool dev_dirty;                 /* writes since the last flush */
	uint32_t sb_next_copy;          /* 0 or 1: the copy written next */

	/* Allocation. */
	uint64_t *bbusy;                /* I6 */
	uint64_t *ibusy;
	uint64_t bfree, ifree;
	uint64_t bgoal;
	uint32_t igoal;
	struct cfs_extents pending;     /* freed blocks not yet allocatable */

	struct cfs_file *files;
	struct cfs_counters ctr;

	/* Read-only mount of a journal that needed replay: the replayed block
	 * images, sorted by home block, stand in for their home copies on
	 * every read (cfs_dev_read); the device is left untouched. */
	uint64_t *ovl_block;
	uint8_t *ovl_data;              /* ovl_n blocks, in ovl_block's order */
	uint32_t ovl_n, ovl_cap;
};

/* ---- Small helpers ------------------------------------------------------- */

static inline bool cfs_bit_test(const uint64_t *map, uint64_t bit)
{
	return (map[bit >> 6] >> (bit & 63)) & 1;
}

static inline void cfs_bit_set(uint64_t *map, uint64_t bit)
{
	map[bit >> 6] |= 1ull << (bit & 63);
}

static inline void cfs_bit_clear(uint64_t *map, uint64_t bit)
{
	map[bit >> 6] &= ~(1ull << (bit & 63));
}

static inline uint64_t cfs_now(const struct cfs *fs)
{
	return fs->clock_ns ? fs->clock_ns() : 0;
}

/* ---- format.c: checksums and validation (no struct cfs needed) ----------- */

/* cfs_block_csum - CRC32C of a metadata block, its crc field read as 0. */
uint32_t cfs_block_csum(uint32_t seed, const void *block, uint32_t bs);
/* cfs_block_seal - fill in hdr.magic, hdr.blockno and hdr.crc. */
void cfs_block_seal(uint32_t seed, void *block, uint32_t bs, uint32_t magic,
		    uint64_t blockno);
/* cfs_block_check - CORRUPT unless magic, blockno and crc all match. */
err_t cfs_block_check(uint32_t seed, const void *block, uint32_t bs, uint32_t magic,
		      uint64_t blockno);
/*
 * cfs_super_check - validate the superblock block image `block` (block_len
 * bytes, at least its block size) read from block `copy`
 * (0 or 1) of a device with `dev_blocks` blocks of `dev_bs` bytes: CRC,
 * magic, version, features (NOTSUP / ROFS with a log line naming the
 * problem), geometry (every region inside the device, in order, sized as
 * the inode count and block count require). *why gets a short reason.
 */
err_t cfs_super_check(const void *block, uint32_t block_len, uint32_t copy, uint64_t dev_bytes,
		      bool read_only, const char **why);
uint32_t cfs_name_hash(uint32_t seed, const char *name, size_t len);
uint32_t cfs_dir_bucket_of(uint32_t hash, uint32_t nbuckets);
uint32_t cfs_ptrs_per_block(uint32_t bs);
uint64_t cfs_max_file_blocks(uint32_t bs);
/* cfs_dir_max_buckets - the most hash buckets a directory of this
 * filesystem can ever have; more means a corrupt inode. */
uint32_t cfs_dir_max_buckets(const struct cfs_super *sb);
/* cfs_geometry - fill every derived field of `sb` from block_size,
 * block_count, inode_count, journal_blocks. INVAL/NOSPC if impossible. */
err_t cfs_geometry(struct cfs_super *sb);
/* cfs_txn_max - dirty blocks one transaction may hold with this journal. */
uint32_t cfs_txn_max(uint32_t journal_blocks, uint32_t bs);
/* Worst-case metadata blocks of one truncate-to-zero, and of a rename that
 * replaces a file. The geometry guarantees both fit in a transaction. */
uint32_t cfs_txn_need_free_all(const struct cfs_super *sb);
uint32_t cfs_txn_need_rename(const struct cfs_super *sb);
/* cfs_block_valid - cfs_block_check without the log line (for probing). */
bool cfs_block_valid(uint32_t seed, const void *block, uint32_t bs, uint32_t magic,
		     uint64_t blockno);

/* ---- bcache.c ------------------------------------------------------------ */

err_t cfs_bcache_init(struct cfs *fs, uint32_t cache_max);
void cfs_bcache_destroy(struct cfs *fs);
/* cfs_bread - the validated buffer of metadata block `blockno`. */
err_t cfs_bread(struct cfs *fs, uint64_t blockno, uint32_t magic, struct cfs_buf **out);
/* cfs_bnew - a zeroed buffer for a just-allocated metadata block, already
 * dirty in the current operation. */
err_t cfs_bnew(struct cfs *fs, uint64_t blockno, struct cfs_buf **out);
/* cfs_buf_dirty - make `b` part of the running transaction (I1). */
err_t cfs_buf_dirty(struct cfs *fs, struct cfs_buf *b);
/* cfs_bforget - drop a CLEAN cached copy of a block about to hold data. */
void cfs_bforget(struct cfs *fs, uint64_t blockno);
void cfs_buf_list_move(struct cfs *fs, struct cfs_buf *b, enum cfs_buf_state st);
void cfs_bcache_trim(struct cfs *fs);

/* Device I/O in filesystem blocks; marks the filesystem failed on error. */
err_t cfs_dev_read(struct cfs *fs, uint64_t blockno, uint32_t count, void *buf);
err_t cfs_dev_write(struct cfs *fs, uint64_t blockno, uint32_t count, const void *buf);
err_t cfs_dev_flush(struct cfs *fs);
/* cfs_overlay_put - make `img` what reads of block `blockno` return from now
 * on (read-only replay), replacing an earlier image. NOMEM. */
err_t cfs_overlay_put(struct cfs *fs, uint64_t blockno, const void *img);

/* Operations (see the file comment). */
void cfs_op_begin(struct cfs *fs);
/* cfs_op_end - commit the operation in memory if err == OK, else roll it
 * back; returns err. */
err_t cfs_op_end(struct cfs *fs, err_t err);
err_t cfs_oplog_add(struct cfs *fs, enum cfs_oplog_kind kind, uint64_t start, uint64_t len);

/* ---- journal.c ----------------------------------------------------------- */

/* cfs_txn_reserve - make room for `n` more dirty blocks in the running
 * transaction, committing it first if needed. Call before an operation
 * changes anything. LIMIT if n can never fit. */
err_t cfs_txn_reserve(struct cfs *fs, uint32_t n);
err_t cfs_txn_commit(struct cfs *fs);
/* cfs_journal_checkpoint - write every committed buffer home, flush, and
 * record an empty journal in the superblock (with `state`). */
err_t cfs_journal_checkpoint(struct cfs *fs, uint32_t state);
/* cfs_journal_recover - replay committed transactions from the tail in
 * fs->sb (only count them if !apply); *replayed gets the count. Sets
 * fs->seq/head_pos/tail_pos. On a read-only mount the images go to the
 * in-memory overlay (cfs_overlay_put) instead of their home blocks. */
err_t cfs_journal_recover(struct cfs *fs, bool apply, uint32_t *replayed);
err_t cfs_super_write(struct cfs *fs);
/* cfs_super_load - read both copies, keep the valid one with the highest
 * generation in fs->sb. */
err_t cfs_super_load(struct blockdev *bd, bool read_only, struct cfs_super *out,
		     uint32_t *which, bool *other_ok);

/* ---- alloc.c ------------------------------------------------------------- */

err_t cfs_alloc_load(struct cfs *fs);
void cfs_alloc_destroy(struct cfs *fs);
err_t cfs_block_alloc(struct cfs *fs, uint64_t goal, uint64_t *out);
err_t cfs_block_free(struct cfs *fs, uint64_t blockno);
err_t cfs_inode_alloc(struct cfs *fs, uint32_t *out);
err_t cfs_inode_free(struct cfs *fs, uint32_t ino);
/* After commit of `durable_tail_seq`: frees of earlier transactions. */
void cfs_alloc_release(struct cfs *fs, uint64_t durable_tail_seq);
void cfs_alloc_op_commit(struct cfs *fs);
void cfs_alloc_op_rollback(struct cfs *fs);

/* ---- inode.c ------------------------------------------------------------- */

err_t cfs_inode_get(struct cfs *fs, uint32_t ino, struct cfs_buf **bp,
		    struct cfs_inode **ip);
/* cfs_inode_edit - as get, and dirty it (I1). */
err_t cfs_inode_edit(struct cfs *fs, uint32_t ino, struct cfs_inode **ip);
/* cfs_inode_check - validate the fields of an in-use inode. */
err_t cfs_inode_check(const struct cfs *fs, uint32_t ino, const struct cfs_inode *ip);
err_t cfs_bmap(struct cfs *fs, uint32_t ino, uint64_t lblk, uint64_t *pblk);
/* cfs_bmap_alloc - map lblk, allocating it (and indirect blocks) if needed;
 * *fresh says whether the data block is new (its content is garbage). */
err_t cfs_bmap_alloc(struct cfs *fs, uint32_t ino, uint64_t lblk, uint64_t goal,
		     uint64_t *pblk, bool *fresh);
/* cfs_bmap_truncate - free every block of logical index >= from. */
err_t cfs_bmap_truncate(struct cfs *fs, uint32_t ino, uint64_t from);
/* Worst-case metadata blocks dirtied by mapping one new block. */
#define CFS_TXN_PER_BLOCK 8u

/* ---- dir.c --------------------------------------------------------------- */

err_t cfs_dir_lookup(struct cfs *fs, uint32_t dir, const char *name, size_t len,
		     uint32_t *ino, uint8_t *type);
err_t cfs_dir_insert(struct cfs *fs, uint32_t dir, const char *name, size_t len,
		     uint32_t ino, uint8_t type);
err_t cfs_dir_remove(struct cfs *fs, uint32_t dir, const char *name, size_t len);
/* cfs_dir_next - the entry at or after *cookie; NOENT at the end. */
err_t cfs_dir_next(struct cfs *fs, uint32_t dir, uint64_t *cookie, uint32_t *ino,
		   uint8_t *type, char *name, uint8_t *name_len);
/* cfs_dir_maybe_split - grow the hash table by one bucket if it is loaded
 * and the running transaction has room; its own operation. */
err_t cfs_dir_maybe_split(struct cfs *fs, uint32_t dir);
/* cfs_dir_release - free every block of an empty directory. */
err_t cfs_dir_release(struct cfs *fs, uint32_t dir);
/* Worst-case dirty blocks of one insert or remove (without splitting). */
#define CFS_TXN_DIR_CHANGE 12u
/* cfs_dir_entry_parse - decode the entry at `off` of a bucket block; CORRUPT
 * if it does not fit. Used by dir.c and fsck. */
err_t cfs_dir_entry_parse(const uint8_t *blk, uint32_t bs, uint32_t off, uint32_t used_end,
			  uint32_t *ino, uint32_t *hash, uint8_t *type, const char **name,
			  uint8_t *name_len);

/* ---- super.c -------------------------------------------------------------- */

/* cfs_fs_attach - a struct cfs over `bd` for fsck: geometry and cache only,
 * fsck_mode set (no journal; dirty buffers are written home by the caller). */
err_t cfs_fs_attach(struct blockdev *bd, const struct cfs_super *sb, uint32_t which,
		    struct cfs **out);
void cfs_fs_free(struct cfs *fs);

/* cfs_fs_error - note that corruption was found at run time: the superblock
 * gets CFS_STATE_ERRORS at its next write (next commit or unmount) and
 * keeps it until cairn-fsck checks the filesystem. Not in fsck mode. */
void cfs_fs_error(struct cfs *fs);
/* cfs_note - cfs_fs_error(fs) if err is CORRUPT; returns err. */
static inline err_t cfs_note(struct cfs *fs, err_t err)
{
	if (err == CAIRN_ERR_CORRUPT)
		cfs_fs_error(fs);
	return err;
}

/* ---- namei.c / file.c ---------------------------------------------------- */

bool cfs_ino_is_open(struct cfs *fs, uint32_t ino);
/* cfs_create_node - create an empty file or directory at `path`. */
err_t cfs_create_node(struct cfs *fs, const char *path, uint16_t type, uint32_t *ino);
err_t cfs_stat_ino(struct cfs *fs, uint32_t ino, struct cfs_stat *st);
err_t cfs_lookup_path(struct cfs *fs, const char *path, uint32_t *ino);

/* ---- mkfs.c / fsck.c are declared in <fs/cfs_tools.h> ------------------- */

#endif /* FS_CFS_INTERNAL_H */
