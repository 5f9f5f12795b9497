// SPDX-License-Identifier: BSD-2-Clause
/*
 * The buddy allocator for physical pages (see include/kernel/mm/phys.h for
 * the model and the API).
 *
 * Memory is a set of arenas (contiguous usable ranges, none crossing 4 GiB)
 * with one struct page_frame per page. A block of order k is 2^k pages
 * aligned to its own size in *physical* address space, so its buddy is at
 * pa ^ (PAGE_SIZE << k); a buddy outside the block's arena does not exist,
 * which keeps every block inside one arena. Free blocks sit on doubly
 * linked lists threaded through their head frames, one per (zone, order);
 * nothing is ever written into free pages themselves, so memory the early
 * direct map does not reach yet can be managed before it is mapped.
 *
 * Invariants (checked by buddy_check, cited by asserts):
 *  (B1) every page of an arena belongs to exactly one block: the block's
 *       head frame is FRAME_FREE or FRAME_ALLOCATED with its order; every
 *       other frame of the block is FRAME_TAIL; a block of order k is
 *       aligned to 2^k pages and lies wholly inside its arena.
 *  (B2) a free block of order k is on free[zone][k], and its buddy is not
 *       a free block of order k (free blocks are fully coalesced).
 *  (B3) zone[z].pages_free == sum over k of blocks_free[k] << k, and
 *       blocks_free[k] is the length of free[z][k].
 *  (B4) an allocated head has refcount >= 1 and an owner; a free head has
 *       refcount 0.
 *
 * Lock order (docs/architecture.md, "Locks"):
 *     vm space lock -> slab cache lock -> buddy lock -> log lock
 * One spinlock per struct buddy (b->lock) guards the free lists, the
 * frames' state and every counter. It is a leaf but for the log (a failed
 * check logs): nothing here allocates, takes another allocator's lock or
 * blocks. Interrupts are off while it is held, so interrupt handlers may
 * allocate. Zeroing (BUDDY_ZERO) happens after the lock is dropped.
 * The arenas are written only by buddy_init and buddy_add_range (boot,
 * before other threads or CPUs run) and are read without the lock by
 * buddy_frame and buddy_frame_paddr.
 */
#include <kernel/assert.h>
#include <kernel/fmt.h>
#include <kernel/log.h>
#include <kernel/mm/phys.h>
#include <kernel/string.h>

#define DMA32_LIMIT GiB(4)

/* A bug found under the allocator's lock: release the lock, then report. */
#define BUDDY_PANIC(b, ...)                                                     \
	do {                                                                   \
		spin_release_for_panic(&(b)->lock);                            \
		PANIC(__VA_ARGS__);                                            \
	} while (0)

uintptr_t mm_direct_offset;
struct buddy *mm_phys;

static const char *const owner_names[PHYS_OWNER_COUNT] = {
	[PHYS_OWNER_NONE] = "none",         [PHYS_OWNER_MEMMAP] = "memmap",
	[PHYS_OWNER_PAGETABLE] = "pagetable", [PHYS_OWNER_SLAB] = "slab",
	[PHYS_OWNER_KMALLOC] = "kmalloc",   [PHYS_OWNER_VMOBJECT] = "vmobject",
	[PHYS_OWNER_TEST] = "test",
};

static const char *const state_names[] = { "tail", "free", "allocated" };

const char *phys_owner_name(unsigned owner)
{
	return owner < PHYS_OWNER_COUNT ? owner_names[owner] : "?";
}

static inline uint64_t block_bytes(unsigned order)
{
	return (uint64_t)PAGE_SIZE << order;
}

static inline paddr_t arena_end(const struct buddy_arena *a)
{
	return a->base + (a->npages << PAGE_SHIFT);
}

/* The arena holding `pa`, or NULL (binary search: arenas are sorted). */
static const struct buddy_arena *arena_of(const struct buddy *b, paddr_t pa)
{
	size_t lo = 0, hi = b->narenas;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct buddy_arena *a = &b->arenas[mid];

		if (pa < a->base)
			hi = mid;
		else if (pa >= arena_end(a))
			lo = mid + 1;
		else
			return a;
	}
	return NULL;
}

static inline struct page_frame *frame_in(const struct buddy_arena *a, paddr_t pa)
{
	return &a->frames[(pa - a->base) >> PAGE_SHIFT];
}

