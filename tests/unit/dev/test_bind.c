// SPDX-License-Identifier: BSD-2-Clause
/*
 * Binding drivers to nodes (src/dev/bind.c) and the PL011 driver that
 * binds through it, on a fake register page.
 *
 * The suite registers its own drivers with DRIVER_REGISTER, exactly as
 * kernel drivers do; the hosted library brings the PL011 registration
 * ("arm,pl011", early stage). Registers are plain memory handed out by a
 * fake MMIO mapper, preloaded with the PrimeCell identification.
 */
#include <string.h>

#include "cairn_test.h"

#include <kernel/console.h>
#include <kernel/driver.h>

#include <uart/pl011.h>

static struct dev_tree t;
static int probes_special, probes_generic, probes_failing;

static err_t special_probe(struct dev_node *node)
{
	(void)node;
	probes_special++;
	return CAIRN_OK;
}
DRIVER_REGISTER(test_special, DRIVER_STAGE_NORMAL, special_probe, "vendor,special-timer");

static err_t generic_probe(struct dev_node *node)
{
	(void)node;
	probes_generic++;
	return CAIRN_OK;
}
DRIVER_REGISTER(test_generic, DRIVER_STAGE_NORMAL, generic_probe, "generic,timer");

static err_t failing_probe(struct dev_node *node)
{
	(void)node;
	probes_failing++;
	return CAIRN_ERR_IO;
}
DRIVER_REGISTER(test_failing, DRIVER_STAGE_NORMAL, failing_probe, "vendor,broken");

/* ---- a fake register page ------------------------------------------------- */

static uint32_t regs[1024] __aligned(4096);
static paddr_t mapped_pa;

static err_t fake_map(paddr_t pa, uint64_t size, uintptr_t *va)
{
	if (size > sizeof(regs))
		return CAIRN_ERR_RANGE;
	mapped_pa = pa;
	*va = (uintptr_t)regs;
	return CAIRN_OK;
}

static void primecell_ids(uint32_t part, uint32_t designer)
{
	memset(regs, 0, sizeof(regs));
	regs[0xfe0 / 4] = part & 0xff;
	regs[0xfe4 / 4] = ((part >> 8) & 0xf) | ((designer & 0xf) << 4);
	regs[0xfe8 / 4] = (designer >> 4) & 0xf;
}

static struct dev_node *add(struct dev_node *parent, const char *name, const char *compat,
			    size_t compat_len)
{
	err_t err;
	struct dev_node *n = dev_node_add(&t, parent, name, strlen(name), &err);

	assert_non_null(n);
	if (compat)
		assert_int_equal(dev_node_set_compatible(n, compat, compat_len), CAIRN_OK);
	return n;
}

static int reset(void **state)
{
	(void)state;
	dev_tree_init(&t, NULL, NULL);
	probes_special = probes_generic = probes_failing = 0;
	dev_mmio_mapper_set(fake_map);
	return 0;
}

static void test_the_most_specific_compatible_string_picks_the_driver(void **state)
{
	static const char both[] = "vendor,special-timer\0generic,timer";
	static const char other[] = "other,timer\0generic,timer";
	struct dev_node *root = add(NULL, "", NULL, 0);
	struct dev_node *a = add(root, "a", both, sizeof(both));
	struct dev_node *b = add(root, "b", other, sizeof(other));

	(void)state;
	assert_int_equal(dev_bind(&t, DRIVER_STAGE_NORMAL), 2);
	assert_string_equal(a->driver->name, "test_special");
	assert_string_equal(a->bound_compatible, "vendor,special-timer");
	assert_string_equal(b->driver->name, "test_generic");
	assert_string_equal(b->bound_compatible, "generic,timer");
	assert_int_equal(probes_special, 1);
	assert_int_equal(probes_generic, 1);
	/* Binding again binds nothing twice. */
	assert_int_equal(dev_bind(&t, DRIVER_STAGE_NORMAL), 0);
	assert_int_equal(probes_generic, 1);
}

static void test_disabled_nodes_and_nodes_under_disabled_buses_stay_unbound(void **state)
{
	static const char c[] = "generic,timer";
	struct dev_node *root = add(NULL, "", NULL, 0);
	struct dev_node *off = add(root, "off", c, sizeof(c));
	struct dev_node *bus = add(root, "bus", NULL, 0);
	struct dev_node *child = add(bus, "child", c, sizeof(c));

	(void)state;
	off->status = DEV_STATUS_DISABLED;
	bus->status = DEV_STATUS_FAIL;
	assert_int_equal(dev_bind(&t, DRIVER_STAGE_NORMAL), 0);
	assert_null(off->driver);
	assert_null(child->driver);
	assert_int_equal(probes_generic, 0);
}

static void test_a_failing_probe_leaves_the_node_unbound_and_is_not_retried(void **state)
{
	static const char c[] = "vendor,broken";
	struct dev_node *root = add(NULL, "", NULL, 0), *n = add(root, "x", c, sizeof(c));

	(void)state;
	assert_int_equal(dev_bind(&t, DRIVER_STAGE_NORMAL), 0);
	assert_null(n->driver);
	assert_true(n->flags & DEV_NODE_PROBE_FAILED);
	assert_int_equal(dev_bind(&t, DRIVER_STAGE_NORMAL), 0);
	assert_int_equal(probes_failing, 1);
}

