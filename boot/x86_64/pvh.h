/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PVH: the direct-boot protocol of Xen, spoken by QEMU's -kernel,
 * Firecracker and cloud-hypervisor. The kernel's ELF carries a note
 * XEN_ELFNOTE_PHYS32_ENTRY naming a 32-bit entry point; the hypervisor
 * enters it in flat 32-bit protected mode, paging off, with %ebx holding
 * the physical address of a struct hvm_start_info and, by Cairn's own
 * convention for its entry stub, PVH_START_MAGIC to tell it from multiboot2.
 *
 * This header gives the entry assembly its constants (plain #defines usable
 * from .S files) and declares pvh_parse(), which turns the start info into
 * the normalised struct boot_info of include/kernel/boot_info.h.
 *
 * The start info (little-endian; version 1 layout, offsets in bytes):
 *
 *   0x00 u32 magic            0x336ec578
 *   0x04 u32 version          0 or 1 (later versions extend, never change)
 *   0x08 u32 flags
 *   0x0c u32 nr_modules
 *   0x10 u64 modlist_paddr    array of nr_modules { u64 paddr, size,
 *                             cmdline_paddr, reserved }
 *   0x18 u64 cmdline_paddr    NUL-terminated string, 0 if none
 *   0x20 u64 rsdp_paddr       ACPI RSDP, 0 if none
 *   -- version 1 and later --
 *   0x28 u64 memmap_paddr     array of memmap_entries { u64 addr, size,
 *                             u32 type (e820), u32 reserved }
 *   0x30 u32 memmap_entries
 *   0x34 u32 reserved
 */
#ifndef BOOT_X86_64_PVH_H
#define BOOT_X86_64_PVH_H

/* The ELF note the image carries: name "Xen", type 18, desc = the 32-bit
 * physical entry address. */
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define PVH_ELFNOTE_NAME "Xen"

#define PVH_START_MAGIC 0x336ec578        /* hvm_start_info.magic */

#define PVH_START_INFO_V0_SIZE 0x28       /* through rsdp_paddr */
#define PVH_START_INFO_V1_SIZE 0x38       /* through reserved */
#define PVH_MODLIST_ENTRY_SIZE 32
#define PVH_MEMMAP_ENTRY_SIZE 24

/* Memory map entry types (the e820 types). Anything else is reserved. */
#define PVH_MEMMAP_TYPE_RAM 1
#define PVH_MEMMAP_TYPE_RESERVED 2
#define PVH_MEMMAP_TYPE_ACPI 3
#define PVH_MEMMAP_TYPE_NVS 4
#define PVH_MEMMAP_TYPE_UNUSABLE 5
#define PVH_MEMMAP_TYPE_DISABLED 6
#define PVH_MEMMAP_TYPE_PMEM 7

/* Limits this parser applies. */
#define PVH_MAX_MODULES 16                /* boot_info also holds other reservations */

#ifndef __ASSEMBLER__

#include <kernel/boot_info.h>

/*
 * pvh_parse - validate a PVH start info and fill `bi`.
 * @w:             how physical memory is read; nothing is read except
 *                 through it.
 * @start_info_pa: the physical address the hypervisor left in %ebx.
 * @bi:            the boot_info to fill; the parser starts with
 *                 boot_info_init(bi, "pvh"), so the caller adds its own
 *                 reservations (the kernel image) after a successful parse.
 *
 * Fills: the memory map (types mapped to enum boot_mem_type, unknown types
 * as reserved), the command line, bi->acpi_rsdp_paddr (not validated here:
 * the ACPI driver checks the RSDP it points at), one MODULE reservation per
 * non-empty module, LOADER reservations for the start info, the memory map
 * array and the module list, and a CMDLINE reservation for the string.
 *
 * The command line has no declared length. It is read up to its NUL but at
 * most CMDLINE_MAX bytes; a line with no NUL in those bytes is kept
 * truncated to CMDLINE_MAX - 1 bytes with bi->cmdline_truncated set and a
 * warning (the same outcome as an overlong multiboot2 line), not refused.
 *
 * Everything is validated before `bi` is filled; if filling fails half-way
 * `bi` is reset to the empty state of boot_info_init. On any error `bi` is
 * therefore empty (loader "pvh", no regions).
 *
 * Errors:
 *   CAIRN_ERR_INVAL      magic is not PVH_START_MAGIC
 *   CAIRN_ERR_NOTSUP     version 0: no memory map in the start info
 *   CAIRN_ERR_FAULT      the start info, memory map, module list or command
 *                        line is not readable through `w`
 *   CAIRN_ERR_NOENT      the memory map has no entries
 *   CAIRN_ERR_LIMIT      more memory map entries than BOOT_INFO_MAX_REGIONS,
 *                        more modules than PVH_MAX_MODULES, or boot_info full
 *   CAIRN_ERR_OVERFLOW   an array's size or a range's end wraps 2^64
 *   CAIRN_ERR_RANGE      a range ends above 2^52, or the RSDP address is
 *                        above 2^52
 *
 * Context: boot CPU, early (before any allocator); no allocation, no locks;
 * logs one line per problem found.
 */
err_t pvh_parse(const struct phys_window *w, paddr_t start_info_pa, struct boot_info *bi);

#endif /* !__ASSEMBLER__ */

#endif /* BOOT_X86_64_PVH_H */
