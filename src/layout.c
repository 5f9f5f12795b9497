// SPDX-License-Identifier: BSD-2-Clause
/*
 * Publishing the address layout (see include/kernel/layout.h) in the boot log,
 * and naming the region of an address for crash reports.
 */
#include <kernel/layout.h>
#include <kernel/log.h>

struct region {
	const char *name;
	uint64_t base;
	uint64_t size;
};

static const struct region regions[] = {
	{ "direct map", LAYOUT_DIRECT_MAP_BASE, LAYOUT_DIRECT_MAP_SIZE },
	{ "mapped objects", LAYOUT_OBJECTS_BASE, LAYOUT_OBJECTS_SIZE },
	{ "thread stacks", LAYOUT_STACKS_BASE, LAYOUT_STACKS_SIZE },
	{ "kernel image", LAYOUT_KERNEL_BASE, LAYOUT_KERNEL_SIZE },
};

const char *layout_region_name(vaddr_t va)
{
	if ((uint64_t)va < 0x0000800000000000ull)
		return "unmapped lower half";
	for (size_t i = 0; i < ARRAY_SIZE(regions); i++) {
		if ((uint64_t)va - regions[i].base < regions[i].size)
			return regions[i].name;
	}
	return "hole";
}

void layout_log(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(regions); i++)
		LOG_INFO("layout: %-15s %#018llx-%#018llx", regions[i].name,
			 (unsigned long long)regions[i].base,
			 (unsigned long long)(regions[i].base + regions[i].size - 1));
#if CONFIG_HOSTED
	LOG_INFO("layout: hosted shim: the image is a Linux process; regions are not mapped");
#else
	LOG_INFO("layout: image  %p-%p (%zu KiB)", (void *)__image_start,
		 (void *)(__image_end - 1), (size_t)(__image_end - __image_start) / 1024);
	LOG_INFO("layout:  text   %p-%p r-x", (void *)__text_start, (void *)(__text_end - 1));
	LOG_INFO("layout:  rodata %p-%p r--", (void *)__rodata_start, (void *)(__rodata_end - 1));
	LOG_INFO("layout:  data   %p-%p rw-", (void *)__data_start, (void *)(__data_end - 1));
	LOG_INFO("layout:  bss    %p-%p rw-", (void *)__bss_start, (void *)(__bss_end - 1));
#endif
}
