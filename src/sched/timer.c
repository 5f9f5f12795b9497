// SPDX-License-Identifier: BSD-2-Clause
/*
 * The timer queue: a hierarchical timing wheel with a cascade and a due
 * list, driving the one-shot hardware timer (include/kernel/timer.h has the
 * model, granularity and overflow rules).
 *
 * Ticks. expires_tick = ceil(expires_ns / TIMER_TICK_NS), so a timer never
 * fires before its instant. The wheel's own time `now` is the last tick it
 * has processed: every timer whose expiry tick is <= now has left the wheel
 * (fired, or waits on the due list).
 *
 * Placement. Split a tick into 6-bit groups g0 (lowest) .. g10. A timer
 * with expiry tick E > now sits at level L = the highest group in which E
 * and now differ, in slot gL(E). So at level L every timer shares now's
 * groups above L and has gL(E) > gL(now): slots at or below now's index of
 * a level are always empty. The slot's "start" is the tick with now's upper
 * groups, gL = slot and zeros below; nothing in the slot expires before it.
 *
 * The next instant with work is the start of the lowest non-empty slot
 * above now's index on the lowest non-empty level (lower levels' slots all
 * start before the next slot of the level above). The wheel jumps `now`
 * straight there (tickless: no per-tick walking) and splices every slot
 * starting at that tick onto the due list; the due list is then worked off
 * in order: a timer whose tick has come fires, any other is re-inserted
 * (at a lower level: its group L now equals now's). Each step of that work
 * is one unit of the per-interrupt budget; what the budget does not cover
 * is carried to the next tick with the due list intact.
 *
 * Invariants (checked by timer_check, cited by asserts):
 *   T1  bit s of bitmap[L] is set iff slot [L][s] is non-empty.
 *   T2  a timer in slot [L][s] has state WHEEL, level L, slot s, and its
 *       expiry tick E agrees with now above group L, has gL(E) = s.
 *   T3  no slot at or below now's index of its level holds a timer
 *       (equivalently, every timer in the wheel expires after now).
 *   T4  a timer on the due list has state DUE.
 *   T5  stats.pending = timers in slots + timers on the due list.
 *
 * Lock: the interrupt mask of the (one) CPU; every entry point saves and
 * restores it. Callbacks run with it held, in interrupt context.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/log.h>
#include <kernel/fmt.h>
#include <kernel/timer.h>
#include <kernel/trace.h>

STATIC_ASSERT(TIMER_LEVELS * TIMER_SLOT_BITS >= 64, "levels must cover 64-bit ticks");
STATIC_ASSERT(TIMER_SLOTS == 64, "one uint64_t bitmap per level");

static struct {
	uint64_t now;                            /* last processed tick */
	uint64_t bitmap[TIMER_LEVELS];           /* T1 */
	struct dlist slot[TIMER_LEVELS][TIMER_SLOTS];
	struct dlist due;                        /* T4: reached, not yet handled */
	uint64_t programmed_ns;                  /* what the hardware is set for */
	bool advancing;                          /* inside advance() */
	bool ready;
	struct timer_stats stats;
} wheel;

static inline unsigned group_shift(unsigned level)
{
	return level * TIMER_SLOT_BITS;
}

static inline unsigned group_of(uint64_t tick, unsigned level)
{
	unsigned sh = group_shift(level);

	return sh >= 64 ? 0 : (unsigned)(tick >> sh) & (TIMER_SLOTS - 1);
}

/* The tick with `tick`'s groups above `level` kept and the rest zero. */
static inline uint64_t upper_part(uint64_t tick, unsigned level)
{
	unsigned sh = group_shift(level + 1);

	return sh >= 64 ? 0 : (tick >> sh) << sh;
}

static uint64_t ns_to_tick_up(uint64_t ns)
{
	return ns / TIMER_TICK_NS + (ns % TIMER_TICK_NS != 0);
}

static void setup_locked(void)
{
	if (wheel.ready)
		return;
	for (unsigned l = 0; l < TIMER_LEVELS; l++)
		for (unsigned s = 0; s < TIMER_SLOTS; s++)
			dlist_init(&wheel.slot[l][s]);
	dlist_init(&wheel.due);
	wheel.now = arch_clock_ns() / TIMER_TICK_NS;
	wheel.programmed_ns = TIMER_NEVER;
	wheel.ready = true;
}

