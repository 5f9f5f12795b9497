/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Device interrupts: the portable dispatch layer between an interrupt
 * controller driver (drivers/irqchip/: local APIC + I/O APIC on x86_64,
 * GICv2/GICv3 on AArch64) and the handlers of device drivers.
 *
 * Lines are numbered in one global space per machine: on x86_64 the
 * vector-independent global system interrupt (GSI) for I/O APIC inputs and
 * IRQ_LINE_LOCAL_BASE + n for per-CPU local sources (the timer, spurious);
 * on AArch64 the GIC INTID. The controller driver translates.
 *
 * Handlers never block: acknowledge the device, record, wake a thread,
 * return. irq_dispatch() runs them with interrupts disabled, counts every
 * interrupt per CPU and line, and tells the controller the interrupt is
 * done (EOI) afterwards.
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <kernel/types.h>

#define IRQ_LINES_MAX 1024
#define IRQ_LINE_LOCAL_BASE 1000 /* x86_64 local APIC sources */
#define IRQ_CPUS_MAX 1           /* one CPU for now; counts are per CPU */

enum irq_trigger { IRQ_TRIGGER_EDGE = 1, IRQ_TRIGGER_LEVEL = 2 };

/* What an interrupt controller driver provides. All ops run with
 * interrupts disabled and must not block. */
struct irqchip {
	const char *name;
	err_t (*configure)(struct irqchip *chip, unsigned line, enum irq_trigger trigger);
	void (*mask)(struct irqchip *chip, unsigned line);
	void (*unmask)(struct irqchip *chip, unsigned line);
	void (*eoi)(struct irqchip *chip, unsigned line);
	void *priv;
};

typedef void (*irq_handler_fn)(unsigned line, void *ctx);

/* irq_chip_register - the machine's interrupt controller (one for now).
 * CAIRN_ERR_EXIST if one is already registered. Boot CPU, init. */
err_t irq_chip_register(struct irqchip *chip);

/*
 * irq_attach - run fn(line, ctx) for each interrupt on `line`, configure
 * its trigger and unmask it. CAIRN_ERR_RANGE for a line beyond
 * IRQ_LINES_MAX, CAIRN_ERR_BUSY if the line has a handler, CAIRN_ERR_NOENT
 * without a controller, or the controller's error. Thread context.
 */
err_t irq_attach(unsigned line, enum irq_trigger trigger, irq_handler_fn fn, void *ctx,
		 const char *name);

/* irq_detach - mask `line` and drop its handler. */
err_t irq_detach(unsigned line);

/*
 * irq_dispatch - called by the arch's interrupt entry with interrupts
 * disabled: count, run the handler (a line with none is counted as
 * spurious and masked), EOI. Interrupt context.
 */
void irq_dispatch(unsigned line);

/* irq_count - interrupts seen on `line` by `cpu` since boot. Any context. */
uint64_t irq_count(unsigned cpu, unsigned line);

/* irq_stats_dump - print every line that has seen an interrupt. */
void irq_stats_dump(void);

#endif /* KERNEL_IRQ_H */
