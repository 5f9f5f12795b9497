// SPDX-License-Identifier: BSD-2-Clause
/*
 * Boot selftests (cairn.selftest=<name>) of execution contexts, the same
 * on every arch:
 *
 *   ctx-switch    two contexts made by arch_context_init take turns with
 *                 the boot context through arch_context_switch, 1000
 *                 rounds: each starts with interrupts enabled and its
 *                 argument, keeps its locals (callee-saved registers)
 *                 across switches, and the switching context resumes
 *                 exactly where it left, interrupts still disabled.
 *   fpu-state     arch_fpu_restore then arch_fpu_save gives back the
 *                 register contents (a pattern in every vector register),
 *                 and the init state round-trips too.
 *   switch-bench  not a test: 200000 switches between two contexts, the
 *                 cost per switch in arch_cycles() units and in ns, logged
 *                 as "switch-bench: ..." for tests/bench/switch_guest.sh.
 *
 * Context: run by selftest_run_requested after init, on the boot CPU, in
 * thread context with interrupts disabled.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/log.h>
#include <kernel/selftest.h>
#include <kernel/string.h>

#if CONFIG_SELFTEST

#define EXPECT(cond)                                                           \
	do {                                                                   \
		if (!(cond)) {                                                 \
			LOG_ERR("selftest: %s:%d: %s is false", __FILE__,      \
				__LINE__, #cond);                              \
			return CAIRN_ERR_IO;                                   \
		}                                                              \
	} while (0)

/* ---- ctx-switch ------------------------------------------------------------- */

#define STACK_SIZE 16384
#define ROUNDS 1000

static uint8_t stacks[2][STACK_SIZE] __aligned(16);
static uintptr_t main_sp, ctx_sp[2];
static volatile unsigned turns[2];
static volatile bool irq_on_at_start[2], arg_ok[2], locals_ok[2];

static void worker(void *arg)
{
	unsigned me = (unsigned)(uintptr_t)arg - 1;
	/* Values the compiler keeps in callee-saved registers across calls. */
	uint64_t a = 0x1111111111111111ull * (me + 1), b = ~a, c = a ^ 0x5a5a5a5a5a5a5a5aull;

	irq_on_at_start[me] = arch_irq_enabled();
	arg_ok[me] = me < 2;
	arch_irq_disable();
	locals_ok[me] = true;
	for (unsigned i = 0; i < ROUNDS; i++) {
		turns[me]++;
		arch_context_switch(&ctx_sp[me], me == 0 ? ctx_sp[1] : main_sp);
		if (a != 0x1111111111111111ull * (me + 1) || b != ~a ||
		    c != (a ^ 0x5a5a5a5a5a5a5a5aull))
			locals_ok[me] = false;
		a += 0; /* keep them live across the loop */
	}
	for (;;) /* entry never returns: hand back for good */
		arch_context_switch(&ctx_sp[me], main_sp);
}

static err_t test_ctx_switch(void)
{
	uint64_t x = 0xfeedfacecafebeefull;

	ctx_sp[0] = arch_context_init(stacks[0] + STACK_SIZE, worker, (void *)1);
	ctx_sp[1] = arch_context_init(stacks[1] + STACK_SIZE, worker, (void *)2);
	EXPECT(ctx_sp[0] < (uintptr_t)(stacks[0] + STACK_SIZE) && ctx_sp[0] >= (uintptr_t)stacks[0]);
	/* main -> 0 -> 1 -> main, ROUNDS times. */
	for (unsigned i = 0; i < ROUNDS; i++) {
		EXPECT(turns[0] == i && turns[1] == i);
		arch_context_switch(&main_sp, ctx_sp[0]);
		EXPECT(turns[0] == i + 1);
		/* worker 0 switched to worker 1, which switched back here */
		EXPECT(turns[1] == i + 1);
		EXPECT(!arch_irq_enabled());
		EXPECT(x == 0xfeedfacecafebeefull);
	}
	EXPECT(irq_on_at_start[0] && irq_on_at_start[1]);
	EXPECT(arg_ok[0] && arg_ok[1]);
	/* One more round: worker 0 checks its locals after its last switch. */
	arch_context_switch(&main_sp, ctx_sp[0]);
	EXPECT(locals_ok[0] && locals_ok[1]);
	LOG_INFO("selftest: ctx-switch: %u rounds of three switches, registers and interrupt "
		 "state as expected", ROUNDS);
	return CAIRN_OK;
}
SELFTEST_EARLY("ctx-switch", test_ctx_switch, true);

