// SPDX-License-Identifier: BSD-2-Clause
/*
 * acpi_rsdp_parse and acpi_rsdp_find: the RSDP from a loader's copy, from a
 * loader's address, and from the legacy BIOS scan, with bad candidates.
 */
#include <string.h>

#include "cairn_test.h"
#include "acpi_fixture.h"

#include "acpi/acpi.h"

static struct fx f;
static struct boot_info bi;

static void put_ebda_segment(uint16_t seg)
{
	uint8_t *bda = fake_phys_add(&f.fp, FX_BDA_PA, 0x100);

	fx_put16(bda + (0x40e - FX_BDA_PA), seg);
}

static void test_rsdp_parse_checks_signature_checksums_and_length(void **state)
{
	uint8_t r[48];
	struct acpi_rsdp out;

	(void)state;
	fx_rsdp(r, 2, 0x1000, 0x2000);
	assert_int_equal(acpi_rsdp_parse(r, 36, &out), CAIRN_OK);
	assert_int_equal(out.revision, 2);
	assert_int_equal(out.rsdt_pa, 0x1000);
	assert_int_equal(out.xsdt_pa, 0x2000);
	assert_string_equal(out.oem_id, "BOCHS ");

	assert_int_equal(acpi_rsdp_parse(r, 19, &out), CAIRN_ERR_TRUNCATED);
	assert_int_equal(acpi_rsdp_parse(r, 20, &out), CAIRN_ERR_TRUNCATED); /* v2 needs 36 */
	assert_int_equal(acpi_rsdp_parse(r, 35, &out), CAIRN_ERR_TRUNCATED);

	r[0] = 'r';
	assert_int_equal(acpi_rsdp_parse(r, 36, &out), CAIRN_ERR_CORRUPT);
	fx_rsdp(r, 2, 0x1000, 0x2000);
	r[17] ^= 0x10; /* breaks the 20-byte checksum */
	assert_int_equal(acpi_rsdp_parse(r, 36, &out), CAIRN_ERR_CORRUPT);
	fx_rsdp(r, 2, 0x1000, 0x2000);
	r[30] ^= 0x10; /* breaks only the extended checksum */
	assert_int_equal(acpi_rsdp_parse(r, 36, &out), CAIRN_ERR_CORRUPT);

	fx_rsdp(r, 2, 0x1000, 0x2000);
	fx_put32(r + 20, 35);
	assert_int_equal(acpi_rsdp_parse(r, 36, &out), CAIRN_ERR_CORRUPT);
	fx_put32(r + 20, ACPI_RSDP_MAX_LEN + 1);
	assert_int_equal(acpi_rsdp_parse(r, 36, &out), CAIRN_ERR_CORRUPT);
	fx_put32(r + 20, 44);
	assert_int_equal(acpi_rsdp_parse(r, 36, &out), CAIRN_ERR_TRUNCATED);
}

static void test_rsdp_parse_reads_revision_1_as_acpi_1_0(void **state)
{
	uint8_t r[36];
	struct acpi_rsdp out;

	(void)state;
	fx_rsdp(r, 1, 0x1000, 0);
	assert_int_equal(acpi_rsdp_parse(r, 20, &out), CAIRN_OK);
	assert_int_equal(out.revision, 0);
	assert_int_equal(out.xsdt_pa, 0);
}

static void test_rsdp_find_takes_the_loaders_copy_first(void **state)
{
	struct acpi_rsdp out;
	uint8_t *bios;

	(void)state;
	fx_begin(&f);
	/* A different, valid RSDP in the BIOS area is not looked at. */
	bios = fake_phys_add(&f.fp, FX_BIOS_PA, 0x20000);
	fx_rsdp(bios + 0x100, 0, 0x9999000, 0);
	boot_info_init(&bi, "multiboot2");
	bi.acpi_rsdp_len = fx_rsdp(bi.acpi_rsdp, 2, 0x1000, 0x2000);
	assert_int_equal(acpi_rsdp_find(&f.w, &bi, &out), CAIRN_OK);
	assert_string_equal(out.source, "loader copy");
	assert_int_equal(out.pa, 0);
	assert_int_equal(out.xsdt_pa, 0x2000);

	/* A bad copy is an error, not a reason to scan. */
	bi.acpi_rsdp[16] ^= 1;
	assert_int_equal(acpi_rsdp_find(&f.w, &bi, &out), CAIRN_ERR_CORRUPT);

	/* A copy whose length says more than boot_info could hold. */
	fx_rsdp(bi.acpi_rsdp, 2, 0x1000, 0x2000);
	fx_put32(bi.acpi_rsdp + 20, 40);
	assert_int_equal(acpi_rsdp_find(&f.w, &bi, &out), CAIRN_ERR_TRUNCATED);
	fx_end(&f);
}

