/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The driver-facing side of the device model (include/kernel/dev.h):
 * registering a driver and being bound to nodes.
 *
 * Each driver registers itself with DRIVER_REGISTER(); no central list
 * knows them all. A registration lands in the `cairn_drivers` linker
 * section (bounded by __start_cairn_drivers/__stop_cairn_drivers: the
 * kernel linker scripts define them, GNU ld does in hosted builds).
 *
 * Binding (dev_bind): for each node whose status is okay and that no
 * driver holds yet, the node's compatible strings are tried in order (most
 * specific first); the first registered driver of the requested stage
 * that lists the string gets probe(node). A probe that fails leaves the
 * node unbound and is logged; it never stops boot (a missing device is the
 * driver's consumer's problem, reported there). Each bound node gets one
 * log line.
 *
 * Stages: DRIVER_STAGE_EARLY drivers (consoles, the firmware's power
 * interface) are bound by the arch right after the tree exists, so that a
 * console is up before anything else runs; DRIVER_STAGE_NORMAL drivers are
 * bound by the `dev_bind_drivers` init step (INIT_LEVEL_DRIVERS).
 */
#ifndef KERNEL_DRIVER_H
#define KERNEL_DRIVER_H

#include <kernel/dev.h>

enum driver_stage {
	DRIVER_STAGE_EARLY = 0,
	DRIVER_STAGE_NORMAL = 1,
};

struct driver {
	const char *name;
	const char *const *compatible; /* NULL-terminated list */
	uint8_t stage;                 /* enum driver_stage */
	/*
	 * probe - take `node`: map its registers (dev_node_mmio), set it up,
	 * register what it provides (a console, ...), and store its state in
	 * node->driver_data. Boot CPU, init, interrupts off; may log.
	 * An error leaves the node unbound.
	 */
	err_t (*probe)(struct dev_node *node);
};

#define DRIVER_NAME_(n) driver_registration_##n
/*
 * DRIVER_REGISTER(name, stage, probe, compatible...) - register a driver
 * for the listed compatible strings.
 */
#define DRIVER_REGISTER(name_, stage_, probe_, ...)                            \
	static const char *const driver_compat_##name_[] = { __VA_ARGS__, NULL }; \
	static const struct driver DRIVER_NAME_(name_)                         \
		__used __section("cairn_drivers") __aligned(8) = {            \
			.name = #name_,                                        \
			.compatible = driver_compat_##name_,                   \
			.stage = (stage_),                                     \
			.probe = (probe_),                                     \
	}

/*
 * dev_bind - bind drivers of `stage` in `tree` (see the file comment).
 * Returns the number of nodes bound by this call. Boot CPU, init.
 */
size_t dev_bind(struct dev_tree *tree, enum driver_stage stage);

/* driver_find - the first registered driver listing `compat`, or NULL. */
const struct driver *driver_find(const char *compat, enum driver_stage stage);

/* The console node firmware chose (/chosen stdout-path), or NULL if it did
 * not choose; console drivers register a console only for that node, or
 * for the first such device when firmware made no choice. */
bool dev_node_is_stdout(const struct dev_node *node);

#endif /* KERNEL_DRIVER_H */
