// SPDX-License-Identifier: BSD-2-Clause
/*
 * src/sys/console.c: the application's console calls check the handle
 * first (bad handle, then type, then the write right), then the arguments,
 * and only then move bytes. Every refused call writes nothing.
 */
#include <string.h>

#include "cairn_test.h"

#include <cairn/console.h>
#include <kernel/console.h>
#include <kernel/sys.h>

static char captured[8192];
static size_t ncaptured;

static void capture(const char *s, size_t len)
{
	assert_non_null(s);
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
	ncaptured = 0;
	captured[0] = 0;
	return 0;
}

/* Runs first: before any grant the console has no handle table at all. */
static void test_console_write_before_any_grant_is_a_bad_handle(void **state)
{
	(void)state;
	assert_int_equal(cairn_console_write(0x10010000u, "x", 1), CAIRN_ERR_BADHANDLE);
	assert_int_equal(cairn_console_puts(CAIRN_HANDLE_INVALID, "x"), CAIRN_ERR_BADHANDLE);
	assert_int_equal(ncaptured, 0);
}

static void test_console_write_with_the_write_right_reaches_the_console(void **state)
{
	handle_t h;

	(void)state;
	assert_int_equal(sys_console_grant("boot", CAIRN_RIGHT_WRITE, &h), CAIRN_OK);
	assert_int_equal(cairn_console_write(h, "hello console", 5), CAIRN_OK);
	assert_string_equal(captured, "hello");
	assert_int_equal(cairn_console_puts(h, ", again\n"), CAIRN_OK);
	assert_string_equal(captured, "hello, again\n");
	/* Zero bytes from no buffer is a valid, empty write, and no console
	 * driver is handed a NULL buffer for it (UBSan caught that once). */
	assert_int_equal(cairn_console_write(h, NULL, 0), CAIRN_OK);
	assert_int_equal(cairn_console_write(h, "", 0), CAIRN_OK);
	assert_int_equal(ncaptured, 13);
}

static void test_console_grant_of_an_unknown_console_is_refused(void **state)
{
	handle_t h = CAIRN_HANDLE_INVALID;

	(void)state;
	assert_int_equal(sys_console_grant("serial9", CAIRN_RIGHT_WRITE, &h), CAIRN_ERR_NOENT);
	assert_int_equal(h, CAIRN_HANDLE_INVALID);
}

static void test_console_write_without_the_write_right_is_refused(void **state)
{
	handle_t h;

	(void)state;
	assert_int_equal(sys_console_grant("boot", CAIRN_RIGHT_DUPLICATE, &h), CAIRN_OK);
	assert_int_equal(cairn_console_write(h, "no", 2), CAIRN_ERR_ACCESS);
	assert_int_equal(cairn_console_puts(h, "no"), CAIRN_ERR_ACCESS);
	/* The handle is checked before the arguments: a missing right wins
	 * over a bad length or a NULL buffer. */
	assert_int_equal(cairn_console_write(h, "no", CAIRN_CONSOLE_WRITE_MAX + 1),
			 CAIRN_ERR_ACCESS);
	assert_int_equal(cairn_console_write(h, NULL, 1), CAIRN_ERR_ACCESS);
	assert_int_equal(ncaptured, 0);
}

static void test_console_write_with_a_bad_or_forged_handle_is_refused(void **state)
{
	handle_t h;

	(void)state;
	assert_int_equal(sys_console_grant("boot", CAIRN_RIGHT_WRITE, &h), CAIRN_OK);
	assert_int_equal(cairn_console_write(CAIRN_HANDLE_INVALID, "no", 2), CAIRN_ERR_BADHANDLE);
	/* Same slot, another generation; same slot and generation, another subsystem. */
	assert_int_equal(cairn_console_write(h ^ 0x00010000u, "no", 2), CAIRN_ERR_BADHANDLE);
	assert_int_equal(cairn_console_write(h ^ 0x80000000u, "no", 2), CAIRN_ERR_BADHANDLE);
	/* A slot the table never handed out. */
	assert_int_equal(cairn_console_write((h & 0xffff0000u) | 0x7u, "no", 2),
			 CAIRN_ERR_BADHANDLE);
	/* The bad handle wins over bad arguments too. */
	assert_int_equal(cairn_console_write(CAIRN_HANDLE_INVALID, NULL, 5), CAIRN_ERR_BADHANDLE);
	assert_int_equal(ncaptured, 0);
}

static void test_console_write_checks_its_arguments_after_the_handle(void **state)
{
	handle_t h;
	static char big[CAIRN_CONSOLE_WRITE_MAX + 1];

	(void)state;
	assert_int_equal(sys_console_grant("boot", CAIRN_RIGHT_WRITE, &h), CAIRN_OK);
	assert_int_equal(cairn_console_write(h, big, sizeof(big)), CAIRN_ERR_RANGE);
	assert_int_equal(cairn_console_write(h, NULL, 1), CAIRN_ERR_FAULT);
	assert_int_equal(cairn_console_puts(h, NULL), CAIRN_ERR_FAULT);
	/* puts of a string longer than the limit is refused whole. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 'b';
	char *longer = malloc(sizeof(big) + 1);
	assert_non_null(longer);
	memcpy(longer, big, sizeof(big));
	longer[sizeof(big)] = 0;
	assert_int_equal(cairn_console_puts(h, longer), CAIRN_ERR_RANGE);
	free(longer);
	assert_int_equal(ncaptured, 0);
	/* Exactly the limit is accepted. */
	assert_int_equal(cairn_console_write(h, big, CAIRN_CONSOLE_WRITE_MAX), CAIRN_OK);
	assert_int_equal(ncaptured, CAIRN_CONSOLE_WRITE_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_console_write_before_any_grant_is_a_bad_handle, setup),
		cmocka_unit_test_setup(test_console_write_with_the_write_right_reaches_the_console, setup),
		cmocka_unit_test_setup(test_console_grant_of_an_unknown_console_is_refused, setup),
		cmocka_unit_test_setup(test_console_write_without_the_write_right_is_refused, setup),
		cmocka_unit_test_setup(test_console_write_with_a_bad_or_forged_handle_is_refused, setup),
		cmocka_unit_test_setup(test_console_write_checks_its_arguments_after_the_handle, setup),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
