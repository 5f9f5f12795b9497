// SPDX-License-Identifier: BSD-2-Clause
/*
 * cairn-mkfs: make a Cairn filesystem in an image file (or on a device).
 *
 *   cairn-mkfs [-b BLOCK_SIZE] [-L LABEL] [-N INODES] [-i BYTES_PER_INODE]
 *              [-J JOURNAL_BLOCKS] [-U HEX_UUID] [-T TIME_NS] [-d DIR] IMAGE [SIZE]
 *
 * SIZE (with K/M/G) creates or resizes IMAGE first; without it the whole
 * file is used. -d copies a host directory tree (files, directories,
 * symbolic links) into the new filesystem, like mkfs.ext2 -d, keeping each
 * one's permission bits and modification time (the root takes those of
 * DIR). -U and -T make the image reproducible (fixed uuid, and -T for every
 * other timestamp).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fs/cfs.h>
#include <fs/cfs_tools.h>

#include "tool.h"

static uint64_t fixed_time;
static bool have_fixed_time;

static uint64_t clock_fn(void)
{
	return have_fixed_time ? fixed_time : tool_now_ns();
}

static int copy_file(struct cfs *fs, const char *host, const char *path)
{
	static char buf[1 << 20];
	struct cfs_file *f = NULL;
	uint64_t off = 0;
	int fd = open(host, O_RDONLY);
	err_t err;

	if (fd < 0) {
		fprintf(stderr, "cairn-mkfs: %s: %s\n", host, strerror(errno));
		return -1;
	}
	err = cfs_create(fs, path, &f);
	while (!err) {
		ssize_t n = read(fd, buf, sizeof(buf));
		size_t done;

		if (n <= 0) {
			if (n < 0)
				err = CAIRN_ERR_IO;
			break;
		}
		err = cfs_write(f, off, buf, (size_t)n, &done);
		off += done;
	}
	cfs_close(f);
	close(fd);
	if (err) {
		fprintf(stderr, "cairn-mkfs: copying %s to %s: %s\n", host, path,
			cairn_err_describe(err));
		return -1;
	}
	return 0;
}

/* Give `path` the permission bits and mtime of the host's `st`. */
static err_t keep_attrs(struct cfs *fs, const char *path, const struct stat *st)
{
	uint64_t mtime = (uint64_t)st->st_mtim.tv_sec * 1000000000ull +
			 (uint64_t)st->st_mtim.tv_nsec;

	if (st->st_mtim.tv_sec < 0)
		mtime = 0; /* before 1970: not representable */
	return cfs_setattr(fs, path, CFS_ATTR_PERM | CFS_ATTR_MTIME, st->st_mode & 07777, mtime);
}