void timer_subsys_init(void)
{
	unsigned long tok = arch_irq_save();

	if (wheel.ready)
		ASSERT_MSG(wheel.stats.pending == 0, "timer: %llu timers pending at re-init",
			   (unsigned long long)wheel.stats.pending);
	wheel.ready = false;
	wheel.stats = (struct timer_stats){ 0 };
	setup_locked();
	arch_timer_set_deadline(TIMER_NEVER);
	arch_irq_restore(tok);
}

void timer_init(struct timer *t, const char *name, timer_fn fn, void *ctx)
{
	dlist_init(&t->node);
	t->expires_ns = 0;
	t->expires_tick = 0;
	t->fn = fn;
	t->ctx = ctx;
	t->name = name;
	t->state = TIMER_IDLE;
	t->level = t->slot = 0;
}

/* Put a WHEEL-bound timer into its slot, or onto the due list (T2, T3). */
static void insert_locked(struct timer *t)
{
	uint64_t e = t->expires_tick;
	unsigned level, slot;

	if (e <= wheel.now) {
		t->state = TIMER_DUE;
		dlist_push_tail(&wheel.due, &t->node);
		return;
	}
	level = (unsigned)(63 - __builtin_clzll(e ^ wheel.now)) / TIMER_SLOT_BITS;
	slot = group_of(e, level);
	DEBUG_ASSERT(slot > group_of(wheel.now, level)); /* (T3) */
	t->state = TIMER_WHEEL;
	t->level = (uint8_t)level;
	t->slot = (uint8_t)slot;
	dlist_push_tail(&wheel.slot[level][slot], &t->node);
	wheel.bitmap[level] |= 1ull << slot; /* (T1) */
}

static void remove_locked(struct timer *t)
{
	if (t->state == TIMER_WHEEL) {
		struct dlist *head = &wheel.slot[t->level][t->slot];

		dlist_remove(&t->node);
		if (dlist_empty(head))
			wheel.bitmap[t->level] &= ~(1ull << t->slot); /* (T1) */
	} else {
		ASSERT(t->state == TIMER_DUE); /* (T4) */
		dlist_remove(&t->node);
	}
	t->state = TIMER_IDLE;
	wheel.stats.pending--;
}

/* The next tick at which the wheel has work, or TIMER_NEVER. O(levels). */
static uint64_t next_event_locked(void)
{
	for (unsigned l = 0; l < TIMER_LEVELS; l++) {
		uint64_t bm = wheel.bitmap[l];
		unsigned idx;
		uint64_t above;

		if (!bm)
			continue;
		idx = group_of(wheel.now, l);
		above = bm & ~((2ull << idx) - 1); /* slots > idx; idx 63 gives 0 */
		ASSERT_MSG(above == bm, "timer: level %u holds a slot at or below now (T3)", l);
		return upper_part(wheel.now, l) |
		       ((uint64_t)__builtin_ctzll(bm) << group_shift(l));
	}
	return TIMER_NEVER;
}

/* Move every slot starting at tick `e` (== now) onto the due list. */
static void splice_at_locked(uint64_t e)
{
	for (unsigned l = 0; l < TIMER_LEVELS; l++) {
		unsigned sh = group_shift(l);
		unsigned s;

		if (l > 0 && sh < 64 && (e & ((1ull << sh) - 1)) != 0)
			break; /* e is not the start of a slot on this level or above */
		s = group_of(e, l);
		if (!(wheel.bitmap[l] & (1ull << s)))
			continue;
		for (struct dlist *n = wheel.slot[l][s].next; n != &wheel.slot[l][s]; n = n->next)
			dlist_entry(n, struct timer, node)->state = TIMER_DUE;
		dlist_splice_tail(&wheel.due, &wheel.slot[l][s]);
		wheel.bitmap[l] &= ~(1ull << s);
	}
}

/*
 * Work the wheel forward to tick `target` within `budget` steps. Returns
 * the steps used; the due list is non-empty afterwards iff work was carried.
 */
