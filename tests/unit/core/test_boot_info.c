// SPDX-License-Identifier: BSD-2-Clause
/*
 * src/boot_info.c: recording the loader's map and resolving it into usable
 * memory. Example cases pin each rule (sorting, conservative overlaps,
 * reservations carved out, inward page alignment, the limits and their
 * errors); a property test compares finalize() on random maps with a
 * byte-granular model of the same rules.
 */
#include <string.h>

#include "cairn_test.h"

#include <kernel/boot_info.h>

#define PAGE BOOT_INFO_PAGE_SIZE

static struct boot_info bi;

static void discard(const char *s, size_t len)
{
	(void)s;
	(void)len;
}

static void add(paddr_t base, uint64_t size, enum boot_mem_type type)
{
	assert_int_equal(boot_info_add_region(&bi, base, size, type), CAIRN_OK);
}

static void reserve(paddr_t base, uint64_t size)
{
	assert_int_equal(boot_info_reserve(&bi, base, size, BOOT_RESERVE_IMAGE), CAIRN_OK);
}

static void assert_usable(size_t i, paddr_t base, uint64_t size)
{
	assert_true(i < bi.nusable);
	assert_int_equal(bi.usable[i].base, base);
	assert_int_equal(bi.usable[i].size, size);
}

static void test_boot_info_finalize_sorts_a_map_given_out_of_order(void **state)
{
	(void)state;
	boot_info_init(&bi, "test");
	add(0x300000, 0x100000, BOOT_MEM_USABLE);
	add(0x100000, 0x100000, BOOT_MEM_USABLE);
	add(0x200000, 0x1000, BOOT_MEM_RESERVED);
	assert_int_equal(boot_info_finalize(&bi), CAIRN_OK);
	assert_int_equal(bi.nregions, 3);
	assert_int_equal(bi.regions[0].base, 0x100000);
	assert_int_equal(bi.regions[1].base, 0x200000);
	assert_int_equal(bi.regions[2].base, 0x300000);
	assert_int_equal(bi.nusable, 2);
	assert_usable(0, 0x100000, 0x100000);
	assert_usable(1, 0x300000, 0x100000);
	assert_int_equal(bi.usable_bytes, 0x200000);
	assert_int_equal(bi.overlaps, 0);
}

static void test_boot_info_finalize_merges_touching_regions_of_one_type(void **state)
{
	(void)state;
	boot_info_init(&bi, "test");
	add(0x100000, 0x1000, BOOT_MEM_USABLE);
	add(0x101000, 0x1000, BOOT_MEM_USABLE);
	add(0x100800, 0x1000, BOOT_MEM_USABLE); /* overlapping usable: no conflict */
	assert_int_equal(boot_info_finalize(&bi), CAIRN_OK);
	assert_int_equal(bi.nregions, 1);
	assert_int_equal(bi.overlaps, 0);
	assert_usable(0, 0x100000, 0x2000);
}

static void test_boot_info_finalize_treats_contested_bytes_as_not_usable(void **state)
{
	(void)state;
	boot_info_init(&bi, "test");
	hosted_console_capture = discard;
	add(0x100000, 0x400000, BOOT_MEM_USABLE);
	add(0x200000, 0x1000, BOOT_MEM_ACPI_NVS);
	add(0x4ff000, 0x2000, BOOT_MEM_BAD); /* straddles the usable end */
	assert_int_equal(boot_info_finalize(&bi), CAIRN_OK);
	hosted_console_capture = NULL;
	assert_int_equal(bi.overlaps, 2);
	assert_int_equal(bi.nusable, 2);
	assert_usable(0, 0x100000, 0x100000);
	assert_usable(1, 0x201000, 0x4ff000 - 0x201000);
	/* The resolved map keeps the stricter types where they claimed. */
	assert_int_equal(bi.regions[1].type, BOOT_MEM_ACPI_NVS);
	assert_int_equal(bi.regions[3].type, BOOT_MEM_BAD);
	assert_int_equal(bi.regions[3].base, 0x4ff000);
	assert_int_equal(bi.regions[3].size, 0x2000);
}

