/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console: the appliance's text output (the serial port on a board,
 * stdout in the hosted shim). Granted by a `console` line in the manifest.
 */
#ifndef CAIRN_CONSOLE_H
#define CAIRN_CONSOLE_H

#include <cairn/types.h>

/* The most a single cairn_console_write call accepts. */
#define CAIRN_CONSOLE_WRITE_MAX 4096

/*
 * cairn_console_write - write `len` bytes of `buf` to the console.
 * @console: a console handle with CAIRN_RIGHT_WRITE.
 * Returns CAIRN_OK, or:
 *   CAIRN_ERR_BADHANDLE  not a live handle
 *   CAIRN_ERR_WRONGTYPE  a handle, but not of a console
 *   CAIRN_ERR_ACCESS     the handle lacks CAIRN_RIGHT_WRITE
 *   CAIRN_ERR_FAULT      buf is NULL with len > 0
 *   CAIRN_ERR_RANGE      len > CAIRN_CONSOLE_WRITE_MAX
 * Nothing is written unless the call succeeds. May be called from any thread;
 * does not block beyond the time the device takes to accept the bytes.
 */
cairn_err_t cairn_console_write(cairn_handle_t console, const void *buf, size_t len);

/* cairn_console_puts - cairn_console_write of a NUL-terminated string. */
cairn_err_t cairn_console_puts(cairn_handle_t console, const char *s);

#endif /* CAIRN_CONSOLE_H */
