// SPDX-License-Identifier: BSD-2-Clause
/*
 * Selftests that exercise the failure paths (see include/kernel/selftest.h).
 * Each one must end in a panic record; returning is itself a failure.
 */
#include <kernel/assert.h>
#include <kernel/cmdline.h>
#include <kernel/log.h>
#include <kernel/selftest.h>
#include <kernel/string.h>

#if CONFIG_SELFTEST
extern const struct selftest __start_cairn_selftest[] __attribute__((weak));
extern const struct selftest __stop_cairn_selftest[] __attribute__((weak));

static volatile int zero;

static void selftest_panic(void)
{
	PANIC("selftest: forced panic (cairn.selftest=panic)");
}

static void selftest_assert(void)
{
	ASSERT(zero == 1);
}

static void selftest_pagefault(void)
{
	/* The lower half is unmapped after boot: a small pointer must fault. */
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)(0x10 + zero);

	(void)*p;
}

static void selftest_invalid_opcode(void)
{
	__builtin_trap();
}

static const struct {
	const char *name;
	void (*fn)(void);
} selftests[] = {
	{ "panic", selftest_panic },
	{ "assert", selftest_assert },
	{ "pagefault", selftest_pagefault },
	{ "invalid-opcode", selftest_invalid_opcode },
};
#endif

void selftest_run_requested(enum selftest_stage stage)
{
	char name[32];

	if (cmdline_value("cairn.selftest", name, sizeof(name)) != CAIRN_OK)
		return;
#if CONFIG_SELFTEST
	for (size_t i = 0; i < ARRAY_SIZE(selftests) && stage == SELFTEST_STAGE_BOOT; i++) {
		if (strcmp(name, selftests[i].name) == 0) {
			LOG_INFO("selftest: running %s", name);
			selftests[i].fn();
			PANIC("selftest %s returned: the failure it provokes did not happen",
			      name);
		}
	}
	for (const struct selftest *t = __start_cairn_selftest; t < __stop_cairn_selftest; t++) {
		err_t err;

		if (strcmp(name, t->name) != 0)
			continue;
		if (t->stage != stage)
			return; /* its stage comes (or came) at another point of boot */
		LOG_INFO("selftest: running %s", name);
		err = t->fn();
		if (!t->passes)
			PANIC("selftest %s returned: the failure it provokes did not happen", name);
		if (err)
			PANIC("selftest %s failed: %s (%s)", name, cairn_err_name(err),
			      cairn_err_describe(err));
		LOG_INFO("selftest: %s passed", name);
		return;
	}
	if (stage == SELFTEST_STAGE_THREADS)
		LOG_WARN("selftest: unknown selftest '%s' ignored", name);
#else
	if (stage == SELFTEST_STAGE_THREADS)
		LOG_WARN("selftest: '%s' requested but CONFIG_SELFTEST is off", name);
#endif
}
