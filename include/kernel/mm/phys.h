/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Physical memory: page frames and the buddy allocator (src/mm/buddy.c).
 *
 * A `struct buddy` manages the usable RAM boot_info_finalize() produced:
 * every usable range (split at 4 GiB) becomes an arena with one
 * `struct page_frame` per 4 KiB page. Free memory is kept as naturally
 * aligned blocks of 2^order pages, order 0 (4 KiB) to BUDDY_ORDER_MAX
 * (1 GiB), on one free list per (zone, order). Allocation splits the
 * smallest block that fits; freeing merges a block with its buddy for as
 * long as the buddy is free ("full coalescing", invariant B2).
 *
 * Zones exist because hardware needs them: PHYS_ZONE_DMA32 is memory below
 * 4 GiB (32-bit DMA masters; on x86_64 also the memory the early direct map
 * reaches before the final page tables), PHYS_ZONE_NORMAL the rest. An
 * allocation without BUDDY_DMA32 prefers NORMAL and falls back to DMA32.
 *
 * Ownership: the head frame of an allocated block records who owns it (an
 * enum phys_owner tag, printed in reports) and a reference count that
 * starts at 1; buddy_ref()/buddy_unref() share a block, and the last
 * unref frees it. Freeing a block that is not allocated, or with the wrong
 * order, or while others still hold references, panics naming the frame and
 * its owner: such a bug is caught where it happens, not when the memory is
 * reused.
 *
 * Failure is an error, never a spin: CAIRN_ERR_NOMEM when no block of the
 * order is free, CAIRN_ERR_INVAL for an order above BUDDY_ORDER_MAX.
 *
 * Physical memory is reached through the direct map: mm_phys_to_virt().
 * Its offset is set once at boot (kernels: the canonical direct map; the
 * hosted shim: its memory arena; unit tests: their fake arena).
 *
 * Context: any context (interrupt handlers included): every call takes
 * the allocator's spinlock `lock`, a leaf in the lock order
 * (docs/architecture.md, "Locks"): nothing else is taken under it but the
 * log. buddy_frame/buddy_frame_paddr read the arenas without it: arenas
 * change only in buddy_init/buddy_add_range, during boot.
 */
#ifndef KERNEL_MM_PHYS_H
#define KERNEL_MM_PHYS_H

#include <kernel/boot_info.h>
#include <kernel/log.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)

#define BUDDY_ORDER_MAX 18 /* 2^18 pages = 1 GiB */
#define BUDDY_ORDERS (BUDDY_ORDER_MAX + 1)
#define BUDDY_ARENAS_MAX (BOOT_INFO_MAX_USABLE + 32)

/* Allocation flags. */
#define BUDDY_DMA32 (1u << 0) /* only memory below 4 GiB */
#define BUDDY_ZERO (1u << 1)  /* zero-filled */

enum phys_zone {
	PHYS_ZONE_DMA32 = 0,  /* [0, 4 GiB) */
	PHYS_ZONE_NORMAL = 1, /* [4 GiB, ...) */
	PHYS_ZONES
};

/* Who owns an allocated block: printed by reports and the stats dump. */
enum phys_owner {
	PHYS_OWNER_NONE = 0,
	PHYS_OWNER_MEMMAP,    /* the page_frame arrays themselves */
	PHYS_OWNER_PAGETABLE, /* a page-table page */
	PHYS_OWNER_SLAB,      /* a slab of a slab cache */
	PHYS_OWNER_KMALLOC,   /* a large kmalloc block */
	PHYS_OWNER_VMOBJECT,  /* a frame of an anonymous VmObject */
	PHYS_OWNER_TEST,      /* unit tests and selftests */
	PHYS_OWNER_COUNT
};

enum page_frame_state {
	FRAME_TAIL = 0,      /* inside a block: see the block's head */
	FRAME_FREE = 1,      /* head of a free block, on a free list */
	FRAME_ALLOCATED = 2, /* head of an allocated block */
};

