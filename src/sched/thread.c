// SPDX-License-Identifier: BSD-2-Clause
/*
 * Threads: creation with a guarded stack, exit, join, sleep, yield, names,
 * states and the quota (include/kernel/thread.h has the state diagram).
 *
 * Stack layout (one vm_stack_alloc mapping, VM_STACK_GUARD unmapped below):
 *
 *     m->va                                             m->va + m->size
 *     | ... grows down ...  <- initial sp | FP save area (FPU threads) |
 *
 * The FP area sits at the top, where an overflow cannot reach it before
 * the guard does. The struct thread is a separate kernel allocation: it
 * outlives the stack (a zombie keeps its status until released).
 *
 * Lifetime: thread_spawn makes two references, the thread's own and the
 * caller's. thread_exit hands the thread to the reaper (sched_reap), which
 * runs in thread context after the thread has switched away for good: it
 * unmaps the stack and drops the own reference. The last reference frees
 * the struct and gives the quota back.
 *
 * Invariants:
 *   H1  nthreads = number of structs on the all-threads list
 *       <= CONFIG_SCHED_THREADS_MAX; napp = those with THREAD_F_APP
 *       <= CONFIG_SCHED_APP_THREADS_MAX.
 *   H2  a struct is freed only with refs == 0, in state ZOMBIE, reaped.
 *   H3  tids are never reused (32-bit counter; a wrap panics).
 *
 * Lock: the interrupt mask (lists, counters, references). Allocation and
 * unmapping happen outside it, in thread context.
 */
#include <kernel/alloc.h>
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/fmt.h>
#include <kernel/mm/user.h>
#include <kernel/mm/vm.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <kernel/trace.h>

#include "sched_internal.h"

static struct dlist all_threads = { &all_threads, &all_threads };
static size_t nthreads, napp; /* H1 */
static uint32_t next_tid = 1;

struct dlist *thread_all(void)
{
	return &all_threads;
}

size_t thread_count(void)
{
	return nthreads;
}

static const char *const state_names[] = {
	[0] = "new", [THREAD_READY] = "ready", [THREAD_RUNNING] = "running",
	[THREAD_BLOCKED] = "blocked", [THREAD_ZOMBIE] = "zombie",
};

const char *thread_state_name(unsigned state)
{
	return state < ARRAY_SIZE(state_names) ? state_names[state] : "?";
}

static const char *const block_names[] = {
	[THREAD_BLOCK_NONE] = "-",       [THREAD_BLOCK_WAITQ] = "waitq",
	[THREAD_BLOCK_SLEEP] = "sleep",  [THREAD_BLOCK_JOIN] = "join",
	[THREAD_BLOCK_PERIOD] = "period", [THREAD_BLOCK_THROTTLE] = "throttle",
};

const char *thread_block_name(unsigned block)
{
	return block < ARRAY_SIZE(block_names) ? block_names[block] : "?";
}

static void set_name(struct thread *t, const char *name)
{
	size_t n = name ? strnlen(name, THREAD_NAME_MAX - 1) : 0;

	memcpy(t->name, name ? name : "", n);
	t->name[n] = '\0';
}

/* Fields every thread starts with; under the mask: the tid and the list. */
static void init_common_locked(struct thread *t, const char *name)
{
	ASSERT_MSG(next_tid != 0, "thread: thread ids exhausted (H3)");
	t->tid = next_tid++;
	set_name(t, name);
	dlist_init(&t->run_node);
	dlist_init(&t->wait_node);
	dlist_init(&t->reap_node);
	timer_init(&t->wait_timer, "wait", wait_timeout_fired, t);
	waitq_init(&t->joiners, "join");
	dlist_push_tail(&all_threads, &t->all_node);
}

