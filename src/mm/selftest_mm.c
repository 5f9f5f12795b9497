// SPDX-License-Identifier: BSD-2-Clause
/*
 * Boot-time selftests of the memory manager (cairn.selftest=<name>), run by
 * the QEMU boot tests (tests/boot/x86_64_mm.cmake) on the real MMU:
 *
 *   mm-map        map/unmap/protect round trips, a physical mapping, a
 *                 stack with a call on it, W^X of the image and the direct
 *                 map read back from the live tables, every invariant
 *                 checked; returns (boot continues: a pass)
 *   mm-app        the application's memory API on the real MMU: a grant,
 *                 mappings with rights, W^X, the owned-range check, the
 *                 heap; returns
 *   mm-exhaust    takes every free page, proves each allocator then fails
 *                 cleanly (buddy, slab, kmalloc, vm_map) and leaks nothing,
 *                 gives it all back and checks the counts; returns
 *   mm-guard      overflows a stack from the stacks region: the fault is
 *                 reported naming the stack whose guard page was hit
 *   mm-text-write writes to kernel text: a protection-violation #PF
 *   mm-data-exec  jumps into .data: an instruction-fetch #PF (NX)
 *   mm-ro-write   writes to a mapping made read-only by vm_protect
 *   mm-unmapped   reads a page after vm_unmap: the TLB was flushed, so it
 *                 faults as non-present instead of reading stale memory
 */
#include <kernel/alloc.h>
#include <kernel/arch.h>
#include <kernel/layout.h>
#include <kernel/log.h>
#include <cairn/memory.h>
#include <kernel/mm/slab.h>
#include <kernel/mm/user.h>
#include <kernel/mm/vm.h>
#include <kernel/selftest.h>
#include <kernel/string.h>

#if CONFIG_SELFTEST

