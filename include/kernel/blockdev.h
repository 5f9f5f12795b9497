/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Block devices: a fixed number of equally sized blocks that can be read,
 * written and flushed. The filesystem (fs/) touches storage only through
 * this header, the way littlefs touches flash only through its read/prog/
 * erase/sync callbacks.
 *
 * The header has two halves:
 *
 *   - the DRIVER side (struct blockdev_ops, struct blockdev): what a driver
 *     fills in. A virtio-blk driver, the hosted shim's RAM and file devices
 *     and the power-loss emulator of tests/crash/ are all drivers.
 *   - the CONSUMER side (blockdev_read/write/flush): what a filesystem
 *     calls. The wrappers validate every range before the driver sees it, so
 *     a driver may assume `block + count <= block_count` and `count > 0`.
 *
 * Durability contract (what the filesystem's crash safety is built on):
 *
 *   1. A write that returned OK may still sit in a volatile cache. It is
 *      durable only after a later blockdev_flush() returned OK.
 *   2. Writes not separated by a flush may reach the medium in any order,
 *      and any of them may be lost at a power cut.
 *   3. A write interrupted by a power cut may be torn: a prefix of its
 *      sectors (block_size units of the medium) is new, the rest is old.
 *   4. Reads return the most recent write to each block (read-your-writes),
 *      durable or not, while power stays on.
 *
 * Context: thread context; operations may sleep. A device is used by one
 * owner at a time (the filesystem serialises its calls).
 */
#ifndef KERNEL_BLOCKDEV_H
#define KERNEL_BLOCKDEV_H

#include <kernel/types.h>

struct blockdev;

/* ---- Driver side ------------------------------------------------------- */

struct blockdev_ops {
	/* Read `count` blocks starting at `block` into `buf`. */
	err_t (*read)(struct blockdev *bd, uint64_t block, uint32_t count, void *buf);
	/* Write `count` blocks starting at `block` from `buf` (not yet durable). */
	err_t (*write)(struct blockdev *bd, uint64_t block, uint32_t count,
		       const void *buf);
	/* Make every write that returned before this call durable. */
	err_t (*flush)(struct blockdev *bd);
};

struct blockdev {
	const struct blockdev_ops *ops;
	uint32_t block_size;   /* bytes per block: a power of two, >= 512 */
	uint64_t block_count;  /* blocks on the device */
	void *priv;            /* the driver's state */
};

/* ---- Consumer side ----------------------------------------------------- */

static inline bool blockdev_range_ok(const struct blockdev *bd, uint64_t block,
				     uint32_t count)
{
	uint64_t end;

	return count > 0 && !add_overflows(block, (uint64_t)count, &end) &&
	       end <= bd->block_count;
}

/*
 * blockdev_read - read `count` blocks at `block` into `buf` (count *
 * block_size bytes). Errors: CAIRN_ERR_RANGE (range outside the device or
 * count 0), CAIRN_ERR_IO (the device failed).
 */
static inline err_t blockdev_read(struct blockdev *bd, uint64_t block, uint32_t count,
				  void *buf)
{
	if (!blockdev_range_ok(bd, block, count))
		return CAIRN_ERR_RANGE;
	return bd->ops->read(bd, block, count, buf);
}

/*
 * blockdev_write - write `count` blocks at `block` from `buf`. Not durable
 * until a later blockdev_flush() returns OK. Errors: as blockdev_read.
 */
static inline err_t blockdev_write(struct blockdev *bd, uint64_t block, uint32_t count,
				   const void *buf)
{
	if (!blockdev_range_ok(bd, block, count))
		return CAIRN_ERR_RANGE;
	return bd->ops->write(bd, block, count, buf);
}

/* blockdev_flush - make all completed writes durable. Errors: CAIRN_ERR_IO. */
static inline err_t blockdev_flush(struct blockdev *bd)
{
	return bd->ops->flush(bd);
}

#endif /* KERNEL_BLOCKDEV_H */
