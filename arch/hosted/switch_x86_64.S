/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hosted shim's context switch on x86_64 hosts (arch/hosted/context.c
 * has the model). A context is a saved stack pointer; the stack holds,
 * from that pointer up:
 *
 *     [sp+0]  fiber record pointer (sanitizer bookkeeping, or 0)
 *     [sp+8]  r15, r14, r13, r12, rbx, rbp
 *     [sp+56] return address
 *
 * These are the System V callee-saved registers: everything else is dead
 * at a call boundary, which is where every switch happens.
 */
	.text

/* void hosted_switch(uintptr_t *from_sp, uintptr_t to_sp, void *fiber) */
	.globl	hosted_switch
	.type	hosted_switch, @function
hosted_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdx
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%rdx
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	hosted_switch, . - hosted_switch

/*
 * The first switch to a new context "returns" here with r12 = entry,
 * r13 = arg, r14 = the fiber record and a 16-byte aligned stack.
 */
	.globl	hosted_context_trampoline
	.type	hosted_context_trampoline, @function
hosted_context_trampoline:
	movq	%r12, %rdi
	movq	%r13, %rsi
	movq	%r14, %rdx
	call	hosted_context_start
	ud2
	.size	hosted_context_trampoline, . - hosted_context_trampoline

	.section .note.GNU-stack, "", @progbits
