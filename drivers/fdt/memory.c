// SPDX-License-Identifier: BSD-2-Clause
/*
 * The memory map and command line from a DTB (fdt_boot_info_fill, see
 * fdt.h).
 *
 * Sources, in the order they are read:
 *   /memory* nodes (device_type "memory", status okay)   usable RAM
 *   the /memreserve/ block                              reserved (firmware)
 *   /reserved-memory children with a reg                reserved (firmware)
 *   the blob itself                                     reserved (DTB)
 *   /chosen linux,initrd-start/-end                     reserved (module)
 *   /chosen bootargs                                    the command line
 *
 * Everything is gathered into a local plan and checked first: addresses
 * translated, no range wrapping or ending above BOOT_INFO_PADDR_LIMIT
 * (ABSURD_SIZE), no two RAM ranges overlapping (MEMORY_OVERLAP: a DTB that
 * describes the same RAM twice is wrong about something, and guessing which
 * is a way to corrupt memory), tables not overflowing. Only then is `bi`
 * written, so a bad blob leaves it untouched.
 */
#include <kernel/fmt.h>
#include <kernel/string.h>

#include "internal.h"

struct plan {
	struct boot_mem_region ram[BOOT_INFO_MAX_REGIONS];
	size_t nram;
	struct boot_reserved res[BOOT_INFO_MAX_RESERVED];
	size_t nres;
	const char *bootargs;
	size_t bootargs_len;
	const char *loader_name;
};

static err_t check_range(const void *blob, int off, uint64_t base, uint64_t size,
			 const char *what, struct fdt_report *rep)
{
	uint64_t end;

	if (add_overflows(base, size, &end) || end > BOOT_INFO_PADDR_LIMIT)
		return fdt_report_set(rep, blob, off, FDT_PROBLEM_ABSURD_SIZE, CAIRN_ERR_RANGE,
				      "%s [%#llx, +%#llx) ends beyond the 2^52 physical limit",
				      what, (unsigned long long)base, (unsigned long long)size);
	return CAIRN_OK;
}

static err_t plan_reserve(struct plan *p, const void *blob, int off, uint64_t base,
			  uint64_t size, uint32_t kind, const char *what, struct fdt_report *rep)
{
	err_t err;

	if (size == 0)
		return CAIRN_OK;
	err = check_range(blob, off, base, size, what, rep);
	if (err)
		return err;
	if (p->nres == BOOT_INFO_MAX_RESERVED)
		return fdt_report_set(rep, blob, off, FDT_PROBLEM_TOO_BIG, CAIRN_ERR_LIMIT,
				      "more than %d reserved ranges", BOOT_INFO_MAX_RESERVED);
	p->res[p->nres++] = (struct boot_reserved){ base, size, kind };
	return CAIRN_OK;
}

/* Each (address, size) pair of node `off`'s reg (a child of `parent`),
 * translated to the CPU. */
static err_t for_each_reg(const void *blob, int parent, int off, struct plan *p,
			  struct fdt_report *rep,
			  err_t (*fn)(struct plan *, const void *, int, uint64_t, uint64_t,
				      struct fdt_report *))
{
	int ac, sc, len;
	const uint8_t *reg;
	err_t err;

