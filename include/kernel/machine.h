/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How the kernel ends: the stop policy, in one place.
 *
 *   application returned  test mode: "CAIRN-TEST: PASS|FAIL" and the test
 *                         exit channel (pass iff status 0); otherwise power
 *                         off (ACPI S5 / PSCI SYSTEM_OFF).
 *   panic                 test mode: "CAIRN-TEST: FAIL" and the test exit
 *                         channel; otherwise, after the panic record, what
 *                         `panic=` says: poweroff (default; also for an
 *                         unknown value, which is named), reboot, or halt
 *                         (keeps the machine for a debugger).
 *
 * Test mode is `cairn.test` on the command line. If the chosen way fails,
 * the CPU halts: the machine never runs on past a stop.
 */
#ifndef KERNEL_MACHINE_H
#define KERNEL_MACHINE_H

#include <kernel/types.h>

enum machine_stop_reason {
	MACHINE_STOP_APP_EXIT,
	MACHINE_STOP_PANIC,
};

/* machine_test_mode - true if the command line holds `cairn.test`. */
bool machine_test_mode(void);

/* machine_stop - stop as described above; `status` is the application's
 * exit status (ignored for a panic). Boot CPU, interrupts off. */
noreturn void machine_stop(enum machine_stop_reason reason, int status);

#endif /* KERNEL_MACHINE_H */