/*
 * One per managed 4 KiB page. Only the head frame of a block carries the
 * block's state; tail frames stay FRAME_TAIL (so splits and merges touch
 * O(1) frames). `priv` belongs to the owner of an allocated block (slabs
 * point every frame of a slab at the slab's header).
 */
struct page_frame {
	union {
		struct {
			struct page_frame *next, *prev; /* free list (FRAME_FREE) */
		};
		void *priv; /* owner's use (FRAME_ALLOCATED and its tails) */
	};
	uint32_t refcount; /* allocated head: holders (>= 1); else 0 */
	uint8_t state;     /* enum page_frame_state */
	uint8_t order;     /* head: the block's order */
	uint8_t zone;      /* enum phys_zone */
	uint8_t owner;     /* allocated head: enum phys_owner */
};

struct buddy_arena {
	paddr_t base;
	uint64_t npages;
	struct page_frame *frames;
	uint8_t zone;
};

struct buddy_zone_stats {
	uint64_t pages_total;
	uint64_t pages_free;
	uint64_t pages_free_min;        /* low-water mark since init */
	uint64_t blocks_free[BUDDY_ORDERS];
	uint64_t allocs, frees;         /* successful calls (churn) */
};

struct buddy {
	struct spinlock lock;
	const char *name;
	/* Written only by buddy_init and buddy_add_range (boot), under lock. */
	struct buddy_arena arenas[BUDDY_ARENAS_MAX]; /* sorted by base */
	size_t narenas;
	/* Frames' state, the lists and every counter: */
	struct page_frame *free[PHYS_ZONES][BUDDY_ORDERS] GUARDED_BY_MEMBER(lock); /* list heads */
	struct buddy_zone_stats zone[PHYS_ZONES] GUARDED_BY_MEMBER(lock);
	uint64_t owned[PHYS_OWNER_COUNT] GUARDED_BY_MEMBER(lock); /* pages held per owner */
	uint64_t memmap_pages GUARDED_BY_MEMBER(lock);  /* pages used by the frame arrays */
	uint64_t failures GUARDED_BY_MEMBER(lock);      /* CAIRN_ERR_NOMEM returned */
	uint64_t failures_by_order[BUDDY_ORDERS] GUARDED_BY_MEMBER(lock);
	uint64_t injected_failures GUARDED_BY_MEMBER(lock); /* of which injected */
};

/*
 * buddy_init - manage `ranges` (sorted, disjoint, page aligned: boot_info's
 * `usable`). The frame arrays are carved from the lowest range that holds
 * them below `meta_limit` (memory the caller can already reach through
 * mm_phys_to_virt), and those pages are accounted as PHYS_OWNER_MEMMAP.
 * Errors: CAIRN_ERR_INVAL (unaligned, unsorted or overlapping ranges),
 * CAIRN_ERR_LIMIT (more arenas than BUDDY_ARENAS_MAX), CAIRN_ERR_NOMEM (no
 * range below meta_limit holds the frame arrays). Early boot.
 */
err_t buddy_init(struct buddy *b, const char *name, const struct boot_usable *ranges,
		 size_t nranges, paddr_t meta_limit);

/*
 * buddy_add_range - manage one more range (e.g. memory handed back after
 * boot), disjoint from every arena. Its frame array comes from the
 * allocator itself. CAIRN_ERR_INVAL, CAIRN_ERR_EXIST (overlap),
 * CAIRN_ERR_LIMIT, CAIRN_ERR_NOMEM.
 */
err_t buddy_add_range(struct buddy *b, paddr_t base, uint64_t size);

/*
 * buddy_alloc - a block of 2^order pages, naturally aligned, owned by
 * `owner` with one reference. `flags`: BUDDY_DMA32, BUDDY_ZERO.
 * CAIRN_ERR_INVAL (order > BUDDY_ORDER_MAX, owner out of range),
 * CAIRN_ERR_NOMEM (nothing free of that order in the allowed zones, or an
 * injected failure). Never blocks.
 */
err_t buddy_alloc(struct buddy *b, unsigned order, unsigned flags, unsigned owner,
		  paddr_t *out);

