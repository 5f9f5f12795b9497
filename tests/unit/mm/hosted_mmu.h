/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hosted shim's simulated MMU (arch/hosted/mmu.c), as tests see it:
 * counts of the arch-contract MMU calls and the addresses last flushed.
 * (These belong in arch/hosted/hosted.h; they live here until the lead
 * moves them.)
 */
#ifndef TESTS_UNIT_MM_HOSTED_MMU_H
#define TESTS_UNIT_MM_HOSTED_MMU_H

#include <kernel/types.h>

struct hosted_mmu_counts {
	uint64_t activates, syncs, flush_pages, flush_alls;
};

void hosted_mmu_counts(struct hosted_mmu_counts *out);
/* The newest `max` (at most 64) addresses given to arch_tlb_flush_page,
 * oldest first; returns how many. */
size_t hosted_mmu_flushed(vaddr_t *out, size_t max);
/* Forget the active table and zero the counts. */
void hosted_mmu_reset(void);

#endif
