/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AArch64 CPU primitives, private to arch/aarch64 and boot/aarch64.
 * Portable code reaches the CPU only through include/kernel/arch.h.
 */
#ifndef ARCH_AARCH64_AARCH64_H
#define ARCH_AARCH64_AARCH64_H

#if !CAIRN_ARCH_PRIVATE
#error "arch/aarch64 headers are private to arch/aarch64 and boot/aarch64"
#endif

#include <kernel/boot_info.h>
#include <kernel/types.h>

#define SYSREG_READ(name)                                                      \
	({                                                                     \
		uint64_t v_;                                                   \
		__asm__ volatile("mrs %0, " #name : "=r"(v_));                 \
		v_;                                                            \
	})
#define SYSREG_WRITE(name, v)                                                  \
	__asm__ volatile("msr " #name ", %0" : : "r"((uint64_t)(v)) : "memory")

static inline void isb(void)
{
	__asm__ volatile("isb" : : : "memory");
}

static inline void dsb_ish(void)
{
	__asm__ volatile("dsb ish" : : : "memory");
}

/* The exception frame built by vectors.S (struct arch_frame on AArch64). */
struct arch_frame {
	uint64_t x[31];  /* x0..x30 (x29 frame pointer, x30 link register) */
	uint64_t sp;     /* the interrupted stack pointer */
	uint64_t elr;    /* where the exception was taken */
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
	uint64_t kind;   /* vector: group << 2 | type (see trap.c) */
	uint64_t pad;
};
#define ARCH_FRAME_SIZE (38 * 8)

/* ---- boot facts, recorded by the entry code ----------------------------- */
struct aarch64_boot {
	paddr_t image_pa;      /* where the loader put the Image */
	uint64_t image_size;   /* including .bss, page tables and boot stack */
	paddr_t dtb_pa;        /* x0 at entry */
	uint64_t entry_cntvct; /* the counter at the first instruction */
	uint32_t entry_el;     /* 1 or 2 */
};
extern struct aarch64_boot aarch64_boot;

/* ---- MMU (mmu.c) ----------------------------------------------------------- */

/* Memory attributes: MAIR_EL1 indexes. */
#define MT_DEVICE_nGnRnE 0
#define MT_DEVICE_nGnRE 1
#define MT_NORMAL 2
#define MT_NORMAL_NC 3

/*
 * aarch64_mmu_early - called by entry.S with the MMU off, at the physical
 * address the image runs at: builds the early tables (identity map of the
 * image, the image at its link address with W^X, the DTB in the direct
 * map) and returns the TTBR0 value (TTBR1 in *ttbr1).
 */
uint64_t aarch64_mmu_early(paddr_t image_pa, paddr_t dtb_pa, uint64_t *ttbr1);

/* aarch64_mmu_direct_map_ram - map every usable RAM region of `bi` into
 * the direct map (Normal, RW, never executable). Boot CPU, early. */
err_t aarch64_mmu_direct_map_ram(const struct boot_info *bi);

/* aarch64_mmu_finish_boot - make rodata read-only (after relocation) and
 * turn off TTBR0 walks: the lower half faults from now on. */
void aarch64_mmu_finish_boot(void);

/* aarch64_mmio_map - map device registers into the direct map at
 * LAYOUT_DIRECT_MAP_BASE + pa (Device-nGnRE, never executable); the device
 * model's mapper (dev_mmio_map_fn). Mapping registers that are already
 * mapped so is fine. Early tables until the memory manager's final tables
 * exist, the portable page-table API from then on (vm.c). Errors:
 * CAIRN_ERR_RANGE (outside the direct map), CAIRN_ERR_EXIST (mapped
 * otherwise, e.g. RAM), CAIRN_ERR_NOMEM. Boot CPU or thread context. */
err_t aarch64_mmio_map(paddr_t pa, uint64_t size, uintptr_t *va);

/* aarch64_mmu_early_device_map - the early half of aarch64_mmio_map: map
 * [pa, pa + size) as device registers in the early tables. */
err_t aarch64_mmu_early_device_map(paddr_t pa, uint64_t size);

/* aarch64_mmu_device_walk - call fn for every run of device-register
 * mappings of the early direct map (contiguous in va and pa), in address
 * order; stops at the first error fn returns. Before the final tables. */
err_t aarch64_mmu_device_walk(err_t (*fn)(void *ctx, vaddr_t va, paddr_t pa, uint64_t size),
			      void *ctx);

/* aarch64_mmu_ram_end - the early direct map reaches all RAM below this. */
paddr_t aarch64_mmu_ram_end(void);

/* aarch64_mmu_pool - where the early tables' page pool is (physical). */
void aarch64_mmu_pool(paddr_t *pa, uint64_t *size);

/* aarch64_mmu_dtb_window - how many bytes of the DTB the early map covers. */
size_t aarch64_mmu_dtb_window(void);

/* ---- exceptions on a blown stack (overflow.S, trap.c) --------------------- */

/* The vector table VBAR_EL1 holds: aarch64_vectors (vectors.S) behind a
 * check, in the synchronous entry from EL1, that the exception frame fits
 * on the current stack; if not, the exception is taken on the overflow
 * stack, whose top 16 bytes hold the blown stack pointer. */
extern char aarch64_vectors_checked[];
extern char aarch64_overflow_stack_top[];

/* ---- the rest of early setup -------------------------------------------- */
void aarch64_clock_init(uint64_t entry_cntvct);
void aarch64_clock_log(void);
void aarch64_cpu_log(void);

/* Semihosting (platform.c): true while a semihosting call is in flight, so
 * the trap handler can tell "semihosting not enabled" from a real fault. */
extern const char aarch64_semihost_insn[];

#endif /* ARCH_AARCH64_AARCH64_H */