static int populate(struct cfs *fs, const char *host, const char *path)
{
	DIR *dir = opendir(host);
	struct dirent *de;
	int rc = 0;

	if (!dir) {
		fprintf(stderr, "cairn-mkfs: %s: %s\n", host, strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(dir))) {
		char h[4096], p[4096];
		struct stat st;
		err_t err = CAIRN_OK;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(h, sizeof(h), "%s/%s", host, de->d_name);
		snprintf(p, sizeof(p), "%s/%s", strcmp(path, "/") ? path : "", de->d_name);
		if (lstat(h, &st) != 0) {
			fprintf(stderr, "cairn-mkfs: %s: %s\n", h, strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			err = cfs_mkdir(fs, p);
			if (!err)
				rc = populate(fs, h, p);
			/* After the entries: inserting them changed the mtime. */
			if (!err && rc == 0)
				err = keep_attrs(fs, p, &st);
		} else if (S_ISREG(st.st_mode)) {
			rc = copy_file(fs, h, p);
			if (rc == 0)
				err = keep_attrs(fs, p, &st);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlink(h, target, sizeof(target) - 1);

			if (n < 0) {
				fprintf(stderr, "cairn-mkfs: %s: %s\n", h, strerror(errno));
				rc = -1;
			} else {
				target[n] = '\0';
				err = cfs_symlink(fs, target, p);
				if (!err)
					err = keep_attrs(fs, p, &st);
			}
		} else {
			fprintf(stderr, "cairn-mkfs: %s: not a file, directory or symlink: skipped\n",
				h);
		}
		if (err) {
			fprintf(stderr, "cairn-mkfs: %s: %s\n", p, cairn_err_describe(err));
			rc = -1;
		}
	}
	closedir(dir);
	return rc;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: cairn-mkfs [-b BLOCK_SIZE] [-L LABEL] [-N INODES] "
			"[-i BYTES_PER_INODE] [-J JOURNAL_BLOCKS] [-U HEX_UUID] [-T TIME_NS] "
			"[-d DIR] IMAGE [SIZE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct cfs_mkfs_opts o;
	struct tool_dev dev;
	const char *from = NULL;
	uint64_t size = 0, v;
	bool have_uuid = false;
	int opt;
	err_t err;

	memset(&o, 0, sizeof(o));
	tool_log_to_stderr(1);
	while ((opt = getopt(argc, argv, "b:L:N:i:J:U:T:d:h")) != -1) {
		switch (opt) {
		case 'b':
		case 'N':
		case 'i':
		case 'J':
			if (!tool_parse_size(optarg, &v) || v > UINT32_MAX) {
				fprintf(stderr, "cairn-mkfs: bad number '%s'\n", optarg);
				return 2;
			}
			if (opt == 'b')
				o.block_size = (uint32_t)v;
			else if (opt == 'N')
				o.inode_count = (uint32_t)v;
			else if (opt == 'i')
				o.bytes_per_inode = (uint32_t)v;
			else
				o.journal_blocks = (uint32_t)v;
			break;
		case 'L':
			o.label = optarg;
			break;
		case 'U':
			if (strlen(optarg) != 32) {
				fprintf(stderr, "cairn-mkfs: -U wants 32 hex digits\n");
				return 2;
			}
			for (int i = 0; i < 16; i++) {
				int hi = hexval(optarg[2 * i]), lo = hexval(optarg[2 * i + 1]);

				if (hi < 0 || lo < 0) {
					fprintf(stderr, "cairn-mkfs: -U wants 32 hex digits\n");
					return 2;
				}
				o.uuid[i] = (uint8_t)(hi << 4 | lo);
			}
			have_uuid = true;
			break;
		case 'T':
			fixed_time = strtoull(optarg, NULL, 0);
			have_fixed_time = true;
			break;
		case 'd':
			from = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || argc - optind > 2)
		usage();
	if (argc - optind == 2 && !tool_parse_size(argv[optind + 1], &size)) {
		fprintf(stderr, "cairn-mkfs: bad size '%s'\n", argv[optind + 1]);
		return 2;
	}
	if (!have_uuid)
		tool_random(o.uuid, sizeof(o.uuid));
	o.time_ns = clock_fn();
	if (tool_dev_open(&dev, argv[optind], true, size != 0, size))
		return 1;
	err = cfs_mkfs(&dev.bd, &o);
	if (err) {
		fprintf(stderr, "cairn-mkfs: %s: cannot make a filesystem: %s\n", argv[optind],
			cairn_err_describe(err));
		tool_dev_close(&dev);
		return 1;
	}
	if (from) {
		struct cfs_mount_opts mo = { .clock_ns = clock_fn };
		struct cfs *fs;
		int rc;

		err = cfs_mount(&dev.bd, &mo, &fs);
		if (err) {
			fprintf(stderr, "cairn-mkfs: mount: %s\n", cairn_err_describe(err));
			return 1;
		}
		rc = populate(fs, from, "/");
		if (rc == 0) {
			/* The root takes the attributes of the tree's top. */
			struct stat st;

			if (stat(from, &st) != 0) {
				fprintf(stderr, "cairn-mkfs: %s: %s\n", from, strerror(errno));
				rc = -1;
			} else if ((err = keep_attrs(fs, "/", &st)) != CAIRN_OK) {
				fprintf(stderr, "cairn-mkfs: /: %s\n", cairn_err_describe(err));
				rc = -1;
			}
		}
		err = cfs_unmount(fs);
		if (rc || err) {
			fprintf(stderr, "cairn-mkfs: populating from %s failed\n", from);
			return 1;
		}
	}
	tool_dev_close(&dev);
	return 0;
}
