// SPDX-License-Identifier: BSD-2-Clause
/*
 * Checking a blob before any other use, and the pieces every reader of it
 * needs: reports, cell counts and address translation through `ranges`.
 *
 * libfdt's fdt_check_full() walks the whole structure block against the
 * buffer size, so after fdt_blob_check() every libfdt read stays inside
 * the blob. Everything libfdt cannot know (cell counts that make sense,
 * property lengths that fit them, phandles that exist) is checked by the
 * front end's own readers.
 */
#include <stdarg.h>

#include <kernel/fmt.h>
#include <kernel/string.h>

#include "internal.h"

static const char *const problem_names[] = {
	[FDT_PROBLEM_NONE] = "no problem",
	[FDT_PROBLEM_BAD_MAGIC] = "bad magic",
	[FDT_PROBLEM_BAD_VERSION] = "bad version",
	[FDT_PROBLEM_TRUNCATED] = "truncated",
	[FDT_PROBLEM_ABSURD_SIZE] = "absurd size",
	[FDT_PROBLEM_BAD_STRUCTURE] = "bad structure",
	[FDT_PROBLEM_BAD_CELLS] = "bad cell count",
	[FDT_PROBLEM_BAD_PROPERTY] = "bad property",
	[FDT_PROBLEM_BAD_PHANDLE] = "bad phandle",
	[FDT_PROBLEM_PHANDLE_LOOP] = "phandle loop",
	[FDT_PROBLEM_MEMORY_OVERLAP] = "overlapping memory",
	[FDT_PROBLEM_TOO_BIG] = "too big",
	[FDT_PROBLEM_NO_MEMORY] = "no memory",
};

const char *fdt_problem_name(enum fdt_problem problem)
{
	if ((unsigned)problem < ARRAY_SIZE(problem_names) && problem_names[problem])
		return problem_names[problem];
	return "unknown problem";
}

err_t fdt_report_set(struct fdt_report *rep, const void *blob, int off, enum fdt_problem problem,
		     err_t err, const char *fmt, ...)
{
	va_list ap;

	rep->problem = problem;
	rep->path[0] = '\0';
	if (off >= 0 && fdt_get_path(blob, off, rep->path, (int)sizeof(rep->path)) != 0)
		kstrlcpy(rep->path, "(path too long)", sizeof(rep->path));
	va_start(ap, fmt);
	kvsnprintf(rep->detail, sizeof(rep->detail), fmt, ap);
	va_end(ap);
	return err;
}

static uint32_t be32_at(const void *blob, size_t off)
{
	return fdt_cell((const uint8_t *)blob + off, 0);
}

err_t fdt_blob_check(const void *blob, size_t avail, struct fdt_blob *out,
		     struct fdt_report *rep)
{
	uint32_t total;
	int rc;

	rep->problem = FDT_PROBLEM_NONE;
	if (avail < 40) /* the v17 header */
		return fdt_report_set(rep, NULL, -1, FDT_PROBLEM_TRUNCATED, CAIRN_ERR_TRUNCATED,
				      "only %zu bytes: shorter than a DTB header", avail);
	if (be32_at(blob, 0) != FDT_MAGIC)
		return fdt_report_set(rep, NULL, -1, FDT_PROBLEM_BAD_MAGIC, CAIRN_ERR_CORRUPT,
				      "magic %#x, expected %#x", be32_at(blob, 0), FDT_MAGIC);
	total = be32_at(blob, 4);
	if (total > FDT_MAX_SIZE)
		return fdt_report_set(rep, NULL, -1, FDT_PROBLEM_ABSURD_SIZE, CAIRN_ERR_RANGE,
				      "totalsize %u above the %u-byte limit", total, FDT_MAX_SIZE);
	if (total > avail)
		return fdt_report_set(rep, NULL, -1, FDT_PROBLEM_TRUNCATED, CAIRN_ERR_TRUNCATED,
				      "totalsize %u but only %zu bytes readable", total, avail);
	rc = fdt_check_full(blob, total);
	switch (rc) {
	case 0:
		*out = (struct fdt_blob){ .fdt = blob, .size = total };
		return CAIRN_OK;
	case -FDT_ERR_BADMAGIC:
		return fdt_report_set(rep, NULL, -1, FDT_PROBLEM_BAD_MAGIC, CAIRN_ERR_CORRUPT,
				      "libfdt: %s", fdt_strerror(rc));
	case -FDT_ERR_BADVERSION:
		return fdt_report_set(rep, NULL, -1, FDT_PROBLEM_BAD_VERSION, CAIRN_ERR_CORRUPT,
				      "version %u (last compatible %u): libfdt: %s",
				      be32_at(blob, 20), be32_at(blob, 24), fdt_strerror(rc));
	case -FDT_ERR_TRUNCATED:
		return fdt_report_set(rep, NULL, -1, FDT_PROBLEM_TRUNCATED, CAIRN_ERR_TRUNCATED,
				      "a block ends beyond totalsize %u: libfdt: %s", total,
				      fdt_strerror(rc));
	default:
		return fdt_report_set(rep, NULL, -1, FDT_PROBLEM_BAD_STRUCTURE, CAIRN_ERR_CORRUPT,
				      "libfdt: %s", fdt_strerror(rc));
	}
}

