// SPDX-License-Identifier: BSD-2-Clause
/*
 * The FDT front end (drivers/fdt) against real and malformed device trees.
 *
 * Valid trees are .dts fixtures compiled by dtc at build time: QEMU's virt
 * machine with GICv2 and GICv3 exactly as QEMU describes it, and a
 * board-like tree with nested buses, ranges, cascaded interrupt
 * controllers and reserved memory. Malformed blobs are derived from them
 * here with the host's libfdt (a changed magic, a cut blob, a bad cell
 * count, an interrupt-parent loop, overlapping or absurd memory), and each
 * must give its precise problem, error code and node path, with the
 * outputs left untouched. Every blob is handed over in a heap block of
 * exactly its size, so an over-read is an ASan error in hosted-san.
 */
#include <libfdt.h>
#include <string.h>

#include "cairn_test.h"

#include <fdt/fdt.h>
#include <kernel/dev.h>

#define BLOB_PA 0x48000000ull

/*
 * libfdt lookups by the front end, counted through the linker's --wrap
 * (tests.cmake) while `counting` is set. fdt_getprop() walks a node's
 * properties from its name on; the path and parent lookups walk the blob
 * from its start. Done per node, they cost millions of instructions at
 * boot: the front end must read the blob in walks instead.
 */
static bool counting;
static unsigned getprops, rescans;

const void *__real_fdt_getprop(const void *fdt, int off, const char *name, int *lenp);
int __real_fdt_parent_offset(const void *fdt, int off);
int __real_fdt_path_offset(const void *fdt, const char *path);
int __real_fdt_path_offset_namelen(const void *fdt, const char *path, int namelen);
int __real_fdt_subnode_offset(const void *fdt, int parent, const char *name);
int __real_fdt_node_offset_by_phandle(const void *fdt, uint32_t phandle);
const void *__wrap_fdt_getprop(const void *fdt, int off, const char *name, int *lenp);
int __wrap_fdt_parent_offset(const void *fdt, int off);
int __wrap_fdt_path_offset(const void *fdt, const char *path);
int __wrap_fdt_path_offset_namelen(const void *fdt, const char *path, int namelen);
int __wrap_fdt_subnode_offset(const void *fdt, int parent, const char *name);
int __wrap_fdt_node_offset_by_phandle(const void *fdt, uint32_t phandle);

const void *__wrap_fdt_getprop(const void *fdt, int off, const char *name, int *lenp)
{
	getprops += counting;
	return __real_fdt_getprop(fdt, off, name, lenp);
}

int __wrap_fdt_parent_offset(const void *fdt, int off)
{
	rescans += counting;
	return __real_fdt_parent_offset(fdt, off);
}

int __wrap_fdt_path_offset(const void *fdt, const char *path)
{
	rescans += counting;
	return __real_fdt_path_offset(fdt, path);
}

int __wrap_fdt_path_offset_namelen(const void *fdt, const char *path, int namelen)
{
	rescans += counting;
	return __real_fdt_path_offset_namelen(fdt, path, namelen);
}

int __wrap_fdt_subnode_offset(const void *fdt, int parent, const char *name)
{
	rescans += counting;
	return __real_fdt_subnode_offset(fdt, parent, name);
}

int __wrap_fdt_node_offset_by_phandle(const void *fdt, uint32_t phandle)
{
	rescans += counting;
	return __real_fdt_node_offset_by_phandle(fdt, phandle);
}

static struct boot_info bi;
static struct dev_tree tree;
static struct fdt_report rep;

