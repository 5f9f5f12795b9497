// SPDX-License-Identifier: BSD-2-Clause
/*
 * The AArch64 stage-1 translation-table format (VMSAv8-64, 4 KiB granule,
 * 48-bit VA and OA, EL1 with TTBR1 for the upper half), as a struct
 * pt_format for the portable walker. Pure bit manipulation: the hosted
 * tests run it; the CPU side (MAIR, TCR, TTBR1, TLBI) is the aarch64 arch
 * code's (docs/memory.md lists what it must do).
 *
 * Our level 3..0 is the architecture's L0..L3.
 *   bits 1:0  0b11 table (L0-L2) or page (L3); 0b01 block (L1: 1 GiB,
 *             L2: 2 MiB); L0 cannot hold a block with a 4 KiB granule
 *   bits 4:2  AttrIndx into MAIR_EL1 as boot/aarch64/entry.S programs it
 *             (MAIR_VALUE 0x44ff0400): 2 = Normal write-back (attr2 =
 *             0xff), 1 = Device-nGnRE (attr1 = 0x04); the early tables
 *             (arch/aarch64/mmu.c, MT_*) use the same indexes, so one
 *             mapping means the same in the early and the final tables
 *   bits 7:6  AP: AP[2] (bit 7) = read-only; AP[1] (bit 6) = 0, no EL0 access
 *   bits 9:8  SH: inner shareable (0b11) for normal memory
 *   bit 10    AF: set, so no access-flag faults
 *   bit 11    nG: 0, global (one address space)
 *   bits 47:12 output address (per-level masks for blocks)
 *   bit 53    PXN: set unless executable; bit 54 UXN: always set
 * Table descriptors carry no restrictions (APTable/PXNTable zero): as on
 * x86_64, permissions live in leaves only.
 */
#include <kernel/mm/pagetable.h>

#define VALID (1ull << 0)
#define TABLE_OR_PAGE (1ull << 1)
#define ATTR_NORMAL (2ull << 2) /* MAIR attr2: Normal WB */
#define ATTR_DEVICE (1ull << 2) /* MAIR attr1: Device-nGnRE */
#define ATTR_MASK (7ull << 2)
#define AP_RO (1ull << 7)
#define SH_INNER (3ull << 8)
#define AF (1ull << 10)
#define PXN (1ull << 53)
#define UXN (1ull << 54)

static const uint64_t addr_mask[3] = {
	0x0000fffffffff000ull, /* page or table pointer */
	0x0000ffffffe00000ull, /* 2 MiB block */
	0x0000ffffc0000000ull, /* 1 GiB block */
};

static uint64_t table_entry(const struct pt_format *f, paddr_t pa)
{
	(void)f;
	return (pa & addr_mask[0]) | VALID | TABLE_OR_PAGE;
}

static uint64_t leaf_entry(const struct pt_format *f, unsigned level, paddr_t pa,
			   unsigned prot)
{
	uint64_t e = (pa & addr_mask[level]) | VALID | AF | UXN;

	(void)f;
	if (level == 0)
		e |= TABLE_OR_PAGE; /* L3 page descriptor */
	if (!(prot & PT_WRITE))
		e |= AP_RO;
	if (!(prot & PT_EXEC) || (prot & PT_DEVICE))
		e |= PXN;
	e |= (prot & PT_DEVICE) ? ATTR_DEVICE : (ATTR_NORMAL | SH_INNER);
	return e;
}

static bool is_valid(uint64_t e)
{
	return e & VALID;
}

static bool is_leaf(unsigned level, uint64_t e)
{
	if (level == 0)
		return (e & TABLE_OR_PAGE) != 0;
	return level < 3 && !(e & TABLE_OR_PAGE);
}

static paddr_t entry_paddr(unsigned level, uint64_t e)
{
	return e & addr_mask[(level > 0 && is_leaf(level, e)) ? level : 0];
}

static unsigned leaf_prot(const struct pt_format *f, uint64_t e)
{
	unsigned prot = 0;

	(void)f;
	if (!(e & AP_RO))
		prot |= PT_WRITE;
	if (!(e & PXN))
		prot |= PT_EXEC;
	if ((e & ATTR_MASK) == ATTR_DEVICE)
		prot |= PT_DEVICE;
	return prot;
}

const struct pt_format pt_format_aarch64 = {
	.name = "aarch64",
	.leaf_levels = (1u << 0) | (1u << 1) | (1u << 2),
	.table_entry = table_entry,
	.leaf_entry = leaf_entry,
	.is_valid = is_valid,
	.is_leaf = is_leaf,
	.entry_paddr = entry_paddr,
	.leaf_prot = leaf_prot,
};
