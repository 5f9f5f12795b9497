// SPDX-License-Identifier: BSD-2-Clause
/*
 * The one-shot timer of the hosted shim, on virtual time.
 *
 * arch_timer_set_deadline only records the deadline; the "interrupt" is
 * raised when virtual time reaches it, and virtual time moves only when
 * something moves it: hosted_cpu_burn (the running thread computes),
 * arch_idle_wait (nothing to run: jump to the deadline), or a test's
 * hosted_clock_set/advance (which move the clock without delivering
 * anything; the next delivery point then finds the deadline passed).
 * Resolution: 1 ns, so a hosted test sees exactly the timer queue's own
 * granularity (TIMER_TICK_NS) and nothing of the host.
 *
 * The timer's line is HOSTED_IRQ_TIMER on the hosted-pic, attached by
 * hosted_irq_setup() on the first deadline (the "driver probe").
 */
#include <kernel/arch.h>
#include <kernel/timer.h>

#include "hosted.h"

uint64_t hosted_deadline_ns = TIMER_NEVER;
static uint64_t deadlines_set;

void arch_timer_set_deadline(uint64_t deadline_ns)
{
	hosted_irq_setup();
	hosted_deadline_ns = deadline_ns;
	deadlines_set++;
}

uint64_t arch_timer_resolution_ns(void)
{
	return 1;
}

uint64_t hosted_timer_deadline(void)
{
	return hosted_deadline_ns;
}

uint64_t hosted_timer_deadlines_set(void)
{
	return deadlines_set;
}

bool hosted_timer_take_due(void)
{
	if (hosted_deadline_ns == TIMER_NEVER || hosted_deadline_ns > arch_clock_ns())
		return false;
	hosted_deadline_ns = TIMER_NEVER; /* one shot */
	return true;
}

void hosted_cpu_burn(uint64_t ns)
{
	uint64_t left = ns;

	while (left) {
		uint64_t now = arch_clock_ns();
		uint64_t step = left;

		/* Stop at the deadline if it falls inside (interrupts on); one
		 * still pending after a delivery (its line masked) is skipped. */
		if (arch_irq_enabled() && hosted_deadline_ns != TIMER_NEVER && hosted_deadline_ns < now + left &&
		    !(hosted_deadline_ns <= now && hosted_irq_masked(HOSTED_IRQ_TIMER)))
			step = hosted_deadline_ns > now ? hosted_deadline_ns - now : 0;
		hosted_clock_set(now + step);
		left -= step;
		if (arch_irq_enabled()) {
			unsigned long tok = arch_irq_save();

			arch_irq_restore(tok); /* delivers what is due; may switch */
		}
	}
}
