/* SPDX-License-Identifier: BSD-2-Clause */
/* Time as the application sees it. */
#ifndef CAIRN_TIME_H
#define CAIRN_TIME_H

#include <cairn/types.h>

/* cairn_time_ns - nanoseconds of monotonic time since boot. Never fails. */
uint64_t cairn_time_ns(void);

#endif /* CAIRN_TIME_H */
