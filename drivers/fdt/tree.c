// SPDX-License-Identifier: BSD-2-Clause
/*
 * The device model from a DTB (fdt_dev_tree_fill, see fdt.h).
 *
 * Two passes, both in blob (depth-first) order:
 *   1. nodes: one walk over the structure block's tags (fdt_next_tag),
 *      reading each property once as it passes. A node is created at its
 *      BEGIN_NODE tag and completed when its property list ends (at its
 *      first child or its END_NODE): name, compatible, status, phandle and
 *      reg. reg is read with the parent's #address-cells/#size-cells and
 *      translated to a CPU physical address through every ancestor's
 *      `ranges` (empty ranges: identity; no ranges: the addresses are
 *      bus-local, flagged DEV_NODE_REG_LOCAL). What pass 2 needs of each
 *      node (its interrupt properties) is kept in node_props.
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
 *
 * Why one tag walk instead of fdt_next_node() plus fdt_getprop() per
 * property: every libfdt call that takes a node offset first re-reads the
 * node's name one byte at a time through fdt_offset_ptr() and then walks
 * its property list from the start. Done per property and per interrupt
 * lookup that was ~3 million instructions for QEMU virt's 56 nodes, most
 * of the kernel's boot time under TCG; the walk below reads each tag once.
 * Properties after a node's first child are ignored, as libfdt's lookups
 * never see them either.
 */
#include <kernel/string.h>

#include "internal.h"

/*
 * A property found during the walk: its value's offset in the blob (0:
 * absent; no value can lie in the header) and length. Only the first
 * property of a name counts, as with fdt_getprop().
 */
struct raw_prop {
	uint32_t at;
	int32_t len;
};

/* What pass 1 keeps of each node (indexed like tree->nodes). */
struct node_props {
	struct raw_prop address_cells, size_cells; /* for the node's children */
	struct raw_prop interrupts, interrupts_extended, interrupt_parent;
	struct raw_prop interrupt_cells;
	bool interrupt_map;
};

/* The properties of the node being read that only its completion needs. */
struct open_node {
	struct raw_prop compatible, status, phandle, linux_phandle, reg;
	bool interrupt_controller;
};

struct scan {
	const void *blob;
	struct dev_tree *tree;
	struct fdt_report *rep;
	int chosen, aliases; /* offsets of /chosen and /aliases, -1 if none */
};

/* Boot CPU, not reentrant: the front end fills one tree at a time. */
static struct node_props node_props[DEV_MAX_NODES];

static struct node_props *props_of(struct scan *s, const struct dev_node *node)
{
	return &node_props[node - s->tree->nodes];
}

static const void *raw(struct scan *s, struct raw_prop r)
{
	return (const uint8_t *)s->blob + r.at;
}

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

static uint8_t parse_status(const char *s, int len)
{
	if (!s || len < 1)
		return DEV_STATUS_OKAY;
	if (strncmp(s, "okay", (size_t)len) == 0 || strncmp(s, "ok", (size_t)len) == 0)
		return DEV_STATUS_OKAY;
	if (len >= 4 && strncmp(s, "fail", 4) == 0)
		return DEV_STATUS_FAIL;
	return DEV_STATUS_DISABLED;
}

static err_t read_phandle(struct scan *s, const struct open_node *o, int off, uint32_t *out)
{
	struct raw_prop r = o->phandle.at ? o->phandle : o->linux_phandle;
	const void *p = raw(s, r);
	uint32_t ph;

	*out = 0;
	if (!r.at)
		return CAIRN_OK;
	if (r.len != 4 || fdt_cell(p, 0) == 0 || fdt_cell(p, 0) == 0xffffffffu)
		return fdt_report_set(s->rep, s->blob, off, FDT_PROBLEM_BAD_PHANDLE,
				      CAIRN_ERR_CORRUPT, "phandle property of %d bytes, value %#x",
				      r.len, r.len == 4 ? fdt_cell(p, 0) : 0);
	ph = fdt_cell(p, 0);
	if (dev_tree_find_phandle(s->tree, ph))
		return fdt_report_set(s->rep, s->blob, off, FDT_PROBLEM_BAD_PHANDLE,
				      CAIRN_ERR_CORRUPT, "phandle %#x is used by two nodes", ph);
	*out = ph;
	return CAIRN_OK;
}

