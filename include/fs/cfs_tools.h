/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Making and checking Cairn filesystems: the portable code behind the host
 * tools cairn-mkfs and cairn-fsck (fs/tools/), also usable in the kernel and
 * in tests. Both work on an unmounted struct blockdev.
 */
#ifndef FS_CFS_TOOLS_H
#define FS_CFS_TOOLS_H

#include <kernel/blockdev.h>
#include <kernel/types.h>

struct cfs_mkfs_opts {
	uint32_t block_size;      /* 0: 4096 */
	uint64_t block_count;     /* 0: the whole device */
	uint32_t inode_count;     /* 0: one per bytes_per_inode */
	uint32_t bytes_per_inode; /* 0: 8192 */
	uint32_t journal_blocks;  /* 0: 1/64 of the device, at least what one
				   * truncate-to-zero needs, at most 8192 */
	const char *label;        /* NULL: none; at most 32 bytes */
	uint8_t uuid[16];         /* the caller supplies it (tools: random) */
	uint64_t time_ns;
};

/*
 * cfs_mkfs - write an empty filesystem (root directory only) to `bd`.
 * Errors: INVAL (bad block size, or smaller than the device's), RANGE (too
 * many blocks or inodes, journal too small), NOSPC (device too small for the
 * layout), NAMETOOLONG (label), NOMEM, IO.
 */
err_t cfs_mkfs(struct blockdev *bd, const struct cfs_mkfs_opts *opts);

struct cfs_fsck_opts {
	bool repair;              /* false: check only, write nothing */
	/* One line per finding (no newline); NULL: none. */
	void (*report)(void *ctx, const char *line);
	void *ctx;
};

struct cfs_fsck_result {
	uint32_t fixed;           /* problems repaired */
	uint32_t errors_left;     /* problems found and not repaired */
	uint32_t replayed;        /* journal transactions replayed (one fix) */
	bool no_filesystem;       /* no valid superblock: nothing was checked */
	uint64_t files, dirs, symlinks;
	uint64_t blocks_used, inodes_used;
};

/*
 * cfs_fsck - check (and with `repair`, fix) the filesystem on `bd`: both
 * superblock copies, the journal (replayed when repairing), every inode,
 * block map and indirect block, every directory bucket and entry, the tree
 * (reachability from the root, parent pointers, no directory loops or
 * second links), link counts, block counts, and both bitmaps against what
 * is reachable. Unreachable inodes are cleared; blocks claimed twice stay
 * with the first claimer (in tree order). Repairs are written when the
 * check ends, then flushed; a second run finds nothing.
 * Returns OK when the check ran (see *res), or NOMEM / IO when it could not
 * run (operational errors). No valid superblock: an error left and
 * res->no_filesystem (cairn-fsck exits 8 for it, as e2fsck does for a bad
 * magic number). A journal replay counts as one fix.
 */
err_t cfs_fsck(struct blockdev *bd, const struct cfs_fsck_opts *opts,
	       struct cfs_fsck_result *res);

#endif /* FS_CFS_TOOLS_H */
