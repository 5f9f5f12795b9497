/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Threads (src/sched/thread.c): the unit the scheduler runs.
 *
 * Every thread shares the one address space and has its own stack from the
 * memory manager's thread-stacks region (vm_stack_alloc: VM_STACK_GUARD
 * unmapped bytes below it, so an overflow faults and the fault report names
 * the stack). A thread that may use FP/SIMD (the application's threads)
 * also has an FP save area of arch_fpu_state_size() bytes, aligned to 64,
 * carved from the top of its stack mapping; see docs/scheduling.md for the
 * FP policy.
 *
 * A thread's life:
 *
 *   thread_spawn                    picked by the scheduler
 *   -----------> READY ---------------------------------------> RUNNING
 *                  ^  ^  preempted, yield, slice end               |  |
 *                  |  +--------------------------------------------+  |
 *                  |                                                  | thread_exit
 *                  |  wake, timeout, cancel,     BLOCKED <------------+  (or fn returns)
 *                  +---------------------------- (waitq, sleep, join, |
 *                     EDF release                 period, throttle)   v
 *                                                                   ZOMBIE
 *                                          last reference released    |
 *                                          (thread_release)           v
 *                                                                   (freed)
 *
 * Transitions and who performs them: spawn (thread_spawn), pick
 * (sched.c: reschedule_locked), preempt/yield/slice end (reschedule_locked
 * via sched_preempt_check, thread_yield, the slice timer), block
 * (sched_block_locked: waitq_wait_locked, thread_sleep_until, thread_join,
 * thread_period_wait, EDF budget exhausted), wake (sched_wait_end_locked,
 * EDF release timer), exit (thread_exit), free (thread_release; the stack
 * goes earlier, when the reaper runs after the thread switched away).
 *
 * References: a thread holds one on itself while it runs (dropped by the
 * reaper after it exits), and thread_spawn returns one to its caller. The
 * struct stays readable (status, name, counters) until the last one goes.
 *
 * Quota: at most CONFIG_SCHED_THREADS_MAX threads exist at once (zombies
 * count until freed), and at most CONFIG_SCHED_APP_THREADS_MAX of them are
 * the application's; past that thread_spawn returns CAIRN_ERR_LIMIT, so a
 * spawn storm cannot exhaust the kernel.
 *
 * Context: thread context unless said otherwise.
 */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include <kernel/timer.h>
#include <kernel/types.h>
#include <kernel/waitq.h>

#define THREAD_NAME_MAX 16
#define THREAD_STACK_DEFAULT ((size_t)CONFIG_SCHED_STACK_KB * 1024u)
#define THREAD_STACK_MAX ((size_t)1 << 24)

enum thread_state {
	THREAD_READY = 1,
	THREAD_RUNNING = 2,
	THREAD_BLOCKED = 3,
	THREAD_ZOMBIE = 4,
};

/* Why a BLOCKED thread is blocked. The first three end through
 * sched_wait_end_locked (wake, timeout, cancel). */
enum thread_block {
	THREAD_BLOCK_NONE = 0,
	THREAD_BLOCK_WAITQ = 1,    /* waitq_wait_locked */
	THREAD_BLOCK_SLEEP = 2,    /* thread_sleep_until */
	THREAD_BLOCK_JOIN = 3,     /* thread_join (on the target's joiners) */
	THREAD_BLOCK_PERIOD = 4,   /* EDF: job done, waiting for the next release */
	THREAD_BLOCK_THROTTLE = 5, /* EDF: budget used up before the job was done */
};

/* Scheduling classes, highest first (docs/scheduling.md). */
enum sched_class {
	SCHED_CLASS_EDF = 0,     /* deadline threads: earliest deadline first */
	SCHED_CLASS_HIGH = 1,    /* high band: round robin, time slice */
	SCHED_CLASS_NORMAL = 2,  /* normal band: round robin, time slice */
	SCHED_CLASS_IDLE = 3,    /* the idle thread only */
	SCHED_CLASS_COUNT
};

#define THREAD_F_FPU (1u << 0)   /* has an FP/SIMD save area */
#define THREAD_F_APP (1u << 1)   /* counts against the application's quota */
#define THREAD_F_BOOT (1u << 2)  /* the adopted boot context: no stack of ours */

struct thread_attr {
	const char *name;         /* copied, cut to THREAD_NAME_MAX - 1 */
	uint8_t cls;              /* SCHED_CLASS_HIGH or _NORMAL (EDF: set period) */
	size_t stack_size;        /* 0: THREAD_STACK_DEFAULT */
	unsigned flags;           /* THREAD_F_FPU | THREAD_F_APP */
	uint64_t period_ns;       /* non-zero: an EDF thread (admission applies) */
	uint64_t budget_ns;       /* its CPU time per period */
};

struct thread {
	/* -- scheduler state, guarded by the CPU's interrupt mask -- */
	uintptr_t sp;             /* saved context (arch_context_switch) */
	struct dlist run_node;    /* on a ready queue while READY */
	uint8_t state;            /* enum thread_state */
	uint8_t block;            /* enum thread_block while BLOCKED */
	uint8_t cls;              /* enum sched_class */
	uint8_t flags;            /* THREAD_F_* */
	int64_t slice_left_ns;    /* bands: what is left of the time slice */
	uint64_t runtime_ns;      /* CPU time consumed */
	uint64_t switches_in;     /* times it was switched to */
	uint64_t preempted;       /* times it was preempted */

	/* -- waiting (waitq.c, sched.c) -- */
	struct dlist wait_node;   /* on wait_q->waiters while waiting there */
	struct waitq *wait_q;
	err_t wait_result;
	struct timer wait_timer;  /* the wait's deadline */

	/* -- EDF (sched.c) -- */
	struct {
		uint64_t period_ns, budget_ns;
		uint64_t start_ns;        /* release of job 1 */
		uint64_t deadline_ns;     /* of the current job */
		int64_t budget_left_ns;
		uint32_t released, done;  /* jobs released / completed */
		uint32_t util_ppm;        /* what admission charged */
		uint32_t missed_job;      /* last job recorded as missed */
		uint64_t misses, throttles;
		struct timer release_timer;
	} edf;

	/* -- identity and lifetime (thread.c) -- */
	uint32_t tid;
	char name[THREAD_NAME_MAX];
	uint32_t refs;
	int exit_status;
	struct waitq joiners;     /* threads in thread_join on this one */
	int (*fn)(void *arg);
	void *arg;
	void *stack_mapping;      /* struct vm_mapping *, NULL for the boot thread */
	void *fpu;                /* FP save area or NULL */
	struct dlist all_node;    /* every thread, until freed */
	struct dlist reap_node;   /* on the reaper's list once exited */
	bool reaped;              /* stack and own reference gone */
};

/*
 * thread_spawn - a new READY thread running fn(arg); when fn returns, its
 * value is the exit status. Returns a reference in *out (release it with
 * thread_release). Errors: CAIRN_ERR_INVAL (no fn, bad class, stack size
 * above THREAD_STACK_MAX, EDF parameters refused as malformed),
 * CAIRN_ERR_LIMIT (a quota, or EDF admission: the utilisation bound would
 * be exceeded), CAIRN_ERR_NOMEM (stack or struct), CAIRN_ERR_NOTSUP (no
 * scheduler or no virtual memory yet). Nothing is left allocated on error.
 * Thread context.
 */
err_t thread_spawn(const struct thread_attr *attr, int (*fn)(void *), void *arg,
		   struct thread **out);

/* thread_exit - end the running thread with `status`; wakes its joiners.
 * Never returns. Thread context (not the idle or boot thread). */
noreturn void thread_exit(int status);

/*
 * thread_join - wait until `t` has exited (or the absolute deadline),
 * then store its status. CAIRN_ERR_TIMEOUT, CAIRN_ERR_CANCELED,
 * CAIRN_ERR_DEADLOCK (joining itself). Does not drop the reference.
 */
err_t thread_join(struct thread *t, uint64_t deadline_ns, int *status);

void thread_ref(struct thread *t);
/* thread_release - drop a reference; the last one frees the struct. */
void thread_release(struct thread *t);

/* thread_sleep_until - block until the absolute instant (CAIRN_OK), or
 * until canceled (CAIRN_ERR_CANCELED). */
err_t thread_sleep_until(uint64_t deadline_ns);
err_t thread_sleep(uint64_t ns);

/* thread_yield - let every other ready thread of the same class run first. */
void thread_yield(void);

/* thread_current - the running thread (NULL before sched_init). Any context. */
struct thread *thread_current(void);

/*
 * thread_set_deadline - make `t` (not yet run, or the running thread) an
 * EDF thread with the given period and budget, its first job released now.
 * Admission control (docs/scheduling.md): CAIRN_ERR_INVAL for budget 0,
 * budget > period, period below 4 timer ticks or above 1 hour;
 * CAIRN_ERR_LIMIT if the sum of the charged utilisations would exceed
 * CONFIG_SCHED_EDF_UTIL_PERCENT.
 */
err_t thread_set_deadline(struct thread *t, uint64_t period_ns, uint64_t budget_ns);

/* thread_period_wait - an EDF thread's current job is done: block until
 * the next release. CAIRN_ERR_INVAL for a non-EDF thread. */
err_t thread_period_wait(void);

/* thread_wait_cancel - end t's wait (waitq, sleep, join) with
 * CAIRN_ERR_CANCELED. Returns true if it was waiting. Any context. */
bool thread_wait_cancel(struct thread *t);

/* thread_name_of - copy the name of the live thread `tid`; false if none. */
bool thread_name_of(uint32_t tid, char *buf, size_t len);

/* thread_count - threads that exist (including zombies not yet freed). */
size_t thread_count(void);

const char *thread_state_name(unsigned state);
const char *thread_block_name(unsigned block);

/* thread_dump - one line per thread: tid, name, class, state, what it
 * waits on, CPU time, switches, EDF figures. */
void thread_dump(void);

#endif /* KERNEL_THREAD_H */
