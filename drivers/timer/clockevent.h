/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one-shot timer interrupt, the portable half.
 *
 * Each arch has one per-CPU deadline timer (x86_64: the local APIC timer
 * in TSC-deadline or one-shot mode; AArch64: the EL1 virtual timer). The
 * arch describes it with a struct clockevent - how to program the
 * hardware, the longest delta it can take, its resolution - and this file
 * does the rest: it remembers the deadline asked for, attaches the
 * interrupt line, and on each interrupt decides whether the deadline has
 * really come. Hardware that cannot reach a far deadline in one go (a
 * 32-bit APIC count) is programmed for the longest delta it can take and
 * re-armed from the interrupt until the deadline is reached; an early
 * interrupt never reaches the timer queue. When the deadline has come,
 * the hardware is disarmed and the kernel's timer queue runs
 * (timer_interrupt, include/kernel/timer.h), which arms the next
 * deadline if it has one.
 *
 * arch_timer_set_deadline() and arch_timer_resolution_ns() (arch.h) are
 * implemented by the arch as calls into clockevent_set_deadline() and
 * ce->resolution_ns.
 *
 * Context: clockevent_register at init on the boot CPU; the rest with
 * interrupts disabled. Statistics may be read from any context.
 */
#ifndef DRIVERS_TIMER_CLOCKEVENT_H
#define DRIVERS_TIMER_CLOCKEVENT_H

#include <kernel/irq.h>
#include <kernel/types.h>

struct clockevent {
	const char *name;        /* "tsc-deadline", "lapic-oneshot", "cntv" */
	/*
	 * program - make the hardware interrupt once arch_clock_ns() reaches
	 * `deadline_ns` (never earlier; as soon as possible if it is past);
	 * UINT64_MAX: disarm (and deassert a level-triggered output).
	 * Interrupts disabled.
	 */
	void (*program)(const struct clockevent *ce, uint64_t deadline_ns);
	uint64_t max_delta_ns;   /* the longest delta program() can take; 0: any */
	uint64_t resolution_ns;  /* one tick of the underlying counter, rounded up */
	void *priv;

	/* State, written with interrupts disabled on the one CPU. */
	unsigned line;           /* the interrupt line attached */
	uint64_t armed_ns;       /* the deadline asked for; UINT64_MAX: none */
	uint64_t fires;          /* interrupts that reached the timer queue */
	uint64_t rearms;         /* interrupts before the deadline (re-armed) */
	uint64_t last_deadline_ns, last_fire_ns; /* of the last fire */
	uint64_t max_late_ns;    /* the largest fire - deadline seen */
};

/*
 * clockevent_register - make `ce` the machine's deadline timer and attach
 * its interrupt on `line` with `trigger`. The hardware starts disarmed.
 * Errors: CAIRN_ERR_EXIST (one is registered), those of irq_attach.
 * Boot CPU, init.
 */
err_t clockevent_register(struct clockevent *ce, unsigned line, enum irq_trigger trigger);

/* clockevent_get - the registered timer, or NULL. Any context. */
const struct clockevent *clockevent_get(void);

/*
 * clockevent_set_deadline - arm the registered timer for `deadline_ns`
 * (UINT64_MAX: disarm), replacing any earlier deadline. Without a
 * registered timer this does nothing (early boot). Interrupts disabled.
 */
void clockevent_set_deadline(uint64_t deadline_ns);

/* clockevent_resolution_ns - the registered timer's resolution; 0 if none. */
uint64_t clockevent_resolution_ns(void);

#endif /* DRIVERS_TIMER_CLOCKEVENT_H */
