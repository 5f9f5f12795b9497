// SPDX-License-Identifier: BSD-2-Clause
/*
 * Exhaustive interleavings of the ways a wait can end: for 2 and 3 threads
 * waiting on one wait queue with a timeout, every order of the events
 *
 *   B(i)  thread i starts waiting (with its deadline)
 *   T(i)  virtual time reaches thread i's deadline (its timer fires)
 *   C(i)  thread i's wait is canceled (thread_wait_cancel)
 *   W     waitq_wake_one
 *
 * is executed for real (threads, timer interrupts, wakes from thread
 * context) and compared with a reference model: the first event that ends
 * a wait decides its result, the others are no-ops; wake_one wakes the
 * longest waiter or nobody (and says so); a wait whose deadline has passed
 * times out at once. After every event the scheduler's and the timer
 * queue's invariants are checked, and at the end nothing is left on the
 * queue or the timer wheel. Deadlines are tick-aligned, so "time reaches
 * d" and "the timer fires" are the same instant.
 */
#include <string.h>

#include "cairn_test.h"
#include "sched_fixture.h"

#include <kernel/arch.h>
#include <kernel/waitq.h>

#define MS 1000000ull
#define MAXT 3
#define MAXE 10

enum ev { EV_B = 0, EV_T = 1, EV_C = 4, EV_W = 7 }; /* T(i) = EV_T + i, C(i) = EV_C + i */

static struct waitq wq;

struct worker {
	uint64_t deadline;
	struct thread *t;
};

static int worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned long tok = arch_irq_save();
	err_t err = waitq_wait_locked(&wq, w->deadline);

	arch_irq_restore(tok);
	return err;
}

enum mstate { M_NEW, M_WAITING, M_DONE };

struct model {
	enum mstate st[MAXT];
	err_t result[MAXT];
	bool passed[MAXT];
	int fifo[MAXT], nfifo;
};

static void fifo_remove(struct model *m, int i)
{
	for (int k = 0; k < m->nfifo; k++) {
		if (m->fifo[k] == i) {
			memmove(&m->fifo[k], &m->fifo[k + 1], (size_t)(m->nfifo - k - 1) * sizeof(int));
			m->nfifo--;
			return;
		}
	}
}

static void model_end(struct model *m, int i, err_t r)
{
	if (m->st[i] != M_WAITING)
		return;
	m->st[i] = M_DONE;
	m->result[i] = r;
	fifo_remove(m, i);
}

static bool next_permutation(int *a, int n)
{
	int i = n - 2, j = n - 1;

	while (i >= 0 && a[i] >= a[i + 1])
		i--;
	if (i < 0)
		return false;
	while (a[j] <= a[i])
		j--;
	int tmp = a[i];
	a[i] = a[j];
	a[j] = tmp;
	for (int l = i + 1, r = n - 1; l < r; l++, r--) {
		tmp = a[l];
		a[l] = a[r];
		a[r] = tmp;
	}
	return true;
}

static void fail_order(const int *order, int n, int step, const char *what)
{
	char buf[128];
	size_t len = 0;
	int b = 0;

	for (int k = 0; k < n; k++) {
		int e = order[k];

		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s",
					e == EV_B ? (b++, "B ") : e == EV_W ? "W " : "");
		if (e >= EV_T && e < EV_C)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "T%d ", e - EV_T);
		else if (e >= EV_C && e < EV_W)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "C%d ", e - EV_C);
	}
	fail_msg("order [%s] step %d: %s", buf, step, what);
}

