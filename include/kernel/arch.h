/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The arch contract: everything portable code (src/, fs/, drivers/) may ask
 * of the CPU and the machine. Each architecture (arch/x86_64, arch/aarch64,
 * arch/hosted) implements every function here; nothing else of an arch is
 * visible to portable code, and the build gives portable targets no arch
 * include path.
 *
 * Every function states its context:
 *   - "any context": callable with interrupts on or off, from exception and
 *     interrupt handlers, with any locks held; never sleeps or allocates.
 *   - "boot CPU, early": only during init, before threads exist.
 */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include <kernel/types.h>

/* ---- identity ---------------------------------------------------------- */

/* arch_name - "x86_64", "aarch64" or "hosted". Any context. */
const char *arch_name(void);

/* ---- time --------------------------------------------------------------- */

/*
 * arch_clock_ns - nanoseconds since the kernel's first instruction (where
 * the arch can tell; otherwise since its clock started in early init);
 * monotonic, never wraps in practice (584 years). Log timestamps use it, so
 * they show the kernel's own share of boot. Any context.
 * Hosted: virtual time, advanced only by the test (hosted_clock_advance()).
 */
uint64_t arch_clock_ns(void);

/*
 * arch_boot_entry_ns - how long the machine ran before the kernel's first
 * instruction (firmware and loader), as far as the arch can tell; 0 if it
 * cannot tell. Any context.
 */
uint64_t arch_boot_entry_ns(void);

/* arch_cycles - the raw CPU cycle counter (TSC, CNTVCT). Any context. */
uint64_t arch_cycles(void);

/* arch_cpu_relax - a spin-wait hint (pause, yield). Any context. */
void arch_cpu_relax(void);

/* ---- checksums ----------------------------------------------------------- */

/*
 * arch_crc32c_update - feed bytes into a running (pre-inverted) CRC32C with
 * the CPU's CRC32C instructions, if it has them. Returns how many bytes of
 * `buf` it consumed: `len` when the CPU has the instructions, 0 when it has
 * not (the caller, src/klib/crc32c.c, then uses its tables). Any context.
 */
size_t arch_crc32c_update(uint32_t *crc, const void *buf, size_t len);

/* ---- interrupts ------------------------------------------------------- */

/*
 * arch_irq_save - disable interrupts on this CPU and return a token for
 * arch_irq_restore, which puts back the state the token recorded. Pairs nest.
 * Any context.
 */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long token);

/*
 * arch_irq_enable / arch_irq_disable - set this CPU's interrupt mask.
 * Thread context (enable only once the interrupt controller is set up).
 */
void arch_irq_enable(void);
void arch_irq_disable(void);

/* arch_irq_enabled - true if interrupts are enabled on this CPU. Any context. */
bool arch_irq_enabled(void);

/*
 * arch_idle_wait - enable interrupts and wait for one, atomically (x86_64:
 * sti; hlt. AArch64: wfi with the mask dropped), then return with
 * interrupts disabled again. For the idle loop: no wake-up between the
 * check for work and the wait can be lost. Called with interrupts disabled.
 * Hosted: advances virtual time to the next armed deadline and delivers it.
 */
void arch_idle_wait(void);

/*
 * Interrupt entry: each arch's trap code calls irq_dispatch(line) (declared
 * in include/kernel/irq.h) with interrupts disabled for every device
 * interrupt, after identifying the line through the interrupt controller
 * driver. Handlers never block.
 */

/* ---- one-shot timer ----------------------------------------------------- */

/*
 * arch_timer_set_deadline - raise the timer interrupt once arch_clock_ns()
 * reaches `deadline_ns` (x86_64: TSC-deadline or the local APIC timer in
 * one-shot mode; AArch64: the EL1 virtual timer). A deadline already past
 * fires as soon as possible; UINT64_MAX disarms. Replaces any earlier
 * deadline. The interrupt arrives through irq_dispatch() on the line the
 * timer driver attached to. Interrupts disabled.
 */
void arch_timer_set_deadline(uint64_t deadline_ns);

/* arch_timer_resolution_ns - the granularity of deadlines, for docs and
 * tests: the time one tick of the underlying counter takes, rounded up. */
uint64_t arch_timer_resolution_ns(void);

/* ---- execution contexts ------------------------------------------------ */

/*
 * A thread's CPU context is its saved stack pointer: arch_context_switch()
 * pushes the callee-saved registers (and the return address) on the
 * current stack, stores the stack pointer into *from_sp, loads to_sp and
 * pops the other thread's registers. Nothing else is needed because every
 * switch happens at a call boundary (interrupts switch only on their way
 * out, through the same function).
 */

/*
 * arch_context_init - prepare the stack whose top is `stack_top` (16-byte
 * aligned) so that the first switch to the returned stack pointer calls
 * entry(arg) with interrupts enabled. entry must never return. Any context.
 */
uintptr_t arch_context_init(void *stack_top, void (*entry)(void *), void *arg);