/* A fixture compiled by dtc, in a malloc block of exactly its size. */
static void *load(const char *name, size_t *size)
{
	char path[512];
	FILE *f;
	long n;
	void *buf;

	snprintf(path, sizeof(path), "%s/%s.dtb", FDT_FIXTURE_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* An editable copy with room to grow; finish() packs it into an exact block. */
static void *edit(const char *name)
{
	size_t n;
	void *orig = load(name, &n);
	void *buf = malloc(n + 4096);

	assert_non_null(buf);
	assert_int_equal(fdt_open_into(orig, buf, (int)(n + 4096)), 0);
	free(orig);
	return buf;
}

static void *finish(void *buf, size_t *size)
{
	void *exact;

	assert_int_equal(fdt_pack(buf), 0);
	*size = fdt_totalsize(buf);
	exact = malloc(*size);
	assert_non_null(exact);
	memcpy(exact, buf, *size);
	free(buf);
	return exact;
}

static int path_of(void *blob, const char *path)
{
	int off = fdt_path_offset(blob, path);

	assert_true(off >= 0);
	return off;
}

static void set_cell(void *blob, const char *path, const char *prop, uint32_t v)
{
	assert_int_equal(fdt_setprop_u32(blob, path_of(blob, path), prop, v), 0);
}

static int reset(void **state)
{
	(void)state;
	boot_info_init(&bi, "test");
	memset(&rep, 0, sizeof(rep));
	dev_tree_init(&tree, NULL, NULL);
	return 0;
}

/* What the boot does with a blob: check it (fdt_blob_check), then read
 * it. A refused check leaves the reader's output as it was. */
static err_t boot_info_fill(const void *blob, size_t avail)
{
	struct fdt_blob fb;
	err_t err = fdt_blob_check(blob, avail, &fb, &rep);

	return err ? err : fdt_boot_info_fill(&fb, BLOB_PA, &bi, &rep);
}

static err_t dev_tree_fill(const void *blob, size_t avail)
{
	struct fdt_blob fb;
	err_t err = fdt_blob_check(blob, avail, &fb, &rep);

	return err ? err : fdt_dev_tree_fill(&fb, &tree, &rep);
}

static struct dev_node *node(const char *path)
{
	struct dev_node *n = dev_tree_find_path(&tree, path);

	if (!n)
		fail_msg("no node %s in the device model", path);
	return n;
}

/* Both readers must refuse `blob` with this problem and code, and leave
 * their outputs as they were. */
static void expect_refused(const void *blob, size_t avail, enum fdt_problem problem, err_t err,
			   const char *path)
{
	assert_int_equal(boot_info_fill(blob, avail), err);
	assert_string_equal(fdt_problem_name(rep.problem), fdt_problem_name(problem));
	if (path)
		assert_string_equal(rep.path, path);
	assert_true(rep.detail[0] != '\0');
	assert_int_equal(bi.nregions, 0);
	assert_int_equal(bi.nreserved, 0);
	assert_string_equal(bi.cmdline, "");

	if (problem == FDT_PROBLEM_MEMORY_OVERLAP || problem == FDT_PROBLEM_NO_MEMORY)
		return; /* memory map problems: the device model does not care */
	memset(&rep, 0, sizeof(rep));
	assert_int_equal(dev_tree_fill(blob, avail), err);
	assert_string_equal(fdt_problem_name(rep.problem), fdt_problem_name(problem));
	assert_int_equal(tree.nnodes, 0);
}

/* ---- QEMU virt -------------------------------------------------------------- */

static void test_qemu_virt_gives_its_ram_the_dtb_reservation_and_bootargs(void **state)
{
	size_t n;
	void *blob = load("qemu-virt-gicv2", &n);

	(void)state;
	assert_int_equal(boot_info_fill(blob, n), CAIRN_OK);
	assert_int_equal(bi.nregions, 1);
	assert_int_equal(bi.regions[0].base, 0x40000000);
	assert_int_equal(bi.regions[0].size, 256u << 20);
	assert_int_equal(bi.regions[0].type, BOOT_MEM_USABLE);
	assert_int_equal(bi.nreserved, 1);
	assert_int_equal(bi.reserved[0].kind, BOOT_RESERVE_DTB);
	assert_int_equal(bi.reserved[0].base, BLOB_PA);
	assert_int_equal(bi.reserved[0].size, n);
	assert_int_equal(bi.dtb_paddr, BLOB_PA);
	assert_int_equal(bi.dtb_size, n);
	assert_string_equal(bi.cmdline, "cairn.test loglevel=3");
	assert_string_equal(bi.loader_name, "");
	assert_int_equal(boot_info_finalize(&bi), CAIRN_OK);
	free(blob);
}

static void test_qemu_virt_gicv2_uart_is_found_with_its_interrupt_on_the_gic(void **state)
{
	size_t n;
	void *blob = load("qemu-virt-gicv2", &n);
	struct dev_node *uart, *gic;

	(void)state;
	assert_int_equal(dev_tree_fill(blob, n), CAIRN_OK);
	assert_string_equal(tree.model, "linux,dummy-virt");
	uart = node("/pl011@9000000");
	gic = node("/intc@8000000");
	assert_true(dev_node_is_compatible(uart, "arm,pl011"));
	assert_string_equal(dev_node_compatible_at(uart, 0), "arm,pl011");
	assert_string_equal(dev_node_compatible_at(uart, 1), "arm,primecell");
	assert_null(dev_node_compatible_at(uart, 2));
	assert_int_equal(uart->nreg, 1);
	assert_int_equal(uart->reg[0].base, 0x9000000);
	assert_int_equal(uart->reg[0].size, 0x1000);
	assert_int_equal(uart->nirq, 1);
	assert_ptr_equal(uart->irq[0].controller, gic);
	assert_int_equal(uart->irq[0].ncells, 3);
	assert_int_equal(uart->irq[0].cells[0], 0);
	assert_int_equal(uart->irq[0].cells[1], 1);
	assert_int_equal(uart->irq[0].cells[2], 4);
	assert_true(gic->flags & DEV_NODE_IRQ_CONTROLLER);
	assert_true(dev_node_is_compatible(gic, "arm,cortex-a15-gic"));
	assert_ptr_equal(tree.stdout_node, uart);
	/* 64-bit reg: the PCIe ECAM window above 4 GiB. */
	assert_int_equal(node("/pcie@10000000")->reg[0].base, 0x4010000000ull);
	assert_ptr_equal(dev_tree_find_compatible(&tree, NULL, "arm,pl011"), uart);
	free(blob);
}

static void test_qemu_virt_gicv3_timer_has_four_interrupts_on_the_gic_v3(void **state)
{
	size_t n;
	void *blob = load("qemu-virt-gicv3", &n);
	struct dev_node *timer, *gic, *its;
	const char *method;

	(void)state;
	assert_int_equal(dev_tree_fill(blob, n), CAIRN_OK);
	gic = node("/intc@8000000");
	assert_true(dev_node_is_compatible(gic, "arm,gic-v3"));
	assert_int_equal(gic->nreg, 2);
	its = node("/intc@8000000/its@8080000");
	assert_ptr_equal(its->parent, gic);
	assert_int_equal(its->reg[0].base, 0x8080000);
	timer = node("/timer");
	assert_int_equal(timer->nirq, 4);
	for (int i = 0; i < 4; i++) {
		assert_ptr_equal(timer->irq[i].controller, gic);
		assert_int_equal(timer->irq[i].cells[0], 1); /* PPI */
	}
	assert_int_equal(timer->irq[0].cells[1], 13);
	/* Properties the model does not carry come through the front end. */
	assert_int_equal(dev_node_prop_string(node("/psci"), "method", &method), CAIRN_OK);
	assert_string_equal(method, "hvc");
	assert_int_equal(dev_node_prop_string(node("/psci"), "no-such", &method),
			 CAIRN_ERR_NOENT);
	free(blob);
}

/* ---- the board -------------------------------------------------------------- */

static const struct boot_reserved *find_reserved(uint32_t kind, paddr_t base)
{
	for (size_t i = 0; i < bi.nreserved; i++) {
		if (bi.reserved[i].kind == kind && bi.reserved[i].base == base)
			return &bi.reserved[i];
	}
	fail_msg("no reservation of kind %u at %#llx", kind, (unsigned long long)base);
	return NULL;
}

static void test_board_memory_banks_and_every_kind_of_reservation_are_recorded(void **state)
{
	size_t n;
	void *blob = load("board", &n);

	(void)state;
	assert_int_equal(boot_info_fill(blob, n), CAIRN_OK);
	assert_int_equal(bi.nregions, 2);
	assert_int_equal(bi.regions[0].base, 0x80000000);
	assert_int_equal(bi.regions[1].base, 0x100000000ull);
	assert_int_equal(bi.regions[1].size, 0x40000000);
	/* /memreserve/, the static reserved-memory child, the blob, the initrd;
	 * the dynamic pool (size only) is the OS's to place, not reserved. */
	assert_int_equal(bi.nreserved, 4);
	assert_int_equal(find_reserved(BOOT_RESERVE_FIRMWARE, 0x80000000)->size, 0x10000);
	assert_int_equal(find_reserved(BOOT_RESERVE_FIRMWARE, 0x9f000000)->size, 0x100000);
	assert_int_equal(find_reserved(BOOT_RESERVE_DTB, BLOB_PA)->size, n);
	assert_int_equal(find_reserved(BOOT_RESERVE_MODULE, 0x88000000)->size, 0x100000);
	assert_string_equal(bi.cmdline, "console=serial0 cairn.test");
	assert_string_equal(bi.loader_name, "U-Boot 2099.01-test");
	assert_int_equal(boot_info_finalize(&bi), CAIRN_OK);
	free(blob);
}

static void test_board_reg_is_translated_through_nested_bus_ranges(void **state)
{
	size_t n;
	void *blob = load("board", &n);
	struct dev_node *uart, *rtc;

	(void)state;
	assert_int_equal(dev_tree_fill(blob, n), CAIRN_OK);
	uart = node("/soc/apb@30000000/uart@1000");
	assert_int_equal(uart->reg[0].base, 0x30001000); /* apb: 0 -> 0x30000000 */
	assert_int_equal(uart->reg[0].size, 0x1000);
	assert_false(uart->flags & DEV_NODE_REG_LOCAL);
	assert_int_equal(node("/soc/i2c@40000")->reg[0].base, 0x40000); /* soc: identity */
	/* An I2C address is not a CPU address. */
	rtc = node("/soc/i2c@40000/rtc@68");
	assert_true(rtc->flags & DEV_NODE_REG_LOCAL);
	assert_int_equal(rtc->reg[0].base, 0x68);
	assert_int_equal(rtc->reg[0].size, 0);
	/* The stdout-path alias with options names the UART. */
	assert_ptr_equal(tree.stdout_node, uart);
	assert_string_equal(tree.model, "Cairn test board");
	free(blob);
}

static void test_board_interrupts_resolve_to_cascaded_and_extended_controllers(void **state)
{
	size_t n;
	void *blob = load("board", &n);
	struct dev_node *gic, *gpio, *button, *timer, *nic;

	(void)state;
	assert_int_equal(dev_tree_fill(blob, n), CAIRN_OK);
	gic = node("/interrupt-controller@8000000");
	gpio = node("/soc/apb@30000000/gpio@2000");
	assert_true(gpio->flags & DEV_NODE_IRQ_CONTROLLER);
	assert_ptr_equal(gpio->irq[0].controller, gic); /* inherited from / */
	button = node("/soc/apb@30000000/button@3000");
	assert_int_equal(button->nirq, 1);
	assert_ptr_equal(button->irq[0].controller, gpio);
	assert_int_equal(button->irq[0].ncells, 2);
	assert_int_equal(button->irq[0].cells[0], 5);
	assert_int_equal(button->irq[0].cells[1], 1);
	timer = node("/soc/timer@50000");
	assert_int_equal(timer->nirq, 2);
	assert_ptr_equal(timer->irq[0].controller, gic);
	assert_int_equal(timer->irq[0].cells[1], 36);
	assert_ptr_equal(timer->irq[1].controller, gpio);
	assert_int_equal(timer->irq[1].cells[0], 7);
	/* Behind an interrupt-map nexus: left to the bus driver, flagged. */
	nic = node("/pcie@40000000/ethernet@0");
	assert_int_equal(nic->nirq, 0);
	assert_true(nic->flags & DEV_NODE_IRQ_UNRESOLVED);
	assert_ptr_equal(dev_tree_find_phandle(&tree, gpio->phandle), gpio);
	assert_int_equal(node("/soc/apb@30000000/thing@4000")->status, DEV_STATUS_DISABLED);
	free(blob);
}

/* ---- malformed blobs ---------------------------------------------------------- */

static void test_a_blob_with_a_bad_magic_is_refused(void **state)
{
	size_t n;
	uint8_t *blob = load("board", &n);

	(void)state;
	blob[0] ^= 0xff;
	expect_refused(blob, n, FDT_PROBLEM_BAD_MAGIC, CAIRN_ERR_CORRUPT, "");
	assert_non_null(strstr(rep.detail, "magic"));
	free(blob);
}

static void test_a_blob_cut_short_is_refused_at_every_length(void **state)
{
	size_t n;
	uint8_t *blob = load("board", &n);

	(void)state;
	/* Every shorter readable window: the totalsize check fires. */
	for (size_t cut = 0; cut < n; cut++) {
		uint8_t *part = malloc(cut ? cut : 1);

		memcpy(part, blob, cut);
		assert_int_equal(boot_info_fill(part, cut),
				 CAIRN_ERR_TRUNCATED);
		assert_int_equal(rep.problem, FDT_PROBLEM_TRUNCATED);
		assert_int_equal(bi.nregions, 0);
		free(part);
	}
	free(blob);
}

static void test_a_structure_block_beyond_totalsize_is_truncated(void **state)
{
	size_t n;
	uint8_t *blob = load("board", &n);
	uint32_t be;

	(void)state;
	/* size_dt_struct claims more than the blob holds. */
	be = __builtin_bswap32((uint32_t)n);
	memcpy(blob + 36, &be, 4);
	expect_refused(blob, n, FDT_PROBLEM_TRUNCATED, CAIRN_ERR_TRUNCATED, "");
	free(blob);
}

static void test_an_absurd_totalsize_is_refused_before_reading(void **state)
{
	size_t n;
	uint8_t *blob = load("board", &n);
	uint32_t be = __builtin_bswap32(0xfffffff0u);

	(void)state;
	memcpy(blob + 4, &be, 4);
	expect_refused(blob, n, FDT_PROBLEM_ABSURD_SIZE, CAIRN_ERR_RANGE, "");
	free(blob);
}

static void test_a_corrupt_structure_tag_is_refused(void **state)
{
	size_t n;
	uint8_t *blob = load("board", &n);
	uint32_t off, bad = __builtin_bswap32(0x0badf00du);

	(void)state;
	memcpy(&off, blob + 8, 4); /* off_dt_struct */
	off = __builtin_bswap32(off);
	memcpy(blob + off, &bad, 4); /* the root's BEGIN_NODE tag */
	expect_refused(blob, n, FDT_PROBLEM_BAD_STRUCTURE, CAIRN_ERR_CORRUPT, "");
	free(blob);
}

static void test_an_address_cell_count_out_of_range_names_the_bus(void **state)
{
	size_t n;
	void *blob = edit("board");

	(void)state;
	set_cell(blob, "/soc/apb@30000000", "#address-cells", 7);
	blob = finish(blob, &n);
	assert_int_equal(dev_tree_fill(blob, n), CAIRN_ERR_CORRUPT);
	assert_int_equal(rep.problem, FDT_PROBLEM_BAD_CELLS);
	assert_string_equal(rep.path, "/soc/apb@30000000");
	assert_non_null(strstr(rep.detail, "#address-cells is 7"));
	assert_int_equal(tree.nnodes, 0);
	free(blob);
}

static void test_a_root_size_cell_count_out_of_range_stops_the_memory_map(void **state)
{
	size_t n;
	void *blob = edit("board");

	(void)state;
	set_cell(blob, "/", "#size-cells", 3);
	blob = finish(blob, &n);
	expect_refused(blob, n, FDT_PROBLEM_BAD_CELLS, CAIRN_ERR_CORRUPT, "/");
	free(blob);
}

static void test_a_reg_that_does_not_fit_its_cells_is_refused(void **state)
{
	size_t n;
	void *blob = edit("board");
	const uint32_t three[3] = { 0, 0x10000000, 0 };

	(void)state;
	assert_int_equal(fdt_setprop(blob, path_of(blob, "/memory@80000000"), "reg", three,
				     sizeof(three)), 0);
	blob = finish(blob, &n);
	expect_refused(blob, n, FDT_PROBLEM_BAD_PROPERTY, CAIRN_ERR_CORRUPT, "/memory@80000000");
	free(blob);
}

static void test_an_interrupt_cell_count_of_zero_is_refused(void **state)
{
	size_t n;
	void *blob = edit("board");

	(void)state;
	set_cell(blob, "/interrupt-controller@8000000", "#interrupt-cells", 0);
	blob = finish(blob, &n);
	assert_int_equal(dev_tree_fill(blob, n), CAIRN_ERR_CORRUPT);
	assert_int_equal(rep.problem, FDT_PROBLEM_BAD_CELLS);
	assert_string_equal(rep.path, "/interrupt-controller@8000000");
	free(blob);
}

/* Two nodes that are not controllers and name each other as interrupt parent. */
static void test_an_interrupt_parent_loop_is_a_phandle_loop(void **state)
{
	size_t n;
	void *blob = edit("board");
	int a, b;

	(void)state;
	a = fdt_add_subnode(blob, 0, "loop-a");
	assert_true(a >= 0);
	b = fdt_add_subnode(blob, 0, "loop-b");
	assert_true(b >= 0);
	a = path_of(blob, "/loop-a");
	assert_int_equal(fdt_setprop_u32(blob, a, "phandle", 0x7001), 0);
	assert_int_equal(fdt_setprop_u32(blob, a, "interrupt-parent", 0x7002), 0);
	assert_int_equal(fdt_setprop_u32(blob, a, "interrupts", 3), 0);
	b = path_of(blob, "/loop-b");
	assert_int_equal(fdt_setprop_u32(blob, b, "phandle", 0x7002), 0);
	assert_int_equal(fdt_setprop_u32(blob, b, "interrupt-parent", 0x7001), 0);
	blob = finish(blob, &n);
	assert_int_equal(dev_tree_fill(blob, n), CAIRN_ERR_CORRUPT);
	assert_int_equal(rep.problem, FDT_PROBLEM_PHANDLE_LOOP);
	assert_string_equal(rep.path, "/loop-a");
	assert_int_equal(tree.nnodes, 0);
	free(blob);
}

static void test_an_interrupt_parent_naming_no_node_is_a_bad_phandle(void **state)
{
	size_t n;
	void *blob = edit("board");

	(void)state;
	set_cell(blob, "/soc/apb@30000000/button@3000", "interrupt-parent", 0x4242);
	blob = finish(blob, &n);
	assert_int_equal(dev_tree_fill(blob, n), CAIRN_ERR_CORRUPT);
	assert_int_equal(rep.problem, FDT_PROBLEM_BAD_PHANDLE);
	assert_string_equal(rep.path, "/soc/apb@30000000/button@3000");
	assert_non_null(strstr(rep.detail, "0x4242"));
	free(blob);
}

static void test_two_nodes_with_one_phandle_are_refused(void **state)
{
	size_t n;
	void *blob = edit("board");
	uint32_t ph;

	(void)state;
	ph = fdt_get_phandle(blob, path_of(blob, "/interrupt-controller@8000000"));
	assert_true(ph != 0);
	set_cell(blob, "/soc/i2c@40000", "phandle", ph);
	blob = finish(blob, &n);
	assert_int_equal(dev_tree_fill(blob, n), CAIRN_ERR_CORRUPT);
	assert_int_equal(rep.problem, FDT_PROBLEM_BAD_PHANDLE);
	assert_string_equal(rep.path, "/soc/i2c@40000");
	free(blob);
}

static void test_overlapping_memory_nodes_are_refused(void **state)
{
	size_t n;
	void *blob = edit("board");
	const uint32_t reg[4] = { 0, __builtin_bswap32(0xa0000000u), 0,
				  __builtin_bswap32(0x10000000u) };
	int off = fdt_add_subnode(blob, 0, "memory@a0000000");

	(void)state;
	assert_true(off >= 0);
	assert_int_equal(fdt_setprop_string(blob, off, "device_type", "memory"), 0);
	assert_int_equal(fdt_setprop(blob, off, "reg", reg, sizeof(reg)), 0);
	blob = finish(blob, &n);
	/* libfdt adds the new node before its siblings: the original bank is
	 * the one found overlapping an earlier range. */
	expect_refused(blob, n, FDT_PROBLEM_MEMORY_OVERLAP, CAIRN_ERR_EXIST, "/memory@80000000");
	assert_non_null(strstr(rep.detail, "overlaps [0xa0000000"));
	free(blob);
}

static void test_a_memory_size_beyond_the_physical_limit_is_absurd(void **state)
{
	size_t n;
	void *blob = edit("board");
	const uint32_t reg[4] = { 0, __builtin_bswap32(0x80000000u), __builtin_bswap32(0x80000000u),
				  0 };

	(void)state;
	assert_int_equal(fdt_setprop(blob, path_of(blob, "/memory@80000000"), "reg", reg,
				     sizeof(reg)), 0);
	blob = finish(blob, &n);
	expect_refused(blob, n, FDT_PROBLEM_ABSURD_SIZE, CAIRN_ERR_RANGE, "/memory@80000000");
	free(blob);
}

static void test_a_tree_without_memory_gives_no_memory_map(void **state)
{
	size_t n;
	void *blob = edit("board");

	(void)state;
	assert_int_equal(fdt_del_node(blob, path_of(blob, "/memory@80000000")), 0);
	blob = finish(blob, &n);
	expect_refused(blob, n, FDT_PROBLEM_NO_MEMORY, CAIRN_ERR_NOMEM, "");
	free(blob);
}

static void test_the_front_end_reads_qemu_virt_in_walks_not_lookups_per_node(void **state)
{
	size_t n;
	void *blob = load("qemu-virt-gicv3", &n);

	(void)state;
	counting = true;
	getprops = rescans = 0;
	assert_int_equal(boot_info_fill(blob, n), CAIRN_OK);
	assert_int_equal(dev_tree_fill(blob, n), CAIRN_OK);
	counting = false;
	print_message("%zu nodes: %u fdt_getprop calls, %u path/parent lookups\n", tree.nnodes,
		      getprops, rescans);
	/* No lookup that rescans the blob from its start, and property lookups
	 * for a few fixed nodes (/chosen, the root, buses with ranges), not
	 * per node: the tree has 50 nodes or more. */
	assert_true(tree.nnodes >= 50);
	assert_int_equal(rescans, 0);
	assert_true(getprops < tree.nnodes / 2);
	/* The drivers' own reads go through fdt_getprop as before. */
	assert_non_null(tree.stdout_node);
	free(blob);
}

static void test_problem_names_cover_every_problem(void **state)
{
	(void)state;
	for (int p = FDT_PROBLEM_NONE; p <= FDT_PROBLEM_NO_MEMORY; p++)
		assert_string_not_equal(fdt_problem_name((enum fdt_problem)p), "unknown problem");
	assert_string_equal(fdt_problem_name((enum fdt_problem)999), "unknown problem");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_qemu_virt_gives_its_ram_the_dtb_reservation_and_bootargs, reset),
		cmocka_unit_test_setup(test_qemu_virt_gicv2_uart_is_found_with_its_interrupt_on_the_gic, reset),
		cmocka_unit_test_setup(test_qemu_virt_gicv3_timer_has_four_interrupts_on_the_gic_v3, reset),
		cmocka_unit_test_setup(test_board_memory_banks_and_every_kind_of_reservation_are_recorded, reset),
		cmocka_unit_test_setup(test_board_reg_is_translated_through_nested_bus_ranges, reset),
		cmocka_unit_test_setup(test_board_interrupts_resolve_to_cascaded_and_extended_controllers, reset),
		cmocka_unit_test_setup(test_a_blob_with_a_bad_magic_is_refused, reset),
		cmocka_unit_test_setup(test_a_blob_cut_short_is_refused_at_every_length, reset),
		cmocka_unit_test_setup(test_a_structure_block_beyond_totalsize_is_truncated, reset),
		cmocka_unit_test_setup(test_an_absurd_totalsize_is_refused_before_reading, reset),
		cmocka_unit_test_setup(test_a_corrupt_structure_tag_is_refused, reset),
		cmocka_unit_test_setup(test_an_address_cell_count_out_of_range_names_the_bus, reset),
		cmocka_unit_test_setup(test_a_root_size_cell_count_out_of_range_stops_the_memory_map, reset),
		cmocka_unit_test_setup(test_a_reg_that_does_not_fit_its_cells_is_refused, reset),
		cmocka_unit_test_setup(test_an_interrupt_cell_count_of_zero_is_refused, reset),
		cmocka_unit_test_setup(test_an_interrupt_parent_loop_is_a_phandle_loop, reset),
		cmocka_unit_test_setup(test_an_interrupt_parent_naming_no_node_is_a_bad_phandle, reset),
		cmocka_unit_test_setup(test_two_nodes_with_one_phandle_are_refused, reset),
		cmocka_unit_test_setup(test_overlapping_memory_nodes_are_refused, reset),
		cmocka_unit_test_setup(test_a_memory_size_beyond_the_physical_limit_is_absurd, reset),
		cmocka_unit_test_setup(test_a_tree_without_memory_gives_no_memory_map, reset),
		cmocka_unit_test_setup(test_the_front_end_reads_qemu_virt_in_walks_not_lookups_per_node,
				       reset),
		cmocka_unit_test(test_problem_names_cover_every_problem),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
