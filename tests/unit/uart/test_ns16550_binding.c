// SPDX-License-Identifier: BSD-2-Clause
/*
 * The 16550 driver's device-tree binding: nodes compatible with "ns16550a",
 * "ns16550" or "snps,dw-apb-uart" bound through the driver table, their
 * reg-shift, reg-io-width, reg-offset, clock-frequency and current-speed
 * honoured, bad properties refused.
 *
 * Registers are a fake MMIO page (plain memory handed out by a fake mapper)
 * pre-filled with a 0xaa pattern and LSR saying "transmitter empty", so a
 * test can see where each register landed and how wide the access was (a
 * 32-bit write clears the pattern's upper bytes, a byte write does not).
 * Properties come from a fake front end. Each test uses its own page: a
 * console registered by an earlier test keeps writing to its own page.
 */
#include <string.h>

#include "cairn_test.h"

#include <kernel/console.h>
#include <kernel/driver.h>

#include "../../../drivers/uart/ns16550.h"

#define PAGES 10
#define PATTERN 0xaaaaaaaau

static uint32_t pages[PAGES][1024] __aligned(4096);
static int page; /* the page the next mapping hands out */
static paddr_t mapped_pa;
static struct dev_tree t;

static err_t fake_map(paddr_t pa, uint64_t size, uintptr_t *va)
{
	if (size > sizeof(pages[0]))
		return CAIRN_ERR_RANGE;
	mapped_pa = pa;
	*va = (uintptr_t)pages[page];
	return CAIRN_OK;
}

/* ---- a fake front end: properties from a table ---------------------------- */

static struct {
	const struct dev_node *node;
	const char *name;
	uint8_t value[8];
	size_t len;
} props[16];
static size_t nprops;

static const void *fake_prop(const struct dev_tree *tree, const struct dev_node *node,
			     const char *name, size_t *len)
{
	(void)tree;
	for (size_t i = 0; i < nprops; i++) {
		if (props[i].node == node && strcmp(props[i].name, name) == 0) {
			*len = props[i].len;
			return props[i].value;
		}
	}
	return NULL;
}

static const struct dev_fw_ops fake_fw = { .name = "fake", .prop = fake_prop };

static void set_u32(const struct dev_node *node, const char *name, uint32_t v)
{
	props[nprops].node = node;
	props[nprops].name = name;
	props[nprops].value[0] = (uint8_t)(v >> 24);
	props[nprops].value[1] = (uint8_t)(v >> 16);
	props[nprops].value[2] = (uint8_t)(v >> 8);
	props[nprops].value[3] = (uint8_t)v;
	props[nprops].len = 4;
	nprops++;
}

/* ---- helpers --------------------------------------------------------------- */

/* Fill page `p` with the pattern, LSR (register 5 at `stride`) = THRE|TEMT. */
static void prepare(int p, size_t stride, size_t offset)
{
	memset(pages[p], 0xaa, sizeof(pages[p]));
	((uint8_t *)pages[p])[offset + 5 * stride] = 0x60;
	if (stride == 4)
		pages[p][(offset + 5 * 4) / 4] = 0x60;
	page = p;
}

static uint8_t byte_at(int p, size_t off)
{
	return ((uint8_t *)pages[p])[off];
}

static struct dev_node *uart_node(const char *compat, size_t compat_len, paddr_t base,
				  uint64_t size)
{
	err_t err;
	struct dev_node *root = dev_node_add(&t, NULL, "", 0, &err);
	struct dev_node *u = dev_node_add(&t, root, "serial@1c28000", 14, &err);

	assert_non_null(u);
	assert_int_equal(dev_node_set_compatible(u, compat, compat_len), CAIRN_OK);
	assert_int_equal(dev_node_add_reg(u, base, size), CAIRN_OK);
	return u;
}

static int reset(void **state)
{
	(void)state;
	dev_tree_init(&t, &fake_fw, NULL);
	nprops = 0;
	mapped_pa = 0;
	dev_mmio_mapper_set(fake_map);
	return 0;
}

/* ---- tests ----------------------------------------------------------------- */

