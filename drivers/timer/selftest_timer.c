// SPDX-License-Identifier: BSD-2-Clause
/*
 * Boot selftest (cairn.selftest=<name>) of the deadline timer, the same on
 * every arch (context switches: selftest_context.c):
 *
 *   irq-timer     the deadline timer's interrupt arrives through the
 *                 interrupt controller: a series of deadlines (one in the
 *                 past, then 50 us to 20 ms ahead) each fire exactly once,
 *                 never before the deadline (one resolution tick of
 *                 slack), and the timer line's count in irq_count grows by
 *                 the number of fires. How late each fire came is logged,
 *                 not judged: QEMU's timing is noisy.
 *
 * Context: run by selftest_run_requested after init, on the boot CPU, in
 * thread context with interrupts disabled.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/selftest.h>

#include "clockevent.h"

#if CONFIG_SELFTEST

#define EXPECT(cond)                                                           \
	do {                                                                   \
		if (!(cond)) {                                                 \
			LOG_ERR("selftest: %s:%d: %s is false", __FILE__,      \
				__LINE__, #cond);                              \
			return CAIRN_ERR_IO;                                   \
		}                                                              \
	} while (0)

#define WAIT_LIMIT_NS 5000000000ull /* a fire this late means it is lost */

/* ---- irq-timer ------------------------------------------------------------- */

static err_t wait_fire(const struct clockevent *ce, uint64_t fires_before, uint64_t deadline)
{
	while (ce->fires == fires_before) {
		if (arch_clock_ns() > deadline + WAIT_LIMIT_NS) {
			LOG_ERR("selftest: the timer never fired for deadline %llu ns (now %llu ns)",
				(unsigned long long)deadline, (unsigned long long)arch_clock_ns());
			return CAIRN_ERR_TIMEOUT;
		}
		arch_idle_wait();
	}
	return CAIRN_OK;
}

static err_t test_irq_timer(void)
{
	static const uint64_t ahead_us[] = { 50, 100, 500, 1000, 2000, 5000, 10000, 20000 };
	const struct clockevent *ce = clockevent_get();
	uint64_t res, count0, fires0, max_late = 0, sum_late = 0;
	unsigned n = 0;
	err_t err;

	EXPECT(ce != NULL);
	EXPECT(!arch_irq_enabled());
	res = arch_timer_resolution_ns();
	EXPECT(res > 0);
	count0 = irq_count(0, ce->line);
	fires0 = ce->fires;

	/* A deadline in the past fires as soon as possible. */
	arch_timer_set_deadline(arch_clock_ns() > 1000 ? arch_clock_ns() - 1000 : 0);
	err = wait_fire(ce, fires0, arch_clock_ns());
	if (err)
		return err;
	EXPECT(ce->fires == fires0 + 1);
	n++;

	for (size_t i = 0; i < ARRAY_SIZE(ahead_us); i++) {
		uint64_t before = ce->fires, deadline = arch_clock_ns() + ahead_us[i] * 1000, late;

		arch_timer_set_deadline(deadline);
		err = wait_fire(ce, before, deadline);
		if (err)
			return err;
		EXPECT(ce->fires == before + 1);
		EXPECT(ce->last_deadline_ns == deadline);
		/* Never early (one tick of slack for the ns <-> tick rounding). */
		if (ce->last_fire_ns + res < deadline) {
			LOG_ERR("selftest: the timer fired %llu ns before its deadline",
				(unsigned long long)(deadline - ce->last_fire_ns));
			return CAIRN_ERR_IO;
		}
		late = ce->last_fire_ns > deadline ? ce->last_fire_ns - deadline : 0;
		max_late = late > max_late ? late : max_late;
		sum_late += late;
		n++;
	}

	/* Disarming holds: nothing fires in the next 20 ms. */
	{
		uint64_t before = ce->fires, t = arch_clock_ns();

		arch_timer_set_deadline(t + 1000000);
		arch_timer_set_deadline(UINT64_MAX);
		arch_irq_enable();
		while (arch_clock_ns() < t + 20000000)
			arch_cpu_relax();
		arch_irq_disable();
		EXPECT(ce->fires == before);
	}

	EXPECT(irq_count(0, ce->line) >= count0 + n);
	LOG_INFO("selftest: irq-timer: %u deadlines fired through %s on line %u, none early; "
		 "late by %llu us on average, %llu us at most (resolution %llu ns); line count %llu",
		 n, ce->name, ce->line, (unsigned long long)(sum_late / (n - 1) / 1000),
		 (unsigned long long)(max_late / 1000), (unsigned long long)res,
		 (unsigned long long)irq_count(0, ce->line));
	return CAIRN_OK;
}
SELFTEST_EARLY("irq-timer", test_irq_timer, true);

#endif /* CONFIG_SELFTEST */
