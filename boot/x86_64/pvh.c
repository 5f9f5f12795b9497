// SPDX-License-Identifier: BSD-2-Clause
/*
 * pvh_parse: a PVH hvm_start_info -> struct boot_info.
 *
 * The start info and everything it points at (the memory map array, the
 * module list, the command line) come from the hypervisor and are read as
 * hostile input, only through the struct phys_window, only after each
 * address + size has been checked for wrap-around and each count bounded.
 * Fields are read with memcpy, so the structures' alignment never matters.
 *
 * "Validate fully, then act": collect() maps and checks every structure and
 * records where each lies in a struct pvh_view; only then does fill() write
 * the boot_info. fill() can still be refused by boot_info (a range above
 * 2^52, a full table); it then leaves the boot_info reset, never half full.
 *
 * The command line is the one string without a declared length. It is
 * scanned a byte at a time through the window (so a string ending right at
 * the edge of readable memory is still read, and nothing past its NUL is
 * touched) up to CMDLINE_MAX bytes; see pvh.h for what happens to longer or
 * unterminated lines.
 *
 * Invariant (cited by the asserts below):
 *  I1. fill() runs only on a view collect() accepted: memmap holds
 *      memmap_entries (1..BOOT_INFO_MAX_REGIONS) entries and modlist
 *      nr_modules (0..PVH_MAX_MODULES) entries, all readable.
 */
#include "pvh.h"

#include <kernel/assert.h>
#include <kernel/log.h>
#include <kernel/string.h>
#include <kernel/unaligned.h>

/* Offsets in struct hvm_start_info. */
#define SI_MAGIC 0x00
#define SI_VERSION 0x04
#define SI_NR_MODULES 0x0c
#define SI_MODLIST_PADDR 0x10
#define SI_CMDLINE_PADDR 0x18
#define SI_RSDP_PADDR 0x20
#define SI_MEMMAP_PADDR 0x28
#define SI_MEMMAP_ENTRIES 0x30

/* What collect() found, all checked (I1). */
struct pvh_view {
	paddr_t si_pa;
	uint32_t version;
	paddr_t memmap_pa;
	const uint8_t *memmap;
	uint32_t memmap_entries;
	paddr_t modlist_pa;
	const uint8_t *modlist;
	uint32_t nr_modules;
	paddr_t cmdline_pa;
	const char *cmdline;   /* NULL: none */
	size_t cmdline_len;    /* bytes before the NUL, or CMDLINE_MAX if none seen */
	bool cmdline_unterminated;
	paddr_t rsdp_pa;
};


/* Map an array of `n` entries of `esize` bytes at `pa`; n * esize is small. */
static err_t map_array(const struct phys_window *w, paddr_t pa, uint32_t n, size_t esize,
		       const char *what, const uint8_t **out)
{
	uint64_t bytes = (uint64_t)n * esize, end;

	if (add_overflows(pa, bytes, &end)) {
		LOG_ERR("pvh: %s at %#llx (%u entries) wraps the address space", what,
			(unsigned long long)pa, n);
		return CAIRN_ERR_OVERFLOW;
	}
	*out = w->map(w->ctx, pa, (size_t)bytes);
	if (!*out) {
		LOG_ERR("pvh: %s at %#llx (%u entries) is not readable", what,
			(unsigned long long)pa, n);
		return CAIRN_ERR_FAULT;
	}
	return CAIRN_OK;
}

/* Find the command line's length, a byte at a time (see the file comment). */
static err_t measure_cmdline(const struct phys_window *w, struct pvh_view *v)
{
	size_t n;

	for (n = 0; n < CMDLINE_MAX; n++) {
		const char *c = w->map(w->ctx, v->cmdline_pa + n, 1);

		if (!c || v->cmdline_pa + n < v->cmdline_pa) {
			LOG_ERR("pvh: command line at %#llx becomes unreadable after %zu bytes "
				"without a NUL", (unsigned long long)v->cmdline_pa, n);
			return CAIRN_ERR_FAULT;
		}
		if (*c == '\0')
			break;
	}
	v->cmdline_unterminated = n == CMDLINE_MAX;
	v->cmdline_len = n;
	/* The NUL too when there is one; n >= 1 when unterminated. */
	v->cmdline = w->map(w->ctx, v->cmdline_pa, v->cmdline_unterminated ? n : n + 1);
	if (!v->cmdline)
		return CAIRN_ERR_FAULT; /* each byte mapped above; a window bug */
	return CAIRN_OK;
}

