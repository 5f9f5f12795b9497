// SPDX-License-Identifier: BSD-2-Clause
/*
 * Spinlocks (see include/kernel/spinlock.h for the rules and the checks).
 *
 * The lock word is a test-and-test-and-set: one atomic exchange with
 * acquire ordering to take it, a relaxed read loop (arch_cpu_relax) while
 * someone else holds it, a store with release ordering to free it.
 * Interrupts are disabled before the first attempt and stay disabled
 * until the release.
 *
 * Per-CPU state (one CPU for now): how many spinlocks are held, and in
 * debug builds the newest SPIN_TRACK of them, for the reports.
 *
 * This file takes no lock but the one it is asked for, and it does not log
 * (a report is a PANIC, which prints with kprintf and takes no lock).
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/spinlock.h>
#if CONFIG_SCHED
#include <kernel/sched.h>
#include <kernel/thread.h>
#endif

#define SPIN_TRACK 8

/*
 * Whether interrupts are on, for the debug checks. arch_irq_enabled is
 * part of the interrupt half of the arch contract, which CONFIG_SCHED
 * requires; without it, those checks are skipped.
 */
static inline bool irqs_enabled(void)
{
#if CONFIG_SCHED
	return arch_irq_enabled();
#else
	return false;
#endif
}

static struct {
	unsigned held;
#if CONFIG_DEBUG_ASSERT
	struct spinlock *stack[SPIN_TRACK]; /* the newest held locks */
#endif
} spin_cpu;

void spin_lock_init(struct spinlock *lock, const char *name)
{
	*lock = (struct spinlock)SPINLOCK_INIT(name ? name : "?");
}

unsigned spin_held_count(void)
{
	return spin_cpu.held;
}

#if CONFIG_DEBUG_ASSERT
/* Who is running: the identity recorded as a lock's owner. */
static const void *self(void)
{
#if CONFIG_SCHED
	if (sched_in_irq())
		return SPIN_OWNER_IRQ;
	if (thread_current())
		return thread_current();
#endif
	return SPIN_OWNER_BOOT;
}

static const char *owner_name(const void *owner)
{
	if (!owner)
		return "nobody";
	if (owner == SPIN_OWNER_IRQ)
		return "interrupt context";
	if (owner == SPIN_OWNER_BOOT)
		return "boot";
#if CONFIG_SCHED
	return ((const struct thread *)owner)->name;
#else
	return "?";
#endif
}

static void track_push(struct spinlock *lock)
{
	if (spin_cpu.held < SPIN_TRACK)
		spin_cpu.stack[spin_cpu.held] = lock;
}

static void track_pop(struct spinlock *lock)
{
	unsigned n = spin_cpu.held < SPIN_TRACK ? spin_cpu.held : SPIN_TRACK;

	/* Usually the newest; an out-of-order release is caught by the caller. */
	for (unsigned i = n; i-- > 0;) {
		if (spin_cpu.stack[i] == lock) {
			for (; i + 1 < n; i++)
				spin_cpu.stack[i] = spin_cpu.stack[i + 1];
			spin_cpu.stack[n - 1] = NULL;
			return;
		}
	}
}

#define LOCK_RECORD(lock)                                                            \
	(lock)->name, owner_name((lock)->owner), (lock)->file ? (lock)->file : "?",   \
		(lock)->line
#define LOCK_RECORD_FMT "'%s' (owner %s, acquired at %s:%d)"
#endif /* CONFIG_DEBUG_ASSERT */

static inline bool try_take(struct spinlock *lock)
{
	return __atomic_exchange_n(&lock->locked, 1u, __ATOMIC_ACQUIRE) == 0;
}

static void took(struct spinlock *lock, bool irqs_on, const char *file, int line)
{
#if CONFIG_DEBUG_ASSERT
	lock->irqs_on = irqs_on;
	lock->owner = self();
	lock->file = file;
	lock->line = line;
	track_push(lock);
#else
	(void)lock;
	(void)irqs_on;
	(void)file;
	(void)line;
#endif
	spin_cpu.held++;
}

unsigned long spin_lock_irqsave_at(struct spinlock *lock, const char *file, int line)
	NO_THREAD_SAFETY_ANALYSIS
{
	bool irqs_on = irqs_enabled();
	unsigned long flags = arch_irq_save();
#if CONFIG_DEBUG_ASSERT
	uint32_t spins = 0;

	if (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED) && lock->owner == self())
		PANIC("spinlock: recursive acquire of " LOCK_RECORD_FMT " at %s:%d",
		      LOCK_RECORD(lock), file, line);
