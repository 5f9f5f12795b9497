/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Boot-time self tests, chosen with cairn.selftest=<name> on the command
 * line (CONFIG_SELFTEST). They exist so that QEMU boot tests can prove the
 * failure paths: that a panic, a failed assertion or a CPU fault produces a
 * panic record and a failure status. Built in (STAGE_BOOT): panic, assert,
 * pagefault, invalid-opcode; subsystems add their own with SELFTEST().
 */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

#include <kernel/types.h>

/*
 * More selftests register themselves from their subsystem's files with
 * SELFTEST(name, fn, passes): `err_t fn(void)`. With passes = true the
 * test proves something and returns CAIRN_OK (boot then continues to the
 * application, so a QEMU test expects a pass) or an error (a panic names
 * it); with passes = false it provokes a fault and returning is a failure.
 * Entries live in the `cairn_selftest` linker section.
 */
/*
 * When a selftest runs. STAGE_BOOT: after init, before the scheduler starts:
 * the test owns the CPU, the timer and the interrupt mask (interrupts are
 * off), which tests of raw hardware need. STAGE_THREADS: once the
 * scheduler runs (with CONFIG_SCHED off, right after STAGE_BOOT), for tests
 * that use threads, sleeps or the memory of a running system.
 */
enum selftest_stage {
	SELFTEST_STAGE_BOOT = 0,
	SELFTEST_STAGE_THREADS = 1,
};

struct selftest {
	const char *name;
	err_t (*fn)(void);
	bool passes;
	uint8_t stage; /* enum selftest_stage */
};

#define SELFTEST_AT_(name_, fn_, passes_, stage_)                              \
	static const struct selftest selftest_##fn_ __used                     \
		__section("cairn_selftest") __aligned(8) = {                  \
			.name = (name_), .fn = (fn_), .passes = (passes_),    \
			.stage = (stage_),                                     \
	}

/* SELFTEST - runs at SELFTEST_STAGE_THREADS. */
#define SELFTEST(name_, fn_, passes_) SELFTEST_AT_(name_, fn_, passes_, SELFTEST_STAGE_THREADS)

/* SELFTEST_EARLY - runs at SELFTEST_STAGE_BOOT, before the scheduler. */
#define SELFTEST_EARLY(name_, fn_, passes_) SELFTEST_AT_(name_, fn_, passes_, SELFTEST_STAGE_BOOT)

/*
 * selftest_run_requested - run the selftest the command line names if it
 * belongs to `stage`. An unknown name is logged (once, at the last stage)
 * and ignored. Boot CPU: STAGE_BOOT with interrupts off after init,
 * STAGE_THREADS from the boot thread.
 */
void selftest_run_requested(enum selftest_stage stage);

#endif /* KERNEL_SELFTEST_H */
