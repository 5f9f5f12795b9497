// SPDX-License-Identifier: BSD-2-Clause
/*
 * GICv2 (Arm IHI 0048B): a distributor (reg 0 of the node) that routes
 * interrupts to CPUs, and a memory-mapped CPU interface per CPU (reg 1)
 * that acknowledges and completes them.
 *
 * Set-up: distributor off; every SPI disabled, pending and active state
 * cleared, default priority, routed to CPU 0 (ITARGETSR; one CPU for now);
 * distributor on. CPU interface: priority mask 0xf0 (everything above the
 * lowest level a GICv2 must implement), no preemption grouping, on.
 * Interrupts stay in group 0, which a GIC without the security extensions
 * (QEMU virt, and any board running Cairn at non-secure EL1 whose firmware
 * configured it) signals as IRQ. A line is enabled only by irq_attach.
 *
 * Context: probe on the boot CPU at DRIVER_STAGE_NORMAL; the ops with
 * interrupts disabled.
 */
#include "gic.h"

#include <kernel/driver.h>
#include <kernel/log.h>

#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10

struct gicv2 {
	struct irqchip chip;
	struct io_region dist, cpu;
	unsigned lines;
};

static struct gicv2 gic2;

static err_t configure(struct irqchip *chip, unsigned line, enum irq_trigger trigger)
{
	struct gicv2 *g = chip->priv;

	if (line >= g->lines || line < GIC_INTID_PPI_BASE)
		return CAIRN_ERR_RANGE;
	/* PPIs' configuration may be fixed by the hardware; the write is
	 * ignored then, which is what they are wired as anyway. */
	gic_cfg_write(&g->dist, GICD_ICFGR, line, trigger);
	gic_priority_write(&g->dist, GICD_IPRIORITYR, line, GIC_PRIORITY_DEFAULT);
	if (line >= GIC_INTID_SPI_BASE)
		io_write8(&g->dist, GICD_ITARGETSR + line, 0x01);
	return CAIRN_OK;
}

static void mask(struct irqchip *chip, unsigned line)
{
	struct gicv2 *g = chip->priv;

	if (line < g->lines)
		gic_bit_write(&g->dist, GICD_ICENABLER, line);
}

static void unmask(struct irqchip *chip, unsigned line)
{
	struct gicv2 *g = chip->priv;

	if (line < g->lines)
		gic_bit_write(&g->dist, GICD_ISENABLER, line);
}

static void eoi(struct irqchip *chip, unsigned line)
{
	struct gicv2 *g = chip->priv;

	io_write32(&g->cpu, GICC_EOIR, line);
}

static unsigned ack(void)
{
	return io_read32(&gic2.cpu, GICC_IAR) & 0x3ff;
}

static err_t gicv2_probe(struct dev_node *node)
{
	struct gicv2 *g = &gic2;
	err_t err;

	if (g->chip.name)
		return CAIRN_ERR_EXIST; /* one GIC per machine */
	err = dev_node_mmio(node, 0, &g->dist);
	if (!err)
		err = dev_node_mmio(node, 1, &g->cpu);
	if (err)
		return err;
	g->lines = 32 * ((io_read32(&g->dist, GICD_TYPER) & 0x1f) + 1);
	if (g->lines > GIC_INTID_SPECIAL)
		g->lines = GIC_INTID_SPECIAL;

	io_write32(&g->dist, GICD_CTLR, 0);
	for (unsigned i = 0; i < g->lines; i += 32) {
		io_write32(&g->dist, GICD_ICENABLER + i / 8, 0xffffffffu);
		io_write32(&g->dist, GICD_ICPENDR + i / 8, 0xffffffffu);
		io_write32(&g->dist, GICD_ICACTIVER + i / 8, 0xffffffffu);
	}
	gic_byte_fill(&g->dist, GICD_IPRIORITYR, 0, g->lines, GIC_PRIORITY_DEFAULT);
	gic_byte_fill(&g->dist, GICD_ITARGETSR, GIC_INTID_SPI_BASE, g->lines, 0x01);
	io_write32(&g->dist, GICD_CTLR, 1);

	io_write32(&g->cpu, GICC_PMR, 0xf0);
	io_write32(&g->cpu, GICC_BPR, 0);
	io_write32(&g->cpu, GICC_CTLR, 1);

	g->chip = (struct irqchip){
		.name = "gicv2", .configure = configure, .mask = mask, .unmask = unmask,
		.eoi = eoi, .priv = g,
	};
	err = irq_chip_register(&g->chip);
	if (err)
		return err;
	gic_ack_set(ack);
	node->driver_data = g;
	LOG_INFO("gic: GICv2, %u interrupt lines (INTIDs 0-%u)", g->lines, g->lines - 1);
	return CAIRN_OK;
}
DRIVER_REGISTER(gicv2, DRIVER_STAGE_NORMAL, gicv2_probe, "arm,gic-400", "arm,cortex-a15-gic");
