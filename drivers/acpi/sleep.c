// SPDX-License-Identifier: BSD-2-Clause
/*
 * Soft power off through ACPI sleep state S5.
 *
 * Entering S5 takes two numbers and one or two registers: SLP_TYPa and
 * SLP_TYPb, from the DSDT's \_S5_ package, written with SLP_EN into the
 * PM1a (and PM1b) control registers the FADT names. Cairn does not
 * interpret AML; \_S5_ is almost always a plain named package at the top
 * of the DSDT, so a bounded byte scan for its encoding finds it:
 *
 *   NameOp '\'? "_S5_" PackageOp PkgLength NumElements SLP_TYPa SLP_TYPb ...
 *   08     5C   5F 53 35 5F 12  1-4 bytes  >= 2        integer constants
 *
 * A PkgLength's first byte holds in bits 7-6 the count of bytes that
 * follow (0-3). With none, bits 5-0 are the length; otherwise bits 3-0 are
 * its low nibble (bits 5-4 must be zero) and each following byte adds 8
 * more bits. The length counts itself and everything up to the package's
 * end. Firmware that computes \_S5_ in a method is not handled (NOENT).
 *
 * What the AML would run around the transition (_PTS, _GTS) is not run
 * either; on the machines Cairn targets (QEMU's PIIX4 and ICH9, common
 * PCs) S5 does not depend on it.
 *
 * State: what acpi_sleep_init found, written at init on the boot CPU and
 * read by acpi_poweroff at the final stop; no lock needed.
 */
#include "internal.h"

#include <kernel/arch.h>
#include <kernel/fmt.h>
#include <kernel/io.h>
#include <kernel/layout.h>
#include <kernel/log.h>
#include <kernel/string.h>

#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_QWORD_PREFIX 0x0e
#define AML_PACKAGE_OP 0x12
#define AML_ROOT_CHAR 0x5c

#define SLP_TYP_MAX 7

/* Bounded waits: ~100 ms by the clock, or this many spins if it stands. */
#define POWEROFF_WAIT_NS 100000000ull
#define WAIT_SPINS_MAX 1000000u

static struct {
	bool ready;           /* acpi_sleep_init succeeded */
	err_t err;            /* why not ready (NOTSUP before any init) */
	struct acpi_fadt fadt;
	struct acpi_sleep_type s5;
} pm = { .err = CAIRN_ERR_NOTSUP };

static acpi_mmio_map_fn mmio_map;

void acpi_sleep_forget(void)
{
	memset(&pm, 0, sizeof(pm));
	pm.err = CAIRN_ERR_NOTSUP;
}

/* One integer element at body[*pos], inside [.., end). */
static err_t aml_integer(const uint8_t *body, size_t *pos, size_t end, size_t table_end,
			 uint64_t *out)
{
	size_t p = *pos, n;
	uint8_t op;

	if (p >= end)
		return p >= table_end ? CAIRN_ERR_TRUNCATED :
			CORRUPT("acpi: \\_S5_ package ends before its elements");
	op = body[p++];
	switch (op) {
	case AML_ZERO_OP:
		*out = 0;
		*pos = p;
		return CAIRN_OK;
	case AML_ONE_OP:
		*out = 1;
		*pos = p;
		return CAIRN_OK;
	case AML_BYTE_PREFIX:
		n = 1;
		break;
	case AML_WORD_PREFIX:
		n = 2;
		break;
	case AML_DWORD_PREFIX:
		n = 4;
		break;
	case AML_QWORD_PREFIX:
		n = 8;
		break;
	default:
		return CORRUPT("acpi: \\_S5_ element opcode %#x is not an integer constant", op);
	}
	if (n > end - p)
		return end == table_end ? CAIRN_ERR_TRUNCATED :
			CORRUPT("acpi: \\_S5_ element runs past its package");
	*out = 0;
	for (size_t i = 0; i < n; i++)
		*out |= (uint64_t)body[p + i] << (8 * i);
	*pos = p + n;
	return CAIRN_OK;
}

/* Decode the package after "_S5_", which starts at body[p]. */
static err_t s5_package(const uint8_t *body, size_t len, size_t p,
			struct acpi_sleep_type *out)
{
	size_t nbytes, pkglen, end;
	uint64_t a, b;
	uint8_t lead;
	err_t err;

