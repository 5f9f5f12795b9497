/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every
 * metadata block of the Cairn filesystem and of its journal.
 *
 * The running form lets a caller checksum a structure in pieces:
 *
 *     uint32_t c = crc32c_update(CRC32C_INIT, a, na);
 *     c = crc32c_update(c, b, nb);
 *     uint32_t crc = crc32c_final(c);
 *
 * crc32c(seed, buf, len) is the one-shot form; with seed 0 it yields the
 * standard CRC-32C value ("123456789" -> 0xE3069283). A seed other than 0
 * chains a previous result, so crc32c(crc32c(0, a), b) == crc32c(0, a || b).
 *
 * The x86_64 crc32 instruction when the CPU has it, else portable
 * slicing-by-8 tables. Context: any; no allocation, no locks.
 */
#ifndef KERNEL_CRC32C_H
#define KERNEL_CRC32C_H

#include <kernel/types.h>

#define CRC32C_INIT 0xFFFFFFFFu

/* crc32c_update - feed `len` bytes into a running (pre-inverted) value. */
uint32_t crc32c_update(uint32_t running, const void *buf, size_t len);

static inline uint32_t crc32c_final(uint32_t running)
{
	return running ^ 0xFFFFFFFFu;
}

/* crc32c - the CRC32C of `buf` continued from `seed` (0 for a fresh one). */
static inline uint32_t crc32c(uint32_t seed, const void *buf, size_t len)
{
	return crc32c_final(crc32c_update(seed ^ 0xFFFFFFFFu, buf, len));
}

#endif /* KERNEL_CRC32C_H */
