// SPDX-License-Identifier: BSD-2-Clause
/*
 * Boot selftests of the scheduler on real hardware (cairn.selftest=<name>),
 * for targets with CONFIG_SCHED: what the hosted suites cannot show,
 * because there the timer is virtual and nothing preempts anything.
 *
 *   sched-preempt  two threads spin in busy loops that never block or
 *                  yield; the boot thread sleeps 50 ms meanwhile. Only the
 *                  timer interrupt can take the CPU from a spinning thread,
 *                  so: the sleeper wakes (never before its deadline), both
 *                  spinners made progress, the scheduler counted
 *                  preemptions of them, and the timer line's interrupt
 *                  count grew.
 *   sched-sleep    thread_sleep_until for deadlines 100 us to 20 ms ahead
 *                  on an otherwise idle machine: never before the deadline;
 *                  how late is logged against the timer queue's tick
 *                  (TIMER_TICK_NS) and the hardware's resolution. A wake-up
 *                  later than 1 s counts as lost (a generous bound: QEMU's
 *                  timing is noisy, the documented granularity is one tick
 *                  plus interrupt latency).
 *
 * Context: run by selftest_run_requested in the boot thread, after the
 * scheduler started.
 */
#include <kernel/arch.h>
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/sched.h>
#include <kernel/selftest.h>
#include <kernel/thread.h>

#include "clockevent.h"

#if CONFIG_SELFTEST && CONFIG_SCHED

#define EXPECT(cond)                                                           \
	do {                                                                   \
		if (!(cond)) {                                                 \
			LOG_ERR("selftest: %s:%d: %s is false", __FILE__,      \
				__LINE__, #cond);                              \
			return CAIRN_ERR_IO;                                   \
		}                                                              \
	} while (0)

#define LOST_NS 1000000000ull

static volatile bool stop;
static volatile uint64_t spins[2];

static int spinner(void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;

	while (!stop)
		spins[i]++;
	return 7;
}

static err_t sched_preempt(void)
{
	const struct clockevent *ce = clockevent_get();
	struct thread_attr attr = { .name = "spinner", .cls = SCHED_CLASS_NORMAL };
	struct thread *t[2] = { NULL, NULL };
	uint64_t count0, deadline, woke, late;
	int status;
	err_t err;

	EXPECT(ce != NULL && sched_running());
	count0 = irq_count(0, ce->line);
	stop = false;
	for (unsigned i = 0; i < 2; i++) {
		err = thread_spawn(&attr, spinner, (void *)(uintptr_t)i, &t[i]);
		if (err)
			return err;
	}
	deadline = arch_clock_ns() + 50000000ull;
	err = thread_sleep_until(deadline);
	woke = arch_clock_ns();
	if (err)
		return err;
	EXPECT(woke >= deadline);
	late = woke - deadline;
	EXPECT(late < LOST_NS);
	/* Let the band's round robin give each spinner slices of its own. */
	deadline = arch_clock_ns() + 50000000ull;
	err = thread_sleep_until(deadline);
	if (err)
		return err;
	stop = true;
	for (unsigned i = 0; i < 2; i++) {
		EXPECT(thread_join(t[i], arch_clock_ns() + 5 * LOST_NS, &status) == CAIRN_OK);
		EXPECT(status == 7);
	}
	EXPECT(spins[0] > 0 && spins[1] > 0);
	EXPECT(t[0]->preempted + t[1]->preempted > 0);
	EXPECT(irq_count(0, ce->line) > count0);
	LOG_INFO("selftest: sched-preempt: two busy loops preempted %llu and %llu times "
		 "(%llu and %llu spins), the sleeper woke %llu us after its deadline; "
		 "timer line %u: %llu interrupts",
		 (unsigned long long)t[0]->preempted, (unsigned long long)t[1]->preempted,
		 (unsigned long long)spins[0], (unsigned long long)spins[1],
		 (unsigned long long)(late / 1000), ce->line, (unsigned long long)(irq_count(0, ce->line) - count0));
	thread_release(t[0]);
	thread_release(t[1]);
	return CAIRN_OK;
}
SELFTEST("sched-preempt", sched_preempt, true);

static err_t sched_sleep(void)
{
	static const uint64_t ahead_us[] = { 100, 250, 1000, 3000, 10000, 20000 };
	uint64_t max_late = 0, sum_late = 0;

	EXPECT(sched_running());
	for (size_t i = 0; i < ARRAY_SIZE(ahead_us); i++) {
		uint64_t deadline = arch_clock_ns() + ahead_us[i] * 1000, woke, late;
		err_t err = thread_sleep_until(deadline);

		woke = arch_clock_ns();
		if (err)
			return err;
		if (woke < deadline) {
			LOG_ERR("selftest: sched-sleep: woke %llu ns before the deadline",
				(unsigned long long)(deadline - woke));
			return CAIRN_ERR_IO;
		}
		late = woke - deadline;
		EXPECT(late < LOST_NS);
		max_late = late > max_late ? late : max_late;
		sum_late += late;
	}
	LOG_INFO("selftest: sched-sleep: %zu sleeps, none early; late by %llu us on average, "
		 "%llu us at most (timer tick %llu us, hardware resolution %llu ns)",
		 ARRAY_SIZE(ahead_us), (unsigned long long)(sum_late / ARRAY_SIZE(ahead_us) / 1000),
		 (unsigned long long)(max_late / 1000), (unsigned long long)(TIMER_TICK_NS / 1000),
		 (unsigned long long)arch_timer_resolution_ns());
	return CAIRN_OK;
}
SELFTEST("sched-sleep", sched_sleep, true);

#endif /* CONFIG_SELFTEST && CONFIG_SCHED */
