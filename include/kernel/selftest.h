/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Boot-time self tests, chosen with cairn.selftest=<name> on the command
 * line (CONFIG_SELFTEST). They exist so that QEMU boot tests can prove the
 * failure paths: that a panic, a failed assertion or a CPU fault produces a
 * panic record and a failure status. Names: panic, assert, pagefault,
 * invalid-opcode.
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
struct selftest {
	const char *name;
	err_t (*fn)(void);
	bool passes;
};

#define SELFTEST(name_, fn_, passes_)                                          \
	static const struct selftest selftest_##fn_ __used                     \
		__section("cairn_selftest") __aligned(8) = {                  \
			.name = (name_), .fn = (fn_), .passes = (passes_),    \
	}

/* selftest_run_requested - run the selftest the command line names, if any.
 * An unknown name is logged and ignored. Boot CPU, after init. */
void selftest_run_requested(void);

#endif /* KERNEL_SELFTEST_H */
