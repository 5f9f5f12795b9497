// SPDX-License-Identifier: BSD-2-Clause
/*
 * Threads and the scheduler on the hosted shim, in virtual time.
 *
 * The test's own context is the thread "main" (normal band). Threads run
 * real code on real guarded stacks; "computing" is hosted_cpu_burn, which
 * advances virtual time and takes timer interrupts at their exact instants,
 * so preemption, slices, sleeps and EDF releases happen at deterministic
 * points and the claims of docs/scheduling.md are proven from the trace:
 *   - N equal threads get equal CPU time within one time slice;
 *   - a waking high-band thread runs within one timer granularity;
 *   - admitted EDF threads meet every deadline, and admission refuses
 *     what cannot be met.
 */
#include <fenv.h>
#include <string.h>

#include "cairn_test.h"
#include "sched_fixture.h"

#include <cairn/thread.h>
#include <kernel/arch.h>
#include <kernel/irq.h>
#include <kernel/mm/user.h>
#include <kernel/mm/vm.h>
#include <kernel/waitq.h>

#define MS 1000000ull
#define US 1000ull
#define SLICE ((uint64_t)CONFIG_SCHED_TIME_SLICE_US * US)

static int group_setup(void **state)
{
	(void)state;
	return sched_fix_start();
}

static int teardown(void **state)
{
	(void)state;
	return sched_fix_quiet() ? 0 : -1;
}

/* ---- spawn, exit, join ------------------------------------------------------ */

static int return_arg(void *arg)
{
	return (int)(intptr_t)arg;
}

static void nested_exit(int code)
{
	thread_exit(code);
}

static int exit_from_nested_call(void *arg)
{
	(void)arg;
	nested_exit(77);
	return 0;
}

static void test_thread_spawn_then_join_returns_the_exit_status(void **state)
{
	struct thread_attr a = sched_fix_attr("ret", SCHED_CLASS_NORMAL, 0);
	struct thread *t, *u;
	int status = 0;

	(void)state;
	assert_int_equal(thread_spawn(&a, return_arg, (void *)(intptr_t)42, &t), CAIRN_OK);
	assert_string_equal(t->name, "ret");
	assert_int_equal(t->state, THREAD_READY);
	assert_int_equal(thread_join(t, TIMER_NEVER, &status), CAIRN_OK);
	assert_int_equal(status, 42);
	assert_int_equal(t->state, THREAD_ZOMBIE);
	assert_int_equal(thread_spawn(&a, exit_from_nested_call, NULL, &u), CAIRN_OK);
	assert_int_equal(thread_join(u, TIMER_NEVER, &status), CAIRN_OK);
	assert_int_equal(status, 77);
	/* Joining an exited thread again gives the status again. */
	assert_int_equal(thread_join(t, TIMER_NEVER, &status), CAIRN_OK);
	assert_int_equal(status, 42);
	thread_release(t);
	thread_release(u);
}

static int sleep_forever(void *arg)
{
	(void)arg;
	return thread_sleep_until(TIMER_NEVER) == CAIRN_ERR_CANCELED ? 5 : -1;
}

static void test_thread_join_times_out_refuses_itself_and_a_cancel_ends_a_sleep(void **state)
{
	struct thread_attr a = sched_fix_attr("sleeper", SCHED_CLASS_NORMAL, 0);
	struct thread *t;
	uint64_t t0 = arch_clock_ns();
	int status = 0;

	(void)state;
	assert_int_equal(thread_join(thread_current(), TIMER_NEVER, &status),
			 CAIRN_ERR_DEADLOCK);
	assert_int_equal(thread_spawn(&a, sleep_forever, NULL, &t), CAIRN_OK);
	assert_int_equal(thread_join(t, t0 + 3 * MS, &status), CAIRN_ERR_TIMEOUT);
	assert_true(arch_clock_ns() >= t0 + 3 * MS);
	assert_true(arch_clock_ns() < t0 + 3 * MS + TIMER_TICK_NS);
	assert_int_equal(t->state, THREAD_BLOCKED);
	assert_int_equal(t->block, THREAD_BLOCK_SLEEP);
	assert_true(thread_wait_cancel(t));
	assert_false(thread_wait_cancel(t)); /* the wait already ended */
	assert_int_equal(thread_join(t, TIMER_NEVER, &status), CAIRN_OK);
	assert_int_equal(status, 5);
	thread_release(t);
}

static void test_thread_spawn_refuses_bad_attributes(void **state)
{
	struct thread_attr a = sched_fix_attr("bad", SCHED_CLASS_EDF, 0);
	struct thread *t;

	(void)state;
	assert_int_equal(thread_spawn(&a, return_arg, NULL, &t), CAIRN_ERR_INVAL);
	a.cls = SCHED_CLASS_IDLE;
	assert_int_equal(thread_spawn(&a, return_arg, NULL, &t), CAIRN_ERR_INVAL);
	a.cls = SCHED_CLASS_NORMAL;
	assert_int_equal(thread_spawn(&a, NULL, NULL, &t), CAIRN_ERR_INVAL);
	a.stack_size = THREAD_STACK_MAX + 1;
	assert_int_equal(thread_spawn(&a, return_arg, NULL, &t), CAIRN_ERR_INVAL);
	a.stack_size = 0;
	a.period_ns = 10 * MS; /* a period without a budget */
	assert_int_equal(thread_spawn(&a, return_arg, NULL, &t), CAIRN_ERR_INVAL);
	a.flags = 1u << 7;
	a.period_ns = 0;
	assert_int_equal(thread_spawn(&a, return_arg, NULL, &t), CAIRN_ERR_INVAL);
}

