/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Exceptions on a blown stack: the vector table VBAR_EL1 holds.
 *
 * The kernel runs on SP_EL1, and an exception is taken on the stack it
 * interrupted: the entries of aarch64_vectors (vectors.S) push a struct
 * arch_frame below sp. When a thread overflows its stack into the guard
 * pages below it (vm_stack_alloc), the faulting store's data abort would
 * push that frame into the same guard, fault again, and so on down the
 * stack region: the report never comes.
 *
 * So the synchronous entry from EL1 with SP_EL1 checks first, as Linux's
 * arm64 entry does, that the frame fits: AT S1E1W translates the lowest
 * byte it will write (sp - ARCH_FRAME_SIZE) as a store would, and PAR_EL1.F
 * says whether that would fault. If it would, sp moves to the overflow
 * stack below (16 KiB in .bss), the blown sp is stored in its top 16
 * bytes, and the ordinary entry runs from there; trap.c recognises the
 * frame by where it lies, puts the blown sp back into it and says which
 * stack overflowed (vm_address_describe). A handler that itself overflows
 * lands here the same way: its sp fails the check.
 *
 * Every other entry branches straight to its counterpart in
 * aarch64_vectors, so vectors.S stays the one place that saves and
 * restores state; only this entry costs an address translation more.
 * Scratch: x0 is parked in SP_EL0, which the kernel never runs on
 * (SPSel is 1 everywhere, and always on exception entry).
 * IRQ/FIQ/SError entries need no check: if their frame does not fit, the
 * store faults and arrives here.
 */
#define FRAME_SIZE (38 * 8) /* ARCH_FRAME_SIZE */
#define OVERFLOW_STACK_SIZE 16384

.macro forward n
	.balign 128
	b	aarch64_vectors + \n * 128
.endm

	.section .text.vectors, "ax"
	.balign 2048
	.globl aarch64_vectors_checked
aarch64_vectors_checked:
	forward 0
	forward 1
	forward 2
	forward 3

	/* 4: synchronous, from EL1 using SP_EL1 */
	.balign 128
	msr	sp_el0, x0
	sub	x0, sp, #FRAME_SIZE
	at	s1e1w, x0
	isb
	mrs	x0, par_el1
	tbnz	x0, #0, 1f              /* PAR_EL1.F: the frame would fault */
	mrs	x0, sp_el0
	b	aarch64_vectors + 4 * 128
1:	adrp	x0, aarch64_overflow_stack_top
	add	x0, x0, :lo12:aarch64_overflow_stack_top
	add	sp, sp, x0              /* swap sp and x0 without a store */
	sub	x0, sp, x0
	sub	sp, sp, x0
	str	x0, [sp, #-16]!         /* the blown sp, for trap.c */
	mrs	x0, sp_el0
	b	aarch64_vectors + 4 * 128

	forward 5
	forward 6
	forward 7
	forward 8
	forward 9
	forward 10
	forward 11
	forward 12
	forward 13
	forward 14
	forward 15

	.section .bss.overflow_stack, "aw", %nobits
	.balign 16
	.skip	OVERFLOW_STACK_SIZE
	.globl	aarch64_overflow_stack_top
aarch64_overflow_stack_top:
