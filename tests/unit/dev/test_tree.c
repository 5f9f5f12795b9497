// SPDX-License-Identifier: BSD-2-Clause
/*
 * The device model's storage and queries (src/dev/tree.c), driven through
 * the API a firmware front end uses: nodes, compatible lists, reg and irq
 * runs, paths, lookups, and the bounds of every pool.
 */
#include <string.h>

#include "cairn_test.h"

#include <kernel/dev.h>

static struct dev_tree t;

static struct dev_node *add(struct dev_node *parent, const char *name)
{
	err_t err;
	struct dev_node *n = dev_node_add(&t, parent, name, strlen(name), &err);

	assert_non_null(n);
	assert_int_equal(err, CAIRN_OK);
	return n;
}

static int reset(void **state)
{
	(void)state;
	dev_tree_init(&t, NULL, NULL);
	return 0;
}

static void test_nodes_keep_firmware_order_and_build_paths(void **state)
{
	struct dev_node *root = add(NULL, ""), *soc = add(root, "soc");
	struct dev_node *a = add(soc, "uart@1000"), *b = add(soc, "uart@2000");
	char path[64];

	(void)state;
	assert_ptr_equal(dev_tree_root(&t), root);
	assert_ptr_equal(soc->child, a);
	assert_ptr_equal(a->sibling, b);
	assert_string_equal(dev_node_path(root, path, sizeof(path)), "/");
	assert_string_equal(dev_node_path(b, path, sizeof(path)), "/soc/uart@2000");
	assert_ptr_equal(dev_tree_find_path(&t, "/soc/uart@2000"), b);
	assert_ptr_equal(dev_tree_find_path(&t, "/soc/uart"), a); /* first without unit */
	assert_null(dev_tree_find_path(&t, "/soc/spi"));
	assert_null(dev_tree_find_path(&t, "soc"));
	/* A short buffer gets a marked, terminated path. */
	assert_string_equal(dev_node_path(b, path, 8), "/soc...");
}

static void test_a_second_root_or_a_foreign_parent_is_refused(void **state)
{
	struct dev_tree other;
	err_t err;

	(void)state;
	dev_tree_init(&other, NULL, NULL);
	struct dev_node *root = add(NULL, "");

	assert_null(dev_node_add(&t, NULL, "again", 5, &err));
	assert_int_equal(err, CAIRN_ERR_INVAL);
	assert_null(dev_node_add(&other, root, "x", 1, &err));
	assert_int_equal(err, CAIRN_ERR_INVAL);
}

static void test_compatible_lists_are_matched_string_by_string(void **state)
{
	static const char list[] = "vendor,uart\0arm,pl011\0arm,primecell";
	struct dev_node *root = add(NULL, ""), *u = add(root, "uart");

	(void)state;
	assert_int_equal(dev_node_set_compatible(u, list, sizeof(list)), CAIRN_OK);
	assert_true(dev_node_is_compatible(u, "arm,pl011"));
	assert_false(dev_node_is_compatible(u, "arm,pl01"));
	assert_string_equal(dev_node_compatible_at(u, 2), "arm,primecell");
	assert_null(dev_node_compatible_at(u, 3));
	assert_ptr_equal(dev_tree_find_compatible(&t, NULL, "arm,primecell"), u);
	assert_null(dev_tree_find_compatible(&t, u, "arm,primecell"));
	/* Not NUL-terminated, or empty: refused. */
	assert_int_equal(dev_node_set_compatible(u, "abc", 3), CAIRN_ERR_INVAL);
	assert_int_equal(dev_node_set_compatible(u, "", 0), CAIRN_ERR_INVAL);
}

static void test_reg_and_irq_runs_stay_contiguous_per_node(void **state)
{
	struct dev_node *root = add(NULL, ""), *gic = add(root, "gic"), *a = add(root, "a");
	struct dev_node *b = add(root, "b");
	const uint32_t spec[3] = { 0, 33, 4 };

	(void)state;
	assert_int_equal(dev_node_add_reg(a, 0x1000, 0x100), CAIRN_OK);
	assert_int_equal(dev_node_add_reg(a, 0x2000, 0x100), CAIRN_OK);
	assert_int_equal(dev_node_add_reg(b, 0x3000, 0x100), CAIRN_OK);
	/* a's run is closed once b has one (invariant 2). */
	assert_int_equal(dev_node_add_reg(a, 0x4000, 0x100), CAIRN_ERR_INVAL);
	assert_int_equal(a->nreg, 2);
	assert_int_equal(a->reg[1].base, 0x2000);
	assert_int_equal(b->reg[0].base, 0x3000);

	assert_int_equal(dev_node_add_irq(a, gic, spec, 3), CAIRN_OK);
	assert_int_equal(dev_node_add_irq(b, gic, spec, 3), CAIRN_OK);
	assert_int_equal(dev_node_add_irq(a, gic, spec, 3), CAIRN_ERR_INVAL);
	assert_int_equal(dev_node_add_irq(b, gic, spec, DEV_IRQ_MAX_CELLS + 1), CAIRN_ERR_RANGE);
	assert_int_equal(b->irq[0].cells[1], 33);
}

static void test_an_irq_on_a_controller_of_another_tree_is_refused(void **state)
{
	static struct dev_tree other;
	struct dev_node *root = add(NULL, ""), *a = add(root, "a");
	struct dev_node *foreign;
	err_t err;
	const uint32_t one = 1;

	(void)state;
	dev_tree_init(&other, NULL, NULL);
	foreign = dev_node_add(&other, NULL, "", 0, &err);
	assert_non_null(foreign);
	assert_int_equal(dev_node_add_irq(a, foreign, &one, 1), CAIRN_ERR_INVAL); /* invariant 3 */
}

static void test_every_pool_fails_cleanly_when_full(void **state)
{
	struct dev_node *root = add(NULL, ""), *n = root, *last = NULL;
	const uint32_t one = 1;
	err_t err = CAIRN_OK;
	size_t made = 1;

	(void)state;
	while ((n = dev_node_add(&t, root, "n", 1, &err)) != NULL) {
		last = n;
		made++;
	}
	assert_int_equal(err, CAIRN_ERR_LIMIT);
	assert_int_equal(made, DEV_MAX_NODES);
	for (size_t i = 0; i < DEV_MAX_REGS; i++)
		assert_int_equal(dev_node_add_reg(last, i, 1), CAIRN_OK);
	assert_int_equal(dev_node_add_reg(last, 0, 1), CAIRN_ERR_LIMIT);
	for (size_t i = 0; i < DEV_MAX_IRQS; i++)
		assert_int_equal(dev_node_add_irq(last, root, &one, 1), CAIRN_OK);
	assert_int_equal(dev_node_add_irq(last, root, &one, 1), CAIRN_ERR_LIMIT);

	/* Strings: a fresh tree whose names exhaust the arena. */
	static char big[DEV_STRINGS_BYTES];

	memset(big, 'x', sizeof(big));
	dev_tree_init(&t, NULL, NULL);
	root = add(NULL, "");
	assert_null(dev_node_add(&t, root, big, sizeof(big), &err));
	assert_int_equal(err, CAIRN_ERR_LIMIT);
}

static void test_phandles_and_properties_without_a_front_end(void **state)
{
	struct dev_node *root = add(NULL, ""), *a = add(root, "a");
	size_t len;
	uint32_t v;

	(void)state;
	a->phandle = 7;
	assert_ptr_equal(dev_tree_find_phandle(&t, 7), a);
	assert_null(dev_tree_find_phandle(&t, 0));
	assert_null(dev_node_prop(a, "reg", &len));
	assert_int_equal(dev_node_prop_u32(a, "x", &v), CAIRN_ERR_NOENT);
	assert_string_equal(dev_status_name(DEV_STATUS_DISABLED), "disabled");
}

static void test_mmio_needs_a_cpu_range_and_a_mapper(void **state)
{
	struct dev_node *root = add(NULL, ""), *a = add(root, "a");
	struct io_region r;

	(void)state;
	assert_int_equal(dev_node_mmio(a, 0, &r), CAIRN_ERR_NOENT);
	assert_int_equal(dev_node_add_reg(a, 0x9000000, 0x1000), CAIRN_OK);
	dev_mmio_mapper_set(NULL);
	assert_int_equal(dev_node_mmio(a, 0, &r), CAIRN_ERR_NOTSUP);
	a->flags |= DEV_NODE_REG_LOCAL;
	assert_int_equal(dev_node_mmio(a, 0, &r), CAIRN_ERR_RANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_nodes_keep_firmware_order_and_build_paths, reset),
		cmocka_unit_test_setup(test_a_second_root_or_a_foreign_parent_is_refused, reset),
		cmocka_unit_test_setup(test_compatible_lists_are_matched_string_by_string, reset),
		cmocka_unit_test_setup(test_reg_and_irq_runs_stay_contiguous_per_node, reset),
		cmocka_unit_test_setup(test_an_irq_on_a_controller_of_another_tree_is_refused, reset),
		cmocka_unit_test_setup(test_every_pool_fails_cleanly_when_full, reset),
		cmocka_unit_test_setup(test_phandles_and_properties_without_a_front_end, reset),
		cmocka_unit_test_setup(test_mmio_needs_a_cpu_range_and_a_mapper, reset),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