/* ---- sleep ------------------------------------------------------------------ */

static uint64_t woke_at[8];

static int sleep_then_note(void *arg)
{
	uint64_t deadline = (uint64_t)(uintptr_t)arg;

	assert_int_equal(thread_sleep_until(deadline), CAIRN_OK);
	woke_at[0] = arch_clock_ns();
	return 0;
}

static void test_thread_sleep_wakes_at_the_first_tick_at_or_after_the_deadline(void **state)
{
	struct thread_attr a = sched_fix_attr("nap", SCHED_CLASS_NORMAL, 0);
	uint64_t base = arch_clock_ns();
	uint64_t offsets[] = { 1, TIMER_TICK_NS, TIMER_TICK_NS + 1, 7 * MS + 123, 3 * 1000 * MS + 9 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(offsets); i++) {
		uint64_t deadline = base + 10 * MS * (i + 1) + offsets[i];
		uint64_t tick_up = (deadline + TIMER_TICK_NS - 1) / TIMER_TICK_NS * TIMER_TICK_NS;
		struct thread *t;

		assert_int_equal(thread_spawn(&a, sleep_then_note, (void *)(uintptr_t)deadline, &t),
				 CAIRN_OK);
		assert_int_equal(thread_join(t, TIMER_NEVER, NULL), CAIRN_OK);
		thread_release(t);
		assert_true(woke_at[0] >= deadline);                 /* never early */
		assert_int_equal(woke_at[0], tick_up);              /* exactly the tick */
		assert_true(woke_at[0] - deadline < TIMER_TICK_NS); /* within one tick */
		base = arch_clock_ns();
	}
	assert_int_equal(thread_sleep_until(arch_clock_ns() - 1), CAIRN_OK); /* past: at once */
}

/* ---- names, states, stacks, FP ---------------------------------------------- */

static void test_thread_stack_lies_above_a_guard_in_the_stacks_region(void **state)
{
	struct thread_attr a = sched_fix_attr("guarded", SCHED_CLASS_NORMAL, KiB(32));
	struct vm_mapping *m, *found;
	struct thread *t;
	char where[128];
	bool guard;

	(void)state;
	assert_int_equal(thread_spawn(&a, return_arg, NULL, &t), CAIRN_OK);
	m = t->stack_mapping;
	assert_non_null(m);
	assert_int_equal(m->region, VM_REGION_STACKS);
	assert_true(m->guard >= VM_STACK_GUARD);
	assert_true(t->sp > m->va && t->sp < m->va + m->size);
	found = vm_mapping_find(vm_kernel, m->va - 1, &guard);
	assert_ptr_equal(found, m);
	assert_true(guard);
	assert_non_null(strstr(vm_address_describe(m->va - 8, where, sizeof(where)), "guarded"));
	assert_int_equal(thread_join(t, TIMER_NEVER, NULL), CAIRN_OK);
	thread_release(t);
}

static struct waitq pingq;
static int fp_seen[2];

/* Each thread sets its own rounding mode, then they take turns. */
static int fp_thread(void *arg)
{
	int mode = (int)(intptr_t)arg, idx = mode == FE_UPWARD ? 0 : 1;

	fesetround(mode);
	for (int i = 0; i < 50; i++) {
		thread_yield();
		if (fegetround() != mode)
			return -1;
	}
	fp_seen[idx] = fegetround();
	return 0;
}

static void test_each_fp_thread_keeps_its_own_fp_state_across_switches(void **state)
{
	struct thread_attr a = sched_fix_attr("fp", SCHED_CLASS_NORMAL, 0);
	struct thread *up, *down;
	int s1 = 1, s2 = 1;

	(void)state;
	a.flags = THREAD_F_FPU;
	assert_int_equal(thread_spawn(&a, fp_thread, (void *)(intptr_t)FE_UPWARD, &up), CAIRN_OK);
	assert_int_equal(thread_spawn(&a, fp_thread, (void *)(intptr_t)FE_DOWNWARD, &down),
			 CAIRN_OK);
	assert_non_null(up->fpu);
	assert_true(IS_ALIGNED((uintptr_t)up->fpu, (uintptr_t)64));
	assert_int_equal(thread_join(up, TIMER_NEVER, &s1), CAIRN_OK);
	assert_int_equal(thread_join(down, TIMER_NEVER, &s2), CAIRN_OK);
	assert_int_equal(s1, 0);
	assert_int_equal(s2, 0);
	assert_int_equal(fp_seen[0], FE_UPWARD);
	assert_int_equal(fp_seen[1], FE_DOWNWARD);
	assert_int_equal(fegetround(), FE_TONEAREST); /* main has no FP area: untouched */
	thread_release(up);
	thread_release(down);
}


static int wait_on_pingq(void *arg)
{
	unsigned long tok = arch_irq_save();
	err_t err = waitq_wait_locked(&pingq, TIMER_NEVER);

	(void)arg;
	arch_irq_restore(tok);
	return err;
}

