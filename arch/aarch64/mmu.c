// SPDX-License-Identifier: BSD-2-Clause
/*
 * AArch64 page tables: the canonical layout of include/kernel/layout.h with
 * 4 KiB pages and 48-bit virtual addresses on both halves.
 *
 *   TTBR1 (upper half, kept)
 *     0xffff8000_00000000 + pa   direct map: RAM (Normal, RW, never
 *                                executable) and, on request, device
 *                                registers (Device-nGnRE)
 *     0xffffffff_80000000 + off  the image, 4 KiB pages: text r-x,
 *                                rodata r-- (rw- until relocated), data,
 *                                bss, page tables and boot stack rw-
 *   TTBR0 (lower half, boot only)
 *     identity map of the image in 2 MiB blocks, read-only executable:
 *     used only by the few instructions between "MMU on" and the jump to
 *     the high half; then TCR_EL1.EPD0 switches lower-half walks off, so
 *     a NULL or small pointer faults (translation fault, level 0).
 *
 * SCTLR_EL1.WXN is set: no page is both writable and executable.
 *
 * One mapper, two lives. aarch64_mmu_early() runs from entry.S with the
 * MMU off, at whatever physical address the loader chose: this file is
 * compiled with -mstrict-align (data accesses are Device accesses until
 * the MMU is on, and real cores fault on unaligned ones) and touches only
 * PC-relative data (no pointers in initialised data, which would need
 * relocations that have not been applied yet). Afterwards the same code
 * maps RAM and device registers at the high address.
 *
 * Tables come from a fixed pool in .pgtables (not .bss: the entry code
 * zeroes it before the MMU is on, .bss is cleared after). Running out is
 * CAIRN_ERR_NOMEM, never a silent overrun.
 *
 * These tables live until INIT_LEVEL_MEMORY: the memory manager builds the
 * final ones through the portable page-table API (src/mm/mm_init.c), with
 * the device-register mappings made here copied over at the same
 * addresses (aarch64_mmu_device_walk, used by vm.c), then hands the pool
 * back to the page allocator. Nothing here may run after that.
 */
#include <kernel/assert.h>
#include <kernel/layout.h>

#include <arch/aarch64.h>

#define PT_POOL_PAGES 64
#define PT_ENTRIES 512

#define DESC_VALID (1ull << 0)
#define DESC_TABLE (3ull << 0) /* table at levels 0-2, page at level 3 */
#define DESC_BLOCK (1ull << 0)
#define DESC_ATTR(i) ((uint64_t)(i) << 2)
#define DESC_AP_RO (2ull << 6)
#define DESC_SH_INNER (3ull << 8)
#define DESC_AF (1ull << 10)
#define DESC_PXN (1ull << 53)
#define DESC_UXN (1ull << 54)
#define DESC_ADDR_MASK 0x0000fffffffff000ull

#define PTE_TEXT (DESC_AF | DESC_SH_INNER | DESC_ATTR(MT_NORMAL) | DESC_AP_RO | DESC_UXN)
#define PTE_RO (DESC_AF | DESC_SH_INNER | DESC_ATTR(MT_NORMAL) | DESC_AP_RO | DESC_UXN | DESC_PXN)
#define PTE_RW (DESC_AF | DESC_SH_INNER | DESC_ATTR(MT_NORMAL) | DESC_UXN | DESC_PXN)
#define PTE_DEVICE (DESC_AF | DESC_ATTR(MT_DEVICE_nGnRE) | DESC_UXN | DESC_PXN)

#define FDT_MAGIC_BE 0xedfe0dd0u /* 0xd00dfeed as stored, read little-endian */
#define DTB_WINDOW_MAX (2u << 20)

#define TCR_EPD0 (1ull << 7)

struct pt_state {
	uint64_t pool_pa;  /* physical address of pt_pool */
	uintptr_t pool_va; /* where this code reaches it now */
	uint32_t used;     /* pages handed out */
	uint64_t root0_pa, root1_pa;
	paddr_t image_pa;
	uint64_t dtb_window;
	paddr_t ram_end;   /* the direct map reaches all RAM below this */
};

