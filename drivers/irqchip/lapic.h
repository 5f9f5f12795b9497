/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The local APIC of a PC's CPU (Intel SDM vol. 3, chapter 11), portable.
 *
 * The same registers are reached two ways: xAPIC, memory-mapped at the
 * address the MADT gives (4 KiB, 16-byte spaced 32-bit registers), or
 * x2APIC, as MSRs 0x800 + offset/16. Which one is the arch's decision
 * (CPUID.1:ECX[21] and IA32_APIC_BASE), so the driver reads and writes
 * through struct lapic_regs, which the arch fills; tests fill it with a
 * fake register file. Register numbers below are xAPIC offsets.
 */
#ifndef DRIVERS_IRQCHIP_LAPIC_H
#define DRIVERS_IRQCHIP_LAPIC_H

#include <kernel/types.h>

struct acpi_madt;

#define LAPIC_ID 0x020
#define LAPIC_VERSION 0x030
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ESR 0x280
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0

#define LAPIC_SVR_ENABLE (1u << 8)
#define LAPIC_LVT_MASKED (1u << 16)
#define LAPIC_LVT_NMI (4u << 8)          /* delivery mode NMI */
#define LAPIC_LVT_ACTIVE_LOW (1u << 13)
#define LAPIC_LVT_LEVEL (1u << 15)
#define LAPIC_TIMER_ONESHOT (0u << 17)
#define LAPIC_TIMER_PERIODIC (1u << 17)
#define LAPIC_TIMER_TSC_DEADLINE (2u << 17)
#define LAPIC_DIVIDE_1 0xb               /* divide configuration: by 1 */

/*
 * In x2APIC mode each register is an MSR: 0x800 + the xAPIC offset / 16
 * (SDM Vol. 3A, "x2APIC Register Address Space"). The ID is all 32 bits,
 * EOI and ESR take only 0, and the ICR is one 64-bit MSR (0x830; the
 * xAPIC ICR-high offset 0x310 has no MSR, and there is no busy bit). The
 * drivers here send no IPIs (one CPU), so they never touch the ICR.
 */
#define LAPIC_X2APIC_MSR_BASE 0x800u

static inline uint32_t lapic_x2apic_msr(unsigned reg)
{
	return LAPIC_X2APIC_MSR_BASE + (reg >> 4);
}

struct lapic_regs {
	uint32_t (*read)(void *ctx, unsigned reg);
	void (*write)(void *ctx, unsigned reg, uint32_t value);
	void *ctx;
	bool x2apic;           /* the ID register holds all 32 bits */
};

struct lapic {
	struct lapic_regs regs;
	uint32_t id;           /* this CPU's APIC id */
	uint8_t version;
	uint8_t max_lvt;       /* highest LVT entry index */
	uint8_t spurious_vector;
	uint32_t lvt_timer;    /* what was last written to LVT timer */
};

/*
 * lapic_init - take over this CPU's local APIC: software-enable it with
 * `spurious_vector` (its low 4 bits must be 1s on old APICs: use 0xff),
 * accept every priority (TPR 0), route the error LVT to `error_vector`,
 * clear the error status, mask the timer, and set LINT0/LINT1 as the
 * MADT's local NMI entries say (NMI, with their polarity) or masked
 * (LINT0 carries the 8259's ExtINT, unused with the I/O APIC).
 * `madt` may be NULL (both masked). Boot CPU, interrupts off.
 */
void lapic_init(struct lapic *l, const struct lapic_regs *regs, const struct acpi_madt *madt,
		uint8_t spurious_vector, uint8_t error_vector);

/* lapic_eoi - signal the end of the interrupt being serviced. */
void lapic_eoi(struct lapic *l);

/* lapic_timer_oneshot - interrupt on `vector` after `count` ticks of the
 * APIC timer (divide by 1); count 0 stops the timer. */
void lapic_timer_oneshot(struct lapic *l, uint8_t vector, uint32_t count);

/* lapic_timer_tsc_deadline - put the timer in TSC-deadline mode on
 * `vector`; the deadline itself is the IA32_TSC_DEADLINE MSR (the arch's). */
void lapic_timer_tsc_deadline(struct lapic *l, uint8_t vector);

/* lapic_timer_mask - mask or unmask the timer's LVT entry. */
void lapic_timer_mask(struct lapic *l, bool masked);

/* lapic_timer_current - the timer's current count. */
uint32_t lapic_timer_current(struct lapic *l);

/* lapic_lvt_mask - mask or unmask an LVT entry (LAPIC_LVT_*). */
void lapic_lvt_mask(struct lapic *l, unsigned reg, bool masked);

/* lapic_error_status - latch and read the error status register. */
uint32_t lapic_error_status(struct lapic *l);

#endif /* DRIVERS_IRQCHIP_LAPIC_H */
