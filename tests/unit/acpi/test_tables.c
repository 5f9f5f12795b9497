// SPDX-License-Identifier: BSD-2-Clause
/*
 * acpi_tables_init, acpi_table_map/find and acpi_fadt_parse against the
 * fixture's QEMU-like tables and broken variants of them. Every table sits
 * in a chunk of exactly its size, so an overread is an ASan error in the
 * hosted-san build.
 */
#include <string.h>

#include "cairn_test.h"
#include "acpi_fixture.h"

#include "acpi/acpi.h"

static struct fx f;
static struct boot_info bi;

static struct acpi_rsdp rsdp_of(unsigned revision, uint32_t rsdt, uint64_t xsdt)
{
	struct acpi_rsdp r = { .revision = (uint8_t)revision, .rsdt_pa = rsdt,
			       .xsdt_pa = xsdt, .source = "test" };

	return r;
}

static const struct acpi_rsdp standard_rsdp = {
	.revision = 2, .rsdt_pa = FX_RSDT_PA, .xsdt_pa = FX_XSDT_PA, .source = "test",
};

static bool has(const char *sig)
{
	const struct acpi_header *h;

	return acpi_table_find(sig, 0, &h) == CAIRN_OK;
}

static int teardown(void **state)
{
	(void)state;
	acpi_tables_reset();
	fx_end(&f);
	return 0;
}

static void test_tables_walk_the_xsdt_and_register_every_valid_table(void **state)
{
	const struct acpi_header *h;

	(void)state;
	fx_standard(&f);
	assert_int_equal(acpi_tables_init(&f.w, &standard_rsdp), CAIRN_OK);
	assert_int_equal(acpi_table_count(), 4);
	assert_true(has("FACP") && has("APIC") && has("HPET") && has("DSDT"));
	assert_int_equal(acpi_table_find("APIC", 0, &h), CAIRN_OK);
	assert_memory_equal(h->signature, "APIC", 4);
	assert_int_equal(h->length, 36 + 16);
	assert_int_equal(acpi_table_find("APIC", 1, &h), CAIRN_ERR_NOENT);
	assert_int_equal(acpi_table_find("SSDT", 0, &h), CAIRN_ERR_NOENT);
}

static void test_tables_use_the_rsdt_for_an_acpi_1_0_rsdp(void **state)
{
	struct acpi_rsdp r = rsdp_of(0, FX_RSDT_PA, FX_XSDT_PA);

	(void)state;
	fx_prepare_standard(&f);
	fx_place_standard(&f);
	/* Make the XSDT unusable: revision 0 must not even look at it. */
	memset(f.fp.chunks[1].mem, 0, 4);
	assert_int_equal(acpi_tables_init(&f.w, &r), CAIRN_OK);
	assert_int_equal(acpi_table_count(), 4);
}

static void test_tables_fall_back_to_the_rsdt_when_the_xsdt_is_bad(void **state)
{
	uint8_t *xsdt;

	(void)state;
	fx_standard(&f);
	xsdt = f.fp.chunks[1].mem;
	xsdt[36] ^= 0x40; /* the first entry changes: checksum now fails */
	assert_int_equal(acpi_tables_init(&f.w, &standard_rsdp), CAIRN_OK);
	assert_int_equal(acpi_table_count(), 4);
}

static void test_tables_reject_an_xsdt_with_a_partial_entry(void **state)
{
	const uint64_t e[] = { FX_FACP_PA };
	uint8_t body[12] = { 0 };

	(void)state;
	fx_begin(&f);
	fx_put64(body, e[0]);
	fx_table(&f, FX_XSDT_PA, "XSDT", body, sizeof(body)); /* 36 + 12: odd */
	assert_int_equal(acpi_tables_init(&f.w, &(struct acpi_rsdp){ .revision = 2,
			 .xsdt_pa = FX_XSDT_PA }), CAIRN_ERR_CORRUPT);
	assert_int_equal(acpi_table_count(), 0);
}

