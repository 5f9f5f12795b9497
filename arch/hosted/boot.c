// SPDX-License-Identifier: BSD-2-Clause
/*
 * The hosted "loader": a boot_info describing a fake physical memory arena,
 * and the process's arguments as the kernel command line.
 */
#include <stdlib.h>
#include <string.h>

#include <kernel/boot_info.h>

#include "hosted.h"

/* Fake physical addresses start at 1 MiB, like a PC's RAM above the BIOS. */
#define ARENA_PADDR 0x100000ull

err_t hosted_boot_info_build(struct boot_info *bi, size_t arena_bytes, int argc,
			     char **argv)
{
	char line[CMDLINE_MAX] = "";
	size_t used = 0;
	err_t err;

	boot_info_init(bi, "hosted");
	for (int i = 1; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (used + n + 2 > sizeof(line))
			return CAIRN_ERR_RANGE;
		if (used)
			line[used++] = ' ';
		memcpy(line + used, argv[i], n + 1);
		used += n;
	}
	err = boot_info_set_cmdline(bi, line, sizeof(line));
	if (err)
		return err;
	return boot_info_add_region(bi, ARENA_PADDR, arena_bytes, BOOT_MEM_USABLE);
}
