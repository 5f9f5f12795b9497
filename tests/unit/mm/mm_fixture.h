/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared set-up for the memory suites: fake physical memory backed by a
 * host allocation (so AddressSanitizer sees every access), the direct-map
 * offset pointed at it, and a capture of console output so that a test can
 * check the text of a panic report.
 *
 * Only [MM_FIX_PA, MM_FIX_PA + backed) is backed by host memory; ranges
 * beyond it may be given to a buddy allocator as long as the test never
 * touches their contents (the allocator itself never does: its metadata
 * lives in the backed part).
 */
#ifndef TESTS_UNIT_MM_FIXTURE_H
#define TESTS_UNIT_MM_FIXTURE_H

#include <kernel/mm/phys.h>

#define MM_FIX_PA 0x200000ull /* 2 MiB: keeps slabs naturally aligned */

/* mm_fix_back - back [MM_FIX_PA, MM_FIX_PA + bytes) with zeroed host memory
 * aligned to 2 MiB and point the direct map at it. */
void *mm_fix_back(size_t bytes);
void mm_fix_release(void);

/* Console capture: everything printed since mm_fix_capture_start(). */
void mm_fix_capture_start(void);
const char *mm_fix_captured(void);
void mm_fix_capture_stop(void);

/* A buddy over one backed range of `bytes` at MM_FIX_PA. */
void mm_fix_buddy(struct buddy *b, size_t bytes);

#endif
