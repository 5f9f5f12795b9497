// SPDX-License-Identifier: BSD-2-Clause
/*
 * multiboot2_parse against crafted and malformed information blocks.
 *
 * Each block is built in a buffer, then copied into a fake physical chunk
 * of exactly its size (fake_phys.h), so a read past the end of what the
 * parser mapped is an ASan error in the hosted-san build. Every malformed
 * case asserts the exact error the header documents, and that the
 * boot_info is left empty.
 */
#include <string.h>

#include "cairn_test.h"
#include "fake_phys.h"

#include "x86_64/multiboot2.h"

#define INFO_PA 0x10000ull

struct mb2 {
	uint8_t buf[65536];
	size_t len;
};

struct mb2_mmap_entry {
	uint64_t base, len;
	uint32_t type;
};

static struct mb2 blk;
static struct boot_info bi;

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static void mb2_begin(struct mb2 *b)
{
	memset(b->buf, 0, sizeof(b->buf));
	b->len = 8;
}

/* Append a tag of `size` bytes (header included; padding added after);
 * returns the offset of the tag. */
static size_t mb2_tag_sized(struct mb2 *b, uint32_t type, uint32_t size, const void *payload,
			    size_t n)
{
	size_t off = b->len;

	put32(b->buf + off, type);
	put32(b->buf + off + 4, size);
	if (n)
		memcpy(b->buf + off + 8, payload, n);
	b->len = off + ((size + 7u) & ~7u);
	assert_true(b->len < sizeof(b->buf) - 64);
	return off;
}

static size_t mb2_tag(struct mb2 *b, uint32_t type, const void *payload, size_t n)
{
	return mb2_tag_sized(b, type, (uint32_t)(8 + n), payload, n);
}

static void mb2_string(struct mb2 *b, uint32_t type, const char *s)
{
	mb2_tag(b, type, s, strlen(s) + 1);
}

static void mb2_mmap(struct mb2 *b, const struct mb2_mmap_entry *e, size_t n, uint32_t esize)
{
	uint8_t p[8 + 200 * 32] = { 0 };

	assert_true(n <= 200 && esize <= 32 && esize >= 24);
	put32(p, esize);
	put32(p + 4, 0);
	for (size_t i = 0; i < n; i++) {
		put64(p + 8 + i * esize, e[i].base);
		put64(p + 8 + i * esize + 8, e[i].len);
		put32(p + 8 + i * esize + 16, e[i].type);
	}
	mb2_tag(b, MULTIBOOT2_TAG_MMAP, p, 8 + n * esize);
}

static void mb2_module(struct mb2 *b, uint32_t start, uint32_t end, const char *name)
{
	uint8_t p[64] = { 0 };

	put32(p, start);
	put32(p + 4, end);
	strcpy((char *)p + 8, name);
	mb2_tag(b, MULTIBOOT2_TAG_MODULE, p, 8 + strlen(name) + 1);
}

static void mb2_end(struct mb2 *b)
{
	mb2_tag(b, MULTIBOOT2_TAG_END, NULL, 0);
	put32(b->buf, (uint32_t)b->len);
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

/* A valid RSDP: revision 0 (20 bytes) or 2 (36 bytes). */
static size_t make_rsdp(uint8_t *r, unsigned revision, uint32_t rsdt, uint64_t xsdt)
{
	memset(r, 0, 36);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "CAIRN ", 6);
	r[15] = (uint8_t)revision;
	put32(r + 16, rsdt);
	r[8] = (uint8_t)-sum(r, 20);
	if (revision < 2)
		return 20;
	put32(r + 20, 36);
	put64(r + 24, xsdt);
	r[32] = (uint8_t)-sum(r, 36);
	return 36;
}

static const struct mb2_mmap_entry pc_map[] = {
	{ 0x0, 0x9fc00, MULTIBOOT2_MEMORY_AVAILABLE },
	{ 0x9fc00, 0x400, MULTIBOOT2_MEMORY_RESERVED },
	{ 0xf0000, 0x10000, MULTIBOOT2_MEMORY_RESERVED },
	{ 0x100000, 0x7ee0000, MULTIBOOT2_MEMORY_AVAILABLE },
	{ 0x7fe0000, 0x20000, MULTIBOOT2_MEMORY_ACPI_RECLAIMABLE },
	{ 0xfffc0000, 0x40000, MULTIBOOT2_MEMORY_RESERVED },
};