	if (p >= len)
		goto truncated;
	if (body[p] != AML_PACKAGE_OP)
		return CORRUPT("acpi: \\_S5_ is not a package (opcode %#x)", body[p]);
	p++;
	if (p >= len)
		goto truncated;
	lead = body[p];
	nbytes = lead >> 6;
	if (nbytes >= len - p)  /* the lead byte plus nbytes must fit */
		goto truncated;
	if (nbytes == 0) {
		pkglen = lead & 0x3f;
	} else {
		if (lead & 0x30)
			return CORRUPT("acpi: \\_S5_ PkgLength lead byte %#x has reserved bits set",
				       lead);
		pkglen = lead & 0x0f;
		for (size_t i = 0; i < nbytes; i++)
			pkglen |= (size_t)body[p + 1 + i] << (4 + 8 * i);
	}
	/* The length covers itself and at least NumElements. */
	if (pkglen < nbytes + 2)
		return CORRUPT("acpi: \\_S5_ PkgLength %zu is too small", pkglen);
	if (pkglen > len - p) {
		LOG_WARN("acpi: \\_S5_ package of %zu bytes runs past the table's end",
			 pkglen);
		return CAIRN_ERR_TRUNCATED;
	}
	end = p + pkglen;
	p += 1 + nbytes;
	if (body[p] < 2)
		return CORRUPT("acpi: \\_S5_ package has %u elements (< 2)", body[p]);
	p++;
	err = aml_integer(body, &p, end, len, &a);
	if (!err)
		err = aml_integer(body, &p, end, len, &b);
	if (err == CAIRN_ERR_TRUNCATED)
		goto truncated;
	if (err)
		return err;
	if (a > SLP_TYP_MAX || b > SLP_TYP_MAX) {
		LOG_WARN("acpi: \\_S5_ SLP_TYP values %#llx/%#llx exceed 3 bits",
			 (unsigned long long)a, (unsigned long long)b);
		return CAIRN_ERR_RANGE;
	}
	out->slp_typa = (uint8_t)a;
	out->slp_typb = (uint8_t)b;
	return CAIRN_OK;

truncated:
	LOG_WARN("acpi: \\_S5_ object runs past the end of its table");
	return CAIRN_ERR_TRUNCATED;
}

err_t acpi_sleep_s5_find(const struct acpi_header *dsdt, struct acpi_sleep_type *out)
{
	const uint8_t *body = (const uint8_t *)dsdt + ACPI_HEADER_SIZE;
	size_t len = dsdt->length - ACPI_HEADER_SIZE;

	DEBUG_ASSERT(dsdt->length >= ACPI_HEADER_SIZE); /* a validated table */
	for (size_t i = 1; i + 4 <= len; i++) {
		size_t name = i;

		if (memcmp(body + i, "_S5_", 4) != 0)
			continue;
		if (body[name - 1] == AML_ROOT_CHAR)
			name--;
		if (name == 0 || body[name - 1] != AML_NAME_OP)
			continue; /* a reference to \_S5_, or bytes that look like one */
		return s5_package(body, len, i + 4, out);
	}
	return CAIRN_ERR_NOENT;
}

err_t acpi_sleep_init(void)
{
	const struct acpi_header *fadt, *dsdt;
	err_t err;

	acpi_sleep_forget();
	err = acpi_table_find("FACP", 0, &fadt);
	if (err) {
		LOG_WARN("acpi: no FADT: power off unavailable");
		goto fail;
	}
	err = acpi_fadt_parse(fadt, &pm.fadt);
	if (err)
		goto fail;
	if (pm.fadt.pm1a_cnt.address == 0) {
		LOG_WARN("acpi: the FADT gives no PM1a control block%s: power off unavailable",
			 pm.fadt.flags & ACPI_FADT_HW_REDUCED ? " (hardware-reduced ACPI)" : "");
		err = CAIRN_ERR_NOTSUP;
		goto fail;
	}
	err = acpi_table_find("DSDT", 0, &dsdt);
	if (err) {
		LOG_WARN("acpi: no valid DSDT: power off unavailable");
		goto fail;
	}
	err = acpi_sleep_s5_find(dsdt, &pm.s5);
	if (err) {
		LOG_WARN("acpi: no usable \\_S5_ in the DSDT (%s): power off unavailable",
			 cairn_err_name(err));
		goto fail;
	}
	pm.ready = true;
	pm.err = CAIRN_OK;
	return CAIRN_OK;

fail:
	pm.ready = false;
	pm.err = err;
	return err;
}

const char *acpi_sleep_summary(void)
{
	static char buf[96];
	const struct acpi_fadt *f = &pm.fadt;

	if (!pm.ready)
		return "power off unavailable";
	ksnprintf(buf, sizeof(buf), "S5 via PM1a %s %#llx%s, SLP_TYP %u/%u",
		  f->pm1a_cnt.space == ACPI_SPACE_IO ? "port" : "mmio",
		  (unsigned long long)f->pm1a_cnt.address,
		  f->pm1b_cnt.address ? " + PM1b" : "", pm.s5.slp_typa, pm.s5.slp_typb);
	return buf;
}

void acpi_mmio_map_set(acpi_mmio_map_fn fn)
{
	mmio_map = fn;
}

