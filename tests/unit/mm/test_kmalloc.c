// SPDX-License-Identifier: BSD-2-Clause
/*
 * The kernels' kmalloc (src/mm/kmalloc.c) over fake physical memory. The
 * hosted shim's own kmalloc is the C library's (AddressSanitizer sees every
 * kernel block), so tests.cmake compiles kmalloc.c into this test under
 * other names: lk_kmalloc, lk_kzalloc, lk_kcalloc, lk_krealloc, lk_kfree.
 *
 * Checked: NULL before memory is up, the size class of every boundary
 * size, 16-byte alignment, zeroing, kcalloc overflow, krealloc across
 * class -> large -> class keeping the contents, the large path (page
 * aligned, owned PHYS_OWNER_KMALLOC, given back to the buddy allocator),
 * kfree(NULL), the invalid-free panics naming the caller, and an injected
 * failure at every page and slab allocation of a scenario (nothing leaks).
 *
 * kmalloc.c keeps its caches in static storage once it is ready, bound to
 * the buddy allocator it first saw: the suite uses one buddy allocator for
 * all tests (group set-up), and the first test runs before it is set.
 */
#include <stdio.h>
#include <string.h>

#include "cairn_test.h"
#include "mm_fixture.h"

#include <kernel/mm/slab.h>

void *lk_kmalloc(size_t size);
void *lk_kzalloc(size_t size);
void *lk_kcalloc(size_t n, size_t size);
void *lk_krealloc(void *p, size_t size);
void lk_kfree(void *p);

static const uint32_t class_sizes[] = { 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048 };
#define NCLASSES ARRAY_SIZE(class_sizes)

static struct buddy b;
static struct slab_cache *classes[NCLASSES]; /* kmalloc.c's, found through objects */
static uint64_t free_after_init;             /* free pages with every class shrunk */

static int group_setup(void **state)
{
	(void)state;
	mm_fault_fail_after(MM_FAULT_PAGES, -1);
	mm_fault_fail_after(MM_FAULT_SLAB, -1);
	mm_fix_buddy(&b, MiB(8));
	mm_phys = NULL; /* memory is not up yet: the first test checks that */
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	mm_phys = NULL;
	mm_fix_release();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mm_fault_fail_after(MM_FAULT_PAGES, -1);
	mm_fault_fail_after(MM_FAULT_SLAB, -1);
	mm_fix_capture_stop();
	return 0;
}

/* Shrink every class: what is left in the buddy allocator is then exactly
 * what live objects and large blocks hold. */
static void shrink_all(void)
{
	for (size_t i = 0; i < NCLASSES; i++)
		slab_cache_shrink(classes[i]);
}

/* Nothing is allocated through kmalloc and every page is back. */
static void assert_nothing_held(void)
{
	for (size_t i = 0; i < NCLASSES; i++) {
		if (slab_cache_in_use(classes[i]) != 0)
			fail_msg("%s: %llu objects still in use", classes[i]->name,
				 (unsigned long long)slab_cache_in_use(classes[i]));
		assert_int_equal(slab_cache_check(classes[i]), CAIRN_OK);
	}
	assert_int_equal(b.owned[PHYS_OWNER_KMALLOC], 0);
	shrink_all();
	assert_int_equal(b.owned[PHYS_OWNER_SLAB], 0);
	assert_int_equal(buddy_pages_free(&b), free_after_init);
	assert_int_equal(buddy_check(&b), CAIRN_OK);
}