err_t thread_adopt(const char *name, struct thread **out)
{
	/* The boot context keeps its stack; its FP area lives after the
	 * struct, aligned to 64, and starts as the CPU's current state (the
	 * hosted tests' main thread computes with FP on the host). */
	size_t fpu_bytes = ALIGN_UP(arch_fpu_state_size(), (size_t)64);
	struct thread *t = kzalloc(sizeof(*t) + 63 + fpu_bytes);
	unsigned long tok;

	if (!t)
		return CAIRN_ERR_NOMEM;
	if (fpu_bytes) {
		t->fpu = (void *)ALIGN_UP((uintptr_t)(t + 1), (uintptr_t)64);
		tok = arch_irq_save();
		arch_fpu_save(t->fpu);
		arch_irq_restore(tok);
	}
	tok = arch_irq_save();
	init_common_locked(t, name);
	t->state = THREAD_RUNNING;
	t->cls = SCHED_CLASS_NORMAL;
	t->flags = THREAD_F_BOOT | (fpu_bytes ? THREAD_F_FPU : 0);
	t->slice_left_ns = (int64_t)CONFIG_SCHED_TIME_SLICE_US * 1000;
	t->refs = 1;
	nthreads++;
	arch_irq_restore(tok);
	*out = t;
	return CAIRN_OK;
}

/* Where every spawned thread starts (interrupts enabled by the arch). */
static void thread_start(void *arg)
{
	struct thread *t = arg;

	thread_exit(t->fn(t->arg));
}

err_t thread_spawn(const struct thread_attr *attr, int (*fn)(void *), void *arg,
		   struct thread **out)
{
	size_t stack = attr && attr->stack_size ? attr->stack_size : THREAD_STACK_DEFAULT;
	bool app = attr && (attr->flags & THREAD_F_APP);
	size_t fpu_bytes = 0;
	struct vm_mapping *m = NULL;
	struct thread *t = NULL;
	unsigned long tok;
	uintptr_t top = 0;
	bool owned = false;
	err_t err;

	/* Decode. */
	if (!attr || !fn || !out || stack > THREAD_STACK_MAX ||
	    (attr->flags & ~(unsigned)(THREAD_F_FPU | THREAD_F_APP)))
		return CAIRN_ERR_INVAL;
	if (attr->cls == SCHED_CLASS_IDLE) {
		if (sched_running() || attr->period_ns)
			return CAIRN_ERR_INVAL; /* sched_init's own */
	} else if (attr->cls != SCHED_CLASS_HIGH && attr->cls != SCHED_CLASS_NORMAL) {
		return CAIRN_ERR_INVAL;
	}
	if ((attr->period_ns != 0) != (attr->budget_ns != 0))
		return CAIRN_ERR_INVAL;
	if (!thread_current() || !vm_kernel)
		return CAIRN_ERR_NOTSUP;

	/* Reserve the quota (H1) after giving back what exited threads hold. */
	if (attr->cls != SCHED_CLASS_IDLE)
		sched_reap();
	tok = arch_irq_save();
	if (nthreads >= CONFIG_SCHED_THREADS_MAX ||
	    (app && napp >= CONFIG_SCHED_APP_THREADS_MAX)) {
		arch_irq_restore(tok);
		return CAIRN_ERR_LIMIT;
	}
	nthreads++;
	napp += app;
	arch_irq_restore(tok);

	/* Allocate: the struct, the stack with its guard, the FP area. */
	err = CAIRN_ERR_NOMEM;
	t = kzalloc(sizeof(*t));
	if (!t)
		goto fail;
	if (attr->flags & THREAD_F_FPU)
		fpu_bytes = ALIGN_UP(arch_fpu_state_size(), (size_t)64);
	err = vm_stack_alloc(vm_kernel, ALIGN_UP(stack, (size_t)PAGE_SIZE) +
				 ALIGN_UP(fpu_bytes, (size_t)PAGE_SIZE),
			     attr->name ? attr->name : "thread", &m);
	if (err)
		goto fail;
	top = m->va + m->size;
	if (fpu_bytes) {
		top -= fpu_bytes; /* 64-aligned: the top is page aligned */
		t->fpu = (void *)top;
	}
	t->stack_mapping = m;
	if (app) {
		/* The application owns its threads' stacks (below the FP
		 * area), so a pointer to a local passes sys_user_range_check. */
		err = sys_user_range_add((void *)m->va, top - m->va,
					 CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE);
		if (err)
			goto fail;
		owned = true;
	}
	t->fn = fn;
	t->arg = arg;
	t->cls = attr->cls;
	t->flags = (uint8_t)attr->flags;
	t->slice_left_ns = (int64_t)CONFIG_SCHED_TIME_SLICE_US * 1000;
	t->refs = 2; /* its own, the caller's */
	t->sp = arch_context_init((void *)ALIGN_DOWN(top, (uintptr_t)16), thread_start, t);
	if (t->fpu)
		arch_fpu_state_init(t->fpu);

