/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libfdt's environment header for the freestanding kernel build.
 *
 * libfdt.h includes <libfdt_env.h> for its integer types, byte-order
 * conversions and the C library functions it calls. Debian's own version
 * includes hosted headers (stdlib.h, string.h), which a -nostdinc kernel
 * build cannot see, so this one comes first on the fdt sources' include
 * path (drivers/fdt/sources.cmake). It declares the same names with the
 * same meaning: big-endian storage types fdt16/32/64_t and their
 * conversions, and the string functions from include/kernel/string.h,
 * which src/klib implements (libfdt.a links against those).
 */
#ifndef CAIRN_LIBFDT_ENV_H
#define CAIRN_LIBFDT_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/string.h>

/* gcc's freestanding limits.h wants a C library's behind it: take the
 * compiler's predefined values instead. */
#ifndef INT_MAX
#define INT_MAX __INT_MAX__
#endif
#ifndef UINT_MAX
#define UINT_MAX (__INT_MAX__ * 2u + 1u)
#endif

typedef uint16_t fdt16_t;
typedef uint32_t fdt32_t;
typedef uint64_t fdt64_t;

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "Cairn's libfdt_env.h assumes a little-endian CPU"
#endif

static inline uint16_t fdt16_to_cpu(fdt16_t x) { return __builtin_bswap16(x); }
static inline fdt16_t cpu_to_fdt16(uint16_t x) { return __builtin_bswap16(x); }
static inline uint32_t fdt32_to_cpu(fdt32_t x) { return __builtin_bswap32(x); }
static inline fdt32_t cpu_to_fdt32(uint32_t x) { return __builtin_bswap32(x); }
static inline uint64_t fdt64_to_cpu(fdt64_t x) { return __builtin_bswap64(x); }
static inline fdt64_t cpu_to_fdt64(uint64_t x) { return __builtin_bswap64(x); }

#endif /* CAIRN_LIBFDT_ENV_H */