/* Must run first: kmalloc.c has not seen a memory manager yet. */
static void test_kmalloc_returns_null_before_memory_is_up(void **state)
{
	int local;

	(void)state;
	assert_null(mm_phys);
	assert_null(lk_kmalloc(16));
	assert_null(lk_kzalloc(16));
	assert_null(lk_kcalloc(2, 8));
	assert_null(lk_krealloc(NULL, 16));
	assert_null(lk_kmalloc(3 * PAGE_SIZE));
	lk_kfree(NULL); /* fine at any time */
	/* Any pointer is foreign before kmalloc is ready. */
	mm_fix_capture_start();
	expect_assert_failure(lk_kfree(&local));
	assert_non_null(strstr(mm_fix_captured(), "not memory kmalloc returned"));
	mm_fix_capture_stop();

	/* Memory comes up: find the class caches through one object of each. */
	mm_phys = &b;
	for (size_t i = 0; i < NCLASSES; i++) {
		void *p = lk_kmalloc(class_sizes[i]);

		assert_non_null(p);
		classes[i] = slab_cache_find(&b, p);
		assert_non_null(classes[i]);
		assert_int_equal(classes[i]->obj_size, class_sizes[i]);
		lk_kfree(p);
	}
	shrink_all();
	free_after_init = buddy_pages_free(&b);
	assert_nothing_held();
}

/* The order of the large block kmalloc(size) takes. */
static unsigned order_for(size_t size)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

static void test_kmalloc_rounds_every_boundary_size_to_its_class(void **state)
{
	static const size_t sizes[] = { 0,    1,    15,   16,   17,   31,   32,   33,   63,
					64,   65,   95,   96,   97,   127,  128,  129,  191,
					192,  193,  255,  256,  257,  511,  512,  513,  1023,
					1024, 1025, 2047, 2048, 2049, 4095, 4096, 4097, 8192,
					8193, 16384, 16385, 65536, 65537 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t size = sizes[i];
		uint8_t *p = lk_kmalloc(size);
		struct slab_cache *c;

		assert_non_null(p);
		assert_true(IS_ALIGNED((uintptr_t)p, 16));
		memset(p, 0x5a, size); /* the whole request is usable */
		c = slab_cache_find(&b, p);
		if (size <= 2048) {
			uint32_t want = 0;

			for (size_t k = 0; k < NCLASSES && !want; k++)
				if (MAX(size, (size_t)1) <= class_sizes[k])
					want = class_sizes[k];
			if (!c || c->obj_size != want)
				fail_msg("kmalloc(%zu): class %u, expected %u", size,
					 c ? c->obj_size : 0, want);
		} else {
			struct page_frame *f = buddy_frame(&b, mm_virt_to_phys(p));

			if (c)
				fail_msg("kmalloc(%zu): from class %u, expected the large path", size,
					 c->obj_size);
			assert_true(IS_ALIGNED((uintptr_t)p, PAGE_SIZE));
			assert_non_null(f);
			assert_int_equal(f->state, FRAME_ALLOCATED);
			assert_int_equal(f->owner, PHYS_OWNER_KMALLOC);
			if (f->order != order_for(size))
				fail_msg("kmalloc(%zu): order %u, expected %u", size, f->order,
					 order_for(size));
		}
		lk_kfree(p);
	}
	assert_nothing_held();
}

static void test_kmalloc_refuses_sizes_beyond_the_largest_block(void **state)
{
	uint64_t failures = buddy_failures(&b);

	(void)state;
	assert_null(lk_kmalloc(((size_t)PAGE_SIZE << BUDDY_ORDER_MAX) + 1));
	assert_null(lk_kmalloc(SIZE_MAX));
	assert_int_equal(buddy_failures(&b), failures); /* refused before asking */
	/* The largest order is a plain failure on a small arena. */
	assert_null(lk_kmalloc((size_t)PAGE_SIZE << BUDDY_ORDER_MAX));
	assert_int_equal(buddy_failures(&b), failures + 1);
	assert_nothing_held();
}