	err = fdt_node_cells(blob, parent, &ac, &sc, rep);
	if (err)
		return err;
	reg = fdt_getprop(blob, off, "reg", &len);
	if (!reg)
		return CAIRN_OK;
	if (ac == 0 || sc == 0 || len % (4 * (ac + sc)))
		return fdt_report_set(rep, blob, off, FDT_PROBLEM_BAD_PROPERTY, CAIRN_ERR_CORRUPT,
				      "reg is %d bytes: not whole (%d address + %d size)-cell "
				      "entries", len, ac, sc);
	for (int i = 0; i < len / (4 * (ac + sc)); i++) {
		const uint8_t *e = reg + i * 4 * (ac + sc);
		uint64_t base = fdt_cells_value(e, ac), size = fdt_cells_value(e + 4 * ac, sc);
		bool local;

		/* Children of the root or of /reserved-memory (a child of the root). */
		int path[2] = { parent, 0 };

		err = fdt_translate(blob, path, parent == 0 ? 1 : 2, &base, size, &local, rep);
		if (err)
			return err;
		if (local)
			return fdt_report_set(rep, blob, off, FDT_PROBLEM_BAD_PROPERTY,
					      CAIRN_ERR_CORRUPT,
					      "reg %#llx is not a CPU physical address (no ranges)",
					      (unsigned long long)base);
		err = fn(p, blob, off, base, size, rep);
		if (err)
			return err;
	}
	return CAIRN_OK;
}

static err_t add_ram(struct plan *p, const void *blob, int off, uint64_t base, uint64_t size,
		     struct fdt_report *rep)
{
	err_t err;

	if (size == 0)
		return CAIRN_OK;
	err = check_range(blob, off, base, size, "memory", rep);
	if (err)
		return err;
	for (size_t i = 0; i < p->nram; i++) {
		const struct boot_mem_region *r = &p->ram[i];

		if (base < r->base + r->size && r->base < base + size)
			return fdt_report_set(rep, blob, off, FDT_PROBLEM_MEMORY_OVERLAP,
					      CAIRN_ERR_EXIST,
					      "memory [%#llx, +%#llx) overlaps [%#llx, +%#llx)",
					      (unsigned long long)base, (unsigned long long)size,
					      (unsigned long long)r->base,
					      (unsigned long long)r->size);
	}
	if (p->nram == BOOT_INFO_MAX_REGIONS)
		return fdt_report_set(rep, blob, off, FDT_PROBLEM_TOO_BIG, CAIRN_ERR_LIMIT,
				      "more than %d memory ranges", BOOT_INFO_MAX_REGIONS);
	p->ram[p->nram++] = (struct boot_mem_region){ base, size, BOOT_MEM_USABLE };
	return CAIRN_OK;
}

static err_t add_reserved_mem(struct plan *p, const void *blob, int off, uint64_t base,
			      uint64_t size, struct fdt_report *rep)
{
	return plan_reserve(p, blob, off, base, size, BOOT_RESERVE_FIRMWARE,
			    "reserved-memory", rep);
}

static bool node_okay(const void *blob, int off)
{
	int len;
	const char *s = fdt_getprop(blob, off, "status", &len);

	return !s || (len >= 2 && (strncmp(s, "okay", (size_t)len) == 0 ||
				   strncmp(s, "ok", (size_t)len) == 0));
}

/* "chosen" names node `name` (len bytes) as libfdt's path lookup would:
 * the whole name, or the name before a unit address ("chosen@0"). */
static bool node_named(const char *name, int len, const char *want)
{
	int n = (int)strlen(want);

	return len >= n && memcmp(name, want, (size_t)n) == 0 && (len == n || name[n] == '@');
}

/* What the walk below learns of one child of the root. */
struct root_child {
	int off;           /* -1: none being read */
	bool reading;      /* its properties are still coming */
	bool memory;       /* device_type "memory" (first such property) */
	bool typed, rated; /* device_type / status seen (only the first counts) */
	bool okay;
};

static err_t root_child_done(const void *blob, struct plan *p, struct root_child *c,
			     struct fdt_report *rep)
{
	c->reading = false;
	if (c->off < 0 || !c->memory || !c->okay)
		return CAIRN_OK;
	return for_each_reg(blob, 0, c->off, p, rep, add_ram);
}

/*
 * The root's children: RAM from the memory nodes (device_type "memory",
 * status okay), and where /chosen and /reserved-memory are (-1: absent),
 * in one walk over the structure block's tags, each property read as it
 * passes. (Path lookups and fdt_getprop() per child would each walk the
 * blob again, re-reading node names a byte at a time: see tree.c.)
 */
