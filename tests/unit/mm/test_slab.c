// SPDX-License-Identifier: BSD-2-Clause
/*
 * Slab caches over fake physical memory: layout and alignment, reuse,
 * empty-slab policy, clean failure, the debug-mode reports (double free,
 * use after free, red-zone overruns, invalid frees) with the cache, the
 * object and the caller named, fault injection at every point, and a random
 * property test over every size.
 */
#include <stdio.h>
#include <string.h>

#include "cairn_test.h"
#include "mm_fixture.h"

#include <kernel/mm/slab.h>

/* The slab header, as slab.c lays it out (read-only here). */
struct slab {
	struct slab *next, *prev;
	struct slab_cache *cache;
	void *freelist;
	uint32_t inuse;
};

static struct buddy b;
static struct slab_cache c;

static int setup(void **state)
{
	(void)state;
	mm_fault_fail_after(MM_FAULT_PAGES, -1);
	mm_fault_fail_after(MM_FAULT_SLAB, -1);
	mm_fix_buddy(&b, MiB(8));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mm_fix_capture_stop();
	mm_fix_release();
	return 0;
}

static void test_slab_objects_are_distinct_aligned_and_reused(void **state)
{
	void *p[100];

	(void)state;
	assert_int_equal(slab_cache_init(&c, "obj48", 48, 16, SLAB_F_NODEBUG, &b), CAIRN_OK);
	for (int i = 0; i < 100; i++) {
		p[i] = slab_cache_alloc(&c);
		assert_non_null(p[i]);
		assert_true(IS_ALIGNED((uintptr_t)p[i], 16));
		assert_ptr_equal(slab_cache_find(&b, p[i]), &c);
		memset(p[i], i, 48);
		for (int j = 0; j < i; j++)
			assert_true((char *)p[j] + 48 <= (char *)p[i] || (char *)p[i] + 48 <= (char *)p[j]);
	}
	for (int i = 0; i < 100; i++)
		for (int k = 0; k < 48; k++)
			assert_int_equal(((uint8_t *)p[i])[k], (uint8_t)i);
	slab_cache_free(&c, p[42]);
	assert_ptr_equal(slab_cache_alloc(&c), p[42]); /* LIFO reuse: cache-warm */
	assert_int_equal(c.mag.count, 0);
	slab_cache_free(&c, p[7]);
	assert_int_equal(c.mag.count, 1); /* the magazine took it (S5) */
	assert_int_equal(slab_cache_check(&c), CAIRN_OK);
	assert_ptr_equal(slab_cache_alloc(&c), p[7]);
	assert_int_equal(slab_cache_in_use(&c), 100);
	assert_int_equal(slab_cache_check(&c), CAIRN_OK);
	for (int i = 0; i < 100; i++)
		slab_cache_free(&c, p[i]);
	assert_int_equal(slab_cache_in_use(&c), 0);
	assert_int_equal(slab_cache_check(&c), CAIRN_OK);
	slab_cache_destroy(&c);
	assert_int_equal(b.owned[PHYS_OWNER_SLAB], 0);
	assert_int_equal(buddy_check(&b), CAIRN_OK);
}

/* S5: an interrupt that arrives in the middle of a fast path finds the
 * magazine busy and must use the locked slow path; shrinking from it must
 * leave the magazine alone. (The hosted shim delivers interrupts only at
 * unmask points, so the test sets `busy` as the interrupted path would.) */
