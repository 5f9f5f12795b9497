// SPDX-License-Identifier: BSD-2-Clause
/*
 * The scheduler: two round-robin bands, an EDF class above them, an idle
 * thread below (include/kernel/sched.h has the napkin version and the
 * preemption points P1-P3; docs/scheduling.md the whole policy).
 *
 * Run queues. One FIFO list per band (high, normal) and one list of ready
 * EDF threads sorted by the deadline of their current job. The running
 * thread is on no queue. pick: the EDF list's head, else the high band's
 * head, else the normal band's head, else the idle thread.
 *
 * Time accounting happens at every switch and every run-timer expiry:
 * the running thread is charged now - run_start. One per-CPU "run timer"
 * bounds how long the running thread may run uninterrupted:
 *   - band thread: the end of its time slice, armed only while another
 *     thread of its band is ready (a thread alone in its band is not
 *     sliced; its slice starts when a peer becomes ready);
 *   - EDF thread: the end of its remaining budget (then it is throttled
 *     until its next release);
 *   - idle: none.
 * A preempted thread (P1/P2 because of a higher class) goes back to the
 * head of its queue and keeps what is left of its slice; a thread whose
 * slice ended, or that yields, goes to the tail with a fresh slice; a
 * thread that wakes goes to the tail with a fresh slice.
 *
 * EDF. A deadline thread declares (period P, budget C). Job k is released
 * at start + (k-1)P with deadline start + kP and C of budget; the release
 * timer fires at each deadline and releases the next job. A job that runs
 * out of budget is throttled until the next release; a job not done at
 * its deadline is recorded as a miss (trace EDF_MISS). Admission (S7)
 * charges each thread ceil(1e6 (C + tick) / (P - tick)) parts per million
 * - its budget may overrun by up to one timer tick and its release may
 * come one tick late - and refuses one that would take the sum past
 * CONFIG_SCHED_EDF_UTIL_PERCENT. The rest of the CPU is what the bands
 * get. Under EDF on one CPU, a set whose (so inflated) utilisation is at
 * most 1 meets every deadline.
 *
 * Invariants (sched_check; asserts cite them):
 *   S1  the running thread is RUNNING and on no ready queue.
 *   S2  every thread on a ready queue is READY and on the queue of its
 *       class; ready[] counts the queues' lengths.
 *   S3  the EDF queue is sorted by current deadline.
 *   S4  every READY thread other than the idle thread is on a ready queue;
 *       the idle thread is never on one.
 *   S5  a thread BLOCKED on a waitq is on that queue's waiters; no other
 *       thread is on any waitq's waiters (wait_node unlinked).
 *   S6  a thread's wait timer is pending only while it is BLOCKED in a
 *       WAITQ, SLEEP or JOIN wait.
 *   S7  cpu.edf_util_ppm is the sum of the live EDF threads' charges and
 *       never exceeds the bound.
 *   S8  switches happen only with interrupts disabled, outside interrupt
 *       nesting other than the outermost exit, and never with preemption
 *       disabled by the thread being switched away from (except when it
 *       blocks, which is a bug and asserts).
 *
 * Lock: the CPU's interrupt mask. Lock order: scheduler (interrupts off)
 * may call into the timer queue and the trace; neither calls back except
 * through timer callbacks, which run with the same mask.
 */
#include <kernel/arch.h>
#include <kernel/preempt.h>
#include <kernel/assert.h>
#include <kernel/fmt.h>
#include <kernel/log.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/trace.h>

#include "sched_internal.h"

#define SLICE_NS ((int64_t)CONFIG_SCHED_TIME_SLICE_US * 1000)
#define EDF_BOUND_PPM ((uint64_t)CONFIG_SCHED_EDF_UTIL_PERCENT * 10000u)
#define EDF_PERIOD_MAX_NS (3600ull * 1000000000ull)

