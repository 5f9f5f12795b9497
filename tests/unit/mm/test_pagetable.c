// SPDX-License-Identifier: BSD-2-Clause
/*
 * The portable page-table walker against simulated table memory, run for
 * BOTH entry formats (x86_64 and AArch64): map/unmap/protect semantics,
 * leaf sizes, all-or-nothing failures (including injected ones at every
 * point), TLB maintenance recorded by the hosted MMU, exact entry
 * encodings, and a random property test against a model.
 */
#include <string.h>

#include "cairn_test.h"
#include "mm_fixture.h"

#include <kernel/mm/pagetable.h>

static struct buddy b;
static struct pagetable pt;

/* Test addresses: kernel half, away from anything the hosted MMU syncs. */
#define VA 0xffffc00000000000ull

static int setup(void **state)
{
	const struct pt_format *f = *state;

	mm_fault_fail_after(MM_FAULT_PAGES, -1);
	mm_fix_buddy(&b, MiB(8));
	hosted_mmu_reset();
	return pagetable_init(&pt, f, &b, 0) == CAIRN_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	pt.live = false;
	hosted_mmu_reset();
	mm_fix_capture_stop();
	mm_fix_release();
	return 0;
}

static void test_pagetable_map_query_unmap_round_trip_frees_tables(void **state)
{
	uint64_t free_pages = buddy_pages_free(&b);
	unsigned prot;
	size_t leaf;
	paddr_t pa;

	(void)state;
	assert_int_equal(pagetable_map(&pt, VA + 0x5000, 0x123000, 2 * PAGE_SIZE, PT_WRITE, 0),
			 CAIRN_OK);
	assert_int_equal(pt.table_pages, 4); /* root + 3 levels */
	assert_int_equal(pagetable_query(&pt, VA + 0x6123, &pa, &prot, &leaf), CAIRN_OK);
	assert_int_equal(pa, 0x124123);
	assert_int_equal(prot, PT_WRITE);
	assert_int_equal(leaf, PAGE_SIZE);
	assert_int_equal(pagetable_query(&pt, VA + 0x7000, &pa, &prot, &leaf), CAIRN_ERR_NOENT);
	assert_int_equal(pagetable_check(&pt), CAIRN_OK);
	assert_int_equal(pagetable_unmap(&pt, VA + 0x5000, 2 * PAGE_SIZE), CAIRN_OK);
	assert_int_equal(pagetable_query(&pt, VA + 0x5000, NULL, NULL, NULL), CAIRN_ERR_NOENT);
	assert_int_equal(pt.table_pages, 1); /* (P3) */
	assert_int_equal(buddy_pages_free(&b), free_pages);
	assert_int_equal(pagetable_check(&pt), CAIRN_OK);
}

static void test_pagetable_map_uses_the_largest_leaves_alignment_allows(void **state)
{
	size_t leaf;

	(void)state;
	/* 4K + 2M + 1G + 2M + 4K, all suitably aligned in VA and PA. */
	vaddr_t va = VA + GiB(1) - MiB(2) - PAGE_SIZE;
	paddr_t pa = GiB(3) - MiB(2) - PAGE_SIZE;
	size_t size = PAGE_SIZE + MiB(2) + GiB(1) + MiB(2) + PAGE_SIZE;

	assert_int_equal(pagetable_map(&pt, va, pa, size, 0, 0), CAIRN_OK);
	assert_int_equal(pt.stats.leaves[0], 2);
	assert_int_equal(pt.stats.leaves[1], 2);
	assert_int_equal(pt.stats.leaves[2], 1);
	assert_int_equal(pagetable_query(&pt, VA + GiB(1) + 12345, NULL, NULL, &leaf), CAIRN_OK);
	assert_int_equal(leaf, GiB(1));
	assert_int_equal(pagetable_check(&pt), CAIRN_OK);
	/* Unmapping part of a large leaf is refused, nothing changes. */
	assert_int_equal(pagetable_unmap(&pt, VA + GiB(1), MiB(2)), CAIRN_ERR_ALIGN);
	assert_int_equal(pagetable_protect(&pt, va, PAGE_SIZE + MiB(1), PT_WRITE),
			 CAIRN_ERR_ALIGN);
	assert_int_equal(pagetable_query(&pt, va, NULL, NULL, &leaf), CAIRN_OK);
	assert_int_equal(pagetable_unmap(&pt, va, size), CAIRN_OK);
	assert_int_equal(pt.table_pages, 1);
	/* Flags can forbid large leaves. */
	assert_int_equal(pagetable_map(&pt, VA, 0, MiB(4), 0, PT_MAP_4K_ONLY), CAIRN_OK);
	assert_int_equal(pt.stats.leaves[0], 1024);
	assert_int_equal(pagetable_map(&pt, VA + GiB(2), GiB(2), GiB(1), 0, PT_MAP_NO_1G), CAIRN_OK);
	assert_int_equal(pt.stats.leaves[1], 512);
	assert_int_equal(pagetable_check(&pt), CAIRN_OK);
}

