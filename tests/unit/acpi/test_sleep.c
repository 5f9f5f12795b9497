// SPDX-License-Identifier: BSD-2-Clause
/*
 * \_S5_ discovery in AML, acpi_sleep_init, and the S5 power-off write
 * sequence against a fake PM1 device in the hosted port space and a fake
 * memory-mapped register.
 */
#include <string.h>

#include "cairn_test.h"
#include "acpi_fixture.h"

#include "acpi/acpi.h"

static struct fx f;

static const struct acpi_rsdp standard_rsdp = {
	.revision = 2, .rsdt_pa = FX_RSDT_PA, .xsdt_pa = FX_XSDT_PA, .source = "test",
};

/* ---- \_S5_ in AML ------------------------------------------------------ */

/* Place `aml` as a DSDT of exactly its size and look for \_S5_ in it. */
static err_t s5_in(const void *aml, size_t n, struct acpi_sleep_type *out)
{
	const struct acpi_header *h;
	err_t err;

	fx_begin(&f);
	fx_table(&f, FX_DSDT_PA, "DSDT", aml, n);
	assert_int_equal(acpi_table_map(&f.w, FX_DSDT_PA, "DSDT", &h), CAIRN_OK);
	err = acpi_sleep_s5_find(h, out);
	fx_end(&f);
	return err;
}

#define S5_IN(out, ...)                                                        \
	({                                                                     \
		static const uint8_t aml_[] = { __VA_ARGS__ };                 \
		s5_in(aml_, sizeof(aml_), (out));                             \
	})

static void test_s5_is_found_with_a_root_prefix(void **state)
{
	struct acpi_sleep_type t;
	uint8_t aml[256];

	(void)state;
	assert_int_equal(s5_in(aml, fx_s5_aml(aml, true, 5, 6), &t), CAIRN_OK);
	assert_int_equal(t.slp_typa, 5);
	assert_int_equal(t.slp_typb, 6);
}

static void test_s5_is_found_without_a_root_prefix(void **state)
{
	struct acpi_sleep_type t;
	uint8_t aml[256];

	(void)state;
	assert_int_equal(s5_in(aml, fx_s5_aml(aml, false, 7, 0), &t), CAIRN_OK);
	assert_int_equal(t.slp_typa, 7);
	assert_int_equal(t.slp_typb, 0);
}

static void test_s5_reads_zero_and_one_ops(void **state)
{
	struct acpi_sleep_type t = { 9, 9 };

	(void)state;
	/* QEMU's own: Name (_S5, Package (4) { Zero, Zero, Zero, Zero }) */
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0),
			 CAIRN_OK);
	assert_int_equal(t.slp_typa, 0);
	assert_int_equal(t.slp_typb, 0);
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x00),
			 CAIRN_OK);
	assert_int_equal(t.slp_typa, 1);
	assert_int_equal(t.slp_typb, 0);
}

static void test_s5_reads_word_dword_and_qword_constants(void **state)
{
	struct acpi_sleep_type t;

	(void)state;
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '5', '_', 0x12, 0x0a, 0x02,
			       0x0b, 0x07, 0x00, 0x0c, 0x05, 0x00, 0x00, 0x00), CAIRN_OK);
	assert_int_equal(t.slp_typa, 7);
	assert_int_equal(t.slp_typb, 5);
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '5', '_', 0x12, 0x0c, 0x02,
			       0x0e, 3, 0, 0, 0, 0, 0, 0, 0, 0x01), CAIRN_OK);
	assert_int_equal(t.slp_typa, 3);
	assert_int_equal(t.slp_typb, 1);
}

static void test_s5_reads_multi_byte_package_lengths(void **state)
{
	struct acpi_sleep_type t;

	(void)state;
	/* Two PkgLength bytes: 0x49 0x00 = 9 (2 + 1 + 2 + 2 + 1 + 1). */
	assert_int_equal(S5_IN(&t, 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x49, 0x00, 0x04,
			       0x0a, 0x05, 0x0a, 0x04, 0x00, 0x00), CAIRN_OK);
	assert_int_equal(t.slp_typa, 5);
	assert_int_equal(t.slp_typb, 4);
	/* Three bytes: 0x8a 0x00 0x00 = 10. */
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '5', '_', 0x12, 0x8a, 0x00, 0x00, 0x04,
			       0x0a, 0x02, 0x0a, 0x03, 0x00, 0x00), CAIRN_OK);
	assert_int_equal(t.slp_typa, 2);
	assert_int_equal(t.slp_typb, 3);
	/* Four bytes, the length spread over them: 0xcb 0x00 0x00 0x00 = 11. */
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '5', '_', 0x12, 0xcb, 0x00, 0x00, 0x00,
			       0x04, 0x0a, 0x06, 0x0a, 0x01, 0x00, 0x00), CAIRN_OK);
	assert_int_equal(t.slp_typa, 6);
	assert_int_equal(t.slp_typb, 1);
}

