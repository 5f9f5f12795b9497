/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ARM PrimeCell PL011 UART driver: polled transmit, as a kernel console.
 * The UART of QEMU's virt machine and of many boards ("arm,pl011" in a
 * device tree). Found through the device model: the driver registers for
 * "arm,pl011" and binds at DRIVER_STAGE_EARLY, so the console is up right
 * after the tree is read; it never knows an address of its own.
 */
#ifndef DRIVERS_UART_PL011_H
#define DRIVERS_UART_PL011_H

#include <kernel/console.h>
#include <kernel/io.h>

struct pl011 {
	struct io_region regs;
	struct console console;
	uint32_t tx_spin_limit; /* polls of FR.TXFF before a byte is dropped */
	uint64_t dropped;       /* bytes dropped because the UART never drained */
};

/*
 * pl011_init - set 8N1 with FIFOs and enable transmit and receive; when
 * `baud` and `clock_hz` are both non-zero also program the divisor (0:
 * keep the firmware's setting, which U-Boot and QEMU leave usable).
 * Interrupts are masked. CAIRN_ERR_NOENT if the PrimeCell id registers do
 * not say PL011; CAIRN_ERR_RANGE for a divisor out of range. Boot CPU, early.
 */
err_t pl011_init(struct pl011 *u, const struct io_region *regs, uint32_t clock_hz, uint32_t baud,
		 const char *name);

/* pl011_putc - send one byte, waiting (bounded) for FIFO room. Any context. */
void pl011_putc(struct pl011 *u, char c);

#endif /* DRIVERS_UART_PL011_H */