/* Map and check everything; touch nothing. */
static err_t collect(const struct phys_window *w, struct pvh_view *v)
{
	const uint8_t *si;
	err_t err;

	si = w->map(w->ctx, v->si_pa, 8);
	if (!si) {
		LOG_ERR("pvh: start info at %#llx is not readable",
			(unsigned long long)v->si_pa);
		return CAIRN_ERR_FAULT;
	}
	if (load_le32(si + SI_MAGIC) != PVH_START_MAGIC) {
		LOG_ERR("pvh: start info magic %#x is not %#x", load_le32(si + SI_MAGIC),
			PVH_START_MAGIC);
		return CAIRN_ERR_INVAL;
	}
	v->version = load_le32(si + SI_VERSION);
	if (v->version == 0) {
		LOG_ERR("pvh: start info version 0 carries no memory map; Cairn needs "
			"version 1 or later (a newer hypervisor)");
		return CAIRN_ERR_NOTSUP;
	}
	si = w->map(w->ctx, v->si_pa, PVH_START_INFO_V1_SIZE);
	if (!si) {
		LOG_ERR("pvh: start info [%#llx, +%u) is not readable",
			(unsigned long long)v->si_pa, PVH_START_INFO_V1_SIZE);
		return CAIRN_ERR_FAULT;
	}

	v->memmap_pa = load_le64(si + SI_MEMMAP_PADDR);
	v->memmap_entries = load_le32(si + SI_MEMMAP_ENTRIES);
	if (v->memmap_entries == 0) {
		LOG_ERR("pvh: the memory map is empty");
		return CAIRN_ERR_NOENT;
	}
	if (v->memmap_entries > BOOT_INFO_MAX_REGIONS) {
		LOG_ERR("pvh: memory map of %u entries exceeds %d", v->memmap_entries,
			BOOT_INFO_MAX_REGIONS);
		return CAIRN_ERR_LIMIT;
	}
	err = map_array(w, v->memmap_pa, v->memmap_entries, PVH_MEMMAP_ENTRY_SIZE,
			"memory map", &v->memmap);
	if (err)
		return err;

	v->nr_modules = load_le32(si + SI_NR_MODULES);
	v->modlist_pa = load_le64(si + SI_MODLIST_PADDR);
	if (v->nr_modules > PVH_MAX_MODULES) {
		LOG_ERR("pvh: %u modules exceed %d", v->nr_modules, PVH_MAX_MODULES);
		return CAIRN_ERR_LIMIT;
	}
	if (v->nr_modules) {
		err = map_array(w, v->modlist_pa, v->nr_modules, PVH_MODLIST_ENTRY_SIZE,
				"module list", &v->modlist);
		if (err)
			return err;
	}

	v->rsdp_pa = load_le64(si + SI_RSDP_PADDR);
	if (v->rsdp_pa >= BOOT_INFO_PADDR_LIMIT) {
		LOG_ERR("pvh: RSDP address %#llx is above 2^52",
			(unsigned long long)v->rsdp_pa);
		return CAIRN_ERR_RANGE;
	}

	v->cmdline_pa = load_le64(si + SI_CMDLINE_PADDR);
	if (v->cmdline_pa)
		return measure_cmdline(w, v);
	return CAIRN_OK;
}

static enum boot_mem_type mem_type(uint32_t e820)
{
	switch (e820) {
	case PVH_MEMMAP_TYPE_RAM:
		return BOOT_MEM_USABLE;
	case PVH_MEMMAP_TYPE_ACPI:
		return BOOT_MEM_ACPI_RECLAIMABLE;
	case PVH_MEMMAP_TYPE_NVS:
		return BOOT_MEM_ACPI_NVS;
	case PVH_MEMMAP_TYPE_UNUSABLE:
		return BOOT_MEM_BAD;
	case PVH_MEMMAP_TYPE_PMEM:
		return BOOT_MEM_PERSISTENT;
	default:
		return BOOT_MEM_RESERVED;
	}
}