static void test_pagetable_map_over_a_mapping_fails_and_changes_nothing(void **state)
{
	uint64_t tables;

	(void)state;
	assert_int_equal(pagetable_map(&pt, VA + MiB(3), 0x400000, PAGE_SIZE, 0, 0), CAIRN_OK);
	tables = pt.table_pages;
	/* A range whose last page collides: the pages before it stay unmapped. */
	assert_int_equal(pagetable_map(&pt, VA + MiB(3) - 8 * PAGE_SIZE, 0x800000, 9 * PAGE_SIZE,
				       PT_WRITE, 0),
			 CAIRN_ERR_EXIST);
	assert_int_equal(pagetable_query(&pt, VA + MiB(3) - 8 * PAGE_SIZE, NULL, NULL, NULL),
			 CAIRN_ERR_NOENT);
	assert_int_equal(pt.table_pages, tables);
	/* A 2 MiB leaf over existing 4K mappings collides too. */
	assert_int_equal(pagetable_map(&pt, VA + MiB(2), MiB(2), MiB(2), 0, 0), CAIRN_ERR_EXIST);
	assert_int_equal(pagetable_check(&pt), CAIRN_OK);
}

static void test_pagetable_unmap_of_a_hole_fails_and_changes_nothing(void **state)
{
	(void)state;
	assert_int_equal(pagetable_map(&pt, VA, 0x100000, 4 * PAGE_SIZE, 0, 0), CAIRN_OK);
	assert_int_equal(pagetable_unmap(&pt, VA, 5 * PAGE_SIZE), CAIRN_ERR_NOENT);
	assert_int_equal(pagetable_protect(&pt, VA, 5 * PAGE_SIZE, PT_WRITE), CAIRN_ERR_NOENT);
	for (int i = 0; i < 4; i++) {
		unsigned prot;

		assert_int_equal(pagetable_query(&pt, VA + i * PAGE_SIZE, NULL, &prot, NULL),
				 CAIRN_OK);
		assert_int_equal(prot, 0);
	}
	assert_int_equal(pagetable_check(&pt), CAIRN_OK);
}

