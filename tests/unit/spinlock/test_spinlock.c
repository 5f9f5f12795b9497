// SPDX-License-Identifier: BSD-2-Clause
/*
 * Spinlocks: acquire/release, the interrupt state, every debug check
 * (recursive acquire, release by a non-owner, release of an unheld lock,
 * blocking while holding one), and a stress test: threads preempted by
 * time-slice interrupts (virtual time) and interrupts raised by the test,
 * whose handlers take the same locks, hammer kmalloc/kfree (the kernels'
 * kmalloc on slab caches over a buddy allocator) and grant/duplicate/close
 * on a shared handle table; the allocators' and the table's invariants are
 * checked throughout and at the end.
 */
#include <string.h>

#include "cairn_test.h"
#include "sched_fixture.h"

#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/handle.h>
#include <kernel/irq.h>
#include <cairn/memory.h>
#include <kernel/mm/slab.h>
#include <kernel/mm/user.h>
#include <kernel/mm/vm.h>
#include <kernel/spinlock.h>
#include <kernel/waitq.h>

/* src/mm/kmalloc.c, compiled in under these names (tests.cmake). */
void *lk_kmalloc(size_t size);
void lk_kfree(void *p);

#define MS 1000000ull
#define TEST_LINE 40u

static struct spinlock lock;

/* Tests marked NO_THREAD_SAFETY_ANALYSIS misuse the lock on purpose (the
 * debug checks must catch it), so clang's static analysis stays out. */
static void setup_lock(void)
{
	spin_lock_init(&lock, "test");
	assert_true(arch_irq_enabled());
	assert_int_equal(spin_held_count(), 0);
}

static void test_acquire_release_and_irq_state(void **state) NO_THREAD_SAFETY_ANALYSIS
{
	unsigned long f1, f2;
	struct spinlock other;

	(void)state;
	setup_lock();
	spin_lock_init(&other, "other");
	f1 = spin_lock_irqsave(&lock);
	assert_false(arch_irq_enabled());
	assert_true(spin_lock_held(&lock));
	assert_false(spin_lock_held(&other));
	assert_int_equal(spin_held_count(), 1);
	f2 = spin_lock_irqsave(&other); /* nested, in order */
	assert_int_equal(spin_held_count(), 2);
	spin_unlock_irqrestore(&other, f2);
	assert_false(arch_irq_enabled()); /* the inner restore keeps them off */
	spin_unlock_irqrestore(&lock, f1);
	assert_true(arch_irq_enabled());
	assert_false(spin_lock_held(&lock));
	assert_int_equal(spin_held_count(), 0);

	/* Taken with interrupts already off: they stay off after the release. */
	f2 = arch_irq_save();
	f1 = spin_lock_irqsave(&lock);
	spin_unlock_irqrestore(&lock, f1);
	assert_false(arch_irq_enabled());
	arch_irq_restore(f2);
	assert_true(arch_irq_enabled());

	/* trylock: free -> taken; held by us -> false, nothing changes. */
	assert_true(spin_trylock_irqsave(&lock, &f1));
	assert_false(spin_trylock_irqsave(&lock, &f2));
	assert_int_equal(spin_held_count(), 1);
	spin_unlock_irqrestore(&lock, f1);
	assert_true(arch_irq_enabled());
}

/* An interrupt raised while a lock is held waits for the release. */
static unsigned line_hits;
static void count_handler(unsigned line, void *ctx)
{
	(void)line;
	(void)ctx;
	line_hits++;
}

static void test_interrupts_wait_for_the_release(void **state)
{
	unsigned long f;

	(void)state;
	setup_lock();
	assert_int_equal(irq_attach(TEST_LINE, IRQ_TRIGGER_EDGE, count_handler, NULL, "spin"),
			 CAIRN_OK);
	line_hits = 0;
	f = spin_lock_irqsave(&lock);
	hosted_irq_raise(TEST_LINE);
	assert_int_equal(line_hits, 0);
	spin_unlock_irqrestore(&lock, f);
	assert_int_equal(line_hits, 1);
	assert_int_equal(irq_detach(TEST_LINE), CAIRN_OK);
}