static void test_slab_busy_magazine_is_left_to_the_interrupted_fast_path(void **state)
{
	void *p[4], *q;
	uint64_t slow_allocs, slow_frees;

	(void)state;
	assert_int_equal(slab_cache_init(&c, "mag", 64, 0, SLAB_F_NODEBUG, &b), CAIRN_OK);
	for (int i = 0; i < 4; i++)
		assert_non_null(p[i] = slab_cache_alloc(&c));
	slab_cache_free(&c, p[0]);
	slab_cache_free(&c, p[1]);
	assert_int_equal(c.mag.count, 2);
	slow_allocs = c.stats.allocs;
	slow_frees = c.stats.frees;

	c.mag.busy = 1; /* "interrupted" */
	assert_non_null(q = slab_cache_alloc(&c));
	assert_true(q != p[0] && q != p[1]); /* not from the magazine */
	slab_cache_free(&c, p[2]);
	assert_int_equal(c.mag.count, 2);
	assert_int_equal(c.stats.allocs, slow_allocs + 1);
	assert_int_equal(c.stats.frees, slow_frees + 1);
	slab_cache_shrink(&c); /* must not drain a busy magazine */
	assert_int_equal(c.mag.count, 2);
	assert_int_equal(slab_cache_check(&c), CAIRN_OK);
	c.mag.busy = 0; /* the fast path finishes */

	assert_int_equal(slab_cache_check(&c), CAIRN_OK);
	assert_int_equal(slab_cache_in_use(&c), 2);
	slab_cache_free(&c, q);
	slab_cache_free(&c, p[3]);
	slab_cache_shrink(&c);
	assert_int_equal(c.mag.count, 0);
	assert_int_equal(slab_cache_in_use(&c), 0);
	slab_cache_destroy(&c);
	assert_int_equal(b.owned[PHYS_OWNER_SLAB], 0);
}

static void test_slab_keeps_one_empty_slab_and_returns_the_rest(void **state)
{
	void *p[64];
	uint64_t free_pages = buddy_pages_free(&b);

	(void)state;
	/* Debug caches have no magazine, so frees reach the slabs at once. */
	assert_int_equal(slab_cache_init(&c, "page", 2048, 0, SLAB_F_DEBUG, &b), CAIRN_OK);
	assert_true(c.objs_per_slab >= 8);
	for (int i = 0; i < 64; i++)
		assert_non_null(p[i] = slab_cache_alloc(&c));
	assert_true(c.full.count >= 2);
	for (int i = 0; i < 64; i++)
		slab_cache_free(&c, p[i]);
	/* At most the current slab (unused, still on partial) and one empty
	 * slab stay; every other slab went back. */
	assert_int_equal(c.full.count, 0);
	assert_true(c.empty.count <= 1 && c.partial.count <= 1);
	assert_true(c.partial.head == NULL || c.partial.head->inuse == 0);
	assert_int_equal(buddy_pages_free(&b),
			 free_pages - ((c.empty.count + c.partial.count) << c.order));
	assert_int_equal(slab_cache_check(&c), CAIRN_OK);
	slab_cache_shrink(&c);
	assert_int_equal(buddy_pages_free(&b), free_pages);
	slab_cache_destroy(&c);
}

/* S1: an unused slab may stay on the partial list only while it is alone
 * there; a full slab that becomes partial again must not join it. */
static void test_slab_unused_current_slab_leaves_partial_when_another_joins(void **state)
{
	void *a[64], *last;
	unsigned n;

	(void)state;
	assert_int_equal(slab_cache_init(&c, "s1", 512, 0, SLAB_F_DEBUG, &b), CAIRN_OK);
	n = c.objs_per_slab;
	assert_true(n >= 2 && n <= 64);
	for (unsigned i = 0; i < n; i++) /* slab A: full */
		assert_non_null(a[i] = slab_cache_alloc(&c));
	assert_int_equal(c.full.count, 1);
	assert_non_null(last = slab_cache_alloc(&c)); /* slab B: partial */
	slab_cache_free(&c, last); /* B unused, alone on partial: it stays */
	assert_int_equal(c.partial.count, 1);
	assert_int_equal(c.partial.head->inuse, 0);
	slab_cache_free(&c, a[0]); /* A: full -> partial; B must go to empty */
	assert_int_equal(slab_cache_check(&c), CAIRN_OK);
	assert_int_equal(c.partial.count, 1);
	assert_int_equal(c.partial.head->inuse, n - 1);
	assert_int_equal(c.empty.count, 1);
	for (unsigned i = 1; i < n; i++)
		slab_cache_free(&c, a[i]);
	assert_int_equal(slab_cache_check(&c), CAIRN_OK);
	slab_cache_destroy(&c);
	assert_int_equal(b.owned[PHYS_OWNER_SLAB], 0);
}

