/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The scheduler (src/sched/sched.c), the napkin version:
 *
 *   1. EDF class first: among ready deadline threads, the earliest deadline
 *      runs. Each declares a period and a budget; admission refuses a
 *      thread that would push the sum of (budget + tick) / (period - tick)
 *      over CONFIG_SCHED_EDF_UTIL_PERCENT. A job that uses its budget is
 *      throttled until its next release.
 *   2. Then the high band, then the normal band: round robin, each thread
 *      runs for at most one time slice (CONFIG_SCHED_TIME_SLICE_US) while
 *      another of its band is ready.
 *   3. Then the idle thread, which waits for an interrupt (arch_idle_wait).
 *
 * Preemption points, and nothing else switches threads:
 *   P1  the end of an interrupt (irq_dispatch -> sched_irq_exit) when a
 *       handler or timer woke something that should run now, the slice
 *       ended or the EDF budget ran out;
 *   P2  sched_preempt_check(): after a wake from thread context
 *       (waitq_wake_one/all, thread_wait_cancel, thread_spawn);
 *   P3  the running thread blocks, yields or exits.
 * Preemption is deferred while sched_preempt_disable() is in force and
 * while interrupts are disabled; it happens at the matching enable / the
 * next point.
 *
 * Lock: one CPU, and its interrupt mask is the scheduler's lock: every
 * function named *_locked must be called with interrupts disabled.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <kernel/thread.h>
#include <kernel/types.h>

/* Why the running thread stopped running (trace SWITCH / PREEMPT). */
enum sched_why {
	SCHED_WHY_BLOCK = 0,    /* it blocked */
	SCHED_WHY_YIELD = 1,    /* thread_yield */
	SCHED_WHY_SLICE = 2,    /* its time slice ended */
	SCHED_WHY_PREEMPT = 3,  /* a thread of a higher class (or earlier deadline) woke */
	SCHED_WHY_EXIT = 4,     /* it exited */
	SCHED_WHY_THROTTLE = 5, /* EDF: budget used up */
	SCHED_WHY_WAKE = 6,     /* the idle thread gave way */
};

struct sched_stats {
	uint64_t switches, preemptions, yields, slices, throttles;
	uint64_t idle_waits;
	uint64_t edf_util_ppm;   /* admitted utilisation, parts per million */
	uint32_t ready[SCHED_CLASS_COUNT];
};

/*
 * sched_init - start the scheduler on this CPU: the running context
 * becomes the thread `name` (normal band, no stack of ours: the boot
 * stack), an idle thread is created, the timer queue starts. Interrupts
 * are enabled on return. CAIRN_ERR_EXIST if already started;
 * thread_spawn's errors for the idle thread. Boot CPU, once (tests call
 * sched_shutdown to start over).
 */
err_t sched_init(const char *name);

/* sched_running - true once sched_init succeeded. Any context. */
bool sched_running(void);

/*
 * sched_shutdown - for the hosted tests: with only the adopted thread and
 * the idle thread left, free the idle thread and forget the scheduler, so
 * the next test starts clean. CAIRN_ERR_BUSY if other threads exist.
 */
err_t sched_shutdown(void);

/* Interrupt entry and exit, called by irq_dispatch (P1). */
void sched_irq_enter(void);
void sched_irq_exit(void);
/* sched_in_irq - true inside irq_dispatch. Any context. */
bool sched_in_irq(void);

/* Preemption control for the running thread (nests). Thread context. */
void sched_preempt_disable(void);
void sched_preempt_enable(void);

/* sched_preempt_check - switch now if a ready thread should preempt the
 * running one and we may (P2). Any context; does nothing in an interrupt,
 * with interrupts disabled or with preemption disabled. */
void sched_preempt_check(void);

void sched_stats_get(struct sched_stats *out);

/* sched_check - invariants S1-S8 of src/sched/sched.c. CAIRN_OK or
 * CAIRN_ERR_CORRUPT (logged). Any context. */
err_t sched_check(void);

const char *sched_why_name(unsigned why);
const char *sched_class_name(unsigned cls);

/* ---- for thread.c and waitq.c: the scheduler's internals ------------- */

/* sched_add_new_locked - a freshly spawned thread becomes READY. */
void sched_add_new_locked(struct thread *t);

/* sched_block_locked - the running thread blocks for `why` (state and
 * wait fields already set by the caller); returns when it runs again. */
void sched_block_locked(enum thread_block why);

/* sched_wait_end_locked - end a WAITQ/SLEEP/JOIN wait of `t` with
 * `result`: off its queue, timer canceled, READY. False if t was not in
 * such a wait (the wait already ended: a no-op). */
bool sched_wait_end_locked(struct thread *t, err_t result, uint32_t waker_tid);

/* sched_exit_locked - the running thread is a ZOMBIE: switch away for good. */
noreturn void sched_exit_locked(void);

/* sched_yield_locked - back of its band's queue, run the next one. */
void sched_yield_locked(void);

/* EDF bookkeeping (thread_set_deadline, thread_period_wait, exit). */
err_t sched_edf_admit_locked(struct thread *t, uint64_t period_ns, uint64_t budget_ns);
void sched_edf_retire_locked(struct thread *t);
err_t sched_edf_period_wait_locked(void);

/* sched_reap - free what exited threads left (stacks, their own
 * reference). Thread context; called by the idle thread and spawn. */
void sched_reap(void);

/* The reaper's list: thread.c puts exited threads here. */
void sched_reap_add_locked(struct thread *t);

#endif /* KERNEL_SCHED_H */