static struct {
	bool running;
	struct thread *current;
	struct thread *idle;
	struct thread *boot;
	struct dlist band[2];          /* SCHED_CLASS_HIGH, SCHED_CLASS_NORMAL */
	struct dlist edf;              /* sorted by edf.deadline_ns (S3) */
	uint32_t ready[SCHED_CLASS_COUNT];
	uint8_t resched_why;            /* with cpu_preempt.need_resched */
	unsigned irq_depth;
	uint64_t run_start_ns;
	struct timer run_timer;
	uint64_t edf_util_ppm;         /* S7 */
	struct dlist reap;
	struct sched_stats stats;
} cpu;

/* Preemption depth and the pending switch, read inline by fast paths
 * (include/kernel/preempt.h); guarded like cpu. */
struct cpu_preempt cpu_preempt;

static const char *const why_names[] = {
	[SCHED_WHY_BLOCK] = "block",   [SCHED_WHY_YIELD] = "yield",
	[SCHED_WHY_SLICE] = "slice",   [SCHED_WHY_PREEMPT] = "preempt",
	[SCHED_WHY_EXIT] = "exit",     [SCHED_WHY_THROTTLE] = "throttle",
	[SCHED_WHY_WAKE] = "wake",
};

const char *sched_why_name(unsigned why)
{
	return why < ARRAY_SIZE(why_names) && why_names[why] ? why_names[why] : "?";
}

static const char *const class_names[] = {
	[SCHED_CLASS_EDF] = "edf", [SCHED_CLASS_HIGH] = "high",
	[SCHED_CLASS_NORMAL] = "normal", [SCHED_CLASS_IDLE] = "idle",
};

const char *sched_class_name(unsigned cls)
{
	return cls < ARRAY_SIZE(class_names) ? class_names[cls] : "?";
}

struct thread *thread_current(void)
{
	return cpu.current;
}

bool sched_running(void)
{
	return cpu.running;
}

static inline bool is_band(const struct thread *t)
{
	return t->cls == SCHED_CLASS_HIGH || t->cls == SCHED_CLASS_NORMAL;
}

static inline struct dlist *band_queue(const struct thread *t)
{
	return &cpu.band[t->cls - SCHED_CLASS_HIGH];
}

/* ---- run queues ------------------------------------------------------------ */

static void enqueue_locked(struct thread *t, bool at_head)
{
	ASSERT(t != cpu.idle && !dlist_linked(&t->run_node)); /* (S4) */
	t->state = THREAD_READY;
	if (t->cls == SCHED_CLASS_EDF) {
		struct dlist *pos = cpu.edf.next;

		/* Ties: a preempted thread goes before its equals, others after. */
		while (pos != &cpu.edf) {
			struct thread *o = dlist_entry(pos, struct thread, run_node);

			if (at_head ? o->edf.deadline_ns >= t->edf.deadline_ns
				    : o->edf.deadline_ns > t->edf.deadline_ns)
				break;
			pos = pos->next;
		}
		dlist_insert_before(pos, &t->run_node); /* (S3) */
	} else {
		ASSERT(is_band(t));
		if (at_head)
			dlist_push_head(band_queue(t), &t->run_node);
		else
			dlist_push_tail(band_queue(t), &t->run_node);
	}
	cpu.ready[t->cls]++;
}

static void dequeue_locked(struct thread *t)
{
	ASSERT(t->state == THREAD_READY && dlist_linked(&t->run_node)); /* (S2) */
	dlist_remove(&t->run_node);
	cpu.ready[t->cls]--;
}

static struct thread *pick_locked(void)
{
	if (!dlist_empty(&cpu.edf))
		return dlist_entry(cpu.edf.next, struct thread, run_node);
	for (unsigned b = 0; b < 2; b++)
		if (!dlist_empty(&cpu.band[b]))
			return dlist_entry(cpu.band[b].next, struct thread, run_node);
	return cpu.idle;
}

/* Should ready thread `a` run instead of running thread `b`? */
static bool beats(const struct thread *a, const struct thread *b)
{
	if (a->cls != b->cls)
		return a->cls < b->cls;
	return a->cls == SCHED_CLASS_EDF && a->edf.deadline_ns < b->edf.deadline_ns;
}