static void test_a_dw_apb_uart_gets_32_bit_registers_at_a_4_byte_stride(void **state)
{
	static const char c[] = "snps,dw-apb-uart";
	struct dev_node *u = uart_node(c, sizeof(c), 0x1c28000, 0x400);
	size_t before = console_count();
	struct ns16550 *drv;

	(void)state;
	set_u32(u, "reg-shift", 2);
	set_u32(u, "reg-io-width", 4);
	t.stdout_node = u;
	prepare(0, 4, 0);
	assert_int_equal(dev_bind(&t, DRIVER_STAGE_EARLY), 1);
	assert_string_equal(u->driver->name, "ns16550");
	assert_string_equal(u->bound_compatible, "snps,dw-apb-uart");
	assert_int_equal(mapped_pa, 0x1c28000);
	assert_int_equal(console_count(), before + 1);
	/* Whole words written at 4-byte steps: 8N1, FIFOs, modem lines, scratch. */
	assert_int_equal(pages[0][3], 0x03);
	assert_int_equal(pages[0][2], 0x07);
	assert_int_equal(pages[0][4], 0x0b);
	assert_int_equal(pages[0][7], 0x5a);
	/* Nothing between the registers, nothing past them. */
	assert_int_equal(pages[0][8], PATTERN);
	drv = u->driver_data;
	assert_int_equal(drv->io_width, 4);
	ns16550_putc(drv, 'A');
	assert_int_equal(pages[0][0], 'A');
}

static void test_with_no_console_chosen_an_ns16550a_becomes_one(void **state)
{
	static const char c[] = "vendor,soc-uart\0ns16550a";
	struct dev_node *u = uart_node(c, sizeof(c), 0x10000000, 0x100);
	size_t before = console_count();

	(void)state;
	t.stdout_node = NULL; /* no choice made: every console is taken */
	prepare(1, 1, 0);
	assert_int_equal(dev_bind(&t, DRIVER_STAGE_EARLY), 1);
	assert_string_equal(u->bound_compatible, "ns16550a");
	assert_int_equal(console_count(), before + 1);
	/* Byte registers at a 1-byte stride (the default), and nothing else. */
	assert_int_equal(byte_at(1, 3), 0x03); /* LCR: 8N1 */
	assert_int_equal(byte_at(1, 2), 0x07);
	assert_int_equal(byte_at(1, 4), 0x0b);
	assert_int_equal(byte_at(1, 7), 0x5a);
	assert_int_equal(byte_at(1, 8), 0xaa);
	/* The bind log line went out through the new console, to THR. */
	assert_int_equal(byte_at(1, 0), '\n');
}

static void test_the_divisor_is_computed_from_clock_frequency(void **state)
{
	static const char c[] = "ns16550";
	struct dev_node *u = uart_node(c, sizeof(c), 0x10000000, 0x100);
	struct dev_node *other;
	err_t err;

	(void)state;
	/* Not the chosen console, so no log line lands on THR/DLL afterwards. */
	other = dev_node_add(&t, dev_tree_root(&t), "other", 5, &err);
	t.stdout_node = other;
	set_u32(u, "clock-frequency", 24000000);
	set_u32(u, "current-speed", 115200);
	prepare(2, 1, 0);
	assert_int_equal(dev_bind(&t, DRIVER_STAGE_EARLY), 1);
	/* 24 MHz / (16 * 115200) = 13. */
	assert_int_equal(byte_at(2, 0), 13);
	assert_int_equal(byte_at(2, 1), 0);
	assert_int_equal(byte_at(2, 3), 0x03);
}

static void test_a_clock_without_a_baud_rate_keeps_the_firmware_divisor(void **state)
{
	static const char c[] = "ns16550a";
	struct dev_node *u = uart_node(c, sizeof(c), 0x10000000, 0x100);
	struct dev_node *other;
	size_t before = console_count();
	err_t err;

	(void)state;
	other = dev_node_add(&t, dev_tree_root(&t), "other", 5, &err);
	t.stdout_node = other;
	set_u32(u, "clock-frequency", 1843200);
	prepare(3, 1, 0);
	assert_int_equal(dev_bind(&t, DRIVER_STAGE_EARLY), 1);
	assert_int_equal(byte_at(3, 0), 0xaa); /* DLL never written */
	assert_int_equal(byte_at(3, 3), 0x03);
	/* Bound, but firmware chose another console. */
	assert_int_equal(console_count(), before);
}

