// SPDX-License-Identifier: BSD-2-Clause
/*
 * The device model from a DTB (fdt_dev_tree_fill, see fdt.h).
 *
 * Two passes over the blob, both depth-first in blob order:
 *   1. nodes: create each node under its parent with name, compatible,
 *      status, phandle and reg. reg is read with the parent's
 *      #address-cells/#size-cells and translated to a CPU physical address
 *      through every ancestor's `ranges` (empty ranges: identity; no
 *      ranges: the addresses are bus-local, flagged DEV_NODE_REG_LOCAL).
 *   2. interrupts: now that every phandle has a node, each node's
 *      `interrupts-extended`, or `interrupts` with its interrupt parent
 *      (its own or inherited `interrupt-parent`), is resolved to the
 *      controller node and split by that controller's #interrupt-cells.
 *      A chain of interrupt-parent links that never reaches a node with
 *      `interrupt-controller` within FDT_MAX_IRQ_HOPS, or comes back to a
 *      node it passed, is a PHANDLE_LOOP. An interrupt parent that is a
 *      nexus (interrupt-map, as in PCI hosts) is not resolved here: the
 *      node is flagged DEV_NODE_IRQ_UNRESOLVED for the bus driver.
 * On any error the tree is emptied again (dev_tree_init), so a consumer
 * never sees half a machine.
 */
#include <kernel/string.h>

#include "internal.h"

/* Per-node facts of the blob the model does not keep. */
struct scan {
	const void *blob;
	struct dev_tree *tree;
	struct fdt_report *rep;
};

static const void *fdt_prop(const struct dev_tree *tree, const struct dev_node *node,
			    const char *name, size_t *len)
{
	int l;
	const void *p;

	if (node->fw_ref < 0)
		return NULL;
	p = fdt_getprop(tree->fw_ctx, node->fw_ref, name, &l);
	if (!p)
		return NULL;
	*len = (size_t)l;
	return p;
}

const struct dev_fw_ops fdt_fw_ops = { .name = "fdt", .prop = fdt_prop };

static err_t too_big(struct scan *s, int off, const char *what)
{
	return fdt_report_set(s->rep, s->blob, off, FDT_PROBLEM_TOO_BIG, CAIRN_ERR_LIMIT,
			      "more %s than the device model holds (%d nodes, %d ranges, "
			      "%d interrupts)", what, DEV_MAX_NODES, DEV_MAX_REGS, DEV_MAX_IRQS);
}

static uint8_t parse_status(const void *blob, int off)
{
	int len;
	const char *s = fdt_getprop(blob, off, "status", &len);

	if (!s || len < 1)
		return DEV_STATUS_OKAY;
	if (strncmp(s, "okay", (size_t)len) == 0 || strncmp(s, "ok", (size_t)len) == 0)
		return DEV_STATUS_OKAY;
	if (len >= 4 && strncmp(s, "fail", 4) == 0)
		return DEV_STATUS_FAIL;
	return DEV_STATUS_DISABLED;
}

static err_t read_phandle(struct scan *s, int off, uint32_t *out)
{
	int len;
	const void *p = fdt_getprop(s->blob, off, "phandle", &len);
	uint32_t ph;

	if (!p)
		p = fdt_getprop(s->blob, off, "linux,phandle", &len);
	*out = 0;
	if (!p)
		return CAIRN_OK;
	if (len != 4 || fdt_cell(p, 0) == 0 || fdt_cell(p, 0) == 0xffffffffu)
		return fdt_report_set(s->rep, s->blob, off, FDT_PROBLEM_BAD_PHANDLE,
				      CAIRN_ERR_CORRUPT, "phandle property of %d bytes, value %#x",
				      len, len == 4 ? fdt_cell(p, 0) : 0);
	ph = fdt_cell(p, 0);
	if (dev_tree_find_phandle(s->tree, ph))
		return fdt_report_set(s->rep, s->blob, off, FDT_PROBLEM_BAD_PHANDLE,
				      CAIRN_ERR_CORRUPT, "phandle %#x is used by two nodes", ph);
	*out = ph;
	return CAIRN_OK;
}