static void want_resched_locked(enum sched_why why)
{
	if (!cpu_preempt.need_resched || why == SCHED_WHY_PREEMPT) {
		cpu_preempt.need_resched = true;
		cpu.resched_why = (uint8_t)why;
	}
}

/* ---- accounting and the run timer ----------------------------------------- */

static void account_locked(uint64_t now)
{
	struct thread *t = cpu.current;
	int64_t ran = (int64_t)(now - cpu.run_start_ns);

	cpu.run_start_ns = now;
	t->runtime_ns += (uint64_t)ran;
	if (is_band(t))
		t->slice_left_ns -= ran;
	else if (t->cls == SCHED_CLASS_EDF)
		t->edf.budget_left_ns -= ran;
}

static void arm_run_timer_locked(uint64_t now)
{
	struct thread *t = cpu.current;

	if (t->cls == SCHED_CLASS_EDF) {
		int64_t left = t->edf.budget_left_ns > 0 ? t->edf.budget_left_ns : 0;

		(void)timer_arm(&cpu.run_timer, now + (uint64_t)left);
	} else if (is_band(t) && !dlist_empty(band_queue(t))) {
		if (t->slice_left_ns <= 0)
			t->slice_left_ns = SLICE_NS;
		(void)timer_arm(&cpu.run_timer, now + (uint64_t)t->slice_left_ns);
	} else {
		timer_cancel(&cpu.run_timer);
	}
}

/* The run timer: the slice or the budget of the running thread is over. */
static void run_timer_fired(struct timer *tm, void *ctx)
{
	struct thread *t = cpu.current;
	uint64_t now = arch_clock_ns();

	(void)tm;
	(void)ctx;
	account_locked(now);
	if (t->cls == SCHED_CLASS_EDF) {
		if (t->edf.budget_left_ns <= 0)
			want_resched_locked(SCHED_WHY_THROTTLE);
		else
			arm_run_timer_locked(now);
	} else if (is_band(t)) {
		if (!dlist_empty(band_queue(t)) && t->slice_left_ns <= 0)
			want_resched_locked(SCHED_WHY_SLICE);
		else
			arm_run_timer_locked(now);
	}
}

/* ---- switching ---------------------------------------------------------------- */

static void reschedule_locked(enum sched_why why)
{
	struct thread *prev = cpu.current, *next;
	uint64_t now = arch_clock_ns();
	bool involuntary = false;

	DEBUG_ASSERT(!arch_irq_enabled()); /* (S8) */
	ASSERT(cpu.irq_depth == 0);        /* (S8): never inside an interrupt */
	account_locked(now);
	if (prev->state == THREAD_RUNNING) {
		if (prev == cpu.idle) {
			prev->state = THREAD_READY;
		} else if (prev->cls == SCHED_CLASS_EDF && prev->edf.budget_left_ns <= 0) {
			prev->state = THREAD_BLOCKED;
			prev->block = THREAD_BLOCK_THROTTLE;
			prev->edf.throttles++;
			cpu.stats.throttles++;
			trace_record(TRACE_EDF_THROTTLE, prev->tid, prev->edf.released,
				     (uint64_t)-prev->edf.budget_left_ns);
			why = SCHED_WHY_THROTTLE;
		} else {
			if (why == SCHED_WHY_SLICE || why == SCHED_WHY_YIELD)
				prev->slice_left_ns = SLICE_NS;
			enqueue_locked(prev, why == SCHED_WHY_PREEMPT);
			involuntary = why == SCHED_WHY_PREEMPT || why == SCHED_WHY_SLICE;
		}
	}
	next = pick_locked();
	if (next != cpu.idle)
		dequeue_locked(next);
	cpu_preempt.need_resched = false;
	if (next == prev) {
		prev->state = THREAD_RUNNING;
		arm_run_timer_locked(now);
		return;
	}
	if (involuntary) {
		prev->preempted++;
		cpu.stats.preemptions++;
		trace_record(TRACE_PREEMPT, prev->tid, next->tid, why);
	}
	if (why == SCHED_WHY_SLICE)
		cpu.stats.slices++;
	trace_record(TRACE_SWITCH, prev->tid, next->tid, why);
	cpu.stats.switches++;
	next->state = THREAD_RUNNING;
	next->switches_in++;
	cpu.current = next;
	cpu.run_start_ns = now;
	arm_run_timer_locked(now);
	if (prev->fpu)
		arch_fpu_save(prev->fpu);
	if (next->fpu)
		arch_fpu_restore(next->fpu);
	arch_context_switch(&prev->sp, next->sp);
	/* Running as prev again, interrupts still disabled. */
}

