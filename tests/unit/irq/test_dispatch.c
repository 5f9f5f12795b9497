// SPDX-License-Identifier: BSD-2-Clause
/*
 * Portable interrupt dispatch (src/irq.c) on the hosted fake controller:
 * handlers run with interrupts disabled and are counted per CPU and line,
 * every handled interrupt is acknowledged (EOI), a line nobody attached is
 * spurious (counted, masked so it cannot storm), interrupts raised while
 * masked wait for the mask to drop, and the statistics print.
 */
#include <string.h>

#include "cairn_test.h"

#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/irq.h>

uint64_t irq_spurious_count(unsigned cpu, unsigned line);

static unsigned seen_line, seen_calls;
static void *seen_ctx;
static bool seen_irqs_off;

static void handler(unsigned line, void *ctx)
{
	seen_line = line;
	seen_ctx = ctx;
	seen_calls++;
	seen_irqs_off = !arch_irq_enabled();
}

static void test_irq_attach_needs_a_controller_first(void **state)
{
	(void)state;
	assert_int_equal(irq_attach(5, IRQ_TRIGGER_EDGE, handler, NULL, "early"), CAIRN_ERR_NOENT);
	hosted_irq_setup();
	assert_int_equal(irq_chip_register(NULL), CAIRN_ERR_INVAL);
}

static void test_irq_dispatch_runs_the_handler_with_interrupts_off_counts_and_eois(void **state)
{
	int ctx;
	uint64_t eoi = hosted_irq_eoi_count(33);

	(void)state;
	assert_int_equal(irq_attach(33, IRQ_TRIGGER_LEVEL, handler, &ctx, "dev33"), CAIRN_OK);
	assert_false(hosted_irq_masked(33));
	seen_calls = 0;
	hosted_irq_raise(33);
	hosted_irq_raise(33);
	assert_int_equal(seen_calls, 2);
	assert_int_equal(seen_line, 33);
	assert_ptr_equal(seen_ctx, &ctx);
	assert_true(seen_irqs_off);
	assert_true(arch_irq_enabled()); /* and back on afterwards */
	assert_int_equal(irq_count(0, 33), 2);
	assert_int_equal(hosted_irq_eoi_count(33), eoi + 2);
	assert_int_equal(irq_count(1, 33), 0);   /* no such CPU */
	assert_int_equal(irq_count(0, 5000), 0); /* no such line */
	assert_int_equal(irq_detach(33), CAIRN_OK);
	assert_true(hosted_irq_masked(33));
	assert_int_equal(irq_detach(33), CAIRN_ERR_NOENT);
}

static void test_irq_attach_refuses_busy_out_of_range_and_malformed_requests(void **state)
{
	(void)state;
	assert_int_equal(irq_attach(IRQ_LINES_MAX, IRQ_TRIGGER_EDGE, handler, NULL, "x"),
			 CAIRN_ERR_RANGE);
	assert_int_equal(irq_attach(7, IRQ_TRIGGER_EDGE, NULL, NULL, "x"), CAIRN_ERR_INVAL);
	assert_int_equal(irq_attach(7, (enum irq_trigger)9, handler, NULL, "x"), CAIRN_ERR_INVAL);
	assert_int_equal(irq_attach(7, IRQ_TRIGGER_EDGE, handler, NULL, "x"), CAIRN_OK);
	assert_int_equal(irq_attach(7, IRQ_TRIGGER_EDGE, handler, NULL, "y"), CAIRN_ERR_BUSY);
	assert_int_equal(irq_detach(IRQ_LINES_MAX), CAIRN_ERR_RANGE);
	assert_int_equal(irq_detach(7), CAIRN_OK);
}

static void test_irq_without_a_handler_is_spurious_counted_and_masked(void **state)
{
	unsigned long tok;

	(void)state;
	/* The fake controller lets a test deliver on an unattached line by
	 * calling the dispatcher as the arch entry would. */
	tok = arch_irq_save();
	irq_dispatch(77);
	irq_dispatch(77);
	irq_dispatch(IRQ_LINES_MAX + 5); /* a confused controller */
	arch_irq_restore(tok);
	assert_int_equal(irq_count(0, 77), 2);
	assert_int_equal(irq_spurious_count(0, 77), 2);
	assert_true(hosted_irq_masked(77));
	assert_int_equal(irq_spurious_count(0, IRQ_LINES_MAX), 1);
	/* Attaching later clears the spurious mask. */
	assert_int_equal(irq_attach(77, IRQ_TRIGGER_EDGE, handler, NULL, "late"), CAIRN_OK);
	assert_false(hosted_irq_masked(77));
	assert_int_equal(irq_detach(77), CAIRN_OK);
}

static void test_an_interrupt_raised_while_masked_arrives_when_interrupts_are_enabled(void **state)
{
	(void)state;
	assert_int_equal(irq_attach(40, IRQ_TRIGGER_EDGE, handler, NULL, "later"), CAIRN_OK);
	seen_calls = 0;
	arch_irq_disable();
	hosted_irq_raise(40);
	assert_int_equal(seen_calls, 0);
	arch_irq_enable();
	assert_int_equal(seen_calls, 1);
	/* The same through save/restore, nested. */
	unsigned long outer = arch_irq_save();
	unsigned long inner = arch_irq_save();

	hosted_irq_raise(40);
	arch_irq_restore(inner);
	assert_int_equal(seen_calls, 1); /* still disabled: the outer section */
	arch_irq_restore(outer);
	assert_int_equal(seen_calls, 2);
	assert_int_equal(irq_detach(40), CAIRN_OK);
}

static char out[8192];
static size_t out_len;

static bool capturing;

static void capture(const char *s, size_t len)
{
	if (len > sizeof(out) - 1 - out_len)
		len = sizeof(out) - 1 - out_len;
	memcpy(out + out_len, s, len);
	out_len += len;
	out[out_len] = '\0';
}

static void console_out(struct console *con, const char *s, size_t len)
{
	(void)con;
	if (capturing)
		capture(s, len);
}

static struct console test_console = { .name = "irq-test", .write = console_out };

static void test_irq_stats_dump_prints_each_line_with_its_name_and_counts(void **state)
{
	(void)state;
	assert_int_equal(irq_attach(12, IRQ_TRIGGER_EDGE, handler, NULL, "uart0"), CAIRN_OK);
	for (int i = 0; i < 3; i++)
		hosted_irq_raise(12);
	out_len = 0;
	capturing = true;
	irq_stats_dump();
	capturing = false;
	assert_non_null(strstr(out, "irq: controller hosted-pic"));
	assert_non_null(strstr(out, "cpu0 line   12 uart0"));
	assert_non_null(strstr(out, "           3"));
	assert_non_null(strstr(out, "line   77 (no handler)"));
	assert_non_null(strstr(out, "spurious 2"));
	assert_non_null(strstr(out, "out-of-range lines: 1"));
	assert_int_equal(irq_detach(12), CAIRN_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_irq_attach_needs_a_controller_first),
		cmocka_unit_test(test_irq_dispatch_runs_the_handler_with_interrupts_off_counts_and_eois),
		cmocka_unit_test(test_irq_attach_refuses_busy_out_of_range_and_malformed_requests),
		cmocka_unit_test(test_irq_without_a_handler_is_spurious_counted_and_masked),
		cmocka_unit_test(
			test_an_interrupt_raised_while_masked_arrives_when_interrupts_are_enabled),
		cmocka_unit_test(test_irq_stats_dump_prints_each_line_with_its_name_and_counts),
	};

	cairn_test_setup();
	(void)console_register(&test_console);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
