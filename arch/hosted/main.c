// SPDX-License-Identifier: BSD-2-Clause
/*
 * The hosted program: the Cairn kernel and its application as a Linux
 * process. Arguments become the kernel command line, e.g.
 *   build/hosted-hello/cairn cairn.test loglevel=3
 * The process exits with 0 when the application succeeds.
 */
#include <stdio.h>

#include <kernel/kmain.h>

#include "hosted.h"

int main(int argc, char **argv)
{
	static struct boot_info bi;
	err_t err = hosted_boot_info_build(&bi, (size_t)CONFIG_HOSTED_ARENA_MB << 20, argc, argv);

	if (err) {
		fprintf(stderr, "cairn: bad arguments: %s (%s)\n", cairn_err_name(err),
			cairn_err_describe(err));
		return 2;
	}
	kernel_main(&bi);
}