static void test_tables_reject_an_rsdt_with_a_partial_entry(void **state)
{
	uint8_t body[6] = { 0 };

	(void)state;
	fx_begin(&f);
	fx_table(&f, FX_RSDT_PA, "RSDT", body, sizeof(body));
	assert_int_equal(acpi_tables_init(&f.w, &(struct acpi_rsdp){ .rsdt_pa = FX_RSDT_PA }),
			 CAIRN_ERR_CORRUPT);
	assert_int_equal(acpi_table_count(), 0);
}

static void test_tables_reject_bad_root_tables(void **state)
{
	struct acpi_rsdp r = rsdp_of(0, FX_RSDT_PA, 0);
	uint8_t *t;

	(void)state;
	/* Nothing readable at the RSDT's address. */
	fx_begin(&f);
	assert_int_equal(acpi_tables_init(&f.w, &r), CAIRN_ERR_FAULT);
	fx_end(&f);

	/* The wrong signature. */
	fx_begin(&f);
	fx_table(&f, FX_RSDT_PA, "XSDT", NULL, 0);
	assert_int_equal(acpi_tables_init(&f.w, &r), CAIRN_ERR_CORRUPT);
	fx_end(&f);

	/* A bad checksum. */
	fx_begin(&f);
	t = fx_rsdt(&f, FX_RSDT_PA, (const uint32_t[]){ 0x1000 }, 1);
	t[9] ^= 1;
	assert_int_equal(acpi_tables_init(&f.w, &r), CAIRN_ERR_CORRUPT);
	fx_end(&f);

	/* Shorter than its header, longer than the limit, longer than memory. */
	fx_begin(&f);
	fx_table_sized(&f, FX_RSDT_PA, "RSDT", NULL, 0, 35);
	assert_int_equal(acpi_tables_init(&f.w, &r), CAIRN_ERR_CORRUPT);
	fx_end(&f);
	fx_begin(&f);
	fx_table_sized(&f, FX_RSDT_PA, "RSDT", NULL, 0, ACPI_TABLE_MAX_LEN + 4);
	assert_int_equal(acpi_tables_init(&f.w, &r), CAIRN_ERR_RANGE);
	fx_end(&f);
	fx_begin(&f);
	fx_table_sized(&f, FX_RSDT_PA, "RSDT", "\0\0\0\0", 4, 44);
	assert_int_equal(acpi_tables_init(&f.w, &r), CAIRN_ERR_FAULT);
	fx_end(&f);

	/* An RSDP naming neither root table. */
	fx_begin(&f);
	assert_int_equal(acpi_tables_init(&f.w, &(struct acpi_rsdp){ .revision = 2 }),
			 CAIRN_ERR_CORRUPT);
	assert_int_equal(acpi_table_count(), 0);
}

static void test_tables_report_the_rsdt_error_when_both_roots_are_bad(void **state)
{
	(void)state;
	fx_begin(&f);
	fx_table(&f, FX_XSDT_PA, "XSDT", "\0\0\0\0", 4);       /* partial entry */
	/* No RSDT in memory at all. */
	assert_int_equal(acpi_tables_init(&f.w, &standard_rsdp), CAIRN_ERR_FAULT);
	assert_int_equal(acpi_table_count(), 0);
}

static void test_tables_skip_entries_that_fail_validation(void **state)
{
	static const uint8_t body[8];
	const uint64_t e[] = {
		0,                   /* a null entry */
		0x100000,            /* nothing readable there */
		0x200000,            /* checksum off */
		0x300000,            /* length below the header */
		0x400000,            /* length above the limit */
		0x500000,            /* length past readable memory */
		0x600000,            /* unprintable signature */
		0x700000,            /* header cut: only 20 bytes readable */
		0x800000,            /* good */
	};
	uint8_t *t;

	(void)state;
	fx_begin(&f);
	fx_xsdt(&f, FX_XSDT_PA, e, ARRAY_SIZE(e));
	t = fx_table(&f, 0x200000, "SSDT", body, sizeof(body));
	t[40] = 1;
	fx_table_sized(&f, 0x300000, "SSDT", NULL, 0, 30);
	fx_table_sized(&f, 0x400000, "SSDT", body, sizeof(body), ACPI_TABLE_MAX_LEN + 1);
	fx_table_sized(&f, 0x500000, "SSDT", body, sizeof(body), 36 + sizeof(body) + 1);
	fx_table(&f, 0x600000, "SS\nT", body, sizeof(body));
	memcpy(fake_phys_add(&f.fp, 0x700000, 20), "SSDT", 4);
	fx_table(&f, 0x800000, "SSDT", body, sizeof(body));
	assert_int_equal(acpi_tables_init(&f.w, &(struct acpi_rsdp){ .revision = 2,
			 .xsdt_pa = FX_XSDT_PA }), CAIRN_OK);
	assert_int_equal(acpi_table_count(), 1);
	{
		const struct acpi_header *h;

		assert_int_equal(acpi_table_find("SSDT", 0, &h), CAIRN_OK);
		assert_ptr_equal(h, f.fp.chunks[f.fp.n - 1].mem);
	}
}

static void test_tables_map_checks_what_it_is_asked(void **state)
{
	const struct acpi_header *h;

	(void)state;
	fx_standard(&f);
	assert_int_equal(acpi_table_map(&f.w, 0, NULL, &h), CAIRN_ERR_INVAL);
	assert_int_equal(acpi_table_map(&f.w, FX_FACP_PA, "DSDT", &h), CAIRN_ERR_CORRUPT);
	assert_int_equal(acpi_table_map(&f.w, FX_FACP_PA, "FACP", &h), CAIRN_OK);
	assert_int_equal(h->length, FX_FADT_LEN);
	assert_int_equal(acpi_table_map(&f.w, FX_FACP_PA + 1, NULL, &h), CAIRN_ERR_CORRUPT);
	assert_int_equal(acpi_table_map(&f.w, 0xfffffffffffffff0ull, NULL, &h),
			 CAIRN_ERR_FAULT);
}

static void test_tables_keep_a_table_listed_twice_once(void **state)
{
	const uint64_t e[] = { FX_APIC_PA, FX_APIC_PA };

	(void)state;
	fx_begin(&f);
	fx_xsdt(&f, FX_XSDT_PA, e, 2);
	fx_table(&f, FX_APIC_PA, "APIC", NULL, 0);
	assert_int_equal(acpi_tables_init(&f.w, &(struct acpi_rsdp){ .revision = 2,
			 .xsdt_pa = FX_XSDT_PA }), CAIRN_OK);
	assert_int_equal(acpi_table_count(), 1);
}

static void test_tables_stop_registering_at_the_registry_limit(void **state)
{
	uint64_t e[ACPI_MAX_TABLES + 6];
	const struct acpi_header *h;

	(void)state;
	fx_begin(&f);
	for (size_t i = 0; i < ARRAY_SIZE(e); i++)
		e[i] = FX_APIC_PA + 0x100 * i;
	fx_xsdt(&f, FX_XSDT_PA, e, ARRAY_SIZE(e));
	/* One chunk holding them all, 0x100 apart, each a valid empty SSDT. */
	{
		uint8_t *m = fake_phys_add(&f.fp, FX_APIC_PA, 0x100 * ARRAY_SIZE(e));

		for (size_t i = 0; i < ARRAY_SIZE(e); i++) {
			memcpy(m + 0x100 * i, "SSDT", 4);
			fx_put32(m + 0x100 * i + 4, 36);
			fx_checksum(m + 0x100 * i);
		}
	}
	assert_int_equal(acpi_tables_init(&f.w, &(struct acpi_rsdp){ .revision = 2,
			 .xsdt_pa = FX_XSDT_PA }), CAIRN_OK);
	assert_int_equal(acpi_table_count(), ACPI_MAX_TABLES);
	assert_int_equal(acpi_table_find("SSDT", ACPI_MAX_TABLES - 1, &h), CAIRN_OK);
	assert_int_equal(acpi_table_find("SSDT", ACPI_MAX_TABLES, &h), CAIRN_ERR_NOENT);
}