/* A block like the one GRUB 2.06 builds for QEMU. */
static void build_grub_like(struct mb2 *b)
{
	uint8_t rsdp[36];
	uint8_t meminfo[8] = { 0 };

	mb2_begin(b);
	mb2_string(b, MULTIBOOT2_TAG_CMDLINE, "console=com1 cairn.test");
	mb2_string(b, MULTIBOOT2_TAG_BOOT_LOADER_NAME, "GRUB 2.06-13+deb12u1");
	mb2_module(b, 0x200000, 0x203000, "initrd");
	mb2_tag(b, MULTIBOOT2_TAG_BASIC_MEMINFO, meminfo, sizeof(meminfo));
	mb2_mmap(b, pc_map, ARRAY_SIZE(pc_map), 24);
	mb2_tag(b, MULTIBOOT2_TAG_ACPI_OLD, rsdp, make_rsdp(rsdp, 0, 0x7fe1000, 0));
	mb2_tag(b, MULTIBOOT2_TAG_ACPI_NEW, rsdp, make_rsdp(rsdp, 2, 0x7fe1000, 0x7fe2000));
	mb2_end(b);
}

static err_t parse_at(const struct mb2 *b, size_t chunk, paddr_t pa, uint32_t magic)
{
	struct fake_phys fp;
	struct phys_window w;
	err_t err;

	fake_phys_init(&fp);
	if (chunk)
		fake_phys_add_copy(&fp, INFO_PA, b->buf, chunk);
	w = fake_phys_window(&fp);
	err = multiboot2_parse(&w, magic, pa, &bi);
	fake_phys_free(&fp);
	return err;
}

static err_t parse(const struct mb2 *b)
{
	return parse_at(b, b->len, INFO_PA, MULTIBOOT2_BOOTLOADER_MAGIC);
}

static void assert_boot_info_empty(void)
{
	assert_string_equal(bi.loader, "multiboot2");
	assert_int_equal(bi.nregions, 0);
	assert_int_equal(bi.nreserved, 0);
	assert_int_equal(bi.acpi_rsdp_len, 0);
	assert_string_equal(bi.cmdline, "");
}

static void expect_error(const struct mb2 *b, err_t want)
{
	assert_int_equal(parse(b), want);
	assert_boot_info_empty();
}

/* A minimal valid block with one usable region, plus the tag under test
 * placed before the map. */
static void build_with(struct mb2 *b, uint32_t type, const void *payload, size_t n)
{
	static const struct mb2_mmap_entry one = { 0x100000, 0x100000, 1 };

	mb2_begin(b);
	mb2_tag(b, type, payload, n);
	mb2_mmap(b, &one, 1, 24);
	mb2_end(b);
}

static void test_multiboot2_parses_a_grub_like_block(void **state)
{
	(void)state;
	build_grub_like(&blk);
	assert_int_equal(parse(&blk), CAIRN_OK);

	assert_string_equal(bi.loader, "multiboot2");
	assert_string_equal(bi.loader_name, "GRUB 2.06-13+deb12u1");
	assert_string_equal(bi.cmdline, "console=com1 cairn.test");
	assert_false(bi.cmdline_truncated);
	assert_int_equal(bi.nregions, ARRAY_SIZE(pc_map));
	for (size_t i = 0; i < ARRAY_SIZE(pc_map); i++) {
		assert_int_equal(bi.regions[i].base, pc_map[i].base);
		assert_int_equal(bi.regions[i].size, pc_map[i].len);
	}
	assert_int_equal(bi.regions[3].type, BOOT_MEM_USABLE);
	assert_int_equal(bi.regions[4].type, BOOT_MEM_ACPI_RECLAIMABLE);

	/* The new RSDP wins, copied whole. */
	assert_int_equal(bi.acpi_rsdp_len, 36);
	assert_memory_equal(bi.acpi_rsdp, "RSD PTR ", 8);
	assert_int_equal(bi.acpi_rsdp[15], 2);
	assert_int_equal(bi.acpi_rsdp_paddr, 0);

	/* The module and the information block are reserved. */
	assert_int_equal(bi.nreserved, 2);
	assert_int_equal(bi.reserved[0].kind, BOOT_RESERVE_MODULE);
	assert_int_equal(bi.reserved[0].base, 0x200000);
	assert_int_equal(bi.reserved[0].size, 0x3000);
	assert_int_equal(bi.reserved[1].kind, BOOT_RESERVE_LOADER);
	assert_int_equal(bi.reserved[1].base, INFO_PA);
	assert_int_equal(bi.reserved[1].size, blk.len);

	/* And the result resolves: the module's pages are not usable. */
	assert_int_equal(boot_info_finalize(&bi), CAIRN_OK);
	for (size_t i = 0; i < bi.nusable; i++)
		assert_true(bi.usable[i].base >= 0x203000 ||
			    bi.usable[i].base + bi.usable[i].size <= 0x200000);
}

static void test_multiboot2_rejects_a_wrong_magic(void **state)
{
	(void)state;
	build_grub_like(&blk);
	assert_int_equal(parse_at(&blk, blk.len, INFO_PA, 0x2badb002), CAIRN_ERR_INVAL);
	assert_boot_info_empty();
}

static void test_multiboot2_rejects_a_misaligned_info_address(void **state)
{
	(void)state;
	build_grub_like(&blk);
	assert_int_equal(parse_at(&blk, blk.len, INFO_PA + 4, MULTIBOOT2_BOOTLOADER_MAGIC),
			 CAIRN_ERR_ALIGN);
	assert_boot_info_empty();
}

static void test_multiboot2_rejects_an_unreadable_info_address(void **state)
{
	(void)state;
	build_grub_like(&blk);
	assert_int_equal(parse_at(&blk, blk.len, 0x800000, MULTIBOOT2_BOOTLOADER_MAGIC),
			 CAIRN_ERR_FAULT);
	/* An address whose 8-byte header wraps the address space. */
	assert_int_equal(parse_at(&blk, blk.len, 0xfffffffffffffff8ull,
				  MULTIBOOT2_BOOTLOADER_MAGIC), CAIRN_ERR_FAULT);
	assert_boot_info_empty();
}

static void test_multiboot2_rejects_a_total_size_below_the_minimum(void **state)
{
	(void)state;
	for (uint32_t total = 0; total < MULTIBOOT2_INFO_MIN_SIZE; total++) {
		build_grub_like(&blk);
		put32(blk.buf, total);
		expect_error(&blk, CAIRN_ERR_CORRUPT);
	}
}

static void test_multiboot2_rejects_a_total_size_above_one_mib(void **state)
{
	(void)state;
	build_grub_like(&blk);
	put32(blk.buf, MULTIBOOT2_INFO_MAX_SIZE + 8);
	expect_error(&blk, CAIRN_ERR_RANGE);
	put32(blk.buf, 0xfffffff8u);
	expect_error(&blk, CAIRN_ERR_RANGE);
}

static void test_multiboot2_rejects_a_total_size_past_readable_memory(void **state)
{
	(void)state;
	build_grub_like(&blk);
	put32(blk.buf, (uint32_t)blk.len + 8); /* the chunk stays blk.len bytes */
	expect_error(&blk, CAIRN_ERR_FAULT);
}

static void test_multiboot2_rejects_a_tag_running_past_total_size(void **state)
{
	size_t off;

	(void)state;
	mb2_begin(&blk);
	off = mb2_tag(&blk, 99, "abcdefgh", 8);
	mb2_end(&blk);
	put32(blk.buf + off + 4, (uint32_t)(blk.len - off + 8)); /* 8 bytes too many */
	expect_error(&blk, CAIRN_ERR_TRUNCATED);
	put32(blk.buf + off + 4, 0xffffffffu); /* would wrap a 32-bit offset */
	expect_error(&blk, CAIRN_ERR_TRUNCATED);
}

static void test_multiboot2_rejects_a_tag_header_cut_by_total_size(void **state)
{
	(void)state;
	build_grub_like(&blk);
	/* Cut 4 bytes into the end tag: fewer than 8 bytes of header remain. */
	put32(blk.buf, (uint32_t)blk.len - 4);
	expect_error(&blk, CAIRN_ERR_TRUNCATED);
}

static void test_multiboot2_rejects_tags_smaller_than_their_header(void **state)
{
	(void)state;
	for (uint32_t size = 0; size < 8; size++) {
		mb2_begin(&blk);
		mb2_tag_sized(&blk, 99, size, NULL, 0);
		blk.len = 16; /* the broken tag occupies one 8-byte slot */
		mb2_end(&blk);
		expect_error(&blk, CAIRN_ERR_CORRUPT);
	}
}

static void test_multiboot2_rejects_a_block_without_end_tag(void **state)
{
	(void)state;
	build_grub_like(&blk);
	put32(blk.buf, (uint32_t)blk.len - 8); /* total_size stops before the end tag */
	expect_error(&blk, CAIRN_ERR_CORRUPT);
}

