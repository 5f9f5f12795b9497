/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Consoles: byte sinks the log and kprintf write to (a UART, the host's
 * stdout in the hosted shim). A console driver fills a struct console and
 * registers it; registration replays the log ring so that nothing written
 * before the console existed is lost.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <kernel/types.h>

struct console {
	const char *name;
	/* write - emit `len` bytes; "\n" must be emitted as the device needs
	 * (a UART driver sends CR LF). Any context, never blocks for long. */
	void (*write)(struct console *con, const char *s, size_t len);
	void *priv;
	struct console *next; /* owned by console.c */
};

#define CONSOLE_MAX 4

/* console_register - add `con`; returns CAIRN_ERR_LIMIT when CONSOLE_MAX are
 * registered, CAIRN_ERR_EXIST if it already is. Boot CPU, early init. */
err_t console_register(struct console *con);

/* console_write - write to every registered console. Any context. */
void console_write(const char *s, size_t len);

/* console_count - the number of registered consoles. */
size_t console_count(void);

#endif /* KERNEL_CONSOLE_H */
