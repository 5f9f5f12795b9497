// SPDX-License-Identifier: BSD-2-Clause
/*
 * Interrupts on AArch64: the interrupt mask (PSTATE.I through DAIF), the
 * idle wait, the IRQ entry, and the GICv3 CPU interface's system
 * registers for drivers/irqchip/gicv3.c.
 *
 * IRQ entry: vectors.S saves the frame and calls aarch64_trap (trap.c),
 * which hands an IRQ taken from EL1 to aarch64_irq: the GIC driver's
 * acknowledge (gic_ack) gives the INTID, irq_dispatch runs the handler
 * and completes it at the GIC (the chip's eoi). INTIDs 1020-1023 mean
 * nothing is pending any more (the interrupt went away, or another CPU
 * took it): counted as spurious, not dispatched. FIQs are not used (the
 * GIC signals everything as IRQ) and stay fatal.
 *
 * Context: aarch64_irq with interrupts disabled (the exception masked
 * them); the rest as arch.h says.
 */
#include <kernel/arch.h>
#include <kernel/irq.h>

#include <arch/aarch64.h>

#include <irqchip/gic.h>

#define DAIF_I (1u << 7)

static uint64_t spurious;

void aarch64_irq(void);
void aarch64_irq(void)
{
	unsigned intid = gic_ack();

	if (intid >= GIC_INTID_SPECIAL) {
		spurious++;
		return;
	}
	irq_dispatch(intid);
}

void arch_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" : : : "memory");
}

void arch_irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" : : : "memory");
}

bool arch_irq_enabled(void)
{
	return !(SYSREG_READ(daif) & DAIF_I);
}

void arch_idle_wait(void)
{
	/* WFI wakes on a pending interrupt even while PSTATE.I masks it, so
	 * waiting with the mask set loses nothing; then open the mask for one
	 * instruction to take it, and close it again. */
	__asm__ volatile("dsb sy\n\t"
			 "wfi\n\t"
			 "msr daifclr, #2\n\t"
			 "isb\n\t"
			 "msr daifset, #2"
			 : : : "memory");
}

/* ---- GICv3 CPU interface (ICC_*_EL1, by encoding: older assemblers lack
 * the names) ----------------------------------------------------------------- */

#define ICC_SRE_EL1 "S3_0_C12_C12_5"
#define ICC_PMR_EL1 "S3_0_C4_C6_0"
#define ICC_BPR1_EL1 "S3_0_C12_C12_3"
#define ICC_CTLR_EL1 "S3_0_C12_C12_4"
#define ICC_IGRPEN1_EL1 "S3_0_C12_C12_7"
#define ICC_IAR1_EL1 "S3_0_C12_C12_0"
#define ICC_EOIR1_EL1 "S3_0_C12_C12_1"

void gicv3_icc_init(void)
{
	uint64_t sre;

	__asm__ volatile("mrs %0, " ICC_SRE_EL1 : "=r"(sre));
	__asm__ volatile("msr " ICC_SRE_EL1 ", %0; isb" : : "r"(sre | 1) : "memory");
	__asm__ volatile("msr " ICC_PMR_EL1 ", %0" : : "r"(0xfful));
	__asm__ volatile("msr " ICC_BPR1_EL1 ", %0" : : "r"(0ul));
	__asm__ volatile("msr " ICC_CTLR_EL1 ", %0" : : "r"(0ul)); /* EOImode 0 */
	__asm__ volatile("msr " ICC_IGRPEN1_EL1 ", %0; isb" : : "r"(1ul) : "memory");
}

uint32_t gicv3_icc_ack(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, " ICC_IAR1_EL1 "; dsb sy" : "=r"(v) : : "memory");
	return (uint32_t)v;
}

void gicv3_icc_eoi(uint32_t intid)
{
	__asm__ volatile("msr " ICC_EOIR1_EL1 ", %0; isb" : : "r"((uint64_t)intid) : "memory");
}

uint64_t gicv3_cpu_affinity(void)
{
	uint64_t mpidr = SYSREG_READ(mpidr_el1);

	return (mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24;
}
