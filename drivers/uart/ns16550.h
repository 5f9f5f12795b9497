/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * 16550-compatible UART driver: polled transmit, as a kernel console.
 * Used for the PC's COM ports (port I/O) and for the many boards whose
 * UART is an MMIO 8250/16550: a device-tree node compatible with
 * "ns16550a", "ns16550" or "snps,dw-apb-uart" binds through the driver
 * table (DRIVER_STAGE_EARLY, like the PL011) and becomes the console when
 * /chosen stdout-path names it. Its properties:
 *   reg             the register block (reg[0])
 *   reg-shift       register n lies at byte offset n << reg-shift (default 0)
 *   reg-io-width    access width in bytes, 1, 2 or 4 (default 1); the
 *                   DesignWare APB UART usually needs 4 with reg-shift 2
 *   reg-offset      bytes from the start of reg[0] to register 0 (default 0)
 *   clock-frequency the input clock in Hz; with current-speed (the baud
 *                   rate) the divisor is programmed, otherwise the
 *                   firmware's line settings are kept
 */
#ifndef DRIVERS_UART_NS16550_H
#define DRIVERS_UART_NS16550_H

#include <kernel/console.h>
#include <kernel/io.h>

struct ns16550 {
	struct io_region regs;  /* register n at offset n << regs.shift */
	struct console console;
	uint8_t io_width;       /* bytes per register access: 1, 2 or 4 */
	uint32_t tx_spin_limit; /* polls of LSR.THRE before a byte is dropped */
	uint64_t dropped;       /* bytes dropped because the UART never drained */
};

/*
 * ns16550_init - ns16550_init_io() with byte-wide registers (the PC's COM
 * ports and most 8250 cells).
 */
err_t ns16550_init(struct ns16550 *u, const struct io_region *regs, uint32_t clock_hz,
		   uint32_t baud, const char *name);

/*
 * ns16550_init_io - program 8N1, FIFOs on, interrupts off and, when `baud`
 * and `clock_hz` are both non-zero, the divisor for `baud` from `clock_hz`
 * (otherwise keep the firmware's setting). Registers are `io_width` bytes
 * wide (1, 2 or 4) at a stride of 1 << regs->shift bytes; the region must
 * hold all eight of them. Waits (bounded) for the transmitter to empty
 * first, so that the firmware's last bytes are not cut off and a
 * DesignWare UART is not busy when its line control changes (that cell
 * ignores LCR writes while busy: the write is checked and retried).
 * Checks that the scratch register holds a value, to tell a UART from an
 * empty port. Errors: CAIRN_ERR_NOENT (no UART answers), CAIRN_ERR_RANGE
 * (divisor out of range; registers beyond the region), CAIRN_ERR_NOTSUP
 * (an io_width other than 1, 2 or 4, or wider than the stride), CAIRN_ERR_IO
 * (the line control register does not take the setting). Boot CPU, early.
 */
err_t ns16550_init_io(struct ns16550 *u, const struct io_region *regs, unsigned io_width,
		      uint32_t clock_hz, uint32_t baud, const char *name);

/* ns16550_putc - send one byte, waiting (bounded) for room. Any context. */
void ns16550_putc(struct ns16550 *u, char c);

#endif /* DRIVERS_UART_NS16550_H */