void sched_irq_enter(void)
{
	cpu.irq_depth++;
}

void sched_irq_exit(void)
{
	ASSERT(cpu.irq_depth > 0);
	/* Leave interrupt context before switching: the thread we switch to
	 * runs in thread context, and so does this one when it comes back. */
	cpu.irq_depth--;
	if (cpu.irq_depth == 0 && cpu.running && cpu_preempt.need_resched && !cpu_preempt.off)
		reschedule_locked((enum sched_why)cpu.resched_why); /* P1 */
}

bool sched_in_irq(void)
{
	return cpu.irq_depth > 0;
}

void sched_preempt_disable(void)
{
	preempt_disable();
}

void sched_preempt_enable(void)
{
	ASSERT(cpu_preempt.off > 0);
	preempt_enable();
}

void sched_preempt_check(void)
{
	unsigned long tok;

	if (!cpu.running || !cpu_preempt.need_resched || cpu.irq_depth || cpu_preempt.off ||
	    !arch_irq_enabled())
		return;
	tok = arch_irq_save();
	if (cpu_preempt.need_resched)
		reschedule_locked((enum sched_why)cpu.resched_why); /* P2 */
	arch_irq_restore(tok);
}

/* ---- making threads ready, blocking, exiting ------------------------------------ */

static void make_ready_locked(struct thread *t)
{
	struct thread *cur = cpu.current;

	t->block = THREAD_BLOCK_NONE;
	if (is_band(t))
		t->slice_left_ns = SLICE_NS;
	enqueue_locked(t, false);
	if (beats(t, cur)) {
		want_resched_locked(cur == cpu.idle ? SCHED_WHY_WAKE : SCHED_WHY_PREEMPT);
	} else if (is_band(cur) && cur->cls == t->cls && !timer_pending(&cpu.run_timer)) {
		/* A peer is ready: the running thread's slice starts now. */
		uint64_t now = arch_clock_ns();

		account_locked(now);
		cur->slice_left_ns = SLICE_NS;
		arm_run_timer_locked(now);
	}
}

void sched_add_new_locked(struct thread *t)
{
	if (t->cls == SCHED_CLASS_IDLE) {
		ASSERT(!cpu.idle);
		cpu.idle = t;
		t->state = THREAD_READY;
		return;
	}
	make_ready_locked(t);
}

void sched_block_locked(enum thread_block why)
{
	struct thread *t = cpu.current;

	spin_assert_none_held("block"); /* blocking with a spinlock held panics (Locks) */
	DEBUG_ASSERT(!arch_irq_enabled());
	ASSERT_MSG(cpu.irq_depth == 0, "sched: blocking in an interrupt handler");
	ASSERT_MSG(t != cpu.idle, "sched: the idle thread may not block");
	ASSERT_MSG(cpu_preempt.off == 0, "sched: blocking with preemption disabled (S8)");
	t->state = THREAD_BLOCKED;
	t->block = (uint8_t)why;
	trace_record(TRACE_BLOCK, t->tid, 0, why);
	reschedule_locked(SCHED_WHY_BLOCK); /* P3 */
}

bool sched_wait_end_locked(struct thread *t, err_t result, uint32_t waker_tid)
{
	if (t->state != THREAD_BLOCKED ||
	    (t->block != THREAD_BLOCK_WAITQ && t->block != THREAD_BLOCK_SLEEP &&
	     t->block != THREAD_BLOCK_JOIN))
		return false;
	if (t->wait_q) {
		ASSERT(dlist_linked(&t->wait_node)); /* (S5) */
		dlist_remove(&t->wait_node);
		t->wait_q->depth--;
		t->wait_q = NULL;
	}
	timer_cancel(&t->wait_timer); /* (S6) */
	t->wait_result = result;
	trace_record(TRACE_WAKE, t->tid, waker_tid, (uint64_t)(int64_t)result);
	make_ready_locked(t);
	return true;
}

