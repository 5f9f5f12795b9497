// SPDX-License-Identifier: BSD-2-Clause
/*
 * The arch contract on x86_64: identity, time, interrupts flag, halt and
 * port I/O. Time is the TSC scaled to nanoseconds; the scale comes from a
 * calibration against the PIT (tsc.c) done before anything logs.
 */
#include <kernel/arch.h>
#include <kernel/io.h>

#include <arch/x86.h>

#include "tsc.h"

const char *arch_name(void)
{
	return "x86_64";
}

uint64_t arch_cycles(void)
{
	return rdtsc();
}

uint64_t arch_clock_ns(void)
{
	return tsc_to_ns(rdtsc() - tsc_clock.origin);
}

uint64_t arch_boot_entry_ns(void)
{
	return tsc_to_ns(tsc_clock.entry);
}

void arch_cpu_relax(void)
{
	__asm__ volatile("pause");
}

unsigned long arch_irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

void arch_irq_restore(unsigned long token)
{
	if (token & (1ul << 9)) /* RFLAGS.IF */
		__asm__ volatile("sti" : : : "memory");
}

noreturn void arch_halt(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

uint8_t arch_pio_read8(uint16_t port)
{
	return inb(port);
}

void arch_pio_write8(uint16_t port, uint8_t v)
{
	outb(port, v);
}

uint16_t arch_pio_read16(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

void arch_pio_write16(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

uint32_t arch_pio_read32(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

void arch_pio_write32(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
