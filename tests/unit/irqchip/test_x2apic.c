// SPDX-License-Identifier: BSD-2-Clause
/*
 * drivers/irqchip/lapic.c in x2APIC mode, against a fake x2APIC: an
 * MSR-indexed register file reached through lapic_x2apic_msr (the mapping
 * arch/x86_64/irq.c's x2apic_read/write use) that behaves as the SDM
 * describes x2APIC mode: only the architectural MSRs 0x802-0x83f exist
 * (no APR, DFR or ICR-high MSR), the ID is 32 bits and read-only, EOI is
 * write-only and takes only 0, ESR takes only 0, the ICR is one 64-bit MSR
 * without a busy bit. Any other access is a #GP, which fails the test.
 * Every access is logged, and the tests assert the exact sequence.
 *
 * QEMU 7.2's TCG offers no x2APIC, so this is the only place the x2APIC
 * path runs (docs/interrupts.md).
 */
#include <string.h>

#include "cairn_test.h"

#include "irqchip/apic.h"

/* ---- the fake x2APIC ------------------------------------------------------- */

enum { RD, WR };

struct access {
	int op;
	uint32_t msr;
	uint64_t value;
};

static struct {
	uint64_t msr[0x40];       /* 0x800 + i */
	struct access log[64];
	unsigned n;
	uint32_t esr_pending;     /* errors seen since ESR was last latched */
} fx;

static bool msr_exists(uint32_t msr)
{
	switch (msr) {
	case 0x802: case 0x803: case 0x808: case 0x80b: case 0x80d: case 0x80f:
	case 0x828: case 0x830: case 0x832: case 0x833: case 0x834: case 0x835:
	case 0x836: case 0x837: case 0x838: case 0x839: case 0x83e: case 0x83f:
		return true;
	default:
		/* ISR, TMR, IRR: 0x810-0x827 */
		return msr >= 0x810 && msr <= 0x827;
	}
}

static void log_access(int op, uint32_t msr, uint64_t v)
{
	assert_true(fx.n < ARRAY_SIZE(fx.log));
	fx.log[fx.n++] = (struct access){ op, msr, v };
}

static uint64_t fake_rdmsr(uint32_t msr)
{
	if (!msr_exists(msr) || msr == 0x80b /* EOI */ || msr == 0x83f /* SELF IPI */)
		fail_msg("#GP: rdmsr 0x%x does not exist or is write-only in x2APIC mode", msr);
	log_access(RD, msr, fx.msr[msr - 0x800]);
	return fx.msr[msr - 0x800];
}

static void fake_wrmsr(uint32_t msr, uint64_t v)
{
	if (!msr_exists(msr) || msr == 0x802 || msr == 0x803 || msr == 0x80d || msr == 0x839 ||
	    (msr >= 0x810 && msr <= 0x827))
		fail_msg("#GP: wrmsr 0x%x does not exist or is read-only in x2APIC mode", msr);
	if ((msr == 0x80b || msr == 0x828) && v != 0)
		fail_msg("#GP: wrmsr 0x%x takes only 0, got 0x%llx", msr, (unsigned long long)v);
	if (msr != 0x830 && (v >> 32) != 0)
		fail_msg("#GP: reserved high bits in wrmsr 0x%x", msr);
	log_access(WR, msr, v);
	fx.msr[msr - 0x800] = v;
	if (msr == 0x828) { /* a write latches the errors into ESR */
		fx.msr[0x28] = fx.esr_pending;
		fx.esr_pending = 0;
	}
}

/* What arch/x86_64/irq.c does with rdmsr/wrmsr. */
static uint32_t x2_read(void *ctx, unsigned reg)
{
	(void)ctx;
	return (uint32_t)fake_rdmsr(lapic_x2apic_msr(reg));
}

static void x2_write(void *ctx, unsigned reg, uint32_t v)
{
	(void)ctx;
	fake_wrmsr(lapic_x2apic_msr(reg), v);
}

static struct lapic l;
static struct acpi_madt madt;