static void test_thread_dump_and_trace_dump_name_threads_states_and_events(void **state)
{
	struct thread_attr a = sched_fix_attr("dumpee", SCHED_CLASS_HIGH, 0);
	uint64_t cursor = trace_next_seq();
	struct trace_event ev[64];
	char line[160];
	struct thread *t;
	size_t n;

	(void)state;
	waitq_init(&pingq, "pingq");
	assert_int_equal(thread_spawn(&a, wait_on_pingq, NULL, &t), CAIRN_OK);
	/* It is high band: it ran at once and now waits on pingq. */
	assert_int_equal(t->state, THREAD_BLOCKED);
	assert_int_equal(pingq.depth, 1);
	const char *dump;

	sched_fix_capture_start();
	thread_dump();
	dump = sched_fix_capture_stop();
	assert_non_null(strstr(dump, "dumpee"));
	assert_non_null(strstr(dump, "blocked"));
	assert_non_null(strstr(dump, "pingq"));
	assert_non_null(strstr(dump, "main"));
	assert_non_null(strstr(dump, "idle"));

	n = trace_read(&cursor, ev, ARRAY_SIZE(ev), NULL);
	assert_true(n >= 3);
	assert_int_equal(ev[0].type, TRACE_SPAWN);
	trace_format(&ev[0], line, sizeof(line));
	assert_non_null(strstr(line, "SPAWN"));
	assert_non_null(strstr(line, "dumpee("));
	assert_non_null(strstr(line, "class=high"));
	assert_int_equal(ev[1].type, TRACE_PREEMPT);
	assert_int_equal(ev[2].type, TRACE_SWITCH);
	trace_format(&ev[2], line, sizeof(line));
	assert_non_null(strstr(line, "main("));
	assert_non_null(strstr(line, "-> dumpee("));
	assert_non_null(strstr(line, "why=preempt"));
	sched_fix_capture_start();
	trace_dump(8);
	dump = sched_fix_capture_stop();
	assert_non_null(strstr(dump, "trace: events"));
	assert_non_null(strstr(dump, "BLOCK"));
	assert_non_null(strstr(dump, "on waitq"));

	assert_true(waitq_wake_one(&pingq));
	assert_int_equal(pingq.high_water, 1);
	assert_int_equal(thread_join(t, TIMER_NEVER, NULL), CAIRN_OK);
	thread_release(t);
}

/* ---- quota ------------------------------------------------------------------- */

static void test_spawning_past_the_quota_returns_limit_and_the_quota_comes_back(void **state)
{
	static struct thread *ts[CONFIG_SCHED_THREADS_MAX];
	struct thread_attr a = sched_fix_attr("storm", SCHED_CLASS_NORMAL, KiB(16));
	size_t n = 0, before = thread_count();
	struct thread *extra;
	err_t err;

	(void)state;
	while ((err = thread_spawn(&a, return_arg, NULL, &ts[n])) == CAIRN_OK)
		n++;
	assert_int_equal(err, CAIRN_ERR_LIMIT);
	assert_int_equal(n + before, CONFIG_SCHED_THREADS_MAX);
	/* Exited but unreleased threads still count: a storm of spawns that
	 * are never joined cannot run the kernel out of memory. */
	assert_int_equal(thread_join(ts[0], TIMER_NEVER, NULL), CAIRN_OK);
	assert_int_equal(thread_spawn(&a, return_arg, NULL, &extra), CAIRN_ERR_LIMIT);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(thread_join(ts[i], TIMER_NEVER, NULL), CAIRN_OK);
		thread_release(ts[i]);
	}
	assert_int_equal(thread_spawn(&a, return_arg, NULL, &extra), CAIRN_OK);
	assert_int_equal(thread_join(extra, TIMER_NEVER, NULL), CAIRN_OK);
	thread_release(extra);
}

static void test_spawn_unwinds_cleanly_when_allocation_fails(void **state)
{
	struct thread_attr a = sched_fix_attr("oom", SCHED_CLASS_NORMAL, KiB(16));
	size_t before = thread_count();
	struct thread *t;
	int failures = 0;

	(void)state;
	for (int n = 0; n < 64; n++) {
		err_t err;

		hosted_alloc_fail_after(n);
		err = thread_spawn(&a, return_arg, NULL, &t);
		hosted_alloc_fail_after(-1);
		if (err == CAIRN_OK) {
			assert_int_equal(thread_join(t, TIMER_NEVER, NULL), CAIRN_OK);
			thread_release(t);
			break;
		}
		assert_int_equal(err, CAIRN_ERR_NOMEM);
		assert_int_equal(thread_count(), before);
		failures++;
	}
	assert_true(failures >= 2); /* the struct and the stack's bookkeeping */
}

/* ---- fairness ----------------------------------------------------------------- */

static uint64_t busy_until;

static int busy(void *arg)
{
	(void)arg;
	while (arch_clock_ns() < busy_until)
		hosted_cpu_burn(37 * US);
	return 0;
}

