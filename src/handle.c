// SPDX-License-Identifier: BSD-2-Clause
/*
 * Handle tables (see include/kernel/handle.h for the value format and the
 * order of checks).
 *
 * Invariants:
 *  (H1) a slot is free iff its object is NULL; t->used counts live slots.
 *  (H2) a live slot's gen is in 1..HANDLE_GEN_MAX and its type is non-zero.
 *  (H3) a handle value is valid iff its subsystem is t->subsys, its slot is
 *       live and its generation equals the slot's.
 *  (H4) duplicate never yields rights outside the original's.
 *
 * Lock order (docs/architecture.md, "Locks"): table lock -> audit lock.
 * A table's spinlock guards its slots and `used`; the audit ring has its
 * own spinlock. Nothing here allocates, blocks or calls out.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/handle.h>
#include <kernel/log.h>
#include <kernel/string.h>

#define HANDLE_GEN_MAX ((1u << HANDLE_GEN_BITS) - 1)

static struct spinlock audit_lock = SPINLOCK_INIT("handle audit");
static struct {
	struct handle_audit_event ring[HANDLE_AUDIT_RING];
	uint64_t head;
} audit GUARDED_BY(audit_lock);

static void audit_append(uint8_t op, uint8_t subsys, handle_t h, handle_t parent,
			 rights_t rights)
{
	unsigned long irq = spin_lock_irqsave(&audit_lock);
	struct handle_audit_event *e = &audit.ring[audit.head++ % HANDLE_AUDIT_RING];

	e->time_ns = arch_clock_ns();
	e->op = op;
	e->subsys = subsys;
	e->handle = h;
	e->parent = parent;
	e->rights = rights;
	spin_unlock_irqrestore(&audit_lock, irq);
}

/* Readers lock a const table: the lock is not part of what const protects. */
static inline struct handle_table *mut(const struct handle_table *t)
{
	return (struct handle_table *)(uintptr_t)t;
}

static handle_t encode(struct handle_table *t, size_t slot) REQUIRES(t->lock)
{
	return ((handle_t)t->subsys << (HANDLE_SLOT_BITS + HANDLE_GEN_BITS)) |
	       ((handle_t)t->slots[slot].gen << HANDLE_SLOT_BITS) | (handle_t)slot;
}

/* The slot `h` names if (H3) holds, else NULL. */
static struct handle_slot *resolve(struct handle_table *t, handle_t h) REQUIRES(t->lock)
{
	uint32_t subsys = h >> (HANDLE_SLOT_BITS + HANDLE_GEN_BITS);
	uint32_t gen = (h >> HANDLE_SLOT_BITS) & HANDLE_GEN_MAX;
	uint32_t slot = h & (HANDLE_SLOTS_MAX - 1);
	struct handle_slot *s;

	if (subsys != t->subsys || slot >= t->nslots)
		return NULL;
	s = &t->slots[slot];
	if (!s->object || s->gen != gen)
		return NULL;
	return s;
}

err_t handle_table_init(struct handle_table *t, const char *name, uint8_t subsys,
			struct handle_slot *slots, size_t nslots)
{
	if (!t || !slots || nslots == 0 || nslots > HANDLE_SLOTS_MAX || subsys == 0 ||
	    subsys > HANDLE_SUBSYS_MAX)
		return CAIRN_ERR_INVAL;
	memset(slots, 0, nslots * sizeof(*slots));
	for (size_t i = 0; i < nslots; i++)
		slots[i].gen = 1;
	spin_lock_init(&t->lock, name);
	t->name = name;
	t->subsys = subsys;
	t->slots = slots;
	t->nslots = nslots;
	t->used = 0;
	return CAIRN_OK;
}

/* Put an object into a free slot; the caller audits. */
static err_t insert(struct handle_table *t, void *object, uint16_t type,
		    rights_t rights, handle_t *out) REQUIRES(t->lock)
{
	if (t->used == t->nslots)
		return CAIRN_ERR_LIMIT;
	for (size_t i = 0; i < t->nslots; i++) {
		struct handle_slot *s = &t->slots[i];

		if (s->object)
			continue;
		DEBUG_ASSERT(s->gen >= 1 && s->gen <= HANDLE_GEN_MAX); /* (H2) */
		s->object = object;
		s->type = type;
		s->rights = rights;
		t->used++;
		*out = encode(t, i);
		return CAIRN_OK;
	}
	spin_release_for_panic(&t->lock);
	PANIC("handle table %s: used=%zu of %zu but no free slot (H1 broken)", t->name,
	      t->used, t->nslots);
}

err_t handle_table_grant(struct handle_table *t, void *object, uint16_t type,
			 rights_t rights, handle_t *out)
{
	unsigned long irq;
	err_t err;

	if (!object || type == 0 || (rights & ~CAIRN_RIGHTS_ALL) || !out)
		return CAIRN_ERR_INVAL;
	irq = spin_lock_irqsave(&t->lock);
	err = insert(t, object, type, rights, out);
	if (err == CAIRN_OK)
		audit_append(HANDLE_AUDIT_GRANT, t->subsys, *out, 0, rights);
	spin_unlock_irqrestore(&t->lock, irq);
	return err;
}