/* ---- fpu-state ----------------------------------------------------------------- */

#define FPU_MAX 1024

static uint8_t fpu_a[FPU_MAX] __aligned(64), fpu_b[FPU_MAX] __aligned(64),
	fpu_init[FPU_MAX] __aligned(64);

static err_t test_fpu_state(void)
{
	size_t size = arch_fpu_state_size();
	size_t regs;

	EXPECT(size > 0 && size <= FPU_MAX);
	arch_fpu_state_init(fpu_init);
	memcpy(fpu_a, fpu_init, size);
	/* The vector registers: x86_64 FXSAVE keeps XMM0-15 at bytes 160-415;
	 * AArch64 q0-q31 at 0-511. Fill them with a pattern. */
	regs = size == 512 ? 160 : 0;
	for (size_t i = regs; i < (size == 512 ? 416 : 512); i++)
		fpu_a[i] = (uint8_t)(i * 7 + 3);
	arch_fpu_restore(fpu_a);
	memset(fpu_b, 0, sizeof(fpu_b));
	arch_fpu_save(fpu_b);
	EXPECT(memcmp(fpu_a + regs, fpu_b + regs, (size == 512 ? 416 : 512) - regs) == 0);
	arch_fpu_restore(fpu_init);
	memset(fpu_b, 0xff, sizeof(fpu_b));
	arch_fpu_save(fpu_b);
	EXPECT(memcmp(fpu_init + regs, fpu_b + regs, (size == 512 ? 416 : 512) - regs) == 0);
	LOG_INFO("selftest: fpu-state: %zu-byte state saved and restored", size);
	return CAIRN_OK;
}
SELFTEST_EARLY("fpu-state", test_fpu_state, true);

/* ---- switch-bench ----------------------------------------------------------------- */

#define BENCH_SWITCHES 200000u

static uintptr_t bench_main_sp, bench_sp;

static void bench_partner(void *arg)
{
	(void)arg;
	arch_irq_disable();
	for (;;)
		arch_context_switch(&bench_sp, bench_main_sp);
}

static err_t bench_switch(void)
{
	uint64_t t0, t1, ns0, ns1, per_100, ns_100;

	bench_sp = arch_context_init(stacks[0] + STACK_SIZE, bench_partner, NULL);
	arch_context_switch(&bench_main_sp, bench_sp); /* warm up: start it */
	ns0 = arch_clock_ns();
	t0 = arch_cycles();
	for (unsigned i = 0; i < BENCH_SWITCHES / 2; i++)
		arch_context_switch(&bench_main_sp, bench_sp); /* there and back: 2 switches */
	t1 = arch_cycles();
	ns1 = arch_clock_ns();
	per_100 = (t1 - t0) * 100 / BENCH_SWITCHES;
	ns_100 = (ns1 - ns0) * 100 / BENCH_SWITCHES;
	LOG_INFO("switch-bench: %u switches, %llu.%02llu cycles per switch (arch_cycles), "
		 "%llu.%02llu ns per switch", BENCH_SWITCHES, (unsigned long long)(per_100 / 100),
		 (unsigned long long)(per_100 % 100), (unsigned long long)(ns_100 / 100),
		 (unsigned long long)(ns_100 % 100));
	return CAIRN_OK;
}
SELFTEST_EARLY("switch-bench", bench_switch, true);

#endif /* CONFIG_SELFTEST */
