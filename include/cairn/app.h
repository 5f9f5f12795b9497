/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The application's entry point and what it starts with.
 *
 * An appliance links exactly one application, which defines cairn_main().
 * The kernel calls it once boot is complete, with the handles the appliance
 * manifest (apps/<name>/manifest) grants; anything not granted there is
 * unreachable. The value cairn_main returns is the appliance's exit status:
 * 0 means success. When it returns, the kernel reports the status and stops
 * the machine (power off; in test mode, a pass/fail exit).
 */
#ifndef CAIRN_APP_H
#define CAIRN_APP_H

#include <cairn/types.h>

/*
 * The version of struct cairn_start and of the calls' contracts. Fields are
 * only ever appended (an application built against an older header reads a
 * prefix of the structure, which keeps its meaning), so appending does not
 * change the version; changing the meaning of anything does.
 */
#define CAIRN_ABI_VERSION 1

struct cairn_start {
	uint32_t abi_version;        /* CAIRN_ABI_VERSION */
	const char *app_name;        /* the directory name under apps/ */
	const char *cmdline;         /* the kernel command line, read-only */
	cairn_handle_t console;      /* CAIRN_HANDLE_INVALID if not granted */
	cairn_handle_t memory;       /* the first memory grant (the heap draws
					from it), or CAIRN_HANDLE_INVALID */
};

int cairn_main(const struct cairn_start *start);

#endif /* CAIRN_APP_H */