static void test_pagetable_rejects_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(pagetable_map(&pt, VA + 1, 0, PAGE_SIZE, 0, 0), CAIRN_ERR_ALIGN);
	assert_int_equal(pagetable_map(&pt, VA, 1, PAGE_SIZE, 0, 0), CAIRN_ERR_ALIGN);
	assert_int_equal(pagetable_map(&pt, VA, 0, 100, 0, 0), CAIRN_ERR_ALIGN);
	assert_int_equal(pagetable_map(&pt, VA, 0, 0, 0, 0), CAIRN_ERR_INVAL);
	assert_int_equal(pagetable_map(&pt, 0x0000900000000000ull, 0, PAGE_SIZE, 0, 0),
			 CAIRN_ERR_RANGE); /* not canonical */
	assert_int_equal(pagetable_map(&pt, 0x00007ffffffff000ull, 0, 2 * PAGE_SIZE, 0, 0),
			 CAIRN_ERR_RANGE); /* runs off the lower half */
	assert_int_equal(pagetable_map(&pt, 0xfffffffffffff000ull, 0, 2 * PAGE_SIZE, 0, 0),
			 CAIRN_ERR_RANGE); /* wraps */
	assert_int_equal(pagetable_map(&pt, VA, 0, PAGE_SIZE, PT_DEVICE | PT_EXEC, 0),
			 CAIRN_ERR_INVAL);
	assert_int_equal(pagetable_map(&pt, VA, 0, PAGE_SIZE, 1u << 9, 0), CAIRN_ERR_INVAL);
	assert_int_equal(pagetable_unmap(&pt, VA, 0), CAIRN_ERR_INVAL);
	assert_int_equal(pt.table_pages, 1);
}

static void test_pagetable_protect_changes_permissions_in_place(void **state)
{
	unsigned prot;
	paddr_t pa;

	(void)state;
	assert_int_equal(pagetable_map(&pt, VA, 0x200000, MiB(2), PT_WRITE, 0), CAIRN_OK);
	assert_int_equal(pagetable_protect(&pt, VA, MiB(2), PT_EXEC), CAIRN_OK);
	assert_int_equal(pagetable_query(&pt, VA + 0x1000, &pa, &prot, NULL), CAIRN_OK);
	assert_int_equal(prot, PT_EXEC);
	assert_int_equal(pa, 0x201000);
	assert_int_equal(pagetable_protect(&pt, VA, MiB(2), PT_DEVICE | PT_WRITE), CAIRN_OK);
	assert_int_equal(pagetable_query(&pt, VA, NULL, &prot, NULL), CAIRN_OK);
	assert_int_equal(prot, PT_DEVICE | PT_WRITE);
	assert_int_equal(pt.stats.protects, 2);
}

static void test_pagetable_injected_failure_at_every_point_changes_nothing(void **state)
{
	uint64_t free_pages = buddy_pages_free(&b);
	int64_t n;

	(void)state;
	for (n = 0;; n++) {
		err_t err;

		mm_fault_fail_after(MM_FAULT_PAGES, n);
		/* Crosses a 1 GiB boundary with 4K pages: needs 2 PDs and 2 PTs.. */
		err = pagetable_map(&pt, VA + GiB(1) - MiB(2) - PAGE_SIZE, 0x1000, MiB(4), PT_WRITE,
				    PT_MAP_4K_ONLY);
		mm_fault_fail_after(MM_FAULT_PAGES, -1);
		if (err == CAIRN_OK)
			break;
		assert_int_equal(err, CAIRN_ERR_NOMEM);
		assert_int_equal(pt.table_pages, 1);
		assert_int_equal(buddy_pages_free(&b), free_pages);
		assert_int_equal(pagetable_query(&pt, VA + GiB(1), NULL, NULL, NULL), CAIRN_ERR_NOENT);
	}
	assert_int_equal(n, 6); /* PDPT, 2 PDs, 3 PTs */
	assert_int_equal(pt.table_pages, 7);
	assert_int_equal(pagetable_check(&pt), CAIRN_OK);
	assert_int_equal(pagetable_unmap(&pt, VA + GiB(1) - MiB(2) - PAGE_SIZE, MiB(4)), CAIRN_OK);
	assert_int_equal(buddy_pages_free(&b), free_pages);
}

