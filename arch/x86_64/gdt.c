// SPDX-License-Identifier: BSD-2-Clause
/*
 * The final GDT and TSS.
 *
 * Long mode ignores segmentation except for CS's mode bits, so the GDT is
 * minimal: a 64-bit code segment, a data segment and the TSS. The TSS
 * matters for one thing: the interrupt stack table. Double fault, NMI and
 * machine check run on their own stacks (IST1-3), so that a fault caused
 * by a blown stack (a guard-page hit) is still reported instead of turning
 * into a triple fault and a silent reset.
 */
#include <kernel/assert.h>
#include <kernel/string.h>

#include <arch/x86.h>

#include "gdt.h"

#define IST_STACK_SIZE 8192

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;
STATIC_ASSERT(sizeof(struct tss) == 104, "TSS layout");

static struct tss tss;
static uint8_t ist_stacks[3][IST_STACK_SIZE] __aligned(16);
static uint64_t gdt[5] __aligned(16);

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

void x86_gdt_init(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&tss;
	uint64_t limit = sizeof(tss) - 1;
	struct gdt_ptr ptr = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };

	for (int i = 0; i < 3; i++)
		tss.ist[i] = (uint64_t)(uintptr_t)(ist_stacks[i] + IST_STACK_SIZE);
	tss.iomap_base = sizeof(tss); /* no I/O permission bitmap */

	gdt[0] = 0;
	gdt[GDT_KERNEL_CODE / 8] = 0x00af9a000000ffffull;
	gdt[GDT_KERNEL_DATA / 8] = 0x00cf92000000ffffull;
	/* 16-byte TSS descriptor: type 9 (available 64-bit TSS), present. */
	gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
			   (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[GDT_TSS / 8 + 1] = base >> 32;

	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w2, %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		"ltr %w3\n\t"
		:
		: "m"(ptr), "i"((uint64_t)GDT_KERNEL_CODE), "i"(GDT_KERNEL_DATA), "r"((uint16_t)GDT_TSS)
		: "rax", "memory");
}

const char *x86_ist_stack_name(uint64_t rsp)
{
	static const char *const names[3] = { "double-fault IST", "NMI IST", "machine-check IST" };

	for (int i = 0; i < 3; i++) {
		if (rsp >= (uint64_t)(uintptr_t)ist_stacks[i] &&
		    rsp <= (uint64_t)(uintptr_t)(ist_stacks[i] + IST_STACK_SIZE))
			return names[i];
	}
	return NULL;
}