static void test_reg_offset_moves_register_zero_into_the_range(void **state)
{
	static const char c[] = "snps,dw-apb-uart";
	struct dev_node *u = uart_node(c, sizeof(c), 0x1c28000, 0x400);
	struct dev_node *other;
	err_t err;

	(void)state;
	other = dev_node_add(&t, dev_tree_root(&t), "other", 5, &err);
	t.stdout_node = other;
	set_u32(u, "reg-shift", 2);
	set_u32(u, "reg-io-width", 4);
	set_u32(u, "reg-offset", 0x40);
	prepare(4, 4, 0x40);
	assert_int_equal(dev_bind(&t, DRIVER_STAGE_EARLY), 1);
	assert_int_equal(pages[4][(0x40 + 3 * 4) / 4], 0x03);
	assert_int_equal(pages[4][3], PATTERN); /* below the offset: untouched */
}

static void expect_refused(const char *what, uint32_t shift, uint32_t width, uint64_t size,
			   int p)
{
	static const char c[] = "ns16550a";
	struct dev_node *u = uart_node(c, sizeof(c), 0x10000000, size);

	print_message("%s\n", what);
	set_u32(u, "reg-shift", shift);
	set_u32(u, "reg-io-width", width);
	prepare(p, 1u << (shift > 2 ? 2 : shift), 0);
	assert_int_equal(dev_bind(&t, DRIVER_STAGE_EARLY), 0);
	assert_null(u->driver);
	assert_true(u->flags & DEV_NODE_PROBE_FAILED);
}

static void test_a_width_wider_than_the_stride_is_refused(void **state)
{
	(void)state;
	expect_refused("32-bit registers 1 byte apart", 0, 4, 0x100, 5);
}

static void test_an_unsupported_width_is_refused(void **state)
{
	(void)state;
	expect_refused("8-byte registers", 3, 8, 0x100, 6);
}

static void test_registers_beyond_the_reg_range_are_refused(void **state)
{
	(void)state;
	/* Eight registers 4 bytes apart need 32 bytes; the node gives 16. */
	expect_refused("a 16-byte range for a 4-byte stride", 2, 4, 0x10, 7);
}

static void test_a_malformed_property_is_refused(void **state)
{
	static const char c[] = "ns16550a";
	struct dev_node *u = uart_node(c, sizeof(c), 0x10000000, 0x100);

	(void)state;
	props[nprops] = (typeof(props[0])){ .node = u, .name = "reg-shift", .len = 2 };
	nprops++;
	prepare(8, 1, 0);
	assert_int_equal(dev_bind(&t, DRIVER_STAGE_EARLY), 0);
	assert_true(u->flags & DEV_NODE_PROBE_FAILED);
}

static void test_every_binding_name_finds_the_driver(void **state)
{
	(void)state;
	assert_string_equal(driver_find("ns16550a", DRIVER_STAGE_EARLY)->name, "ns16550");
	assert_string_equal(driver_find("ns16550", DRIVER_STAGE_EARLY)->name, "ns16550");
	assert_string_equal(driver_find("snps,dw-apb-uart", DRIVER_STAGE_EARLY)->name, "ns16550");
	assert_null(driver_find("ns16550a", DRIVER_STAGE_NORMAL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_a_dw_apb_uart_gets_32_bit_registers_at_a_4_byte_stride,
				       reset),
		cmocka_unit_test_setup(test_with_no_console_chosen_an_ns16550a_becomes_one, reset),
		cmocka_unit_test_setup(test_the_divisor_is_computed_from_clock_frequency, reset),
		cmocka_unit_test_setup(test_a_clock_without_a_baud_rate_keeps_the_firmware_divisor,
				       reset),
		cmocka_unit_test_setup(test_reg_offset_moves_register_zero_into_the_range, reset),
		cmocka_unit_test_setup(test_a_width_wider_than_the_stride_is_refused, reset),
		cmocka_unit_test_setup(test_an_unsupported_width_is_refused, reset),
		cmocka_unit_test_setup(test_registers_beyond_the_reg_range_are_refused, reset),
		cmocka_unit_test_setup(test_a_malformed_property_is_refused, reset),
		cmocka_unit_test_setup(test_every_binding_name_finds_the_driver, reset),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
