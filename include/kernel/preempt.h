/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The CPU's preemption state, inline for fast paths (one CPU for now: the
 * SMP work makes cpu_preempt per-CPU).
 *
 * preempt_disable() / preempt_enable() bracket a short section that must
 * not be switched away from: the thread keeps the CPU until the matching
 * enable (interrupts still arrive and run their handlers; a switch they
 * ask for waits for the enable, which performs it: preemption point P2 of
 * include/kernel/sched.h). They nest, cost a load and a store each, and
 * must not enclose a block, a sleep or a yield (the scheduler panics).
 * Any context; in an interrupt handler they are harmless no-ops in effect
 * (no switch happens inside one anyway).
 *
 * Without CONFIG_SCHED nothing switches threads and both are empty.
 */
#ifndef KERNEL_PREEMPT_H
#define KERNEL_PREEMPT_H

#include <kernel/types.h>

/* Order memory accesses of this CPU against its own interrupt handlers. */
#define compiler_barrier() __asm__ volatile("" ::: "memory")

struct cpu_preempt {
	unsigned off;      /* preempt_disable depth */
	bool need_resched; /* a switch is due at the next preemption point */
};

#if CONFIG_SCHED
extern struct cpu_preempt cpu_preempt;
void sched_preempt_check(void);

static __always_inline void preempt_disable(void)
{
	cpu_preempt.off++;
	compiler_barrier();
}

static __always_inline void preempt_enable(void)
{
	compiler_barrier();
	if (--cpu_preempt.off == 0 && unlikely(cpu_preempt.need_resched))
		sched_preempt_check();
}
#else
static __always_inline void preempt_disable(void)
{
}

static __always_inline void preempt_enable(void)
{
}
#endif

#endif /* KERNEL_PREEMPT_H */
