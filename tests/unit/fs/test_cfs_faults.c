// SPDX-License-Identifier: BSD-2-Clause
/*
 * Failure injection: every allocation failure and every device error that a
 * scenario reaches unwinds cleanly. For each N, the Nth allocation (or the
 * Nth write) fails; the call in flight reports it, the filesystem keeps
 * working (allocation) or stops (I/O), and the image afterwards mounts and
 * fsck finds nothing to fix. Leaks are caught by LeakSanitizer in the
 * sanitizer build.
 */
#include "cairn_test.h"

#include <kernel/log.h>

#include "fs_test_util.h"

static struct crashdev dev;
static uint8_t *pristine;

static int setup(void **state)
{
	struct cfs *fs;
	struct cfs_file *f;
	size_t done;
	static char data[20000];

	(void)state;
	if (fs_test_make(&dev, 2 << 20, 1024) || cfs_mount(&dev.bd, NULL, &fs))
		return -1;
	memset(data, 'q', sizeof(data));
	cfs_mkdir(fs, "/d");
	cfs_create(fs, "/d/a", &f);
	cfs_write(f, 0, data, sizeof(data), &done);
	cfs_close(f);
	for (int i = 0; i < 30; i++) {
		char p[32];

		snprintf(p, sizeof(p), "/d/n%d", i);
		cfs_create(fs, p, &f);
		cfs_close(f);
	}
	if (cfs_unmount(fs))
		return -1;
	pristine = malloc(dev.size);
	memcpy(pristine, dev.img, dev.size);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(pristine);
	crashdev_destroy(&dev);
	return 0;
}

/* The scenario: every kind of changing call, then a sync. */
static err_t scenario(struct cfs *fs)
{
	static char data[70000];
	struct cfs_file *f;
	size_t done;
	err_t err;

	memset(data, 'z', sizeof(data));
	if ((err = cfs_mkdir(fs, "/e")) || (err = cfs_create(fs, "/e/b", &f)))
		return err;
	err = cfs_write(f, 0, data, sizeof(data), &done);
	if (!err)
		err = cfs_truncate(f, 1000);
	cfs_close(f);
	if (err || (err = cfs_rename(fs, "/d/a", "/e/c")) || (err = cfs_unlink(fs, "/d/n3")) ||
	    (err = cfs_symlink(fs, "/x/y", "/e/s")) || (err = cfs_rename(fs, "/e", "/d/e")))
		return err;
	return cfs_sync(fs);
}

static void check_clean(void)
{
	struct cfs_fsck_opts o = { .repair = true };
	struct cfs_fsck_result r;

	assert_int_equal(cfs_fsck(&dev.bd, &o, &r), CAIRN_OK);
	assert_int_equal(r.fixed, 0);
	assert_int_equal(r.errors_left, 0);
}

static void test_every_allocation_failure_unwinds_cleanly(void **state)
{
	int failures = 0;

	(void)state;
	for (int64_t n = 0;; n++) {
		struct cfs *fs;
		err_t err;

		memcpy(dev.img, pristine, dev.size);
		hosted_alloc_fail_after(n);
		err = cfs_mount(&dev.bd, NULL, &fs);
		if (err) {
			hosted_alloc_fail_after(-1);
			assert_int_equal(err, CAIRN_ERR_NOMEM);
			failures++;
			continue;
		}
		err = scenario(fs);
		hosted_alloc_fail_after(-1);
		if (err) {
			assert_int_equal(err, CAIRN_ERR_NOMEM);
			failures++;
			/* Still usable: the failed call left no half state. */
			assert_int_equal(cfs_sync(fs), CAIRN_OK);
		}
		assert_int_equal(cfs_unmount(fs), CAIRN_OK);
		check_clean();
		if (!err)
			break;
	}
	printf("allocation failure points: %d\n", failures);
	assert_true(failures > 10);
}

static void test_every_write_error_stops_the_fs_and_recovers(void **state)
{
	int points = 0;

	(void)state;
	for (int64_t n = 0;; n++) {
		struct cfs *fs;
		err_t err;

		memcpy(dev.img, pristine, dev.size);
		assert_int_equal(cfs_mount(&dev.bd, NULL, &fs), CAIRN_OK);
		dev.fail_write_after = n;
		err = scenario(fs);
		if (err == CAIRN_OK) {
			dev.fail_write_after = -1;
			assert_int_equal(cfs_unmount(fs), CAIRN_OK);
			break;
		}
		assert_int_equal(err, CAIRN_ERR_IO);
		points++;
		dev.fail_write_after = -1;
		/* Stopped: no further changes are accepted. */
		assert_int_equal(cfs_mkdir(fs, "/late"), CAIRN_ERR_IO);
		assert_int_equal(cfs_unmount(fs), CAIRN_ERR_IO);
		assert_int_equal(cfs_mount(&dev.bd, NULL, &fs), CAIRN_OK);
		assert_int_equal(cfs_unmount(fs), CAIRN_OK);
		check_clean();
	}
	printf("write error points: %d\n", points);
	assert_true(points > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_allocation_failure_unwinds_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_write_error_stops_the_fs_and_recovers, setup, teardown),
	};

	cairn_test_setup();
	log_set_level(LOG_LEVEL_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
