/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The scheduling trace (src/sched/trace.c): every scheduling event - a
 * switch, a wake, a block, a preemption, an interrupt, a spawn and exit,
 * EDF releases, completions and misses, timer carries - is appended to a
 * bounded ring of CONFIG_SCHED_TRACE_EVENTS records with its timestamp
 * (arch_clock_ns) and a sequence number. When the ring is full the oldest
 * records are overwritten and counted as lost; recording never allocates,
 * never blocks and never fails.
 *
 * The claims of docs/scheduling.md (fair shares, wake-up latency, EDF
 * deadlines) are proven from this ring by the hosted tests, and
 * trace_dump() prints it in the format documented there:
 *
 *   [     0.012345678] #1234 SWITCH   main(1) -> worker(3) why=slice
 *
 * Context: any (records are taken with interrupts masked).
 */
#ifndef KERNEL_TRACE_H
#define KERNEL_TRACE_H

#include <kernel/types.h>

/*       name            a              b              arg */
#define TRACE_EVENTS(X)                                                        \
	X(SWITCH,      "from tid",    "to tid",      "enum sched_why")         \
	X(WAKE,        "tid",         "waker tid",   "wait result")            \
	X(BLOCK,       "tid",         "0",           "enum thread_block")      \
	X(PREEMPT,     "tid (out)",   "tid (in)",    "enum sched_why")         \
	X(IRQ,         "line",        "cpu",         "0")                      \
	X(SPAWN,       "tid",         "parent tid",  "sched class")            \
	X(EXIT,        "tid",         "0",           "status")                 \
	X(EDF_RELEASE, "tid",         "job",         "deadline ns")            \
	X(EDF_DONE,    "tid",         "job",         "deadline ns")            \
	X(EDF_MISS,    "tid",         "job",         "deadline ns")            \
	X(EDF_THROTTLE,"tid",         "job",         "budget overrun ns")      \
	X(TIMER_CARRY, "0",           "0",           "work done")

enum trace_type {
	TRACE_NONE = 0,
#define TRACE_ENUM_(name, a, b, arg) TRACE_##name,
	TRACE_EVENTS(TRACE_ENUM_)
#undef TRACE_ENUM_
	TRACE_TYPE_COUNT
};

struct trace_event {
	uint64_t seq;      /* 0, 1, 2, ... since boot */
	uint64_t time_ns;  /* arch_clock_ns() when recorded */
	uint64_t arg;
	uint32_t a, b;
	uint16_t type;     /* enum trace_type */
	uint16_t cpu;
};

/* trace_record - append one event. Any context. */
void trace_record(enum trace_type type, uint32_t a, uint32_t b, uint64_t arg);

/*
 * trace_read - copy up to `max` events with seq >= *cursor, oldest first,
 * and advance *cursor past the last one copied. Returns the number copied.
 * If events the cursor asked for were already overwritten, *lost (if not
 * NULL) is set to how many. Any context.
 */
size_t trace_read(uint64_t *cursor, struct trace_event *out, size_t max, uint64_t *lost);

/* trace_next_seq - the sequence number the next event will get. */
uint64_t trace_next_seq(void);

/* trace_type_name - "SWITCH", ... ("?" for an unknown type). */
const char *trace_type_name(unsigned type);

/* trace_format - one event as a dump line (no newline) into buf. */
void trace_format(const struct trace_event *ev, char *buf, size_t len);

/* trace_dump - print the ring's newest `max` events (0: all). */
void trace_dump(size_t max);

#endif /* KERNEL_TRACE_H */