static err_t plan_memory(const void *blob, struct plan *p, int *chosen, int *reserved,
			 struct fdt_report *rep)
{
	struct root_child c = { .off = -1 };
	int off = 0, next, depth = -1;
	err_t err;

	*chosen = *reserved = -1;
	for (;; off = next) {
		uint32_t tag = fdt_next_tag(blob, off, &next);
		const char *name;
		int len;

		if (next < 0)
			return fdt_report_set(rep, blob, -1, FDT_PROBLEM_BAD_STRUCTURE,
					      CAIRN_ERR_CORRUPT, "walking the nodes: libfdt: %s",
					      fdt_strerror(next));
		if (tag == FDT_END)
			return fdt_report_set(rep, blob, -1, FDT_PROBLEM_BAD_STRUCTURE,
					      CAIRN_ERR_CORRUPT,
					      "the structure block ends inside a node");
		if (tag == FDT_BEGIN_NODE) {
			if (c.reading) {
				err = root_child_done(blob, p, &c, rep);
				if (err)
					return err;
			}
			if (++depth != 1)
				continue;
			c = (struct root_child){ .off = off, .reading = true, .okay = true };
			name = fdt_get_name(blob, off, &len);
			if (name && *chosen < 0 && node_named(name, len, "chosen"))
				*chosen = off;
			if (name && *reserved < 0 && node_named(name, len, "reserved-memory"))
				*reserved = off;
		} else if (tag == FDT_END_NODE) {
			if (c.reading) {
				err = root_child_done(blob, p, &c, rep);
				if (err)
					return err;
			}
			if (--depth < 0)
				break; /* the root's end */
		} else if (tag == FDT_PROP && c.reading && depth == 1) {
			const char *v = fdt_getprop_by_offset(blob, off, &name, &len);

			if (!v || !name)
				continue; /* fdt_blob_check read every property already */
			if (!c.typed && strcmp(name, "device_type") == 0) {
				c.typed = true;
				c.memory = len == 7 && memcmp(v, "memory", 7) == 0;
			} else if (!c.rated && strcmp(name, "status") == 0) {
				c.rated = true;
				c.okay = len >= 2 && (strncmp(v, "okay", (size_t)len) == 0 ||
						      strncmp(v, "ok", (size_t)len) == 0);
			}
		}
	}
	if (p->nram == 0)
		return fdt_report_set(rep, blob, -1, FDT_PROBLEM_NO_MEMORY, CAIRN_ERR_NOMEM,
				      "no /memory node with device_type \"memory\" and a reg");
	return CAIRN_OK;
}

static err_t plan_reservations(const void *blob, paddr_t blob_pa, int rm, struct plan *p,
			       struct fdt_report *rep)
{
	int n = fdt_num_mem_rsv(blob), off;
	err_t err;

	if (n < 0)
		return fdt_report_set(rep, blob, -1, FDT_PROBLEM_BAD_STRUCTURE, CAIRN_ERR_CORRUPT,
				      "memory reservation block: libfdt: %s", fdt_strerror(n));
	for (int i = 0; i < n; i++) {
		uint64_t base, size;

		if (fdt_get_mem_rsv(blob, i, &base, &size) != 0)
			return fdt_report_set(rep, blob, -1, FDT_PROBLEM_BAD_STRUCTURE,
					      CAIRN_ERR_CORRUPT, "/memreserve/ entry %d unreadable", i);
		err = plan_reserve(p, blob, -1, base, size, BOOT_RESERVE_FIRMWARE, "/memreserve/",
				   rep);
		if (err)
			return err;
	}

	if (rm >= 0) {
		fdt_for_each_subnode(off, blob, rm) {
			if (!node_okay(blob, off))
				continue;
			err = for_each_reg(blob, rm, off, p, rep, add_reserved_mem);
			if (err)
				return err;
		}
	}

	return plan_reserve(p, blob, -1, blob_pa, fdt_totalsize(blob), BOOT_RESERVE_DTB,
			    "the device tree", rep);
}