static void test_rsdp_find_reads_the_loaders_address(void **state)
{
	struct acpi_rsdp out;
	uint8_t r[40];

	(void)state;
	fx_begin(&f);
	fake_phys_add_copy(&f.fp, FX_RSDP_PA, r, fx_rsdp(r, 2, 0x1000, 0x2000));
	fx_boot_info_pvh(&bi);
	assert_int_equal(acpi_rsdp_find(&f.w, &bi, &out), CAIRN_OK);
	assert_string_equal(out.source, "loader address");
	assert_int_equal(out.pa, FX_RSDP_PA);
	assert_int_equal(out.rsdt_pa, 0x1000);

	/* Nothing readable there. */
	bi.acpi_rsdp_paddr = 0x123450;
	assert_int_equal(acpi_rsdp_find(&f.w, &bi, &out), CAIRN_ERR_FAULT);
	fx_end(&f);

	/* Only the ACPI 1.0 part readable, the revision saying 2. */
	fx_begin(&f);
	fake_phys_add_copy(&f.fp, FX_RSDP_PA, r, (fx_rsdp(r, 2, 0x1000, 0x2000), 20));
	fx_boot_info_pvh(&bi);
	assert_int_equal(acpi_rsdp_find(&f.w, &bi, &out), CAIRN_ERR_FAULT);
	fx_end(&f);

	/* A longer RSDP, all of it readable and summed. */
	fx_begin(&f);
	memset(r, 0, sizeof(r));
	fx_rsdp(r, 2, 0x1000, 0x2000);
	fx_put32(r + 20, 40);
	r[32] = 0;
	{
		uint8_t s = 0;

		for (int i = 0; i < 40; i++)
			s = (uint8_t)(s + r[i]);
		r[32] = (uint8_t)-s;
	}
	fake_phys_add_copy(&f.fp, FX_RSDP_PA, r, 40);
	fx_boot_info_pvh(&bi);
	assert_int_equal(acpi_rsdp_find(&f.w, &bi, &out), CAIRN_OK);
	/* ... and the same claim with only 36 bytes readable. */
	fx_end(&f);
	fx_begin(&f);
	fake_phys_add_copy(&f.fp, FX_RSDP_PA, r, 36);
	assert_int_equal(acpi_rsdp_find(&f.w, &bi, &out), CAIRN_ERR_FAULT);
	fx_end(&f);
}

static void test_rsdp_find_scans_the_ebda_before_the_bios_area(void **state)
{
	struct acpi_rsdp out;
	uint8_t *ebda, *bios;

	(void)state;
	fx_begin(&f);
	put_ebda_segment((uint16_t)(FX_EBDA_PA >> 4));
	ebda = fake_phys_add(&f.fp, FX_EBDA_PA, ACPI_EBDA_SCAN_LEN);
	bios = fake_phys_add(&f.fp, FX_BIOS_PA, 0x20000);
	fx_rsdp(ebda + 0x30, 0, 0xeeee000, 0);
	fx_rsdp(bios + 0x15a90, 2, 0xbbbb000, 0xbbbc000);
	assert_int_equal(acpi_rsdp_find(&f.w, NULL, &out), CAIRN_OK);
	assert_string_equal(out.source, "EBDA");
	assert_int_equal(out.pa, FX_EBDA_PA + 0x30);
	assert_int_equal(out.rsdt_pa, 0xeeee000);

	/* Without the EBDA's copy, the BIOS area's. */
	memset(ebda, 0, ACPI_EBDA_SCAN_LEN);
	assert_int_equal(acpi_rsdp_find(&f.w, NULL, &out), CAIRN_OK);
	assert_string_equal(out.source, "BIOS area");
	assert_int_equal(out.pa, FX_BIOS_PA + 0x15a90);
	assert_int_equal(out.xsdt_pa, 0xbbbc000);
	fx_end(&f);
}

static void test_rsdp_find_ignores_an_implausible_ebda_segment(void **state)
{
	/* EBDAs that would start below the BDA's end or end above 640 KiB; a
	 * valid RSDP sits where each points, and must not be found. */
	static const uint16_t bad[] = { 0, 0x003f, 0x9fc1, 0xa000, 0xffff };
	struct acpi_rsdp out;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		paddr_t ebda = (paddr_t)bad[i] << 4;

		fx_begin(&f);
		put_ebda_segment(bad[i]);
		if (ebda >= 0x9fc00)
			fx_rsdp(fake_phys_add(&f.fp, ebda, ACPI_EBDA_SCAN_LEN), 0, 0x1000, 0);
		assert_int_equal(acpi_rsdp_find(&f.w, NULL, &out), CAIRN_ERR_NOENT);
		fx_end(&f);
	}
	/* The control: a plausible segment with the same RSDP is found. */
	fx_begin(&f);
	put_ebda_segment(0x9fc0);
	fx_rsdp(fake_phys_add(&f.fp, 0x9fc00, ACPI_EBDA_SCAN_LEN), 0, 0x1000, 0);
	assert_int_equal(acpi_rsdp_find(&f.w, NULL, &out), CAIRN_OK);
	fx_end(&f);
}

