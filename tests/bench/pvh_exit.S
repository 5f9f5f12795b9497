/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The smallest PVH guest: a Xen PVH entry note and two instructions that
 * write to QEMU's isa-debug-exit port. tests/bench/boot_x86_64.sh boots it
 * exactly like the kernel (qboot, -kernel) to measure QEMU's own start and
 * stop on this machine: the floor under every x86_64 boot figure.
 */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4			/* name size: "Xen\0" */
	.long 4			/* descriptor size */
	.long 18		/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long _start

	.text
	.code32
	.globl _start
_start:
	mov $0x10, %al
	out %al, $0xf4		/* isa-debug-exit: QEMU exits with status 33 */
1:	hlt
	jmp 1b