#endif
	while (!try_take(lock)) {
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED)) {
#if CONFIG_DEBUG_ASSERT
			if (++spins == SPIN_LOCKUP_SPINS)
				PANIC("spinlock: lockup: %s at %s:%d spun %u times on "
				      LOCK_RECORD_FMT, owner_name(self()), file, line, spins,
				      LOCK_RECORD(lock));
#endif
			arch_cpu_relax();
		}
	}
	took(lock, irqs_on, file, line);
	lock->flags = flags;
	return flags;
}

bool spin_trylock_irqsave_at(struct spinlock *lock, unsigned long *flags, const char *file,
			     int line) NO_THREAD_SAFETY_ANALYSIS
{
	bool irqs_on = irqs_enabled();
	unsigned long f = arch_irq_save();

	if (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED) || !try_take(lock)) {
		arch_irq_restore(f);
		return false;
	}
	took(lock, irqs_on, file, line);
	lock->flags = f;
	*flags = f;
	return true;
}

void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags)
	NO_THREAD_SAFETY_ANALYSIS
{
#if CONFIG_DEBUG_ASSERT
	if (!__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
		PANIC("spinlock: release of '%s', which is not held (by %s)", lock->name,
		      owner_name(self()));
	if (lock->owner != self())
		PANIC("spinlock: release of " LOCK_RECORD_FMT " by %s, which is not its owner",
		      LOCK_RECORD(lock), owner_name(self()));
	if (irqs_enabled())
		PANIC("spinlock: '%s' is held with interrupts enabled (acquired at %s:%d): "
		      "something re-enabled them inside the critical section", lock->name,
		      lock->file, lock->line);
	if (lock->irqs_on && spin_cpu.held > 1) {
		/* This release would turn interrupts back on with another lock
		 * still held: the locks were released out of order. */
		struct spinlock *other = NULL;

		for (unsigned i = 0; i < spin_cpu.held && i < SPIN_TRACK; i++)
			if (spin_cpu.stack[i] != lock)
				other = spin_cpu.stack[i];
		PANIC("spinlock: release of '%s' re-enables interrupts while " LOCK_RECORD_FMT
		      " is still held: release locks in reverse order", lock->name,
		      LOCK_RECORD(other ? other : lock));
	}
	track_pop(lock);
	lock->owner = NULL;
	lock->file = NULL;
	lock->line = 0;
	lock->irqs_on = false;
#endif
	ASSERT(spin_cpu.held > 0);
	spin_cpu.held--;
	__atomic_store_n(&lock->locked, 0u, __ATOMIC_RELEASE);
	arch_irq_restore(flags);
}

void spin_release_for_panic(struct spinlock *lock) NO_THREAD_SAFETY_ANALYSIS
{
	if (!spin_lock_held(lock))
		return; /* not ours: leave it alone, the panic follows anyway */
#if CONFIG_DEBUG_ASSERT
	track_pop(lock);
	lock->owner = NULL;
	lock->file = NULL;
	lock->line = 0;
	lock->irqs_on = false;
#endif
	spin_cpu.held--;
	__atomic_store_n(&lock->locked, 0u, __ATOMIC_RELEASE);
#if CONFIG_HOSTED
	arch_irq_restore(lock->flags);
#endif
}

bool spin_lock_held(const struct spinlock *lock)
{
	if (!__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
		return false;
#if CONFIG_DEBUG_ASSERT
	return lock->owner == self();
#else
	return true;
#endif
}

void spin_assert_held(const struct spinlock *lock) NO_THREAD_SAFETY_ANALYSIS
{
#if CONFIG_DEBUG_ASSERT
	if (!spin_lock_held(lock))
		PANIC("spinlock: '%s' must be held here by %s (owner %s)", lock->name,
		      owner_name(self()), owner_name(lock->owner));
#else
	(void)lock;
#endif
}

void spin_assert_none_held(const char *what)
{
#if CONFIG_DEBUG_ASSERT
	if (spin_cpu.held) {
		unsigned top = (spin_cpu.held < SPIN_TRACK ? spin_cpu.held : SPIN_TRACK) - 1;
		struct spinlock *l = spin_cpu.stack[top];

		PANIC("spinlock: %s (may block) while holding %u spinlock(s), the newest "
		      LOCK_RECORD_FMT, what, spin_cpu.held, LOCK_RECORD(l));
	}
#else
	(void)what;
#endif
}
