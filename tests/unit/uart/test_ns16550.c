// SPDX-License-Identifier: BSD-2-Clause
/*
 * The 16550 driver against a simulated UART in the hosted fake port space:
 * probe through the scratch register, line setup and divisor, CR before LF,
 * and a UART that never drains dropping bytes instead of hanging.
 */
#include <string.h>

#include "cairn_test.h"

#include "../../../drivers/uart/ns16550.h"

#define BASE 0x3f8

static struct {
	uint8_t regs[8], dll, dlm;
	bool present, stuck;
	char tx[256];
	size_t ntx;
} sim;

static uint32_t sim_read(uint16_t port, unsigned width)
{
	unsigned reg = port - BASE;

	(void)width;
	if (!sim.present || reg >= 8)
		return 0xff;
	if (reg == 5) /* LSR: THRE unless stuck */
		return sim.stuck ? 0x00 : 0x60;
	return sim.regs[reg];
}

static void sim_write(uint16_t port, uint32_t v, unsigned width)
{
	unsigned reg = port - BASE;

	(void)width;
	if (!sim.present || reg >= 8)
		return;
	if ((sim.regs[3] & 0x80) && reg <= 1) {
		*(reg == 0 ? &sim.dll : &sim.dlm) = (uint8_t)v;
		return;
	}
	if (reg == 0) {
		sim.tx[sim.ntx++ % sizeof(sim.tx)] = (char)v;
		return;
	}
	sim.regs[reg] = (uint8_t)v;
}

static const struct hosted_pio_ops sim_ops = { sim_read, sim_write };
static const struct io_region regs = { .space = IO_SPACE_PORT, .base = BASE, .size = 8 };

static int setup(void **state)
{
	(void)state;
	memset(&sim, 0, sizeof(sim));
	sim.present = true;
	hosted_pio = &sim_ops;
	return 0;
}

static void test_ns16550_programs_8n1_and_the_divisor(void **state)
{
	struct ns16550 u;

	(void)state;
	assert_int_equal(ns16550_init(&u, &regs, 1843200, 115200, "com1"), CAIRN_OK);
	assert_int_equal(sim.dll, 1);
	assert_int_equal(sim.dlm, 0);
	assert_int_equal(sim.regs[3], 0x03); /* 8N1, DLAB cleared */
	assert_int_equal(sim.regs[1], 0);    /* interrupts off */
	assert_int_equal(ns16550_init(&u, &regs, 1843200, 9600, "com1"), CAIRN_OK);
	assert_int_equal(sim.dll, 12);
}

static void test_ns16550_absent_uart_is_noent(void **state)
{
	struct ns16550 u;

	(void)state;
	sim.present = false;
	assert_int_equal(ns16550_init(&u, &regs, 1843200, 115200, "com1"), CAIRN_ERR_NOENT);
}

static void test_ns16550_impossible_baud_is_range(void **state)
{
	struct ns16550 u;

	(void)state;
	assert_int_equal(ns16550_init(&u, &regs, 1843200, 1000000, "com1"), CAIRN_ERR_RANGE);
	assert_int_equal(ns16550_init(&u, &regs, 1843200, 1, "com1"), CAIRN_ERR_RANGE);
}

static void test_ns16550_console_sends_cr_before_lf(void **state)
{
	struct ns16550 u;

	(void)state;
	assert_int_equal(ns16550_init(&u, &regs, 0, 0, "com1"), CAIRN_OK);
	u.console.write(&u.console, "a\nb", 3);
	assert_int_equal(sim.ntx, 4);
	assert_memory_equal(sim.tx, "a\r\nb", 4);
}

static void test_ns16550_stuck_uart_drops_bytes_instead_of_hanging(void **state)
{
	struct ns16550 u;

	(void)state;
	assert_int_equal(ns16550_init(&u, &regs, 0, 0, "com1"), CAIRN_OK);
	sim.stuck = true;
	u.tx_spin_limit = 100;
	ns16550_putc(&u, 'x');
	ns16550_putc(&u, 'y');
	assert_int_equal(u.dropped, 2);
	assert_int_equal(sim.ntx, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ns16550_programs_8n1_and_the_divisor, setup),
		cmocka_unit_test_setup(test_ns16550_absent_uart_is_noent, setup),
		cmocka_unit_test_setup(test_ns16550_impossible_baud_is_range, setup),
		cmocka_unit_test_setup(test_ns16550_console_sends_cr_before_lf, setup),
		cmocka_unit_test_setup(test_ns16550_stuck_uart_drops_bytes_instead_of_hanging, setup),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