static void test_multiboot2_rejects_an_end_tag_of_wrong_size(void **state)
{
	(void)state;
	build_grub_like(&blk);
	put32(blk.buf + blk.len - 4, 16);
	put32(blk.buf, (uint32_t)blk.len + 8);
	blk.len += 8;
	expect_error(&blk, CAIRN_ERR_CORRUPT);
}

static void test_multiboot2_rejects_an_unterminated_command_line(void **state)
{
	(void)state;
	build_with(&blk, MULTIBOOT2_TAG_CMDLINE, "console=com1", 12); /* no NUL */
	expect_error(&blk, CAIRN_ERR_CORRUPT);
	build_with(&blk, MULTIBOOT2_TAG_CMDLINE, NULL, 0); /* empty payload */
	expect_error(&blk, CAIRN_ERR_CORRUPT);
}

static void test_multiboot2_truncates_an_overlong_command_line(void **state)
{
	static char line[CMDLINE_MAX + 100];

	(void)state;
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	build_with(&blk, MULTIBOOT2_TAG_CMDLINE, line, sizeof(line));
	assert_int_equal(parse(&blk), CAIRN_OK);
	assert_true(bi.cmdline_truncated);
	assert_int_equal(strlen(bi.cmdline), CMDLINE_MAX - 1);
}

static void test_multiboot2_rejects_an_unterminated_loader_name(void **state)
{
	(void)state;
	build_with(&blk, MULTIBOOT2_TAG_BOOT_LOADER_NAME, "GRUB", 4);
	expect_error(&blk, CAIRN_ERR_CORRUPT);
}

static void test_multiboot2_cuts_a_long_loader_name_to_fit(void **state)
{
	char name[200];

	(void)state;
	memset(name, 'g', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	build_with(&blk, MULTIBOOT2_TAG_BOOT_LOADER_NAME, name, sizeof(name));
	assert_int_equal(parse(&blk), CAIRN_OK);
	assert_int_equal(strlen(bi.loader_name), sizeof(bi.loader_name) - 1);
}

static void test_multiboot2_rejects_bad_mmap_entry_sizes(void **state)
{
	static const uint32_t bad[] = { 0, 8, 16, 20, 23, 28, 4104, 0xffffffffu };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		uint8_t p[8 + 48] = { 0 };

		put32(p, bad[i]);
		mb2_begin(&blk);
		mb2_tag(&blk, MULTIBOOT2_TAG_MMAP, p, sizeof(p));
		mb2_end(&blk);
		expect_error(&blk, CAIRN_ERR_CORRUPT);
	}
}

static void test_multiboot2_rejects_a_partial_mmap_entry(void **state)
{
	uint8_t p[8 + 24 + 12] = { 0 };

	(void)state;
	put32(p, 24);
	put64(p + 8, 0x100000);
	put64(p + 16, 0x100000);
	put32(p + 24, 1);
	mb2_begin(&blk);
	mb2_tag(&blk, MULTIBOOT2_TAG_MMAP, p, sizeof(p));
	mb2_end(&blk);
	expect_error(&blk, CAIRN_ERR_CORRUPT);
}

static void test_multiboot2_rejects_an_mmap_tag_without_its_header(void **state)
{
	(void)state;
	mb2_begin(&blk);
	mb2_tag(&blk, MULTIBOOT2_TAG_MMAP, "\x18\0\0\0", 4);
	mb2_end(&blk);
	expect_error(&blk, CAIRN_ERR_CORRUPT);
}

static void test_multiboot2_reads_mmap_entries_larger_than_24_bytes(void **state)
{
	(void)state;
	mb2_begin(&blk);
	mb2_mmap(&blk, pc_map, ARRAY_SIZE(pc_map), 32);
	mb2_end(&blk);
	assert_int_equal(parse(&blk), CAIRN_OK);
	assert_int_equal(bi.nregions, ARRAY_SIZE(pc_map));
	assert_int_equal(bi.regions[5].base, 0xfffc0000u);
	assert_int_equal(bi.regions[5].type, BOOT_MEM_RESERVED);
}

