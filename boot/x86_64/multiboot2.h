/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Multiboot2: the protocol GRUB uses to enter the kernel on x86_64 PCs
 * (BIOS and UEFI). Two halves live here:
 *
 *  - the constants of the multiboot2 *header* the kernel image carries (its
 *    magic, architecture and header tag types), as plain #defines so that
 *    the entry assembly can build the header from them;
 *  - multiboot2_parse(), which turns the *boot information* block GRUB hands
 *    over (its physical address in %ebx, the magic in %eax) into the
 *    normalised struct boot_info of include/kernel/boot_info.h.
 *
 * The information block is untrusted input: it is read only through a
 * struct phys_window, every size and offset is checked before use, and a
 * malformed block is an error return, never a crash or an out-of-bounds
 * read. docs/boot-info.md lists each rule and the error it gives.
 *
 * Layout of the information block (all little-endian, 8-byte aligned):
 *
 *   u32 total_size, u32 reserved,
 *   then tags { u32 type, u32 size, payload[size - 8] }, each starting on
 *   an 8-byte boundary, ending with an end tag { type 0, size 8 }.
 */
#ifndef BOOT_X86_64_MULTIBOOT2_H
#define BOOT_X86_64_MULTIBOOT2_H

/* ---- the header in the kernel image (usable from .S files) ------------- */

#define MULTIBOOT2_HEADER_MAGIC 0xe85250d6      /* first word of the header */
#define MULTIBOOT2_HEADER_ALIGN 8               /* header tag alignment */
#define MULTIBOOT2_SEARCH_LIMIT 32768           /* header within the first 32 KiB */
#define MULTIBOOT2_ARCH_I386 0                  /* 32-bit protected mode entry */
#define MULTIBOOT2_ARCH_MIPS32 4

/* Header checksum: magic + arch + length + checksum == 0 (mod 2^32). */
#define MULTIBOOT2_HEADER_CHECKSUM(arch, len) \
	(-(MULTIBOOT2_HEADER_MAGIC + (arch) + (len)) & 0xffffffff)

#define MULTIBOOT2_HEADER_TAG_END 0
#define MULTIBOOT2_HEADER_TAG_INFORMATION_REQUEST 1
#define MULTIBOOT2_HEADER_TAG_ADDRESS 2
#define MULTIBOOT2_HEADER_TAG_ENTRY_ADDRESS 3
#define MULTIBOOT2_HEADER_TAG_CONSOLE_FLAGS 4
#define MULTIBOOT2_HEADER_TAG_FRAMEBUFFER 5
#define MULTIBOOT2_HEADER_TAG_MODULE_ALIGN 6
#define MULTIBOOT2_HEADER_TAG_EFI_BS 7
#define MULTIBOOT2_HEADER_TAG_ENTRY_ADDRESS_EFI32 8
#define MULTIBOOT2_HEADER_TAG_ENTRY_ADDRESS_EFI64 9
#define MULTIBOOT2_HEADER_TAG_RELOCATABLE 10
#define MULTIBOOT2_HEADER_TAG_OPTIONAL 1        /* the tag's `flags` bit 0 */

/* ---- what the loader hands over ---------------------------------------- */

#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289  /* in %eax at entry */

#define MULTIBOOT2_TAG_END 0
#define MULTIBOOT2_TAG_CMDLINE 1
#define MULTIBOOT2_TAG_BOOT_LOADER_NAME 2
#define MULTIBOOT2_TAG_MODULE 3
#define MULTIBOOT2_TAG_BASIC_MEMINFO 4
#define MULTIBOOT2_TAG_BOOTDEV 5
#define MULTIBOOT2_TAG_MMAP 6
#define MULTIBOOT2_TAG_VBE 7
#define MULTIBOOT2_TAG_FRAMEBUFFER 8
#define MULTIBOOT2_TAG_ELF_SECTIONS 9
#define MULTIBOOT2_TAG_APM 10
#define MULTIBOOT2_TAG_EFI32 11
#define MULTIBOOT2_TAG_EFI64 12
#define MULTIBOOT2_TAG_SMBIOS 13
#define MULTIBOOT2_TAG_ACPI_OLD 14
#define MULTIBOOT2_TAG_ACPI_NEW 15
#define MULTIBOOT2_TAG_NETWORK 16
#define MULTIBOOT2_TAG_EFI_MMAP 17
#define MULTIBOOT2_TAG_EFI_BS 18
#define MULTIBOOT2_TAG_EFI32_IH 19
#define MULTIBOOT2_TAG_EFI64_IH 20
#define MULTIBOOT2_TAG_LOAD_BASE_ADDR 21

