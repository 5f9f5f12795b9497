/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An I/O APIC (Intel 82093AA datasheet; every PC chipset since): a set of
 * interrupt inputs ("pins"), each with a 64-bit redirection entry saying
 * which vector to raise on which CPU, with which polarity and trigger, and
 * whether the pin is masked. Pin p of the I/O APIC whose MADT entry says
 * GSI base b is global system interrupt b + p.
 *
 * Registers are indirect: write a register index to IOREGSEL (offset 0),
 * then read or write it through IOWIN (offset 0x10). The two accessors are
 * replaceable so the hosted tests can put a fake chip behind them.
 */
#ifndef DRIVERS_IRQCHIP_IOAPIC_H
#define DRIVERS_IRQCHIP_IOAPIC_H

#include <kernel/io.h>
#include <kernel/types.h>

#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VERSION 0x01
#define IOAPIC_REG_REDIR 0x10 /* entry n: 0x10 + 2n (low), 0x11 + 2n (high) */

#define IOAPIC_MASKED (1ull << 16)
#define IOAPIC_LEVEL (1ull << 15)
#define IOAPIC_ACTIVE_LOW (1ull << 13)
#define IOAPIC_DEST_SHIFT 56

#define IOAPIC_MAX_PINS 240

struct ioapic {
	struct io_region regs;
	uint32_t (*read)(struct ioapic *io, unsigned index);
	void (*write)(struct ioapic *io, unsigned index, uint32_t value);
	void *test_ctx;        /* for a fake's accessors */
	uint8_t id;
	uint8_t version;
	uint32_t gsi_base;
	unsigned pins;
};

/*
 * ioapic_init - read the chip's id and version (the pin count is the
 * version register's bits 23:16, plus one) and mask every pin. If
 * io->read/write are NULL the MMIO accessors on `regs` are used.
 * CAIRN_ERR_CORRUPT if the pin count is absurd (above 240, or the
 * registers read as all ones: nothing there). Boot CPU, interrupts off.
 */
err_t ioapic_init(struct ioapic *io, const struct io_region *regs, uint32_t gsi_base);

/* ioapic_route - program pin `pin`: vector, trigger, polarity, the
 * destination APIC id (physical mode, fixed delivery), masked or not. */
void ioapic_route(struct ioapic *io, unsigned pin, uint8_t vector, bool level,
		  bool active_low, uint8_t dest, bool masked);

/* ioapic_mask - set or clear the mask bit of `pin`, keeping the rest. */
void ioapic_mask(struct ioapic *io, unsigned pin, bool masked);

/* ioapic_entry - the redirection entry of `pin` (for dumps and tests). */
uint64_t ioapic_entry(struct ioapic *io, unsigned pin);

#endif /* DRIVERS_IRQCHIP_IOAPIC_H */
