/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The timer queue: every sleep, timeout, time slice and EDF release of the
 * kernel is a struct timer armed here (src/sched/timer.c). It is the only
 * code that programs the one-shot hardware timer (arch_timer_set_deadline),
 * always for the earliest instant at which it has work: the kernel is
 * tickless, an idle machine takes no timer interrupt.
 *
 * Granularity. Time is counted in ticks of TIMER_TICK_NS
 * (CONFIG_SCHED_TIMER_GRANULARITY_US). A timer for instant T fires at the
 * first tick boundary at or after T: never early, at most one tick late
 * (plus interrupt latency), unless a burst is being carried (below).
 *
 * Structure: a hierarchical timing wheel of TIMER_LEVELS levels of 64 slots.
 * Level L holds the timers whose expiry tick agrees with the wheel's
 * current tick in every 6-bit group above group L and differs in group L;
 * the slot is that group's value. Arm and cancel are O(1) (a list insert
 * or removal and a bit in a per-level bitmap). Finding the next instant
 * with work is O(levels) with the bitmaps. When the wheel reaches the start
 * of a slot of level L > 0, the slot's timers cascade: each is re-inserted
 * at a lower level (or fires, at level 0).
 *
 * Overflow: expiry ticks are 64-bit and the 11 levels cover all 64 bits, so
 * no instant is out of range; UINT64_MAX nanoseconds means "never" and is
 * refused by timer_arm (use no timer instead). Tick arithmetic cannot wrap
 * within 584 years of uptime.
 *
 * Bounded work per interrupt: one timer interrupt moves or fires at most
 * CONFIG_SCHED_TIMER_BUDGET timers. The rest stays on the due list and the
 * hardware timer is set for the next tick ("carried"), so a burst of N
 * timers expiring in the same instant takes ceil(N / budget) interrupts
 * and the k-th of them fires at most floor(k / budget) ticks late, while
 * threads still run between those interrupts.
 *
 * Context: every function may be called from thread or interrupt context;
 * each masks interrupts itself (the wheel is per CPU and the interrupt mask
 * is its lock). Callbacks run from timer_interrupt(), in interrupt context,
 * with interrupts disabled: they must not block. A timer is idle again
 * when its callback runs, so the callback may re-arm it.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <kernel/types.h>

/* ---- intrusive doubly linked lists (timer queue, run queues, wait queues) --- */

struct dlist {
	struct dlist *prev, *next;
};

static inline void dlist_init(struct dlist *head)
{
	head->prev = head->next = head;
}

static inline bool dlist_empty(const struct dlist *head)
{
	return head->next == head;
}

/* dlist_linked - true if `n` (initialised with dlist_init) is on a list. */
static inline bool dlist_linked(const struct dlist *n)
{
	return n->next != n;
}

static inline void dlist_insert_before(struct dlist *pos, struct dlist *n)
{
	n->prev = pos->prev;
	n->next = pos;
	pos->prev->next = n;
	pos->prev = n;
}

static inline void dlist_push_tail(struct dlist *head, struct dlist *n)
{
	dlist_insert_before(head, n);
}

static inline void dlist_push_head(struct dlist *head, struct dlist *n)
{
	dlist_insert_before(head->next, n);
}

/* dlist_remove - unlink `n` and leave it self-linked (dlist_linked false). */
static inline void dlist_remove(struct dlist *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->prev = n->next = n;
}

/* dlist_splice_tail - move every node of `from` to the end of `to`. */
static inline void dlist_splice_tail(struct dlist *to, struct dlist *from)
{
	if (dlist_empty(from))
		return;
	from->next->prev = to->prev;
	to->prev->next = from->next;
	from->prev->next = to;
	to->prev = from->prev;
	dlist_init(from);
}

#define dlist_entry(ptr, type, member) container_of(ptr, type, member)

/* ---- timers --------------------------------------------------------------- */

#define TIMER_TICK_NS ((uint64_t)CONFIG_SCHED_TIMER_GRANULARITY_US * 1000u)
#define TIMER_LEVELS 11
#define TIMER_SLOT_BITS 6
#define TIMER_SLOTS (1u << TIMER_SLOT_BITS)
#define TIMER_BUDGET CONFIG_SCHED_TIMER_BUDGET
#define TIMER_NEVER UINT64_MAX