static err_t reserve(struct boot_info *bi, paddr_t pa, uint64_t size,
		     enum boot_reserve_kind kind, const char *what)
{
	err_t err = boot_info_reserve(bi, pa, size, kind);

	if (err)
		LOG_ERR("pvh: %s [%#llx, +%#llx) refused: %s", what, (unsigned long long)pa,
			(unsigned long long)size, cairn_err_name(err));
	return err;
}

static err_t fill(const struct pvh_view *v, struct boot_info *bi)
{
	err_t err;

	ASSERT(v->memmap && v->memmap_entries >= 1 &&
	       v->memmap_entries <= BOOT_INFO_MAX_REGIONS); /* I1 */
	ASSERT(v->nr_modules <= PVH_MAX_MODULES && (!v->nr_modules || v->modlist)); /* I1 */

	for (uint32_t i = 0; i < v->memmap_entries; i++) {
		const uint8_t *e = v->memmap + (size_t)i * PVH_MEMMAP_ENTRY_SIZE;
		uint64_t base = load_le64(e), size = load_le64(e + 8);
		uint32_t type = load_le32(e + 16);

		err = boot_info_add_region(bi, base, size, mem_type(type));
		if (err) {
			LOG_ERR("pvh: memory map entry %u (base %#llx size %#llx type %u) "
				"refused: %s", i, (unsigned long long)base,
				(unsigned long long)size, type, cairn_err_name(err));
			return err;
		}
	}

	for (uint32_t i = 0; i < v->nr_modules; i++) {
		const uint8_t *m = v->modlist + (size_t)i * PVH_MODLIST_ENTRY_SIZE;
		uint64_t pa = load_le64(m), size = load_le64(m + 8);

		if (size == 0) {
			LOG_WARN("pvh: empty module %u at %#llx ignored", i,
				 (unsigned long long)pa);
			continue;
		}
		err = reserve(bi, pa, size, BOOT_RESERVE_MODULE, "module");
		if (err)
			return err;
	}

	err = reserve(bi, v->si_pa, PVH_START_INFO_V1_SIZE, BOOT_RESERVE_LOADER, "start info");
	if (err)
		return err;
	err = reserve(bi, v->memmap_pa, (uint64_t)v->memmap_entries * PVH_MEMMAP_ENTRY_SIZE,
		      BOOT_RESERVE_LOADER, "memory map array");
	if (err)
		return err;
	if (v->nr_modules) {
		err = reserve(bi, v->modlist_pa,
			      (uint64_t)v->nr_modules * PVH_MODLIST_ENTRY_SIZE,
			      BOOT_RESERVE_LOADER, "module list");
		if (err)
			return err;
	}

	if (v->cmdline) {
		size_t bytes = v->cmdline_unterminated ? v->cmdline_len : v->cmdline_len + 1;

		err = reserve(bi, v->cmdline_pa, bytes, BOOT_RESERVE_CMDLINE, "command line");
		if (err)
			return err;
		/* At most CMDLINE_MAX bytes were mapped: set_cmdline reads no further. */
		if (boot_info_set_cmdline(bi, v->cmdline, bytes) != CAIRN_OK ||
		    v->cmdline_unterminated) {
			bi->cmdline_truncated = true;
			LOG_WARN("pvh: command line longer than %d bytes%s; truncated",
				 CMDLINE_MAX - 1, v->cmdline_unterminated ?
				 " (no NUL within the limit)" : "");
		}
	}
	bi->acpi_rsdp_paddr = v->rsdp_pa;
	return CAIRN_OK;
}

err_t pvh_parse(const struct phys_window *w, paddr_t start_info_pa, struct boot_info *bi)
{
	struct pvh_view v = { .si_pa = start_info_pa };
	err_t err;

	boot_info_init(bi, "pvh");
	err = collect(w, &v);
	if (err)
		return err;
	err = fill(&v, bi);
	if (err)
		goto fail;
	return CAIRN_OK;

fail:
	/* Never leave half a map behind (see the header). */
	boot_info_init(bi, "pvh");
	return err;
}
