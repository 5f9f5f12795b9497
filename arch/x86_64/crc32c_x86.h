/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SSE4.2 crc32 loop, shared by the x86_64 kernel and the hosted shim on
 * x86_64 hosts (both include it into their arch_crc32c_update). The caller
 * decides whether the CPU has the instruction.
 */
#ifndef ARCH_X86_64_CRC32C_X86_H
#define ARCH_X86_64_CRC32C_X86_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t crc32c_x86_sse42(uint32_t crc, const uint8_t *p, size_t len)
{
	uint64_t c = crc;

	while (len && ((uintptr_t)p & 7)) {
		uint32_t c32 = (uint32_t)c;

		__asm__("crc32b %1, %0" : "+r"(c32) : "rm"(*p));
		c = c32;
		p++;
		len--;
	}
	while (len >= 8) {
		uint64_t w;

		__builtin_memcpy(&w, p, 8);
		__asm__("crc32q %1, %0" : "+r"(c) : "rm"(w));
		p += 8;
		len -= 8;
	}
	while (len--) {
		uint32_t c32 = (uint32_t)c;

		__asm__("crc32b %1, %0" : "+r"(c32) : "rm"(*p));
		c = c32;
		p++;
	}
	return (uint32_t)c;
}

#endif /* ARCH_X86_64_CRC32C_X86_H */