struct page_frame *buddy_frame(const struct buddy *b, paddr_t pa)
{
	const struct buddy_arena *a = arena_of(b, pa);

	return a ? frame_in(a, pa) : NULL;
}

paddr_t buddy_frame_paddr(const struct buddy *b, const struct page_frame *f)
{
	for (size_t i = 0; i < b->narenas; i++) {
		const struct buddy_arena *a = &b->arenas[i];

		if (f >= a->frames && f < a->frames + a->npages)
			return a->base + ((paddr_t)(f - a->frames) << PAGE_SHIFT);
	}
	PANIC("buddy %s: frame %p is not one of its frames", b->name, (const void *)f);
}

/* ---- free lists ----------------------------------------------------------- */

static void list_push(struct buddy *b, struct page_frame *f, unsigned zone, unsigned order)
	REQUIRES(b->lock)
{
	struct page_frame **head = &b->free[zone][order];

	f->state = FRAME_FREE;
	f->order = (uint8_t)order;
	f->refcount = 0;
	f->owner = PHYS_OWNER_NONE;
	f->prev = NULL;
	f->next = *head;
	if (*head)
		(*head)->prev = f;
	*head = f;
	b->zone[zone].blocks_free[order]++;
	b->zone[zone].pages_free += 1ull << order;
}

static void list_remove(struct buddy *b, struct page_frame *f, unsigned zone, unsigned order)
	REQUIRES(b->lock)
{
	DEBUG_ASSERT(f->state == FRAME_FREE && f->order == order); /* (B2) */
	if (f->prev)
		f->prev->next = f->next;
	else
		b->free[zone][order] = f->next;
	if (f->next)
		f->next->prev = f->prev;
	f->next = f->prev = NULL;
	b->zone[zone].blocks_free[order]--;
	b->zone[zone].pages_free -= 1ull << order;
}

/*
 * Put the block [pa, pa + 2^order pages) of arena `a` back, merging it with
 * its buddy while the buddy is free (B2). The block's frames are all TAIL
 * or its head is the old allocated head; the caller has made the head TAIL.
 */
static void release_block(struct buddy *b, const struct buddy_arena *a, paddr_t pa,
			  unsigned order) REQUIRES(b->lock)
{
	while (order < BUDDY_ORDER_MAX) {
		paddr_t bpa = pa ^ block_bytes(order);
		struct page_frame *bf;

		if (bpa < a->base || bpa + block_bytes(order) > arena_end(a))
			break;
		bf = frame_in(a, bpa);
		if (bf->state != FRAME_FREE || bf->order != order)
			break;
		list_remove(b, bf, a->zone, order);
		bf->state = FRAME_TAIL;
		pa = MIN(pa, bpa);
		order++;
	}
	list_push(b, frame_in(a, pa), a->zone, order);
}

/* Free every page of [lo, hi) in arena `a` as the largest aligned blocks. */
static void release_range(struct buddy *b, const struct buddy_arena *a, paddr_t lo, paddr_t hi)
	REQUIRES(b->lock)
{
	while (lo < hi) {
		unsigned order = 0;

		while (order < BUDDY_ORDER_MAX && IS_ALIGNED(lo, block_bytes(order + 1)) &&
		       lo + block_bytes(order + 1) <= hi)
			order++;
		frame_in(a, lo)->state = FRAME_TAIL;
		release_block(b, a, lo, order);
		lo += block_bytes(order);
	}
}

/* ---- setup ------------------------------------------------------------------ */

static unsigned zone_of(paddr_t pa)
{
	return pa < DMA32_LIMIT ? PHYS_ZONE_DMA32 : PHYS_ZONE_NORMAL;
}

/* Split the ranges at 4 GiB into arena descriptors (frames not yet set). */
static err_t plan_arenas(struct buddy *b, const struct boot_usable *r, size_t n)
{
	paddr_t prev_end = 0;

	b->narenas = 0;
	for (size_t i = 0; i < n; i++) {
		paddr_t lo = r[i].base, hi;

		if (r[i].size == 0 || !IS_ALIGNED(r[i].base, PAGE_SIZE) ||
		    !IS_ALIGNED(r[i].size, PAGE_SIZE) || add_overflows(lo, r[i].size, &hi) ||
		    lo < prev_end)
			return CAIRN_ERR_INVAL;
		prev_end = hi;
		while (lo < hi) {
			paddr_t cut = (lo < DMA32_LIMIT && hi > DMA32_LIMIT) ? DMA32_LIMIT : hi;

			if (b->narenas == BUDDY_ARENAS_MAX)
				return CAIRN_ERR_LIMIT;
			b->arenas[b->narenas++] = (struct buddy_arena){
				.base = lo, .npages = (cut - lo) >> PAGE_SHIFT, .zone = (uint8_t)zone_of(lo),
			};
			lo = cut;
		}
	}
	return CAIRN_OK;
}