static void test_s5_is_noent_in_a_dsdt_without_it(void **state)
{
	struct acpi_sleep_type t;

	(void)state;
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '3', '_', 0x12, 0x06, 0x04, 1, 1, 0, 0),
			 CAIRN_ERR_NOENT);
	assert_int_equal(s5_in(NULL, 0, &t), CAIRN_ERR_NOENT); /* an empty DSDT */
	/* The name used, not defined: Store (0x05, \_S5_) has no NameOp. */
	assert_int_equal(S5_IN(&t, 0x70, 0x0a, 0x05, '\\', '_', 'S', '5', '_'),
			 CAIRN_ERR_NOENT);
	/* "_S5_" at the very start of the AML: no room for a NameOp. */
	assert_int_equal(S5_IN(&t, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x00),
			 CAIRN_ERR_NOENT);
}

static void test_s5_skips_a_reference_before_the_definition(void **state)
{
	struct acpi_sleep_type t;

	(void)state;
	assert_int_equal(S5_IN(&t, 0x70, 0x01, '_', 'S', '5', '_',
			       0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 0x07, 0x0a, 0x07),
			 CAIRN_OK);
	assert_int_equal(t.slp_typa, 7);
}

static void test_s5_rejects_malformed_packages(void **state)
{
	struct acpi_sleep_type t;

	(void)state;
	/* Not a package. */
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '5', '_', 0x0a, 0x05), CAIRN_ERR_CORRUPT);
	/* One element. */
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0a, 0x05),
			 CAIRN_ERR_CORRUPT);
	/* A string where an integer belongs. */
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0d, 'a',
			       0x00, 0x00), CAIRN_ERR_CORRUPT);
	/* OnesOp is an integer but not a sleep type. */
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0xff, 0x00),
			 CAIRN_ERR_CORRUPT);
	/* PkgLength with its reserved bits 5-4 set. */
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '5', '_', 0x12, 0x70, 0x00, 0x02, 0x00,
			       0x00), CAIRN_ERR_CORRUPT);
	/* PkgLength too small to hold NumElements. */
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '5', '_', 0x12, 0x01, 0x02, 0x00, 0x00),
			 CAIRN_ERR_CORRUPT);
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '5', '_', 0x12, 0x42, 0x00, 0x02, 0x00,
			       0x00), CAIRN_ERR_CORRUPT);
	/* The second element beyond the package's end, inside the table. */
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x0a, 0x05,
			       0x0a, 0x05, 0xa3), CAIRN_ERR_CORRUPT);
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x05,
			       0x0a, 0x05, 0xa3), CAIRN_ERR_CORRUPT);
}

static void test_s5_rejects_sleep_types_above_three_bits(void **state)
{
	struct acpi_sleep_type t;

	(void)state;
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 0x08,
			       0x0a, 0x05), CAIRN_ERR_RANGE);
	assert_int_equal(S5_IN(&t, 0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x02, 0x0a, 0x05,
			       0x0b, 0x00, 0x01), CAIRN_ERR_RANGE);
}

/* Cut a DSDT ending in \_S5_ at every length: NOENT until the name is
 * whole, TRUNCATED while the package is cut, OK when it is all there. */