static void test_multiboot2_maps_every_memory_type(void **state)
{
	static const struct {
		uint32_t mb;
		uint32_t want;
	} types[] = {
		{ 1, BOOT_MEM_USABLE },           { 2, BOOT_MEM_RESERVED },
		{ 3, BOOT_MEM_ACPI_RECLAIMABLE }, { 4, BOOT_MEM_ACPI_NVS },
		{ 5, BOOT_MEM_BAD },              { 6, BOOT_MEM_RESERVED },
		{ 7, BOOT_MEM_PERSISTENT },       { 12, BOOT_MEM_PERSISTENT },
		{ 0, BOOT_MEM_RESERVED },         { 0xffffffffu, BOOT_MEM_RESERVED },
	};
	struct mb2_mmap_entry e[ARRAY_SIZE(types)];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		e[i] = (struct mb2_mmap_entry){ 0x100000 * (i + 1), 0x1000, types[i].mb };
	mb2_begin(&blk);
	mb2_mmap(&blk, e, ARRAY_SIZE(e), 24);
	mb2_end(&blk);
	assert_int_equal(parse(&blk), CAIRN_OK);
	assert_int_equal(bi.nregions, ARRAY_SIZE(types));
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		assert_int_equal(bi.regions[i].type, types[i].want);
}

static void expect_map_error(const struct mb2_mmap_entry *e, size_t n, err_t want)
{
	mb2_begin(&blk);
	mb2_mmap(&blk, e, n, 24);
	mb2_end(&blk);
	expect_error(&blk, want);
}

static void test_multiboot2_rejects_a_region_whose_end_wraps(void **state)
{
	const struct mb2_mmap_entry e[] = {
		{ 0x100000, 0x100000, 1 },
		{ 0xfffffffffffff000ull, 0x2000, 2 },
	};

	(void)state;
	expect_map_error(e, ARRAY_SIZE(e), CAIRN_ERR_OVERFLOW);
}

static void test_multiboot2_rejects_a_region_beyond_2_pow_52(void **state)
{
	const struct mb2_mmap_entry e[] = {
		{ 0x100000, 0x100000, 1 },
		{ BOOT_INFO_PADDR_LIMIT - 0x1000, 0x2000, 1 },
	};

	(void)state;
	expect_map_error(e, ARRAY_SIZE(e), CAIRN_ERR_RANGE);
}

static void test_multiboot2_rejects_more_regions_than_boot_info_holds(void **state)
{
	static struct mb2_mmap_entry e[BOOT_INFO_MAX_REGIONS + 1];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(e); i++)
		e[i] = (struct mb2_mmap_entry){ 0x100000 + i * 0x2000, 0x1000, 1 };
	expect_map_error(e, ARRAY_SIZE(e), CAIRN_ERR_LIMIT);
}

static void test_multiboot2_keeps_overlapping_regions_for_finalize(void **state)
{
	const struct mb2_mmap_entry e[] = {
		{ 0x100000, 0x400000, 1 },
		{ 0x200000, 0x1000, 2 },   /* reserved inside usable */
	};

	(void)state;
	mb2_begin(&blk);
	mb2_mmap(&blk, e, ARRAY_SIZE(e), 24);
	mb2_end(&blk);
	assert_int_equal(parse(&blk), CAIRN_OK);
	assert_int_equal(bi.nregions, 2);
	assert_int_equal(boot_info_finalize(&bi), CAIRN_OK);
	assert_int_equal(bi.overlaps, 1);
	assert_int_equal(bi.usable_bytes, 0x400000 - 0x1000);
}

static void test_multiboot2_requires_a_memory_map(void **state)
{
	uint8_t empty[8] = { 24, 0, 0, 0, 0, 0, 0, 0 };

	(void)state;
	mb2_begin(&blk);
	mb2_string(&blk, MULTIBOOT2_TAG_CMDLINE, "x");
	mb2_end(&blk);
	expect_error(&blk, CAIRN_ERR_NOENT);

	mb2_begin(&blk);
	mb2_tag(&blk, MULTIBOOT2_TAG_MMAP, empty, sizeof(empty));
	mb2_end(&blk);
	expect_error(&blk, CAIRN_ERR_NOENT);
}

