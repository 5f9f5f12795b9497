/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The flattened-device-tree front end: reads a DTB (with Debian's libfdt)
 * into the two things the kernel keeps from it:
 *
 *   fdt_boot_info_fill  the memory map: /memory nodes (usable RAM),
 *                       /reserved-memory and /memreserve/ entries, the DTB
 *                       itself and an initrd (reserved); /chosen bootargs
 *                       (the command line)
 *   fdt_dev_tree_fill   the device model (include/kernel/dev.h): every node
 *                       with its compatible list, status, phandle, reg
 *                       translated through the parents' `ranges` and cell
 *                       counts, and interrupts resolved to their controller
 *                       node; /chosen stdout-path picks the console node
 *
 * The blob is outside input. Both functions take it only as a struct
 * fdt_blob, which only fdt_blob_check fills: the whole blob (header,
 * sizes, structure block) checked once against the bytes the caller can
 * read (libfdt's fdt_check_full walks every tag; checking once instead of
 * once per reader is ~150,000 instructions less per boot). They then
 * validate everything they will use, and only then write their output
 * ("validate fully, then act"): on error the output is left as it was
 * (boot_info) or empty (dev_tree), and `rep` says precisely what is wrong
 * and where. Context: boot CPU, early, before any allocator; no allocation.
 * The blob must stay readable while the tree is used (drivers read
 * properties through it): the kernel reserves it in the memory map.
 */
#ifndef DRIVERS_FDT_FDT_H
#define DRIVERS_FDT_FDT_H

#include <kernel/boot_info.h>
#include <kernel/dev.h>

/* The largest blob accepted (Linux's arm64 limit too). */
#define FDT_MAX_SIZE (2u << 20)
/* Deepest nesting accepted. */
#define FDT_MAX_DEPTH 32
/* Hops followed from a node to its interrupt controller. */
#define FDT_MAX_IRQ_HOPS 16

/* What was wrong with a blob: one value per kind of defect. */
enum fdt_problem {
	FDT_PROBLEM_NONE = 0,
	FDT_PROBLEM_BAD_MAGIC,      /* not a DTB: wrong magic number */
	FDT_PROBLEM_BAD_VERSION,    /* a format version libfdt cannot read */
	FDT_PROBLEM_TRUNCATED,      /* totalsize or a block beyond readable bytes */
	FDT_PROBLEM_ABSURD_SIZE,    /* a size or address no machine can have */
	FDT_PROBLEM_BAD_STRUCTURE,  /* structure block malformed (tags, names, nesting) */
	FDT_PROBLEM_BAD_CELLS,      /* #address-cells/#size-cells/#interrupt-cells invalid */
	FDT_PROBLEM_BAD_PROPERTY,   /* a property's length does not fit its cells */
	FDT_PROBLEM_BAD_PHANDLE,    /* a phandle names no node, or two nodes share one */
	FDT_PROBLEM_PHANDLE_LOOP,   /* interrupt-parent links that never reach a controller */
	FDT_PROBLEM_MEMORY_OVERLAP, /* two memory ranges overlap */
	FDT_PROBLEM_TOO_BIG,        /* more nodes/ranges than the tables hold */
	FDT_PROBLEM_NO_MEMORY,      /* no /memory node with a usable range */
};

struct fdt_report {
	enum fdt_problem problem;
	char path[128];   /* the node concerned ("" for the header) */
	char detail[160]; /* a sentence, e.g. "#address-cells is 7 (0..3 allowed)" */
};

/* fdt_problem_name - "bad magic", "phandle loop", ... */
const char *fdt_problem_name(enum fdt_problem problem);

/*
 * A blob that fdt_blob_check accepted: `fdt` and its totalsize. Fill one
 * only through fdt_blob_check, and keep the blob unchanged while it is in
 * use; the readers below rely on the check instead of repeating it.
 */
struct fdt_blob {
	const void *fdt;
	uint32_t size;
};

/*
 * fdt_blob_check - check that `blob` is a DTB wholly inside the `avail`
 * readable bytes (header, blocks, every tag of the structure block) and
 * describe it in `out` for the readers below. Errors (`out` untouched):
 * CAIRN_ERR_CORRUPT (BAD_MAGIC, BAD_VERSION, BAD_STRUCTURE),
 * CAIRN_ERR_TRUNCATED (TRUNCATED), CAIRN_ERR_RANGE (ABSURD_SIZE: totalsize
 * above FDT_MAX_SIZE). Any context.
 */
err_t fdt_blob_check(const void *blob, size_t avail, struct fdt_blob *out,
		     struct fdt_report *rep);

/*
 * fdt_boot_info_fill - add the blob's memory map, reservations and command
 * line to `bi` (see the file comment); `blob_pa` is where the blob lies in
 * physical memory (reserved as BOOT_RESERVE_DTB), `loader_name` is set
 * to "U-Boot <version>" from /chosen u-boot,version when present.
 * Errors: CAIRN_ERR_CORRUPT (BAD_CELLS, BAD_PROPERTY), CAIRN_ERR_RANGE
 * (ABSURD_SIZE), CAIRN_ERR_EXIST (MEMORY_OVERLAP), CAIRN_ERR_LIMIT
 * (TOO_BIG), CAIRN_ERR_NOMEM (NO_MEMORY).
 */
err_t fdt_boot_info_fill(const struct fdt_blob *blob, paddr_t blob_pa, struct boot_info *bi,
			 struct fdt_report *rep);

/*
 * fdt_dev_tree_fill - build `tree` from the blob (dev_tree_init included).
 * Errors: CAIRN_ERR_CORRUPT (BAD_CELLS, BAD_PROPERTY, BAD_PHANDLE,
 * PHANDLE_LOOP, BAD_STRUCTURE), CAIRN_ERR_LIMIT (TOO_BIG). On error
 * `tree` is left empty.
 */
err_t fdt_dev_tree_fill(const struct fdt_blob *blob, struct dev_tree *tree,
			struct fdt_report *rep);

/* The front end's property access (struct dev_fw_ops) for FDT trees. */
extern const struct dev_fw_ops fdt_fw_ops;

#endif /* DRIVERS_FDT_FDT_H */