static void test_tables_skip_a_bad_dsdt(void **state)
{
	(void)state;
	fx_prepare_standard(&f);
	fx_place_standard(&f);
	f.fp.chunks[4].mem[40] ^= 1; /* the DSDT's chunk */
	assert_int_equal(acpi_tables_init(&f.w, &standard_rsdp), CAIRN_OK);
	assert_true(has("FACP"));
	assert_false(has("DSDT"));
}

static void test_tables_reset_forgets_everything(void **state)
{
	(void)state;
	fx_standard(&f);
	assert_int_equal(acpi_tables_init(&f.w, &standard_rsdp), CAIRN_OK);
	acpi_tables_reset();
	assert_int_equal(acpi_table_count(), 0);
	assert_false(has("FACP"));
}

static void test_boot_init_finds_everything_from_a_pvh_boot_info(void **state)
{
	(void)state;
	fx_standard(&f);
	fx_boot_info_pvh(&bi);
	assert_int_equal(acpi_boot_init(&f.w, &bi), CAIRN_OK);
	assert_int_equal(acpi_table_count(), 4);
	/* And without any RSDP: NOENT, which the init step turns into a warning. */
	boot_info_init(&bi, "pvh");
	assert_int_equal(acpi_boot_init(&f.w, &bi), CAIRN_ERR_NOENT);
}

/* ---- FADT ------------------------------------------------------------- */

static const struct acpi_header *fadt_table(void)
{
	const struct acpi_header *h;

	fx_begin(&f);
	assert_int_equal(acpi_table_map(&f.w, fx_table(&f, FX_FACP_PA, "FACP", f.fadt + 36,
							  f.fadt_len - 36) ? FX_FACP_PA : 0,
					"FACP", &h), CAIRN_OK);
	return h;
}

static void test_fadt_prefers_the_64_bit_fields(void **state)
{
	struct acpi_fadt out;

	(void)state;
	fx_fadt_default(&f);
	fx_put32(f.fadt + FX_FADT_DSDT, 0x1111000);
	fx_gas(f.fadt + FX_FADT_X_PM1A_CNT, ACPI_SPACE_IO, 16, 0, 2, 0x704);
	fx_gas(f.fadt + FX_FADT_X_PM1B_CNT, ACPI_SPACE_MEMORY, 32, 0, 3, 0xfed00000);
	fx_put32(f.fadt + FX_FADT_PM1B_CNT, 0x708);
	assert_int_equal(acpi_fadt_parse(fadt_table(), &out), CAIRN_OK);
	assert_int_equal(out.dsdt_pa, FX_DSDT_PA);
	assert_int_equal(out.pm1a_cnt.space, ACPI_SPACE_IO);
	assert_int_equal(out.pm1a_cnt.address, 0x704);
	assert_int_equal(out.pm1a_cnt.width, 2);
	assert_int_equal(out.pm1b_cnt.space, ACPI_SPACE_MEMORY);
	assert_int_equal(out.pm1b_cnt.address, 0xfed00000);
	assert_int_equal(out.pm1b_cnt.width, 4);
	assert_int_equal(out.smi_cmd, FX_SMI_CMD);
	assert_int_equal(out.acpi_enable, FX_ACPI_ENABLE);
}

