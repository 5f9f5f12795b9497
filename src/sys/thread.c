// SPDX-License-Identifier: BSD-2-Clause
/*
 * cairn_thread_* (include/cairn/thread.h): the application's threads.
 *
 * The thread subsystem owns one handle table; each handle holds one
 * reference on its struct thread (thread_ref on spawn and duplicate,
 * thread_release on close). Calls decode fully - handle, type, rights,
 * then every argument - before they act ("validate fully, then act").
 *
 * The table locks itself (include/kernel/handle.h). The calls here also
 * keep preemption off (sched_preempt_disable) where a lookup and the
 * thread_ref that follows must not be separated by a close on this CPU,
 * and never block while it is off.
 */
#include <cairn/thread.h>
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/handle.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/thread.h>

#define SYS_OBJ_THREAD 1
#define THREAD_HANDLES MIN(2 * CONFIG_SCHED_APP_THREADS_MAX, HANDLE_SLOTS_MAX)

static struct handle_slot slots[THREAD_HANDLES];
static struct handle_table table;

static err_t ensure_table(void)
{
	if (table.slots)
		return CAIRN_OK;
	return handle_table_init(&table, "thread", HANDLE_SUBSYS_THREAD, slots, THREAD_HANDLES);
}

/* Look `h` up with `rights` and take a reference on its thread. */
static err_t lookup_ref(cairn_handle_t h, rights_t rights, struct thread **out)
{
	void *obj;
	err_t err;

	sched_preempt_disable();
	err = table.slots ? handle_table_lookup(&table, h, SYS_OBJ_THREAD, rights, &obj)
			  : CAIRN_ERR_BADHANDLE;
	if (err == CAIRN_OK) {
		*out = obj;
		thread_ref(*out);
	}
	sched_preempt_enable();
	return err;
}

cairn_err_t cairn_thread_spawn(const struct cairn_thread_attr *attr, cairn_thread_fn fn,
			       void *arg, cairn_handle_t *out)
{
	struct cairn_thread_attr a = { 0 };
	struct thread_attr ka;
	struct thread *t;
	handle_t h;
	err_t err;

	/* Decode. */
	if (!fn || !out)
		return CAIRN_ERR_FAULT;
	if (attr)
		a = *attr;
	if (a.band != CAIRN_THREAD_NORMAL && a.band != CAIRN_THREAD_HIGH)
		return CAIRN_ERR_INVAL;
	if (a.stack_size > THREAD_STACK_MAX)
		return CAIRN_ERR_INVAL;
	if ((a.period_ns != 0) != (a.budget_ns != 0))
		return CAIRN_ERR_INVAL;
	ka = (struct thread_attr){
		.name = a.name ? a.name : "thread",
		.cls = a.band == CAIRN_THREAD_HIGH ? SCHED_CLASS_HIGH : SCHED_CLASS_NORMAL,
		.stack_size = a.stack_size,
		.flags = THREAD_F_FPU | THREAD_F_APP,
		.period_ns = a.period_ns,
		.budget_ns = a.budget_ns,
	};

	/* Reserve the handle first (a free slot), then spawn, then fill it. */
	sched_preempt_disable();
	err = ensure_table();
	if (err == CAIRN_OK && handle_table_used(&table) >= table.nslots)
		err = CAIRN_ERR_LIMIT;
	sched_preempt_enable();
	if (err)
		return err;
	err = thread_spawn(&ka, fn, arg, &t);
	if (err)
		return err;
	sched_preempt_disable();
	err = handle_table_grant(&table, t, SYS_OBJ_THREAD, CAIRN_THREAD_RIGHTS_ALL, &h);
	sched_preempt_enable();
	if (err) {
		/* Another thread took the last slot meanwhile: the new thread
		 * runs on unowned and is freed when it exits. */
		thread_release(t);
		return err;
	}
	*out = h;
	return CAIRN_OK;
}

