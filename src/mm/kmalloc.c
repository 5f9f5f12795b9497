// SPDX-License-Identifier: BSD-2-Clause
/*
 * kmalloc for the kernels (include/kernel/alloc.h) on the slab caches and
 * the buddy allocator. The hosted shim keeps its own (arch/hosted/alloc.c:
 * the C library, so AddressSanitizer sees every block).
 *
 * Small requests round up to a size class and come from that class's
 * cache ("kmalloc-64", ...). Requests above the largest class take the
 * "large path": a buddy block of the next power-of-two number of pages,
 * owned by PHYS_OWNER_KMALLOC and returned page-aligned. kfree() tells
 * the two apart from the frame of the pointer's page: a kmalloc-owned head
 * frame is a large block, a frame whose slab header names a cache is a
 * small object; anything else panics as an invalid free with the caller.
 *
 * Every block is aligned to 16 bytes (max_align_t). Before mm_init has run
 * (or without a memory manager), kmalloc returns NULL: callers handle it.
 *
 * Lock order (docs/architecture.md, "Locks"): kmalloc init lock -> slab
 * cache list lock; every allocation then takes its class's cache lock
 * (-> buddy lock) or, on the large path, the buddy lock. Any context.
 */
#include <kernel/alloc.h>
#include <kernel/assert.h>
#include <kernel/mm/slab.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

static const uint32_t class_sizes[] = { 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048 };
static const char *const class_names[] = {
	"kmalloc-16",  "kmalloc-32",  "kmalloc-64",  "kmalloc-96",  "kmalloc-128",
	"kmalloc-192", "kmalloc-256", "kmalloc-512", "kmalloc-1024", "kmalloc-2048",
};
static struct slab_cache classes[ARRAY_SIZE(class_sizes)];
static struct spinlock init_lock = SPINLOCK_INIT("kmalloc init");
static bool ready; /* set with release ordering once the classes are set up */

static bool ensure_ready(void)
{
	unsigned long irq;

	if (likely(__atomic_load_n(&ready, __ATOMIC_ACQUIRE)))
		return true;
	if (!mm_phys)
		return false;
	irq = spin_lock_irqsave(&init_lock);
	if (!ready) {
		for (size_t i = 0; i < ARRAY_SIZE(classes); i++)
			ASSERT(slab_cache_init(&classes[i], class_names[i], class_sizes[i], 16, 0,
					       mm_phys) == CAIRN_OK);
		__atomic_store_n(&ready, true, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&init_lock, irq);
	return true;
}

static struct slab_cache *class_for(size_t size)
{
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++)
		if (size <= class_sizes[i])
			return &classes[i];
	return NULL;
}

static unsigned large_order(size_t size)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

static void *alloc_from(size_t size, const void *caller)
{
	struct slab_cache *c;
	paddr_t pa;

	if (!ensure_ready())
		return NULL;
	if (size == 0)
		size = 1;
	c = class_for(size);
	if (c)
		return slab_cache_alloc_from(c, caller);
	if (size > (PAGE_SIZE << BUDDY_ORDER_MAX))
		return NULL;
	if (buddy_alloc(mm_phys, large_order(size), 0, PHYS_OWNER_KMALLOC, &pa) != CAIRN_OK)
		return NULL;
	return mm_phys_to_virt(pa);
}

/* The usable size of a kmalloc block, or a panic for a foreign pointer. */
static size_t block_size(const void *p, const void *caller, struct slab_cache **cache)
{
	struct page_frame *f = __atomic_load_n(&ready, __ATOMIC_ACQUIRE) ? buddy_frame(mm_phys, mm_virt_to_phys(p)) : NULL;

	*cache = NULL;
	if (f && f->state == FRAME_ALLOCATED && f->owner == PHYS_OWNER_KMALLOC) {
		ASSERT_MSG(IS_ALIGNED((uintptr_t)p, PAGE_SIZE),
			   "kfree of %p by %p: inside a large kmalloc block", p, caller);
		return PAGE_SIZE << f->order;
	}
	*cache = f ? slab_cache_find(mm_phys, p) : NULL;
	if (!*cache)
		PANIC("kfree of %p by %p: not memory kmalloc returned", p, caller);
	return (*cache)->obj_size;
}

void *kmalloc(size_t size)
{
	return alloc_from(size, __builtin_return_address(0));
}

void *kzalloc(size_t size)
{
	void *p = alloc_from(size, __builtin_return_address(0));

	if (p)
		memset(p, 0, size);
	return p;
}

void *kcalloc(size_t n, size_t size)
{
	size_t total;
	void *p;

	if (mul_overflows(n, size, &total))
		return NULL;
	p = alloc_from(total, __builtin_return_address(0));
	if (p)
		memset(p, 0, total);
	return p;
}

void kfree(void *p)
{
	struct slab_cache *c;
	size_t size;

	if (!p)
		return;
	size = block_size(p, __builtin_return_address(0), &c);
	if (c)
		slab_cache_free_from(c, p, __builtin_return_address(0));
	else
		buddy_free(mm_phys, mm_virt_to_phys(p), large_order(size));
}

void *krealloc(void *p, size_t size)
{
	struct slab_cache *c;
	size_t old;
	void *q;

	if (!p)
		return alloc_from(size, __builtin_return_address(0));
	old = block_size(p, __builtin_return_address(0), &c);
	if (size && size <= old && class_for(size) == c) /* same class, or still large */
		return p;
	q = alloc_from(size, __builtin_return_address(0));
	if (!q)
		return NULL; /* the old block is untouched */
	memcpy(q, p, MIN(old, size ? size : 1));
	kfree(p);
	return q;
}