static void init_frames(struct buddy_arena *a, struct page_frame *frames)
{
	a->frames = frames;
	memset(frames, 0, a->npages * sizeof(*frames));
	/* Zone 0 (DMA32) is what the memset left; a boot's arenas are
	 * mostly below 4 GiB, so the loop over every frame usually goes. */
	if (a->zone != 0) {
		for (uint64_t i = 0; i < a->npages; i++)
			frames[i].zone = a->zone;
	}
}

static void account_zone_total(struct buddy *b, const struct buddy_arena *a) REQUIRES(b->lock)
{
	b->zone[a->zone].pages_total += a->npages;
}

static void reset_low_water(struct buddy *b) REQUIRES(b->lock)
{
	for (unsigned z = 0; z < PHYS_ZONES; z++)
		b->zone[z].pages_free_min = b->zone[z].pages_free;
}

err_t buddy_init(struct buddy *b, const char *name, const struct boot_usable *ranges,
		 size_t nranges, paddr_t meta_limit)
{
	uint64_t total_pages = 0, meta_bytes, meta_pages;
	const struct buddy_arena *meta_arena = NULL;
	struct page_frame *frames;
	unsigned long irq;
	err_t err;

	memset(b, 0, sizeof(*b));
	spin_lock_init(&b->lock, "buddy");
	b->name = name;
	err = plan_arenas(b, ranges, nranges);
	if (err)
		return err;
	if (b->narenas == 0)
		return CAIRN_ERR_NOMEM;
	for (size_t i = 0; i < b->narenas; i++)
		total_pages += b->arenas[i].npages;
	meta_bytes = total_pages * sizeof(struct page_frame);
	meta_pages = ALIGN_UP(meta_bytes, (uint64_t)PAGE_SIZE) >> PAGE_SHIFT;

	/* The frame arrays go at the start of the lowest arena that holds them
	 * within reach (meta_limit). */
	for (size_t i = 0; i < b->narenas; i++) {
		const struct buddy_arena *a = &b->arenas[i];

		if (a->npages > meta_pages && a->base + (meta_pages << PAGE_SHIFT) <= meta_limit) {
			meta_arena = a;
			break;
		}
	}
	if (!meta_arena)
		return CAIRN_ERR_NOMEM;

	/* Nobody else can see `b` yet; the lock keeps the analysis honest. */
	irq = spin_lock_irqsave(&b->lock);
	frames = mm_phys_to_virt(meta_arena->base);
	for (size_t i = 0; i < b->narenas; i++) {
		init_frames(&b->arenas[i], frames);
		frames += b->arenas[i].npages;
		account_zone_total(b, &b->arenas[i]);
	}
	/* The frame arrays' own pages: allocated order-0 blocks of memmap. */
	for (uint64_t p = 0; p < meta_pages; p++) {
		struct page_frame *f = &meta_arena->frames[p];

		f->state = FRAME_ALLOCATED;
		f->order = 0;
		f->refcount = 1;
		f->owner = PHYS_OWNER_MEMMAP;
	}
	b->owned[PHYS_OWNER_MEMMAP] = meta_pages;
	b->memmap_pages = meta_pages;
	for (size_t i = 0; i < b->narenas; i++) {
		const struct buddy_arena *a = &b->arenas[i];
		paddr_t lo = a == meta_arena ? a->base + (meta_pages << PAGE_SHIFT) : a->base;

		release_range(b, a, lo, arena_end(a));
	}
	reset_low_water(b);
	spin_unlock_irqrestore(&b->lock, irq);
	return CAIRN_OK;
}

