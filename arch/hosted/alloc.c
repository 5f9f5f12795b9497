// SPDX-License-Identifier: BSD-2-Clause
/*
 * kmalloc in the hosted shim: the C library's allocator (so ASan sees every
 * block) with fault injection: hosted_alloc_fail_after(n) makes the
 * (n+1)-th allocation from now fail, which lets a test walk every failure
 * point of a scenario.
 */
#include <stdlib.h>
#include <string.h>

#include <kernel/alloc.h>

#include "hosted.h"

static int64_t fail_countdown = -1; /* -1: no injected failure armed */
static uint64_t allocations, injected_failures;

void hosted_alloc_fail_after(int64_t n)
{
	fail_countdown = n;
}

uint64_t hosted_alloc_count(void)
{
	return allocations;
}

uint64_t hosted_alloc_injected_failures(void)
{
	return injected_failures;
}

static bool inject(void)
{
	allocations++;
	if (fail_countdown < 0)
		return false;
	if (fail_countdown-- == 0) {
		injected_failures++;
		return true;
	}
	return false;
}

void *kmalloc(size_t size)
{
	return inject() ? NULL : malloc(size ? size : 1);
}

void *kzalloc(size_t size)
{
	return inject() ? NULL : calloc(1, size ? size : 1);
}

void *kcalloc(size_t n, size_t size)
{
	size_t total;

	if (mul_overflows(n, size, &total))
		return NULL;
	return kzalloc(total);
}

void *krealloc(void *p, size_t size)
{
	return inject() ? NULL : realloc(p, size ? size : 1);
}

void kfree(void *p)
{
	free(p);
}
