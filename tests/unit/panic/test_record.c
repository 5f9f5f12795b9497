// SPDX-License-Identifier: BSD-2-Clause
/*
 * The panic record and the stop policy: what a panic prints, and how the
 * machine stops after a panic or when the application returns, in test
 * mode and out of it.
 */
#include <string.h>

#include "cairn_test.h"

#include <kernel/assert.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/log.h>
#include <kernel/machine.h>

static char out[1 << 15];
static size_t nout;

static void capture(struct console *con, const char *s, size_t len)
{
	(void)con;
	if (nout + len < sizeof(out)) {
		memcpy(out + nout, s, len);
		nout += len;
		out[nout] = '\0';
	}
}

static struct console cap = { .name = "capture", .write = capture };

static int setup(void **state)
{
	(void)state;
	nout = 0;
	out[0] = '\0';
	hosted_panic_hook = NULL; /* let panics reach the stop policy */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cairn_test_setup();
	return 0;
}

/* Run `body` and return how the machine stopped. */
#define STOPPED_BY(body)                                                       \
	({                                                                     \
		jmp_buf env_;                                                  \
		int how_ = setjmp(env_);                                       \
		if (how_ == 0) {                                               \
			hosted_catch_stop(&env_);                              \
			body;                                                  \
			fail_msg("the machine did not stop");                  \
		}                                                              \
		how_;                                                          \
	})

static void test_panic_record_has_reason_location_step_registers_and_log(void **state)
{
	int how;

	(void)state;
	cmdline_set("", 1);
	LOG_INFO("breadcrumb before the panic");
	how = STOPPED_BY(PANIC("disk %d on fire", 7));
	/* Outside test mode the default is to power off after the record. */
	assert_int_equal(how, HOSTED_STOP_POWEROFF);
	assert_non_null(strstr(out, "======== CAIRN PANIC ========\n"));
	assert_non_null(strstr(out, "reason:    disk 7 on fire\n"));
	assert_non_null(strstr(out, "location:  tests/unit/panic/test_record.c:"));
	assert_non_null(strstr(out, "init step: none (init complete)\n"));
	assert_non_null(strstr(out, "registers:\n"));
	assert_non_null(strstr(out, "recent log (newest last):\n"));
	assert_non_null(strstr(out, "breadcrumb before the panic"));
	assert_non_null(strstr(out, "======== END PANIC ========\n"));
	assert_non_null(strstr(out, "======== END PANIC ========\nmachine: powering off after "
				    "the panic (panic=poweroff)\n"));
}

static void test_panic_in_test_mode_is_a_test_failure(void **state)
{
	(void)state;
	cmdline_set("cairn.test", 100);
	assert_int_equal(STOPPED_BY(ASSERT(1 + 1 == 3)), HOSTED_STOP_TEST_FAIL);
	assert_non_null(strstr(out, "reason:    assertion failed: 1 + 1 == 3"));
	assert_non_null(strstr(out, "CAIRN-TEST: FAIL (panic)\n"));
}

static void test_panic_policy_reboot_poweroff_and_halt(void **state)
{
	(void)state;
	cmdline_set("panic=reboot", 100);
	assert_int_equal(STOPPED_BY(PANIC("x")), HOSTED_STOP_REBOOT);
	assert_non_null(strstr(out, "machine: rebooting after the panic (panic=reboot)\n"));
	cmdline_set("panic=poweroff", 100);
	assert_int_equal(STOPPED_BY(PANIC("x")), HOSTED_STOP_POWEROFF);
	assert_non_null(strstr(out, "machine: powering off after the panic (panic=poweroff)\n"));
	/* halt keeps the machine (and its state) for a debugger. */
	cmdline_set("panic=halt", 100);
	assert_int_equal(STOPPED_BY(PANIC("x")), HOSTED_STOP_HALT);
	assert_non_null(strstr(out, "machine: halted after the panic (panic=halt)\n"));
}

static void test_panic_policy_unknown_value_is_named_and_the_default_applies(void **state)
{
	(void)state;
	cmdline_set("panic=explode", 100);
	assert_int_equal(STOPPED_BY(PANIC("x")), HOSTED_STOP_POWEROFF);
	assert_non_null(strstr(out, "machine: unknown panic=explode (known: poweroff, reboot, "
				    "halt); powering off after the panic\n"));
}

static void test_app_exit_powers_off_or_reports_the_test_result(void **state)
{
	(void)state;
	cmdline_set("", 1);
	assert_int_equal(STOPPED_BY(machine_stop(MACHINE_STOP_APP_EXIT, 0)), HOSTED_STOP_POWEROFF);
	cmdline_set("cairn.test", 100);
	assert_int_equal(STOPPED_BY(machine_stop(MACHINE_STOP_APP_EXIT, 0)), HOSTED_STOP_TEST_PASS);
	assert_non_null(strstr(out, "CAIRN-TEST: PASS\n"));
	assert_int_equal(STOPPED_BY(machine_stop(MACHINE_STOP_APP_EXIT, 4)), HOSTED_STOP_TEST_FAIL);
	assert_non_null(strstr(out, "CAIRN-TEST: FAIL (application status 4)\n"));
}

static void test_panic_reaches_cmocka_when_hooked(void **state)
{
	(void)state;
	cairn_test_setup();
	expect_assert_failure(PANIC("caught by the test"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_panic_record_has_reason_location_step_registers_and_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_panic_in_test_mode_is_a_test_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_panic_policy_reboot_poweroff_and_halt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_panic_policy_unknown_value_is_named_and_the_default_applies,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_app_exit_powers_off_or_reports_the_test_result, setup, teardown),
		cmocka_unit_test_setup_teardown(test_panic_reaches_cmocka_when_hooked, setup, teardown),
	};

	cairn_test_setup();
	if (console_register(&cap) != CAIRN_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
