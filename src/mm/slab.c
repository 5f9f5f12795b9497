// SPDX-License-Identifier: BSD-2-Clause
/*
 * Slab caches (see include/kernel/mm/slab.h for the model, the debug-mode
 * layout and the API).
 *
 * A slab is a buddy block of 2^order pages, aligned to its size; its
 * header (struct slab) sits at the start, the slots follow. Free slots are
 * chained through a link inside each slot (at the object's start without
 * debug, in the track area with debug, so that poison covers the whole
 * object). Every frame of a slab points at the slab header (frame->priv),
 * so that kfree() can find the cache of any pointer.
 *
 * Invariants:
 *  (S1) a slab is on exactly one of its cache's lists: full iff inuse ==
 *       objs_per_slab; empty only with inuse == 0; partial otherwise. An
 *       unused slab stays on the partial list when it is the only one there
 *       (the cache's current slab), so that an alloc/free pair on a quiet
 *       cache never moves slabs between lists.
 *  (S2) a slab's free list holds exactly objs_per_slab - inuse distinct
 *       slots of that slab.
 *  (S3) sum of inuse over the cache's slabs == objects in use (allocs -
 *       frees) + objects in the magazine.
 *  (S5) the magazine (non-debug caches) holds up to SLAB_MAGAZINE objects
 *       freed by users but not yet returned to their slabs; allocation
 *       takes from it first (LIFO, cache-warm). It makes an alloc+free
 *       pair a handful of instructions, like a per-CPU cache in SLUB.
 *  (S4) debug: a slot on the free list has state TRACK_FREE, poison
 *       intact and red zones intact; an allocated slot has TRACK_ALLOCATED
 *       and red zones intact until it is freed.
 *
 * Lock order (docs/architecture.md, "Locks"):
 *     cache list lock -> cache lock -> buddy lock -> log lock
 * Each cache's spinlock (c->lock) guards its lists, its slabs' headers and
 * free lists and the statistics; the magazine is lock-free (the fast path
 * disables preemption and marks it busy, see mag_enter; whoever drains it
 * also holds c->lock, so interrupts are off meanwhile); slab creation and
 * destruction call the buddy allocator under it (cache -> buddy, never
 * the reverse: buddy.c calls nothing here). The global list of caches
 * (all_caches, for slab_stats_log) has its own lock, taken before any
 * cache's. Debug checks panic under the lock; PANIC takes no lock.
 * slab_cache_find reads an object's frame and slab header without a lock:
 * the caller owns the object, so neither changes under it.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/fmt.h>
#include <kernel/log.h>
#include <kernel/mm/slab.h>
#include <kernel/preempt.h>
#include <kernel/string.h>

#define SLAB_MAGIC 0x51ab0c4eu
#define SLAB_EMPTY_KEEP 1
#define SLAB_MIN_OBJS 8

enum { ON_PARTIAL = 1, ON_FULL = 2, ON_EMPTY = 3 };

/* A bug found under a cache's lock: release the lock, then report. */
#define CACHE_PANIC(c, ...)                                                     \
	do {                                                                   \
		spin_release_for_panic((struct spinlock *)(uintptr_t)&(c)->lock); \
		PANIC(__VA_ARGS__);                                            \
	} while (0)
