// SPDX-License-Identifier: BSD-2-Clause
/*
 * Format evolution: the committed version-1 image mounts and reads back
 * exactly; images of a newer version or with unknown incompatible features
 * are refused with NOTSUP (and a log line saying why); unknown read-only
 * compatible features allow a read-only mount only; mkfs is reproducible.
 */
#include <stdio.h>

#include "cairn_test.h"

#include <kernel/log.h>

#include "../../../fs/cfs/cfs_internal.h"
#include "fs_test_util.h"

#ifndef CFS_FIXTURE_DIR
#error "CFS_FIXTURE_DIR must name tests/unit/fs/fixtures"
#endif

static struct crashdev dev;
static char logged[4096];

static void capture(struct console *con, const char *s, size_t len)
{
	size_t have = strlen(logged);

	(void)con;
	if (have + len < sizeof(logged)) {
		memcpy(logged + have, s, len);
		logged[have + len] = '\0';
	}
}

static int load_fixture(void **state)
{
	FILE *f = fopen(CFS_FIXTURE_DIR "/v1.img", "rb");
	static uint8_t img[384 * 1024];
	size_t n;

	(void)state;
	if (!f)
		return -1;
	n = fread(img, 1, sizeof(img), f);
	fclose(f);
	if (n != sizeof(img))
		return -1;
	logged[0] = '\0';
	return crashdev_init_image(&dev, 512, img, sizeof(img));
}

static int teardown(void **state)
{
	(void)state;
	crashdev_destroy(&dev);
	return 0;
}

static void read_all(struct cfs *fs, const char *path, char *buf, size_t size, size_t *len)
{
	struct cfs_file *f;

	assert_int_equal(cfs_open(fs, path, CFS_O_READ, &f), CAIRN_OK);
	assert_int_equal(cfs_read(f, 0, buf, size, len), CAIRN_OK);
	cfs_close(f);
}

static void test_format_v1_fixture_is_the_committed_image(void **state)
{
	/* CRC32C of the whole image, so an accidental regeneration shows. */
	(void)state;
	assert_int_equal(crc32c(0, dev.img, dev.size), 0x1c797d39u);
	assert_int_equal(((struct cfs_super *)(void *)dev.img)->version, 1);
}

static void test_format_v1_fixture_mounts_and_reads_back(void **state)
{
	struct cfs *fs;
	struct cfs_statfs sf;
	char buf[6000], link[64];
	size_t len;

	(void)state;
	assert_int_equal(cfs_mount(&dev.bd, NULL, &fs), CAIRN_OK);
	read_all(fs, "/hello.txt", buf, sizeof(buf), &len);
	assert_int_equal(len, 13);
	assert_memory_equal(buf, "hello, cairn\n", 13);
	read_all(fs, "/dir/numbers", buf, sizeof(buf), &len);
	assert_int_equal(len, 5000);
	for (size_t i = 0; i < len; i++)
		assert_int_equal((uint8_t)buf[i], i % 251);
	assert_int_equal(cfs_readlink(fs, "/link", link, sizeof(link), &len), CAIRN_OK);
	assert_string_equal(link, "hello.txt");
	assert_int_equal(cfs_statfs(fs, &sf), CAIRN_OK);
	assert_string_equal(sf.label, "v1-fixture");
	assert_int_equal(cfs_unmount(fs), CAIRN_OK);
}

/* Rewrite both superblock copies through `patch`. */
static void patch_supers(void (*patch)(struct cfs_super *))
{
	for (uint32_t copy = 0; copy < 2; copy++) {
		uint32_t bs = ((struct cfs_super *)(void *)dev.img)->block_size;
		uint8_t *blk = dev.img + copy * bs;

		patch((struct cfs_super *)(void *)blk);
		cfs_block_seal(0, blk, bs, CFS_MAGIC_SUPER, copy);
	}
}

static void to_v2(struct cfs_super *sb)
{
	sb->version = 2;
}

static void unknown_incompat(struct cfs_super *sb)
{
	sb->feature_incompat |= 0x80;
}

static void unknown_ro_compat(struct cfs_super *sb)
{
	sb->feature_ro_compat |= 0x40;
}