static void test_rsdp_find_looks_only_on_16_byte_boundaries(void **state)
{
	struct acpi_rsdp out;
	uint8_t *bios;

	(void)state;
	fx_begin(&f);
	bios = fake_phys_add(&f.fp, FX_BIOS_PA, 0x20000);
	fx_rsdp(bios + 0x108, 0, 0x1000, 0);
	assert_int_equal(acpi_rsdp_find(&f.w, NULL, &out), CAIRN_ERR_NOENT);
	memmove(bios + 0x110, bios + 0x108, 20);
	assert_int_equal(acpi_rsdp_find(&f.w, NULL, &out), CAIRN_OK);
	assert_int_equal(out.pa, FX_BIOS_PA + 0x110);
	fx_end(&f);
}

static void test_rsdp_find_skips_candidates_that_fail_validation(void **state)
{
	struct acpi_rsdp out;
	uint8_t *bios;

	(void)state;
	fx_begin(&f);
	bios = fake_phys_add(&f.fp, FX_BIOS_PA, 0x20000);
	fx_rsdp(bios + 0x40, 0, 0x1000, 0);
	bios[0x40 + 8] ^= 0xff;                    /* bad checksum */
	fx_rsdp(bios + 0x80, 2, 0x2000, 0x3000);
	bios[0x80 + 24] ^= 0xff;                   /* bad extended checksum */
	memcpy(bios + 0xc0, "RSD PTR ", 8);        /* a signature alone */
	fx_rsdp(bios + 0x200, 2, 0x4000, 0x5000);  /* the real one */
	assert_int_equal(acpi_rsdp_find(&f.w, NULL, &out), CAIRN_OK);
	assert_int_equal(out.pa, FX_BIOS_PA + 0x200);
	assert_int_equal(out.xsdt_pa, 0x5000);
	fx_end(&f);
}

static void test_rsdp_find_reads_nothing_past_the_bios_area(void **state)
{
	struct acpi_rsdp out;
	uint8_t *bios;

	(void)state;
	fx_begin(&f);
	bios = fake_phys_add(&f.fp, FX_BIOS_PA, 0x20000);
	/* A revision 2 candidate whose 36 bytes would cross 1 MiB. */
	memcpy(bios + 0x1ffe0, "RSD PTR ", 8);
	bios[0x1ffe0 + 15] = 2;
	{
		uint8_t s = 0;

		for (int i = 0; i < 20; i++)
			s = (uint8_t)(s + bios[0x1ffe0 + i]);
		bios[0x1ffe0 + 8] = (uint8_t)-s;
	}
	assert_int_equal(acpi_rsdp_find(&f.w, NULL, &out), CAIRN_ERR_NOENT);
	fx_end(&f);
}

static void test_rsdp_find_reports_noent_without_any_rsdp(void **state)
{
	struct acpi_rsdp out;

	(void)state;
	fx_begin(&f);
	boot_info_init(&bi, "hosted");
	assert_int_equal(acpi_rsdp_find(&f.w, &bi, &out), CAIRN_ERR_NOENT);
	fake_phys_add(&f.fp, FX_BIOS_PA, 0x20000);
	assert_int_equal(acpi_rsdp_find(&f.w, NULL, &out), CAIRN_ERR_NOENT);
	fx_end(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsdp_parse_checks_signature_checksums_and_length),
		cmocka_unit_test(test_rsdp_parse_reads_revision_1_as_acpi_1_0),
		cmocka_unit_test(test_rsdp_find_takes_the_loaders_copy_first),
		cmocka_unit_test(test_rsdp_find_reads_the_loaders_address),
		cmocka_unit_test(test_rsdp_find_scans_the_ebda_before_the_bios_area),
		cmocka_unit_test(test_rsdp_find_ignores_an_implausible_ebda_segment),
		cmocka_unit_test(test_rsdp_find_looks_only_on_16_byte_boundaries),
		cmocka_unit_test(test_rsdp_find_skips_candidates_that_fail_validation),
		cmocka_unit_test(test_rsdp_find_reads_nothing_past_the_bios_area),
		cmocka_unit_test(test_rsdp_find_reports_noent_without_any_rsdp),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