#define CACHE_ASSERT_MSG(c, x, fmt, ...)                                        \
	do {                                                                   \
		if (unlikely(!(x)))                                            \
			CACHE_PANIC(c, "assertion failed: %s: " fmt, #x, ##__VA_ARGS__); \
	} while (0)
enum { TRACK_FREE = 0x0f4ee000u, TRACK_ALLOCATED = 0xa110c000u };

struct slab {
	struct slab *next, *prev;
	struct slab_cache *cache;
	void *freelist; /* slot addresses */
	uint32_t inuse;
	uint32_t magic;
	uint8_t list;   /* ON_* */
};

struct slab_track {
	void *link;
	const void *alloc_caller;
	const void *free_caller;
	uint32_t state; /* TRACK_* */
	uint32_t pad;
};

static struct spinlock caches_lock = SPINLOCK_INIT("slab caches");
static struct slab_cache *all_caches GUARDED_BY(caches_lock);

static inline size_t slab_bytes(const struct slab_cache *c)
{
	return PAGE_SIZE << c->order;
}

static inline struct slab *slab_of(const struct slab_cache *c, const void *p)
{
	return (struct slab *)((uintptr_t)p & c->slab_mask);
}

static inline void **link_of(const struct slab_cache *c, void *slot)
{
	return (void **)(void *)((char *)slot + c->link_offset);
}

static inline struct slab_track *track_of(const struct slab_cache *c, void *slot)
{
	return (struct slab_track *)(void *)((char *)slot + c->link_offset);
}

/* ---- lists ---------------------------------------------------------------- */

static struct slab_list *list_of(struct slab_cache *c, unsigned which) REQUIRES(c->lock)
{
	return which == ON_PARTIAL ? &c->partial : which == ON_FULL ? &c->full : &c->empty;
}

static void list_add(struct slab_cache *c, struct slab *s, unsigned which)
	REQUIRES(c->lock)
{
	struct slab_list *l = list_of(c, which);

	s->list = (uint8_t)which;
	s->prev = NULL;
	s->next = l->head;
	if (l->head)
		l->head->prev = s;
	l->head = s;
	l->count++;
}

static void list_del(struct slab_cache *c, struct slab *s)
	REQUIRES(c->lock)
{
	struct slab_list *l = list_of(c, s->list);

	if (s->prev)
		s->prev->next = s->next;
	else
		l->head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	l->count--;
	s->list = 0;
}

static void list_move(struct slab_cache *c, struct slab *s, unsigned which)
	REQUIRES(c->lock)
{
	list_del(c, s);
	list_add(c, s, which);
}

/* ---- setup ------------------------------------------------------------------- */

static void unlink_cache(struct slab_cache *c) REQUIRES(caches_lock)
{
	for (struct slab_cache **p = &all_caches; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			return;
		}
	}
}


err_t slab_cache_init(struct slab_cache *c, const char *name, size_t size, size_t align,
		      unsigned flags, struct buddy *pages)
{
	size_t slot, first;
	unsigned long irq;
	bool debug;

	if (align == 0)
		align = 8;
	if (size == 0 || size > SLAB_OBJ_MAX || !IS_POW2(align) || align > PAGE_SIZE ||
	    (flags & ~(SLAB_F_DEBUG | SLAB_F_NODEBUG | SLAB_F_DMA32)) || !pages || !name)
		return CAIRN_ERR_INVAL;
	align = MAX(align, sizeof(void *));
	debug = (flags & SLAB_F_DEBUG) || (CONFIG_MM_DEBUG && !(flags & SLAB_F_NODEBUG));

	irq = spin_lock_irqsave(&caches_lock);
	unlink_cache(c); /* re-initialising a cache struct is allowed */
	spin_unlock_irqrestore(&caches_lock, irq);
	memset(c, 0, sizeof(*c));
	spin_lock_init(&c->lock, name);
	c->name = name;
	c->pages = pages;
	c->obj_size = (uint32_t)size;
	c->align = (uint32_t)align;
	c->flags = flags;
	c->debug = debug;
	if (debug) {
		size_t left = ALIGN_UP((size_t)SLAB_REDZONE_SIZE, align);
		size_t track = ALIGN_UP(left + size + SLAB_REDZONE_SIZE, sizeof(void *));

		c->obj_offset = (uint32_t)left;
		c->link_offset = (uint32_t)track;
		slot = ALIGN_UP(track + sizeof(struct slab_track), align);
	} else {
		c->obj_offset = 0;
		c->link_offset = 0;
		slot = ALIGN_UP(size, align);
	}
	first = ALIGN_UP(sizeof(struct slab), align);
	c->slot_size = (uint32_t)slot;
	c->first_offset = (uint32_t)first;
	for (c->order = 0; c->order <= SLAB_ORDER_MAX; c->order++) {
		c->objs_per_slab = (uint32_t)((slab_bytes(c) - first) / slot);
		if (c->objs_per_slab >= SLAB_MIN_OBJS)
			break;
	}
	if (c->order > SLAB_ORDER_MAX) {
		c->order = SLAB_ORDER_MAX;
		c->objs_per_slab = (uint32_t)((slab_bytes(c) - first) / slot);
		if (c->objs_per_slab == 0)
			return CAIRN_ERR_INVAL;
	}
	c->slab_mask = ~((uintptr_t)slab_bytes(c) - 1);
	irq = spin_lock_irqsave(&caches_lock);
	c->next = all_caches;
	all_caches = c;
	spin_unlock_irqrestore(&caches_lock, irq);
	return CAIRN_OK;
}

