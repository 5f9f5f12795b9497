// SPDX-License-Identifier: BSD-2-Clause
/*
 * The PC's interrupt controller as a struct irqchip (see apic.h): the
 * local APIC for per-CPU sources and EOI, the I/O APICs for GSIs.
 *
 * Every interrupt, whichever input it came from, is acknowledged at the
 * local APIC (one EOI write); for level-triggered GSIs that EOI is
 * broadcast to the I/O APICs, which re-arm the pin. The spurious vector is
 * the one exception: the APIC never set it in service, so it gets no EOI.
 *
 * Context: apic_pc_init on the boot CPU during init; the chip's ops with
 * interrupts disabled (irq.c calls them), never blocking.
 */
#include "apic.h"

#include <kernel/log.h>
#include <kernel/string.h>

int apic_vector_line(unsigned vector)
{
	if (vector >= APIC_VECTOR_GSI_BASE && vector < APIC_VECTOR_GSI_BASE + APIC_GSI_MAX)
		return (int)(vector - APIC_VECTOR_GSI_BASE);
	switch (vector) {
	case APIC_VECTOR_TIMER: return APIC_LINE_TIMER;
	case APIC_VECTOR_ERROR: return APIC_LINE_ERROR;
	case APIC_VECTOR_SPURIOUS: return APIC_LINE_SPURIOUS;
	default: return -1;
	}
}

int apic_line_vector(unsigned line)
{
	if (line < APIC_GSI_MAX)
		return (int)(APIC_VECTOR_GSI_BASE + line);
	switch (line) {
	case APIC_LINE_TIMER: return APIC_VECTOR_TIMER;
	case APIC_LINE_ERROR: return APIC_VECTOR_ERROR;
	case APIC_LINE_SPURIOUS: return APIC_VECTOR_SPURIOUS;
	default: return -1;
	}
}

static struct ioapic *gsi_ioapic(struct apic_pc *pc, unsigned gsi, unsigned *pin)
{
	for (size_t i = 0; i < pc->nioapics; i++) {
		struct ioapic *io = &pc->ioapic[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

static err_t chip_configure(struct irqchip *chip, unsigned line, enum irq_trigger trigger)
{
	struct apic_pc *pc = chip->priv;
	const struct acpi_madt_override *o;
	struct ioapic *io;
	bool level = trigger == IRQ_TRIGGER_LEVEL, low;
	unsigned pin;

	if (line >= IRQ_LINE_LOCAL_BASE)
		return apic_line_vector(line) >= 0 && !level ? CAIRN_OK : CAIRN_ERR_INVAL;
	if (line >= APIC_GSI_MAX)
		return CAIRN_ERR_RANGE;
	io = gsi_ioapic(pc, line, &pin);
	if (!io)
		return CAIRN_ERR_NOENT;
	low = level; /* PCI: level, active low; ISA: edge, active high */
	o = acpi_madt_gsi_override(&pc->madt, line);
	if (o) {
		/* The firmware describes the wiring: its explicit values win. */
		if (o->trigger != ACPI_TRIGGER_CONFORMS)
			level = o->trigger == ACPI_TRIGGER_LEVEL;
		if (o->polarity != ACPI_POLARITY_CONFORMS)
			low = o->polarity == ACPI_POLARITY_LOW;
		else
			low = false;
	}
	ioapic_route(io, pin, (uint8_t)apic_line_vector(line), level, low,
		     (uint8_t)pc->lapic.id, true);
	return CAIRN_OK;
}

static void set_mask(struct apic_pc *pc, unsigned line, bool masked)
{
	struct ioapic *io;
	unsigned pin;

	switch (line) {
	case APIC_LINE_TIMER:
		lapic_timer_mask(&pc->lapic, masked);
		return;
	case APIC_LINE_ERROR:
		lapic_lvt_mask(&pc->lapic, LAPIC_LVT_ERROR, masked);
		return;
	case APIC_LINE_SPURIOUS:
		return; /* cannot be masked */
	default:
		io = line < APIC_GSI_MAX ? gsi_ioapic(pc, line, &pin) : NULL;
		if (io)
			ioapic_mask(io, pin, masked);
		return;
	}
}

static void chip_mask(struct irqchip *chip, unsigned line)
{
	set_mask(chip->priv, line, true);
}

static void chip_unmask(struct irqchip *chip, unsigned line)
{
	set_mask(chip->priv, line, false);
}

static void chip_eoi(struct irqchip *chip, unsigned line)
{
	struct apic_pc *pc = chip->priv;

	if (line != APIC_LINE_SPURIOUS)
		lapic_eoi(&pc->lapic);
}

err_t apic_pc_init(struct apic_pc *pc, const struct acpi_madt *madt,
		   const struct lapic_regs *lregs, const struct io_region *ioregs)
{
	err_t err;

	pc->madt = *madt;
	lapic_init(&pc->lapic, lregs, madt, APIC_VECTOR_SPURIOUS, APIC_VECTOR_ERROR);
	lapic_lvt_mask(&pc->lapic, LAPIC_LVT_ERROR, true); /* until a handler is attached */
	pc->nioapics = 0;
	for (size_t i = 0; i < madt->nioapics; i++) {
		struct ioapic *io = &pc->ioapic[i];

		err = ioapic_init(io, ioregs ? &ioregs[i] : NULL, madt->ioapic[i].gsi_base);
		if (err)
			return err;
		for (size_t j = 0; j < i; j++) {
			const struct ioapic *o = &pc->ioapic[j];

			if (io->gsi_base < o->gsi_base + o->pins && o->gsi_base < io->gsi_base + io->pins) {
				LOG_ERR("apic: I/O APIC GSIs %u-%u overlap another's %u-%u",
					io->gsi_base, io->gsi_base + io->pins - 1, o->gsi_base,
					o->gsi_base + o->pins - 1);
				return CAIRN_ERR_RANGE;
			}
		}
		pc->nioapics++;
	}
	pc->chip = (struct irqchip){
		.name = "apic",
		.configure = chip_configure,
		.mask = chip_mask,
		.unmask = chip_unmask,
		.eoi = chip_eoi,
		.priv = pc,
	};
	return CAIRN_OK;
}

err_t apic_isa_irq_line(const struct apic_pc *pc, unsigned irq, unsigned *line)
{
	enum acpi_polarity pol;
	enum acpi_trigger trig;
	uint32_t gsi;
	err_t err = acpi_madt_isa_irq(&pc->madt, irq, &gsi, &pol, &trig);

	if (err)
		return err;
	if (gsi >= APIC_GSI_MAX)
		return CAIRN_ERR_RANGE;
	*line = gsi;
	return CAIRN_OK;
}
