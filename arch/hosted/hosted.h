/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hosted shim's own interface, for unit tests and the hosted program.
 *
 * The shim implements the arch contract (include/kernel/arch.h) on Linux:
 * time is virtual and moves only when a test advances it, the console is
 * stdout, and every way the machine can stop (panic, power off, test exit)
 * either exits the process or, when a test armed a catch point, longjmps
 * back into the test.
 */
#ifndef ARCH_HOSTED_HOSTED_H
#define ARCH_HOSTED_HOSTED_H

#include <setjmp.h>

#include <kernel/types.h>

/* Virtual time. */
/*
 * The virtual clock (cpu.c) and the programmed timer deadline (timer.c,
 * TIMER_NEVER: none). irq.c compares them on every unmask, the hot path
 * of every spinlock and slab call, so they are globals rather than calls.
 */
extern uint64_t hosted_virtual_ns;
extern uint64_t hosted_deadline_ns;

void hosted_clock_set(uint64_t ns);
void hosted_clock_advance(uint64_t ns);

/* How the machine last stopped (for tests that catch a stop). */
enum hosted_stop {
	HOSTED_STOP_NONE,
	HOSTED_STOP_HALT,
	HOSTED_STOP_POWEROFF,
	HOSTED_STOP_REBOOT,
	HOSTED_STOP_TEST_PASS,
	HOSTED_STOP_TEST_FAIL,
};

/*
 * hosted_catch_stop - arm a catch point: the next machine stop longjmps to
 * `env` with the enum hosted_stop value instead of exiting. Disarmed after
 * one use or by hosted_catch_stop(NULL).
 */
void hosted_catch_stop(jmp_buf *env);

/*
 * The panic hook: if set, called by arch_panic_hook() with the panic's
 * location and reason. Unit tests point it at cmocka's mock_assert() so that
 * expect_assert_failure() catches PANIC and ASSERT.
 */
extern void (*hosted_panic_hook)(const char *file, int line, const char *reason);

/* Console capture: when set, console output goes here instead of stdout. */
extern void (*hosted_console_capture)(const char *s, size_t len);

/*
 * A fake x86 port space for driver tests: when set, arch_pio_* call these;
 * otherwise reads return all ones (no device) and writes are dropped.
 */
struct hosted_pio_ops {
	uint32_t (*read)(uint16_t port, unsigned width);
	void (*write)(uint16_t port, uint32_t value, unsigned width);
};
extern const struct hosted_pio_ops *hosted_pio;

/*
 * Allocation fault injection (kmalloc family): after `n` more successful
 * allocations the next one fails; n < 0 disarms. Counters for tests.
 */
void hosted_alloc_fail_after(int64_t n);
uint64_t hosted_alloc_count(void);
uint64_t hosted_alloc_injected_failures(void);

/* hosted_crc32c_insn_enable - let arch_crc32c_update use the host CPU's
 * CRC32C instruction (the default) or not, so both paths can be tested. */
void hosted_crc32c_insn_enable(bool on);

/*
 * The simulated MMU (arch/hosted/mmu.c): counts of the arch-contract MMU
 * calls and the addresses last flushed, so tests can check that the page
 * table code invalidates what it must.
 */
struct hosted_mmu_counts {
	uint64_t activates, syncs, flush_pages, flush_alls;
};
void hosted_mmu_counts(struct hosted_mmu_counts *out);
/* The newest `max` (at most 64) addresses given to arch_tlb_flush_page,
 * oldest first; returns how many. */
size_t hosted_mmu_flushed(vaddr_t *out, size_t max);
/* Forget the active table and zero the counts. */
void hosted_mmu_reset(void);

/*
 * Interrupts and the one-shot timer (arch/hosted/irq.c, timer.c): nothing
 * is asynchronous; interrupts are delivered at deterministic points (see
 * irq.c). HOSTED_IRQ_TIMER is the timer's line on the fake controller
 * "hosted-pic", which hosted_irq_setup() registers (idempotent; the first
 * arch_timer_set_deadline calls it).
 */
#define HOSTED_IRQ_TIMER 1000u
void hosted_irq_setup(void);
/* hosted_irq_raise - a device asserts `line` (edge): delivered at once if
 * interrupts are enabled, else when they are (and the line is unmasked). */
void hosted_irq_raise(unsigned line);
uint64_t hosted_irq_eoi_count(unsigned line);
bool hosted_irq_masked(unsigned line);
/* The deadline the kernel programmed (UINT64_MAX: none), how many times it
 * did, and (for irq.c) consume a deadline that virtual time has reached. */
uint64_t hosted_timer_deadline(void);
uint64_t hosted_timer_deadlines_set(void);
bool hosted_timer_take_due(void);
/*
 * hosted_cpu_burn - the running thread computes for `ns` of virtual CPU
 * time: the clock advances, and a timer deadline inside that time raises
 * its interrupt at its exact instant (if interrupts are enabled), which may
 * preempt the thread; the rest of the burn continues when it runs again.
 */
void hosted_cpu_burn(uint64_t ns);

/* The fake physical memory the hosted program boots with. */
struct boot_info;
err_t hosted_boot_info_build(struct boot_info *bi, size_t arena_bytes,
			     int argc, char **argv);

#endif /* ARCH_HOSTED_HOSTED_H */
