/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The canonical virtual address layout, identical on x86_64 and AArch64
 * (48-bit virtual addresses; the upper half belongs to the kernel, which in
 * a unikernel is also where the application lives). docs/memory-layout.md
 * explains each region; the boot log prints this table with the live values.
 *
 *   0x0000_0000_0000_0000  lower half: unmapped after early boot, so that
 *                          NULL and small-integer pointers fault
 *   0xffff_8000_0000_0000  direct map of physical memory (phys + base)
 *   0xffff_c000_0000_0000  mapped objects (VmMappings, with guard gaps)
 *   0xffff_e000_0000_0000  thread stacks, each below a guard page
 *   0xffff_ffff_8000_0000  kernel image (text, rodata, data, bss): top 2 GiB
 *
 * A crash address alone says which region it hit.
 */
#ifndef KERNEL_LAYOUT_H
#define KERNEL_LAYOUT_H

#include <kernel/types.h>

#define LAYOUT_DIRECT_MAP_BASE   0xffff800000000000ull
#define LAYOUT_DIRECT_MAP_SIZE   0x0000400000000000ull /* 64 TiB */
#define LAYOUT_OBJECTS_BASE      0xffffc00000000000ull
#define LAYOUT_OBJECTS_SIZE      0x0000200000000000ull /* 32 TiB */
#define LAYOUT_STACKS_BASE       0xffffe00000000000ull
#define LAYOUT_STACKS_SIZE       0x0000100000000000ull /* 16 TiB */
#define LAYOUT_KERNEL_BASE       0xffffffff80000000ull
#define LAYOUT_KERNEL_SIZE       0x0000000080000000ull /* 2 GiB */

/* Physical to virtual through the direct map, and back. */
static inline void *layout_phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(LAYOUT_DIRECT_MAP_BASE + pa);
}

/*
 * The image's sections, from the linker script of each kernel target (the
 * hosted shim has none, and layout_log says so). Page-aligned so that each
 * can carry its own permissions (W^X).
 */
extern char __image_start[], __text_start[], __text_end[], __rodata_start[],
	__rodata_end[], __data_start[], __data_end[], __bss_start[], __bss_end[],
	__image_end[];

/* layout_region_name - which canonical region `va` falls in ("direct map",
 * "kernel image", ..., "unmapped lower half", "hole"). Any context. */
const char *layout_region_name(vaddr_t va);

/* layout_log - print the layout with the image's section addresses. */
void layout_log(void);

#endif /* KERNEL_LAYOUT_H */
