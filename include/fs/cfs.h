/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Cairn filesystem (cfs): the consumer API.
 *
 * A journaling filesystem over a struct blockdev (include/kernel/blockdev.h).
 * Namespace operations and file metadata go through a write-ahead journal of
 * physical block images; file data is written in place before the
 * transaction that points at it commits (ordered mode). docs/filesystem.md
 * explains the design; docs/disk-format.md the bytes on disk.
 *
 * Durability, exactly:
 *   - cfs_fsync(f) and cfs_sync(fs) commit the one running transaction and
 *     flush the device. When they return OK, every namespace operation
 *     (create, mkdir, rename, unlink, rmdir, truncate) and every byte written
 *     by cfs_write() that returned before the call, to ANY file, is durable.
 *   - Without a sync, an operation may be lost at a power cut, but never half
 *     of one: after recovery the namespace and metadata are those of the
 *     last transaction that committed. Data written in place over existing
 *     blocks since the last sync may be old, new or (per sector) a mix.
 *   - The journal also commits by itself when a transaction fills half of it.
 *
 * Paths are absolute ("/a/b"), '/'-separated, at most CFS_PATH_MAX bytes,
 * components at most CFS_NAME_MAX bytes; "." and ".." are understood in
 * lookups but cannot be created. Symbolic links are stored and read back;
 * path resolution does not follow them (the VFS above decides).
 * An open file cannot be unlinked or replaced by rename (CAIRN_ERR_BUSY).
 *
 * Context: thread context; calls may sleep (they do block I/O). A mounted
 * filesystem is not internally locked: the caller serialises calls on one
 * struct cfs (the VFS holds a per-mount lock).
 */
#ifndef FS_CFS_H
#define FS_CFS_H

#include <kernel/blockdev.h>
#include <kernel/types.h>

#define CFS_PATH_MAX 4096u

struct cfs;       /* a mounted filesystem */
struct cfs_file;  /* an open file */

struct cfs_mount_opts {
	/* Never write the device: a journal that needs replay is replayed in
	 * memory (the replayed blocks are kept and read instead of their home
	 * copies), so a crashed image can be inspected unchanged. */
	bool read_only;
	/* Source of timestamps (nanoseconds since the epoch); NULL stores 0. */
	uint64_t (*clock_ns)(void);
	/* Metadata cache budget in blocks (0: a default of 4096). Dirty and
	 * committed blocks are never evicted, clean ones are, LRU. */
	uint32_t cache_blocks;
};

/*
 * cfs_mount - validate the superblock, replay the journal (in memory for a
 * read-only mount), load the allocation bitmaps. `bd` must stay valid until cfs_unmount().
 * Errors: CORRUPT (bad superblock, journal or bitmap), NOTSUP (newer version
 * or unknown incompat feature: the log says which), ROFS (unknown ro_compat
 * feature and !read_only), INVAL (bad opts or device block size), NOMEM, IO.
 */
err_t cfs_mount(struct blockdev *bd, const struct cfs_mount_opts *opts, struct cfs **out);

/*
 * cfs_unmount - commit, checkpoint, mark the superblock clean, free `fs`.
 * Open files must be closed first (BUSY otherwise, nothing freed).
 * After an I/O error the filesystem is freed without further writes and IO
 * is returned; the journal makes the image consistent at the next mount.
 */
err_t cfs_unmount(struct cfs *fs);

/* Open flags. */
#define CFS_O_READ   0x1u
#define CFS_O_WRITE  0x2u
#define CFS_O_CREATE 0x4u   /* create a regular file if missing */
#define CFS_O_EXCL   0x8u   /* with CREATE: EXIST if it exists */
#define CFS_O_TRUNC  0x10u  /* truncate to 0 on open (needs WRITE) */

/*
 * cfs_open - open the regular file at `path`.
 * Errors: NOENT, NOTDIR (a component is not a directory), ISDIR, EXIST
 * (CREATE|EXCL), INVAL (bad path or flags, or not a regular file),
 * NAMETOOLONG, NOSPC, ROFS, NOMEM, CORRUPT, IO.
 */
err_t cfs_open(struct cfs *fs, const char *path, uint32_t flags, struct cfs_file **out);

/* cfs_create - cfs_open(path, READ|WRITE|CREATE|EXCL). */
err_t cfs_create(struct cfs *fs, const char *path, struct cfs_file **out);

/* cfs_close - release `f`. Never fails; does not sync. */
void cfs_close(struct cfs_file *f);

/*
 * cfs_read - read up to `len` bytes at `off` into `buf`; *done gets the
 * count (short only at end of file; 0 at or past it). Holes read as zeros.
 * Errors: ACCESS (not opened for reading), CORRUPT, IO.
 */
err_t cfs_read(struct cfs_file *f, uint64_t off, void *buf, size_t len, size_t *done);