noreturn void sched_exit_locked(void)
{
	struct thread *t = cpu.current;

	ASSERT(t->state == THREAD_ZOMBIE && cpu.irq_depth == 0 && t != cpu.idle);
	cpu_preempt.off = 0;
	if (t->cls == SCHED_CLASS_EDF)
		sched_edf_retire_locked(t);
	sched_reap_add_locked(t);
	reschedule_locked(SCHED_WHY_EXIT); /* P3 */
	PANIC("sched: exited thread %s(%u) was switched back to", t->name, t->tid);
}

void sched_yield_locked(void)
{
	spin_assert_none_held("yield"); /* yielding with a spinlock held panics (Locks) */
	cpu.stats.yields++;
	reschedule_locked(SCHED_WHY_YIELD); /* P3 */
}

void sched_reap_add_locked(struct thread *t)
{
	dlist_push_tail(&cpu.reap, &t->reap_node);
}

void sched_reap(void)
{
	for (;;) {
		unsigned long tok = arch_irq_save();
		struct thread *t = NULL;

		if (!dlist_empty(&cpu.reap)) {
			t = dlist_entry(cpu.reap.next, struct thread, reap_node);
			dlist_remove(&t->reap_node);
		}
		arch_irq_restore(tok);
		if (!t)
			return;
		/* It switched away with interrupts off before we could run. */
		ASSERT(t != cpu.current && t->state == THREAD_ZOMBIE);
		thread_reaped(t);
	}
}

/* ---- EDF ----------------------------------------------------------------------- */

static void edf_release_fired(struct timer *tm, void *ctx)
{
	struct thread *t = ctx;
	uint64_t now = arch_clock_ns();

	(void)tm;
	if (t->edf.done < t->edf.released && t->edf.missed_job < t->edf.released) {
		t->edf.misses++;
		t->edf.missed_job = t->edf.released;
		trace_record(TRACE_EDF_MISS, t->tid, t->edf.released, t->edf.deadline_ns);
	}
	if (t == cpu.current)
		account_locked(now);
	t->edf.released++;
	t->edf.deadline_ns = t->edf.start_ns + (uint64_t)t->edf.released * t->edf.period_ns;
	t->edf.budget_left_ns = (int64_t)t->edf.budget_ns;
	trace_record(TRACE_EDF_RELEASE, t->tid, t->edf.released, t->edf.deadline_ns);
	(void)timer_arm(&t->edf.release_timer, t->edf.deadline_ns);

	if (t->state == THREAD_BLOCKED &&
	    (t->block == THREAD_BLOCK_PERIOD || t->block == THREAD_BLOCK_THROTTLE)) {
		trace_record(TRACE_WAKE, t->tid, 0, CAIRN_OK);
		make_ready_locked(t);
	} else if (t->state == THREAD_READY) {
		dequeue_locked(t); /* its deadline moved: re-sort (S3) */
		enqueue_locked(t, false);
	} else if (t == cpu.current) {
		struct thread *first = pick_locked();

		arm_run_timer_locked(now);
		if (first != cpu.idle && beats(first, t))
			want_resched_locked(SCHED_WHY_PREEMPT);
	}
}

