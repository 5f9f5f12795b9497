/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Clang thread-safety annotations (-Wthread-safety), empty on GCC.
 *
 *   CAPABILITY(name)     on a lock type (struct spinlock)
 *   GUARDED_BY(lock)     on data a lock guards; the lock must be an
 *                        identifier in scope (a global). Clang 14 cannot
 *                        name a sibling member from a member's attribute in
 *                        C, so fields guarded by a lock in the same struct
 *                        use GUARDED_BY_MEMBER(lock): documentation only,
 *                        and every function that touches them either takes
 *                        the lock or states REQUIRES(x->lock).
 *   REQUIRES(lock)       the caller holds the lock
 *   ACQUIRE(lock)        the function returns with the lock held
 *   TRY_ACQUIRE(r, lock) held iff the function returned r
 *   RELEASE(lock)        the function releases the lock
 *   EXCLUDES(lock)       the caller must not hold it (it takes it)
 *   ASSERT_HELD(lock)    the function checks (panics unless) it is held
 *   NO_THREAD_SAFETY_ANALYSIS  opt a function out (single-threaded init)
 *
 * Locks are passed by pointer: annotate with the pointee, e.g.
 * ACQUIRE(*lock) or REQUIRES(b->lock).
 */
#ifndef KERNEL_LOCK_ANNOTATIONS_H
#define KERNEL_LOCK_ANNOTATIONS_H

#if defined(__clang__)
#define CAIRN_TSA(x) __attribute__((x))
#else
#define CAIRN_TSA(x)
#endif

#define CAPABILITY(name) CAIRN_TSA(capability(name))
#define GUARDED_BY(lock) CAIRN_TSA(guarded_by(lock))
#define PT_GUARDED_BY(lock) CAIRN_TSA(pt_guarded_by(lock))
#define GUARDED_BY_MEMBER(lock)
#define REQUIRES(...) CAIRN_TSA(requires_capability(__VA_ARGS__))
#define ACQUIRE(...) CAIRN_TSA(acquire_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) CAIRN_TSA(try_acquire_capability(__VA_ARGS__))
#define RELEASE(...) CAIRN_TSA(release_capability(__VA_ARGS__))
#define EXCLUDES(...) CAIRN_TSA(locks_excluded(__VA_ARGS__))
#define ASSERT_HELD(...) CAIRN_TSA(assert_capability(__VA_ARGS__))
#define NO_THREAD_SAFETY_ANALYSIS CAIRN_TSA(no_thread_safety_analysis)

#endif /* KERNEL_LOCK_ANNOTATIONS_H */
