// SPDX-License-Identifier: BSD-2-Clause
/*
 * drivers/irqchip/{lapic,ioapic,apic}.c against fakes: a local APIC
 * register file (plain memory indexed by xAPIC offset, with the write-only
 * EOI register counted) and an I/O APIC that implements the
 * IOREGSEL/IOWIN indirection with a version register and 24 redirection
 * entries. The MADT is QEMU q35's, built as acpi_madt_parse returns it.
 */
#include <string.h>

#include "cairn_test.h"

#include "irqchip/apic.h"

/* ---- fakes ------------------------------------------------------------------ */

struct fake_lapic {
	uint32_t reg[0x400 / 4];
	unsigned eois;
	unsigned writes;
};

static uint32_t fl_read(void *ctx, unsigned reg)
{
	struct fake_lapic *f = ctx;

	assert_true(reg < 0x400 && (reg & 0xf) == 0);
	return f->reg[reg / 4];
}

static void fl_write(void *ctx, unsigned reg, uint32_t v)
{
	struct fake_lapic *f = ctx;

	assert_true(reg < 0x400 && (reg & 0xf) == 0);
	assert_true(reg != LAPIC_ID && reg != LAPIC_VERSION); /* read-only */
	f->writes++;
	if (reg == LAPIC_EOI)
		f->eois++;
	f->reg[reg / 4] = v;
}

struct fake_ioapic {
	uint32_t ver;
	uint32_t redir[2 * 24];
	unsigned writes;
};

static uint32_t fi_read(struct ioapic *io, unsigned index)
{
	struct fake_ioapic *f = io->test_ctx;

	if (index == IOAPIC_REG_ID)
		return 0x02000000u; /* id 2 */
	if (index == IOAPIC_REG_VERSION)
		return f->ver;
	assert_true(index >= IOAPIC_REG_REDIR && index < IOAPIC_REG_REDIR + 48);
	return f->redir[index - IOAPIC_REG_REDIR];
}

static void fi_write(struct ioapic *io, unsigned index, uint32_t v)
{
	struct fake_ioapic *f = io->test_ctx;

	assert_true(index >= IOAPIC_REG_REDIR && index < IOAPIC_REG_REDIR + 48);
	f->writes++;
	f->redir[index - IOAPIC_REG_REDIR] = v;
}

static struct fake_lapic fl;
static struct fake_ioapic fi;
static struct apic_pc pc;
static struct acpi_madt madt;

static void q35_madt(struct acpi_madt *m)
{
	memset(m, 0, sizeof(*m));
	m->lapic_address = 0xfee00000u;
	m->cpus = 1;
	m->nioapics = 1;
	m->ioapic[0] = (struct acpi_madt_ioapic){ .id = 0, .address = 0xfec00000u };
	m->noverrides = 3;
	m->override[0] = (struct acpi_madt_override){ .source = 0, .gsi = 2 };
	m->override[1] = (struct acpi_madt_override){ .source = 9, .gsi = 9,
		.polarity = ACPI_POLARITY_HIGH, .trigger = ACPI_TRIGGER_LEVEL };
	m->override[2] = (struct acpi_madt_override){ .source = 10, .gsi = 10,
		.polarity = ACPI_POLARITY_LOW, .trigger = ACPI_TRIGGER_CONFORMS };
	m->nlocal_nmis = 1;
	m->local_nmi[0] = (struct acpi_madt_nmi){ .processor = 0xffffffffu, .lint = 1 };
}

static int setup(void **state)
{
	struct lapic_regs regs = { .read = fl_read, .write = fl_write, .ctx = &fl };

	(void)state;
	memset(&fl, 0, sizeof(fl));
	memset(&fi, 0xff, sizeof(fi)); /* garbage until the driver writes */
	fi.ver = 0x00170020u;           /* 24 pins, version 0x20 */
	fi.writes = 0;
	fl.reg[LAPIC_ID / 4] = 3u << 24;
	fl.reg[LAPIC_VERSION / 4] = 0x00050014u;
	memset(&pc, 0, sizeof(pc));
	pc.ioapic[0].read = fi_read;
	pc.ioapic[0].write = fi_write;
	pc.ioapic[0].test_ctx = &fi;
	q35_madt(&madt);
	assert_int_equal(apic_pc_init(&pc, &madt, &regs, NULL), CAIRN_OK);
	return 0;
}

static uint64_t entry(unsigned pin)
{
	return fi.redir[2 * pin] | (uint64_t)fi.redir[2 * pin + 1] << 32;
}

/* ---- tests ----------------------------------------------------------------- */

