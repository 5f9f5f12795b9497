// SPDX-License-Identifier: BSD-2-Clause
/*
 * pvh_parse against crafted and malformed start infos.
 *
 * A case is four pieces of fake physical memory, each an exactly sized
 * chunk (fake_phys.h): the start info, the memory map array, the module
 * list and the command line. Tests edit the default QEMU-like case, then
 * assert the exact error pvh.h documents and that the boot_info is empty
 * after any error.
 */
#include <string.h>

#include "cairn_test.h"
#include "fake_phys.h"

#include "x86_64/pvh.h"

#define SI_PA 0x6000ull
#define MM_PA 0x7000ull
#define MOD_PA 0x8000ull
#define CMD_PA 0x9000ull
#define RSDP_PA 0xf5a90ull

/* Start info field offsets. */
#define SI_MAGIC 0x00
#define SI_VERSION 0x04
#define SI_NR_MODULES 0x0c
#define SI_MODLIST 0x10
#define SI_CMDLINE 0x18
#define SI_RSDP 0x20
#define SI_MEMMAP 0x28
#define SI_MEMMAP_ENTRIES 0x30

static struct {
	uint8_t si[64];
	size_t si_len;
	uint8_t mm[PVH_MEMMAP_ENTRY_SIZE * 200];
	size_t mm_len;
	uint8_t mods[PVH_MODLIST_ENTRY_SIZE * 20];
	size_t mods_len;
	char cmd[CMDLINE_MAX * 3];
	size_t cmd_len;
} c;

static struct boot_info bi;

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static void si32(size_t off, uint32_t v) { put32(c.si + off, v); }
static void si64(size_t off, uint64_t v) { put64(c.si + off, v); }

static void set_entry(size_t i, uint64_t addr, uint64_t size, uint32_t type)
{
	uint8_t *e = c.mm + i * PVH_MEMMAP_ENTRY_SIZE;

	put64(e, addr);
	put64(e + 8, size);
	put32(e + 16, type);
	put32(e + 20, 0);
	if (c.mm_len < (i + 1) * PVH_MEMMAP_ENTRY_SIZE)
		c.mm_len = (i + 1) * PVH_MEMMAP_ENTRY_SIZE;
	si32(SI_MEMMAP_ENTRIES, (uint32_t)(c.mm_len / PVH_MEMMAP_ENTRY_SIZE));
}

static void set_module(size_t i, uint64_t pa, uint64_t size)
{
	uint8_t *m = c.mods + i * PVH_MODLIST_ENTRY_SIZE;

	put64(m, pa);
	put64(m + 8, size);
	if (c.mods_len < (i + 1) * PVH_MODLIST_ENTRY_SIZE)
		c.mods_len = (i + 1) * PVH_MODLIST_ENTRY_SIZE;
	si32(SI_NR_MODULES, (uint32_t)(c.mods_len / PVH_MODLIST_ENTRY_SIZE));
}

static void set_cmdline(const char *s)
{
	strcpy(c.cmd, s);
	c.cmd_len = strlen(s) + 1;
}

/* What QEMU 7.2 hands a -kernel PVH guest with -m 128M and one -initrd. */
static void default_case(void)
{
	memset(&c, 0, sizeof(c));
	c.si_len = PVH_START_INFO_V1_SIZE;
	si32(SI_MAGIC, PVH_START_MAGIC);
	si32(SI_VERSION, 1);
	si64(SI_MODLIST, MOD_PA);
	si64(SI_CMDLINE, CMD_PA);
	si64(SI_RSDP, RSDP_PA);
	si64(SI_MEMMAP, MM_PA);
	set_entry(0, 0, 0x9fc00, PVH_MEMMAP_TYPE_RAM);
	set_entry(1, 0x9fc00, 0x400, PVH_MEMMAP_TYPE_RESERVED);
	set_entry(2, 0xf0000, 0x10000, PVH_MEMMAP_TYPE_RESERVED);
	set_entry(3, 0x100000, 0x7ee0000, PVH_MEMMAP_TYPE_RAM);
	set_entry(4, 0x7fe0000, 0x20000, PVH_MEMMAP_TYPE_RESERVED);
	set_entry(5, 0xfffc0000, 0x40000, PVH_MEMMAP_TYPE_RESERVED);
	set_module(0, 0x4000000, 0x12345);
	set_cmdline("console=ttyS0 cairn.test");
}

