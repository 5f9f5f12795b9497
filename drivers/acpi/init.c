// SPDX-License-Identifier: BSD-2-Clause
/*
 * ACPI at boot: find the RSDP, validate the tables, prepare power off.
 *
 * acpi_boot_init() is portable and tested against fake memory; the init
 * step that calls it exists only in kernel builds, where physical memory is
 * read through the direct map. ACPI is optional for Cairn today (only power
 * off needs it), so the step never fails the boot: a machine without an
 * RSDP gets a warning, one with broken tables an error line, and
 * acpi_poweroff() then explains why it cannot act.
 */
#include "internal.h"

#include <kernel/init.h>
#include <kernel/kmain.h>
#include <kernel/layout.h>
#include <kernel/log.h>

err_t acpi_boot_init(const struct phys_window *w, const struct boot_info *bi)
{
	struct acpi_rsdp rsdp;
	err_t err;

	acpi_tables_reset(); /* a failure below leaves no stale registry */
	err = acpi_rsdp_find(w, bi, &rsdp);
	if (err)
		return err;
	LOG_INFO("acpi: RSDP revision %u from %s%s, OEM \"%s\", RSDT %#llx, XSDT %#llx",
		 rsdp.revision, rsdp.source, rsdp.pa ? "" : " (no address)", rsdp.oem_id,
		 (unsigned long long)rsdp.rsdt_pa, (unsigned long long)rsdp.xsdt_pa);
	err = acpi_tables_init(w, &rsdp);
	if (err)
		return err;
	(void)acpi_sleep_init(); /* logs its own reason; poweroff reports it */
	LOG_INFO("acpi: %s", acpi_sleep_summary());
	return CAIRN_OK;
}

#if !CONFIG_HOSTED

/*
 * The kernel reads firmware tables through the direct map of physical
 * memory. At INIT_LEVEL_PLATFORM only the early direct map exists, which
 * covers the first 4 GiB (boot/x86_64/start.c); a table above that is
 * reported unreadable and skipped rather than faulting.
 */
#define ACPI_EARLY_MAP_LIMIT GiB(4)

static const void *direct_map(void *ctx, paddr_t pa, size_t len)
{
	uint64_t end;

	(void)ctx;
	if (add_overflows(pa, (uint64_t)len, &end) || end > ACPI_EARLY_MAP_LIMIT)
		return NULL;
	return layout_phys_to_virt(pa);
}

static err_t acpi_init(void)
{
	static const struct phys_window window = { .map = direct_map };
	err_t err = acpi_boot_init(&window, boot_info_get());

	if (err == CAIRN_ERR_NOENT)
		LOG_WARN("acpi: no RSDP found; ACPI disabled (no power off)");
	else if (err)
		LOG_ERR("acpi: tables unusable (%s: %s); ACPI disabled (no power off)",
			cairn_err_name(err), cairn_err_describe(err));
	return CAIRN_OK;
}
INIT_STEP(acpi_init, INIT_LEVEL_PLATFORM, 50);

#endif /* !CONFIG_HOSTED */
