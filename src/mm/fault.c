// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fault injection for the memory allocators (SQLite style): a test arms a
 * site with mm_fault_fail_after(site, n); the (n+1)-th call at that site
 * fails with CAIRN_ERR_NOMEM, and the test checks that every caller
 * unwinds cleanly and leaks nothing. Walking n = 0, 1, 2, ... until a run
 * completes without an injected failure covers every allocation a scenario
 * makes. Compiled to nothing unless CONFIG_MM_FAULT_INJECT.
 */
#include <kernel/mm/phys.h>

#if CONFIG_MM_FAULT_INJECT
static int64_t countdown[MM_FAULT_SITES] = { -1, -1 };
static uint64_t calls[MM_FAULT_SITES];
unsigned mm_fault_armed;

void mm_fault_fail_after(enum mm_fault_site site, int64_t n)
{
	if ((unsigned)site >= MM_FAULT_SITES)
		return;
	countdown[site] = n;
	calls[site] = 0;
	if (n >= 0)
		mm_fault_armed |= 1u << site;
	else
		mm_fault_armed &= ~(1u << site);
}

uint64_t mm_fault_count(enum mm_fault_site site)
{
	return (unsigned)site < MM_FAULT_SITES ? calls[site] : 0;
}

bool mm_fault_should_fail(enum mm_fault_site site)
{
	calls[site]++;
	if (countdown[site] < 0)
		return false;
	if (countdown[site]-- == 0) {
		mm_fault_armed &= ~(1u << site);
		return true;
	}
	return false;
}
#else
void mm_fault_fail_after(enum mm_fault_site site, int64_t n)
{
	(void)site;
	(void)n;
}

uint64_t mm_fault_count(enum mm_fault_site site)
{
	(void)site;
	return 0;
}

bool mm_fault_should_fail(enum mm_fault_site site)
{
	(void)site;
	return false;
}
#endif
