// SPDX-License-Identifier: BSD-2-Clause
/*
 * Wait queues and the one wait primitive every blocking call uses
 * (include/kernel/waitq.h has the contract).
 *
 * A wait has three ways to end - wake, deadline, cancel - and all three go
 * through sched_wait_end_locked(), which acts only if the thread is still
 * in that wait: the first one wins, the others find nothing to do. The
 * winner unlinks the thread from its queue, cancels its wait timer and
 * stores the result before making it ready, so a thread is never on a
 * wait queue, with a pending timer, after its wait is over (S5, S6).
 * Because everything runs under the interrupt mask on one CPU, those three
 * are totally ordered; tests/unit/sched/test_races.c enumerates the orders.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/waitq.h>

#include "sched_internal.h"

void waitq_init(struct waitq *wq, const char *name)
{
	dlist_init(&wq->waiters);
	wq->name = name;
	wq->depth = wq->high_water = 0;
	wq->waits = wq->wakes = 0;
}

void wait_timeout_fired(struct timer *tm, void *ctx)
{
	(void)tm;
	(void)sched_wait_end_locked(ctx, CAIRN_ERR_TIMEOUT, 0);
}

err_t wait_locked(struct waitq *wq, uint64_t deadline_ns, enum thread_block why)
{
	struct thread *t = thread_current();

	spin_assert_none_held("wait"); /* sleep/join/waitq with a spinlock held panics (Locks) */
	DEBUG_ASSERT(!arch_irq_enabled());
	ASSERT_MSG(t && !sched_in_irq(), "wait: only threads can wait");
	if (deadline_ns != TIMER_NEVER && deadline_ns <= arch_clock_ns())
		return CAIRN_ERR_TIMEOUT;
	t->wait_result = CAIRN_OK;
	t->wait_q = wq;
	if (wq) {
		dlist_push_tail(&wq->waiters, &t->wait_node);
		wq->waits++;
		if (++wq->depth > wq->high_water)
			wq->high_water = wq->depth;
	}
	if (deadline_ns != TIMER_NEVER)
		ASSERT(timer_arm(&t->wait_timer, deadline_ns) == CAIRN_OK);
	sched_block_locked(why);
	/* The wait is over: whoever ended it unlinked us (S5, S6). */
	DEBUG_ASSERT(!dlist_linked(&t->wait_node) && !timer_pending(&t->wait_timer));
	return t->wait_result;
}

err_t waitq_wait_locked(struct waitq *wq, uint64_t deadline_ns)
{
	return wait_locked(wq, deadline_ns, THREAD_BLOCK_WAITQ);
}

size_t waitq_wake_locked(struct waitq *wq, size_t n, err_t result)
{
	struct thread *me = thread_current();
	uint32_t waker = me && !sched_in_irq() ? me->tid : 0;
	size_t woken = 0;

	DEBUG_ASSERT(!arch_irq_enabled());
	while (woken < n && !dlist_empty(&wq->waiters)) {
		struct thread *t = dlist_entry(wq->waiters.next, struct thread, wait_node);

		ASSERT(t->wait_q == wq); /* (S5) */
		ASSERT(sched_wait_end_locked(t, result, waker));
		woken++;
	}
	wq->wakes += woken;
	return woken;
}

bool waitq_wake_one(struct waitq *wq)
{
	unsigned long tok = arch_irq_save();
	size_t n = waitq_wake_locked(wq, 1, CAIRN_OK);

	arch_irq_restore(tok);
	sched_preempt_check(); /* P2 */
	return n == 1;
}

size_t waitq_wake_all(struct waitq *wq)
{
	unsigned long tok = arch_irq_save();
	size_t n = waitq_wake_locked(wq, SIZE_MAX, CAIRN_OK);

	arch_irq_restore(tok);
	sched_preempt_check(); /* P2 */
	return n;
}
