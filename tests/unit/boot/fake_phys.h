/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fake physical memory for parser tests: a set of chunks, each placed at a
 * physical address and backed by its own heap block of *exactly* its size,
 * so that a parser reading one byte past what the window handed out is
 * caught by AddressSanitizer in the hosted-san build.
 *
 * The window's map(pa, len) returns a pointer only if [pa, pa + len) lies
 * wholly inside one chunk and does not wrap; otherwise NULL, as the kernel's
 * direct map does for memory it does not cover. Used by the boot and ACPI
 * suites and by the fuzzers.
 */
#ifndef TESTS_UNIT_BOOT_FAKE_PHYS_H
#define TESTS_UNIT_BOOT_FAKE_PHYS_H

#include <kernel/boot_info.h>

#define FAKE_PHYS_MAX_CHUNKS 32

struct fake_phys_chunk {
	paddr_t pa;
	size_t size;
	uint8_t *mem;
};

struct fake_phys {
	struct fake_phys_chunk chunks[FAKE_PHYS_MAX_CHUNKS];
	size_t n;
	unsigned long maps;       /* map() calls */
	unsigned long refusals;   /* map() calls that returned NULL */
};

/* fake_phys_init - an empty memory with no chunks. */
void fake_phys_init(struct fake_phys *fp);

/* fake_phys_add - a zeroed chunk of `size` bytes at `pa`; aborts the test
 * program on misuse (overlap, too many chunks, size 0). */
uint8_t *fake_phys_add(struct fake_phys *fp, paddr_t pa, size_t size);

/* fake_phys_add_copy - a chunk holding a copy of `size` bytes of `src`. */
uint8_t *fake_phys_add_copy(struct fake_phys *fp, paddr_t pa, const void *src, size_t size);

/* fake_phys_free - release every chunk. */
void fake_phys_free(struct fake_phys *fp);

/* fake_phys_window - the struct phys_window reading `fp`. */
struct phys_window fake_phys_window(struct fake_phys *fp);

#endif /* TESTS_UNIT_BOOT_FAKE_PHYS_H */
