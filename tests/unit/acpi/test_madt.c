// SPDX-License-Identifier: BSD-2-Clause
/*
 * acpi_madt_parse and the ISA IRQ lookups against crafted MADTs: QEMU's
 * q35 table, x2APIC entries and the 64-bit local APIC address, entries of
 * types Cairn skips, and every kind of malformed entry. Each table is
 * copied into a heap block of exactly its length, so a read past the end
 * is an ASan error in the hosted-san build.
 */
#include <string.h>

#include "cairn_test.h"

#include "acpi/acpi.h"

/* ---- building tables -------------------------------------------------------- */

struct madt_builder {
	uint8_t b[1024];
	size_t len;
};

static void mb_begin(struct madt_builder *m, uint32_t lapic, uint32_t flags)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->b, "APIC", 4);
	m->b[8] = 4; /* revision */
	memcpy(m->b + 10, "CAIRN ", 6);
	memcpy(m->b + 36, &lapic, 4);
	memcpy(m->b + 40, &flags, 4);
	m->len = 44;
}

static void mb_raw(struct madt_builder *m, const uint8_t *e, size_t n)
{
	memcpy(m->b + m->len, e, n);
	m->len += n;
}

static void mb_lapic(struct madt_builder *m, uint8_t uid, uint8_t id, uint32_t flags)
{
	uint8_t e[8] = { 0, 8, uid, id };

	memcpy(e + 4, &flags, 4);
	mb_raw(m, e, sizeof(e));
}

static void mb_ioapic(struct madt_builder *m, uint8_t id, uint32_t addr, uint32_t gsi_base)
{
	uint8_t e[12] = { 1, 12, id, 0 };

	memcpy(e + 4, &addr, 4);
	memcpy(e + 8, &gsi_base, 4);
	mb_raw(m, e, sizeof(e));
}

static void mb_override(struct madt_builder *m, uint8_t bus, uint8_t src, uint32_t gsi,
			uint16_t flags)
{
	uint8_t e[10] = { 2, 10, bus, src };

	memcpy(e + 4, &gsi, 4);
	memcpy(e + 8, &flags, 2);
	mb_raw(m, e, sizeof(e));
}

static void mb_lapic_nmi(struct madt_builder *m, uint8_t uid, uint16_t flags, uint8_t lint)
{
	uint8_t e[6] = { 4, 6, uid };

	memcpy(e + 3, &flags, 2);
	e[5] = lint;
	mb_raw(m, e, sizeof(e));
}

/* Finish the header (length, checksum) and copy into an exact-size block. */
static struct acpi_header *mb_end(struct madt_builder *m)
{
	uint32_t len = (uint32_t)m->len;
	uint8_t sum = 0, *copy;

	memcpy(m->b + 4, &len, 4);
	m->b[9] = 0;
	for (size_t i = 0; i < m->len; i++)
		sum = (uint8_t)(sum + m->b[i]);
	m->b[9] = (uint8_t)-sum;
	copy = malloc(m->len);
	assert_non_null(copy);
	memcpy(copy, m->b, m->len);
	return (struct acpi_header *)copy;
}

/* QEMU q35's MADT: one CPU, one I/O APIC, five overrides, LINT1 NMI. */
static void qemu_q35(struct madt_builder *m)
{
	mb_begin(m, 0xfee00000u, ACPI_MADT_PCAT_COMPAT);
	mb_lapic(m, 0, 0, 1);
	mb_ioapic(m, 0, 0xfec00000u, 0);
	mb_override(m, 0, 0, 2, 0);
	mb_override(m, 0, 5, 5, 0xd);
	mb_override(m, 0, 9, 9, 0xd);
	mb_override(m, 0, 10, 10, 0xd);
	mb_override(m, 0, 11, 11, 0xd);
	mb_lapic_nmi(m, 0xff, 0, 1);
}

