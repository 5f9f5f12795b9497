// SPDX-License-Identifier: BSD-2-Clause
/*
 * The ACPI table registry: validate what the root table points at, once,
 * and answer "where is table XXXX" afterwards.
 *
 * acpi_tables_init() validates the root table (XSDT, else RSDT) completely
 * before it registers anything, so a failing root leaves the registry
 * empty and the RSDT fallback starts from a clean slate. Entries are then
 * validated one by one with acpi_table_map(); a bad entry is skipped with a
 * line saying why, a duplicate address is registered once, and beyond
 * ACPI_MAX_TABLES entries are skipped with a count.
 *
 * Invariants (cited by the asserts below):
 *  I1. Every registered table passed acpi_table_map: `length` bytes at
 *      `hdr` are readable and checksum to zero.
 *  I2. registry.n <= ACPI_MAX_TABLES.
 *
 * State: one registry, written only by acpi_tables_init/reset on the boot
 * CPU during init; read-only afterwards.
 */
#include "internal.h"

#include <kernel/fmt.h>
#include <kernel/log.h>
#include <kernel/string.h>

struct acpi_table_slot {
	paddr_t pa;
	const struct acpi_header *hdr;
};

static struct {
	struct acpi_table_slot t[ACPI_MAX_TABLES];
	size_t n;
	unsigned skipped;
	const char *root;   /* "XSDT" or "RSDT" */
} registry;

/* Copy up to n bytes of firmware text into buf, printable ASCII only. */
static const char *printable(char *buf, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	buf[n] = '\0';
	return buf;
}

static bool sig_ok(const char *sig)
{
	for (int i = 0; i < ACPI_SIG_LEN; i++)
		if (sig[i] <= 0x20 || sig[i] >= 0x7f)
			return false;
	return true;
}

err_t acpi_table_map(const struct phys_window *w, paddr_t pa, const char *sig,
		     const struct acpi_header **out)
{
	const struct acpi_header *h;
	uint32_t len;
	uint8_t sum;
	char s[5];

	if (pa == 0)
		return CAIRN_ERR_INVAL;
	h = w->map(w->ctx, pa, ACPI_HEADER_SIZE);
	if (!h) {
		LOG_WARN("acpi: table at %#llx: header not readable", (unsigned long long)pa);
		return CAIRN_ERR_FAULT;
	}
	printable(s, h->signature, ACPI_SIG_LEN);
	if (!sig_ok(h->signature))
		return CORRUPT("acpi: table at %#llx: signature \"%s\" is not printable",
			       (unsigned long long)pa, s);
	if (sig && memcmp(h->signature, sig, ACPI_SIG_LEN) != 0)
		return CORRUPT("acpi: table at %#llx: signature \"%s\", expected \"%.4s\"",
			       (unsigned long long)pa, s, sig);
	len = h->length;
	if (len < ACPI_HEADER_SIZE)
		return CORRUPT("acpi: %s at %#llx: length %u is below the %u-byte header", s,
			       (unsigned long long)pa, len, ACPI_HEADER_SIZE);
	if (len > ACPI_TABLE_MAX_LEN) {
		LOG_WARN("acpi: %s at %#llx: length %u is above the %u-byte limit", s,
			 (unsigned long long)pa, len, ACPI_TABLE_MAX_LEN);
		return CAIRN_ERR_RANGE;
	}
	h = w->map(w->ctx, pa, len);
	if (!h) {
		LOG_WARN("acpi: %s at %#llx: %u bytes not readable", s, (unsigned long long)pa,
			 len);
		return CAIRN_ERR_FAULT;
	}
	sum = acpi_byte_sum(h, len);
	if (sum != 0)
		return CORRUPT("acpi: %s at %#llx: checksum fails (bytes sum to %#x)", s,
			       (unsigned long long)pa, sum);
	*out = h;
	return CAIRN_OK;
}

static void log_table(paddr_t pa, const struct acpi_header *h)
{
	char sig[5], oem[7], oem_table[9];

	LOG_DEBUG("acpi: %s %#010llx %7u bytes rev %u OEM \"%s\" \"%s\"",
		 printable(sig, h->signature, 4), (unsigned long long)pa, h->length,
		 h->revision, printable(oem, h->oem_id, 6),
		 printable(oem_table, h->oem_table_id, 8));
}

/* One line for the whole set: "acpi: 6 tables via the RSDT: FACP APIC ...". */
static void log_summary(void)
{
	char sigs[ACPI_MAX_TABLES * 5 + 1];
	size_t n = 0;

	for (size_t i = 0; i < registry.n; i++) {
		char sig[5];

		n += ksnprintf(sigs + n, sizeof(sigs) - n, " %s",
			       printable(sig, registry.t[i].hdr->signature, 4));
	}
	sigs[n] = '\0';
	LOG_INFO("acpi: %zu tables via the %s:%s (%u skipped)", registry.n, registry.root,
		 sigs, registry.skipped);
}

