// SPDX-License-Identifier: BSD-2-Clause
/*
 * The deadline timer on AArch64: the EL1 virtual timer of the generic
 * timer, comparing CNTVCT_EL0 (the counter arch_clock_ns reads) with
 * CNTV_CVAL_EL0. It raises a level-triggered PPI while CNTV_CTL_EL0 has
 * ENABLE set, IMASK clear and the counter has reached the compare value;
 * writing a new compare value or clearing ENABLE drops it.
 *
 * The interrupt comes from the device tree: the /timer node (compatible
 * "arm,armv8-timer" or "arm,armv7-timer") lists secure physical,
 * non-secure physical, virtual and hypervisor timer interrupts, in that
 * order; the third is ours (PPI 11, INTID 27, on QEMU virt). The init
 * step runs after the drivers bound (so the GIC is registered) and hands
 * the timer to drivers/timer/clockevent.c.
 *
 * A deadline in nanoseconds becomes a compare value relative to the
 * counter read now, rounded up, so it never fires before the deadline
 * (the clockevent layer re-arms if it ever did). The 64-bit compare
 * value reaches any deadline in one step. Resolution: one counter tick
 * (16 ns at QEMU's 62.5 MHz).
 */
#include <kernel/arch.h>
#include <kernel/dev.h>
#include <kernel/init.h>
#include <kernel/log.h>

#include <arch/aarch64.h>

#include <irqchip/gic.h>
#include <timer/clockevent.h>

#define CNTV_CTL_ENABLE (1u << 0)
#define CNTV_CTL_IMASK (1u << 1)
#define TIMER_VIRT_INDEX 2

static uint64_t ticks_per_ns32; /* ticks = ns * ticks_per_ns32 >> 32, rounded up */

static void program_cntv(const struct clockevent *ce, uint64_t deadline_ns)
{
	uint64_t now_ns, now, ticks, cval;

	(void)ce;
	if (deadline_ns == UINT64_MAX) {
		SYSREG_WRITE(cntv_ctl_el0, 0);
		isb();
		return;
	}
	/* The clock first, then the counter: the compare value can only come
	 * out late (by the ticks between the two reads), never early. */
	now_ns = arch_clock_ns();
	now = arch_cycles();
	ticks = deadline_ns > now_ns ?
		(uint64_t)(((unsigned __int128)(deadline_ns - now_ns) * ticks_per_ns32 + 0xffffffffu) >> 32) :
		0;
	cval = now + ticks < now ? UINT64_MAX : now + ticks;
	SYSREG_WRITE(cntv_cval_el0, cval);
	SYSREG_WRITE(cntv_ctl_el0, CNTV_CTL_ENABLE);
	isb();
}

static struct clockevent cntv = {
	.name = "cntv",
	.program = program_cntv,
};

static err_t aarch64_timer_init(void)
{
	struct dev_tree *tree = dev_tree_kernel();
	struct dev_node *node = dev_tree_find_compatible(tree, NULL, "arm,armv8-timer");
	uint64_t hz = SYSREG_READ(cntfrq_el0) & 0xffffffffu;
	enum irq_trigger trigger;
	unsigned intid;
	err_t err;

	if (!node)
		node = dev_tree_find_compatible(tree, NULL, "arm,armv7-timer");
	if (!node) {
		LOG_ERR("timer: the device tree has no arm,armv8-timer node");
		return CAIRN_ERR_NOENT;
	}
	if (node->nirq <= TIMER_VIRT_INDEX) {
		LOG_ERR("timer: the timer node lists %u interrupts; the virtual timer is the third",
			node->nirq);
		return CAIRN_ERR_NOENT;
	}
	err = gic_dt_intid(&node->irq[TIMER_VIRT_INDEX], &intid, &trigger);
	if (err) {
		LOG_ERR("timer: the virtual timer's interrupt specifier is not a GIC PPI");
		return err;
	}
	if (hz == 0)
		return CAIRN_ERR_NOTSUP;
	ticks_per_ns32 = (uint64_t)(((unsigned __int128)hz << 32) / 1000000000u);
	cntv.resolution_ns = (1000000000u + hz - 1) / hz;
	return clockevent_register(&cntv, intid, trigger);
}
INIT_STEP(aarch64_timer_init, INIT_LEVEL_DRIVERS, 10);

void arch_timer_set_deadline(uint64_t deadline_ns)
{
	clockevent_set_deadline(deadline_ns);
}

uint64_t arch_timer_resolution_ns(void)
{
	return clockevent_resolution_ns();
}
