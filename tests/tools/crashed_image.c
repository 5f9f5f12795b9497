// SPDX-License-Identifier: BSD-2-Clause
/*
 * Writes a filesystem image as a power cut right after a sync leaves it:
 * the last transaction is committed in the journal but not yet written
 * home, so the next mount (or fsck) must replay it. For the host tool tests
 * (tests/tools/fs_tools.sh).
 *
 *   crashed-image IMAGE
 *
 * The image holds /a (3,000 bytes, "a" repeated) and /d/b ("hello").
 */
#include <stdio.h>
#include <string.h>

#include <fs/cfs.h>
#include <fs/cfs_tools.h>

#include "../crash/crashdev.h"

static err_t put(struct cfs *fs, const char *path, const void *data, size_t len)
{
	struct cfs_file *f;
	size_t done;
	err_t err = cfs_create(fs, path, &f);

	if (err)
		return err;
	err = cfs_write(f, 0, data, len, &done);
	cfs_close(f);
	return err;
}

int main(int argc, char **argv)
{
	static char a[3000];
	struct cfs_mkfs_opts o;
	struct crashdev d;
	struct cfs *fs;
	FILE *out;
	err_t err;

	if (argc != 2) {
		fprintf(stderr, "usage: crashed-image IMAGE\n");
		return 2;
	}
	memset(&o, 0, sizeof(o));
	o.block_size = 1024;
	memset(o.uuid, 0x42, sizeof(o.uuid));
	memset(a, 'a', sizeof(a));
	if (crashdev_init(&d, 512, 2048) || cfs_mkfs(&d.bd, &o) != CAIRN_OK ||
	    cfs_mount(&d.bd, NULL, &fs) != CAIRN_OK) {
		fprintf(stderr, "crashed-image: cannot make the filesystem\n");
		return 1;
	}
	err = put(fs, "/a", a, sizeof(a));
	if (!err)
		err = cfs_mkdir(fs, "/d");
	if (!err)
		err = put(fs, "/d/b", "hello", 5);
	if (!err)
		err = cfs_sync(fs);
	if (err) {
		fprintf(stderr, "crashed-image: %s\n", cairn_err_name(err));
		return 1;
	}
	d.cut_after = (int64_t)d.ops; /* the power fails now */
	(void)cfs_unmount(fs);
	out = fopen(argv[1], "wb");
	if (!out || fwrite(d.img, 1, d.size, out) != d.size || fclose(out) != 0) {
		perror(argv[1]);
		return 1;
	}
	crashdev_destroy(&d);
	return 0;
}
