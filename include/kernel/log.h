/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel log: leveled, timestamped lines kept in a ring buffer and
 * written to every registered console.
 *
 * Each record is "[   seconds.micros] L subsystem: message" where L is one of
 * E W I D. The ring keeps the most recent CONFIG_LOG_RING_SIZE bytes of
 * formatted lines so that a panic record can show what led up to it, even if
 * no console was ready when the lines were written (registering a console
 * replays the ring to it).
 *
 * Context: any, including exception handlers. Logging never allocates and
 * never blocks; lines longer than LOG_LINE_MAX are cut and marked with "...".
 */
#ifndef KERNEL_LOG_H
#define KERNEL_LOG_H

#include <stdarg.h>

#include <kernel/types.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN = 1,
	LOG_LEVEL_INFO = 2,
	LOG_LEVEL_DEBUG = 3,
};

#define LOG_LINE_MAX 256

/* log_write - format one line at `level` (no trailing newline needed). */
void log_write(enum log_level level, const char *fmt, ...) __printf_like(2, 3);
void log_vwrite(enum log_level level, const char *fmt, va_list ap);

/* log_set_level - lines above `level` are dropped (default: CONFIG_LOG_LEVEL). */
void log_set_level(enum log_level level);

/*
 * log_ring_replay - call `emit` with each line still held in the ring, oldest
 * first, at most `max_lines` of the newest lines (0 = all). Used by panic and
 * by console registration.
 */
void log_ring_replay(void (*emit)(const char *line, size_t len, void *ctx),
		     void *ctx, size_t max_lines);

/* Lines written since boot, and how many the ring has overwritten. */
struct log_stats {
	uint64_t lines;
	uint64_t dropped_lines;
};
void log_stats_get(struct log_stats *out);

#define LOG_ERR(...) log_write(LOG_LEVEL_ERROR, __VA_ARGS__)
#define LOG_WARN(...) log_write(LOG_LEVEL_WARN, __VA_ARGS__)
#define LOG_INFO(...) log_write(LOG_LEVEL_INFO, __VA_ARGS__)
#define LOG_DEBUG(...) log_write(LOG_LEVEL_DEBUG, __VA_ARGS__)

/*
 * CORRUPT(fmt, ...) - log where corrupt outside input was detected and
 * evaluate to CAIRN_ERR_CORRUPT: `return CORRUPT("bad tag size %u", sz);`
 */
#define CORRUPT(...)                                                           \
	(log_write(LOG_LEVEL_ERROR, "corrupt input at %s:%d", __FILE__,        \
		   __LINE__),                                                  \
	 log_write(LOG_LEVEL_ERROR, __VA_ARGS__), CAIRN_ERR_CORRUPT)

#endif /* KERNEL_LOG_H */
