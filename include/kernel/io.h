/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Device register access through bounded regions.
 *
 * A driver never dereferences a device address it made up: it is handed an
 * io_region (from the device model, or from a platform table for legacy PC
 * devices) and reads and writes registers by offset. Every access is checked
 * against the region's size (DEBUG_ASSERT: an out-of-range offset is a driver
 * bug, not outside input). Regions live in one of two spaces:
 *
 *   IO_SPACE_MMIO  memory-mapped; base is a virtual address
 *   IO_SPACE_PORT  x86 port I/O; base is a port number (other arches have
 *                  none, and arch_pio_* there are never called)
 *
 * MMIO accessors are volatile accesses of the exact width with a compiler
 * barrier; ordering against DMA is the driver's business (barriers come
 * with the DMA buffer objects).
 */
#ifndef KERNEL_IO_H
#define KERNEL_IO_H

#include <kernel/assert.h>
#include <kernel/types.h>

enum io_space { IO_SPACE_MMIO = 1, IO_SPACE_PORT = 2 };

struct io_region {
	uint8_t space;    /* enum io_space */
	uint8_t shift;    /* register stride: offset << shift (e.g. 2 for 32-bit spaced UARTs) */
	uintptr_t base;
	size_t size;
};

/* Port I/O, from the arch contract. x86_64 only; any context. */
uint8_t arch_pio_read8(uint16_t port);
void arch_pio_write8(uint16_t port, uint8_t value);
uint16_t arch_pio_read16(uint16_t port);
void arch_pio_write16(uint16_t port, uint16_t value);
uint32_t arch_pio_read32(uint16_t port);
void arch_pio_write32(uint16_t port, uint32_t value);

static inline uintptr_t io_addr(const struct io_region *r, size_t reg, size_t width)
{
	size_t off = reg << r->shift;

	DEBUG_ASSERT(off + width <= r->size);
	return r->base + off;
}

static inline uint8_t io_read8(const struct io_region *r, size_t reg)
{
	uintptr_t a = io_addr(r, reg, 1);

	if (r->space == IO_SPACE_PORT)
		return arch_pio_read8((uint16_t)a);
	return *(volatile uint8_t *)a;
}

static inline void io_write8(const struct io_region *r, size_t reg, uint8_t v)
{
	uintptr_t a = io_addr(r, reg, 1);

	if (r->space == IO_SPACE_PORT)
		arch_pio_write8((uint16_t)a, v);
	else
		*(volatile uint8_t *)a = v;
}

static inline uint16_t io_read16(const struct io_region *r, size_t reg)
{
	uintptr_t a = io_addr(r, reg, 2);

	if (r->space == IO_SPACE_PORT)
		return arch_pio_read16((uint16_t)a);
	return *(volatile uint16_t *)a;
}

static inline void io_write16(const struct io_region *r, size_t reg, uint16_t v)
{
	uintptr_t a = io_addr(r, reg, 2);

	if (r->space == IO_SPACE_PORT)
		arch_pio_write16((uint16_t)a, v);
	else
		*(volatile uint16_t *)a = v;
}

static inline uint32_t io_read32(const struct io_region *r, size_t reg)
{
	uintptr_t a = io_addr(r, reg, 4);

	if (r->space == IO_SPACE_PORT)
		return arch_pio_read32((uint16_t)a);
	return *(volatile uint32_t *)a;
}

static inline void io_write32(const struct io_region *r, size_t reg, uint32_t v)
{
	uintptr_t a = io_addr(r, reg, 4);

	if (r->space == IO_SPACE_PORT)
		arch_pio_write32((uint16_t)a, v);
	else
		*(volatile uint32_t *)a = v;
}

#endif /* KERNEL_IO_H */
