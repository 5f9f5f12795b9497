// SPDX-License-Identifier: BSD-2-Clause
/*
 * src/klib/string.c, compiled into this test under klib_* names (see
 * string_rename.h), compared with the C library over many sizes and
 * alignments.
 */
#include "cairn_test.h"

#include <kernel/string.h>

/* libc's, for reference: declared by hand because <string.h> would be
 * renamed too. */
#undef memcmp
#undef memset
int memcmp(const void *a, const void *b, size_t n);
void *memset(void *d, int c, size_t n);

static unsigned char src[300], dst[300], ref[300];

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 31 + i * 7);
}

static void test_string_memcpy_all_sizes_and_alignments(void **state)
{
	(void)state;
	fill(src, sizeof(src), 1);
	for (size_t so = 0; so < 8; so++)
		for (size_t doff = 0; doff < 8; doff++)
			for (size_t n = 0; n < 100; n++) {
				memset(dst, 0xee, sizeof(dst));
				memset(ref, 0xee, sizeof(ref));
				klib_memcpy(dst + doff, src + so, n);
				for (size_t i = 0; i < n; i++)
					ref[doff + i] = src[so + i];
				assert_int_equal(memcmp(dst, ref, sizeof(dst)), 0);
			}
}

static void test_string_memmove_handles_overlap_both_ways(void **state)
{
	(void)state;
	for (size_t n = 0; n < 64; n++)
		for (int shift = -9; shift <= 9; shift++) {
			size_t from = 100, to = (size_t)(100 + shift);

			fill(dst, sizeof(dst), 3);
			fill(ref, sizeof(ref), 3);
			klib_memmove(dst + to, dst + from, n);
			/* reference: via a temporary */
			unsigned char tmp[64];

			for (size_t i = 0; i < n; i++)
				tmp[i] = ref[from + i];
			for (size_t i = 0; i < n; i++)
				ref[to + i] = tmp[i];
			assert_int_equal(memcmp(dst, ref, sizeof(dst)), 0);
		}
}

static void test_string_memset_and_memcmp(void **state)
{
	(void)state;
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n < 80; n++) {
			memset(ref, 1, sizeof(ref));
			memset(dst, 1, sizeof(dst));
			klib_memset(dst + off, 0xab, n);
			memset(ref + off, 0xab, n);
			assert_int_equal(klib_memcmp(dst, ref, sizeof(dst)), 0);
		}
	assert_true(klib_memcmp("abc", "abd", 3) < 0);
	assert_true(klib_memcmp("abd", "abc", 3) > 0);
	assert_true(klib_memcmp("\xff", "\x01", 1) > 0); /* unsigned compare */
	assert_int_equal(klib_memcmp("x", "y", 0), 0);
}

static void test_string_str_functions(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(klib_strlen(""), 0);
	assert_int_equal(klib_strlen("hello"), 5);
	assert_int_equal(klib_strnlen("hello", 3), 3);
	assert_int_equal(klib_strnlen("hi", 10), 2);
	assert_true(klib_strcmp("a", "b") < 0);
	assert_int_equal(klib_strcmp("same", "same"), 0);
	assert_true(klib_strcmp("ab", "a") > 0);
	assert_int_equal(klib_strncmp("abcX", "abcY", 3), 0);
	assert_string_equal(klib_strchr("a/b/c", '/'), "/b/c");
	assert_string_equal(klib_strrchr("a/b/c", '/'), "/c");
	assert_null(klib_strchr("abc", 'z'));
	assert_int_equal(*(const char *)klib_memchr("abc", 'c', 3), 'c');
	assert_null(klib_memchr("abc", 'c', 2));
	assert_int_equal(klib_kstrlcpy(buf, "truncate me", sizeof(buf)), 11);
	assert_string_equal(buf, "truncat");
}

static void test_string_strtoul_bases_and_overflow(void **state)
{
	char *end;

	(void)state;
	assert_int_equal(klib_strtoul("1234", &end, 10), 1234);
	assert_int_equal(*end, '\0');
	assert_int_equal(klib_strtoul("0x1f", NULL, 0), 31);
	assert_int_equal(klib_strtoul("017", NULL, 0), 15);
	assert_int_equal(klib_strtoul("  42abc", &end, 10), 42);
	assert_string_equal(end, "abc");
	assert_int_equal(klib_strtoul("zz", &end, 10), 0);
	assert_string_equal(end, "zz");
	assert_true(klib_strtoul("99999999999999999999999", NULL, 10) == ~0ul);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_string_memcpy_all_sizes_and_alignments),
		cmocka_unit_test(test_string_memmove_handles_overlap_both_ways),
		cmocka_unit_test(test_string_memset_and_memcmp),
		cmocka_unit_test(test_string_str_functions),
		cmocka_unit_test(test_string_strtoul_bases_and_overflow),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
