// SPDX-License-Identifier: BSD-2-Clause
/*
 * PC platform services: the boot console on COM1, and the ways the machine
 * stops (power off through ACPI S5, reset, and QEMU's isa-debug-exit for
 * test runs).
 *
 * COM1 is the one device a PC is assumed to have at a fixed place (port
 * 0x3f8, CONFIG_X86_COM1_PORT); every other device comes from ACPI or PCI.
 */
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/log.h>

#include <arch/x86.h>

#include <acpi/acpi.h>
#include <uart/ns16550.h>

#define COM1_CLOCK_HZ 1843200u
#define COM1_BAUD 115200u

/* QEMU's isa-debug-exit turns a write of V into exit status (V << 1) | 1. */
#define DEBUG_EXIT_PASS 0x10 /* exit status 33 */
#define DEBUG_EXIT_FAIL 0x11 /* exit status 35 */

static struct ns16550 com1;
static bool com1_present;

void x86_serial_init(void)
{
	struct io_region regs = {
		.space = IO_SPACE_PORT, .shift = 0, .base = CONFIG_X86_COM1_PORT, .size = 8,
	};

	if (ns16550_init(&com1, &regs, COM1_CLOCK_HZ, COM1_BAUD, "com1") != CAIRN_OK)
		return; /* no UART there: the log stays in the ring */
	com1_present = true;
	(void)console_register(&com1.console);
}

void arch_panic_hook(const char *file, int line, const char *reason)
{
	(void)file;
	(void)line;
	(void)reason;
}

err_t platform_poweroff(void)
{
	err_t err = acpi_poweroff();

	LOG_ERR("machine: ACPI power off failed: %s", cairn_err_name(err));
	return err;
}

err_t platform_reboot(void)
{
	/* The keyboard controller's reset line, then a triple fault. */
	for (int i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
		arch_cpu_relax();
	outb(0x64, 0xfe);
	for (int i = 0; i < 1000000; i++)
		arch_cpu_relax();
	__asm__ volatile("lidt %0; int3" : : "m"((struct { uint16_t l; uint64_t b; } __packed){ 0, 0 }));
	return CAIRN_ERR_IO;
}

err_t platform_test_exit(bool pass)
{
	outb(CONFIG_X86_DEBUG_EXIT_PORT, pass ? DEBUG_EXIT_PASS : DEBUG_EXIT_FAIL);
	/* Still here: no isa-debug-exit device on this machine. */
	return CAIRN_ERR_NOTSUP;
}
