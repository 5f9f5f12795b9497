// SPDX-License-Identifier: BSD-2-Clause
/* A fake PC's ACPI tables in fake physical memory (see acpi_fixture.h). */
#include <stdlib.h>
#include <string.h>

#include "acpi_fixture.h"

void fx_put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
void fx_put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
void fx_put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

void fx_checksum(uint8_t *t)
{
	uint32_t len;

	memcpy(&len, t + 4, 4);
	t[9] = 0;
	t[9] = (uint8_t)-sum(t, len);
}

size_t fx_rsdp(uint8_t *r, unsigned revision, uint32_t rsdt, uint64_t xsdt)
{
	memset(r, 0, 36);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "BOCHS ", 6);
	r[15] = (uint8_t)revision;
	fx_put32(r + 16, rsdt);
	r[8] = (uint8_t)-sum(r, 20);
	if (revision < 2)
		return 20;
	fx_put32(r + 20, 36);
	fx_put64(r + 24, xsdt);
	r[32] = (uint8_t)-sum(r, 36);
	return 36;
}

uint8_t *fx_table_sized(struct fx *f, paddr_t pa, const char *sig, const void *body,
			size_t len, uint32_t claimed)
{
	uint8_t *t = fake_phys_add(&f->fp, pa, 36 + len);

	memcpy(t, sig, 4);
	fx_put32(t + 4, claimed);
	t[8] = 1;
	memcpy(t + 10, "BOCHS ", 6);
	memcpy(t + 16, "BXPC    ", 8);
	fx_put32(t + 24, 1);
	memcpy(t + 28, "BXPC", 4);
	fx_put32(t + 32, 1);
	if (len)
		memcpy(t + 36, body, len);
	if (claimed == 36 + len)
		fx_checksum(t);
	return t;
}

uint8_t *fx_table(struct fx *f, paddr_t pa, const char *sig, const void *body, size_t len)
{
	return fx_table_sized(f, pa, sig, body, len, (uint32_t)(36 + len));
}

uint8_t *fx_xsdt(struct fx *f, paddr_t pa, const uint64_t *e, size_t n)
{
	uint8_t *body = calloc(n ? n : 1, 8);
	uint8_t *t;

	for (size_t i = 0; i < n; i++)
		fx_put64(body + 8 * i, e[i]);
	t = fx_table(f, pa, "XSDT", body, 8 * n);
	free(body);
	return t;
}

uint8_t *fx_rsdt(struct fx *f, paddr_t pa, const uint32_t *e, size_t n)
{
	uint8_t *body = calloc(n ? n : 1, 4);
	uint8_t *t;

	for (size_t i = 0; i < n; i++)
		fx_put32(body + 4 * i, e[i]);
	t = fx_table(f, pa, "RSDT", body, 4 * n);
	free(body);
	return t;
}

void fx_gas(uint8_t *g, uint8_t space, uint8_t bit_width, uint8_t bit_offset,
	    uint8_t access, uint64_t addr)
{
	g[0] = space;
	g[1] = bit_width;
	g[2] = bit_offset;
	g[3] = access;
	fx_put64(g + 4, addr);
}

void fx_fadt_default(struct fx *f)
{
	uint8_t *p = f->fadt;

	memset(p, 0, sizeof(f->fadt));
	f->fadt_len = FX_FADT_LEN;
	fx_put32(p + FX_FADT_DSDT, (uint32_t)FX_DSDT_PA);
	fx_put32(p + FX_FADT_SMI_CMD, FX_SMI_CMD);
	p[FX_FADT_ACPI_ENABLE] = FX_ACPI_ENABLE;
	fx_put32(p + FX_FADT_PM1A_CNT, FX_PM1A_PORT);
	p[FX_FADT_PM1_CNT_LEN] = 2;
	fx_put64(p + FX_FADT_X_DSDT, FX_DSDT_PA);
	fx_gas(p + FX_FADT_X_PM1A_CNT, 1, 16, 0, 2, FX_PM1A_PORT);
}

size_t fx_s5_aml(uint8_t *out, bool root_prefix, uint8_t a, uint8_t b)
{
	static const uint8_t before[] = {
		0x08, 'P', 'I', 'C', 'F', 0x00,                       /* Name (PICF, Zero) */
		0x08, '_', 'S', '3', '_', 0x12, 0x06, 0x04,           /* Name (_S3_, Package */
		0x01, 0x01, 0x00, 0x00,                               /* (4) { 1, 1, 0, 0 }) */
	};
	static const uint8_t after[] = {
		0x14, 0x07, '_', 'P', 'T', 'S', 0x01, 0xa3,           /* Method (_PTS, 1) { Noop } */
	};
	size_t n = 0;

	memcpy(out, before, sizeof(before));
	n += sizeof(before);
	out[n++] = 0x08;
	if (root_prefix)
		out[n++] = '\\';
	memcpy(out + n, "_S5_", 4);
	n += 4;
	out[n++] = 0x12; /* PackageOp */
	out[n++] = 0x08; /* PkgLength: 8 bytes from here */
	out[n++] = 0x04; /* NumElements */
	out[n++] = 0x0a;
	out[n++] = a;
	out[n++] = 0x0a;
	out[n++] = b;
	out[n++] = 0x00;
	out[n++] = 0x00;
	memcpy(out + n, after, sizeof(after));
	return n + sizeof(after);
}

void fx_begin(struct fx *f)
{
	/* The pieces (rsdp, fadt, dsdt_aml) stay: tests build them first. */
	fake_phys_init(&f->fp);
	f->w = fake_phys_window(&f->fp);
}

void fx_end(struct fx *f)
{
	fake_phys_free(&f->fp);
}

void fx_prepare_standard(struct fx *f)
{
	fx_begin(f);
	memset(f->rsdp, 0, sizeof(f->rsdp));
	f->rsdp_len = fx_rsdp(f->rsdp, 2, (uint32_t)FX_RSDT_PA, FX_XSDT_PA);
	fx_fadt_default(f);
	f->dsdt_aml_len = fx_s5_aml(f->dsdt_aml, true, 5, 5);
}

void fx_place_standard(struct fx *f)
{
	static const uint8_t apic[8 + 8] = { 0, 0, 0xe0, 0xfe, 1, 0, 0, 0, 0, 8, 0, 0, 1, 0, 0, 0 };
	static const uint8_t hpet[20] = { 0x01, 0xa2, 0x86, 0x80 };
	const uint64_t x[] = { FX_FACP_PA, FX_APIC_PA, FX_HPET_PA };
	const uint32_t r[] = { (uint32_t)FX_FACP_PA, (uint32_t)FX_APIC_PA, (uint32_t)FX_HPET_PA };

	fake_phys_add_copy(&f->fp, FX_RSDP_PA, f->rsdp, f->rsdp_len);
	fx_xsdt(f, FX_XSDT_PA, x, 3);
	fx_rsdt(f, FX_RSDT_PA, r, 3);
	fx_table(f, FX_FACP_PA, "FACP", f->fadt + 36, f->fadt_len - 36);
	fx_table(f, FX_DSDT_PA, "DSDT", f->dsdt_aml, f->dsdt_aml_len);
	fx_table(f, FX_APIC_PA, "APIC", apic, sizeof(apic));
	fx_table(f, FX_HPET_PA, "HPET", hpet, sizeof(hpet));
}

void fx_standard(struct fx *f)
{
	fx_prepare_standard(f);
	fx_place_standard(f);
}

void fx_boot_info_pvh(struct boot_info *bi)
{
	boot_info_init(bi, "pvh");
	bi->acpi_rsdp_paddr = FX_RSDP_PA;
}