static void test_boot_info_finalize_ranks_non_usable_types(void **state)
{
	(void)state;
	boot_info_init(&bi, "test");
	hosted_console_capture = discard;
	add(0x100000, 0x1000, BOOT_MEM_ACPI_RECLAIMABLE);
	add(0x100000, 0x1000, BOOT_MEM_RESERVED);
	add(0x100000, 0x1000, BOOT_MEM_PERSISTENT);
	add(0x200000, 0x1000, BOOT_MEM_USABLE);
	assert_int_equal(boot_info_finalize(&bi), CAIRN_OK);
	hosted_console_capture = NULL;
	assert_int_equal(bi.regions[0].type, BOOT_MEM_RESERVED);
	assert_int_equal(bi.overlaps, 0); /* no usable byte contested */
}

static void test_boot_info_finalize_carves_reservations_out(void **state)
{
	(void)state;
	boot_info_init(&bi, "test");
	add(0x100000, 0x1000000, BOOT_MEM_USABLE);
	reserve(0x200000, 0x10000);            /* in the middle: splits */
	reserve(0x100000, 0x1000);             /* at the start */
	reserve(0x10ff000, 0x5000);            /* past the end */
	reserve(0x205000, 0x20000);            /* overlapping another */
	assert_int_equal(boot_info_finalize(&bi), CAIRN_OK);
	assert_int_equal(bi.nusable, 2);
	assert_usable(0, 0x101000, 0x200000 - 0x101000);
	assert_usable(1, 0x225000, 0x10ff000 - 0x225000);
}

static void test_boot_info_finalize_aligns_usable_ranges_inward(void **state)
{
	(void)state;
	boot_info_init(&bi, "test");
	add(0x100001, 0x3ffe, BOOT_MEM_USABLE);          /* [0x100001, 0x103fff) */
	add(0x200000, 0x3000, BOOT_MEM_USABLE);
	reserve(0x200800, 0x100);                         /* spoils page 0x200000 */
	add(0x300800, 0x800, BOOT_MEM_USABLE);           /* no whole page */
	assert_int_equal(boot_info_finalize(&bi), CAIRN_OK);
	assert_int_equal(bi.nusable, 2);
	assert_usable(0, 0x101000, 0x2000);
	assert_usable(1, 0x201000, 0x2000);
	for (size_t i = 0; i < bi.nusable; i++) {
		assert_int_equal(bi.usable[i].base % PAGE, 0);
		assert_int_equal(bi.usable[i].size % PAGE, 0);
	}
}

static void test_boot_info_finalize_reports_nomem_without_a_usable_page(void **state)
{
	(void)state;
	boot_info_init(&bi, "test");
	assert_int_equal(boot_info_finalize(&bi), CAIRN_ERR_NOMEM);
	add(0x100000, 0x100000, BOOT_MEM_RESERVED);
	assert_int_equal(boot_info_finalize(&bi), CAIRN_ERR_NOMEM);
	add(0x300800, 0xfff, BOOT_MEM_USABLE);
	assert_int_equal(boot_info_finalize(&bi), CAIRN_ERR_NOMEM);
	add(0x400000, 0x2000, BOOT_MEM_USABLE);
	reserve(0x3ff000, 0x4000);
	assert_int_equal(boot_info_finalize(&bi), CAIRN_ERR_NOMEM);
	assert_int_equal(bi.usable_bytes, 0);
}