static err_t one_cell(const void *blob, int off, const char *name, const void *p, int len,
		      int dflt, int max, int *out, struct fdt_report *rep)
{
	uint32_t v;

	if (!p) {
		*out = dflt;
		return CAIRN_OK;
	}
	if (len != 4)
		return fdt_report_set(rep, blob, off, FDT_PROBLEM_BAD_CELLS, CAIRN_ERR_CORRUPT,
				      "%s is %d bytes long, not one cell", name, len);
	v = fdt_cell(p, 0);
	if (v > (uint32_t)max)
		return fdt_report_set(rep, blob, off, FDT_PROBLEM_BAD_CELLS, CAIRN_ERR_CORRUPT,
				      "%s is %u (0..%d allowed)", name, v, max);
	*out = (int)v;
	return CAIRN_OK;
}

err_t fdt_cells_check(const void *blob, int off, const void *ac_prop, int ac_len,
		      const void *sc_prop, int sc_len, int *ac, int *sc, struct fdt_report *rep)
{
	err_t err = one_cell(blob, off, "#address-cells", ac_prop, ac_len, 2, 3, ac, rep);

	if (err)
		return err;
	return one_cell(blob, off, "#size-cells", sc_prop, sc_len, 1, 2, sc, rep);
}

err_t fdt_node_cells(const void *blob, int off, int *ac, int *sc, struct fdt_report *rep)
{
	int ac_len = 0, sc_len = 0;
	const void *ac_prop = fdt_getprop(blob, off, "#address-cells", &ac_len);
	const void *sc_prop = fdt_getprop(blob, off, "#size-cells", &sc_len);

	return fdt_cells_check(blob, off, ac_prop, ac_len, sc_prop, sc_len, ac, sc, rep);
}

err_t fdt_translate(const void *blob, const int *path, int depth, uint64_t *addr, uint64_t size,
		    bool *local, struct fdt_report *rep)
{
	uint64_t a = *addr;

	*local = false;
	if (depth < 1 || depth > FDT_MAX_DEPTH + 1 || path[depth - 1] != 0)
		return fdt_report_set(rep, blob, depth > 0 ? path[0] : -1,
				      FDT_PROBLEM_BAD_STRUCTURE, CAIRN_ERR_CORRUPT,
				      "no path to the root while translating");
	for (int level = 0; level < depth - 1; level++) {
		int bus = path[level], parent = path[level + 1];
		int cac, csc, pac, psc, len, entry;
		const uint8_t *r;
		bool hit = false;
		err_t err;

		r = fdt_getprop(blob, bus, "ranges", &len);
		if (!r) {
			*local = true;
			return CAIRN_OK;
		}
		if (len == 0) /* identity */
			continue;
		err = fdt_node_cells(blob, bus, &cac, &csc, rep);
		if (!err)
			err = fdt_node_cells(blob, parent, &pac, &psc, rep);
		if (err)
			return err;
		entry = 4 * (cac + pac + csc);
		if (entry == 0 || len % entry)
			return fdt_report_set(rep, blob, bus, FDT_PROBLEM_BAD_PROPERTY,
					      CAIRN_ERR_CORRUPT,
					      "ranges is %d bytes, not a multiple of %d-byte entries",
					      len, entry);
		for (int i = 0; i < len / entry; i++) {
			const uint8_t *e = r + i * entry;
			uint64_t cbase = fdt_cells_value(e, cac);
			uint64_t pbase = fdt_cells_value(e + 4 * cac, pac);
			uint64_t rsize = fdt_cells_value(e + 4 * (cac + pac), csc);

			if (a >= cbase && a - cbase < rsize && size <= rsize - (a - cbase)) {
				a = pbase + (a - cbase);
				hit = true;
				break;
			}
		}
		if (!hit) {
			/* Not mapped into the CPU's space through this bus. */
			*local = true;
			return CAIRN_OK;
		}
	}
	*addr = a;
	return CAIRN_OK;
}
