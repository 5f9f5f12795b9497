// SPDX-License-Identifier: BSD-2-Clause
/*
 * multiboot2_parse: GRUB's boot information block -> struct boot_info.
 *
 * The block comes from outside the kernel and is read as hostile input. The
 * parser maps the 8-byte header, bounds total_size, then maps the whole
 * block once and works on that byte range only: every read goes through
 * load_le32()/load_le64() at an offset that was checked against the range first.
 * Fields are read with memcpy, never through a cast pointer, so neither the
 * block's alignment nor the compiler's aliasing rules matter.
 *
 * "Validate fully, then act": pass 1 (check_block) walks every tag and
 * checks its framing and its type's own rules; nothing is written to the
 * boot_info. Pass 2 (fill) walks the now-trusted tags again and records
 * them. Pass 2 can still fail where boot_info itself refuses a value (a
 * range above 2^52, a full table); it then resets the boot_info so the
 * caller never sees half a map.
 *
 * Invariants (cited by the asserts below):
 *  I1. Pass 2 runs only on a block pass 1 accepted: every tag lies inside
 *      [8, total_size), is at least 8 bytes and its type's fixed part fits.
 *  I2. Strings recorded in pass 2 have a NUL inside their tag (pass 1).
 */
#include "multiboot2.h"

#include <kernel/assert.h>
#include <kernel/log.h>
#include <kernel/string.h>
#include <kernel/unaligned.h>

#define TAG_HEADER 8u         /* u32 type, u32 size */
#define MMAP_HEADER 8u        /* u32 entry_size, u32 entry_version */
#define MODULE_FIXED 8u       /* u32 mod_start, u32 mod_end */
#define RSDP_V1_LEN 20u
#define RSDP_V2_LEN 36u

/* The block as pass 1 found it. */
struct mb2_block {
	const uint8_t *p;
	uint32_t total;
	bool have_mmap;
};


static uint8_t byte_sum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum;
}

/* A string payload must hold its NUL inside the tag. */
static err_t check_string(const uint8_t *s, size_t len, const char *what)
{
	if (!memchr(s, '\0', len))
		return CORRUPT("multiboot2: %s tag holds no terminating NUL in %zu bytes",
			       what, len);
	return CAIRN_OK;
}

/*
 * An RSDP copy: the 20-byte ACPI 1.0 part always, plus the extended part
 * when `v2` (tag 15). `len` is the tag's payload size.
 */
static err_t check_rsdp(const uint8_t *r, size_t len, bool v2)
{
	uint32_t full;

	if (len < (v2 ? RSDP_V2_LEN : RSDP_V1_LEN))
		return CORRUPT("multiboot2: ACPI %s RSDP tag holds %zu bytes, needs %u",
			       v2 ? "new" : "old", len, v2 ? RSDP_V2_LEN : RSDP_V1_LEN);
	if (memcmp(r, "RSD PTR ", 8) != 0)
		return CORRUPT("multiboot2: ACPI RSDP copy lacks the \"RSD PTR \" signature");
	if (byte_sum(r, RSDP_V1_LEN) != 0)
		return CORRUPT("multiboot2: ACPI RSDP copy fails its 20-byte checksum");
	if (!v2)
		return CAIRN_OK;
	if (r[15] < 2)
		return CORRUPT("multiboot2: ACPI new RSDP tag holds revision %u (< 2)", r[15]);
	full = load_le32(r + 20);
	if (full < RSDP_V2_LEN)
		return CORRUPT("multiboot2: ACPI RSDP length %u is below %u", full, RSDP_V2_LEN);
	if (full > len) {
		LOG_ERR("multiboot2: ACPI RSDP length %u runs past its %zu-byte tag", full, len);
		return CAIRN_ERR_TRUNCATED;
	}
	if (byte_sum(r, full) != 0)
		return CORRUPT("multiboot2: ACPI RSDP copy fails its extended checksum");
	return CAIRN_OK;
}

static err_t check_mmap(const uint8_t *t, size_t len)
{
	uint32_t esize;

	if (len < MMAP_HEADER)
		return CORRUPT("multiboot2: memory map tag of %zu payload bytes has no header",
			       len);
	esize = load_le32(t);
	if (esize < MULTIBOOT2_MMAP_ENTRY_MIN || esize > MULTIBOOT2_MMAP_ENTRY_MAX ||
	    !IS_ALIGNED(esize, 8u))
		return CORRUPT("multiboot2: memory map entry_size %u (want a multiple of 8 "
			       "in [%u, %u])", esize, MULTIBOOT2_MMAP_ENTRY_MIN,
			       MULTIBOOT2_MMAP_ENTRY_MAX);
	if ((len - MMAP_HEADER) % esize != 0)
		return CORRUPT("multiboot2: memory map of %zu bytes is not a whole number "
			       "of %u-byte entries", len - MMAP_HEADER, esize);
	return CAIRN_OK;
}

