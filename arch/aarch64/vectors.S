/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The EL1 exception vector table (VBAR_EL1, 2 KiB aligned): four groups of
 * four entries (synchronous, IRQ, FIQ, SError), 128 bytes each:
 *   group 0  from EL1 while using SP_EL0   (the kernel never does)
 *   group 1  from EL1 using SP_EL1         (the kernel's own faults)
 *   group 2  from EL0 AArch64              (no EL0 in Cairn)
 *   group 3  from EL0 AArch32
 * Every entry saves the full register state as a struct arch_frame
 * (include/arch/aarch64.h) on the current stack and calls
 * aarch64_trap(frame, kind) with kind = group << 2 | type. If it returns,
 * the (possibly modified) frame is restored and the exception returns:
 * that is how interrupts (IRQ from EL1, kind 5) come back to the code
 * they interrupted, and how a semihosting call on a machine without
 * semihosting is skipped instead of killing the kernel (see trap.c).
 * The kernel uses no FP/SIMD registers (-mgeneral-regs-only), so none are
 * saved here: see the FP policy in docs/boot-aarch64.md.
 */
#define FRAME_SIZE (38 * 8)

.macro vector kind
	.balign 128
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\kind
	b	vector_common
.endm

	.section .text.vectors, "ax"
	.balign 2048
	.globl aarch64_vectors
aarch64_vectors:
	vector 0
	vector 1
	vector 2
	vector 3
	vector 4
	vector 5
	vector 6
	vector 7
	vector 8
	vector 9
	vector 10
	vector 11
	vector 12
	vector 13
	vector 14
	vector 15

vector_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	add	x2, sp, #FRAME_SIZE     /* the interrupted sp */
	stp	x30, x2, [sp, #240]
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x2, x3, [sp, #256]
	mrs	x2, esr_el1
	mrs	x3, far_el1
	stp	x2, x3, [sp, #272]
	stp	x1, xzr, [sp, #288]     /* kind, pad */
	mov	x0, sp
	mov	x29, xzr                /* the backtrace ends here */
	bl	aarch64_trap

	ldp	x2, x3, [sp, #256]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldp	x30, xzr, [sp, #240]
	ldp	x28, x29, [sp, #224]
	ldp	x26, x27, [sp, #208]
	ldp	x24, x25, [sp, #192]
	ldp	x22, x23, [sp, #176]
	ldp	x20, x21, [sp, #160]
	ldp	x18, x19, [sp, #144]
	ldp	x16, x17, [sp, #128]
	ldp	x14, x15, [sp, #112]
	ldp	x12, x13, [sp, #96]
	ldp	x10, x11, [sp, #80]
	ldp	x8, x9, [sp, #64]
	ldp	x6, x7, [sp, #48]
	ldp	x4, x5, [sp, #32]
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #FRAME_SIZE
	eret
