/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Assertions and panics.
 *
 *   ASSERT(x)        always compiled, always evaluated. For invariants whose
 *                    breach would corrupt memory, authority or locks.
 *   DEBUG_ASSERT(x)  no side effects allowed; compiled out unless
 *                    CONFIG_DEBUG_ASSERT (on in every test build).
 *   STATIC_ASSERT    pins layouts and masks at compile time.
 *   PANIC(fmt, ...)  noreturn; prints a structured record (reason, location,
 *                    init step, registers, recent log lines) and stops the
 *                    machine with a failure status.
 *
 * Bad input from outside is never asserted on: it is an error return.
 * In the hosted shim a panic is routed to a hook so that cmocka tests can
 * expect it (see arch/hosted/hosted.h).
 */
#ifndef KERNEL_ASSERT_H
#define KERNEL_ASSERT_H

#include <kernel/types.h>

struct arch_frame;

/*
 * panic_at - report a fatal error and stop the machine. Never returns.
 * @frame: the register state to dump (an exception frame), or NULL to dump
 *         the registers of the caller.
 * Any context, interrupts in any state; takes no locks and does not allocate.
 * A panic raised while a panic is being reported stops at once.
 */
noreturn void panic_at(const struct arch_frame *frame, const char *file, int line,
		       const char *fmt, ...) __printf_like(4, 5);

#define PANIC(...) panic_at(NULL, __FILE__, __LINE__, __VA_ARGS__)

#define ASSERT(x)                                                              \
	do {                                                                   \
		if (unlikely(!(x)))                                            \
			panic_at(NULL, __FILE__, __LINE__,                     \
				 "assertion failed: %s", #x);                  \
	} while (0)

/* ASSERT_MSG(x, fmt, ...) adds context to the record; fmt is a literal. */
#define ASSERT_MSG(x, fmt, ...)                                                \
	do {                                                                   \
		if (unlikely(!(x)))                                            \
			panic_at(NULL, __FILE__, __LINE__,                     \
				 "assertion failed: %s: " fmt, #x,             \
				 ##__VA_ARGS__);                               \
	} while (0)

#if CONFIG_DEBUG_ASSERT
#define DEBUG_ASSERT(x) ASSERT(x)
#else
#define DEBUG_ASSERT(x) ((void)sizeof(!(x)))
#endif

#define STATIC_ASSERT(x, msg) _Static_assert(x, msg)

#endif /* KERNEL_ASSERT_H */