static err_t run(void)
{
	struct fake_phys fp;
	struct phys_window w;
	err_t err;

	fake_phys_init(&fp);
	if (c.si_len)
		fake_phys_add_copy(&fp, SI_PA, c.si, c.si_len);
	if (c.mm_len)
		fake_phys_add_copy(&fp, MM_PA, c.mm, c.mm_len);
	if (c.mods_len)
		fake_phys_add_copy(&fp, MOD_PA, c.mods, c.mods_len);
	if (c.cmd_len)
		fake_phys_add_copy(&fp, CMD_PA, c.cmd, c.cmd_len);
	w = fake_phys_window(&fp);
	err = pvh_parse(&w, SI_PA, &bi);
	fake_phys_free(&fp);
	return err;
}

static void assert_boot_info_empty(void)
{
	assert_string_equal(bi.loader, "pvh");
	assert_int_equal(bi.nregions, 0);
	assert_int_equal(bi.nreserved, 0);
	assert_int_equal(bi.acpi_rsdp_paddr, 0);
	assert_string_equal(bi.cmdline, "");
}

static void expect_error(err_t want)
{
	assert_int_equal(run(), want);
	assert_boot_info_empty();
}

static const struct boot_reserved *find_reserved(uint32_t kind, size_t nth)
{
	for (size_t i = 0; i < bi.nreserved; i++)
		if (bi.reserved[i].kind == kind && nth-- == 0)
			return &bi.reserved[i];
	return NULL;
}

static void test_pvh_parses_a_qemu_like_start_info(void **state)
{
	const struct boot_reserved *r;

	(void)state;
	default_case();
	assert_int_equal(run(), CAIRN_OK);
	assert_string_equal(bi.loader, "pvh");
	assert_string_equal(bi.cmdline, "console=ttyS0 cairn.test");
	assert_false(bi.cmdline_truncated);
	assert_int_equal(bi.acpi_rsdp_paddr, RSDP_PA);
	assert_int_equal(bi.acpi_rsdp_len, 0);
	assert_int_equal(bi.nregions, 6);
	assert_int_equal(bi.regions[3].base, 0x100000);
	assert_int_equal(bi.regions[3].size, 0x7ee0000);
	assert_int_equal(bi.regions[3].type, BOOT_MEM_USABLE);
	assert_int_equal(bi.regions[4].type, BOOT_MEM_RESERVED);

	r = find_reserved(BOOT_RESERVE_MODULE, 0);
	assert_non_null(r);
	assert_int_equal(r->base, 0x4000000);
	assert_int_equal(r->size, 0x12345);
	r = find_reserved(BOOT_RESERVE_LOADER, 0);
	assert_non_null(r);
	assert_int_equal(r->base, SI_PA);
	assert_int_equal(r->size, PVH_START_INFO_V1_SIZE);
	r = find_reserved(BOOT_RESERVE_LOADER, 1);
	assert_non_null(r);
	assert_int_equal(r->base, MM_PA);
	assert_int_equal(r->size, 6 * PVH_MEMMAP_ENTRY_SIZE);
	r = find_reserved(BOOT_RESERVE_LOADER, 2);
	assert_non_null(r);
	assert_int_equal(r->base, MOD_PA);
	assert_int_equal(r->size, PVH_MODLIST_ENTRY_SIZE);
	r = find_reserved(BOOT_RESERVE_CMDLINE, 0);
	assert_non_null(r);
	assert_int_equal(r->base, CMD_PA);
	assert_int_equal(r->size, strlen("console=ttyS0 cairn.test") + 1);
	assert_int_equal(bi.nreserved, 5);

	assert_int_equal(boot_info_finalize(&bi), CAIRN_OK);
	assert_int_equal(bi.overlaps, 0);
}

static void test_pvh_rejects_a_wrong_magic(void **state)
{
	(void)state;
	default_case();
	si32(SI_MAGIC, 0x36d76289); /* multiboot2's */
	expect_error(CAIRN_ERR_INVAL);
}

static void test_pvh_refuses_version_0_for_lack_of_a_memory_map(void **state)
{
	(void)state;
	default_case();
	si32(SI_VERSION, 0);
	expect_error(CAIRN_ERR_NOTSUP);
	/* A real version-0 start info is only 40 bytes: nothing past it is read. */
	c.si_len = PVH_START_INFO_V0_SIZE;
	expect_error(CAIRN_ERR_NOTSUP);
}

static void test_pvh_accepts_a_later_version(void **state)
{
	(void)state;
	default_case();
	si32(SI_VERSION, 2);
	assert_int_equal(run(), CAIRN_OK);
	assert_int_equal(bi.nregions, 6);
}