static void test_recursive_acquire_panics(void **state) NO_THREAD_SAFETY_ANALYSIS
{
	unsigned long f;

	(void)state;
	setup_lock();
	f = spin_lock_irqsave(&lock);
	expect_assert_failure(spin_lock_irqsave(&lock));
	assert_int_equal(spin_held_count(), 1);
	spin_unlock_irqrestore(&lock, f);
	assert_true(arch_irq_enabled());
	assert_int_equal(spin_held_count(), 0);
}

static void test_release_of_unheld_lock_panics(void **state) NO_THREAD_SAFETY_ANALYSIS
{
	(void)state;
	setup_lock();
	expect_assert_failure(spin_unlock_irqrestore(&lock, 0));
	assert_int_equal(spin_held_count(), 0);
	arch_irq_enable();
}

/* The handlers take / release `lock` in interrupt context. */
static unsigned long irq_flags;
static void take_handler(unsigned line, void *ctx) NO_THREAD_SAFETY_ANALYSIS
{
	(void)line;
	(void)ctx;
	irq_flags = spin_lock_irqsave(&lock);
}

static void drop_handler(unsigned line, void *ctx) NO_THREAD_SAFETY_ANALYSIS
{
	(void)line;
	(void)ctx;
	spin_unlock_irqrestore(&lock, irq_flags);
}

static void test_release_by_non_owner_panics(void **state) NO_THREAD_SAFETY_ANALYSIS
{
	(void)state;
	setup_lock();
	assert_int_equal(irq_attach(TEST_LINE, IRQ_TRIGGER_EDGE, take_handler, NULL, "spin"),
			 CAIRN_OK);
	hosted_irq_raise(TEST_LINE); /* interrupt context now owns it */
	assert_true(arch_irq_enabled());
	assert_false(spin_lock_held(&lock)); /* held, but not by this thread */
	expect_assert_failure(spin_unlock_irqrestore(&lock, 0));
	arch_irq_enable();
	assert_int_equal(irq_detach(TEST_LINE), CAIRN_OK);
	assert_int_equal(irq_attach(TEST_LINE, IRQ_TRIGGER_EDGE, drop_handler, NULL, "spin"),
			 CAIRN_OK);
	hosted_irq_raise(TEST_LINE); /* its owner releases it */
	assert_int_equal(spin_held_count(), 0);
	assert_int_equal(irq_detach(TEST_LINE), CAIRN_OK);
	assert_true(sched_fix_quiet());
}

static struct waitq wq;

static void wait_on_queue(void)
{
	unsigned long tok = arch_irq_save();

	(void)waitq_wait_locked(&wq, arch_clock_ns() + MS);
	arch_irq_restore(tok);
}

static void test_blocking_while_holding_panics(void **state)
{
	unsigned long f;

	(void)state;
	setup_lock();
	waitq_init(&wq, "spin-test");
	f = spin_lock_irqsave(&lock);
	expect_assert_failure(thread_yield());
	expect_assert_failure(thread_sleep(MS));
	expect_assert_failure(wait_on_queue());
	spin_unlock_irqrestore(&lock, f);
	assert_true(arch_irq_enabled());
	/* Nothing was left half-blocked: the same calls work without the lock. */
	thread_yield();
	assert_int_equal(thread_sleep(MS), CAIRN_OK);
	assert_true(sched_fix_quiet());
}

/* ---- stress ---------------------------------------------------------------- */

#define WORKERS 4
#define ROUNDS 3000
#define LIVE 24
#define TABLE_SLOTS 64

static struct handle_slot slots[TABLE_SLOTS];
static struct handle_table table;
static unsigned long stress_seed;
static uint64_t irq_allocs;
static char objects[WORKERS][1];

static const size_t class_sizes[] = { 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048 };

/* Shrink every kmalloc class; check each is consistent and empty. */
static void shrink_classes(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(class_sizes); i++) {
		void *p = lk_kmalloc(class_sizes[i]);
		struct slab_cache *c = slab_cache_find(mm_phys, p);

		assert_non_null(c);
		assert_int_equal(c->obj_size, class_sizes[i]);
		lk_kfree(p);
		assert_int_equal(slab_cache_check(c), CAIRN_OK);
		assert_int_equal(slab_cache_in_use(c), 0);
		slab_cache_shrink(c);
	}
}

