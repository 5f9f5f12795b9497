/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Little-endian field access at any alignment, for parsers of outside
 * structures (multiboot2, PVH, ACPI, device trees' neighbours, on-disk
 * formats). Reads go through memcpy, so neither the buffer's alignment nor
 * the compiler's aliasing rules matter; the compiler turns them into plain
 * loads. Both supported architectures are little-endian, which this header
 * checks at compile time.
 */
#ifndef KERNEL_UNALIGNED_H
#define KERNEL_UNALIGNED_H

#include <kernel/types.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "load_le*/store_le* assume a little-endian CPU");

static inline uint16_t load_le16(const void *p)
{
	uint16_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t load_le32(const void *p)
{
	uint32_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t load_le64(const void *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline void store_le16(void *p, uint16_t v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}

static inline void store_le32(void *p, uint32_t v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}

static inline void store_le64(void *p, uint64_t v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}

#endif /* KERNEL_UNALIGNED_H */
