// SPDX-License-Identifier: BSD-2-Clause
/*
 * The device tree's storage and queries (see include/kernel/dev.h).
 *
 * Storage is one struct dev_tree: a node array, reg and irq pools and a
 * string arena, all bounded at compile time, because the tree is filled
 * before any allocator exists. Nodes are appended in firmware (depth-first)
 * order, so "tree order" is simply array order and a node's reg and irq
 * slices are contiguous runs of the pools: a front end adds all of one
 * node's ranges before it creates the next node (invariant 2).
 *
 * Nothing here trusts the front end's input beyond its types: names and
 * compatible lists are length-checked and copied, and a full pool is an
 * error (CAIRN_ERR_LIMIT), never an overrun.
 */
#include <kernel/assert.h>
#include <kernel/dev.h>
#include <kernel/log.h>
#include <kernel/string.h>

static struct dev_tree kernel_tree;
static dev_mmio_map_fn mmio_mapper;

struct dev_tree *dev_tree_kernel(void)
{
	return &kernel_tree;
}

void dev_tree_init(struct dev_tree *tree, const struct dev_fw_ops *fw, const void *fw_ctx)
{
	memset(tree, 0, sizeof(*tree));
	tree->fw = fw;
	tree->fw_ctx = fw_ctx;
}

static char *strings_put(struct dev_tree *tree, const char *s, size_t len, bool terminate)
{
	size_t need = len + (terminate ? 1 : 0);
	char *p;

	if (need > sizeof(tree->strings) - tree->strings_used)
		return NULL;
	p = tree->strings + tree->strings_used;
	memcpy(p, s, len);
	if (terminate)
		p[len] = '\0';
	tree->strings_used += need;
	return p;
}

static bool owned(const struct dev_tree *tree, const struct dev_node *node)
{
	return node >= tree->nodes && node < tree->nodes + tree->nnodes;
}

struct dev_node *dev_node_add(struct dev_tree *tree, struct dev_node *parent,
			      const char *name, size_t name_len, err_t *err)
{
	struct dev_node *node;
	const char *copy;

	if ((parent == NULL) != (tree->nnodes == 0) || (parent && !owned(tree, parent))) {
		*err = CAIRN_ERR_INVAL;
		return NULL;
	}
	if (tree->nnodes == DEV_MAX_NODES) {
		*err = CAIRN_ERR_LIMIT;
		return NULL;
	}
	copy = strings_put(tree, name, strnlen(name, name_len), true);
	if (!copy) {
		*err = CAIRN_ERR_LIMIT;
		return NULL;
	}
	node = &tree->nodes[tree->nnodes++];
	memset(node, 0, sizeof(*node));
	node->name = copy;
	node->tree = tree;
	node->parent = parent;
	node->reg = tree->regs + tree->nregs;
	node->irq = tree->irqs + tree->nirqs;
	node->fw_ref = -1;
	if (parent) {
		/* Keep firmware order: append after the last child. */
		struct dev_node **link = &parent->child;

		while (*link)
			link = &(*link)->sibling;
		*link = node;
	}
	*err = CAIRN_OK;
	return node;
}

err_t dev_node_set_compatible(struct dev_node *node, const char *list, size_t len)
{
	const char *copy;

	if (len == 0 || list[len - 1] != '\0')
		return CAIRN_ERR_INVAL;
	copy = strings_put(node->tree, list, len, false);
	if (!copy)
		return CAIRN_ERR_LIMIT;
	node->compatible = copy;
	node->compatible_len = len;
	return CAIRN_OK;
}

err_t dev_node_add_reg(struct dev_node *node, paddr_t base, uint64_t size)
{
	struct dev_tree *tree = node->tree;

	/* A node's ranges are one run at the end of the pool (invariant 2). */
	if (node->nreg == 0)
		node->reg = tree->regs + tree->nregs;
	if (node->reg + node->nreg != tree->regs + tree->nregs)
		return CAIRN_ERR_INVAL;
	if (tree->nregs == DEV_MAX_REGS)
		return CAIRN_ERR_LIMIT;
	tree->regs[tree->nregs++] = (struct dev_reg){ base, size };
	node->nreg++;
	return CAIRN_OK;
}

err_t dev_node_add_irq(struct dev_node *node, struct dev_node *controller,
		       const uint32_t *cells, size_t ncells)
{
	struct dev_tree *tree = node->tree;
	struct dev_irq *irq;

	if (!owned(tree, controller)) /* invariant 3 */
		return CAIRN_ERR_INVAL;
	if (node->nirq == 0)
		node->irq = tree->irqs + tree->nirqs;
	if (node->irq + node->nirq != tree->irqs + tree->nirqs) /* invariant 2 */
		return CAIRN_ERR_INVAL;
	if (ncells > DEV_IRQ_MAX_CELLS)
		return CAIRN_ERR_RANGE;
	if (tree->nirqs == DEV_MAX_IRQS)
		return CAIRN_ERR_LIMIT;
	irq = &tree->irqs[tree->nirqs++];
	irq->controller = controller;
	irq->ncells = (uint8_t)ncells;
	memcpy(irq->cells, cells, ncells * sizeof(cells[0]));
	node->nirq++;
	return CAIRN_OK;
}

struct dev_node *dev_tree_root(struct dev_tree *tree)
{
	return tree->nnodes ? &tree->nodes[0] : NULL;
}