static err_t read_reg(struct scan *s, struct dev_node *node, int off, int parent_off)
{
	int ac, sc, len;
	const uint8_t *reg = fdt_getprop(s->blob, off, "reg", &len);
	err_t err;

	if (!reg)
		return CAIRN_OK;
	err = fdt_node_cells(s->blob, parent_off, &ac, &sc, s->rep);
	if (err)
		return err;
	if (ac == 0 || len % (4 * (ac + sc)))
		return fdt_report_set(s->rep, s->blob, off, FDT_PROBLEM_BAD_PROPERTY,
				      CAIRN_ERR_CORRUPT,
				      "reg is %d bytes: not whole (%d address + %d size)-cell "
				      "entries", len, ac, sc);
	for (int i = 0; i < len / (4 * (ac + sc)); i++) {
		const uint8_t *e = reg + i * 4 * (ac + sc);
		uint64_t base = fdt_cells_value(e, ac), size = fdt_cells_value(e + 4 * ac, sc);
		uint64_t end;
		bool local;

		err = fdt_translate(s->blob, parent_off, &base, size, &local, s->rep);
		if (err)
			return err;
		if (local)
			node->flags |= DEV_NODE_REG_LOCAL;
		else if (add_overflows(base, size, &end) || end > BOOT_INFO_PADDR_LIMIT)
			return fdt_report_set(s->rep, s->blob, off, FDT_PROBLEM_ABSURD_SIZE,
					      CAIRN_ERR_RANGE,
					      "reg [%#llx, +%#llx) ends beyond the 2^52 physical "
					      "limit", (unsigned long long)base,
					      (unsigned long long)size);
		if (dev_node_add_reg(node, base, size) != CAIRN_OK)
			return too_big(s, off, "reg ranges");
	}
	return CAIRN_OK;
}

static err_t pass_nodes(struct scan *s)
{
	struct dev_node *stack[FDT_MAX_DEPTH + 1];
	int offs[FDT_MAX_DEPTH + 1];
	int off = 0, depth = 0;

	for (; off >= 0; off = fdt_next_node(s->blob, off, &depth)) {
		struct dev_node *parent = depth > 0 ? stack[depth - 1] : NULL;
		struct dev_node *node;
		const char *name, *compat;
		int len;
		err_t err;

		if (depth < 0) { /* past the root's end */
			off = -FDT_ERR_NOTFOUND;
			break;
		}
		if (depth > FDT_MAX_DEPTH)
			return fdt_report_set(s->rep, s->blob, off, FDT_PROBLEM_BAD_STRUCTURE,
					      CAIRN_ERR_CORRUPT, "nodes nested deeper than %d",
					      FDT_MAX_DEPTH);
		name = fdt_get_name(s->blob, off, &len);
		if (!name)
			return fdt_report_set(s->rep, s->blob, off, FDT_PROBLEM_BAD_STRUCTURE,
					      CAIRN_ERR_CORRUPT, "unreadable node name");
		node = dev_node_add(s->tree, parent, name, (size_t)len, &err);
		if (!node)
			return err == CAIRN_ERR_LIMIT ? too_big(s, off, "nodes") :
			       fdt_report_set(s->rep, s->blob, off, FDT_PROBLEM_BAD_STRUCTURE,
					      CAIRN_ERR_CORRUPT, "misplaced node");
		node->fw_ref = off;
		node->status = parse_status(s->blob, off);
		if (fdt_getprop(s->blob, off, "interrupt-controller", NULL))
			node->flags |= DEV_NODE_IRQ_CONTROLLER;
		compat = fdt_getprop(s->blob, off, "compatible", &len);
		if (compat && len > 0) {
			err = dev_node_set_compatible(node, compat, (size_t)len);
			if (err == CAIRN_ERR_LIMIT)
				return too_big(s, off, "strings");
			if (err)
				return fdt_report_set(s->rep, s->blob, off,
						      FDT_PROBLEM_BAD_PROPERTY, CAIRN_ERR_CORRUPT,
						      "compatible is not a NUL-terminated list");
		}
		err = read_phandle(s, off, &node->phandle);
		if (!err && depth > 0)
			err = read_reg(s, node, off, offs[depth - 1]);
		if (err)
			return err;
		stack[depth] = node;
		offs[depth] = off;
	}
	if (off != -FDT_ERR_NOTFOUND)
		return fdt_report_set(s->rep, s->blob, -1, FDT_PROBLEM_BAD_STRUCTURE,
				      CAIRN_ERR_CORRUPT, "walking the nodes: libfdt: %s",
				      fdt_strerror(off));
	return CAIRN_OK;
}

