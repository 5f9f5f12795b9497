/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86_64 CPU primitives, private to arch/x86_64 and boot/x86_64.
 * Portable code reaches the CPU only through include/kernel/arch.h.
 */
#ifndef ARCH_X86_64_X86_H
#define ARCH_X86_64_X86_H

#if !CAIRN_ARCH_PRIVATE
#error "arch/x86_64 headers are private to arch/x86_64 and boot/x86_64"
#endif

#include <kernel/types.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

#define DEFINE_CR_READ(n)                                                      \
	static inline uint64_t read_cr##n(void)                                \
	{                                                                      \
		uint64_t v;                                                    \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));              \
		return v;                                                      \
	}
DEFINE_CR_READ(0)
DEFINE_CR_READ(2)
DEFINE_CR_READ(3)
DEFINE_CR_READ(4)
#undef DEFINE_CR_READ

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

/* The exception frame built by trap.S (struct arch_frame on x86_64). */
struct arch_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* Early setup, in the order x86_64_start calls them. */
void x86_serial_init(void);
void x86_gdt_init(void);
void x86_idt_init(void);
void x86_tsc_calibrate(uint64_t entry_tsc);
void x86_tsc_log(void); /* once the console is up */

#endif /* ARCH_X86_64_X86_H */
