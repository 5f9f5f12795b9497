// SPDX-License-Identifier: BSD-2-Clause
/*
 * GICv3 (Arm IHI 0069): the distributor (reg 0) handles SPIs, which it
 * routes by affinity (IROUTER); each CPU has a redistributor (in the
 * region of reg 1, 128 KiB per CPU, 256 KiB with virtual LPIs) holding
 * its SGIs and PPIs in the frame at +64 KiB; the CPU interface is system
 * registers (the arch's gicv3_icc_* functions).
 *
 * Set-up: distributor off (wait for RWP), affinity routing and group 1
 * on, every SPI in group 1 (non-secure), disabled, default priority,
 * routed to this CPU; this CPU's redistributor (found by matching its
 * affinity in GICR_TYPER) is woken (WAKER.ProcessorSleep 0, wait for
 * ChildrenAsleep 0), its SGIs/PPIs in group 1, disabled, default
 * priority; then the CPU interface: system register access, priority mask
 * 0xff, group 1 on. In EOImode 0 one write of ICC_EOIR1_EL1 drops the
 * priority and deactivates.
 *
 * Context: probe on the boot CPU at DRIVER_STAGE_NORMAL; the ops with
 * interrupts disabled.
 */
#include "gic.h"

#include <kernel/arch.h>
#include <kernel/driver.h>
#include <kernel/log.h>

#define GICD_CTLR_RWP (1u << 31)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_GRP1 (1u << 1)   /* EnableGrp1 (DS=1) / EnableGrp1A (NS view) */
#define GICD_CTLR_GRP0 (1u << 0)

#define GICR_CTLR 0x0000
#define GICR_CTLR_RWP (1u << 3)
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_ASLEEP (1u << 2)
#define GICR_TYPER_VLPIS (1u << 1)
#define GICR_TYPER_LAST (1u << 4)
#define GICR_SGI 0x10000           /* the SGI/PPI frame */
#define GICR_FRAME 0x20000

#define SPIN_LIMIT 10000000u

struct gicv3 {
	struct irqchip chip;
	struct io_region dist, rdist_all;
	struct io_region sgi;      /* this CPU's SGI/PPI frame */
	unsigned lines;
};

static struct gicv3 gic3;

static err_t wait_clear(const struct io_region *r, size_t reg, uint32_t bits, const char *what)
{
	for (uint32_t i = 0; i < SPIN_LIMIT; i++) {
		if (!(io_read32(r, reg) & bits))
			return CAIRN_OK;
		arch_cpu_relax();
	}
	LOG_ERR("gic: %s did not complete", what);
	return CAIRN_ERR_TIMEOUT;
}

static err_t configure(struct irqchip *chip, unsigned line, enum irq_trigger trigger)
{
	struct gicv3 *g = chip->priv;
	uint64_t aff;

	if (line >= g->lines || line < GIC_INTID_PPI_BASE)
		return CAIRN_ERR_RANGE;
	if (line < GIC_INTID_SPI_BASE) {
		gic_cfg_write(&g->sgi, GICD_ICFGR, line, trigger);
		gic_priority_write(&g->sgi, GICD_IPRIORITYR, line, GIC_PRIORITY_DEFAULT);
		return CAIRN_OK;
	}
	gic_cfg_write(&g->dist, GICD_ICFGR, line, trigger);
	gic_priority_write(&g->dist, GICD_IPRIORITYR, line, GIC_PRIORITY_DEFAULT);
	aff = gicv3_cpu_affinity();
	/* IROUTER: Aff0-2 in bits 23:0, Aff3 in 39:32 (GICR_TYPER holds them
	 * as Aff3.Aff2.Aff1.Aff0 in one word). */
	io_write32(&g->dist, GICD_IROUTER + 8 * line, (uint32_t)(aff & 0xffffff));
	io_write32(&g->dist, GICD_IROUTER + 8 * line + 4, (uint32_t)(aff >> 24));
	return CAIRN_OK;
}

static const struct io_region *bank_of(struct gicv3 *g, unsigned line)
{
	return line < GIC_INTID_SPI_BASE ? &g->sgi : &g->dist;
}

static void mask(struct irqchip *chip, unsigned line)
{
	struct gicv3 *g = chip->priv;

	if (line < g->lines)
		gic_bit_write(bank_of(g, line), GICD_ICENABLER, line);
}

static void unmask(struct irqchip *chip, unsigned line)
{
	struct gicv3 *g = chip->priv;

	if (line < g->lines)
		gic_bit_write(bank_of(g, line), GICD_ISENABLER, line);
}

static void eoi(struct irqchip *chip, unsigned line)
{
	(void)chip;
	gicv3_icc_eoi(line);
}

static unsigned ack(void)
{
	return gicv3_icc_ack() & 0xffffff;
}