static void test_s5_truncated_at_every_length_is_reported_exactly(void **state)
{
	static const uint8_t aml[] = {
		0x08, 'P', 'I', 'C', 'F', 0x00,
		0x08, '\\', '_', 'S', '5', '_', 0x12, 0x4a, 0x00, 0x04, /* PkgLength 10 */
		0x0a, 0x05, 0x0b, 0x05, 0x00, 0x00, 0x00,
	};
	const size_t name_end = 12;
	struct acpi_sleep_type t;

	(void)state;
	assert_int_equal(s5_in(aml, sizeof(aml), &t), CAIRN_OK);
	assert_int_equal(t.slp_typa, 5);
	assert_int_equal(t.slp_typb, 5);
	for (size_t k = 0; k < sizeof(aml); k++) {
		err_t want = k < name_end ? CAIRN_ERR_NOENT : CAIRN_ERR_TRUNCATED;

		assert_int_equal(s5_in(aml, k, &t), want);
	}
}

/* ---- acpi_sleep_init --------------------------------------------------- */

static err_t init_machine(void)
{
	fx_place_standard(&f);
	assert_int_equal(acpi_tables_init(&f.w, &standard_rsdp), CAIRN_OK);
	return acpi_sleep_init();
}

static int teardown(void **state)
{
	(void)state;
	acpi_tables_reset();
	acpi_mmio_map_set(NULL);
	hosted_pio = NULL;
	fx_end(&f);
	return 0;
}

static void test_sleep_init_succeeds_on_the_standard_machine(void **state)
{
	(void)state;
	fx_prepare_standard(&f);
	assert_int_equal(init_machine(), CAIRN_OK);
}

static void test_sleep_init_needs_a_fadt(void **state)
{
	(void)state;
	fx_begin(&f);
	fx_xsdt(&f, FX_XSDT_PA, (const uint64_t[]){ FX_APIC_PA }, 1);
	fx_table(&f, FX_APIC_PA, "APIC", NULL, 0);
	assert_int_equal(acpi_tables_init(&f.w, &standard_rsdp), CAIRN_OK);
	assert_int_equal(acpi_sleep_init(), CAIRN_ERR_NOENT);
	assert_int_equal(acpi_poweroff(), CAIRN_ERR_NOENT);
}

static void test_sleep_init_needs_a_pm1a_control_block(void **state)
{
	(void)state;
	fx_prepare_standard(&f);
	fx_gas(f.fadt + FX_FADT_X_PM1A_CNT, 0, 0, 0, 0, 0);
	fx_put32(f.fadt + FX_FADT_PM1A_CNT, 0);
	fx_put32(f.fadt + FX_FADT_FLAGS, ACPI_FADT_HW_REDUCED);
	assert_int_equal(init_machine(), CAIRN_ERR_NOTSUP);
	assert_int_equal(acpi_poweroff(), CAIRN_ERR_NOTSUP);
}

static void test_sleep_init_needs_a_dsdt(void **state)
{
	(void)state;
	fx_prepare_standard(&f);
	fx_put32(f.fadt + FX_FADT_DSDT, 0x1230000);
	fx_put64(f.fadt + FX_FADT_X_DSDT, 0x1230000); /* nothing there */
	assert_int_equal(init_machine(), CAIRN_ERR_NOENT);
}

static void test_sleep_init_reports_what_is_wrong_with_s5(void **state)
{
	(void)state;
	fx_prepare_standard(&f);
	f.dsdt_aml[f.dsdt_aml_len - 13] = 0x08; /* SLP_TYPa: 8 */
	assert_int_equal(init_machine(), CAIRN_ERR_RANGE);
	assert_int_equal(acpi_poweroff(), CAIRN_ERR_RANGE);
	fx_end(&f);

	acpi_tables_reset();
	fx_prepare_standard(&f);
	f.dsdt_aml_len = 18; /* only PICF and _S3_ */
	assert_int_equal(init_machine(), CAIRN_ERR_NOENT);
	assert_int_equal(acpi_poweroff(), CAIRN_ERR_NOENT);
}

/* ---- acpi_poweroff ----------------------------------------------------- */

struct pio_op {
	bool write;
	uint16_t port;
	uint32_t value;
	unsigned width;
};

/* A PIIX4/ICH9-like PM1 block: SLP_EN reads back as 0; a write with SLP_EN
 * "turns the machine off" (recorded; time jumps so the wait ends). */
static struct {
	uint16_t pm1a, pm1b;
	bool smi_enables_acpi;
	struct pio_op ops[32];
	size_t nops;
	int off_typa, off_typb; /* SLP_TYP seen with SLP_EN, or -1 */
} dev;