	/* Act: nothing below fails except EDF admission, which unwinds. */
	tok = arch_irq_save();
	init_common_locked(t, attr->name ? attr->name : "thread");
	if (attr->period_ns) {
		err = sched_edf_admit_locked(t, attr->period_ns, attr->budget_ns);
		if (err) {
			dlist_remove(&t->all_node);
			arch_irq_restore(tok);
			goto fail;
		}
	}
	trace_record(TRACE_SPAWN, t->tid, thread_current()->tid, t->cls);
	sched_add_new_locked(t);
	arch_irq_restore(tok);
	*out = t;
	sched_preempt_check(); /* P2: it may outrank us */
	return CAIRN_OK;

fail:
	if (owned)
		ASSERT(sys_user_range_remove((void *)m->va, top - m->va) == CAIRN_OK);
	if (m)
		vm_unmap(vm_kernel, m);
	kfree(t);
	tok = arch_irq_save();
	nthreads--;
	napp -= app;
	arch_irq_restore(tok);
	return err;
}

noreturn void thread_exit(int status)
{
	struct thread *t = thread_current();

	ASSERT_MSG(t && !(t->flags & THREAD_F_BOOT) && t->cls != SCHED_CLASS_IDLE,
		   "thread_exit: not from the boot or idle thread");
	ASSERT_MSG(!sched_in_irq(), "thread_exit from an interrupt handler");
	(void)arch_irq_save(); /* never restored: we do not come back */
	t->exit_status = status;
	t->state = THREAD_ZOMBIE;
	trace_record(TRACE_EXIT, t->tid, 0, (uint64_t)(int64_t)status);
	waitq_wake_locked(&t->joiners, SIZE_MAX, CAIRN_OK);
	sched_exit_locked();
}

/* An application thread's stack (below the FP area) stops being owned by
 * the application. */
static void stack_disown(const struct thread *t)
{
	const struct vm_mapping *m = t->stack_mapping;
	uintptr_t top = t->fpu ? (uintptr_t)t->fpu : m->va + m->size;

	ASSERT(sys_user_range_remove((void *)m->va, top - m->va) == CAIRN_OK);
}

void thread_reaped(struct thread *t)
{
	ASSERT(t->state == THREAD_ZOMBIE && !t->reaped);
	if (t->stack_mapping && (t->flags & THREAD_F_APP))
		stack_disown(t);
	if (t->stack_mapping)
		vm_unmap(vm_kernel, t->stack_mapping);
	t->stack_mapping = NULL;
	t->fpu = NULL;
	t->reaped = true;
	thread_release(t);
}

void thread_ref(struct thread *t)
{
	unsigned long tok = arch_irq_save();

	ASSERT(t->refs > 0);
	t->refs++;
	arch_irq_restore(tok);
}

void thread_release(struct thread *t)
{
	unsigned long tok = arch_irq_save();
	bool last;

	ASSERT(t->refs > 0);
	last = --t->refs == 0;
	if (last) {
		/* (H2) the boot thread has no stack of ours and no reaper pass */
		ASSERT_MSG(t->state == THREAD_ZOMBIE && (t->reaped || (t->flags & THREAD_F_BOOT)),
			   "thread: last reference to %s(%u) dropped while %s", t->name, t->tid,
			   thread_state_name(t->state));
		dlist_remove(&t->all_node);
		nthreads--;
		if (t->flags & THREAD_F_APP)
			napp--;
	}
	arch_irq_restore(tok);
	if (last)
		kfree(t);
}

err_t thread_join(struct thread *t, uint64_t deadline_ns, int *status)
{
	unsigned long tok;
	err_t err = CAIRN_OK;

	if (!t)
		return CAIRN_ERR_INVAL;
	if (t == thread_current())
		return CAIRN_ERR_DEADLOCK;
	tok = arch_irq_save();
	while (t->state != THREAD_ZOMBIE && err == CAIRN_OK)
		err = wait_locked(&t->joiners, deadline_ns, THREAD_BLOCK_JOIN);
	if (err == CAIRN_OK && status)
		*status = t->exit_status;
	arch_irq_restore(tok);
	return err;
}

