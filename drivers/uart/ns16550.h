/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * 16550-compatible UART driver: polled transmit, as a kernel console.
 * Used for the PC's COM ports (port I/O) and for the many boards whose
 * UART is an MMIO 8250/16550 ("ns16550a" in a device tree).
 */
#ifndef DRIVERS_UART_NS16550_H
#define DRIVERS_UART_NS16550_H

#include <kernel/console.h>
#include <kernel/io.h>

struct ns16550 {
	struct io_region regs;
	struct console console;
	uint32_t tx_spin_limit; /* polls of LSR.THRE before a byte is dropped */
	uint64_t dropped;       /* bytes dropped because the UART never drained */
};

/*
 * ns16550_init - program 8N1, FIFOs on, interrupts off and, when `baud` is
 * non-zero, the divisor for `baud` from `clock_hz` (0: keep the firmware's
 * setting). Checks that the scratch register holds a value, to tell a UART
 * from an empty port: CAIRN_ERR_NOENT if none answers. Boot CPU, early.
 */
err_t ns16550_init(struct ns16550 *u, const struct io_region *regs, uint32_t clock_hz,
		   uint32_t baud, const char *name);

/* ns16550_putc - send one byte, waiting (bounded) for room. Any context. */
void ns16550_putc(struct ns16550 *u, char c);

#endif /* DRIVERS_UART_NS16550_H */
