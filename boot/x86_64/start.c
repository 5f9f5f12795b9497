// SPDX-License-Identifier: BSD-2-Clause
/*
 * x86_64_start: the first C code, entered from entry.S on the boot CPU in
 * 64-bit mode, high half, interrupts off, with the early page tables
 * (identity + direct map of the first 4 GiB + the image at -2 GiB).
 *
 * Order matters:
 *   1. clock: calibrate the TSC, so every log line has a true timestamp
 *   2. console: COM1, so what follows can be seen
 *   3. GDT/TSS and IDT: from here a fault prints a decoded dump and panics
 *   4. parse the loader's data (multiboot2 or PVH) into boot_info, through
 *      the direct map, and reserve the image
 *   5. drop the identity map: NULL and other low pointers now fault
 *   6. kernel_main()
 */
#include <kernel/assert.h>
#include <kernel/boot_info.h>
#include <kernel/kmain.h>
#include <kernel/layout.h>
#include <kernel/log.h>

#include <arch/x86.h>

#include "multiboot2.h"
#include "pvh.h"

extern uint64_t boot_entry_tsc;       /* entry.S, in .boot (low, physical) */
extern uint64_t early_pml4[512];      /* entry.S */
extern char __image_phys_start[], __image_phys_end[];

/* The direct map covers the first 4 GiB until the memory manager maps all RAM. */
#define EARLY_DIRECT_MAP_LIMIT GiB(4)

static const void *early_phys_map(void *ctx, paddr_t pa, size_t len)
{
	uint64_t end;

	(void)ctx;
	if (add_overflows(pa, (uint64_t)len, &end) || end > EARLY_DIRECT_MAP_LIMIT)
		return NULL;
	return layout_phys_to_virt(pa);
}

static const struct phys_window early_window = { .map = early_phys_map };
static struct boot_info boot;

static void drop_identity_map(void)
{
	early_pml4[0] = 0;
	write_cr3(read_cr3()); /* flush every non-global TLB entry */
}

noreturn void x86_64_start(uint32_t magic, uint32_t info_pa);
noreturn void x86_64_start(uint32_t magic, uint32_t info_pa)
{
	uint64_t entry_tsc = *(volatile uint64_t *)layout_phys_to_virt((uintptr_t)&boot_entry_tsc);
	paddr_t image_start = (uintptr_t)__image_phys_start;
	paddr_t image_end = (uintptr_t)__image_phys_end;
	err_t err;

	x86_tsc_calibrate(entry_tsc);
	x86_serial_init();
	x86_gdt_init();
	x86_idt_init();
	x86_tsc_log();

	if (magic == MULTIBOOT2_BOOTLOADER_MAGIC)
		err = multiboot2_parse(&early_window, magic, info_pa, &boot);
	else if (magic == PVH_START_MAGIC)
		err = pvh_parse(&early_window, info_pa, &boot);
	else
		PANIC("boot: entered by an unknown loader (magic %#x); Cairn boots through "
		      "multiboot2 (GRUB) or PVH", magic);
	if (err)
		PANIC("boot: cannot use the %s boot information at %#x: %s (%s)",
		      magic == PVH_START_MAGIC ? "PVH" : "multiboot2", info_pa,
		      cairn_err_name(err), cairn_err_describe(err));

	err = boot_info_reserve(&boot, image_start, image_end - image_start, BOOT_RESERVE_IMAGE);
	if (err)
		PANIC("boot: cannot reserve the kernel image: %s", cairn_err_name(err));
	/* The BIOS data area, EBDA and legacy ROMs below 1 MiB stay untouched. */
	if (boot_info_reserve(&boot, 0, MiB(1), BOOT_RESERVE_FIRMWARE))
		PANIC("boot: cannot reserve the first MiB");

	drop_identity_map();
	kernel_main(&boot);
}
