/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AArch64 entry: the arm64 Image protocol, from the loader to C.
 *
 * A loader (U-Boot's booti/bootm, QEMU -kernel, a board's firmware) jumps
 * to the first byte of the Image with the MMU off, x0 = the physical
 * address of the device tree blob, x1-x3 = 0, at EL2 or EL1. The Image
 * header says "place anywhere" (flags bit 3): any 2 MiB-aligned base will
 * do, so nothing here may depend on where that is.
 *
 * _head then:
 *   1. keeps x0 (DTB), the counter (how long firmware and loader took) and
 *      the physical address it runs at
 *   2. at EL2: sets EL1 up to run (AArch64, timers and GICv3 system
 *      registers reachable, no FP traps, no stage 2) and drops to EL1
 *   3. at EL1: SCTLR_EL1 to a known state with the MMU off, FP/SIMD on
 *      (CPACR_EL1.FPEN: Debian's libfdt.a may use SIMD, see
 *      docs/boot-aarch64.md) and a boot stack at its physical address
 *   4. calls aarch64_mmu_early (arch/aarch64/mmu.c) for the early tables,
 *      programs MAIR/TCR/TTBRs and turns the MMU and caches on
 *   5. jumps to the image's link address in the top 2 GiB, moves the stack
 *      there, applies the image's R_AARCH64_RELATIVE relocations (so the
 *      image needs no fixed physical address), installs the exception
 *      vectors, clears .bss and calls aarch64_start(dtb_pa, image_pa,
 *      entry_cntvct, entry_el).
 * Everything before step 5 is PC-relative: until the relocations are
 * applied, no absolute address in the image is right.
 */

#define KERNEL_VA_HI 0xffff  /* LAYOUT_KERNEL_BASE = 0xffffffff80000000 */

#define CURRENTEL_EL2 (2 << 2)

#define SCTLR_EL1_RES1 ((1 << 29) | (1 << 28) | (1 << 23) | (1 << 22) | (1 << 20) | (1 << 11))
#define SCTLR_M (1 << 0)
#define SCTLR_C (1 << 2)
#define SCTLR_SA (1 << 3)
#define SCTLR_I (1 << 12)
#define SCTLR_WXN (1 << 19)

#define HCR_EL2_RW (1 << 31)
#define SPSR_EL1H_MASKED 0x3c5 /* EL1h, D A I F masked */
#define CPACR_FPEN (3 << 20)

/* MAIR: 0 Device-nGnRnE, 1 Device-nGnRE, 2 Normal WB RA/WA, 3 Normal NC */
#define MAIR_VALUE 0x44ff0400

/* TCR: 48-bit VAs both halves, 4 KiB granules, WB WA inner shareable walks.
 * IPS is filled in from ID_AA64MMFR0_EL1.PARange at run time. */
#define TCR_T0SZ 16
#define TCR_T1SZ (16 << 16)
#define TCR_WALK0 ((1 << 8) | (1 << 10) | (3 << 12))
#define TCR_WALK1 ((1 << 24) | (1 << 26) | (3 << 28))
#define TCR_TG1_4K (2 << 30)
#define TCR_VALUE (TCR_T0SZ | TCR_T1SZ | TCR_WALK0 | TCR_WALK1 | TCR_TG1_4K)

#define R_AARCH64_RELATIVE 1027

	.section .head.text, "ax"
	.globl _head
_head:
	/* The arm64 Image header (Documentation/arch/arm64/booting.rst). */
	b	primary_entry           /* code0 */
	.long	0                       /* code1 */
	.quad	0                       /* text_offset */
	.quad	__image_size            /* image_size: all of it, bss and stack included */
	.quad	0xa                     /* flags: LE, 4 KiB pages, place anywhere */
	.quad	0                       /* res2 */
	.quad	0                       /* res3 */
	.quad	0                       /* res4 */
	.ascii	"ARM\x64"               /* magic */
	.long	0                       /* res5 */

primary_entry:
	mov	x19, x0                 /* DTB physical address */
	mrs	x20, cntvct_el0         /* entry time; replaced at EL2 below */
	adr	x21, _head              /* where we run: the image's physical base */
	mov	x22, #1                 /* entry exception level */
	mrs	x0, CurrentEL
	cmp	x0, #CURRENTEL_EL2
	b.eq	el2_entry
	cmp	x0, #(1 << 2)
	b.ne	wrong_el
	b	el1_entry

el2_entry:
	mrs	x20, cntpct_el0         /* EL2 always sees the physical count */
	mov	x22, #2
	mov	x0, #HCR_EL2_RW         /* EL1 is AArch64; no traps, no stage 2 */
	msr	hcr_el2, x0
	mrs	x0, cnthctl_el2
	orr	x0, x0, #3              /* EL1PCTEN | EL1PCEN: EL1 owns the timers */
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr        /* virtual count = physical count */
	mov	x0, #0x33ff             /* CPTR_EL2: RES1 bits, TFP clear */
	msr	cptr_el2, x0
	msr	hstr_el2, xzr
	msr	vttbr_el2, xzr
	mrs	x0, midr_el1
	msr	vpidr_el2, x0
	mrs	x0, mpidr_el1
	msr	vmpidr_el2, x0
	/* GICv3 system registers (ID_AA64PFR0_EL1.GIC): let EL1 use them. */
	mrs	x0, id_aa64pfr0_el1
	ubfx	x0, x0, #24, #4
	cbz	x0, 1f
	mrs	x0, S3_4_C12_C9_5       /* ICC_SRE_EL2 */
	orr	x0, x0, #0x1            /* SRE */
	orr	x0, x0, #0x8            /* Enable: EL1 may use ICC_SRE_EL1 */
	msr	S3_4_C12_C9_5, x0
	isb