static void test_pvh_rejects_an_unreadable_start_info(void **state)
{
	(void)state;
	default_case();
	c.si_len = 0;
	expect_error(CAIRN_ERR_FAULT);
	default_case();
	c.si_len = PVH_START_INFO_V1_SIZE - 1; /* version 1 but cut short */
	expect_error(CAIRN_ERR_FAULT);
}

static void test_pvh_rejects_an_empty_memory_map(void **state)
{
	(void)state;
	default_case();
	si32(SI_MEMMAP_ENTRIES, 0);
	expect_error(CAIRN_ERR_NOENT);
}

static void test_pvh_rejects_more_memory_map_entries_than_boot_info_holds(void **state)
{
	(void)state;
	default_case();
	for (size_t i = 0; i <= BOOT_INFO_MAX_REGIONS; i++)
		set_entry(i, 0x100000 + i * 0x2000, 0x1000, 1);
	expect_error(CAIRN_ERR_LIMIT);
	si32(SI_MEMMAP_ENTRIES, 0xffffffffu);
	expect_error(CAIRN_ERR_LIMIT);
}

static void test_pvh_rejects_a_memory_map_past_readable_memory(void **state)
{
	(void)state;
	default_case();
	si32(SI_MEMMAP_ENTRIES, 7); /* the chunk holds 6 */
	expect_error(CAIRN_ERR_FAULT);
	default_case();
	si64(SI_MEMMAP, 0); /* address 0 is not mapped in this fake memory */
	expect_error(CAIRN_ERR_FAULT);
}

static void test_pvh_rejects_a_memory_map_address_that_wraps(void **state)
{
	(void)state;
	default_case();
	si64(SI_MEMMAP, 0xffffffffffffff00ull);
	si32(SI_MEMMAP_ENTRIES, 20);
	expect_error(CAIRN_ERR_OVERFLOW);
}

static void test_pvh_rejects_absurd_memory_ranges(void **state)
{
	(void)state;
	default_case();
	set_entry(2, 0xfffffffffffff000ull, 0x1001, PVH_MEMMAP_TYPE_RESERVED);
	expect_error(CAIRN_ERR_OVERFLOW);
	default_case();
	set_entry(5, BOOT_INFO_PADDR_LIMIT, 0x1000, PVH_MEMMAP_TYPE_RAM);
	expect_error(CAIRN_ERR_RANGE);
}

static void test_pvh_maps_every_e820_type(void **state)
{
	static const struct {
		uint32_t e820;
		uint32_t want;
	} types[] = {
		{ 1, BOOT_MEM_USABLE },   { 2, BOOT_MEM_RESERVED }, { 3, BOOT_MEM_ACPI_RECLAIMABLE },
		{ 4, BOOT_MEM_ACPI_NVS }, { 5, BOOT_MEM_BAD },      { 6, BOOT_MEM_RESERVED },
		{ 7, BOOT_MEM_PERSISTENT }, { 0, BOOT_MEM_RESERVED }, { 99, BOOT_MEM_RESERVED },
	};

	(void)state;
	default_case();
	c.mm_len = 0;
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		set_entry(i, 0x100000 * (i + 1), 0x1000, types[i].e820);
	assert_int_equal(run(), CAIRN_OK);
	assert_int_equal(bi.nregions, ARRAY_SIZE(types));
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		assert_int_equal(bi.regions[i].type, types[i].want);
}

static void test_pvh_keeps_overlapping_regions_for_finalize(void **state)
{
	(void)state;
	default_case();
	set_entry(6, 0x200000, 0x3000, PVH_MEMMAP_TYPE_NVS); /* inside RAM */
	assert_int_equal(run(), CAIRN_OK);
	assert_int_equal(boot_info_finalize(&bi), CAIRN_OK);
	assert_int_equal(bi.overlaps, 1);
}

static void test_pvh_rejects_bad_module_lists(void **state)
{
	(void)state;
	default_case();
	si32(SI_NR_MODULES, PVH_MAX_MODULES + 1);
	expect_error(CAIRN_ERR_LIMIT);
	default_case();
	si32(SI_NR_MODULES, 2); /* one entry readable */
	expect_error(CAIRN_ERR_FAULT);
	default_case();
	si64(SI_MODLIST, 0xfffffffffffffff0ull);
	expect_error(CAIRN_ERR_OVERFLOW);
	default_case();
	set_module(0, 0xfffffffffffff000ull, 0x2000);
	expect_error(CAIRN_ERR_OVERFLOW);
	default_case();
	set_module(0, BOOT_INFO_PADDR_LIMIT - 0x1000, 0x2000);
	expect_error(CAIRN_ERR_RANGE);
}

static void test_pvh_ignores_the_module_list_when_there_are_no_modules(void **state)
{
	(void)state;
	default_case();
	c.mods_len = 0;
	si32(SI_NR_MODULES, 0);
	si64(SI_MODLIST, 0xdeadbeefdeadbeefull);
	assert_int_equal(run(), CAIRN_OK);
	assert_null(find_reserved(BOOT_RESERVE_MODULE, 0));
}

static void test_pvh_skips_empty_modules(void **state)
{
	(void)state;
	default_case();
	set_module(0, 0x5000000, 0);
	set_module(1, 0x6000000, 0x1000);
	assert_int_equal(run(), CAIRN_OK);
	assert_int_equal(find_reserved(BOOT_RESERVE_MODULE, 0)->base, 0x6000000);
	assert_null(find_reserved(BOOT_RESERVE_MODULE, 1));
}

static void test_pvh_allows_no_command_line(void **state)
{
	(void)state;
	default_case();
	c.cmd_len = 0;
	si64(SI_CMDLINE, 0);
	assert_int_equal(run(), CAIRN_OK);
	assert_string_equal(bi.cmdline, "");
	assert_null(find_reserved(BOOT_RESERVE_CMDLINE, 0));
}

static void test_pvh_reads_an_empty_command_line(void **state)
{
	(void)state;
	default_case();
	set_cmdline("");
	assert_int_equal(run(), CAIRN_OK);
	assert_string_equal(bi.cmdline, "");
	assert_int_equal(find_reserved(BOOT_RESERVE_CMDLINE, 0)->size, 1);
}

static void test_pvh_rejects_a_command_line_running_into_unreadable_memory(void **state)
{
	(void)state;
	default_case();
	set_cmdline("console=ttyS0");
	c.cmd_len--; /* drop the NUL: the chunk ends right after the text */
	expect_error(CAIRN_ERR_FAULT);
	default_case();
	si64(SI_CMDLINE, 0xfffffffffffffffeull); /* wraps before any NUL */
	expect_error(CAIRN_ERR_FAULT);
}

static void test_pvh_keeps_a_command_line_of_exactly_the_limit(void **state)
{
	(void)state;
	default_case();
	memset(c.cmd, 'a', CMDLINE_MAX - 1);
	c.cmd[CMDLINE_MAX - 1] = '\0';
	c.cmd_len = CMDLINE_MAX;
	assert_int_equal(run(), CAIRN_OK);
	assert_false(bi.cmdline_truncated);
	assert_int_equal(strlen(bi.cmdline), CMDLINE_MAX - 1);
	assert_int_equal(find_reserved(BOOT_RESERVE_CMDLINE, 0)->size, CMDLINE_MAX);
}

static void test_pvh_truncates_a_longer_or_unterminated_command_line(void **state)
{
	(void)state;
	/* Longer, terminated further on. */
	default_case();
	memset(c.cmd, 'b', 1500);
	c.cmd[1500] = '\0';
	c.cmd_len = 1501;
	assert_int_equal(run(), CAIRN_OK);
	assert_true(bi.cmdline_truncated);
	assert_int_equal(strlen(bi.cmdline), CMDLINE_MAX - 1);

	/* No NUL at all within the limit, memory readable well past it. */
	default_case();
	memset(c.cmd, 'c', sizeof(c.cmd));
	c.cmd_len = sizeof(c.cmd);
	assert_int_equal(run(), CAIRN_OK);
	assert_true(bi.cmdline_truncated);
	assert_int_equal(strlen(bi.cmdline), CMDLINE_MAX - 1);
	assert_int_equal(find_reserved(BOOT_RESERVE_CMDLINE, 0)->size, CMDLINE_MAX);

	/* Exactly CMDLINE_MAX readable bytes, none of them NUL. */
	default_case();
	memset(c.cmd, 'd', CMDLINE_MAX);
	c.cmd_len = CMDLINE_MAX;
	assert_int_equal(run(), CAIRN_OK);
	assert_true(bi.cmdline_truncated);
}

static void test_pvh_rejects_an_rsdp_address_above_2_pow_52(void **state)
{
	(void)state;
	default_case();
	si64(SI_RSDP, BOOT_INFO_PADDR_LIMIT);
	expect_error(CAIRN_ERR_RANGE);
}

static void test_pvh_leaves_boot_info_empty_when_filling_fails(void **state)
{
	(void)state;
	/* The first five regions are recorded before the sixth is refused. */
	default_case();
	set_entry(5, BOOT_INFO_PADDR_LIMIT - 0x1000, 0x2000, PVH_MEMMAP_TYPE_RESERVED);
	expect_error(CAIRN_ERR_RANGE);
}

