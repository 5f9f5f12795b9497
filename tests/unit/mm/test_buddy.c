// SPDX-License-Identifier: BSD-2-Clause
/*
 * The buddy allocator over fake physical memory: accounting, alignment of
 * every order, full coalescing, zones, clean exhaustion, ownership checks
 * that panic, fault injection at every point of a scenario, and a random
 * property test with invariants B1-B4 checked after every step.
 */
#include <stdio.h>
#include <string.h>

#include "cairn_test.h"
#include "mm_fixture.h"

#include <kernel/mm/phys.h>

static struct buddy b;

static int setup(void **state)
{
	(void)state;
	mm_fault_fail_after(MM_FAULT_PAGES, -1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mm_fix_capture_stop();
	mm_fix_release();
	return 0;
}

/* Free blocks per order, for comparing states. */
static void snapshot(const struct buddy *bb, uint64_t out[PHYS_ZONES][BUDDY_ORDERS])
{
	for (unsigned z = 0; z < PHYS_ZONES; z++)
		for (unsigned k = 0; k < BUDDY_ORDERS; k++)
			out[z][k] = bb->zone[z].blocks_free[k];
}

static void test_buddy_init_accounts_every_usable_page_and_its_memmap(void **state)
{
	/* Three ranges: an odd-sized one, a plain one, one across 4 GiB
	 * (only the first is backed: the allocator never touches free pages). */
	struct boot_usable r[] = {
		{ MM_FIX_PA, MiB(3) + KiB(12) },
		{ MiB(16), MiB(16) },
		{ GiB(4) - MiB(8), MiB(16) },
	};
	uint64_t pages = (MiB(3) + KiB(12) + MiB(32)) / PAGE_SIZE;

	(void)state;
	mm_fix_back(MiB(4));
	assert_int_equal(buddy_init(&b, "t", r, 3, MM_FIX_PA + MiB(4)), CAIRN_OK);
	assert_int_equal(b.narenas, 4); /* the last range is split at 4 GiB */
	assert_int_equal(buddy_pages_total(&b), pages);
	assert_int_equal(b.zone[PHYS_ZONE_NORMAL].pages_total, MiB(8) / PAGE_SIZE);
	assert_int_equal(b.memmap_pages, ALIGN_UP(pages * sizeof(struct page_frame), PAGE_SIZE) /
						 PAGE_SIZE);
	assert_int_equal(buddy_pages_free(&b), pages - b.memmap_pages);
	assert_int_equal(b.owned[PHYS_OWNER_MEMMAP], b.memmap_pages);
	assert_int_equal(buddy_check(&b), CAIRN_OK);
}

static void test_buddy_init_rejects_bad_ranges(void **state)
{
	struct boot_usable unaligned = { MM_FIX_PA + 100, MiB(1) };
	struct boot_usable overlap[] = { { MM_FIX_PA, MiB(2) }, { MM_FIX_PA + MiB(1), MiB(2) } };
	struct boot_usable small = { MM_FIX_PA, PAGE_SIZE };

	(void)state;
	mm_fix_back(MiB(4));
	assert_int_equal(buddy_init(&b, "t", &unaligned, 1, GiB(4)), CAIRN_ERR_INVAL);
	assert_int_equal(buddy_init(&b, "t", overlap, 2, GiB(4)), CAIRN_ERR_INVAL);
	assert_int_equal(buddy_init(&b, "t", NULL, 0, GiB(4)), CAIRN_ERR_NOMEM);
	/* One page cannot hold its own frame array and a page to manage. */
	assert_int_equal(buddy_init(&b, "t", &small, 1, GiB(4)), CAIRN_ERR_NOMEM);
	/* The frame array must fit below the reachable limit. */
	struct boot_usable r = { MM_FIX_PA, MiB(2) };
	assert_int_equal(buddy_init(&b, "t", &r, 1, MM_FIX_PA), CAIRN_ERR_NOMEM);
}

static void test_buddy_alloc_returns_aligned_blocks_of_every_order(void **state)
{
	/* A 1 GiB-aligned arena of 2 GiB (unbacked) plus a backed one for the
	 * frame arrays: orders 0..18 all fit. */
	struct boot_usable r[] = { { MM_FIX_PA, MiB(16) }, { GiB(8), GiB(2) } };
	paddr_t pa[BUDDY_ORDERS];

	(void)state;
	mm_fix_back(MiB(16));
	assert_int_equal(buddy_init(&b, "t", r, 2, MM_FIX_PA + MiB(16)), CAIRN_OK);
	for (unsigned k = 0; k <= BUDDY_ORDER_MAX; k++) {
		assert_int_equal(buddy_alloc(&b, k, 0, PHYS_OWNER_TEST, &pa[k]), CAIRN_OK);
		assert_true(IS_ALIGNED(pa[k], PAGE_SIZE << k));
		assert_true(pa[k] >= GiB(8)); /* NORMAL is preferred */
		assert_int_equal(buddy_frame(&b, pa[k])->order, k);
	}
	assert_int_equal(buddy_alloc(&b, BUDDY_ORDER_MAX + 1, 0, PHYS_OWNER_TEST, &pa[0]),
			 CAIRN_ERR_INVAL);
	assert_int_equal(buddy_check(&b), CAIRN_OK);
	for (unsigned k = 0; k <= BUDDY_ORDER_MAX; k++)
		buddy_free(&b, pa[k], k);
	assert_int_equal(buddy_check(&b), CAIRN_OK);
	assert_int_equal(b.zone[PHYS_ZONE_NORMAL].blocks_free[BUDDY_ORDER_MAX], 2);
}

static void test_buddy_free_coalesces_back_to_the_initial_blocks(void **state)
{
	uint64_t before[PHYS_ZONES][BUDDY_ORDERS], after[PHYS_ZONES][BUDDY_ORDERS];
	paddr_t pa[512];

	(void)state;
	mm_fix_buddy(&b, MiB(4));
	snapshot(&b, before);
	for (int i = 0; i < 512; i++)
		assert_int_equal(buddy_alloc(&b, 0, 0, PHYS_OWNER_TEST, &pa[i]), CAIRN_OK);
	/* Free in an interleaved order: evens, then odds backwards. */
	for (int i = 0; i < 512; i += 2)
		buddy_free(&b, pa[i], 0);
	for (int i = 511; i > 0; i -= 2)
		buddy_free(&b, pa[i], 0);
	snapshot(&b, after);
	assert_memory_equal(before, after, sizeof(before));
	assert_int_equal(buddy_check(&b), CAIRN_OK);
}

static void test_buddy_alloc_fails_cleanly_when_exhausted(void **state)
{
	uint64_t free_pages;
	paddr_t pa, first = 0;
	unsigned n = 0;

	(void)state;
	mm_fix_buddy(&b, MiB(2));
	free_pages = buddy_pages_free(&b);
	while (buddy_alloc(&b, 0, 0, PHYS_OWNER_TEST, &pa) == CAIRN_OK) {
		if (!n++)
			first = pa;
	}
	assert_int_equal(n, free_pages);
	assert_int_equal(buddy_pages_free(&b), 0);
	assert_int_equal(buddy_alloc(&b, 0, 0, PHYS_OWNER_TEST, &pa), CAIRN_ERR_NOMEM);
	assert_int_equal(buddy_alloc(&b, 3, BUDDY_DMA32, PHYS_OWNER_TEST, &pa), CAIRN_ERR_NOMEM);
	assert_int_equal(b.failures, 3);
	assert_int_equal(b.failures_by_order[3], 1);
	assert_int_equal(b.zone[PHYS_ZONE_DMA32].pages_free_min, 0);
	buddy_free(&b, first, 0);
	assert_int_equal(buddy_alloc(&b, 0, 0, PHYS_OWNER_TEST, &pa), CAIRN_OK);
	assert_int_equal(pa, first);
	assert_int_equal(buddy_check(&b), CAIRN_OK);
}

static void test_buddy_dma32_allocations_stay_below_4_gib(void **state)
{
	struct boot_usable r[] = { { MM_FIX_PA, MiB(2) }, { GiB(6), MiB(2) } };
	paddr_t pa;

	(void)state;
	mm_fix_back(MiB(2));
	assert_int_equal(buddy_init(&b, "t", r, 2, MM_FIX_PA + MiB(2)), CAIRN_OK);
	for (int i = 0; i < 100; i++) {
		assert_int_equal(buddy_alloc(&b, 0, BUDDY_DMA32, PHYS_OWNER_TEST, &pa), CAIRN_OK);
		assert_true(pa < GiB(4));
	}
	assert_int_equal(buddy_alloc(&b, 0, 0, PHYS_OWNER_TEST, &pa), CAIRN_OK);
	assert_true(pa >= GiB(6));
	assert_int_equal(buddy_check(&b), CAIRN_OK);
}

static void test_buddy_zero_flag_clears_the_block(void **state)
{
	paddr_t pa;
	uint8_t *p;

	(void)state;
	mm_fix_buddy(&b, MiB(2));
	assert_int_equal(buddy_alloc(&b, 2, 0, PHYS_OWNER_TEST, &pa), CAIRN_OK);
	p = mm_phys_to_virt(pa);
	memset(p, 0x5a, 4 * PAGE_SIZE);
	buddy_free(&b, pa, 2);
	assert_int_equal(buddy_alloc(&b, 2, BUDDY_ZERO, PHYS_OWNER_TEST, &pa), CAIRN_OK);
	p = mm_phys_to_virt(pa);
	for (size_t i = 0; i < 4 * PAGE_SIZE; i++)
		assert_int_equal(p[i], 0);
}

static void test_buddy_double_free_panics_naming_the_frame(void **state)
{
	paddr_t pa;

	(void)state;
	mm_fix_buddy(&b, MiB(2));
	assert_int_equal(buddy_alloc(&b, 1, 0, PHYS_OWNER_TEST, &pa), CAIRN_OK);
	buddy_free(&b, pa, 1);
	mm_fix_capture_start();
	expect_assert_failure(buddy_free(&b, pa, 1));
	assert_non_null(strstr(mm_fix_captured(), "double free"));
}

static void test_buddy_free_with_the_wrong_order_panics_naming_the_owner(void **state)
{
	paddr_t pa;

	(void)state;
	mm_fix_buddy(&b, MiB(2));
	assert_int_equal(buddy_alloc(&b, 2, 0, PHYS_OWNER_PAGETABLE, &pa), CAIRN_OK);
	mm_fix_capture_start();
	expect_assert_failure(buddy_free(&b, pa, 1));
	assert_non_null(strstr(mm_fix_captured(), "pagetable block there has order 2"));
	/* A pointer into the middle of a block is not a block. */
	expect_assert_failure(buddy_free(&b, pa + PAGE_SIZE, 0));
	assert_non_null(strstr(mm_fix_captured(), "not the start of a block"));
	/* Unmanaged memory. */
	expect_assert_failure(buddy_free(&b, GiB(100), 0));
	mm_fix_capture_stop();
	buddy_free(&b, pa, 2);
	assert_int_equal(buddy_check(&b), CAIRN_OK);
}

static void test_buddy_last_unref_frees_a_shared_block(void **state)
{
	uint64_t free_pages;
	paddr_t pa;

	(void)state;
	mm_fix_buddy(&b, MiB(2));
	free_pages = buddy_pages_free(&b);
	assert_int_equal(buddy_alloc(&b, 0, 0, PHYS_OWNER_VMOBJECT, &pa), CAIRN_OK);
	buddy_ref(&b, pa);
	assert_int_equal(buddy_frame(&b, pa)->refcount, 2);
	/* Freeing while shared is a bug. */
	expect_assert_failure(buddy_free(&b, pa, 0));
	buddy_unref(&b, pa);
	assert_int_equal(buddy_pages_free(&b), free_pages - 1);
	buddy_unref(&b, pa);
	assert_int_equal(buddy_pages_free(&b), free_pages);
	assert_int_equal(b.owned[PHYS_OWNER_VMOBJECT], 0);
	assert_int_equal(buddy_check(&b), CAIRN_OK);
}

static void test_buddy_add_range_manages_memory_handed_back_later(void **state)
{
	uint64_t free_pages;

	(void)state;
	mm_fix_buddy(&b, MiB(4));
	free_pages = buddy_pages_free(&b);
	assert_int_equal(buddy_add_range(&b, GiB(1), MiB(1)), CAIRN_OK);
	/* 256 new pages, one of them now holds their frames. */
	assert_int_equal(buddy_pages_free(&b), free_pages + 256 - 2);
	assert_int_equal(buddy_add_range(&b, GiB(1) + KiB(512), MiB(1)), CAIRN_ERR_EXIST);
	assert_int_equal(buddy_add_range(&b, MM_FIX_PA, PAGE_SIZE), CAIRN_ERR_EXIST);
	assert_int_equal(buddy_add_range(&b, GiB(4) - PAGE_SIZE, 2 * PAGE_SIZE), CAIRN_ERR_INVAL);
	assert_int_equal(buddy_add_range(&b, GiB(2) + 1, PAGE_SIZE), CAIRN_ERR_INVAL);
	assert_int_equal(buddy_check(&b), CAIRN_OK);
	assert_non_null(buddy_frame(&b, GiB(1) + 5 * PAGE_SIZE));
}

/*
 * Fault injection: a scenario that takes blocks of several orders and
 * gives them all back when any allocation fails. Every N is walked; after
 * each run, every page is free again and the invariants hold.
 */
static err_t scenario(struct buddy *bb)
{
	paddr_t held[16];
	unsigned n = 0;
	err_t err = CAIRN_OK;

	for (unsigned k = 0; k < 16; k++) {
		err = buddy_alloc(bb, k % 5, k & 1 ? BUDDY_DMA32 : 0, PHYS_OWNER_TEST, &held[n]);
		if (err)
			goto fail;
		n++;
	}
fail:
	while (n--)
		buddy_free(bb, held[n], n % 5);
	return err;
}

static void test_buddy_injected_failure_at_every_point_leaks_nothing(void **state)
{
	uint64_t free_pages;
	int64_t n;

	(void)state;
	mm_fix_buddy(&b, MiB(4));
	free_pages = buddy_pages_free(&b);
	for (n = 0;; n++) {
		uint64_t injected = b.injected_failures;
		err_t err;

		mm_fault_fail_after(MM_FAULT_PAGES, n);
		err = scenario(&b);
		mm_fault_fail_after(MM_FAULT_PAGES, -1);
		assert_int_equal(buddy_pages_free(&b), free_pages);
		assert_int_equal(buddy_check(&b), CAIRN_OK);
		if (b.injected_failures == injected) {
			assert_int_equal(err, CAIRN_OK);
			break;
		}
		assert_int_equal(err, CAIRN_ERR_NOMEM);
	}
	assert_int_equal(n, 16); /* every one of the 16 allocations was failed once */
}

/* May an allocation of `order` with `flags` fail? Only if no free block
 * of that order or above is left in a zone the request may use. */
static bool may_fail(const struct buddy *bb, unsigned order, unsigned flags)
{
	for (unsigned z = 0; z < PHYS_ZONES; z++) {
		if ((flags & BUDDY_DMA32) && z != PHYS_ZONE_DMA32)
			continue;
		for (unsigned k = order; k < BUDDY_ORDERS; k++)
			if (bb->zone[z].blocks_free[k])
				return false;
	}
	return true;
}

/* Random allocations and frees of every order 0..18 against a model of
 * what is held; after every step: B1-B4, no two held blocks overlap, the
 * free count is exactly total - memmap - held, the churn counters match
 * the model, and a failure happens only when no block is big enough.
 * Every ROUND steps everything is freed (the arena must coalesce back to
 * its initial blocks) and the next allocation takes order round % 19 from
 * the whole arena, so every order up to 1 GiB is allocated at least once;
 * between rounds a quarter of the allocations pick any order 0..18, so
 * high orders also fail (cleanly) on a fragmented arena. */
static void test_buddy_random_operations_keep_invariants(void **state)
{
	/* A 1 GiB-aligned GiB (unbacked: never touched) for orders up to 18,
	 * odd-sized small ranges, and a little NORMAL memory above 4 GiB. */
	struct boot_usable r[] = {
		{ MM_FIX_PA, MiB(14) + KiB(20) },
		{ MiB(24), MiB(8) },
		{ GiB(1), GiB(1) },
		{ GiB(4) - MiB(2), MiB(6) },
	};
	enum { MAXHELD = 256, STEPS = 4000, ROUND = 200 };
	struct { paddr_t pa; unsigned order; } held[MAXHELD];
	uint64_t before[PHYS_ZONES][BUDDY_ORDERS], after[PHYS_ZONES][BUDDY_ORDERS];
	uint64_t ok_by_order[BUDDY_ORDERS] = { 0 }, failed_by_order[BUDDY_ORDERS] = { 0 };
	uint64_t allocs = 0, frees = 0, failures = 0, failures0;
	unsigned long seed = cairn_test_seed("buddy_random");
	size_t nheld = 0;
	uint64_t held_pages = 0;
	bool forced = false;

	(void)state;
	_Static_assert(STEPS / ROUND >= BUDDY_ORDERS, "every order gets a round of its own");
	srand((unsigned)seed);
	mm_fix_back(MiB(15));
	assert_int_equal(buddy_init(&b, "t", r, 4, MM_FIX_PA + MiB(15)), CAIRN_OK);
	snapshot(&b, before);
	failures0 = b.failures;
	for (int step = 0; step < STEPS; step++) {
		if (step % ROUND == 0) {
			/* A new round: free everything, then one block of this
			 * round's order from the coalesced arena. */
			while (nheld) {
				nheld--;
				buddy_free(&b, held[nheld].pa, held[nheld].order);
				frees++;
			}
			held_pages = 0;
			snapshot(&b, after);
			if (memcmp(before, after, sizeof(before)) != 0)
				fail_msg("not coalesced at step %d (seed %lu)", step, seed);
			forced = true;
		}
		if (forced || (nheld < MAXHELD && (rand() % 3 != 0 || nheld == 0))) {
			/* Mostly small orders, a quarter of the time any order. */
			unsigned order = forced ? (unsigned)(step / ROUND) % BUDDY_ORDERS :
					 rand() % 4 ? (unsigned)rand() % 4 :
						      (unsigned)rand() % BUDDY_ORDERS;
			unsigned flags = !forced && rand() % 4 == 0 ? BUDDY_DMA32 : 0;
			bool could_fail = may_fail(&b, order, flags);
			paddr_t pa;
			err_t err = buddy_alloc(&b, order, flags, PHYS_OWNER_TEST, &pa);

			if (err == CAIRN_ERR_NOMEM) {
				if (!could_fail || forced)
					fail_msg("order %u (flags %#x) failed with a block free, step %d "
						 "(seed %lu)", order, flags, step, seed);
				failed_by_order[order]++;
				goto check;
			}
			assert_int_equal(err, CAIRN_OK);
			assert_false(could_fail);
			forced = false;
			ok_by_order[order]++;
			allocs++;
			assert_true(IS_ALIGNED(pa, PAGE_SIZE << order));
			assert_int_equal(buddy_frame(&b, pa)->order, order);
			if (flags & BUDDY_DMA32)
				assert_true(pa + (PAGE_SIZE << order) <= GiB(4));
			for (size_t i = 0; i < nheld; i++) {
				paddr_t lo = held[i].pa, hi = lo + (PAGE_SIZE << held[i].order);

				assert_true(pa + (PAGE_SIZE << order) <= lo || pa >= hi);
			}
			held[nheld].pa = pa;
			held[nheld++].order = order;
			held_pages += 1ull << order;
		} else {
			size_t i = (size_t)rand() % nheld;

			buddy_free(&b, held[i].pa, held[i].order);
			frees++;
			held_pages -= 1ull << held[i].order;
			held[i] = held[--nheld];
		}
check:
		assert_int_equal(buddy_pages_free(&b),
				 buddy_pages_total(&b) - b.memmap_pages - held_pages);
		assert_int_equal(b.owned[PHYS_OWNER_TEST], held_pages);
		assert_int_equal(b.zone[0].allocs + b.zone[1].allocs, allocs);
		assert_int_equal(b.zone[0].frees + b.zone[1].frees, frees);
		if (buddy_check(&b) != CAIRN_OK)
			fail_msg("invariants broken at step %d (seed %lu)", step, seed);
	}
	while (nheld) {
		nheld--;
		buddy_free(&b, held[nheld].pa, held[nheld].order);
	}
	snapshot(&b, after);
	assert_memory_equal(before, after, sizeof(before)); /* fully coalesced */
	assert_int_equal(buddy_check(&b), CAIRN_OK);
	for (unsigned k = 0; k < BUDDY_ORDERS; k++) {
		if (!ok_by_order[k])
			fail_msg("order %u was never allocated (seed %lu)", k, seed);
		failures += failed_by_order[k];
		assert_int_equal(b.failures_by_order[k], failed_by_order[k]);
	}
	assert_int_equal(b.failures - failures0, failures);
	printf("[          ] buddy_random: order 18: %llu allocated, %llu failed cleanly\n",
	       (unsigned long long)ok_by_order[BUDDY_ORDER_MAX],
	       (unsigned long long)failed_by_order[BUDDY_ORDER_MAX]);
}

static void test_buddy_stats_report_pressure_churn_and_failures(void **state)
{
	paddr_t pa;

	(void)state;
	mm_fix_buddy(&b, MiB(2));
	assert_int_equal(buddy_alloc(&b, 0, 0, PHYS_OWNER_TEST, &pa), CAIRN_OK);
	assert_int_equal(buddy_alloc(&b, 12, 0, PHYS_OWNER_TEST, &pa), CAIRN_ERR_NOMEM);
	mm_fix_capture_start();
	buddy_stats_log(&b, LOG_LEVEL_INFO);
	assert_non_null(strstr(mm_fix_captured(), "zone dma32"));
	assert_non_null(strstr(mm_fix_captured(), "churn 1 allocs 0 frees"));
	assert_non_null(strstr(mm_fix_captured(), "1 failed allocations (0 injected)"));
	assert_non_null(strstr(mm_fix_captured(), "KiB held by test"));
	assert_non_null(strstr(mm_fix_captured(), "free blocks by order"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_buddy_init_accounts_every_usable_page_and_its_memmap),
		T(test_buddy_init_rejects_bad_ranges),
		T(test_buddy_alloc_returns_aligned_blocks_of_every_order),
		T(test_buddy_free_coalesces_back_to_the_initial_blocks),
		T(test_buddy_alloc_fails_cleanly_when_exhausted),
		T(test_buddy_dma32_allocations_stay_below_4_gib),
		T(test_buddy_zero_flag_clears_the_block),
		T(test_buddy_double_free_panics_naming_the_frame),
		T(test_buddy_free_with_the_wrong_order_panics_naming_the_owner),
		T(test_buddy_last_unref_frees_a_shared_block),
		T(test_buddy_add_range_manages_memory_handed_back_later),
		T(test_buddy_injected_failure_at_every_point_leaks_nothing),
		T(test_buddy_random_operations_keep_invariants),
		T(test_buddy_stats_report_pressure_churn_and_failures),
#undef T
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
