// SPDX-License-Identifier: BSD-2-Clause
/* Port I/O in the hosted shim: a fake port space a test may provide. */
#include <kernel/io.h>

#include "hosted.h"

const struct hosted_pio_ops *hosted_pio;

static uint32_t rd(uint16_t port, unsigned width)
{
	if (hosted_pio && hosted_pio->read)
		return hosted_pio->read(port, width);
	return width == 1 ? 0xff : width == 2 ? 0xffff : 0xffffffffu;
}

static void wr(uint16_t port, uint32_t value, unsigned width)
{
	if (hosted_pio && hosted_pio->write)
		hosted_pio->write(port, value, width);
}

uint8_t arch_pio_read8(uint16_t port) { return (uint8_t)rd(port, 1); }
uint16_t arch_pio_read16(uint16_t port) { return (uint16_t)rd(port, 2); }
uint32_t arch_pio_read32(uint16_t port) { return rd(port, 4); }
void arch_pio_write8(uint16_t port, uint8_t v) { wr(port, v, 1); }
void arch_pio_write16(uint16_t port, uint16_t v) { wr(port, v, 2); }
void arch_pio_write32(uint16_t port, uint32_t v) { wr(port, v, 4); }
