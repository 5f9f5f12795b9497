// SPDX-License-Identifier: BSD-2-Clause
/*
 * AArch64 exceptions: the decoded dump and the panic.
 *
 * Every exception is fatal (no demand paging, no EL0), with two
 * exceptions. An IRQ taken from EL1 is an interrupt: it goes to
 * aarch64_irq (irq.c), which asks the GIC driver for the INTID and calls
 * irq_dispatch, and the frame is restored on return. And a semihosting
 * call (HLT #0xf000) on a machine where semihosting is not enabled traps
 * as an "unknown reason" synchronous exception; that one is skipped and
 * reported to the caller (x0 = -1), so that a test exit on a machine
 * without semihosting becomes an error return instead of a crash
 * (platform.c).
 *
 * aarch64_trap() turns anything else into a panic whose record holds:
 * which vector (sync/IRQ/FIQ/SError and from where), the ESR decoded
 * (exception class by name, and for aborts the fault status: translation,
 * access flag or permission fault and its level, alignment; read or
 * write), ELR and FAR with the canonical region each falls in, every
 * general register, SPSR decoded, and the MMU's system registers.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/fmt.h>
#include <kernel/layout.h>
#include <kernel/mm/vm.h>

#include <arch/aarch64.h>

#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_IL (1u << 25)
#define ESR_ISS(esr) ((esr) & 0x1ffffff)

static const char *const vector_types[4] = { "synchronous", "IRQ", "FIQ", "SError" };
static const char *const vector_groups[4] = {
	"EL1 using SP_EL0", "EL1", "EL0 (AArch64)", "EL0 (AArch32)",
};

static const char *ec_name(unsigned ec)
{
	switch (ec) {
	case 0x00: return "unknown reason (undefined instruction)";
	case 0x01: return "WFI/WFE trapped";
	case 0x07: return "FP/SIMD access trapped";
	case 0x0e: return "illegal execution state";
	case 0x11: return "SVC (AArch32)";
	case 0x15: return "SVC";
	case 0x16: return "HVC";
	case 0x17: return "SMC";
	case 0x18: return "system register access trapped";
	case 0x19: return "SVE access trapped";
	case 0x20: return "instruction abort from a lower EL";
	case 0x21: return "instruction abort";
	case 0x22: return "PC alignment fault";
	case 0x24: return "data abort from a lower EL";
	case 0x25: return "data abort";
	case 0x26: return "SP alignment fault";
	case 0x2c: return "FP exception";
	case 0x2f: return "SError";
	case 0x30: return "breakpoint from a lower EL";
	case 0x31: return "breakpoint";
	case 0x32: return "software step from a lower EL";
	case 0x33: return "software step";
	case 0x34: return "watchpoint from a lower EL";
	case 0x35: return "watchpoint";
	case 0x3c: return "BRK instruction";
	default: return "reserved or unhandled class";
	}
}

/* The fault status code of an abort (DFSC/IFSC), as words. */
static void fault_status(unsigned fsc, char *buf, size_t size)
{
	unsigned level = fsc & 3;

	switch (fsc >> 2) {
	case 0x0:
		ksnprintf(buf, size, "address size fault at level %u", level);
		return;
	case 0x1:
		ksnprintf(buf, size, "translation fault at level %u", level);
		return;
	case 0x2:
		ksnprintf(buf, size, "access flag fault at level %u", level);
		return;
	case 0x3:
		ksnprintf(buf, size, "permission fault at level %u", level);
		return;
	default:
		break;
	}
	switch (fsc) {
	case 0x10: ksnprintf(buf, size, "synchronous external abort"); return;
	case 0x21: ksnprintf(buf, size, "alignment fault"); return;
	case 0x30: ksnprintf(buf, size, "TLB conflict abort"); return;
	default: ksnprintf(buf, size, "fault status %#x", fsc); return;
	}
}

static void dump_spsr(uint64_t spsr)
{
	kprintf("  spsr %08llx: EL%llu%s%s%s%s%s\n", (unsigned long long)spsr,
		(unsigned long long)((spsr >> 2) & 3), (spsr & 1) ? "h" : "t",
		(spsr & (1 << 9)) ? " D" : "", (spsr & (1 << 8)) ? " A" : "",
		(spsr & (1 << 7)) ? " I" : "", (spsr & (1 << 6)) ? " F" : "");
}

