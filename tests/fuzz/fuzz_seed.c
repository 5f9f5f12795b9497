// SPDX-License-Identifier: BSD-2-Clause
/*
 * Writes the seed corpus of the filesystem fuzzer: small images made by the
 * real mkfs and populated through the real API (files of several sizes, a
 * large-ish directory, symlinks, a journal left with committed transactions
 * to replay), so mutations start from every structure the format has.
 *
 *   fuzz-seed DIR
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <fs/cfs.h>
#include <fs/cfs_tools.h>

#include "../crash/crashdev.h"

static int save(const struct crashdev *d, const char *dir, const char *name)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "wb");
	if (!f || fwrite(d->img, 1, d->size, f) != d->size) {
		perror(p);
		return 1;
	}
	return fclose(f) != 0;
}

static int make(const char *dir, const char *name, uint32_t kib, int files, bool leave_journal)
{
	struct crashdev d;
	struct cfs_mkfs_opts o;
	struct cfs *fs;
	static char data[20000];
	int rc;

	memset(&o, 0, sizeof(o));
	o.block_size = 1024;
	o.bytes_per_inode = 1024;
	memset(o.uuid, 0x5e, sizeof(o.uuid));
	if (crashdev_init(&d, 512, kib * 2) || cfs_mkfs(&d.bd, &o) ||
	    cfs_mount(&d.bd, NULL, &fs))
		return 1;
	memset(data, 'd', sizeof(data));
	cfs_mkdir(fs, "/dir");
	for (int i = 0; i < files; i++) {
		char p[64];
		struct cfs_file *f;
		size_t done;

		snprintf(p, sizeof(p), "/dir/file-%d", i);
		if (cfs_create(fs, p, &f) == CAIRN_OK) {
			cfs_write(f, 0, data, (size_t)(i * 397) % sizeof(data), &done);
			cfs_close(f);
		}
	}
	cfs_symlink(fs, "/dir/file-1", "/short");
	cfs_rename(fs, "/dir/file-0", "/moved");
	if (leave_journal) {
		/* Sync, then drop the device state as a power cut would. */
		cfs_sync(fs);
		d.cut_after = 0;
		(void)cfs_unmount(fs);
	} else if (cfs_unmount(fs)) {
		return 1;
	}
	rc = save(&d, dir, name);
	crashdev_destroy(&d);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fuzz-seed DIR\n");
		return 2;
	}
	if (mkdir(argv[1], 0755) != 0 && errno != EEXIST) {
		perror(argv[1]);
		return 1;
	}
	return make(argv[1], "small.img", 256, 3, false) ||
	       make(argv[1], "dir.img", 256, 60, false) ||
	       make(argv[1], "journal.img", 256, 5, true);
}