/*
 * cfs_write - write `len` bytes at `off`, growing the file as needed.
 * *done gets the bytes written; a write that runs out of space stops short
 * with *done < len and returns NOSPC (everything before is written, the
 * filesystem stays consistent). A large write may span several journal
 * transactions. Errors: ACCESS, FBIG, NOSPC, ROFS, NOMEM, CORRUPT, IO.
 */
err_t cfs_write(struct cfs_file *f, uint64_t off, const void *buf, size_t len,
		size_t *done);

/* cfs_truncate - set the size; blocks past it are freed. Errors: as write. */
err_t cfs_truncate(struct cfs_file *f, uint64_t size);

/* cfs_fsync - see the durability contract above. Errors: IO, ROFS. */
err_t cfs_fsync(struct cfs_file *f);
err_t cfs_sync(struct cfs *fs);

/*
 * Namespace operations. Each is one atomic journal step.
 * Errors: NOENT, EXIST, NOTDIR, ISDIR, NOTEMPTY, BUSY (open file), INVAL
 * (bad path; rename of a directory into itself; "." or ".."), NAMETOOLONG,
 * NOSPC, LIMIT (a directory hash chain is full), ROFS, NOMEM, CORRUPT, IO.
 */
err_t cfs_unlink(struct cfs *fs, const char *path);
err_t cfs_mkdir(struct cfs *fs, const char *path);
err_t cfs_rmdir(struct cfs *fs, const char *path);
/* cfs_rename - atomically make `to` name what `from` named, replacing an
 * existing file or empty directory of the same kind at `to`. */
err_t cfs_rename(struct cfs *fs, const char *from, const char *to);
err_t cfs_symlink(struct cfs *fs, const char *target, const char *path);
/*
 * cfs_setattr - set the permission bits (CFS_ATTR_PERM in `what`: `perm`,
 * at most 07777) and/or the modification time (CFS_ATTR_MTIME: `mtime_ns`)
 * of the file, directory or symlink at `path`; its ctime becomes now. One
 * atomic journal step. Errors: INVAL (bad path, `what` empty or with an
 * unknown bit, perm above 07777), NOENT, NOTDIR, NAMETOOLONG, ROFS, NOSPC,
 * NOMEM, CORRUPT, IO.
 */
#define CFS_ATTR_PERM  0x1u
#define CFS_ATTR_MTIME 0x2u
err_t cfs_setattr(struct cfs *fs, const char *path, uint32_t what, uint32_t perm,
		  uint64_t mtime_ns);
/* cfs_readlink - copy the target (NUL-terminated) into buf; *len its length.
 * Errors: INVAL (not a symlink), RANGE (buf too small), NOENT, ... */
err_t cfs_readlink(struct cfs *fs, const char *path, char *buf, size_t size, size_t *len);

enum cfs_type {
	CFS_FILE = 1,
	CFS_DIR = 2,
	CFS_SYMLINK = 3,
};

struct cfs_stat {
	uint32_t ino;
	uint32_t generation;
	enum cfs_type type;
	uint32_t perm;
	uint32_t nlink;
	uint64_t size;        /* bytes; directories: entries */
	uint64_t blocks;      /* filesystem blocks owned */
	uint64_t mtime_ns;
	uint64_t ctime_ns;
};

err_t cfs_stat(struct cfs *fs, const char *path, struct cfs_stat *st);
err_t cfs_fstat(struct cfs_file *f, struct cfs_stat *st);

struct cfs_dirent {
	uint32_t ino;
	enum cfs_type type;
	uint8_t name_len;
	char name[256];       /* NUL-terminated */
};

/*
 * cfs_readdir - the next entry of directory `path` after position *cookie
 * (start with 0). Returns OK with an entry and an updated cookie, or NOENT
 * when no entry is left. Entries come in hash order; "." and ".." are not
 * listed. Entries added or removed while listing may be missed or seen
 * twice; the others are each returned once.
 */
err_t cfs_readdir(struct cfs *fs, const char *path, uint64_t *cookie, struct cfs_dirent *ent);

struct cfs_statfs {
	uint32_t block_size;
	uint64_t blocks;        /* in the filesystem */
	uint64_t blocks_free;   /* allocatable now */
	uint64_t inodes;
	uint64_t inodes_free;
	uint32_t name_max;
	/* The superblock records errors (CFS_STATE_ERRORS: corruption was
	 * found at run time), or this mount found some: run cairn-fsck. */
	bool errors;
	char label[33];
	uint8_t uuid[16];
};
err_t cfs_statfs(struct cfs *fs, struct cfs_statfs *st);

/* Counters for benchmarks and tests. */
struct cfs_counters {
	uint64_t commits;
	uint64_t journal_blocks;  /* block images written to the journal */
	uint64_t checkpoints;     /* blocks written to their home location */
	uint64_t replays;         /* transactions replayed at mount */
};
void cfs_counters_get(struct cfs *fs, struct cfs_counters *out);

#endif /* FS_CFS_H */
