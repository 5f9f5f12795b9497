// SPDX-License-Identifier: BSD-2-Clause
/*
 * Init steps: collected from the linker section, run in (level, priority,
 * name) order whatever the link order, only within the requested levels;
 * a failing step panics naming itself.
 */
#include <string.h>

#include "cairn_test.h"

#include <kernel/init.h>

static char order[64];
static bool fail_step;

static void mark(char c)
{
	size_t n = strlen(order);

	order[n] = c;
	order[n + 1] = '\0';
}

static err_t step_b(void) { mark('b'); return CAIRN_OK; }
static err_t step_a(void) { mark('a'); return CAIRN_OK; }
static err_t step_late(void) { mark('L'); return CAIRN_OK; }
static err_t step_first(void) { mark('1'); return CAIRN_OK; }
static err_t step_fails(void)
{
	mark('F');
	return fail_step ? CAIRN_ERR_IO : CAIRN_OK;
}

/* Declared out of order on purpose. */
INIT_STEP(step_late, INIT_LEVEL_LATE, 0);
INIT_STEP(step_b, INIT_LEVEL_DRIVERS, 5);
INIT_STEP(step_a, INIT_LEVEL_DRIVERS, 5);
INIT_STEP(step_first, INIT_LEVEL_DRIVERS, 1);
INIT_STEP(step_fails, INIT_LEVEL_SERVICES, 0);

static void test_init_runs_steps_by_level_priority_then_name(void **state)
{
	(void)state;
	order[0] = '\0';
	fail_step = false;
	assert_int_equal(init_run(INIT_LEVEL_DRIVERS, INIT_LEVEL_LATE), 5);
	assert_string_equal(order, "1abFL");
	assert_null(init_current_step());
}

static void test_init_runs_only_the_requested_levels(void **state)
{
	(void)state;
	order[0] = '\0';
	assert_int_equal(init_run(INIT_LEVEL_LATE, INIT_LEVEL_LATE), 1);
	assert_string_equal(order, "L");
}

static void test_init_failing_step_panics(void **state)
{
	(void)state;
	order[0] = '\0';
	fail_step = true;
	expect_assert_failure(init_run(INIT_LEVEL_SERVICES, INIT_LEVEL_SERVICES));
	assert_string_equal(order, "F");
}

static void test_init_level_names(void **state)
{
	(void)state;
	assert_string_equal(init_level_name(INIT_LEVEL_EARLY), "early");
	assert_string_equal(init_level_name(INIT_LEVEL_LATE), "late");
	assert_string_equal(init_level_name((enum init_level)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_runs_steps_by_level_priority_then_name),
		cmocka_unit_test(test_init_runs_only_the_requested_levels),
		cmocka_unit_test(test_init_failing_step_panics),
		cmocka_unit_test(test_init_level_names),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
