/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Page tables through one portable API (src/mm/pagetable.c).
 *
 * Both architectures use 4-level tables of 512 8-byte entries for 48-bit
 * virtual addresses with a 4 KiB granule:
 *
 *   level 3: PML4 (x86_64) / L0 (AArch64)   VA bits 47..39
 *   level 2: PDPT          / L1             VA bits 38..30   leaf: 1 GiB
 *   level 1: PD            / L2             VA bits 29..21   leaf: 2 MiB
 *   level 0: PT            / L3             VA bits 20..12   leaf: 4 KiB
 *
 * One walker serves both; what differs is the bit layout of an entry,
 * which a `struct pt_format` encodes and decodes (src/mm/pte_x86_64.c,
 * src/mm/pte_aarch64.c: pure bit manipulation, no CPU access, so the
 * hosted tests exercise both formats against simulated table memory).
 *
 * map, unmap and protect are the only mutators. Each validates the whole
 * request first (alignment, canonical addresses, overlap), reserves every
 * table page it will need, and only then writes entries: it either does
 * all of it or nothing. When the table is live (installed on the CPU),
 * every change to a valid entry is followed by a TLB invalidation of that
 * address through the arch contract (arch_tlb_flush_page, with the
 * barriers the architecture requires), and new entries are published with
 * arch_pagetable_sync before the call returns. Invariants P1-P5 are in
 * src/mm/pagetable.c.
 *
 * Context: thread context or early boot; map, unmap, protect, query and
 * check take the table's spinlock (interrupts off while held), so calls on
 * one table from several threads serialise. Not from interrupt handlers:
 * a mutation may allocate table pages. pagetable_translate takes no lock
 * (fault reports, arch code that has only a root).
 */
#ifndef KERNEL_MM_PAGETABLE_H
#define KERNEL_MM_PAGETABLE_H

#include <kernel/mm/phys.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>

#define PT_LEVELS 4
#define PT_ENTRIES 512

/* Portable permissions and attributes of a leaf. Read is implied. */
#define PT_WRITE (1u << 0)
#define PT_EXEC (1u << 1)
#define PT_DEVICE (1u << 2) /* device memory: uncached, never executable */
#define PT_PROT_MASK (PT_WRITE | PT_EXEC | PT_DEVICE)

/* Map flags. */
#define PT_MAP_4K_ONLY (1u << 0) /* no 2 MiB / 1 GiB leaves */
#define PT_MAP_NO_1G (1u << 1)   /* no 1 GiB leaves */

struct pt_format {
	const char *name;
	/* Levels that may hold a leaf (bit n: level n). */
	unsigned leaf_levels;
	/* An entry pointing to the next-level table at `pa`. */
	uint64_t (*table_entry)(const struct pt_format *f, paddr_t pa);
	/* A leaf at `level` mapping `pa` with `prot` (PT_*). */
	uint64_t (*leaf_entry)(const struct pt_format *f, unsigned level, paddr_t pa,
			       unsigned prot);
	bool (*is_valid)(uint64_t e);
	/* A valid entry at `level`: a leaf (else a table pointer)? */
	bool (*is_leaf)(unsigned level, uint64_t e);
	/* The physical address a valid entry points to or maps. */
	paddr_t (*entry_paddr)(unsigned level, uint64_t e);
	/* The PT_* permissions of a valid leaf. */
	unsigned (*leaf_prot)(const struct pt_format *f, uint64_t e);
	/* Format options (e.g. x86 without NX support). */
	unsigned options;
};

#define PT_X86_NO_NX (1u << 0) /* the CPU has no NX bit: never set it */

extern const struct pt_format pt_format_x86_64;
extern const struct pt_format pt_format_x86_64_nonx;
extern const struct pt_format pt_format_aarch64;

struct pagetable_stats {
	uint64_t maps, unmaps, protects;       /* successful calls */
	uint64_t leaves[3];                    /* live leaves: 4K, 2M, 1G */
	uint64_t flushes;                      /* arch_tlb_flush_page calls */
	uint64_t flush_alls;
};

