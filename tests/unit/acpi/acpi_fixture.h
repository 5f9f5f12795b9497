/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fake PC's ACPI tables in fake physical memory, for the ACPI suites and
 * the ACPI fuzzer. Every table is its own exactly sized chunk
 * (tests/unit/boot/fake_phys.h), so reading one byte past a table's length
 * is caught by ASan in the hosted-san build.
 *
 * fx_standard() builds what QEMU's q35 machine offers: an ACPI 2.0 RSDP
 * whose address the loader passes (PVH style), an XSDT and an RSDT both
 * listing FACP, APIC and HPET, and a DSDT holding \_S5_ = Package (4)
 * { 5, 5, 0, 0 } behind some other AML. The PM1a control block is port
 * 0x604 (given both as X_PM1a_CNT_BLK and as PM1a_CNT_BLK), SMI_CMD is port
 * 0xb2 with ACPI_ENABLE 0xf1. Tests then edit pieces and re-checksum them.
 */
#ifndef TESTS_UNIT_ACPI_FIXTURE_H
#define TESTS_UNIT_ACPI_FIXTURE_H

#include "fake_phys.h"

#define FX_BDA_PA 0x400ull
#define FX_EBDA_PA 0x9fc00ull
#define FX_BIOS_PA 0xe0000ull
#define FX_RSDP_PA 0x7fe0000ull
#define FX_RSDT_PA 0x7fe1000ull
#define FX_XSDT_PA 0x7fe2000ull
#define FX_FACP_PA 0x7fe3000ull
#define FX_DSDT_PA 0x7fe4000ull
#define FX_APIC_PA 0x7fe5000ull
#define FX_HPET_PA 0x7fe6000ull
#define FX_PM1A_PORT 0x604u
#define FX_PM1B_PORT 0x608u
#define FX_SMI_CMD 0xb2u
#define FX_ACPI_ENABLE 0xf1u

/* FADT offsets the tests edit. */
#define FX_FADT_DSDT 40
#define FX_FADT_SMI_CMD 48
#define FX_FADT_ACPI_ENABLE 52
#define FX_FADT_PM1A_CNT 64
#define FX_FADT_PM1B_CNT 68
#define FX_FADT_PM1_CNT_LEN 89
#define FX_FADT_FLAGS 112
#define FX_FADT_X_DSDT 140
#define FX_FADT_X_PM1A_CNT 172
#define FX_FADT_X_PM1B_CNT 184
#define FX_FADT_LEN 276

struct fx {
	struct fake_phys fp;
	struct phys_window w;
	uint8_t rsdp[36];
	size_t rsdp_len;
	/* The pieces as built, before they are placed in memory. */
	uint8_t fadt[FX_FADT_LEN];
	size_t fadt_len;
	uint8_t dsdt_aml[256];
	size_t dsdt_aml_len;
};

void fx_put16(uint8_t *p, uint16_t v);
void fx_put32(uint8_t *p, uint32_t v);
void fx_put64(uint8_t *p, uint64_t v);

/* fx_checksum - set the checksum byte of the table at t (its length field
 * says how long it is). */
void fx_checksum(uint8_t *t);

/* fx_rsdp - build an RSDP (revision 0: 20 bytes, else 36); returns its size. */
size_t fx_rsdp(uint8_t *r, unsigned revision, uint32_t rsdt, uint64_t xsdt);

/* fx_table - place a table (header + body) at pa; returns the chunk. */
uint8_t *fx_table(struct fx *f, paddr_t pa, const char *sig, const void *body, size_t len);

/* fx_table_sized - place a table at pa whose header claims `claimed`
 * bytes but whose chunk holds `len` bytes of body after the header. */
uint8_t *fx_table_sized(struct fx *f, paddr_t pa, const char *sig, const void *body,
			size_t len, uint32_t claimed);

/* fx_xsdt / fx_rsdt - place a root table listing `n` addresses. */
uint8_t *fx_xsdt(struct fx *f, paddr_t pa, const uint64_t *e, size_t n);
uint8_t *fx_rsdt(struct fx *f, paddr_t pa, const uint32_t *e, size_t n);

/* fx_gas - write a generic address structure. */
void fx_gas(uint8_t *g, uint8_t space, uint8_t bit_width, uint8_t bit_offset,
	    uint8_t access, uint64_t addr);

/* fx_fadt_default - f->fadt as fx_standard places it (not yet placed). */
void fx_fadt_default(struct fx *f);

/* fx_s5_aml - AML holding `Name (\_S5_, Package (4) { a, b, 0, 0 })` after
 * other objects; returns its length. */
size_t fx_s5_aml(uint8_t *out, bool root_prefix, uint8_t a, uint8_t b);

/* fx_begin - empty memory (the pieces in *f are kept); fx_end - free it. */
void fx_begin(struct fx *f);
void fx_end(struct fx *f);

/* fx_place_standard - place every piece of the standard machine, taking
 * f->fadt and f->dsdt_aml as they are now (edit them in between
 * fx_prepare_standard and this call). */
void fx_prepare_standard(struct fx *f);
void fx_place_standard(struct fx *f);

/* fx_standard - prepare and place in one go. */
void fx_standard(struct fx *f);

/* fx_boot_info - a boot_info that hands over the RSDP's address (PVH). */
void fx_boot_info_pvh(struct boot_info *bi);

#endif /* TESTS_UNIT_ACPI_FIXTURE_H */
