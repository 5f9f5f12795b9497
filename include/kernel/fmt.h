/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * printf-family formatting for the kernel.
 *
 * Supported conversions: %d %i %u %x %X %o %c %s %p %% with flags "-0+ #",
 * field width and precision (numbers or '*'), and length modifiers hh h l ll
 * z t j. One kernel extension: %pR prints a range from a
 * `const struct fmt_range *` as "[0x1000-0x1fff]" (error codes print by name
 * with "%s", cairn_err_name(err)). Floating point is not supported (the kernel does not use
 * FP registers); an unknown conversion is printed verbatim.
 *
 * Context: any; no allocation, no locks, bounded stack.
 */
#ifndef KERNEL_FMT_H
#define KERNEL_FMT_H

#include <stdarg.h>

#include <kernel/types.h>

struct fmt_range {
	uint64_t base;
	uint64_t size; /* printed as [base, base + size - 1]; 0 prints "[empty]" */
};

/* A sink receives formatted output in pieces. */
typedef void (*fmt_sink_fn)(void *ctx, const char *s, size_t len);

/* fmt_vformat - format into `sink`; returns the number of bytes produced. */
size_t fmt_vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap);

/*
 * kvsnprintf / ksnprintf - as C's vsnprintf/snprintf: write at most size-1
 * bytes plus a NUL (nothing when size is 0) and return the length the full
 * output would have had.
 */
size_t kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
size_t ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf_like(3, 4);

/* kprintf - format straight to the consoles, bypassing the log ring. */
void kprintf(const char *fmt, ...) __printf_like(1, 2);

#endif /* KERNEL_FMT_H */
