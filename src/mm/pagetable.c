// SPDX-License-Identifier: BSD-2-Clause
/*
 * The portable page-table walker (see include/kernel/mm/pagetable.h).
 *
 * Every mutator runs in two passes over the same recursive walk:
 *   1. a dry pass that changes nothing: it validates every entry the
 *      request touches (EXIST, NOENT, ALIGN) and counts the table pages a
 *      map will need and the leaves it will touch;
 *   2. after the table pages are reserved (the only step that can fail), a
 *      commit pass that writes entries and cannot fail.
 * So a call does all of its work or none ("validate fully, then act").
 *
 * Invariants (pagetable_check verifies P1-P3; asserts cite them):
 *  (P1) every table page is referenced by exactly one table entry, or is
 *       the root; it is a PHYS_OWNER_PAGETABLE block of pt->pages, and
 *       pt->table_pages counts them.
 *  (P2) leaves sit only at levels the format allows (fmt->leaf_levels),
 *       and a leaf's address is aligned to its size.
 *  (P3) no table but the root is empty when a call returns (unmap frees
 *       tables it empties).
 *  (P4) when pt->live, every valid entry changed or cleared is invalidated
 *       (arch_tlb_flush_page, or arch_tlb_flush_all for large batches)
 *       before the call returns; a new table page is zeroed and published
 *       (arch_pagetable_sync) before an entry points to it; new leaves are
 *       published with arch_pagetable_sync before the call returns.
 *  (P5) map never overwrites a valid entry: overlap is CAIRN_ERR_EXIST.
 *
 * Break-before-make (AArch64): map only writes invalid entries, unmap only
 * clears valid ones, and protect changes permissions only (same address,
 * same size), which the architecture allows without a break.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/log.h>
#include <kernel/mm/pagetable.h>
#include <kernel/string.h>

/* Above this many leaves a change flushes the whole TLB once. */
#define FLUSH_ALL_THRESHOLD 64

enum walk_op { OP_MAP, OP_UNMAP, OP_PROTECT };

struct walk {
	struct pagetable *pt;
	enum walk_op op;
	bool commit;
	unsigned prot, flags;
	paddr_t pa;             /* map: physical address for the current va */
	uint64_t tables_needed; /* dry map */
	uint64_t leaves;        /* leaves touched */
	paddr_t reserve;        /* commit map: reserved table pages, chained */
	bool flush_each;        /* commit: flush leaf by leaf (else all at end) */
};

static inline uint64_t level_span(unsigned level)
{
	return 1ull << (PAGE_SHIFT + 9 * level);
}

static inline unsigned level_index(vaddr_t va, unsigned level)
{
	return (unsigned)((va >> (PAGE_SHIFT + 9 * level)) & (PT_ENTRIES - 1));
}

static inline uint64_t *table_at(paddr_t pa)
{
	return mm_phys_to_virt(pa);
}

static bool canonical(uint64_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1ffff;
}

/* [va, va + size) is non-empty, does not wrap and stays in one half. */
static err_t check_range(vaddr_t va, size_t size)
{
	uint64_t last;

	if (size == 0)
		return CAIRN_ERR_INVAL;
	if (!IS_ALIGNED(va, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE))
		return CAIRN_ERR_ALIGN;
	if (add_overflows((uint64_t)va, (uint64_t)size - 1, &last) || !canonical(va) ||
	    !canonical(last) || (va >> 47) != (last >> 47))
		return CAIRN_ERR_RANGE;
	return CAIRN_OK;
}

static unsigned leaf_stat(unsigned level)
{
	return level < 3 ? level : 2;
}

static paddr_t take_reserved(struct walk *w)
{
	paddr_t pa = w->reserve;

	ASSERT_MSG(pa, "pagetable: the dry pass counted too few table pages (P1)");
	w->reserve = *(paddr_t *)mm_phys_to_virt(pa);
	return pa;
}

static bool table_empty(const uint64_t *t, const struct pt_format *f)
{
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		if (f->is_valid(t[i]))
			return false;
	return true;
}

static void flush(struct walk *w, vaddr_t va)
{
	if (w->pt->live && w->flush_each) {
		arch_tlb_flush_page(va);
		w->pt->stats.flushes++;
	}
}

static void free_table(struct pagetable *pt, paddr_t pa)
{
	buddy_free(pt->pages, pa, 0);
	pt->table_pages--;
}

