// SPDX-License-Identifier: BSD-2-Clause
/*
 * Binding drivers to device nodes, and describing the tree in the log (see
 * include/kernel/driver.h for the rules).
 *
 * Registrations live in the `cairn_drivers` section. Matching is by the
 * node's compatible list in its own order, so a node that says
 * "vendor,board-uart", "arm,pl011" is taken by a board-specific driver if
 * one is linked and by the generic one otherwise. Registration order never
 * matters: two drivers listing the same string is a build mistake that
 * dev_bind reports (the first in link order wins).
 *
 * Init steps:
 *   dev_tree_report  INIT_LEVEL_DEVICES: one summary line; the whole tree
 *                    when the command line holds `dev.dump`
 *   dev_bind_drivers INIT_LEVEL_DRIVERS: binds DRIVER_STAGE_NORMAL drivers
 */
#include <kernel/assert.h>
#include <kernel/cmdline.h>
#include <kernel/driver.h>
#include <kernel/fmt.h>
#include <kernel/init.h>
#include <kernel/log.h>
#include <kernel/string.h>

extern const struct driver __start_cairn_drivers[] __attribute__((weak));
extern const struct driver __stop_cairn_drivers[] __attribute__((weak));

const struct driver *driver_find(const char *compat, enum driver_stage stage)
{
	for (const struct driver *d = __start_cairn_drivers; d < __stop_cairn_drivers; d++) {
		if (d->stage != stage)
			continue;
		for (const char *const *c = d->compatible; *c; c++) {
			if (strcmp(*c, compat) == 0)
				return d;
		}
	}
	return NULL;
}

bool dev_node_is_stdout(const struct dev_node *node)
{
	return node->tree->stdout_node == NULL || node->tree->stdout_node == node;
}

/* "reg [0x9000000-0x9000fff] irq 0,1,4@/intc@8000000" for the bound line. */
static void describe(const struct dev_node *node, char *buf, size_t size)
{
	size_t used = 0;
	char path[DEV_PATH_MAX];

	buf[0] = '\0';
	for (size_t i = 0; i < node->nreg && used < size; i++) {
		struct fmt_range r = { node->reg[i].base, node->reg[i].size };

		used += ksnprintf(buf + used, size - used, " reg %pR%s", &r,
				  (node->flags & DEV_NODE_REG_LOCAL) ? " (bus-local)" : "");
	}
	for (size_t i = 0; i < node->nirq && used < size; i++) {
		const struct dev_irq *q = &node->irq[i];

		used += ksnprintf(buf + used, size - used, " irq ");
		for (size_t c = 0; c < q->ncells && used < size; c++)
			used += ksnprintf(buf + used, size - used, "%s%u", c ? "," : "",
					  q->cells[c]);
		if (used < size)
			used += ksnprintf(buf + used, size - used, "@%s",
					  dev_node_path(q->controller, path, sizeof(path)));
	}
}

static bool try_bind(struct dev_node *node, enum driver_stage stage)
{
	const char *compat;
	char path[DEV_PATH_MAX], what[160];

	for (size_t i = 0; (compat = dev_node_compatible_at(node, i)) != NULL; i++) {
		const struct driver *d = driver_find(compat, stage);
		err_t err;

		if (!d)
			continue;
		err = d->probe(node);
		dev_node_path(node, path, sizeof(path));
		if (err) {
			node->flags |= DEV_NODE_PROBE_FAILED;
			LOG_WARN("dev: %s: driver %s (%s) failed: %s (%s); left unbound", path,
				 d->name, compat, cairn_err_name(err), cairn_err_describe(err));
			return false;
		}
		node->driver = d;
		node->bound_compatible = compat;
		node->flags |= DEV_NODE_BOUND;
		describe(node, what, sizeof(what));
		LOG_INFO("dev: %s bound to %s (%s)%s", path, d->name, compat, what);
		return true;
	}
	return false;
}

size_t dev_bind(struct dev_tree *tree, enum driver_stage stage)
{
	size_t bound = 0;

	for (size_t i = 0; i < tree->nnodes; i++) {
		struct dev_node *node = &tree->nodes[i];

		if (node->status != DEV_STATUS_OKAY ||
		    (node->flags & (DEV_NODE_BOUND | DEV_NODE_PROBE_FAILED)) ||
		    node->compatible_len == 0)
			continue;
		/* A disabled ancestor (a bus) disables everything below it. */
		bool enabled = true;

		for (const struct dev_node *p = node->parent; p; p = p->parent)
			enabled &= p->status == DEV_STATUS_OKAY;
		if (enabled && try_bind(node, stage))
			bound++;
	}
	return bound;
}

void dev_tree_dump(struct dev_tree *tree)
{
	char path[DEV_PATH_MAX], what[200], compat[128];

	LOG_INFO("dev: tree from %s, %zu nodes, %zu reg ranges, %zu interrupts%s%s",
		 tree->fw ? tree->fw->name : "nothing", tree->nnodes, tree->nregs, tree->nirqs,
		 tree->model[0] ? ", model " : "", tree->model);
	for (size_t i = 0; i < tree->nnodes; i++) {
		const struct dev_node *node = &tree->nodes[i];
		size_t used = 0;
		const char *s;

		compat[0] = '\0';
		for (size_t c = 0; (s = dev_node_compatible_at(node, c)) && used < sizeof(compat); c++)
			used += ksnprintf(compat + used, sizeof(compat) - used, "%s%s",
					  c ? " " : "", s);
		describe(node, what, sizeof(what));
		LOG_INFO("dev:   %s%s%s%s%s%s%s%s%s", dev_node_path(node, path, sizeof(path)),
			 compat[0] ? " [" : "", compat, compat[0] ? "]" : "",
			 node->status != DEV_STATUS_OKAY ? " status=" : "",
			 node->status != DEV_STATUS_OKAY ? dev_status_name(node->status) : "",
			 what, node->driver ? " driver=" : "",
			 node->driver ? node->driver->name : "");
	}
}

static err_t dev_tree_report(void)
{
	struct dev_tree *tree = dev_tree_kernel();

	if (cmdline_has("dev.dump")) {
		dev_tree_dump(tree);
		return CAIRN_OK;
	}
	LOG_INFO("dev: %zu device nodes from %s (dev.dump on the command line lists them)",
		 tree->nnodes, tree->fw ? tree->fw->name : "no firmware description");
	return CAIRN_OK;
}
INIT_STEP(dev_tree_report, INIT_LEVEL_DEVICES, 0);

static err_t dev_bind_drivers(void)
{
	struct dev_tree *tree = dev_tree_kernel();
	size_t n = dev_bind(tree, DRIVER_STAGE_NORMAL);

	LOG_INFO("dev: %zu more devices bound", n);
	return CAIRN_OK;
}
INIT_STEP(dev_bind_drivers, INIT_LEVEL_DRIVERS, 0);
