/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Thread context switch on x86_64 (include/kernel/arch.h, "execution
 * contexts"). A context is a stack pointer: what the System V ABI says a
 * callee must preserve (rbx, rbp, r12-r15) is pushed on the running stack
 * below the return address, rsp is stored, the other stack's rsp loaded
 * and its registers popped; `ret` resumes it where it called
 * arch_context_switch. Flags (IF above all) need no saving: every switch
 * happens with interrupts disabled, and a thread that is switched back to
 * restores its own state when it leaves the scheduler. FP/SIMD state is
 * saved separately (context.c), by the scheduler, for threads that use it.
 *
 * Stack of a suspended context, from its saved rsp up:
 *   r15 r14 r13 r12 rbx rbp  return-address
 */
	.text
	.code64

/* void arch_context_switch(uintptr_t *from_sp, uintptr_t to_sp) */
	.globl arch_context_switch
	.type arch_context_switch, @function
arch_context_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size arch_context_switch, . - arch_context_switch

/*
 * The first "return" of a context made by arch_context_init: r12 holds
 * entry, r13 its argument. Interrupts on, the stack aligned as the ABI
 * wants at a call, then entry(arg), which must never return.
 */
	.globl x86_context_start
	.type x86_context_start, @function
x86_context_start:
	xorl %ebp, %ebp          /* the backtrace ends here */
	movq %r13, %rdi
	andq $-16, %rsp
	sti
	call *%r12
	ud2                      /* entry returned: a bug, reported as #UD */
	.size x86_context_start, . - x86_context_start