static void test_equal_threads_get_equal_cpu_time_within_one_slice(void **state)
{
	enum { N = 4 };
	struct thread_attr a = sched_fix_attr("eq", SCHED_CLASS_NORMAL, 0);
	struct thread *t[N];
	struct sched_fix_trace tr;
	uint64_t cursor = trace_next_seq(), start = arch_clock_ns(), cpu[N], lo = UINT64_MAX,
		 hi = 0;
	uint64_t slices = 0;

	(void)state;
	busy_until = start + 1000 * MS;
	for (int i = 0; i < N; i++)
		assert_int_equal(thread_spawn(&a, busy, NULL, &t[i]), CAIRN_OK);
	for (int i = 0; i < N; i++)
		assert_int_equal(thread_join(t[i], TIMER_NEVER, NULL), CAIRN_OK);
	sched_fix_trace_read(&cursor, &tr);
	for (int i = 0; i < N; i++) {
		cpu[i] = sched_fix_cpu_time(&tr, thread_current()->tid, t[i]->tid, start,
					    busy_until);
		lo = MIN(lo, cpu[i]);
		hi = MAX(hi, cpu[i]);
		assert_true(cpu[i] <= t[i]->runtime_ns); /* the counters agree */
	}
	for (size_t i = 0; i < tr.n; i++)
		slices += tr.ev[i].type == TRACE_PREEMPT && tr.ev[i].arg == SCHED_WHY_SLICE;
	printf("[ INFO     ] fairness: %d threads, 1 s: cpu %llu..%llu us, spread %llu us "
	       "(tolerance: one slice, %llu us); %llu slice ends\n",
	       N, (unsigned long long)(lo / US), (unsigned long long)(hi / US),
	       (unsigned long long)((hi - lo) / US), (unsigned long long)(SLICE / US),
	       (unsigned long long)slices);
	assert_true(hi - lo <= SLICE);
	assert_true(lo + hi >= 2 * (1000 * MS / N - SLICE));
	assert_true(slices >= 1000 * MS / SLICE - N);
	for (int i = 0; i < N; i++)
		thread_release(t[i]);
	sched_fix_trace_free(&tr);
}

/* ---- wake-up latency of the high band ------------------------------------------ */

enum { WAKES = 40 };
static uint64_t wake_deadline[WAKES];

static int high_sleeper(void *arg)
{
	(void)arg;
	for (int k = 0; k < WAKES; k++)
		assert_int_equal(thread_sleep_until(wake_deadline[k]), CAIRN_OK);
	return 0;
}

static void test_a_waking_high_band_thread_runs_within_one_timer_granularity(void **state)
{
	struct thread_attr hi = sched_fix_attr("hi", SCHED_CLASS_HIGH, 0);
	struct thread_attr lo = sched_fix_attr("lo", SCHED_CLASS_NORMAL, 0);
	struct thread *h, *l1, *l2;
	struct sched_fix_trace tr;
	uint64_t cursor = trace_next_seq(), start = arch_clock_ns(), worst = 0;

	(void)state;
	for (int k = 0; k < WAKES; k++) /* odd instants, never on a tick */
		wake_deadline[k] = start + (uint64_t)(k + 1) * 1234567 + 89;
	busy_until = wake_deadline[WAKES - 1] + 5 * MS;
	assert_int_equal(thread_spawn(&lo, busy, NULL, &l1), CAIRN_OK);
	assert_int_equal(thread_spawn(&lo, busy, NULL, &l2), CAIRN_OK);
	assert_int_equal(thread_spawn(&hi, high_sleeper, NULL, &h), CAIRN_OK);
	assert_int_equal(thread_join(h, TIMER_NEVER, NULL), CAIRN_OK);
	assert_int_equal(thread_join(l1, TIMER_NEVER, NULL), CAIRN_OK);
	assert_int_equal(thread_join(l2, TIMER_NEVER, NULL), CAIRN_OK);
	sched_fix_trace_read(&cursor, &tr);
	for (int k = 0; k < WAKES; k++) {
		uint64_t ran = 0;

		for (size_t i = 0; i < tr.n; i++) {
			if (tr.ev[i].type == TRACE_SWITCH && tr.ev[i].b == h->tid &&
			    tr.ev[i].time_ns >= wake_deadline[k]) {
				ran = tr.ev[i].time_ns;
				break;
			}
		}
		assert_true(ran >= wake_deadline[k]);
		worst = MAX(worst, ran - wake_deadline[k]);
	}
	printf("[ INFO     ] wake latency of the high band under 2 busy threads: worst %llu ns "
	       "(granularity %llu ns)\n", (unsigned long long)worst,
	       (unsigned long long)TIMER_TICK_NS);
	assert_true(worst < TIMER_TICK_NS);
	thread_release(h);
	thread_release(l1);
	thread_release(l2);
	sched_fix_trace_free(&tr);
}

/* ---- EDF ------------------------------------------------------------------------ */

struct edf_job {
	uint64_t work_ns;
	int jobs;
};

static int edf_worker(void *arg)
{
	const struct edf_job *j = arg;

	for (int k = 0; k < j->jobs; k++) {
		hosted_cpu_burn(j->work_ns);
		assert_int_equal(thread_period_wait(), CAIRN_OK);
	}
	return 0;
}

static void check_deadlines(const struct sched_fix_trace *tr, uint32_t tid, int jobs,
			    uint64_t *misses)
{
	int done = 0;

	*misses = 0;
	for (size_t i = 0; i < tr->n; i++) {
		const struct trace_event *e = &tr->ev[i];

		if (e->a != tid)
			continue;
		if (e->type == TRACE_EDF_DONE) {
			done++;
			if (e->time_ns > e->arg)
				(*misses)++;
		} else if (e->type == TRACE_EDF_MISS) {
			(*misses)++;
		}
	}
	assert_int_equal(done, jobs);
}

