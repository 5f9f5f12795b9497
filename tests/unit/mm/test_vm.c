// SPDX-License-Identifier: BSD-2-Clause
/*
 * VM objects, mappings and address spaces on the hosted shim's simulated
 * MMU (arch/hosted/mmu.c: mappings are real host memory, guard pages are
 * PROT_NONE), and the application's memory API on top: grants and rights,
 * W^X, budgets, the owned-range check, the heap. Fault injection walks
 * every page and kmalloc failure of vm_map and cairn_mem_map.
 */
#include <string.h>

#include "cairn_test.h"

#include <cairn/memory.h>
#include <kernel/arch.h>
#include <kernel/mm/user.h>
#include <kernel/mm/vm.h>

static struct buddy b;
static struct pagetable pt;
static struct vm_space space;

static int group_setup(void **state)
{
	struct arch_mm_layout l;
	struct boot_usable r = { MiB(16), MiB(48) };

	(void)state;
	arch_mm_layout(&l);
	mm_direct_offset = l.direct_offset;
	if (buddy_init(&b, "vm-test", &r, 1, l.early_limit) != CAIRN_OK ||
	    pagetable_init(&pt, &pt_format_x86_64, &b, 0) != CAIRN_OK ||
	    vm_space_init(&space, &pt, &b, l.objects_base, l.objects_size, l.stacks_base,
			  l.stacks_size) != CAIRN_OK)
		return -1;
	pagetable_activate(&pt);
	vm_kernel = &space;
	mm_phys = &b;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	mm_fault_fail_after(MM_FAULT_PAGES, -1);
	hosted_alloc_fail_after(-1);
	return 0;
}

static void test_vm_anonymous_mapping_is_zeroed_usable_memory_below_a_guard(void **state)
{
	struct vm_mapping *m;
	bool guard;
	char where[128];
	uint8_t *p;

	(void)state;
	assert_int_equal(vm_map_anon(&space, 3 * PAGE_SIZE + 1, PT_WRITE, "anon", &m), CAIRN_OK);
	assert_int_equal(m->size, 4 * PAGE_SIZE);
	p = (uint8_t *)m->va;
	for (size_t i = 0; i < m->size; i++)
		assert_int_equal(p[i], 0);
	memset(p, 0x77, m->size); /* real memory: the hosted MMU mapped it */
	assert_ptr_equal(vm_mapping_find(&space, m->va + 5, &guard), m);
	assert_false(guard);
	assert_ptr_equal(vm_mapping_find(&space, m->va - 1, &guard), m);
	assert_true(guard);
	assert_int_equal(pagetable_query(&pt, m->va - PAGE_SIZE, NULL, NULL, NULL),
			 CAIRN_ERR_NOENT);
	assert_non_null(strstr(vm_address_describe(m->va + 0x1234, where, sizeof(where)),
			       "mapped objects: 'anon' +0x1234"));
	assert_non_null(strstr(vm_address_describe(m->va - 8, where, sizeof(where)),
			       "guard gap below 'anon'"));
	assert_int_equal(b.owned[PHYS_OWNER_VMOBJECT], 4);
	assert_int_equal(vm_space_check(&space), CAIRN_OK);
	vm_unmap(&space, m);
	assert_int_equal(b.owned[PHYS_OWNER_VMOBJECT], 0);
	assert_int_equal(vm_space_check(&space), CAIRN_OK);
}

static void test_vm_mappings_are_separated_by_guard_gaps_and_reuse_holes(void **state)
{
	struct vm_mapping *m[4], *again;

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(vm_map_anon(&space, PAGE_SIZE, 0, "gap", &m[i]), CAIRN_OK);
	for (int i = 1; i < 4; i++)
		assert_true(m[i]->va >= m[i - 1]->va + m[i - 1]->size + VM_OBJECT_GUARD);
	vm_unmap(&space, m[1]);
	assert_int_equal(vm_map_anon(&space, PAGE_SIZE, 0, "again", &again), CAIRN_OK);
	assert_true(again->va < m[2]->va); /* first fit: the hole is reused */
	assert_int_equal(vm_space_check(&space), CAIRN_OK);
	vm_unmap(&space, again);
	vm_unmap(&space, m[0]);
	vm_unmap(&space, m[2]);
	vm_unmap(&space, m[3]);
	assert_null(space.mappings);
}

