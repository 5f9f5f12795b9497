// SPDX-License-Identifier: BSD-2-Clause
/*
 * layout_region_name() (src/layout.c): every canonical region is named
 * from its first to its last byte, the byte before and after each is
 * someone else's, and what lies between regions is a "hole"; the lower
 * half, where NULL and small integers point, has its own name.
 */
#include <string.h>

#include "cairn_test.h"

#include <kernel/layout.h>

static void assert_region(uint64_t va, const char *name)
{
	const char *got = layout_region_name((vaddr_t)va);

	if (strcmp(got, name) != 0)
		fail_msg("layout_region_name(%#018llx) = \"%s\", expected \"%s\"",
			 (unsigned long long)va, got, name);
}

static void test_layout_names_every_region_from_first_to_last_byte(void **state)
{
	(void)state;
	assert_region(LAYOUT_DIRECT_MAP_BASE, "direct map");
	assert_region(LAYOUT_DIRECT_MAP_BASE + LAYOUT_DIRECT_MAP_SIZE - 1, "direct map");
	assert_region(LAYOUT_OBJECTS_BASE, "mapped objects");
	assert_region(LAYOUT_OBJECTS_BASE + LAYOUT_OBJECTS_SIZE - 1, "mapped objects");
	assert_region(LAYOUT_STACKS_BASE, "thread stacks");
	assert_region(LAYOUT_STACKS_BASE + LAYOUT_STACKS_SIZE - 1, "thread stacks");
	assert_region(LAYOUT_KERNEL_BASE, "kernel image");
	assert_region(0xffffffffffffffffull, "kernel image");
}

static void test_layout_matches_the_documented_addresses(void **state)
{
	(void)state;
	/* docs/memory-layout.md's table, literally. */
	assert_region(0xffff800000000000ull, "direct map");
	assert_region(0xffffbfffffffffffull, "direct map");
	assert_region(0xffffc00000000000ull, "mapped objects");
	assert_region(0xffffdfffffffffffull, "mapped objects");
	assert_region(0xffffe00000000000ull, "thread stacks");
	assert_region(0xffffefffffffffffull, "thread stacks");
	assert_region(0xffffffff80000000ull, "kernel image");
	assert_region(0xffffffff80200000ull, "kernel image");
}

static void test_layout_names_the_lower_half_and_the_holes(void **state)
{
	(void)state;
	assert_region(0, "unmapped lower half");
	assert_region(0x10, "unmapped lower half");
	assert_region(0x00007fffffffffffull, "unmapped lower half");
	/* Non-canonical addresses belong to no region. */
	assert_region(0x0000800000000000ull, "hole");
	assert_region(0xffff7fffffffffffull, "hole");
	/* Between the thread stacks and the kernel image. */
	assert_region(LAYOUT_STACKS_BASE + LAYOUT_STACKS_SIZE, "hole");
	assert_region(0xfffff00000000000ull, "hole");
	assert_region(LAYOUT_KERNEL_BASE - 1, "hole");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_names_every_region_from_first_to_last_byte),
		cmocka_unit_test(test_layout_matches_the_documented_addresses),
		cmocka_unit_test(test_layout_names_the_lower_half_and_the_holes),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
