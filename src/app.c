// SPDX-License-Identifier: BSD-2-Clause
/*
 * Starting the application: mint exactly the grants of the appliance
 * manifest, log each one, and call cairn_main(). Nothing is granted that the
 * manifest does not list.
 */
#include <cairn/app.h>
#include <kernel/assert.h>
#include <kernel/cmdline.h>
#include <kernel/kmain.h>
#include <kernel/log.h>
#include <kernel/manifest.h>
#include <kernel/mm/user.h>
#include <kernel/sys.h>

int app_run(void)
{
	struct cairn_start start = {
		.abi_version = CAIRN_ABI_VERSION,
		.app_name = CONFIG_APP_NAME,
		.cmdline = cmdline_get(),
		.console = CAIRN_HANDLE_INVALID,
		.memory = CAIRN_HANDLE_INVALID,
	};
	int status;

	for (size_t i = 0; i < manifest_ngrants; i++) {
		const struct manifest_grant *g = &manifest_grants[i];
		handle_t h;
		err_t err;

		switch (g->kind) {
		case MANIFEST_CONSOLE:
			err = sys_console_grant(g->object, g->rights, &h);
			if (err == CAIRN_OK && start.console == CAIRN_HANDLE_INVALID)
				start.console = h;
			break;
#if CONFIG_MM_VM
		case MANIFEST_MEMORY:
			err = sys_memory_grant(g->object, g->rights, g->limit, &h);
			if (err == CAIRN_OK && start.memory == CAIRN_HANDLE_INVALID) {
				start.memory = h;
				(void)sys_memory_heap_bind(h); /* no heap without map+rw */
			}
			break;
#endif
		default:
			err = CAIRN_ERR_NOTSUP;
			break;
		}
		if (err)
			PANIC("manifest line %u: cannot grant '%s': %s", g->line, g->object,
			      cairn_err_name(err));
		LOG_INFO("app: granted %s '%s' rights %#x as handle %#x",
			 g->kind == MANIFEST_CONSOLE ? "console" :
			 g->kind == MANIFEST_MEMORY ? "memory" : "?", g->object, g->rights, h);
	}

	LOG_INFO("app: starting %s", CONFIG_APP_NAME);
	status = cairn_main(&start);
	LOG_INFO("app: %s returned %d%s", CONFIG_APP_NAME, status,
		 status == 0 ? " (success)" : " (failure)");
	return status;
}