static void test_vm_refuses_write_and_execute_together(void **state)
{
	struct vm_mapping *m;

	(void)state;
	assert_int_equal(vm_map_anon(&space, PAGE_SIZE, PT_WRITE | PT_EXEC, "wx", &m),
			 CAIRN_ERR_INVAL);
	assert_int_equal(vm_map_anon(&space, PAGE_SIZE, PT_WRITE, "w", &m), CAIRN_OK);
	assert_int_equal(vm_protect(&space, m, PT_WRITE | PT_EXEC), CAIRN_ERR_INVAL);
	assert_int_equal(vm_protect(&space, m, PT_EXEC), CAIRN_OK);
	assert_int_equal(m->prot, PT_EXEC);
	assert_int_equal(vm_space_check(&space), CAIRN_OK);
	vm_unmap(&space, m);
}

static volatile uintptr_t seen_sp;

static void note_stack(void *arg)
{
	volatile int local = 0;

	(void)arg;
	seen_sp = (uintptr_t)&local;
}

static void test_vm_stack_runs_code_and_its_guard_names_the_stack(void **state)
{
	struct vm_mapping *st;
	char where[128];

	(void)state;
	assert_int_equal(vm_stack_alloc(&space, KiB(64), "worker-1", &st), CAIRN_OK);
	assert_int_equal(st->region, VM_REGION_STACKS);
	assert_int_equal(st->guard, VM_STACK_GUARD);
	arch_stack_call((void *)(st->va + st->size), note_stack, NULL);
	assert_true(seen_sp >= st->va && seen_sp < st->va + st->size);
	assert_non_null(strstr(vm_address_describe(st->va - 16, where, sizeof(where)),
			       "guard page below stack 'worker-1'"));
	assert_non_null(strstr(where, "stack overflow"));
	vm_unmap(&space, st);
}

/* Fault injection: fail every page allocation and every kmalloc a
 * vm_map_anon makes, one at a time; each failure leaves no trace. */
static void test_vm_injected_failures_at_every_point_leak_nothing(void **state)
{
	uint64_t free0 = buddy_pages_free(&b), tables0 = pt.table_pages;

	(void)state;
	for (int site = 0; site < 2; site++) {
		int64_t n;

		for (n = 0;; n++) {
			struct vm_mapping *m;
			err_t err;

			if (site == 0)
				mm_fault_fail_after(MM_FAULT_PAGES, n);
			else
				hosted_alloc_fail_after(n);
			/* Far into the region, so it needs fresh page tables. */
			err = vm_map_anon(&space, 5 * PAGE_SIZE, PT_WRITE, "fi", &m);
			mm_fault_fail_after(MM_FAULT_PAGES, -1);
			hosted_alloc_fail_after(-1);
			if (err == CAIRN_OK) {
				vm_unmap(&space, m);
				break;
			}
			assert_int_equal(err, CAIRN_ERR_NOMEM);
			assert_null(space.mappings);
			assert_int_equal(b.owned[PHYS_OWNER_VMOBJECT], 0);
			assert_int_equal(pt.table_pages, tables0);
			assert_int_equal(buddy_pages_free(&b), free0);
		}
		assert_true(n >= 3);
	}
	assert_int_equal(vm_space_check(&space), CAIRN_OK);
}

/* ---- the application's memory API ----------------------------------------------- */