static void test_boot_info_add_region_rejects_absurd_ranges(void **state)
{
	(void)state;
	boot_info_init(&bi, "test");
	assert_int_equal(boot_info_add_region(&bi, 0xfffffffffffff000ull, 0x1000,
					      BOOT_MEM_USABLE), CAIRN_ERR_OVERFLOW);
	assert_int_equal(boot_info_add_region(&bi, 1, UINT64_MAX, BOOT_MEM_USABLE),
			 CAIRN_ERR_OVERFLOW);
	assert_int_equal(boot_info_add_region(&bi, BOOT_INFO_PADDR_LIMIT - 0x1000, 0x1001,
					      BOOT_MEM_USABLE), CAIRN_ERR_RANGE);
	assert_int_equal(boot_info_add_region(&bi, BOOT_INFO_PADDR_LIMIT, 1, BOOT_MEM_RESERVED),
			 CAIRN_ERR_RANGE);
	assert_int_equal(bi.nregions, 0);
	/* Ending exactly at the limit is fine. */
	assert_int_equal(boot_info_add_region(&bi, BOOT_INFO_PADDR_LIMIT - 0x1000, 0x1000,
					      BOOT_MEM_USABLE), CAIRN_OK);
	assert_int_equal(bi.nregions, 1);
}

static void test_boot_info_add_region_rejects_unknown_types_and_ignores_empty_ones(void **state)
{
	(void)state;
	boot_info_init(&bi, "test");
	assert_int_equal(boot_info_add_region(&bi, 0x1000, 0x1000, (enum boot_mem_type)0),
			 CAIRN_ERR_INVAL);
	assert_int_equal(boot_info_add_region(&bi, 0x1000, 0x1000, (enum boot_mem_type)7),
			 CAIRN_ERR_INVAL);
	assert_int_equal(boot_info_add_region(&bi, 0x1000, 0x1000, (enum boot_mem_type)-1),
			 CAIRN_ERR_INVAL);
	assert_int_equal(boot_info_add_region(&bi, 0x1000, 0, BOOT_MEM_USABLE), CAIRN_OK);
	assert_int_equal(bi.nregions, 0);
}

static void test_boot_info_reserve_validates_like_add_region(void **state)
{
	(void)state;
	boot_info_init(&bi, "test");
	assert_int_equal(boot_info_reserve(&bi, 0x1000, 0, BOOT_RESERVE_IMAGE), CAIRN_ERR_INVAL);
	assert_int_equal(boot_info_reserve(&bi, 0x1000, 1, (enum boot_reserve_kind)0),
			 CAIRN_ERR_INVAL);
	assert_int_equal(boot_info_reserve(&bi, 0x1000, 1, (enum boot_reserve_kind)7),
			 CAIRN_ERR_INVAL);
	assert_int_equal(boot_info_reserve(&bi, UINT64_MAX, 2, BOOT_RESERVE_MODULE),
			 CAIRN_ERR_OVERFLOW);
	assert_int_equal(boot_info_reserve(&bi, BOOT_INFO_PADDR_LIMIT, 1, BOOT_RESERVE_MODULE),
			 CAIRN_ERR_RANGE);
	assert_int_equal(bi.nreserved, 0);
}

static void test_boot_info_tables_report_limit_when_full(void **state)
{
	(void)state;
	boot_info_init(&bi, "test");
	for (size_t i = 0; i < BOOT_INFO_MAX_REGIONS; i++)
		add(i * 2 * PAGE, PAGE, BOOT_MEM_USABLE);
	assert_int_equal(boot_info_add_region(&bi, 0x10000000, PAGE, BOOT_MEM_USABLE),
			 CAIRN_ERR_LIMIT);
	for (size_t i = 0; i < BOOT_INFO_MAX_RESERVED; i++)
		reserve(0x20000000 + i * PAGE, 1);
	assert_int_equal(boot_info_reserve(&bi, 0x30000000, 1, BOOT_RESERVE_DTB),
			 CAIRN_ERR_LIMIT);
	assert_int_equal(bi.nregions, BOOT_INFO_MAX_REGIONS);
	assert_int_equal(bi.nreserved, BOOT_INFO_MAX_RESERVED);
}