err_t sched_edf_admit_locked(struct thread *t, uint64_t period_ns, uint64_t budget_ns)
{
	uint64_t now = arch_clock_ns(), charge;
	bool queued;

	/* Decode: every check before anything changes. */
	if (budget_ns == 0 || budget_ns > period_ns || period_ns < 4 * TIMER_TICK_NS ||
	    period_ns > EDF_PERIOD_MAX_NS)
		return CAIRN_ERR_INVAL;
	/* The running thread, a ready one that has not run yet, or a new one
	 * (state 0: thread_spawn adds it to the run queue afterwards). */
	if (t->cls == SCHED_CLASS_EDF || t == cpu.idle ||
	    (t != cpu.current && t->state != 0 &&
	     (t->state != THREAD_READY || t->switches_in != 0)))
		return CAIRN_ERR_INVAL;
	if (budget_ns + TIMER_TICK_NS > period_ns - TIMER_TICK_NS)
		return CAIRN_ERR_LIMIT; /* alone it cannot be met with the timer's jitter */
	charge = ((budget_ns + TIMER_TICK_NS) * 1000000u + (period_ns - TIMER_TICK_NS) - 1) /
		 (period_ns - TIMER_TICK_NS);
	if (cpu.edf_util_ppm + charge > EDF_BOUND_PPM)
		return CAIRN_ERR_LIMIT; /* (S7) */

	/* Invoke. */
	queued = t != cpu.current && t->state == THREAD_READY;
	if (t == cpu.current)
		account_locked(now);
	else if (queued)
		dequeue_locked(t);
	cpu.edf_util_ppm += charge;
	t->cls = SCHED_CLASS_EDF;
	t->edf.period_ns = period_ns;
	t->edf.budget_ns = budget_ns;
	t->edf.util_ppm = (uint32_t)charge;
	t->edf.start_ns = now;
	t->edf.released = 1;
	t->edf.done = 0;
	t->edf.missed_job = 0;
	t->edf.deadline_ns = now + period_ns;
	t->edf.budget_left_ns = (int64_t)budget_ns;
	timer_init(&t->edf.release_timer, "edf-release", edf_release_fired, t);
	(void)timer_arm(&t->edf.release_timer, t->edf.deadline_ns);
	trace_record(TRACE_EDF_RELEASE, t->tid, 1, t->edf.deadline_ns);
	if (t == cpu.current) {
		arm_run_timer_locked(now);
	} else if (queued) {
		enqueue_locked(t, false);
		if (beats(t, cpu.current))
			want_resched_locked(SCHED_WHY_PREEMPT);
	}
	return CAIRN_OK;
}

void sched_edf_retire_locked(struct thread *t)
{
	if (t->cls != SCHED_CLASS_EDF || !t->edf.util_ppm)
		return;
	timer_cancel(&t->edf.release_timer);
	ASSERT(cpu.edf_util_ppm >= t->edf.util_ppm); /* (S7) */
	cpu.edf_util_ppm -= t->edf.util_ppm;
	t->edf.util_ppm = 0;
}

err_t sched_edf_period_wait_locked(void)
{
	struct thread *t = cpu.current;
	uint32_t job;
	uint64_t deadline, now = arch_clock_ns();

	if (t->cls != SCHED_CLASS_EDF)
		return CAIRN_ERR_INVAL;
	job = ++t->edf.done;
	deadline = t->edf.start_ns + (uint64_t)job * t->edf.period_ns;
	trace_record(TRACE_EDF_DONE, t->tid, job, deadline);
	if (now > deadline && t->edf.missed_job < job) {
		t->edf.misses++;
		t->edf.missed_job = job;
		trace_record(TRACE_EDF_MISS, t->tid, job, deadline);
	}
	if (t->edf.done < t->edf.released)
		return CAIRN_OK; /* the next job is already out */
	sched_block_locked(THREAD_BLOCK_PERIOD);
	return CAIRN_OK;
}

/* ---- start-up ------------------------------------------------------------------ */

static int idle_main(void *arg)
{
	(void)arg;
	for (;;) {
		unsigned long tok;

		sched_reap();
		tok = arch_irq_save();
		if (pick_locked() != cpu.idle) {
			reschedule_locked(SCHED_WHY_WAKE);
		} else {
			cpu.stats.idle_waits++;
			arch_idle_wait(); /* interrupts in, switches happen at their exit */
		}
		arch_irq_restore(tok);
	}
	return 0;
}

