// SPDX-License-Identifier: BSD-2-Clause
/*
 * The arch contract on AArch64: identity, time, the interrupt mask, halt.
 *
 * Time is the generic timer's virtual counter (CNTVCT_EL0) at CNTFRQ_EL0
 * Hz, which firmware must set (U-Boot and QEMU do; a DTB's
 * clock-frequency override is for broken firmware and not supported).
 * The counter runs from machine reset, so the count read by the first
 * instruction (entry.S) says how long firmware and loader took: that is
 * arch_boot_entry_ns().
 *
 * Port I/O does not exist on AArch64. io.h calls arch_pio_* for regions in
 * IO_SPACE_PORT, which no AArch64 driver ever creates (the device model
 * hands out MMIO regions only); the functions exist so that io.h links,
 * and panic if reached.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/io.h>
#include <kernel/log.h>

#include <arch/aarch64.h>

static struct {
	uint64_t hz;
	uint64_t mult;   /* ns = count * mult >> 32 */
	uint64_t origin; /* the count arch_clock_ns() calls 0 */
	uint64_t entry;  /* the count at the kernel's first instruction */
} clock;

static uint64_t to_ns(uint64_t count)
{
	return (uint64_t)(((unsigned __int128)count * clock.mult) >> 32);
}

void aarch64_clock_init(uint64_t entry_cntvct)
{
	clock.hz = SYSREG_READ(cntfrq_el0) & 0xffffffffu;
	if (clock.hz == 0)
		return; /* firmware did not set CNTFRQ: time stays 0, logged later */
	clock.mult = (uint64_t)((1000000000ull << 32) / clock.hz);
	clock.entry = entry_cntvct;
	/* Kernel time starts at entry, like the TSC origin on x86_64. */
	clock.origin = entry_cntvct;
}

void aarch64_clock_log(void)
{
	if (clock.hz == 0) {
		LOG_WARN("clock: CNTFRQ_EL0 is 0 (firmware did not set it): no time stamps");
		return;
	}
	/* The time since reset is on kernel_main's banner line. */
	LOG_INFO("clock: generic timer at %llu Hz", (unsigned long long)clock.hz);
	LOG_DEBUG("clock: counter %llu at entry (%llu us after reset)",
		  (unsigned long long)clock.entry, (unsigned long long)(to_ns(clock.entry) / 1000));
}

const char *arch_name(void)
{
	return "aarch64";
}

uint64_t arch_cycles(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

uint64_t arch_clock_ns(void)
{
	if (clock.hz == 0)
		return 0;
	return to_ns(arch_cycles() - clock.origin);
}

uint64_t arch_boot_entry_ns(void)
{
	return clock.hz ? to_ns(clock.entry) : 0;
}

void arch_cpu_relax(void)
{
	__asm__ volatile("yield");
}

unsigned long arch_irq_save(void)
{
	unsigned long daif;

	__asm__ volatile("mrs %0, daif; msr daifset, #3" : "=r"(daif) : : "memory");
	return daif;
}

void arch_irq_restore(unsigned long token)
{
	__asm__ volatile("msr daif, %0" : : "r"(token) : "memory");
}

noreturn void arch_halt(void)
{
	for (;;)
		__asm__ volatile("msr daifset, #0xf; wfi");
}

void aarch64_cpu_log(void)
{
	uint64_t midr = SYSREG_READ(midr_el1), mmfr0 = SYSREG_READ(id_aa64mmfr0_el1);
	static const uint8_t pa_bits[] = { 32, 36, 40, 42, 44, 48, 52 };

	LOG_INFO("cpu: MIDR %#llx (implementer %#llx part %#llx), %u-bit physical addresses, "
		 "entered at EL%u, running at EL1",
		 (unsigned long long)midr, (unsigned long long)(midr >> 24),
		 (unsigned long long)((midr >> 4) & 0xfff),
		 (mmfr0 & 7) < sizeof(pa_bits) ? pa_bits[mmfr0 & 7] : 0, aarch64_boot.entry_el);
}

static noreturn void no_port_io(uint16_t port)
{
	PANIC("port I/O at %#x on AArch64: there is no port space (a driver built an "
	      "IO_SPACE_PORT region)", port);
}

uint8_t arch_pio_read8(uint16_t port) { no_port_io(port); }
uint16_t arch_pio_read16(uint16_t port) { no_port_io(port); }
uint32_t arch_pio_read32(uint16_t port) { no_port_io(port); }
void arch_pio_write8(uint16_t port, uint8_t v) { (void)v; no_port_io(port); }
void arch_pio_write16(uint16_t port, uint16_t v) { (void)v; no_port_io(port); }
void arch_pio_write32(uint16_t port, uint32_t v) { (void)v; no_port_io(port); }