static void test_kmalloc_blocks_are_aligned_and_distinct(void **state)
{
	enum { N = 64 };
	uint8_t *p[N];
	size_t size[N];

	(void)state;
	for (int i = 0; i < N; i++) {
		size[i] = (size_t)(i * 97 % 3000) + 1;
		p[i] = lk_kmalloc(size[i]);
		assert_non_null(p[i]);
		assert_true(IS_ALIGNED((uintptr_t)p[i], 16));
		memset(p[i], i, size[i]);
		for (int j = 0; j < i; j++)
			assert_true(p[j] + size[j] <= p[i] || p[i] + size[i] <= p[j]);
	}
	for (int i = 0; i < N; i++) {
		for (size_t k = 0; k < size[i]; k++)
			if (p[i][k] != (uint8_t)i)
				fail_msg("block %d (%zu bytes) byte %zu changed", i, size[i], k);
		lk_kfree(p[i]);
	}
	assert_nothing_held();
}

static void assert_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			fail_msg("byte %zu of %zu is %#x, expected 0", i, n, p[i]);
}

static void test_kzalloc_and_kcalloc_zero_and_kcalloc_refuses_overflow(void **state)
{
	static const size_t sizes[] = { 1, 24, 100, 2048, 3000, 3 * PAGE_SIZE };
	uint64_t allocs = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		/* Dirty a block first, so that reuse without zeroing shows. */
		uint8_t *p = lk_kmalloc(sizes[i]);

		assert_non_null(p);
		memset(p, 0xee, sizes[i]);
		lk_kfree(p);
		p = lk_kzalloc(sizes[i]);
		assert_non_null(p);
		assert_zero(p, sizes[i]);
		memset(p, 0xee, sizes[i]);
		lk_kfree(p);
		p = lk_kcalloc(sizes[i], 1);
		assert_non_null(p);
		assert_zero(p, sizes[i]);
		lk_kfree(p);
	}
	for (size_t i = 0; i < NCLASSES; i++)
		allocs += classes[i]->stats.allocs + classes[i]->mag.allocs;
	assert_null(lk_kcalloc(SIZE_MAX / 2 + 1, 2));
	assert_null(lk_kcalloc(2, SIZE_MAX / 2 + 1));
	assert_null(lk_kcalloc(SIZE_MAX, SIZE_MAX));
	for (size_t i = 0; i < NCLASSES; i++)
		allocs -= classes[i]->stats.allocs + classes[i]->mag.allocs;
	assert_int_equal(allocs, 0); /* refused before allocating anything */
	assert_nothing_held();
}

static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + 3);
}

static void assert_filled(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)(i * 7 + 3))
			fail_msg("byte %zu of %zu lost by krealloc", i, n);
}

static void test_krealloc_grows_and_shrinks_keeping_contents(void **state)
{
	uint8_t *p, *q;

	(void)state;
	p = lk_krealloc(NULL, 40); /* as kmalloc */
	assert_non_null(p);
	assert_ptr_equal(slab_cache_find(&b, p), classes[2]); /* 64 */
	fill(p, 40);
	q = lk_krealloc(p, 64); /* still the same class: the same block */
	assert_ptr_equal(q, p);
	fill(p, 64);
	q = lk_krealloc(p, 100); /* class 64 -> 128 */
	assert_non_null(q);
	assert_ptr_equal(slab_cache_find(&b, q), classes[4]);
	assert_filled(q, 64);
	fill(q, 100);
	p = lk_krealloc(q, 5000); /* class -> large (order 1) */
	assert_non_null(p);
	assert_null(slab_cache_find(&b, p));
	assert_true(IS_ALIGNED((uintptr_t)p, PAGE_SIZE));
	assert_int_equal(b.owned[PHYS_OWNER_KMALLOC], 2);
	assert_filled(p, 100);
	fill(p, 5000);
	q = lk_krealloc(p, 3000); /* shrinking within a large block keeps it */
	assert_ptr_equal(q, p);
	q = lk_krealloc(p, 20000); /* large -> larger (order 3) */
	assert_non_null(q);
	assert_int_equal(b.owned[PHYS_OWNER_KMALLOC], 8);
	assert_filled(q, 5000);
	fill(q, 20000);
	p = lk_krealloc(q, 48); /* large -> class 64 */
	assert_non_null(p);
	assert_ptr_equal(slab_cache_find(&b, p), classes[2]);
	assert_int_equal(b.owned[PHYS_OWNER_KMALLOC], 0);
	assert_filled(p, 48);
	q = lk_krealloc(p, 20); /* shrink to a smaller class: moves */
	assert_non_null(q);
	assert_ptr_equal(slab_cache_find(&b, q), classes[1]);
	assert_filled(q, 20);
	lk_kfree(q);
	assert_nothing_held();
}

