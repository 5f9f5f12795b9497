// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer entry point for drivers/acpi. Each input is used three ways:
 *  1. as the BIOS ROM area (a chunk at 0xE0000 of exactly the input's
 *     size): the RSDP scan, the table walk, the FADT and \_S5_ lookups and
 *     a power-off attempt (into a fake port space and register) run on it;
 *  2. as the AML body of a DSDT given straight to acpi_sleep_s5_find;
 *  3. as the body of a FADT given straight to acpi_fadt_parse.
 * Checksums and addresses are hard for a fuzzer to guess, so when bit 0 of
 * the input's first byte is clear the harness helps in way 1: following
 * the same path as the parser, it turns each pointer smaller than the
 * input into an address inside the chunk (BIOS_PA + value) and makes each
 * checksum it passes come out right. With the bit set, the input is taken
 * exactly as it comes.
 */
#include <stdlib.h>
#include <string.h>

#include "fake_phys.h"
#include "hosted.h"

#include "acpi/acpi.h"

#define BIOS_PA 0xe0000ull
#define BIOS_MAX 0x20000u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void discard(const char *s, size_t len)
{
	(void)s;
	(void)len;
}

static uint32_t pio_read(uint16_t port, unsigned width)
{
	(void)port;
	return width == 1 ? 0xff : width == 2 ? 0xffff : 0xffffffffu;
}

/* Time passes on every write, so power off's bounded waits end at once. */
static void pio_write(uint16_t port, uint32_t value, unsigned width)
{
	(void)port;
	(void)value;
	(void)width;
	hosted_clock_advance(1000000000ull);
}

static const struct hosted_pio_ops pio = { pio_read, pio_write };

static uint32_t fake_reg;

static void *mmio_map(paddr_t pa, size_t len)
{
	return (pa & 1) == 0 && len <= sizeof(fake_reg) ? &fake_reg : NULL;
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

/* Relocate the little-endian pointer of `width` bytes at p into the chunk. */
static uint64_t relocate(uint8_t *p, size_t width, size_t size)
{
	uint64_t v = 0;

	memcpy(&v, p, width);
	if (v < size) {
		v += BIOS_PA;
		memcpy(p, &v, width);
	}
	return v;
}

/* The table at pa, if it lies in the chunk: its bytes, or NULL. */
static uint8_t *in_chunk(uint8_t *m, size_t size, uint64_t pa, uint32_t *len)
{
	uint64_t off = pa - BIOS_PA;

	if (pa < BIOS_PA || off + 36 > size)
		return NULL;
	memcpy(len, m + off + 4, 4);
	if (*len < 36 || off + *len > size)
		return NULL;
	return m + off;
}

static void fix_checksum(uint8_t *t, uint32_t len)
{
	t[9] = 0;
	t[9] = (uint8_t)-sum8(t, len);
}

static void fix_leaf(uint8_t *m, size_t size, uint64_t pa)
{
	uint32_t len, dlen;
	uint8_t *t = in_chunk(m, size, pa, &len), *d;

	if (!t)
		return;
	if (!memcmp(t, "FACP", 4) && len >= 44) {
		uint64_t dsdt = relocate(t + 40, 4, size);

		if (len >= 148)
			dsdt = relocate(t + 140, 8, size) ? : dsdt;
		d = in_chunk(m, size, dsdt, &dlen);
		if (d && d != t)
			fix_checksum(d, dlen);
	}
	fix_checksum(t, len);
}

static void fix_root(uint8_t *m, size_t size, uint64_t pa, size_t esize)
{
	uint32_t len;
	uint8_t *t = in_chunk(m, size, pa, &len);

	if (!t)
		return;
	for (size_t off = 36; off + esize <= len; off += esize) {
		uint64_t e = relocate(t + off, esize, size);
		uint32_t elen;
		uint8_t *leaf = in_chunk(m, size, e, &elen);

		if (leaf && leaf != t)
			fix_leaf(m, size, e);
	}
	fix_checksum(t, len);
}

static void help(uint8_t *m, size_t size)
{
	for (size_t off = 0; off + 20 <= size; off += 16) {
		uint8_t *r = m + off;
		uint64_t rsdt, xsdt = 0;

		if (memcmp(r, "RSD PTR ", 8) != 0)
			continue;
		rsdt = relocate(r + 16, 4, size);
		fix_root(m, size, rsdt, 4);
		if (r[15] >= 2 && off + 36 <= size) {
			uint32_t len = 36;

			xsdt = relocate(r + 24, 8, size);
			fix_root(m, size, xsdt, 8);
			memcpy(r + 20, &len, 4);
		}
		r[8] = 0;
		r[8] = (uint8_t)-sum8(r, 20);
		if (r[15] >= 2 && off + 36 <= size) {
			r[32] = 0;
			r[32] = (uint8_t)-sum8(r, 36);
		}
		return;
	}
}

/* A validated table made of the input: header + body, exactly sized. */
static const struct acpi_header *as_table(struct fake_phys *fp, const char *sig,
					  const uint8_t *body, size_t n)
{
	const struct acpi_header *h;
	struct phys_window w = fake_phys_window(fp);
	uint8_t *t = fake_phys_add(fp, 0x100000, 36 + n);
	uint32_t len = (uint32_t)(36 + n);
	uint8_t sum = 0;

	memcpy(t, sig, 4);
	memcpy(t + 4, &len, 4);
	memcpy(t + 36, body, n);
	for (size_t i = 0; i < 36 + n; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)-sum;
	if (acpi_table_map(&w, 0x100000, sig, &h) != CAIRN_OK)
		abort();
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fake_phys fp;
	struct phys_window w;
	struct acpi_sleep_type s5;
	struct acpi_fadt fadt;
	uint8_t *mem;
	err_t err;

	if (size == 0 || size > BIOS_MAX)
		return 0;
	hosted_console_capture = discard;
	hosted_pio = &pio;
	acpi_mmio_map_set(mmio_map);

	fake_phys_init(&fp);
	mem = fake_phys_add_copy(&fp, BIOS_PA, data, size);
	if (!(mem[0] & 1))
		help(mem, size);
	w = fake_phys_window(&fp);
	err = acpi_boot_init(&w, NULL);
	if (err > 0 || err < CAIRN_ERR_MIN_ || (err && acpi_table_count() != 0))
		abort();
	(void)acpi_poweroff();
	acpi_tables_reset();
	fake_phys_free(&fp);

	fake_phys_init(&fp);
	err = acpi_sleep_s5_find(as_table(&fp, "DSDT", data, size), &s5);
	if (err == CAIRN_OK && (s5.slp_typa > 7 || s5.slp_typb > 7))
		abort();
	fake_phys_free(&fp);

	fake_phys_init(&fp);
	(void)acpi_fadt_parse(as_table(&fp, "FACP", data, size), &fadt);
	fake_phys_free(&fp);
	return 0;
}