static void dump_system(void)
{
	kprintf("  sctlr %016llx tcr %016llx ttbr0 %016llx ttbr1 %016llx\n",
		(unsigned long long)SYSREG_READ(sctlr_el1), (unsigned long long)SYSREG_READ(tcr_el1),
		(unsigned long long)SYSREG_READ(ttbr0_el1),
		(unsigned long long)SYSREG_READ(ttbr1_el1));
}

void arch_frame_dump(const struct arch_frame *f)
{
	if (!f) {
		uint64_t fp, sp, lr;

		__asm__ volatile("mov %0, x29; mov %1, sp; mov %2, x30" : "=r"(fp), "=r"(sp),
				 "=r"(lr));
		kprintf("  lr  %016llx (%s) sp %016llx fp %016llx (at panic)\n",
			(unsigned long long)lr, layout_region_name(lr), (unsigned long long)sp,
			(unsigned long long)fp);
		dump_system();
		return;
	}
	for (int i = 0; i < 30; i += 4) {
		kprintf("  ");
		for (int j = i; j < i + 4 && j < 31; j++)
			kprintf("x%-2d %016llx ", j, (unsigned long long)f->x[j]);
		kprintf("\n");
	}
	kprintf("  sp  %016llx (%s)\n", (unsigned long long)f->sp, layout_region_name(f->sp));
	kprintf("  elr %016llx (%s)\n", (unsigned long long)f->elr, layout_region_name(f->elr));
	dump_spsr(f->spsr);
	kprintf("  esr %016llx far %016llx\n", (unsigned long long)f->esr,
		(unsigned long long)f->far);
	dump_system();
}

void aarch64_irq(void); /* irq.c */
void aarch64_trap(struct arch_frame *f, uint64_t kind);
void aarch64_trap(struct arch_frame *f, uint64_t kind)
{
	unsigned ec = ESR_EC(f->esr), iss = ESR_ISS(f->esr);
	uintptr_t overflow_sp = (uintptr_t)aarch64_overflow_stack_top - 16;
	bool overflowed = false;
	char what[64], where[128];

	f->kind = kind;
	if (kind == ((1u << 2) | 1u)) { /* IRQ from EL1 (SP_EL1) */
		aarch64_irq();
		return;
	}
	/* A semihosting call with semihosting off: skip it, return -1. */
	if ((kind & 3) == 0 && ec == 0x00 && f->elr == (uintptr_t)aarch64_semihost_insn) {
		f->x[0] = (uint64_t)-1;
		f->elr += 4;
		return;
	}

	/* Taken on the overflow stack (overflow.S): the frame's sp is the top
	 * of that stack; the sp that could not hold the frame is stored there. */
	if (f->sp == overflow_sp) {
		f->sp = *(const uint64_t *)overflow_sp;
		overflowed = true;
	}
	kprintf("\nexception: %s from %s: %s (EC %#x) esr %#llx\n", vector_types[kind & 3],
		vector_groups[(kind >> 2) & 3], ec_name(ec), ec, (unsigned long long)f->esr);
	if ((kind & 3) == 0 && (ec == 0x24 || ec == 0x25 || ec == 0x20 || ec == 0x21)) {
		bool data = ec == 0x24 || ec == 0x25;

		fault_status(iss & 0x3f, what, sizeof(what));
		kprintf("  %s at %#018llx (%s): %s on %s%s\n", data ? "data abort" : "instruction abort",
			(unsigned long long)f->far, vm_address_describe(f->far, where, sizeof(where)),
			what,
			!data ? "instruction fetch" : (iss & (1 << 6)) ? "write" : "read",
			(iss & (1 << 10)) ? " (FAR not valid)" : "");
	} else if ((kind & 3) == 0 && ec == 0x3c) {
		kprintf("  brk #%#x at %#018llx (%s)%s\n", iss & 0xffff,
			(unsigned long long)f->elr, layout_region_name(f->elr),
			(iss & 0xffff) == 0x3e8 ? ": a compiler trap (__builtin_trap)" : "");
	} else if ((kind & 3) == 0 && ec == 0x00) {
		kprintf("  undefined instruction %08x at %#018llx (%s)\n",
			*(const uint32_t *)(uintptr_t)f->elr, (unsigned long long)f->elr,
			layout_region_name(f->elr));
	}
	if (overflowed)
		kprintf("  stack overflow: no room for the exception frame below sp %#018llx (%s); "
			"reported from the overflow stack\n", (unsigned long long)f->sp,
			vm_address_describe(f->sp, where, sizeof(where)));
	panic_at(f, __FILE__, __LINE__, "unhandled CPU exception: %s (EC %#x) at elr %#llx",
		 ec_name(ec), ec, (unsigned long long)f->elr);
}