err_t sched_init(const char *name)
{
	struct thread_attr idle_attr = { .name = "idle", .cls = SCHED_CLASS_IDLE };
	struct thread *boot, *idle;
	unsigned long tok;
	err_t err;

	if (cpu.running)
		return CAIRN_ERR_EXIST;
	dlist_init(&cpu.band[0]);
	dlist_init(&cpu.band[1]);
	dlist_init(&cpu.edf);
	dlist_init(&cpu.reap);
	cpu_preempt.need_resched = false;
	cpu.irq_depth = 0;
	cpu_preempt.off = 0;
	cpu.edf_util_ppm = 0;
	cpu.stats = (struct sched_stats){ 0 };
	for (unsigned c = 0; c < SCHED_CLASS_COUNT; c++)
		cpu.ready[c] = 0;
	timer_subsys_init();
	timer_init(&cpu.run_timer, "run", run_timer_fired, NULL);

	err = thread_adopt(name, &boot);
	if (err)
		return err;
	tok = arch_irq_save();
	cpu.boot = boot;
	cpu.current = boot;
	cpu.run_start_ns = arch_clock_ns();
	arch_irq_restore(tok);

	err = thread_spawn(&idle_attr, idle_main, NULL, &idle);
	if (err) {
		cpu.current = NULL;
		cpu.boot = NULL;
		thread_release(boot);
		return err;
	}
	cpu.running = true;
	/* The tunables are build configuration (.config): DEBUG. */
	LOG_INFO("sched: started: %s(%u) adopted, idle(%u)", boot->name, boot->tid, idle->tid);
	LOG_DEBUG("sched: slice %u us, timer tick %u us, EDF bound %u%%, threads max %u (app %u), "
		  "trace %u events", (unsigned)CONFIG_SCHED_TIME_SLICE_US,
		  (unsigned)CONFIG_SCHED_TIMER_GRANULARITY_US, (unsigned)CONFIG_SCHED_EDF_UTIL_PERCENT,
		  (unsigned)CONFIG_SCHED_THREADS_MAX, (unsigned)CONFIG_SCHED_APP_THREADS_MAX,
		  (unsigned)CONFIG_SCHED_TRACE_EVENTS);
	arch_irq_enable();
	return CAIRN_OK;
}

err_t sched_shutdown(void)
{
	unsigned long tok;
	struct thread *idle = cpu.idle, *boot = cpu.boot;

	if (!cpu.running)
		return CAIRN_ERR_NOENT;
	sched_reap();
	if (cpu.current != boot || thread_count() != 2 || !dlist_empty(&cpu.edf) ||
	    !dlist_empty(&cpu.band[0]) || !dlist_empty(&cpu.band[1]))
		return CAIRN_ERR_BUSY;
	tok = arch_irq_save();
	timer_cancel(&cpu.run_timer);
	cpu.running = false;
	cpu.current = NULL;
	cpu.idle = NULL;
	cpu.boot = NULL;
	arch_irq_restore(tok);
	/* The idle thread never ran past its wait or has never run: nothing
	 * of it is on the CPU. Its own reference and the spawner's go. */
	idle->state = THREAD_ZOMBIE;
	thread_reaped(idle);
	thread_release(idle);
	boot->state = THREAD_ZOMBIE;
	thread_release(boot);
	return CAIRN_OK;
}

void sched_stats_get(struct sched_stats *out)
{
	unsigned long tok = arch_irq_save();

	*out = cpu.stats;
	out->edf_util_ppm = cpu.edf_util_ppm;
	for (unsigned c = 0; c < SCHED_CLASS_COUNT; c++)
		out->ready[c] = cpu.ready[c];
	arch_irq_restore(tok);
}

/* ---- invariants ---------------------------------------------------------------- */

