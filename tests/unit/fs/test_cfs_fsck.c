// SPDX-License-Identifier: BSD-2-Clause
/*
 * fsck: a clean image stays untouched; each kind of damage is found and
 * repaired with a line per fix; a second run is always clean; random
 * corruption never makes fsck fail to run (property test, seeded).
 */
#include "cairn_test.h"

#include <kernel/log.h>

#include "../../../fs/cfs/cfs_internal.h"
#include "fs_test_util.h"

static struct crashdev dev;
static unsigned lines;

static void count_line(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
	lines++;
}

static struct cfs_fsck_result run_fsck(bool repair)
{
	struct cfs_fsck_opts o = { .repair = repair, .report = count_line };
	struct cfs_fsck_result r;

	lines = 0;
	assert_int_equal(cfs_fsck(&dev.bd, &o, &r), CAIRN_OK);
	return r;
}

/* A populated filesystem: directories, files of several sizes, a symlink. */
static int setup(void **state)
{
	struct cfs *fs;
	char path[64], data[9000];

	(void)state;
	if (fs_test_make(&dev, 2 << 20, 1024) || cfs_mount(&dev.bd, NULL, &fs))
		return -1;
	memset(data, 'x', sizeof(data));
	cfs_mkdir(fs, "/d");
	for (int i = 0; i < 40; i++) {
		struct cfs_file *f;
		size_t done;

		snprintf(path, sizeof(path), "/d/file%d", i);
		if (cfs_create(fs, path, &f))
			return -1;
		cfs_write(f, 0, data, (size_t)(i * 200), &done);
		cfs_close(f);
	}
	cfs_symlink(fs, "/d/file1", "/link");
	return cfs_unmount(fs) ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	crashdev_destroy(&dev);
	return 0;
}

static struct cfs_super super(void)
{
	struct cfs_super sb;
	uint32_t which;
	bool other;

	assert_int_equal(cfs_super_load(&dev.bd, true, &sb, &which, &other), CAIRN_OK);
	return sb;
}

static uint8_t *block(const struct cfs_super *sb, uint64_t b)
{
	return dev.img + b * sb->block_size;
}

static void reseal(const struct cfs_super *sb, uint64_t b)
{
	uint8_t *p = block(sb, b);

	((struct cfs_block_hdr *)(void *)p)->crc = cfs_block_csum(sb->csum_seed, p, sb->block_size);
}

static void expect_repaired_then_clean(void)
{
	struct cfs_fsck_result r = run_fsck(true);
	struct cfs *fs;

	assert_true(r.fixed > 0);
	assert_int_equal(r.errors_left, 0);
	assert_true(lines >= r.fixed);
	r = run_fsck(true);
	assert_int_equal(r.fixed, 0);
	assert_int_equal(r.errors_left, 0);
	assert_int_equal(cfs_mount(&dev.bd, NULL, &fs), CAIRN_OK);
	assert_int_equal(cfs_unmount(fs), CAIRN_OK);
}

static void test_fsck_finds_nothing_on_a_clean_image(void **state)
{
	struct cfs_fsck_result r = run_fsck(true);

	(void)state;
	assert_int_equal(r.fixed, 0);
	assert_int_equal(r.errors_left, 0);
	assert_int_equal(r.files, 40);
	assert_int_equal(r.dirs, 2);
	assert_int_equal(r.symlinks, 1);
}

static void test_fsck_rebuilds_a_bitmap_that_disagrees(void **state)
{
	struct cfs_super sb = super();
	struct cfs_fsck_result r;

	(void)state;
	block(&sb, sb.bbitmap_start)[CFS_BITMAP_HDR + sb.data_start / 8 + 40] ^= 0x10;
	reseal(&sb, sb.bbitmap_start);
	r = run_fsck(false);
	assert_int_equal(r.errors_left, 1);
	expect_repaired_then_clean();
}

static void test_fsck_clears_a_damaged_inode_table_block(void **state)
{
	struct cfs_super sb = super();

	(void)state;
	memset(block(&sb, sb.itable_start + 1) + 200, 0xEE, 300);
	expect_repaired_then_clean();
}

static void test_fsck_fixes_link_counts_and_directory_counts(void **state)
{
	struct cfs_super sb = super();
	uint32_t ipb = sb.block_size / CFS_INODE_SIZE - 1;
	struct cfs_inode *root = (struct cfs_inode *)(void *)(block(&sb, sb.itable_start) +
							    CFS_INODE_SIZE * (1 + 1 % ipb));

	(void)state;
	root->nlink = 7;
	root->size = 99;
	reseal(&sb, sb.itable_start);
	expect_repaired_then_clean();
}