static void test_pagetable_live_changes_flush_exactly_the_changed_pages(void **state)
{
	struct hosted_mmu_counts n;
	vaddr_t fl[8];

	(void)state;
	pt.live = true; /* as if installed: the hosted MMU records, VA is outside its regions */
	assert_int_equal(pagetable_map(&pt, VA, 0x300000, 3 * PAGE_SIZE, PT_WRITE, 0), CAIRN_OK);
	hosted_mmu_counts(&n);
	assert_int_equal(n.flush_pages, 0); /* invalid -> valid needs no flush */
	assert_true(n.syncs >= 1);           /* but is published */
	assert_int_equal(pagetable_protect(&pt, VA + PAGE_SIZE, PAGE_SIZE, 0), CAIRN_OK);
	assert_int_equal(hosted_mmu_flushed(fl, 8), 1);
	assert_int_equal(fl[0], VA + PAGE_SIZE);
	hosted_mmu_reset();
	assert_int_equal(pagetable_unmap(&pt, VA, 3 * PAGE_SIZE), CAIRN_OK);
	/* Three leaves, then the emptied PT, PD and PDPT entries. */
	assert_int_equal(hosted_mmu_flushed(fl, 8), 6);
	assert_int_equal(fl[0], VA);
	assert_int_equal(fl[1], VA + PAGE_SIZE);
	assert_int_equal(fl[2], VA + 2 * PAGE_SIZE);
	/* A large change flushes everything once instead. */
	hosted_mmu_reset();
	assert_int_equal(pagetable_map(&pt, VA, 0, MiB(1), 0, 0), CAIRN_OK);
	assert_int_equal(pagetable_unmap(&pt, VA, MiB(1)), CAIRN_OK);
	hosted_mmu_counts(&n);
	assert_int_equal(n.flush_pages, 0);
	assert_int_equal(n.flush_alls, 1);
}

/* Exact entry encodings, format by format. */
static void test_pagetable_x86_64_entries_have_the_architected_bits(void **state)
{
	const struct pt_format *f = &pt_format_x86_64;

	(void)state;
	/* P|RW|A|D|NX */
	assert_int_equal(f->leaf_entry(f, 0, 0x1234000, PT_WRITE), 0x8000000001234063ull);
	/* P|A|D|PS, executable, read-only 2 MiB */
	assert_int_equal(f->leaf_entry(f, 1, 0x40200000, PT_EXEC), 0x00000000402000e1ull);
	/* device: PCD|PWT|NX */
	assert_int_equal(f->leaf_entry(f, 0, 0xfee00000, PT_DEVICE | PT_WRITE),
			 0x80000000fee0007bull);
	assert_int_equal(f->table_entry(f, 0x5000), 0x5003);
	assert_true(f->is_leaf(1, 0x402000e1ull));
	assert_false(f->is_leaf(1, 0x5003));
	assert_int_equal(f->entry_paddr(1, 0x00000000403010e1ull), 0x40200000);
	/* Without NX support, bit 63 must never be set. */
	assert_int_equal(pt_format_x86_64_nonx.leaf_entry(&pt_format_x86_64_nonx, 0, 0x1000, 0),
			 0x1061);
}

static void test_pagetable_aarch64_entries_have_the_architected_bits(void **state)
{
	const struct pt_format *f = &pt_format_aarch64;

	(void)state;
	/* L3 page 0b11, AttrIndx 2 (Normal WB in entry.S's MAIR), SH inner, AF, PXN|UXN, writable */
	assert_int_equal(f->leaf_entry(f, 0, 0x1234000, PT_WRITE), 0x006000000123470bull);
	/* L2 block 0b01, read-only (AP[2]), executable: UXN only */
	assert_int_equal(f->leaf_entry(f, 1, 0x40200000, PT_EXEC), 0x0040000040200789ull);
	/* device: AttrIndx 1, no SH, never executable */
	assert_int_equal(f->leaf_entry(f, 0, 0x9000000, PT_DEVICE | PT_WRITE),
			 0x0060000009000407ull);
	assert_int_equal(f->table_entry(f, 0x5000), 0x5003);
	assert_true(f->is_leaf(0, 0x006000000123470bull));
	assert_true(f->is_leaf(1, 0x0040000040200789ull));
	assert_false(f->is_leaf(1, 0x5003));
	assert_int_equal(f->leaf_prot(f, 0x0040000040200789ull), PT_EXEC);
}

