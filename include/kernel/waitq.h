/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Wait queues (src/sched/waitq.c): where threads block until something
 * happens - a join, and later IPC endpoints, devices, the filesystem.
 *
 * A wait ends exactly once, by whichever comes first of:
 *   - a wake (waitq_wake_*): the wait returns the waker's result (CAIRN_OK
 *     for the plain wakes);
 *   - its deadline (the thread's wait timer): CAIRN_ERR_TIMEOUT;
 *   - a cancel (thread_wait_cancel): CAIRN_ERR_CANCELED.
 * The later ones find the thread no longer waiting and do nothing. Waiters
 * are woken in FIFO order. A wait queue holds no memory of wakes that found
 * nobody waiting: the caller keeps its condition and checks it with
 * interrupts masked before waiting, under the same mask (the interrupt
 * mask is the lock of every wait queue), so no wake can be lost:
 *
 *     unsigned long tok = arch_irq_save();
 *     while (!cond && err == CAIRN_OK)
 *         err = waitq_wait_locked(&wq, deadline);
 *     arch_irq_restore(tok);
 *
 * Each queue is instrumented: current depth, high-water mark, waits and
 * wakes, for the "who waits on whom" dump (thread_dump).
 */
#ifndef KERNEL_WAITQ_H
#define KERNEL_WAITQ_H

#include <kernel/timer.h>

struct waitq {
	struct dlist waiters;    /* struct thread.wait_node, FIFO */
	const char *name;
	uint32_t depth, high_water;
	uint64_t waits, wakes;
};

/* waitq_init - an empty queue; `name` appears in dumps and traces. */
void waitq_init(struct waitq *wq, const char *name);

/*
 * waitq_wait_locked - block the running thread on `wq` until a wake, the
 * absolute `deadline_ns` (TIMER_NEVER: none) or a cancel; see the file
 * comment. Returns the wake's result, CAIRN_ERR_TIMEOUT (also at once if
 * the deadline has passed) or CAIRN_ERR_CANCELED.
 * Context: thread context (not the idle thread, not an interrupt), with
 * interrupts disabled by the caller; it switches away and returns with
 * interrupts disabled again.
 */
err_t waitq_wait_locked(struct waitq *wq, uint64_t deadline_ns);

/*
 * waitq_wake_locked - end the waits of up to `n` threads of `wq`, oldest
 * first, with `result`. Returns how many were woken. Any context with
 * interrupts disabled; a woken thread that should preempt the running one
 * does so at the next preemption point (sched_preempt_check, the end of an
 * interrupt).
 */
size_t waitq_wake_locked(struct waitq *wq, size_t n, err_t result);

/* waitq_wake_one / waitq_wake_all - the same with CAIRN_OK, masking
 * interrupts themselves and passing a preemption point afterwards (unless
 * called with interrupts disabled or from an interrupt). Any context. */
bool waitq_wake_one(struct waitq *wq);
size_t waitq_wake_all(struct waitq *wq);

static inline bool waitq_empty(const struct waitq *wq)
{
	return dlist_empty(&wq->waiters);
}

#endif /* KERNEL_WAITQ_H */