static void test_boot_info_finalize_fits_the_worst_case_split(void **state)
{
	(void)state;
	/* Every region usable and apart, and every reservation splitting one:
	 * the most usable ranges finalize can produce. */
	boot_info_init(&bi, "test");
	for (size_t i = 0; i < BOOT_INFO_MAX_REGIONS; i++)
		add(i * 4 * PAGE, 3 * PAGE, BOOT_MEM_USABLE);
	for (size_t i = 0; i < BOOT_INFO_MAX_RESERVED; i++)
		reserve(i * 4 * PAGE + PAGE, PAGE);
	assert_int_equal(boot_info_finalize(&bi), CAIRN_OK);
	assert_int_equal(bi.nusable, BOOT_INFO_MAX_REGIONS + BOOT_INFO_MAX_RESERVED);
	assert_true(bi.nusable <= BOOT_INFO_MAX_USABLE);
}

static void test_boot_info_finalize_reports_limit_when_the_resolved_map_overflows(void **state)
{
	(void)state;
	/* One big usable region riddled with 127 reserved holes resolves into
	 * 255 disjoint regions: more than the table holds. */
	boot_info_init(&bi, "test");
	hosted_console_capture = discard;
	add(0, 256 * PAGE, BOOT_MEM_USABLE);
	for (size_t i = 0; i < BOOT_INFO_MAX_REGIONS - 1; i++)
		add((2 * i + 1) * PAGE, PAGE, BOOT_MEM_RESERVED);
	assert_int_equal(boot_info_finalize(&bi), CAIRN_ERR_LIMIT);
	hosted_console_capture = NULL;
}

static void test_boot_info_set_cmdline_truncates_and_says_so(void **state)
{
	static char line[CMDLINE_MAX + 10];

	(void)state;
	boot_info_init(&bi, "test");
	assert_int_equal(boot_info_set_cmdline(&bi, "a b=c", 100), CAIRN_OK);
	assert_string_equal(bi.cmdline, "a b=c");
	assert_false(bi.cmdline_truncated);
	assert_int_equal(boot_info_set_cmdline(&bi, "abcdef", 3), CAIRN_OK);
	assert_string_equal(bi.cmdline, "abc");
	memset(line, 'z', sizeof(line));
	assert_int_equal(boot_info_set_cmdline(&bi, line, sizeof(line)), CAIRN_ERR_RANGE);
	assert_true(bi.cmdline_truncated);
	assert_int_equal(strlen(bi.cmdline), CMDLINE_MAX - 1);
}

/*
 * The model: an address space of MODEL_UNITS units of 256 bytes. A unit is
 * usable iff some usable region covers it, no other region does, and no
 * reservation touches it; a page is usable iff all its units are. A
 * conflict exists iff a unit is covered by usable and non-usable regions.
 */
#define UNIT 256u
#define MODEL_PAGES 64u
#define MODEL_UNITS (MODEL_PAGES * (PAGE / UNIT))

