// SPDX-License-Identifier: BSD-2-Clause
/*
 * hello: the smallest Cairn appliance. It greets through the console handle
 * its manifest grants and returns 0, which ends the appliance successfully.
 * It sees only include/cairn/.
 */
#include <cairn/cairn.h>

int cairn_main(const struct cairn_start *start)
{
	cairn_err_t err;

	if (start->console == CAIRN_HANDLE_INVALID)
		return 2; /* the manifest granted no console */
	err = cairn_console_puts(start->console, CONFIG_HELLO_GREETING "\n");
	if (err != CAIRN_OK)
		return 1;
	return 0;
}