static void test_slab_init_rejects_bad_parameters(void **state)
{
	(void)state;
	assert_int_equal(slab_cache_init(&c, "x", 0, 8, 0, &b), CAIRN_ERR_INVAL);
	assert_int_equal(slab_cache_init(&c, "x", SLAB_OBJ_MAX + 1, 8, 0, &b), CAIRN_ERR_INVAL);
	assert_int_equal(slab_cache_init(&c, "x", 32, 24, 0, &b), CAIRN_ERR_INVAL);
	assert_int_equal(slab_cache_init(&c, "x", 32, 8, 1u << 7, &b), CAIRN_ERR_INVAL);
	assert_int_equal(slab_cache_init(&c, "x", 32, 8, 0, NULL), CAIRN_ERR_INVAL);
}

static void test_slab_alloc_fails_cleanly_when_pages_run_out(void **state)
{
	enum { MAX = 8192 };
	static void *p[MAX];
	uint64_t free_pages = buddy_pages_free(&b);
	size_t n = 0;

	(void)state;
	assert_int_equal(slab_cache_init(&c, "big", 4096, 0, SLAB_F_NODEBUG, &b), CAIRN_OK);
	while (n < MAX && (p[n] = slab_cache_alloc(&c)) != NULL)
		n++;
	assert_true(n < MAX);
	assert_null(slab_cache_alloc(&c));
	assert_true(c.stats.failures >= 2);
	while (n)
		slab_cache_free(&c, p[--n]);
	slab_cache_destroy(&c);
	assert_int_equal(buddy_pages_free(&b), free_pages);
	assert_int_equal(buddy_check(&b), CAIRN_OK);
}

static void test_slab_debug_double_free_names_cache_object_and_callers(void **state)
{
	char obj[32];
	void *p;

	(void)state;
	assert_int_equal(slab_cache_init(&c, "files", 100, 0, SLAB_F_DEBUG, &b), CAIRN_OK);
	p = slab_cache_alloc(&c);
	assert_non_null(p);
	slab_cache_free(&c, p);
	mm_fix_capture_start();
	expect_assert_failure(slab_cache_free(&c, p));
	snprintf(obj, sizeof(obj), "%p", p);
	assert_non_null(strstr(mm_fix_captured(), "slab files: double free of object"));
	assert_non_null(strstr(mm_fix_captured(), obj));
	assert_non_null(strstr(mm_fix_captured(), "allocated by 0x"));
	assert_non_null(strstr(mm_fix_captured(), "first freed by 0x"));
}

static void test_slab_debug_catches_a_write_after_free_at_the_next_allocation(void **state)
{
	uint8_t *p;

	(void)state;
	assert_int_equal(slab_cache_init(&c, "uaf", 64, 0, SLAB_F_DEBUG, &b), CAIRN_OK);
	p = slab_cache_alloc(&c);
	slab_cache_free(&c, p);
	p[10] = 1; /* the bug */
	assert_int_equal(slab_cache_check(&c), CAIRN_ERR_CORRUPT);
	mm_fix_capture_start();
	expect_assert_failure(slab_cache_alloc(&c));
	assert_non_null(strstr(mm_fix_captured(), "slab uaf: use after free"));
	assert_non_null(strstr(mm_fix_captured(), "byte +10 is 0x1"));
}

static void test_slab_debug_catches_red_zone_overruns_on_both_sides(void **state)
{
	uint8_t *p, *q;

	(void)state;
	assert_int_equal(slab_cache_init(&c, "rz", 40, 0, SLAB_F_DEBUG, &b), CAIRN_OK);
	p = slab_cache_alloc(&c);
	q = slab_cache_alloc(&c);
	p[40] = 0; /* one past the end */
	mm_fix_capture_start();
	expect_assert_failure(slab_cache_free(&c, p));
	assert_non_null(strstr(mm_fix_captured(), "red zone after object"));
	assert_non_null(strstr(mm_fix_captured(), "byte +40"));
	q[-1] = 0; /* one before the start */
	expect_assert_failure(slab_cache_free(&c, q));
	assert_non_null(strstr(mm_fix_captured(), "red zone before object"));
}

