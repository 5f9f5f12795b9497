// SPDX-License-Identifier: BSD-2-Clause
/*
 * The FADT ("FACP"): where the fixed ACPI hardware registers are and where
 * the DSDT is.
 *
 * The FADT grew with every ACPI revision; a field exists only if the
 * table's length covers it. ACPI 1.0 gave 32-bit port numbers
 * (PM1a_CNT_BLK, ...) and a 32-bit DSDT address; ACPI 2.0 added 64-bit
 * generic address structures (X_PM1a_CNT_BLK, ...) and X_DSDT, which take
 * precedence when present and non-zero. A generic address structure that
 * Cairn cannot use (another address space, a bit offset, a byte or qword
 * access, an I/O address beyond 16 bits) is ignored in favour of the 32-bit
 * field, with a log line, rather than failing the whole table.
 */
#include "internal.h"

#include <kernel/log.h>
#include <kernel/string.h>

/* FADT field offsets (ACPI 6.5, table 5.9). */
#define FADT_DSDT 40
#define FADT_SMI_CMD 48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_CNT_BLK 64
#define FADT_PM1B_CNT_BLK 68
#define FADT_PM1_CNT_LEN 89
#define FADT_FLAGS 112
#define FADT_X_DSDT 140
#define FADT_X_PM1A_CNT_BLK 172
#define FADT_X_PM1B_CNT_BLK 184

#define GAS_SIZE 12
#define GAS_ACCESS_UNDEFINED 0
#define GAS_ACCESS_WORD 2
#define GAS_ACCESS_DWORD 3

/* Decode the generic address structure at `g`; false if unusable. */
static bool gas_decode(const uint8_t *g, const char *name, struct acpi_reg *out)
{
	uint8_t space = g[0], bit_width = g[1], bit_offset = g[2], access = g[3];
	uint64_t addr = load_le64(g + 4);
	uint8_t width;

	if (addr == 0)
		return false; /* not provided: the 32-bit field applies */
	if (access == GAS_ACCESS_WORD || (access == GAS_ACCESS_UNDEFINED && bit_width == 16))
		width = 2;
	else if (access == GAS_ACCESS_DWORD || (access == GAS_ACCESS_UNDEFINED && bit_width == 32))
		width = 4;
	else
		width = 0;

	if ((space != ACPI_SPACE_MEMORY && space != ACPI_SPACE_IO) || bit_offset != 0 ||
	    width == 0 || (bit_width != 0 && bit_width < 16) ||
	    (space == ACPI_SPACE_IO && addr > 0x10000u - width) ||
	    (space == ACPI_SPACE_MEMORY && addr > BOOT_INFO_PADDR_LIMIT - width)) {
		LOG_WARN("acpi: FADT %s (space %u, width %u bits, offset %u, access %u, "
			 "address %#llx) is not usable; trying the 32-bit field", name, space,
			 bit_width, bit_offset, access, (unsigned long long)addr);
		return false;
	}
	*out = (struct acpi_reg){ .space = space, .width = width, .address = addr };
	return true;
}

/* One PM1 control block: X_ form first, then the 32-bit port. */
static void pm1_cnt(const uint8_t *f, uint32_t len, size_t x_off, size_t port_off,
		    const char *name, struct acpi_reg *out)
{
	uint32_t port = load_le32(f + port_off);

	*out = (struct acpi_reg){ 0 };
	if (len >= x_off + GAS_SIZE && gas_decode(f + x_off, name, out))
		return;
	if (port == 0)
		return;
	if (port > 0xfffe || f[FADT_PM1_CNT_LEN] < 2) {
		LOG_WARN("acpi: FADT %s port %#x (length %u) is not usable", name + 2, port,
			 f[FADT_PM1_CNT_LEN]);
		return;
	}
	*out = (struct acpi_reg){ .space = ACPI_SPACE_IO, .width = 2, .address = port };
}

err_t acpi_fadt_parse(const struct acpi_header *fadt, struct acpi_fadt *out)
{
	const uint8_t *f = (const uint8_t *)fadt;
	uint32_t len = fadt->length;
	uint32_t smi;

	if (memcmp(fadt->signature, "FACP", ACPI_SIG_LEN) != 0)
		return CAIRN_ERR_INVAL;
	if (len < ACPI_FADT_MIN_LEN)
		return CORRUPT("acpi: FADT of %u bytes is shorter than the %u of ACPI 1.0", len,
			       ACPI_FADT_MIN_LEN);

	memset(out, 0, sizeof(*out));
	out->revision = fadt->revision;
	out->flags = load_le32(f + FADT_FLAGS);
	out->dsdt_pa = load_le32(f + FADT_DSDT);
	if (len >= FADT_X_DSDT + 8 && load_le64(f + FADT_X_DSDT) != 0) {
		uint64_t x = load_le64(f + FADT_X_DSDT);

		if (x < BOOT_INFO_PADDR_LIMIT)
			out->dsdt_pa = x;
		else
			LOG_WARN("acpi: FADT X_DSDT %#llx is above 2^52; using DSDT",
				 (unsigned long long)x);
	}
	smi = load_le32(f + FADT_SMI_CMD);
	if (smi <= 0xffff) {
		out->smi_cmd = (uint16_t)smi;
		out->acpi_enable = f[FADT_ACPI_ENABLE];
	} else {
		LOG_WARN("acpi: FADT SMI_CMD %#x is not a port; ignored", smi);
	}
	pm1_cnt(f, len, FADT_X_PM1A_CNT_BLK, FADT_PM1A_CNT_BLK, "X_PM1a_CNT_BLK", &out->pm1a_cnt);
	pm1_cnt(f, len, FADT_X_PM1B_CNT_BLK, FADT_PM1B_CNT_BLK, "X_PM1b_CNT_BLK", &out->pm1b_cnt);
	return CAIRN_OK;
}
