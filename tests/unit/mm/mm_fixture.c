// SPDX-License-Identifier: BSD-2-Clause
/* Fake physical memory and console capture for the memory suites. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/console.h>

#include "hosted.h"
#include "mm_fixture.h"

static void *host;
static char captured[65536];
static size_t captured_len;

void *mm_fix_back(size_t bytes)
{
	mm_fix_release();
	host = aligned_alloc(MiB(2), ALIGN_UP(bytes, (size_t)MiB(2)));
	if (!host)
		abort();
	memset(host, 0, bytes);
	mm_direct_offset = (uintptr_t)host - MM_FIX_PA;
	return host;
}

void mm_fix_release(void)
{
	free(host);
	host = NULL;
}

static bool capturing;

static void capture(const char *s, size_t len)
{
	size_t room = sizeof(captured) - 1 - captured_len;

	if (len > room)
		len = room;
	memcpy(captured + captured_len, s, len);
	captured_len += len;
	captured[captured_len] = '\0';
}

static void console_out(struct console *con, const char *s, size_t len)
{
	(void)con;
	if (capturing)
		capture(s, len);
	else
		fwrite(s, 1, len, stdout);
}

static struct console test_console = { .name = "mm-test", .write = console_out };

void mm_fix_capture_start(void)
{
	static bool registered;

	if (!registered) {
		registered = true;
		(void)console_register(&test_console);
	}
	captured_len = 0;
	captured[0] = '\0';
	capturing = true;
}

const char *mm_fix_captured(void)
{
	return captured;
}

void mm_fix_capture_stop(void)
{
	capturing = false;
}

void mm_fix_buddy(struct buddy *b, size_t bytes)
{
	struct boot_usable r = { MM_FIX_PA, bytes };

	mm_fix_back(bytes);
	if (buddy_init(b, "test", &r, 1, MM_FIX_PA + bytes) != CAIRN_OK)
		abort();
}