/* ---- debug checks -------------------------------------------------------------- */

/* The first byte of [p, p + n) that is not `v`, or -1. */
static long first_not(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return (long)i;
	return -1;
}

static void debug_fill_redzones(const struct slab_cache *c, uint8_t *slot)
{
	memset(slot, SLAB_REDZONE, c->obj_offset);
	memset(slot + c->obj_offset + c->obj_size, SLAB_REDZONE,
	       c->link_offset - c->obj_offset - c->obj_size);
}

static void debug_check_redzones(const struct slab_cache *c, uint8_t *slot, const char *when,
				 const void *caller)
{
	struct slab_track *t = track_of(c, slot);
	size_t right = c->obj_offset + c->obj_size;
	long bad = first_not(slot, c->obj_offset, SLAB_REDZONE);

	if (bad >= 0)
		CACHE_PANIC(c, "slab %s: red zone before object %p overwritten (byte -%ld is %#x), "
		      "found at %s by %p; object allocated by %p", c->name,
		      (void *)(slot + c->obj_offset), (long)c->obj_offset - bad, slot[bad], when,
		      caller, t->alloc_caller);
	bad = first_not(slot + right, c->link_offset - right, SLAB_REDZONE);
	if (bad >= 0)
		CACHE_PANIC(c, "slab %s: red zone after object %p (size %u) overwritten (byte +%ld is "
		      "%#x), found at %s by %p; object allocated by %p", c->name,
		      (void *)(slot + c->obj_offset), c->obj_size, (long)c->obj_size + bad,
		      slot[right + bad], when, caller, t->alloc_caller);
}

static void debug_on_alloc(struct slab_cache *c, uint8_t *slot, const void *caller)
	REQUIRES(c->lock)
{
	struct slab_track *t = track_of(c, slot);
	uint8_t *obj = slot + c->obj_offset;
	long bad;

	CACHE_ASSERT_MSG(c, t->state == TRACK_FREE, "slab %s: free list holds object %p in state %#x",
		   c->name, (void *)obj, t->state);
	bad = first_not(obj, c->obj_size, SLAB_POISON_FREE);
	if (bad >= 0)
		CACHE_PANIC(c, "slab %s: use after free: object %p was written after it was freed by %p "
		      "(byte +%ld is %#x, expected %#x); found when %p allocated it", c->name,
		      (void *)obj, t->free_caller, bad, obj[bad], SLAB_POISON_FREE, caller);
	debug_check_redzones(c, slot, "allocation", caller);
	memset(obj, SLAB_POISON_ALLOC, c->obj_size);
	t->state = TRACK_ALLOCATED;
	t->alloc_caller = caller;
}

/* The slot of `obj` in slab `s`, or a panic saying why there is none. */
static uint8_t *debug_slot_of(struct slab_cache *c, struct slab *s, void *obj,
			      const void *caller)
{
	uintptr_t base = (uintptr_t)s + c->first_offset;
	uintptr_t off = (uintptr_t)obj - base;

	if (s->magic != SLAB_MAGIC || s->cache != c)
		CACHE_PANIC(c, "slab %s: invalid free of %p by %p: not an object of this cache%s%s", c->name,
		      obj, caller, s->magic == SLAB_MAGIC ? "; it belongs to cache " : "",
		      s->magic == SLAB_MAGIC ? s->cache->name : "");
	if ((uintptr_t)obj < base || off % c->slot_size != c->obj_offset ||
	    off / c->slot_size >= c->objs_per_slab)
		CACHE_PANIC(c, "slab %s: invalid free of %p by %p: not the start of an object", c->name, obj,
		      caller);
	return (uint8_t *)obj - c->obj_offset;
}

static void debug_on_free(struct slab_cache *c, uint8_t *slot, const void *caller)
{
	struct slab_track *t = track_of(c, slot);
	uint8_t *obj = slot + c->obj_offset;

	if (t->state == TRACK_FREE)
		CACHE_PANIC(c, "slab %s: double free of object %p by %p; allocated by %p, first freed by %p",
		      c->name, (void *)obj, caller, t->alloc_caller, t->free_caller);
	CACHE_ASSERT_MSG(c, t->state == TRACK_ALLOCATED, "slab %s: object %p has a corrupt track (%#x)",
		   c->name, (void *)obj, t->state);
	debug_check_redzones(c, slot, "free", caller);
	memset(obj, SLAB_POISON_FREE, c->obj_size);
	t->state = TRACK_FREE;
	t->free_caller = caller;
}

/* ---- slabs ------------------------------------------------------------------------ */

static struct slab *slab_create(struct slab_cache *c)
	REQUIRES(c->lock)
{
	unsigned bflags = (c->flags & SLAB_F_DMA32) ? BUDDY_DMA32 : 0;
	struct slab *s;
	uint8_t *slot;
	paddr_t pa;

	if (buddy_alloc(c->pages, c->order, bflags, PHYS_OWNER_SLAB, &pa) != CAIRN_OK)
		return NULL;
	s = mm_phys_to_virt(pa);
	CACHE_ASSERT_MSG(c, ((uintptr_t)s & ~c->slab_mask) == 0,
		   "slab %s: block %p not aligned to %zu: the direct map offset is misaligned",
		   c->name, (void *)s, slab_bytes(c));
	for (size_t i = 0; i < (1u << c->order); i++)
		buddy_frame(c->pages, pa + i * PAGE_SIZE)->priv = s;
	s->cache = c;
	s->magic = SLAB_MAGIC;
	s->inuse = 0;
	s->freelist = NULL;
	/* Chain the slots so that the lowest address is handed out first. */
	slot = (uint8_t *)s + c->first_offset + (size_t)(c->objs_per_slab - 1) * c->slot_size;
	for (uint32_t i = 0; i < c->objs_per_slab; i++, slot -= c->slot_size) {
		if (c->debug) {
			struct slab_track *t = track_of(c, slot);

			debug_fill_redzones(c, slot);
			memset(slot + c->obj_offset, SLAB_POISON_FREE, c->obj_size);
			t->state = TRACK_FREE;
			t->alloc_caller = t->free_caller = NULL;
		}
		*link_of(c, slot) = s->freelist;
		s->freelist = slot;
	}
	c->stats.slabs_created++;
	if (c->stats.slabs_created - c->stats.slabs_destroyed > c->stats.slabs_peak)
		c->stats.slabs_peak = c->stats.slabs_created - c->stats.slabs_destroyed;
	return s;
}

static void slab_destroy(struct slab_cache *c, struct slab *s)
	REQUIRES(c->lock)
{
	paddr_t pa = mm_virt_to_phys(s);

	DEBUG_ASSERT(s->inuse == 0);
	list_del(c, s);
	s->magic = 0;
	for (size_t i = 0; i < (1u << c->order); i++)
		buddy_frame(c->pages, pa + i * PAGE_SIZE)->priv = NULL;
	buddy_free(c->pages, pa, c->order);
	c->stats.slabs_destroyed++;
}

/* ---- allocation ---------------------------------------------------------------------- */

/* A partial slab from the empty list or a new slab; NULL when out of memory. */
static struct slab *refill(struct slab_cache *c)
	REQUIRES(c->lock)
{
	struct slab *s = c->empty.head;

	if (s) {
		list_move(c, s, ON_PARTIAL);
		return s;
	}
	s = slab_create(c);
	if (s)
		list_add(c, s, ON_PARTIAL);
	return s;
}

/* The slow path: a slot from a slab, under the cache's lock. Out of line,
 * so that the fast path saves no registers. */
static __noinline void *alloc_from_slab(struct slab_cache *c, const void *caller)
{
	unsigned long irq = spin_lock_irqsave(&c->lock);
	struct slab *s = c->partial.head;
	uint8_t *slot;

	if (unlikely(!s) && !(s = refill(c))) {
		c->stats.failures++;
		spin_unlock_irqrestore(&c->lock, irq);
		return NULL;
	}
	slot = s->freelist;
	DEBUG_ASSERT(slot); /* (S1): a partial slab has a free slot */
	s->freelist = *link_of(c, slot);
	if (unlikely(++s->inuse == c->objs_per_slab))
		list_move(c, s, ON_FULL);
	c->stats.allocs++;
	if (c->debug)
		debug_on_alloc(c, slot, caller);
	spin_unlock_irqrestore(&c->lock, irq);
	return slot + c->obj_offset;
}