static uint32_t dev_read(uint16_t port, unsigned width)
{
	uint32_t v = 0xffffffffu;

	if (port == FX_PM1A_PORT)
		v = dev.pm1a;
	else if (port == FX_PM1B_PORT)
		v = dev.pm1b;
	assert_true(dev.nops < ARRAY_SIZE(dev.ops));
	dev.ops[dev.nops++] = (struct pio_op){ false, port, v, width };
	return width == 1 ? (v & 0xff) : width == 2 ? (v & 0xffff) : v;
}

static void dev_write(uint16_t port, uint32_t v, unsigned width)
{
	assert_true(dev.nops < ARRAY_SIZE(dev.ops));
	dev.ops[dev.nops++] = (struct pio_op){ true, port, v, width };
	if (port == FX_SMI_CMD && v == FX_ACPI_ENABLE && dev.smi_enables_acpi)
		dev.pm1a |= ACPI_PM1_SCI_EN;
	if (port == FX_PM1A_PORT || port == FX_PM1B_PORT) {
		uint16_t *reg = port == FX_PM1A_PORT ? &dev.pm1a : &dev.pm1b;

		*reg = (uint16_t)(v & ~ACPI_PM1_SLP_EN);
		if (v & ACPI_PM1_SLP_EN)
			*(port == FX_PM1A_PORT ? &dev.off_typa : &dev.off_typb) =
				(int)((v & ACPI_PM1_SLP_TYP_MASK) >> ACPI_PM1_SLP_TYP_SHIFT);
	}
	hosted_clock_advance(1000000000ull);
}

static const struct hosted_pio_ops dev_ops = { dev_read, dev_write };

static void dev_reset(uint16_t pm1a, uint16_t pm1b)
{
	memset(&dev, 0, sizeof(dev));
	dev.pm1a = pm1a;
	dev.pm1b = pm1b;
	dev.off_typa = dev.off_typb = -1;
	hosted_pio = &dev_ops;
}

/* The writes, in order, as (port, value, width) triples. */
static void assert_writes(const struct pio_op *want, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < dev.nops; i++) {
		if (!dev.ops[i].write)
			continue;
		assert_true(w < n);
		assert_int_equal(dev.ops[i].port, want[w].port);
		assert_int_equal(dev.ops[i].value, want[w].value);
		assert_int_equal(dev.ops[i].width, want[w].width);
		w++;
	}
	assert_int_equal(w, n);
}

static void test_poweroff_writes_slp_typ_then_slp_en_to_pm1a(void **state)
{
	static const struct pio_op want[] = {
		{ true, FX_PM1A_PORT, (5u << 10) | ACPI_PM1_SCI_EN, 2 },
		{ true, FX_PM1A_PORT, (5u << 10) | ACPI_PM1_SLP_EN | ACPI_PM1_SCI_EN, 2 },
	};

	(void)state;
	fx_prepare_standard(&f);
	assert_int_equal(init_machine(), CAIRN_OK);
	dev_reset(ACPI_PM1_SCI_EN, 0);
	/* Hosted, the write cannot stop the process: the call reports it. */
	assert_int_equal(acpi_poweroff(), CAIRN_ERR_IO);
	assert_writes(want, ARRAY_SIZE(want));
	assert_int_equal(dev.off_typa, 5);
}

static void test_poweroff_keeps_other_bits_and_replaces_an_old_slp_typ(void **state)
{
	static const struct pio_op want[] = {
		{ true, FX_PM1A_PORT, (5u << 10) | 0x0203, 2 },
		{ true, FX_PM1A_PORT, (5u << 10) | ACPI_PM1_SLP_EN | 0x0203, 2 },
	};

	(void)state;
	fx_prepare_standard(&f);
	assert_int_equal(init_machine(), CAIRN_OK);
	dev_reset((7u << 10) | 0x0203, 0);
	assert_int_equal(acpi_poweroff(), CAIRN_ERR_IO);
	assert_writes(want, ARRAY_SIZE(want));
}

