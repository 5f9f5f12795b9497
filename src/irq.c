// SPDX-License-Identifier: BSD-2-Clause
/*
 * Portable interrupt dispatch (include/kernel/irq.h): the table of line
 * handlers, per-CPU counts, spurious interrupts and the scheduler's
 * interrupt exit.
 *
 * irq_dispatch(line), with interrupts disabled, from the arch's entry:
 *
 *   count (cpu, line) -> trace IRQ -> handler?  yes: run it
 *                                               no:  spurious: count, mask
 *   -> EOI -> scheduler's interrupt exit (may switch threads: P1 of
 *      include/kernel/sched.h; the interrupted thread resumes from there)
 *
 * The EOI comes before the switch so the controller is never left
 * waiting while another thread runs. A line beyond IRQ_LINES_MAX (a
 * confused controller) is counted as spurious on no line and gets no EOI
 * (there is nothing valid to acknowledge).
 *
 * Handlers never block: they acknowledge their device, record, wake a
 * thread (waitq_wake_locked) and return; wait_locked asserts that no
 * interrupt handler waits.
 *
 * Lock: the interrupt mask. attach/detach save and restore it around the
 * table update, so a handler is never seen half-installed.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/fmt.h>
#include <kernel/irq.h>
#include <kernel/log.h>
#if CONFIG_SCHED
#include <kernel/sched.h>
#include <kernel/trace.h>
#endif

#define IRQ_NAME_MAX 24

struct irq_line {
	irq_handler_fn fn;
	void *ctx;
	const char *name;
	bool masked_spurious; /* masked because it fired without a handler */
};

static struct irqchip *chip;
static struct irq_line lines[IRQ_LINES_MAX];
static uint64_t counts[IRQ_CPUS_MAX][IRQ_LINES_MAX];
static uint64_t spurious[IRQ_CPUS_MAX][IRQ_LINES_MAX];
static uint64_t out_of_range[IRQ_CPUS_MAX];

static unsigned this_cpu(void)
{
	return 0; /* one CPU (IRQ_CPUS_MAX) */
}

err_t irq_chip_register(struct irqchip *c)
{
	if (!c || !c->eoi || !c->mask || !c->unmask)
		return CAIRN_ERR_INVAL;
	if (chip)
		return CAIRN_ERR_EXIST;
	chip = c;
	LOG_INFO("irq: controller %s", c->name ? c->name : "?");
	return CAIRN_OK;
}

err_t irq_attach(unsigned line, enum irq_trigger trigger, irq_handler_fn fn, void *ctx,
		 const char *name)
{
	unsigned long tok;
	err_t err;

	if (line >= IRQ_LINES_MAX)
		return CAIRN_ERR_RANGE;
	if (!fn || (trigger != IRQ_TRIGGER_EDGE && trigger != IRQ_TRIGGER_LEVEL))
		return CAIRN_ERR_INVAL;
	if (!chip)
		return CAIRN_ERR_NOENT;
	if (lines[line].fn)
		return CAIRN_ERR_BUSY;
	if (chip->configure) {
		err = chip->configure(chip, line, trigger);
		if (err)
			return err;
	}
	tok = arch_irq_save();
	lines[line] = (struct irq_line){ .fn = fn, .ctx = ctx, .name = name };
	chip->unmask(chip, line);
	arch_irq_restore(tok);
	LOG_DEBUG("irq: line %u (%s) attached, %s-triggered", line, name ? name : "?",
		  trigger == IRQ_TRIGGER_EDGE ? "edge" : "level");
	return CAIRN_OK;
}

err_t irq_detach(unsigned line)
{
	unsigned long tok;

	if (line >= IRQ_LINES_MAX)
		return CAIRN_ERR_RANGE;
	if (!chip)
		return CAIRN_ERR_NOENT;
	if (!lines[line].fn)
		return CAIRN_ERR_NOENT;
	tok = arch_irq_save();
	chip->mask(chip, line);
	lines[line] = (struct irq_line){ 0 };
	arch_irq_restore(tok);
	return CAIRN_OK;
}

void irq_dispatch(unsigned line)
{
	unsigned cpu = this_cpu();
	struct irq_line *l;

	DEBUG_ASSERT(!arch_irq_enabled());
#if CONFIG_SCHED
	sched_irq_enter();
#endif
	if (line >= IRQ_LINES_MAX) {
		out_of_range[cpu]++;
		goto out;
	}
	counts[cpu][line]++;
#if CONFIG_SCHED
	trace_record(TRACE_IRQ, line, cpu, 0);
#endif
	l = &lines[line];
	if (l->fn) {
		l->fn(line, l->ctx);
	} else {
		/* Nobody asked for it: mask it so it cannot storm. */
		spurious[cpu][line]++;
		if (chip && !l->masked_spurious) {
			chip->mask(chip, line);
			l->masked_spurious = true;
		}
	}
	if (chip)
		chip->eoi(chip, line);
out:
#if CONFIG_SCHED
	sched_irq_exit(); /* P1: may switch threads */
#endif
	return;
}

uint64_t irq_count(unsigned cpu, unsigned line)
{
	if (cpu >= IRQ_CPUS_MAX || line >= IRQ_LINES_MAX)
		return 0;
	return counts[cpu][line];
}

/* irq_spurious_count - interrupts on `line` that had no handler; line
 * IRQ_LINES_MAX or above: those the controller named out of range. */
uint64_t irq_spurious_count(unsigned cpu, unsigned line);

uint64_t irq_spurious_count(unsigned cpu, unsigned line)
{
	if (cpu >= IRQ_CPUS_MAX)
		return 0;
	return line >= IRQ_LINES_MAX ? out_of_range[cpu] : spurious[cpu][line];
}

void irq_stats_dump(void)
{
	kprintf("irq: controller %s\n", chip && chip->name ? chip->name : "(none)");
	for (unsigned cpu = 0; cpu < IRQ_CPUS_MAX; cpu++) {
		uint64_t total = 0;

		for (unsigned line = 0; line < IRQ_LINES_MAX; line++) {
			if (!counts[cpu][line])
				continue;
			total += counts[cpu][line];
			kprintf("  cpu%u line %4u %-24s %12llu", cpu, line,
				lines[line].name ? lines[line].name :
				lines[line].fn ? "?" : "(no handler)",
				(unsigned long long)counts[cpu][line]);
			if (spurious[cpu][line])
				kprintf("  spurious %llu%s",
					(unsigned long long)spurious[cpu][line],
					lines[line].masked_spurious ? " (masked)" : "");
			kprintf("\n");
		}
		if (out_of_range[cpu])
			kprintf("  cpu%u out-of-range lines: %llu\n", cpu,
				(unsigned long long)out_of_range[cpu]);
		kprintf("  cpu%u total %llu\n", cpu, (unsigned long long)total);
	}
}
