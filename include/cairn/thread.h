/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Threads as the application sees them.
 *
 * The application's cairn_main runs as its first thread. It may spawn more
 * (up to the kernel's application quota, CONFIG_SCHED_APP_THREADS_MAX;
 * past it spawning fails with CAIRN_ERR_LIMIT), each named, in one of two
 * priority bands, or as a deadline thread that declares a period and a
 * CPU budget per period (admitted only if the kernel can meet every
 * deadline: docs/scheduling.md). Every thread may use FP/SIMD registers;
 * they are saved on each switch.
 *
 * Spawning returns a thread handle. Its rights:
 *   CAIRN_THREAD_RIGHT_JOIN     (CAIRN_RIGHT_READ)  wait for the end and
 *                               read the exit status; cairn_thread_info
 *   CAIRN_THREAD_RIGHT_CONTROL  (CAIRN_RIGHT_WRITE) cancel its wait
 *   CAIRN_RIGHT_DUPLICATE       duplicate with fewer rights
 * Closing the last handle of an exited thread frees it; a thread that has
 * not exited keeps running when its handles are closed (and is freed when
 * it exits). The thread's quota slot is held until both have happened.
 *
 * All calls are made from a thread (never from an interrupt handler).
 */
#ifndef CAIRN_THREAD_H
#define CAIRN_THREAD_H

#include <cairn/types.h>

#define CAIRN_THREAD_RIGHT_JOIN CAIRN_RIGHT_READ
#define CAIRN_THREAD_RIGHT_CONTROL CAIRN_RIGHT_WRITE
#define CAIRN_THREAD_RIGHTS_ALL                                                \
	(CAIRN_THREAD_RIGHT_JOIN | CAIRN_THREAD_RIGHT_CONTROL | CAIRN_RIGHT_DUPLICATE)

/* No timeout (cairn_thread_join). */
#define CAIRN_TIMEOUT_NEVER UINT64_MAX

#define CAIRN_THREAD_NAME_MAX 16

enum cairn_thread_band {
	CAIRN_THREAD_NORMAL = 0, /* the normal band (default) */
	CAIRN_THREAD_HIGH = 1,   /* the high band: runs before every normal thread */
};

struct cairn_thread_attr {
	const char *name;        /* NULL: "thread"; cut to CAIRN_THREAD_NAME_MAX - 1 */
	uint32_t band;           /* enum cairn_thread_band */
	size_t stack_size;       /* bytes; 0: the kernel's default */
	uint64_t period_ns;      /* with budget_ns: a deadline (EDF) thread */
	uint64_t budget_ns;      /* CPU time it needs per period */
};

typedef int (*cairn_thread_fn)(void *arg);

/*
 * cairn_thread_spawn - start fn(arg) in a new thread; fn's return value is
 * its exit status. `attr` may be NULL (defaults). On success *out is a
 * handle with CAIRN_THREAD_RIGHTS_ALL.
 * Errors: CAIRN_ERR_FAULT (fn or out NULL), CAIRN_ERR_INVAL (bad band,
 * stack size, or malformed deadline parameters: budget 0 or > period,
 * period shorter than 4 timer ticks), CAIRN_ERR_LIMIT (quota reached, no
 * free handle, or a deadline set the kernel cannot meet), CAIRN_ERR_NOMEM.
 */
cairn_err_t cairn_thread_spawn(const struct cairn_thread_attr *attr, cairn_thread_fn fn,
			       void *arg, cairn_handle_t *out);

/*
 * cairn_thread_join - wait until the thread has exited, at most
 * `timeout_ns` (CAIRN_TIMEOUT_NEVER: no limit), and store its status.
 * Errors: CAIRN_ERR_BADHANDLE, CAIRN_ERR_WRONGTYPE, CAIRN_ERR_ACCESS
 * (no JOIN right), CAIRN_ERR_TIMEOUT, CAIRN_ERR_CANCELED, CAIRN_ERR_DEADLOCK
 * (joining itself).
 */
cairn_err_t cairn_thread_join(cairn_handle_t thread, uint64_t timeout_ns, int *status);

/* cairn_thread_exit - end the calling thread with `status`. cairn_main's
 * thread ending this way ends the application with that status. */
_Noreturn void cairn_thread_exit(int status);

/* cairn_thread_sleep - sleep at least `ns` nanoseconds (to the timer's
 * granularity). CAIRN_ERR_CANCELED if a CONTROL holder canceled it. */
cairn_err_t cairn_thread_sleep(uint64_t ns);
/* cairn_thread_sleep_until - sleep until cairn_time_ns() >= deadline_ns. */
cairn_err_t cairn_thread_sleep_until(uint64_t deadline_ns);

/* cairn_thread_yield - let the other ready threads of the band run first. */
void cairn_thread_yield(void);

/* cairn_thread_self - the calling thread's id (for logs; not a handle). */
uint32_t cairn_thread_self(void);

/*
 * cairn_thread_period_wait - a deadline thread's job for this period is
 * done: sleep until the next period starts. CAIRN_ERR_INVAL if the caller
 * is not a deadline thread.
 */
cairn_err_t cairn_thread_period_wait(void);

/* cairn_thread_cancel_wait - end the thread's current join or sleep with
 * CAIRN_ERR_CANCELED. Needs CONTROL. CAIRN_ERR_AGAIN if it was not waiting. */
cairn_err_t cairn_thread_cancel_wait(cairn_handle_t thread);

struct cairn_thread_info {
	uint32_t id;
	char name[CAIRN_THREAD_NAME_MAX];
	uint32_t state;          /* 1 ready, 2 running, 3 blocked, 4 exited */
	int exit_status;         /* valid when exited */
	uint64_t cpu_ns;         /* CPU time used */
	uint64_t deadline_misses;
};

/* cairn_thread_info - what the thread is doing. Needs JOIN. */
cairn_err_t cairn_thread_info(cairn_handle_t thread, struct cairn_thread_info *out);

/* cairn_thread_duplicate - a new handle with `rights` (a subset); needs
 * CAIRN_RIGHT_DUPLICATE. cairn_thread_close - drop the handle. */
cairn_err_t cairn_thread_duplicate(cairn_handle_t thread, cairn_rights_t rights,
				   cairn_handle_t *out);
cairn_err_t cairn_thread_close(cairn_handle_t thread);

#endif /* CAIRN_THREAD_H */