static void test_fsck_rewrites_a_damaged_superblock_copy(void **state)
{
	struct cfs_super sb = super();

	(void)state;
	block(&sb, 1)[100] ^= 1;
	expect_repaired_then_clean();
}

static void test_fsck_reports_an_image_without_superblock(void **state)
{
	struct cfs_super sb = super();
	struct cfs_fsck_result r;

	(void)state;
	block(&sb, 0)[30] ^= 1;
	block(&sb, 1)[30] ^= 1;
	r = run_fsck(true);
	assert_int_equal(r.errors_left, 1);
	assert_true(r.no_filesystem);
}

/* A power cut after a sync: replaying the journal is the one fix (cairn-fsck
 * exits 1, as e2fsck does after a journal replay); then the image is clean. */
static void test_fsck_counts_a_journal_replay_as_a_fix(void **state)
{
	struct cfs_fsck_result r;
	struct cfs_file *f;
	struct cfs *fs;

	(void)state;
	assert_int_equal(cfs_mount(&dev.bd, NULL, &fs), CAIRN_OK);
	assert_int_equal(cfs_create(fs, "/new", &f), CAIRN_OK);
	cfs_close(f);
	assert_int_equal(cfs_sync(fs), CAIRN_OK);
	dev.cut_after = (int64_t)dev.ops; /* the power fails now */
	assert_int_equal(cfs_unmount(fs), CAIRN_ERR_IO);
	dev.cut_after = -1;
	r = run_fsck(true);
	assert_int_equal(r.replayed, 1);
	assert_int_equal(r.fixed, 1);
	assert_int_equal(r.errors_left, 0);
	assert_false(r.no_filesystem);
	r = run_fsck(true);
	assert_int_equal(r.replayed, 0);
	assert_int_equal(r.fixed, 0);
	assert_int_equal(r.files, 41);
}

/*
 * A superblock whose journal tail names sequence a-1 at the position where
 * a complete transaction a (long since written home) still lies: nothing is
 * replayed, and the tail fsck records must not make that stale transaction
 * replayable by the next run (fsck converges; found by the fuzzer's
 * re-checksum mode).
 */
static void test_fsck_never_makes_a_stale_transaction_replayable(void **state)
{
	struct cfs_fsck_result r;
	struct cfs_super sb;
	struct cfs_file *f;
	struct cfs *fs;
	uint64_t seq;
	uint32_t pos;

	(void)state;
	assert_int_equal(cfs_mount(&dev.bd, NULL, &fs), CAIRN_OK);
	assert_int_equal(cfs_create(fs, "/new", &f), CAIRN_OK);
	cfs_close(f);
	assert_int_equal(cfs_sync(fs), CAIRN_OK);
	sb = super();
	seq = sb.jtail_seq; /* the transaction just committed, at pos */
	pos = sb.jtail_pos;
	assert_int_equal(cfs_unmount(fs), CAIRN_OK);
	for (uint32_t copy = 0; copy < 2; copy++) {
		struct cfs_super *s = (struct cfs_super *)(void *)block(&sb, copy);

		s->jtail_seq = seq - 1;
		s->jtail_pos = pos;
		s->hdr.crc = cfs_block_csum(0, s, sb.block_size);
	}
	r = run_fsck(true);
	assert_int_equal(r.replayed, 0);
	assert_int_equal(r.errors_left, 0);
	r = run_fsck(true);
	assert_int_equal(r.replayed, 0);
	assert_int_equal(r.fixed, 0);
	assert_int_equal(r.files, 41);
}

static struct cfs_inode *inode_at(const struct cfs_super *sb, uint32_t ino, uint64_t *blk)
{
	uint32_t ipb = sb->block_size / CFS_INODE_SIZE - 1;

	*blk = sb->itable_start + ino / ipb;
	return (struct cfs_inode *)(void *)(block(sb, *blk) + CFS_INODE_SIZE * (1 + ino % ipb));
}

/*
 * A directory claiming millions of hash buckets (below the file size limit
 * the check used to apply) is corrupt: lookups in it say so, the superblock
 * records ERRORS, mount reports it, fsck caps the count with one line and
 * clears the flag, and the files are all back.
 */