static handle_t grant(rights_t rights, uint64_t limit)
{
	handle_t h;

	assert_int_equal(sys_memory_grant("test", rights, limit, &h), CAIRN_OK);
	return h;
}

static void test_memory_map_checks_handle_rights_and_arguments_first(void **state)
{
	handle_t rw = grant(CAIRN_RIGHT_MAP | CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE, MiB(1));
	handle_t nomap = grant(CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE, MiB(1));
	void *p;

	(void)state;
	assert_int_equal(cairn_mem_map(rw ^ 0x10000, PAGE_SIZE, CAIRN_RIGHT_READ, &p),
			 CAIRN_ERR_BADHANDLE);
	assert_int_equal(cairn_mem_map(nomap, PAGE_SIZE, CAIRN_RIGHT_READ, &p), CAIRN_ERR_ACCESS);
	assert_int_equal(cairn_mem_map(rw, PAGE_SIZE, CAIRN_RIGHT_EXECUTE, &p), CAIRN_ERR_ACCESS);
	assert_int_equal(cairn_mem_map(rw, 0, CAIRN_RIGHT_READ, &p), CAIRN_ERR_INVAL);
	assert_int_equal(cairn_mem_map(rw, PAGE_SIZE, CAIRN_RIGHT_READ, NULL), CAIRN_ERR_FAULT);
	assert_int_equal(cairn_mem_map(rw, MiB(1) + 1, CAIRN_RIGHT_READ, &p), CAIRN_ERR_LIMIT);
	assert_null(space.mappings); /* nothing was mapped by any of those */
	assert_int_equal(cairn_mem_map(rw, MiB(1), CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE, &p),
			 CAIRN_OK);
	memset(p, 1, MiB(1));
	assert_int_equal(cairn_mem_map(rw, PAGE_SIZE, CAIRN_RIGHT_READ, &p), CAIRN_ERR_LIMIT);
	assert_int_equal(cairn_mem_unmap(rw, (char *)p + PAGE_SIZE, MiB(1)), CAIRN_ERR_INVAL);
	assert_int_equal(cairn_mem_unmap(nomap, p, MiB(1)), CAIRN_ERR_ACCESS);
	assert_int_equal(cairn_mem_unmap(rw, p, MiB(1)), CAIRN_OK);
	/* The budget came back. */
	assert_int_equal(cairn_mem_map(rw, MiB(1), CAIRN_RIGHT_READ, &p), CAIRN_OK);
	assert_int_equal(cairn_mem_unmap(rw, p, MiB(1)), CAIRN_OK);
	assert_null(space.mappings);
}

static void test_memory_is_write_xor_execute(void **state)
{
	handle_t h = grant(CAIRN_RIGHT_MAP | CAIRN_RIGHTS_ALL, MiB(1));
	void *p;

	(void)state;
	assert_int_equal(cairn_mem_map(h, PAGE_SIZE, CAIRN_RIGHT_WRITE | CAIRN_RIGHT_EXECUTE, &p),
			 CAIRN_ERR_INVAL);
	assert_int_equal(cairn_mem_map(h, 100, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE, &p), CAIRN_OK);
	assert_int_equal(sys_user_range_check(p, 100, CAIRN_RIGHT_WRITE), CAIRN_OK);
	assert_int_equal(cairn_mem_protect(h, p, 100, CAIRN_RIGHT_WRITE | CAIRN_RIGHT_EXECUTE),
			 CAIRN_ERR_INVAL);
	assert_int_equal(cairn_mem_protect(h, p, 100, CAIRN_RIGHT_READ | CAIRN_RIGHT_EXECUTE),
			 CAIRN_OK);
	/* The owned range follows the new rights. */
	assert_int_equal(sys_user_range_check(p, 100, CAIRN_RIGHT_WRITE), CAIRN_ERR_FAULT);
	assert_int_equal(sys_user_range_check(p, 100, CAIRN_RIGHT_EXECUTE), CAIRN_OK);
	assert_int_equal(cairn_mem_unmap(h, p, 100), CAIRN_OK);
	assert_int_equal(sys_user_range_check(p, 1, 0), CAIRN_ERR_FAULT);
}

