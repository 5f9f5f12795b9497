/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Common include for the cmocka suites: cmocka with its prerequisites, and
 * the glue that turns a kernel PANIC/ASSERT into a cmocka assertion failure,
 * so that `expect_assert_failure(call())` proves a call panics.
 *
 * Call cairn_test_setup() first in main(). Suites that use random inputs
 * print their seed (cairn_test_seed) so a failure replays exactly with
 * CAIRN_TEST_SEED=<seed>.
 */
#ifndef CAIRN_TEST_H
#define CAIRN_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "hosted.h"

static inline void cairn_test_panic_to_cmocka(const char *file, int line, const char *reason)
{
	mock_assert(0, reason, file, line);
}

static inline void cairn_test_setup(void)
{
	hosted_panic_hook = cairn_test_panic_to_cmocka;
}

/* The seed of this run: CAIRN_TEST_SEED if set, else the time; printed. */
static inline unsigned long cairn_test_seed(const char *suite)
{
	const char *env = getenv("CAIRN_TEST_SEED");
	unsigned long seed = env ? strtoul(env, NULL, 0) : (unsigned long)time(NULL);

	printf("[ SEED     ] %s: CAIRN_TEST_SEED=%lu\n", suite, seed);
	fflush(stdout);
	return seed;
}

#endif /* CAIRN_TEST_H */
