// SPDX-License-Identifier: BSD-2-Clause
/*
 * arch_crc32c_update on x86_64: SSE4.2's crc32 instruction, which works on
 * general registers only (so it is fine in a -mgeneral-regs-only kernel).
 * CPUID.1:ECX.SSE4_2 says whether it exists; the answer is cached.
 */
#include <kernel/arch.h>
#include <kernel/string.h>

#include <arch/x86.h>

#include "crc32c_x86.h"

#define CPUID1_ECX_SSE42 (1u << 20)

static int have_insn; /* 0: not asked yet, 1: yes, -1: no */

size_t arch_crc32c_update(uint32_t *crc, const void *buf, size_t len)
{
	if (!have_insn) {
		uint32_t r[4];

		cpuid(1, 0, r);
		have_insn = (r[2] & CPUID1_ECX_SSE42) ? 1 : -1;
	}
	if (have_insn < 0)
		return 0;
	*crc = crc32c_x86_sse42(*crc, buf, len);
	return len;
}
