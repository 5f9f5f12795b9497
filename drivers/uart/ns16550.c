// SPDX-License-Identifier: BSD-2-Clause
/*
 * 16550 UART: polled output for the kernel console (see ns16550.h).
 *
 * Transmit waits for LSR.THRE, but never forever: a UART that stops
 * draining (unplugged, misconfigured) must not hang the kernel, so after
 * tx_spin_limit polls the byte is dropped and counted.
 *
 * Registers are reached through reg_read/reg_write at the access width the
 * board needs (reg-io-width): the PC's COM ports and most 8250 cells take
 * bytes, the DesignWare APB UART wants 32-bit accesses at a 4-byte stride.
 *
 * Binding: one registration for the device-tree names of 16550-compatible
 * cells. probe() maps reg[0] through the device model, reads reg-shift,
 * reg-io-width, reg-offset, clock-frequency and current-speed, checks the
 * registers fit the range, and registers a console when firmware chose this
 * UART (/chosen stdout-path), or when it chose none. Every property is
 * outside input: a bad one is an error return, never an assertion.
 */
#include <kernel/driver.h>

#include "ns16550.h"

enum {
	REG_THR = 0, /* transmit holding (write) */
	REG_IER = 1, /* interrupt enable */
	REG_FCR = 2, /* FIFO control (write) */
	REG_LCR = 3, /* line control */
	REG_MCR = 4, /* modem control */
	REG_LSR = 5, /* line status */
	REG_SCR = 7, /* scratch */
	REG_DLL = 0, /* divisor latch, when LCR.DLAB */
	REG_DLM = 1,
	REG_COUNT = 8,
};

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define TX_SPIN_LIMIT 100000
#define LCR_TRIES 8

static uint8_t reg_read(const struct ns16550 *u, size_t reg)
{
	switch (u->io_width) {
	case 4:
		return (uint8_t)io_read32(&u->regs, reg);
	case 2:
		return (uint8_t)io_read16(&u->regs, reg);
	default:
		return io_read8(&u->regs, reg);
	}
}

static void reg_write(const struct ns16550 *u, size_t reg, uint8_t v)
{
	switch (u->io_width) {
	case 4:
		io_write32(&u->regs, reg, v);
		break;
	case 2:
		io_write16(&u->regs, reg, v);
		break;
	default:
		io_write8(&u->regs, reg, v);
		break;
	}
}

/* LCR, read back: a DesignWare UART drops the write while it is busy. */
static err_t lcr_write(const struct ns16550 *u, uint8_t v)
{
	for (int i = 0; i < LCR_TRIES; i++) {
		reg_write(u, REG_LCR, v);
		if (reg_read(u, REG_LCR) == v)
			return CAIRN_OK;
	}
	return CAIRN_ERR_IO;
}

static void ns16550_console_write(struct console *con, const char *s, size_t len)
{
	struct ns16550 *u = con->priv;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			ns16550_putc(u, '\r');
		ns16550_putc(u, s[i]);
	}
}

void ns16550_putc(struct ns16550 *u, char c)
{
	for (uint32_t i = 0; !(reg_read(u, REG_LSR) & LSR_THRE); i++) {
		if (i == u->tx_spin_limit) {
			u->dropped++;
			return;
		}
	}
	reg_write(u, REG_THR, (uint8_t)c);
}

err_t ns16550_init(struct ns16550 *u, const struct io_region *regs, uint32_t clock_hz,
		   uint32_t baud, const char *name)
{
	return ns16550_init_io(u, regs, 1, clock_hz, baud, name);
}