/*
 * The walk over [va, va + size) in the table at `tpa` (0: a table the
 * dry pass knows is missing) of `level`.
 */
static err_t walk(struct walk *w, paddr_t tpa, unsigned level, vaddr_t va, uint64_t size)
{
	const struct pt_format *f = w->pt->fmt;
	uint64_t *t = tpa ? table_at(tpa) : NULL;

	while (size) {
		uint64_t span = level_span(level);
		uint64_t chunk = MIN(size, span - (va & (span - 1)));
		unsigned i = level_index(va, level);
		paddr_t pa_here = w->pa;
		uint64_t e = t ? t[i] : 0;
		bool valid = f->is_valid(e);
		paddr_t child;
		err_t err;

		if (w->op == OP_MAP) {
			bool leaf_ok = (f->leaf_levels & (1u << level)) && chunk == span &&
				       IS_ALIGNED(w->pa, span) &&
				       !(level >= 1 && (w->flags & PT_MAP_4K_ONLY)) &&
				       !(level >= 2 && (w->flags & PT_MAP_NO_1G));

			if (leaf_ok) {
				if (valid)
					return CAIRN_ERR_EXIST; /* (P5) */
				if (w->commit) {
					t[i] = f->leaf_entry(f, level, w->pa, w->prot);
					w->pt->stats.leaves[leaf_stat(level)]++;
				}
				w->leaves++;
				goto next;
			}
			ASSERT(level > 0);
			if (valid && f->is_leaf(level, e))
				return CAIRN_ERR_EXIST; /* (P5) */
			if (valid) {
				child = f->entry_paddr(level, e);
			} else if (w->commit) {
				child = take_reserved(w);
				memset(table_at(child), 0, PAGE_SIZE);
				if (w->pt->live)
					arch_pagetable_sync(va, 0); /* (P4): zeroes first */
				t[i] = f->table_entry(f, child);
			} else {
				w->tables_needed++;
				child = 0;
			}
			err = walk(w, child, level - 1, va, chunk);
			if (err)
				return err;
			goto next;
		}

		/* unmap and protect: everything must be mapped, leaves covered. */
		if (!valid)
			return CAIRN_ERR_NOENT;
		if (f->is_leaf(level, e)) {
			if (chunk != span)
				return CAIRN_ERR_ALIGN;
			if (w->commit) {
				if (w->op == OP_UNMAP) {
					t[i] = 0;
					w->pt->stats.leaves[leaf_stat(level)]--;
				} else {
					t[i] = f->leaf_entry(f, level, f->entry_paddr(level, e),
							     w->prot);
				}
				flush(w, va);
			}
			w->leaves++;
			goto next;
		}
		ASSERT(level > 0);
		child = f->entry_paddr(level, e);
		err = walk(w, child, level - 1, va, chunk);
		if (err)
			return err;
		if (w->commit && w->op == OP_UNMAP && table_empty(table_at(child), f)) {
			t[i] = 0; /* (P3) */
			flush(w, va);
			free_table(w->pt, child);
		}
next:
		va += chunk;
		w->pa = pa_here + chunk; /* a recursion advanced it already */
		size -= chunk;
	}
	return CAIRN_OK;
}

static void release_reserve(struct walk *w)
{
	while (w->reserve)
		free_table(w->pt, take_reserved(w));
}

/* Dry pass, reserve, commit pass, TLB maintenance. */
static err_t run(struct walk *w, vaddr_t va, uint64_t size)
{
	paddr_t pa0 = w->pa;
	err_t err;

	err = walk(w, w->pt->root, PT_LEVELS - 1, va, size);
	if (err)
		return err;
	for (uint64_t n = 0; n < w->tables_needed; n++) {
		paddr_t pa;

		err = buddy_alloc(w->pt->pages, 0, w->pt->alloc_flags, PHYS_OWNER_PAGETABLE, &pa);
		if (err) {
			release_reserve(w);
			return err;
		}
		w->pt->table_pages++;
		*(paddr_t *)mm_phys_to_virt(pa) = w->reserve;
		w->reserve = pa;
	}
	w->commit = true;
	w->flush_each = w->leaves <= FLUSH_ALL_THRESHOLD;
	w->pa = pa0;
	w->leaves = 0;
	err = walk(w, w->pt->root, PT_LEVELS - 1, va, size);
	ASSERT_MSG(err == CAIRN_OK && w->reserve == 0,
		   "pagetable: commit pass failed (%d) after a clean dry pass", err);
	if (w->pt->live) {
		if (w->op == OP_MAP) {
			arch_pagetable_sync(va, size); /* (P4) */
		} else if (!w->flush_each) {
			arch_tlb_flush_all(); /* (P4) */
			w->pt->stats.flush_alls++;
		} else if (w->op == OP_PROTECT) {
			arch_pagetable_sync(va, size);
		}
	}
	return CAIRN_OK;
}

