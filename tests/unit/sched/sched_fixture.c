// SPDX-License-Identifier: BSD-2-Clause
/* The scheduler suites' fixture (sched_fixture.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/mm/phys.h>
#include <kernel/mm/vm.h>

#include "hosted.h"
#include "sched_fixture.h"

static struct buddy frames;
static struct pagetable pt;
static struct vm_space space;

static char captured[65536];
static size_t captured_len;
static bool capturing;

static void console_out(struct console *con, const char *s, size_t len)
{
	(void)con;
	if (!capturing) {
		fwrite(s, 1, len, stdout);
		return;
	}
	if (len > sizeof(captured) - 1 - captured_len)
		len = sizeof(captured) - 1 - captured_len;
	memcpy(captured + captured_len, s, len);
	captured_len += len;
	captured[captured_len] = '\0';
}

static struct console test_console = { .name = "sched-test", .write = console_out };

void sched_fix_capture_start(void)
{
	captured_len = 0;
	captured[0] = '\0';
	capturing = true;
}

const char *sched_fix_capture_stop(void)
{
	capturing = false;
	return captured;
}

int sched_fix_start(void)
{
	static int done;
	struct arch_mm_layout l;
	struct boot_usable r = { MiB(16), MiB(112) };

	if (done)
		return 0;
	arch_mm_layout(&l);
	mm_direct_offset = l.direct_offset;
	if (buddy_init(&frames, "sched-test", &r, 1, l.early_limit) != CAIRN_OK ||
	    pagetable_init(&pt, &pt_format_x86_64, &frames, 0) != CAIRN_OK ||
	    vm_space_init(&space, &pt, &frames, l.objects_base, l.objects_size, l.stacks_base,
			  l.stacks_size) != CAIRN_OK)
		return -1;
	pagetable_activate(&pt);
	vm_kernel = &space;
	mm_phys = &frames;
	(void)console_register(&test_console);
	hosted_irq_setup();
	if (sched_init("main") != CAIRN_OK)
		return -1;
	done = 1;
	return 0;
}

int sched_fix_quiet(void)
{
	struct timer_stats ts;

	sched_reap();
	timer_stats_get(&ts);
	if (thread_count() != 2) {
		thread_dump();
		return 0;
	}
	if (ts.pending != 0) {
		timer_dump();
		return 0;
	}
	return sched_check() == CAIRN_OK && timer_check() == CAIRN_OK;
}

void sched_fix_trace_read(uint64_t *cursor, struct sched_fix_trace *out)
{
	size_t cap = 1024;
	uint64_t lost;

	out->n = 0;
	out->ev = malloc(cap * sizeof(*out->ev));
	for (;;) {
		size_t got;

		if (out->n == cap) {
			cap *= 2;
			out->ev = realloc(out->ev, cap * sizeof(*out->ev));
		}
		if (!out->ev)
			abort();
		got = trace_read(cursor, out->ev + out->n, cap - out->n, &lost);
		if (lost) {
			fprintf(stderr, "trace: %llu events lost: the ring is too small\n",
				(unsigned long long)lost);
			abort();
		}
		if (!got)
			return;
		out->n += got;
	}
}

void sched_fix_trace_free(struct sched_fix_trace *t)
{
	free(t->ev);
	t->ev = NULL;
	t->n = 0;
}

uint64_t sched_fix_cpu_time(const struct sched_fix_trace *t, uint32_t first_running,
			    uint32_t tid, uint64_t from_ns, uint64_t to_ns)
{
	uint32_t running = first_running;
	uint64_t since = from_ns, total = 0;

	for (size_t i = 0; i < t->n; i++) {
		const struct trace_event *e = &t->ev[i];
		uint64_t at = e->time_ns < from_ns ? from_ns : e->time_ns > to_ns ? to_ns : e->time_ns;

		if (e->type != TRACE_SWITCH)
			continue;
		if (running == tid)
			total += at - since;
		since = at;
		running = e->b;
	}
	if (running == tid && to_ns > since)
		total += to_ns - since;
	return total;
}

struct thread_attr sched_fix_attr(const char *name, unsigned cls, size_t stack)
{
	return (struct thread_attr){ .name = name, .cls = (uint8_t)cls, .stack_size = stack };
}
