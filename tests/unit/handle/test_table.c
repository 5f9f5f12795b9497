// SPDX-License-Identifier: BSD-2-Clause
/*
 * Handle tables: the order of checks (bad handle, wrong type, missing
 * right), stale values after close, rights that only shrink, full tables,
 * the audit log; and a random property test of the invariants.
 */
#include <string.h>

#include "cairn_test.h"

#include <kernel/handle.h>

#define NSLOTS 8
static struct handle_slot slots[NSLOTS];
static struct handle_table t;
static int obj_a, obj_b;

static int setup(void **state)
{
	(void)state;
	return handle_table_init(&t, "test", HANDLE_SUBSYS_FILE, slots, NSLOTS) == CAIRN_OK ? 0 : -1;
}

static void test_handle_lookup_checks_handle_then_type_then_rights(void **state)
{
	handle_t h;
	void *obj;

	(void)state;
	assert_int_equal(handle_table_grant(&t, &obj_a, 7, CAIRN_RIGHT_READ, &h), CAIRN_OK);
	assert_int_not_equal(h, CAIRN_HANDLE_INVALID);
	assert_int_equal(handle_table_lookup(&t, h, 7, CAIRN_RIGHT_READ, &obj), CAIRN_OK);
	assert_ptr_equal(obj, &obj_a);
	/* Wrong type and missing right together: the type is reported. */
	assert_int_equal(handle_table_lookup(&t, h, 8, CAIRN_RIGHT_WRITE, NULL), CAIRN_ERR_WRONGTYPE);
	assert_int_equal(handle_table_lookup(&t, h, 7, CAIRN_RIGHT_WRITE, NULL), CAIRN_ERR_ACCESS);
	/* A bad handle beats everything. */
	assert_int_equal(handle_table_lookup(&t, h ^ 0x4, 8, CAIRN_RIGHT_WRITE, NULL),
			 CAIRN_ERR_BADHANDLE);
	assert_int_equal(handle_table_lookup(&t, CAIRN_HANDLE_INVALID, 7, 0, NULL),
			 CAIRN_ERR_BADHANDLE);
}

static void test_handle_from_another_subsystem_is_bad(void **state)
{
	struct handle_slot other_slots[2];
	struct handle_table other;
	handle_t h;

	(void)state;
	assert_int_equal(handle_table_init(&other, "other", HANDLE_SUBSYS_IPC, other_slots, 2),
			 CAIRN_OK);
	assert_int_equal(handle_table_grant(&other, &obj_a, 7, CAIRN_RIGHT_READ, &h), CAIRN_OK);
	assert_int_equal(handle_table_lookup(&t, h, 7, 0, NULL), CAIRN_ERR_BADHANDLE);
}

static void test_handle_closed_value_goes_stale_even_when_slot_is_reused(void **state)
{
	handle_t h1, h2;

	(void)state;
	assert_int_equal(handle_table_grant(&t, &obj_a, 1, CAIRN_RIGHT_READ, &h1), CAIRN_OK);
	assert_int_equal(handle_table_close(&t, h1), CAIRN_OK);
	assert_int_equal(handle_table_close(&t, h1), CAIRN_ERR_BADHANDLE);
	assert_int_equal(handle_table_grant(&t, &obj_b, 1, CAIRN_RIGHTS_ALL, &h2), CAIRN_OK);
	assert_int_equal(h1 & 0xffff, h2 & 0xffff); /* same slot */
	assert_int_not_equal(h1, h2);               /* new generation */
	assert_int_equal(handle_table_lookup(&t, h1, 1, 0, NULL), CAIRN_ERR_BADHANDLE);
	assert_int_equal(handle_rights(&t, h1), 0);
}

static void test_handle_generation_wraps_without_issuing_zero(void **state)
{
	handle_t h;

	(void)state;
	for (int i = 0; i < 5000; i++) {
		assert_int_equal(handle_table_grant(&t, &obj_a, 1, 0, &h), CAIRN_OK);
		assert_int_not_equal((h >> HANDLE_SLOT_BITS) & 0xfff, 0);
		assert_int_equal(handle_table_close(&t, h), CAIRN_OK);
	}
}

static void test_handle_duplicate_only_shrinks_rights(void **state)
{
	handle_t h, d;

	(void)state;
	assert_int_equal(handle_table_grant(&t, &obj_a, 1,
					    CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_DUPLICATE, &h),
			 CAIRN_OK);
	assert_int_equal(handle_table_duplicate(&t, h, CAIRN_RIGHT_READ | CAIRN_RIGHT_EXECUTE, &d),
			 CAIRN_ERR_ACCESS);
	assert_int_equal(handle_table_duplicate(&t, h, CAIRN_RIGHT_READ, &d), CAIRN_OK);
	assert_int_equal(handle_rights(&t, d), CAIRN_RIGHT_READ);
	/* The copy lacks DUPLICATE, so it cannot be duplicated further. */
	assert_int_equal(handle_table_duplicate(&t, d, CAIRN_RIGHT_READ, &h), CAIRN_ERR_ACCESS);
}

static void test_handle_table_full_is_limit(void **state)
{
	handle_t h;

	(void)state;
	for (int i = 0; i < NSLOTS; i++)
		assert_int_equal(handle_table_grant(&t, &obj_a, 1, 0, &h), CAIRN_OK);
	assert_int_equal(handle_table_grant(&t, &obj_a, 1, 0, &h), CAIRN_ERR_LIMIT);
	assert_int_equal(handle_table_close(&t, h), CAIRN_OK);
	assert_int_equal(handle_table_grant(&t, &obj_a, 1, 0, &h), CAIRN_OK);
}

