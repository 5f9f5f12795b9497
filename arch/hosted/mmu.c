// SPDX-License-Identifier: BSD-2-Clause
/*
 * The MMU side of the arch contract in the hosted shim: a simulated MMU
 * that makes the portable page tables real enough to run on.
 *
 * "Physical memory" is a memfd, mapped whole at a 1 GiB-aligned host
 * address: that mapping is the direct map (virt = phys + direct_offset).
 * The mapped-objects and thread-stacks regions are host address ranges
 * reserved PROT_NONE. The tables the portable code builds (x86_64 format,
 * in the memfd) are the truth: whenever the contract says translations
 * change (activate, sync, TLB flushes), this file re-reads the active
 * table for the affected pages and mmaps the memfd page each one maps, with
 * its permissions, at that host address - or PROT_NONE if unmapped. So a
 * mapping made through vm_map is usable memory, a guard page or an
 * unmapped page faults (SIGSEGV), and a missing TLB flush in the portable
 * code leaves the host mapping stale, as it would on hardware.
 *
 * Every call is also counted and the last flushed addresses recorded, so
 * tests can assert the right invalidations happen (arch/hosted/hosted.h).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <kernel/arch.h>
#include <kernel/mm/pagetable.h>

#include "hosted.h"

#define PHYS_WINDOW GiB(8)
#define OBJECTS_SIZE GiB(1)
#define STACKS_SIZE MiB(256)
#define FLUSH_LOG 64

static int memfd = -1;
static uint8_t *direct, *objects, *stacks;
static paddr_t active_root;
static struct hosted_mmu_counts counts;
static vaddr_t flushed[FLUSH_LOG];
static uint64_t nflushed;

/* Reserve `size` bytes aligned to `align` of host address space. */
static uint8_t *reserve(uint64_t size, uint64_t align)
{
	uint8_t *p = mmap(NULL, size + align, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint8_t *a;

	if (p == MAP_FAILED) {
		perror("hosted mmu: reserve");
		abort();
	}
	a = (uint8_t *)ALIGN_UP((uintptr_t)p, (uintptr_t)align);
	if (a > p)
		munmap(p, (size_t)(a - p));
	munmap(a + size, (size_t)(p + size + align - (a + size)));
	return a;
}

static void setup(void)
{
	if (memfd >= 0)
		return;
	memfd = memfd_create("cairn-phys", 0);
	if (memfd < 0 || ftruncate(memfd, (off_t)PHYS_WINDOW) != 0) {
		perror("hosted mmu: memfd");
		abort();
	}
	direct = reserve(PHYS_WINDOW, GiB(1));
	if (mmap(direct, PHYS_WINDOW, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, memfd, 0) ==
	    MAP_FAILED) {
		perror("hosted mmu: direct map");
		abort();
	}
	objects = reserve(OBJECTS_SIZE, MiB(2));
	stacks = reserve(STACKS_SIZE, MiB(2));
}

void arch_mm_layout(struct arch_mm_layout *out)
{
	setup();
	*out = (struct arch_mm_layout){
		.direct_offset = (uintptr_t)direct,
		.early_limit = PHYS_WINDOW,
		.objects_base = (vaddr_t)objects,
		.objects_size = OBJECTS_SIZE,
		.stacks_base = (vaddr_t)stacks,
		.stacks_size = STACKS_SIZE,
		.map_image = false,
	};
}

static bool in_regions(vaddr_t va)
{
	return (va - (vaddr_t)objects < OBJECTS_SIZE) || (va - (vaddr_t)stacks < STACKS_SIZE);
}

/* Make the host mapping of the page at `va` match the active table. */
static void sync_page(vaddr_t va)
{
	paddr_t pa;
	unsigned prot;
	void *r;

	if (!in_regions(va))
		return;
	if (active_root &&
	    pagetable_translate(&pt_format_x86_64, active_root, va, &pa, &prot, NULL) == CAIRN_OK &&
	    pa + PAGE_SIZE <= PHYS_WINDOW) {
		int hp = PROT_READ | ((prot & PT_WRITE) ? PROT_WRITE : 0) |
			 ((prot & PT_EXEC) ? PROT_EXEC : 0);

		r = mmap((void *)va, PAGE_SIZE, hp, MAP_SHARED | MAP_FIXED, memfd,
			 (off_t)(pa & ~(paddr_t)(PAGE_SIZE - 1)));
	} else {
		r = mmap((void *)va, PAGE_SIZE, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	}
	if (r == MAP_FAILED) {
		perror("hosted mmu: sync");
		abort();
	}
}

static void sync_range(vaddr_t va, uint64_t size)
{
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		sync_page(va + off);
}

static void sync_all(void)
{
	mmap(objects, OBJECTS_SIZE, PROT_NONE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	mmap(stacks, STACKS_SIZE, PROT_NONE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	if (!active_root)
		return;
	for (uint64_t off = 0; off < OBJECTS_SIZE; off += PAGE_SIZE)
		if (pagetable_translate(&pt_format_x86_64, active_root, (vaddr_t)objects + off, NULL,
					NULL, NULL) == CAIRN_OK)
			sync_page((vaddr_t)objects + off);
	for (uint64_t off = 0; off < STACKS_SIZE; off += PAGE_SIZE)
		if (pagetable_translate(&pt_format_x86_64, active_root, (vaddr_t)stacks + off, NULL,
					NULL, NULL) == CAIRN_OK)
			sync_page((vaddr_t)stacks + off);
}

void arch_pagetable_activate(paddr_t root)
{
	setup();
	counts.activates++;
	active_root = root;
	sync_all();
}

void arch_pagetable_sync(vaddr_t va, size_t size)
{
	counts.syncs++;
	sync_range(va, size);
}

void arch_tlb_flush_page(vaddr_t va)
{
	counts.flush_pages++;
	flushed[nflushed++ % FLUSH_LOG] = va;
	sync_page(va & ~(vaddr_t)(PAGE_SIZE - 1));
}

void arch_tlb_flush_all(void)
{
	counts.flush_alls++;
	sync_all();
}

/* ---- test interface (declared in arch/hosted/hosted.h) --------------------- */

void hosted_mmu_counts(struct hosted_mmu_counts *out)
{
	*out = counts;
}

size_t hosted_mmu_flushed(vaddr_t *out, size_t max)
{
	uint64_t n = MIN(MIN(nflushed, (uint64_t)FLUSH_LOG), (uint64_t)max);

	for (uint64_t i = 0; i < n; i++)
		out[i] = flushed[(nflushed - n + i) % FLUSH_LOG];
	return (size_t)n;
}

/* Forget the active table (a test is about to free its memory). */
void hosted_mmu_reset(void)
{
	setup();
	active_root = 0;
	sync_all();
	counts = (struct hosted_mmu_counts){ 0 };
	nflushed = 0;
}

/* ---- another stack ----------------------------------------------------------- */

static ucontext_t caller_ctx, callee_ctx;
static void (*call_fn)(void *);
static void *call_arg;

static void trampoline(void)
{
	call_fn(call_arg);
}

void arch_stack_call(void *stack_top, void (*fn)(void *), void *arg)
{
	/* The stack's size is not known here: give makecontext the 64 KiB below
	 * the top, which is what it uses for the initial frame's alignment. */
	getcontext(&callee_ctx);
	callee_ctx.uc_stack.ss_sp = (char *)stack_top - KiB(64);
	callee_ctx.uc_stack.ss_size = KiB(64);
	callee_ctx.uc_link = &caller_ctx;
	call_fn = fn;
	call_arg = arg;
	makecontext(&callee_ctx, trampoline, 0);
	swapcontext(&caller_ctx, &callee_ctx);
}
