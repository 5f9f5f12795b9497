// SPDX-License-Identifier: BSD-2-Clause
/*
 * cairn_console_* (include/cairn/console.h): the application's console.
 *
 * The console subsystem owns one handle table. The one console object is
 * "boot": the kernel's console list, the same devices the log goes to. Calls
 * validate the handle (bad handle, type, rights) and then the arguments
 * before any byte moves ("validate fully, then act").
 */
#include <cairn/console.h>
#include <kernel/console.h>
#include <kernel/string.h>
#include <kernel/sys.h>

#define CONSOLE_HANDLES 8

static struct handle_slot slots[CONSOLE_HANDLES];
static struct handle_table table;
static char boot_console_object; /* identity of the "boot" console */

static err_t ensure_table(void)
{
	if (table.slots)
		return CAIRN_OK;
	return handle_table_init(&table, "console", HANDLE_SUBSYS_CONSOLE, slots,
				 CONSOLE_HANDLES);
}

err_t sys_console_grant(const char *name, rights_t rights, handle_t *out)
{
	err_t err = ensure_table();

	if (err)
		return err;
	if (strcmp(name, "boot") != 0)
		return CAIRN_ERR_NOENT;
	return handle_table_grant(&table, &boot_console_object, SYS_OBJ_CONSOLE, rights,
				  out);
}

cairn_err_t cairn_console_write(cairn_handle_t console, const void *buf, size_t len)
{
	err_t err;

	if (!table.slots)
		return CAIRN_ERR_BADHANDLE;
	err = handle_table_lookup(&table, console, SYS_OBJ_CONSOLE, CAIRN_RIGHT_WRITE, NULL);
	if (err)
		return err;
	if (len > CAIRN_CONSOLE_WRITE_MAX)
		return CAIRN_ERR_RANGE;
	if (len && !buf)
		return CAIRN_ERR_FAULT;
	/* An empty write moves nothing: console drivers never see (NULL, 0). */
	if (len == 0)
		return CAIRN_OK;
	console_write(buf, len);
	return CAIRN_OK;
}

cairn_err_t cairn_console_puts(cairn_handle_t console, const char *s)
{
	if (!s)
		return CAIRN_ERR_FAULT;
	return cairn_console_write(console, s, strnlen(s, CAIRN_CONSOLE_WRITE_MAX + 1));
}
