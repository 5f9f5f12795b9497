/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel command line: whitespace-separated `key` or `key=value` words,
 * given by the loader (multiboot2, PVH, /chosen/bootargs). Values may be
 * double-quoted to hold spaces. The line is copied once into kernel memory
 * (cmdline_set) and never changes afterwards.
 *
 * Keys the kernel knows are listed in docs/architecture.md.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <kernel/types.h>

#define CMDLINE_MAX 1024

/*
 * cmdline_set - keep a copy of `line` (at most `len` bytes, stops at NUL).
 * CAIRN_ERR_RANGE if the line is longer than CMDLINE_MAX - 1 (the kept copy
 * is then truncated at a word boundary). Boot CPU, early.
 */
err_t cmdline_set(const char *line, size_t len);

/* cmdline_get - the whole line kept by cmdline_set ("" if none). */
const char *cmdline_get(void);

/*
 * cmdline_find - look `key` up in `line`. On success stores the value
 * (without quotes) into buf (NUL-terminated; "" for a bare key) and returns
 * CAIRN_OK. CAIRN_ERR_NOENT if absent, CAIRN_ERR_RANGE if the value does not
 * fit buf. The last occurrence wins. Any context.
 */
err_t cmdline_find(const char *line, const char *key, char *buf, size_t size);

/* cmdline_has - true if `key` appears in the kernel command line. */
bool cmdline_has(const char *key);

/* cmdline_value - cmdline_find on the kernel command line. */
err_t cmdline_value(const char *key, char *buf, size_t size);

#endif /* KERNEL_CMDLINE_H */