err_t buddy_add_range(struct buddy *b, paddr_t base, uint64_t size)
{
	uint64_t npages = size >> PAGE_SHIFT;
	uint64_t meta_bytes = npages * sizeof(struct page_frame);
	unsigned order = 0;
	paddr_t meta_pa, end;
	unsigned long irq;
	size_t pos;
	err_t err;

	/* Validate fully... */
	if (size == 0 || !IS_ALIGNED(base, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE) ||
	    add_overflows(base, size, &end) || (base < DMA32_LIMIT && end > DMA32_LIMIT))
		return CAIRN_ERR_INVAL;
	for (pos = 0; pos < b->narenas && b->arenas[pos].base < end; pos++) {
		if (arena_end(&b->arenas[pos]) > base)
			return CAIRN_ERR_EXIST;
	}
	if (b->narenas == BUDDY_ARENAS_MAX)
		return CAIRN_ERR_LIMIT;
	while (block_bytes(order) < meta_bytes)
		order++;
	/* ...reserve the frame array, which can fail... */
	err = buddy_alloc(b, order, 0, PHYS_OWNER_MEMMAP, &meta_pa);
	if (err)
		return err;
	/* ...then act: nothing below fails. Boot only: buddy_frame readers
	 * do not take the lock (see the top of this file). */
	irq = spin_lock_irqsave(&b->lock);
	memmove(&b->arenas[pos + 1], &b->arenas[pos], (b->narenas - pos) * sizeof(b->arenas[0]));
	b->narenas++;
	b->arenas[pos] = (struct buddy_arena){ .base = base, .npages = npages,
					       .zone = (uint8_t)zone_of(base) };
	init_frames(&b->arenas[pos], mm_phys_to_virt(meta_pa));
	account_zone_total(b, &b->arenas[pos]);
	b->memmap_pages += 1ull << order;
	release_range(b, &b->arenas[pos], base, end);
	spin_unlock_irqrestore(&b->lock, irq);
	return CAIRN_OK;
}

/* ---- allocation ------------------------------------------------------------- */

static err_t alloc_in_zone(struct buddy *b, unsigned zone, unsigned order, unsigned owner,
			   paddr_t *out) REQUIRES(b->lock)
{
	const struct buddy_arena *a;
	struct page_frame *f = NULL;
	unsigned k;
	paddr_t pa;

	for (k = order; k <= BUDDY_ORDER_MAX; k++) {
		f = b->free[zone][k];
		if (f)
			break;
	}
	if (!f)
		return CAIRN_ERR_NOMEM;
	list_remove(b, f, zone, k);
	pa = buddy_frame_paddr(b, f);
	a = arena_of(b, pa);
	/* Split: keep the lower half, free the upper half, down to `order`. */
	while (k > order) {
		k--;
		list_push(b, frame_in(a, pa + block_bytes(k)), zone, k);
	}
	f->state = FRAME_ALLOCATED;
	f->order = (uint8_t)order;
	f->refcount = 1;
	f->owner = (uint8_t)owner;
	f->priv = NULL;
	*out = pa;
	return CAIRN_OK;
}

err_t buddy_alloc(struct buddy *b, unsigned order, unsigned flags, unsigned owner,
		  paddr_t *out)
{
	static const uint8_t any[] = { PHYS_ZONE_NORMAL, PHYS_ZONE_DMA32 };
	static const uint8_t dma32[] = { PHYS_ZONE_DMA32 };
	const uint8_t *zones = (flags & BUDDY_DMA32) ? dma32 : any;
	size_t nzones = (flags & BUDDY_DMA32) ? 1 : 2;
	unsigned long irq;
	paddr_t pa;

	if (order > BUDDY_ORDER_MAX || owner == PHYS_OWNER_NONE || owner >= PHYS_OWNER_COUNT ||
	    !out)
		return CAIRN_ERR_INVAL;
	irq = spin_lock_irqsave(&b->lock);
	if (mm_fault_inject(MM_FAULT_PAGES)) {
		b->injected_failures++;
		b->failures++;
		b->failures_by_order[order]++;
		spin_unlock_irqrestore(&b->lock, irq);
		return CAIRN_ERR_NOMEM;
	}
	for (size_t i = 0; i < nzones; i++) {
		struct buddy_zone_stats *z = &b->zone[zones[i]];

		if (alloc_in_zone(b, zones[i], order, owner, &pa) != CAIRN_OK)
			continue;
		z->allocs++;
		if (z->pages_free < z->pages_free_min)
			z->pages_free_min = z->pages_free;
		b->owned[owner] += 1ull << order;
		spin_unlock_irqrestore(&b->lock, irq);
		/* The block is ours: zero it without holding the lock. */
		if (flags & BUDDY_ZERO)
			memset(mm_phys_to_virt(pa), 0, block_bytes(order));
		*out = pa;
		return CAIRN_OK;
	}
	b->failures++;
	b->failures_by_order[order]++;
	spin_unlock_irqrestore(&b->lock, irq);
	return CAIRN_ERR_NOMEM;
}