static void test_admitted_edf_threads_meet_every_deadline_beside_busy_bands(void **state)
{
	static const struct { uint64_t p, c; } set[] = {
		{ 10 * MS, 2 * MS }, { 20 * MS, 5 * MS }, { 50 * MS, 10 * MS }, { 7 * MS, 1 * MS },
	};
	enum { NSET = ARRAY_SIZE(set) };
	struct edf_job jobs[NSET];
	struct thread *e[NSET], *hb, *nb;
	struct thread_attr hi = sched_fix_attr("hiburn", SCHED_CLASS_HIGH, 0);
	struct thread_attr no = sched_fix_attr("loburn", SCHED_CLASS_NORMAL, 0);
	struct sched_fix_trace tr;
	struct sched_stats st;
	uint64_t cursor = trace_next_seq(), misses, total_jobs = 0, t0 = arch_clock_ns();

	(void)state;
	busy_until = t0 + 1100 * MS;
	for (int i = 0; i < NSET; i++) {
		struct thread_attr a = sched_fix_attr("edf", SCHED_CLASS_NORMAL, 0);

		a.period_ns = set[i].p;
		a.budget_ns = set[i].c;
		/* Each job needs its whole budget minus a little. */
		jobs[i] = (struct edf_job){ set[i].c - 50 * US, (int)(1000 * MS / set[i].p) };
		assert_int_equal(thread_spawn(&a, edf_worker, &jobs[i], &e[i]), CAIRN_OK);
		total_jobs += (uint64_t)jobs[i].jobs;
	}
	sched_stats_get(&st);
	assert_true(st.edf_util_ppm > 800000);
	assert_true(st.edf_util_ppm <= (uint64_t)CONFIG_SCHED_EDF_UTIL_PERCENT * 10000u);
	/* The busy bands last: the high one takes main's CPU at once. */
	assert_int_equal(thread_spawn(&no, busy, NULL, &nb), CAIRN_OK);
	assert_int_equal(thread_spawn(&hi, busy, NULL, &hb), CAIRN_OK);
	for (int i = 0; i < NSET; i++)
		assert_int_equal(thread_join(e[i], TIMER_NEVER, NULL), CAIRN_OK);
	assert_int_equal(thread_join(hb, TIMER_NEVER, NULL), CAIRN_OK);
	assert_int_equal(thread_join(nb, TIMER_NEVER, NULL), CAIRN_OK);
	sched_fix_trace_read(&cursor, &tr);
	for (int i = 0; i < NSET; i++) {
		check_deadlines(&tr, e[i]->tid, jobs[i].jobs, &misses);
		assert_int_equal(misses, 0);
		assert_int_equal(e[i]->edf.misses, 0);
	}
	printf("[ INFO     ] EDF: %d threads, %llu jobs at %llu ppm admitted, no deadline missed "
	       "in %llu ms; EDF used %llu+%llu+%llu+%llu ms, bands got high %llu ms, normal %llu ms\n",
	       NSET, (unsigned long long)total_jobs, (unsigned long long)st.edf_util_ppm,
	       (unsigned long long)((arch_clock_ns() - t0) / MS),
	       (unsigned long long)(e[0]->runtime_ns / MS), (unsigned long long)(e[1]->runtime_ns / MS),
	       (unsigned long long)(e[2]->runtime_ns / MS), (unsigned long long)(e[3]->runtime_ns / MS),
	       (unsigned long long)(hb->runtime_ns / MS), (unsigned long long)(nb->runtime_ns / MS));
	/* EDF took what it needed; the high band got the rest (the normal
	 * band only what is left after the high thread ended). */
	assert_true(hb->runtime_ns > 250 * MS && hb->runtime_ns < 1100 * MS - 700 * MS);
	assert_true(arch_clock_ns() - t0 < 1200 * MS);
	for (int i = 0; i < NSET; i++)
		thread_release(e[i]);
	thread_release(hb);
	thread_release(nb);
	sched_fix_trace_free(&tr);
	sched_stats_get(&st);
	assert_int_equal(st.edf_util_ppm, 0); /* exits gave the utilisation back */
}