static err_t chosen_addr(const void *blob, int chosen, const char *name, uint64_t *out,
			 struct fdt_report *rep)
{
	int len;
	const void *v = fdt_getprop(blob, chosen, name, &len);

	*out = 0;
	if (!v)
		return CAIRN_OK;
	if (len != 4 && len != 8)
		return fdt_report_set(rep, blob, chosen, FDT_PROBLEM_BAD_PROPERTY,
				      CAIRN_ERR_CORRUPT, "%s is %d bytes (4 or 8 expected)", name,
				      len);
	*out = fdt_cells_value(v, len / 4);
	return CAIRN_OK;
}

static err_t plan_chosen(const void *blob, int chosen, struct plan *p, struct fdt_report *rep)
{
	int len;
	uint64_t start, end;
	const char *s;
	err_t err;

	if (chosen < 0)
		return CAIRN_OK;
	s = fdt_getprop(blob, chosen, "bootargs", &len);
	if (s && len > 0) {
		if (s[len - 1] != '\0')
			return fdt_report_set(rep, blob, chosen, FDT_PROBLEM_BAD_PROPERTY,
					      CAIRN_ERR_CORRUPT, "bootargs is not NUL-terminated");
		p->bootargs = s;
		p->bootargs_len = (size_t)len;
	}
	s = fdt_getprop(blob, chosen, "u-boot,version", &len);
	if (s && len > 0 && s[len - 1] == '\0')
		p->loader_name = s;

	err = chosen_addr(blob, chosen, "linux,initrd-start", &start, rep);
	if (!err)
		err = chosen_addr(blob, chosen, "linux,initrd-end", &end, rep);
	if (err)
		return err;
	if (end > start)
		return plan_reserve(p, blob, chosen, start, end - start, BOOT_RESERVE_MODULE,
				    "initrd", rep);
	return CAIRN_OK;
}

err_t fdt_boot_info_fill(const struct fdt_blob *fb, paddr_t blob_pa, struct boot_info *bi,
			 struct fdt_report *rep)
{
	const void *blob = fb->fdt;
	static struct plan p; /* 3 KiB: kept off the small boot stack */
	int chosen = -1, reserved = -1;
	err_t err;

	memset(&p, 0, sizeof(p));
	rep->problem = FDT_PROBLEM_NONE;
	err = plan_memory(blob, &p, &chosen, &reserved, rep);
	if (!err)
		err = plan_reservations(blob, blob_pa, reserved, &p, rep);
	if (!err)
		err = plan_chosen(blob, chosen, &p, rep);
	if (err)
		return err;
	if (bi->nregions + p.nram > BOOT_INFO_MAX_REGIONS ||
	    bi->nreserved + p.nres > BOOT_INFO_MAX_RESERVED)
		return fdt_report_set(rep, blob, -1, FDT_PROBLEM_TOO_BIG, CAIRN_ERR_LIMIT,
				      "the boot_info tables cannot take %zu regions and %zu "
				      "reservations more", p.nram, p.nres);

	/* Act: every range was checked above, so none of these can fail. */
	for (size_t i = 0; i < p.nram; i++)
		(void)boot_info_add_region(bi, p.ram[i].base, p.ram[i].size, BOOT_MEM_USABLE);
	for (size_t i = 0; i < p.nres; i++)
		(void)boot_info_reserve(bi, p.res[i].base, p.res[i].size,
					(enum boot_reserve_kind)p.res[i].kind);
	if (p.bootargs)
		(void)boot_info_set_cmdline(bi, p.bootargs, p.bootargs_len);
	if (p.loader_name)
		ksnprintf(bi->loader_name, sizeof(bi->loader_name), "U-Boot %s", p.loader_name);
	bi->dtb_paddr = blob_pa;
	bi->dtb_size = fdt_totalsize(blob);
	return CAIRN_OK;
}