/* The fast path, inlined into both entry points so that a call costs one
 * function call plus the interrupt mask's two. */
/*
 * The magazine protocol (S5): with preemption disabled, raise `busy`, use
 * the magazine, drop `busy`. An interrupt arriving anywhere in between
 * finds `busy` and leaves the magazine alone; one arriving before `busy`
 * is raised runs to completion first (handlers do not switch threads
 * while preemption is off), so the magazine is read fresh after it.
 */
static __always_inline bool mag_enter(struct slab_magazine *m)
{
	if (unlikely(m->busy))
		return false;
	m->busy = 1;
	compiler_barrier();
	return true;
}

static __always_inline void mag_exit(struct slab_magazine *m)
{
	compiler_barrier();
	m->busy = 0;
}

static __always_inline void *alloc_fast(struct slab_cache *c, const void *caller)
{
	unsigned long irq;

	if (unlikely(mm_fault_inject(MM_FAULT_SLAB))) {
		irq = spin_lock_irqsave(&c->lock);
		c->stats.failures++;
		spin_unlock_irqrestore(&c->lock, irq);
		return NULL;
	}
	preempt_disable();
	if (likely(mag_enter(&c->mag))) { /* (S5) */
		void *obj = NULL;

		if (likely(c->mag.count)) {
			obj = c->mag.objs[--c->mag.count];
			c->mag.allocs++;
		}
		mag_exit(&c->mag);
		preempt_enable();
		if (likely(obj))
			return obj;
	} else {
		preempt_enable();
	}
	return alloc_from_slab(c, caller);
}

void *slab_cache_alloc_from(struct slab_cache *c, const void *caller)
{
	return alloc_fast(c, caller);
}

void *slab_cache_alloc(struct slab_cache *c)
{
	return alloc_fast(c, __builtin_return_address(0));
}

void *slab_cache_zalloc(struct slab_cache *c)
{
	void *p = slab_cache_alloc_from(c, __builtin_return_address(0));

	if (p)
		memset(p, 0, c->obj_size);
	return p;
}

/* An unused slab goes to the empty list, or back to the pages if enough
 * are kept there already. */
static void retire(struct slab_cache *c, struct slab *s) REQUIRES(c->lock)
{
	list_move(c, s, ON_EMPTY);
	if (c->empty.count > SLAB_EMPTY_KEEP)
		slab_destroy(c, s);
}

/* Put obj back on its slab's free list (no statistics). */
static void release(struct slab_cache *c, void *obj, const void *caller)
	REQUIRES(c->lock)
{
	struct slab *s = slab_of(c, obj);
	uint8_t *slot;

	if (c->debug) {
		slot = debug_slot_of(c, s, obj, caller);
		debug_on_free(c, slot, caller);
	} else {
		CACHE_ASSERT_MSG(c, s->cache == c, "slab %s: free of %p, which is not an object of it",
			   c->name, obj);
		slot = obj;
	}
	*link_of(c, slot) = s->freelist;
	s->freelist = slot;
	if (unlikely(s->inuse-- == c->objs_per_slab)) {
		struct slab *cur = c->partial.head;

		list_move(c, s, ON_PARTIAL);
		if (cur && cur->inuse == 0)
			retire(c, cur); /* (S1): no longer alone on partial */
	}
	if (unlikely(s->inuse == 0) && (c->partial.head != s || s->next))
		retire(c, s);
}

/* The slow path of a free, out of line like alloc_from_slab. */
static __noinline void free_to_slab(struct slab_cache *c, void *obj, const void *caller)
{
	unsigned long irq = spin_lock_irqsave(&c->lock);

	release(c, obj, caller); /* panics on a bad pointer: count only good frees */
	c->stats.frees++;
	spin_unlock_irqrestore(&c->lock, irq);
}

static __always_inline void free_fast(struct slab_cache *c, void *obj, const void *caller)
{
	if (!obj)
		return;
	if (likely(!c->debug)) { /* (S5): debug caches check every free */
		bool done = false;

		preempt_disable();
		if (likely(mag_enter(&c->mag))) {
			if (likely(c->mag.count < SLAB_MAGAZINE)) {
				c->mag.objs[c->mag.count++] = obj;
				c->mag.frees++;
				done = true;
			}
			mag_exit(&c->mag);
		}
		preempt_enable();
		if (likely(done))
			return;
	}
	free_to_slab(c, obj, caller);
}

