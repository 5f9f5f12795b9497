// SPDX-License-Identifier: BSD-2-Clause
/*
 * The MMU side of the arch contract on x86_64 (include/kernel/arch.h):
 * the canonical layout, CR3 loads, INVLPG, and running a function on
 * another stack. The page-table format itself is portable
 * (src/mm/pte_x86_64.c); this file is the only place that touches the CPU.
 *
 * TLB maintenance: the kernel maps nothing global (no G bit: one address
 * space, CR3 is written once), so reloading CR3 flushes every translation
 * and INVLPG drops one address's TLB entries and all paging-structure
 * caches. Both are serialising on the executing CPU; there is one CPU, so
 * no shootdown is needed yet (the SMP work adds IPIs here).
 */
#include <kernel/arch.h>
#include <kernel/layout.h>

#include <arch/x86.h>

extern uint64_t early_pml4[512];   /* boot/x86_64/entry.S */
extern char boot_stack_top[];      /* entry.S: the stack follows the tables */

/* entry.S lays out the PML4, two PDPTs and four page directories (7 pages)
 * at the start of .pgtables, followed by the boot stack. */
#define EARLY_TABLE_PAGES 7
#define EARLY_STACK_SIZE 16384

void arch_mm_layout(struct arch_mm_layout *out)
{
	uint32_t r[4];
	uintptr_t tables = (uintptr_t)early_pml4;

	cpuid(0x80000001, 0, r);
	*out = (struct arch_mm_layout){
		.direct_offset = LAYOUT_DIRECT_MAP_BASE,
		.early_limit = GiB(4),
		.objects_base = LAYOUT_OBJECTS_BASE,
		.objects_size = LAYOUT_OBJECTS_SIZE,
		.stacks_base = LAYOUT_STACKS_BASE,
		.stacks_size = LAYOUT_STACKS_SIZE,
		.map_image = true,
		.no_exec_bit = !(r[3] & (1u << 20)),
	};
	/* Hand back the early tables only if the stack really follows them. */
	if ((uintptr_t)boot_stack_top - tables >= EARLY_TABLE_PAGES * 4096ul + EARLY_STACK_SIZE) {
		out->boot_tables = tables - LAYOUT_KERNEL_BASE;
		out->boot_tables_size = EARLY_TABLE_PAGES * 4096ul;
	}
}

void arch_pagetable_activate(paddr_t root)
{
	write_cr3(root);
}

void arch_pagetable_sync(vaddr_t va, size_t size)
{
	/* x86 walks see stores in program order: only the compiler must not
	 * reorder the table writes past this point. */
	(void)va;
	(void)size;
	__asm__ volatile("" : : : "memory");
}

void arch_tlb_flush_page(vaddr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

void arch_tlb_flush_all(void)
{
	write_cr3(read_cr3());
}

void arch_stack_call(void *stack_top, void (*fn)(void *), void *arg)
{
	/* Save the old rsp on the new stack (keeping it 16-byte aligned at the
	 * call), call fn(arg), restore. rbx/rbp etc. are preserved by fn. */
	__asm__ volatile(
		"movq %%rsp, %%rax\n\t"
		"movq %0, %%rsp\n\t"
		"pushq %%rax\n\t"
		"subq $8, %%rsp\n\t"
		"movq %2, %%rdi\n\t"
		"callq *%1\n\t"
		"addq $8, %%rsp\n\t"
		"popq %%rsp\n\t"
		:
		: "r"(stack_top), "r"(fn), "r"(arg)
		: "rax", "rdi", "rsi", "rdx", "rcx", "r8", "r9", "r10", "r11", "memory", "cc");
}
