// SPDX-License-Identifier: BSD-2-Clause
/* cairn_time_ns (include/cairn/time.h): the kernel's monotonic clock. */
#include <cairn/time.h>
#include <kernel/arch.h>

uint64_t cairn_time_ns(void)
{
	return arch_clock_ns();
}
