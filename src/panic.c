// SPDX-License-Identifier: BSD-2-Clause
/*
 * panic_at: the structured crash record.
 *
 *   ======== CAIRN PANIC ========
 *   reason:    <formatted message>
 *   location:  <file>:<line>
 *   init step: <step running, or "none (init complete)">
 *   uptime:    <seconds>
 *   registers:
 *     <arch dump>
 *   recent log (newest last):
 *     <up to CONFIG_PANIC_LOG_LINES lines from the log ring>
 *   ======== END PANIC ========
 *
 * The record is printed with kprintf (straight to the consoles), not through
 * the log, so it is not interleaved with the ring it quotes. A panic while
 * panicking prints one line and stops at once.
 */
#include <stdarg.h>

#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/fmt.h>
#include <kernel/init.h>
#include <kernel/log.h>
#include <kernel/machine.h>

static volatile int panicking;

static void print_log_line(const char *line, size_t len, void *ctx)
{
	(void)ctx;
	kprintf("  %.*s", (int)len, line);
}

noreturn void panic_at(const struct arch_frame *frame, const char *file, int line,
		       const char *fmt, ...)
{
	char reason[LOG_LINE_MAX];
	const char *step = init_current_step();
	uint64_t ns = arch_clock_ns();
	va_list ap;

	(void)arch_irq_save();
	va_start(ap, fmt);
	kvsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);

	if (panicking++) {
		kprintf("\n!! nested panic at %s:%d: %s\n", file, line, reason);
		arch_panic_hook(file, line, reason);
		arch_halt();
	}

	kprintf("\n======== CAIRN PANIC ========\n");
	kprintf("reason:    %s\n", reason);
	kprintf("location:  %s:%d\n", file, line);
	kprintf("init step: %s\n", step ? step : "none (init complete)");
	kprintf("uptime:    %llu.%06llu s\n", (unsigned long long)(ns / 1000000000u),
		(unsigned long long)(ns % 1000000000u / 1000u));
	kprintf("registers:\n");
	arch_frame_dump(frame);
	kprintf("recent log (newest last):\n");
	log_ring_replay(print_log_line, NULL, CONFIG_PANIC_LOG_LINES);
	kprintf("======== END PANIC ========\n");

#if CONFIG_HOSTED
	/* A unit test may catch this panic (the hook longjmps) and go on. */
	panicking = 0;
#endif
	arch_panic_hook(file, line, reason);
	machine_stop(MACHINE_STOP_PANIC, -1);
}