static void test_multiboot2_rejects_bad_rsdp_copies(void **state)
{
	uint8_t r[48];

	(void)state;
	/* Old tag: too short, bad signature, bad checksum. */
	make_rsdp(r, 0, 0x1000, 0);
	build_with(&blk, MULTIBOOT2_TAG_ACPI_OLD, r, 19);
	expect_error(&blk, CAIRN_ERR_CORRUPT);
	r[0] = 'X';
	build_with(&blk, MULTIBOOT2_TAG_ACPI_OLD, r, 20);
	expect_error(&blk, CAIRN_ERR_CORRUPT);
	make_rsdp(r, 0, 0x1000, 0);
	r[16] ^= 1;
	build_with(&blk, MULTIBOOT2_TAG_ACPI_OLD, r, 20);
	expect_error(&blk, CAIRN_ERR_CORRUPT);

	/* New tag: too short, revision below 2, bad extended checksum. */
	make_rsdp(r, 2, 0x1000, 0x2000);
	build_with(&blk, MULTIBOOT2_TAG_ACPI_NEW, r, 35);
	expect_error(&blk, CAIRN_ERR_CORRUPT);
	make_rsdp(r, 0, 0x1000, 0);
	build_with(&blk, MULTIBOOT2_TAG_ACPI_NEW, r, 36);
	expect_error(&blk, CAIRN_ERR_CORRUPT);
	make_rsdp(r, 2, 0x1000, 0x2000);
	r[24] ^= 1; /* the 20-byte checksum still holds */
	build_with(&blk, MULTIBOOT2_TAG_ACPI_NEW, r, 36);
	expect_error(&blk, CAIRN_ERR_CORRUPT);

	/* Length field below 36, and running past the tag. */
	make_rsdp(r, 2, 0x1000, 0x2000);
	put32(r + 20, 20);
	r[32] = 0;
	r[32] = (uint8_t)-sum(r, 36);
	build_with(&blk, MULTIBOOT2_TAG_ACPI_NEW, r, 36);
	expect_error(&blk, CAIRN_ERR_CORRUPT);
	make_rsdp(r, 2, 0x1000, 0x2000);
	put32(r + 20, 44);
	build_with(&blk, MULTIBOOT2_TAG_ACPI_NEW, r, 36);
	expect_error(&blk, CAIRN_ERR_TRUNCATED);
}

static void test_multiboot2_accepts_an_rsdp_longer_than_36_bytes_within_its_tag(void **state)
{
	uint8_t r[40] = { 0 };

	(void)state;
	make_rsdp(r, 2, 0x1000, 0x2000);
	put32(r + 20, 40);
	r[32] = 0;
	r[32] = (uint8_t)-sum(r, 40);
	build_with(&blk, MULTIBOOT2_TAG_ACPI_NEW, r, 40);
	assert_int_equal(parse(&blk), CAIRN_OK);
	assert_int_equal(bi.acpi_rsdp_len, 36);
}

static void test_multiboot2_prefers_the_new_rsdp_whatever_the_order(void **state)
{
	uint8_t r[36];
	static const struct mb2_mmap_entry one = { 0x100000, 0x100000, 1 };

	(void)state;
	mb2_begin(&blk);
	mb2_tag(&blk, MULTIBOOT2_TAG_ACPI_NEW, r, make_rsdp(r, 2, 0x1000, 0x2000));
	mb2_tag(&blk, MULTIBOOT2_TAG_ACPI_OLD, r, make_rsdp(r, 0, 0x3000, 0));
	mb2_mmap(&blk, &one, 1, 24);
	mb2_end(&blk);
	assert_int_equal(parse(&blk), CAIRN_OK);
	assert_int_equal(bi.acpi_rsdp_len, 36);
	assert_int_equal(get32(bi.acpi_rsdp + 16), 0x1000);
}

static void test_multiboot2_keeps_an_old_rsdp_alone(void **state)
{
	uint8_t r[36];

	(void)state;
	build_with(&blk, MULTIBOOT2_TAG_ACPI_OLD, r, make_rsdp(r, 0, 0x3000, 0));
	assert_int_equal(parse(&blk), CAIRN_OK);
	assert_int_equal(bi.acpi_rsdp_len, 20);
	assert_int_equal(get32(bi.acpi_rsdp + 16), 0x3000);
}

static void test_multiboot2_reserves_modules_and_skips_empty_ones(void **state)
{
	static const struct mb2_mmap_entry one = { 0x100000, 0x1000000, 1 };

	(void)state;
	mb2_begin(&blk);
	mb2_module(&blk, 0x400000, 0x400000, "empty");
	mb2_module(&blk, 0x500000, 0x500001, "one byte");
	mb2_mmap(&blk, &one, 1, 24);
	mb2_end(&blk);
	assert_int_equal(parse(&blk), CAIRN_OK);
	assert_int_equal(bi.nreserved, 2);
	assert_int_equal(bi.reserved[0].kind, BOOT_RESERVE_MODULE);
	assert_int_equal(bi.reserved[0].base, 0x500000);
	assert_int_equal(bi.reserved[0].size, 1);
	assert_int_equal(bi.reserved[1].kind, BOOT_RESERVE_LOADER);
}

static void test_multiboot2_rejects_a_module_ending_before_its_start(void **state)
{
	(void)state;
	mb2_begin(&blk);
	mb2_module(&blk, 0x500000, 0x4fffff, "backwards");
	mb2_end(&blk);
	expect_error(&blk, CAIRN_ERR_CORRUPT);
}