cairn_err_t cairn_thread_join(cairn_handle_t thread, uint64_t timeout_ns, int *status)
{
	uint64_t deadline;
	struct thread *t;
	err_t err;

	err = lookup_ref(thread, CAIRN_THREAD_RIGHT_JOIN, &t);
	if (err)
		return err;
	if (timeout_ns == CAIRN_TIMEOUT_NEVER ||
	    add_overflows(arch_clock_ns(), timeout_ns, &deadline) || deadline == TIMER_NEVER)
		deadline = TIMER_NEVER;
	err = thread_join(t, deadline, status);
	thread_release(t);
	return err;
}

_Noreturn void cairn_thread_exit(int status)
{
	thread_exit(status);
}

cairn_err_t cairn_thread_sleep(uint64_t ns)
{
	return thread_sleep(ns);
}

cairn_err_t cairn_thread_sleep_until(uint64_t deadline_ns)
{
	return thread_sleep_until(deadline_ns == TIMER_NEVER ? TIMER_NEVER - 1 : deadline_ns);
}

void cairn_thread_yield(void)
{
	thread_yield();
}

uint32_t cairn_thread_self(void)
{
	struct thread *t = thread_current();

	return t ? t->tid : 0;
}

cairn_err_t cairn_thread_period_wait(void)
{
	return thread_period_wait();
}

cairn_err_t cairn_thread_cancel_wait(cairn_handle_t thread)
{
	struct thread *t;
	err_t err = lookup_ref(thread, CAIRN_THREAD_RIGHT_CONTROL, &t);

	if (err)
		return err;
	err = thread_wait_cancel(t) ? CAIRN_OK : CAIRN_ERR_AGAIN;
	thread_release(t);
	return err;
}

cairn_err_t cairn_thread_info(cairn_handle_t thread, struct cairn_thread_info *out)
{
	struct thread *t;
	unsigned long tok;
	err_t err = lookup_ref(thread, CAIRN_THREAD_RIGHT_JOIN, &t);

	if (err)
		return err;
	if (!out) {
		thread_release(t);
		return CAIRN_ERR_FAULT;
	}
	tok = arch_irq_save();
	*out = (struct cairn_thread_info){
		.id = t->tid,
		.state = t->state,
		.exit_status = t->state == THREAD_ZOMBIE ? t->exit_status : 0,
		.cpu_ns = t->runtime_ns,
		.deadline_misses = t->edf.misses,
	};
	memcpy(out->name, t->name, sizeof(out->name));
	arch_irq_restore(tok);
	thread_release(t);
	return CAIRN_OK;
}

STATIC_ASSERT(CAIRN_THREAD_NAME_MAX == THREAD_NAME_MAX, "names fit both ways");

cairn_err_t cairn_thread_duplicate(cairn_handle_t thread, cairn_rights_t rights,
				   cairn_handle_t *out)
{
	void *obj;
	err_t err;

	if (!out)
		return CAIRN_ERR_FAULT;
	sched_preempt_disable();
	err = table.slots ? handle_table_lookup(&table, thread, SYS_OBJ_THREAD, 0, &obj)
			  : CAIRN_ERR_BADHANDLE;
	if (err == CAIRN_OK)
		err = handle_table_duplicate(&table, thread, rights, out);
	if (err == CAIRN_OK)
		thread_ref(obj);
	sched_preempt_enable();
	return err;
}

cairn_err_t cairn_thread_close(cairn_handle_t thread)
{
	void *obj;
	err_t err;

	sched_preempt_disable();
	err = table.slots ? handle_table_lookup(&table, thread, SYS_OBJ_THREAD, 0, &obj)
			  : CAIRN_ERR_BADHANDLE;
	if (err == CAIRN_OK)
		err = handle_table_close(&table, thread);
	sched_preempt_enable();
	if (err == CAIRN_OK)
		thread_release(obj); /* may free: outside the preemption-off section */
	return err;
}