static err_t check_queue_locked(struct dlist *q, unsigned cls, uint32_t *count)
{
	uint64_t last = 0;

	*count = 0;
	for (struct dlist *n = q->next; n != q; n = n->next) {
		struct thread *t = dlist_entry(n, struct thread, run_node);

		(*count)++;
		if (t->state != THREAD_READY || t->cls != cls || t == cpu.idle) {
			LOG_ERR("sched: S2: %s(%u) on the %s queue in state %s class %s", t->name,
				t->tid, sched_class_name(cls), thread_state_name(t->state),
				sched_class_name(t->cls));
			return CAIRN_ERR_CORRUPT;
		}
		if (cls == SCHED_CLASS_EDF) {
			if (t->edf.deadline_ns < last) {
				LOG_ERR("sched: S3: EDF queue out of order at %s(%u)", t->name,
					t->tid);
				return CAIRN_ERR_CORRUPT;
			}
			last = t->edf.deadline_ns;
		}
	}
	if (*count != cpu.ready[cls]) {
		LOG_ERR("sched: S2: %u threads on the %s queue, %u counted", *count,
			sched_class_name(cls), cpu.ready[cls]);
		return CAIRN_ERR_CORRUPT;
	}
	return CAIRN_OK;
}

err_t sched_check(void)
{
	unsigned long tok = arch_irq_save();
	uint32_t n;
	uint64_t util = 0;
	err_t err = CAIRN_OK;
	struct dlist *all;

	if (!cpu.running)
		goto out;
	if (cpu.current->state != THREAD_RUNNING || dlist_linked(&cpu.current->run_node)) {
		LOG_ERR("sched: S1: running thread %s(%u) is %s%s", cpu.current->name,
			cpu.current->tid, thread_state_name(cpu.current->state),
			dlist_linked(&cpu.current->run_node) ? " and queued" : "");
		err = CAIRN_ERR_CORRUPT;
		goto out;
	}
	if ((err = check_queue_locked(&cpu.edf, SCHED_CLASS_EDF, &n)) ||
	    (err = check_queue_locked(&cpu.band[0], SCHED_CLASS_HIGH, &n)) ||
	    (err = check_queue_locked(&cpu.band[1], SCHED_CLASS_NORMAL, &n)))
		goto out;
	all = thread_all();
	for (struct dlist *a = all->next; a != all; a = a->next) {
		struct thread *t = dlist_entry(a, struct thread, all_node);
		bool waiting = t->state == THREAD_BLOCKED &&
			       (t->block == THREAD_BLOCK_WAITQ || t->block == THREAD_BLOCK_SLEEP ||
				t->block == THREAD_BLOCK_JOIN);

		if (t->state == THREAD_READY && (t == cpu.idle) == dlist_linked(&t->run_node)) {
			LOG_ERR("sched: S4: ready thread %s(%u) %s a queue", t->name, t->tid,
				t == cpu.idle ? "on" : "not on");
			err = CAIRN_ERR_CORRUPT;
			break;
		}
		if (t->state != THREAD_READY && t != cpu.current && dlist_linked(&t->run_node)) {
			LOG_ERR("sched: S2: %s thread %s(%u) on a ready queue",
				thread_state_name(t->state), t->name, t->tid);
			err = CAIRN_ERR_CORRUPT;
			break;
		}
		if (dlist_linked(&t->wait_node) !=
		    (t->state == THREAD_BLOCKED && t->wait_q != NULL)) {
			LOG_ERR("sched: S5: %s(%u) %s, wait node %slinked", t->name, t->tid,
				thread_state_name(t->state), dlist_linked(&t->wait_node) ? "" : "un");
			err = CAIRN_ERR_CORRUPT;
			break;
		}
		if (timer_pending(&t->wait_timer) && !waiting) {
			LOG_ERR("sched: S6: %s(%u) has a wait timer but is not waiting", t->name,
				t->tid);
			err = CAIRN_ERR_CORRUPT;
			break;
		}
		if (t->cls == SCHED_CLASS_EDF && t->state != THREAD_ZOMBIE)
			util += t->edf.util_ppm;
	}
	if (!err && (util != cpu.edf_util_ppm || util > EDF_BOUND_PPM)) {
		LOG_ERR("sched: S7: EDF utilisation %llu ppm admitted, %llu ppm in threads",
			(unsigned long long)cpu.edf_util_ppm, (unsigned long long)util);
		err = CAIRN_ERR_CORRUPT;
	}
out:
	arch_irq_restore(tok);
	return err;
}
