/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Init steps: the kernel's boot sequence, assembled at link time.
 *
 * Each subsystem registers its own steps with INIT_STEP(); no central list
 * knows them all. A step lands in the `cairn_init` linker section; init_run()
 * collects the steps, orders them by (level, priority, name) and runs them,
 * logging one line per step. A step that returns an error panics with the
 * step's name in the record: boot either completes or says exactly where it
 * stopped.
 *
 * Levels follow the boot flow of docs/architecture.md.
 */
#ifndef KERNEL_INIT_H
#define KERNEL_INIT_H

#include <kernel/types.h>

enum init_level {
	INIT_LEVEL_EARLY = 0,    /* consoles, clocks: nothing else is up */
	INIT_LEVEL_PLATFORM = 1, /* firmware tables, boot info consumers */
	INIT_LEVEL_MEMORY = 2,   /* physical and virtual memory */
	INIT_LEVEL_DEVICES = 3,  /* device model filled from firmware */
	INIT_LEVEL_DRIVERS = 4,  /* drivers bind */
	INIT_LEVEL_SERVICES = 5, /* scheduler, filesystems, handles */
	INIT_LEVEL_LATE = 6,     /* last checks before the application */
	INIT_LEVEL_COUNT
};

struct init_step {
	const char *name;
	err_t (*fn)(void);
	uint8_t level;    /* enum init_level */
	uint8_t priority; /* lower runs first within a level */
};

#define INIT_STEP_NAME_(fn) init_step_##fn
/*
 * INIT_STEP(fn, level, priority) - run `err_t fn(void)` at boot.
 * fn runs once, on the boot CPU, with interrupts disabled until
 * INIT_LEVEL_SERVICES; it may log; it must return an err_t.
 */
#define INIT_STEP(fn_, level_, priority_)                                      \
	static const struct init_step INIT_STEP_NAME_(fn_)                     \
		__used __section("cairn_init") __aligned(8) = {               \
			.name = #fn_,                                          \
			.fn = fn_,                                             \
			.level = (level_),                                     \
			.priority = (priority_),                               \
	}

/*
 * init_run - run every registered step of levels [first, last] in order.
 * Panics naming the step if one fails. Returns the number of steps run.
 */
size_t init_run(enum init_level first, enum init_level last);

/* init_current_step - the name of the step running now, or NULL. */
const char *init_current_step(void);

const char *init_level_name(enum init_level level);

#endif /* KERNEL_INIT_H */
