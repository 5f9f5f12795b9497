// SPDX-License-Identifier: BSD-2-Clause
/*
 * Execution contexts and FP state in the hosted shim (the "execution
 * contexts" part of include/kernel/arch.h), on x86_64 hosts.
 *
 * A thread of the kernel is a stack of host memory (from the simulated
 * MMU's thread-stacks region, so its guard page really faults) and a saved
 * stack pointer; hosted_switch (switch_x86_64.S) pushes the callee-saved
 * registers and swaps stack pointers, exactly as a kernel switch does. No
 * signals, no ucontext, no system call: a switch costs a few nanoseconds,
 * which is what tests/bench/sched.sh measures.
 *
 * FP state: FXSAVE64/FXRSTOR64 of the 512-byte legacy area (x87, MXCSR,
 * XMM0-15). The shim is compiled without AVX, so nothing wider is live.
 *
 * AddressSanitizer (hosted-san) must be told about stack switches, or it
 * reports false errors on the thread stacks: each context carries a fiber
 * record {bottom, size} (a new one at the top of its stack, a suspended
 * one in arch_context_switch's frame), whose address hosted_switch keeps
 * in the saved context, and the switch brackets itself with
 * __sanitizer_start_switch_fiber / __sanitizer_finish_switch_fiber. The
 * boot stack's bounds, unknown to us, are learnt from the first switch.
 */
#if !defined(__x86_64__)
#error "the hosted shim's context switch exists for x86_64 hosts only (arch/hosted/switch_x86_64.S)"
#endif

#include <string.h>

#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/mm/vm.h>

#include "hosted.h"

#if defined(__SANITIZE_ADDRESS__)
#define HOSTED_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOSTED_ASAN 1
#endif
#endif
#ifndef HOSTED_ASAN
#define HOSTED_ASAN 0
#endif

#if HOSTED_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

struct fiber {
	uintptr_t bottom;
	size_t size;
};

void hosted_switch(uintptr_t *from_sp, uintptr_t to_sp, struct fiber *fiber);
void hosted_context_trampoline(void);
noreturn void hosted_context_start(void (*entry)(void *), void *arg, struct fiber *self);

/* The saved frame hosted_switch pops (switch_x86_64.S). */
struct switch_frame {
	uintptr_t fiber;
	uintptr_t r15, r14, r13, r12, rbx, rbp;
	uintptr_t ret;
};
STATIC_ASSERT(sizeof(struct switch_frame) == 64, "hosted_switch pops 8 words");

#if HOSTED_ASAN
static struct fiber running_fiber;   /* bounds of the stack we run on */
static struct fiber *switching_from; /* record of the context just left */

static void fiber_arrived(void *fake)
{
	const void *old_bottom;
	size_t old_size;

	__sanitizer_finish_switch_fiber(fake, &old_bottom, &old_size);
	if (switching_from && !switching_from->size) {
		switching_from->bottom = (uintptr_t)old_bottom; /* the boot stack */
		switching_from->size = old_size;
	}
	switching_from = NULL;
}
#endif

uintptr_t arch_context_init(void *stack_top, void (*entry)(void *), void *arg)
{
	uintptr_t top = (uintptr_t)stack_top;
	struct fiber *self;
	struct switch_frame *f;

	ASSERT(IS_ALIGNED(top, (uintptr_t)16));
	/* 16 bytes above the frame for the fiber record; the frame ends
	 * 16-byte aligned so the trampoline calls with an aligned stack. */
	self = (struct fiber *)(top - sizeof(struct fiber));
	f = (struct switch_frame *)(top - 16 - sizeof(*f));
	uintptr_t map_end = top;

	self->bottom = top - KiB(16);
	self->size = KiB(16);
	if (vm_kernel) {
		struct vm_mapping *m = vm_mapping_find(vm_kernel, top - 1, NULL);

		if (m) {
			self->bottom = m->va;
			self->size = top - m->va;
			map_end = m->va + m->size;
		}
	}
#if HOSTED_ASAN
	/* Frames of an earlier thread on these pages left poison behind
	 * (the whole mapping: the FP area above the stack too). */
	__asan_unpoison_memory_region((void *)self->bottom, map_end - self->bottom);
#else
	(void)map_end;
#endif
	*f = (struct switch_frame){
		.fiber = (uintptr_t)self,
		.r12 = (uintptr_t)entry,
		.r13 = (uintptr_t)arg,
		.r14 = (uintptr_t)self,
		.ret = (uintptr_t)hosted_context_trampoline,
	};
	return (uintptr_t)f;
}

noreturn void hosted_context_start(void (*entry)(void *), void *arg, struct fiber *self)
{
#if HOSTED_ASAN
	fiber_arrived(NULL);
	running_fiber = *self;
#else
	(void)self;
#endif
	arch_irq_enable(); /* the contract: entry runs with interrupts enabled */
	entry(arg);
	PANIC("hosted: a thread entry returned");
}

void arch_context_switch(uintptr_t *from_sp, uintptr_t to_sp)
{
#if HOSTED_ASAN
	struct fiber me = running_fiber;
	const struct fiber *to = (const struct fiber *)((const struct switch_frame *)to_sp)->fiber;
	void *fake = NULL;

	switching_from = &me;
	__sanitizer_start_switch_fiber(&fake, (const void *)to->bottom, to->size);
	hosted_switch(from_sp, to_sp, &me);
	fiber_arrived(fake);
	running_fiber = me;
#else
	hosted_switch(from_sp, to_sp, NULL);
#endif
}

/* ---- FP/SIMD state ------------------------------------------------------ */

#define FXSAVE_SIZE 512

size_t arch_fpu_state_size(void)
{
	return FXSAVE_SIZE;
}

void arch_fpu_state_init(void *area)
{
	uint8_t *p = area;
	uint16_t fcw = 0x037f;     /* x87: all exceptions masked, 64-bit precision */
	uint32_t mxcsr = 0x1f80;   /* SSE: all exceptions masked, round to nearest */

	memset(p, 0, FXSAVE_SIZE);
	memcpy(p + 0, &fcw, sizeof(fcw));
	memcpy(p + 24, &mxcsr, sizeof(mxcsr));
}

void arch_fpu_save(void *area)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*(uint8_t(*)[FXSAVE_SIZE])area));
}

void arch_fpu_restore(const void *area)
{
	__asm__ volatile("fxrstor64 %0" : : "m"(*(const uint8_t(*)[FXSAVE_SIZE])area));
}