/*
 * arch_context_switch - save the running context into *from_sp and resume
 * the one at to_sp. Interrupts disabled; returns when something switches
 * back to *from_sp.
 */
void arch_context_switch(uintptr_t *from_sp, uintptr_t to_sp);

/*
 * FP/SIMD state (docs/scheduling.md states the policy). The scheduler keeps
 * one area of arch_fpu_state_size() bytes, aligned to 64, per thread that
 * may use FP, saves it when switching away and restores it when switching
 * back. Interrupt entry saves none (kernel code uses general registers
 * only). Interrupts disabled for save/restore.
 */
size_t arch_fpu_state_size(void);
void arch_fpu_state_init(void *area);
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);

/* ---- registers and stopping ------------------------------------------ */

/* An exception frame: the registers saved on a trap. Defined by each arch. */
struct arch_frame;

/*
 * arch_frame_dump - print the registers of `frame` (NULL: the caller's own
 * registers, captured now) through kprintf, decoded where the arch can.
 * Any context; used by panic.
 */
void arch_frame_dump(const struct arch_frame *frame);

/*
 * arch_halt - stop this CPU for good: interrupts off, wait forever.
 * Any context. Never returns.
 */
noreturn void arch_halt(void);

/*
 * arch_panic_hook - called by panic_at() once the record is printed and
 * before the machine stops. The kernels do nothing; the hosted shim hands
 * the panic to the unit-test framework so a test can expect it.
 */
void arch_panic_hook(const char *file, int line, const char *reason);

/* ---- memory management unit ------------------------------------------- */

/*
 * Where the portable memory manager (src/mm/) may put things on this
 * machine. The kernels return the canonical layout (include/kernel/layout.h);
 * the hosted shim returns host addresses it reserved, since a Linux process
 * cannot use the upper half.
 */
struct arch_mm_layout {
	uintptr_t direct_offset;   /* virt = phys + direct_offset for RAM */
	paddr_t early_limit;       /* physical memory below this is reachable
				      before the final page tables (early map) */
	vaddr_t objects_base;      /* the mapped-objects region */
	uint64_t objects_size;
	vaddr_t stacks_base;       /* the thread-stacks region */
	uint64_t stacks_size;
	bool map_image;            /* map the kernel image (W^X) in the final tables */
	bool no_exec_bit;          /* the CPU cannot forbid execution (x86 without NX) */
	paddr_t boot_tables;       /* the boot-time page tables, free once the final */
	uint64_t boot_tables_size; /* tables are active (0: nothing to hand back) */
};

/* arch_mm_layout - fill `out`. Boot CPU, early; any time after. */
void arch_mm_layout(struct arch_mm_layout *out);

/*
 * arch_pagetable_activate - install the table whose root is at `root`
 * (x86_64: CR3; AArch64: TTBR1_EL1 with DSB/ISB) and invalidate every
 * translation cached for the previous one. Boot CPU, interrupts off.
 */
void arch_pagetable_activate(paddr_t root);

/*
 * arch_pagetable_sync - entries for [va, va + size) went from invalid to
 * valid in the active table: make them visible to the table walker before
 * the next access (x86_64: nothing; AArch64: DSB ISHST; ISB). Any context.
 */
void arch_pagetable_sync(vaddr_t va, size_t size);

/*
 * arch_tlb_flush_page - a valid entry mapping `va` in the active table was
 * changed or removed: drop every cached translation (TLB and walk caches)
 * of `va` and wait until that is complete (x86_64: INVLPG; AArch64:
 * DSB ISHST; TLBI VAAE1IS; DSB ISH; ISB). Any context.
 */
void arch_tlb_flush_page(vaddr_t va);

/* arch_tlb_flush_all - drop every cached translation. Any context. */
void arch_tlb_flush_all(void);

/*
 * arch_stack_call - run fn(arg) on the stack whose top (highest address,
 * 16-byte aligned) is `stack_top`, and return to the caller's stack when
 * fn returns. For selftests and the first thread; the scheduler brings
 * real context switches. Thread context, interrupts as they are.
 */
void arch_stack_call(void *stack_top, void (*fn)(void *), void *arg);

/* ---- machine (platform) services -------------------------------------- */

/*
 * platform_poweroff - turn the machine off (ACPI S5 on PCs, PSCI SYSTEM_OFF
 * on AArch64). Returns only if the machine offers no way to do so, with the
 * reason as an err_t (the caller then halts). Boot CPU, interrupts off.
 */
err_t platform_poweroff(void);

/* platform_reboot - reset the machine; returns only on failure. */
err_t platform_reboot(void);

/*
 * platform_test_exit - end a test run with a status the host can read
 * (isa-debug-exit on PCs under QEMU, semihosting SYS_EXIT on AArch64, the
 * process exit status hosted). Returns CAIRN_ERR_NOTSUP if the machine has
 * no such channel. Boot CPU, interrupts off.
 */
err_t platform_test_exit(bool pass);

#endif /* KERNEL_ARCH_H */