static struct dev_node *node_of(struct scan *s, int off)
{
	for (size_t i = 0; i < s->tree->nnodes; i++) {
		if (s->tree->nodes[i].fw_ref == off)
			return &s->tree->nodes[i];
	}
	return NULL;
}

static err_t irq_cells(struct scan *s, struct dev_node *ctrl, int *cells)
{
	uint32_t v;
	err_t err = dev_node_prop_u32(ctrl, "#interrupt-cells", &v);

	if (err == CAIRN_ERR_NOENT)
		return fdt_report_set(s->rep, s->blob, ctrl->fw_ref, FDT_PROBLEM_BAD_CELLS,
				      CAIRN_ERR_CORRUPT,
				      "interrupt controller without #interrupt-cells");
	if (err || v == 0 || v > DEV_IRQ_MAX_CELLS)
		return fdt_report_set(s->rep, s->blob, ctrl->fw_ref, FDT_PROBLEM_BAD_CELLS,
				      CAIRN_ERR_CORRUPT, "#interrupt-cells is %u (1..%d allowed)",
				      err ? 0 : v, DEV_IRQ_MAX_CELLS);
	*cells = (int)v;
	return CAIRN_OK;
}

/* The node's interrupt parent: own or inherited interrupt-parent. */
static struct dev_node *parent_link(struct dev_node *node, uint32_t *phandle)
{
	for (struct dev_node *n = node; n; n = n->parent) {
		if (dev_node_prop_u32(n, "interrupt-parent", phandle) == CAIRN_OK)
			return n;
	}
	return NULL;
}

/*
 * Follow interrupt-parent links from `node` to a controller. *ctrl NULL
 * with CAIRN_OK: a nexus (interrupt-map) or no parent at all.
 */
static err_t find_controller(struct scan *s, struct dev_node *node, struct dev_node **ctrl)
{
	struct dev_node *seen[FDT_MAX_IRQ_HOPS];
	struct dev_node *n = node;

	*ctrl = NULL;
	for (int hop = 0; hop < FDT_MAX_IRQ_HOPS; hop++) {
		uint32_t ph;
		struct dev_node *target;

		if (!parent_link(n, &ph))
			return CAIRN_OK; /* no interrupt parent anywhere above */
		target = dev_tree_find_phandle(s->tree, ph);
		if (!target)
			return fdt_report_set(s->rep, s->blob, n->fw_ref, FDT_PROBLEM_BAD_PHANDLE,
					      CAIRN_ERR_CORRUPT,
					      "interrupt-parent %#x names no node", ph);
		if (target->flags & DEV_NODE_IRQ_CONTROLLER) {
			*ctrl = target;
			return CAIRN_OK;
		}
		if (dev_node_prop(target, "interrupt-map", &(size_t){ 0 }))
			return CAIRN_OK; /* a nexus: left to its bus driver */
		for (int i = 0; i < hop; i++) {
			if (seen[i] == target)
				goto loop;
		}
		if (target == node)
			goto loop;
		seen[hop] = target;
		n = target;
	}
loop:
	return fdt_report_set(s->rep, s->blob, node->fw_ref, FDT_PROBLEM_PHANDLE_LOOP,
			      CAIRN_ERR_CORRUPT,
			      "interrupt-parent links loop without reaching an "
			      "interrupt-controller");
}

static err_t add_irqs(struct scan *s, struct dev_node *node, struct dev_node *ctrl,
		      const uint8_t *p, size_t len)
{
	int cells;
	err_t err = irq_cells(s, ctrl, &cells);

	if (err)
		return err;
	if (len % (4u * (unsigned)cells))
		return fdt_report_set(s->rep, s->blob, node->fw_ref, FDT_PROBLEM_BAD_PROPERTY,
				      CAIRN_ERR_CORRUPT,
				      "interrupts is %zu bytes: not whole %d-cell specifiers", len,
				      cells);
	for (size_t i = 0; i < len / (4u * (unsigned)cells); i++) {
		uint32_t spec[DEV_IRQ_MAX_CELLS];

		for (int c = 0; c < cells; c++)
			spec[c] = fdt_cell(p, i * (size_t)cells + (size_t)c);
		if (dev_node_add_irq(node, ctrl, spec, (size_t)cells) != CAIRN_OK)
			return too_big(s, node->fw_ref, "interrupts");
	}
	return CAIRN_OK;
}

