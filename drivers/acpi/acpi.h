/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ACPI: the firmware's description of a PC, read as hostile input.
 *
 * This layer finds the RSDP, walks the XSDT (or RSDT), validates every
 * table it is pointed at and keeps a small registry of the good ones, so
 * that later consumers (the MADT for interrupt controllers, MCFG for PCI,
 * the FADT here) ask for a table by signature instead of re-walking memory.
 * It also implements the one ACPI service Cairn needs today: soft power off
 * (sleep state S5), which takes the FADT's PM1 control registers and the
 * SLP_TYP values of the DSDT's \_S5_ package. No AML is interpreted: \_S5_
 * is found by a bounded byte scan for its well-known encoding
 * (docs/acpi.md explains what is read, the rules and their limits).
 *
 * Physical memory is read only through a struct phys_window (the direct map
 * in the kernel, a fake arena in tests). Every table is checked (signature,
 * length bounds, checksum) before any field of it is used; a bad table is
 * skipped with a log line naming what was wrong, a bad root table is an
 * error. Pointers the window returns must stay valid until
 * acpi_tables_reset(): the registry keeps them.
 *
 * Context of everything here: boot CPU, during init (INIT_LEVEL_PLATFORM)
 * or at the final stop; no allocation, no locks (single-threaded by then).
 * acpi_table_find may be called from any context once init is done (the
 * registry no longer changes).
 */
#ifndef DRIVERS_ACPI_ACPI_H
#define DRIVERS_ACPI_ACPI_H

#include <kernel/assert.h>
#include <kernel/boot_info.h>
#include <kernel/types.h>

#define ACPI_SIG_LEN 4
#define ACPI_HEADER_SIZE 36u
#define ACPI_TABLE_MAX_LEN (16u << 20)  /* 16 MiB: far above any real table */
#define ACPI_MAX_TABLES 64              /* registry size; extra tables skipped */

#define ACPI_RSDP_SIG "RSD PTR "
#define ACPI_RSDP_V1_LEN 20u
#define ACPI_RSDP_V2_LEN 36u
#define ACPI_RSDP_MAX_LEN 1024u         /* bound on an ACPI 2.0+ RSDP's length */

/* Where the legacy BIOS keeps the RSDP (ACPI 6.5, 5.2.5.1). */
#define ACPI_BDA_EBDA_SEGMENT 0x40eu    /* u16: EBDA segment (address >> 4) */
#define ACPI_EBDA_SCAN_LEN 1024u        /* the first 1 KiB of the EBDA */
#define ACPI_BIOS_AREA_START 0xe0000u
#define ACPI_BIOS_AREA_END 0x100000u    /* exclusive */

/* PM1 control register bits. */
#define ACPI_PM1_SCI_EN (1u << 0)
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_TYP_MASK (7u << ACPI_PM1_SLP_TYP_SHIFT)
#define ACPI_PM1_SLP_EN (1u << 13)

/* The common header of every table but the RSDP and FACS. Packed so that
 * a table at any address can be read through it. */
