/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device model: one arch-neutral tree of the machine's devices.
 *
 * A firmware front end fills the tree (drivers/fdt from a flattened device
 * tree on AArch64; ACPI tables and a PCI scan on x86_64 later) and drivers
 * bind to its nodes by `compatible` (include/kernel/driver.h). A node holds
 * what every bus and firmware can describe:
 *
 *   name        the node's own name ("pl011@9000000"); path by walking up
 *   compatible  a list of strings, most specific first
 *   reg         ranges in the CPU's physical address space, already
 *               translated through every parent bus's `ranges` and cell
 *               counts (unless the bus has no CPU mapping: DEV_NODE_REG_LOCAL)
 *   irqs        interrupt specifiers, each resolved to its controller node
 *   status      okay / disabled / fail
 *   phandle     the firmware's handle of the node, 0 if none
 *
 * Everything else a driver needs (a clock frequency, PSCI's `method`) is
 * read through dev_node_prop*(), which asks the front end that filled the
 * tree. The tree is built once at boot, from storage bounded at compile
 * time (no allocation: it is filled before the memory manager exists), and
 * never changes shape afterwards; only binding state changes.
 *
 * Invariants (cited by DEBUG_ASSERTs in src/dev/tree.c):
 *   1. A node's parent is created before it; nodes[0] is the root and the
 *      only node without a parent.
 *   2. A node's reg ranges are one contiguous run of the tree's reg pool,
 *      and its irqs one run of the irq pool.
 *   3. An irq's controller is a node of the same tree.
 *
 * Context: the tree is filled and bound on the boot CPU during init;
 * afterwards it is read-only and may be read from any context.
 */
#ifndef KERNEL_DEV_H
#define KERNEL_DEV_H

#include <kernel/io.h>
#include <kernel/types.h>

#define DEV_MAX_NODES 384
#define DEV_MAX_REGS 512
#define DEV_MAX_IRQS 512
#define DEV_STRINGS_BYTES 16384
#define DEV_IRQ_MAX_CELLS 4
#define DEV_PATH_MAX 256

enum dev_status {
	DEV_STATUS_OKAY = 0,
	DEV_STATUS_DISABLED = 1,
	DEV_STATUS_FAIL = 2,
};

/* Node flags. */
#define DEV_NODE_REG_LOCAL (1u << 0)    /* reg is bus-local: no CPU mapping */
#define DEV_NODE_IRQ_CONTROLLER (1u << 1)
#define DEV_NODE_IRQ_UNRESOLVED (1u << 2) /* interrupts through a nexus
                                             (interrupt-map): not resolved */
#define DEV_NODE_BOUND (1u << 3)
#define DEV_NODE_PROBE_FAILED (1u << 4)

struct dev_reg {
	paddr_t base;
	uint64_t size;
};

struct dev_irq {
	struct dev_node *controller;
	uint8_t ncells;
	uint32_t cells[DEV_IRQ_MAX_CELLS];
};

struct driver;
struct dev_tree;

struct dev_node {
	const char *name;
	struct dev_tree *tree;
	struct dev_node *parent, *child, *sibling; /* children in firmware order */
	const char *compatible; /* NUL-separated list */
	size_t compatible_len;  /* bytes including the last NUL; 0: none */
	struct dev_reg *reg;
	struct dev_irq *irq;
	uint16_t nreg, nirq;
	uint32_t phandle;
	uint8_t status;         /* enum dev_status */
	uint32_t flags;         /* DEV_NODE_* */
	int fw_ref;             /* the front end's handle (an FDT offset) */
	/* Binding state: written once, by dev_bind, on the boot CPU. */
	const struct driver *driver;
	const char *bound_compatible;
	void *driver_data;
};

/*
 * What a front end provides so that drivers can read properties the model
 * does not carry. prop() returns a pointer to the raw value and its length,
 * or NULL if the node has no such property.
 */
struct dev_fw_ops {
	const char *name; /* "fdt", "acpi" */
	const void *(*prop)(const struct dev_tree *tree, const struct dev_node *node,
			    const char *name, size_t *len);
};

/* Maps device registers for drivers: [pa, pa + size) to a virtual address
 * (uncached, device memory). Set by the arch (aarch64: its MMU code); the
 * hosted shim's tests set a fake. */
typedef err_t (*dev_mmio_map_fn)(paddr_t pa, uint64_t size, uintptr_t *va);

struct dev_tree {
	struct dev_node nodes[DEV_MAX_NODES];
	size_t nnodes;
	struct dev_reg regs[DEV_MAX_REGS];
	size_t nregs;
	struct dev_irq irqs[DEV_MAX_IRQS];
	size_t nirqs;
	char strings[DEV_STRINGS_BYTES];
	size_t strings_used;

	const struct dev_fw_ops *fw;
	const void *fw_ctx;          /* the front end's data (the DTB) */
	struct dev_node *stdout_node; /* the console firmware chose, or NULL */
	char model[64];              /* the machine's name ("linux,dummy-virt") */
};

/* ---- building (front ends) -------------------------------------------- */

/* dev_tree_init - empty `tree`, remember the front end. Boot CPU. */
void dev_tree_init(struct dev_tree *tree, const struct dev_fw_ops *fw, const void *fw_ctx);

/*
 * dev_node_add - a new node named `name` (copied) under `parent` (NULL:
 * the root, which must be the first node added). Returns the node, or
 * NULL with *err = CAIRN_ERR_LIMIT (no node or string space left) or
 * CAIRN_ERR_INVAL (a second root, or a parent from another tree).
 */
struct dev_node *dev_node_add(struct dev_tree *tree, struct dev_node *parent,
			      const char *name, size_t name_len, err_t *err);

/* dev_node_set_compatible - copy a NUL-separated list of `len` bytes (the
 * last byte must be NUL). CAIRN_ERR_INVAL if malformed, _LIMIT if full. */
err_t dev_node_set_compatible(struct dev_node *node, const char *list, size_t len);

/* dev_node_add_reg - append a reg range; a node's ranges must be added
 * without another node's in between (they form one run of the pool).
 * CAIRN_ERR_LIMIT if the pool is full, CAIRN_ERR_INVAL if another node's
 * ranges were added since this node's first. */
err_t dev_node_add_reg(struct dev_node *node, paddr_t base, uint64_t size);

/* dev_node_add_irq - as dev_node_add_reg, for an interrupt specifier of
 * `ncells` cells (at most DEV_IRQ_MAX_CELLS: CAIRN_ERR_RANGE) on
 * `controller` (a node of the same tree). */
err_t dev_node_add_irq(struct dev_node *node, struct dev_node *controller,
		       const uint32_t *cells, size_t ncells);

/* ---- reading ------------------------------------------------------------ */

/* dev_tree_kernel - the kernel's own tree (filled at boot by the front end). */
struct dev_tree *dev_tree_kernel(void);

struct dev_node *dev_tree_root(struct dev_tree *tree);

/* dev_node_is_compatible - true if `compat` is in the node's list. */
bool dev_node_is_compatible(const struct dev_node *node, const char *compat);

/* dev_node_compatible_at - the i-th compatible string, NULL past the end. */
const char *dev_node_compatible_at(const struct dev_node *node, size_t i);

/* dev_tree_find_compatible - the first node (in tree order) after `from`
 * (NULL: from the start) that is compatible with `compat`; NULL if none. */
struct dev_node *dev_tree_find_compatible(struct dev_tree *tree, struct dev_node *from,
					  const char *compat);

/* dev_tree_find_phandle - the node with this phandle, NULL if none (or 0). */
struct dev_node *dev_tree_find_phandle(struct dev_tree *tree, uint32_t phandle);

/* dev_tree_find_path - the node at an absolute path ("/soc/uart@1000"). */
struct dev_node *dev_tree_find_path(struct dev_tree *tree, const char *path);

/* dev_node_path - write the node's absolute path into buf; returns buf.
 * Truncated paths end in "...". */
const char *dev_node_path(const struct dev_node *node, char *buf, size_t size);

/* Properties through the front end (see struct dev_fw_ops). */
const void *dev_node_prop(const struct dev_node *node, const char *name, size_t *len);
/* dev_node_prop_u32 - a one-cell property. CAIRN_ERR_NOENT if absent,
 * CAIRN_ERR_CORRUPT if it is not exactly 4 bytes. */
err_t dev_node_prop_u32(const struct dev_node *node, const char *name, uint32_t *out);
/* dev_node_prop_string - a NUL-terminated string property. CAIRN_ERR_NOENT
 * if absent, CAIRN_ERR_CORRUPT if not NUL-terminated. */
err_t dev_node_prop_string(const struct dev_node *node, const char *name, const char **out);

const char *dev_status_name(uint8_t status);

/*
 * dev_tree_dump - print every node: path, compatible list, status, reg,
 * resolved interrupts and the bound driver. Through the log (INFO).
 */
void dev_tree_dump(struct dev_tree *tree);

/* ---- registers ------------------------------------------------------------ */

/* dev_mmio_mapper_set - install the arch's mapper (boot CPU, early). */
void dev_mmio_mapper_set(dev_mmio_map_fn fn);

/*
 * dev_node_mmio - an io_region for the node's reg range `index`, mapped
 * through the installed mapper. CAIRN_ERR_NOENT if the node has no such
 * range, CAIRN_ERR_RANGE if that range is bus-local (DEV_NODE_REG_LOCAL) or
 * does not fit the address space, CAIRN_ERR_NOTSUP if no mapper is
 * installed, or the mapper's error. Boot CPU, driver probe.
 */
err_t dev_node_mmio(const struct dev_node *node, size_t index, struct io_region *out);

#endif /* KERNEL_DEV_H */
