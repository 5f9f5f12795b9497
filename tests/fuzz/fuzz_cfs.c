// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: a mutated filesystem image goes through everything that
 * reads outside input. The input is the image itself (padded to whole
 * sectors):
 *
 *   1. cfs_mount (superblock pair, journal recovery, bitmaps, root)
 *   2. if it mounted: walk the whole tree, read every file and symlink,
 *      then create, write, rename and unlink, and unmount
 *   3. cairn-fsck's code with repair, then again: the second run must find
 *      nothing (fsck converges), and a repaired image must mount
 *
 * Any crash, sanitizer report, hang or a second fsck run that still fixes
 * something is a finding. Corrupt images must only produce error codes.
 *
 * Re-checksum mode: most mutations of a metadata block only break its
 * CRC, so the code behind the checksum gate would rarely see them. So
 * every input whose metadata blocks do not all checksum runs a second
 * time with each block that carries a known metadata magic resealed (its
 * CRC recomputed with the image's own seeds, nothing else touched): the
 * mutated fields then reach the field checks of the superblock, inodes,
 * indirect blocks, directories, bitmaps and journal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fs/cfs.h>
#include <fs/cfs_tools.h>
#include <kernel/log.h>

#include "../../fs/cfs/cfs_internal.h"
#include "../crash/crashdev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define MAX_IMAGE (1u << 20)

static unsigned walked;
static void (*fo_report)(void *ctx, const char *line);

static void walk(struct cfs *fs, const char *dir, int depth)
{
	struct cfs_dirent ent;
	uint64_t cookie = 0;
	static char buf[8192];

	if (depth > 6)
		return;
	while (walked < 2000 && cfs_readdir(fs, dir, &cookie, &ent) == CAIRN_OK) {
		char p[600];
		struct cfs_file *f;
		size_t done, len;

		walked++;
		snprintf(p, sizeof(p), "%s/%s", strcmp(dir, "/") ? dir : "", ent.name);
		if (ent.type == CFS_DIR) {
			walk(fs, p, depth + 1);
		} else if (ent.type == CFS_SYMLINK) {
			(void)cfs_readlink(fs, p, buf, sizeof(buf), &len);
		} else if (cfs_open(fs, p, CFS_O_READ, &f) == CAIRN_OK) {
			for (uint64_t off = 0; off < (1u << 20); off += sizeof(buf))
				if (cfs_read(f, off, buf, sizeof(buf), &done) || done == 0)
					break;
			cfs_close(f);
		}
	}
}

static void exercise(struct cfs *fs)
{
	static const char data[3000] = { 1, 2, 3 };
	struct cfs_file *f;
	size_t done;

	walked = 0;
	walk(fs, "/", 0);
	(void)cfs_mkdir(fs, "/fz");
	if (cfs_open(fs, "/fz/a", CFS_O_WRITE | CFS_O_CREATE, &f) == CAIRN_OK) {
		(void)cfs_write(f, 100, data, sizeof(data), &done);
		(void)cfs_truncate(f, 50);
		(void)cfs_fsync(f);
		cfs_close(f);
	}
	(void)cfs_rename(fs, "/fz/a", "/fz/b");
	(void)cfs_unlink(fs, "/fz/b");
	(void)cfs_rmdir(fs, "/fz");
}

/*
 * Recompute the CRC of every block of `img` that starts with a metadata
 * magic, using the block size and checksum seed of the superblock copy at
 * block 0 (read field by field, whatever its own state). Returns how many
 * blocks changed.
 */
static unsigned reseal(uint8_t *img, size_t size)
{
	static const uint32_t magics[] = {
		CFS_MAGIC_JDESC,   CFS_MAGIC_JCOMMIT,  CFS_MAGIC_BBITMAP, CFS_MAGIC_IBITMAP,
		CFS_MAGIC_ITABLE,  CFS_MAGIC_INDIRECT, CFS_MAGIC_DIR,
	};
	struct cfs_super sb;
	unsigned changed = 0;
	uint32_t bs;

	memcpy(&sb, img, sizeof(sb));
	bs = sb.block_size;
	if (sb.hdr.magic != CFS_MAGIC_SUPER || bs < CFS_MIN_BLOCK_SIZE ||
	    bs > CFS_MAX_BLOCK_SIZE || (bs & (bs - 1)) || size < 2 * (size_t)bs)
		return 0;
	for (size_t b = 0; b < size / bs; b++) {
		struct cfs_block_hdr *h = (struct cfs_block_hdr *)(void *)(img + b * bs);
		uint32_t seed = sb.csum_seed, crc;
		bool meta = false;

		if (b < 2) {
			meta = h->magic == CFS_MAGIC_SUPER;
			seed = 0;
		}
		for (size_t m = 0; !meta && m < ARRAY_SIZE(magics); m++)
			meta = h->magic == magics[m];
		if (!meta)
			continue;
		crc = cfs_block_csum(seed, h, bs);
		if (crc != h->crc) {
			h->crc = crc;
			changed++;
		}
	}
	return changed;
}

static void report(void *ctx, const char *line)
{
	fprintf(stderr, "  fsck %s: %s\n", (const char *)ctx, line);
}

/* Mount and exercise the image on `d`, then fsck it twice. With
 * CFS_FUZZ_VERBOSE set, fsck's findings are printed (to replay a finding). */
static void run(struct crashdev *d, const char *pass)
{
	struct cfs *fs;
	struct cfs_fsck_opts fo = { .repair = true, .ctx = (void *)(uintptr_t)pass };
	struct cfs_fsck_result r1, r2;

	fo.report = fo_report;
	if (cfs_mount(&d->bd, NULL, &fs) == CAIRN_OK) {
		exercise(fs);
		(void)cfs_unmount(fs);
	}
	if (cfs_fsck(&d->bd, &fo, &r1) == CAIRN_OK && r1.errors_left == 0) {
		if (cfs_fsck(&d->bd, &fo, &r2) != CAIRN_OK || r2.fixed || r2.errors_left) {
			fprintf(stderr, "fsck did not converge: second run fixed %u, left %u\n",
				r2.fixed, r2.errors_left);
			abort();
		}
		if (cfs_mount(&d->bd, NULL, &fs) != CAIRN_OK) {
			fprintf(stderr, "an image fsck called clean does not mount\n");
			abort();
		}
		(void)cfs_unmount(fs);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_LEVEL_ERROR);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crashdev d;
	size_t padded = (size + 511) / 512 * 512;

	if (size < 1024 || size > MAX_IMAGE)
		return 0;
	if (crashdev_init(&d, 512, padded / 512))
		return 0;
	memcpy(d.img, data, size);
	if (getenv("CFS_FUZZ_VERBOSE"))
		fo_report = report;
	run(&d, "as given");
	/* Again with the mutated metadata past the checksum gate. */
	memset(d.img, 0, d.size);
	memcpy(d.img, data, size);
	if (reseal(d.img, d.size))
		run(&d, "resealed");
	crashdev_destroy(&d);
	return 0;
}