/*
 * A timer's life:
 *
 *            timer_arm                   the wheel reaches its slot
 *   IDLE ---------------> WHEEL ---------------------------------> DUE
 *    ^  ^                 |  ^  |        (expiry already reached)   |
 *    |  |  timer_cancel   |  +--+ cascade: re-inserted lower        |
 *    |  +-----------------+                                         |
 *    |  +-----------------------------------------------------------+
 *    |  |  timer_cancel (DUE)         expired: state = IDLE, fn(ctx) runs
 *    +--+---------------------------------------------------------------+
 *
 * Transitions: timer_arm (IDLE -> WHEEL, or -> DUE if already expired;
 * re-arming an armed timer cancels it first), timer_cancel (WHEEL|DUE ->
 * IDLE), cascade in timer_interrupt (WHEEL -> DUE when its slot is
 * reached; DUE -> WHEEL if it expires later; DUE -> IDLE + callback).
 */
enum timer_state { TIMER_IDLE = 0, TIMER_WHEEL = 1, TIMER_DUE = 2 };

struct timer;
typedef void (*timer_fn)(struct timer *t, void *ctx);

struct timer {
	struct dlist node;       /* in a wheel slot or on the due list */
	uint64_t expires_ns;     /* as asked */
	uint64_t expires_tick;   /* ceil(expires_ns / TIMER_TICK_NS) */
	timer_fn fn;
	void *ctx;
	const char *name;        /* for dumps */
	uint8_t state;           /* enum timer_state */
	uint8_t level, slot;     /* where it is while WHEEL */
};

struct timer_stats {
	uint64_t armed, canceled, fired;
	uint64_t cascaded;       /* re-insertions at a lower level */
	uint64_t interrupts;     /* timer_interrupt calls */
	uint64_t carried;        /* interrupts that left work for the next tick */
	uint64_t max_work;       /* most timers moved or fired in one interrupt */
	uint64_t programmed;     /* arch_timer_set_deadline calls */
	uint64_t pending;        /* timers WHEEL or DUE now */
};

/* timer_init - set up `t` (IDLE) to call fn(t, ctx) when it expires. */
void timer_init(struct timer *t, const char *name, timer_fn fn, void *ctx);

/*
 * timer_arm - fire `t` once arch_clock_ns() reaches `expires_ns` (an
 * absolute instant; one already past fires at the next timer interrupt,
 * which is requested at once). Re-arming a pending timer moves it.
 * CAIRN_ERR_INVAL for TIMER_NEVER or a timer without a callback.
 * Any context.
 */
err_t timer_arm(struct timer *t, uint64_t expires_ns);

/* timer_cancel - disarm `t`; returns true if it was pending (its callback
 * will not run), false if it was idle (already fired or never armed).
 * Any context. */
bool timer_cancel(struct timer *t);

static inline bool timer_pending(const struct timer *t)
{
	return t->state != TIMER_IDLE;
}

/*
 * timer_interrupt - the timer driver's interrupt handler calls this (after
 * acknowledging its device): process every timer due by arch_clock_ns(),
 * within TIMER_BUDGET, and program the next deadline. Interrupt context.
 */
void timer_interrupt(void);

/* timer_subsys_init - an empty wheel at the current time. Boot CPU, init;
 * also used by tests to start over (no timer may be pending). */
void timer_subsys_init(void);

/* timer_next_ns - the instant the hardware timer is programmed for
 * (TIMER_NEVER if none). Any context. */
uint64_t timer_next_ns(void);

void timer_stats_get(struct timer_stats *out);

/*
 * timer_check - the wheel's invariants (see src/sched/timer.c, T1-T5):
 * every bitmap bit matches a non-empty slot, every timer sits in the slot
 * its expiry and the wheel's tick select, nothing in the wheel is already
 * due, counts agree. CAIRN_OK or CAIRN_ERR_CORRUPT (logged). Any context.
 */
err_t timer_check(void);

/* timer_dump - print the wheel's counters and pending timers (first 32). */
void timer_dump(void);

#endif /* KERNEL_TIMER_H */