static uint64_t advance_locked(uint64_t target, uint64_t budget)
{
	uint64_t work = 0;

	wheel.advancing = true;
	for (;;) {
		while (!dlist_empty(&wheel.due) && work < budget) {
			struct timer *t = dlist_entry(wheel.due.next, struct timer, node);

			dlist_remove(&t->node);
			work++;
			if (t->expires_tick <= wheel.now) {
				t->state = TIMER_IDLE;
				wheel.stats.pending--;
				wheel.stats.fired++;
				t->fn(t, t->ctx); /* may re-arm t or others */
			} else {
				wheel.stats.cascaded++;
				insert_locked(t); /* lower level: gL(E) == gL(now) now */
			}
		}
		if (!dlist_empty(&wheel.due))
			break; /* budget spent: carry */
		uint64_t e = next_event_locked();

		if (e > target) {
			if (target > wheel.now)
				wheel.now = target;
			break;
		}
		wheel.now = e;
		splice_at_locked(e);
	}
	wheel.advancing = false;
	return work;
}

static void program_locked(uint64_t ns)
{
	if (ns == wheel.programmed_ns)
		return;
	wheel.programmed_ns = ns;
	wheel.stats.programmed++;
	arch_timer_set_deadline(ns);
}

/* The deadline for the wheel's next work, given the clock now. */
static uint64_t next_deadline_locked(uint64_t now_ns)
{
	uint64_t e;

	if (!dlist_empty(&wheel.due))
		return (now_ns / TIMER_TICK_NS + 1) * TIMER_TICK_NS; /* carried: next tick */
	e = next_event_locked();
	if (e == TIMER_NEVER || e > UINT64_MAX / TIMER_TICK_NS)
		return TIMER_NEVER;
	return e * TIMER_TICK_NS;
}

/*
 * Catch the wheel's tick up with the clock when nothing lies in between,
 * so a timer armed after a long idle period lands on a low level.
 */
static void catch_up_locked(uint64_t now_tick)
{
	if (wheel.advancing || now_tick <= wheel.now || !dlist_empty(&wheel.due))
		return;
	if (next_event_locked() > now_tick)
		wheel.now = now_tick;
}

err_t timer_arm(struct timer *t, uint64_t expires_ns)
{
	unsigned long tok;
	uint64_t now_ns;

	if (expires_ns == TIMER_NEVER || !t->fn)
		return CAIRN_ERR_INVAL;
	tok = arch_irq_save();
	setup_locked();
	if (t->state != TIMER_IDLE)
		remove_locked(t);
	now_ns = arch_clock_ns();
	catch_up_locked(now_ns / TIMER_TICK_NS);
	t->expires_ns = expires_ns;
	t->expires_tick = ns_to_tick_up(expires_ns);
	insert_locked(t);
	wheel.stats.pending++;
	wheel.stats.armed++;
	if (!wheel.advancing) {
		/* Already due: as soon as possible. */
		uint64_t want = t->state == TIMER_DUE ? now_ns : next_deadline_locked(now_ns);

		/* Only ever move the hardware deadline earlier here: a later
		 * one (after a cancel) costs one spurious interrupt at most. */
		if (want < wheel.programmed_ns)
			program_locked(want);
	}
	arch_irq_restore(tok);
	return CAIRN_OK;
}

bool timer_cancel(struct timer *t)
{
	unsigned long tok = arch_irq_save();
	bool was = t->state != TIMER_IDLE;

	if (was) {
		remove_locked(t);
		wheel.stats.canceled++;
	}
	arch_irq_restore(tok);
	return was;
}

void timer_interrupt(void)
{
	unsigned long tok = arch_irq_save();
	uint64_t now_ns = arch_clock_ns();
	uint64_t work;

	setup_locked();
	wheel.stats.interrupts++;
	wheel.programmed_ns = TIMER_NEVER; /* it fired: nothing is armed now */
	work = advance_locked(now_ns / TIMER_TICK_NS, TIMER_BUDGET);
	if (work > wheel.stats.max_work)
		wheel.stats.max_work = work;
	if (!dlist_empty(&wheel.due)) {
		wheel.stats.carried++;
		trace_record(TRACE_TIMER_CARRY, 0, 0, work);
	}
	program_locked(next_deadline_locked(now_ns));
	arch_irq_restore(tok);
}

uint64_t timer_next_ns(void)
{
	return wheel.programmed_ns;
}