/* Find this CPU's redistributor: the frame whose GICR_TYPER affinity is ours. */
static err_t find_rdist(struct gicv3 *g, struct io_region *rd)
{
	uint64_t me = gicv3_cpu_affinity();
	size_t off = 0;

	while (off + GICR_FRAME <= g->rdist_all.size) {
		struct io_region r = g->rdist_all;
		uint32_t lo, hi;

		r.base += off;
		r.size = g->rdist_all.size - off;
		lo = io_read32(&r, GICR_TYPER);
		hi = io_read32(&r, GICR_TYPER + 4);
		if (hi == me) {
			*rd = r;
			rd->size = (lo & GICR_TYPER_VLPIS) ? 2 * GICR_FRAME : GICR_FRAME;
			return CAIRN_OK;
		}
		if (lo & GICR_TYPER_LAST)
			break;
		off += (lo & GICR_TYPER_VLPIS) ? 2 * GICR_FRAME : GICR_FRAME;
	}
	LOG_ERR("gic: no redistributor for affinity %#llx", (unsigned long long)me);
	return CAIRN_ERR_NOENT;
}

static err_t gicv3_probe(struct dev_node *node)
{
	struct gicv3 *g = &gic3;
	struct io_region rd;
	err_t err;

	if (g->chip.name)
		return CAIRN_ERR_EXIST;
	err = dev_node_mmio(node, 0, &g->dist);
	if (!err)
		err = dev_node_mmio(node, 1, &g->rdist_all);
	if (err)
		return err;
	g->lines = 32 * ((io_read32(&g->dist, GICD_TYPER) & 0x1f) + 1);
	if (g->lines > GIC_INTID_SPECIAL)
		g->lines = GIC_INTID_SPECIAL;

	/* Distributor. */
	io_write32(&g->dist, GICD_CTLR, 0);
	err = wait_clear(&g->dist, GICD_CTLR, GICD_CTLR_RWP, "distributor disable");
	if (err)
		return err;
	for (unsigned i = GIC_INTID_SPI_BASE; i < g->lines; i += 32) {
		io_write32(&g->dist, GICD_ICENABLER + i / 8, 0xffffffffu);
		io_write32(&g->dist, GICD_ICPENDR + i / 8, 0xffffffffu);
		io_write32(&g->dist, GICD_ICACTIVER + i / 8, 0xffffffffu);
		io_write32(&g->dist, GICD_IGROUPR + i / 8, 0xffffffffu);
	}
	gic_byte_fill(&g->dist, GICD_IPRIORITYR, GIC_INTID_SPI_BASE, g->lines,
		      GIC_PRIORITY_DEFAULT);
	io_write32(&g->dist, GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1 | GICD_CTLR_GRP0);
	err = wait_clear(&g->dist, GICD_CTLR, GICD_CTLR_RWP, "distributor enable");
	if (err)
		return err;

	/* This CPU's redistributor. */
	err = find_rdist(g, &rd);
	if (err)
		return err;
	io_write32(&rd, GICR_WAKER, io_read32(&rd, GICR_WAKER) & ~GICR_WAKER_SLEEP);
	err = wait_clear(&rd, GICR_WAKER, GICR_WAKER_ASLEEP, "redistributor wake-up");
	if (err)
		return err;
	g->sgi = rd;
	g->sgi.base += GICR_SGI;
	g->sgi.size = GICR_SGI;
	io_write32(&g->sgi, GICD_ICENABLER, 0xffffffffu);
	io_write32(&g->sgi, GICD_ICPENDR, 0xffffffffu);
	io_write32(&g->sgi, GICD_ICACTIVER, 0xffffffffu);
	io_write32(&g->sgi, GICD_IGROUPR, 0xffffffffu);
	gic_byte_fill(&g->sgi, GICD_IPRIORITYR, 0, GIC_INTID_SPI_BASE, GIC_PRIORITY_DEFAULT);
	err = wait_clear(&rd, GICR_CTLR, GICR_CTLR_RWP, "redistributor update");
	if (err)
		return err;

	gicv3_icc_init();

	g->chip = (struct irqchip){
		.name = "gicv3", .configure = configure, .mask = mask, .unmask = unmask,
		.eoi = eoi, .priv = g,
	};
	err = irq_chip_register(&g->chip);
	if (err)
		return err;
	gic_ack_set(ack);
	node->driver_data = g;
	LOG_INFO("gic: GICv3, %u interrupt lines, redistributor for affinity %#llx",
		 g->lines, (unsigned long long)gicv3_cpu_affinity());
	return CAIRN_OK;
}
DRIVER_REGISTER(gicv3, DRIVER_STAGE_NORMAL, gicv3_probe, "arm,gic-v3");