static void test_krealloc_failure_leaves_the_old_block_untouched(void **state)
{
	uint8_t *p, *q;

	(void)state;
	p = lk_kmalloc(100);
	assert_non_null(p);
	fill(p, 100);
	mm_fault_fail_after(MM_FAULT_SLAB, 0);
	assert_null(lk_krealloc(p, 200));
	mm_fault_fail_after(MM_FAULT_PAGES, 0);
	assert_null(lk_krealloc(p, 3 * PAGE_SIZE));
	mm_fault_fail_after(MM_FAULT_PAGES, -1);
	mm_fault_fail_after(MM_FAULT_SLAB, -1);
	assert_filled(p, 100);
	q = lk_krealloc(p, 3 * PAGE_SIZE);
	assert_non_null(q);
	assert_filled(q, 100);
	lk_kfree(q);
	assert_nothing_held();
}

static void test_kmalloc_large_blocks_go_back_to_the_buddy_allocator(void **state)
{
	uint64_t before = buddy_pages_free(&b);
	uint8_t *p[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		p[i] = lk_kmalloc(PAGE_SIZE * (size_t)(i + 1) + 1);
		assert_non_null(p[i]);
		assert_true(IS_ALIGNED((uintptr_t)p[i], PAGE_SIZE));
		assert_int_equal(buddy_frame(&b, mm_virt_to_phys(p[i]))->owner, PHYS_OWNER_KMALLOC);
	}
	/* 2 + 4 + 4 + 8 pages, nothing from a slab. */
	assert_int_equal(b.owned[PHYS_OWNER_KMALLOC], 18);
	assert_int_equal(buddy_pages_free(&b), before - 18);
	for (int i = 0; i < 4; i++)
		lk_kfree(p[i]);
	assert_int_equal(b.owned[PHYS_OWNER_KMALLOC], 0);
	assert_int_equal(buddy_pages_free(&b), before);
	lk_kfree(NULL);
	assert_nothing_held();
}

/* The caller a panic names, parsed from "... by 0x...". */
static uintptr_t caller_named(const char *report)
{
	const char *by = strstr(report, " by 0x");
	unsigned long long v = 0;

	if (!by || sscanf(by + 4, "%llx", &v) != 1)
		fail_msg("no caller in the report: %s", report);
	return (uintptr_t)v;
}

/* Frees from a known function, so that the caller in a report can be
 * checked to lie inside it. */
static __noinline void free_here(void *p)
{
	lk_kfree(p);
	__asm__ volatile(""); /* keep the call from being a tail call */
}

static void expect_invalid_free(void *p, const char *what)
{
	uintptr_t caller;

	mm_fix_capture_start();
	expect_assert_failure(free_here(p));
	mm_fix_capture_stop();
	if (!strstr(mm_fix_captured(), what))
		fail_msg("kfree(%p): expected \"%s\" in: %s", p, what, mm_fix_captured());
	caller = caller_named(mm_fix_captured());
	if (caller <= (uintptr_t)free_here || caller >= (uintptr_t)free_here + 512)
		fail_msg("kfree(%p): report names caller %#lx, not free_here at %p", p,
			 (unsigned long)caller, (void *)(uintptr_t)free_here);
}