static uint64_t pt_pool[PT_POOL_PAGES][PT_ENTRIES] __aligned(4096) __section(".pgtables");
static struct pt_state pt __section(".pgtables");

static uint64_t *table(uint64_t pa)
{
	return (uint64_t *)(pt.pool_va + (uintptr_t)(pa - pt.pool_pa));
}

static uint64_t table_alloc(void)
{
	uint64_t pa, *t;

	if (pt.used == PT_POOL_PAGES)
		return 0;
	pa = pt.pool_pa + (uint64_t)pt.used++ * 4096;
	t = table(pa);
	for (int i = 0; i < PT_ENTRIES; i++)
		t[i] = 0;
	return pa;
}

static unsigned level_shift(int level)
{
	return 39u - 9u * (unsigned)level;
}

/* Map [va, va + size) to pa at `level` of the table at tpa (see the file
 * comment): largest blocks that fit, descending into existing tables. */
static err_t map_level(uint64_t tpa, int level, uint64_t va, uint64_t pa, uint64_t size,
		       uint64_t attrs, bool blocks)
{
	uint64_t blk = 1ull << level_shift(level);

	while (size) {
		uint64_t *t = table(tpa);
		unsigned idx = (unsigned)(va >> level_shift(level)) & (PT_ENTRIES - 1);
		uint64_t chunk = blk - (va & (blk - 1));
		uint64_t e = t[idx];
		err_t err;

		if (chunk > size)
			chunk = size;
		if (level == 3) {
			uint64_t want = pa | attrs | DESC_TABLE;

			if ((e & DESC_VALID) && e != want)
				return CAIRN_ERR_EXIST;
			t[idx] = want;
		} else if (!(e & DESC_VALID) && blocks && level >= 1 && chunk == blk &&
			   IS_ALIGNED(pa, blk)) {
			t[idx] = pa | attrs | DESC_BLOCK;
		} else if ((e & DESC_VALID) && (e & 3) == DESC_BLOCK) {
			/* An existing block: fine only if it maps the same way. */
			uint64_t oa = (e & DESC_ADDR_MASK) & ~(blk - 1);

			if ((e & ~DESC_ADDR_MASK) != (attrs | DESC_BLOCK) ||
			    oa + (va & (blk - 1)) != pa)
				return CAIRN_ERR_EXIST;
		} else {
			if (!(e & DESC_VALID)) {
				uint64_t n = table_alloc();

				if (!n)
					return CAIRN_ERR_NOMEM;
				t[idx] = n | DESC_TABLE;
				e = t[idx];
			}
			err = map_level(e & DESC_ADDR_MASK, level + 1, va, pa, chunk, attrs, blocks);
			if (err)
				return err;
		}
		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return CAIRN_OK;
}

static err_t map(uint64_t root, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs,
		 bool blocks)
{
	uint64_t lo = ALIGN_DOWN(va, 4096ull);
	uint64_t hi = ALIGN_UP(va + size, 4096ull);

	return map_level(root, 0, lo, ALIGN_DOWN(pa, 4096ull), hi - lo, attrs, blocks);
}

static uint64_t image_off(const char *sym)
{
	return (uint64_t)(uintptr_t)sym - (uint64_t)(uintptr_t)__image_start;
}

/* Runs with the MMU off: see the file comment for what it may not do. */
uint64_t aarch64_mmu_early(paddr_t image_pa, paddr_t dtb_pa, uint64_t *ttbr1)
{
	uint64_t size = image_off(__image_end);
	uint64_t text_end = image_off(__text_end), ro_end = image_off(__rodata_end);
	uint64_t idlo = ALIGN_DOWN(image_pa, MiB(2)), idhi = ALIGN_UP(image_pa + size, MiB(2));
	const volatile uint32_t *dtb = (const volatile uint32_t *)(uintptr_t)dtb_pa;
	uint64_t window = 4096;

	pt.pool_pa = (uint64_t)(uintptr_t)pt_pool;
	pt.pool_va = (uintptr_t)pt_pool;
	pt.used = 0;
	pt.image_pa = image_pa;
	pt.root0_pa = table_alloc();
	pt.root1_pa = table_alloc();

	/* Identity, read-only executable: the jump to the high half. */
	if (map(pt.root0_pa, idlo, idlo, idhi - idlo, PTE_TEXT, true))
		return 0;
	/* The image at its link address (rodata writable until relocated). */
	if (map(pt.root1_pa, LAYOUT_KERNEL_BASE, image_pa, text_end, PTE_TEXT, false) ||
	    map(pt.root1_pa, LAYOUT_KERNEL_BASE + text_end, image_pa + text_end,
		size - text_end, PTE_RW, false))
		return 0;
	(void)ro_end;

	/* The DTB in the direct map: its header says how much (at most 2 MiB);
	 * a blob with a bad magic gets one page, enough to be refused. */
	if (dtb_pa && IS_ALIGNED(dtb_pa, 8ull)) {
		if (dtb[0] == FDT_MAGIC_BE) {
			uint32_t t = __builtin_bswap32(dtb[1]);

			window = t < DTB_WINDOW_MAX ? t : DTB_WINDOW_MAX;
		}
		if (window < 4096)
			window = 4096;
		if (map(pt.root1_pa, LAYOUT_DIRECT_MAP_BASE + dtb_pa, dtb_pa, window, PTE_RW, false))
			return 0;
		/* Readable from dtb_pa to the end of the last mapped page. */
		pt.dtb_window = ALIGN_UP(dtb_pa + window, 4096ull) - dtb_pa;
	}

	/* The tables were written with the MMU (and so the caches) off:
	 * drop any stale cached copy before walks read them cacheably. */
	for (uint64_t a = pt.pool_pa; a < pt.pool_pa + (uint64_t)pt.used * 4096; a += 64)
		__asm__ volatile("dc ivac, %0" : : "r"(a) : "memory");
	__asm__ volatile("dc ivac, %0" : : "r"((uintptr_t)&pt) : "memory");
	__asm__ volatile("dsb sy" : : : "memory");

	*ttbr1 = pt.root1_pa;
	return pt.root0_pa;
}

size_t aarch64_mmu_dtb_window(void)
{
	return (size_t)pt.dtb_window;
}

static void tlb_flush_all(void)
{
	__asm__ volatile("dsb ishst; tlbi vmalle1is; dsb ish; isb" : : : "memory");
}

static void tables_published(void)
{
	__asm__ volatile("dsb ishst; isb" : : : "memory");
}

err_t aarch64_mmu_direct_map_ram(const struct boot_info *bi)
{
	/* From now on the pool is reached through the image's high mapping. */
	pt.pool_va = (uintptr_t)pt_pool;
	for (size_t i = 0; i < bi->nregions; i++) {
		const struct boot_mem_region *r = &bi->regions[i];
		err_t err;

		if (r->type != BOOT_MEM_USABLE)
			continue;
		if (r->base + r->size > LAYOUT_DIRECT_MAP_SIZE)
			return CAIRN_ERR_RANGE;
		err = map(pt.root1_pa, LAYOUT_DIRECT_MAP_BASE + r->base, r->base, r->size, PTE_RW,
			  true);
		if (err)
			return err;
		if (r->base + r->size > pt.ram_end)
			pt.ram_end = r->base + r->size;
	}
	tables_published();
	return CAIRN_OK;
}

err_t aarch64_mmu_early_device_map(paddr_t pa, uint64_t size)
{
	err_t err = map(pt.root1_pa, LAYOUT_DIRECT_MAP_BASE + pa, pa, size, PTE_DEVICE, false);

	if (err)
		return err;
	tables_published();
	return CAIRN_OK;
}

paddr_t aarch64_mmu_ram_end(void)
{
	return pt.ram_end;
}

void aarch64_mmu_pool(paddr_t *pa, uint64_t *size)
{
	*pa = pt.pool_pa;
	*size = (uint64_t)PT_POOL_PAGES * 4096;
}

struct device_run {
	uint64_t va, pa, size;
	err_t (*fn)(void *ctx, vaddr_t va, paddr_t pa, uint64_t size);
	void *ctx;
};

/* Extend the current run with one leaf, or hand the run out and start anew. */
static err_t device_leaf(struct device_run *run, uint64_t va, uint64_t pa, uint64_t size)
{
	err_t err;

	if (run->size && run->va + run->size == va && run->pa + run->size == pa) {
		run->size += size;
		return CAIRN_OK;
	}
	if (run->size) {
		err = run->fn(run->ctx, run->va, run->pa, run->size);
		if (err)
			return err;
	}
	*run = (struct device_run){ va, pa, size, run->fn, run->ctx };
	return CAIRN_OK;
}

static err_t device_walk(uint64_t tpa, int level, uint64_t va, struct device_run *run)
{
	const uint64_t *t = table(tpa);
	uint64_t blk = 1ull << level_shift(level);
	unsigned lo = 0, hi = PT_ENTRIES;

	if (level == 0) { /* only the direct map's slots of the upper half */
		lo = (unsigned)(LAYOUT_DIRECT_MAP_BASE >> 39) & (PT_ENTRIES - 1);
		hi = lo + (unsigned)(LAYOUT_DIRECT_MAP_SIZE >> 39);
	}
	for (unsigned i = lo; i < hi; i++) {
		uint64_t e = t[i], eva = va | ((uint64_t)i << level_shift(level));
		err_t err;

		if (!(e & DESC_VALID))
			continue;
		if (level < 3 && (e & 3) == DESC_TABLE) {
			err = device_walk(e & DESC_ADDR_MASK, level + 1, eva, run);
		} else if ((e & DESC_ATTR(7)) == DESC_ATTR(MT_DEVICE_nGnRE)) {
			err = device_leaf(run, eva, (e & DESC_ADDR_MASK) & ~(blk - 1), blk);
		} else {
			continue;
		}
		if (err)
			return err;
	}
	return CAIRN_OK;
}

err_t aarch64_mmu_device_walk(err_t (*fn)(void *ctx, vaddr_t va, paddr_t pa, uint64_t size),
			      void *ctx)
{
	struct device_run run = { 0, 0, 0, fn, ctx };
	err_t err = device_walk(pt.root1_pa, 0, 0xffff000000000000ull, &run);

	if (err || !run.size)
		return err;
	return fn(ctx, run.va, run.pa, run.size);
}

/* The level-3 entry mapping image VA `va` (the image uses pages only). */
static uint64_t *image_pte(uint64_t va)
{
	uint64_t tpa = pt.root1_pa;

	for (int level = 0; level < 3; level++) {
		uint64_t e = table(tpa)[(va >> level_shift(level)) & (PT_ENTRIES - 1)];

		ASSERT((e & 3) == DESC_TABLE);
		tpa = e & DESC_ADDR_MASK;
	}
	return &table(tpa)[(va >> 12) & (PT_ENTRIES - 1)];
}

void aarch64_mmu_finish_boot(void)
{
	/* RELRO: relocations are applied, so rodata (and the GOT) go read-only. */
	for (uintptr_t va = (uintptr_t)__rodata_start; va < (uintptr_t)__rodata_end; va += 4096) {
		uint64_t *e = image_pte(va);

		*e = (*e & DESC_ADDR_MASK) | PTE_RO | DESC_TABLE;
	}
	SYSREG_WRITE(tcr_el1, SYSREG_READ(tcr_el1) | TCR_EPD0);
	isb();
	tlb_flush_all();
}