void slab_cache_free_from(struct slab_cache *c, void *obj, const void *caller)
{
	free_fast(c, obj, caller);
}

void slab_cache_free(struct slab_cache *c, void *obj)
{
	free_fast(c, obj, __builtin_return_address(0));
}

/* Calls over the slow path and the magazine: with the lock held, this
 * CPU's magazine cannot change either (interrupts are off). */
static uint64_t allocs_locked(const struct slab_cache *c) REQUIRES(c->lock)
{
	return c->stats.allocs + c->mag.allocs;
}

static uint64_t in_use_locked(const struct slab_cache *c) REQUIRES(c->lock)
{
	return allocs_locked(c) - c->stats.frees - c->mag.frees;
}

/* Return the magazine's objects to their slabs; not from an interrupt
 * that came in the middle of a fast path (`busy`). */
static void drain(struct slab_cache *c)
	REQUIRES(c->lock)
{
	if (c->mag.busy)
		return;
	while (c->mag.count)
		release(c, c->mag.objs[--c->mag.count], NULL);
}

static void shrink_locked(struct slab_cache *c) REQUIRES(c->lock)
{
	drain(c);
	while (c->empty.head)
		slab_destroy(c, c->empty.head);
	if (c->partial.head && c->partial.head->inuse == 0)
		slab_destroy(c, c->partial.head);
}

void slab_cache_shrink(struct slab_cache *c)
{
	unsigned long irq = spin_lock_irqsave(&c->lock);

	shrink_locked(c);
	spin_unlock_irqrestore(&c->lock, irq);
}

uint64_t slab_cache_in_use(const struct slab_cache *c)
{
	struct slab_cache *mc = (struct slab_cache *)(uintptr_t)c; /* the lock is not const */
	unsigned long irq = spin_lock_irqsave(&mc->lock);
	uint64_t n = in_use_locked(mc);

	spin_unlock_irqrestore(&mc->lock, irq);
	return n;
}

void slab_cache_destroy(struct slab_cache *c)
{
	unsigned long irq = spin_lock_irqsave(&c->lock);
	uint64_t in_use = in_use_locked(c);

	if (in_use)
		CACHE_PANIC(c, "slab %s: destroyed with %llu objects still allocated (a leak)", c->name,
		      (unsigned long long)in_use);
	shrink_locked(c);
	CACHE_ASSERT_MSG(c, !c->partial.head && !c->full.head, "slab %s: S1", c->name);
	spin_unlock_irqrestore(&c->lock, irq);
	irq = spin_lock_irqsave(&caches_lock);
	unlink_cache(c);
	spin_unlock_irqrestore(&caches_lock, irq);
}

struct slab_cache *slab_cache_find(const struct buddy *pages, const void *p)
{
	struct page_frame *f = buddy_frame(pages, mm_virt_to_phys(p));
	const struct slab *s;

	if (!f || !f->priv || (f->state == FRAME_ALLOCATED && f->owner != PHYS_OWNER_SLAB) ||
	    f->state == FRAME_FREE)
		return NULL;
	s = f->priv;
	return s->magic == SLAB_MAGIC ? s->cache : NULL;
}

/* ---- checking and statistics ------------------------------------------------------------ */

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (unlikely(!(cond))) {                                       \
			LOG_ERR("slab " __VA_ARGS__);                          \
			return CAIRN_ERR_CORRUPT;                              \
		}                                                              \
	} while (0)