/* Memory map entry types (tag 6). Anything else is reserved. */
#define MULTIBOOT2_MEMORY_AVAILABLE 1
#define MULTIBOOT2_MEMORY_RESERVED 2
#define MULTIBOOT2_MEMORY_ACPI_RECLAIMABLE 3
#define MULTIBOOT2_MEMORY_NVS 4
#define MULTIBOOT2_MEMORY_BADRAM 5
#define MULTIBOOT2_MEMORY_PERSISTENT 7          /* e820 type 7, passed through */
#define MULTIBOOT2_MEMORY_PERSISTENT_LEGACY 12

/* Limits this parser applies to the information block. */
#define MULTIBOOT2_INFO_MIN_SIZE 16             /* header + end tag */
#define MULTIBOOT2_INFO_MAX_SIZE 0x100000       /* 1 MiB: GRUB's are a few KiB */
#define MULTIBOOT2_MMAP_ENTRY_MIN 24            /* u64 base, u64 length, u32 type, u32 */
#define MULTIBOOT2_MMAP_ENTRY_MAX 4096

#ifndef __ASSEMBLER__

#include <kernel/boot_info.h>

/*
 * multiboot2_parse - validate a multiboot2 information block and fill `bi`.
 * @w:       how physical memory is read (the early direct map in the kernel,
 *           a fake arena in tests); nothing is read except through it.
 * @magic:   the value the loader left in %eax.
 * @info_pa: the physical address the loader left in %ebx.
 * @bi:      the boot_info to fill; the parser starts with
 *           boot_info_init(bi, "multiboot2"), so the caller adds its own
 *           reservations (the kernel image) after a successful parse.
 *
 * Fills: the memory map (tag 6; types mapped to enum boot_mem_type, unknown
 * types as reserved), the command line (tag 1; truncated to CMDLINE_MAX - 1
 * bytes with bi->cmdline_truncated set if longer), bi->loader_name (tag 2,
 * cut to fit), the ACPI RSDP copy (tag 15 preferred over tag 14; checksums
 * verified, first 36 or 20 bytes kept in bi->acpi_rsdp), one MODULE
 * reservation per non-empty module (tag 3) and a LOADER reservation for the
 * information block itself. Unknown tags are skipped.
 *
 * The block is validated in full before `bi` is touched; if filling `bi`
 * fails half-way, `bi` is reset to the empty state of boot_info_init. On any
 * error `bi` is therefore empty (loader "multiboot2", no regions).
 *
 * Errors:
 *   CAIRN_ERR_INVAL      magic is not MULTIBOOT2_BOOTLOADER_MAGIC
 *   CAIRN_ERR_ALIGN      info_pa is not 8-byte aligned
 *   CAIRN_ERR_FAULT      the window cannot map the block (info_pa or
 *                        total_size point outside readable memory)
 *   CAIRN_ERR_RANGE      total_size above MULTIBOOT2_INFO_MAX_SIZE; a memory
 *                        region or module ending above 2^52
 *   CAIRN_ERR_TRUNCATED  a tag header or a tag runs past total_size; an RSDP
 *                        whose length runs past its tag
 *   CAIRN_ERR_CORRUPT    total_size below 16; a tag smaller than its type's
 *                        fixed part (or than 8); no end tag, or an end tag
 *                        whose size is not 8; an unterminated string; a bad
 *                        mmap entry_size or a partial mmap entry; a module
 *                        ending before it starts; an RSDP with a bad
 *                        signature, checksum, revision or length
 *   CAIRN_ERR_NOENT      no memory map tag, or only empty ones
 *   CAIRN_ERR_OVERFLOW   a memory region or module whose end wraps 2^64
 *   CAIRN_ERR_LIMIT      more regions or reservations than boot_info holds
 *
 * Context: boot CPU, early (before any allocator); no allocation, no locks;
 * logs one line per problem found.
 */
err_t multiboot2_parse(const struct phys_window *w, uint32_t magic, paddr_t info_pa,
		       struct boot_info *bi);

#endif /* !__ASSEMBLER__ */

#endif /* BOOT_X86_64_MULTIBOOT2_H */
