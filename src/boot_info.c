// SPDX-License-Identifier: BSD-2-Clause
/*
 * boot_info: recording and resolving the loader's memory map (see
 * include/kernel/boot_info.h).
 *
 * finalize() works in two passes:
 *  1. Resolve the firmware map into disjoint regions. The map is cut at
 *     every region boundary; each elementary interval takes the most
 *     restrictive type of the regions covering it (BAD > RESERVED > ACPI NVS
 *     > PERSISTENT > ACPI reclaimable > usable), and neighbours of equal
 *     type are merged. An interval claimed both usable and not is a
 *     conflict: counted and logged, resolved as not usable.
 *  2. Usable memory is each usable region minus every reservation, shrunk
 *     inward to whole pages.
 * Both passes are quadratic in the number of entries (at most 128 regions
 * and 32 reservations): a few thousand steps, once per boot, with no
 * allocation.
 */
#include <kernel/boot_info.h>
#include <kernel/fmt.h>
#include <kernel/log.h>
#include <kernel/string.h>

static const char *const mem_type_names[] = {
	[BOOT_MEM_USABLE] = "usable",
	[BOOT_MEM_RESERVED] = "reserved",
	[BOOT_MEM_ACPI_RECLAIMABLE] = "ACPI reclaimable",
	[BOOT_MEM_ACPI_NVS] = "ACPI NVS",
	[BOOT_MEM_BAD] = "bad",
	[BOOT_MEM_PERSISTENT] = "persistent",
};

static const char *const reserve_kind_names[] = {
	[BOOT_RESERVE_IMAGE] = "kernel image",
	[BOOT_RESERVE_LOADER] = "loader info",
	[BOOT_RESERVE_CMDLINE] = "command line",
	[BOOT_RESERVE_DTB] = "device tree",
	[BOOT_RESERVE_MODULE] = "boot module",
	[BOOT_RESERVE_FIRMWARE] = "firmware",
};

/* Restrictiveness of each type, for resolving overlaps. */
static const uint8_t mem_type_rank[] = {
	[BOOT_MEM_USABLE] = 1,   [BOOT_MEM_ACPI_RECLAIMABLE] = 2,
	[BOOT_MEM_PERSISTENT] = 3, [BOOT_MEM_ACPI_NVS] = 4,
	[BOOT_MEM_RESERVED] = 5, [BOOT_MEM_BAD] = 6,
};

const char *boot_mem_type_name(uint32_t type)
{
	if (type < ARRAY_SIZE(mem_type_names) && mem_type_names[type])
		return mem_type_names[type];
	return "unknown";
}

const char *boot_reserve_kind_name(uint32_t kind)
{
	if (kind < ARRAY_SIZE(reserve_kind_names) && reserve_kind_names[kind])
		return reserve_kind_names[kind];
	return "unknown";
}

void boot_info_init(struct boot_info *bi, const char *loader)
{
	memset(bi, 0, sizeof(*bi));
	bi->loader = loader;
}

static err_t check_range(paddr_t base, uint64_t size)
{
	uint64_t end;

	if (add_overflows(base, size, &end))
		return CAIRN_ERR_OVERFLOW;
	if (end > BOOT_INFO_PADDR_LIMIT)
		return CAIRN_ERR_RANGE;
	return CAIRN_OK;
}

err_t boot_info_add_region(struct boot_info *bi, paddr_t base, uint64_t size,
			   enum boot_mem_type type)
{
	err_t err;

	if ((unsigned)type >= ARRAY_SIZE(mem_type_rank) || !mem_type_rank[type])
		return CAIRN_ERR_INVAL;
	if (size == 0)
		return CAIRN_OK;
	err = check_range(base, size);
	if (err)
		return err;
	if (bi->nregions == BOOT_INFO_MAX_REGIONS)
		return CAIRN_ERR_LIMIT;
	bi->regions[bi->nregions++] = (struct boot_mem_region){ base, size, type };
	return CAIRN_OK;
}

err_t boot_info_reserve(struct boot_info *bi, paddr_t base, uint64_t size,
			enum boot_reserve_kind kind)
{
	err_t err;

	if (size == 0 || (unsigned)kind >= ARRAY_SIZE(reserve_kind_names) ||
	    !reserve_kind_names[kind])
		return CAIRN_ERR_INVAL;
	err = check_range(base, size);
	if (err)
		return err;
	if (bi->nreserved == BOOT_INFO_MAX_RESERVED)
		return CAIRN_ERR_LIMIT;
	bi->reserved[bi->nreserved++] = (struct boot_reserved){ base, size, kind };
	return CAIRN_OK;
}

err_t boot_info_set_cmdline(struct boot_info *bi, const char *s, size_t len)
{
	size_t n = strnlen(s, len);

	bi->cmdline_truncated = n >= sizeof(bi->cmdline);
	if (bi->cmdline_truncated)
		n = sizeof(bi->cmdline) - 1;
	memcpy(bi->cmdline, s, n);
	bi->cmdline[n] = '\0';
	return bi->cmdline_truncated ? CAIRN_ERR_RANGE : CAIRN_OK;
}

