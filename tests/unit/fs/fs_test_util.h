/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared helpers of the filesystem suites: a RAM device with a fresh
 * filesystem on it, and a fixed uuid so images are reproducible.
 */
#ifndef TESTS_FS_TEST_UTIL_H
#define TESTS_FS_TEST_UTIL_H

#include <string.h>

#include <stdio.h>

#include <fs/cfs.h>
#include <kernel/console.h>
#include <fs/cfs_tools.h>

#include "../../crash/crashdev.h"

static inline struct cfs_mkfs_opts fs_test_mkfs_opts(uint32_t bs)
{
	struct cfs_mkfs_opts o;

	memset(&o, 0, sizeof(o));
	o.block_size = bs;
	for (int i = 0; i < 16; i++)
		o.uuid[i] = (uint8_t)(0xA0 + i);
	o.label = "test";
	o.bytes_per_inode = 1024;
	return o;
}

/* A device of `bytes` with a fresh filesystem of block size `bs`. */
static inline int fs_test_make(struct crashdev *d, uint64_t bytes, uint32_t bs)
{
	struct cfs_mkfs_opts o = fs_test_mkfs_opts(bs);

	if (crashdev_init(d, 512, bytes / 512))
		return -1;
	return cfs_mkfs(&d->bd, &o) == CAIRN_OK ? 0 : -1;
}

static inline void fs_test_console_write(struct console *con, const char *s, size_t len)
{
	(void)con;
	fwrite(s, 1, len, stdout);
}

/* Show the kernel log (warnings and errors) on stdout. */
static inline void fs_test_console(void)
{
	static struct console con = { .name = "test", .write = fs_test_console_write };

	console_register(&con);
}

#endif /* TESTS_FS_TEST_UTIL_H */
