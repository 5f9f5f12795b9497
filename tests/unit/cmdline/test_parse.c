// SPDX-License-Identifier: BSD-2-Clause
/* The kernel command line: words, values, quotes, truncation. */
#include <string.h>

#include "cairn_test.h"

#include <kernel/cmdline.h>

static void test_cmdline_finds_bare_keys_and_values(void **state)
{
	const char *line = "  cairn.test loglevel=3\tpanic=reboot  ";
	char buf[16];

	(void)state;
	assert_int_equal(cmdline_find(line, "cairn.test", buf, sizeof(buf)), CAIRN_OK);
	assert_string_equal(buf, "");
	assert_int_equal(cmdline_find(line, "loglevel", buf, sizeof(buf)), CAIRN_OK);
	assert_string_equal(buf, "3");
	assert_int_equal(cmdline_find(line, "panic", buf, sizeof(buf)), CAIRN_OK);
	assert_string_equal(buf, "reboot");
}

static void test_cmdline_does_not_match_prefixes(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(cmdline_find("cairn.testing=1 log=2", "cairn.test", buf, sizeof(buf)),
			 CAIRN_ERR_NOENT);
	assert_int_equal(cmdline_find("loglevel=2", "log", buf, sizeof(buf)), CAIRN_ERR_NOENT);
	assert_int_equal(cmdline_find("", "x", buf, sizeof(buf)), CAIRN_ERR_NOENT);
}

static void test_cmdline_quoted_values_keep_spaces(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(cmdline_find("a=1 label=\"two words\" b=2", "label", buf, sizeof(buf)),
			 CAIRN_OK);
	assert_string_equal(buf, "two words");
	assert_int_equal(cmdline_find("a=1 label=\"two words\" b=2", "b", buf, sizeof(buf)), CAIRN_OK);
	assert_string_equal(buf, "2");
	/* An unterminated quote runs to the end of the line. */
	assert_int_equal(cmdline_find("label=\"open", "label", buf, sizeof(buf)), CAIRN_OK);
	assert_string_equal(buf, "open");
}

static void test_cmdline_last_occurrence_wins(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(cmdline_find("x=1 x=2 x=3", "x", buf, sizeof(buf)), CAIRN_OK);
	assert_string_equal(buf, "3");
}

static void test_cmdline_value_too_long_is_range(void **state)
{
	char buf[4];

	(void)state;
	assert_int_equal(cmdline_find("k=12345", "k", buf, sizeof(buf)), CAIRN_ERR_RANGE);
	assert_int_equal(cmdline_find("k=123", "k", buf, sizeof(buf)), CAIRN_OK);
	assert_string_equal(buf, "123");
}

static void test_cmdline_set_truncates_at_a_word_boundary(void **state)
{
	static char longline[CMDLINE_MAX + 100];

	(void)state;
	memset(longline, 'a', sizeof(longline) - 1);
	longline[10] = ' ';
	longline[CMDLINE_MAX - 20] = ' ';
	longline[sizeof(longline) - 1] = '\0';
	assert_int_equal(cmdline_set(longline, sizeof(longline)), CAIRN_ERR_RANGE);
	assert_int_equal(strlen(cmdline_get()), CMDLINE_MAX - 20);

	assert_int_equal(cmdline_set("cairn.test x=1", 100), CAIRN_OK);
	assert_true(cmdline_has("cairn.test"));
	assert_false(cmdline_has("y"));
	/* len bounds the copy even without a NUL. */
	assert_int_equal(cmdline_set("abcdef", 3), CAIRN_OK);
	assert_string_equal(cmdline_get(), "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline_finds_bare_keys_and_values),
		cmocka_unit_test(test_cmdline_does_not_match_prefixes),
		cmocka_unit_test(test_cmdline_quoted_values_keep_spaces),
		cmocka_unit_test(test_cmdline_last_occurrence_wins),
		cmocka_unit_test(test_cmdline_value_too_long_is_range),
		cmocka_unit_test(test_cmdline_set_truncates_at_a_word_boundary),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