/*
 * buddy_free - give back the block at `pa` of `order` that buddy_alloc
 * returned. Panics (a bug, reported with the frame and its owner) if `pa` is
 * not the head of an allocated block of that order or if it still has more
 * than one reference.
 */
void buddy_free(struct buddy *b, paddr_t pa, unsigned order);

/* buddy_ref / buddy_unref - take / drop a reference on the allocated block
 * at `pa`; the last unref frees it. Panics as buddy_free on a bad `pa`. */
void buddy_ref(struct buddy *b, paddr_t pa);
void buddy_unref(struct buddy *b, paddr_t pa);

/* buddy_frame - the frame of the page holding `pa`, or NULL if unmanaged. */
struct page_frame *buddy_frame(const struct buddy *b, paddr_t pa);

/* buddy_frame_paddr - the physical address of a frame from buddy_frame. */
paddr_t buddy_frame_paddr(const struct buddy *b, const struct page_frame *f);

/* buddy_failures - allocations that returned CAIRN_ERR_NOMEM so far. */
uint64_t buddy_failures(const struct buddy *b);

/* buddy_pages_free / buddy_pages_total - over all zones. */
uint64_t buddy_pages_free(const struct buddy *b);
uint64_t buddy_pages_total(const struct buddy *b);

/*
 * buddy_check - verify invariants B1-B4 (src/mm/buddy.c) over every frame;
 * returns CAIRN_OK or CAIRN_ERR_CORRUPT after logging the first breach.
 * Linear in memory size: for tests and selftests.
 */
err_t buddy_check(const struct buddy *b);

/* buddy_stats_log - log, at `level`, per-zone totals, free blocks per
 * order, pressure, churn and failures, and pages per owner. */
void buddy_stats_log(const struct buddy *b, enum log_level level);

/* phys_owner_name - "pagetable", "slab", ... */
const char *phys_owner_name(unsigned owner);

/* ---- the direct map ------------------------------------------------------ */

/* virt = phys + mm_direct_offset for every page the direct map covers. */
extern uintptr_t mm_direct_offset;

static inline void *mm_phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + mm_direct_offset);
}

static inline paddr_t mm_virt_to_phys(const void *va)
{
	return (paddr_t)((uintptr_t)va - mm_direct_offset);
}

/* The kernel's allocator, once mm_init has run (NULL before). */
extern struct buddy *mm_phys;

/* ---- fault injection (CONFIG_MM_FAULT_INJECT) ------------------------------ */

enum mm_fault_site {
	MM_FAULT_PAGES = 0, /* buddy_alloc */
	MM_FAULT_SLAB = 1,  /* slab_cache_alloc taking a new slab or object */
	MM_FAULT_SITES
};

/*
 * mm_fault_fail_after - after `n` more successful calls at `site`, the next
 * one fails with CAIRN_ERR_NOMEM (n < 0 disarms; firing disarms too).
 * mm_fault_count - calls seen at `site` while armed. With
 * CONFIG_MM_FAULT_INJECT off, arming does nothing. Tests walk every N a
 * scenario reaches.
 */
void mm_fault_fail_after(enum mm_fault_site site, int64_t n);
uint64_t mm_fault_count(enum mm_fault_site site);
/* mm_fault_should_fail - counts one call at an armed `site`; true to fail. */
bool mm_fault_should_fail(enum mm_fault_site site);

#if CONFIG_MM_FAULT_INJECT
extern unsigned mm_fault_armed; /* bit per armed site */
/* mm_fault_inject - the check allocators make: one test of a global when
 * nothing is armed, so fast paths stay fast. */
static inline bool mm_fault_inject(enum mm_fault_site site)
{
	return unlikely(mm_fault_armed & (1u << site)) && mm_fault_should_fail(site);
}
#else
static inline bool mm_fault_inject(enum mm_fault_site site)
{
	(void)site;
	return false;
}
#endif

#endif /* KERNEL_MM_PHYS_H */
