// SPDX-License-Identifier: BSD-2-Clause
/*
 * Interrupts and the deadline timer on a PC.
 *
 * Bring-up (init step x86_irq_init, INIT_LEVEL_DEVICES, after memory and
 * ACPI):
 *   1. the two 8259 PICs are remapped to vectors 32-47 and fully masked:
 *      the I/O APIC takes their inputs, and a spurious IRQ 7/15 they might
 *      still raise lands on a vector that is ignored, not on an exception;
 *   2. the MADT gives the local APIC's address, the I/O APICs and the ISA
 *      overrides (drivers/acpi/madt.c);
 *   3. the local APIC is reached as x2APIC (MSRs) when CPUID.1:ECX[21]
 *      says the CPU has it, else as xAPIC through a device mapping of its
 *      page; each I/O APIC's page is mapped the same way;
 *   4. drivers/irqchip/apic.c programs them (every pin masked) and the
 *      result is registered as the machine's struct irqchip.
 * Vectors 32-255 all enter through trap.S; x86_irq_entry turns a vector
 * into a line (apic_vector_line) and calls irq_dispatch.
 *
 * The deadline timer (init step x86_timer_init): TSC-deadline mode when
 * CPUID.1:ECX[24] says the local APIC has it - the deadline is a TSC value
 * written to IA32_TSC_DEADLINE, the resolution one TSC tick - else the
 * local APIC timer in one-shot mode, its frequency measured against the
 * TSC at boot (its 32-bit count reaches about 4 s at 1 GHz: longer
 * deadlines are re-armed by drivers/timer/clockevent.c). Whether the TSC
 * is invariant (CPUID.80000007:EDX[8]) is logged: without it the clock
 * may drift with power states on real hardware (QEMU TCG's TSC follows
 * the host's clock either way). `x86.timer=lapic` on the command line
 * forces the one-shot mode (to test it on CPUs that have both).
 *
 * Context: init steps on the boot CPU; the entry and the timer with
 * interrupts disabled.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/cmdline.h>
#include <kernel/init.h>
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/mm/vm.h>
#include <kernel/string.h>

#include <arch/x86.h>

#include <acpi/acpi.h>
#include <irqchip/apic.h>
#include <timer/clockevent.h>

#include "tsc.h"

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_X2APIC (1ull << 10)
#define MSR_TSC_DEADLINE 0x6e0

#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID1_EDX_APIC (1u << 9)
#define CPUID_80000007_EDX_INVARIANT_TSC (1u << 8)

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

static struct apic_pc pc;
static bool irq_ready;
static uint64_t pic_spurious, unknown_vectors;

/* ---- the 8259 PICs ---------------------------------------------------------- */

static void pic_disable(void)
{
	/* ICW1: init, ICW4 follows; ICW2: vector base; ICW3: cascade on IRQ 2;
	 * ICW4: 8086 mode. Then mask every input. */
	outb(PIC1_CMD, 0x11);
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, APIC_VECTOR_PIC_BASE);
	outb(PIC2_DATA, APIC_VECTOR_PIC_BASE + 8);
	outb(PIC1_DATA, 4);
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1);
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

/* ---- local APIC register access ---------------------------------------------- */

static uint32_t xapic_read(void *ctx, unsigned reg)
{
	return *(volatile uint32_t *)((uintptr_t)ctx + reg);
}

static void xapic_write(void *ctx, unsigned reg, uint32_t v)
{
	*(volatile uint32_t *)((uintptr_t)ctx + reg) = v;
}

static uint32_t x2apic_read(void *ctx, unsigned reg)
{
	(void)ctx;
	return (uint32_t)rdmsr(lapic_x2apic_msr(reg));
}

static void x2apic_write(void *ctx, unsigned reg, uint32_t v)
{
	(void)ctx;
	wrmsr(lapic_x2apic_msr(reg), v);
}

