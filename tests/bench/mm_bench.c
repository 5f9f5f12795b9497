// SPDX-License-Identifier: BSD-2-Clause
/*
 * Memory-manager benchmarks (scripts/bench runs them through tests/bench/mm.sh):
 * the slab fast path (alloc+free pairs of 16..1024-byte objects, without and
 * with debug checks) and buddy page alloc+free, each against glibc's
 * malloc/free of the same size measured in the same run. Prints
 *   BENCH <name> <ns per pair> ns baseline=<glibc ns per pair>
 * Each figure is the median of several repetitions. Never judges.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kernel/mm/slab.h>

#define REPS 7
#define PAIRS 2000000ul
#define ARENA MiB(64)
#define ARENA_PA MiB(2)

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v)
{
	qsort(v, REPS, sizeof(v[0]), cmp);
	return v[REPS / 2];
}

/* Keep the compiler from eliding an allocation whose result is unused. */
static inline void use(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

static double slab_pair(struct slab_cache *c)
{
	double t[REPS];

	for (int r = 0; r < REPS; r++) {
		double t0 = now_ns();

		for (unsigned long i = 0; i < PAIRS; i++) {
			void *p = slab_cache_alloc(c);

			use(p);
			slab_cache_free(c, p);
		}
		t[r] = (now_ns() - t0) / PAIRS;
	}
	return median(t);
}

static double glibc_pair(size_t size, unsigned long pairs)
{
	double t[REPS];

	for (int r = 0; r < REPS; r++) {
		double t0 = now_ns();

		for (unsigned long i = 0; i < pairs; i++) {
			void *p = malloc(size);

			use(p);
			free(p);
		}
		t[r] = (now_ns() - t0) / pairs;
	}
	return median(t);
}

static double buddy_pair(struct buddy *b)
{
	double t[REPS];

	for (int r = 0; r < REPS; r++) {
		double t0 = now_ns();

		for (unsigned long i = 0; i < PAIRS / 4; i++) {
			paddr_t pa;

			if (buddy_alloc(b, 0, 0, PHYS_OWNER_TEST, &pa) != CAIRN_OK)
				abort();
			buddy_free(b, pa, 0);
		}
		t[r] = (now_ns() - t0) / (PAIRS / 4);
	}
	return median(t);
}

int main(void)
{
	static const size_t sizes[] = { 16, 32, 64, 128, 256, 512, 1024 };
	static struct buddy b;
	struct boot_usable r = { ARENA_PA, ARENA };
	void *arena = aligned_alloc(MiB(2), ARENA);

	if (!arena)
		return 1;
	memset(arena, 0, ARENA);
	mm_direct_offset = (uintptr_t)arena - ARENA_PA;
	if (buddy_init(&b, "bench", &r, 1, ARENA_PA + ARENA) != CAIRN_OK)
		return 1;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct slab_cache fast, debug;
		double base = glibc_pair(sizes[i], PAIRS);

		if (slab_cache_init(&fast, "bench", sizes[i], 16, SLAB_F_NODEBUG, &b) ||
		    slab_cache_init(&debug, "bench-debug", sizes[i], 16, SLAB_F_DEBUG, &b))
			return 1;
		printf("BENCH slab_pair_%zub_ns %.1f ns baseline=%.1f\n", sizes[i], slab_pair(&fast),
		       base);
		printf("BENCH slab_debug_pair_%zub_ns %.1f ns baseline=%.1f\n", sizes[i],
		       slab_pair(&debug), base);
		slab_cache_destroy(&fast);
		slab_cache_destroy(&debug);
	}
	printf("BENCH buddy_page_pair_ns %.1f ns baseline=%.1f\n", buddy_pair(&b),
	       glibc_pair(4096, PAIRS / 4));
	return 0;
}
