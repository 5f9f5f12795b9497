/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Slab caches (src/mm/slab.c): fixed-size objects carved from buddy blocks.
 *
 * A cache hands out objects of one size. Its memory comes in slabs: one
 * buddy block of 2^order pages (order chosen so a slab holds at least 8
 * objects), naturally aligned, with a small header at its start and the
 * objects after it. Because the block is aligned to its size in the direct
 * map, the slab of any object is found by rounding the object's address
 * down: free needs no lookup. A slab is on one of three lists: partial
 * (some objects free: allocation takes from here), full, or empty (at most
 * one empty slab is kept per cache; more go back to the buddy allocator).
 *
 * Debug mode (CONFIG_MM_DEBUG, or SLAB_F_DEBUG per cache) lays each object
 * out as
 *
 *     | left red zone | object | right red zone | track |
 *
 * with the red zones filled with SLAB_REDZONE, freed objects filled with
 * SLAB_POISON_FREE, fresh objects with SLAB_POISON_ALLOC, and `track`
 * holding the free-list link, the object's state and who last allocated and
 * freed it. Each free checks: the pointer is the start of an object of this
 * cache (else "invalid free"), the object is allocated (else "double
 * free"), both red zones are intact (else "red zone overwritten"). Each
 * allocation checks that the free object's poison is intact (else "use
 * after free"). A failed check panics with a report naming the cache, the
 * object, the offending byte and the callers.
 *
 * kmalloc (include/kernel/alloc.h) sits on general caches of the sizes in
 * SLAB_KMALLOC_SIZES; larger requests take whole buddy blocks (the
 * "large path", documented in docs/memory.md).
 *
 * Context: any context (interrupt handlers included). Each cache has a
 * spinlock `lock` guarding its lists, slabs and statistics, and a magazine
 * per CPU (struct slab_magazine, lock-free); the lock
 * is taken before the buddy allocator's lock (docs/architecture.md,
 * "Locks"). slab_cache_init and slab_cache_destroy must not race with
 * users of the same cache.
 */
#ifndef KERNEL_MM_SLAB_H
#define KERNEL_MM_SLAB_H

#include <kernel/mm/phys.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>

#define SLAB_F_DEBUG (1u << 0)   /* debug checks even without CONFIG_MM_DEBUG */
#define SLAB_F_NODEBUG (1u << 1) /* no debug checks even with CONFIG_MM_DEBUG */
#define SLAB_F_DMA32 (1u << 2)   /* slabs below 4 GiB */

#define SLAB_POISON_FREE 0x6b
#define SLAB_POISON_ALLOC 0xa5
#define SLAB_REDZONE 0xbb
#define SLAB_REDZONE_SIZE 16

#define SLAB_ORDER_MAX 4
#define SLAB_OBJ_MAX 8192 /* larger objects: use pages */

struct slab;

struct slab_list {
	struct slab *head;
	uint64_t count;
};

struct slab_cache_stats {
	uint64_t allocs, frees;  /* successful slow-path calls; with the
				  * magazines' counts: in use = allocs - frees */
	uint64_t failures;       /* NULL returned */
	uint64_t slabs_created, slabs_destroyed, slabs_peak;
};

/* Objects kept ready per cache (non-debug caches only): see slab.c. */
#define SLAB_MAGAZINE 16

/*
 * A CPU's magazine (one CPU for now): objects freed by users and not yet
 * returned to their slabs. Neither the cache's lock nor the interrupt mask
 * guards it: the fast path disables preemption (so no other thread runs on
 * this CPU meanwhile) and raises `busy` around its few instructions, and
 * an interrupt handler that finds `busy` set (it interrupted a fast path)
 * takes the locked slow path instead. No atomic operation, no interrupt
 * toggling. Draining happens under the cache's lock (interrupts off, so
 * nothing can start using the magazine) and is skipped while `busy`.
 */
struct slab_magazine {
	uint32_t count;
	uint8_t busy;
	uint64_t allocs, frees; /* calls served here; added to the cache's stats */
	void *objs[SLAB_MAGAZINE];
};

struct slab_cache {
	/* The fast path's fields first. */
	struct slab_magazine mag; /* CPU 0's */
	struct spinlock lock;
	struct slab_list partial GUARDED_BY_MEMBER(lock);
	uint32_t slot_size;     /* stride between objects */
	uint32_t obj_offset;    /* object start within a slot */
	uint32_t link_offset;   /* free-list link within a slot */
	uint32_t objs_per_slab;
	uintptr_t slab_mask;    /* ~(slab bytes - 1) */
	bool debug;
	struct slab_cache_stats stats GUARDED_BY_MEMBER(lock);

	const char *name;
	struct buddy *pages;
	uint32_t obj_size;      /* as asked */
	uint32_t align;
	uint32_t first_offset;  /* first slot within a slab */
	uint8_t order;
	unsigned flags;
	struct slab_list full GUARDED_BY_MEMBER(lock), empty GUARDED_BY_MEMBER(lock);
	struct slab_cache *next; /* every cache, for slab_stats_log (slab.c's list lock) */
};

/*
 * slab_cache_init - set up `c` for objects of `size` bytes aligned to
 * `align` (a power of two, 0 means 8), taking slabs from `pages`.
 * `flags`: SLAB_F_*. CAIRN_ERR_INVAL for size 0 or above SLAB_OBJ_MAX, a bad
 * alignment or unknown flags. Allocates nothing until the first object.
 */
err_t slab_cache_init(struct slab_cache *c, const char *name, size_t size, size_t align,
		      unsigned flags, struct buddy *pages);

/*
 * slab_cache_destroy - give every slab back. Panics (naming the cache and
 * the count) if objects are still allocated: that would be a leak.
 */
void slab_cache_destroy(struct slab_cache *c);

/*
 * slab_cache_alloc - one object, or NULL when no memory is left (or an
 * injected failure at MM_FAULT_SLAB). Contents are undefined (in debug
 * mode: SLAB_POISON_ALLOC). slab_cache_zalloc - zero-filled.
 */
void *slab_cache_alloc(struct slab_cache *c);
void *slab_cache_zalloc(struct slab_cache *c);

/* slab_cache_free - give back an object of `c`; NULL is ignored. Debug
 * mode reports invalid and double frees and red-zone overruns. */
void slab_cache_free(struct slab_cache *c, void *obj);

/* The same, recording `caller` instead of the immediate return address
 * (for wrappers such as kmalloc). */
void *slab_cache_alloc_from(struct slab_cache *c, const void *caller);
void slab_cache_free_from(struct slab_cache *c, void *obj, const void *caller);

/* slab_cache_in_use - objects allocated and not yet freed (a snapshot). */
uint64_t slab_cache_in_use(const struct slab_cache *c);

/* slab_cache_shrink - empty the magazine and give empty slabs back to the
 * page allocator. */
void slab_cache_shrink(struct slab_cache *c);

/*
 * slab_cache_find - the cache whose slab holds `p` (a direct-map address
 * of memory managed by `pages`), or NULL if `p` is not inside a slab.
 */
struct slab_cache *slab_cache_find(const struct buddy *pages, const void *p);

/*
 * slab_cache_check - walk every slab: counts consistent with the lists
 * and, in debug mode, poison and red zones of every free object intact.
 * CAIRN_OK or CAIRN_ERR_CORRUPT after logging what is wrong.
 */
err_t slab_cache_check(const struct slab_cache *c);

/* slab_stats_log - one line per cache with objects, slabs and churn. */
void slab_stats_log(void);

#endif /* KERNEL_MM_SLAB_H */