/* Map device registers uncached in the mapped-objects region. */
static err_t map_device(paddr_t pa, uint64_t size, const char *name, uintptr_t *va)
{
	paddr_t base = pa & ~(paddr_t)(PAGE_SIZE - 1);
	uint64_t npages = (pa - base + size + PAGE_SIZE - 1) / PAGE_SIZE;
	struct vm_object *o;
	struct vm_mapping *m;
	err_t err;

	err = vm_object_create_phys(base, npages, name, &o);
	if (err)
		return err;
	err = vm_map(vm_kernel, o, 0, npages, PT_WRITE | PT_DEVICE, VM_REGION_OBJECTS, name, &m);
	vm_object_unref(o); /* the mapping holds its own reference */
	if (err)
		return err;
	*va = m->va + (pa - base);
	return CAIRN_OK;
}

/* ---- interrupt entry ---------------------------------------------------------- */

void x86_irq_entry(uint64_t vector);
void x86_irq_entry(uint64_t vector)
{
	int line = apic_vector_line((unsigned)vector);

	if (line < 0) {
		/* A masked PIC's spurious IRQ 7/15, or a vector nobody programs. */
		if (vector >= APIC_VECTOR_PIC_BASE && vector < APIC_VECTOR_GSI_BASE)
			pic_spurious++;
		else
			unknown_vectors++;
		return;
	}
	irq_dispatch((unsigned)line);
}

static void error_interrupt(unsigned line, void *ctx)
{
	(void)line;
	(void)ctx;
	LOG_WARN("apic: error interrupt, ESR %#x", lapic_error_status(&pc.lapic));
}

static void spurious_interrupt(unsigned line, void *ctx)
{
	(void)line;
	(void)ctx; /* counted by irq_dispatch; nothing to acknowledge */
}

static err_t x86_irq_init(void)
{
	const struct acpi_header *h;
	struct io_region ioregs[ACPI_MADT_MAX_IOAPICS];
	struct lapic_regs lregs;
	struct acpi_madt madt;
	uint32_t r[4];
	uint64_t base;
	err_t err;

	pic_disable();
	cpuid(1, 0, r);
	if (!(r[3] & CPUID1_EDX_APIC)) {
		LOG_ERR("apic: this CPU has no local APIC (CPUID.1:EDX[9])");
		return CAIRN_ERR_NOTSUP;
	}
	err = acpi_table_find("APIC", 0, &h);
	if (err) {
		LOG_ERR("apic: no MADT in the ACPI tables: the interrupt controllers are unknown");
		return err;
	}
	err = acpi_madt_parse(h, &madt);
	if (err)
		return err;

	base = rdmsr(MSR_APIC_BASE);
	if ((base & 0xffffff000ull) != madt.lapic_address)
		LOG_WARN("apic: IA32_APIC_BASE says %#llx, the MADT %#llx; using the MADT's",
			 (unsigned long long)(base & 0xffffff000ull),
			 (unsigned long long)madt.lapic_address);
	if (r[2] & CPUID1_ECX_X2APIC) {
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
		lregs = (struct lapic_regs){ .read = x2apic_read, .write = x2apic_write, .x2apic = true };
	} else {
		uintptr_t va;

		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
		err = map_device(madt.lapic_address, PAGE_SIZE, "local-apic", &va);
		if (err)
			return err;
		lregs = (struct lapic_regs){ .read = xapic_read, .write = xapic_write,
					     .ctx = (void *)va };
	}
	for (size_t i = 0; i < madt.nioapics; i++) {
		uintptr_t va;

		err = map_device(madt.ioapic[i].address, 0x20, "io-apic", &va);
		if (err)
			return err;
		ioregs[i] = (struct io_region){ .space = IO_SPACE_MMIO, .base = va, .size = 0x20 };
	}
	err = apic_pc_init(&pc, &madt, &lregs, ioregs);
	if (err)
		return err;
	err = irq_chip_register(&pc.chip);
	if (err)
		return err;
	irq_ready = true;
	LOG_INFO("apic: local APIC id %u version %#x (%s), %zu I/O APIC(s), %zu ISA override(s), "
		 "%u CPU(s) in the MADT; 8259 PICs masked", pc.lapic.id, pc.lapic.version,
		 lregs.x2apic ? "x2APIC, MSRs" : "xAPIC, MMIO", pc.nioapics, madt.noverrides,
		 madt.cpus);
	for (size_t i = 0; i < pc.nioapics; i++)
		LOG_INFO("apic: I/O APIC id %u at %#llx: GSIs %u-%u, vectors %u-%u", pc.ioapic[i].id,
			 (unsigned long long)madt.ioapic[i].address, pc.ioapic[i].gsi_base,
			 pc.ioapic[i].gsi_base + pc.ioapic[i].pins - 1,
			 APIC_VECTOR_GSI_BASE + pc.ioapic[i].gsi_base,
			 APIC_VECTOR_GSI_BASE + pc.ioapic[i].gsi_base + pc.ioapic[i].pins - 1);
	err = irq_attach(APIC_LINE_ERROR, IRQ_TRIGGER_EDGE, error_interrupt, NULL, "apic-error");
	if (!err)
		err = irq_attach(APIC_LINE_SPURIOUS, IRQ_TRIGGER_EDGE, spurious_interrupt, NULL,
				 "apic-spurious");
	return err;
}
INIT_STEP(x86_irq_init, INIT_LEVEL_DEVICES, 10);

