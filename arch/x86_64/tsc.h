/* SPDX-License-Identifier: BSD-2-Clause */
/* The TSC clock: calibration result and cycle-to-nanosecond scaling. */
#ifndef ARCH_X86_64_TSC_H
#define ARCH_X86_64_TSC_H

#include <kernel/types.h>

struct tsc_clock {
	uint64_t hz;     /* calibrated frequency; 0 before calibration */
	uint64_t mult;   /* ns = cycles * mult >> 32 */
	uint64_t origin; /* TSC value that arch_clock_ns() calls 0 */
	uint64_t entry;  /* TSC at the kernel's first instruction */
};

extern struct tsc_clock tsc_clock;

static inline uint64_t tsc_to_ns(uint64_t cycles)
{
	return (uint64_t)(((unsigned __int128)cycles * tsc_clock.mult) >> 32);
}

#endif /* ARCH_X86_64_TSC_H */
