// SPDX-License-Identifier: BSD-2-Clause
/*
 * Execution contexts on x86_64: the first frame of a new context
 * (context.S does the switch), and FP/SIMD state.
 *
 * FP/SIMD policy (docs/scheduling.md): kernel code is compiled with
 * general registers only, so interrupt entry saves no FP state; threads
 * that may use FP (application threads) have their x87/SSE state saved
 * and restored eagerly by the scheduler on each switch, with FXSAVE /
 * FXRSTOR (512 bytes: x87, MMX, XMM0-15, MXCSR). XSAVE is not enabled
 * (CR4.OSXSAVE stays 0), so AVX instructions raise #UD instead of
 * touching state nobody saves. The init step below turns SSE on for
 * everyone: CR0.EM off, CR0.MP on, CR4.OSFXSR and CR4.OSXMMEXCPT on.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/init.h>
#include <kernel/log.h>
#include <kernel/string.h>

#include <arch/x86.h>

#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)

#define FXSAVE_SIZE 512
#define FX_FCW 0       /* x87 control word */
#define FX_MXCSR 24
#define FX_MXCSR_MASK 28

void x86_context_start(void); /* context.S */

uintptr_t arch_context_init(void *stack_top, void (*entry)(void *), void *arg)
{
	uint64_t *sp = stack_top;

	DEBUG_ASSERT(((uintptr_t)stack_top & 15) == 0);
	*--sp = 0;                                    /* no caller: pad */
	*--sp = (uint64_t)(uintptr_t)x86_context_start; /* "return" address */
	*--sp = 0;                                    /* rbp */
	*--sp = 0;                                    /* rbx */
	*--sp = (uint64_t)(uintptr_t)entry;           /* r12 */
	*--sp = (uint64_t)(uintptr_t)arg;             /* r13 */
	*--sp = 0;                                    /* r14 */
	*--sp = 0;                                    /* r15 */
	return (uintptr_t)sp;
}

size_t arch_fpu_state_size(void)
{
	return FXSAVE_SIZE;
}

void arch_fpu_state_init(void *area)
{
	uint8_t *a = area;

	DEBUG_ASSERT(((uintptr_t)area & 15) == 0);
	/* The state after FNINIT, with SSE exceptions masked (MXCSR reset). */
	memset(a, 0, FXSAVE_SIZE);
	a[FX_FCW] = 0x7f;
	a[FX_FCW + 1] = 0x03;
	a[FX_MXCSR] = 0x80;
	a[FX_MXCSR + 1] = 0x1f;
}

void arch_fpu_save(void *area)
{
	DEBUG_ASSERT(((uintptr_t)area & 15) == 0);
	__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void arch_fpu_restore(const void *area)
{
	DEBUG_ASSERT(((uintptr_t)area & 15) == 0);
	__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

static inline void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static err_t x86_fpu_init(void)
{
	uint32_t r[4];
	uint8_t init[FXSAVE_SIZE] __aligned(16);

	cpuid(1, 0, r);
	if (!(r[3] & (1u << 24)) || !(r[3] & (1u << 25))) {
		LOG_ERR("fpu: the CPU lacks FXSAVE or SSE (CPUID.1:EDX[24,25])");
		return CAIRN_ERR_NOTSUP;
	}
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	/* Start from a clean state: whatever firmware left is nobody's. */
	arch_fpu_state_init(init);
	arch_fpu_restore(init);
	LOG_DEBUG("fpu: x87/SSE on (FXSAVE, %u bytes per thread); AVX off", FXSAVE_SIZE);
	return CAIRN_OK;
}
INIT_STEP(x86_fpu_init, INIT_LEVEL_EARLY, 50);
