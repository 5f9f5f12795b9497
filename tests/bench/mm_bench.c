// SPDX-License-Identifier: BSD-2-Clause
/*
 * Memory-manager benchmarks (scripts/bench runs them through tests/bench/mm.sh):
 * the slab fast path (alloc+free pairs of 16..1024-byte objects, without and
 * with debug checks), the kernels' kmalloc (src/mm/kmalloc.c, compiled in as
 * lk_kmalloc/lk_kfree: the hosted shim's own kmalloc is the C library's) on
 * the same sizes and one large-path size, and buddy page alloc+free, each
 * against glibc's malloc/free of the same size. Prints
 *   BENCH <name> <ns per pair> ns baseline=<glibc ns per pair>
 *
 * Fairness on a shared machine: every repetition times the baseline and
 * each contender back to back, in alternating order (forward on even
 * repetitions, reversed on odd ones), and each figure is the median of its
 * repetitions, so a load swing hits both sides of a ratio alike. kmalloc's
 * classes are debug caches when CONFIG_MM_DEBUG is set (the kernels'
 * default, and the hosted-bench build's): its lines are then named
 * kmalloc_debug_pair_*. Never judges.
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
#define KARENA MiB(32)

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

void *lk_kmalloc(size_t size);
void lk_kfree(void *p);

/* One repetition of each kind: ns per alloc+free pair. */
static double slab_rep(struct slab_cache *c, unsigned long pairs)
{
	double t0 = now_ns();

	for (unsigned long i = 0; i < pairs; i++) {
		void *p = slab_cache_alloc(c);

		use(p);
		slab_cache_free(c, p);
	}
	return (now_ns() - t0) / pairs;
}

static double glibc_rep(size_t size, unsigned long pairs)
{
	double t0 = now_ns();

	for (unsigned long i = 0; i < pairs; i++) {
		void *p = malloc(size);

		use(p);
		free(p);
	}
	return (now_ns() - t0) / pairs;
}

static double kmalloc_rep(size_t size, unsigned long pairs)
{
	double t0 = now_ns();

	for (unsigned long i = 0; i < pairs; i++) {
		void *p = lk_kmalloc(size);

		if (!p)
			abort();
		lk_kfree(p);
	}
	return (now_ns() - t0) / pairs;
}

static double buddy_rep(struct buddy *b, unsigned long pairs)
{
	double t0 = now_ns();

	for (unsigned long i = 0; i < pairs; i++) {
		paddr_t pa;

		if (buddy_alloc(b, 0, 0, PHYS_OWNER_TEST, &pa) != CAIRN_OK)
			abort();
		buddy_free(b, pa, 0);
	}
	return (now_ns() - t0) / pairs;
}

/* The contenders of one size, timed per repetition with the baseline. */
enum { GLIBC, FAST, DEBUG, KMALLOC, KINDS };

static double rep_of(int kind, size_t size, struct slab_cache *fast, struct slab_cache *debug)
{
	switch (kind) {
	case GLIBC:
		return glibc_rep(size, PAIRS);
	case FAST:
		return slab_rep(fast, PAIRS);
	case DEBUG:
		return slab_rep(debug, PAIRS / 8); /* 50-400 ns a pair */
	default:
		return kmalloc_rep(size, CONFIG_MM_DEBUG ? PAIRS / 8 : PAIRS);
	}
}

int main(void)
{
	static const size_t sizes[] = { 16, 32, 64, 128, 256, 512, 1024 };
	static struct buddy b, kb;
	struct boot_usable range = { ARENA_PA, ARENA }, krange = { ARENA_PA + ARENA, KARENA };
	void *arena = aligned_alloc(MiB(2), ARENA + KARENA);

	if (!arena)
		return 1;
	memset(arena, 0, ARENA + KARENA);
	mm_direct_offset = (uintptr_t)arena - ARENA_PA;
	/* kmalloc gets an arena of its own: its caches keep slabs, which
	 * would otherwise change what the buddy figure measures (splits of
	 * a coalesced arena). */
	if (buddy_init(&b, "bench", &range, 1, ARENA_PA + ARENA) != CAIRN_OK ||
	    buddy_init(&kb, "bench-kmalloc", &krange, 1, ARENA_PA + ARENA + KARENA) != CAIRN_OK)
		return 1;
	mm_phys = &kb;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct slab_cache fast, debug;
		double t[KINDS][REPS], base;

		if (slab_cache_init(&fast, "bench", sizes[i], 16, SLAB_F_NODEBUG, &b) ||
		    slab_cache_init(&debug, "bench-debug", sizes[i], 16, SLAB_F_DEBUG, &b))
			return 1;
		for (int r = 0; r < REPS; r++)
			for (int j = 0; j < KINDS; j++) {
				int kind = r % 2 ? KINDS - 1 - j : j;

				t[kind][r] = rep_of(kind, sizes[i], &fast, &debug);
			}
		base = median(t[GLIBC]);
		printf("BENCH slab_pair_%zub_ns %.1f ns baseline=%.1f\n", sizes[i], median(t[FAST]),
		       base);
		printf("BENCH slab_debug_pair_%zub_ns %.1f ns baseline=%.1f\n", sizes[i],
		       median(t[DEBUG]), base);
		printf("BENCH kmalloc_%spair_%zub_ns %.1f ns baseline=%.1f\n",
		       CONFIG_MM_DEBUG ? "debug_" : "", sizes[i], median(t[KMALLOC]), base);
		slab_cache_destroy(&fast);
		slab_cache_destroy(&debug);
	}
	/* Whole pages: buddy order 0 and kmalloc's large path (order 0). */
	{
		double t[3][REPS], base;

		for (int r = 0; r < REPS; r++)
			for (int j = 0; j < 3; j++) {
				int kind = r % 2 ? 2 - j : j;

				t[kind][r] = kind == 0 ? glibc_rep(4096, PAIRS / 4) :
					     kind == 1 ? buddy_rep(&b, PAIRS / 4) :
							 kmalloc_rep(4096, PAIRS / 4);
			}
		base = median(t[0]);
		printf("BENCH buddy_page_pair_ns %.1f ns baseline=%.1f\n", median(t[1]), base);
		printf("BENCH kmalloc_large_pair_4096b_ns %.1f ns baseline=%.1f\n", median(t[2]),
		       base);
	}
	return 0;
}