1:	ldr	x0, =SCTLR_EL1_RES1
	msr	sctlr_el1, x0
	mov	x0, #SPSR_EL1H_MASKED
	msr	spsr_el2, x0
	adr	x0, el1_entry
	msr	elr_el2, x0
	isb
	eret

el1_entry:
	ldr	x0, =SCTLR_EL1_RES1     /* MMU and caches off, alignment checks off */
	msr	sctlr_el1, x0
	mov	x0, #CPACR_FPEN
	msr	cpacr_el1, x0
	isb
	adrp	x0, boot_stack_top
	add	x0, x0, :lo12:boot_stack_top
	mov	sp, x0
	mov	x29, xzr

	/* Early page tables (MMU off, physical addresses). */
	mov	x0, x21
	mov	x1, x19
	sub	sp, sp, #16
	mov	x2, sp
	bl	aarch64_mmu_early
	ldr	x1, [sp], #16           /* TTBR1 */
	cbz	x0, no_tables

	ldr	x2, =MAIR_VALUE
	msr	mair_el1, x2
	ldr	x2, =TCR_VALUE
	mrs	x3, id_aa64mmfr0_el1
	and	x3, x3, #7              /* PARange */
	cmp	x3, #5
	mov	x4, #5
	csel	x3, x3, x4, ls          /* at most 48 bits with 4 KiB pages */
	bfi	x2, x3, #32, #3         /* TCR.IPS */
	msr	tcr_el1, x2
	msr	ttbr0_el1, x0
	msr	ttbr1_el1, x1
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	ldr	x0, =(SCTLR_EL1_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I | SCTLR_WXN)
	msr	sctlr_el1, x0
	isb
	ic	iallu
	dsb	nsh
	isb

	/* To the link address: KERNEL_BASE + (high - _head). */
	adr	x0, high
	sub	x0, x0, x21
	movz	x1, #0x8000, lsl #16
	movk	x1, #KERNEL_VA_HI, lsl #32
	movk	x1, #KERNEL_VA_HI, lsl #48
	add	x0, x0, x1
	br	x0

high:
	/* The stack, moved to its high alias. */
	mov	x0, sp
	sub	x0, x0, x21
	add	sp, x0, x1

	/* Relocate: *(base + off - link) = base + addend - link; base == link
	 * for now (no KASLR), but the image must not rely on the loader for it. */
	adr	x0, _head               /* runtime base (high) */
	movz	x1, #0x8000, lsl #16
	movk	x1, #KERNEL_VA_HI, lsl #32
	movk	x1, #KERNEL_VA_HI, lsl #48 /* link base */
	sub	x9, x0, x1              /* displacement */
	adrp	x2, __rela_start
	add	x2, x2, :lo12:__rela_start
	adrp	x3, __rela_end
	add	x3, x3, :lo12:__rela_end
2:	cmp	x2, x3
	b.hs	3f
	ldp	x4, x5, [x2], #24       /* r_offset, r_info */
	ldr	x6, [x2, #-8]           /* r_addend */
	cbz	w5, 2b                  /* R_AARCH64_NONE: left by the linker, no-op */
	cmp	w5, #R_AARCH64_RELATIVE
	b.ne	bad_reloc
	add	x6, x6, x9
	str	x6, [x4, x9]
	b	2b
3:
	adrp	x0, aarch64_vectors_checked /* vectors.S behind the overflow check */
	add	x0, x0, :lo12:aarch64_vectors_checked
	msr	vbar_el1, x0
	isb

	/* .bss through memset (memset.S: DC ZVA, the MMU and caches are on;
	 * it touches only x0-x11). */
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
	sub	x2, x2, x0
	mov	x1, xzr
	bl	memset
	mov	x0, x19
	mov	x1, x21
	mov	x2, x20
	mov	x3, x22
	bl	aarch64_start
	b	halt

/* Nothing to print with yet: stop, with the reason in x0 for a debugger. */
wrong_el:
	mov	x0, #0xe1               /* entered at EL3 or EL0 */
	b	halt
no_tables:
	mov	x0, #0x9a               /* page table pool too small */
	b	halt
bad_reloc:
	mov	x0, #0x4e               /* a relocation other than RELATIVE */
halt:
	msr	daifset, #0xf
	wfi
	b	halt

	.ltorg

	.section .bootstack, "aw", %nobits
	.balign 16
boot_stack:
	.skip	CONFIG_AARCH64_BOOT_STACK_KB * 1024
	.globl	boot_stack_top
boot_stack_top:
