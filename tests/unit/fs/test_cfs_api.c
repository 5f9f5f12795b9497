// SPDX-License-Identifier: BSD-2-Clause
/*
 * The filesystem API, call by call: results, error codes, and that what was
 * written is read back after a remount.
 */
#include "cairn_test.h"

#include <kernel/log.h>

#include "fs_test_util.h"

static struct crashdev dev;
static struct cfs *fs;

static int setup(void **state)
{
	(void)state;
	err_t err;

	if (fs_test_make(&dev, 4 << 20, 1024))
		return -1;
	err = cfs_mount(&dev.bd, NULL, &fs);
	if (err)
		printf("mount: %s\n", cairn_err_name(err));
	return err == CAIRN_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	if (fs)
		cfs_unmount(fs);
	fs = NULL;
	crashdev_destroy(&dev);
	return 0;
}

static void remount(void)
{
	assert_int_equal(cfs_unmount(fs), CAIRN_OK);
	fs = NULL;
	assert_int_equal(cfs_mount(&dev.bd, NULL, &fs), CAIRN_OK);
}

static void put(const char *path, const void *data, size_t len)
{
	struct cfs_file *f;
	size_t done;

	assert_int_equal(cfs_open(fs, path, CFS_O_WRITE | CFS_O_CREATE | CFS_O_TRUNC, &f),
			 CAIRN_OK);
	assert_int_equal(cfs_write(f, 0, data, len, &done), CAIRN_OK);
	assert_int_equal(done, len);
	cfs_close(f);
}

static void check_in(struct cfs *in, const char *path, const void *data, size_t len)
{
	struct cfs_file *f;
	size_t done;
	char *buf = malloc(len + 16);

	assert_non_null(buf);
	assert_int_equal(cfs_open(in, path, CFS_O_READ, &f), CAIRN_OK);
	assert_int_equal(cfs_read(f, 0, buf, len + 16, &done), CAIRN_OK);
	assert_int_equal(done, len);
	assert_memory_equal(buf, data, len);
	cfs_close(f);
	free(buf);
}

static void check(const char *path, const void *data, size_t len)
{
	check_in(fs, path, data, len);
}

static void test_cfs_written_files_read_back_after_remount(void **state)
{
	char big[70000];

	(void)state;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + (i >> 9));
	put("/small", "hello", 5);
	put("/big", big, sizeof(big));
	check("/small", "hello", 5);
	check("/big", big, sizeof(big));
	remount();
	check("/small", "hello", 5);
	check("/big", big, sizeof(big));
}

static void test_cfs_holes_read_as_zeros_and_tails_are_zeroed(void **state)
{
	struct cfs_file *f;
	size_t done;
	char buf[5000], zero[5000];

	(void)state;
	memset(zero, 0, sizeof(zero));
	assert_int_equal(cfs_create(fs, "/sparse", &f), CAIRN_OK);
	assert_int_equal(cfs_write(f, 3000, "abc", 3, &done), CAIRN_OK);
	assert_int_equal(cfs_read(f, 0, buf, sizeof(buf), &done), CAIRN_OK);
	assert_int_equal(done, 3003);
	assert_memory_equal(buf, zero, 3000);
	assert_memory_equal(buf + 3000, "abc", 3);
	/* Shrink into the block, grow again: the cut bytes read as zeros. */
	assert_int_equal(cfs_truncate(f, 3001), CAIRN_OK);
	assert_int_equal(cfs_truncate(f, 4000), CAIRN_OK);
	assert_int_equal(cfs_read(f, 0, buf, sizeof(buf), &done), CAIRN_OK);
	assert_int_equal(done, 4000);
	assert_int_equal(buf[3000], 'a');
	assert_memory_equal(buf + 3001, zero, 999);
	cfs_close(f);
}

static void test_cfs_namespace_calls_return_precise_errors(void **state)
{
	struct cfs_file *f;
	struct cfs_stat st;

	(void)state;
	assert_int_equal(cfs_mkdir(fs, "/d"), CAIRN_OK);
	assert_int_equal(cfs_mkdir(fs, "/d"), CAIRN_ERR_EXIST);
	assert_int_equal(cfs_mkdir(fs, "/nope/x"), CAIRN_ERR_NOENT);
	assert_int_equal(cfs_mkdir(fs, "relative"), CAIRN_ERR_INVAL);
	assert_int_equal(cfs_mkdir(fs, "/d/.."), CAIRN_ERR_INVAL);
	put("/d/f", "x", 1);
	assert_int_equal(cfs_mkdir(fs, "/d/f/g"), CAIRN_ERR_NOTDIR);
	assert_int_equal(cfs_rmdir(fs, "/d"), CAIRN_ERR_NOTEMPTY);
	assert_int_equal(cfs_unlink(fs, "/d"), CAIRN_ERR_ISDIR);
	assert_int_equal(cfs_rmdir(fs, "/d/f"), CAIRN_ERR_NOTDIR);
	assert_int_equal(cfs_open(fs, "/d", CFS_O_READ, &f), CAIRN_ERR_ISDIR);
	assert_int_equal(cfs_open(fs, "/d/f", CFS_O_READ, &f), CAIRN_OK);
	assert_int_equal(cfs_unlink(fs, "/d/f"), CAIRN_ERR_BUSY);
	cfs_close(f);
	assert_int_equal(cfs_stat(fs, "/d", &st), CAIRN_OK);
	assert_int_equal(st.type, CFS_DIR);
	assert_int_equal(st.size, 1);
	assert_int_equal(cfs_unlink(fs, "/d/f"), CAIRN_OK);
	assert_int_equal(cfs_unlink(fs, "/d/f"), CAIRN_ERR_NOENT);
	assert_int_equal(cfs_rmdir(fs, "/d"), CAIRN_OK);
	assert_int_equal(cfs_stat(fs, "/d", &st), CAIRN_ERR_NOENT);
	{
		char name[300];

		memset(name, 'n', sizeof(name));
		name[0] = '/';
		name[sizeof(name) - 1] = '\0';
		assert_int_equal(cfs_mkdir(fs, name), CAIRN_ERR_NAMETOOLONG);
	}
}

static void test_cfs_rename_moves_and_replaces_atomically(void **state)
{
	struct cfs_stat st;

	(void)state;
	assert_int_equal(cfs_mkdir(fs, "/a"), CAIRN_OK);
	assert_int_equal(cfs_mkdir(fs, "/b"), CAIRN_OK);
	put("/a/x", "one", 3);
	put("/b/y", "two", 3);
	assert_int_equal(cfs_rename(fs, "/a/x", "/b/y"), CAIRN_OK);
	check("/b/y", "one", 3);
	assert_int_equal(cfs_stat(fs, "/a/x", &st), CAIRN_ERR_NOENT);
	assert_int_equal(cfs_rename(fs, "/a", "/b/a"), CAIRN_OK);
	assert_int_equal(cfs_rename(fs, "/b", "/b/a/b"), CAIRN_ERR_INVAL);
	assert_int_equal(cfs_stat(fs, "/b", &st), CAIRN_OK);
	assert_int_equal(st.nlink, 3);
	assert_int_equal(cfs_stat(fs, "/", &st), CAIRN_OK);
	assert_int_equal(st.nlink, 3);
	assert_int_equal(cfs_rename(fs, "/b/y", "/b/a"), CAIRN_ERR_ISDIR);
	remount();
	check("/b/y", "one", 3);
	assert_int_equal(cfs_stat(fs, "/b/a", &st), CAIRN_OK);
	assert_int_equal(st.type, CFS_DIR);
}

static void test_cfs_symlinks_store_short_and_long_targets(void **state)
{
	char target[3000], buf[4096];
	size_t len;

	(void)state;
	memset(target, 't', sizeof(target));
	target[sizeof(target) - 1] = '\0';
	assert_int_equal(cfs_symlink(fs, "/short/target", "/s1"), CAIRN_OK);
	assert_int_equal(cfs_symlink(fs, target, "/s2"), CAIRN_OK);
	remount();
	assert_int_equal(cfs_readlink(fs, "/s1", buf, sizeof(buf), &len), CAIRN_OK);
	assert_string_equal(buf, "/short/target");
	assert_int_equal(cfs_readlink(fs, "/s2", buf, sizeof(buf), &len), CAIRN_OK);
	assert_int_equal(len, sizeof(target) - 1);
	assert_string_equal(buf, target);
	assert_int_equal(cfs_readlink(fs, "/s2", buf, 10, &len), CAIRN_ERR_RANGE);
	assert_int_equal(cfs_unlink(fs, "/s2"), CAIRN_OK);
	assert_int_equal(cfs_unlink(fs, "/s1"), CAIRN_OK);
}

static void test_cfs_readdir_lists_every_entry_once(void **state)
{
	char path[64];
	uint64_t cookie = 0;
	struct cfs_dirent ent;
	static bool seen[2000];
	int n = 0;

	(void)state;
	assert_int_equal(cfs_mkdir(fs, "/many"), CAIRN_OK);
	for (int i = 0; i < 2000; i++) {
		struct cfs_file *f;

		snprintf(path, sizeof(path), "/many/file-%d", i);
		assert_int_equal(cfs_create(fs, path, &f), CAIRN_OK);
		cfs_close(f);
	}
	remount();
	while (cfs_readdir(fs, "/many", &cookie, &ent) == CAIRN_OK) {
		int i = atoi(ent.name + 5);

		assert_false(seen[i]);
		seen[i] = true;
		n++;
	}
	assert_int_equal(n, 2000);
	for (int i = 0; i < 2000; i += 2) {
		snprintf(path, sizeof(path), "/many/file-%d", i);
		assert_int_equal(cfs_unlink(fs, path), CAIRN_OK);
	}
	for (int i = 0; i < 2000; i++) {
		struct cfs_stat st;

		snprintf(path, sizeof(path), "/many/file-%d", i);
		assert_int_equal(cfs_stat(fs, path, &st), i % 2 ? CAIRN_OK : CAIRN_ERR_NOENT);
	}
}

