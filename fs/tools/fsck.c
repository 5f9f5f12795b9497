// SPDX-License-Identifier: BSD-2-Clause
/*
 * cairn-fsck: check and repair a Cairn filesystem image.
 *
 *   cairn-fsck [-n] [-q] IMAGE
 *
 * Replays the journal, checks everything and repairs what it can, printing
 * one line per finding; -n only checks (opens the image read-only). Exit
 * codes as e2fsck:
 *    0  clean
 *    1  errors fixed (a journal replay alone counts: the image changed)
 *    4  errors left (with -n: errors found)
 *    8  operational error: cannot open or read the image, out of memory, or
 *       no valid superblock (not a cfs filesystem this fsck can check -
 *       e2fsck also exits 8 on a bad superblock magic)
 *   16  usage error
 * A second run after a repair exits 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fs/cfs_tools.h>

#include "tool.h"

static void report(void *ctx, const char *line)
{
	(void)ctx;
	printf("%s\n", line);
}

int main(int argc, char **argv)
{
	struct cfs_fsck_opts o = { .repair = true, .report = report };
	struct cfs_fsck_result r;
	struct tool_dev dev;
	bool quiet = false;
	int opt;
	err_t err;

	while ((opt = getopt(argc, argv, "nqyp")) != -1) {
		switch (opt) {
		case 'n':
			o.repair = false;
			break;
		case 'q':
			quiet = true;
			break;
		case 'y':
		case 'p':
			break; /* repairing is the default */
		default:
			fprintf(stderr, "usage: cairn-fsck [-n] [-q] IMAGE\n");
			return 16;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: cairn-fsck [-n] [-q] IMAGE\n");
		return 16;
	}
	tool_log_to_stderr(quiet ? 0 : 1);
	if (tool_dev_open(&dev, argv[optind], o.repair, false, 0))
		return 8;
	err = cfs_fsck(&dev.bd, &o, &r);
	tool_dev_close(&dev);
	if (err) {
		fprintf(stderr, "cairn-fsck: %s: cannot check: %s\n", argv[optind],
			cairn_err_describe(err));
		return 8;
	}
	if (r.no_filesystem) {
		fprintf(stderr, "cairn-fsck: %s: no valid cfs superblock: nothing checked\n",
			argv[optind]);
		return 8;
	}
	printf("%s: %llu files, %llu directories, %llu symlinks, %llu blocks in use; "
	       "%u journal transactions replayed; %u fixed, %u left\n", argv[optind],
	       (unsigned long long)r.files, (unsigned long long)r.dirs,
	       (unsigned long long)r.symlinks, (unsigned long long)r.blocks_used, r.replayed,
	       r.fixed, r.errors_left);
	if (r.errors_left)
		return 4;
	return r.fixed ? 1 : 0;
}