static void test_edf_admission_refuses_what_cannot_be_met(void **state)
{
	struct thread_attr a = sched_fix_attr("adm", SCHED_CLASS_NORMAL, 0);
	struct edf_job idle_job = { 0, 1 };
	struct thread *big, *t;

	(void)state;
	a.period_ns = 10 * MS;
	a.budget_ns = 11 * MS; /* budget beyond the period */
	assert_int_equal(thread_spawn(&a, edf_worker, &idle_job, &t), CAIRN_ERR_INVAL);
	a.period_ns = 2 * TIMER_TICK_NS; /* shorter than 4 ticks */
	a.budget_ns = TIMER_TICK_NS / 2;
	assert_int_equal(thread_spawn(&a, edf_worker, &idle_job, &t), CAIRN_ERR_INVAL);
	a.period_ns = 10 * MS; /* a whole period: the tick's jitter makes it unmeetable */
	a.budget_ns = 10 * MS;
	assert_int_equal(thread_spawn(&a, edf_worker, &idle_job, &t), CAIRN_ERR_LIMIT);
	a.budget_ns = 8 * MS; /* 818,182 ppm: admitted */
	assert_int_equal(thread_spawn(&a, edf_worker, &idle_job, &big), CAIRN_OK);
	a.budget_ns = 1 * MS; /* another 111,112 ppm: past 90% */
	assert_int_equal(thread_spawn(&a, edf_worker, &idle_job, &t), CAIRN_ERR_LIMIT);
	assert_int_equal(thread_set_deadline(thread_current(), 10 * MS, 1 * MS),
			 CAIRN_ERR_LIMIT);
	assert_int_equal(thread_join(big, TIMER_NEVER, NULL), CAIRN_OK);
	thread_release(big);
	a.budget_ns = 1 * MS; /* room again */
	assert_int_equal(thread_spawn(&a, edf_worker, &idle_job, &t), CAIRN_OK);
	assert_int_equal(thread_join(t, TIMER_NEVER, NULL), CAIRN_OK);
	thread_release(t);
	assert_int_equal(thread_period_wait(), CAIRN_ERR_INVAL); /* main is not EDF */
}

static void test_an_overrunning_edf_thread_is_throttled_and_cannot_hurt_the_others(void **state)
{
	struct thread_attr a = sched_fix_attr("hog", SCHED_CLASS_NORMAL, 0);
	struct edf_job hog = { 5 * MS, 20 }, good = { 3 * MS - 50 * US, 40 };
	struct thread *h, *g;
	struct sched_fix_trace tr;
	uint64_t cursor = trace_next_seq(), misses, throttles = 0;

	(void)state;
	a.period_ns = 10 * MS;
	a.budget_ns = 2 * MS; /* declares 2 ms, uses 5 */
	assert_int_equal(thread_spawn(&a, edf_worker, &hog, &h), CAIRN_OK);
	a.name = "good";
	a.budget_ns = 3 * MS;
	assert_int_equal(thread_spawn(&a, edf_worker, &good, &g), CAIRN_OK);
	assert_int_equal(thread_join(g, TIMER_NEVER, NULL), CAIRN_OK);
	assert_int_equal(thread_join(h, TIMER_NEVER, NULL), CAIRN_OK);
	sched_fix_trace_read(&cursor, &tr);
	check_deadlines(&tr, g->tid, good.jobs, &misses);
	assert_int_equal(misses, 0);
	for (size_t i = 0; i < tr.n; i++)
		throttles += tr.ev[i].type == TRACE_EDF_THROTTLE && tr.ev[i].a == h->tid;
	assert_true(throttles >= (uint64_t)hog.jobs);
	assert_true(h->edf.misses > 0); /* the hog misses its own deadlines */
	/* Throttling is exact to the tick: the hog never ran past its budget
	 * by more than one granularity in a period. */
	for (size_t i = 0; i < tr.n; i++)
		if (tr.ev[i].type == TRACE_EDF_THROTTLE)
			assert_true(tr.ev[i].arg < TIMER_TICK_NS);
	thread_release(h);
	thread_release(g);
	sched_fix_trace_free(&tr);
}

/* ---- preemption and interrupts ------------------------------------------------- */

static int spin_forever_until(void *arg)
{
	(void)arg;
	while (arch_clock_ns() < busy_until)
		hosted_cpu_burn(1 * MS); /* a busy loop that never blocks or yields */
	return 0;
}

static void test_a_busy_loop_is_preempted_at_the_end_of_its_slice(void **state)
{
	struct thread_attr a = sched_fix_attr("spin", SCHED_CLASS_NORMAL, 0);
	struct thread *s1, *s2;
	uint64_t start = arch_clock_ns();

	(void)state;
	busy_until = start + 100 * MS;
	assert_int_equal(thread_spawn(&a, spin_forever_until, NULL, &s1), CAIRN_OK);
	assert_int_equal(thread_spawn(&a, spin_forever_until, NULL, &s2), CAIRN_OK);
	assert_int_equal(thread_join(s1, TIMER_NEVER, NULL), CAIRN_OK);
	assert_int_equal(thread_join(s2, TIMER_NEVER, NULL), CAIRN_OK);
	/* 100 ms, two spinners: they alternated every slice. */
	assert_true(s1->preempted >= 100 * MS / SLICE / 2 - 1);
	assert_true(s2->preempted >= 100 * MS / SLICE / 2 - 1);
	thread_release(s1);
	thread_release(s2);
}

#define TEST_LINE 42u
static struct waitq irqq;
static int irq_order[4], irq_order_n;

static void line_handler(unsigned line, void *ctx)
{
	(void)line;
	(void)ctx;
	irq_order[irq_order_n++] = 1; /* acknowledge, record, wake, return */
	waitq_wake_locked(&irqq, 1, CAIRN_OK);
}

static int irq_waiter(void *arg)
{
	unsigned long tok = arch_irq_save();
	err_t err = waitq_wait_locked(&irqq, TIMER_NEVER);

	(void)arg;
	arch_irq_restore(tok);
	irq_order[irq_order_n++] = 2; /* ran before the interrupted thread went on */
	return err;
}

