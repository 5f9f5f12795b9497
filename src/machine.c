// SPDX-License-Identifier: BSD-2-Clause
/*
 * The stop policy (see include/kernel/machine.h). The markers printed here
 * are what the QEMU harness looks for: a pass needs both the marker and the
 * exit status, because a guest that crashes into a triple fault can also make
 * QEMU exit.
 */
#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/fmt.h>
#include <kernel/machine.h>
#include <kernel/string.h>

bool machine_test_mode(void)
{
	return cmdline_has("cairn.test");
}

static void report(const char *what, err_t err)
{
	kprintf("machine: %s failed: %s (%s); halting\n", what, cairn_err_name(err),
		cairn_err_describe(err));
}

noreturn void machine_stop(enum machine_stop_reason reason, int status)
{
	char policy[16];
	err_t err;

	(void)arch_irq_save();
	if (machine_test_mode()) {
		bool pass = reason == MACHINE_STOP_APP_EXIT && status == 0;

		if (pass)
			kprintf("CAIRN-TEST: PASS\n");
		else if (reason == MACHINE_STOP_PANIC)
			kprintf("CAIRN-TEST: FAIL (panic)\n");
		else
			kprintf("CAIRN-TEST: FAIL (application status %d)\n", status);
		err = platform_test_exit(pass);
		report("test exit", err);
		arch_halt();
	}

	if (reason == MACHINE_STOP_APP_EXIT) {
		kprintf("machine: powering off\n");
		err = platform_poweroff();
		report("power off", err);
		arch_halt();
	}

	/* A panic outside test mode: the record is on the console; power off
	 * by default so that the failure ends the machine visibly (a VMM sees
	 * the guest stop, scripts/run returns) instead of a halted CPU nobody
	 * notices or a reboot loop on a deterministic panic. */
	err = cmdline_value("panic", policy, sizeof(policy));
	if (err == CAIRN_ERR_NOENT)
		kstrlcpy(policy, "poweroff", sizeof(policy));
	else if (err)
		kstrlcpy(policy, "<too long>", sizeof(policy));
	if (strcmp(policy, "reboot") == 0) {
		kprintf("machine: rebooting after the panic (panic=reboot)\n");
		report("reboot", platform_reboot());
	} else if (strcmp(policy, "halt") == 0) {
		kprintf("machine: halted after the panic (panic=halt)\n");
	} else {
		if (strcmp(policy, "poweroff") == 0)
			kprintf("machine: powering off after the panic (panic=poweroff)\n");
		else
			kprintf("machine: unknown panic=%s (known: poweroff, reboot, halt); "
				"powering off after the panic\n", policy);
		report("power off", platform_poweroff());
	}
	arch_halt();
}
