// SPDX-License-Identifier: BSD-2-Clause
/*
 * PL011 UART: polled output for the kernel console (see pl011.h).
 *
 * Like the 16550 driver, transmit waits for FIFO room (FR.TXFF clear) but
 * never forever: after tx_spin_limit polls the byte is dropped and counted.
 * A console write reads FR once per TX_BATCH bytes while the FIFO drains
 * as fast as it is filled (always, under QEMU), once per byte otherwise.
 *
 * Binding: one registration for "arm,pl011". probe() maps reg[0] through
 * the device model, checks the PrimeCell identification (so a wrong reg
 * or a different cell is refused instead of scribbled on) and registers a
 * console when firmware chose this UART (/chosen stdout-path), or when it
 * chose none. A board needs nothing but its DTB for this to work.
 */
#include <kernel/driver.h>
#include <kernel/log.h>

#include "pl011.h"

enum {
	REG_DR = 0x00,     /* data */
	REG_FR = 0x18,     /* flags */
	REG_IBRD = 0x24,   /* integer baud divisor */
	REG_FBRD = 0x28,   /* fractional baud divisor */
	REG_LCR_H = 0x2c,  /* line control */
	REG_CR = 0x30,     /* control */
	REG_IMSC = 0x38,   /* interrupt mask set/clear */
	REG_ICR = 0x44,    /* interrupt clear */
	REG_PERIPHID0 = 0xfe0,
	REG_PERIPHID1 = 0xfe4,
	REG_PERIPHID2 = 0xfe8,
	REG_SIZE = 0x1000,
};

#define FR_BUSY (1u << 3)
#define FR_TXFF (1u << 5)
#define FR_TXFE (1u << 7)
#define LCR_H_FEN (1u << 4)
#define LCR_H_WLEN8 (3u << 5)
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)

#define TX_SPIN_LIMIT 100000

/*
 * Bytes written after one look at an empty FIFO (FR.TXFE, FIFOs on): half
 * the smallest PL011 transmit FIFO (16 entries up to r1p4, 32 from r1p5),
 * so two writers that saw the same empty FIFO at once (the console has no
 * lock; a panic may interleave) still cannot overflow it. Every FR read
 * is a bus access, and under QEMU an exit from the translated code: one
 * per 8 bytes instead of one per byte.
 */
#define TX_BATCH 8

/*
 * How many bytes may be written before FR must be read again: TX_BATCH
 * when the FIFO is empty, 1 when it only has room, 0 when it stayed full
 * for tx_spin_limit reads (the caller drops the byte and counts it).
 */
static uint32_t tx_room(struct pl011 *u)
{
	for (uint32_t i = 0;; i++) {
		uint32_t fr = io_read32(&u->regs, REG_FR);

		if (fr & FR_TXFE)
			return TX_BATCH;
		if (!(fr & FR_TXFF))
			return 1;
		if (i == u->tx_spin_limit)
			return 0;
	}
}

static void put(struct pl011 *u, char c, uint32_t *room)
{
	if (*room == 0)
		*room = tx_room(u);
	if (*room == 0) {
		u->dropped++;
		return;
	}
	io_write32(&u->regs, REG_DR, (uint8_t)c);
	(*room)--;
}

static void pl011_console_write(struct console *con, const char *s, size_t len)
{
	struct pl011 *u = con->priv;
	uint32_t room = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			put(u, '\r', &room);
		put(u, s[i], &room);
	}
}

void pl011_putc(struct pl011 *u, char c)
{
	uint32_t room = 0;

	put(u, c, &room);
}

err_t pl011_init(struct pl011 *u, const struct io_region *regs, uint32_t clock_hz, uint32_t baud,
		 const char *name)
{
	uint32_t id0, id1, id2;

	if (regs->size < REG_SIZE)
		return CAIRN_ERR_RANGE;
	u->regs = *regs;
	u->tx_spin_limit = TX_SPIN_LIMIT;
	u->dropped = 0;

	/* PrimeCell peripheral id: part 0x011, designer ARM (0x41). */
	id0 = io_read32(&u->regs, REG_PERIPHID0) & 0xff;
	id1 = io_read32(&u->regs, REG_PERIPHID1) & 0xff;
	id2 = io_read32(&u->regs, REG_PERIPHID2) & 0xff;
	if (id0 != 0x11 || (id1 & 0x0f) != 0x0 || ((id1 >> 4) | ((id2 & 0x0f) << 4)) != 0x41)
		return CAIRN_ERR_NOENT;

	if (baud && clock_hz) {
		/* divisor = clock / (16 * baud), in 1/64ths for FBRD, rounded. */
		uint64_t div64 = ((uint64_t)clock_hz * 4 + baud / 2) / baud;

		if (div64 < 64 || div64 >= (uint64_t)0xffff << 6)
			return CAIRN_ERR_RANGE;
		/* The line must be idle and the UART off while it changes. */
		for (uint32_t i = 0; i < u->tx_spin_limit &&
				     (io_read32(&u->regs, REG_FR) & FR_BUSY); i++)
			;
		io_write32(&u->regs, REG_CR, 0);
		io_write32(&u->regs, REG_IBRD, (uint32_t)(div64 >> 6));
		io_write32(&u->regs, REG_FBRD, (uint32_t)(div64 & 63));
	}
	io_write32(&u->regs, REG_IMSC, 0);
	io_write32(&u->regs, REG_ICR, 0x7ff);
	io_write32(&u->regs, REG_LCR_H, LCR_H_WLEN8 | LCR_H_FEN);
	io_write32(&u->regs, REG_CR, CR_UARTEN | CR_TXE | CR_RXE);

	u->console = (struct console){ .name = name, .write = pl011_console_write, .priv = u };
	return CAIRN_OK;
}

/* ---- binding -------------------------------------------------------------- */

#define PL011_MAX 4

static struct pl011 uarts[PL011_MAX];
static size_t nuarts;

static err_t pl011_probe(struct dev_node *node)
{
	static const char *const names[PL011_MAX] = { "pl011.0", "pl011.1", "pl011.2", "pl011.3" };
	struct io_region regs;
	struct pl011 *u;
	err_t err;

	if (nuarts == PL011_MAX)
		return CAIRN_ERR_LIMIT;
	err = dev_node_mmio(node, 0, &regs);
	if (err)
		return err;
	u = &uarts[nuarts];
	/* Keep the firmware's baud rate: no clock lookup is needed. */
	err = pl011_init(u, &regs, 0, 0, names[nuarts]);
	if (err)
		return err;
	nuarts++;
	node->driver_data = u;
	if (dev_node_is_stdout(node))
		return console_register(&u->console);
	return CAIRN_OK;
}
DRIVER_REGISTER(pl011, DRIVER_STAGE_EARLY, pl011_probe, "arm,pl011");
