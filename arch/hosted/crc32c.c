// SPDX-License-Identifier: BSD-2-Clause
/*
 * arch_crc32c_update in the hosted shim: SSE4.2 on x86_64 hosts that have
 * it, nothing elsewhere. hosted_crc32c_insn_enable(false) turns the
 * instruction off so tests can check the portable table path too.
 */
#include <kernel/arch.h>

#include "hosted.h"

#if defined(__x86_64__)
#include <cpuid.h>

#include "../x86_64/crc32c_x86.h"
#endif

static bool insn_enabled = true;

void hosted_crc32c_insn_enable(bool on)
{
	insn_enabled = on;
}

size_t arch_crc32c_update(uint32_t *crc, const void *buf, size_t len)
{
#if defined(__x86_64__)
	static int have_insn; /* 0: not asked yet, 1: yes, -1: no */

	if (!have_insn) {
		unsigned a, b, c, d;

		have_insn = (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_2)) ? 1 : -1;
	}
	if (insn_enabled && have_insn > 0) {
		*crc = crc32c_x86_sse42(*crc, buf, len);
		return len;
	}
#endif
	(void)crc;
	(void)buf;
	(void)len;
	return 0;
}