static void test_memory_range_check_accepts_only_owned_memory(void **state)
{
	static uint8_t buf[3 * 4096] __aligned(4096);
	int local;

	(void)state;
	assert_int_equal(sys_user_range_add(buf, 4096, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE),
			 CAIRN_OK);
	assert_int_equal(sys_user_range_add(buf + 4096, 4096, CAIRN_RIGHT_READ), CAIRN_OK);
	assert_int_equal(sys_user_range_add(buf + 100, 10, 0), CAIRN_ERR_EXIST);
	assert_int_equal(sys_user_range_check(buf, 4096, CAIRN_RIGHT_WRITE), CAIRN_OK);
	assert_int_equal(sys_user_range_check(buf + 4000, 200, CAIRN_RIGHT_READ), CAIRN_OK);
	/* Spans two ranges, but the second lacks WRITE. */
	assert_int_equal(sys_user_range_check(buf + 4000, 200, CAIRN_RIGHT_WRITE), CAIRN_ERR_FAULT);
	/* Runs past the owned memory. */
	assert_int_equal(sys_user_range_check(buf + 8000, 400, CAIRN_RIGHT_READ), CAIRN_ERR_FAULT);
	assert_int_equal(sys_user_range_check(&local, sizeof(local), 0), CAIRN_ERR_FAULT);
	assert_int_equal(sys_user_range_check(NULL, 1, 0), CAIRN_ERR_FAULT);
	assert_int_equal(sys_user_range_check((void *)~(uintptr_t)0, 2, 0), CAIRN_ERR_OVERFLOW);
	assert_int_equal(sys_user_range_check(NULL, 0, CAIRN_RIGHT_WRITE), CAIRN_OK);
	assert_int_equal(sys_user_range_remove(buf, 100), CAIRN_ERR_NOENT);
	assert_int_equal(sys_user_range_remove(buf, 4096), CAIRN_OK);
	assert_int_equal(sys_user_range_remove(buf + 4096, 4096), CAIRN_OK);
	assert_int_equal(sys_user_range_check(buf, 1, 0), CAIRN_ERR_FAULT);
}

static void test_memory_map_failure_at_every_point_changes_nothing(void **state)
{
	handle_t h = grant(CAIRN_RIGHT_MAP | CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE, MiB(1));
	uint64_t free0 = buddy_pages_free(&b);
	int64_t n;
	void *p;

	(void)state;
	for (n = 0;; n++) {
		err_t err;

		mm_fault_fail_after(MM_FAULT_PAGES, n);
		err = cairn_mem_map(h, 3 * PAGE_SIZE, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE, &p);
		mm_fault_fail_after(MM_FAULT_PAGES, -1);
		if (!err)
			break;
		assert_int_equal(err, CAIRN_ERR_NOMEM);
		assert_null(space.mappings);
		assert_int_equal(buddy_pages_free(&b), free0);
	}
	assert_true(n >= 3);
	/* The budget was not charged by the failures: the whole MiB is left. */
	assert_int_equal(cairn_mem_unmap(h, p, 3 * PAGE_SIZE), CAIRN_OK);
	assert_int_equal(cairn_mem_map(h, MiB(1), CAIRN_RIGHT_READ, &p), CAIRN_OK);
	assert_int_equal(cairn_mem_unmap(h, p, MiB(1)), CAIRN_OK);
}

/* The heap: random malloc/calloc/realloc/aligned_alloc/free with patterns
 * checked, every block in owned memory, then the budget runs out cleanly. */
