// SPDX-License-Identifier: BSD-2-Clause
/* The kernel's printf engine, checked against the C library's for the
 * conversions both support, and on its own for the kernel extensions. */
#include <string.h>

#include "cairn_test.h"

#include <kernel/fmt.h>

#define CHECK_LIKE_LIBC(...)                                                   \
	do {                                                                   \
		char want[256], got[256];                                      \
		int wn = snprintf(want, sizeof(want), __VA_ARGS__);           \
		size_t gn = ksnprintf(got, sizeof(got), __VA_ARGS__);          \
		assert_string_equal(got, want);                                \
		assert_int_equal(gn, (size_t)wn);                              \
	} while (0)

static void test_fmt_integers_match_libc(void **state)
{
	(void)state;
	CHECK_LIKE_LIBC("%d %i %u", 0, -1, 42u);
	CHECK_LIKE_LIBC("%d", INT32_MIN);
	CHECK_LIKE_LIBC("%lld %llu", (long long)INT64_MIN, (unsigned long long)UINT64_MAX);
	CHECK_LIKE_LIBC("%x %X %o %#x %#o %#X", 255u, 255u, 8u, 255u, 8u, 0xabcu);
	CHECK_LIKE_LIBC("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
	CHECK_LIKE_LIBC("[%.3d] [%8.3d] [%-8.3x] [%.0d]", 7, 7, 0xa, 0);
	CHECK_LIKE_LIBC("[%#018llx]", 0xffffffff80000000ull);
	/* Values wider than the conversion: both must truncate alike. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
	CHECK_LIKE_LIBC("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
#pragma GCC diagnostic pop
	CHECK_LIKE_LIBC("%zu %zd %td %jd", (size_t)123, (ssize_t)-5, (ptrdiff_t)-9, (intmax_t)77);
	CHECK_LIKE_LIBC("[%*d] [%-*d] [%.*d]", 6, 1, 6, 2, 4, 3);
	CHECK_LIKE_LIBC("%#x %#o", 0u, 0u);
}

static void test_fmt_strings_and_chars_match_libc(void **state)
{
	(void)state;
	CHECK_LIKE_LIBC("[%s] [%10s] [%-10s] [%.2s] [%c] [%3c]", "abc", "abc", "abc", "abc", 'x', 'y');
	CHECK_LIKE_LIBC("100%% sure");
	CHECK_LIKE_LIBC("%p", (void *)0x1234);
}

static void test_fmt_null_string_prints_null(void **state)
{
	const char *volatile nothing = NULL;
	char buf[32];

	(void)state;
	ksnprintf(buf, sizeof(buf), "%s", nothing);
	assert_string_equal(buf, "(null)");
}

static void test_fmt_truncates_and_reports_full_length(void **state)
{
	char buf[8];
	size_t n;

	(void)state;
	memset(buf, 'Z', sizeof(buf));
	n = ksnprintf(buf, 5, "%s", "abcdefgh");
	assert_int_equal(n, 8);
	assert_string_equal(buf, "abcd");
	assert_int_equal(buf[5], 'Z'); /* nothing written past size */

	n = ksnprintf(buf, 0, "%d", 12345);
	assert_int_equal(n, 5);
	assert_int_equal(buf[0], 'a');
}

static void test_fmt_range_extension(void **state)
{
	struct fmt_range r = { 0x1000, 0x1000 }, e = { 0x5, 0 };
	char buf[64];

	(void)state;
	ksnprintf(buf, sizeof(buf), "%pR %pR", &r, &e);
	assert_string_equal(buf, "[0x1000-0x1fff] [empty]");
}

static void test_fmt_unknown_conversion_printed_verbatim(void **state)
{
	char buf[32];

	(void)state;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
	ksnprintf(buf, sizeof(buf), "a%qb%");
#pragma GCC diagnostic pop
	assert_string_equal(buf, "a%qb%");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_integers_match_libc),
		cmocka_unit_test(test_fmt_strings_and_chars_match_libc),
		cmocka_unit_test(test_fmt_null_string_prints_null),
		cmocka_unit_test(test_fmt_truncates_and_reports_full_length),
		cmocka_unit_test(test_fmt_range_extension),
		cmocka_unit_test(test_fmt_unknown_conversion_printed_verbatim),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
