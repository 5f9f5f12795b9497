/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared set-up for the scheduler suites and the benchmark: a kernel
 * address space on the hosted shim's simulated MMU (so thread stacks are
 * real host memory with PROT_NONE guards), the fake interrupt controller
 * with the timer line, and the scheduler started with the calling context
 * as the thread "main" (normal band).
 *
 * Trace helpers read every event recorded since a cursor into an array, so
 * a test can prove a claim from the trace.
 */
#ifndef TESTS_UNIT_SCHED_FIXTURE_H
#define TESTS_UNIT_SCHED_FIXTURE_H

#include <kernel/sched.h>
#include <kernel/thread.h>
#include <kernel/timer.h>
#include <kernel/trace.h>

/* sched_fix_start - everything above, once per process. Returns 0 or -1. */
int sched_fix_start(void);

/* sched_fix_quiet - true when only main and idle exist, no timer is
 * pending except none, and the invariants hold (end of every test). */
int sched_fix_quiet(void);

struct sched_fix_trace {
	struct trace_event *ev;
	size_t n;
};

/* Read every event since *cursor (advancing it); aborts if any was lost. */
void sched_fix_trace_read(uint64_t *cursor, struct sched_fix_trace *out);
void sched_fix_trace_free(struct sched_fix_trace *t);

/* CPU time of thread `tid` between from_ns and to_ns, from SWITCH events
 * (the thread running at the first event is `first_running`). */
uint64_t sched_fix_cpu_time(const struct sched_fix_trace *t, uint32_t first_running,
			    uint32_t tid, uint64_t from_ns, uint64_t to_ns);

/* Console capture: kernel output since capture_start (else stdout). */
void sched_fix_capture_start(void);
const char *sched_fix_capture_stop(void);

/* A thread attribute in one line. */
struct thread_attr sched_fix_attr(const char *name, unsigned cls, size_t stack);

#endif