struct acpi_header {
	char signature[4];
	uint32_t length;       /* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum;      /* all `length` bytes sum to 0 (mod 256) */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;
STATIC_ASSERT(sizeof(struct acpi_header) == ACPI_HEADER_SIZE, "ACPI table header layout");

/* A validated RSDP, reduced to what the table walk needs. */
struct acpi_rsdp {
	uint8_t revision;      /* 0 (ACPI 1.0) or >= 2 */
	char oem_id[7];        /* NUL-terminated */
	paddr_t rsdt_pa;       /* 0: none */
	paddr_t xsdt_pa;       /* 0: none (always 0 below revision 2) */
	paddr_t pa;            /* where it was read; 0 for a loader's copy */
	const char *source;    /* "loader copy", "loader address", "EBDA", "BIOS area" */
};

/* A register the FADT names, validated: the address space, the access
 * width and the address (a port number, or a physical address). */
enum acpi_space { ACPI_SPACE_MEMORY = 0, ACPI_SPACE_IO = 1 };

struct acpi_reg {
	uint8_t space;         /* enum acpi_space */
	uint8_t width;         /* access width in bytes: 2 or 4 */
	paddr_t address;       /* 0: the register is absent */
};

/* What Cairn takes from the FADT ("FACP"). */
struct acpi_fadt {
	uint8_t revision;
	uint32_t flags;
	paddr_t dsdt_pa;       /* X_DSDT if present and non-zero, else DSDT; 0: none */
	struct acpi_reg pm1a_cnt;
	struct acpi_reg pm1b_cnt;
	uint16_t smi_cmd;      /* port to switch into ACPI mode; 0: none */
	uint8_t acpi_enable;   /* value to write to smi_cmd */
};

#define ACPI_FADT_MIN_LEN 116u           /* the ACPI 1.0 FADT */
#define ACPI_FADT_HW_REDUCED (1u << 20)  /* flags: no PM1 blocks */

/* SLP_TYPa/SLP_TYPb of a sleep state (3-bit values). */
struct acpi_sleep_type {
	uint8_t slp_typa;
	uint8_t slp_typb;
};

/* ---- RSDP ------------------------------------------------------------- */

/*
 * acpi_rsdp_parse - validate one RSDP candidate of `avail` readable bytes
 * and reduce it into `out` (out->pa and out->source are left to the caller).
 * Checks the signature and the 20-byte checksum; for revision >= 2 also the
 * length (36 .. ACPI_RSDP_MAX_LEN, all of it within `avail`) and the
 * extended checksum over that length. Revision 1 is read as 0 (ACPI 1.0).
 * Errors: CAIRN_ERR_TRUNCATED (avail below 20, or below 36 or the length
 * for revision >= 2), CAIRN_ERR_CORRUPT (signature, a checksum, the length
 * out of bounds). Any context; reads only [bytes, bytes + avail).
 */
err_t acpi_rsdp_parse(const void *bytes, size_t avail, struct acpi_rsdp *out);

/*
 * acpi_rsdp_find - locate and validate the RSDP.
 * @w:   how physical memory is read.
 * @bi:  the boot information, or NULL. Its RSDP copy (bi->acpi_rsdp_len
 *       bytes, from multiboot2) is used first, else its RSDP address (from
 *       PVH). A loader's RSDP that fails validation is an error, not a
 *       reason to scan: the loader said where it is.
 * Otherwise scans, on 16-byte boundaries, the first KiB of the EBDA (its
 * segment read from 0x40E, used if it lies in [0x400, 0xA0000)) and then
 * 0xE0000-0xFFFFF, taking the first candidate that validates; candidates
 * that do not are skipped.
 * Errors: CAIRN_ERR_NOENT (no loader RSDP and none found by the scan), the
 * errors of acpi_rsdp_parse for a loader's RSDP, CAIRN_ERR_FAULT (the
 * loader's RSDP address is not readable).
 */
err_t acpi_rsdp_find(const struct phys_window *w, const struct boot_info *bi,
		     struct acpi_rsdp *out);

/* ---- tables ----------------------------------------------------------- */

/*
 * acpi_table_map - map and validate the table at `pa`: its header readable,
 * a signature of 4 printable characters (equal to `sig` if `sig` is not
 * NULL), 36 <= length <= ACPI_TABLE_MAX_LEN, all of it readable, checksum
 * zero. On success *out points at the table (length bytes readable).
 * Errors: CAIRN_ERR_INVAL (pa is 0), CAIRN_ERR_FAULT (not readable),
 * CAIRN_ERR_CORRUPT (signature, length below 36, checksum), CAIRN_ERR_RANGE
 * (length above ACPI_TABLE_MAX_LEN). Any context.
 */
err_t acpi_table_map(const struct phys_window *w, paddr_t pa, const char *sig,
		     const struct acpi_header **out);

/*
 * acpi_tables_init - forget any previous registry, then walk the root table
 * the RSDP names: the XSDT when revision >= 2 and it validates, else the
 * RSDT (a bad XSDT with a good RSDT is a warning). The root table must also
 * hold a whole number of entries. Each entry is validated with
 * acpi_table_map; a bad one is logged and skipped, as are tables beyond
 * ACPI_MAX_TABLES. The DSDT, which the FADT names rather than the root
 * table, is validated and registered too. Logs one line per table
 * (signature, address, length, OEM id) and a summary.
 * Errors (the registry is then empty): those of acpi_table_map for the root
 * table (of the RSDT if the XSDT was tried first and failed too),
 * CAIRN_ERR_CORRUPT also for a root table length that is not 36 plus a
 * whole number of 4- (RSDT) or 8-byte (XSDT) entries, or an RSDP naming
 * neither table.
 */
err_t acpi_tables_init(const struct phys_window *w, const struct acpi_rsdp *rsdp);

/*
 * acpi_table_find - the `instance`-th (from 0, in root table order) valid
 * table with signature `sig` (4 characters, no NUL needed).
 * Errors: CAIRN_ERR_NOENT (no such table, or no registry). Any context.
 */
err_t acpi_table_find(const char sig[ACPI_SIG_LEN], unsigned instance,
		      const struct acpi_header **out);

/* acpi_table_count - tables in the registry (0 before acpi_tables_init). */
size_t acpi_table_count(void);

/* acpi_tables_reset - forget the registry and the sleep data (tests, and a
 * failed init). */
void acpi_tables_reset(void);

/* ---- FADT, sleep and power off ----------------------------------------- */

/*
 * acpi_fadt_parse - read what Cairn needs from a validated FADT (one that
 * acpi_table_map accepted). PM1a/PM1b control blocks come from the 64-bit
 * generic address structures X_PM1x_CNT_BLK when present and valid (System
 * Memory or System I/O space, bit offset 0, a 16- or 32-bit access, an I/O
 * address that fits 16 bits), else from the 32-bit port fields with
 * PM1_CNT_LEN >= 2; a block that neither gives is absent (address 0). The
 * DSDT address is X_DSDT when present and non-zero, else DSDT.
 * Errors: CAIRN_ERR_INVAL (signature is not "FACP"), CAIRN_ERR_CORRUPT
 * (shorter than the 116 bytes of an ACPI 1.0 FADT). Any context.
 */
err_t acpi_fadt_parse(const struct acpi_header *fadt, struct acpi_fadt *out);

/*
 * acpi_sleep_s5_find - find \_S5_ in a validated DSDT (or SSDT) and return
 * its SLP_TYPa/SLP_TYPb. Looks for NameOp (0x08), an optional root prefix
 * '\' and "_S5_", followed by PackageOp (0x12), a PkgLength of 1 to 4
 * bytes, NumElements (>= 2) and two integer elements encoded as ZeroOp,
 * OneOp, or BytePrefix/WordPrefix/DWordPrefix/QWordPrefix constants. Every
 * byte read is bounds-checked against the table's length.
 * Errors: CAIRN_ERR_NOENT (no \_S5_ name), CAIRN_ERR_TRUNCATED (the object
 * runs past the end of the table), CAIRN_ERR_CORRUPT (not a package, a bad
 * PkgLength, fewer than 2 elements, an element that is not an integer
 * constant or runs past its package), CAIRN_ERR_RANGE (a value above 7).
 * Any context.
 */
err_t acpi_sleep_s5_find(const struct acpi_header *dsdt, struct acpi_sleep_type *out);

/*
 * acpi_sleep_init - prepare power off from the registry: parse the FADT,
 * find \_S5_ in the DSDT, remember both for acpi_poweroff. Logs what it
 * found. Errors: CAIRN_ERR_NOENT (no FADT or no DSDT registered), those of
 * acpi_fadt_parse and acpi_sleep_s5_find, CAIRN_ERR_NOTSUP (the FADT gives
 * no PM1a control block, e.g. a hardware-reduced ACPI platform).
 */
err_t acpi_sleep_init(void);

/*
 * How acpi_poweroff reaches a register in System Memory space: return a
 * virtual address through which [pa, pa + len) can be accessed with the
 * MMIO accessors of include/kernel/io.h, or NULL. The default is the
 * kernel's direct map (none in the hosted shim); tests substitute a fake
 * register block. acpi_mmio_map_set(NULL) restores the default.
 */
typedef void *(*acpi_mmio_map_fn)(paddr_t pa, size_t len);
void acpi_mmio_map_set(acpi_mmio_map_fn fn);

/*
 * acpi_poweroff - enter S5 (soft off). If SCI_EN is clear and the FADT
 * names an SMI command port, first switches the machine into ACPI mode
 * (bounded wait for SCI_EN). Then, as ACPICA does, writes SLP_TYP (keeping
 * the register's other bits) to PM1a_CNT and PM1b_CNT, then the same with
 * SLP_EN, and waits a bounded time (about 100 ms, or a spin count when the
 * clock does not run) for the power to go.
 * Returns only if the machine is still running:
 *   CAIRN_ERR_NOTSUP  no ACPI tables, no FADT or no PM1a control block
 *   (the error acpi_sleep_init met: NOENT, CORRUPT, TRUNCATED, RANGE)
 *   CAIRN_ERR_FAULT   a System Memory register cannot be mapped
 *   CAIRN_ERR_IO      the registers were written and the machine runs on
 * The caller halts. Boot CPU, interrupts off.
 */
err_t acpi_poweroff(void);

/*
 * acpi_boot_init - what the kernel's init step runs: acpi_tables_reset,
 * acpi_rsdp_find with `bi`, acpi_tables_init, acpi_sleep_init, and a
 * summary line; on error the registry is empty. A failing
 * acpi_sleep_init is logged, not returned (the tables stay usable; power
 * off then reports the error). Errors: those of acpi_rsdp_find and
 * acpi_tables_init. The init step (kernel builds only) turns every error
 * into a logged warning and CAIRN_OK: ACPI is optional for Cairn today.
 */
err_t acpi_boot_init(const struct phys_window *w, const struct boot_info *bi);

/* ---- MADT ("APIC"): the interrupt controllers of a PC -------------------- */

#define ACPI_MADT_MIN_LEN 44u          /* header + local APIC address + flags */
#define ACPI_MADT_PCAT_COMPAT (1u << 0) /* flags: dual 8259 PICs present */
#define ACPI_MADT_MAX_IOAPICS 8
#define ACPI_MADT_MAX_OVERRIDES 32
#define ACPI_MADT_MAX_NMI_SOURCES 8
#define ACPI_MADT_MAX_LOCAL_NMIS 8

/* MADT entry types Cairn reads (ACPI 6.5, table 5.44); others are skipped. */
enum acpi_madt_type {
	ACPI_MADT_LAPIC = 0,
	ACPI_MADT_IOAPIC = 1,
	ACPI_MADT_OVERRIDE = 2,
	ACPI_MADT_NMI_SOURCE = 3,
	ACPI_MADT_LAPIC_NMI = 4,
	ACPI_MADT_LAPIC_ADDRESS = 5,
	ACPI_MADT_X2APIC = 9,
	ACPI_MADT_X2APIC_NMI = 10,
};

/* The MPS INTI flags of overrides and NMI entries, decoded. "Conforms"
 * means the bus's default: ISA is active high, edge triggered. */
enum acpi_polarity { ACPI_POLARITY_CONFORMS = 0, ACPI_POLARITY_HIGH = 1, ACPI_POLARITY_LOW = 3 };
enum acpi_trigger { ACPI_TRIGGER_CONFORMS = 0, ACPI_TRIGGER_EDGE = 1, ACPI_TRIGGER_LEVEL = 3 };

struct acpi_madt_ioapic {
	uint8_t id;
	paddr_t address;       /* its registers (4 KiB aligned in practice) */
	uint32_t gsi_base;     /* the GSI of its input 0 */
};

/* ISA IRQ `source` arrives on `gsi` with this polarity and trigger. */
struct acpi_madt_override {
	uint8_t source;
	uint32_t gsi;
	uint8_t polarity;      /* enum acpi_polarity */
	uint8_t trigger;       /* enum acpi_trigger */
};

/* A GSI wired as NMI (type 3), or a local APIC's LINT pin wired as NMI
 * (types 4 and 10; uid 0xffffffff / processor 0xff: every CPU). */
struct acpi_madt_nmi {
	uint32_t gsi;          /* type 3 */
	uint32_t processor;    /* types 4 and 10: ACPI processor id / UID */
	uint8_t lint;          /* types 4 and 10: LINT0 or LINT1 */
	uint8_t polarity, trigger;
};

struct acpi_madt {
	paddr_t lapic_address;  /* the 32-bit field, or the type-5 override */
	bool lapic_address_overridden;
	uint32_t flags;         /* ACPI_MADT_PCAT_COMPAT */
	uint32_t cpus;          /* enabled (or online-capable) local APICs/x2APICs */
	uint32_t boot_apic_id;  /* the first enabled entry's APIC id */
	size_t nioapics;
	struct acpi_madt_ioapic ioapic[ACPI_MADT_MAX_IOAPICS];
	size_t noverrides;
	struct acpi_madt_override override[ACPI_MADT_MAX_OVERRIDES];
	size_t nnmi_sources;
	struct acpi_madt_nmi nmi_source[ACPI_MADT_MAX_NMI_SOURCES];
	size_t nlocal_nmis;
	struct acpi_madt_nmi local_nmi[ACPI_MADT_MAX_LOCAL_NMIS];
	size_t skipped;         /* entries of types Cairn does not read */
};

/*
 * acpi_madt_parse - read a validated MADT (one acpi_table_map accepted:
 * signature, length and checksum are checked there) into `out`. Every
 * entry's type and length are checked: an entry must be at least 2 bytes,
 * lie within the table, and have exactly the length its type defines
 * (longer for types Cairn skips is fine; ACPI lets them grow). Values
 * checked: an I/O APIC's address non-zero and 4-byte aligned, no two
 * I/O APICs with the same id or GSI base; an override's bus is 0 (ISA),
 * its source below 16 and not overridden twice; MPS INTI flags never use
 * the reserved encoding 2; a local APIC address override non-zero.
 * Nothing is written to `out` unless the whole table is good.
 * Errors (each logged with the entry's offset and type):
 *   CAIRN_ERR_INVAL    not an "APIC" table
 *   CAIRN_ERR_CORRUPT  shorter than 44 bytes, an entry too short, running
 *                      past the end, of the wrong length, or with a bad value
 *   CAIRN_ERR_EXIST    a duplicate I/O APIC id or GSI base, or a second
 *                      override of one ISA IRQ
 *   CAIRN_ERR_LIMIT    more I/O APICs, overrides or NMI entries than
 *                      struct acpi_madt holds
 *   CAIRN_ERR_NOENT    no I/O APIC at all
 * Any context; reads only the table's bytes.
 */
err_t acpi_madt_parse(const struct acpi_header *madt, struct acpi_madt *out);

/*
 * acpi_madt_isa_irq - where ISA IRQ `irq` (0-15) arrives: the GSI, and
 * its polarity and trigger with "conforms" resolved to ISA's active high,
 * edge. Identity mapping unless an override says otherwise.
 * CAIRN_ERR_RANGE for irq above 15. Any context.
 */
err_t acpi_madt_isa_irq(const struct acpi_madt *m, unsigned irq, uint32_t *gsi,
			enum acpi_polarity *polarity, enum acpi_trigger *trigger);

/*
 * acpi_madt_gsi_override - the override whose target is `gsi`, or NULL.
 * Any context.
 */
const struct acpi_madt_override *acpi_madt_gsi_override(const struct acpi_madt *m, uint32_t gsi);

#endif /* DRIVERS_ACPI_ACPI_H */