static void expect_log(const struct access *want, unsigned n)
{
	for (unsigned i = 0; i < n && i < fx.n; i++) {
		if (fx.log[i].op != want[i].op || fx.log[i].msr != want[i].msr ||
		    fx.log[i].value != want[i].value)
			fail_msg("access %u: got %s 0x%x = 0x%llx, want %s 0x%x = 0x%llx", i,
				 fx.log[i].op == RD ? "rdmsr" : "wrmsr", fx.log[i].msr,
				 (unsigned long long)fx.log[i].value, want[i].op == RD ? "rdmsr" : "wrmsr",
				 want[i].msr, (unsigned long long)want[i].value);
	}
	assert_int_equal(fx.n, n);
	fx.n = 0;
}

static int setup(void **state)
{
	struct lapic_regs regs = { .read = x2_read, .write = x2_write, .x2apic = true };

	(void)state;
	memset(&fx, 0, sizeof(fx));
	fx.msr[0x02] = 0x00012345u;   /* an x2APIC id above 255 */
	fx.msr[0x03] = 0x01050014u;   /* version 0x14, max LVT 5, EOI-broadcast suppression */
	memset(&madt, 0, sizeof(madt));
	madt.nlocal_nmis = 1;
	madt.local_nmi[0] = (struct acpi_madt_nmi){ .processor = 0xffffffffu, .lint = 1 };
	memset(&l, 0, sizeof(l));
	lapic_init(&l, &regs, &madt, APIC_VECTOR_SPURIOUS, APIC_VECTOR_ERROR);
	return 0;
}

/* ---- tests ----------------------------------------------------------------- */

static void test_x2apic_register_msrs_are_0x800_plus_offset_over_16(void **state)
{
	(void)state;
	assert_int_equal(lapic_x2apic_msr(LAPIC_ID), 0x802);
	assert_int_equal(lapic_x2apic_msr(LAPIC_VERSION), 0x803);
	assert_int_equal(lapic_x2apic_msr(LAPIC_TPR), 0x808);
	assert_int_equal(lapic_x2apic_msr(LAPIC_EOI), 0x80b);
	assert_int_equal(lapic_x2apic_msr(LAPIC_SVR), 0x80f);
	assert_int_equal(lapic_x2apic_msr(LAPIC_ESR), 0x828);
	assert_int_equal(lapic_x2apic_msr(LAPIC_LVT_TIMER), 0x832);
	assert_int_equal(lapic_x2apic_msr(LAPIC_LVT_LINT0), 0x835);
	assert_int_equal(lapic_x2apic_msr(LAPIC_LVT_LINT1), 0x836);
	assert_int_equal(lapic_x2apic_msr(LAPIC_LVT_ERROR), 0x837);
	assert_int_equal(lapic_x2apic_msr(LAPIC_TIMER_INITIAL), 0x838);
	assert_int_equal(lapic_x2apic_msr(LAPIC_TIMER_CURRENT), 0x839);
	assert_int_equal(lapic_x2apic_msr(LAPIC_TIMER_DIVIDE), 0x83e);
	assert_int_equal(lapic_x2apic_msr(0x300), 0x830); /* ICR: one 64-bit MSR */
}

static void test_x2apic_init_reads_the_32_bit_id_and_programs_every_register(void **state)
{
	static const struct access want[] = {
		{ RD, 0x802, 0x00012345u },
		{ RD, 0x803, 0x01050014u },
		{ WR, 0x80f, LAPIC_SVR_ENABLE | APIC_VECTOR_SPURIOUS },
		{ WR, 0x808, 0 },
		{ WR, 0x832, LAPIC_LVT_MASKED },
		{ WR, 0x838, 0 },
		{ WR, 0x835, LAPIC_LVT_MASKED },
		{ WR, 0x836, LAPIC_LVT_NMI },
		{ WR, 0x837, APIC_VECTOR_ERROR },
		{ WR, 0x828, 0 },
		{ WR, 0x828, 0 },
		{ WR, 0x80b, 0 },
	};

	(void)state;
	/* All 32 bits, not xAPIC's bits 31:24 (which would give 0). */
	assert_int_equal(l.id, 0x12345);
	assert_int_equal(l.version, 0x14);
	assert_int_equal(l.max_lvt, 5);
	assert_int_equal(l.spurious_vector, 0xff);
	expect_log(want, ARRAY_SIZE(want));
}

