// SPDX-License-Identifier: BSD-2-Clause
/*
 * The I/O APIC (see ioapic.h). A redirection entry is written high half
 * first while the low half still holds the mask bit, then the low half,
 * so a pin is never live with a half-written destination.
 *
 * Context: boot CPU during init; ioapic_mask and ioapic_route with
 * interrupts disabled (the irqchip ops).
 */
#include "ioapic.h"

#include <kernel/log.h>

#define IOREGSEL 0x00
#define IOWIN 0x10

static uint32_t mmio_read(struct ioapic *io, unsigned index)
{
	io_write32(&io->regs, IOREGSEL, index);
	return io_read32(&io->regs, IOWIN);
}

static void mmio_write(struct ioapic *io, unsigned index, uint32_t v)
{
	io_write32(&io->regs, IOREGSEL, index);
	io_write32(&io->regs, IOWIN, v);
}

err_t ioapic_init(struct ioapic *io, const struct io_region *regs, uint32_t gsi_base)
{
	uint32_t ver;

	if (regs)
		io->regs = *regs;
	if (!io->read || !io->write) {
		io->read = mmio_read;
		io->write = mmio_write;
	}
	io->gsi_base = gsi_base;
	io->id = (uint8_t)((io->read(io, IOAPIC_REG_ID) >> 24) & 0xf);
	ver = io->read(io, IOAPIC_REG_VERSION);
	io->version = (uint8_t)ver;
	io->pins = ((ver >> 16) & 0xff) + 1;
	if (ver == 0xffffffffu || io->pins > IOAPIC_MAX_PINS)
		return CORRUPT("ioapic: version register %#x at GSI base %u: no I/O APIC there",
			       ver, gsi_base);
	for (unsigned pin = 0; pin < io->pins; pin++)
		ioapic_route(io, pin, 0, false, false, 0, true);
	return CAIRN_OK;
}

static void write_entry(struct ioapic *io, unsigned pin, uint64_t e)
{
	io->write(io, IOAPIC_REG_REDIR + 2 * pin, (uint32_t)e | (uint32_t)IOAPIC_MASKED);
	io->write(io, IOAPIC_REG_REDIR + 2 * pin + 1, (uint32_t)(e >> 32));
	io->write(io, IOAPIC_REG_REDIR + 2 * pin, (uint32_t)e);
}

uint64_t ioapic_entry(struct ioapic *io, unsigned pin)
{
	return io->read(io, IOAPIC_REG_REDIR + 2 * pin) |
	       (uint64_t)io->read(io, IOAPIC_REG_REDIR + 2 * pin + 1) << 32;
}

void ioapic_route(struct ioapic *io, unsigned pin, uint8_t vector, bool level,
		  bool active_low, uint8_t dest, bool masked)
{
	uint64_t e = vector | (level ? IOAPIC_LEVEL : 0) | (active_low ? IOAPIC_ACTIVE_LOW : 0) |
		     (masked ? IOAPIC_MASKED : 0) | (uint64_t)dest << IOAPIC_DEST_SHIFT;

	DEBUG_ASSERT(pin < io->pins);
	write_entry(io, pin, e);
}

void ioapic_mask(struct ioapic *io, unsigned pin, bool masked)
{
	uint32_t lo;

	DEBUG_ASSERT(pin < io->pins);
	lo = io->read(io, IOAPIC_REG_REDIR + 2 * pin);
	lo = masked ? (lo | (uint32_t)IOAPIC_MASKED) : (lo & ~(uint32_t)IOAPIC_MASKED);
	io->write(io, IOAPIC_REG_REDIR + 2 * pin, lo);
}
