// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fault injection for the application heap (src/sys/memory.c:
 * cairn_malloc, cairn_calloc, cairn_realloc, cairn_aligned_alloc), which
 * maps its chunks and its large blocks through vm_map_anon. A scenario
 * runs with the Nth page allocation (MM_FAULT_PAGES) or the Nth VM
 * bookkeeping allocation (the hosted kmalloc) failed, for every N until a
 * run completes. The call that meets the failure returns NULL (realloc
 * leaves the old block intact), the scenario frees what it holds, and then
 * nothing may be left over: every mapping is a heap chunk and wholly one
 * free block, the frames owned by VM objects are exactly those mappings',
 * the grant's budget is charged exactly for them, the owned-range table
 * holds exactly them (no slot reserved and lost), and the VM space and
 * buddy invariants hold.
 *
 * A suite of its own: the heap's state is static in memory.c and chunks
 * once mapped are kept (they are the heap's, not a leak), so this process
 * starts from an empty heap. The scenario first fills the chunks kept from
 * earlier runs, so that every run maps a new chunk at the same point.
 */
#include <stdio.h>
#include <string.h>

#include "cairn_test.h"

#include <cairn/memory.h>
#include <kernel/arch.h>
#include <kernel/mm/user.h>
#include <kernel/mm/vm.h>

/* The heap's block header, as memory.c lays it out (read-only here). */
struct block {
	size_t size_flags;
	size_t prev_size;
};
#define HDR 16ul
#define F_FREE 1ul
#define CHUNK ((size_t)CONFIG_MM_APP_HEAP_CHUNK_KB * 1024)
#define GRANT MiB(24)

static struct buddy b;
static struct pagetable pt;
static struct vm_space space;
static handle_t heap;

static int group_setup(void **state)
{
	struct arch_mm_layout l;
	struct boot_usable r = { MiB(16), MiB(48) };

	(void)state;
	arch_mm_layout(&l);
	mm_direct_offset = l.direct_offset;
	if (buddy_init(&b, "heap-test", &r, 1, l.early_limit) != CAIRN_OK ||
	    pagetable_init(&pt, &pt_format_x86_64, &b, 0) != CAIRN_OK ||
	    vm_space_init(&space, &pt, &b, l.objects_base, l.objects_size, l.stacks_base,
			  l.stacks_size) != CAIRN_OK)
		return -1;
	pagetable_activate(&pt);
	vm_kernel = &space;
	mm_phys = &b;
	if (sys_memory_grant("heap", CAIRN_RIGHT_MAP | CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE, GRANT,
			     &heap) != CAIRN_OK ||
	    sys_memory_heap_bind(heap) != CAIRN_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mm_fault_fail_after(MM_FAULT_PAGES, -1);
	hosted_alloc_fail_after(-1);
	return 0;
}

/* The heap's chunks: every mapping must be one, named "heap". */
static size_t chunks(uint64_t *bytes)
{
	size_t n = 0;

	*bytes = 0;
	for (struct vm_mapping *m = space.mappings; m; m = m->next) {
		if (strcmp(m->name, "heap") != 0)
			fail_msg("mapping '%s' at %#lx (%llu bytes) left over", m->name,
				 (unsigned long)m->va, (unsigned long long)m->size);
		n++;
		*bytes += m->size;
	}
	return n;
}

/* Free owned-range slots, counted by filling the table. */
static size_t free_range_slots(void)
{
	static uint8_t probe[2 * SYS_USER_RANGES_MAX];
	size_t n = 0;
	err_t err;

	while ((err = sys_user_range_add(probe + 2 * n, 1, CAIRN_RIGHT_READ)) == CAIRN_OK)
		n++;
	assert_int_equal(err, CAIRN_ERR_LIMIT);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(sys_user_range_remove(probe + 2 * i, 1), CAIRN_OK);
	return n;
}

/* Nothing but free chunks is left, and every account agrees. */
static void assert_only_free_chunks(const char *when)
{
	uint64_t bytes;
	size_t n = chunks(&bytes);
	void *p;

	for (struct vm_mapping *m = space.mappings; m; m = m->next) {
		const struct block *first = (const struct block *)m->va;
		const struct block *end = (const struct block *)(m->va + m->size - HDR);

		if (first->size_flags != ((m->size - HDR) | F_FREE) || end->size_flags != 0)
			fail_msg("%s: chunk at %#lx is not one free block (header %#zx, end %#zx)",
				 when, (unsigned long)m->va, first->size_flags, end->size_flags);
	}
	if (b.owned[PHYS_OWNER_VMOBJECT] != bytes / PAGE_SIZE)
		fail_msg("%s: %llu pages owned by VM objects, %llu mapped in %zu chunks", when,
			 (unsigned long long)b.owned[PHYS_OWNER_VMOBJECT],
			 (unsigned long long)(bytes / PAGE_SIZE), n);
	assert_int_equal(b.owned[PHYS_OWNER_PAGETABLE], pt.table_pages);
	/* The budget left is exactly GRANT - bytes: a mapping of that size
	 * passes the budget (and fails at its first page, changing nothing),
	 * one page more does not. */
	if (bytes < GRANT) {
		mm_fault_fail_after(MM_FAULT_PAGES, 0);
		assert_int_equal(cairn_mem_map(heap, GRANT - bytes, CAIRN_RIGHT_READ, &p),
				 CAIRN_ERR_NOMEM);
		mm_fault_fail_after(MM_FAULT_PAGES, -1);
	}
	if (cairn_mem_map(heap, GRANT - bytes + PAGE_SIZE, CAIRN_RIGHT_READ, &p) != CAIRN_ERR_LIMIT)
		fail_msg("%s: the grant's budget is not %llu bytes short", when,
			 (unsigned long long)bytes);
	if (free_range_slots() != SYS_USER_RANGES_MAX - n)
		fail_msg("%s: owned-range slots: %zu free, expected %zu", when, free_range_slots(),
			 SYS_USER_RANGES_MAX - n);
	assert_int_equal(vm_space_check(&space), CAIRN_OK);
	assert_int_equal(buddy_check(&b), CAIRN_OK);
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 13 + seed);
}

static bool filled(const uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)(i * 13 + seed))
			return false;
	return true;
}

