/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The appliance manifest: what the application is granted at boot.
 *
 * apps/<app>/manifest is a text file; scripts/manifest.py validates it at
 * build time and generates the table below. The kernel mints exactly these
 * grants as handles before it starts the application, and nothing else.
 * The text format is in docs/appliances.md.
 */
#ifndef KERNEL_MANIFEST_H
#define KERNEL_MANIFEST_H

#include <kernel/handle.h>

enum manifest_kind {
	MANIFEST_CONSOLE = 1, /* object: the console's name, or "boot" */
	MANIFEST_MEMORY = 2,  /* object: a name; limit: the budget in bytes */
};

struct manifest_grant {
	uint8_t kind;       /* enum manifest_kind */
	const char *object; /* what is granted, by name */
	rights_t rights;
	unsigned line;      /* line in the manifest, for messages */
	uint64_t limit;     /* MANIFEST_MEMORY: bytes that may be mapped */
};

extern const struct manifest_grant manifest_grants[];
extern const size_t manifest_ngrants;

#endif /* KERNEL_MANIFEST_H */