static void test_cfs_full_disk_gives_nospc_and_stays_usable(void **state)
{
	struct cfs_file *f;
	struct cfs_statfs sfs;
	static char chunk[65536];
	uint64_t total = 0;
	size_t done;
	err_t err;

	(void)state;
	memset(chunk, 0x5a, sizeof(chunk));
	assert_int_equal(cfs_create(fs, "/fill", &f), CAIRN_OK);
	do {
		err = cfs_write(f, total, chunk, sizeof(chunk), &done);
		total += done;
	} while (err == CAIRN_OK);
	assert_int_equal(err, CAIRN_ERR_NOSPC);
	assert_int_equal(cfs_fsync(f), CAIRN_OK);
	cfs_close(f);
	assert_int_equal(cfs_statfs(fs, &sfs), CAIRN_OK);
	assert_true(sfs.blocks_free < 8);
	remount();
	{
		struct cfs_stat st;

		assert_int_equal(cfs_stat(fs, "/fill", &st), CAIRN_OK);
		assert_int_equal(st.size, total);
	}
	assert_int_equal(cfs_unlink(fs, "/fill"), CAIRN_OK);
	assert_int_equal(cfs_sync(fs), CAIRN_OK);
	assert_int_equal(cfs_sync(fs), CAIRN_OK); /* frees become allocatable */
	assert_int_equal(cfs_statfs(fs, &sfs), CAIRN_OK);
	assert_true(sfs.blocks_free > 3000);
	put("/after", "ok", 2);
	check("/after", "ok", 2);
}

static void test_cfs_files_reach_past_several_gib(void **state)
{
	const uint64_t off = 5ull << 30; /* triple-indirect territory at 1 KiB */
	struct cfs_file *f;
	struct cfs_stat st;
	char buf[3000];
	size_t done;

	(void)state;
	assert_int_equal(cfs_create(fs, "/huge", &f), CAIRN_OK);
	assert_int_equal(cfs_write(f, off, "tail", 4, &done), CAIRN_OK);
	assert_int_equal(cfs_write(f, 1ull << 30, "mid", 3, &done), CAIRN_OK);
	cfs_close(f);
	remount();
	assert_int_equal(cfs_stat(fs, "/huge", &st), CAIRN_OK);
	assert_int_equal(st.size, off + 4);
	assert_true(st.blocks >= 6); /* two data blocks and their indirect paths */
	assert_int_equal(cfs_open(fs, "/huge", CFS_O_READ | CFS_O_WRITE, &f), CAIRN_OK);
	assert_int_equal(cfs_read(f, off - 1000, buf, sizeof(buf), &done), CAIRN_OK);
	assert_int_equal(done, 1004);
	assert_memory_equal(buf + 1000, "tail", 4);
	assert_int_equal(buf[0], 0);
	assert_int_equal(cfs_read(f, 1ull << 30, buf, 3, &done), CAIRN_OK);
	assert_memory_equal(buf, "mid", 3);
	assert_int_equal(cfs_write(f, 1ull << 50, "x", 1, &done), CAIRN_ERR_FBIG);
	assert_int_equal(cfs_truncate(f, 0), CAIRN_OK);
	assert_int_equal(cfs_fstat(f, &st), CAIRN_OK);
	assert_int_equal(st.blocks, 0);
	cfs_close(f);
}