static void test_poweroff_writes_slp_typb_to_pm1b(void **state)
{
	static const struct pio_op want[] = {
		{ true, FX_PM1A_PORT, (2u << 10) | ACPI_PM1_SCI_EN, 2 },
		{ true, FX_PM1B_PORT, (3u << 10), 2 },
		{ true, FX_PM1A_PORT, (2u << 10) | ACPI_PM1_SLP_EN | ACPI_PM1_SCI_EN, 2 },
		{ true, FX_PM1B_PORT, (3u << 10) | ACPI_PM1_SLP_EN, 2 },
	};

	(void)state;
	fx_prepare_standard(&f);
	fx_gas(f.fadt + FX_FADT_X_PM1B_CNT, ACPI_SPACE_IO, 16, 0, 2, FX_PM1B_PORT);
	f.dsdt_aml_len = fx_s5_aml(f.dsdt_aml, true, 2, 3);
	assert_int_equal(init_machine(), CAIRN_OK);
	dev_reset(ACPI_PM1_SCI_EN, 0);
	assert_int_equal(acpi_poweroff(), CAIRN_ERR_IO);
	assert_writes(want, ARRAY_SIZE(want));
	assert_int_equal(dev.off_typa, 2);
	assert_int_equal(dev.off_typb, 3);
}

static void test_poweroff_enters_acpi_mode_first_when_sci_en_is_clear(void **state)
{
	static const struct pio_op want[] = {
		{ true, FX_SMI_CMD, FX_ACPI_ENABLE, 1 },
		{ true, FX_PM1A_PORT, (5u << 10) | ACPI_PM1_SCI_EN, 2 },
		{ true, FX_PM1A_PORT, (5u << 10) | ACPI_PM1_SLP_EN | ACPI_PM1_SCI_EN, 2 },
	};

	(void)state;
	fx_prepare_standard(&f);
	assert_int_equal(init_machine(), CAIRN_OK);
	dev_reset(0, 0);
	dev.smi_enables_acpi = true;
	assert_int_equal(acpi_poweroff(), CAIRN_ERR_IO);
	assert_writes(want, ARRAY_SIZE(want));
}

static void test_poweroff_tries_anyway_when_acpi_mode_does_not_come(void **state)
{
	static const struct pio_op want[] = {
		{ true, FX_SMI_CMD, FX_ACPI_ENABLE, 1 },
		{ true, FX_PM1A_PORT, (5u << 10), 2 },
		{ true, FX_PM1A_PORT, (5u << 10) | ACPI_PM1_SLP_EN, 2 },
	};
	static const struct pio_op want_no_smi[] = {
		{ true, FX_PM1A_PORT, (5u << 10), 2 },
		{ true, FX_PM1A_PORT, (5u << 10) | ACPI_PM1_SLP_EN, 2 },
	};

	(void)state;
	fx_prepare_standard(&f);
	assert_int_equal(init_machine(), CAIRN_OK);
	dev_reset(0, 0);
	assert_int_equal(acpi_poweroff(), CAIRN_ERR_IO);
	assert_writes(want, ARRAY_SIZE(want));
	fx_end(&f);

	/* No SMI command port at all: straight to the PM1 writes. */
	fx_prepare_standard(&f);
	fx_put32(f.fadt + FX_FADT_SMI_CMD, 0);
	assert_int_equal(init_machine(), CAIRN_OK);
	dev_reset(0, 0);
	assert_int_equal(acpi_poweroff(), CAIRN_ERR_IO);
	assert_writes(want_no_smi, ARRAY_SIZE(want_no_smi));
}

static uint32_t mmio_reg;
static paddr_t mmio_mapped_pa;
static size_t mmio_mapped_len;

static void *fake_mmio_map(paddr_t pa, size_t len)
{
	mmio_mapped_pa = pa;
	mmio_mapped_len = len;
	return pa == 0xfed00004ull ? &mmio_reg : NULL;
}

static void test_poweroff_writes_a_memory_mapped_pm1a(void **state)
{
	(void)state;
	fx_prepare_standard(&f);
	fx_gas(f.fadt + FX_FADT_X_PM1A_CNT, ACPI_SPACE_MEMORY, 32, 0, 3, 0xfed00004ull);
	assert_int_equal(init_machine(), CAIRN_OK);
	dev_reset(0, 0);
	acpi_mmio_map_set(fake_mmio_map);
	mmio_reg = 0xffff0000u | (6u << 10) | ACPI_PM1_SCI_EN;
	assert_int_equal(acpi_poweroff(), CAIRN_ERR_IO);
	assert_int_equal(mmio_mapped_pa, 0xfed00004ull);
	assert_int_equal(mmio_mapped_len, 4);
	assert_int_equal(mmio_reg, 0xffff0000u | (5u << 10) | ACPI_PM1_SLP_EN | ACPI_PM1_SCI_EN);
	assert_int_equal(dev.nops, 0); /* not a single port access */
}

