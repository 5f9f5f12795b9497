/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel side of the application API (src/sys/): the handle tables behind
 * include/cairn/ calls, and how app_run() mints grants into them.
 */
#ifndef KERNEL_SYS_H
#define KERNEL_SYS_H

#include <kernel/handle.h>

/* Object types of the console subsystem's table. */
#define SYS_OBJ_CONSOLE 1

/*
 * sys_console_grant - mint a handle to the console named `name` ("boot":
 * every registered console) with `rights`. CAIRN_ERR_NOENT for an unknown
 * name; handle_table_grant's errors otherwise. Boot CPU, before the app.
 */
err_t sys_console_grant(const char *name, rights_t rights, handle_t *out);

#endif /* KERNEL_SYS_H */