static void test_fadt_reads_an_acpi_1_0_table(void **state)
{
	struct acpi_fadt out;

	(void)state;
	fx_fadt_default(&f);
	f.fadt_len = ACPI_FADT_MIN_LEN; /* X_ fields cut off */
	fx_put32(f.fadt + FX_FADT_PM1B_CNT, 0x608);
	assert_int_equal(acpi_fadt_parse(fadt_table(), &out), CAIRN_OK);
	assert_int_equal(out.dsdt_pa, FX_DSDT_PA);
	assert_int_equal(out.pm1a_cnt.address, FX_PM1A_PORT);
	assert_int_equal(out.pm1a_cnt.space, ACPI_SPACE_IO);
	assert_int_equal(out.pm1b_cnt.address, 0x608);
}

static void test_fadt_rejects_a_table_shorter_than_acpi_1_0(void **state)
{
	struct acpi_fadt out;

	(void)state;
	fx_fadt_default(&f);
	f.fadt_len = ACPI_FADT_MIN_LEN - 1;
	assert_int_equal(acpi_fadt_parse(fadt_table(), &out), CAIRN_ERR_CORRUPT);
	fx_end(&f);
	f.fadt_len = 36;
	assert_int_equal(acpi_fadt_parse(fadt_table(), &out), CAIRN_ERR_CORRUPT);
}

static void test_fadt_rejects_another_table(void **state)
{
	const struct acpi_header *h;
	struct acpi_fadt out;

	(void)state;
	fx_standard(&f);
	assert_int_equal(acpi_table_map(&f.w, FX_APIC_PA, NULL, &h), CAIRN_OK);
	assert_int_equal(acpi_fadt_parse(h, &out), CAIRN_ERR_INVAL);
}

static void test_fadt_falls_back_from_unusable_generic_addresses(void **state)
{
	static const struct {
		uint8_t space, bit_width, bit_offset, access;
		uint64_t addr;
	} bad[] = {
		{ 2, 16, 0, 2, 0x604 },                 /* PCI configuration space */
		{ 0x7f, 16, 0, 2, 0x604 },              /* functional fixed hardware */
		{ 1, 16, 4, 2, 0x604 },                 /* a bit offset */
		{ 1, 8, 0, 1, 0x604 },                  /* byte access */
		{ 1, 64, 0, 4, 0x604 },                 /* qword access */
		{ 1, 8, 0, 0, 0x604 },                  /* undefined access, 8 bits */
		{ 1, 16, 0, 2, 0x10000 },               /* beyond the port space */
		{ 1, 32, 0, 3, 0xfffe },                /* a dword crossing 0xffff */
		{ 0, 32, 0, 3, BOOT_INFO_PADDR_LIMIT }, /* beyond physical memory */
	};
	struct acpi_fadt out;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		fx_fadt_default(&f);
		fx_gas(f.fadt + FX_FADT_X_PM1A_CNT, bad[i].space, bad[i].bit_width,
		       bad[i].bit_offset, bad[i].access, bad[i].addr);
		fx_put32(f.fadt + FX_FADT_PM1A_CNT, 0x404);
		assert_int_equal(acpi_fadt_parse(fadt_table(), &out), CAIRN_OK);
		assert_int_equal(out.pm1a_cnt.space, ACPI_SPACE_IO);
		assert_int_equal(out.pm1a_cnt.address, 0x404);
		assert_int_equal(out.pm1a_cnt.width, 2);
		fx_end(&f);
	}
}

static void test_fadt_accepts_a_generic_address_with_undefined_access(void **state)
{
	struct acpi_fadt out;

	(void)state;
	fx_fadt_default(&f);
	fx_gas(f.fadt + FX_FADT_X_PM1A_CNT, ACPI_SPACE_MEMORY, 32, 0, 0, 0xfee01000);
	assert_int_equal(acpi_fadt_parse(fadt_table(), &out), CAIRN_OK);
	assert_int_equal(out.pm1a_cnt.space, ACPI_SPACE_MEMORY);
	assert_int_equal(out.pm1a_cnt.width, 4);
}