/* Random map/unmap/protect over a 64-page window against a model. */
static void test_pagetable_random_operations_match_a_model(void **state)
{
	enum { NPAGES = 64 };
	struct { bool mapped; paddr_t pa; unsigned prot; } model[NPAGES] = { { 0 } };
	const struct pt_format *f = *state;
	unsigned long seed = cairn_test_seed(f->name);
	vaddr_t base = VA + MiB(2) - 32 * PAGE_SIZE; /* straddles a PT boundary */

	srand((unsigned)seed);
	for (int step = 0; step < 3000; step++) {
		unsigned first = (unsigned)rand() % NPAGES;
		unsigned n = 1 + (unsigned)rand() % MIN(8u, NPAGES - first);
		unsigned prot = (unsigned)rand() % 4; /* W and X combinations */
		int op = rand() % 3;
		bool all = true, none = true;
		err_t err, want;

		for (unsigned i = first; i < first + n; i++) {
			all &= model[i].mapped;
			none &= !model[i].mapped;
		}
		if (op == 0) {
			paddr_t pa = (paddr_t)(rand() % 4096) << PAGE_SHIFT;

			err = pagetable_map(&pt, base + first * PAGE_SIZE, pa, n * PAGE_SIZE, prot, 0);
			want = none ? CAIRN_OK : CAIRN_ERR_EXIST;
			if (!err)
				for (unsigned i = 0; i < n; i++)
					model[first + i] = (typeof(model[0])){ true, pa + i * PAGE_SIZE, prot };
		} else if (op == 1) {
			err = pagetable_unmap(&pt, base + first * PAGE_SIZE, n * PAGE_SIZE);
			want = all ? CAIRN_OK : CAIRN_ERR_NOENT;
			if (!err)
				for (unsigned i = 0; i < n; i++)
					model[first + i].mapped = false;
		} else {
			err = pagetable_protect(&pt, base + first * PAGE_SIZE, n * PAGE_SIZE, prot);
			want = all ? CAIRN_OK : CAIRN_ERR_NOENT;
			if (!err)
				for (unsigned i = 0; i < n; i++)
					model[first + i].prot = prot;
		}
		if (err != want)
			fail_msg("step %d op %d: %d, expected %d (seed %lu)", step, op, err, want, seed);
		for (unsigned i = 0; i < NPAGES; i++) {
			paddr_t pa;
			unsigned p;
			err_t q = pagetable_query(&pt, base + i * PAGE_SIZE, &pa, &p, NULL);

			assert_int_equal(q, model[i].mapped ? CAIRN_OK : CAIRN_ERR_NOENT);
			if (!q) {
				assert_int_equal(pa, model[i].pa);
				assert_int_equal(p, model[i].prot);
			}
		}
		if (pagetable_check(&pt) != CAIRN_OK)
			fail_msg("invariants broken at step %d (seed %lu)", step, seed);
	}
}

#define BOTH(fn)                                                                                    \
	cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown, (void *)&pt_format_x86_64),  \
		cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown,                        \
							 (void *)&pt_format_aarch64)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_pagetable_map_query_unmap_round_trip_frees_tables),
		BOTH(test_pagetable_map_uses_the_largest_leaves_alignment_allows),
		BOTH(test_pagetable_map_over_a_mapping_fails_and_changes_nothing),
		BOTH(test_pagetable_unmap_of_a_hole_fails_and_changes_nothing),
		BOTH(test_pagetable_rejects_bad_arguments),
		BOTH(test_pagetable_protect_changes_permissions_in_place),
		BOTH(test_pagetable_injected_failure_at_every_point_changes_nothing),
		BOTH(test_pagetable_live_changes_flush_exactly_the_changed_pages),
		BOTH(test_pagetable_random_operations_match_a_model),
		cmocka_unit_test(test_pagetable_x86_64_entries_have_the_architected_bits),
		cmocka_unit_test(test_pagetable_aarch64_entries_have_the_architected_bits),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