static void test_x2apic_eoi_writes_zero_to_msr_0x80b(void **state)
{
	static const struct access want[] = { { WR, 0x80b, 0 }, { WR, 0x80b, 0 } };

	(void)state;
	fx.n = 0;
	lapic_eoi(&l);
	lapic_eoi(&l);
	expect_log(want, ARRAY_SIZE(want));
}

static void test_x2apic_oneshot_timer_sets_divide_and_lvt_once_then_only_the_count(void **state)
{
	static const struct access first[] = {
		{ WR, 0x83e, LAPIC_DIVIDE_1 },
		{ WR, 0x832, LAPIC_TIMER_ONESHOT | LAPIC_LVT_MASKED | APIC_VECTOR_TIMER },
		{ WR, 0x838, 123456789u },
	};
	static const struct access again[] = { { WR, 0x838, 1000 }, { WR, 0x838, 0 } };
	static const struct access unmask[] = {
		{ WR, 0x832, LAPIC_TIMER_ONESHOT | APIC_VECTOR_TIMER },
	};
	static const struct access current[] = { { RD, 0x839, 4242 } };

	(void)state;
	fx.n = 0;
	lapic_timer_oneshot(&l, APIC_VECTOR_TIMER, 123456789u);
	expect_log(first, ARRAY_SIZE(first));
	lapic_timer_oneshot(&l, APIC_VECTOR_TIMER, 1000);
	lapic_timer_oneshot(&l, APIC_VECTOR_TIMER, 0); /* stops the count down */
	expect_log(again, ARRAY_SIZE(again));
	lapic_timer_mask(&l, false);
	expect_log(unmask, ARRAY_SIZE(unmask));
	fx.msr[0x39] = 4242;
	assert_int_equal(lapic_timer_current(&l), 4242);
	expect_log(current, ARRAY_SIZE(current));
}

static void test_x2apic_tsc_deadline_mode_is_one_lvt_write(void **state)
{
	static const struct access want[] = {
		{ WR, 0x832, LAPIC_TIMER_TSC_DEADLINE | LAPIC_LVT_MASKED | APIC_VECTOR_TIMER },
	};

	(void)state;
	fx.n = 0;
	lapic_timer_tsc_deadline(&l, APIC_VECTOR_TIMER);
	expect_log(want, ARRAY_SIZE(want));
}

static void test_x2apic_error_status_is_latched_by_a_zero_write(void **state)
{
	static const struct access want[] = { { WR, 0x828, 0 }, { RD, 0x828, 0x40 } };

	(void)state;
	fx.n = 0;
	fx.esr_pending = 0x40; /* received illegal vector */
	assert_int_equal(lapic_error_status(&l), 0x40);
	expect_log(want, ARRAY_SIZE(want));
}

static void test_x2apic_lvt_mask_reads_modifies_writes_lint0(void **state)
{
	static const struct access want[] = {
		{ RD, 0x835, LAPIC_LVT_MASKED },
		{ WR, 0x835, 0 },
		{ RD, 0x835, 0 },
		{ WR, 0x835, LAPIC_LVT_MASKED },
	};

	(void)state;
	fx.n = 0;
	lapic_lvt_mask(&l, LAPIC_LVT_LINT0, false);
	lapic_lvt_mask(&l, LAPIC_LVT_LINT0, true);
	expect_log(want, ARRAY_SIZE(want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x2apic_register_msrs_are_0x800_plus_offset_over_16),
		cmocka_unit_test_setup(test_x2apic_init_reads_the_32_bit_id_and_programs_every_register, setup),
		cmocka_unit_test_setup(test_x2apic_eoi_writes_zero_to_msr_0x80b, setup),
		cmocka_unit_test_setup(test_x2apic_oneshot_timer_sets_divide_and_lvt_once_then_only_the_count, setup),
		cmocka_unit_test_setup(test_x2apic_tsc_deadline_mode_is_one_lvt_write, setup),
		cmocka_unit_test_setup(test_x2apic_error_status_is_latched_by_a_zero_write, setup),
		cmocka_unit_test_setup(test_x2apic_lvt_mask_reads_modifies_writes_lint0, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
