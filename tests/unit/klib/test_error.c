// SPDX-License-Identifier: BSD-2-Clause
/* Every error code has a unique name and a description. */
#include <string.h>

#include "cairn_test.h"

#include <cairn/error.h>

static void test_error_every_code_has_a_unique_name(void **state)
{
	(void)state;
	for (int a = 0; a >= CAIRN_ERR_MIN_; a--) {
		assert_string_not_equal(cairn_err_name(a), "UNKNOWN");
		assert_string_not_equal(cairn_err_describe(a), "unknown error");
		for (int b = a - 1; b >= CAIRN_ERR_MIN_; b--)
			assert_string_not_equal(cairn_err_name(a), cairn_err_name(b));
	}
}

static void test_error_out_of_range_codes_are_unknown(void **state)
{
	(void)state;
	assert_string_equal(cairn_err_name(1), "UNKNOWN");
	assert_string_equal(cairn_err_name(CAIRN_ERR_MIN_ - 1), "UNKNOWN");
	assert_string_equal(cairn_err_describe(INT32_MIN), "unknown error");
}

static void test_error_names_match_the_enum(void **state)
{
	(void)state;
	assert_string_equal(cairn_err_name(CAIRN_OK), "OK");
	assert_string_equal(cairn_err_name(CAIRN_ERR_CORRUPT), "CORRUPT");
	assert_string_equal(cairn_err_name(CAIRN_ERR_FBIG), "FBIG");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_every_code_has_a_unique_name),
		cmocka_unit_test(test_error_out_of_range_codes_are_unknown),
		cmocka_unit_test(test_error_names_match_the_enum),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
