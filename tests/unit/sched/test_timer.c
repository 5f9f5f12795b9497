// SPDX-License-Identifier: BSD-2-Clause
/*
 * The timer queue (src/sched/timer.c) on virtual time, without threads:
 * the test's context burns virtual CPU time (hosted_cpu_burn) and the
 * timer interrupt arrives at its exact instants. Proves the granularity
 * rule (never early, at most one tick late), tickless programming, O(1)
 * cancel, cascades from far levels, the bounded work of a 10,000-timer
 * burst, and - as a property test against a reference model with a
 * printed seed - that random arm/cancel/advance sequences fire exactly the
 * timers that should fire, each once, keeping invariants T1-T5.
 */
#include <string.h>

#include "cairn_test.h"

#include <kernel/arch.h>
#include <kernel/timer.h>

#define MS 1000000ull

static uint64_t tick_up(uint64_t ns)
{
	return (ns + TIMER_TICK_NS - 1) / TIMER_TICK_NS * TIMER_TICK_NS;
}

struct probe {
	struct timer t;
	uint64_t fired_at;
	unsigned fired;
	uint64_t order;
};

static uint64_t fire_seq;

static void probe_fired(struct timer *t, void *ctx)
{
	struct probe *p = ctx;

	(void)t;
	p->fired++;
	p->fired_at = arch_clock_ns();
	p->order = fire_seq++;
}

static int setup(void **state)
{
	(void)state;
	timer_subsys_init();
	return 0;
}

static int teardown(void **state)
{
	struct timer_stats st;

	(void)state;
	timer_stats_get(&st);
	return st.pending == 0 && timer_check() == CAIRN_OK ? 0 : -1;
}

static void test_timer_fires_at_the_first_tick_at_or_after_its_instant(void **state)
{
	uint64_t offsets[] = { 1, TIMER_TICK_NS - 1, TIMER_TICK_NS, TIMER_TICK_NS + 1,
			       5 * MS + 17, 64 * TIMER_TICK_NS, 4096 * TIMER_TICK_NS + 3 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(offsets); i++) {
		struct probe p = { 0 };
		uint64_t at = arch_clock_ns() + offsets[i];

		timer_init(&p.t, "probe", probe_fired, &p);
		assert_int_equal(timer_arm(&p.t, at), CAIRN_OK);
		assert_true(timer_pending(&p.t));
		hosted_cpu_burn(offsets[i] + 2 * TIMER_TICK_NS);
		assert_int_equal(p.fired, 1);
		assert_true(p.fired_at >= at);
		assert_int_equal(p.fired_at, tick_up(at));
		assert_false(timer_pending(&p.t));
	}
}

static void test_timer_programs_the_hardware_only_for_the_earliest_work(void **state)
{
	struct probe a = { 0 }, b = { 0 };
	uint64_t now = arch_clock_ns();

	(void)state;
	assert_int_equal(hosted_timer_deadline(), TIMER_NEVER); /* tickless: nothing armed */
	timer_init(&a.t, "a", probe_fired, &a);
	timer_init(&b.t, "b", probe_fired, &b);
	assert_int_equal(timer_arm(&a.t, now + 5 * MS), CAIRN_OK);
	assert_int_equal(timer_arm(&b.t, now + 2 * MS + 1), CAIRN_OK);
	assert_int_equal(hosted_timer_deadline(), tick_up(now + 2 * MS + 1));
	assert_int_equal(timer_next_ns(), hosted_timer_deadline());
	hosted_cpu_burn(3 * MS);
	assert_int_equal(b.fired, 1);
	assert_int_equal(a.fired, 0);
	assert_int_equal(hosted_timer_deadline(), tick_up(now + 5 * MS));
	assert_true(timer_cancel(&a.t));
	hosted_cpu_burn(5 * MS); /* one spurious interrupt at most, then nothing */
	assert_int_equal(a.fired, 0);
	assert_int_equal(hosted_timer_deadline(), TIMER_NEVER);
}