/* The I/O APIC and pin of a GSI line, or NULL. */
static struct ioapic *gsi_ioapic_of(unsigned gsi, unsigned *pin)
{
	for (size_t i = 0; i < pc.nioapics; i++) {
		struct ioapic *io = &pc.ioapic[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

/* x86_apic_isa_line - the line of ISA IRQ `irq` (for x86 selftests and
 * legacy devices). CAIRN_ERR_NOENT before the controller is up. */
err_t x86_apic_isa_line(unsigned irq, unsigned *line);
err_t x86_apic_isa_line(unsigned irq, unsigned *line)
{
	return irq_ready ? apic_isa_irq_line(&pc, irq, line) : CAIRN_ERR_NOENT;
}

/* ---- the interrupt mask ---------------------------------------------------------- */

void arch_irq_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

void arch_irq_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

bool arch_irq_enabled(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0" : "=r"(flags));
	return flags & (1ul << 9);
}

void arch_idle_wait(void)
{
	/* sti's one-instruction shadow: no interrupt between it and hlt, so a
	 * wake-up cannot slip in after the caller's check and be lost. */
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}

/* ---- the deadline timer ------------------------------------------------------------- */

static struct {
	bool tsc_deadline;
	uint64_t lapic_hz;     /* one-shot mode: APIC timer ticks per second */
	uint64_t ns_to_tick;   /* ticks = ns * ns_to_tick >> 32 (TSC or APIC timer) */
} tmr;

/* hz * 2^32 / 10^9, exactly, in 64-bit arithmetic (a 128-bit division
 * would pull in libgcc's __udivti3): split hz at 10^9 so the shifted
 * remainder stays below 2^62. */
static uint64_t ticks_per_ns_32_32(uint64_t hz)
{
	return ((hz / 1000000000u) << 32) + ((hz % 1000000000u) << 32) / 1000000000u;
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	/* Rounded up: a deadline is never programmed early. */
	return (uint64_t)(((unsigned __int128)ns * tmr.ns_to_tick + 0xffffffffu) >> 32);
}

static void program_tsc_deadline(const struct clockevent *ce, uint64_t deadline_ns)
{
	uint64_t tsc;

	(void)ce;
	if (deadline_ns == UINT64_MAX) {
		wrmsr(MSR_TSC_DEADLINE, 0); /* 0 disarms */
		return;
	}
	tsc = tsc_clock.origin + ns_to_ticks(deadline_ns);
	wrmsr(MSR_TSC_DEADLINE, tsc ? tsc : 1); /* a past value fires at once */
}

static void program_lapic_oneshot(const struct clockevent *ce, uint64_t deadline_ns)
{
	uint64_t now, ticks;

	(void)ce;
	if (deadline_ns == UINT64_MAX) {
		lapic_timer_oneshot(&pc.lapic, APIC_VECTOR_TIMER, 0);
		return;
	}
	now = arch_clock_ns();
	ticks = deadline_ns > now ? ns_to_ticks(deadline_ns - now) : 1;
	/* clockevent.c never asks beyond max_delta_ns; 0 would stop the timer. */
	lapic_timer_oneshot(&pc.lapic, APIC_VECTOR_TIMER,
			    (uint32_t)(ticks == 0 ? 1 : ticks > 0xffffffffu ? 0xffffffffu : ticks));
}

/* Measure the APIC timer against the TSC: count down from the top for
 * 1 ms of TSC time: at least 10^4 ticks of any APIC timer clock,
 * so the rate is good to 0.01% (the TSC's own calibration is coarser). */
static uint64_t lapic_timer_measure(void)
{
	uint64_t t0, t1, span = tsc_clock.hz / 1000;
	uint32_t left;

	lapic_timer_mask(&pc.lapic, true);
	lapic_timer_oneshot(&pc.lapic, APIC_VECTOR_TIMER, 0xffffffffu);
	t0 = rdtsc();
	while ((t1 = rdtsc()) - t0 < span)
		arch_cpu_relax();
	left = lapic_timer_current(&pc.lapic);
	lapic_timer_oneshot(&pc.lapic, APIC_VECTOR_TIMER, 0);
	return (uint64_t)(0xffffffffu - left) * tsc_clock.hz / (t1 - t0);
}

static struct clockevent x86_ce;

static err_t x86_timer_init(void)
{
	uint32_t r[4], ext[4] = { 0 };
	char mode[16];
	bool invariant;

	if (!irq_ready)
		return CAIRN_ERR_NOENT;
	cpuid(1, 0, r);
	cpuid(0x80000000, 0, ext);
	if (ext[0] >= 0x80000007)
		cpuid(0x80000007, 0, ext);
	else
		ext[3] = 0;
	invariant = ext[3] & CPUID_80000007_EDX_INVARIANT_TSC;
	tmr.tsc_deadline = r[2] & CPUID1_ECX_TSC_DEADLINE;
	if (cmdline_value("x86.timer", mode, sizeof(mode)) == CAIRN_OK && strcmp(mode, "lapic") == 0)
		tmr.tsc_deadline = false;
	LOG_INFO("timer: TSC %s invariant (CPUID.80000007:EDX[8]); TSC-deadline mode %s",
		 invariant ? "is" : "is not", (r[2] & CPUID1_ECX_TSC_DEADLINE) ?
		 (tmr.tsc_deadline ? "available, used" : "available, not used (x86.timer=lapic)") :
		 "not available");

	if (tmr.tsc_deadline) {
		tmr.ns_to_tick = ticks_per_ns_32_32(tsc_clock.hz);
		lapic_timer_tsc_deadline(&pc.lapic, APIC_VECTOR_TIMER);
		x86_ce = (struct clockevent){
			.name = "tsc-deadline",
			.program = program_tsc_deadline,
			.resolution_ns = (1000000000u + tsc_clock.hz - 1) / tsc_clock.hz,
		};
	} else {
		tmr.lapic_hz = lapic_timer_measure();
		if (tmr.lapic_hz == 0) {
			LOG_ERR("timer: the local APIC timer does not count");
			return CAIRN_ERR_IO;
		}
		tmr.ns_to_tick = ticks_per_ns_32_32(tmr.lapic_hz);
		LOG_INFO("timer: local APIC timer at %llu.%03llu MHz (measured against the TSC over 1 ms)",
			 (unsigned long long)(tmr.lapic_hz / 1000000),
			 (unsigned long long)(tmr.lapic_hz / 1000 % 1000));
		x86_ce = (struct clockevent){
			.name = "lapic-oneshot",
			.program = program_lapic_oneshot,
			/* the 32-bit count, with a margin for the clock read */
			.max_delta_ns = 0xffffffffull * 1000000000u / tmr.lapic_hz / 2,
			.resolution_ns = (1000000000u + tmr.lapic_hz - 1) / tmr.lapic_hz,
		};
	}
	return clockevent_register(&x86_ce, APIC_LINE_TIMER, IRQ_TRIGGER_EDGE);
}
INIT_STEP(x86_timer_init, INIT_LEVEL_DEVICES, 20);

void arch_timer_set_deadline(uint64_t deadline_ns)
{
	clockevent_set_deadline(deadline_ns);
}

uint64_t arch_timer_resolution_ns(void)
{
	return clockevent_resolution_ns();
}

/* ---- selftest: a device interrupt through the I/O APIC --------------------------------- */

#if CONFIG_SELFTEST
#include <kernel/selftest.h>

#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_HZ 1193182u
#define PIT_TEST_HZ 1000u
#define PIT_TEST_TICKS 20u

static volatile uint64_t pit_ticks;

static void pit_interrupt(unsigned line, void *ctx)
{
	(void)line;
	(void)ctx;
	pit_ticks++;
}

/*
 * irq-ioapic: the PIT (ISA IRQ 0, which the MADT's override sends to its
 * GSI) ticks at 1 kHz; its interrupts must arrive on that GSI's line
 * through the I/O APIC, PIT_TEST_TICKS of them, each counted once by
 * irq_dispatch; after irq_detach no more arrive. The rate is logged, not
 * judged.
 */
static err_t test_irq_ioapic(void)
{
	uint64_t count0, t0, t1, t2, ticks, after;
	unsigned line, pin = 0;
	struct ioapic *io;
	err_t err;

	err = x86_apic_isa_line(0, &line);
	if (err)
		return err;
	io = gsi_ioapic_of(line, &pin);
	count0 = irq_count(0, line);
	pit_ticks = 0;
	/* Channel 0, lobyte/hibyte, mode 2 (rate generator), binary. */
	outb(PIT_CMD, 0x34);
	outb(PIT_CH0, (uint8_t)(PIT_HZ / PIT_TEST_HZ));
	outb(PIT_CH0, (uint8_t)((PIT_HZ / PIT_TEST_HZ) >> 8));
	err = irq_attach(line, IRQ_TRIGGER_EDGE, pit_interrupt, NULL, "pit");
	if (err)
		return err;
	LOG_INFO("selftest: irq-ioapic: ISA IRQ 0 (PIT) -> GSI %u, I/O APIC pin %u, vector %d, "
		 "redirection entry %#llx", line, pin, apic_line_vector(line),
		 io ? (unsigned long long)ioapic_entry(io, pin) : 0ull);
	t0 = arch_clock_ns();
	while (pit_ticks < PIT_TEST_TICKS && arch_clock_ns() - t0 < 5000000000ull)
		arch_idle_wait();
	t1 = arch_clock_ns();
	err = irq_detach(line);
	ticks = pit_ticks;
	/* Stop the PIT: mode 0 with the longest count, never reloaded. */
	outb(PIT_CMD, 0x30);
	outb(PIT_CH0, 0);
	outb(PIT_CH0, 0);
	if (err)
		return err;
	if (ticks < PIT_TEST_TICKS) {
		LOG_ERR("selftest: irq-ioapic: %llu PIT interrupts in 5 s", (unsigned long long)ticks);
		return CAIRN_ERR_IO;
	}
	if (irq_count(0, line) - count0 != ticks) {
		LOG_ERR("selftest: irq-ioapic: the line counted %llu interrupts, the handler %llu",
			(unsigned long long)(irq_count(0, line) - count0), (unsigned long long)ticks);
		return CAIRN_ERR_IO;
	}
	/* Masked now: 5 ms more (5 PIT periods) bring nothing. */
	after = irq_count(0, line);
	t2 = arch_clock_ns();
	arch_irq_enable();
	while (arch_clock_ns() - t2 < 5000000)
		arch_cpu_relax();
	arch_irq_disable();
	if (irq_count(0, line) != after || pit_ticks != ticks) {
		LOG_ERR("selftest: irq-ioapic: interrupts arrived after irq_detach");
		return CAIRN_ERR_IO;
	}
	LOG_INFO("selftest: irq-ioapic: %llu PIT interrupts on line %u in %llu us (%llu Hz), none "
		 "after detach", (unsigned long long)ticks, line, (unsigned long long)((t1 - t0) / 1000),
		 (unsigned long long)(ticks * 1000000000ull / (t1 - t0 ? t1 - t0 : 1)));
	return CAIRN_OK;
}
SELFTEST_EARLY("irq-ioapic", test_irq_ioapic, true);
#endif /* CONFIG_SELFTEST */