static void test_stages_bind_only_their_own_drivers(void **state)
{
	static const char c[] = "generic,timer";
	struct dev_node *root = add(NULL, "", NULL, 0), *n = add(root, "x", c, sizeof(c));

	(void)state;
	assert_int_equal(dev_bind(&t, DRIVER_STAGE_EARLY), 0);
	assert_null(n->driver);
	assert_null(driver_find("generic,timer", DRIVER_STAGE_EARLY));
	assert_non_null(driver_find("generic,timer", DRIVER_STAGE_NORMAL));
	assert_non_null(driver_find("arm,pl011", DRIVER_STAGE_EARLY));
}

static void test_the_pl011_binds_by_compatible_and_becomes_the_chosen_console(void **state)
{
	static const char c[] = "arm,pl011\0arm,primecell";
	struct dev_node *root = add(NULL, "", NULL, 0), *u = add(root, "pl011@9000000", c, sizeof(c));
	struct pl011 *drv;
	size_t before = console_count();

	(void)state;
	assert_int_equal(dev_node_add_reg(u, 0x9000000, 0x1000), CAIRN_OK);
	t.stdout_node = u;
	primecell_ids(0x011, 0x41);
	assert_int_equal(dev_bind(&t, DRIVER_STAGE_EARLY), 1);
	assert_string_equal(u->driver->name, "pl011");
	assert_int_equal(mapped_pa, 0x9000000);
	assert_int_equal(console_count(), before + 1);
	/* Enabled for 8N1 with FIFOs, transmit and receive. */
	assert_int_equal(regs[0x2c / 4], (3u << 5) | (1u << 4));
	assert_int_equal(regs[0x30 / 4], (1u << 0) | (1u << 8) | (1u << 9));
	drv = u->driver_data;
	pl011_putc(drv, 'A');
	assert_int_equal(regs[0], 'A');
	/* A full FIFO that never drains drops the byte after the spin limit. */
	regs[0x18 / 4] = 1u << 5;
	drv->tx_spin_limit = 10;
	pl011_putc(drv, 'B');
	assert_int_equal(regs[0], 'A');
	assert_int_equal(drv->dropped, 1);
}

static void test_a_uart_that_is_not_a_pl011_is_refused(void **state)
{
	static const char c[] = "arm,pl011";
	struct dev_node *root = add(NULL, "", NULL, 0), *u = add(root, "uart", c, sizeof(c));

	(void)state;
	assert_int_equal(dev_node_add_reg(u, 0x9000000, 0x1000), CAIRN_OK);
	primecell_ids(0x061, 0x41); /* a PL061 GPIO block */
	assert_int_equal(dev_bind(&t, DRIVER_STAGE_EARLY), 0);
	assert_null(u->driver);
	assert_true(u->flags & DEV_NODE_PROBE_FAILED);
}

static void test_a_pl011_without_registers_is_refused(void **state)
{
	static const char c[] = "arm,pl011";
	struct dev_node *root = add(NULL, "", NULL, 0), *u = add(root, "uart", c, sizeof(c));

	(void)state;
	primecell_ids(0x011, 0x41);
	assert_int_equal(dev_bind(&t, DRIVER_STAGE_EARLY), 0);
	assert_true(u->flags & DEV_NODE_PROBE_FAILED);
}

static void test_the_baud_divisor_is_programmed_when_asked(void **state)
{
	struct pl011 u;
	struct io_region r = { .space = IO_SPACE_MMIO, .base = (uintptr_t)regs, .size = 4096 };

	(void)state;
	primecell_ids(0x011, 0x41);
	/* 24 MHz / (16 * 115200) = 13.0208: IBRD 13, FBRD round(0.0208 * 64) = 1. */
	assert_int_equal(pl011_init(&u, &r, 24000000, 115200, "t"), CAIRN_OK);
	assert_int_equal(regs[0x24 / 4], 13);
	assert_int_equal(regs[0x28 / 4], 1);
	assert_int_equal(pl011_init(&u, &r, 1000, 115200, "t"), CAIRN_ERR_RANGE);
	r.size = 0x100;
	assert_int_equal(pl011_init(&u, &r, 0, 0, "t"), CAIRN_ERR_RANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_the_most_specific_compatible_string_picks_the_driver, reset),
		cmocka_unit_test_setup(test_disabled_nodes_and_nodes_under_disabled_buses_stay_unbound, reset),
		cmocka_unit_test_setup(test_a_failing_probe_leaves_the_node_unbound_and_is_not_retried, reset),
		cmocka_unit_test_setup(test_stages_bind_only_their_own_drivers, reset),
		cmocka_unit_test_setup(test_the_pl011_binds_by_compatible_and_becomes_the_chosen_console, reset),
		cmocka_unit_test_setup(test_a_uart_that_is_not_a_pl011_is_refused, reset),
		cmocka_unit_test_setup(test_a_pl011_without_registers_is_refused, reset),
		cmocka_unit_test_setup(test_the_baud_divisor_is_programmed_when_asked, reset),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
