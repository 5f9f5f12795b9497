// SPDX-License-Identifier: BSD-2-Clause
/*
 * arch_crc32c_update on AArch64: the CRC32C instructions (crc32cb/crc32cx,
 * general registers only), present when ID_AA64ISAR0_EL1.CRC32 is non-zero
 * (optional in Armv8.0, mandatory from Armv8.1). The answer is cached.
 */
#include <kernel/arch.h>

#include <arch/aarch64.h>

static int have_insn; /* 0: not asked yet, 1: yes, -1: no */

static uint32_t crc_b(uint32_t c, uint8_t b)
{
	__asm__(".arch_extension crc\n\tcrc32cb %w0, %w0, %w1" : "+r"(c) : "r"(b));
	return c;
}

size_t arch_crc32c_update(uint32_t *crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t c = *crc;
	size_t n = len;

	if (!have_insn)
		have_insn = ((SYSREG_READ(id_aa64isar0_el1) >> 16) & 0xf) ? 1 : -1;
	if (have_insn < 0)
		return 0;
	while (n && ((uintptr_t)p & 7)) {
		c = crc_b(c, *p++);
		n--;
	}
	for (; n >= 8; n -= 8, p += 8) {
		uint64_t w;

		__builtin_memcpy(&w, p, 8);
		__asm__(".arch_extension crc\n\tcrc32cx %w0, %w0, %x1" : "+r"(c) : "r"(w));
	}
	while (n--)
		c = crc_b(c, *p++);
	*crc = c;
	return len;
}
