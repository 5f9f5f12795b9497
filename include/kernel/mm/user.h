/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel side of include/cairn/memory.h (src/sys/memory.c): memory
 * grants, the application's owned ranges and the pointer check API calls
 * use, and the heap's binding to a grant.
 *
 * Context: thread context, boot CPU before the application for the grant
 * and bind calls; any thread afterwards.
 */
#ifndef KERNEL_MM_USER_H
#define KERNEL_MM_USER_H

#include <kernel/handle.h>

/* Object type in the memory subsystem's handle table. */
#define SYS_OBJ_MEMORY 1

#define SYS_USER_RANGES_MAX 256

/*
 * sys_memory_grant - mint a memory handle named `name` allowing up to
 * `limit` bytes of mappings with `rights`. CAIRN_ERR_INVAL (limit 0 or not
 * a whole number of pages), CAIRN_ERR_LIMIT (no room for another grant),
 * handle_table_grant's errors.
 */
err_t sys_memory_grant(const char *name, rights_t rights, uint64_t limit, handle_t *out);

/* sys_memory_heap_bind - the heap (cairn_malloc) draws from grant `h`.
 * CAIRN_ERR_BADHANDLE, CAIRN_ERR_ACCESS (needs map, read and write). */
err_t sys_memory_heap_bind(handle_t h);

/*
 * sys_user_range_check - does [p, p + len) lie wholly in memory the
 * application owns, with at least the rights `need`? CAIRN_OK (also for
 * len 0), CAIRN_ERR_OVERFLOW (the range wraps), CAIRN_ERR_FAULT (some byte
 * is not owned, or owned without a right in `need`). Any thread.
 */
err_t sys_user_range_check(const void *p, size_t len, rights_t need);

/*
 * sys_user_range_add / _remove - record memory the application owns that
 * did not come from cairn_mem_map (its thread stacks, a buffer the kernel
 * hands it). add: CAIRN_ERR_INVAL (empty or wrapping), CAIRN_ERR_EXIST
 * (overlaps an owned range), CAIRN_ERR_LIMIT (table full). remove: exactly
 * a range that was added, else CAIRN_ERR_NOENT.
 */
err_t sys_user_range_add(const void *p, size_t len, rights_t rights);
err_t sys_user_range_remove(const void *p, size_t len);

#endif /* KERNEL_MM_USER_H */
