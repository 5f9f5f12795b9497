// SPDX-License-Identifier: BSD-2-Clause
/*
 * The hosted console: the process's stdout, or a capture function set by a
 * test that wants to read what the kernel printed.
 */
#include <unistd.h>

#include <kernel/console.h>
#include <kernel/init.h>

#include "hosted.h"

void (*hosted_console_capture)(const char *s, size_t len);

static void stdout_write(struct console *con, const char *s, size_t len)
{
	(void)con;
	if (hosted_console_capture) {
		hosted_console_capture(s, len);
		return;
	}
	while (len) {
		ssize_t n = write(STDOUT_FILENO, s, len);

		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static struct console stdout_console = {
	.name = "stdout",
	.write = stdout_write,
};

static err_t hosted_console_init(void)
{
	return console_register(&stdout_console);
}
INIT_STEP(hosted_console_init, INIT_LEVEL_EARLY, 0);