static void test_multiboot2_rejects_malformed_module_tags(void **state)
{
	uint8_t p[12] = { 0 };

	(void)state;
	put32(p, 0x500000);
	put32(p + 4, 0x501000);
	memcpy(p + 8, "abcd", 4); /* name without NUL */
	build_with(&blk, MULTIBOOT2_TAG_MODULE, p, sizeof(p));
	expect_error(&blk, CAIRN_ERR_CORRUPT);
	build_with(&blk, MULTIBOOT2_TAG_MODULE, p, 8); /* no room for a name */
	expect_error(&blk, CAIRN_ERR_CORRUPT);
}

static void test_multiboot2_skips_unknown_and_unused_tags(void **state)
{
	uint8_t junk[77];

	(void)state;
	memset(junk, 0xa5, sizeof(junk));
	build_with(&blk, 0x7fffffff, junk, sizeof(junk));
	assert_int_equal(parse(&blk), CAIRN_OK);
	build_with(&blk, MULTIBOOT2_TAG_EFI_MMAP, junk, 3);
	assert_int_equal(parse(&blk), CAIRN_OK);
	assert_int_equal(bi.nregions, 1);
}

static void test_multiboot2_leaves_boot_info_empty_when_filling_fails(void **state)
{
	static const struct mb2_mmap_entry ok = { 0x100000, 0x100000, 1 };

	(void)state;
	/* Valid framing, but one module more than boot_info can reserve: the
	 * map is already recorded when the reservation is refused. */
	mb2_begin(&blk);
	mb2_mmap(&blk, &ok, 1, 24);
	for (int i = 0; i < BOOT_INFO_MAX_RESERVED + 1; i++)
		mb2_module(&blk, 0x300000 + (uint32_t)i * 0x1000,
			   0x300000 + (uint32_t)i * 0x1000 + 0x1000, "m");
	mb2_end(&blk);
	expect_error(&blk, CAIRN_ERR_LIMIT);
}

/* Every shorter total_size, with the chunk cut to match: never a crash or
 * an overread, and an error unless the block is whole. */
static void test_multiboot2_survives_every_truncation(void **state)
{
	(void)state;
	build_grub_like(&blk);
	for (size_t k = 1; k < blk.len; k++) {
		struct mb2 *cut = &blk;
		uint32_t saved = get32(cut->buf);
		err_t err;

		put32(cut->buf, (uint32_t)k);
		err = parse_at(cut, k < 8 ? 8 : k, INFO_PA, MULTIBOOT2_BOOTLOADER_MAGIC);
		put32(cut->buf, saved);
		assert_true(err < 0);
		assert_boot_info_empty();
		/* The chunk cut, total_size intact: the block is not readable. */
		assert_int_equal(parse_at(cut, k, INFO_PA, MULTIBOOT2_BOOTLOADER_MAGIC),
				 CAIRN_ERR_FAULT);
	}
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
	case CAIRN_ERR_FAULT:
	case CAIRN_ERR_RANGE:
	case CAIRN_ERR_TRUNCATED:
	case CAIRN_ERR_CORRUPT:
	case CAIRN_ERR_NOENT:
	case CAIRN_ERR_OVERFLOW:
	case CAIRN_ERR_LIMIT:
		return true;
	default:
		return false;
	}
}

/* Random mutations of a valid block: the parser never crashes, returns OK
 * or a documented error, and on OK the boot_info is sane. */
