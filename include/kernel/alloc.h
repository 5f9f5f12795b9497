/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * General-purpose kernel allocation (kmalloc family).
 *
 * Callers must handle NULL: allocation fails cleanly, it never spins and
 * never panics on exhaustion. The kernel implementation sits on the slab
 * caches and the buddy allocator (src/mm/); the hosted shim wraps the C
 * library and can fail the Nth allocation on purpose, so tests prove that
 * every caller unwinds without leaking (see arch/hosted/hosted.h).
 *
 * Context: thread context or early boot; not from interrupt handlers.
 */
#ifndef KERNEL_ALLOC_H
#define KERNEL_ALLOC_H

#include <kernel/types.h>

void *kmalloc(size_t size);
/* kzalloc - kmalloc, zero-filled. */
void *kzalloc(size_t size);
/* kcalloc - n * size bytes zero-filled; NULL if the product overflows. */
void *kcalloc(size_t n, size_t size);
/* krealloc - as C's realloc; on failure the old block is untouched. */
void *krealloc(void *p, size_t size);
/* kfree - release a block from the calls above; NULL is ignored. */
void kfree(void *p);

#endif /* KERNEL_ALLOC_H */