static void *default_mmio_map(paddr_t pa, size_t len)
{
#if CONFIG_HOSTED
	(void)pa;
	(void)len;
	return NULL; /* the hosted shim has no physical memory */
#else
	uint64_t end;

	/* Only the first 4 GiB are sure to be in the direct map this early. */
	if (add_overflows(pa, (uint64_t)len, &end) || end > GiB(4))
		return NULL;
	return layout_phys_to_virt(pa);
#endif
}

/* An io_region for a validated PM1 register (fadt.c checked its bounds). */
static err_t reg_region(const struct acpi_reg *r, struct io_region *out)
{
	void *va;

	if (r->space == ACPI_SPACE_IO) {
		*out = (struct io_region){ .space = IO_SPACE_PORT, .base = (uintptr_t)r->address,
					   .size = r->width };
		return CAIRN_OK;
	}
	va = (mmio_map ? mmio_map : default_mmio_map)(r->address, r->width);
	if (!va) {
		LOG_ERR("acpi: PM1 control register at %#llx cannot be mapped",
			(unsigned long long)r->address);
		return CAIRN_ERR_FAULT;
	}
	*out = (struct io_region){ .space = IO_SPACE_MMIO, .base = (uintptr_t)va,
				   .size = r->width };
	return CAIRN_OK;
}

static uint32_t reg_read(const struct io_region *r)
{
	return r->size == 4 ? io_read32(r, 0) : io_read16(r, 0);
}

static void reg_write(const struct io_region *r, uint32_t v)
{
	if (r->size == 4)
		io_write32(r, 0, v);
	else
		io_write16(r, 0, (uint16_t)v);
}

/*
 * Wait until `done` or the bounded wait counted from `t0` (taken just
 * before the write being waited on) is over; true if done.
 */
static bool wait_bounded(bool (*done)(const struct io_region *), const struct io_region *r,
			 uint64_t t0)
{
	for (uint32_t i = 0; i < WAIT_SPINS_MAX; i++) {
		if (done && done(r))
			return true;
		if (arch_clock_ns() - t0 >= POWEROFF_WAIT_NS)
			break;
		arch_cpu_relax();
	}
	return done && done(r);
}

static bool sci_enabled(const struct io_region *pm1a)
{
	return reg_read(pm1a) & ACPI_PM1_SCI_EN;
}

/* Switch from legacy (SMM) mode to ACPI mode if the firmware has not. */
static void enable_acpi_mode(const struct io_region *pm1a)
{
	const struct acpi_fadt *f = &pm.fadt;
	uint64_t t0;

	if (sci_enabled(pm1a))
		return;
	if (!f->smi_cmd || !f->acpi_enable) {
		LOG_WARN("acpi: SCI_EN is clear and the FADT offers no way to set it");
		return;
	}
	t0 = arch_clock_ns();
	arch_pio_write8(f->smi_cmd, f->acpi_enable);
	if (!wait_bounded(sci_enabled, pm1a, t0))
		LOG_WARN("acpi: ACPI mode not entered (SCI_EN still clear); trying anyway");
}

err_t acpi_poweroff(void)
{
	const struct acpi_fadt *f = &pm.fadt;
	struct io_region a, b;
	bool have_b = f->pm1b_cnt.address != 0;
	uint32_t va, vb = 0;
	uint64_t t0;
	err_t err;

	if (!pm.ready) {
		LOG_ERR("acpi: cannot power off: %s", cairn_err_describe(pm.err));
		return pm.err;
	}
	/* Validate (map) both registers before writing either. */
	err = reg_region(&f->pm1a_cnt, &a);
	if (!err && have_b)
		err = reg_region(&f->pm1b_cnt, &b);
	if (err)
		return err;

	enable_acpi_mode(&a);
	va = reg_read(&a) & ~(ACPI_PM1_SLP_TYP_MASK | ACPI_PM1_SLP_EN);
	va |= (uint32_t)pm.s5.slp_typa << ACPI_PM1_SLP_TYP_SHIFT;
	if (have_b) {
		vb = reg_read(&b) & ~(ACPI_PM1_SLP_TYP_MASK | ACPI_PM1_SLP_EN);
		vb |= (uint32_t)pm.s5.slp_typb << ACPI_PM1_SLP_TYP_SHIFT;
	}
	/* SLP_TYP first, then SLP_EN: the order ACPICA uses. */
	reg_write(&a, va);
	if (have_b)
		reg_write(&b, vb);
	t0 = arch_clock_ns();
	reg_write(&a, va | ACPI_PM1_SLP_EN);
	if (have_b)
		reg_write(&b, vb | ACPI_PM1_SLP_EN);

	(void)wait_bounded(NULL, NULL, t0);
	LOG_ERR("acpi: S5 requested (SLP_TYP %u/%u) but the machine is still running",
		pm.s5.slp_typa, pm.s5.slp_typb);
	return CAIRN_ERR_IO;
}