static void test_multiboot2_survives_random_mutations(void **state)
{
	static const uint32_t interesting[] = { 0, 1, 7, 8, 16, 20, 24, 36, 0x7fffffff,
						0x80000000u, 0xfffffff8u, 0xffffffffu };
	static struct mb2 base;
	unsigned int seed = (unsigned int)cairn_test_seed("multiboot2 mutations");
	unsigned ok = 0;

	(void)state;
	build_grub_like(&base);
	hosted_console_capture = discard; /* thousands of error lines */
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = base.len;
		int nmut = 1 + rand_r(&seed) % 4;
		err_t err;

		memcpy(blk.buf, base.buf, len);
		blk.len = len;
		for (int m = 0; m < nmut; m++) {
			size_t off = (size_t)rand_r(&seed) % len;

			switch (rand_r(&seed) % 4) {
			case 0:
				blk.buf[off] ^= (uint8_t)(1u << (rand_r(&seed) % 8));
				break;
			case 1:
				blk.buf[off] = (uint8_t)rand_r(&seed);
				break;
			case 2:
				off &= ~(size_t)3;
				if (off + 4 <= len)
					put32(blk.buf + off, interesting[(size_t)rand_r(&seed) %
									ARRAY_SIZE(interesting)]);
				break;
			default:
				blk.len = 8 + (size_t)rand_r(&seed) % (len - 8);
				break;
			}
		}
		err = parse(&blk);
		assert_true(documented(err));
		if (err) {
			assert_boot_info_empty();
			continue;
		}
		ok++;
		assert_true(bi.nregions <= BOOT_INFO_MAX_REGIONS);
		assert_true(strlen(bi.cmdline) < CMDLINE_MAX);
		assert_true(strlen(bi.loader_name) < sizeof(bi.loader_name));
		for (size_t i = 0; i < bi.nregions; i++)
			assert_true(bi.regions[i].base + bi.regions[i].size <=
				    BOOT_INFO_PADDR_LIMIT);
	}
	hosted_console_capture = NULL;
	printf("[ INFO     ] %u of 20000 mutated blocks still parsed\n", ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multiboot2_parses_a_grub_like_block),
		cmocka_unit_test(test_multiboot2_rejects_a_wrong_magic),
		cmocka_unit_test(test_multiboot2_rejects_a_misaligned_info_address),
		cmocka_unit_test(test_multiboot2_rejects_an_unreadable_info_address),
		cmocka_unit_test(test_multiboot2_rejects_a_total_size_below_the_minimum),
		cmocka_unit_test(test_multiboot2_rejects_a_total_size_above_one_mib),
		cmocka_unit_test(test_multiboot2_rejects_a_total_size_past_readable_memory),
		cmocka_unit_test(test_multiboot2_rejects_a_tag_running_past_total_size),
		cmocka_unit_test(test_multiboot2_rejects_a_tag_header_cut_by_total_size),
		cmocka_unit_test(test_multiboot2_rejects_tags_smaller_than_their_header),
		cmocka_unit_test(test_multiboot2_rejects_a_block_without_end_tag),
		cmocka_unit_test(test_multiboot2_rejects_an_end_tag_of_wrong_size),
		cmocka_unit_test(test_multiboot2_rejects_an_unterminated_command_line),
		cmocka_unit_test(test_multiboot2_truncates_an_overlong_command_line),
		cmocka_unit_test(test_multiboot2_rejects_an_unterminated_loader_name),
		cmocka_unit_test(test_multiboot2_cuts_a_long_loader_name_to_fit),
		cmocka_unit_test(test_multiboot2_rejects_bad_mmap_entry_sizes),
		cmocka_unit_test(test_multiboot2_rejects_a_partial_mmap_entry),
		cmocka_unit_test(test_multiboot2_rejects_an_mmap_tag_without_its_header),
		cmocka_unit_test(test_multiboot2_reads_mmap_entries_larger_than_24_bytes),
		cmocka_unit_test(test_multiboot2_maps_every_memory_type),
		cmocka_unit_test(test_multiboot2_rejects_a_region_whose_end_wraps),
		cmocka_unit_test(test_multiboot2_rejects_a_region_beyond_2_pow_52),
		cmocka_unit_test(test_multiboot2_rejects_more_regions_than_boot_info_holds),
		cmocka_unit_test(test_multiboot2_keeps_overlapping_regions_for_finalize),
		cmocka_unit_test(test_multiboot2_requires_a_memory_map),
		cmocka_unit_test(test_multiboot2_rejects_bad_rsdp_copies),
		cmocka_unit_test(test_multiboot2_accepts_an_rsdp_longer_than_36_bytes_within_its_tag),
		cmocka_unit_test(test_multiboot2_prefers_the_new_rsdp_whatever_the_order),
		cmocka_unit_test(test_multiboot2_keeps_an_old_rsdp_alone),
		cmocka_unit_test(test_multiboot2_reserves_modules_and_skips_empty_ones),
		cmocka_unit_test(test_multiboot2_rejects_a_module_ending_before_its_start),
		cmocka_unit_test(test_multiboot2_rejects_malformed_module_tags),
		cmocka_unit_test(test_multiboot2_skips_unknown_and_unused_tags),
		cmocka_unit_test(test_multiboot2_leaves_boot_info_empty_when_filling_fails),
		cmocka_unit_test(test_multiboot2_survives_every_truncation),
		cmocka_unit_test(test_multiboot2_survives_random_mutations),
	};

	cairn_test_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