err_t thread_sleep_until(uint64_t deadline_ns)
{
	unsigned long tok;
	err_t err;

	if (deadline_ns != TIMER_NEVER && deadline_ns <= arch_clock_ns())
		return CAIRN_OK;
	tok = arch_irq_save();
	err = wait_locked(NULL, deadline_ns, THREAD_BLOCK_SLEEP);
	arch_irq_restore(tok);
	return err == CAIRN_ERR_TIMEOUT ? CAIRN_OK : err;
}

err_t thread_sleep(uint64_t ns)
{
	uint64_t now = arch_clock_ns(), deadline;

	if (add_overflows(now, ns, &deadline) || deadline == TIMER_NEVER)
		deadline = TIMER_NEVER - 1;
	return thread_sleep_until(deadline);
}

void thread_yield(void)
{
	unsigned long tok = arch_irq_save();

	sched_yield_locked();
	arch_irq_restore(tok);
}

err_t thread_set_deadline(struct thread *t, uint64_t period_ns, uint64_t budget_ns)
{
	unsigned long tok;
	err_t err;

	if (!t)
		return CAIRN_ERR_INVAL;
	tok = arch_irq_save();
	err = sched_edf_admit_locked(t, period_ns, budget_ns);
	arch_irq_restore(tok);
	sched_preempt_check();
	return err;
}

err_t thread_period_wait(void)
{
	unsigned long tok = arch_irq_save();
	err_t err = sched_edf_period_wait_locked();

	arch_irq_restore(tok);
	return err;
}

bool thread_wait_cancel(struct thread *t)
{
	unsigned long tok = arch_irq_save();
	struct thread *me = thread_current();
	bool was = sched_wait_end_locked(t, CAIRN_ERR_CANCELED,
					 me && !sched_in_irq() ? me->tid : 0);

	arch_irq_restore(tok);
	sched_preempt_check();
	return was;
}

bool thread_name_of(uint32_t tid, char *buf, size_t len)
{
	unsigned long tok = arch_irq_save();
	bool found = false;

	for (struct dlist *n = all_threads.next; n != &all_threads; n = n->next) {
		struct thread *t = dlist_entry(n, struct thread, all_node);

		if (t->tid == tid) {
			ksnprintf(buf, len, "%s", t->name);
			found = true;
			break;
		}
	}
	arch_irq_restore(tok);
	return found;
}

void thread_dump(void)
{
	unsigned long tok = arch_irq_save();

	kprintf("threads: %zu (app %zu), running %s(%u)\n", nthreads, napp,
		thread_current() ? thread_current()->name : "-",
		thread_current() ? thread_current()->tid : 0);
	for (struct dlist *n = all_threads.next; n != &all_threads; n = n->next) {
		struct thread *t = dlist_entry(n, struct thread, all_node);

		kprintf("  %4u %-15s %-6s %-8s %-8s %-6s cpu %llu us, in %llu, preempted %llu",
			t->tid, t->name, sched_class_name(t->cls), thread_state_name(t->state),
			t->state == THREAD_BLOCKED ? thread_block_name(t->block) : "",
			t->wait_q ? t->wait_q->name : "",
			(unsigned long long)(t->runtime_ns / 1000),
			(unsigned long long)t->switches_in, (unsigned long long)t->preempted);
		if (t->cls == SCHED_CLASS_EDF)
			kprintf(", edf P %llu us C %llu us job %u done %u misses %llu throttles %llu",
				(unsigned long long)(t->edf.period_ns / 1000),
				(unsigned long long)(t->edf.budget_ns / 1000), t->edf.released,
				t->edf.done, (unsigned long long)t->edf.misses,
				(unsigned long long)t->edf.throttles);
		if (t->state == THREAD_ZOMBIE)
			kprintf(", status %d", t->exit_status);
		kprintf("\n");
	}
	arch_irq_restore(tok);
}