err_t pagetable_init(struct pagetable *pt, const struct pt_format *fmt, struct buddy *pages,
		     unsigned alloc_flags)
{
	err_t err;

	memset(pt, 0, sizeof(*pt));
	spin_lock_init(&pt->lock, "pagetable");
	pt->fmt = fmt;
	pt->pages = pages;
	pt->alloc_flags = alloc_flags & BUDDY_DMA32;
	err = buddy_alloc(pages, 0, pt->alloc_flags | BUDDY_ZERO, PHYS_OWNER_PAGETABLE, &pt->root);
	if (err)
		return err;
	pt->table_pages = 1;
	return CAIRN_OK;
}

static void destroy_level(struct pagetable *pt, paddr_t tpa, unsigned level)
{
	uint64_t *t = table_at(tpa);

	for (unsigned i = 0; level > 0 && i < PT_ENTRIES; i++) {
		if (pt->fmt->is_valid(t[i]) && !pt->fmt->is_leaf(level, t[i]))
			destroy_level(pt, pt->fmt->entry_paddr(level, t[i]), level - 1);
	}
	free_table(pt, tpa);
}

void pagetable_destroy(struct pagetable *pt)
{
	ASSERT_MSG(!pt->live, "pagetable: destroying the live table");
	destroy_level(pt, pt->root, PT_LEVELS - 1);
	ASSERT(pt->table_pages == 0); /* (P1) */
	pt->root = 0;
}

/* One mutation under the table's lock, counted if it succeeded. */
static err_t run_locked(struct walk *w, vaddr_t va, uint64_t size)
{
	unsigned long irq = spin_lock_irqsave(&w->pt->lock);
	err_t err = run(w, va, size);

	if (!err && w->op == OP_MAP)
		w->pt->stats.maps++;
	else if (!err && w->op == OP_UNMAP)
		w->pt->stats.unmaps++;
	else if (!err)
		w->pt->stats.protects++;
	spin_unlock_irqrestore(&w->pt->lock, irq);
	return err;
}

err_t pagetable_map(struct pagetable *pt, vaddr_t va, paddr_t pa, size_t size, unsigned prot,
		    unsigned flags)
{
	struct walk w = { .pt = pt, .op = OP_MAP, .prot = prot, .flags = flags, .pa = pa };
	err_t err = check_range(va, size);

	if (err)
		return err;
	if (!IS_ALIGNED(pa, PAGE_SIZE))
		return CAIRN_ERR_ALIGN;
	if ((prot & ~PT_PROT_MASK) || (flags & ~(PT_MAP_4K_ONLY | PT_MAP_NO_1G)) ||
	    ((prot & PT_DEVICE) && (prot & PT_EXEC)))
		return CAIRN_ERR_INVAL;
	if (pa + size < pa)
		return CAIRN_ERR_RANGE;
	return run_locked(&w, va, size);
}

err_t pagetable_unmap(struct pagetable *pt, vaddr_t va, size_t size)
{
	struct walk w = { .pt = pt, .op = OP_UNMAP };
	err_t err = check_range(va, size);

	if (err)
		return err;
	return run_locked(&w, va, size);
}

err_t pagetable_protect(struct pagetable *pt, vaddr_t va, size_t size, unsigned prot)
{
	struct walk w = { .pt = pt, .op = OP_PROTECT, .prot = prot };
	err_t err = check_range(va, size);

	if (err)
		return err;
	if ((prot & ~PT_PROT_MASK) || ((prot & PT_DEVICE) && (prot & PT_EXEC)))
		return CAIRN_ERR_INVAL;
	return run_locked(&w, va, size);
}

