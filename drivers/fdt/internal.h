/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by the FDT front end's files (drivers/fdt/): reports and cells. */
#ifndef DRIVERS_FDT_INTERNAL_H
#define DRIVERS_FDT_INTERNAL_H

#include <libfdt.h>

#include "fdt.h"

/* report - fill `rep` (path of node `off`, or "" for off < 0) and return err. */
err_t fdt_report_set(struct fdt_report *rep, const void *blob, int off, enum fdt_problem problem,
		     err_t err, const char *fmt, ...) __printf_like(6, 7);

/* A big-endian cell at a possibly unaligned address. */
static inline uint32_t fdt_cell(const void *p, size_t i)
{
	const uint8_t *b = (const uint8_t *)p + 4 * i;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* fdt_cells_value - the low 64 bits of an n-cell number (n <= 4). */
static inline uint64_t fdt_cells_value(const void *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt_cell(p, (size_t)i);
	return v;
}

/*
 * fdt_node_cells - the #address-cells and #size-cells node `off` gives its
 * children (2 and 1 when absent, as the specification says). Validates
 * them: address 0..3, size 0..2 (CAIRN_ERR_CORRUPT, BAD_CELLS).
 */
err_t fdt_node_cells(const void *blob, int off, int *ac, int *sc, struct fdt_report *rep);

/*
 * fdt_cells_check - the same from the two properties' values, already
 * found by the caller (NULL: absent) on node `off` (named in a report).
 */
err_t fdt_cells_check(const void *blob, int off, const void *ac_prop, int ac_len,
		      const void *sc_prop, int sc_len, int *ac, int *sc, struct fdt_report *rep);

/*
 * fdt_translate - translate a reg address of a child of bus path[0] through
 * that bus's and its ancestors' ranges to a CPU physical address. `path`
 * holds the offsets of the bus and each of its ancestors in turn, ending
 * with the root (0); `depth` is their count. (The caller knows them from
 * its own walk; libfdt's fdt_parent_offset() would rescan the blob from
 * the start for every level.) *local is set when some bus has no `ranges`
 * or none of its ranges covers the address (a bus-local address, e.g. I2C
 * or CPU ids); then *addr is unchanged. Errors: CAIRN_ERR_CORRUPT
 * (BAD_CELLS, BAD_PROPERTY: malformed ranges; BAD_STRUCTURE: a path that
 * does not end at the root or is deeper than FDT_MAX_DEPTH).
 */
err_t fdt_translate(const void *blob, const int *path, int depth, uint64_t *addr, uint64_t size,
		    bool *local, struct fdt_report *rep);

#endif /* DRIVERS_FDT_INTERNAL_H */