enum { MAXHELD = 2 * SYS_USER_RANGES_MAX + 16 };
static void *held[MAXHELD];
static size_t nheld;

static void *hold(void *p)
{
	assert_true(nheld < MAXHELD);
	if (p)
		held[nheld++] = p;
	return p;
}

/* Two blocks that fill a chunk's free block exactly (32768 + 32752 bytes
 * with headers: 65520, the chunk less its end sentinel), both on the
 * small path (size + 16 <= CHUNK / 2). */
#define FIRST_HALF (CHUNK / 2 - HDR)
#define SECOND_HALF (CHUNK / 2 - 2 * HDR)

/* The scenario: true if it ran to the end. Every call that returns NULL
 * is one the test failed on purpose. */
static bool scenario(size_t kept)
{
	uint8_t *p, *q;

	/* Fill the chunks kept from earlier runs: no page is allocated. */
	for (size_t i = 0; i < kept; i++)
		if (!hold(cairn_malloc(FIRST_HALF)) || !hold(cairn_calloc(1, SECOND_HALF)))
			fail_msg("chunk %zu of %zu kept: no room", i, kept);
	/* A new chunk; small blocks in its second half. */
	if (!hold(cairn_malloc(FIRST_HALF)))
		return false;
	if (!(p = hold(cairn_aligned_alloc(256, 100))))
		fail_msg("a chunk with room refused a block");
	assert_true(IS_ALIGNED((uintptr_t)p, 256));
	/* Large blocks: a mapping each. */
	if (!(p = hold(cairn_malloc(40000))))
		return false;
	memset(p, 1, 40000);
	if (!(p = hold(cairn_aligned_alloc(4096, 50000))))
		return false;
	assert_true(IS_ALIGNED((uintptr_t)p, 4096));
	if (!(p = hold(cairn_calloc(10, 5000))))
		return false;
	for (size_t i = 0; i < 50000; i++)
		assert_int_equal(p[i], 0);
	/* realloc: small -> large -> same -> larger; a failure keeps the block. */
	if (!(p = hold(cairn_malloc(100))))
		fail_msg("a chunk with room refused a block");
	fill(p, 100, 7);
	if (!(q = cairn_realloc(p, 60000))) {
		assert_true(filled(p, 100, 7));
		return false;
	}
	assert_true(filled(q, 100, 7));
	held[nheld - 1] = q;
	fill(q, 60000, 9);
	assert_ptr_equal(cairn_realloc(q, 200), q); /* fits: stays */
	if (!(p = cairn_realloc(q, 90000))) {
		assert_true(filled(q, 60000, 9));
		return false;
	}
	assert_true(filled(p, 60000, 9));
	held[nheld - 1] = p;
	return true;
}

static void release_held(void)
{
	while (nheld)
		cairn_free(held[--nheld]);
}

static void test_heap_injected_failure_at_every_point_leaks_nothing(void **state)
{
	static const char *const site_names[] = { "page", "kmalloc" };

	(void)state;
	assert_only_free_chunks("before");
	for (int site = 0; site < 2; site++) {
		int64_t n;

		for (n = 0;; n++) {
			uint64_t injected = site ? hosted_alloc_injected_failures() : b.injected_failures;
			uint64_t bytes;
			size_t kept = chunks(&bytes);
			bool done;
			char when[64];

			if (site == 0)
				mm_fault_fail_after(MM_FAULT_PAGES, n);
			else
				hosted_alloc_fail_after(n);
			done = scenario(kept);
			mm_fault_fail_after(MM_FAULT_PAGES, -1);
			hosted_alloc_fail_after(-1);
			release_held();
			snprintf(when, sizeof(when), "%s failure %lld", site_names[site], (long long)n);
			/* A NULL only where a failure was injected, and then one. */
			assert_int_equal((site ? hosted_alloc_injected_failures() : b.injected_failures) -
						 injected,
					 done ? 0 : 1);
			assert_only_free_chunks(when);
			if (done)
				break;
		}
		printf("[          ] heap: %s site: %lld failure points\n", site_names[site],
		       (long long)n);
		assert_true(n >= 6); /* the chunk and 5 large mappings at least */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_heap_injected_failure_at_every_point_leaks_nothing,
					  teardown),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
