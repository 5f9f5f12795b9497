/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Arm Generic Interrupt Controller, versions 2 and 3: what the two
 * drivers (gicv2.c, gicv3.c) share, and what the arch's IRQ entry asks.
 *
 * Lines are GIC INTIDs: 0-15 SGIs, 16-31 PPIs (per CPU: the timers),
 * 32-1019 SPIs (devices); 1020-1023 are special (1023: spurious, nothing
 * pending). A device tree names an interrupt of a GIC with three cells
 * (<type number flags>): type 0 is SPI `number` (INTID 32 + number), type
 * 1 is PPI `number` (INTID 16 + number); flags bits 3:0 are the trigger
 * (1 rising edge, 4 high level; the GIC cannot invert, so 2 and 8 are
 * refused).
 *
 * The drivers bind through the device model by compatible ("arm,gic-400",
 * "arm,cortex-a15-gic" for GICv2; "arm,gic-v3"), register their struct
 * irqchip and install their acknowledge function for gic_ack().
 *
 * GICv3's CPU interface is a set of system registers, which only the arch
 * may touch: arch/aarch64/irq.c provides the gicv3_icc_* functions.
 */
#ifndef DRIVERS_IRQCHIP_GIC_H
#define DRIVERS_IRQCHIP_GIC_H

#include <kernel/dev.h>
#include <kernel/irq.h>

#define GIC_INTID_PPI_BASE 16
#define GIC_INTID_SPI_BASE 32
#define GIC_INTID_SPECIAL 1020 /* 1020-1023: nothing to handle */
#define GIC_INTID_SPURIOUS 1023

/* Distributor registers common to both versions. */
#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ICPENDR 0x280
#define GICD_ICACTIVER 0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_IROUTER 0x6000

#define GIC_PRIORITY_DEFAULT 0xa0

/*
 * gic_dt_intid - the INTID and trigger of a device-tree interrupt
 * specifier of a GIC. CAIRN_ERR_INVAL for fewer than 3 cells, an unknown
 * type, a number out of range or an inverted trigger. Any context.
 */
err_t gic_dt_intid(const struct dev_irq *irq, unsigned *intid, enum irq_trigger *trigger);

/*
 * gic_ack - acknowledge the highest-priority pending interrupt and return
 * its INTID (GIC_INTID_SPECIAL or above: none). Called by the arch's IRQ
 * entry. Interrupts disabled.
 */
unsigned gic_ack(void);

/* gic_ack_set - for the drivers: install the acknowledge function. */
void gic_ack_set(unsigned (*ack)(void));

/* The GICv3 CPU interface, provided by the arch (arch/aarch64/irq.c). */
void gicv3_icc_init(void);          /* SRE, PMR 0xff, BPR1 0, group 1 on */
uint32_t gicv3_icc_ack(void);       /* ICC_IAR1_EL1 */
void gicv3_icc_eoi(uint32_t intid); /* ICC_EOIR1_EL1 */
uint64_t gicv3_cpu_affinity(void);  /* MPIDR_EL1's Aff3.Aff2.Aff1.Aff0 as
                                       GICR_TYPER's bits 63:32 hold them */

/* Shared distributor helpers: set or clear bit `intid` of a bank of
 * one-bit-per-interrupt registers, and the 2-bit ICFGR field. */
void gic_bit_write(const struct io_region *r, size_t bank, unsigned intid);
void gic_cfg_write(const struct io_region *r, size_t icfgr, unsigned intid, enum irq_trigger t);
void gic_priority_write(const struct io_region *r, size_t ipriorityr, unsigned intid, uint8_t prio);

/*
 * gic_byte_fill - set the byte fields of INTIDs [first, end) of a bank of
 * one-byte-per-interrupt registers (IPRIORITYR, ITARGETSR) to `value`,
 * four at a time: both are word-accessible (IHI 0048B 4.3.11, 4.3.12; IHI
 * 0069 12.9.22), and one 32-bit write is a quarter of the bus accesses
 * (and of the exits under QEMU) of four byte writes. `first` and `end`
 * must be multiples of 4 (lines come in 32s).
 */
void gic_byte_fill(const struct io_region *r, size_t bank, unsigned first, unsigned end,
		   uint8_t value);

#endif /* DRIVERS_IRQCHIP_GIC_H */
