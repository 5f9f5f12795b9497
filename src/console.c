// SPDX-License-Identifier: BSD-2-Clause
/*
 * The console list. Consoles are registered during early init and never
 * removed, so the list needs no lock for readers: a console is fully set up
 * before the single store that publishes it.
 */
#include <kernel/console.h>
#include <kernel/log.h>

static struct console *consoles;
static size_t nconsoles;

static void replay_line(const char *line, size_t len, void *ctx)
{
	struct console *con = ctx;

	con->write(con, line, len);
}

err_t console_register(struct console *con)
{
	for (struct console *c = consoles; c; c = c->next) {
		if (c == con)
			return CAIRN_ERR_EXIST;
	}
	if (nconsoles >= CONSOLE_MAX)
		return CAIRN_ERR_LIMIT;
	/* Give the new console what was logged before it existed. */
	log_ring_replay(replay_line, con, 0);
	con->next = consoles;
	consoles = con;
	nconsoles++;
	return CAIRN_OK;
}

void console_write(const char *s, size_t len)
{
	for (struct console *c = consoles; c; c = c->next)
		c->write(c, s, len);
}

size_t console_count(void)
{
	return nconsoles;
}