static void test_fsck_caps_an_absurd_bucket_count_and_clears_the_errors_flag(void **state)
{
	struct cfs_super sb = super();
	struct cfs_fsck_result r;
	struct cfs_statfs sf;
	struct cfs_stat st;
	struct cfs_inode *ip;
	struct cfs *fs;
	uint64_t blk;

	(void)state;
	assert_int_equal(cfs_mount(&dev.bd, NULL, &fs), CAIRN_OK);
	assert_int_equal(cfs_stat(fs, "/d", &st), CAIRN_OK);
	assert_int_equal(cfs_unmount(fs), CAIRN_OK);
	ip = inode_at(&sb, st.ino, &blk);
	assert_true(ip->nbuckets < 12);
	ip->nbuckets = 5000000;
	reseal(&sb, blk);

	assert_int_equal(cfs_mount(&dev.bd, NULL, &fs), CAIRN_OK);
	assert_int_equal(cfs_statfs(fs, &sf), CAIRN_OK);
	assert_false(sf.errors);
	assert_int_equal(cfs_stat(fs, "/d/file1", &st), CAIRN_ERR_CORRUPT);
	assert_int_equal(cfs_statfs(fs, &sf), CAIRN_OK);
	assert_true(sf.errors);
	assert_int_equal(cfs_unmount(fs), CAIRN_OK);
	assert_true(super().state & CFS_STATE_ERRORS);
	assert_int_equal(cfs_mount(&dev.bd, NULL, &fs), CAIRN_OK);
	assert_int_equal(cfs_statfs(fs, &sf), CAIRN_OK);
	assert_true(sf.errors);
	assert_int_equal(cfs_unmount(fs), CAIRN_OK);

	r = run_fsck(false);
	assert_int_equal(r.errors_left, 2); /* the flag and the bucket count */
	assert_true(super().state & CFS_STATE_ERRORS);
	expect_repaired_then_clean();
	assert_false(super().state & CFS_STATE_ERRORS);
	assert_int_equal(cfs_mount(&dev.bd, NULL, &fs), CAIRN_OK);
	assert_int_equal(cfs_statfs(fs, &sf), CAIRN_OK);
	assert_false(sf.errors);
	assert_int_equal(cfs_stat(fs, "/d/file39", &st), CAIRN_OK);
	assert_int_equal(st.size, 39 * 200);
	assert_int_equal(cfs_unmount(fs), CAIRN_OK);
	r = run_fsck(true);
	assert_int_equal(r.files, 40);
}

static void test_fsck_survives_random_corruption_and_converges(void **state)
{
	unsigned long seed = cairn_test_seed("fsck.random");
	uint64_t rng = seed * 7 + 1;
	uint8_t *pristine = malloc(dev.size);

	(void)state;
	assert_non_null(pristine);
	memcpy(pristine, dev.img, dev.size);
	for (int round = 0; round < 60; round++) {
		struct cfs_super sb;
		struct cfs_fsck_result r;

		memcpy(dev.img, pristine, dev.size);
		sb = super();
		/* Damage a few metadata blocks, sometimes resealing them so the
		 * damage passes the checksum and must be caught by the checks. */
		for (int n = 0; n < 4; n++) {
			uint64_t b = sb.bbitmap_start + crash_rand(&rng) % (sb.data_start + 64 -
									  sb.bbitmap_start);
			uint32_t off = 16 + (uint32_t)(crash_rand(&rng) % (sb.block_size - 16));

			block(&sb, b)[off] ^= (uint8_t)(1u << (crash_rand(&rng) % 8));
			if (crash_rand(&rng) % 2)
				reseal(&sb, b);
		}
		r = run_fsck(true);
		assert_int_equal(r.errors_left, 0);
		r = run_fsck(true);
		assert_int_equal(r.fixed, 0);
		assert_int_equal(r.errors_left, 0);
	}
	free(pristine);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fsck_finds_nothing_on_a_clean_image, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fsck_rebuilds_a_bitmap_that_disagrees, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fsck_clears_a_damaged_inode_table_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fsck_fixes_link_counts_and_directory_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fsck_rewrites_a_damaged_superblock_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fsck_reports_an_image_without_superblock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fsck_survives_random_corruption_and_converges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fsck_counts_a_journal_replay_as_a_fix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fsck_never_makes_a_stale_transaction_replayable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fsck_caps_an_absurd_bucket_count_and_clears_the_errors_flag, setup, teardown),
	};

	cairn_test_setup();
	log_set_level(LOG_LEVEL_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