static void test_heap_random_operations_keep_blocks_intact_and_owned(void **state)
{
	enum { MAXHELD = 300 };
	struct { uint8_t *p; size_t size; uint8_t pat; } held[MAXHELD];
	unsigned long seed = cairn_test_seed("heap_random");
	handle_t h = grant(CAIRN_RIGHT_MAP | CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE, MiB(8));
	size_t nheld = 0;

	(void)state;
	assert_null(cairn_malloc(16)); /* no heap bound yet */
	assert_int_equal(sys_memory_heap_bind(h), CAIRN_OK);
	srand((unsigned)seed);
	for (int step = 0; step < 20000; step++) {
		int op = rand() % 10;

		if (nheld < MAXHELD && (op < 5 || nheld == 0)) {
			size_t size = rand() % 8 ? (size_t)rand() % 512 : (size_t)rand() % 70000;
			size_t align = rand() % 5 == 0 ? (size_t)1 << (rand() % 13) : 0;
			uint8_t *p = align ? cairn_aligned_alloc(align, size) :
				     rand() % 2 ? cairn_malloc(size) : cairn_calloc(1, size);

			assert_non_null(p);
			assert_true(IS_ALIGNED((uintptr_t)p, align ? MAX(align, 16) : 16));
			assert_int_equal(sys_user_range_check(p, size, CAIRN_RIGHT_WRITE), CAIRN_OK);
			for (size_t j = 0; j < nheld; j++)
				assert_true(p + size <= held[j].p || held[j].p + held[j].size <= p ||
					    size == 0 || held[j].size == 0);
			held[nheld].p = p;
			held[nheld].size = size;
			held[nheld].pat = (uint8_t)rand();
			memset(p, held[nheld].pat, size);
			nheld++;
		} else {
			size_t j = (size_t)rand() % nheld;

			for (size_t k = 0; k < held[j].size; k++)
				if (held[j].p[k] != held[j].pat)
					fail_msg("heap block %p byte %zu changed (seed %lu)",
						 (void *)held[j].p, k, seed);
			if (op == 9) {
				size_t size = (size_t)rand() % 3000;
				uint8_t *q = cairn_realloc(held[j].p, size);

				assert_non_null(q);
				for (size_t k = 0; k < MIN(size, held[j].size); k++)
					assert_int_equal(q[k], held[j].pat);
				memset(q, held[j].pat, size);
				held[j].p = q;
				held[j].size = size;
			} else {
				cairn_free(held[j].p);
				held[j] = held[--nheld];
			}
		}
	}
	while (nheld)
		cairn_free(held[--nheld].p);
	/* Exhaust the budget: NULL, never a crash; freeing makes room again. */
	void *big[200];
	int nbig = 0;

	while (nbig < 200 && (big[nbig] = cairn_malloc(100000)) != NULL)
		nbig++;
	assert_true(nbig > 10 && nbig < 200);
	while (nbig)
		cairn_free(big[--nbig]);
	assert_non_null(big[0] = cairn_malloc(100000));
	cairn_free(big[0]);
}

static void test_heap_double_free_is_caught(void **state)
{
	void *p;

	(void)state;
	p = cairn_malloc(40);
	assert_non_null(p);
	cairn_free(p);
	expect_assert_failure(cairn_free(p));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup(fn, setup)
		T(test_vm_anonymous_mapping_is_zeroed_usable_memory_below_a_guard),
		T(test_vm_mappings_are_separated_by_guard_gaps_and_reuse_holes),
		T(test_vm_refuses_write_and_execute_together),
		T(test_vm_stack_runs_code_and_its_guard_names_the_stack),
		T(test_vm_injected_failures_at_every_point_leak_nothing),
		T(test_memory_map_checks_handle_rights_and_arguments_first),
		T(test_memory_is_write_xor_execute),
		T(test_memory_range_check_accepts_only_owned_memory),
		T(test_memory_map_failure_at_every_point_changes_nothing),
		T(test_heap_random_operations_keep_blocks_intact_and_owned),
		T(test_heap_double_free_is_caught),
#undef T
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
