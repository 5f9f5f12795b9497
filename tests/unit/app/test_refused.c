// SPDX-License-Identifier: BSD-2-Clause
/*
 * src/app.c: a manifest grant the kernel cannot mint (a console that does
 * not exist) stops the boot with a panic naming the manifest line, the
 * object and the error, before the application runs.
 */
#include <string.h>

#include "cairn_test.h"

#include <cairn/app.h>
#include <kernel/kmain.h>
#include <kernel/manifest.h>

const struct manifest_grant manifest_grants[] = {
	{ MANIFEST_CONSOLE, "boot", CAIRN_RIGHT_WRITE, 2, 0 },
	{ MANIFEST_CONSOLE, "serial9", CAIRN_RIGHT_WRITE, 5, 0 },
};
const size_t manifest_ngrants = 2;

static int app_calls;

int cairn_main(const struct cairn_start *start)
{
	(void)start;
	app_calls++;
	return 0;
}

static char reason[256];

static void record_panic(const char *file, int line, const char *why)
{
	snprintf(reason, sizeof(reason), "%s", why);
	cairn_test_panic_to_cmocka(file, line, why);
}

static void discard(const char *s, size_t len)
{
	(void)s;
	(void)len;
}

static void test_app_run_panics_naming_the_line_of_a_grant_it_cannot_mint(void **state)
{
	(void)state;
	hosted_panic_hook = record_panic;
	hosted_console_capture = discard; /* the panic record is not this test's */
	expect_assert_failure(app_run());
	hosted_console_capture = NULL;
	assert_string_equal(reason, "manifest line 5: cannot grant 'serial9': NOENT");
	assert_int_equal(app_calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_app_run_panics_naming_the_line_of_a_grant_it_cannot_mint),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
