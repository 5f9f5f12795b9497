// SPDX-License-Identifier: BSD-2-Clause
/*
 * Bringing memory up (INIT_LEVEL_MEMORY): from boot_info's usable ranges
 * to the kernel's final address space.
 *
 *   1. the buddy allocator over every usable range; its frame arrays go
 *      where the early direct map already reaches (arch_mm_layout's
 *      early_limit: the first 4 GiB on x86_64)
 *   2. the final page tables, built with the page-table API while the early
 *      ones are still active (table pages from DMA32, which is reachable):
 *        - the direct map of every range the firmware map names (RAM, ACPI
 *          tables and NVS, persistent memory, and firmware-reserved areas
 *          below 4 GiB; never "bad" memory) plus, on PCs, the first MiB,
 *          read/write, never executable, with the largest leaves
 *        - AArch64: the device registers mapped so far (the console, the
 *          interrupt controller), at the same addresses, through the arch
 *          (arch_mm_adopt_device_mappings), which maps later ones into
 *          these tables too
 *        - the kernel image per section, W^X: text r-x, rodata r--, data,
 *          bss and the boot stack rw- (no-execute)
 *        - nothing in the lower half
 *   3. switch to them; from here all RAM is reachable
 *   4. hand the boot-time page tables back to the allocator
 *   5. the kernel address space (mapped objects, thread stacks) on top
 *   6. one summary in the boot log, plus the allocator's statistics
 * Any failure is an error return, which panics the boot naming this step.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/init.h>
#include <kernel/kmain.h>
#include <kernel/layout.h>
#include <kernel/log.h>
#include <kernel/mm/slab.h>
#include <kernel/mm/vm.h>

#define DIRECT_RANGES_MAX (BOOT_INFO_MAX_REGIONS + 1)

static struct buddy kernel_buddy;
static struct pagetable kernel_pt;
static struct vm_space kernel_space;

struct range {
	paddr_t lo, hi;
};

/* Sorted, merged, page-rounded ranges the direct map must cover. */
static size_t direct_ranges(const struct boot_info *bi, struct range *out)
{
	size_t n = 0, m = 0;

#if !CONFIG_ARCH_AARCH64
	/* The PC BIOS area (ACPI looks for the RSDP there); on AArch64 the low
	 * physical addresses are whatever the board has (QEMU virt: flash),
	 * and only RAM may be mapped cacheable. */
	out[n++] = (struct range){ 0, MiB(1) };
#endif
	for (size_t i = 0; i < bi->nregions && n < DIRECT_RANGES_MAX; i++) {
		const struct boot_mem_region *r = &bi->regions[i];

		/* Firmware-reserved ranges only below 4 GiB: tables may live there,
		 * and the early map covered it anyway; above, they are holes and
		 * device windows that must not get a cacheable mapping. */
		if (r->type == BOOT_MEM_BAD || (r->type == BOOT_MEM_RESERVED && r->base >= GiB(4)))
			continue;
		out[n++] = (struct range){ ALIGN_DOWN(r->base, (paddr_t)PAGE_SIZE),
					   ALIGN_UP(r->base + r->size, (paddr_t)PAGE_SIZE) };
	}
	for (size_t i = 1; i < n; i++) { /* insertion sort by lo */
		struct range x = out[i];
		size_t j = i;

		while (j > 0 && out[j - 1].lo > x.lo) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = x;
	}
	for (size_t i = 0; i < n; i++) {
		if (m && out[i].lo <= out[m - 1].hi)
			out[m - 1].hi = MAX(out[m - 1].hi, out[i].hi);
		else
			out[m++] = out[i];
	}
	return m;
}

static err_t map_direct(const struct boot_info *bi, uintptr_t offset, uint64_t *bytes)
{
	static struct range r[DIRECT_RANGES_MAX];
	size_t n = direct_ranges(bi, r);

	*bytes = 0;
	for (size_t i = 0; i < n; i++) {
		err_t err = pagetable_map(&kernel_pt, r[i].lo + offset, r[i].lo, r[i].hi - r[i].lo,
					  PT_WRITE, 0);

		if (err) {
			LOG_ERR("mm: cannot direct-map [%#llx-%#llx): %s",
				(unsigned long long)r[i].lo, (unsigned long long)r[i].hi,
				cairn_err_name(err));
			return err;
		}
		*bytes += r[i].hi - r[i].lo;
	}
	return CAIRN_OK;
}

#if CONFIG_ARCH_AARCH64
/* arch/aarch64/vm.c: map the device registers of the early tables into
 * `pt` at the same addresses, and map later ones there (its place is the
 * MMU section of include/kernel/arch.h once a second arch needs it). */
err_t arch_mm_adopt_device_mappings(struct pagetable *pt);
#endif

#if !CONFIG_HOSTED
extern char __image_end[];

/* The image's physical base: boot code reserves the image (BOOT_RESERVE_IMAGE)
 * starting at the physical address of __image_start. */