static void test_apic_init_enables_the_lapic_and_masks_everything(void **state)
{
	(void)state;
	assert_int_equal(pc.lapic.id, 3);
	assert_int_equal(pc.lapic.version, 0x14);
	assert_int_equal(fl.reg[LAPIC_SVR / 4], LAPIC_SVR_ENABLE | APIC_VECTOR_SPURIOUS);
	assert_int_equal(fl.reg[LAPIC_TPR / 4], 0);
	assert_true(fl.reg[LAPIC_LVT_TIMER / 4] & LAPIC_LVT_MASKED);
	assert_true(fl.reg[LAPIC_LVT_ERROR / 4] & LAPIC_LVT_MASKED);
	assert_int_equal(fl.reg[LAPIC_LVT_ERROR / 4] & 0xff, APIC_VECTOR_ERROR);
	/* LINT0 (the PIC's ExtINT) masked; LINT1 is the MADT's NMI. */
	assert_true(fl.reg[LAPIC_LVT_LINT0 / 4] & LAPIC_LVT_MASKED);
	assert_int_equal(fl.reg[LAPIC_LVT_LINT1 / 4], LAPIC_LVT_NMI);
	assert_int_equal(pc.nioapics, 1);
	assert_int_equal(pc.ioapic[0].pins, 24);
	assert_int_equal(pc.ioapic[0].id, 2);
	for (unsigned pin = 0; pin < 24; pin++)
		assert_true(entry(pin) & IOAPIC_MASKED);
	assert_string_equal(pc.chip.name, "apic");
}

static void test_apic_vectors_and_lines_map_both_ways(void **state)
{
	(void)state;
	for (unsigned v = 0; v < 256; v++) {
		int line = apic_vector_line(v);

		if (v < APIC_VECTOR_GSI_BASE) {
			assert_int_equal(line, -1); /* exceptions and the PIC range */
			continue;
		}
		if (line >= 0)
			assert_int_equal(apic_line_vector((unsigned)line), (int)v);
	}
	assert_int_equal(apic_vector_line(APIC_VECTOR_TIMER), APIC_LINE_TIMER);
	assert_int_equal(apic_vector_line(APIC_VECTOR_SPURIOUS), APIC_LINE_SPURIOUS);
	assert_int_equal(apic_line_vector(APIC_GSI_MAX), -1);
	assert_int_equal(apic_line_vector(0), APIC_VECTOR_GSI_BASE);
}

static void test_apic_routes_the_pit_through_its_override(void **state)
{
	unsigned line;
	uint64_t e;

	(void)state;
	assert_int_equal(apic_isa_irq_line(&pc, 0, &line), CAIRN_OK);
	assert_int_equal(line, 2);
	assert_int_equal(pc.chip.configure(&pc.chip, line, IRQ_TRIGGER_EDGE), CAIRN_OK);
	e = entry(2);
	assert_int_equal(e & 0xff, APIC_VECTOR_GSI_BASE + 2);
	assert_false(e & IOAPIC_LEVEL);
	assert_false(e & IOAPIC_ACTIVE_LOW);
	assert_true(e & IOAPIC_MASKED); /* configure leaves it masked */
	assert_int_equal(e >> IOAPIC_DEST_SHIFT, 3); /* the local APIC's id */
	pc.chip.unmask(&pc.chip, line);
	assert_false(entry(2) & IOAPIC_MASKED);
	assert_int_equal(entry(2) & ~IOAPIC_MASKED, e & ~IOAPIC_MASKED);
	pc.chip.mask(&pc.chip, line);
	assert_true(entry(2) & IOAPIC_MASKED);
}

static void test_apic_takes_trigger_and_polarity_from_the_firmware(void **state)
{
	(void)state;
	/* SCI: the override says level, active high; the firmware wins. */
	assert_int_equal(pc.chip.configure(&pc.chip, 9, IRQ_TRIGGER_EDGE), CAIRN_OK);
	assert_true(entry(9) & IOAPIC_LEVEL);
	assert_false(entry(9) & IOAPIC_ACTIVE_LOW);
	/* Override with a polarity and a conforming trigger: the caller's trigger. */
	assert_int_equal(pc.chip.configure(&pc.chip, 10, IRQ_TRIGGER_EDGE), CAIRN_OK);
	assert_false(entry(10) & IOAPIC_LEVEL);
	assert_true(entry(10) & IOAPIC_ACTIVE_LOW);
	/* No override: a level line is PCI, active low; an edge line ISA, high. */
	assert_int_equal(pc.chip.configure(&pc.chip, 16, IRQ_TRIGGER_LEVEL), CAIRN_OK);
	assert_true(entry(16) & IOAPIC_LEVEL);
	assert_true(entry(16) & IOAPIC_ACTIVE_LOW);
	assert_int_equal(pc.chip.configure(&pc.chip, 4, IRQ_TRIGGER_EDGE), CAIRN_OK);
	assert_false(entry(4) & (IOAPIC_LEVEL | IOAPIC_ACTIVE_LOW));
}

