// SPDX-License-Identifier: BSD-2-Clause
/*
 * AArch64 machine services: how the machine stops, and the C library
 * symbols Debian's libfdt.a expects of its environment.
 *
 *   test exit  ARM semihosting SYS_EXIT (HLT #0xf000) with an "application
 *              exit" status: QEMU exits with that status when started with
 *              -semihosting-config enable=on,target=native. 33 means pass,
 *              35 fail: the same numbers isa-debug-exit gives on x86_64, so
 *              the test harness reads every arch alike. Without semihosting
 *              the HLT traps and trap.c turns it into an error return.
 *   early panic  with no console yet, the panic reason goes out through
 *              semihosting SYS_WRITE0 (QEMU prints it on its stderr).
 *   power off  PSCI SYSTEM_OFF; reboot PSCI SYSTEM_RESET. The conduit (hvc
 *              or smc) is what the device tree's /psci `method` says, read
 *              by the psci driver below (bound early, by compatible).
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/console.h>
#include <kernel/driver.h>
#include <kernel/fmt.h>
#include <kernel/log.h>
#include <kernel/string.h>

#include <arch/aarch64.h>

#define SEMIHOST_SYS_WRITE0 0x04
#define SEMIHOST_SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define TEST_EXIT_PASS 33
#define TEST_EXIT_FAIL 35

#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u

/* ---- semihosting ---------------------------------------------------------- */

/* The HLT is at a known address so that trap.c can recognise it. */
__asm__(".pushsection .text.semihost, \"ax\"\n"
	".globl aarch64_semihost_call\n"
	".globl aarch64_semihost_insn\n"
	"aarch64_semihost_call:\n"
	"aarch64_semihost_insn:\n"
	"	hlt #0xf000\n"
	"	ret\n"
	".popsection\n");
uint64_t aarch64_semihost_call(uint64_t op, uint64_t arg);

err_t platform_test_exit(bool pass)
{
	static uint64_t block[2];

	block[0] = ADP_STOPPED_APPLICATION_EXIT;
	block[1] = pass ? TEST_EXIT_PASS : TEST_EXIT_FAIL;
	(void)aarch64_semihost_call(SEMIHOST_SYS_EXIT, (uint64_t)(uintptr_t)block);
	/* Still here: semihosting is not enabled on this machine. */
	return CAIRN_ERR_NOTSUP;
}

/* ---- PSCI ----------------------------------------------------------------- */

enum psci_conduit { PSCI_NONE, PSCI_HVC, PSCI_SMC };
static enum psci_conduit psci_conduit;

static uint64_t psci_call(uint32_t fn)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = 0;
	register uint64_t x2 __asm__("x2") = 0;
	register uint64_t x3 __asm__("x3") = 0;

	if (psci_conduit == PSCI_HVC)
		__asm__ volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
	else
		__asm__ volatile("smc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
	return x0;
}

static err_t psci_probe(struct dev_node *node)
{
	const char *method;
	err_t err = dev_node_prop_string(node, "method", &method);

	if (err)
		return err;
	if (strcmp(method, "hvc") == 0)
		psci_conduit = PSCI_HVC;
	else if (strcmp(method, "smc") == 0)
		psci_conduit = PSCI_SMC;
	else
		return CAIRN_ERR_NOTSUP;
	return CAIRN_OK;
}
DRIVER_REGISTER(psci, DRIVER_STAGE_EARLY, psci_probe, "arm,psci-1.0", "arm,psci-0.2",
		"arm,psci");

err_t platform_poweroff(void)
{
	if (psci_conduit == PSCI_NONE) {
		LOG_ERR("machine: no PSCI in the device tree: cannot power off");
		return CAIRN_ERR_NOTSUP;
	}
	(void)psci_call(PSCI_SYSTEM_OFF);
	LOG_ERR("machine: PSCI SYSTEM_OFF returned");
	return CAIRN_ERR_IO;
}

err_t platform_reboot(void)
{
	if (psci_conduit == PSCI_NONE)
		return CAIRN_ERR_NOTSUP;
	(void)psci_call(PSCI_SYSTEM_RESET);
	return CAIRN_ERR_IO;
}

/*
 * A panic before any console exists (the device tree could not be read, so
 * no UART is known, nor the command line that says "test mode") would be
 * silent. Say it through semihosting, and end the run as a test failure
 * there: only QEMU test runs enable semihosting. Elsewhere both calls are
 * skipped by trap.c and the machine halts as usual.
 */
void arch_panic_hook(const char *file, int line, const char *reason)
{
	char msg[LOG_LINE_MAX + 64];

	if (console_count() != 0)
		return;
	ksnprintf(msg, sizeof(msg), "CAIRN PANIC before any console: %s (%s:%d)\n", reason, file,
		  line);
	(void)aarch64_semihost_call(SEMIHOST_SYS_WRITE0, (uint64_t)(uintptr_t)msg);
	(void)platform_test_exit(false);
}

/* ---- what libfdt.a needs of a C library ------------------------------------ */

/* Debian builds libfdt with -fstack-protector-strong and a global guard. */
uintptr_t __stack_chk_guard = 0x2f8a5c3e71d4b609ull;
noreturn void __stack_chk_fail(void);
noreturn void __stack_chk_fail(void)
{
	PANIC("stack smashing detected (a stack protector canary was overwritten)");
}