static err_t interrupts_extended(struct scan *s, struct dev_node *node, const uint8_t *p,
				 size_t len)
{
	size_t at = 0;

	while (at < len) {
		struct dev_node *ctrl;
		int cells;
		err_t err;

		if (len - at < 4)
			break;
		ctrl = dev_tree_find_phandle(s->tree, fdt_cell(p + at, 0));
		if (!ctrl)
			return fdt_report_set(s->rep, s->blob, node->fw_ref,
					      FDT_PROBLEM_BAD_PHANDLE, CAIRN_ERR_CORRUPT,
					      "interrupts-extended names phandle %#x: no such node",
					      fdt_cell(p + at, 0));
		err = irq_cells(s, ctrl, &cells);
		if (err)
			return err;
		at += 4;
		if (len - at < 4u * (unsigned)cells)
			break;
		err = add_irqs(s, node, ctrl, p + at, 4u * (unsigned)cells);
		if (err)
			return err;
		at += 4u * (unsigned)cells;
	}
	if (at != len)
		return fdt_report_set(s->rep, s->blob, node->fw_ref, FDT_PROBLEM_BAD_PROPERTY,
				      CAIRN_ERR_CORRUPT,
				      "interrupts-extended ends inside a specifier");
	return CAIRN_OK;
}

/* Pass 2: each node's interrupts, as one run of the irq pool. */
static err_t pass_interrupts(struct scan *s)
{
	struct dev_tree *t = s->tree;
	err_t err = CAIRN_OK;

	for (size_t i = 0; i < t->nnodes && !err; i++) {
		struct dev_node *node = &t->nodes[i];
		const uint8_t *p;
		size_t len;
		struct dev_node *ctrl;

		p = dev_node_prop(node, "interrupts-extended", &len);
		if (p) {
			err = interrupts_extended(s, node, p, len);
			continue;
		}
		p = dev_node_prop(node, "interrupts", &len);
		if (!p || len == 0)
			continue;
		err = find_controller(s, node, &ctrl);
		if (err)
			break;
		if (!ctrl) {
			node->flags |= DEV_NODE_IRQ_UNRESOLVED;
			continue;
		}
		err = add_irqs(s, node, ctrl, p, len);
	}
	return err;
}

static void find_stdout(struct scan *s)
{
	int chosen = fdt_path_offset(s->blob, "/chosen"), len, off;
	const char *path;
	int n;

	if (chosen < 0)
		return;
	path = fdt_getprop(s->blob, chosen, "stdout-path", &len);
	if (!path)
		path = fdt_getprop(s->blob, chosen, "linux,stdout-path", &len);
	if (!path || len < 2 || path[len - 1] != '\0')
		return;
	/* "serial0:115200n8": an alias or a path, then options after ':'. */
	n = (int)(strchr(path, ':') ? (size_t)(strchr(path, ':') - path) : strlen(path));
	off = fdt_path_offset_namelen(s->blob, path, n);
	if (off >= 0)
		s->tree->stdout_node = node_of(s, off);
}

err_t fdt_dev_tree_fill(const void *blob, size_t avail, struct dev_tree *tree,
			struct fdt_report *rep)
{
	struct scan s = { .blob = blob, .tree = tree, .rep = rep };
	const char *model;
	int len;
	err_t err;

	dev_tree_init(tree, &fdt_fw_ops, blob);
	err = fdt_blob_check(blob, avail, rep);
	if (!err)
		err = pass_nodes(&s);
	if (!err)
		err = pass_interrupts(&s);
	if (err) {
		dev_tree_init(tree, &fdt_fw_ops, blob);
		return err;
	}
	find_stdout(&s);
	model = fdt_getprop(blob, 0, "model", &len);
	if (!model)
		model = fdt_getprop(blob, 0, "compatible", &len);
	if (model && len > 0)
		kstrlcpy(tree->model, model, MIN(sizeof(tree->model), (size_t)len));
	return CAIRN_OK;
}
