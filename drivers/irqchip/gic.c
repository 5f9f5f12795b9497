// SPDX-License-Identifier: BSD-2-Clause
/*
 * What GICv2 and GICv3 share (see gic.h): reading device-tree interrupt
 * specifiers, the acknowledge hook of the arch's IRQ entry, and the
 * distributor's banked bit and field registers.
 */
#include "gic.h"

#include <kernel/assert.h>

static unsigned (*ack_fn)(void);

err_t gic_dt_intid(const struct dev_irq *irq, unsigned *intid, enum irq_trigger *trigger)
{
	uint32_t type, num, flags;

	if (irq->ncells < 3)
		return CAIRN_ERR_INVAL;
	type = irq->cells[0];
	num = irq->cells[1];
	flags = irq->cells[2] & 0xf;
	if (type == 0 && num < GIC_INTID_SPECIAL - GIC_INTID_SPI_BASE)
		*intid = GIC_INTID_SPI_BASE + num;
	else if (type == 1 && num < 16)
		*intid = GIC_INTID_PPI_BASE + num;
	else
		return CAIRN_ERR_INVAL;
	if (flags == 1)
		*trigger = IRQ_TRIGGER_EDGE;
	else if (flags == 4 || flags == 0) /* 0: "as the hardware is" (level) */
		*trigger = IRQ_TRIGGER_LEVEL;
	else
		return CAIRN_ERR_INVAL;
	return CAIRN_OK;
}

void gic_ack_set(unsigned (*ack)(void))
{
	ack_fn = ack;
}

unsigned gic_ack(void)
{
	return ack_fn ? ack_fn() : GIC_INTID_SPURIOUS;
}

void gic_bit_write(const struct io_region *r, size_t bank, unsigned intid)
{
	io_write32(r, bank + 4 * (intid / 32), 1u << (intid % 32));
}

void gic_cfg_write(const struct io_region *r, size_t icfgr, unsigned intid, enum irq_trigger t)
{
	size_t reg = icfgr + 4 * (intid / 16);
	unsigned shift = 2 * (intid % 16) + 1; /* bit 1 of the field: edge */
	uint32_t v = io_read32(r, reg);

	v = t == IRQ_TRIGGER_EDGE ? (v | (1u << shift)) : (v & ~(1u << shift));
	io_write32(r, reg, v);
}

void gic_byte_fill(const struct io_region *r, size_t bank, unsigned first, unsigned end,
		   uint8_t value)
{
	uint32_t word = 0x01010101u * value;

	DEBUG_ASSERT(first % 4 == 0 && end % 4 == 0);
	for (unsigned i = first; i < end; i += 4)
		io_write32(r, bank + i, word);
}

void gic_priority_write(const struct io_region *r, size_t ipriorityr, unsigned intid, uint8_t prio)
{
	io_write8(r, ipriorityr + intid, prio);
}
