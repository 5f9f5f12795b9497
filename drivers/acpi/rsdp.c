// SPDX-License-Identifier: BSD-2-Clause
/*
 * Finding and validating the RSDP, the root pointer of ACPI.
 *
 * A loader may hand the RSDP over (multiboot2 copies its bytes, PVH gives
 * its address); otherwise a legacy BIOS keeps it on a 16-byte boundary in
 * the first KiB of the EBDA or in the BIOS ROM area 0xE0000-0xFFFFF. The
 * RSDP has no table header: it carries its own signature "RSD PTR ", a
 * checksum over its first 20 bytes (ACPI 1.0) and, from revision 2, a
 * length and an extended checksum over that length.
 *
 * The scan reads 20 bytes per candidate and, for a revision 2+ candidate,
 * its declared length (bounded by ACPI_RSDP_MAX_LEN) through the window;
 * a candidate whose bytes are not all readable is simply not a candidate.
 */
#include "internal.h"

#include <kernel/log.h>
#include <kernel/string.h>

#define RSDP_OFF_CHECKSUM 8
#define RSDP_OFF_OEM_ID 9
#define RSDP_OFF_REVISION 15
#define RSDP_OFF_RSDT 16
#define RSDP_OFF_LENGTH 20
#define RSDP_OFF_XSDT 24

err_t acpi_rsdp_parse(const void *bytes, size_t avail, struct acpi_rsdp *out)
{
	const uint8_t *r = bytes;
	uint32_t len;

	if (avail < ACPI_RSDP_V1_LEN)
		return CAIRN_ERR_TRUNCATED;
	if (memcmp(r, ACPI_RSDP_SIG, 8) != 0)
		return CAIRN_ERR_CORRUPT;
	if (acpi_byte_sum(r, ACPI_RSDP_V1_LEN) != 0)
		return CAIRN_ERR_CORRUPT;

	memset(out, 0, sizeof(*out));
	out->revision = r[RSDP_OFF_REVISION] >= 2 ? r[RSDP_OFF_REVISION] : 0;
	memcpy(out->oem_id, r + RSDP_OFF_OEM_ID, 6);
	out->rsdt_pa = load_le32(r + RSDP_OFF_RSDT);
	if (out->revision < 2)
		return CAIRN_OK;

	if (avail < ACPI_RSDP_V2_LEN)
		return CAIRN_ERR_TRUNCATED;
	len = load_le32(r + RSDP_OFF_LENGTH);
	if (len < ACPI_RSDP_V2_LEN || len > ACPI_RSDP_MAX_LEN)
		return CAIRN_ERR_CORRUPT;
	if (len > avail)
		return CAIRN_ERR_TRUNCATED;
	if (acpi_byte_sum(r, len) != 0)
		return CAIRN_ERR_CORRUPT;
	out->xsdt_pa = load_le64(r + RSDP_OFF_XSDT);
	return CAIRN_OK;
}

/* Read and validate the RSDP at `pa`: 20 bytes, then its full length. */
static err_t rsdp_at(const struct phys_window *w, paddr_t pa, struct acpi_rsdp *out)
{
	const uint8_t *r = w->map(w->ctx, pa, ACPI_RSDP_V1_LEN);
	uint32_t len;

	if (!r)
		return CAIRN_ERR_FAULT;
	if (r[RSDP_OFF_REVISION] >= 2) {
		/* Length is outside the first 20 bytes: map the v2 part first. */
		r = w->map(w->ctx, pa, ACPI_RSDP_V2_LEN);
		if (!r)
			return CAIRN_ERR_FAULT;
		len = load_le32(r + RSDP_OFF_LENGTH);
		if (len > ACPI_RSDP_V2_LEN && len <= ACPI_RSDP_MAX_LEN) {
			r = w->map(w->ctx, pa, len);
			if (!r)
				return CAIRN_ERR_FAULT;
		} else {
			len = ACPI_RSDP_V2_LEN; /* parse refuses a bad length itself */
		}
		return acpi_rsdp_parse(r, len, out);
	}
	return acpi_rsdp_parse(r, ACPI_RSDP_V1_LEN, out);
}

/* Scan [start, end) on 16-byte boundaries for a valid RSDP. */
static bool scan(const struct phys_window *w, paddr_t start, paddr_t end,
		 struct acpi_rsdp *out)
{
	for (paddr_t pa = start; pa + ACPI_RSDP_V1_LEN <= end; pa += 16) {
		const uint8_t *sig = w->map(w->ctx, pa, 8);

		if (!sig || memcmp(sig, ACPI_RSDP_SIG, 8) != 0)
			continue;
		if (rsdp_at(w, pa, out) == CAIRN_OK) {
			out->pa = pa;
			return true;
		}
		LOG_WARN("acpi: RSDP candidate at %#llx fails validation; skipped",
			 (unsigned long long)pa);
	}
	return false;
}

err_t acpi_rsdp_find(const struct phys_window *w, const struct boot_info *bi,
		     struct acpi_rsdp *out)
{
	const uint8_t *seg;
	err_t err;

	if (bi && bi->acpi_rsdp_len) {
		err = acpi_rsdp_parse(bi->acpi_rsdp, MIN(bi->acpi_rsdp_len, sizeof(bi->acpi_rsdp)),
				      out);
		if (err) {
			LOG_ERR("acpi: the loader's RSDP copy is invalid: %s", cairn_err_name(err));
			return err;
		}
		out->pa = 0;
		out->source = "loader copy";
		return CAIRN_OK;
	}
	if (bi && bi->acpi_rsdp_paddr) {
		err = rsdp_at(w, bi->acpi_rsdp_paddr, out);
		if (err) {
			LOG_ERR("acpi: the loader's RSDP at %#llx is invalid: %s",
				(unsigned long long)bi->acpi_rsdp_paddr, cairn_err_name(err));
			return err;
		}
		out->pa = bi->acpi_rsdp_paddr;
		out->source = "loader address";
		return CAIRN_OK;
	}

	seg = w->map(w->ctx, ACPI_BDA_EBDA_SEGMENT, sizeof(uint16_t));
	if (seg) {
		uint16_t s;
		paddr_t ebda;

		memcpy(&s, seg, sizeof(s));
		ebda = (paddr_t)s << 4;
		if (ebda >= 0x400 && ebda + ACPI_EBDA_SCAN_LEN <= 0xa0000 &&
		    scan(w, ebda, ebda + ACPI_EBDA_SCAN_LEN, out)) {
			out->source = "EBDA";
			return CAIRN_OK;
		}
	}
	if (scan(w, ACPI_BIOS_AREA_START, ACPI_BIOS_AREA_END, out)) {
		out->source = "BIOS area";
		return CAIRN_OK;
	}
	return CAIRN_ERR_NOENT;
}