static err_t parse(struct madt_builder *m, struct acpi_madt *out)
{
	struct acpi_header *h = mb_end(m);
	err_t err = acpi_madt_parse(h, out);

	free(h);
	return err;
}

/* ---- good tables -------------------------------------------------------------- */

static void test_madt_reads_qemu_q35(void **state)
{
	struct madt_builder m;
	struct acpi_madt out;

	(void)state;
	qemu_q35(&m);
	assert_int_equal(parse(&m, &out), CAIRN_OK);
	assert_int_equal(out.lapic_address, 0xfee00000u);
	assert_false(out.lapic_address_overridden);
	assert_int_equal(out.flags, ACPI_MADT_PCAT_COMPAT);
	assert_int_equal(out.cpus, 1);
	assert_int_equal(out.boot_apic_id, 0);
	assert_int_equal(out.nioapics, 1);
	assert_int_equal(out.ioapic[0].address, 0xfec00000u);
	assert_int_equal(out.ioapic[0].gsi_base, 0);
	assert_int_equal(out.noverrides, 5);
	assert_int_equal(out.override[0].source, 0);
	assert_int_equal(out.override[0].gsi, 2);
	assert_int_equal(out.override[0].polarity, ACPI_POLARITY_CONFORMS);
	assert_int_equal(out.override[1].polarity, ACPI_POLARITY_HIGH);
	assert_int_equal(out.override[1].trigger, ACPI_TRIGGER_LEVEL);
	assert_int_equal(out.nlocal_nmis, 1);
	assert_int_equal(out.local_nmi[0].lint, 1);
	assert_int_equal(out.local_nmi[0].processor, 0xffffffffu);
	assert_int_equal(out.skipped, 0);
}

static void test_madt_isa_irqs_follow_the_overrides(void **state)
{
	struct madt_builder m;
	struct acpi_madt out;
	enum acpi_polarity pol;
	enum acpi_trigger trig;
	uint32_t gsi;

	(void)state;
	qemu_q35(&m);
	assert_int_equal(parse(&m, &out), CAIRN_OK);
	/* IRQ 0 (the PIT) is on GSI 2; "conforms" is ISA's high, edge. */
	assert_int_equal(acpi_madt_isa_irq(&out, 0, &gsi, &pol, &trig), CAIRN_OK);
	assert_int_equal(gsi, 2);
	assert_int_equal(pol, ACPI_POLARITY_HIGH);
	assert_int_equal(trig, ACPI_TRIGGER_EDGE);
	/* IRQ 9 (the SCI) is level, active high. */
	assert_int_equal(acpi_madt_isa_irq(&out, 9, &gsi, &pol, &trig), CAIRN_OK);
	assert_int_equal(gsi, 9);
	assert_int_equal(trig, ACPI_TRIGGER_LEVEL);
	/* IRQ 1 has no override: identity, ISA defaults. */
	assert_int_equal(acpi_madt_isa_irq(&out, 1, &gsi, &pol, &trig), CAIRN_OK);
	assert_int_equal(gsi, 1);
	assert_int_equal(pol, ACPI_POLARITY_HIGH);
	assert_int_equal(trig, ACPI_TRIGGER_EDGE);
	assert_int_equal(acpi_madt_isa_irq(&out, 16, &gsi, &pol, &trig), CAIRN_ERR_RANGE);
	assert_non_null(acpi_madt_gsi_override(&out, 2));
	assert_null(acpi_madt_gsi_override(&out, 0));
}

static void test_madt_reads_x2apic_entries_and_the_64_bit_lapic_address(void **state)
{
	struct madt_builder m;
	struct acpi_madt out;
	uint8_t x2[16] = { 9, 16, 0, 0, 0x00, 0x01, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0 };
	uint8_t x2off[16] = { 9, 16, 0, 0, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0 };
	uint8_t x2nmi[12] = { 10, 12, 0x05, 0, 7, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t addr[12] = { 5, 12, 0, 0, 0, 0, 0xe0, 0xfe, 1, 0, 0, 0 };

	(void)state;
	mb_begin(&m, 0xfee00000u, 0);
	mb_raw(&m, x2, sizeof(x2));
	mb_raw(&m, x2off, sizeof(x2off));   /* disabled: not a CPU */
	mb_raw(&m, x2nmi, sizeof(x2nmi));
	mb_raw(&m, addr, sizeof(addr));
	mb_ioapic(&m, 2, 0xfec00000u, 0);
	mb_ioapic(&m, 3, 0xfec01000u, 24);
	assert_int_equal(parse(&m, &out), CAIRN_OK);
	assert_int_equal(out.cpus, 1);
	assert_int_equal(out.boot_apic_id, 0x100);
	assert_true(out.lapic_address_overridden);
	assert_int_equal(out.lapic_address, 0x1fee00000ull);
	assert_int_equal(out.nlocal_nmis, 1);
	assert_int_equal(out.local_nmi[0].processor, 7);
	assert_int_equal(out.local_nmi[0].lint, 0);
	assert_int_equal(out.local_nmi[0].polarity, ACPI_POLARITY_HIGH);
	assert_int_equal(out.local_nmi[0].trigger, ACPI_TRIGGER_EDGE);
	assert_int_equal(out.nioapics, 2);
	assert_int_equal(out.ioapic[1].gsi_base, 24);
}

static void test_madt_skips_and_counts_unknown_entries(void **state)
{
	struct madt_builder m;
	struct acpi_madt out;
	/* A GIC CPU interface entry (type 11, 82 bytes) and an OEM type (0x80). */
	uint8_t gicc[82] = { 11, 82 }, oem[4] = { 0x80, 4, 0xaa, 0xbb };

	(void)state;
	qemu_q35(&m);
	mb_raw(&m, gicc, sizeof(gicc));
	mb_raw(&m, oem, sizeof(oem));
	assert_int_equal(parse(&m, &out), CAIRN_OK);
	assert_int_equal(out.skipped, 2);
	assert_int_equal(out.nioapics, 1);
}

/* ---- malformed tables ------------------------------------------------------------ */

/* The result must be untouched on failure. */
static void expect_error(struct madt_builder *m, err_t want)
{
	struct acpi_madt out;

	memset(&out, 0x5a, sizeof(out));
	assert_int_equal(parse(m, &out), want);
	assert_int_equal(out.nioapics, 0x5a5a5a5a5a5a5a5aull);
}

static void test_madt_refuses_another_signature(void **state)
{
	struct madt_builder m;

	(void)state;
	qemu_q35(&m);
	memcpy(m.b, "APIX", 4);
	expect_error(&m, CAIRN_ERR_INVAL);
}

static void test_madt_refuses_a_table_shorter_than_its_fixed_part(void **state)
{
	struct madt_builder m;

	(void)state;
	mb_begin(&m, 0xfee00000u, 0);
	m.len = 40;
	expect_error(&m, CAIRN_ERR_CORRUPT);
}

static void test_madt_refuses_entries_that_do_not_advance(void **state)
{
	struct madt_builder m;
	uint8_t zero[2] = { 1, 0 }, one[2] = { 0x80, 1 };

	(void)state;
	qemu_q35(&m);
	mb_raw(&m, zero, sizeof(zero));
	expect_error(&m, CAIRN_ERR_CORRUPT);
	qemu_q35(&m);
	mb_raw(&m, one, sizeof(one));
	expect_error(&m, CAIRN_ERR_CORRUPT);
}

static void test_madt_refuses_an_entry_running_past_the_end(void **state)
{
	struct madt_builder m;
	uint8_t e[4] = { 0x80, 40, 0, 0 };

	(void)state;
	qemu_q35(&m);
	mb_raw(&m, e, sizeof(e));
	expect_error(&m, CAIRN_ERR_CORRUPT);
}

static void test_madt_refuses_known_entries_of_the_wrong_length(void **state)
{
	static const uint8_t types[] = { 0, 1, 2, 3, 4, 5, 9, 10 };

	(void)state;
	for (size_t i = 0; i < sizeof(types); i++) {
		struct madt_builder m;
		uint8_t e[20] = { types[i], 20 };

		qemu_q35(&m);
		mb_raw(&m, e, sizeof(e));
		expect_error(&m, CAIRN_ERR_CORRUPT);
	}
}

static void test_madt_refuses_every_truncation_inside_an_entry(void **state)
{
	struct madt_builder full;
	/* Entry boundaries of qemu_q35 (44, then 8, 12, 5 x 10, 6 bytes). */
	static const size_t bounds[] = { 44, 52, 64, 74, 84, 94, 104, 114, 120 };

	(void)state;
	qemu_q35(&full);
	for (size_t cut = 44; cut < full.len; cut++) {
		struct madt_builder m = full;
		bool boundary = false;

		m.len = cut;
		for (size_t i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++)
			boundary |= bounds[i] == cut;
		if (boundary) {
			struct acpi_madt out;
			err_t err = parse(&m, &out);

			/* Whole entries: fine once the I/O APIC is in. */
			assert_int_equal(err, cut >= 64 ? CAIRN_OK : CAIRN_ERR_NOENT);
		} else {
			expect_error(&m, CAIRN_ERR_CORRUPT);
		}
	}
}

static void test_madt_refuses_bad_ioapics(void **state)
{
	struct madt_builder m;

	(void)state;
	mb_begin(&m, 0xfee00000u, 0);
	mb_ioapic(&m, 0, 0, 0);
	expect_error(&m, CAIRN_ERR_CORRUPT); /* address 0 */
	mb_begin(&m, 0xfee00000u, 0);
	mb_ioapic(&m, 0, 0xfec00002u, 0);
	expect_error(&m, CAIRN_ERR_CORRUPT); /* unaligned */
	mb_begin(&m, 0xfee00000u, 0);
	mb_ioapic(&m, 0, 0xfec00000u, 0);
	mb_ioapic(&m, 0, 0xfec01000u, 24);
	expect_error(&m, CAIRN_ERR_EXIST);   /* same id */
	mb_begin(&m, 0xfee00000u, 0);
	mb_ioapic(&m, 0, 0xfec00000u, 0);
	mb_ioapic(&m, 1, 0xfec01000u, 0);
	expect_error(&m, CAIRN_ERR_EXIST);   /* same GSI base */
	mb_begin(&m, 0xfee00000u, 0);
	for (unsigned i = 0; i <= ACPI_MADT_MAX_IOAPICS; i++)
		mb_ioapic(&m, (uint8_t)i, 0xfec00000u + 0x1000u * i, 24 * i);
	expect_error(&m, CAIRN_ERR_LIMIT);
	mb_begin(&m, 0xfee00000u, 0);
	mb_lapic(&m, 0, 0, 1);
	expect_error(&m, CAIRN_ERR_NOENT);   /* none at all */
}

static void test_madt_refuses_bad_overrides(void **state)
{
	struct madt_builder m;

	(void)state;
	qemu_q35(&m);
	mb_override(&m, 1, 3, 3, 0);
	expect_error(&m, CAIRN_ERR_CORRUPT); /* not ISA */
	qemu_q35(&m);
	mb_override(&m, 0, 16, 16, 0);
	expect_error(&m, CAIRN_ERR_CORRUPT); /* ISA has 16 IRQs */
	qemu_q35(&m);
	mb_override(&m, 0, 3, 3, 0x2);
	expect_error(&m, CAIRN_ERR_CORRUPT); /* reserved polarity */
	qemu_q35(&m);
	mb_override(&m, 0, 3, 3, 0x8);
	expect_error(&m, CAIRN_ERR_CORRUPT); /* reserved trigger */
	qemu_q35(&m);
	mb_override(&m, 0, 0, 20, 0);
	expect_error(&m, CAIRN_ERR_EXIST);   /* IRQ 0 twice */
}

static void test_madt_refuses_bad_nmi_and_address_entries(void **state)
{
	struct madt_builder m;
	uint8_t addr0[12] = { 5, 12 };
	uint8_t addr_odd[12] = { 5, 12, 0, 0, 0x10, 0, 0xe0, 0xfe };
	uint8_t nmi_src[8] = { 3, 8, 0x2, 0, 0, 0, 0, 0 };

	(void)state;
	qemu_q35(&m);
	mb_lapic_nmi(&m, 0xff, 0, 2);
	expect_error(&m, CAIRN_ERR_CORRUPT); /* LINT2 */
	qemu_q35(&m);
	mb_lapic_nmi(&m, 0xff, 0x2, 1);
	expect_error(&m, CAIRN_ERR_CORRUPT); /* reserved flags */
	qemu_q35(&m);
	mb_raw(&m, addr0, sizeof(addr0));
	expect_error(&m, CAIRN_ERR_CORRUPT);
	qemu_q35(&m);
	mb_raw(&m, addr_odd, sizeof(addr_odd));
	expect_error(&m, CAIRN_ERR_CORRUPT);
	qemu_q35(&m);
	mb_raw(&m, nmi_src, sizeof(nmi_src));
	expect_error(&m, CAIRN_ERR_CORRUPT);
	mb_begin(&m, 0xfee00010u, 0);      /* unaligned 32-bit address */
	mb_ioapic(&m, 0, 0xfec00000u, 0);
	expect_error(&m, CAIRN_ERR_CORRUPT);
}

static void test_madt_survives_random_corruption(void **state)
{
	unsigned long seed = cairn_test_seed("madt random corruption");
	struct madt_builder full;

	(void)state;
	srand((unsigned)seed);
	qemu_q35(&full);
	for (int i = 0; i < 20000; i++) {
		struct madt_builder m = full;
		struct acpi_madt out;
		int flips = 1 + rand() % 4;
		err_t err;

		for (int f = 0; f < flips; f++)
			m.b[44 + (size_t)rand() % (m.len - 44)] = (uint8_t)rand();
		if (rand() % 4 == 0)
			m.len = 44 + (size_t)rand() % (full.len - 44 + 1);
		err = parse(&m, &out);
		/* Any answer but a crash or overread; a good answer is sane. */
		if (err == CAIRN_OK) {
			assert_true(out.nioapics >= 1 && out.nioapics <= ACPI_MADT_MAX_IOAPICS);
			assert_true(out.noverrides <= ACPI_MADT_MAX_OVERRIDES);
			for (size_t k = 0; k < out.noverrides; k++)
				assert_true(out.override[k].source < 16);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_madt_reads_qemu_q35),
		cmocka_unit_test(test_madt_isa_irqs_follow_the_overrides),
		cmocka_unit_test(test_madt_reads_x2apic_entries_and_the_64_bit_lapic_address),
		cmocka_unit_test(test_madt_skips_and_counts_unknown_entries),
		cmocka_unit_test(test_madt_refuses_another_signature),
		cmocka_unit_test(test_madt_refuses_a_table_shorter_than_its_fixed_part),
		cmocka_unit_test(test_madt_refuses_entries_that_do_not_advance),
		cmocka_unit_test(test_madt_refuses_an_entry_running_past_the_end),
		cmocka_unit_test(test_madt_refuses_known_entries_of_the_wrong_length),
		cmocka_unit_test(test_madt_refuses_every_truncation_inside_an_entry),
		cmocka_unit_test(test_madt_refuses_bad_ioapics),
		cmocka_unit_test(test_madt_refuses_bad_overrides),
		cmocka_unit_test(test_madt_refuses_bad_nmi_and_address_entries),
		cmocka_unit_test(test_madt_survives_random_corruption),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