static void discard(const char *s, size_t len)
{
	(void)s;
	(void)len;
}

static bool documented(err_t err)
{
	switch (err) {
	case CAIRN_OK:
	case CAIRN_ERR_INVAL:
	case CAIRN_ERR_NOTSUP:
	case CAIRN_ERR_FAULT:
	case CAIRN_ERR_NOENT:
	case CAIRN_ERR_LIMIT:
	case CAIRN_ERR_OVERFLOW:
	case CAIRN_ERR_RANGE:
		return true;
	default:
		return false;
	}
}

/* Random mutations of the start info, the map and the command line. */
static void test_pvh_survives_random_mutations(void **state)
{
	static const uint64_t interesting[] = { 0, 1, 2, 0x7000, 0x9000, 0x8fff, 0xffffffff,
						0xffffffffffffffffull, BOOT_INFO_PADDR_LIMIT,
						0x8000000000000000ull };
	unsigned int seed = (unsigned int)cairn_test_seed("pvh mutations");
	unsigned ok = 0;

	(void)state;
	hosted_console_capture = discard;
	for (int iter = 0; iter < 20000; iter++) {
		int nmut = 1 + rand_r(&seed) % 3;
		err_t err;

		default_case();
		for (int m = 0; m < nmut; m++) {
			uint64_t v = interesting[(size_t)rand_r(&seed) % ARRAY_SIZE(interesting)];

			switch (rand_r(&seed) % 6) {
			case 0:
				c.si[(size_t)rand_r(&seed) % sizeof(c.si)] ^= (uint8_t)rand_r(&seed);
				break;
			case 1:
				si64(((size_t)rand_r(&seed) % 7) * 8, v);
				break;
			case 2:
				si32(((size_t)rand_r(&seed) % 14) * 4, (uint32_t)v);
				break;
			case 3:
				c.mm[(size_t)rand_r(&seed) % c.mm_len] = (uint8_t)rand_r(&seed);
				break;
			case 4:
				c.cmd[(size_t)rand_r(&seed) % c.cmd_len] = (char)rand_r(&seed);
				break;
			default:
				c.si_len = (size_t)rand_r(&seed) % (PVH_START_INFO_V1_SIZE + 1);
				break;
			}
		}
		err = run();
		assert_true(documented(err));
		if (err) {
			assert_boot_info_empty();
			continue;
		}
		ok++;
		assert_true(bi.nregions <= BOOT_INFO_MAX_REGIONS);
		assert_true(strlen(bi.cmdline) < CMDLINE_MAX);
	}
	hosted_console_capture = NULL;
	printf("[ INFO     ] %u of 20000 mutated start infos still parsed\n", ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pvh_parses_a_qemu_like_start_info),
		cmocka_unit_test(test_pvh_rejects_a_wrong_magic),
		cmocka_unit_test(test_pvh_refuses_version_0_for_lack_of_a_memory_map),
		cmocka_unit_test(test_pvh_accepts_a_later_version),
		cmocka_unit_test(test_pvh_rejects_an_unreadable_start_info),
		cmocka_unit_test(test_pvh_rejects_an_empty_memory_map),
		cmocka_unit_test(test_pvh_rejects_more_memory_map_entries_than_boot_info_holds),
		cmocka_unit_test(test_pvh_rejects_a_memory_map_past_readable_memory),
		cmocka_unit_test(test_pvh_rejects_a_memory_map_address_that_wraps),
		cmocka_unit_test(test_pvh_rejects_absurd_memory_ranges),
		cmocka_unit_test(test_pvh_maps_every_e820_type),
		cmocka_unit_test(test_pvh_keeps_overlapping_regions_for_finalize),
		cmocka_unit_test(test_pvh_rejects_bad_module_lists),
		cmocka_unit_test(test_pvh_ignores_the_module_list_when_there_are_no_modules),
		cmocka_unit_test(test_pvh_skips_empty_modules),
		cmocka_unit_test(test_pvh_allows_no_command_line),
		cmocka_unit_test(test_pvh_reads_an_empty_command_line),
		cmocka_unit_test(test_pvh_rejects_a_command_line_running_into_unreadable_memory),
		cmocka_unit_test(test_pvh_keeps_a_command_line_of_exactly_the_limit),
		cmocka_unit_test(test_pvh_truncates_a_longer_or_unterminated_command_line),
		cmocka_unit_test(test_pvh_rejects_an_rsdp_address_above_2_pow_52),
		cmocka_unit_test(test_pvh_leaves_boot_info_empty_when_filling_fails),
		cmocka_unit_test(test_pvh_survives_random_mutations),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