static unsigned long rnd(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static size_t pick_size(unsigned long *s)
{
	static const size_t sizes[] = { 8, 16, 24, 48, 64, 96, 100, 128, 200, 256, 500, 1024,
					2048, 3000, 9000 };

	return sizes[rnd(s) % ARRAY_SIZE(sizes)];
}

/* Interrupt context: the same allocators and table as the threads. */
static void stress_handler(unsigned line, void *ctx)
{
	unsigned long s = stress_seed ^ irq_allocs;
	size_t n = pick_size(&s);
	uint8_t *p = lk_kmalloc(n);
	handle_t h;

	(void)line;
	(void)ctx;
	if (p) {
		memset(p, 0x5a, n);
		lk_kfree(p);
		irq_allocs++;
	}
	if (handle_table_grant(&table, objects, 1, CAIRN_RIGHT_READ, &h) == CAIRN_OK)
		ASSERT(handle_table_close(&table, h) == CAIRN_OK);
}

struct live {
	uint8_t *p;
	size_t n;
	uint8_t tag;
};

/* One round of the VM and the application heap: a mapping and a heap block
 * of our own, filled, checked and released (0, or the failure code). */
static int vm_and_heap_round(unsigned id, unsigned long *s)
{
	size_t pages = 1 + rnd(s) % 4, n = pick_size(s) * (1 + rnd(s) % 8);
	uint8_t tag = (uint8_t)(0xa0 + id);
	struct vm_mapping *m;
	uint8_t *p, *h;
	int status = 0;

	if (vm_map_anon(vm_kernel, pages * PAGE_SIZE, PT_WRITE, "stress", &m) != CAIRN_OK)
		return 600 + (int)id;
	p = (uint8_t *)m->va;
	h = cairn_malloc(n);
	if (!h) {
		vm_unmap(vm_kernel, m);
		return 700 + (int)id;
	}
	memset(p, tag, pages * PAGE_SIZE);
	memset(h, tag, n);
	hosted_cpu_burn(rnd(s) % 100000);
	for (size_t i = 0; i < pages * PAGE_SIZE && !status; i++)
		if (p[i] != tag)
			status = 800 + (int)id;
	for (size_t i = 0; i < n && !status; i++)
		if (h[i] != tag)
			status = 900 + (int)id;
	if (!status && sys_user_range_check(h, n, CAIRN_RIGHT_WRITE) != CAIRN_OK)
		status = 1000 + (int)id;
	cairn_free(h);
	vm_unmap(vm_kernel, m);
	return status;
}

static int stress_worker(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	unsigned long s = stress_seed * 31 + id + 1;
	struct live live[LIVE] = { { 0 } };
	handle_t hs[4] = { 0 };

	for (unsigned r = 0; r < ROUNDS; r++) {
		struct live *l = &live[rnd(&s) % LIVE];
		handle_t *h = &hs[rnd(&s) % 4];
		void *obj;

		if (l->p) {
			for (size_t i = 0; i < l->n; i++)
				if (l->p[i] != l->tag)
					return 100 + (int)id; /* someone else wrote our block */
			lk_kfree(l->p);
			l->p = NULL;
		} else {
			l->n = pick_size(&s);
			l->tag = (uint8_t)(id * 16 + (r & 15));
			l->p = lk_kmalloc(l->n);
			if (!l->p)
				return 200 + (int)id;
			memset(l->p, l->tag, l->n);
		}
		if (*h) {
			if (handle_table_lookup(&table, *h, 1, 0, &obj) != CAIRN_OK ||
			    obj != objects[id])
				return 300 + (int)id;
			if (handle_table_close(&table, *h) != CAIRN_OK)
				return 400 + (int)id;
			*h = 0;
		} else if (handle_table_grant(&table, objects[id], 1, CAIRN_RIGHT_READ, h) !=
			   CAIRN_OK) {
			*h = 0; /* full: fine under contention */
		}
		if (r % 8 == 0) {
			int status = vm_and_heap_round(id, &s);

			if (status)
				return status;
		}
		/* Compute for a while: slice ends preempt us anywhere in here. */
		hosted_cpu_burn(rnd(&s) % 200000);
	}
	for (unsigned i = 0; i < LIVE; i++)
		lk_kfree(live[i].p);
	for (unsigned i = 0; i < 4; i++)
		if (hs[i] && handle_table_close(&table, hs[i]) != CAIRN_OK)
			return 500 + (int)id;
	return 0;
}

static void test_stress_allocators_and_handles_under_preemption(void **state)
{
	struct thread *t[WORKERS];
	struct sched_stats before, after;
	uint64_t owned_before[PHYS_OWNER_COUNT], mapped_before;
	handle_t heap;

	(void)state;
	stress_seed = cairn_test_seed("spinlock stress");
	assert_int_equal(sys_memory_grant("stress heap", CAIRN_RIGHT_MAP | CAIRN_RIGHT_READ |
					  CAIRN_RIGHT_WRITE, MiB(16), &heap),
			 CAIRN_OK);
	assert_int_equal(sys_memory_heap_bind(heap), CAIRN_OK);
	assert_int_equal(handle_table_init(&table, "stress", HANDLE_SUBSYS_IPC, slots, TABLE_SLOTS),
			 CAIRN_OK);
	assert_int_equal(irq_attach(TEST_LINE, IRQ_TRIGGER_EDGE, stress_handler, NULL, "stress"),
			 CAIRN_OK);
	shrink_classes();
	memcpy(owned_before, mm_phys->owned, sizeof(owned_before));
	mapped_before = vm_kernel->stats.mapped_bytes;
	sched_stats_get(&before);
	for (unsigned i = 0; i < WORKERS; i++) {
		struct thread_attr a = sched_fix_attr("stress", SCHED_CLASS_NORMAL, 0);

		assert_int_equal(thread_spawn(&a, stress_worker, (void *)(uintptr_t)i, &t[i]),
				 CAIRN_OK);
	}
	/* Main (same band) interrupts the workers while they run. */
	for (unsigned step = 0; step < 400; step++) {
		hosted_irq_raise(TEST_LINE);
		hosted_cpu_burn(50000);
		if (step % 50 == 0) {
			assert_int_equal(buddy_check(mm_phys), CAIRN_OK);
			assert_int_equal(vm_space_check(vm_kernel), CAIRN_OK);
			assert_int_equal(handle_table_check(&table), CAIRN_OK);
		}
	}
	for (unsigned i = 0; i < WORKERS; i++) {
		int status = -1;

		assert_int_equal(thread_join(t[i], TIMER_NEVER, &status), CAIRN_OK);
		assert_int_equal(status, 0);
		thread_release(t[i]);
	}
	sched_stats_get(&after);
	/* The workers were preempted, and interrupts ran inside their loops. */
	assert_true(after.preemptions + after.slices > before.preemptions + before.slices + 10);
	assert_true(irq_allocs > 100);
	assert_int_equal(spin_held_count(), 0);
	assert_int_equal(buddy_check(mm_phys), CAIRN_OK);
	assert_int_equal(vm_space_check(vm_kernel), CAIRN_OK);
	assert_int_equal(handle_table_check(&table), CAIRN_OK);
	assert_int_equal(handle_table_used(&table), 0);
	/* Every kmalloc cache is consistent and empty again, and every page
	 * (slabs, large blocks, the workers' stacks and mappings) came back
	 * but the heap's chunks, which it keeps for reuse: the only mappings
	 * left. (Page-table pages stay with the tables.) */
	assert_int_equal(irq_detach(TEST_LINE), CAIRN_OK);
	assert_true(sched_fix_quiet()); /* reaps the stacks */
	shrink_classes();
	assert_int_equal(mm_phys->owned[PHYS_OWNER_SLAB], owned_before[PHYS_OWNER_SLAB]);
	assert_int_equal(mm_phys->owned[PHYS_OWNER_KMALLOC], owned_before[PHYS_OWNER_KMALLOC]);
	assert_true(vm_kernel->stats.mapped_bytes > mapped_before);
	assert_int_equal(mm_phys->owned[PHYS_OWNER_VMOBJECT],
			 owned_before[PHYS_OWNER_VMOBJECT] +
				 (vm_kernel->stats.mapped_bytes - mapped_before) / PAGE_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acquire_release_and_irq_state),
		cmocka_unit_test(test_interrupts_wait_for_the_release),
		cmocka_unit_test(test_recursive_acquire_panics),
		cmocka_unit_test(test_release_of_unheld_lock_panics),
		cmocka_unit_test(test_release_by_non_owner_panics),
		cmocka_unit_test(test_blocking_while_holding_panics),
		cmocka_unit_test(test_stress_allocators_and_handles_under_preemption),
	};

	cairn_test_setup();
	if (sched_fix_start() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
