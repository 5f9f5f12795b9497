/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Entry stubs: exceptions (vectors 0-31) and interrupts (32-255).
 *
 * Each stub makes the stack look the same whatever the CPU pushed: a dummy
 * error code where the CPU gives none, then the vector number; the common
 * path saves the general registers, forming a struct arch_frame
 * (arch/x86_64/include/arch/x86.h), and calls x86_trap(frame). Exceptions
 * are fatal; interrupts (vector >= 32) go on to x86_irq_entry (irq.c) and
 * return through the same path with iretq.
 *
 * The 224 interrupt stubs are 16 bytes apart from x86_irq_stubs, so the
 * IDT finds the stub of vector v at x86_irq_stubs + (v - 32) * 16.
 */
	.text
	.code64

.macro TRAP_NOERR vec
	.balign 16
trap_stub_\vec:
	pushq $0
	pushq $\vec
	jmp trap_common
.endm

.macro TRAP_ERR vec
	.balign 16
trap_stub_\vec:
	pushq $\vec
	jmp trap_common
.endm

TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR   8
TRAP_NOERR 9
TRAP_ERR   10
TRAP_ERR   11
TRAP_ERR   12
TRAP_ERR   13
TRAP_ERR   14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR   17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR   21
TRAP_NOERR 22
TRAP_NOERR 23
TRAP_NOERR 24
TRAP_NOERR 25
TRAP_NOERR 26
TRAP_NOERR 27
TRAP_NOERR 28
TRAP_ERR   29
TRAP_ERR   30
TRAP_NOERR 31

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	/* Align the stack for the C call; the frame pointer is in rdi. */
	movq %rsp, %rbx
	andq $-16, %rsp
	call x86_trap
	movq %rbx, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	iretq

	.balign 16
	.globl x86_irq_stubs
x86_irq_stubs:
	/* Fixed encodings, so each stub is exactly 16 bytes: push $0 (2),
	 * push imm32 (5), jmp rel32 (5), four int3 of padding. */
	.set vec, 32
	.rept 224
	pushq $0
	.byte 0x68
	.long vec
	.byte 0xe9
	.long trap_common - (. + 4)
	.byte 0xcc, 0xcc, 0xcc, 0xcc
	.set vec, vec + 1
	.endr

	.section .rodata
	.balign 8
	.globl x86_trap_stubs
x86_trap_stubs:
	.irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad trap_stub_\vec
	.endr