static void test_apic_refuses_lines_it_cannot_route(void **state)
{
	(void)state;
	assert_int_equal(pc.chip.configure(&pc.chip, 24, IRQ_TRIGGER_EDGE), CAIRN_ERR_NOENT);
	assert_int_equal(pc.chip.configure(&pc.chip, APIC_GSI_MAX, IRQ_TRIGGER_EDGE),
			 CAIRN_ERR_RANGE);
	assert_int_equal(pc.chip.configure(&pc.chip, APIC_LINE_TIMER, IRQ_TRIGGER_LEVEL),
			 CAIRN_ERR_INVAL);
	assert_int_equal(pc.chip.configure(&pc.chip, APIC_LINE_TIMER, IRQ_TRIGGER_EDGE), CAIRN_OK);
	assert_int_equal(pc.chip.configure(&pc.chip, IRQ_LINE_LOCAL_BASE + 9, IRQ_TRIGGER_EDGE),
			 CAIRN_ERR_INVAL);
}

static void test_apic_eoi_goes_to_the_lapic_except_for_spurious(void **state)
{
	unsigned before = fl.eois;

	(void)state;
	pc.chip.eoi(&pc.chip, 2);
	pc.chip.eoi(&pc.chip, APIC_LINE_TIMER);
	assert_int_equal(fl.eois, before + 2);
	pc.chip.eoi(&pc.chip, APIC_LINE_SPURIOUS);
	assert_int_equal(fl.eois, before + 2);
}

static void test_apic_timer_line_masks_the_lvt_and_oneshot_programs_it(void **state)
{
	(void)state;
	pc.chip.unmask(&pc.chip, APIC_LINE_TIMER);
	assert_false(fl.reg[LAPIC_LVT_TIMER / 4] & LAPIC_LVT_MASKED);
	lapic_timer_oneshot(&pc.lapic, APIC_VECTOR_TIMER, 12345);
	assert_int_equal(fl.reg[LAPIC_LVT_TIMER / 4], LAPIC_TIMER_ONESHOT | APIC_VECTOR_TIMER);
	assert_int_equal(fl.reg[LAPIC_TIMER_DIVIDE / 4], LAPIC_DIVIDE_1);
	assert_int_equal(fl.reg[LAPIC_TIMER_INITIAL / 4], 12345);
	pc.chip.mask(&pc.chip, APIC_LINE_TIMER);
	assert_true(fl.reg[LAPIC_LVT_TIMER / 4] & LAPIC_LVT_MASKED);
	/* Re-arming while masked keeps it masked. */
	lapic_timer_oneshot(&pc.lapic, APIC_VECTOR_TIMER, 7);
	assert_true(fl.reg[LAPIC_LVT_TIMER / 4] & LAPIC_LVT_MASKED);
	lapic_timer_tsc_deadline(&pc.lapic, APIC_VECTOR_TIMER);
	assert_int_equal(fl.reg[LAPIC_LVT_TIMER / 4],
			 LAPIC_TIMER_TSC_DEADLINE | LAPIC_LVT_MASKED | APIC_VECTOR_TIMER);
}

static void test_apic_refuses_missing_or_overlapping_ioapics(void **state)
{
	struct lapic_regs regs = { .read = fl_read, .write = fl_write, .ctx = &fl };
	struct fake_ioapic second;

	(void)state;
	/* Nothing answering: all ones. */
	fi.ver = 0xffffffffu;
	memset(&pc, 0, sizeof(pc));
	pc.ioapic[0] = (struct ioapic){ .read = fi_read, .write = fi_write, .test_ctx = &fi };
	assert_int_equal(apic_pc_init(&pc, &madt, &regs, NULL), CAIRN_ERR_CORRUPT);
	/* Two chips of 24 pins at GSI bases 0 and 16. */
	fi.ver = 0x00170020u;
	second = fi;
	madt.nioapics = 2;
	madt.ioapic[1] = (struct acpi_madt_ioapic){ .id = 1, .address = 0xfec01000u, .gsi_base = 16 };
	memset(&pc, 0, sizeof(pc));
	pc.ioapic[0] = (struct ioapic){ .read = fi_read, .write = fi_write, .test_ctx = &fi };
	pc.ioapic[1] = (struct ioapic){ .read = fi_read, .write = fi_write, .test_ctx = &second };
	assert_int_equal(apic_pc_init(&pc, &madt, &regs, NULL), CAIRN_ERR_RANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_apic_init_enables_the_lapic_and_masks_everything, setup),
		cmocka_unit_test_setup(test_apic_vectors_and_lines_map_both_ways, setup),
		cmocka_unit_test_setup(test_apic_routes_the_pit_through_its_override, setup),
		cmocka_unit_test_setup(test_apic_takes_trigger_and_polarity_from_the_firmware, setup),
		cmocka_unit_test_setup(test_apic_refuses_lines_it_cannot_route, setup),
		cmocka_unit_test_setup(test_apic_eoi_goes_to_the_lapic_except_for_spurious, setup),
		cmocka_unit_test_setup(test_apic_timer_line_masks_the_lvt_and_oneshot_programs_it, setup),
		cmocka_unit_test_setup(test_apic_refuses_missing_or_overlapping_ioapics, setup),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
