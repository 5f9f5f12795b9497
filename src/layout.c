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

#if !CONFIG_HOSTED
static void log_section(const char *name, const char *start, const char *end,
			const char *perms)
{
	uintptr_t lo = (uintptr_t)start, hi = (uintptr_t)end;

	if (hi == lo) {
		LOG_DEBUG("layout:   %-6s (empty)", name);
		return;
	}
	LOG_DEBUG("layout:   %-6s %#018llx-%#018llx %s %4zu KiB", name, (unsigned long long)lo,
		  (unsigned long long)(hi - 1), perms, (size_t)(hi - lo) / 1024);
}

static size_t kib(const char *start, const char *end)
{
	return (size_t)(end - start) / 1024;
}
#endif

/*
 * Two lines at INFO (region bases; the image and its sections with their
 * sizes and permissions), the full ranges at DEBUG: every console byte is
 * paid for at boot (an MMIO write per byte on a UART), so the default log
 * says it once.
 */
void layout_log(void)
{
	LOG_INFO("layout: direct map %#llx, mapped objects %#llx, thread stacks %#llx, "
		 "kernel image %#llx", (unsigned long long)LAYOUT_DIRECT_MAP_BASE,
		 (unsigned long long)LAYOUT_OBJECTS_BASE, (unsigned long long)LAYOUT_STACKS_BASE,
		 (unsigned long long)LAYOUT_KERNEL_BASE);
	for (size_t i = 0; i < ARRAY_SIZE(regions); i++)
		LOG_DEBUG("layout: %-15s %#018llx-%#018llx", regions[i].name,
			  (unsigned long long)regions[i].base,
			  (unsigned long long)(regions[i].base + regions[i].size - 1));
#if CONFIG_HOSTED
	LOG_INFO("layout: hosted shim: the image is a Linux process; regions are not mapped");
#else
	LOG_INFO("layout: image %#llx, %zu KiB: text %zu KiB r-x, rodata %zu KiB r--, "
		 "data %zu KiB rw-, bss %zu KiB rw-", (unsigned long long)(uintptr_t)__image_start,
		 kib(__image_start, __image_end), kib(__text_start, __text_end),
		 kib(__rodata_start, __rodata_end), kib(__data_start, __data_end),
		 kib(__bss_start, __bss_end));
	log_section("image", __image_start, __image_end, "   ");
	log_section("text", __text_start, __text_end, "r-x");
	log_section("rodata", __rodata_start, __rodata_end, "r--");
	log_section("data", __data_start, __data_end, "rw-");
	log_section("bss", __bss_start, __bss_end, "rw-");
#endif
}