static void sort_u64(uint64_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint64_t x = v[i];
		size_t j = i;

		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

/* Pass 1: make bi->regions sorted and disjoint. */
static err_t resolve_regions(struct boot_info *bi)
{
	static uint64_t cuts[2 * BOOT_INFO_MAX_REGIONS];
	static struct boot_mem_region out[2 * BOOT_INFO_MAX_REGIONS];
	size_t ncuts = 0, nout = 0;

	for (size_t i = 0; i < bi->nregions; i++) {
		cuts[ncuts++] = bi->regions[i].base;
		cuts[ncuts++] = bi->regions[i].base + bi->regions[i].size;
	}
	sort_u64(cuts, ncuts);

	for (size_t c = 0; c + 1 < ncuts; c++) {
		uint64_t lo = cuts[c], hi = cuts[c + 1];
		uint32_t type = 0;
		bool usable_seen = false;

		if (lo == hi)
			continue;
		for (size_t i = 0; i < bi->nregions; i++) {
			const struct boot_mem_region *r = &bi->regions[i];

			if (r->base <= lo && r->base + r->size >= hi) {
				usable_seen |= r->type == BOOT_MEM_USABLE;
				if (!type || mem_type_rank[r->type] > mem_type_rank[type])
					type = r->type;
			}
		}
		if (!type)
			continue; /* a hole between regions */
		if (usable_seen && type != BOOT_MEM_USABLE) {
			bi->overlaps++;
			LOG_WARN("boot: memory map conflict at [%#llx-%#llx): usable and %s; "
				 "treated as %s", (unsigned long long)lo, (unsigned long long)hi,
				 boot_mem_type_name(type), boot_mem_type_name(type));
		}
		if (nout && out[nout - 1].type == type &&
		    out[nout - 1].base + out[nout - 1].size == lo) {
			out[nout - 1].size += hi - lo;
		} else {
			out[nout++] = (struct boot_mem_region){ lo, hi - lo, type };
		}
	}
	if (nout > BOOT_INFO_MAX_REGIONS)
		return CAIRN_ERR_LIMIT;
	memcpy(bi->regions, out, nout * sizeof(out[0]));
	bi->nregions = nout;
	return CAIRN_OK;
}

/* Pass 2 helper: add [lo, hi) minus reservations starting at index `from`. */
static err_t add_usable(struct boot_info *bi, uint64_t lo, uint64_t hi, size_t from)
{
	for (size_t i = from; i < bi->nreserved; i++) {
		uint64_t rlo = bi->reserved[i].base;
		uint64_t rhi = rlo + bi->reserved[i].size;
		err_t err;

		if (rhi <= lo || rlo >= hi)
			continue;
		/* Split around the reservation and carry on with the others. */
		if (rlo > lo) {
			err = add_usable(bi, lo, rlo, i + 1);
			if (err)
				return err;
		}
		if (rhi < hi)
			return add_usable(bi, rhi, hi, i + 1);
		return CAIRN_OK;
	}
	lo = ALIGN_UP(lo, (uint64_t)BOOT_INFO_PAGE_SIZE);
	hi = ALIGN_DOWN(hi, (uint64_t)BOOT_INFO_PAGE_SIZE);
	if (lo >= hi)
		return CAIRN_OK;
	if (bi->nusable == BOOT_INFO_MAX_USABLE)
		return CAIRN_ERR_LIMIT;
	bi->usable[bi->nusable++] = (struct boot_usable){ lo, hi - lo };
	bi->usable_bytes += hi - lo;
	return CAIRN_OK;
}

static void sort_usable(struct boot_info *bi)
{
	for (size_t i = 1; i < bi->nusable; i++) {
		struct boot_usable x = bi->usable[i];
		size_t j = i;

		while (j > 0 && bi->usable[j - 1].base > x.base) {
			bi->usable[j] = bi->usable[j - 1];
			j--;
		}
		bi->usable[j] = x;
	}
}

err_t boot_info_finalize(struct boot_info *bi)
{
	err_t err;

	bi->nusable = 0;
	bi->usable_bytes = 0;
	bi->overlaps = 0;
	err = resolve_regions(bi);
	if (err)
		return err;
	for (size_t i = 0; i < bi->nregions; i++) {
		const struct boot_mem_region *r = &bi->regions[i];

		if (r->type != BOOT_MEM_USABLE)
			continue;
		err = add_usable(bi, r->base, r->base + r->size, 0);
		if (err)
			return err;
	}
	sort_usable(bi);
	return bi->usable_bytes ? CAIRN_OK : CAIRN_ERR_NOMEM;
}

void boot_info_log(const struct boot_info *bi)
{
	for (size_t i = 0; i < bi->nregions; i++) {
		struct fmt_range r = { bi->regions[i].base, bi->regions[i].size };

		LOG_INFO("memory: %pR %s", &r, boot_mem_type_name(bi->regions[i].type));
	}
	for (size_t i = 0; i < bi->nreserved; i++) {
		struct fmt_range r = { bi->reserved[i].base, bi->reserved[i].size };

		LOG_DEBUG("memory: %pR reserved for %s", &r,
			 boot_reserve_kind_name(bi->reserved[i].kind));
	}
	LOG_INFO("memory: %llu KiB usable in %zu ranges%s",
		 (unsigned long long)(bi->usable_bytes / 1024), bi->nusable,
		 bi->overlaps ? " (map conflicts resolved as not usable)" : "");
}