err_t ns16550_init_io(struct ns16550 *u, const struct io_region *regs, unsigned io_width,
		      uint32_t clock_hz, uint32_t baud, const char *name)
{
	uint32_t div = 0;
	err_t err;

	/* A register wider than the stride would overlap the next one. */
	if ((io_width != 1 && io_width != 2 && io_width != 4) || regs->shift > 12 ||
	    io_width > (1u << regs->shift))
		return CAIRN_ERR_NOTSUP;
	if (regs->size < ((size_t)(REG_COUNT - 1) << regs->shift) + io_width)
		return CAIRN_ERR_RANGE;
	if (baud && clock_hz) {
		div = clock_hz / (16 * baud);
		if (div == 0 || div > 0xffff)
			return CAIRN_ERR_RANGE;
	}
	u->regs = *regs;
	u->io_width = (uint8_t)io_width;
	u->tx_spin_limit = TX_SPIN_LIMIT;
	u->dropped = 0;

	reg_write(u, REG_SCR, 0x5a);
	if (reg_read(u, REG_SCR) != 0x5a)
		return CAIRN_ERR_NOENT;

	/* Let what firmware queued go out before the line is touched. */
	for (uint32_t i = 0; i < u->tx_spin_limit && !(reg_read(u, REG_LSR) & LSR_TEMT); i++)
		;
	reg_write(u, REG_IER, 0);
	if (div) {
		err = lcr_write(u, LCR_DLAB);
		if (err)
			return err;
		reg_write(u, REG_DLL, (uint8_t)div);
		reg_write(u, REG_DLM, (uint8_t)(div >> 8));
	}
	err = lcr_write(u, LCR_8N1);
	if (err)
		return err;
	reg_write(u, REG_FCR, FCR_ENABLE_CLEAR);
	reg_write(u, REG_MCR, MCR_DTR_RTS_OUT2);

	u->console = (struct console){ .name = name, .write = ns16550_console_write, .priv = u };
	return CAIRN_OK;
}

/* ---- binding -------------------------------------------------------------- */

#define NS16550_MAX 8 /* SoCs with many 8250 cells bind them all */

static struct ns16550 uarts[NS16550_MAX];
static size_t nuarts;

/* A one-cell property, or `dflt` when absent; malformed is CORRUPT. */
static err_t prop_u32(const struct dev_node *node, const char *name, uint32_t dflt,
		      uint32_t *out)
{
	err_t err = dev_node_prop_u32(node, name, out);

	if (err == CAIRN_ERR_NOENT) {
		*out = dflt;
		return CAIRN_OK;
	}
	return err;
}

static err_t ns16550_probe(struct dev_node *node)
{
	static const char *const names[NS16550_MAX] = {
		"ns16550.0", "ns16550.1", "ns16550.2", "ns16550.3",
		"ns16550.4", "ns16550.5", "ns16550.6", "ns16550.7",
	};
	uint32_t shift, width, offset, clock_hz, baud;
	struct io_region regs;
	struct ns16550 *u;
	err_t err;

	if (nuarts == NS16550_MAX)
		return CAIRN_ERR_LIMIT;
	err = prop_u32(node, "reg-shift", 0, &shift);
	if (!err)
		err = prop_u32(node, "reg-io-width", 1, &width);
	if (!err)
		err = prop_u32(node, "reg-offset", 0, &offset);
	if (!err)
		err = prop_u32(node, "clock-frequency", 0, &clock_hz);
	if (!err)
		err = prop_u32(node, "current-speed", 0, &baud);
	if (err)
		return err;
	if (shift > 12)
		return CAIRN_ERR_NOTSUP;
	err = dev_node_mmio(node, 0, &regs);
	if (err)
		return err;
	if (offset >= regs.size)
		return CAIRN_ERR_RANGE;
	regs.base += offset;
	regs.size -= offset;
	regs.shift = (uint8_t)shift;

	u = &uarts[nuarts];
	/* Without both a clock and a baud rate, keep the firmware's divisor. */
	err = ns16550_init_io(u, &regs, width, clock_hz, baud, names[nuarts]);
	if (err)
		return err;
	nuarts++;
	node->driver_data = u;
	if (dev_node_is_stdout(node))
		return console_register(&u->console);
	return CAIRN_OK;
}
DRIVER_REGISTER(ns16550, DRIVER_STAGE_EARLY, ns16550_probe, "ns16550a", "ns16550",
		"snps,dw-apb-uart");
