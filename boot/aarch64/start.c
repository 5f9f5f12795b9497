// SPDX-License-Identifier: BSD-2-Clause
/*
 * aarch64_start: the first C code at the image's link address, entered from
 * entry.S on the boot CPU at EL1 with the MMU on (early tables: the image,
 * the DTB in the direct map, the identity map of the image), relocations
 * applied, vectors installed, interrupts masked.
 *
 * Order matters:
 *   1. clock: the generic timer, so every log line has a time stamp
 *   2. the DTB (x0 at entry) through the direct map, checked once
 *      (fdt_blob_check) for both readers: memory map, reserved
 *      ranges (the DTB itself included), command line -> boot_info; the
 *      image is reserved too
 *   3. the rest of RAM into the direct map; rodata read-only; the lower
 *      half unmapped (NULL faults from here)
 *   4. the device model from the DTB; early drivers bind: the PL011 that
 *      /chosen stdout-path names becomes the console (the log written so
 *      far is replayed to it), PSCI learns its conduit
 *   5. kernel_main()
 * A DTB that cannot be read stops the boot with a panic: the record stays
 * in the log ring (there is no console without a device tree).
 */
#include <kernel/assert.h>
#include <kernel/boot_info.h>
#include <kernel/driver.h>
#include <kernel/kmain.h>
#include <kernel/layout.h>
#include <kernel/log.h>

#include <arch/aarch64.h>

#include <fdt/fdt.h>

struct aarch64_boot aarch64_boot;
static struct boot_info boot;

static noreturn void dtb_failed(const char *what, err_t err, const struct fdt_report *rep)
{
	PANIC("boot: cannot use the device tree at %#llx for %s: %s: %s%s%s (%s)",
	      (unsigned long long)aarch64_boot.dtb_pa, what, fdt_problem_name(rep->problem),
	      rep->detail, rep->path[0] ? " at " : "", rep->path, cairn_err_name(err));
}

noreturn void aarch64_start(paddr_t dtb_pa, paddr_t image_pa, uint64_t entry_cntvct,
			    uint32_t entry_el);
noreturn void aarch64_start(paddr_t dtb_pa, paddr_t image_pa, uint64_t entry_cntvct,
			    uint32_t entry_el)
{
	const void *dtb = layout_phys_to_virt(dtb_pa);
	size_t window = aarch64_mmu_dtb_window();
	struct fdt_report rep;
	struct fdt_blob fdt;
	err_t err;

	aarch64_boot = (struct aarch64_boot){
		.image_pa = image_pa,
		.image_size = (uint64_t)(__image_end - __image_start),
		.dtb_pa = dtb_pa,
		.entry_cntvct = entry_cntvct,
		.entry_el = entry_el,
	};
	aarch64_clock_init(entry_cntvct);

	boot_info_init(&boot, "arm64-image");
	if (dtb_pa == 0 || window == 0)
		PANIC("boot: no device tree (x0 = %#llx at entry); Cairn on AArch64 needs the "
		      "loader to pass one", (unsigned long long)dtb_pa);
	err = fdt_blob_check(dtb, window, &fdt, &rep);
	if (err)
		dtb_failed("anything", err, &rep);
	err = fdt_boot_info_fill(&fdt, dtb_pa, &boot, &rep);
	if (err)
		dtb_failed("the memory map", err, &rep);
	err = boot_info_reserve(&boot, image_pa, aarch64_boot.image_size, BOOT_RESERVE_IMAGE);
	if (err)
		PANIC("boot: cannot reserve the kernel image: %s", cairn_err_name(err));

	err = aarch64_mmu_direct_map_ram(&boot);
	if (err)
		PANIC("boot: cannot map RAM into the direct map: %s", cairn_err_name(err));
	aarch64_mmu_finish_boot();

	err = fdt_dev_tree_fill(&fdt, dev_tree_kernel(), &rep);
	if (err)
		dtb_failed("the device model", err, &rep);
	dev_mmio_mapper_set(aarch64_mmio_map);
	(void)dev_bind(dev_tree_kernel(), DRIVER_STAGE_EARLY);

	aarch64_cpu_log();
	aarch64_clock_log();
	LOG_INFO("boot: image at physical %#llx (%llu KiB with bss, tables and stack), "
		 "device tree at %#llx (%llu bytes)%s%s",
		 (unsigned long long)image_pa, (unsigned long long)(aarch64_boot.image_size / 1024),
		 (unsigned long long)dtb_pa, (unsigned long long)boot.dtb_size,
		 dev_tree_kernel()->model[0] ? ", machine " : "", dev_tree_kernel()->model);
	kernel_main(&boot);
}