static void test_fadt_gives_no_pm1_block_when_the_fields_are_unusable(void **state)
{
	struct acpi_fadt out;

	(void)state;
	fx_fadt_default(&f);
	fx_gas(f.fadt + FX_FADT_X_PM1A_CNT, 0, 0, 0, 0, 0);
	f.fadt[FX_FADT_PM1_CNT_LEN] = 1;
	assert_int_equal(acpi_fadt_parse(fadt_table(), &out), CAIRN_OK);
	assert_int_equal(out.pm1a_cnt.address, 0);
	fx_end(&f);

	fx_fadt_default(&f);
	fx_gas(f.fadt + FX_FADT_X_PM1A_CNT, 0, 0, 0, 0, 0);
	fx_put32(f.fadt + FX_FADT_PM1A_CNT, 0x10000);
	assert_int_equal(acpi_fadt_parse(fadt_table(), &out), CAIRN_OK);
	assert_int_equal(out.pm1a_cnt.address, 0);
	assert_int_equal(out.pm1b_cnt.address, 0);
}

static void test_fadt_picks_the_dsdt_address(void **state)
{
	struct acpi_fadt out;

	(void)state;
	fx_fadt_default(&f);
	fx_put32(f.fadt + FX_FADT_DSDT, 0x2222000);
	fx_put64(f.fadt + FX_FADT_X_DSDT, 0);
	assert_int_equal(acpi_fadt_parse(fadt_table(), &out), CAIRN_OK);
	assert_int_equal(out.dsdt_pa, 0x2222000);
	fx_end(&f);

	fx_put64(f.fadt + FX_FADT_X_DSDT, BOOT_INFO_PADDR_LIMIT);
	assert_int_equal(acpi_fadt_parse(fadt_table(), &out), CAIRN_OK);
	assert_int_equal(out.dsdt_pa, 0x2222000);
	fx_end(&f);

	fx_put64(f.fadt + FX_FADT_X_DSDT, 0x100000000ull);
	assert_int_equal(acpi_fadt_parse(fadt_table(), &out), CAIRN_OK);
	assert_int_equal(out.dsdt_pa, 0x100000000ull);
}

static void test_fadt_ignores_an_smi_command_that_is_not_a_port(void **state)
{
	struct acpi_fadt out;

	(void)state;
	fx_fadt_default(&f);
	fx_put32(f.fadt + FX_FADT_SMI_CMD, 0x12345);
	assert_int_equal(acpi_fadt_parse(fadt_table(), &out), CAIRN_OK);
	assert_int_equal(out.smi_cmd, 0);
	assert_int_equal(out.acpi_enable, 0);
}

static void discard(const char *s, size_t len)
{
	(void)s;
	(void)len;
}

/* A port space where time passes on every write, so that a power off
 * attempt's bounded wait ends at once; reads float high. */
static uint32_t floating_read(uint16_t port, unsigned width)
{
	(void)port;
	return width == 1 ? 0xff : width == 2 ? 0xffff : 0xffffffffu;
}

static void time_passing_write(uint16_t port, uint32_t value, unsigned width)
{
	(void)port;
	(void)value;
	(void)width;
	hosted_clock_advance(1000000000ull);
}

static const struct hosted_pio_ops time_passing_pio = { floating_read, time_passing_write };

/* Random corruption of the standard machine's tables: init never crashes,
 * returns OK or a documented error, and registers only valid tables. */
static void test_tables_survive_random_corruption(void **state)
{
	unsigned int seed = (unsigned int)cairn_test_seed("acpi table corruption");
	unsigned ok = 0;

	(void)state;
	hosted_console_capture = discard;
	hosted_pio = &time_passing_pio;
	for (int iter = 0; iter < 5000; iter++) {
		int nmut = 1 + rand_r(&seed) % 4;
		err_t err;

		fx_standard(&f);
		for (int m = 0; m < nmut; m++) {
			struct fake_phys_chunk *c = &f.fp.chunks[(size_t)rand_r(&seed) % f.fp.n];
			size_t off = (size_t)rand_r(&seed) % c->size;

			if (rand_r(&seed) % 3 == 0 && off + 4 <= c->size)
				fx_put32(c->mem + off, (uint32_t)rand_r(&seed) << (rand_r(&seed) % 2 * 16));
			else
				c->mem[off] ^= (uint8_t)(1u << (rand_r(&seed) % 8));
			/* Half the time, let the corruption past the checksum. */
			if (rand_r(&seed) % 2 && c->size >= 36 && memcmp(c->mem, "RSD ", 4) != 0) {
				uint32_t len;

				memcpy(&len, c->mem + 4, 4);
				if (len == c->size)
					fx_checksum(c->mem);
			}
		}
		fx_boot_info_pvh(&bi);
		err = acpi_boot_init(&f.w, &bi);
		assert_true(err == CAIRN_OK || err == CAIRN_ERR_CORRUPT || err == CAIRN_ERR_FAULT ||
			    err == CAIRN_ERR_RANGE || err == CAIRN_ERR_TRUNCATED);
		if (err == CAIRN_OK) {
			ok++;
			assert_true(acpi_table_count() <= 4);
		} else {
			assert_int_equal(acpi_table_count(), 0);
		}
		(void)acpi_poweroff(); /* whatever init found, this must not crash */
		fx_end(&f);
	}
	hosted_console_capture = NULL;
	hosted_pio = NULL;
	printf("[ INFO     ] %u of 5000 corrupted machines still initialised\n", ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_tables_walk_the_xsdt_and_register_every_valid_table, teardown),
		cmocka_unit_test_teardown(test_tables_use_the_rsdt_for_an_acpi_1_0_rsdp, teardown),
		cmocka_unit_test_teardown(test_tables_fall_back_to_the_rsdt_when_the_xsdt_is_bad, teardown),
		cmocka_unit_test_teardown(test_tables_reject_an_xsdt_with_a_partial_entry, teardown),
		cmocka_unit_test_teardown(test_tables_reject_an_rsdt_with_a_partial_entry, teardown),
		cmocka_unit_test_teardown(test_tables_reject_bad_root_tables, teardown),
		cmocka_unit_test_teardown(test_tables_report_the_rsdt_error_when_both_roots_are_bad, teardown),
		cmocka_unit_test_teardown(test_tables_skip_entries_that_fail_validation, teardown),
		cmocka_unit_test_teardown(test_tables_map_checks_what_it_is_asked, teardown),
		cmocka_unit_test_teardown(test_tables_keep_a_table_listed_twice_once, teardown),
		cmocka_unit_test_teardown(test_tables_stop_registering_at_the_registry_limit, teardown),
		cmocka_unit_test_teardown(test_tables_skip_a_bad_dsdt, teardown),
		cmocka_unit_test_teardown(test_tables_reset_forgets_everything, teardown),
		cmocka_unit_test_teardown(test_boot_init_finds_everything_from_a_pvh_boot_info, teardown),
		cmocka_unit_test_teardown(test_fadt_prefers_the_64_bit_fields, teardown),
		cmocka_unit_test_teardown(test_fadt_reads_an_acpi_1_0_table, teardown),
		cmocka_unit_test_teardown(test_fadt_rejects_a_table_shorter_than_acpi_1_0, teardown),
		cmocka_unit_test_teardown(test_fadt_rejects_another_table, teardown),
		cmocka_unit_test_teardown(test_fadt_falls_back_from_unusable_generic_addresses, teardown),
		cmocka_unit_test_teardown(test_fadt_accepts_a_generic_address_with_undefined_access, teardown),
		cmocka_unit_test_teardown(test_fadt_gives_no_pm1_block_when_the_fields_are_unusable, teardown),
		cmocka_unit_test_teardown(test_fadt_picks_the_dsdt_address, teardown),
		cmocka_unit_test_teardown(test_fadt_ignores_an_smi_command_that_is_not_a_port, teardown),
		cmocka_unit_test_teardown(test_tables_survive_random_corruption, teardown),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
