/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86_64 entry: from a loader's 32-bit protected mode to 64-bit C.
 *
 * Two loaders, one path:
 *   GRUB (multiboot2)  jumps to _start32 with EAX = 0x36d76289 and EBX = the
 *                      physical address of the multiboot2 information.
 *   PVH (QEMU -kernel, Firecracker, cloud-hypervisor) jumps to pvh_start32,
 *                      named by the XEN_ELFNOTE_PHYS32_ENTRY note, with EBX =
 *                      the physical address of hvm_start_info. It sets EAX to
 *                      the PVH magic and joins _start32.
 * Both enter with paging off, interrupts off, flat 32-bit segments.
 *
 * _start32 then:
 *   1. reads the TSC (how long firmware and loader took: docs/architecture.md)
 *   2. checks for long mode (a CPU without it gets a message on COM1)
 *   3. builds the early page tables: the first 4 GiB of physical memory
 *      mapped with 2 MiB pages at 0 (identity, needed only until the jump
 *      high), at the direct map 0xffff800000000000, and the first GiB at
 *      the kernel image's -2 GiB window
 *   4. enables PAE, long mode, NX and paging, and far-jumps to 64-bit code
 *   5. jumps to the high half, clears .bss, and calls
 *      x86_64_start(magic, info_pa) with a stack in the image.
 * x86_64_start (boot/x86_64/start.c) drops the identity map.
 */
#include "multiboot2.h"
#include "pvh.h"

#define KERNEL_VMA 0xffffffff80000000
#define PHYS(x) ((x) - KERNEL_VMA)

#define PTE_P   0x001
#define PTE_W   0x002
#define PTE_PS  0x080

#define CR0_PE  (1 << 0)
#define CR0_WP  (1 << 16)
#define CR0_PG  (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

#define BOOT_STACK_SIZE 16384

/* ---- multiboot2 header: within the first 32 KiB, 8-byte aligned --------- */
	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MULTIBOOT2_HEADER_MAGIC
	.long MULTIBOOT2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MULTIBOOT2_HEADER_MAGIC + MULTIBOOT2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* end tag */
	.balign 8
	.short 0
	.short 0
	.long 8
mb2_header_end:

/* ---- PVH entry note ------------------------------------------------------ */
	.section .note.Xen, "a"
	.balign 4
	.long 4                 /* name size: "Xen\0" */
	.long 4                 /* descriptor size */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.balign 4
	.long pvh_start32

/* ---- 32-bit entry, at its physical address ------------------------------- */
	.section .boot.text, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	movl $PVH_START_MAGIC, %eax
	/* fall through */

	.globl _start32
_start32:
	cli
	cld
	movl %eax, %edi                 /* magic: kept in EDI until C */
	movl %ebx, %esi                 /* info physical address: ESI */

	rdtsc
	movl %eax, boot_entry_tsc       /* .boot.data: runs at its physical address */
	movl %edx, boot_entry_tsc + 4

	/* Long mode? CPUID 0x80000001 EDX bit 29. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode
	movl %edx, %ebp                 /* bit 20: NX */

	/* Zero the early page tables and the boot stack. */
	movl $PHYS(__pgtables_start), %edx
	movl $PHYS(__pgtables_end), %ecx
	subl %edx, %ecx
	shrl $2, %ecx
	pushl %edi
	movl %edx, %edi
	xorl %eax, %eax
	rep stosl
	popl %edi

	/* Four page directories map 0..4 GiB with 2 MiB pages. */
	movl $PHYS(early_pd), %edx
	xorl %ecx, %ecx                 /* entry index 0..2047 */
1:	movl %ecx, %eax
	shll $21, %eax                  /* low 32 bits of index * 2 MiB */
	orl $(PTE_P | PTE_W | PTE_PS), %eax
	movl %eax, (%edx, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax                  /* high bits: index * 2 MiB >> 32 */
	movl %eax, 4(%edx, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jb 1b

	/* PDPT for the low 4 GiB: one entry per page directory. */
	movl $PHYS(early_pdpt_low), %edx
	movl $PHYS(early_pd), %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, 0(%edx)
	addl $0x1000, %eax
	movl %eax, 8(%edx)
	addl $0x1000, %eax
	movl %eax, 16(%edx)
	addl $0x1000, %eax
	movl %eax, 24(%edx)

	/* PDPT for the top: entry 510 (-2 GiB) is the first GiB of RAM. */
	movl $PHYS(early_pdpt_high), %edx
	movl $PHYS(early_pd), %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, 510 * 8(%edx)

	/* PML4: identity (0), direct map (256), kernel image (511). */
	movl $PHYS(early_pml4), %edx
	movl $PHYS(early_pdpt_low), %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, 0(%edx)
	movl %eax, 256 * 8(%edx)
	movl $PHYS(early_pdpt_high), %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, 511 * 8(%edx)

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $PHYS(early_pml4), %eax
	movl %eax, %cr3

	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	btl $20, %ebp
	jnc 2f
	orl $EFER_NXE, %eax
2:	wrmsr

	movl %cr0, %eax
	orl $(CR0_PE | CR0_PG | CR0_WP), %eax
	movl %eax, %cr0

	lgdt early_gdt_ptr
	ljmp $0x08, $long_mode_low

no_long_mode:
	movl $no_lm_msg, %esi
	movw $0x3f8, %dx
3:	lodsb
	testb %al, %al
	jz 4f
	outb %al, %dx
	jmp 3b
4:	cli
	hlt
	jmp 4b

	.code64
long_mode_low:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $long_mode_high, %rax
	jmp *%rax

	.section .boot.data, "a"
	.balign 8
early_gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: data */
early_gdt_end:
early_gdt_ptr:
	.short early_gdt_end - early_gdt - 1
	.long early_gdt
no_lm_msg:
	.asciz "Cairn: this CPU has no long mode (x86_64); cannot boot.\r\n"

/* ---- 64-bit, high half ---------------------------------------------------- */
	.section .text.entry, "ax"
	.code64
long_mode_high:
	leaq boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp

	/* Clear .bss (the loader zeroed it too, but do not rely on that). */
	pushq %rdi
	leaq __bss_start(%rip), %rdi
	leaq __bss_end(%rip), %rcx
	subq %rdi, %rcx
	shrq $3, %rcx
	xorl %eax, %eax
	rep stosq
	popq %rdi

	movl %edi, %edi                 /* magic, zero-extended */
	movl %esi, %esi                 /* info physical address */
	call x86_64_start
5:	cli
	hlt
	jmp 5b

	.section .boot.data
	.balign 8
	.globl boot_entry_tsc
boot_entry_tsc:
	.quad 0

	.section .pgtables, "aw", @nobits
	.balign 4096
	.globl early_pml4
early_pml4:	.skip 4096
early_pdpt_low:	.skip 4096
early_pdpt_high: .skip 4096
early_pd:	.skip 4 * 4096
	.balign 16
boot_stack:	.skip BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:
