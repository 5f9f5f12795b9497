// SPDX-License-Identifier: BSD-2-Clause
/*
 * The emulated block device (see crashdev.h). Host code: uses the C
 * library directly, not kmalloc, so that allocation fault injection in the
 * filesystem's tests never hits the device.
 */
#include <stdlib.h>
#include <string.h>

#include "crashdev.h"

static struct crashdev *dev_of(struct blockdev *bd)
{
	return bd->priv;
}

static err_t cd_read(struct blockdev *bd, uint64_t block, uint32_t count, void *buf)
{
	struct crashdev *d = dev_of(bd);

	if (d->fail_read_after >= 0 && d->fail_read_after-- == 0)
		return CAIRN_ERR_IO;
	d->reads++;
	memcpy(buf, d->img + block * bd->block_size, (size_t)count * bd->block_size);
	return CAIRN_OK;
}

static bool trace_push(struct crashdev *d, uint8_t kind, uint64_t block, uint32_t count,
		       const void *buf, size_t len)
{
	if (d->ntrace == d->trace_cap) {
		size_t ncap = d->trace_cap ? d->trace_cap * 2 : 1024;
		struct crash_op *n = realloc(d->trace, ncap * sizeof(*n));

		if (!n)
			return false;
		d->trace = n;
		d->trace_cap = ncap;
	}
	if (d->tdata_len + len > d->tdata_cap) {
		size_t ncap = d->tdata_cap ? d->tdata_cap : 1 << 20;
		uint8_t *n;

		while (ncap < d->tdata_len + len)
			ncap *= 2;
		n = realloc(d->tdata, ncap);
		if (!n)
			return false;
		d->tdata = n;
		d->tdata_cap = ncap;
	}
	d->trace[d->ntrace++] = (struct crash_op){ kind, block, count, d->tdata_len };
	if (len)
		memcpy(d->tdata + d->tdata_len, buf, len);
	d->tdata_len += len;
	return true;
}

/* One more op (write or flush): false once the power is cut. */
static bool alive(struct crashdev *d)
{
	if (d->cut_after >= 0 && d->ops >= (uint64_t)d->cut_after)
		return false;
	d->ops++;
	return true;
}

static err_t cd_write(struct blockdev *bd, uint64_t block, uint32_t count, const void *buf)
{
	struct crashdev *d = dev_of(bd);
	size_t len = (size_t)count * bd->block_size;

	if (d->fail_write_after >= 0 && d->fail_write_after-- == 0)
		return CAIRN_ERR_IO;
	if (!alive(d))
		return CAIRN_ERR_IO;
	if (d->record && !trace_push(d, CRASH_WRITE, block, count, buf, len))
		return CAIRN_ERR_IO;
	d->writes++;
	d->bytes_written += len;
	memcpy(d->img + block * bd->block_size, buf, len);
	return CAIRN_OK;
}

static err_t cd_flush(struct blockdev *bd)
{
	struct crashdev *d = dev_of(bd);

	if (!alive(d))
		return CAIRN_ERR_IO;
	if (d->record && !trace_push(d, CRASH_FLUSH, 0, 0, NULL, 0))
		return CAIRN_ERR_IO;
	d->flushes++;
	return CAIRN_OK;
}

static const struct blockdev_ops crashdev_ops = {
	.read = cd_read,
	.write = cd_write,
	.flush = cd_flush,
};

int crashdev_init(struct crashdev *d, uint32_t block_size, uint64_t blocks)
{
	memset(d, 0, sizeof(*d));
	d->size = (uint64_t)block_size * blocks;
	d->img = calloc(1, d->size ? d->size : 1);
	if (!d->img)
		return -1;
	d->bd.ops = &crashdev_ops;
	d->bd.block_size = block_size;
	d->bd.block_count = blocks;
	d->bd.priv = d;
	d->cut_after = -1;
	d->fail_read_after = -1;
	d->fail_write_after = -1;
	return 0;
}

int crashdev_init_image(struct crashdev *d, uint32_t block_size, const void *img, uint64_t size)
{
	if (crashdev_init(d, block_size, size / block_size))
		return -1;
	memcpy(d->img, img, d->size);
	return 0;
}

void crashdev_destroy(struct crashdev *d)
{
	free(d->img);
	free(d->trace);
	free(d->tdata);
	memset(d, 0, sizeof(*d));
}

void crashdev_trace_start(struct crashdev *d)
{
	crashdev_trace_clear(d);
	d->record = true;
}

void crashdev_trace_clear(struct crashdev *d)
{
	d->ntrace = 0;
	d->tdata_len = 0;
}