err_t pagetable_translate(const struct pt_format *f, paddr_t root, vaddr_t va, paddr_t *pa,
			  unsigned *prot, size_t *leaf_size)
{
	paddr_t tpa = root;

	if (!canonical(va))
		return CAIRN_ERR_NOENT;
	for (unsigned level = PT_LEVELS - 1;; level--) {
		uint64_t e = table_at(tpa)[level_index(va, level)];

		if (!f->is_valid(e))
			return CAIRN_ERR_NOENT;
		if (f->is_leaf(level, e)) {
			uint64_t span = level_span(level);

			if (pa)
				*pa = f->entry_paddr(level, e) + (va & (span - 1));
			if (prot)
				*prot = f->leaf_prot(f, e);
			if (leaf_size)
				*leaf_size = span;
			return CAIRN_OK;
		}
		if (level == 0)
			return CAIRN_ERR_NOENT;
		tpa = f->entry_paddr(level, e);
	}
}

err_t pagetable_query(const struct pagetable *pt, vaddr_t va, paddr_t *pa, unsigned *prot,
		      size_t *leaf_size)
{
	struct pagetable *mpt = (struct pagetable *)(uintptr_t)pt; /* the lock is not const */
	unsigned long irq = spin_lock_irqsave(&mpt->lock);
	err_t err = pagetable_translate(pt->fmt, pt->root, va, pa, prot, leaf_size);

	spin_unlock_irqrestore(&mpt->lock, irq);
	return err;
}

void pagetable_activate(struct pagetable *pt)
{
	arch_pagetable_activate(pt->root);
	pt->live = true;
}

/* ---- checking --------------------------------------------------------------- */

struct check {
	const struct pagetable *pt;
	uint64_t tables;
	uint64_t leaves[3];
};

static err_t check_level(struct check *c, paddr_t tpa, unsigned level)
{
	const struct pt_format *f = c->pt->fmt;
	const struct page_frame *fr = buddy_frame(c->pt->pages, tpa);
	const uint64_t *t = table_at(tpa);

	c->tables++;
	if (!fr || fr->state != FRAME_ALLOCATED || fr->owner != PHYS_OWNER_PAGETABLE) {
		LOG_ERR("pagetable: P1: table %#llx is not a pagetable page",
			(unsigned long long)tpa);
		return CAIRN_ERR_CORRUPT;
	}
	if (tpa != c->pt->root && table_empty(t, f)) {
		LOG_ERR("pagetable: P3: level-%u table %#llx is empty", level,
			(unsigned long long)tpa);
		return CAIRN_ERR_CORRUPT;
	}
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = t[i];

		if (!f->is_valid(e))
			continue;
		if (f->is_leaf(level, e)) {
			if (!(f->leaf_levels & (1u << level)) ||
			    !IS_ALIGNED(f->entry_paddr(level, e), level_span(level))) {
				LOG_ERR("pagetable: P2: bad leaf %#llx at level %u",
					(unsigned long long)e, level);
				return CAIRN_ERR_CORRUPT;
			}
			c->leaves[leaf_stat(level)]++;
			continue;
		}
		err_t err = check_level(c, f->entry_paddr(level, e), level - 1);

		if (err)
			return err;
	}
	return CAIRN_OK;
}

static err_t check_locked(const struct pagetable *pt)
{
	struct check c = { .pt = pt };
	err_t err = check_level(&c, pt->root, PT_LEVELS - 1);

	if (err)
		return err;
	if (c.tables != pt->table_pages) {
		LOG_ERR("pagetable: P1: %llu tables reachable, %llu counted",
			(unsigned long long)c.tables, (unsigned long long)pt->table_pages);
		return CAIRN_ERR_CORRUPT;
	}
	for (unsigned k = 0; k < 3; k++) {
		if (c.leaves[k] != pt->stats.leaves[k]) {
			LOG_ERR("pagetable: %llu leaves of size class %u, %llu counted",
				(unsigned long long)c.leaves[k], k,
				(unsigned long long)pt->stats.leaves[k]);
			return CAIRN_ERR_CORRUPT;
		}
	}
	return CAIRN_OK;
}

err_t pagetable_check(const struct pagetable *pt)
{
	struct pagetable *mpt = (struct pagetable *)(uintptr_t)pt; /* the lock is not const */
	unsigned long irq = spin_lock_irqsave(&mpt->lock);
	err_t err = check_locked(pt);

	spin_unlock_irqrestore(&mpt->lock, irq);
	return err;
}