static void test_slab_debug_rejects_frees_of_foreign_or_inner_pointers(void **state)
{
	static struct slab_cache other;
	uint8_t *p, *q;

	(void)state;
	assert_int_equal(slab_cache_init(&c, "mine", 64, 0, SLAB_F_DEBUG, &b), CAIRN_OK);
	assert_int_equal(slab_cache_init(&other, "theirs", 64, 0, SLAB_F_DEBUG, &b), CAIRN_OK);
	p = slab_cache_alloc(&c);
	q = slab_cache_alloc(&other);
	mm_fix_capture_start();
	expect_assert_failure(slab_cache_free(&c, p + 8));
	assert_non_null(strstr(mm_fix_captured(), "not the start of an object"));
	expect_assert_failure(slab_cache_free(&c, q));
	assert_non_null(strstr(mm_fix_captured(), "belongs to cache theirs"));
	/* A refused free is not counted as one. */
	assert_int_equal(slab_cache_in_use(&c), 1);
	assert_int_equal(slab_cache_in_use(&other), 1);
}

static void test_slab_debug_poisons_fresh_and_freed_objects(void **state)
{
	uint8_t *p;

	(void)state;
	assert_int_equal(slab_cache_init(&c, "poison", 24, 0, SLAB_F_DEBUG, &b), CAIRN_OK);
	p = slab_cache_alloc(&c);
	for (int i = 0; i < 24; i++)
		assert_int_equal(p[i], SLAB_POISON_ALLOC);
	slab_cache_free(&c, p);
	for (int i = 0; i < 24; i++)
		assert_int_equal(p[i], SLAB_POISON_FREE);
	p = slab_cache_zalloc(&c);
	for (int i = 0; i < 24; i++)
		assert_int_equal(p[i], 0);
	slab_cache_free(&c, p);
	assert_int_equal(slab_cache_check(&c), CAIRN_OK);
}

static void test_slab_destroy_with_live_objects_panics_as_a_leak(void **state)
{
	(void)state;
	assert_int_equal(slab_cache_init(&c, "leaky", 32, 0, 0, &b), CAIRN_OK);
	assert_non_null(slab_cache_alloc(&c));
	mm_fix_capture_start();
	expect_assert_failure(slab_cache_destroy(&c));
	assert_non_null(strstr(mm_fix_captured(), "slab leaky: destroyed with 1 objects"));
}

/* Fault injection at both sites, at every N a scenario reaches. */
static err_t scenario(struct slab_cache *cc, void **held, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		held[i] = slab_cache_alloc(cc);
		if (!held[i]) {
			while (i--)
				slab_cache_free(cc, held[i]);
			return CAIRN_ERR_NOMEM;
		}
	}
	for (size_t i = 0; i < n; i++)
		slab_cache_free(cc, held[i]);
	return CAIRN_OK;
}

static void test_slab_injected_failure_at_every_point_leaks_nothing(void **state)
{
	void *held[40];
	uint64_t free_pages = buddy_pages_free(&b);

	(void)state;
	for (int site = MM_FAULT_PAGES; site <= MM_FAULT_SLAB; site++) {
		int64_t n;

		assert_int_equal(slab_cache_init(&c, "fi", 512, 0, 0, &b), CAIRN_OK);
		for (n = 0;; n++) {
			err_t err;

			mm_fault_fail_after((enum mm_fault_site)site, n);
			err = scenario(&c, held, 40);
			mm_fault_fail_after((enum mm_fault_site)site, -1);
			assert_int_equal(slab_cache_in_use(&c), 0);
			assert_int_equal(slab_cache_check(&c), CAIRN_OK);
			if (err == CAIRN_OK)
				break;
			assert_int_equal(err, CAIRN_ERR_NOMEM);
		}
		assert_true(n > 0);
		slab_cache_destroy(&c);
		assert_int_equal(buddy_pages_free(&b), free_pages);
		assert_int_equal(buddy_check(&b), CAIRN_OK);
	}
}

/* What the random test expects of one cache. */
struct slab_model {
	uint64_t allocs, frees, failures;
};