err_t handle_table_lookup(const struct handle_table *t, handle_t h, uint16_t type,
			  rights_t required, void **object)
{
	struct handle_table *mt = mut(t);
	unsigned long irq = spin_lock_irqsave(&mt->lock);
	const struct handle_slot *s = resolve(mt, h);
	err_t err = CAIRN_OK;

	if (!s)
		err = CAIRN_ERR_BADHANDLE;
	else if (s->type != type)
		err = CAIRN_ERR_WRONGTYPE;
	else if ((s->rights & required) != required)
		err = CAIRN_ERR_ACCESS;
	else if (object)
		*object = s->object;
	spin_unlock_irqrestore(&mt->lock, irq);
	return err;
}

err_t handle_table_duplicate(struct handle_table *t, handle_t h, rights_t rights,
			     handle_t *out)
{
	unsigned long irq = spin_lock_irqsave(&t->lock);
	struct handle_slot *s = resolve(t, h);
	err_t err;

	if (!s)
		err = CAIRN_ERR_BADHANDLE;
	else if (!(s->rights & CAIRN_RIGHT_DUPLICATE) || (rights & ~s->rights))
		err = CAIRN_ERR_ACCESS; /* (H4) */
	else if (!out)
		err = CAIRN_ERR_INVAL;
	else
		err = insert(t, s->object, s->type, rights, out);
	if (err == CAIRN_OK)
		audit_append(HANDLE_AUDIT_DUPLICATE, t->subsys, *out, h, rights);
	spin_unlock_irqrestore(&t->lock, irq);
	return err;
}

err_t handle_table_close(struct handle_table *t, handle_t h)
{
	unsigned long irq = spin_lock_irqsave(&t->lock);
	struct handle_slot *s = resolve(t, h);

	if (!s) {
		spin_unlock_irqrestore(&t->lock, irq);
		return CAIRN_ERR_BADHANDLE;
	}
	s->object = NULL;
	s->type = 0;
	s->rights = 0;
	/* Skip generation 0 so that no value can ever be 0 (H2). */
	s->gen = s->gen == HANDLE_GEN_MAX ? 1 : s->gen + 1;
	t->used--;
	audit_append(HANDLE_AUDIT_CLOSE, t->subsys, h, 0, 0);
	spin_unlock_irqrestore(&t->lock, irq);
	return CAIRN_OK;
}

rights_t handle_rights(const struct handle_table *t, handle_t h)
{
	struct handle_table *mt = mut(t);
	unsigned long irq = spin_lock_irqsave(&mt->lock);
	const struct handle_slot *s = resolve(mt, h);
	rights_t r = s ? s->rights : 0;

	spin_unlock_irqrestore(&mt->lock, irq);
	return r;
}

size_t handle_table_used(const struct handle_table *t)
{
	struct handle_table *mt = mut(t);
	unsigned long irq = spin_lock_irqsave(&mt->lock);
	size_t n = mt->used;

	spin_unlock_irqrestore(&mt->lock, irq);
	return n;
}

err_t handle_table_check(const struct handle_table *t)
{
	struct handle_table *mt = mut(t);
	unsigned long irq = spin_lock_irqsave(&mt->lock);
	size_t live = 0, bad = SIZE_MAX, used;

	for (size_t i = 0; i < mt->nslots; i++) {
		const struct handle_slot *s = &mt->slots[i];

		if (s->object)
			live++;
		if (s->gen < 1 || s->gen > HANDLE_GEN_MAX || (s->object && s->type == 0) ||
		    (!s->object && (s->type || s->rights)))
			bad = i;
	}
	used = mt->used;
	spin_unlock_irqrestore(&mt->lock, irq);
	if (bad != SIZE_MAX) {
		LOG_ERR("handle table %s: H2: slot %zu is malformed", t->name, bad);
		return CAIRN_ERR_CORRUPT;
	}
	if (live != used) {
		LOG_ERR("handle table %s: H1: %zu live slots, %zu counted", t->name, live, used);
		return CAIRN_ERR_CORRUPT;
	}
	return CAIRN_OK;
}

size_t handle_audit_read(struct handle_audit_event *out, size_t max)
{
	unsigned long irq = spin_lock_irqsave(&audit_lock);
	uint64_t held = audit.head < HANDLE_AUDIT_RING ? audit.head : HANDLE_AUDIT_RING;
	uint64_t n = held < max ? held : max;

	for (uint64_t i = 0; i < n; i++)
		out[i] = audit.ring[(audit.head - n + i) % HANDLE_AUDIT_RING];
	spin_unlock_irqrestore(&audit_lock, irq);
	return (size_t)n;
}

void handle_audit_dump(void)
{
	static const char *const ops[] = { "?", "grant", "duplicate", "close" };
	struct handle_audit_event ev[HANDLE_AUDIT_RING];
	size_t n = handle_audit_read(ev, ARRAY_SIZE(ev));

	LOG_INFO("handles: audit log, %zu events (newest last)", n);
	for (size_t i = 0; i < n; i++)
		LOG_INFO("handles:  %llu ns %-9s subsys %u handle %#x parent %#x rights %#x",
			 (unsigned long long)ev[i].time_ns, ops[ev[i].op & 3],
			 ev[i].subsys, ev[i].handle, ev[i].parent, ev[i].rights);
}
