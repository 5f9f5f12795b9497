// SPDX-License-Identifier: BSD-2-Clause
/* Fake physical memory for parser tests (see fake_phys.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_phys.h"

void fake_phys_init(struct fake_phys *fp)
{
	memset(fp, 0, sizeof(*fp));
}

uint8_t *fake_phys_add(struct fake_phys *fp, paddr_t pa, size_t size)
{
	struct fake_phys_chunk *c;

	if (size == 0 || fp->n == FAKE_PHYS_MAX_CHUNKS || pa + size < pa) {
		fprintf(stderr, "fake_phys_add: bad chunk %#llx+%zu\n", (unsigned long long)pa,
			size);
		abort();
	}
	for (size_t i = 0; i < fp->n; i++) {
		if (pa < fp->chunks[i].pa + fp->chunks[i].size && fp->chunks[i].pa < pa + size) {
			fprintf(stderr, "fake_phys_add: %#llx+%zu overlaps a chunk\n",
				(unsigned long long)pa, size);
			abort();
		}
	}
	c = &fp->chunks[fp->n++];
	c->pa = pa;
	c->size = size;
	c->mem = calloc(1, size);
	if (!c->mem)
		abort();
	return c->mem;
}

uint8_t *fake_phys_add_copy(struct fake_phys *fp, paddr_t pa, const void *src, size_t size)
{
	uint8_t *m = fake_phys_add(fp, pa, size);

	memcpy(m, src, size);
	return m;
}

void fake_phys_free(struct fake_phys *fp)
{
	for (size_t i = 0; i < fp->n; i++)
		free(fp->chunks[i].mem);
	fake_phys_init(fp);
}

static const void *fake_map(void *ctx, paddr_t pa, size_t len)
{
	struct fake_phys *fp = ctx;
	uint64_t end;

	fp->maps++;
	if (!__builtin_add_overflow(pa, (uint64_t)len, &end)) {
		for (size_t i = 0; i < fp->n; i++) {
			const struct fake_phys_chunk *c = &fp->chunks[i];

			if (pa >= c->pa && end <= c->pa + c->size)
				return c->mem + (pa - c->pa);
		}
	}
	fp->refusals++;
	return NULL;
}

struct phys_window fake_phys_window(struct fake_phys *fp)
{
	return (struct phys_window){ .map = fake_map, .ctx = fp };
}