static void test_poweroff_fails_cleanly_when_a_register_cannot_be_mapped(void **state)
{
	(void)state;
	/* PM1a in memory with no mapper (the hosted default maps nothing). */
	fx_prepare_standard(&f);
	fx_gas(f.fadt + FX_FADT_X_PM1A_CNT, ACPI_SPACE_MEMORY, 16, 0, 2, 0xfed00004ull);
	assert_int_equal(init_machine(), CAIRN_OK);
	dev_reset(ACPI_PM1_SCI_EN, 0);
	assert_int_equal(acpi_poweroff(), CAIRN_ERR_FAULT);
	fx_end(&f);

	/* PM1b unmappable: PM1a, a port, is not written either. */
	acpi_tables_reset();
	fx_prepare_standard(&f);
	fx_gas(f.fadt + FX_FADT_X_PM1B_CNT, ACPI_SPACE_MEMORY, 16, 0, 2, 0xfed00008ull);
	assert_int_equal(init_machine(), CAIRN_OK);
	dev_reset(ACPI_PM1_SCI_EN, 0);
	acpi_mmio_map_set(fake_mmio_map);
	assert_int_equal(acpi_poweroff(), CAIRN_ERR_FAULT);
	assert_int_equal(dev.nops, 0);
}

static void test_poweroff_is_not_supported_without_tables(void **state)
{
	(void)state;
	acpi_tables_reset();
	dev_reset(ACPI_PM1_SCI_EN, 0);
	assert_int_equal(acpi_poweroff(), CAIRN_ERR_NOTSUP);
	fx_prepare_standard(&f);
	assert_int_equal(init_machine(), CAIRN_OK);
	acpi_tables_reset();
	assert_int_equal(acpi_poweroff(), CAIRN_ERR_NOTSUP);
	assert_int_equal(dev.nops, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_s5_is_found_with_a_root_prefix),
		cmocka_unit_test(test_s5_is_found_without_a_root_prefix),
		cmocka_unit_test(test_s5_reads_zero_and_one_ops),
		cmocka_unit_test(test_s5_reads_word_dword_and_qword_constants),
		cmocka_unit_test(test_s5_reads_multi_byte_package_lengths),
		cmocka_unit_test(test_s5_is_noent_in_a_dsdt_without_it),
		cmocka_unit_test(test_s5_skips_a_reference_before_the_definition),
		cmocka_unit_test(test_s5_rejects_malformed_packages),
		cmocka_unit_test(test_s5_rejects_sleep_types_above_three_bits),
		cmocka_unit_test(test_s5_truncated_at_every_length_is_reported_exactly),
		cmocka_unit_test_teardown(test_sleep_init_succeeds_on_the_standard_machine, teardown),
		cmocka_unit_test_teardown(test_sleep_init_needs_a_fadt, teardown),
		cmocka_unit_test_teardown(test_sleep_init_needs_a_pm1a_control_block, teardown),
		cmocka_unit_test_teardown(test_sleep_init_needs_a_dsdt, teardown),
		cmocka_unit_test_teardown(test_sleep_init_reports_what_is_wrong_with_s5, teardown),
		cmocka_unit_test_teardown(test_poweroff_writes_slp_typ_then_slp_en_to_pm1a, teardown),
		cmocka_unit_test_teardown(test_poweroff_keeps_other_bits_and_replaces_an_old_slp_typ, teardown),
		cmocka_unit_test_teardown(test_poweroff_writes_slp_typb_to_pm1b, teardown),
		cmocka_unit_test_teardown(test_poweroff_enters_acpi_mode_first_when_sci_en_is_clear, teardown),
		cmocka_unit_test_teardown(test_poweroff_tries_anyway_when_acpi_mode_does_not_come, teardown),
		cmocka_unit_test_teardown(test_poweroff_writes_a_memory_mapped_pm1a, teardown),
		cmocka_unit_test_teardown(test_poweroff_fails_cleanly_when_a_register_cannot_be_mapped, teardown),
		cmocka_unit_test_teardown(test_poweroff_is_not_supported_without_tables, teardown),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