static void test_an_interrupt_that_wakes_a_high_thread_switches_on_its_way_out(void **state)
{
	struct thread_attr a = sched_fix_attr("irqwait", SCHED_CLASS_HIGH, 0);
	struct thread *w;
	uint64_t before = irq_count(0, TEST_LINE);
	int status = -1;

	(void)state;
	waitq_init(&irqq, "irqq");
	irq_order_n = 0;
	assert_int_equal(irq_attach(TEST_LINE, IRQ_TRIGGER_EDGE, line_handler, NULL, "test-dev"),
			 CAIRN_OK);
	assert_int_equal(thread_spawn(&a, irq_waiter, NULL, &w), CAIRN_OK);
	assert_int_equal(w->state, THREAD_BLOCKED);
	hosted_irq_raise(TEST_LINE); /* main is interrupted here */
	irq_order[irq_order_n++] = 3;
	assert_int_equal(irq_order_n, 3);
	assert_int_equal(irq_order[0], 1);
	assert_int_equal(irq_order[1], 2);
	assert_int_equal(irq_order[2], 3);
	assert_int_equal(irq_count(0, TEST_LINE), before + 1);
	assert_int_equal(thread_join(w, TIMER_NEVER, &status), CAIRN_OK);
	assert_int_equal(status, CAIRN_OK);
	thread_release(w);
	assert_int_equal(irq_detach(TEST_LINE), CAIRN_OK);
}

static void test_an_idle_machine_takes_no_timer_interrupts_while_nothing_is_due(void **state)
{
	struct timer_stats before, after;
	uint64_t t0 = arch_clock_ns();

	(void)state;
	timer_stats_get(&before);
	assert_int_equal(thread_sleep(10ull * 1000 * MS), CAIRN_OK); /* 10 s asleep */
	timer_stats_get(&after);
	assert_true(arch_clock_ns() >= t0 + 10ull * 1000 * MS);
	/* One interrupt per wheel level the sleep cascades through, at most. */
	assert_true(after.interrupts - before.interrupts <= TIMER_LEVELS);
	assert_int_equal(hosted_timer_deadline(), TIMER_NEVER); /* nothing armed now */
}

/* ---- the application API -------------------------------------------------------- */

static int api_child(void *arg)
{
	(void)arg;
	assert_int_equal(cairn_thread_sleep(2 * MS), CAIRN_OK);
	cairn_thread_exit(9);
}

static void test_cairn_thread_handles_carry_rights_and_go_stale(void **state)
{
	struct cairn_thread_attr a = { .name = "api-child" };
	struct cairn_thread_info info;
	cairn_handle_t h, ro, none;
	int status = 0;

	(void)state;
	assert_int_equal(cairn_thread_spawn(&a, NULL, NULL, &h), CAIRN_ERR_FAULT);
	a.band = 7;
	assert_int_equal(cairn_thread_spawn(&a, api_child, NULL, &h), CAIRN_ERR_INVAL);
	a.band = CAIRN_THREAD_NORMAL;
	assert_int_equal(cairn_thread_spawn(&a, api_child, NULL, &h), CAIRN_OK);
	assert_int_equal(cairn_thread_info(h, &info), CAIRN_OK);
	assert_string_equal(info.name, "api-child");
	assert_int_equal(cairn_thread_duplicate(h, CAIRN_THREAD_RIGHT_JOIN, &ro), CAIRN_OK);
	assert_int_equal(cairn_thread_duplicate(h, 0, &none), CAIRN_OK);
	assert_int_equal(cairn_thread_duplicate(ro, CAIRN_THREAD_RIGHT_JOIN, &none),
			 CAIRN_ERR_ACCESS); /* ro has no DUPLICATE */
	assert_int_equal(cairn_thread_join(none, CAIRN_TIMEOUT_NEVER, &status), CAIRN_ERR_ACCESS);
	assert_int_equal(cairn_thread_cancel_wait(ro), CAIRN_ERR_ACCESS);
	assert_int_equal(cairn_thread_join(ro, 1 * MS, &status), CAIRN_ERR_TIMEOUT);
	assert_int_equal(cairn_thread_join(ro, CAIRN_TIMEOUT_NEVER, &status), CAIRN_OK);
	assert_int_equal(status, 9);
	assert_int_equal(cairn_thread_info(h, &info), CAIRN_OK);
	assert_int_equal(info.state, THREAD_ZOMBIE);
	assert_int_equal(info.exit_status, 9);
	assert_true(info.cpu_ns == 0); /* it only slept */
	assert_int_equal(cairn_thread_close(h), CAIRN_OK);
	assert_int_equal(cairn_thread_join(h, CAIRN_TIMEOUT_NEVER, &status),
			 CAIRN_ERR_BADHANDLE); /* stale */
	assert_int_equal(cairn_thread_close(ro), CAIRN_OK);
	assert_int_equal(cairn_thread_close(none), CAIRN_OK); /* the last one frees it */
	assert_int_equal(cairn_thread_close(none), CAIRN_ERR_BADHANDLE);
	assert_int_not_equal(cairn_thread_self(), 0);
	assert_int_equal(cairn_thread_period_wait(), CAIRN_ERR_INVAL);
}

