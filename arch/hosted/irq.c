// SPDX-License-Identifier: BSD-2-Clause
/*
 * Interrupts in the hosted shim: the CPU's interrupt mask, a fake
 * interrupt controller ("hosted-pic") and the delivery of interrupts at
 * deterministic points.
 *
 * Nothing here is asynchronous: an interrupt is delivered only at a point
 * where the shim has control and interrupts are enabled -
 *   - arch_irq_enable, and arch_irq_restore when it re-enables;
 *   - hosted_irq_raise (a test raises a line) while enabled;
 *   - hosted_cpu_burn (arch/hosted/timer.c: the running thread computes
 *     for some virtual time; the timer fires at its exact instant inside);
 *   - arch_idle_wait, which jumps virtual time to the armed deadline.
 * So a test, given the same steps, sees the same interleaving every time.
 *
 * Delivery is what a CPU does: interrupts off, irq_dispatch(line) (which
 * may switch threads on its way out), interrupts on again. Pending lines
 * are delivered timer first, then by line number; a masked line stays
 * pending until unmasked.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/irq.h>
#include <kernel/timer.h>

#include "hosted.h"

#define WORDS ((IRQ_LINES_MAX + 63) / 64)

static unsigned long irq_disabled;
static uint64_t raised[WORDS];
static uint64_t masked[WORDS];
static uint64_t eois[IRQ_LINES_MAX];
static uint8_t trigger[IRQ_LINES_MAX];
static unsigned nraised; /* lines set in raised[] */
static bool chip_ready;

static bool bit(const uint64_t *w, unsigned line)
{
	return (w[line / 64] >> (line % 64)) & 1;
}

static void set_bit(uint64_t *w, unsigned line, bool on)
{
	if (on)
		w[line / 64] |= 1ull << (line % 64);
	else
		w[line / 64] &= ~(1ull << (line % 64));
}

/* The next deliverable line, or -1. Consumes it (a one-shot edge). */
static int take_pending(void)
{
	if (!bit(masked, HOSTED_IRQ_TIMER) && hosted_timer_take_due())
		return HOSTED_IRQ_TIMER;
	if (!nraised)
		return -1;
	for (unsigned w = 0; w < WORDS; w++) {
		uint64_t ready = raised[w] & ~masked[w];

		if (ready) {
			unsigned line = w * 64 + (unsigned)__builtin_ctzll(ready);

			set_bit(raised, line, false);
			nraised--;
			return (int)line;
		}
	}
	return -1;
}

static void deliver_pending(void)
{
	/* The fast path of every unmask: nothing raised, no deadline reached. */
	if (likely(!nraised && hosted_deadline_ns > hosted_virtual_ns))
		return;
	while (!irq_disabled) {
		int line = take_pending();

		if (line < 0)
			return;
		irq_disabled = 1; /* interrupt entry */
		irq_dispatch((unsigned)line);
		irq_disabled = 0; /* return from interrupt */
	}
}

unsigned long arch_irq_save(void)
{
	unsigned long was = irq_disabled;

	irq_disabled = 1;
	return was;
}

void arch_irq_restore(unsigned long token)
{
	irq_disabled = token;
	if (!token)
		deliver_pending();
}

void arch_irq_enable(void)
{
	irq_disabled = 0;
	deliver_pending();
}

void arch_irq_disable(void)
{
	irq_disabled = 1;
}

bool arch_irq_enabled(void)
{
	return !irq_disabled;
}

void arch_idle_wait(void)
{
	uint64_t deadline = hosted_timer_deadline();
	bool any = false;

	ASSERT_MSG(irq_disabled, "arch_idle_wait with interrupts enabled");
	for (unsigned w = 0; w < WORDS; w++)
		any |= (raised[w] & ~masked[w]) != 0;
	if (!any) {
		if (deadline == TIMER_NEVER)
			PANIC("hosted: idle with no timer armed and no interrupt raised: "
			      "every thread waits for something that cannot happen");
		if (deadline > arch_clock_ns())
			hosted_clock_set(deadline); /* nothing runs until then */
	}
	irq_disabled = 0; /* the wait: interrupts come in here */
	deliver_pending();
	irq_disabled = 1;
}

void hosted_irq_raise(unsigned line)
{
	ASSERT(line < IRQ_LINES_MAX);
	if (!bit(raised, line)) {
		set_bit(raised, line, true);
		nraised++;
	}
	if (!irq_disabled)
		deliver_pending();
}

/* ---- the fake controller ------------------------------------------------ */

static err_t pic_configure(struct irqchip *c, unsigned line, enum irq_trigger t)
{
	(void)c;
	trigger[line] = (uint8_t)t;
	return CAIRN_OK;
}

static void pic_mask(struct irqchip *c, unsigned line)
{
	(void)c;
	set_bit(masked, line, true);
}

static void pic_unmask(struct irqchip *c, unsigned line)
{
	(void)c;
	set_bit(masked, line, false);
}

static void pic_eoi(struct irqchip *c, unsigned line)
{
	(void)c;
	eois[line]++;
}

static struct irqchip hosted_pic = {
	.name = "hosted-pic",
	.configure = pic_configure,
	.mask = pic_mask,
	.unmask = pic_unmask,
	.eoi = pic_eoi,
};

#if CONFIG_SCHED
/* The hosted timer "driver": acknowledge (nothing to do) and run the queue. */
static void timer_line_handler(unsigned line, void *ctx)
{
	(void)line;
	(void)ctx;
	timer_interrupt();
}
#endif

void hosted_irq_setup(void)
{
	if (chip_ready)
		return;
	chip_ready = true;
	for (unsigned w = 0; w < WORDS; w++)
		masked[w] = ~0ull; /* everything masked until attached */
	ASSERT(irq_chip_register(&hosted_pic) == CAIRN_OK);
#if CONFIG_SCHED
	ASSERT(irq_attach(HOSTED_IRQ_TIMER, IRQ_TRIGGER_EDGE, timer_line_handler, NULL,
			  "hosted-timer") == CAIRN_OK);
#endif
}

uint64_t hosted_irq_eoi_count(unsigned line)
{
	return line < IRQ_LINES_MAX ? eois[line] : 0;
}

bool hosted_irq_masked(unsigned line)
{
	return line < IRQ_LINES_MAX && bit(masked, line);
}
