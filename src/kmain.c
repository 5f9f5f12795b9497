// SPDX-License-Identifier: BSD-2-Clause
/*
 * kernel_main: the portable half of boot (see docs/architecture.md).
 *
 *   arch entry -> kernel_main -> command line -> banner -> memory map
 *   -> layout -> init steps (early .. late) -> selftest? -> (a guarded
 *   stack, the scheduler, thread "boot") -> selftest? -> application
 *   -> machine_stop
 *
 * Each step logs a line; a failing step panics with its name.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/cmdline.h>
#include <kernel/fmt.h>
#include <kernel/init.h>
#include <kernel/kmain.h>
#include <kernel/layout.h>
#include <kernel/log.h>
#include <kernel/machine.h>
#include <kernel/selftest.h>
#include <kernel/string.h>
#if CONFIG_SCHED
#include <kernel/mm/vm.h>
#include <kernel/sched.h>
#include <kernel/thread.h>
#endif

#define CAIRN_VERSION "0.1.0"

static struct boot_info *boot;

const struct boot_info *boot_info_get(void)
{
	return boot;
}

#if CONFIG_SCHED
static int app_thread(void *arg)
{
	(void)arg;
	return app_run();
}

/* The scheduler starts with the boot context as its thread "boot". */
static void scheduler_start(void)
{
	err_t err = sched_init("boot");

	if (err)
		PANIC("sched: cannot start: %s", cairn_err_name(err));
}

/*
 * The application runs as the first spawned thread ("app", normal band, FP
 * allowed) and boot waits for it, so its status ends the run as before.
 */
static int app_run_as_thread(void)
{
	struct thread_attr attr = {
		.name = "app",
		.cls = SCHED_CLASS_NORMAL,
		.flags = THREAD_F_FPU | THREAD_F_APP,
	};
	struct thread *t;
	int status = 0;
	err_t err;

	err = thread_spawn(&attr, app_thread, NULL, &t);
	if (err)
		PANIC("sched: cannot start the application thread: %s", cairn_err_name(err));
	err = thread_join(t, TIMER_NEVER, &status);
	ASSERT(err == CAIRN_OK);
	thread_release(t);
	return status;
}

/* The rest of boot, as thread "boot" on its guarded stack. */
static void boot_thread_main(void *arg)
{
	int status;

	(void)arg;
	scheduler_start();
	selftest_run_requested(SELFTEST_STAGE_THREADS);
	status = app_run_as_thread();
	machine_stop(MACHINE_STOP_APP_EXIT, status);
}

/*
 * The loader's boot stack has no guard page (on x86_64 it sits above the
 * early page tables, which go back to the buddy allocator), so the boot
 * context moves to a stack from the thread-stacks region, with a guard
 * like every thread's, before it becomes thread "boot". An overflow then
 * faults on the guard and the panic names stack 'boot'.
 */
static noreturn void boot_thread_start(void)
{
	struct vm_mapping *m;
	err_t err = vm_stack_alloc(vm_kernel, (size_t)CONFIG_SCHED_STACK_KB * 1024, "boot", &m);

	if (err)
		PANIC("boot: no stack for thread 'boot': %s", cairn_err_name(err));
	arch_stack_call((void *)(m->va + m->size), boot_thread_main, NULL);
	PANIC("boot: thread 'boot' returned");
}
#endif

static void apply_log_level(void)
{
	char buf[4];

	if (cmdline_value("loglevel", buf, sizeof(buf)) == CAIRN_OK && buf[0] >= '0' &&
	    buf[0] <= '3' && buf[1] == '\0')
		log_set_level((enum log_level)(buf[0] - '0'));
}

noreturn void kernel_main(struct boot_info *bi)
{
	uint64_t entry_ns = arch_boot_entry_ns();
	char entered[64] = "";
	err_t err;

	boot = bi;
	if (cmdline_set(bi->cmdline, sizeof(bi->cmdline)) != CAIRN_OK || bi->cmdline_truncated)
		LOG_WARN("cmdline: longer than %d bytes; truncated", CMDLINE_MAX - 1);
	apply_log_level();

	/* One line: name, version, loader and, where the arch can tell, how
	 * long the machine ran before the kernel's first instruction. */
	if (entry_ns)
		ksnprintf(entered, sizeof(entered), "; kernel entered %llu us after machine reset",
			  (unsigned long long)(entry_ns / 1000));
	LOG_INFO("Cairn %s on %s (target %s, app %s), loaded by %s%s%s%s", CAIRN_VERSION,
		 arch_name(), CONFIG_TARGET_NAME, CONFIG_APP_NAME, bi->loader,
		 bi->loader_name[0] ? ": " : "", bi->loader_name, entered);
	LOG_INFO("cmdline: \"%s\"", cmdline_get());

	err = boot_info_finalize(bi);
	boot_info_log(bi);
	if (err)
		PANIC("boot: memory map unusable: %s (%s)", cairn_err_name(err),
		      cairn_err_describe(err));
	layout_log();

	init_run(INIT_LEVEL_EARLY, INIT_LEVEL_LATE);
	LOG_INFO("boot: init complete in %llu us",
		 (unsigned long long)(arch_clock_ns() / 1000));

	selftest_run_requested(SELFTEST_STAGE_BOOT);
#if CONFIG_SCHED
	boot_thread_start();
#else
	selftest_run_requested(SELFTEST_STAGE_THREADS);
	machine_stop(MACHINE_STOP_APP_EXIT, app_run());
#endif
}
