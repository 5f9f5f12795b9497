/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Spinlocks (src/spinlock.c): the kernel's one lock type.
 *
 * Rules (docs/architecture.md, "Locks"):
 *   - A spinlock is held with interrupts disabled on this CPU: the holder
 *     cannot be preempted (preemption happens only at interrupt exit and at
 *     explicit points, never with interrupts off), and interrupt handlers
 *     may take the same locks.
 *   - Hold it briefly. Never block (sleep, join, wait on a wait queue,
 *     yield, exit) while holding one; never allocate under a lock that the
 *     allocator itself takes; take nested locks only in the global lock
 *     order (docs/architecture.md) and release them in reverse.
 *   - spin_lock_irqsave returns the interrupt state to hand back to
 *     spin_unlock_irqrestore; pairs nest.
 *
 * Debug builds (CONFIG_DEBUG_ASSERT) record the owner (the thread,
 * "interrupt context" or "boot" before threads exist), the call site that
 * acquired it and its name, and PANIC with that record on: a recursive
 * acquire, a release by a non-owner, a release of an unheld lock, a
 * release that would re-enable interrupts while another lock is still
 * held (out-of-order release), a lock spun on for SPIN_LOCKUP_SPINS
 * iterations (a deadlock on one CPU), and blocking while any spinlock is
 * held (the scheduler's blocking entry points call spin_assert_none_held).
 *
 * SMP: the lock word is an atomic test-and-set with acquire/release
 * ordering. The held count is per CPU (one CPU for now: one counter).
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <kernel/lock_annotations.h>
#include <kernel/types.h>

struct CAPABILITY("spinlock") spinlock {
	uint32_t locked;    /* 0 free, 1 held; atomic */
	const char *name;   /* for reports */
	unsigned long flags; /* the holder's saved interrupt state (for panics) */
#if CONFIG_DEBUG_ASSERT
	const void *owner;  /* struct thread *, SPIN_OWNER_IRQ or SPIN_OWNER_BOOT */
	const char *file;   /* where it was acquired */
	int line;
	bool irqs_on;       /* interrupts were enabled before the acquire */
#endif
};

/* Owner markers for contexts that are not a thread (debug builds). */
#define SPIN_OWNER_IRQ ((const void *)1)  /* interrupt context */
#define SPIN_OWNER_BOOT ((const void *)2) /* before the scheduler: the boot CPU */

#define SPIN_LOCKUP_SPINS (1u << 26)

#define SPINLOCK_INIT(n) { .locked = 0, .name = (n) }

/* spin_lock_init - an unheld lock called `name` (kept, not copied). */
void spin_lock_init(struct spinlock *lock, const char *name);

/*
 * spin_lock_irqsave - disable interrupts, take `lock` (spinning while
 * another CPU holds it) and return the previous interrupt state.
 * Any context.
 */
#define spin_lock_irqsave(lock) spin_lock_irqsave_at((lock), __FILE__, __LINE__)
unsigned long spin_lock_irqsave_at(struct spinlock *lock, const char *file, int line)
	ACQUIRE(*lock);

/*
 * spin_trylock_irqsave - take `lock` if it is free: true with *flags set
 * (release with spin_unlock_irqrestore), false with interrupts as they
 * were. Never panics for a lock this context already holds (returns
 * false): for crash paths that must not deadlock. Any context.
 */
#define spin_trylock_irqsave(lock, flags) spin_trylock_irqsave_at((lock), (flags), __FILE__, __LINE__)
bool spin_trylock_irqsave_at(struct spinlock *lock, unsigned long *flags, const char *file,
			     int line) TRY_ACQUIRE(true, *lock);

/* spin_unlock_irqrestore - release `lock` and restore the interrupt state
 * that spin_lock_irqsave returned. Any context. */
void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags) RELEASE(*lock);

/*
 * spin_release_for_panic - a bug was found under `lock` (held by this
 * context) and a PANIC follows at once: release the lock first, so the
 * report and other CPUs never wait on it. Interrupts stay disabled (the
 * panic stops the machine), except in the hosted shim, where a unit test
 * may catch the panic and carry on: there the interrupt state saved by
 * the acquire comes back. Not annotated as a release: the caller does
 * not return.
 */
void spin_release_for_panic(struct spinlock *lock);

/*
 * spin_lock_held - debug builds: true iff the calling context holds
 * `lock`; other builds: true iff anyone holds it. For DEBUG_ASSERT.
 */
bool spin_lock_held(const struct spinlock *lock);

/* spin_assert_held - panic (debug builds) unless this context holds `lock`;
 * tells the thread-safety analysis that it is held. */
void spin_assert_held(const struct spinlock *lock) ASSERT_HELD(*lock);

/* spin_held_count - spinlocks held on this CPU. Any context. */
unsigned spin_held_count(void);

/*
 * spin_assert_none_held - debug builds: PANIC, naming the newest lock held
 * and where it was taken, if this CPU holds any spinlock. `what` says what
 * was attempted ("wait", "yield"). The scheduler's blocking entry points
 * call it. Other builds: nothing.
 */
void spin_assert_none_held(const char *what);

#endif /* KERNEL_SPINLOCK_H */