#define EXPECT(cond)                                                           \
	do {                                                                   \
		if (!(cond)) {                                                 \
			LOG_ERR("selftest: %s:%d: %s is false", __FILE__,      \
				__LINE__, #cond);                              \
			return CAIRN_ERR_CORRUPT;                              \
		}                                                              \
	} while (0)

static unsigned query_prot(vaddr_t va)
{
	unsigned prot = ~0u;

	(void)pagetable_query(vm_kernel->pt, va, NULL, &prot, NULL);
	return prot;
}

static volatile uint64_t stack_marker;

static void on_stack(void *arg)
{
	volatile uint64_t local = (uint64_t)(uintptr_t)arg;

	stack_marker = (uint64_t)(uintptr_t)&local;
}

static err_t mm_map(void)
{
	struct vm_space *s = vm_kernel;
	uint64_t free0 = buddy_pages_free(mm_phys);
	uint64_t tables0 = mm_phys->owned[PHYS_OWNER_PAGETABLE];
	/* Threads' stacks are VM objects too, when the scheduler runs. */
	uint64_t objects0 = mm_phys->owned[PHYS_OWNER_VMOBJECT];
	struct vm_mapping *m, *st, *pm;
	struct vm_object *o;
	uint8_t *p;
	paddr_t pa;

	EXPECT(s);
	/* Anonymous memory: zeroed, writable, then read-only, then gone. */
	EXPECT(vm_map_anon(s, KiB(64), PT_WRITE, "selftest-anon", &m) == CAIRN_OK);
	p = (uint8_t *)m->va;
	for (size_t i = 0; i < KiB(64); i++)
		EXPECT(p[i] == 0);
	for (size_t i = 0; i < KiB(64); i++)
		p[i] = (uint8_t)i;
	EXPECT(query_prot(m->va) == PT_WRITE);
	EXPECT(vm_protect(s, m, 0) == CAIRN_OK);
	EXPECT(query_prot(m->va + KiB(60)) == 0);
	EXPECT(p[KiB(60) + 7] == 7); /* still readable, same memory */
	EXPECT(vm_protect(s, m, PT_WRITE | PT_EXEC) == CAIRN_ERR_INVAL); /* W^X */
	EXPECT(vm_space_check(s) == CAIRN_OK);
	vm_unmap(s, m);
	EXPECT(pagetable_query(s->pt, (vaddr_t)p, NULL, NULL, NULL) == CAIRN_ERR_NOENT);

	/* A physical object: the same frame seen through the direct map. */
	EXPECT(buddy_alloc(mm_phys, 0, BUDDY_ZERO, PHYS_OWNER_TEST, &pa) == CAIRN_OK);
	((volatile uint32_t *)mm_phys_to_virt(pa))[3] = 0xc0ffee;
	EXPECT(vm_object_create_phys(pa, 1, "selftest-phys", &o) == CAIRN_OK);
	EXPECT(vm_map(s, o, 0, 1, 0, VM_REGION_OBJECTS, "selftest-phys", &pm) == CAIRN_OK);
	vm_object_unref(o);
	EXPECT(((volatile uint32_t *)pm->va)[3] == 0xc0ffee);
	vm_unmap(s, pm);
	buddy_free(mm_phys, pa, 0);

	/* A stack, and a call that runs on it. */
	EXPECT(vm_stack_alloc(s, KiB(16), "selftest-stack", &st) == CAIRN_OK);
	arch_stack_call((void *)(st->va + st->size), on_stack, (void *)1);
	EXPECT(stack_marker >= st->va && stack_marker < st->va + st->size);
	EXPECT(query_prot(st->va) == PT_WRITE);
	EXPECT(pagetable_query(s->pt, st->va - PAGE_SIZE, NULL, NULL, NULL) == CAIRN_ERR_NOENT);
	vm_unmap(s, st);

	/* W^X of the image and the direct map, read back from the live table. */
#if !CONFIG_HOSTED
	EXPECT(query_prot((vaddr_t)__text_start) == PT_EXEC);
	EXPECT(query_prot((vaddr_t)__rodata_start) == 0);
	EXPECT(query_prot((vaddr_t)__data_start) == PT_WRITE);
	EXPECT(query_prot((vaddr_t)__bss_start) == PT_WRITE);
	EXPECT(pagetable_query(s->pt, 0x1000, NULL, NULL, NULL) == CAIRN_ERR_NOENT);
#endif
	/* The direct map: RAM (a page the allocator hands out) is rw-, NX. */
	EXPECT(buddy_alloc(mm_phys, 0, 0, PHYS_OWNER_TEST, &pa) == CAIRN_OK);
	EXPECT(query_prot((vaddr_t)mm_phys_to_virt(pa)) == PT_WRITE);
	buddy_free(mm_phys, pa, 0);

	EXPECT(vm_space_check(s) == CAIRN_OK);
	EXPECT(buddy_check(mm_phys) == CAIRN_OK);
	/* Nothing leaked: object frames and table pages back to where they were,
	 * no test pages left (slabs for bookkeeping may stay cached). */
	EXPECT(mm_phys->owned[PHYS_OWNER_VMOBJECT] == objects0);
	EXPECT(mm_phys->owned[PHYS_OWNER_TEST] == 0);
	EXPECT(mm_phys->owned[PHYS_OWNER_PAGETABLE] == tables0);
	LOG_INFO("selftest: mm-map: map/protect/unmap, phys and stack mappings, W^X all as "
		 "expected; %llu KiB free before, %llu KiB after (slab caches keep a few pages)",
		 (unsigned long long)(free0 * 4),
		 (unsigned long long)(buddy_pages_free(mm_phys) * 4));
	return CAIRN_OK;
}
SELFTEST("mm-map", mm_map, true);

static err_t mm_app(void)
{
	handle_t h;
	uint8_t *p, *q;
	void *v;

	EXPECT(sys_memory_grant("selftest", CAIRN_RIGHT_MAP | CAIRN_RIGHT_READ |
				CAIRN_RIGHT_WRITE | CAIRN_RIGHT_EXECUTE, MiB(2), &h) == CAIRN_OK);
	EXPECT(cairn_mem_map(h, PAGE_SIZE, CAIRN_RIGHT_WRITE | CAIRN_RIGHT_EXECUTE, &v) ==
	       CAIRN_ERR_INVAL);
	EXPECT(cairn_mem_map(h, MiB(4), CAIRN_RIGHT_READ, &v) == CAIRN_ERR_LIMIT);
	EXPECT(cairn_mem_map(h, 3 * PAGE_SIZE, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE, &v) ==
	       CAIRN_OK);
	p = v;
	p[3 * PAGE_SIZE - 1] = 1;
	EXPECT(sys_user_range_check(p, 3 * PAGE_SIZE, CAIRN_RIGHT_WRITE) == CAIRN_OK);
	EXPECT(sys_user_range_check(p, 3 * PAGE_SIZE + 1, 0) == CAIRN_ERR_FAULT);
	EXPECT(sys_user_range_check(&h, sizeof(h), 0) == CAIRN_ERR_FAULT);
	EXPECT(cairn_mem_protect(h, p, 3 * PAGE_SIZE, CAIRN_RIGHT_READ) == CAIRN_OK);
	EXPECT(query_prot((vaddr_t)p) == 0);
	EXPECT(sys_user_range_check(p, 1, CAIRN_RIGHT_WRITE) == CAIRN_ERR_FAULT);
	EXPECT(cairn_mem_unmap(h, p, 3 * PAGE_SIZE) == CAIRN_OK);
	EXPECT(pagetable_query(vm_kernel->pt, (vaddr_t)p, NULL, NULL, NULL) == CAIRN_ERR_NOENT);
	EXPECT(sys_memory_heap_bind(h) == CAIRN_OK);
	q = cairn_malloc(100);
	EXPECT(q && sys_user_range_check(q, 100, CAIRN_RIGHT_WRITE) == CAIRN_OK);
	memset(q, 0x5a, 100);
	q = cairn_realloc(q, 200000); /* a mapping of its own */
	EXPECT(q && q[99] == 0x5a && sys_user_range_check(q, 200000, CAIRN_RIGHT_WRITE) == CAIRN_OK);
	EXPECT(cairn_aligned_alloc(4096, MiB(4)) == NULL); /* over budget: NULL, no crash */
	cairn_free(q);
	LOG_INFO("selftest: mm-app: grant, map, protect, unmap, range checks and heap as expected");
	return CAIRN_OK;
}
SELFTEST("mm-app", mm_app, true);

static err_t mm_exhaust(void)
{
	uint64_t free0 = buddy_pages_free(mm_phys), taken = 0;
	struct vm_mapping *m;
	paddr_t head = 0, pa;
	void *big;

	/* Take everything, largest blocks first, chaining them through their
	 * first bytes (the direct map reaches all of RAM). */
	for (int order = BUDDY_ORDER_MAX; order >= 0; order--) {
		while (buddy_alloc(mm_phys, (unsigned)order, 0, PHYS_OWNER_TEST, &pa) == CAIRN_OK) {
			uint64_t *link = mm_phys_to_virt(pa);

			link[0] = head;
			link[1] = (uint64_t)order;
			head = pa;
			taken += 1ull << order;
		}
	}
	EXPECT(buddy_pages_free(mm_phys) == 0);
	EXPECT(buddy_alloc(mm_phys, 0, 0, PHYS_OWNER_TEST, &pa) == CAIRN_ERR_NOMEM);
	EXPECT(buddy_alloc(mm_phys, 0, BUDDY_DMA32, PHYS_OWNER_TEST, &pa) == CAIRN_ERR_NOMEM);
#if !CONFIG_HOSTED /* the hosted kmalloc is the C library's */
	big = kmalloc(MiB(1));
	EXPECT(big == NULL);
#else
	(void)big;
#endif
	EXPECT(vm_map_anon(vm_kernel, KiB(64), PT_WRITE, "selftest-exhaust", &m) ==
	       CAIRN_ERR_NOMEM);
	EXPECT(vm_stack_alloc(vm_kernel, KiB(16), "selftest-exhaust", &m) == CAIRN_ERR_NOMEM);
#if !CONFIG_HOSTED
	/* Small kmalloc may still find room in partial slabs, never more. */
	void *small[64];
	int nsmall = 0;

	while ((small[nsmall] = kmalloc(2048)) != NULL)
		EXPECT(++nsmall < 64);
	while (nsmall)
		kfree(small[--nsmall]);
#endif
	EXPECT(buddy_pages_free(mm_phys) == 0);
	LOG_INFO("selftest: mm-exhaust: %llu KiB taken; buddy, kmalloc, vm_map and stacks "
		 "failed cleanly with NOMEM", (unsigned long long)(taken * 4));
	while (head) {
		uint64_t *link = mm_phys_to_virt(head);
		paddr_t next = link[0];

		buddy_free(mm_phys, head, (unsigned)link[1]);
		head = next;
	}
	EXPECT(buddy_pages_free(mm_phys) == free0);
	EXPECT(buddy_check(mm_phys) == CAIRN_OK);
	/* And allocation works again. */
	EXPECT(vm_map_anon(vm_kernel, KiB(64), PT_WRITE, "selftest-after", &m) == CAIRN_OK);
	vm_unmap(vm_kernel, m);
	EXPECT(vm_space_check(vm_kernel) == CAIRN_OK);
	LOG_INFO("selftest: mm-exhaust: all returned, %llu KiB free again",
		 (unsigned long long)(buddy_pages_free(mm_phys) * 4));
	buddy_stats_log(mm_phys, LOG_LEVEL_INFO);
	slab_stats_log();
	return CAIRN_OK;
}
SELFTEST("mm-exhaust", mm_exhaust, true);

static volatile unsigned depth_limit = ~0u;

static unsigned __attribute__((noinline)) recurse(volatile char *prev, unsigned depth)
{
	volatile char frame[512];

	frame[0] = prev ? (char)(prev[0] + 1) : 0;
	if (depth == depth_limit)
		return 0;
	return recurse(frame, depth + 1) + (unsigned)frame[1];
}

static void overflow(void *arg)
{
	(void)arg;
	(void)recurse(NULL, 0);
}

static err_t mm_guard(void)
{
	struct vm_mapping *st;
	err_t err = vm_stack_alloc(vm_kernel, KiB(16), "selftest-overflow", &st);

	if (err)
		return err;
	LOG_INFO("selftest: overflowing stack 'selftest-overflow' [%#llx-%#llx]",
		 (unsigned long long)st->va, (unsigned long long)(st->va + st->size - 1));
	arch_stack_call((void *)(st->va + st->size), overflow, NULL);
	return CAIRN_OK;
}
SELFTEST("mm-guard", mm_guard, false);

#if CONFIG_SCHED
/* The boot thread's own stack is guarded too (src/kmain.c). */
static err_t mm_guard_boot(void)
{
	bool guard;
	char here;
	struct vm_mapping *m = vm_mapping_find(vm_kernel, (vaddr_t)&here, &guard);

	if (!m || guard || strcmp(m->name, "boot") != 0) {
		LOG_ERR("selftest: thread 'boot' does not run on its guarded stack");
		return CAIRN_ERR_CORRUPT;
	}
	LOG_INFO("selftest: overflowing the stack of thread 'boot' [%#llx-%#llx]",
		 (unsigned long long)m->va, (unsigned long long)(m->va + m->size - 1));
	(void)recurse(NULL, 0);
	return CAIRN_OK;
}
SELFTEST("mm-guard-boot", mm_guard_boot, false);
#endif

#if !CONFIG_HOSTED
static err_t mm_text_write(void)
{
	*(volatile uint8_t *)__text_start = 0xcc;
	return CAIRN_OK;
}
SELFTEST("mm-text-write", mm_text_write, false);
#endif

static uint64_t data_words[8] = { 1 }; /* in .data: never executable */

static err_t mm_data_exec(void)
{
	void (*volatile fn)(void) = (void (*)(void))(uintptr_t)data_words;

	fn();
	return CAIRN_OK;
}
SELFTEST("mm-data-exec", mm_data_exec, false);

static err_t mm_ro_write(void)
{
	struct vm_mapping *m;
	err_t err = vm_map_anon(vm_kernel, PAGE_SIZE, PT_WRITE, "selftest-ro", &m);

	if (err)
		return err;
	*(volatile uint8_t *)m->va = 1;
	err = vm_protect(vm_kernel, m, 0);
	if (err)
		return err;
	*(volatile uint8_t *)(m->va + 0x10) = 2;
	return CAIRN_OK;
}
SELFTEST("mm-ro-write", mm_ro_write, false);

static err_t mm_unmapped(void)
{
	struct vm_mapping *m;
	volatile uint8_t *p;
	err_t err = vm_map_anon(vm_kernel, PAGE_SIZE, PT_WRITE, "selftest-gone", &m);

	if (err)
		return err;
	p = (volatile uint8_t *)m->va;
	p[0] = 42; /* the translation is now cached in the TLB */
	vm_unmap(vm_kernel, m);
	LOG_INFO("selftest: reading %p after unmap", (void *)p);
	(void)p[0];
	return CAIRN_OK;
}
SELFTEST("mm-unmapped", mm_unmapped, false);

#endif /* CONFIG_SELFTEST */
