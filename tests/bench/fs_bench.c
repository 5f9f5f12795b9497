// SPDX-License-Identifier: BSD-2-Clause
/*
 * Filesystem benchmark (run by tests/bench/fs.sh): prints one line per
 * figure, "BENCH <name> <value> <unit> [baseline=<value>]". The device is
 * the RAM device of tests/crash/ (no tracing), so the figures measure the
 * filesystem's own CPU cost and its device traffic. Baselines are measured
 * in the same run: the same job done on the raw device without a
 * filesystem (or a memcpy for reads). Never fails on a timing.
 *
 *   bench-fs [small|seq|fsck|mkfs]     (default: all)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fs/cfs.h>
#include <fs/cfs_tools.h>
#include <kernel/log.h>

#include "../crash/crashdev.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, err_t err)
{
	fprintf(stderr, "bench-fs: %s: %s\n", what, cairn_err_name(err));
	exit(1);
}

static struct cfs *fresh(struct crashdev *d, uint64_t bytes, uint32_t bytes_per_inode)
{
	struct cfs_mkfs_opts o;
	struct cfs *fs;
	err_t err;

	memset(&o, 0, sizeof(o));
	o.block_size = 4096;
	o.bytes_per_inode = bytes_per_inode;
	memset(o.uuid, 0xbe, sizeof(o.uuid));
	if (crashdev_init(d, 512, bytes / 512))
		die("device", CAIRN_ERR_NOMEM);
	memset(d->img, 0, d->size); /* a warm RAM device: no first-touch faults */
	err = cfs_mkfs(&d->bd, &o);
	if (err)
		die("mkfs", err);
	err = cfs_mount(&d->bd, NULL, &fs);
	if (err)
		die("mount", err);
	return fs;
}

static void small_files(void)
{
	enum { N = 1000, SZ = 4096 };
	static uint8_t data[SZ], back[SZ];
	struct crashdev d;
	struct cfs *fs = fresh(&d, 8u << 20, 4096);
	uint64_t w0 = d.writes, f0 = d.flushes, b0 = d.bytes_written;
	double t0, t1, raw;
	char p[32];

	t0 = now();
	for (int i = 0; i < N; i++) {
		struct cfs_file *f;
		size_t done;
		err_t err;

		memset(data, i, sizeof(data));
		snprintf(p, sizeof(p), "/f%04d", i);
		err = cfs_create(fs, p, &f);
		if (!err)
			err = cfs_write(f, 0, data, SZ, &done);
		if (!err)
			err = cfs_fsync(f);
		if (err)
			die("create+write+fsync", err);
		cfs_close(f);
	}
	t1 = now();
	/* Baseline: the data alone on a raw device, one block write and one
	 * flush per file. */
	{
		struct crashdev rd;
		double r0;

		if (crashdev_init(&rd, 512, (8u << 20) / 512))
			die("device", CAIRN_ERR_NOMEM);
		memset(rd.img, 0, rd.size);
		r0 = now();
		for (int i = 0; i < N; i++) {
			memset(data, i, sizeof(data));
			blockdev_write(&rd.bd, (uint64_t)(i % 1024) * 8, 8, data);
			blockdev_flush(&rd.bd);
		}
		raw = (now() - r0) / N * 1e6;
		crashdev_destroy(&rd);
	}
	printf("BENCH fs.small_file_create_fsync %.2f us/file baseline=%.2f\n",
	       (t1 - t0) / N * 1e6, raw);
	printf("BENCH fs.small_file_device_writes %.2f writes/file\n", (double)(d.writes - w0) / N);
	printf("BENCH fs.small_file_flushes %.2f flushes/fsync\n", (double)(d.flushes - f0) / N);
	printf("BENCH fs.small_file_write_amplification %.2f bytes/byte\n",
	       (double)(d.bytes_written - b0) / ((double)N * SZ));
	/* Read back (remounted: cold metadata cache). */
	if (cfs_unmount(fs))
		die("unmount", CAIRN_ERR_IO);
	if (cfs_mount(&d.bd, NULL, &fs))
		die("mount", CAIRN_ERR_IO);
	t0 = now();
	for (int i = 0; i < N; i++) {
		struct cfs_file *f;
		size_t done;
		err_t err;

		snprintf(p, sizeof(p), "/f%04d", i);
		err = cfs_open(fs, p, CFS_O_READ, &f);
		if (!err)
			err = cfs_read(f, 0, back, SZ, &done);
		if (err || done != SZ || back[0] != (uint8_t)i || back[SZ - 1] != (uint8_t)i)
			die("read back", err ? err : CAIRN_ERR_CORRUPT);
		cfs_close(f);
	}
	t1 = now();
	{
		double r0 = now();

		for (int i = 0; i < N; i++) {
			memcpy(back, d.img + (size_t)(i % 1024) * SZ, SZ);
			__asm__ volatile("" : : "r"(back) : "memory");
		}
		raw = (now() - r0) / N * 1e6;
	}
	printf("BENCH fs.small_file_read %.2f us/file baseline=%.2f\n", (t1 - t0) / N * 1e6, raw);
	cfs_unmount(fs);
	crashdev_destroy(&d);
}