/* Register a validated table (I1); false if it was not added. */
static bool add(paddr_t pa, const struct acpi_header *h)
{
	for (size_t i = 0; i < registry.n; i++) {
		if (registry.t[i].pa == pa) {
			LOG_WARN("acpi: %.4s at %#llx listed twice; kept once", h->signature,
				 (unsigned long long)pa);
			return false;
		}
	}
	if (registry.n == ACPI_MAX_TABLES) {
		LOG_WARN("acpi: %.4s at %#llx skipped: registry full (%d tables)",
			 h->signature, (unsigned long long)pa, ACPI_MAX_TABLES);
		registry.skipped++;
		return false;
	}
	registry.t[registry.n++] = (struct acpi_table_slot){ pa, h };
	ASSERT(registry.n <= ACPI_MAX_TABLES); /* I2 */
	log_table(pa, h);
	return true;
}

/* Validate the root table fully, then register what its entries point at. */
static err_t walk(const struct phys_window *w, paddr_t root_pa, const char *sig,
		  size_t esize)
{
	const struct acpi_header *root;
	const uint8_t *entries;
	size_t n;
	err_t err;

	err = acpi_table_map(w, root_pa, sig, &root);
	if (err == CAIRN_ERR_INVAL)
		return CORRUPT("acpi: the RSDP names a %s at address 0", sig);
	if (err)
		return err;
	if ((root->length - ACPI_HEADER_SIZE) % esize != 0)
		return CORRUPT("acpi: %s length %u is not the header plus whole %zu-byte "
			       "entries", sig, root->length, esize);

	log_table(root_pa, root);
	registry.root = sig;
	n = (root->length - ACPI_HEADER_SIZE) / esize;
	entries = (const uint8_t *)root + ACPI_HEADER_SIZE;
	for (size_t i = 0; i < n; i++) {
		paddr_t pa = esize == 8 ? load_le64(entries + i * esize) :
					  load_le32(entries + i * esize);
		const struct acpi_header *h;

		if (pa == 0) {
			LOG_WARN("acpi: %s entry %zu is a null address; skipped", sig, i);
			registry.skipped++;
			continue;
		}
		err = acpi_table_map(w, pa, NULL, &h);
		if (err) {
			LOG_WARN("acpi: %s entry %zu at %#llx skipped: %s", sig, i,
				 (unsigned long long)pa, cairn_err_describe(err));
			registry.skipped++;
			continue;
		}
		(void)add(pa, h);
	}
	return CAIRN_OK;
}

/* The DSDT hangs off the FADT, not the root table. */
static void add_dsdt(const struct phys_window *w)
{
	const struct acpi_header *fadt, *dsdt;
	struct acpi_fadt f;
	err_t err;

	if (acpi_table_find("FACP", 0, &fadt) != CAIRN_OK)
		return;
	if (acpi_fadt_parse(fadt, &f) != CAIRN_OK || f.dsdt_pa == 0) {
		LOG_WARN("acpi: the FADT names no usable DSDT");
		return;
	}
	err = acpi_table_map(w, f.dsdt_pa, "DSDT", &dsdt);
	if (err) {
		LOG_WARN("acpi: DSDT at %#llx skipped: %s", (unsigned long long)f.dsdt_pa,
			 cairn_err_describe(err));
		registry.skipped++;
		return;
	}
	(void)add(f.dsdt_pa, dsdt);
}

void acpi_tables_reset(void)
{
	memset(&registry, 0, sizeof(registry));
	acpi_sleep_forget();
}

err_t acpi_tables_init(const struct phys_window *w, const struct acpi_rsdp *rsdp)
{
	err_t err = CAIRN_ERR_CORRUPT;

	acpi_tables_reset();
	if (rsdp->revision >= 2 && rsdp->xsdt_pa) {
		err = walk(w, rsdp->xsdt_pa, "XSDT", 8);
		if (err == CAIRN_OK)
			goto done;
		if (!rsdp->rsdt_pa)
			goto fail;
		LOG_WARN("acpi: XSDT at %#llx unusable (%s); using the RSDT",
			 (unsigned long long)rsdp->xsdt_pa, cairn_err_name(err));
	} else if (!rsdp->rsdt_pa) {
		err = CORRUPT("acpi: the RSDP names neither an RSDT nor an XSDT");
		goto fail;
	}
	err = walk(w, rsdp->rsdt_pa, "RSDT", 4);
	if (err)
		goto fail;
done:
	add_dsdt(w);
	log_summary();
	return CAIRN_OK;

fail:
	acpi_tables_reset();
	return err;
}

err_t acpi_table_find(const char sig[ACPI_SIG_LEN], unsigned instance,
		      const struct acpi_header **out)
{
	for (size_t i = 0; i < registry.n; i++) {
		const struct acpi_header *h = registry.t[i].hdr;

		if (memcmp(h->signature, sig, ACPI_SIG_LEN) != 0)
			continue;
		if (instance-- == 0) {
			*out = h;
			return CAIRN_OK;
		}
	}
	return CAIRN_ERR_NOENT;
}

size_t acpi_table_count(void)
{
	return registry.n;
}
