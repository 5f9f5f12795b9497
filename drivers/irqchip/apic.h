/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The interrupt controller of a PC: the boot CPU's local APIC plus every
 * I/O APIC the MADT lists, presented to the kernel as one struct irqchip.
 *
 * Lines (include/kernel/irq.h): a GSI g (an I/O APIC input) is line g;
 * local APIC sources are IRQ_LINE_LOCAL_BASE + n (APIC_LINE_*). Vectors
 * are fixed, so the interrupt entry can turn a vector back into a line
 * without a table walk:
 *
 *   vectors  0-31    CPU exceptions
 *   vectors 32-47    the 8259 PICs, remapped there and masked (a spurious
 *                    IRQ 7/15 from them lands here, never on an exception)
 *   vectors 48-223   GSI 0-175                      (APIC_VECTOR_GSI_BASE + g)
 *   vector  240      local APIC timer               (APIC_LINE_TIMER)
 *   vector  254      local APIC error               (APIC_LINE_ERROR)
 *   vector  255      local APIC spurious            (APIC_LINE_SPURIOUS; no EOI)
 *
 * Priority follows the vector's upper nibble, so the timer outranks every
 * device. Polarity of a GSI: an interrupt source override naming it gives
 * it (ISA's active high where it says "conforms"); otherwise edge lines
 * are active high (ISA) and level lines active low (PCI).
 */
#ifndef DRIVERS_IRQCHIP_APIC_H
#define DRIVERS_IRQCHIP_APIC_H

#include "../acpi/acpi.h"
#include <kernel/irq.h>

#include "ioapic.h"
#include "lapic.h"

#define APIC_VECTOR_PIC_BASE 0x20
#define APIC_VECTOR_GSI_BASE 0x30
#define APIC_GSI_MAX 176 /* GSIs 0..175 have vectors */
#define APIC_VECTOR_TIMER 0xf0
#define APIC_VECTOR_ERROR 0xfe
#define APIC_VECTOR_SPURIOUS 0xff

#define APIC_LINE_TIMER (IRQ_LINE_LOCAL_BASE + 0)
#define APIC_LINE_ERROR (IRQ_LINE_LOCAL_BASE + 1)
#define APIC_LINE_SPURIOUS (IRQ_LINE_LOCAL_BASE + 2)

struct apic_pc {
	struct irqchip chip;
	struct lapic lapic;
	struct ioapic ioapic[ACPI_MADT_MAX_IOAPICS];
	size_t nioapics;
	struct acpi_madt madt;
};

/*
 * apic_pc_init - set up the local APIC through `lregs` and each I/O APIC
 * of `madt` through `ioregs[i]` (mapped by the caller; with a NULL entry,
 * pc->ioapic[i]'s accessors must already be set: tests), every pin masked.
 * Fills pc->chip (name "apic"). Does not register it.
 * Errors: those of ioapic_init; CAIRN_ERR_RANGE if an I/O APIC's GSIs
 * overlap another's. Boot CPU, interrupts off.
 */
err_t apic_pc_init(struct apic_pc *pc, const struct acpi_madt *madt,
		   const struct lapic_regs *lregs, const struct io_region *ioregs);

/* apic_vector_line - the line of `vector`, or -1 if none (exceptions, the
 * PIC range, unused vectors). Any context. */
int apic_vector_line(unsigned vector);

/* apic_line_vector - the vector of `line`, or -1 if it has none. */
int apic_line_vector(unsigned line);

/* apic_isa_irq_line - the line ISA IRQ `irq` arrives on (through the MADT's
 * overrides). CAIRN_ERR_RANGE for irq above 15 or a GSI without vector. */
err_t apic_isa_irq_line(const struct apic_pc *pc, unsigned irq, unsigned *line);

#endif /* DRIVERS_IRQCHIP_APIC_H */
