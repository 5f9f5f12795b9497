// SPDX-License-Identifier: BSD-2-Clause
/*
 * The kernel log (see include/kernel/log.h).
 *
 * A line is formatted once into a stack buffer, prefixed with its timestamp
 * and level, appended to the ring and written to the consoles. The ring is a
 * byte array indexed by a monotonically increasing byte count `head`; the
 * text still held is [head - size, head). Lines are separated by '\n', so
 * replaying the newest N lines is a backwards scan for N separators.
 *
 * Lock order (docs/architecture.md, "Locks"): the log lock is the last
 * lock of every chain (any subsystem may log while holding its own lock);
 * nothing is called under it. It guards the ring, head and the line count.
 * Console writes happen outside it, so a slow UART does not extend it.
 * log_ring_replay copies one line at a time under the lock and emits it
 * outside; when the lock cannot be taken (a panic while this CPU holds
 * it), it reads the ring without it: a crash report must not deadlock.
 */
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/fmt.h>
#include <kernel/log.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

#define RING_SIZE ((size_t)CONFIG_LOG_RING_SIZE)

static struct spinlock log_lock = SPINLOCK_INIT("log");

static struct {
	char ring[RING_SIZE] GUARDED_BY(log_lock);
	uint64_t head GUARDED_BY(log_lock); /* bytes ever appended */
	uint64_t lines GUARDED_BY(log_lock);
	enum log_level level;  /* single words, read and written whole */
	bool level_set;
} klog;

static const char level_letter[] = { 'E', 'W', 'I', 'D' };

void log_set_level(enum log_level level)
{
	klog.level = level;
	klog.level_set = true;
}

static enum log_level current_level(void)
{
	return klog.level_set ? klog.level : (enum log_level)CONFIG_LOG_LEVEL;
}

static void ring_append(const char *s, size_t n) REQUIRES(log_lock)
{
	for (size_t i = 0; i < n; i++)
		klog.ring[(klog.head + i) % RING_SIZE] = s[i];
	klog.head += n;
}

void log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX + 1];
	uint64_t ns;
	size_t n, full;
	unsigned long irq;

	if (level > current_level())
		return;
	ns = arch_clock_ns();
	n = ksnprintf(line, sizeof(line), "[%5llu.%06llu] %c ",
		      (unsigned long long)(ns / 1000000000u),
		      (unsigned long long)(ns % 1000000000u / 1000u),
		      level_letter[level & 3]);
	full = n + kvsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (full > LOG_LINE_MAX - 1) {
		/* Cut, and say so: "..." then the newline. */
		memcpy(line + LOG_LINE_MAX - 4, "...", 3);
		full = LOG_LINE_MAX - 1;
	}
	line[full++] = '\n';

	irq = spin_lock_irqsave(&log_lock);
	ring_append(line, full);
	klog.lines++;
	spin_unlock_irqrestore(&log_lock, irq);

	console_write(line, full);
}

void log_write(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(level, fmt, ap);
	va_end(ap);
}

/*
 * Copy the line starting at *pos (bounded by head) into `line`; returns its
 * length and advances *pos. If the writers overwrote *pos meanwhile, skip
 * to the oldest held byte first.
 */
static size_t copy_line(uint64_t *pos, uint64_t head, char *line) REQUIRES(log_lock)
{
	uint64_t oldest = klog.head > RING_SIZE ? klog.head - RING_SIZE : 0;
	size_t n = 0;

	if (*pos < oldest)
		*pos = oldest;
	while (*pos < head && n < LOG_LINE_MAX) {
		char c = klog.ring[(*pos)++ % RING_SIZE];

		line[n++] = c;
		if (c == '\n')
			break;
	}
	return n;
}

/* Where replay starts for the newest max_lines lines (0: all held). */
static uint64_t replay_start(uint64_t head, size_t max_lines) REQUIRES(log_lock)
{
	uint64_t start = head > RING_SIZE ? head - RING_SIZE : 0;
	uint64_t pos;

	/* If the ring wrapped, the first line held may be partial: skip it. */
	if (start > 0) {
		while (start < head && klog.ring[start % RING_SIZE] != '\n')
			start++;
		start++;
	}
	if (max_lines) {
		size_t seen = 0;

		/* Walk back from the end over max_lines separators. */
		for (pos = head; pos > start; pos--) {
			if (klog.ring[(pos - 1) % RING_SIZE] == '\n' && pos != head &&
			    ++seen == max_lines)
				break;
		}
		start = pos > start ? pos : start;
	}
	return start;
}

/* The lock, unless this CPU cannot take it now (panic while holding it). */
static bool replay_lock(unsigned long *irq) TRY_ACQUIRE(true, log_lock)
{
	return spin_trylock_irqsave(&log_lock, irq);
}

void log_ring_replay(void (*emit)(const char *line, size_t len, void *ctx),
		     void *ctx, size_t max_lines) NO_THREAD_SAFETY_ANALYSIS
{
	char line[LOG_LINE_MAX + 1];
	unsigned long irq = 0;
	bool locked = replay_lock(&irq);
	uint64_t head = klog.head;
	uint64_t pos = replay_start(head, max_lines);

	while (pos < head) {
		size_t n;

		if (!locked)
			locked = replay_lock(&irq);
		n = copy_line(&pos, head, line);
		if (locked) {
			spin_unlock_irqrestore(&log_lock, irq);
			locked = false;
		}
		emit(line, n, ctx);
	}
	if (locked)
		spin_unlock_irqrestore(&log_lock, irq);
}

void log_stats_get(struct log_stats *out)
{
	unsigned long irq = spin_lock_irqsave(&log_lock);
	uint64_t start = klog.head > RING_SIZE ? klog.head - RING_SIZE : 0;
	uint64_t held = 0;

	for (uint64_t pos = start; pos < klog.head; pos++)
		held += klog.ring[pos % RING_SIZE] == '\n';
	out->lines = klog.lines;
	out->dropped_lines = klog.lines - held;
	spin_unlock_irqrestore(&log_lock, irq);
}
