// SPDX-License-Identifier: BSD-2-Clause
/*
 * The arch contract on Linux (see arch/hosted/hosted.h for the model).
 */
#include <stdio.h>
#include <stdlib.h>

#include <kernel/arch.h>
#include <kernel/fmt.h>

#include "hosted.h"

uint64_t hosted_virtual_ns;
static jmp_buf *stop_catch;

void (*hosted_panic_hook)(const char *file, int line, const char *reason);

const char *arch_name(void)
{
	return "hosted";
}

void hosted_clock_set(uint64_t ns)
{
	hosted_virtual_ns = ns;
}

void hosted_clock_advance(uint64_t ns)
{
	hosted_virtual_ns += ns;
}

uint64_t arch_clock_ns(void)
{
	return hosted_virtual_ns;
}

uint64_t arch_boot_entry_ns(void)
{
	return 0;
}

uint64_t arch_cycles(void)
{
	return hosted_virtual_ns;
}

void arch_cpu_relax(void)
{
}

void arch_frame_dump(const struct arch_frame *frame)
{
	(void)frame;
	kprintf("  (hosted shim: no machine registers; see the host's debugger)\n");
}

void hosted_catch_stop(jmp_buf *env)
{
	stop_catch = env;
}

static noreturn void stop(enum hosted_stop how, int exit_status)
{
	jmp_buf *env = stop_catch;

	fflush(stdout);
	if (env) {
		stop_catch = NULL;
		longjmp(*env, (int)how);
	}
	exit(exit_status);
}

noreturn void arch_halt(void)
{
	stop(HOSTED_STOP_HALT, 70);
}

void arch_panic_hook(const char *file, int line, const char *reason)
{
	if (hosted_panic_hook)
		hosted_panic_hook(file, line, reason);
}

err_t platform_poweroff(void)
{
	stop(HOSTED_STOP_POWEROFF, 0);
}

err_t platform_reboot(void)
{
	stop(HOSTED_STOP_REBOOT, 71);
}

err_t platform_test_exit(bool pass)
{
	stop(pass ? HOSTED_STOP_TEST_PASS : HOSTED_STOP_TEST_FAIL, pass ? 0 : 1);
}
