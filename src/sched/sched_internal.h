/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to src/sched/: what sched.c, thread.c and waitq.c call of each
 * other beyond include/kernel/sched.h. Interrupts disabled for *_locked.
 */
#ifndef SRC_SCHED_INTERNAL_H
#define SRC_SCHED_INTERNAL_H

#include <kernel/sched.h>

/* thread.c: the running (boot) context as a thread, with one reference. */
err_t thread_adopt(const char *name, struct thread **out);

/* thread.c: an exited thread has switched away for good: free its stack
 * and drop its own reference. Thread context. */
void thread_reaped(struct thread *t);

/* thread.c: the list of every thread (struct thread.all_node). */
struct dlist *thread_all(void);

/* waitq.c: block the running thread for `why` on `wq` (NULL: no queue)
 * until a wake, the deadline or a cancel. */
err_t wait_locked(struct waitq *wq, uint64_t deadline_ns, enum thread_block why);

/* waitq.c: the callback of every thread's wait_timer. */
void wait_timeout_fired(struct timer *tm, void *ctx);

#endif /* SRC_SCHED_INTERNAL_H */