static err_t check_list(const struct slab_cache *c, const struct slab_list *l, unsigned which,
			uint64_t *in_use) REQUIRES(c->lock)
{
	uint64_t n = 0;

	for (struct slab *s = l->head; s; s = s->next, n++) {
		uint64_t nfree = 0;

		CHECK(s->magic == SLAB_MAGIC && s->cache == c && s->list == which,
		      "%s: slab %p has a bad header", c->name, (void *)s);
		CHECK(which == ON_FULL ? s->inuse == c->objs_per_slab :
		      which == ON_EMPTY ? s->inuse == 0 :
					  s->inuse < c->objs_per_slab &&
						  (s->inuse > 0 || l->count == 1),
		      "%s: S1: slab %p with %u in use is on the wrong list", c->name, (void *)s,
		      s->inuse);
		for (void *slot = s->freelist; slot; slot = *link_of(c, slot)) {
			uintptr_t off = (uintptr_t)slot - (uintptr_t)s - c->first_offset;

			CHECK(slab_of(c, slot) == s && off % c->slot_size == 0 &&
				      off / c->slot_size < c->objs_per_slab && nfree < c->objs_per_slab,
			      "%s: S2: slab %p has a bad free-list entry %p", c->name, (void *)s, slot);
			if (c->debug) {
				uint8_t *obj = (uint8_t *)slot + c->obj_offset;
				long bad = first_not(obj, c->obj_size, SLAB_POISON_FREE);

				CHECK(track_of(c, slot)->state == TRACK_FREE,
				      "%s: S4: free object %p is marked allocated", c->name, (void *)obj);
				CHECK(bad < 0, "%s: S4: use after free: object %p freed by %p was "
				      "written at byte +%ld", c->name, (void *)obj,
				      track_of(c, slot)->free_caller, bad);
				CHECK(first_not(slot, c->obj_offset, SLAB_REDZONE) < 0 &&
					      first_not(obj + c->obj_size,
							c->link_offset - c->obj_offset - c->obj_size,
							SLAB_REDZONE) < 0,
				      "%s: S4: red zone of free object %p overwritten", c->name,
				      (void *)obj);
			}
			nfree++;
		}
		CHECK(nfree + s->inuse == c->objs_per_slab,
		      "%s: S2: slab %p has %llu free + %u in use of %u", c->name, (void *)s,
		      (unsigned long long)nfree, s->inuse, c->objs_per_slab);
		*in_use += s->inuse;
	}
	CHECK(n == l->count, "%s: list count %llu, %llu slabs on it", c->name,
	      (unsigned long long)l->count, (unsigned long long)n);
	return CAIRN_OK;
}

static err_t check_locked(const struct slab_cache *c) REQUIRES(c->lock)
{
	uint64_t in_use = 0;
	err_t err;

	err = check_list(c, &c->partial, ON_PARTIAL, &in_use);
	if (!err)
		err = check_list(c, &c->full, ON_FULL, &in_use);
	if (!err)
		err = check_list(c, &c->empty, ON_EMPTY, &in_use);
	if (err)
		return err;
	/* An interrupt that came in the middle of a fast path sees the
	 * magazine and its counts half-updated: S3 holds again after it. */
	CHECK(c->mag.busy || in_use == in_use_locked(c) + c->mag.count,
	      "%s: S3: %llu objects in slabs, %llu in use + %u in the magazine", c->name,
	      (unsigned long long)in_use, (unsigned long long)in_use_locked(c), c->mag.count);
	return CAIRN_OK;
}

err_t slab_cache_check(const struct slab_cache *c)
{
	struct slab_cache *mc = (struct slab_cache *)(uintptr_t)c; /* the lock is not const */
	unsigned long irq = spin_lock_irqsave(&mc->lock);
	err_t err = check_locked(mc);

	spin_unlock_irqrestore(&mc->lock, irq);
	return err;
}

void slab_stats_log(void)
{
	unsigned long list_irq = spin_lock_irqsave(&caches_lock);

	for (struct slab_cache *c = all_caches; c; c = c->next) {
		unsigned long irq = spin_lock_irqsave(&c->lock);
		uint64_t slabs = c->partial.count + c->full.count + c->empty.count;

		if (!allocs_locked(c) && !slabs && !c->stats.failures) {
			spin_unlock_irqrestore(&c->lock, irq);
			continue;
		}
		LOG_INFO("mm: slab %-14s %5u B x%-3u/slab: %llu in use, %llu slabs (peak %llu, "
			 "%llu KiB); churn %llu allocs %llu frees; %llu failures%s",
			 c->name, c->obj_size, c->objs_per_slab,
			 (unsigned long long)in_use_locked(c), (unsigned long long)slabs,
			 (unsigned long long)c->stats.slabs_peak,
			 (unsigned long long)(slabs * slab_bytes(c) / 1024),
			 (unsigned long long)allocs_locked(c),
			 (unsigned long long)(c->stats.frees + c->mag.frees),
			 (unsigned long long)c->stats.failures, c->debug ? " [debug]" : "");
		spin_unlock_irqrestore(&c->lock, irq);
	}
	spin_unlock_irqrestore(&caches_lock, list_irq);
}
