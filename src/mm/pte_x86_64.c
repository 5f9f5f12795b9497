// SPDX-License-Identifier: BSD-2-Clause
/*
 * The x86_64 page-table entry format (4-level paging, 4 KiB pages), as a
 * struct pt_format for the portable walker (src/mm/pagetable.c). Pure bit
 * manipulation: no CPU access, so the hosted tests run it.
 *
 *   bit 0 P, 1 R/W, 2 U/S (never set: no user mode), 3 PWT, 4 PCD, 5 A,
 *   6 D, 7 PS (a 2 MiB / 1 GiB leaf at levels 1 / 2), 12..51 address
 *   (bit 12 is PAT in large leaves, hence the per-level masks), 63 XD/NX.
 *
 * Table entries are permissive (P|RW, executable): permissions are decided
 * at the leaf, so a protect never has to touch a table entry. Leaves set A
 * and D up front so the CPU never has to write them. Device memory is
 * PCD|PWT (uncached with the default PAT). Without NX (old CPUs, EFER.NXE
 * off) bit 63 is reserved and must stay clear: pt_format_x86_64_nonx.
 */
#include <kernel/mm/pagetable.h>

#define P (1ull << 0)
#define RW (1ull << 1)
#define PWT (1ull << 3)
#define PCD (1ull << 4)
#define A (1ull << 5)
#define D (1ull << 6)
#define PS (1ull << 7)
#define NX (1ull << 63)

static const uint64_t addr_mask[3] = {
	0x000ffffffffff000ull, /* 4 KiB leaf or any table pointer */
	0x000fffffffe00000ull, /* 2 MiB leaf */
	0x000fffffc0000000ull, /* 1 GiB leaf */
};

static uint64_t table_entry(const struct pt_format *f, paddr_t pa)
{
	(void)f;
	return (pa & addr_mask[0]) | P | RW;
}

static uint64_t leaf_entry(const struct pt_format *f, unsigned level, paddr_t pa,
			   unsigned prot)
{
	uint64_t e = (pa & addr_mask[level]) | P | A | D;

	if (level > 0)
		e |= PS;
	if (prot & PT_WRITE)
		e |= RW;
	if (!(prot & PT_EXEC) && !(f->options & PT_X86_NO_NX))
		e |= NX;
	if (prot & PT_DEVICE)
		e |= PCD | PWT;
	return e;
}

static bool is_valid(uint64_t e)
{
	return e & P;
}

static bool is_leaf(unsigned level, uint64_t e)
{
	return level == 0 || (level < 3 && (e & PS));
}

static paddr_t entry_paddr(unsigned level, uint64_t e)
{
	return e & addr_mask[is_leaf(level, e) ? level : 0];
}

static unsigned leaf_prot(const struct pt_format *f, uint64_t e)
{
	unsigned prot = 0;

	if (e & RW)
		prot |= PT_WRITE;
	if (!(e & NX) || (f->options & PT_X86_NO_NX))
		prot |= PT_EXEC;
	if (e & PCD)
		prot |= PT_DEVICE;
	return prot;
}

const struct pt_format pt_format_x86_64 = {
	.name = "x86_64",
	.leaf_levels = (1u << 0) | (1u << 1) | (1u << 2),
	.table_entry = table_entry,
	.leaf_entry = leaf_entry,
	.is_valid = is_valid,
	.is_leaf = is_leaf,
	.entry_paddr = entry_paddr,
	.leaf_prot = leaf_prot,
};

const struct pt_format pt_format_x86_64_nonx = {
	.name = "x86_64 (no NX)",
	.leaf_levels = (1u << 0) | (1u << 1) | (1u << 2),
	.table_entry = table_entry,
	.leaf_entry = leaf_entry,
	.is_valid = is_valid,
	.is_leaf = is_leaf,
	.entry_paddr = entry_paddr,
	.leaf_prot = leaf_prot,
	.options = PT_X86_NO_NX,
};
