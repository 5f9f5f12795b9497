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

/* selftest_run_requested - run the selftest the command line names, if any.
 * An unknown name is logged and ignored. Boot CPU, after init. */
void selftest_run_requested(void);

#endif /* KERNEL_SELFTEST_H */