static void test_boot_info_finalize_matches_a_simple_model_on_random_maps(void **state)
{
	unsigned int seed = (unsigned int)cairn_test_seed("boot_info model");

	(void)state;
	hosted_console_capture = discard;
	for (int iter = 0; iter < 3000; iter++) {
		static uint8_t usable_cov[MODEL_UNITS], other_cov[MODEL_UNITS], resv[MODEL_UNITS];
		bool want_page[MODEL_PAGES], conflict = false, any = false;
		size_t nreg = 1 + (size_t)rand_r(&seed) % 16, nres = (size_t)rand_r(&seed) % 6;
		uint64_t covered = 0;
		err_t err;

		memset(usable_cov, 0, sizeof(usable_cov));
		memset(other_cov, 0, sizeof(other_cov));
		memset(resv, 0, sizeof(resv));
		boot_info_init(&bi, "model");
		for (size_t r = 0; r < nreg; r++) {
			size_t a = (size_t)rand_r(&seed) % MODEL_UNITS;
			size_t n = 1 + (size_t)rand_r(&seed) % (MODEL_UNITS / 4);
			uint32_t type = rand_r(&seed) % 3 ? BOOT_MEM_USABLE :
						1 + (uint32_t)rand_r(&seed) % 6;

			if (a + n > MODEL_UNITS)
				n = MODEL_UNITS - a;
			add((paddr_t)a * UNIT, (uint64_t)n * UNIT, type);
			for (size_t u = a; u < a + n; u++)
				(type == BOOT_MEM_USABLE ? usable_cov : other_cov)[u] = 1;
		}
		for (size_t r = 0; r < nres; r++) {
			size_t a = (size_t)rand_r(&seed) % MODEL_UNITS;
			size_t n = 1 + (size_t)rand_r(&seed) % 40;

			if (a + n > MODEL_UNITS)
				n = MODEL_UNITS - a;
			reserve((paddr_t)a * UNIT, (uint64_t)n * UNIT);
			for (size_t u = a; u < a + n; u++)
				resv[u] = 1;
		}
		for (size_t p = 0; p < MODEL_PAGES; p++) {
			want_page[p] = true;
			for (size_t u = p * (PAGE / UNIT); u < (p + 1) * (PAGE / UNIT); u++) {
				if (!usable_cov[u] || other_cov[u] || resv[u])
					want_page[p] = false;
				conflict |= usable_cov[u] && other_cov[u];
			}
			any |= want_page[p];
		}

		err = boot_info_finalize(&bi);
		assert_int_equal(err, any ? CAIRN_OK : CAIRN_ERR_NOMEM);
		assert_int_equal(bi.overlaps > 0, conflict);
		/* Sorted, disjoint, whole pages, and exactly the model's pages. */
		for (size_t i = 0; i < bi.nusable; i++) {
			const struct boot_usable *u = &bi.usable[i];

			assert_int_equal(u->base % PAGE, 0);
			assert_int_equal(u->size % PAGE, 0);
			assert_true(u->size > 0);
			if (i)
				assert_true(bi.usable[i - 1].base + bi.usable[i - 1].size <= u->base);
			for (paddr_t pa = u->base; pa < u->base + u->size; pa += PAGE)
				assert_true(want_page[pa / PAGE]);
			covered += u->size;
		}
		for (size_t p = 0; p < MODEL_PAGES; p++)
			covered -= want_page[p] ? PAGE : 0;
		assert_int_equal(covered, 0);
		/* The resolved map is sorted and disjoint too. */
		for (size_t i = 1; i < bi.nregions; i++)
			assert_true(bi.regions[i - 1].base + bi.regions[i - 1].size <=
				    bi.regions[i].base);
	}
	hosted_console_capture = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_info_finalize_sorts_a_map_given_out_of_order),
		cmocka_unit_test(test_boot_info_finalize_merges_touching_regions_of_one_type),
		cmocka_unit_test(test_boot_info_finalize_treats_contested_bytes_as_not_usable),
		cmocka_unit_test(test_boot_info_finalize_ranks_non_usable_types),
		cmocka_unit_test(test_boot_info_finalize_carves_reservations_out),
		cmocka_unit_test(test_boot_info_finalize_aligns_usable_ranges_inward),
		cmocka_unit_test(test_boot_info_finalize_reports_nomem_without_a_usable_page),
		cmocka_unit_test(test_boot_info_add_region_rejects_absurd_ranges),
		cmocka_unit_test(test_boot_info_add_region_rejects_unknown_types_and_ignores_empty_ones),
		cmocka_unit_test(test_boot_info_reserve_validates_like_add_region),
		cmocka_unit_test(test_boot_info_tables_report_limit_when_full),
		cmocka_unit_test(test_boot_info_finalize_fits_the_worst_case_split),
		cmocka_unit_test(test_boot_info_finalize_reports_limit_when_the_resolved_map_overflows),
		cmocka_unit_test(test_boot_info_set_cmdline_truncates_and_says_so),
		cmocka_unit_test(test_boot_info_finalize_matches_a_simple_model_on_random_maps),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
