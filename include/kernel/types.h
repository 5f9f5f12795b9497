/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Basic kernel types and compiler helpers, usable by every layer, freestanding
 * or hosted. Only compiler-provided headers are included here.
 */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include <cairn/error.h>

typedef cairn_err_t err_t;   /* 0 or a negative CAIRN_ERR_* code */
typedef uint64_t paddr_t;    /* a physical address */
typedef uintptr_t vaddr_t;   /* a virtual address */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Power-of-two alignment; `a` must be a power of two. */
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + ((__typeof__(x))(a) - 1), (a))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define IS_POW2(x) ((x) != 0 && ((x) & ((x) - 1)) == 0)

#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define __packed __attribute__((packed))
#define __aligned(n) __attribute__((aligned(n)))
#define __used __attribute__((used))
#define __unused __attribute__((unused))
#define __section(s) __attribute__((section(s)))
#define __printf_like(f, a) __attribute__((format(printf, f, a)))
#define __must_check __attribute__((warn_unused_result))
#define __noinline __attribute__((noinline))
#ifndef __always_inline /* the hosted shim's libc headers have their own */
#define __always_inline inline __attribute__((always_inline))
#endif

/* Checked arithmetic for sizes and addresses taken from outside input. */
#define add_overflows(a, b, res) __builtin_add_overflow((a), (b), (res))
#define mul_overflows(a, b, res) __builtin_mul_overflow((a), (b), (res))

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

#endif /* KERNEL_TYPES_H */