static err_t image_phys(const struct boot_info *bi, paddr_t *out)
{
	for (size_t i = 0; i < bi->nreserved; i++) {
		if (bi->reserved[i].kind == BOOT_RESERVE_IMAGE &&
		    bi->reserved[i].size >= (uintptr_t)__image_end - (uintptr_t)__image_start) {
			*out = bi->reserved[i].base;
			return CAIRN_OK;
		}
	}
	return CAIRN_ERR_NOENT;
}

static err_t map_image(const struct boot_info *bi)
{
	const struct { const char *lo, *hi; unsigned prot; } sections[] = {
		{ __text_start, __text_end, PT_EXEC },
		{ __rodata_start, __rodata_end, 0 },
		{ __data_start, __data_end, PT_WRITE },
		{ __bss_start, __bss_end, PT_WRITE },
		{ __bss_end, __image_end, PT_WRITE }, /* boot stack, early tables */
	};
	paddr_t base;
	err_t err = image_phys(bi, &base);

	if (err)
		return err;
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		vaddr_t lo = (vaddr_t)sections[i].lo;
		vaddr_t hi = ALIGN_UP((vaddr_t)sections[i].hi, (vaddr_t)PAGE_SIZE);

		if (hi <= lo)
			continue;
		err = pagetable_map(&kernel_pt, lo, base + (lo - (vaddr_t)__image_start), hi - lo,
				    sections[i].prot, PT_MAP_NO_1G);
		if (err)
			return err;
	}
	return CAIRN_OK;
}
#endif

static err_t mm_init(void)
{
	const struct boot_info *bi = boot_info_get();
	struct arch_mm_layout l;
	uint64_t direct_bytes, failures;
	err_t err;

	arch_mm_layout(&l);
	mm_direct_offset = l.direct_offset;
	err = buddy_init(&kernel_buddy, "phys", bi->usable, bi->nusable, l.early_limit);
	if (err)
		return err;
	mm_phys = &kernel_buddy;

	err = pagetable_init(&kernel_pt, l.no_exec_bit ? &pt_format_x86_64_nonx :
#if CONFIG_ARCH_AARCH64
				&pt_format_aarch64,
#else
				&pt_format_x86_64,
#endif
			     &kernel_buddy, BUDDY_DMA32);
	if (err)
		return err;
	err = map_direct(bi, l.direct_offset, &direct_bytes);
	if (err)
		return err;
#if !CONFIG_HOSTED
	if (l.map_image) {
		err = map_image(bi);
		if (err) {
			LOG_ERR("mm: cannot map the kernel image: %s", cairn_err_name(err));
			return err;
		}
	}
#endif
#if CONFIG_ARCH_AARCH64
	err = arch_mm_adopt_device_mappings(&kernel_pt);
	if (err) {
		LOG_ERR("mm: cannot map the device registers: %s", cairn_err_name(err));
		return err;
	}
#endif
	pagetable_activate(&kernel_pt);
	kernel_pt.alloc_flags = 0; /* all RAM is reachable now */
	if (l.boot_tables_size) {
		err = buddy_add_range(&kernel_buddy, l.boot_tables, l.boot_tables_size);
		if (err)
			LOG_WARN("mm: boot page tables not handed back: %s", cairn_err_name(err));
		else
			LOG_INFO("mm: boot page tables handed back (%llu KiB at %#llx)",
				 (unsigned long long)(l.boot_tables_size / 1024),
				 (unsigned long long)l.boot_tables);
	}
	err = vm_space_init(&kernel_space, &kernel_pt, &kernel_buddy, l.objects_base,
			    l.objects_size, l.stacks_base, l.stacks_size);
	if (err)
		return err;
	vm_kernel = &kernel_space;

	failures = buddy_failures(&kernel_buddy);
	/* One line for RAM and the page tables; per-order and per-zone
	 * figures at DEBUG. */
	LOG_INFO("mm: %llu KiB of RAM in %zu arenas, %llu KiB free; frame arrays %llu KiB; %s; "
		 "page tables (%s): %llu pages, direct map %llu MiB in %llu 1G + %llu 2M + "
		 "%llu 4K leaves%s",
		 (unsigned long long)(buddy_pages_total(&kernel_buddy) * 4), kernel_buddy.narenas,
		 (unsigned long long)(buddy_pages_free(&kernel_buddy) * 4),
		 (unsigned long long)(kernel_buddy.memmap_pages * 4),
		 failures ? "allocations failed (stats follow)" : "no failed allocations",
		 kernel_pt.fmt->name, (unsigned long long)kernel_pt.table_pages,
		 (unsigned long long)(direct_bytes >> 20), (unsigned long long)kernel_pt.stats.leaves[2],
		 (unsigned long long)kernel_pt.stats.leaves[1],
		 (unsigned long long)kernel_pt.stats.leaves[0], l.map_image ? "; image W^X: text r-x, rodata r--, data/bss rw- NX" : "");
	buddy_stats_log(&kernel_buddy, failures ? LOG_LEVEL_WARN : LOG_LEVEL_DEBUG);
	return CAIRN_OK;
}
INIT_STEP(mm_init, INIT_LEVEL_MEMORY, 0);