static void sequential(void)
{
	const size_t total = 256u << 20, chunk = 1u << 20;
	struct crashdev d;
	struct cfs *fs = fresh(&d, 320u << 20, 65536);
	struct cfs_file *f;
	uint8_t *buf = malloc(chunk);
	double t0, t1, raw, raw_read;
	size_t done;
	err_t err;

	for (size_t i = 0; i < chunk; i++)
		buf[i] = (uint8_t)(i * 13);
	err = cfs_create(fs, "/big", &f);
	if (err)
		die("create", err);
	t0 = now();
	for (size_t off = 0; off < total; off += chunk) {
		err = cfs_write(f, off, buf, chunk, &done);
		if (err)
			die("write", err);
	}
	err = cfs_fsync(f);
	if (err)
		die("fsync", err);
	t1 = now();
	{
		struct crashdev rd;
		double r0;

		if (crashdev_init(&rd, 512, total / 512))
			die("device", CAIRN_ERR_NOMEM);
		memset(rd.img, 0, rd.size);
		r0 = now();
		for (size_t off = 0; off < total; off += chunk)
			blockdev_write(&rd.bd, off / 512, (uint32_t)(chunk / 512), buf);
		blockdev_flush(&rd.bd);
		raw = total / (now() - r0) / 1e6;
		r0 = now();
		for (size_t off = 0; off < total; off += chunk)
			blockdev_read(&rd.bd, off / 512, (uint32_t)(chunk / 512), buf);
		raw_read = total / (now() - r0) / 1e6;
		crashdev_destroy(&rd);
	}
	printf("BENCH fs.seq_write_256MiB %.0f MB/s baseline=%.0f\n", total / (t1 - t0) / 1e6, raw);
	t0 = now();
	for (size_t off = 0; off < total; off += chunk) {
		err = cfs_read(f, off, buf, chunk, &done);
		if (err || done != chunk)
			die("read", err);
	}
	t1 = now();
	printf("BENCH fs.seq_read_256MiB %.0f MB/s baseline=%.0f\n", total / (t1 - t0) / 1e6,
	       raw_read);
	cfs_close(f);
	cfs_unmount(fs);
	crashdev_destroy(&d);
	free(buf);
}

static void fsck_100k(void)
{
	enum { N = 100000 };
	struct crashdev d;
	struct cfs *fs = fresh(&d, 96u << 20, 768);
	struct cfs_fsck_opts o = { .repair = true };
	struct cfs_fsck_result r;
	double t0, tl;
	char p[48];
	err_t err;

	for (int dir = 0; dir < 4; dir++) {
		snprintf(p, sizeof(p), "/d%d", dir);
		if ((err = cfs_mkdir(fs, p)))
			die("mkdir", err);
	}
	t0 = now();
	for (int i = 0; i < N; i++) {
		struct cfs_file *f;

		/* All in one directory: 100,000 entries. */
		snprintf(p, sizeof(p), "/d0/file-%06d", i);
		err = cfs_create(fs, p, &f);
		if (err)
			die("create", err);
		cfs_close(f);
	}
	printf("BENCH fs.create_100k_files %.2f us/file\n", (now() - t0) / N * 1e6);
	/* Lookups in the 100,000-entry directory. */
	tl = now();
	for (int i = 0; i < N; i += 10) {
		struct cfs_stat st;

		snprintf(p, sizeof(p), "/d0/file-%06d", i);
		if ((err = cfs_stat(fs, p, &st)))
			die("stat", err);
	}
	printf("BENCH fs.lookup_in_100k_dir %.2f us/lookup\n", (now() - tl) / (N / 10) * 1e6);
	if ((err = cfs_unmount(fs)))
		die("unmount", err);
	t0 = now();
	err = cfs_fsck(&d.bd, &o, &r);
	if (err || r.fixed || r.errors_left || r.files != N)
		die("fsck", err ? err : CAIRN_ERR_CORRUPT);
	printf("BENCH fs.fsck_100k_files %.3f s\n", now() - t0);
	crashdev_destroy(&d);
}

static void mkfs_1g(void)
{
	struct crashdev d;
	struct cfs_mkfs_opts o;
	double t0, raw;
	err_t err;

	memset(&o, 0, sizeof(o));
	o.block_size = 4096;
	memset(o.uuid, 0x11, sizeof(o.uuid));
	if (crashdev_init(&d, 512, (1u << 30) / 512))
		die("device", CAIRN_ERR_NOMEM);
	t0 = now();
	err = cfs_mkfs(&d.bd, &o);
	if (err)
		die("mkfs", err);
	raw = now() - t0;
	printf("BENCH fs.mkfs_1GiB %.3f s\n", raw);
	printf("BENCH fs.mkfs_1GiB_written %.1f MiB\n", (double)d.bytes_written / (1 << 20));
	crashdev_destroy(&d);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : "";

	log_set_level(LOG_LEVEL_ERROR);
	if (!*only || !strcmp(only, "small"))
		small_files();
	if (!*only || !strcmp(only, "seq"))
		sequential();
	if (!*only || !strcmp(only, "fsck"))
		fsck_100k();
	if (!*only || !strcmp(only, "mkfs"))
		mkfs_1g();
	return 0;
}