static err_t read_reg(struct scan *s, struct dev_node *node, const struct open_node *o, int off)
{
	const struct node_props *pp = props_of(s, node->parent);
	const uint8_t *reg = raw(s, o->reg);
	int ac, sc, len = o->reg.len, parent_off = node->parent->fw_ref;
	int path[FDT_MAX_DEPTH + 1], depth = 0;
	err_t err;

	if (!o->reg.at)
		return CAIRN_OK;
	/* The buses above the node, nearest first, for fdt_translate. */
	for (const struct dev_node *b = node->parent; b && depth < FDT_MAX_DEPTH + 1; b = b->parent)
		path[depth++] = b->fw_ref;
	err = fdt_cells_check(s->blob, parent_off,
			      pp->address_cells.at ? raw(s, pp->address_cells) : NULL,
			      pp->address_cells.len,
			      pp->size_cells.at ? raw(s, pp->size_cells) : NULL, pp->size_cells.len,
			      &ac, &sc, s->rep);
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

		err = fdt_translate(s->blob, path, depth, &base, size, &local, s->rep);
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

/* Remember property `name` at tag offset `off` if it is one the model uses. */
static err_t take_prop(struct scan *s, struct node_props *np, struct open_node *o, int off)
{
	static const struct {
		const char *name;
		size_t where; /* offset into the pair below */
		bool open;    /* in struct open_node, else struct node_props */
	} wanted[] = {
		{ "compatible", offsetof(struct open_node, compatible), true },
		{ "status", offsetof(struct open_node, status), true },
		{ "phandle", offsetof(struct open_node, phandle), true },
		{ "linux,phandle", offsetof(struct open_node, linux_phandle), true },
		{ "reg", offsetof(struct open_node, reg), true },
		{ "#address-cells", offsetof(struct node_props, address_cells), false },
		{ "#size-cells", offsetof(struct node_props, size_cells), false },
		{ "interrupts", offsetof(struct node_props, interrupts), false },
		{ "interrupts-extended", offsetof(struct node_props, interrupts_extended), false },
		{ "interrupt-parent", offsetof(struct node_props, interrupt_parent), false },
		{ "#interrupt-cells", offsetof(struct node_props, interrupt_cells), false },
	};
	const char *name;
	int len;
	const char *v = fdt_getprop_by_offset(s->blob, off, &name, &len);

	if (!v || !name)
		return fdt_report_set(s->rep, s->blob, -1, FDT_PROBLEM_BAD_STRUCTURE,
				      CAIRN_ERR_CORRUPT, "unreadable property at offset %d: "
				      "libfdt: %s", off, fdt_strerror(v ? -FDT_ERR_BADOFFSET : len));
	if (strcmp(name, "interrupt-controller") == 0) {
		o->interrupt_controller = true;
		return CAIRN_OK;
	}
	if (strcmp(name, "interrupt-map") == 0) {
		np->interrupt_map = true;
		return CAIRN_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(wanted); i++) {
		struct raw_prop *r;

		if (strcmp(name, wanted[i].name) != 0)
			continue;
		r = (struct raw_prop *)(void *)((wanted[i].open ? (char *)o : (char *)np) +
					      wanted[i].where);
		if (!r->at)
			*r = (struct raw_prop){ (uint32_t)(v - (const char *)s->blob), len };
		break;
	}
	return CAIRN_OK;
}

/* The node's property list has ended: status, compatible, phandle, reg. */
static err_t complete_node(struct scan *s, struct dev_node *node, const struct open_node *o)
{
	int off = node->fw_ref;
	err_t err;

	node->status = parse_status(o->status.at ? raw(s, o->status) : NULL, o->status.len);
	if (o->interrupt_controller)
		node->flags |= DEV_NODE_IRQ_CONTROLLER;
	if (o->compatible.at && o->compatible.len > 0) {
		err = dev_node_set_compatible(node, raw(s, o->compatible), (size_t)o->compatible.len);
		if (err == CAIRN_ERR_LIMIT)
			return too_big(s, off, "strings");
		if (err)
			return fdt_report_set(s->rep, s->blob, off, FDT_PROBLEM_BAD_PROPERTY,
					      CAIRN_ERR_CORRUPT,
					      "compatible is not a NUL-terminated list");
	}
	err = read_phandle(s, o, off, &node->phandle);
	if (!err && node->parent)
		err = read_reg(s, node, o, off);
	return err;
}

static bool named(const char *name, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(name, want, len) == 0;
}

static err_t pass_nodes(struct scan *s)
{
	struct dev_node *stack[FDT_MAX_DEPTH + 1];
	struct open_node open;
	struct dev_node *reading = NULL; /* the node whose properties come next */
	int off = 0, next, depth = -1;
	err_t err;

	for (;; off = next) {
		uint32_t tag = fdt_next_tag(s->blob, off, &next);
		struct dev_node *node;
		const char *name;
		size_t len;

		if (next < 0)
			return fdt_report_set(s->rep, s->blob, -1, FDT_PROBLEM_BAD_STRUCTURE,
					      CAIRN_ERR_CORRUPT, "walking the nodes: libfdt: %s",
					      fdt_strerror(next));
		switch (tag) {
		case FDT_PROP:
			if (reading) {
				err = take_prop(s, props_of(s, reading), &open, off);
				if (err)
					return err;
			}
			break;
		case FDT_BEGIN_NODE:
			if (reading) {
				err = complete_node(s, reading, &open);
				if (err)
					return err;
			}
			if (++depth > FDT_MAX_DEPTH)
				return fdt_report_set(s->rep, s->blob, off,
						      FDT_PROBLEM_BAD_STRUCTURE, CAIRN_ERR_CORRUPT,
						      "nodes nested deeper than %d", FDT_MAX_DEPTH);
			/* fdt_next_tag checked that the name ends inside the block. */
			name = fdt_offset_ptr(s->blob, off + FDT_TAGSIZE, 1);
			if (!name)
				return fdt_report_set(s->rep, s->blob, off,
						      FDT_PROBLEM_BAD_STRUCTURE, CAIRN_ERR_CORRUPT,
						      "unreadable node name");
			len = strnlen(name, (size_t)(next - off - FDT_TAGSIZE));
			node = dev_node_add(s->tree, depth > 0 ? stack[depth - 1] : NULL, name, len,
					    &err);
			if (!node)
				return err == CAIRN_ERR_LIMIT ? too_big(s, off, "nodes") :
				       fdt_report_set(s->rep, s->blob, off,
						      FDT_PROBLEM_BAD_STRUCTURE, CAIRN_ERR_CORRUPT,
						      "misplaced node");
			node->fw_ref = off;
			memset(props_of(s, node), 0, sizeof(struct node_props));
			memset(&open, 0, sizeof(open));
			if (depth == 1 && s->chosen < 0 && named(name, len, "chosen"))
				s->chosen = off;
			if (depth == 1 && s->aliases < 0 && named(name, len, "aliases"))
				s->aliases = off;
			stack[depth] = node;
			reading = node;
			break;
		case FDT_END_NODE:
			if (reading) {
				err = complete_node(s, reading, &open);
				if (err)
					return err;
				reading = NULL;
			}
			if (depth < 0)
				return fdt_report_set(s->rep, s->blob, off,
						      FDT_PROBLEM_BAD_STRUCTURE, CAIRN_ERR_CORRUPT,
						      "a node ends that never began");
			if (--depth < 0)
				return CAIRN_OK; /* the root's end */
			break;
		case FDT_NOP:
			break;
		default: /* FDT_END before the root ended */
			return fdt_report_set(s->rep, s->blob, -1, FDT_PROBLEM_BAD_STRUCTURE,
					      CAIRN_ERR_CORRUPT, "the structure block ends inside "
					      "a node");
		}
	}
}

static err_t irq_cells(struct scan *s, struct dev_node *ctrl, int *cells)
{
	struct raw_prop r = props_of(s, ctrl)->interrupt_cells;
	uint32_t v = r.at && r.len == 4 ? fdt_cell(raw(s, r), 0) : 0;

	if (!r.at)
		return fdt_report_set(s->rep, s->blob, ctrl->fw_ref, FDT_PROBLEM_BAD_CELLS,
				      CAIRN_ERR_CORRUPT,
				      "interrupt controller without #interrupt-cells");
	if (v == 0 || v > DEV_IRQ_MAX_CELLS)
		return fdt_report_set(s->rep, s->blob, ctrl->fw_ref, FDT_PROBLEM_BAD_CELLS,
				      CAIRN_ERR_CORRUPT, "#interrupt-cells is %u (1..%d allowed)",
				      v, DEV_IRQ_MAX_CELLS);
	*cells = (int)v;
	return CAIRN_OK;
}

/* The node's interrupt parent: own or inherited (one-cell) interrupt-parent. */
static struct dev_node *parent_link(struct scan *s, struct dev_node *node, uint32_t *phandle)
{
	for (struct dev_node *n = node; n; n = n->parent) {
		struct raw_prop r = props_of(s, n)->interrupt_parent;

		if (r.at && r.len == 4) {
			*phandle = fdt_cell(raw(s, r), 0);
			return n;
		}
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

		if (!parent_link(s, n, &ph))
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
		if (props_of(s, target)->interrupt_map)
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
		const struct node_props *np = props_of(s, node);
		struct dev_node *ctrl;

		if (np->interrupts_extended.at) {
			err = interrupts_extended(s, node, raw(s, np->interrupts_extended),
						  (size_t)np->interrupts_extended.len);
			continue;
		}
		if (!np->interrupts.at || np->interrupts.len == 0)
			continue;
		err = find_controller(s, node, &ctrl);
		if (err)
			break;
		if (!ctrl) {
			node->flags |= DEV_NODE_IRQ_UNRESOLVED;
			continue;
		}
		err = add_irqs(s, node, ctrl, raw(s, np->interrupts), (size_t)np->interrupts.len);
	}
	return err;
}

/*
 * /chosen stdout-path: "serial0:115200n8" or "/pl011@9000000": an alias or
 * a path, options after ':'. Resolved on the tree already built (the same
 * name matching as libfdt's: "uart" matches "uart@1000"), so that it costs
 * no further walk of the blob.
 */
static void find_stdout(struct scan *s)
{
	char path[DEV_PATH_MAX];
	const char *p, *alias;
	int len, alias_len;
	size_t n, head = 0;

	if (s->chosen < 0)
		return;
	p = fdt_getprop(s->blob, s->chosen, "stdout-path", &len);
	if (!p)
		p = fdt_getprop(s->blob, s->chosen, "linux,stdout-path", &len);
	if (!p || len < 2 || p[len - 1] != '\0')
		return;
	n = strchr(p, ':') ? (size_t)(strchr(p, ':') - p) : strlen(p);
	if (p[0] != '/') {
		/* An alias, perhaps followed by a path below the node it names. */
		size_t name_len = memchr(p, '/', n) ? (size_t)((const char *)memchr(p, '/', n) - p) : n;

		if (s->aliases < 0)
			return;
		alias = fdt_getprop_namelen(s->blob, s->aliases, p, (int)name_len, &alias_len);
		if (!alias || alias_len < 2 || alias[alias_len - 1] != '\0' || alias[0] != '/' ||
		    (size_t)alias_len - 1 >= sizeof(path))
			return;
		head = (size_t)alias_len - 1;
		memcpy(path, alias, head);
		p += name_len;
		n -= name_len;
	}
	if (head + n >= sizeof(path))
		return;
	memcpy(path + head, p, n);
	path[head + n] = '\0';
	s->tree->stdout_node = dev_tree_find_path(s->tree, path);
}

err_t fdt_dev_tree_fill(const struct fdt_blob *fb, struct dev_tree *tree,
			struct fdt_report *rep)
{
	const void *blob = fb->fdt;
	struct scan s = { .blob = blob, .tree = tree, .rep = rep, .chosen = -1, .aliases = -1 };
	const char *model;
	int len;
	err_t err;

	dev_tree_init(tree, &fdt_fw_ops, blob);
	rep->problem = FDT_PROBLEM_NONE;
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
