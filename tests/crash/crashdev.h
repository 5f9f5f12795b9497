/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The emulated block device of the power-loss harness, also the RAM disk of
 * the filesystem's unit tests, fuzzers and benchmark.
 *
 * It keeps the image in memory and implements the contract of
 * include/kernel/blockdev.h literally. On top of that it can:
 *
 *   - record a trace of every write and flush (with the data written), from
 *     which crashdev_image_at() builds the image a power cut at any point
 *     of the trace would leave: every write before the last flush, plus any
 *     subset of the later ones in any order, the last one possibly torn at
 *     a sector boundary;
 *   - die at op N (crashdev_cut_at): every later write and flush fails with
 *     IO, so the code above sees the power cut happen;
 *   - fail the Nth read or write with IO (fault injection);
 *   - count reads, writes, flushes and bytes written.
 *
 * Sector = the device block size (512 in the harness), the unit a torn
 * write keeps or loses.
 */
#ifndef TESTS_CRASHDEV_H
#define TESTS_CRASHDEV_H

#include <kernel/blockdev.h>

enum crash_op_kind { CRASH_WRITE, CRASH_FLUSH };

struct crash_op {
	uint8_t kind;
	uint64_t block;       /* device block */
	uint32_t count;       /* device blocks */
	size_t data;          /* offset of the data in the trace's data log */
};

struct crashdev {
	struct blockdev bd;
	uint8_t *img;         /* what reads see */
	uint64_t size;
	/* Counters. */
	uint64_t reads, writes, flushes, bytes_written;
	/* Power cut: ops (writes + flushes) allowed before the device dies. */
	int64_t cut_after;    /* < 0: never */
	uint64_t ops;
	/* Fault injection: fail the Nth read / write from now (< 0: never). */
	int64_t fail_read_after, fail_write_after;
	/* Trace. */
	bool record;
	struct crash_op *trace;
	size_t ntrace, trace_cap;
	uint8_t *tdata;
	size_t tdata_len, tdata_cap;
};

/* crashdev_init - a zeroed device of `blocks` blocks of `block_size`. */
int crashdev_init(struct crashdev *d, uint32_t block_size, uint64_t blocks);
/* crashdev_init_image - a device holding a copy of `img` (size % bs == 0). */
int crashdev_init_image(struct crashdev *d, uint32_t block_size, const void *img,
			uint64_t size);
void crashdev_destroy(struct crashdev *d);
void crashdev_trace_start(struct crashdev *d);
void crashdev_trace_clear(struct crashdev *d);

enum crash_mode {
	CRASH_IN_ORDER,   /* every op before the cut reached the disk */
	CRASH_TORN,       /* and the op at the cut (a write) is torn */
	CRASH_REORDER,    /* unflushed writes: random subset, random order, maybe torn */
};

/*
 * crashdev_image_at - into `out` (the device size), the image left by a
 * power cut before trace op `k` (ops 0..k-1 were issued), starting from
 * `base` (the image when tracing started), under `mode`. `rng` drives the
 * random choices. Returns false if `mode` does not apply at `k` (no write
 * to tear, nothing unflushed to reorder).
 */
bool crashdev_image_at(const struct crashdev *d, const uint8_t *base, size_t k,
		       enum crash_mode mode, uint64_t *rng, uint8_t *out);

/* A cursor that keeps the durable prefix of a trace up to date as k grows,
 * so sweeping every cut point costs one image copy per point. */
struct crash_sweep {
	const struct crashdev *d;
	uint8_t *durable;      /* base + every write before the last flush < k */
	size_t applied;        /* trace ops folded into `durable` */
	size_t scanned;        /* trace ops looked at for flushes */
	size_t from;           /* just after the last flush among them */
};
int crash_sweep_init(struct crash_sweep *s, const struct crashdev *d, const uint8_t *base);
bool crash_sweep_image(struct crash_sweep *s, size_t k, enum crash_mode mode, uint64_t *rng,
		       uint8_t *out);
void crash_sweep_destroy(struct crash_sweep *s);

static inline uint64_t crash_rand(uint64_t *s)
{
	/* xorshift64* */
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

#endif /* TESTS_CRASHDEV_H */