static void test_kfree_of_an_invalid_pointer_panics_naming_the_caller(void **state)
{
	uint8_t *small, *large;
	uint8_t local[16];
	paddr_t pa;

	(void)state;
	small = lk_kmalloc(64);
	large = lk_kmalloc(3 * PAGE_SIZE);
	assert_non_null(small);
	assert_non_null(large);
	assert_int_equal(buddy_alloc(&b, 0, 0, PHYS_OWNER_TEST, &pa), CAIRN_OK);

	expect_invalid_free(large + 16, "inside a large kmalloc block");
	expect_invalid_free(large + PAGE_SIZE, "not memory kmalloc returned");
	expect_invalid_free(mm_phys_to_virt(pa), "not memory kmalloc returned");
	expect_invalid_free(local, "not memory kmalloc returned");
#if CONFIG_MM_DEBUG
	/* Inside a small object: the class cache's debug check catches it. */
	expect_invalid_free(small + 8, "not the start of an object");
#endif
	buddy_free(&b, pa, 0);
	lk_kfree(small);
	lk_kfree(large);
	assert_nothing_held();
}

/* Allocations of every kind, then frees; CAIRN_ERR_NOMEM (everything given
 * back) at the first that fails. */
static err_t scenario(void)
{
	static const size_t sizes[] = { 8, 16, 100, 2048, 2049, 40, 9000, 500, 70000, 1 };
	enum { SMALL = 40 }; /* objects of 192 bytes: more than one slab */
	void *held[ARRAY_SIZE(sizes) + 1 + SMALL];
	size_t n = 0;
	void *p;

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (!(held[n] = i % 2 ? lk_kzalloc(sizes[i]) : lk_kmalloc(sizes[i])))
			goto fail;
		memset(held[n++], 0x11, sizes[i]);
	}
	if (!(held[n] = lk_kcalloc(30, 100)))
		goto fail;
	n++;
	for (size_t i = 0; i < SMALL; i++)
		if (!(held[n++] = lk_kmalloc(192))) {
			n--;
			goto fail;
		}
	/* krealloc: class -> large -> class; on failure the old block stays. */
	if (!(p = lk_krealloc(held[0], 3000)))
		goto fail;
	held[0] = p;
	if (!(p = lk_krealloc(held[0], 600)))
		goto fail;
	held[0] = p;
	while (n)
		lk_kfree(held[--n]);
	return CAIRN_OK;
fail:
	while (n)
		lk_kfree(held[--n]);
	return CAIRN_ERR_NOMEM;
}

static void test_kmalloc_injected_failure_at_every_point_leaks_nothing(void **state)
{
	static const char *const site_names[] = { "page", "slab" };

	(void)state;
	for (int site = MM_FAULT_PAGES; site <= MM_FAULT_SLAB; site++) {
		int64_t n;

		for (n = 0;; n++) {
			err_t err;

			shrink_all(); /* so that slabs are allocated again in every run */
			mm_fault_fail_after((enum mm_fault_site)site, n);
			err = scenario();
			mm_fault_fail_after((enum mm_fault_site)site, -1);
			if (err != CAIRN_OK && err != CAIRN_ERR_NOMEM)
				fail_msg("%s failure %lld: error %d", site_names[site], (long long)n, err);
			assert_nothing_held();
			if (err == CAIRN_OK)
				break;
		}
		printf("[          ] kmalloc: %s site: %lld failure points\n", site_names[site],
		       (long long)n);
		assert_true(n >= 5);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_teardown(fn, teardown)
		T(test_kmalloc_returns_null_before_memory_is_up), /* first */
		T(test_kmalloc_rounds_every_boundary_size_to_its_class),
		T(test_kmalloc_refuses_sizes_beyond_the_largest_block),
		T(test_kmalloc_blocks_are_aligned_and_distinct),
		T(test_kzalloc_and_kcalloc_zero_and_kcalloc_refuses_overflow),
		T(test_krealloc_grows_and_shrinks_keeping_contents),
		T(test_krealloc_failure_leaves_the_old_block_untouched),
		T(test_kmalloc_large_blocks_go_back_to_the_buddy_allocator),
		T(test_kfree_of_an_invalid_pointer_panics_naming_the_caller),
		T(test_kmalloc_injected_failure_at_every_point_leaks_nothing),
#undef T
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