static void test_cfs_setattr_sets_perm_and_mtime_of_every_kind(void **state)
{
	struct cfs_stat st;

	(void)state;
	put("/f", "x", 1);
	assert_int_equal(cfs_mkdir(fs, "/d"), CAIRN_OK);
	assert_int_equal(cfs_symlink(fs, "/f", "/l"), CAIRN_OK);
	assert_int_equal(cfs_setattr(fs, "/f", CFS_ATTR_PERM | CFS_ATTR_MTIME, 0751, 123456789),
			 CAIRN_OK);
	assert_int_equal(cfs_setattr(fs, "/d", CFS_ATTR_MTIME, 0, 42), CAIRN_OK);
	assert_int_equal(cfs_setattr(fs, "/l", CFS_ATTR_PERM, 0700, 0), CAIRN_OK);
	assert_int_equal(cfs_setattr(fs, "/f", CFS_ATTR_PERM, 010000, 0), CAIRN_ERR_INVAL);
	assert_int_equal(cfs_setattr(fs, "/f", 0, 0, 0), CAIRN_ERR_INVAL);
	assert_int_equal(cfs_setattr(fs, "/f", 0x4, 0, 0), CAIRN_ERR_INVAL);
	assert_int_equal(cfs_setattr(fs, "/nope", CFS_ATTR_PERM, 0600, 0), CAIRN_ERR_NOENT);
	assert_int_equal(cfs_setattr(fs, "/f/x", CFS_ATTR_PERM, 0600, 0), CAIRN_ERR_NOTDIR);
	remount();
	assert_int_equal(cfs_stat(fs, "/f", &st), CAIRN_OK);
	assert_int_equal(st.perm, 0751);
	assert_int_equal(st.mtime_ns, 123456789);
	assert_int_equal(cfs_stat(fs, "/d", &st), CAIRN_OK);
	assert_int_equal(st.perm, 0755);
	assert_int_equal(st.mtime_ns, 42);
	assert_int_equal(cfs_stat(fs, "/l", &st), CAIRN_OK);
	assert_int_equal(st.perm, 0700);
}

/*
 * A power cut right after a sync leaves the last transaction only in the
 * journal. A read-only mount must show it (replayed in memory) without a
 * single write or flush to the device; a later read-write mount still finds
 * the journal to replay.
 */
static void test_cfs_read_only_mount_replays_in_memory_and_writes_nothing(void **state)
{
	static char data[3000];
	struct cfs_mount_opts ro_opts = { .read_only = true };
	struct cfs_counters ctr;
	struct cfs_dirent ent;
	struct crashdev ro;
	struct cfs *rfs;
	uint64_t cookie = 0;
	uint8_t *crashed;
	int entries = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 13 + 1);
	put("/a", data, sizeof(data));
	assert_int_equal(cfs_sync(fs), CAIRN_OK);
	assert_int_equal(cfs_mkdir(fs, "/d"), CAIRN_OK);
	put("/d/b", "second transaction", 18);
	assert_int_equal(cfs_unlink(fs, "/a"), CAIRN_OK);
	put("/a", data + 1, sizeof(data) - 1);
	assert_int_equal(cfs_sync(fs), CAIRN_OK);
	/* The power fails here. */
	crashed = malloc(dev.size);
	assert_non_null(crashed);
	memcpy(crashed, dev.img, dev.size);
	assert_int_equal(crashdev_init_image(&ro, 512, crashed, dev.size), 0);

	assert_int_equal(cfs_mount(&ro.bd, &ro_opts, &rfs), CAIRN_OK);
	cfs_counters_get(rfs, &ctr);
	assert_true(ctr.replays >= 1);
	check_in(rfs, "/a", data + 1, sizeof(data) - 1);
	check_in(rfs, "/d/b", "second transaction", 18);
	while (cfs_readdir(rfs, "/", &cookie, &ent) == CAIRN_OK)
		entries++;
	assert_int_equal(entries, 2);
	assert_int_equal(cfs_mkdir(rfs, "/x"), CAIRN_ERR_ROFS);
	assert_int_equal(cfs_sync(rfs), CAIRN_OK);
	assert_int_equal(cfs_unmount(rfs), CAIRN_OK);
	assert_int_equal(ro.writes, 0);
	assert_int_equal(ro.flushes, 0);
	assert_memory_equal(ro.img, crashed, dev.size);

	/* The journal is still there for a read-write mount to replay. */
	assert_int_equal(cfs_mount(&ro.bd, NULL, &rfs), CAIRN_OK);
	cfs_counters_get(rfs, &ctr);
	assert_true(ctr.replays >= 1);
	check_in(rfs, "/a", data + 1, sizeof(data) - 1);
	check_in(rfs, "/d/b", "second transaction", 18);
	assert_int_equal(cfs_unmount(rfs), CAIRN_OK);
	assert_true(ro.writes > 0);
	crashdev_destroy(&ro);
	free(crashed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cfs_written_files_read_back_after_remount, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cfs_holes_read_as_zeros_and_tails_are_zeroed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cfs_namespace_calls_return_precise_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cfs_rename_moves_and_replaces_atomically, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cfs_symlinks_store_short_and_long_targets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cfs_readdir_lists_every_entry_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cfs_full_disk_gives_nospc_and_stays_usable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cfs_files_reach_past_several_gib, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cfs_setattr_sets_perm_and_mtime_of_every_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cfs_read_only_mount_replays_in_memory_and_writes_nothing, setup, teardown),
	};

	cairn_test_setup();
	log_set_level(LOG_LEVEL_WARN);
	fs_test_console();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