/* The allocated head at `pa`, or a panic describing why it is not one. */
static struct page_frame *allocated_head(struct buddy *b, paddr_t pa, const char *what)
	REQUIRES(b->lock)
{
	const struct buddy_arena *a = arena_of(b, pa);
	struct page_frame *f;

	if (!a || !IS_ALIGNED(pa, PAGE_SIZE))
		BUDDY_PANIC(b, "buddy %s: %s of %#llx: not a managed page", b->name, what,
		      (unsigned long long)pa);
	f = frame_in(a, pa);
	if (f->state != FRAME_ALLOCATED)
		BUDDY_PANIC(b, "buddy %s: %s of %#llx: the frame is %s (%s)", b->name, what,
		      (unsigned long long)pa, state_names[f->state % 3],
		      f->state == FRAME_FREE ? "double free" : "not the start of a block");
	DEBUG_ASSERT(f->refcount >= 1); /* (B4) */
	return f;
}

static void free_head(struct buddy *b, paddr_t pa, struct page_frame *f) REQUIRES(b->lock)
{
	const struct buddy_arena *a = arena_of(b, pa);
	unsigned order = f->order;

	b->owned[f->owner] -= 1ull << order;
	b->zone[a->zone].frees++;
	f->refcount = 0;
	f->owner = PHYS_OWNER_NONE;
	f->state = FRAME_TAIL;
	release_block(b, a, pa, order);
}

void buddy_free(struct buddy *b, paddr_t pa, unsigned order)
{
	unsigned long irq = spin_lock_irqsave(&b->lock);
	struct page_frame *f = allocated_head(b, pa, "free");

	if (f->order != order)
		BUDDY_PANIC(b, "buddy %s: free of %#llx with order %u, but the %s block there has order %u",
		      b->name, (unsigned long long)pa, order, phys_owner_name(f->owner), f->order);
	if (f->refcount != 1)
		BUDDY_PANIC(b, "buddy %s: free of %#llx (%s) while %u references remain", b->name,
		      (unsigned long long)pa, phys_owner_name(f->owner), f->refcount);
	free_head(b, pa, f);
	spin_unlock_irqrestore(&b->lock, irq);
}

void buddy_ref(struct buddy *b, paddr_t pa)
{
	unsigned long irq = spin_lock_irqsave(&b->lock);
	struct page_frame *f = allocated_head(b, pa, "ref");

	ASSERT(f->refcount < UINT32_MAX);
	f->refcount++;
	spin_unlock_irqrestore(&b->lock, irq);
}

void buddy_unref(struct buddy *b, paddr_t pa)
{
	unsigned long irq = spin_lock_irqsave(&b->lock);
	struct page_frame *f = allocated_head(b, pa, "unref");

	if (--f->refcount == 0) {
		f->refcount = 1;
		free_head(b, pa, f);
	}
	spin_unlock_irqrestore(&b->lock, irq);
}

/* Readers take the lock of a const allocator: the lock is not part of
 * what const protects. */
static inline struct buddy *mut(const struct buddy *b)
{
	return (struct buddy *)(uintptr_t)b;
}

uint64_t buddy_pages_free(const struct buddy *b)
{
	struct buddy *mb = mut(b);
	unsigned long irq = spin_lock_irqsave(&mb->lock);
	uint64_t n = mb->zone[PHYS_ZONE_DMA32].pages_free + mb->zone[PHYS_ZONE_NORMAL].pages_free;

	spin_unlock_irqrestore(&mb->lock, irq);
	return n;
}

uint64_t buddy_failures(const struct buddy *b)
{
	struct buddy *mb = mut(b);
	unsigned long irq = spin_lock_irqsave(&mb->lock);
	uint64_t n = mb->failures;

	spin_unlock_irqrestore(&mb->lock, irq);
	return n;
}