void timer_stats_get(struct timer_stats *out)
{
	unsigned long tok = arch_irq_save();

	*out = wheel.stats;
	arch_irq_restore(tok);
}

err_t timer_check(void)
{
	unsigned long tok = arch_irq_save();
	uint64_t count = 0;
	err_t err = CAIRN_OK;

	setup_locked();
	for (unsigned l = 0; l < TIMER_LEVELS && !err; l++) {
		for (unsigned s = 0; s < TIMER_SLOTS && !err; s++) {
			struct dlist *head = &wheel.slot[l][s];
			bool bit = (wheel.bitmap[l] >> s) & 1;

			if (bit == dlist_empty(head)) {
				LOG_ERR("timer: T1: level %u slot %u bit %d but list %s", l, s, bit,
					dlist_empty(head) ? "empty" : "non-empty");
				err = CAIRN_ERR_CORRUPT;
				break;
			}
			if (!dlist_empty(head) && s <= group_of(wheel.now, l)) {
				LOG_ERR("timer: T3: level %u slot %u at or below now's index %u", l, s,
					group_of(wheel.now, l));
				err = CAIRN_ERR_CORRUPT;
				break;
			}
			for (struct dlist *n = head->next; n != head; n = n->next) {
				struct timer *t = dlist_entry(n, struct timer, node);

				count++;
				if (t->state != TIMER_WHEEL || t->level != l || t->slot != s ||
				    group_of(t->expires_tick, l) != s ||
				    upper_part(t->expires_tick, l) != upper_part(wheel.now, l) ||
				    t->expires_tick <= wheel.now) {
					LOG_ERR("timer: T2: '%s' (tick %llu, state %u, %u/%u) in "
						"slot %u/%u, now %llu", t->name ? t->name : "?",
						(unsigned long long)t->expires_tick, t->state, t->level,
						t->slot, l, s, (unsigned long long)wheel.now);
					err = CAIRN_ERR_CORRUPT;
					break;
				}
			}
		}
	}
	for (struct dlist *n = wheel.due.next; !err && n != &wheel.due; n = n->next) {
		count++;
		if (dlist_entry(n, struct timer, node)->state != TIMER_DUE) {
			LOG_ERR("timer: T4: a timer on the due list is not DUE");
			err = CAIRN_ERR_CORRUPT;
		}
	}
	if (!err && count != wheel.stats.pending) {
		LOG_ERR("timer: T5: %llu timers queued, %llu counted pending",
			(unsigned long long)count, (unsigned long long)wheel.stats.pending);
		err = CAIRN_ERR_CORRUPT;
	}
	arch_irq_restore(tok);
	return err;
}

void timer_dump(void)
{
	unsigned long tok = arch_irq_save();
	unsigned shown = 0;

	setup_locked();
	kprintf("timer: tick %llu ns, now tick %llu, next deadline %lld ns, pending %llu, "
		"armed %llu, fired %llu, canceled %llu, cascaded %llu, interrupts %llu, "
		"carried %llu, max work %llu\n",
		(unsigned long long)TIMER_TICK_NS, (unsigned long long)wheel.now,
		wheel.programmed_ns == TIMER_NEVER ? -1ll : (long long)wheel.programmed_ns,
		(unsigned long long)wheel.stats.pending, (unsigned long long)wheel.stats.armed,
		(unsigned long long)wheel.stats.fired, (unsigned long long)wheel.stats.canceled,
		(unsigned long long)wheel.stats.cascaded, (unsigned long long)wheel.stats.interrupts,
		(unsigned long long)wheel.stats.carried, (unsigned long long)wheel.stats.max_work);
	for (unsigned l = 0; l < TIMER_LEVELS; l++) {
		for (unsigned s = 0; s < TIMER_SLOTS; s++) {
			for (struct dlist *n = wheel.slot[l][s].next; n != &wheel.slot[l][s];
			     n = n->next) {
				struct timer *t = dlist_entry(n, struct timer, node);

				if (shown++ < 32)
					kprintf("  level %u slot %2u: '%s' at %llu ns\n", l, s,
						t->name ? t->name : "?",
						(unsigned long long)t->expires_ns);
			}
		}
	}
	arch_irq_restore(tok);
}
