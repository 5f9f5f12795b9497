// SPDX-License-Identifier: BSD-2-Clause
/*
 * 16550 UART: polled output for the kernel console (see ns16550.h).
 *
 * Transmit waits for LSR.THRE, but never forever: a UART that stops
 * draining (unplugged, misconfigured) must not hang the kernel, so after
 * tx_spin_limit polls the byte is dropped and counted.
 */
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
};

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_THRE 0x20

#define TX_SPIN_LIMIT 100000

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
	for (uint32_t i = 0; !(io_read8(&u->regs, REG_LSR) & LSR_THRE); i++) {
		if (i == u->tx_spin_limit) {
			u->dropped++;
			return;
		}
	}
	io_write8(&u->regs, REG_THR, (uint8_t)c);
}

err_t ns16550_init(struct ns16550 *u, const struct io_region *regs, uint32_t clock_hz,
		   uint32_t baud, const char *name)
{
	u->regs = *regs;
	u->tx_spin_limit = TX_SPIN_LIMIT;
	u->dropped = 0;

	io_write8(&u->regs, REG_SCR, 0x5a);
	if (io_read8(&u->regs, REG_SCR) != 0x5a)
		return CAIRN_ERR_NOENT;

	io_write8(&u->regs, REG_IER, 0);
	if (baud && clock_hz) {
		uint32_t div = clock_hz / (16 * baud);

		if (div == 0 || div > 0xffff)
			return CAIRN_ERR_RANGE;
		io_write8(&u->regs, REG_LCR, LCR_DLAB);
		io_write8(&u->regs, REG_DLL, (uint8_t)div);
		io_write8(&u->regs, REG_DLM, (uint8_t)(div >> 8));
	}
	io_write8(&u->regs, REG_LCR, LCR_8N1);
	io_write8(&u->regs, REG_FCR, FCR_ENABLE_CLEAR);
	io_write8(&u->regs, REG_MCR, MCR_DTR_RTS_OUT2);

	u->console = (struct console){ .name = name, .write = ns16550_console_write, .priv = u };
	return CAIRN_OK;
}