static void test_handle_grant_rejects_invalid_arguments(void **state)
{
	handle_t h;

	(void)state;
	assert_int_equal(handle_table_grant(&t, NULL, 1, 0, &h), CAIRN_ERR_INVAL);
	assert_int_equal(handle_table_grant(&t, &obj_a, 0, 0, &h), CAIRN_ERR_INVAL);
	assert_int_equal(handle_table_grant(&t, &obj_a, 1, 1u << 31, &h), CAIRN_ERR_INVAL);
	assert_int_equal(handle_table_init(&t, "x", 0, slots, NSLOTS), CAIRN_ERR_INVAL);
	assert_int_equal(handle_table_init(&t, "x", 1, slots, 0), CAIRN_ERR_INVAL);
}

static void test_handle_audit_records_grant_duplicate_close(void **state)
{
	struct handle_audit_event ev[3];
	handle_t h, d;

	(void)state;
	assert_int_equal(handle_table_grant(&t, &obj_a, 1, CAIRN_RIGHTS_ALL, &h), CAIRN_OK);
	assert_int_equal(handle_table_duplicate(&t, h, CAIRN_RIGHT_READ, &d), CAIRN_OK);
	assert_int_equal(handle_table_close(&t, d), CAIRN_OK);
	assert_int_equal(handle_audit_read(ev, 3), 3);
	assert_int_equal(ev[0].op, HANDLE_AUDIT_GRANT);
	assert_int_equal(ev[0].handle, h);
	assert_int_equal(ev[1].op, HANDLE_AUDIT_DUPLICATE);
	assert_int_equal(ev[1].parent, h);
	assert_int_equal(ev[1].rights, CAIRN_RIGHT_READ);
	assert_int_equal(ev[2].op, HANDLE_AUDIT_CLOSE);
	assert_int_equal(ev[2].handle, d);
}

/* Random grant/duplicate/close/lookup against a model of the table. */
static void test_handle_random_operations_keep_invariants(void **state)
{
	struct { handle_t h; rights_t rights; bool live; } model[64];
	size_t nmodel = 0;
	unsigned long seed = cairn_test_seed("handle_random");

	(void)state;
	srand((unsigned)seed);
	for (int step = 0; step < 20000; step++) {
		int op = rand() % 4;
		size_t i = nmodel ? (size_t)rand() % nmodel : 0;
		handle_t h;

		if (op == 0 && nmodel < 64) {
			rights_t r = (rights_t)rand() & CAIRN_RIGHTS_ALL;
			err_t err = handle_table_grant(&t, &obj_a, 3, r, &h);

			if (t.used == NSLOTS && err == CAIRN_ERR_LIMIT)
				continue;
			assert_int_equal(err, CAIRN_OK);
			model[nmodel].h = h;
			model[nmodel].rights = r;
			model[nmodel++].live = true;
		} else if (op == 1 && nmodel) {
			err_t err = handle_table_close(&t, model[i].h);

			assert_int_equal(err, model[i].live ? CAIRN_OK : CAIRN_ERR_BADHANDLE);
			model[i].live = false;
		} else if (op == 2 && nmodel) {
			rights_t want = (rights_t)rand() & CAIRN_RIGHTS_ALL;
			err_t err = handle_table_duplicate(&t, model[i].h, want, &h);

			if (!model[i].live)
				assert_int_equal(err, CAIRN_ERR_BADHANDLE);
			else if (!(model[i].rights & CAIRN_RIGHT_DUPLICATE) || (want & ~model[i].rights))
				assert_int_equal(err, CAIRN_ERR_ACCESS);
			else if (err == CAIRN_OK) {
				assert_int_equal(handle_rights(&t, h), want);
				assert_int_equal(handle_table_close(&t, h), CAIRN_OK);
			} else {
				assert_int_equal(err, CAIRN_ERR_LIMIT);
			}
		} else if (nmodel) {
			err_t err = handle_table_lookup(&t, model[i].h, 3, model[i].rights, NULL);

			assert_int_equal(err, model[i].live ? CAIRN_OK : CAIRN_ERR_BADHANDLE);
		}
		if (nmodel == 64) { /* forget closed entries to make room */
			size_t k = 0;

			for (size_t j = 0; j < nmodel; j++)
				if (model[j].live)
					model[k++] = model[j];
			nmodel = k;
		}
		size_t live = 0;

		for (size_t j = 0; j < NSLOTS; j++)
			live += slots[j].object != NULL;
		assert_int_equal(live, t.used); /* (H1) */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_handle_lookup_checks_handle_then_type_then_rights, setup),
		cmocka_unit_test_setup(test_handle_from_another_subsystem_is_bad, setup),
		cmocka_unit_test_setup(test_handle_closed_value_goes_stale_even_when_slot_is_reused, setup),
		cmocka_unit_test_setup(test_handle_generation_wraps_without_issuing_zero, setup),
		cmocka_unit_test_setup(test_handle_duplicate_only_shrinks_rights, setup),
		cmocka_unit_test_setup(test_handle_table_full_is_limit, setup),
		cmocka_unit_test_setup(test_handle_grant_rejects_invalid_arguments, setup),
		cmocka_unit_test_setup(test_handle_audit_records_grant_duplicate_close, setup),
		cmocka_unit_test_setup(test_handle_random_operations_keep_invariants, setup),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