/* Run one order; returns a code of the outcome for the statistics. */
static void run_order(const int *order, int n, int nthreads, uint64_t *outcomes)
{
	struct worker w[MAXT];
	struct model m = { 0 };
	uint64_t base = (arch_clock_ns() / TIMER_TICK_NS + 1) * TIMER_TICK_NS;
	int rank = 0, started = 0;

	/* Deadlines in the order the T events come. */
	for (int k = 0; k < n; k++)
		if (order[k] >= EV_T && order[k] < EV_C)
			w[order[k] - EV_T].deadline = base + (uint64_t)(++rank) * MS;
	for (int i = 0; i < nthreads; i++)
		w[i].t = NULL;

	for (int k = 0; k < n; k++) {
		int e = order[k];

		if (e == EV_B) {
			struct thread_attr a = sched_fix_attr("racer", SCHED_CLASS_NORMAL, KiB(16));
			int i = started++;

			if (thread_spawn(&a, worker_main, &w[i], &w[i].t) != CAIRN_OK)
				fail_order(order, n, k, "spawn failed");
			thread_yield(); /* it runs (and everything ready before it) */
			if (m.passed[i]) {
				m.st[i] = M_DONE;
				m.result[i] = CAIRN_ERR_TIMEOUT;
			} else {
				m.st[i] = M_WAITING;
				m.fifo[m.nfifo++] = i;
			}
		} else if (e < EV_C) {
			int i = e - EV_T;
			uint64_t now = arch_clock_ns();

			if (w[i].deadline > now)
				hosted_cpu_burn(w[i].deadline - now);
			m.passed[i] = true;
			model_end(&m, i, CAIRN_ERR_TIMEOUT);
		} else if (e < EV_W) {
			int i = e - EV_C;
			bool was = w[i].t && thread_wait_cancel(w[i].t);

			if (was != (m.st[i] == M_WAITING))
				fail_order(order, n, k, "cancel disagrees with the model");
			model_end(&m, i, CAIRN_ERR_CANCELED);
		} else {
			bool woke = waitq_wake_one(&wq);
			bool expect = m.nfifo > 0;

			if (woke != expect)
				fail_order(order, n, k, "wake_one disagrees with the model");
			if (expect)
				model_end(&m, m.fifo[0], CAIRN_OK);
		}
		if (sched_check() != CAIRN_OK || timer_check() != CAIRN_OK)
			fail_order(order, n, k, "invariants broken");
		if ((int)wq.depth != m.nfifo)
			fail_order(order, n, k, "queue depth disagrees with the model");
	}
	/* Every wait has ended by now (all deadlines passed). */
	for (int i = 0; i < nthreads; i++) {
		int status = 1;

		if (thread_join(w[i].t, TIMER_NEVER, &status) != CAIRN_OK)
			fail_order(order, n, n, "join failed");
		if (m.st[i] != M_DONE || status != m.result[i]) {
			char what[96];

			snprintf(what, sizeof(what), "thread %d ended with %s, the model says %s", i,
				 cairn_err_name(status),
				 m.st[i] == M_DONE ? cairn_err_name(m.result[i]) : "still waiting");
			fail_order(order, n, n, what);
		}
		outcomes[status == CAIRN_OK ? 0 : status == CAIRN_ERR_TIMEOUT ? 1 : 2]++;
		thread_release(w[i].t);
	}
	if (!waitq_empty(&wq))
		fail_order(order, n, n, "waiters left on the queue");
	if (!sched_fix_quiet())
		fail_order(order, n, n, "threads or timers left over");
}

static uint64_t run_all(int *events, int n, int nthreads, uint64_t *outcomes)
{
	uint64_t orders = 0;

	waitq_init(&wq, "race");
	do {
		run_order(events, n, nthreads, outcomes);
		orders++;
	} while (next_permutation(events, n));
	return orders;
}

static void test_every_order_of_block_timeout_cancel_and_wake_for_two_threads(void **state)
{
	/* Sorted, as next_permutation starts from the first permutation. */
	int events[] = { EV_B, EV_B, EV_T + 0, EV_T + 1, EV_C + 0, EV_C + 1, EV_W };
	uint64_t outcomes[3] = { 0 }, orders;

	(void)state;
	orders = run_all(events, ARRAY_SIZE(events), 2, outcomes);
	printf("[ INFO     ] 2 threads: %llu orders; waits ended woken %llu, timed out %llu, "
	       "canceled %llu\n", (unsigned long long)orders, (unsigned long long)outcomes[0],
	       (unsigned long long)outcomes[1], (unsigned long long)outcomes[2]);
	assert_int_equal(orders, 5040 / 2);
	assert_true(outcomes[0] && outcomes[1] && outcomes[2]);
}

static void test_every_order_of_block_timeout_cancel_and_wake_for_three_threads(void **state)
{
	int events[] = { EV_B, EV_B, EV_B, EV_T + 0, EV_T + 1, EV_T + 2, EV_C + 1, EV_W };
	uint64_t outcomes[3] = { 0 }, orders;

	(void)state;
	orders = run_all(events, ARRAY_SIZE(events), 3, outcomes);
	printf("[ INFO     ] 3 threads: %llu orders; waits ended woken %llu, timed out %llu, "
	       "canceled %llu\n", (unsigned long long)orders, (unsigned long long)outcomes[0],
	       (unsigned long long)outcomes[1], (unsigned long long)outcomes[2]);
	assert_int_equal(orders, 40320 / 6);
	assert_true(outcomes[0] && outcomes[1] && outcomes[2]);
}

static int group_setup(void **state)
{
	(void)state;
	return sched_fix_start();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_order_of_block_timeout_cancel_and_wake_for_two_threads),
		cmocka_unit_test(test_every_order_of_block_timeout_cancel_and_wake_for_three_threads),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