static err_t check_module(const uint8_t *t, size_t len)
{
	uint32_t start, end;

	if (len < MODULE_FIXED + 1)
		return CORRUPT("multiboot2: module tag of %zu payload bytes is too short", len);
	start = load_le32(t);
	end = load_le32(t + 4);
	if (end < start)
		return CORRUPT("multiboot2: module ends (%#x) before it starts (%#x)", end,
			       start);
	return check_string(t + MODULE_FIXED, len - MODULE_FIXED, "module");
}

/* One tag's own rules; `t` is its payload of `len` bytes. */
static err_t check_tag(uint32_t type, const uint8_t *t, size_t len)
{
	switch (type) {
	case MULTIBOOT2_TAG_CMDLINE:
		return check_string(t, len, "command line");
	case MULTIBOOT2_TAG_BOOT_LOADER_NAME:
		return check_string(t, len, "boot loader name");
	case MULTIBOOT2_TAG_MODULE:
		return check_module(t, len);
	case MULTIBOOT2_TAG_MMAP:
		return check_mmap(t, len);
	case MULTIBOOT2_TAG_ACPI_OLD:
		return check_rsdp(t, len, false);
	case MULTIBOOT2_TAG_ACPI_NEW:
		return check_rsdp(t, len, true);
	default:
		return CAIRN_OK; /* unknown or unused: skipped */
	}
}

/* Pass 1: framing of every tag, and each tag's own rules. */
static err_t check_block(struct mb2_block *b)
{
	uint32_t off = 8;

	for (;;) {
		uint32_t type, size;
		err_t err;

		if (off == b->total)
			return CORRUPT("multiboot2: tag list of %u bytes has no end tag",
				       b->total);
		if (b->total - off < TAG_HEADER) {
			LOG_ERR("multiboot2: tag header at offset %u runs past total_size %u",
				off, b->total);
			return CAIRN_ERR_TRUNCATED;
		}
		type = load_le32(b->p + off);
		size = load_le32(b->p + off + 4);
		if (size < TAG_HEADER)
			return CORRUPT("multiboot2: tag type %u at offset %u has size %u (< 8)",
				       type, off, size);
		if (size > b->total - off) {
			LOG_ERR("multiboot2: tag type %u at offset %u, size %u, runs past "
				"total_size %u", type, off, size, b->total);
			return CAIRN_ERR_TRUNCATED;
		}
		if (type == MULTIBOOT2_TAG_END) {
			if (size != TAG_HEADER)
				return CORRUPT("multiboot2: end tag has size %u (want 8)", size);
			return CAIRN_OK;
		}
		err = check_tag(type, b->p + off + TAG_HEADER, size - TAG_HEADER);
		if (err)
			return err;
		/* A map with entries; check_tag made entry_size >= 24. */
		if (type == MULTIBOOT2_TAG_MMAP && size - TAG_HEADER > MMAP_HEADER)
			b->have_mmap = true;
		/* size <= total - off and total <= 1 MiB: no wrap, and off stays
		 * 8-aligned; it may step past total, caught by the next test. */
		off += ALIGN_UP(size, 8u);
		if (off > b->total) {
			LOG_ERR("multiboot2: padding after tag type %u runs past total_size %u",
				type, b->total);
			return CAIRN_ERR_TRUNCATED;
		}
	}
}

static uint32_t mem_type(uint32_t mb_type)
{
	switch (mb_type) {
	case MULTIBOOT2_MEMORY_AVAILABLE:
		return BOOT_MEM_USABLE;
	case MULTIBOOT2_MEMORY_ACPI_RECLAIMABLE:
		return BOOT_MEM_ACPI_RECLAIMABLE;
	case MULTIBOOT2_MEMORY_NVS:
		return BOOT_MEM_ACPI_NVS;
	case MULTIBOOT2_MEMORY_BADRAM:
		return BOOT_MEM_BAD;
	case MULTIBOOT2_MEMORY_PERSISTENT:
	case MULTIBOOT2_MEMORY_PERSISTENT_LEGACY:
		return BOOT_MEM_PERSISTENT;
	default:
		return BOOT_MEM_RESERVED;
	}
}

static err_t fill_mmap(struct boot_info *bi, const uint8_t *t, size_t len)
{
	uint32_t esize = load_le32(t);

	for (size_t off = MMAP_HEADER; off < len; off += esize) {
		uint64_t base = load_le64(t + off), size = load_le64(t + off + 8);
		uint32_t type = load_le32(t + off + 16);
		err_t err = boot_info_add_region(bi, base, size, (enum boot_mem_type)mem_type(type));

		if (err) {
			LOG_ERR("multiboot2: memory map entry base %#llx length %#llx type %u "
				"refused: %s", (unsigned long long)base, (unsigned long long)size,
				type, cairn_err_name(err));
			return err;
		}
	}
	return CAIRN_OK;
}

static err_t fill_module(struct boot_info *bi, const uint8_t *t)
{
	uint32_t start = load_le32(t), end = load_le32(t + 4);
	err_t err;

	if (end == start) {
		LOG_WARN("multiboot2: empty module at %#x (\"%s\") ignored", start,
			 (const char *)t + MODULE_FIXED);
		return CAIRN_OK;
	}
	err = boot_info_reserve(bi, start, end - start, BOOT_RESERVE_MODULE);
	if (err)
		LOG_ERR("multiboot2: module [%#x, %#x) refused: %s", start, end,
			cairn_err_name(err));
	return err;
}

