/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memset for AArch64 kernels (the portable one in src/klib/string.c is
 * left out of this build by CONFIG_ARCH_MEMSET).
 *
 * Boot zeroes about 2 MiB (.bss, the page allocator's frame arrays, page
 * tables, stacks). The C loop stores 8 bytes per iteration; here a large
 * zero fill uses DC ZVA, which zeroes one block (DCZID_EL0: 4 << BS bytes,
 * 64 on the Cortex-A53/A57/A72) per instruction - a quarter of the
 * instructions of 16-byte stores on hardware, and under QEMU's TCG one
 * helper call instead of several translated stores. Everything else goes
 * 16 bytes at a time with stp after aligning to 8, then bytes.
 *
 * DC ZVA is used only when it may be: DCZID_EL0.DZP clear, the MMU and the
 * data cache on (SCTLR_EL1.M and .C; with them off memory is Device and
 * DC ZVA faults), and at least two blocks to fill, so aligning the start
 * to a block never runs past the end. Stores are 8-byte aligned or single
 * bytes, so memset is also safe with the MMU off (Device memory faults
 * unaligned accesses; mmu.c runs that way). Kernel (EL1) only: it reads
 * SCTLR_EL1.
 *
 * void *memset(void *dst, int c, size_t n)   x0 is returned unchanged
 */
	.text
	.globl	memset
	.type	memset, %function
memset:
	mov	x8, x0                  /* cursor */
	and	x1, x1, #0xff
	orr	x1, x1, x1, lsl #8
	orr	x1, x1, x1, lsl #16
	orr	x1, x1, x1, lsl #32     /* the byte in every lane */
	cbnz	x1, .Lstores
	mrs	x9, dczid_el0
	tbnz	w9, #4, .Lstores        /* DZP: DC ZVA prohibited */
	mrs	x10, sctlr_el1
	tbz	w10, #0, .Lstores       /* M: MMU off */
	tbz	w10, #2, .Lstores       /* C: data cache off */
	and	w9, w9, #0xf
	mov	x10, #4
	lsl	x10, x10, x9            /* block size in bytes */
	cmp	x2, x10, lsl #1
	b.lo	.Lstores
	sub	x11, x10, #1
.Lzva_head:                             /* bytes up to a block boundary */
	tst	x8, x11
	b.eq	.Lzva
	strb	wzr, [x8], #1
	sub	x2, x2, #1
	b	.Lzva_head
.Lzva:
	dc	zva, x8
	add	x8, x8, x10
	sub	x2, x2, x10
	cmp	x2, x10
	b.hs	.Lzva
.Lstores:
	cmp	x2, #16
	b.lo	.Ltail
.Lalign8:                               /* at most 7 bytes: n stays >= 9 */
	tst	x8, #7
	b.eq	.Lpairs
	strb	w1, [x8], #1
	sub	x2, x2, #1
	b	.Lalign8
.Lpairs:
	cmp	x2, #16
	b.lo	.Ltail
	stp	x1, x1, [x8], #16
	sub	x2, x2, #16
	b	.Lpairs
.Ltail:
	cbz	x2, .Ldone
	strb	w1, [x8], #1
	sub	x2, x2, #1
	b	.Ltail
.Ldone:
	ret
	.size	memset, . - memset
