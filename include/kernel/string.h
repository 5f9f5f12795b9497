/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Memory and string functions. Freestanding builds get the implementations in
 * src/klib/string.c; the hosted shim uses the C library's, and the unit
 * tests exercise src/klib/string.c under renamed symbols.
 */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#include <stddef.h>

#if CONFIG_HOSTED && !defined(KLIB_STRING_UNDER_TEST)
#include <string.h>
#else
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
unsigned long strtoul(const char *s, char **end, int base);
#endif

/*
 * strlcpy - copy a NUL-terminated string into a buffer of `size` bytes,
 * always terminating it when size > 0; returns strlen(src) so truncation is
 * detected by a result >= size. Named kstrlcpy to stay clear of libc.
 */
size_t kstrlcpy(char *dst, const char *src, size_t size);

#endif /* KERNEL_STRING_H */
