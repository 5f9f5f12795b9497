/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * boot_info: what every loader tells the kernel, in one normalised form.
 *
 * Each boot path (multiboot2 from GRUB, PVH from QEMU/Firecracker, the arm64
 * Image protocol from U-Boot) parses its loader's structures into one
 * struct boot_info and never leaks the loader's format further. Parsers
 * treat the loader's data as untrusted input: every length and range is
 * checked and a malformed structure is an error, never a crash.
 *
 * The memory map is kept as the firmware reported it (`regions`), plus the
 * ranges the kernel must not hand out although the firmware calls them usable
 * (`reserved`: the image, the loader's info block, the DTB, the command line,
 * modules). boot_info_finalize() resolves both into `usable`: sorted,
 * non-overlapping, page-aligned ranges of free RAM.
 *
 * Overlaps: firmware maps sometimes overlap. A byte claimed by a usable and a
 * non-usable region is treated as non-usable (the conservative choice); each
 * such conflict is counted in `overlaps` and logged as a warning.
 */
#ifndef KERNEL_BOOT_INFO_H
#define KERNEL_BOOT_INFO_H

#include <kernel/cmdline.h>
#include <kernel/types.h>

#define BOOT_INFO_MAX_REGIONS 128
#define BOOT_INFO_MAX_RESERVED 32
#define BOOT_INFO_MAX_USABLE 160
#define BOOT_INFO_PAGE_SIZE 4096u

/* The highest physical address the kernel accepts from a loader: 2^52, the
 * architectural limit on both x86_64 and AArch64. */
#define BOOT_INFO_PADDR_LIMIT (1ull << 52)

enum boot_mem_type {
	BOOT_MEM_USABLE = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI_RECLAIMABLE = 3,
	BOOT_MEM_ACPI_NVS = 4,
	BOOT_MEM_BAD = 5,
	BOOT_MEM_PERSISTENT = 6,
};

enum boot_reserve_kind {
	BOOT_RESERVE_IMAGE = 1,   /* the kernel image including .bss */
	BOOT_RESERVE_LOADER = 2,  /* the loader's info block */
	BOOT_RESERVE_CMDLINE = 3, /* the loader's command-line string */
	BOOT_RESERVE_DTB = 4,     /* the flattened device tree */
	BOOT_RESERVE_MODULE = 5,  /* a boot module */
	BOOT_RESERVE_FIRMWARE = 6,/* a firmware area (e.g. /memreserve/) */
};

struct boot_mem_region {
	paddr_t base;
	uint64_t size;
	uint32_t type; /* enum boot_mem_type */
};

struct boot_reserved {
	paddr_t base;
	uint64_t size;
	uint32_t kind; /* enum boot_reserve_kind */
};

struct boot_usable {
	paddr_t base;
	uint64_t size;
};

struct boot_info {
	const char *loader;   /* "multiboot2", "pvh", "arm64-image", "hosted" */
	char loader_name[64]; /* the loader's own name string, if it gave one */

	struct boot_mem_region regions[BOOT_INFO_MAX_REGIONS];
	size_t nregions;
	struct boot_reserved reserved[BOOT_INFO_MAX_RESERVED];
	size_t nreserved;
	struct boot_usable usable[BOOT_INFO_MAX_USABLE]; /* by finalize */
	size_t nusable;
	uint64_t usable_bytes;  /* sum of usable[] */
	unsigned overlaps;      /* conflicts resolved by finalize */

	char cmdline[CMDLINE_MAX];
	bool cmdline_truncated;

	/* ACPI: the RSDP, copied (multiboot2 hands over a copy, not an address)
	 * and/or its physical address when the loader or a scan found it. */
	uint8_t acpi_rsdp[36];
	size_t acpi_rsdp_len;  /* 0: none; 20: ACPI 1.0; 36: ACPI 2.0+ */
	paddr_t acpi_rsdp_paddr;

	paddr_t dtb_paddr;     /* 0: none */
	uint64_t dtb_size;
};

/* boot_info_init - empty `bi` and name its loader. */
void boot_info_init(struct boot_info *bi, const char *loader);

/*
 * boot_info_add_region - append a firmware memory-map entry.
 * Zero-sized entries are ignored (CAIRN_OK). Errors: CAIRN_ERR_OVERFLOW if
 * base + size wraps, CAIRN_ERR_RANGE if it ends above BOOT_INFO_PADDR_LIMIT,
 * CAIRN_ERR_INVAL for an unknown type, CAIRN_ERR_LIMIT if the table is full.
 */
err_t boot_info_add_region(struct boot_info *bi, paddr_t base, uint64_t size,
			   enum boot_mem_type type);

/* boot_info_reserve - keep [base, base + size) out of usable memory; same
 * errors as boot_info_add_region (size 0 is CAIRN_ERR_INVAL here). */
err_t boot_info_reserve(struct boot_info *bi, paddr_t base, uint64_t size,
			enum boot_reserve_kind kind);

/* boot_info_set_cmdline - copy the loader's command line (len bytes at most,
 * stops at NUL). CAIRN_ERR_RANGE if it had to be truncated. */
err_t boot_info_set_cmdline(struct boot_info *bi, const char *s, size_t len);

/*
 * boot_info_finalize - sort and resolve the map into `usable` (see the file
 * comment). CAIRN_ERR_NOMEM if no usable page remains, CAIRN_ERR_LIMIT if the
 * resolved map does not fit BOOT_INFO_MAX_USABLE. Meant to run once, by
 * kernel_main; running it again recomputes `usable` identically, but
 * `overlaps` then reads 0 because the map is already resolved.
 */
err_t boot_info_finalize(struct boot_info *bi);

/* boot_info_log - print the map, reservations and usable ranges. */
void boot_info_log(const struct boot_info *bi);

const char *boot_mem_type_name(uint32_t type);
const char *boot_reserve_kind_name(uint32_t kind);

/*
 * A window onto physical memory for parsers of loader structures. `map`
 * returns a pointer through which [pa, pa + len) may be read, or NULL if that
 * range is not accessible (not mapped, or wraps). In the kernel it is the
 * early direct map; in tests, a fake memory arena.
 */
struct phys_window {
	const void *(*map)(void *ctx, paddr_t pa, size_t len);
	void *ctx;
};

#endif /* KERNEL_BOOT_INFO_H */