static void apply(const struct crashdev *d, const struct crash_op *op, uint8_t *img,
		  uint32_t sectors)
{
	uint32_t bs = d->bd.block_size;

	memcpy(img + op->block * bs, d->tdata + op->data, (size_t)sectors * bs);
}

static bool finish(const struct crashdev *d, size_t from, size_t k, enum crash_mode mode,
		   uint64_t *rng, uint8_t *out)
{
	size_t npend = 0, *pend;
	bool ok = true;

	/* Unflushed writes before the cut: [from, k). */
	for (size_t i = from; i < k; i++)
		npend += d->trace[i].kind == CRASH_WRITE;
	switch (mode) {
	case CRASH_IN_ORDER:
		for (size_t i = from; i < k; i++)
			if (d->trace[i].kind == CRASH_WRITE)
				apply(d, &d->trace[i], out, d->trace[i].count);
		return true;
	case CRASH_TORN:
		if (k >= d->ntrace || d->trace[k].kind != CRASH_WRITE || d->trace[k].count < 2)
			return false;
		for (size_t i = from; i < k; i++)
			if (d->trace[i].kind == CRASH_WRITE)
				apply(d, &d->trace[i], out, d->trace[i].count);
		apply(d, &d->trace[k], out,
		      1 + (uint32_t)(crash_rand(rng) % (d->trace[k].count - 1)));
		return true;
	case CRASH_REORDER:
		if (npend < 2)
			return false;
		pend = malloc(npend * sizeof(*pend));
		if (!pend)
			return false;
		npend = 0;
		for (size_t i = from; i < k; i++)
			if (d->trace[i].kind == CRASH_WRITE)
				pend[npend++] = i;
		/* Shuffle, then keep a random prefix; the last kept may tear. */
		for (size_t i = npend - 1; i > 0; i--) {
			size_t j = (size_t)(crash_rand(rng) % (i + 1)), t = pend[i];

			pend[i] = pend[j];
			pend[j] = t;
		}
		{
			size_t keep = (size_t)(crash_rand(rng) % (npend + 1));

			for (size_t i = 0; i < keep; i++) {
				const struct crash_op *op = &d->trace[pend[i]];
				uint32_t n = op->count;

				if (i + 1 == keep && n > 1 && (crash_rand(rng) & 1))
					n = 1 + (uint32_t)(crash_rand(rng) % (n - 1));
				apply(d, op, out, n);
			}
		}
		free(pend);
		return ok;
	}
	return false;
}

/* The index just after the last flush before k (0 if none). */
static size_t durable_end(const struct crashdev *d, size_t k)
{
	size_t last = 0;

	for (size_t i = 0; i < k && i < d->ntrace; i++)
		if (d->trace[i].kind == CRASH_FLUSH)
			last = i + 1;
	return last;
}

bool crashdev_image_at(const struct crashdev *d, const uint8_t *base, size_t k,
		       enum crash_mode mode, uint64_t *rng, uint8_t *out)
{
	size_t from = durable_end(d, k);

	if (k > d->ntrace)
		k = d->ntrace;
	memcpy(out, base, d->size);
	for (size_t i = 0; i < from; i++)
		if (d->trace[i].kind == CRASH_WRITE)
			apply(d, &d->trace[i], out, d->trace[i].count);
	return finish(d, from, k, mode, rng, out);
}

int crash_sweep_init(struct crash_sweep *s, const struct crashdev *d, const uint8_t *base)
{
	s->d = d;
	s->applied = 0;
	s->scanned = 0;
	s->from = 0;
	s->durable = malloc(d->size);
	if (!s->durable)
		return -1;
	memcpy(s->durable, base, d->size);
	return 0;
}

bool crash_sweep_image(struct crash_sweep *s, size_t k, enum crash_mode mode, uint64_t *rng,
		       uint8_t *out)
{
	const struct crashdev *d = s->d;
	size_t from;

	if (k > d->ntrace)
		k = d->ntrace;
	for (; s->scanned < k; s->scanned++)
		if (d->trace[s->scanned].kind == CRASH_FLUSH)
			s->from = s->scanned + 1;
	from = s->from;
	/* k only grows during a sweep: fold the newly durable writes in. */
	for (; s->applied < from; s->applied++)
		if (d->trace[s->applied].kind == CRASH_WRITE)
			apply(d, &d->trace[s->applied], s->durable, d->trace[s->applied].count);
	memcpy(out, s->durable, d->size);
	return finish(d, from, k, mode, rng, out);
}

void crash_sweep_destroy(struct crash_sweep *s)
{
	free(s->durable);
	s->durable = NULL;
}
