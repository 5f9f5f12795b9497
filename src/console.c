// SPDX-License-Identifier: BSD-2-Clause
/*
 * The console list. Consoles are registered during init and never removed.
 *
 * Lock order (docs/architecture.md, "Locks"): console lock -> log lock.
 * Registration is serialised by the console lock (the duplicate check, the
 * count and the replay of the log to the new console happen under it).
 * Writers (the log, kprintf, panic) walk the list without a lock: a
 * console is fully set up before the release store that publishes it, and
 * readers load the head with acquire ordering, so they see a whole list.
 */
#include <kernel/console.h>
#include <kernel/log.h>
#include <kernel/spinlock.h>

static struct spinlock console_lock = SPINLOCK_INIT("console list");
static struct console *consoles; /* written under console_lock, read without */
static size_t nconsoles GUARDED_BY(console_lock);

static void replay_line(const char *line, size_t len, void *ctx)
{
	struct console *con = ctx;

	con->write(con, line, len);
}

err_t console_register(struct console *con)
{
	unsigned long irq = spin_lock_irqsave(&console_lock);
	err_t err = CAIRN_OK;

	for (struct console *c = consoles; c; c = c->next) {
		if (c == con)
			err = CAIRN_ERR_EXIST;
	}
	if (!err && nconsoles >= CONSOLE_MAX)
		err = CAIRN_ERR_LIMIT;
	if (!err) {
		/* Give the new console what was logged before it existed. */
		log_ring_replay(replay_line, con, 0);
		con->next = consoles;
		__atomic_store_n(&consoles, con, __ATOMIC_RELEASE);
		nconsoles++;
	}
	spin_unlock_irqrestore(&console_lock, irq);
	return err;
}

void console_write(const char *s, size_t len)
{
	for (struct console *c = __atomic_load_n(&consoles, __ATOMIC_ACQUIRE); c; c = c->next)
		c->write(c, s, len);
}

size_t console_count(void)
{
	unsigned long irq = spin_lock_irqsave(&console_lock);
	size_t n = nconsoles;

	spin_unlock_irqrestore(&console_lock, irq);
	return n;
}