/* The cache against its model: S1-S5 (slab_cache_check), the churn and
 * failure counts, objects in use, the magazine's bound and the slabs the
 * statistics count against those on the lists. Returns the pages its
 * slabs hold. */
static uint64_t check_against_model(struct slab_cache *cc, const struct slab_model *m, int step,
				    unsigned long seed)
{
	uint64_t slabs = cc->partial.count + cc->full.count + cc->empty.count;

	if (slab_cache_check(cc) != CAIRN_OK)
		fail_msg("%s (%u B): invariants broken at step %d (seed %lu)", cc->name,
			 cc->obj_size, step, seed);
	if (cc->stats.allocs + cc->mag.allocs != m->allocs ||
	    cc->stats.frees + cc->mag.frees != m->frees || cc->stats.failures != m->failures ||
	    slab_cache_in_use(cc) != m->allocs - m->frees)
		fail_msg("%s (%u B) at step %d (seed %lu): stats say %llu allocs %llu frees %llu "
			 "failures %llu in use, model %llu %llu %llu %llu", cc->name, cc->obj_size,
			 step, seed, (unsigned long long)(cc->stats.allocs + cc->mag.allocs),
			 (unsigned long long)(cc->stats.frees + cc->mag.frees),
			 (unsigned long long)cc->stats.failures,
			 (unsigned long long)slab_cache_in_use(cc), (unsigned long long)m->allocs,
			 (unsigned long long)m->frees, (unsigned long long)m->failures,
			 (unsigned long long)(m->allocs - m->frees));
	assert_true(cc->mag.count <= SLAB_MAGAZINE);
	assert_true(!cc->debug || cc->mag.count == 0); /* debug caches bypass it */
	assert_int_equal(cc->stats.slabs_created - cc->stats.slabs_destroyed, slabs);
	assert_true(cc->stats.slabs_peak >= slabs);
	return slabs << cc->order;
}

/* Random allocation and free across caches of every size 16..8192 (debug
 * on and off); each object carries a pattern checked before it is freed;
 * after every step, every cache is checked (S1-S5) and its statistics
 * against a model (allocs, frees, failures, in use), and the pages the
 * slabs hold against the buddy allocator's count for slabs (6000 steps:
 * 0.6 s plain, 1.6 s under AddressSanitizer). */
