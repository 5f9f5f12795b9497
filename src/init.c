// SPDX-License-Identifier: BSD-2-Clause
/*
 * The init-step runner (see include/kernel/init.h).
 *
 * Steps live in the `cairn_init` section, bounded by the linker symbols
 * __start_cairn_init / __stop_cairn_init (GNU ld defines them for any
 * section whose name is a C identifier; the kernel linker scripts define
 * them explicitly). The order is not the link order: init_run() sorts
 * pointers to the steps by (level, priority, name), so adding a file never
 * reorders boot by accident.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/init.h>
#include <kernel/log.h>
#include <kernel/string.h>

extern const struct init_step __start_cairn_init[] __attribute__((weak));
extern const struct init_step __stop_cairn_init[] __attribute__((weak));

#define INIT_MAX_STEPS 256

static const char *current_step;

static const char *const level_names[INIT_LEVEL_COUNT] = {
	[INIT_LEVEL_EARLY] = "early",       [INIT_LEVEL_PLATFORM] = "platform",
	[INIT_LEVEL_MEMORY] = "memory",     [INIT_LEVEL_DEVICES] = "devices",
	[INIT_LEVEL_DRIVERS] = "drivers",   [INIT_LEVEL_SERVICES] = "services",
	[INIT_LEVEL_LATE] = "late",
};

const char *init_level_name(enum init_level level)
{
	return (unsigned)level < INIT_LEVEL_COUNT ? level_names[level] : "?";
}

const char *init_current_step(void)
{
	return current_step;
}

static bool before(const struct init_step *a, const struct init_step *b)
{
	if (a->level != b->level)
		return a->level < b->level;
	if (a->priority != b->priority)
		return a->priority < b->priority;
	return strcmp(a->name, b->name) < 0;
}

size_t init_run(enum init_level first, enum init_level last)
{
	const struct init_step *steps[INIT_MAX_STEPS];
	size_t n = 0;

	for (const struct init_step *s = __start_cairn_init; s < __stop_cairn_init; s++) {
		ASSERT_MSG(s->level < INIT_LEVEL_COUNT, "init step %s has level %u",
			   s->name, s->level);
		if (s->level < first || s->level > last)
			continue;
		ASSERT_MSG(n < INIT_MAX_STEPS, "more than %d init steps", INIT_MAX_STEPS);
		/* Insertion sort: a few dozen steps, run once. */
		size_t i = n++;

		while (i > 0 && before(s, steps[i - 1])) {
			steps[i] = steps[i - 1];
			i--;
		}
		steps[i] = s;
	}

	for (size_t i = 0; i < n; i++) {
		const struct init_step *s = steps[i];
		uint64_t t0 = arch_clock_ns();
		err_t err;

		current_step = s->name;
		err = s->fn();
		if (err != CAIRN_OK)
			PANIC("init step %s (%s) failed: %s (%s)", s->name,
			      init_level_name(s->level), cairn_err_name(err),
			      cairn_err_describe(err));
		LOG_DEBUG("init: %s/%s done in %llu us", init_level_name(s->level),
			  s->name, (unsigned long long)((arch_clock_ns() - t0) / 1000));
	}
	current_step = NULL;
	return n;
}