uint64_t buddy_pages_total(const struct buddy *b)
{
	struct buddy *mb = mut(b);
	unsigned long irq = spin_lock_irqsave(&mb->lock);
	uint64_t n = mb->zone[PHYS_ZONE_DMA32].pages_total + mb->zone[PHYS_ZONE_NORMAL].pages_total;

	spin_unlock_irqrestore(&mb->lock, irq);
	return n;
}

/* ---- checking and reporting ------------------------------------------------- */

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (unlikely(!(cond))) {                                       \
			LOG_ERR("buddy: " __VA_ARGS__);                     \
			return CAIRN_ERR_CORRUPT;                              \
		}                                                              \
	} while (0)

static err_t check_locked(struct buddy *b) REQUIRES(b->lock)
{
	uint64_t heads[PHYS_ZONES][BUDDY_ORDERS] = { { 0 } };
	uint64_t owned[PHYS_OWNER_COUNT] = { 0 };

	for (size_t i = 0; i < b->narenas; i++) {
		const struct buddy_arena *a = &b->arenas[i];

		CHECK(i == 0 || b->arenas[i - 1].base + (b->arenas[i - 1].npages << PAGE_SHIFT) <=
				       a->base, "arenas %zu and %zu overlap or are unsorted", i - 1, i);
		for (uint64_t p = 0; p < a->npages;) {
			const struct page_frame *f = &a->frames[p];
			paddr_t pa = a->base + (p << PAGE_SHIFT);
			uint64_t n;

			/* (B1) */
			CHECK(f->state == FRAME_FREE || f->state == FRAME_ALLOCATED,
			      "B1: page %#llx is not covered by a block", (unsigned long long)pa);
			CHECK(f->order <= BUDDY_ORDER_MAX && IS_ALIGNED(pa, block_bytes(f->order)),
			      "B1: block %#llx of order %u is misaligned", (unsigned long long)pa,
			      f->order);
			n = 1ull << f->order;
			CHECK(p + n <= a->npages, "B1: block %#llx of order %u leaves its arena",
			      (unsigned long long)pa, f->order);
			CHECK(f->zone == a->zone, "frame %#llx has zone %u in a zone-%u arena",
			      (unsigned long long)pa, f->zone, a->zone);
			for (uint64_t t = 1; t < n; t++)
				CHECK(a->frames[p + t].state == FRAME_TAIL,
				      "B1: page %#llx inside block %#llx is a head (overlap)",
				      (unsigned long long)(pa + (t << PAGE_SHIFT)),
				      (unsigned long long)pa);
			if (f->state == FRAME_FREE) {
				paddr_t bpa = pa ^ block_bytes(f->order);

				heads[a->zone][f->order]++;
				CHECK(f->refcount == 0, "B4: free block %#llx has references",
				      (unsigned long long)pa);
				if (f->order < BUDDY_ORDER_MAX && bpa >= a->base &&
				    bpa + block_bytes(f->order) <= arena_end(a)) {
					const struct page_frame *bf = frame_in(a, bpa);

					CHECK(!(bf->state == FRAME_FREE && bf->order == f->order),
					      "B2: free blocks %#llx and %#llx (order %u) are not "
					      "coalesced", (unsigned long long)pa,
					      (unsigned long long)bpa, f->order);
				}
			} else {
				CHECK(f->refcount >= 1 && f->owner != PHYS_OWNER_NONE &&
					      f->owner < PHYS_OWNER_COUNT,
				      "B4: allocated block %#llx has refcount %u owner %u",
				      (unsigned long long)pa, f->refcount, f->owner);
				owned[f->owner] += n;
			}
			p += n;
		}
	}
	for (unsigned z = 0; z < PHYS_ZONES; z++) {
		uint64_t pages = 0;

		for (unsigned k = 0; k < BUDDY_ORDERS; k++) {
			uint64_t len = 0;

			for (const struct page_frame *f = b->free[z][k]; f; f = f->next) {
				CHECK(f->state == FRAME_FREE && f->order == k && f->zone == z,
				      "B2: free list %u/%u holds a frame in state %u order %u", z, k,
				      f->state, f->order);
				CHECK(!f->next || f->next->prev == f, "free list %u/%u is broken",
				      z, k);
				len++;
			}
			CHECK(len == heads[z][k] && len == b->zone[z].blocks_free[k],
			      "B3: zone %u order %u: %llu on the list, %llu free heads, %llu counted",
			      z, k, (unsigned long long)len, (unsigned long long)heads[z][k],
			      (unsigned long long)b->zone[z].blocks_free[k]);
			pages += len << k;
		}
		CHECK(pages == b->zone[z].pages_free, "B3: zone %u: %llu pages on lists, %llu counted",
		      z, (unsigned long long)pages, (unsigned long long)b->zone[z].pages_free);
	}
	for (unsigned o = 1; o < PHYS_OWNER_COUNT; o++)
		CHECK(owned[o] == b->owned[o], "owner %s holds %llu pages, %llu counted",
		      owner_names[o], (unsigned long long)owned[o],
		      (unsigned long long)b->owned[o]);
	return CAIRN_OK;
}