static void test_timer_cancel_stops_the_callback_and_is_idempotent(void **state)
{
	struct probe p = { 0 };

	(void)state;
	timer_init(&p.t, "c", probe_fired, &p);
	assert_false(timer_cancel(&p.t));
	assert_int_equal(timer_arm(&p.t, arch_clock_ns() + MS), CAIRN_OK);
	assert_true(timer_cancel(&p.t));
	assert_false(timer_cancel(&p.t));
	/* Re-arming a pending timer moves it. */
	assert_int_equal(timer_arm(&p.t, arch_clock_ns() + MS), CAIRN_OK);
	assert_int_equal(timer_arm(&p.t, arch_clock_ns() + 3 * MS), CAIRN_OK);
	hosted_cpu_burn(2 * MS);
	assert_int_equal(p.fired, 0);
	hosted_cpu_burn(2 * MS);
	assert_int_equal(p.fired, 1);
	assert_int_equal(timer_arm(&p.t, TIMER_NEVER), CAIRN_ERR_INVAL);
	timer_init(&p.t, "nofn", NULL, NULL);
	assert_int_equal(timer_arm(&p.t, arch_clock_ns() + 1), CAIRN_ERR_INVAL);
}

struct periodic {
	struct timer t;
	uint64_t next, period;
	int left;
	uint64_t late_max;
};

static void periodic_fired(struct timer *t, void *ctx)
{
	struct periodic *p = ctx;
	uint64_t late = arch_clock_ns() - p->next;

	p->late_max = MAX(p->late_max, late);
	if (--p->left > 0) {
		p->next += p->period;
		assert_int_equal(timer_arm(t, p->next), CAIRN_OK); /* from its own callback */
	}
}

static void test_timer_rearmed_from_its_callback_runs_periodically_without_drift(void **state)
{
	struct periodic p = { .period = 3 * MS + 7, .left = 100 };

	(void)state;
	p.next = arch_clock_ns() + p.period;
	timer_init(&p.t, "periodic", periodic_fired, &p);
	assert_int_equal(timer_arm(&p.t, p.next), CAIRN_OK);
	hosted_cpu_burn(101 * p.period);
	assert_int_equal(p.left, 0);
	assert_true(p.late_max < TIMER_TICK_NS);
}

static void test_timer_far_future_expiries_cascade_down_and_fire_on_time(void **state)
{
	static const uint64_t far[] = {
		86400ull * 1000 * MS,            /* a day */
		365ull * 86400 * 1000 * MS,      /* a year */
		(1ull << 62),                    /* 146 years */
	};
	struct probe p[ARRAY_SIZE(far)];
	struct timer_stats before, after;
	uint64_t base = arch_clock_ns();

	(void)state;
	timer_stats_get(&before);
	for (size_t i = 0; i < ARRAY_SIZE(far); i++) {
		memset(&p[i], 0, sizeof(p[i]));
		timer_init(&p[i].t, "far", probe_fired, &p[i]);
		assert_int_equal(timer_arm(&p[i].t, base + far[i]), CAIRN_OK);
		assert_true(p[i].t.level >= 4);
	}
	assert_int_equal(timer_check(), CAIRN_OK);
	hosted_cpu_burn(far[ARRAY_SIZE(far) - 1] + MS);
	timer_stats_get(&after);
	for (size_t i = 0; i < ARRAY_SIZE(far); i++) {
		assert_int_equal(p[i].fired, 1);
		assert_int_equal(p[i].fired_at, tick_up(base + far[i]));
	}
	/* Tickless: each timer cost at most one interrupt per level. */
	assert_true(after.interrupts - before.interrupts <= ARRAY_SIZE(far) * TIMER_LEVELS);
	assert_true(after.cascaded > before.cascaded);
}

