// SPDX-License-Identifier: BSD-2-Clause
/*
 * The scheduling trace ring (include/kernel/trace.h).
 *
 * A power-of-two array of fixed-size records indexed by sequence number
 * modulo its size: recording is a store and an increment under the
 * interrupt mask, so it is cheap enough for the context-switch path and
 * safe from interrupt handlers. Readers copy by sequence number, so a test
 * can read everything that happened since a point without clearing the
 * ring, and learns exactly how much it lost if the ring wrapped.
 *
 * Invariant:
 *   R1  the ring holds exactly the events with seq in
 *       [max(0, next - SIZE), next), event seq s at index s % SIZE.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/fmt.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <kernel/trace.h>

#define TRACE_SIZE ((uint64_t)CONFIG_SCHED_TRACE_EVENTS)
STATIC_ASSERT(IS_POW2(CONFIG_SCHED_TRACE_EVENTS), "trace ring size must be a power of two");

static struct trace_event ring[CONFIG_SCHED_TRACE_EVENTS];
static uint64_t next_seq;

void trace_record(enum trace_type type, uint32_t a, uint32_t b, uint64_t arg)
{
	unsigned long tok = arch_irq_save();
	struct trace_event *ev = &ring[next_seq & (TRACE_SIZE - 1)];

	ev->seq = next_seq++;
	ev->time_ns = arch_clock_ns();
	ev->type = (uint16_t)type;
	ev->cpu = 0;
	ev->a = a;
	ev->b = b;
	ev->arg = arg;
	arch_irq_restore(tok);
}

uint64_t trace_next_seq(void)
{
	return next_seq;
}

size_t trace_read(uint64_t *cursor, struct trace_event *out, size_t max, uint64_t *lost)
{
	unsigned long tok = arch_irq_save();
	uint64_t oldest = next_seq > TRACE_SIZE ? next_seq - TRACE_SIZE : 0; /* (R1) */
	uint64_t s = *cursor;
	size_t n = 0;

	if (lost)
		*lost = s < oldest ? oldest - s : 0;
	if (s < oldest)
		s = oldest;
	for (; s < next_seq && n < max; s++)
		out[n++] = ring[s & (TRACE_SIZE - 1)];
	*cursor = s;
	arch_irq_restore(tok);
	return n;
}

static const char *const type_names[] = {
	[TRACE_NONE] = "NONE",
#define TRACE_NAME_(name, a, b, arg) [TRACE_##name] = #name,
	TRACE_EVENTS(TRACE_NAME_)
#undef TRACE_NAME_
};

const char *trace_type_name(unsigned type)
{
	return type < ARRAY_SIZE(type_names) ? type_names[type] : "?";
}

/* "name(tid)", or "#tid" for a thread that is gone. */
static const char *who(uint32_t tid, char *buf, size_t len)
{
	char name[THREAD_NAME_MAX];

	if (thread_name_of(tid, name, sizeof(name)))
		ksnprintf(buf, len, "%s(%u)", name, tid);
	else
		ksnprintf(buf, len, "#%u", tid);
	return buf;
}

void trace_format(const struct trace_event *ev, char *buf, size_t len)
{
	char w1[THREAD_NAME_MAX + 16], w2[THREAD_NAME_MAX + 16];
	size_t n = ksnprintf(buf, len, "[%6llu.%09llu] #%-6llu %-12s ",
			     (unsigned long long)(ev->time_ns / 1000000000u),
			     (unsigned long long)(ev->time_ns % 1000000000u),
			     (unsigned long long)ev->seq, trace_type_name(ev->type));

	if (n >= len)
		return;
	buf += n;
	len -= n;
	switch (ev->type) {
	case TRACE_SWITCH:
	case TRACE_PREEMPT:
		ksnprintf(buf, len, "%s -> %s why=%s", who(ev->a, w1, sizeof(w1)),
			  who(ev->b, w2, sizeof(w2)), sched_why_name((unsigned)ev->arg));
		break;
	case TRACE_WAKE:
		ksnprintf(buf, len, "%s by %s result=%s", who(ev->a, w1, sizeof(w1)),
			  ev->b ? who(ev->b, w2, sizeof(w2)) : "irq",
			  cairn_err_name((int)(int64_t)ev->arg));
		break;
	case TRACE_BLOCK:
		ksnprintf(buf, len, "%s on %s", who(ev->a, w1, sizeof(w1)),
			  thread_block_name((unsigned)ev->arg));
		break;
	case TRACE_IRQ:
		ksnprintf(buf, len, "line %u cpu %u", ev->a, ev->b);
		break;
	case TRACE_SPAWN:
		ksnprintf(buf, len, "%s by %s class=%s", who(ev->a, w1, sizeof(w1)),
			  who(ev->b, w2, sizeof(w2)), sched_class_name((unsigned)ev->arg));
		break;
	case TRACE_EXIT:
		ksnprintf(buf, len, "%s status=%lld", who(ev->a, w1, sizeof(w1)),
			  (long long)(int64_t)ev->arg);
		break;
	case TRACE_EDF_RELEASE:
	case TRACE_EDF_DONE:
	case TRACE_EDF_MISS:
		ksnprintf(buf, len, "%s job=%u deadline=%llu.%09llu", who(ev->a, w1, sizeof(w1)),
			  ev->b, (unsigned long long)(ev->arg / 1000000000u),
			  (unsigned long long)(ev->arg % 1000000000u));
		break;
	case TRACE_EDF_THROTTLE:
		ksnprintf(buf, len, "%s job=%u overrun=%lluns", who(ev->a, w1, sizeof(w1)), ev->b,
			  (unsigned long long)ev->arg);
		break;
	case TRACE_TIMER_CARRY:
		ksnprintf(buf, len, "work=%llu (rest carried to the next tick)",
			  (unsigned long long)ev->arg);
		break;
	default:
		ksnprintf(buf, len, "a=%u b=%u arg=%llu", ev->a, ev->b, (unsigned long long)ev->arg);
		break;
	}
}

void trace_dump(size_t max)
{
	uint64_t end = next_seq;
	uint64_t cursor = end > TRACE_SIZE ? end - TRACE_SIZE : 0;
	uint64_t lost;
	struct trace_event ev;
	char line[160];

	if (max && end - cursor > max)
		cursor = end - max;
	kprintf("trace: events %llu..%llu (ring of %llu)\n", (unsigned long long)cursor,
		(unsigned long long)(end ? end - 1 : 0), (unsigned long long)TRACE_SIZE);
	while (cursor < end && trace_read(&cursor, &ev, 1, &lost) == 1) {
		if (lost)
			kprintf("  ... %llu events lost\n", (unsigned long long)lost);
		trace_format(&ev, line, sizeof(line));
		kprintf("  %s\n", line);
	}
}