static void test_slab_random_operations_over_every_size_keep_invariants(void **state)
{
	static const size_t sizes[] = { 16, 24, 32, 64, 96, 128, 192, 256, 512, 1000,
					1024, 2048, 4096, 8192 };
	static struct slab_cache caches[2][ARRAY_SIZE(sizes)];
	static struct slab_model model[2][ARRAY_SIZE(sizes)];
	enum { MAXHELD = 400 };
	struct {
		uint8_t *p;
		size_t size;
		uint8_t pat;
		struct slab_cache *cc;
		struct slab_model *m;
	} held[MAXHELD];
	unsigned long seed = cairn_test_seed("slab_random");
	uint64_t free_pages = buddy_pages_free(&b), failures = 0;
	struct { paddr_t pa; unsigned order; } hog[64];
	size_t nheld = 0, nhog = 0;

	(void)state;
	srand((unsigned)seed);
	memset(model, 0, sizeof(model));
	/* Leave 384 KiB free, so that allocations also fail (and are counted). */
	for (int order = 10; order >= 0; order--)
		while (buddy_pages_free(&b) >= (KiB(384) / PAGE_SIZE) + (1u << order)) {
			assert_true(nhog < ARRAY_SIZE(hog));
			assert_int_equal(buddy_alloc(&b, (unsigned)order, 0, PHYS_OWNER_TEST,
						     &hog[nhog].pa), CAIRN_OK);
			hog[nhog++].order = (unsigned)order;
		}
	for (size_t d = 0; d < 2; d++)
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
			assert_int_equal(slab_cache_init(&caches[d][i], "rnd", sizes[i], 0,
							 d ? SLAB_F_DEBUG : SLAB_F_NODEBUG, &b),
					 CAIRN_OK);
	for (int step = 0; step < 6000; step++) {
		struct slab_cache *used;
		struct slab_model *um;
		uint64_t slab_pages;

		if (nheld < MAXHELD && (nheld == 0 || rand() % 2)) {
			size_t i = (size_t)rand() % ARRAY_SIZE(sizes);
			size_t d = (size_t)rand() % 2;
			uint8_t *p;

			used = &caches[d][i];
			um = &model[d][i];
			p = slab_cache_alloc(used);
			if (!p) {
				um->failures++; /* out of fake memory: it failed cleanly */
				failures++;
				goto check;
			}
			um->allocs++;
			for (size_t j = 0; j < nheld; j++)
				assert_true(p + sizes[i] <= held[j].p || held[j].p + held[j].size <= p);
			held[nheld].p = p;
			held[nheld].size = sizes[i];
			held[nheld].pat = (uint8_t)rand();
			held[nheld].cc = used;
			held[nheld].m = um;
			memset(p, held[nheld].pat, sizes[i]);
			nheld++;
		} else {
			size_t j = (size_t)rand() % nheld;

			for (size_t k = 0; k < held[j].size; k++)
				if (held[j].p[k] != held[j].pat)
					fail_msg("object %p byte %zu changed (seed %lu)", (void *)held[j].p,
						 k, seed);
			used = held[j].cc;
			um = held[j].m;
			slab_cache_free(used, held[j].p);
			um->frees++;
			held[j] = held[--nheld];
		}
check:
		slab_pages = 0;
		for (size_t d = 0; d < 2; d++)
			for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
				slab_pages += check_against_model(&caches[d][i], &model[d][i], step,
								  seed);
		assert_int_equal(b.owned[PHYS_OWNER_SLAB], slab_pages);
		if (buddy_check(&b) != CAIRN_OK)
			fail_msg("buddy invariants broken at step %d (seed %lu)", step, seed);
	}
	printf("[          ] slab_random: %llu allocations failed cleanly\n",
	       (unsigned long long)failures);
	while (nheld--)
		slab_cache_free(held[nheld].cc, held[nheld].p);
	for (size_t d = 0; d < 2; d++)
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
			slab_cache_destroy(&caches[d][i]);
	while (nhog--)
		buddy_free(&b, hog[nhog].pa, hog[nhog].order);
	assert_int_equal(buddy_pages_free(&b), free_pages);
	assert_int_equal(buddy_check(&b), CAIRN_OK);
	assert_true(failures > 0);
}

static void test_slab_stats_name_each_cache(void **state)
{
	void *p;

	(void)state;
	assert_int_equal(slab_cache_init(&c, "stats-cache", 64, 0, 0, &b), CAIRN_OK);
	p = slab_cache_alloc(&c);
	mm_fix_capture_start();
	slab_stats_log();
	assert_non_null(strstr(mm_fix_captured(), "stats-cache"));
	assert_non_null(strstr(mm_fix_captured(), "1 in use, 1 slabs (peak 1"));
	mm_fix_capture_stop();
	slab_cache_free(&c, p);
	slab_cache_destroy(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_slab_objects_are_distinct_aligned_and_reused),
		T(test_slab_busy_magazine_is_left_to_the_interrupted_fast_path),
		T(test_slab_keeps_one_empty_slab_and_returns_the_rest),
		T(test_slab_unused_current_slab_leaves_partial_when_another_joins),
		T(test_slab_init_rejects_bad_parameters),
		T(test_slab_alloc_fails_cleanly_when_pages_run_out),
		T(test_slab_debug_double_free_names_cache_object_and_callers),
		T(test_slab_debug_catches_a_write_after_free_at_the_next_allocation),
		T(test_slab_debug_catches_red_zone_overruns_on_both_sides),
		T(test_slab_debug_rejects_frees_of_foreign_or_inner_pointers),
		T(test_slab_debug_poisons_fresh_and_freed_objects),
		T(test_slab_destroy_with_live_objects_panics_as_a_leak),
		T(test_slab_injected_failure_at_every_point_leaks_nothing),
		T(test_slab_random_operations_over_every_size_keep_invariants),
		T(test_slab_stats_name_each_cache),
#undef T
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