static void test_ten_thousand_timers_at_one_instant_take_bounded_work_per_interrupt(void **state)
{
	enum { N = 10000 };
	struct probe *p = calloc(N, sizeof(*p));
	struct timer_stats before, after;
	uint64_t at = arch_clock_ns() + 1000 * MS + 12345, last = 0;
	uint64_t bound_ticks = 2 * (N / TIMER_BUDGET + 1);

	(void)state;
	assert_non_null(p);
	timer_stats_get(&before);
	for (int i = 0; i < N; i++) {
		timer_init(&p[i].t, "burst", probe_fired, &p[i]);
		assert_int_equal(timer_arm(&p[i].t, at), CAIRN_OK);
	}
	assert_int_equal(timer_check(), CAIRN_OK);
	hosted_cpu_burn(1000 * MS + 12345 + (bound_ticks + 1) * TIMER_TICK_NS);
	timer_stats_get(&after);
	for (int i = 0; i < N; i++) {
		assert_int_equal(p[i].fired, 1);
		assert_true(p[i].fired_at >= at);
		last = MAX(last, p[i].fired_at);
	}
	printf("[ INFO     ] burst of %d: %llu interrupts, %llu carried, max work %llu "
	       "(budget %u), last fired %llu ticks after the instant\n", N,
	       (unsigned long long)(after.interrupts - before.interrupts),
	       (unsigned long long)(after.carried - before.carried),
	       (unsigned long long)after.max_work, TIMER_BUDGET,
	       (unsigned long long)((last - tick_up(at)) / TIMER_TICK_NS));
	assert_true(after.max_work <= TIMER_BUDGET);
	assert_true(after.carried - before.carried >= N / TIMER_BUDGET);
	assert_true(last - tick_up(at) <= bound_ticks * TIMER_TICK_NS);
	free(p);
}

/* ---- property test ------------------------------------------------------------- */

enum { PT = 100, STEPS = 4000 };

struct model {
	bool armed;
	uint64_t at;
};

static void test_timer_random_arm_cancel_and_advance_match_a_reference_model(void **state)
{
	unsigned long seed = cairn_test_seed("timer-property");
	static struct probe p[PT];
	static struct model m[PT];

	(void)state;
	srand((unsigned)seed);
	memset(p, 0, sizeof(p));
	memset(m, 0, sizeof(m));
	for (int i = 0; i < PT; i++)
		timer_init(&p[i].t, "prop", probe_fired, &p[i]);
	for (int step = 0; step < STEPS; step++) {
		int i = rand() % PT, op = rand() % 10;
		uint64_t now = arch_clock_ns();

		if (op < 5) {
			/* Arm within 0..~2^(6k) ticks, k random: exercises every level. */
			uint64_t span = TIMER_TICK_NS << (6 * (rand() % 4));
			uint64_t at = now + (uint64_t)rand() % span;

			assert_int_equal(timer_arm(&p[i].t, at), CAIRN_OK);
			m[i] = (struct model){ true, at };
			p[i].fired = 0;
		} else if (op < 7) {
			assert_int_equal(timer_cancel(&p[i].t), m[i].armed);
			m[i].armed = false;
		} else {
			uint64_t dt = (uint64_t)rand() % (50 * TIMER_TICK_NS);

			hosted_cpu_burn(dt);
			now = arch_clock_ns();
			for (int k = 0; k < PT; k++) {
				if (!m[k].armed)
					continue;
				if (tick_up(m[k].at) <= now) {
					/* Due by now: fired exactly once, on its tick. */
					if (p[k].fired != 1 || p[k].fired_at != tick_up(m[k].at))
						fail_msg("seed %lu step %d: timer %d (at %llu) fired %u "
							 "times, at %llu", seed, step, k,
							 (unsigned long long)m[k].at, p[k].fired,
							 (unsigned long long)p[k].fired_at);
					m[k].armed = false;
				} else if (p[k].fired) {
					fail_msg("seed %lu step %d: timer %d fired early", seed, step,
						 k);
				}
			}
		}
		if (timer_check() != CAIRN_OK)
			fail_msg("seed %lu step %d: wheel invariants broken", seed, step);
	}
	for (int i = 0; i < PT; i++)
		timer_cancel(&p[i].t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_timer_fires_at_the_first_tick_at_or_after_its_instant, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_timer_programs_the_hardware_only_for_the_earliest_work, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_timer_cancel_stops_the_callback_and_is_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_timer_rearmed_from_its_callback_runs_periodically_without_drift, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_timer_far_future_expiries_cascade_down_and_fire_on_time, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_ten_thousand_timers_at_one_instant_take_bounded_work_per_interrupt,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_timer_random_arm_cancel_and_advance_match_a_reference_model, setup,
			teardown),
	};

	cairn_test_setup();
	hosted_irq_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
