/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Execution contexts on AArch64 (include/kernel/arch.h): the context
 * switch, the first frame of a new context, and FP/SIMD state.
 *
 * A context is a stack pointer. What AAPCS64 says a callee must preserve
 * among the general registers - x19-x28, the frame pointer x29 and the
 * link register x30 (where the switch returns to) - goes in a 96-byte
 * frame on the running stack; sp is stored, the other stack's sp loaded,
 * its frame popped, and `ret` resumes it where it called the switch.
 * Every switch happens with interrupts masked, so DAIF needs no saving.
 * (d8-d15 are callee-saved too, but kernel code never touches FP/SIMD,
 * and threads that may use it have all of q0-q31 saved by the scheduler
 * through arch_fpu_save/restore, below.)
 *
 * Frame at the saved sp:  x19 x20 | x21 x22 | ... | x27 x28 | x29 x30
 */
	.text

/* void arch_context_switch(uintptr_t *from_sp, uintptr_t to_sp) */
	.globl arch_context_switch
	.type arch_context_switch, %function
arch_context_switch:
	sub	sp, sp, #96
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	mov	x9, sp
	str	x9, [x0]
	mov	sp, x1
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	add	sp, sp, #96
	ret
	.size arch_context_switch, . - arch_context_switch

/*
 * uintptr_t arch_context_init(void *stack_top, void (*entry)(void *), void *arg)
 * A frame whose x30 is aarch64_context_start, with entry in x19, arg in x20.
 */
	.globl arch_context_init
	.type arch_context_init, %function
arch_context_init:
	sub	x0, x0, #96
	stp	x1, x2, [x0, #0]        /* x19 = entry, x20 = arg */
	stp	xzr, xzr, [x0, #16]
	stp	xzr, xzr, [x0, #32]
	stp	xzr, xzr, [x0, #48]
	stp	xzr, xzr, [x0, #64]
	adr	x9, aarch64_context_start
	stp	xzr, x9, [x0, #80]      /* x29 = 0 (backtraces end), x30 */
	ret
	.size arch_context_init, . - arch_context_init

/* The first "return" of a new context: interrupts on, entry(arg). */
	.type aarch64_context_start, %function
aarch64_context_start:
	mov	x0, x20
	msr	daifclr, #2
	blr	x19
	brk	#0x3e9                  /* entry returned: a bug, reported as a BRK */
	.size aarch64_context_start, . - aarch64_context_start

/*
 * FP/SIMD state: q0-q31 (512 bytes), then FPCR and FPSR (8 bytes each).
 */
#define FPU_STATE_SIZE (32 * 16 + 16)

	.globl arch_fpu_state_size
	.type arch_fpu_state_size, %function
arch_fpu_state_size:
	mov	x0, #FPU_STATE_SIZE
	ret
	.size arch_fpu_state_size, . - arch_fpu_state_size

/* void arch_fpu_state_init(void *area): zero registers, FPCR 0 (round to
 * nearest, no traps, no flush-to-zero), FPSR 0. */
	.globl arch_fpu_state_init
	.type arch_fpu_state_init, %function
arch_fpu_state_init:
	mov	x1, #FPU_STATE_SIZE
1:	stp	xzr, xzr, [x0], #16
	subs	x1, x1, #16
	b.ne	1b
	ret
	.size arch_fpu_state_init, . - arch_fpu_state_init

	.globl arch_fpu_save
	.type arch_fpu_save, %function
arch_fpu_save:
	stp	q0, q1, [x0, #0]
	stp	q2, q3, [x0, #32]
	stp	q4, q5, [x0, #64]
	stp	q6, q7, [x0, #96]
	stp	q8, q9, [x0, #128]
	stp	q10, q11, [x0, #160]
	stp	q12, q13, [x0, #192]
	stp	q14, q15, [x0, #224]
	stp	q16, q17, [x0, #256]
	stp	q18, q19, [x0, #288]
	stp	q20, q21, [x0, #320]
	stp	q22, q23, [x0, #352]
	stp	q24, q25, [x0, #384]
	stp	q26, q27, [x0, #416]
	stp	q28, q29, [x0, #448]
	stp	q30, q31, [x0, #480]
	mrs	x1, fpcr
	mrs	x2, fpsr
	add	x0, x0, #512            /* stp reaches 504 at most */
	stp	x1, x2, [x0]
	ret
	.size arch_fpu_save, . - arch_fpu_save

	.globl arch_fpu_restore
	.type arch_fpu_restore, %function
arch_fpu_restore:
	ldp	q0, q1, [x0, #0]
	ldp	q2, q3, [x0, #32]
	ldp	q4, q5, [x0, #64]
	ldp	q6, q7, [x0, #96]
	ldp	q8, q9, [x0, #128]
	ldp	q10, q11, [x0, #160]
	ldp	q12, q13, [x0, #192]
	ldp	q14, q15, [x0, #224]
	ldp	q16, q17, [x0, #256]
	ldp	q18, q19, [x0, #288]
	ldp	q20, q21, [x0, #320]
	ldp	q22, q23, [x0, #352]
	ldp	q24, q25, [x0, #384]
	ldp	q26, q27, [x0, #416]
	ldp	q28, q29, [x0, #448]
	ldp	q30, q31, [x0, #480]
	add	x0, x0, #512
	ldp	x1, x2, [x0]
	msr	fpcr, x1
	msr	fpsr, x2
	ret
	.size arch_fpu_restore, . - arch_fpu_restore
