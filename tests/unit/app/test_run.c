// SPDX-License-Identifier: BSD-2-Clause
/*
 * src/app.c: app_run() mints exactly the grants of the manifest (here a
 * test manifest: a console and a memory budget), hands the first handle of
 * each kind to the application in struct cairn_start, logs each grant, and
 * returns the application's status. The manifest table and cairn_main()
 * are defined below, in place of the generated table and an application.
 */
#include <string.h>

#include "cairn_test.h"

#include <cairn/app.h>
#include <cairn/console.h>
#include <kernel/kmain.h>
#include <kernel/console.h>
#include <kernel/manifest.h>

const struct manifest_grant manifest_grants[] = {
	{ MANIFEST_CONSOLE, "boot", CAIRN_RIGHT_WRITE, 3, 0 },
	{ MANIFEST_MEMORY, "heap", CAIRN_RIGHT_MAP | CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE, 4,
	  64 * 1024 },
};
const size_t manifest_ngrants = 2;

/* The application: records what it was given and returns `app_status`. */
static struct cairn_start seen;
static int app_calls;
static int app_status;

int cairn_main(const struct cairn_start *start)
{
	seen = *start;
	app_calls++;
	return app_status;
}

static char captured[8192];
static size_t ncaptured;

static void capture(const char *s, size_t len)
{
	if (len > sizeof(captured) - 1 - ncaptured)
		len = sizeof(captured) - 1 - ncaptured;
	memcpy(captured + ncaptured, s, len);
	ncaptured += len;
	captured[ncaptured] = 0;
}

/* A console of this test's own, registered once: the kernel's console
 * list is where the log and cairn_console_write() send their bytes. */
static void test_console_out(struct console *con, const char *s, size_t len)
{
	(void)con;
	capture(s, len);
}

static struct console test_console = { .name = "test", .write = test_console_out };

static int setup(void **state)
{
	static bool registered;

	(void)state;
	if (!registered) {
		registered = true;
		if (console_register(&test_console) != CAIRN_OK)
			return -1;
	}
	memset(&seen, 0, sizeof(seen));
	app_calls = 0;
	ncaptured = 0;
	captured[0] = 0;
	return 0;
}

static void test_app_run_mints_the_manifest_grants_and_passes_them_in_start(void **state)
{
	(void)state;
	app_status = 0;
	assert_int_equal(app_run(), 0);
	assert_int_equal(app_calls, 1);
	assert_int_equal(seen.abi_version, CAIRN_ABI_VERSION);
	assert_string_equal(seen.app_name, CONFIG_APP_NAME);
	assert_non_null(seen.cmdline);
	assert_int_not_equal(seen.console, CAIRN_HANDLE_INVALID);
	assert_int_not_equal(seen.memory, CAIRN_HANDLE_INVALID);
	assert_int_not_equal(seen.console, seen.memory);

	/* The console handle carries the manifest's right (write) and works. */
	assert_int_equal(cairn_console_write(seen.console, "via-handle\n", 11), CAIRN_OK);
	assert_non_null(strstr(captured, "via-handle\n"));
	/* Each handle belongs to its own subsystem: the memory handle is no console. */
	assert_int_equal(cairn_console_write(seen.memory, "x", 1), CAIRN_ERR_BADHANDLE);

	/* Every grant is logged with its rights, in manifest order. */
	char *con = strstr(captured, "app: granted console 'boot' rights 0x2 as handle 0x");
	char *mem = strstr(captured, "app: granted memory 'heap' rights 0xb as handle 0x");
	assert_non_null(con);
	assert_non_null(mem);
	assert_true(con < mem);
	assert_non_null(strstr(captured, "app: starting " CONFIG_APP_NAME));
	assert_non_null(strstr(captured, "app: " CONFIG_APP_NAME " returned 0 (success)"));
}

static void test_app_run_returns_the_application_status(void **state)
{
	(void)state;
	app_status = 7;
	assert_int_equal(app_run(), 7);
	assert_int_equal(app_calls, 1);
	assert_non_null(strstr(captured, "app: " CONFIG_APP_NAME " returned 7 (failure)"));

	app_status = -3;
	assert_int_equal(app_run(), -3);
	assert_non_null(strstr(captured, "app: " CONFIG_APP_NAME " returned -3 (failure)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_app_run_mints_the_manifest_grants_and_passes_them_in_start, setup),
		cmocka_unit_test_setup(test_app_run_returns_the_application_status, setup),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