err_t buddy_check(const struct buddy *b)
{
	struct buddy *mb = mut(b);
	unsigned long irq = spin_lock_irqsave(&mb->lock);
	err_t err = check_locked(mb);

	spin_unlock_irqrestore(&mb->lock, irq);
	return err;
}

/* What buddy_stats_log prints, copied under the lock. */
struct stats_snapshot {
	struct buddy_zone_stats zone[PHYS_ZONES];
	uint64_t owned[PHYS_OWNER_COUNT];
	uint64_t failures, injected_failures, failures_by_order[BUDDY_ORDERS];
};

void buddy_stats_log(const struct buddy *b, enum log_level level)
{
	static const char *const zone_names[PHYS_ZONES] = { "dma32", "normal" };
	struct buddy *mb = mut(b);
	struct stats_snapshot snap;
	const struct stats_snapshot *sn = &snap;
	unsigned long irq = spin_lock_irqsave(&mb->lock);

	memcpy(snap.zone, mb->zone, sizeof(snap.zone));
	memcpy(snap.owned, mb->owned, sizeof(snap.owned));
	memcpy(snap.failures_by_order, mb->failures_by_order, sizeof(snap.failures_by_order));
	snap.failures = mb->failures;
	snap.injected_failures = mb->injected_failures;
	spin_unlock_irqrestore(&mb->lock, irq);

	for (unsigned z = 0; z < PHYS_ZONES; z++) {
		const struct buddy_zone_stats *s = &sn->zone[z];
		char orders[BUDDY_ORDERS * 8] = "";
		size_t len = 0;

		if (!s->pages_total)
			continue;
		for (unsigned k = 0; k < BUDDY_ORDERS; k++)
			len += ksnprintf(orders + len, sizeof(orders) - len, "%s%llu",
					 k ? " " : "", (unsigned long long)s->blocks_free[k]);
		log_write(level, "mm: %s zone %s: %llu KiB free of %llu KiB (pressure %llu%%, low water "
			 "%llu KiB); churn %llu allocs %llu frees",
			 b->name, zone_names[z], (unsigned long long)(s->pages_free * 4),
			 (unsigned long long)(s->pages_total * 4),
			 (unsigned long long)((s->pages_total - s->pages_free) * 100 / s->pages_total),
			 (unsigned long long)(s->pages_free_min * 4), (unsigned long long)s->allocs,
			 (unsigned long long)s->frees);
		log_write(level, "mm: %s zone %s: free blocks by order 0..%u: %s", b->name, zone_names[z],
			 BUDDY_ORDER_MAX, orders);
	}
	if (sn->failures) {
		char orders[BUDDY_ORDERS * 8] = "";
		size_t len = 0;

		for (unsigned k = 0; k < BUDDY_ORDERS; k++)
			len += ksnprintf(orders + len, sizeof(orders) - len, "%s%llu", k ? " " : "",
					 (unsigned long long)sn->failures_by_order[k]);
		log_write(level, "mm: %s: %llu failed allocations (%llu injected); by order: %s", b->name,
			 (unsigned long long)sn->failures, (unsigned long long)sn->injected_failures,
			 orders);
	} else {
		log_write(level, "mm: %s: no failed allocations", b->name);
	}
	for (unsigned o = 1; o < PHYS_OWNER_COUNT; o++)
		if (sn->owned[o])
			log_write(level, "mm: %s: %llu KiB held by %s", b->name,
				 (unsigned long long)(sn->owned[o] * 4), owner_names[o]);
}
