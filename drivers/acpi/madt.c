// SPDX-License-Identifier: BSD-2-Clause
/*
 * The MADT ("APIC"): which interrupt controllers a PC has and how the
 * legacy ISA interrupts are wired to them.
 *
 * After the 44-byte fixed part (header, the 32-bit local APIC address,
 * flags) comes a list of variable-length entries, each starting with a
 * type byte and a length byte. Cairn reads local APICs and x2APICs (to
 * count CPUs and know the boot CPU's id), I/O APICs with their GSI bases,
 * interrupt source overrides (ISA IRQ -> GSI with polarity and trigger),
 * NMI sources and local APIC NMI pins, and the 64-bit local APIC address
 * override. Other types (GIC entries of arm64 servers, SAPIC, ...) are
 * skipped and counted.
 *
 * The table is outside input: acpi_table_map has checked signature, length
 * and checksum, and here every entry's length is checked against its type
 * and against the end of the table before any field is read, and every
 * value Cairn will use is checked for sense. A bad entry makes the whole
 * table an error (CORRUPT() logs where); the result is written only when
 * the whole table is good, so a caller never sees half a MADT.
 */
#include "internal.h"

#include <kernel/log.h>
#include <kernel/string.h>

#define MADT_LAPIC_ADDRESS 36
#define MADT_FLAGS 40
#define MADT_ENTRIES ACPI_MADT_MIN_LEN

#define LAPIC_ENABLED (1u << 0)
#define LAPIC_ONLINE_CAPABLE (1u << 1)

/* The exact length of each type Cairn reads; 0 for types it skips. */
static uint8_t type_length(uint8_t type)
{
	switch (type) {
	case ACPI_MADT_LAPIC: return 8;
	case ACPI_MADT_IOAPIC: return 12;
	case ACPI_MADT_OVERRIDE: return 10;
	case ACPI_MADT_NMI_SOURCE: return 8;
	case ACPI_MADT_LAPIC_NMI: return 6;
	case ACPI_MADT_LAPIC_ADDRESS: return 12;
	case ACPI_MADT_X2APIC: return 16;
	case ACPI_MADT_X2APIC_NMI: return 12;
	default: return 0;
	}
}

/* Decode MPS INTI flags (polarity bits 1:0, trigger bits 3:2); the value
 * 2 of either field is reserved. */
static bool inti_flags(uint16_t flags, uint8_t *polarity, uint8_t *trigger)
{
	*polarity = flags & 3;
	*trigger = (flags >> 2) & 3;
	return *polarity != 2 && *trigger != 2;
}