struct pagetable {
	/* Taken by every mutator, query and check; vm space lock -> this ->
	 * buddy lock (docs/architecture.md, "Locks"). */
	struct spinlock lock;
	const struct pt_format *fmt;
	struct buddy *pages; /* where table pages come from */
	unsigned alloc_flags; /* BUDDY_DMA32 while only low memory is reachable */
	paddr_t root;
	bool live;           /* installed: changes need TLB maintenance */
	uint64_t table_pages;
	struct pagetable_stats stats;
};

/* pagetable_init - an empty table (one root page) in `fmt`, with table
 * pages from `pages`. CAIRN_ERR_NOMEM. */
err_t pagetable_init(struct pagetable *pt, const struct pt_format *fmt, struct buddy *pages,
		     unsigned alloc_flags);

/* pagetable_destroy - free every table page (not the mapped memory). The
 * table must not be live. */
void pagetable_destroy(struct pagetable *pt);

/*
 * pagetable_map - map [va, va + size) to [pa, pa + size) with `prot`,
 * using the largest leaves alignment allows (unless `flags` forbid).
 * Errors: CAIRN_ERR_ALIGN (va, pa or size not page aligned), CAIRN_ERR_INVAL
 * (size 0, unknown prot or flags, PT_DEVICE with PT_EXEC),
 * CAIRN_ERR_RANGE (non-canonical or wrapping range), CAIRN_ERR_EXIST (some
 * page already mapped), CAIRN_ERR_NOMEM (table pages). Nothing is changed
 * on error.
 */
err_t pagetable_map(struct pagetable *pt, vaddr_t va, paddr_t pa, size_t size, unsigned prot,
		    unsigned flags);

/*
 * pagetable_unmap - remove every mapping of [va, va + size), freeing table
 * pages that become empty. Every page must be mapped and every leaf must
 * lie wholly inside the range. Errors: CAIRN_ERR_ALIGN (unaligned, or a
 * large leaf only partly covered), CAIRN_ERR_RANGE, CAIRN_ERR_NOENT (a page
 * is not mapped), CAIRN_ERR_INVAL (size 0). Nothing is changed on error.
 */
err_t pagetable_unmap(struct pagetable *pt, vaddr_t va, size_t size);

/* pagetable_protect - set `prot` on every leaf of [va, va + size); same
 * coverage rules and errors as unmap (plus CAIRN_ERR_INVAL for bad prot). */
err_t pagetable_protect(struct pagetable *pt, vaddr_t va, size_t size, unsigned prot);

/*
 * pagetable_query - what maps `va`: its physical address (of va itself),
 * permissions and leaf size. CAIRN_ERR_NOENT if nothing does.
 */
err_t pagetable_query(const struct pagetable *pt, vaddr_t va, paddr_t *pa, unsigned *prot,
		      size_t *leaf_size);

/*
 * pagetable_translate - pagetable_query on any root in format `fmt` (for
 * arch code that only has the root, e.g. the hosted MMU, and for fault
 * reports, which must not wait for a lock). Takes no lock: the caller
 * knows the tables cannot change under it.
 */
err_t pagetable_translate(const struct pt_format *fmt, paddr_t root, vaddr_t va, paddr_t *pa,
			  unsigned *prot, size_t *leaf_size);

/* pagetable_activate - install `pt` on this CPU (arch_pagetable_activate)
 * and mark it live. */
void pagetable_activate(struct pagetable *pt);

/*
 * pagetable_check - verify invariants P1-P3 over the whole table: every
 * table page counted once, leaves only where the format allows, leaves
 * aligned, no empty non-root table. CAIRN_OK or CAIRN_ERR_CORRUPT (logged).
 */
err_t pagetable_check(const struct pagetable *pt);

#endif /* KERNEL_MM_PAGETABLE_H */