/* Pass 2: record the tags pass 1 accepted (I1). */
static err_t fill(const struct mb2_block *b, paddr_t info_pa, struct boot_info *bi)
{
	const uint8_t *rsdp_old = NULL, *rsdp_new = NULL;
	uint32_t off = 8;
	err_t err = CAIRN_OK;

	for (;;) {
		uint32_t type, size;
		const uint8_t *t;

		ASSERT(b->total - off >= TAG_HEADER); /* I1 */
		type = load_le32(b->p + off);
		size = load_le32(b->p + off + 4);
		ASSERT(size >= TAG_HEADER && size <= b->total - off); /* I1 */
		if (type == MULTIBOOT2_TAG_END)
			break;
		t = b->p + off + TAG_HEADER;
		switch (type) {
		case MULTIBOOT2_TAG_CMDLINE:
			/* I2: NUL inside the tag; a long line is cut and flagged. */
			if (boot_info_set_cmdline(bi, (const char *)t, size - TAG_HEADER))
				LOG_WARN("multiboot2: command line longer than %d bytes; truncated",
					 CMDLINE_MAX - 1);
			break;
		case MULTIBOOT2_TAG_BOOT_LOADER_NAME:
			kstrlcpy(bi->loader_name, (const char *)t, sizeof(bi->loader_name)); /* I2 */
			break;
		case MULTIBOOT2_TAG_MODULE:
			err = fill_module(bi, t);
			break;
		case MULTIBOOT2_TAG_MMAP:
			err = fill_mmap(bi, t, size - TAG_HEADER);
			break;
		case MULTIBOOT2_TAG_ACPI_OLD:
			rsdp_old = t;
			break;
		case MULTIBOOT2_TAG_ACPI_NEW:
			rsdp_new = t;
			break;
		default:
			break;
		}
		if (err)
			return err;
		off += ALIGN_UP(size, 8u);
	}

	/* ACPI 2.0+ RSDP first: it carries the XSDT. Both were verified. */
	if (rsdp_new) {
		memcpy(bi->acpi_rsdp, rsdp_new, RSDP_V2_LEN);
		bi->acpi_rsdp_len = RSDP_V2_LEN;
	} else if (rsdp_old) {
		memcpy(bi->acpi_rsdp, rsdp_old, RSDP_V1_LEN);
		bi->acpi_rsdp_len = RSDP_V1_LEN;
	}

	err = boot_info_reserve(bi, info_pa, b->total, BOOT_RESERVE_LOADER);
	if (err)
		LOG_ERR("multiboot2: cannot reserve the information block: %s",
			cairn_err_name(err));
	return err;
}

err_t multiboot2_parse(const struct phys_window *w, uint32_t magic, paddr_t info_pa,
		       struct boot_info *bi)
{
	struct mb2_block b = { 0 };
	const uint8_t *head;
	err_t err;

	boot_info_init(bi, "multiboot2");
	if (magic != MULTIBOOT2_BOOTLOADER_MAGIC) {
		LOG_ERR("multiboot2: entry magic %#x is not %#x: not a multiboot2 loader",
			magic, MULTIBOOT2_BOOTLOADER_MAGIC);
		return CAIRN_ERR_INVAL;
	}
	if (!IS_ALIGNED(info_pa, (paddr_t)8)) {
		LOG_ERR("multiboot2: information block at %#llx is not 8-byte aligned",
			(unsigned long long)info_pa);
		return CAIRN_ERR_ALIGN;
	}
	head = w->map(w->ctx, info_pa, 8);
	if (!head) {
		LOG_ERR("multiboot2: information block at %#llx is not readable",
			(unsigned long long)info_pa);
		return CAIRN_ERR_FAULT;
	}
	b.total = load_le32(head);
	if (b.total < MULTIBOOT2_INFO_MIN_SIZE)
		return CORRUPT("multiboot2: total_size %u is below %u", b.total,
			       MULTIBOOT2_INFO_MIN_SIZE);
	if (b.total > MULTIBOOT2_INFO_MAX_SIZE) {
		LOG_ERR("multiboot2: total_size %u is above the %u-byte limit", b.total,
			MULTIBOOT2_INFO_MAX_SIZE);
		return CAIRN_ERR_RANGE;
	}
	b.p = w->map(w->ctx, info_pa, b.total);
	if (!b.p) {
		LOG_ERR("multiboot2: information block [%#llx, +%u) is not readable",
			(unsigned long long)info_pa, b.total);
		return CAIRN_ERR_FAULT;
	}

	err = check_block(&b);
	if (err)
		return err;
	if (!b.have_mmap) {
		LOG_ERR("multiboot2: the loader gave no memory map (tag 6 with entries)");
		return CAIRN_ERR_NOENT;
	}

	err = fill(&b, info_pa, bi);
	if (err)
		goto fail;
	return CAIRN_OK;

fail:
	/* Never leave half a map behind (see the header). */
	boot_info_init(bi, "multiboot2");
	return err;
}