static int api_spawner(void *arg)
{
	cairn_handle_t hs[CONFIG_SCHED_APP_THREADS_MAX + 1];
	struct cairn_thread_attr a = { .name = "quota", .stack_size = KiB(16) };
	int n = 0;
	cairn_err_t err;

	(void)arg;
	while ((err = cairn_thread_spawn(&a, return_arg, NULL, &hs[n])) == CAIRN_OK)
		n++;
	for (int i = 0; i < n; i++) {
		assert_int_equal(cairn_thread_join(hs[i], CAIRN_TIMEOUT_NEVER, NULL), CAIRN_OK);
		assert_int_equal(cairn_thread_close(hs[i]), CAIRN_OK);
	}
	return err == CAIRN_ERR_LIMIT ? n : -1;
}

static void test_the_application_quota_refuses_a_spawn_storm(void **state)
{
	struct thread_attr a = sched_fix_attr("spawner", SCHED_CLASS_NORMAL, 0);
	struct thread *t;
	int n = 0;

	(void)state;
	a.flags = THREAD_F_APP | THREAD_F_FPU; /* counts as the application's own */
	assert_int_equal(thread_spawn(&a, api_spawner, NULL, &t), CAIRN_OK);
	assert_int_equal(thread_join(t, TIMER_NEVER, &n), CAIRN_OK);
	assert_int_equal(n, CONFIG_SCHED_APP_THREADS_MAX - 1);
	thread_release(t);
}

static uintptr_t owned_local;

static int check_own_stack(void *arg)
{
	char local[64] = { 0 };

	(void)arg;
	owned_local = (uintptr_t)local;
	return sys_user_range_check(local, sizeof(local), CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE) ==
	       CAIRN_OK;
}

/* The application owns its threads' stacks while they live, and only its
 * own: a pointer to a local passes the owned-range check. */
static void test_application_thread_stacks_are_owned_ranges(void **state)
{
	struct thread_attr a = sched_fix_attr("app-stack", SCHED_CLASS_NORMAL, 0);
	struct thread *t;
	int owned = -1;

	(void)state;
	a.flags = THREAD_F_APP;
	assert_int_equal(thread_spawn(&a, check_own_stack, NULL, &t), CAIRN_OK);
	assert_int_equal(thread_join(t, TIMER_NEVER, &owned), CAIRN_OK);
	assert_int_equal(owned, 1);
	thread_release(t);
	assert_true(sched_fix_quiet()); /* reaped: the stack is gone */
	assert_int_equal(sys_user_range_check((void *)owned_local, 1, 0), CAIRN_ERR_FAULT);

	a.flags = 0; /* a kernel thread's stack is not the application's */
	assert_int_equal(thread_spawn(&a, check_own_stack, NULL, &t), CAIRN_OK);
	assert_int_equal(thread_join(t, TIMER_NEVER, &owned), CAIRN_OK);
	assert_int_equal(owned, 0);
	thread_release(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_thread_spawn_then_join_returns_the_exit_status,
					  teardown),
		cmocka_unit_test_teardown(
			test_thread_join_times_out_refuses_itself_and_a_cancel_ends_a_sleep,
			teardown),
		cmocka_unit_test_teardown(test_thread_spawn_refuses_bad_attributes, teardown),
		cmocka_unit_test_teardown(
			test_thread_sleep_wakes_at_the_first_tick_at_or_after_the_deadline,
			teardown),
		cmocka_unit_test_teardown(test_thread_stack_lies_above_a_guard_in_the_stacks_region,
					  teardown),
		cmocka_unit_test_teardown(test_each_fp_thread_keeps_its_own_fp_state_across_switches,
					  teardown),
		cmocka_unit_test_teardown(
			test_thread_dump_and_trace_dump_name_threads_states_and_events, teardown),
		cmocka_unit_test_teardown(
			test_spawning_past_the_quota_returns_limit_and_the_quota_comes_back,
			teardown),
		cmocka_unit_test_teardown(test_spawn_unwinds_cleanly_when_allocation_fails,
					  teardown),
		cmocka_unit_test_teardown(test_equal_threads_get_equal_cpu_time_within_one_slice,
					  teardown),
		cmocka_unit_test_teardown(
			test_a_waking_high_band_thread_runs_within_one_timer_granularity, teardown),
		cmocka_unit_test_teardown(
			test_admitted_edf_threads_meet_every_deadline_beside_busy_bands, teardown),
		cmocka_unit_test_teardown(test_edf_admission_refuses_what_cannot_be_met, teardown),
		cmocka_unit_test_teardown(
			test_an_overrunning_edf_thread_is_throttled_and_cannot_hurt_the_others,
			teardown),
		cmocka_unit_test_teardown(test_a_busy_loop_is_preempted_at_the_end_of_its_slice,
					  teardown),
		cmocka_unit_test_teardown(
			test_an_interrupt_that_wakes_a_high_thread_switches_on_its_way_out, teardown),
		cmocka_unit_test_teardown(
			test_an_idle_machine_takes_no_timer_interrupts_while_nothing_is_due, teardown),
		cmocka_unit_test_teardown(test_cairn_thread_handles_carry_rights_and_go_stale,
					  teardown),
		cmocka_unit_test_teardown(test_application_thread_stacks_are_owned_ranges, teardown),
		cmocka_unit_test_teardown(test_the_application_quota_refuses_a_spawn_storm,
					  teardown),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