err_t acpi_madt_parse(const struct acpi_header *madt, struct acpi_madt *out)
{
	struct acpi_madt m; /* about 800 bytes: copied out only when all is good */
	const uint8_t *t = (const uint8_t *)madt;
	bool have_boot_cpu = false;
	uint32_t len;

	if (memcmp(madt->signature, "APIC", ACPI_SIG_LEN) != 0)
		return CAIRN_ERR_INVAL;
	len = madt->length;
	if (len < ACPI_MADT_MIN_LEN)
		return CORRUPT("acpi: MADT of %u bytes is shorter than its fixed part (%u)", len,
			       ACPI_MADT_MIN_LEN);

	memset(&m, 0, sizeof(m));
	m.lapic_address = load_le32(t + MADT_LAPIC_ADDRESS);
	m.flags = load_le32(t + MADT_FLAGS);

	for (uint32_t off = MADT_ENTRIES; off < len;) {
		const uint8_t *e = t + off;
		uint8_t type, elen, want;

		if (len - off < 2)
			return CORRUPT("acpi: MADT entry at offset %u: 1 byte left, no room for "
				       "type and length", off);
		type = e[0];
		elen = e[1];
		if (elen < 2)
			return CORRUPT("acpi: MADT entry at offset %u (type %u) has length %u "
				       "(below 2: the walk would not advance)", off, type, elen);
		if (elen > len - off)
			return CORRUPT("acpi: MADT entry at offset %u (type %u, length %u) runs "
				       "past the table's end (%u)", off, type, elen, len);
		want = type_length(type);
		if (want == 0) {
			m.skipped++;
			off += elen;
			continue;
		}
		if (elen != want)
			return CORRUPT("acpi: MADT entry at offset %u (type %u) has length %u, "
				       "expected %u", off, type, elen, want);

		switch (type) {
		case ACPI_MADT_LAPIC:
		case ACPI_MADT_X2APIC: {
			uint32_t flags = load_le32(e + (type == ACPI_MADT_LAPIC ? 4 : 8));
			uint32_t id = type == ACPI_MADT_LAPIC ? e[3] : load_le32(e + 4);

			if (!(flags & (LAPIC_ENABLED | LAPIC_ONLINE_CAPABLE)))
				break; /* a CPU slot with nothing in it */
			m.cpus++;
			/* The first enabled entry is the boot CPU (ACPI 6.5, 5.2.12.15:
			 * "the boot processor ... listed first"). */
			if (!have_boot_cpu && (flags & LAPIC_ENABLED)) {
				m.boot_apic_id = id;
				have_boot_cpu = true;
			}
			break;
		}
		case ACPI_MADT_IOAPIC: {
			struct acpi_madt_ioapic io = {
				.id = e[2], .address = load_le32(e + 4), .gsi_base = load_le32(e + 8),
			};

			if (io.address == 0 || (io.address & 3))
				return CORRUPT("acpi: MADT entry at offset %u: I/O APIC %u at "
					       "address %#llx (zero or unaligned)", off, io.id,
					       (unsigned long long)io.address);
			for (size_t i = 0; i < m.nioapics; i++) {
				if (m.ioapic[i].id == io.id || m.ioapic[i].gsi_base == io.gsi_base) {
					LOG_ERR("acpi: MADT entry at offset %u: I/O APIC id %u / GSI "
						"base %u repeats I/O APIC id %u / GSI base %u", off,
						io.id, io.gsi_base, m.ioapic[i].id, m.ioapic[i].gsi_base);
					return CAIRN_ERR_EXIST;
				}
			}
			if (m.nioapics == ACPI_MADT_MAX_IOAPICS) {
				LOG_ERR("acpi: MADT entry at offset %u: more than %u I/O APICs", off,
					ACPI_MADT_MAX_IOAPICS);
				return CAIRN_ERR_LIMIT;
			}
			m.ioapic[m.nioapics++] = io;
			break;
		}
		case ACPI_MADT_OVERRIDE: {
			struct acpi_madt_override o = { .source = e[3], .gsi = load_le32(e + 4) };

			if (e[2] != 0)
				return CORRUPT("acpi: MADT entry at offset %u: interrupt source "
					       "override on bus %u (only ISA, bus 0, exists)", off,
					       e[2]);
			if (o.source > 15)
				return CORRUPT("acpi: MADT entry at offset %u: override of ISA IRQ "
					       "%u (ISA has 16)", off, o.source);
			if (!inti_flags(load_le16(e + 8), &o.polarity, &o.trigger))
				return CORRUPT("acpi: MADT entry at offset %u: override of ISA IRQ "
					       "%u has reserved flags %#x", off, o.source,
					       load_le16(e + 8));
			for (size_t i = 0; i < m.noverrides; i++) {
				if (m.override[i].source == o.source) {
					LOG_ERR("acpi: MADT entry at offset %u: ISA IRQ %u is "
						"overridden twice (GSI %u and %u)", off, o.source,
						m.override[i].gsi, o.gsi);
					return CAIRN_ERR_EXIST;
				}
			}
			if (m.noverrides == ACPI_MADT_MAX_OVERRIDES) {
				LOG_ERR("acpi: MADT entry at offset %u: more than %u overrides", off,
					ACPI_MADT_MAX_OVERRIDES);
				return CAIRN_ERR_LIMIT;
			}
			m.override[m.noverrides++] = o;
			break;
		}
		case ACPI_MADT_NMI_SOURCE: {
			struct acpi_madt_nmi n = { .gsi = load_le32(e + 4) };

			if (!inti_flags(load_le16(e + 2), &n.polarity, &n.trigger))
				return CORRUPT("acpi: MADT entry at offset %u: NMI source GSI %u "
					       "has reserved flags %#x", off, n.gsi,
					       load_le16(e + 2));
			if (m.nnmi_sources == ACPI_MADT_MAX_NMI_SOURCES) {
				LOG_ERR("acpi: MADT entry at offset %u: more than %u NMI sources",
					off, ACPI_MADT_MAX_NMI_SOURCES);
				return CAIRN_ERR_LIMIT;
			}
			m.nmi_source[m.nnmi_sources++] = n;
			break;
		}
		case ACPI_MADT_LAPIC_NMI:
		case ACPI_MADT_X2APIC_NMI: {
			bool x2 = type == ACPI_MADT_X2APIC_NMI;
			uint16_t flags = load_le16(e + (x2 ? 2 : 3));
			struct acpi_madt_nmi n = {
				.processor = x2 ? load_le32(e + 4) : (e[2] == 0xff ? 0xffffffffu : e[2]),
				.lint = x2 ? e[8] : e[5],
			};

			if (!inti_flags(flags, &n.polarity, &n.trigger))
				return CORRUPT("acpi: MADT entry at offset %u: local APIC NMI has "
					       "reserved flags %#x", off, flags);
			if (n.lint > 1)
				return CORRUPT("acpi: MADT entry at offset %u: local APIC NMI on "
					       "LINT%u (there are LINT0 and LINT1)", off, n.lint);
			if (m.nlocal_nmis == ACPI_MADT_MAX_LOCAL_NMIS) {
				LOG_ERR("acpi: MADT entry at offset %u: more than %u local APIC "
					"NMI entries", off, ACPI_MADT_MAX_LOCAL_NMIS);
				return CAIRN_ERR_LIMIT;
			}
			m.local_nmi[m.nlocal_nmis++] = n;
			break;
		}
		case ACPI_MADT_LAPIC_ADDRESS: {
			uint64_t a = load_le64(e + 4);

			if (a == 0 || (a & 0xfff) || a > BOOT_INFO_PADDR_LIMIT - 0x1000)
				return CORRUPT("acpi: MADT entry at offset %u: local APIC address "
					       "override %#llx (zero, unaligned or beyond physical "
					       "memory)", off, (unsigned long long)a);
			m.lapic_address = a;
			m.lapic_address_overridden = true;
			break;
		}
		default:
			break;
		}
		off += elen;
	}

	if (m.nioapics == 0) {
		LOG_ERR("acpi: MADT lists no I/O APIC");
		return CAIRN_ERR_NOENT;
	}
	if (m.lapic_address == 0 || (m.lapic_address & 0xfff))
		return CORRUPT("acpi: MADT local APIC address %#llx (zero or unaligned)",
			       (unsigned long long)m.lapic_address);
	*out = m;
	return CAIRN_OK;
}

err_t acpi_madt_isa_irq(const struct acpi_madt *m, unsigned irq, uint32_t *gsi,
			enum acpi_polarity *polarity, enum acpi_trigger *trigger)
{
	if (irq > 15)
		return CAIRN_ERR_RANGE;
	*gsi = irq;
	*polarity = ACPI_POLARITY_HIGH;
	*trigger = ACPI_TRIGGER_EDGE;
	for (size_t i = 0; i < m->noverrides; i++) {
		const struct acpi_madt_override *o = &m->override[i];

		if (o->source != irq)
			continue;
		*gsi = o->gsi;
		if (o->polarity != ACPI_POLARITY_CONFORMS)
			*polarity = o->polarity;
		if (o->trigger != ACPI_TRIGGER_CONFORMS)
			*trigger = o->trigger;
	}
	return CAIRN_OK;
}

const struct acpi_madt_override *acpi_madt_gsi_override(const struct acpi_madt *m, uint32_t gsi)
{
	for (size_t i = 0; i < m->noverrides; i++) {
		if (m->override[i].gsi == gsi)
			return &m->override[i];
	}
	return NULL;
}