const char *dev_node_compatible_at(const struct dev_node *node, size_t i)
{
	size_t off = 0;

	while (off < node->compatible_len) {
		const char *s = node->compatible + off;

		if (i-- == 0)
			return s;
		off += strlen(s) + 1;
	}
	return NULL;
}

bool dev_node_is_compatible(const struct dev_node *node, const char *compat)
{
	const char *s;

	for (size_t i = 0; (s = dev_node_compatible_at(node, i)) != NULL; i++) {
		if (strcmp(s, compat) == 0)
			return true;
	}
	return false;
}

struct dev_node *dev_tree_find_compatible(struct dev_tree *tree, struct dev_node *from,
					  const char *compat)
{
	size_t i = from ? (size_t)(from - tree->nodes) + 1 : 0;

	for (; i < tree->nnodes; i++) {
		if (dev_node_is_compatible(&tree->nodes[i], compat))
			return &tree->nodes[i];
	}
	return NULL;
}

struct dev_node *dev_tree_find_phandle(struct dev_tree *tree, uint32_t phandle)
{
	if (phandle == 0)
		return NULL;
	for (size_t i = 0; i < tree->nnodes; i++) {
		if (tree->nodes[i].phandle == phandle)
			return &tree->nodes[i];
	}
	return NULL;
}

struct dev_node *dev_tree_find_path(struct dev_tree *tree, const char *path)
{
	struct dev_node *node = dev_tree_root(tree);

	if (!node || path[0] != '/')
		return NULL;
	while (node && *path) {
		const char *end;
		size_t n;

		while (*path == '/')
			path++;
		if (!*path)
			break;
		end = strchr(path, '/');
		n = end ? (size_t)(end - path) : strlen(path);
		struct dev_node *c;

		for (c = node->child; c; c = c->sibling) {
			/* "uart" matches "uart@1000" when no unit address is given. */
			if (strncmp(c->name, path, n) == 0 &&
			    (c->name[n] == '\0' || (c->name[n] == '@' && !memchr(path, '@', n))))
				break;
		}
		node = c;
		path += n;
	}
	return node;
}

const char *dev_node_path(const struct dev_node *node, char *buf, size_t size)
{
	const struct dev_node *chain[32];
	size_t depth = 0, used = 0;

	if (size == 0)
		return buf;
	for (const struct dev_node *n = node; n && n->parent && depth < ARRAY_SIZE(chain);
	     n = n->parent)
		chain[depth++] = n;
	buf[0] = '\0';
	if (depth == 0) {
		kstrlcpy(buf, "/", size);
		return buf;
	}
	while (depth--) {
		size_t len = strlen(chain[depth]->name);

		if (used + len + 2 > size) {
			if (size >= 4)
				memcpy(buf + size - 4, "...", 4);
			return buf;
		}
		buf[used++] = '/';
		memcpy(buf + used, chain[depth]->name, len);
		used += len;
		buf[used] = '\0';
	}
	return buf;
}

const void *dev_node_prop(const struct dev_node *node, const char *name, size_t *len)
{
	const struct dev_tree *tree = node->tree;

	if (!tree->fw || !tree->fw->prop)
		return NULL;
	return tree->fw->prop(tree, node, name, len);
}

err_t dev_node_prop_u32(const struct dev_node *node, const char *name, uint32_t *out)
{
	size_t len;
	const uint8_t *p = dev_node_prop(node, name, &len);

	if (!p)
		return CAIRN_ERR_NOENT;
	if (len != 4)
		return CAIRN_ERR_CORRUPT;
	/* Firmware properties are big-endian cells. */
	*out = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return CAIRN_OK;
}

err_t dev_node_prop_string(const struct dev_node *node, const char *name, const char **out)
{
	size_t len;
	const char *p = dev_node_prop(node, name, &len);

	if (!p)
		return CAIRN_ERR_NOENT;
	if (len == 0 || p[len - 1] != '\0')
		return CAIRN_ERR_CORRUPT;
	*out = p;
	return CAIRN_OK;
}

const char *dev_status_name(uint8_t status)
{
	switch (status) {
	case DEV_STATUS_OKAY:
		return "okay";
	case DEV_STATUS_DISABLED:
		return "disabled";
	case DEV_STATUS_FAIL:
		return "fail";
	default:
		return "?";
	}
}

void dev_mmio_mapper_set(dev_mmio_map_fn fn)
{
	mmio_mapper = fn;
}

err_t dev_node_mmio(const struct dev_node *node, size_t index, struct io_region *out)
{
	const struct dev_reg *r;
	uintptr_t va;
	err_t err;

	if (index >= node->nreg)
		return CAIRN_ERR_NOENT;
	if (node->flags & DEV_NODE_REG_LOCAL)
		return CAIRN_ERR_RANGE;
	r = &node->reg[index];
	if (r->size == 0 || r->size > SIZE_MAX)
		return CAIRN_ERR_RANGE;
	if (!mmio_mapper)
		return CAIRN_ERR_NOTSUP;
	err = mmio_mapper(r->base, r->size, &va);
	if (err)
		return err;
	*out = (struct io_region){
		.space = IO_SPACE_MMIO, .shift = 0, .base = va, .size = (size_t)r->size,
	};
	return CAIRN_OK;
}
