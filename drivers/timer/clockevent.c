// SPDX-License-Identifier: BSD-2-Clause
/*
 * The one-shot timer interrupt (see clockevent.h).
 *
 * Invariants:
 *   1. ce->armed_ns is the deadline the kernel asked for last, or
 *      UINT64_MAX once it has been delivered or cancelled.
 *   2. The hardware is armed for min(armed_ns, now + max_delta_ns) or
 *      disarmed when armed_ns is UINT64_MAX.
 *   3. timer_interrupt runs only from the interrupt, only once the
 *      clock has reached armed_ns (the timer is never early), and with the
 *      hardware disarmed, so the queue may arm the next deadline.
 */
#include "clockevent.h"

#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/log.h>
#include <kernel/timer.h>

static struct clockevent *the_ce;

static void program(struct clockevent *ce, uint64_t now)
{
	uint64_t at = ce->armed_ns;

	if (at != UINT64_MAX && ce->max_delta_ns && at > now && at - now > ce->max_delta_ns)
		at = now + ce->max_delta_ns;
	ce->program(ce, at);
}

static void clockevent_interrupt(unsigned line, void *ctx)
{
	struct clockevent *ce = ctx;
	uint64_t now = arch_clock_ns();

	(void)line;
	if (ce->armed_ns == UINT64_MAX) {
		ce->program(ce, UINT64_MAX); /* a stale interrupt: keep it quiet */
		return;
	}
	if (now < ce->armed_ns) {
		ce->rearms++; /* a far deadline's intermediate step */
		program(ce, now);
		return;
	}
	ce->fires++;
	ce->last_deadline_ns = ce->armed_ns;
	ce->last_fire_ns = now;
	if (now - ce->armed_ns > ce->max_late_ns)
		ce->max_late_ns = now - ce->armed_ns;
	ce->armed_ns = UINT64_MAX;
	ce->program(ce, UINT64_MAX); /* invariant 3 */
	timer_interrupt();
}

err_t clockevent_register(struct clockevent *ce, unsigned line, enum irq_trigger trigger)
{
	unsigned long flags;
	err_t err;

	if (the_ce)
		return CAIRN_ERR_EXIST;
	ce->line = line;
	ce->armed_ns = UINT64_MAX;
	ce->program(ce, UINT64_MAX);
	err = irq_attach(line, trigger, clockevent_interrupt, ce, ce->name);
	if (err)
		return err;
	flags = arch_irq_save();
	the_ce = ce;
	arch_irq_restore(flags);
	LOG_INFO("timer: %s on line %u, resolution %llu ns%s", ce->name, line,
		 (unsigned long long)ce->resolution_ns, ce->max_delta_ns ? " (re-armed for far deadlines)" : "");
	return CAIRN_OK;
}

const struct clockevent *clockevent_get(void)
{
	return the_ce;
}

void clockevent_set_deadline(uint64_t deadline_ns)
{
	struct clockevent *ce = the_ce;

	DEBUG_ASSERT(!arch_irq_enabled());
	if (!ce)
		return;
	ce->armed_ns = deadline_ns;
	program(ce, arch_clock_ns());
}

uint64_t clockevent_resolution_ns(void)
{
	return the_ce ? the_ce->resolution_ns : 0;
}