static void unknown_compat(struct cfs_super *sb)
{
	sb->feature_compat |= 0x20;
}

static void test_format_newer_version_is_refused_with_a_message(void **state)
{
	static struct console con = { .name = "capture", .write = capture };
	struct cfs *fs;

	(void)state;
	console_register(&con);
	patch_supers(to_v2);
	assert_int_equal(cfs_mount(&dev.bd, NULL, &fs), CAIRN_ERR_NOTSUP);
	assert_non_null(strstr(logged, "format version 2 is newer"));
}

static void test_format_unknown_incompat_feature_is_refused(void **state)
{
	struct cfs *fs;
	struct cfs_fsck_opts o = { .repair = true };
	struct cfs_fsck_result r;

	(void)state;
	patch_supers(unknown_incompat);
	assert_int_equal(cfs_mount(&dev.bd, NULL, &fs), CAIRN_ERR_NOTSUP);
	assert_non_null(strstr(logged, "unknown incompatible features 0x80"));
	/* fsck does not touch what it does not understand. */
	assert_int_equal(cfs_fsck(&dev.bd, &o, &r), CAIRN_OK);
	assert_int_equal(r.errors_left, 1);
	assert_int_equal(r.fixed, 0);
}

static void test_format_unknown_ro_compat_feature_mounts_read_only(void **state)
{
	struct cfs_mount_opts ro = { .read_only = true };
	struct cfs *fs;

	(void)state;
	patch_supers(unknown_ro_compat);
	assert_int_equal(cfs_mount(&dev.bd, NULL, &fs), CAIRN_ERR_ROFS);
	assert_int_equal(cfs_mount(&dev.bd, &ro, &fs), CAIRN_OK);
	assert_int_equal(cfs_mkdir(fs, "/x"), CAIRN_ERR_ROFS);
	assert_int_equal(cfs_unmount(fs), CAIRN_OK);
}

static void test_format_unknown_compat_feature_is_ignored(void **state)
{
	struct cfs *fs;

	(void)state;
	patch_supers(unknown_compat);
	assert_int_equal(cfs_mount(&dev.bd, NULL, &fs), CAIRN_OK);
	assert_int_equal(cfs_unmount(fs), CAIRN_OK);
}

static void test_format_mkfs_is_reproducible(void **state)
{
	struct crashdev a, b;

	(void)state;
	assert_int_equal(fs_test_make(&a, 1 << 20, 1024), 0);
	assert_int_equal(fs_test_make(&b, 1 << 20, 1024), 0);
	assert_memory_equal(a.img, b.img, a.size);
	crashdev_destroy(&a);
	crashdev_destroy(&b);
}

static void test_format_rejects_impossible_geometry(void **state)
{
	struct crashdev d;
	struct cfs_mkfs_opts o = fs_test_mkfs_opts(1024);

	(void)state;
	assert_int_equal(crashdev_init(&d, 512, 64), 0);
	assert_int_not_equal(cfs_mkfs(&d.bd, &o), CAIRN_OK);
	o.block_size = 3000;
	assert_int_equal(cfs_mkfs(&d.bd, &o), CAIRN_ERR_INVAL);
	crashdev_destroy(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_format_v1_fixture_is_the_committed_image, load_fixture, teardown),
		cmocka_unit_test_setup_teardown(test_format_v1_fixture_mounts_and_reads_back, load_fixture, teardown),
		cmocka_unit_test_setup_teardown(test_format_newer_version_is_refused_with_a_message, load_fixture, teardown),
		cmocka_unit_test_setup_teardown(test_format_unknown_incompat_feature_is_refused, load_fixture, teardown),
		cmocka_unit_test_setup_teardown(test_format_unknown_ro_compat_feature_mounts_read_only, load_fixture, teardown),
		cmocka_unit_test_setup_teardown(test_format_unknown_compat_feature_is_ignored, load_fixture, teardown),
		cmocka_unit_test(test_format_mkfs_is_reproducible),
		cmocka_unit_test(test_format_rejects_impossible_geometry),
	};

	cairn_test_setup();
	log_set_level(LOG_LEVEL_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
