// SPDX-License-Identifier: BSD-2-Clause
/*
 * The IDT and CPU exceptions.
 *
 * Every exception is fatal (the kernel takes no recoverable faults: no
 * demand paging, no user mode); vectors 32-255 are interrupts and go to
 * x86_irq_entry (irq.c), which dispatches them through the APIC driver.
 * x86_trap() turns an exception into a panic whose record holds a decoded
 * register dump: the exception's name, its error code decoded (for page
 * faults: present/write/user/reserved/fetch), the faulting address with
 * the canonical region it falls in, and the stack it ran on. Double fault,
 * NMI and machine check use IST stacks (gdt.c).
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/fmt.h>
#include <kernel/layout.h>
#include <kernel/mm/vm.h>

#include <arch/x86.h>

#include "gdt.h"

struct idt_entry {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t zero;
} __packed;
STATIC_ASSERT(sizeof(struct idt_entry) == 16, "IDT entry layout");

static struct idt_entry idt[256] __aligned(16);
extern const uint64_t x86_trap_stubs[32];
extern const char x86_irq_stubs[]; /* trap.S: vector v at + (v - 32) * 16 */
void x86_irq_entry(uint64_t vector); /* irq.c */

static const char *const names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD exception", "#VE virtualization",
	"#CP control protection", "reserved 22", "reserved 23", "reserved 24",
	"reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

void x86_idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed ptr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	for (int v = 0; v < 256; v++) {
		uint64_t off = v < 32 ? x86_trap_stubs[v] :
			       (uint64_t)(uintptr_t)(x86_irq_stubs + (v - 32) * 16);
		uint8_t ist = v == 8 ? IST_DOUBLE_FAULT : v == 2 ? IST_NMI :
			      v == 18 ? IST_MACHINE_CHECK : 0;

		idt[v] = (struct idt_entry){
			.offset_lo = (uint16_t)off,
			.selector = GDT_KERNEL_CODE,
			.ist = ist,
			.type_attr = 0x8e, /* present, DPL 0, 64-bit interrupt gate */
			.offset_mid = (uint16_t)(off >> 16),
			.offset_hi = (uint32_t)(off >> 32),
		};
	}
	__asm__ volatile("lidt %0" : : "m"(ptr));
}

static void dump_regs(const struct arch_frame *f)
{
	kprintf("  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n",
		(unsigned long long)f->rax, (unsigned long long)f->rbx,
		(unsigned long long)f->rcx, (unsigned long long)f->rdx);
	kprintf("  rsi %016llx rdi %016llx rbp %016llx rsp %016llx\n",
		(unsigned long long)f->rsi, (unsigned long long)f->rdi,
		(unsigned long long)f->rbp, (unsigned long long)f->rsp);
	kprintf("  r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n",
		(unsigned long long)f->r8, (unsigned long long)f->r9,
		(unsigned long long)f->r10, (unsigned long long)f->r11);
	kprintf("  r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n",
		(unsigned long long)f->r12, (unsigned long long)f->r13,
		(unsigned long long)f->r14, (unsigned long long)f->r15);
	kprintf("  rip %016llx (%s) cs %04llx ss %04llx rflags %08llx%s%s\n",
		(unsigned long long)f->rip, layout_region_name(f->rip),
		(unsigned long long)f->cs, (unsigned long long)f->ss,
		(unsigned long long)f->rflags, (f->rflags & (1 << 9)) ? " IF" : "",
		(f->rflags & (1 << 10)) ? " DF" : "");
}

static void dump_control(void)
{
	kprintf("  cr0 %016llx cr2 %016llx cr3 %016llx cr4 %016llx\n",
		(unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
		(unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

void arch_frame_dump(const struct arch_frame *frame)
{
	struct arch_frame now;

	if (!frame) {
		/* The caller's registers: enough to locate the panic. */
		__asm__ volatile("movq %%rbp, %0; movq %%rsp, %1; leaq 0(%%rip), %2"
				 : "=r"(now.rbp), "=r"(now.rsp), "=r"(now.rip));
		kprintf("  rip %016llx rsp %016llx rbp %016llx (at panic)\n",
			(unsigned long long)now.rip, (unsigned long long)now.rsp,
			(unsigned long long)now.rbp);
		dump_control();
		return;
	}
	dump_regs(frame);
	dump_control();
}

void x86_trap(struct arch_frame *f);
void x86_trap(struct arch_frame *f)
{
	uint64_t v = f->vector;
	const char *stack;
	char where[128];

	if (v >= 32) { /* an interrupt: the controller's vector -> line */
		x86_irq_entry(v);
		return;
	}
	stack = x86_ist_stack_name(f->rsp);
	kprintf("\nexception: %s (vector %llu) error code %#llx\n", names[v & 31],
		(unsigned long long)v, (unsigned long long)f->error);
	if (v == 14) {
		uint64_t addr = read_cr2();

		kprintf("  page fault at %#018llx (%s): %s %s in %s mode%s%s\n",
			(unsigned long long)addr, vm_address_describe(addr, where, sizeof(where)),
			(f->error & 1) ? "protection violation on" : "non-present page on",
			(f->error & 16) ? "instruction fetch" : (f->error & 2) ? "write" : "read",
			(f->error & 4) ? "user" : "kernel",
			(f->error & 8) ? ", reserved bit set" : "",
			(f->error & 32) ? ", protection key" : "");
	} else if ((v == 13 || v == 11 || v == 12 || v == 10) && f->error) {
		kprintf("  selector %#llx (%s, index %llu)\n", (unsigned long long)f->error,
			(f->error & 2) ? "IDT" : (f->error & 4) ? "LDT" : "GDT",
			(unsigned long long)(f->error >> 3));
	}
	if (v == 8) /* a fault while delivering a #PF (e.g. a blown stack) leaves CR2 */
		kprintf("  cr2 %#018llx (%s)\n", (unsigned long long)read_cr2(),
			vm_address_describe(read_cr2(), where, sizeof(where)));
	if (stack)
		kprintf("  running on the %s stack\n", stack);
	panic_at(f, __FILE__, __LINE__, "unhandled CPU exception %s at rip %#llx",
		 names[v & 31], (unsigned long long)f->rip);
}
