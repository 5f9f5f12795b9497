// SPDX-License-Identifier: BSD-2-Clause
/*
 * The MMU side of the arch contract on AArch64 (include/kernel/arch.h):
 * the canonical layout, TTBR1 loads, TLB maintenance, running a function
 * on another stack, and the device-register mapper across the switch from
 * the early tables (mmu.c) to the memory manager's final ones.
 *
 * The entry format is portable (src/mm/pte_aarch64.c) and indexes
 * MAIR_EL1 as boot/aarch64/entry.S programs it: attr2 Normal write-back
 * for RAM and the image, attr1 Device-nGnRE for registers; TCR_EL1 (also
 * entry.S) gives 48-bit TTBR1 walks, 4 KiB granule, inner-shareable
 * write-back table walks. Everything is global (nG = 0) in one address
 * space: a TLBI by VA for all ASIDs (VAAE1IS) drops one address, VMALLE1IS
 * everything. Each maintenance operation is complete, with its barriers,
 * before the function returns:
 *
 *   table stores -> DSB ISHST (visible to the walker) -> TLBI ... IS ->
 *   DSB ISH (the invalidation is done, also on other CPUs) -> ISB (this
 *   CPU's pipeline refetches with the new translations)
 *
 * Device registers. Drivers keep the virtual address aarch64_mmio_map gave
 * them (LAYOUT_DIRECT_MAP_BASE + pa), so the final tables must map those
 * pages the same way before they are installed: mm_init calls
 * arch_mm_adopt_device_mappings() with the final table, which maps every
 * device run of the early direct map into it through pagetable_map and
 * makes that table the mapper's from then on. The console therefore keeps
 * working across the switch, and a device bound later (an interrupt
 * controller, virtio) is mapped through the portable API like any other
 * kernel mapping.
 *
 * One CPU today: the inner-shareable forms already reach other CPUs, so
 * SMP needs no change here beyond serialising the mapper.
 */
#include <kernel/arch.h>
#include <kernel/assert.h>
#include <kernel/layout.h>
#include <kernel/mm/pagetable.h>

#include <arch/aarch64.h>

#define DEVICE_PROT (PT_DEVICE | PT_WRITE)

/* The final kernel table, once mm_init gave it; NULL before. */
static struct pagetable *device_pt;

void arch_mm_layout(struct arch_mm_layout *out)
{
	paddr_t pool;
	uint64_t pool_size;

	aarch64_mmu_pool(&pool, &pool_size);
	*out = (struct arch_mm_layout){
		.direct_offset = LAYOUT_DIRECT_MAP_BASE,
		.early_limit = aarch64_mmu_ram_end(), /* all RAM: see mmu.c */
		.objects_base = LAYOUT_OBJECTS_BASE,
		.objects_size = LAYOUT_OBJECTS_SIZE,
		.stacks_base = LAYOUT_STACKS_BASE,
		.stacks_size = LAYOUT_STACKS_SIZE,
		.map_image = true,
		.no_exec_bit = false,
		/* The pool is inside the image reservation; nothing uses it once
		 * TTBR1 holds the final tables (TTBR0 walks are off since boot). */
		.boot_tables = pool,
		.boot_tables_size = pool_size,
	};
}

void arch_pagetable_activate(paddr_t root)
{
	__asm__ volatile("dsb ishst\n\t"
			 "msr ttbr1_el1, %0\n\t"
			 "isb\n\t"
			 "tlbi vmalle1is\n\t"
			 "dsb ish\n\t"
			 "isb"
			 :
			 : "r"((uint64_t)root)
			 : "memory");
}

void arch_pagetable_sync(vaddr_t va, size_t size)
{
	/* Invalid -> valid needs no TLBI (no invalid entry is cached), only
	 * the stores made visible to the walker before the next access. */
	(void)va;
	(void)size;
	__asm__ volatile("dsb ishst\n\tisb" : : : "memory");
}

void arch_tlb_flush_page(vaddr_t va)
{
	/* TLBI VAAE1IS takes VA[55:12] in bits 43:0. */
	uint64_t op = (va >> 12) & ((1ull << 44) - 1);

	__asm__ volatile("dsb ishst\n\t"
			 "tlbi vaae1is, %0\n\t"
			 "dsb ish\n\t"
			 "isb"
			 :
			 : "r"(op)
			 : "memory");
}

void arch_tlb_flush_all(void)
{
	__asm__ volatile("dsb ishst\n\ttlbi vmalle1is\n\tdsb ish\n\tisb" : : : "memory");
}

void arch_stack_call(void *stack_top, void (*fn)(void *), void *arg)
{
	/* The old sp lives in x19 (callee-saved, so fn keeps it); operands
	 * cannot sit in clobbered registers, so they survive the moves. */
	__asm__ volatile("mov x19, sp\n\t"
			 "mov sp, %0\n\t"
			 "mov x0, %2\n\t"
			 "blr %1\n\t"
			 "mov sp, x19"
			 :
			 : "r"(stack_top), "r"(fn), "r"(arg)
			 : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
			   "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x30",
			   "memory", "cc");
}

/* ---- device registers ---------------------------------------------------- */

static err_t adopt_run(void *ctx, vaddr_t va, paddr_t pa, uint64_t size)
{
	struct pagetable *pt = ctx;

	return pagetable_map(pt, va, pa, size, DEVICE_PROT, PT_MAP_4K_ONLY);
}

/*
 * arch_mm_adopt_device_mappings - called by mm_init (src/mm/mm_init.c)
 * with the final kernel table before it is installed: map into it every
 * device-register run the early tables hold, at the same addresses, and
 * map later device registers through it. Errors from pagetable_map
 * (CAIRN_ERR_EXIST if a device range collides with RAM, CAIRN_ERR_NOMEM).
 * Boot CPU, INIT_LEVEL_MEMORY.
 */
err_t arch_mm_adopt_device_mappings(struct pagetable *pt);
err_t arch_mm_adopt_device_mappings(struct pagetable *pt)
{
	err_t err = aarch64_mmu_device_walk(adopt_run, pt);

	if (err)
		return err;
	device_pt = pt;
	return CAIRN_OK;
}

err_t aarch64_mmio_map(paddr_t pa, uint64_t size, uintptr_t *va)
{
	paddr_t lo, hi;
	uint64_t end;
	err_t err;

	if (size == 0 || add_overflows(pa, size, &end) || end > LAYOUT_DIRECT_MAP_SIZE)
		return CAIRN_ERR_RANGE;
	if (!device_pt) {
		err = aarch64_mmu_early_device_map(pa, size);
		if (err)
			return err;
		*va = (uintptr_t)(LAYOUT_DIRECT_MAP_BASE + pa);
		return CAIRN_OK;
	}
	/* Validate every page first (already mapped as these registers, or
	 * not mapped at all), then map the missing ones: all or nothing but
	 * for running out of table pages half way. */
	lo = ALIGN_DOWN(pa, (paddr_t)PAGE_SIZE);
	hi = ALIGN_UP(end, (paddr_t)PAGE_SIZE);
	for (paddr_t p = lo; p < hi; p += PAGE_SIZE) {
		paddr_t mapped;
		unsigned prot;

		err = pagetable_query(device_pt, LAYOUT_DIRECT_MAP_BASE + p, &mapped, &prot, NULL);
		if (err == CAIRN_OK && (mapped != p || prot != DEVICE_PROT))
			return CAIRN_ERR_EXIST;
	}
	for (paddr_t p = lo; p < hi; p += PAGE_SIZE) {
		if (pagetable_query(device_pt, LAYOUT_DIRECT_MAP_BASE + p, NULL, NULL, NULL) ==
		    CAIRN_OK)
			continue;
		err = pagetable_map(device_pt, LAYOUT_DIRECT_MAP_BASE + p, p, PAGE_SIZE, DEVICE_PROT,
				    PT_MAP_4K_ONLY);
		if (err)
			return err;
	}
	*va = (uintptr_t)(LAYOUT_DIRECT_MAP_BASE + pa);
	return CAIRN_OK;
}

/* ---- selftest ---------------------------------------------------------------- */

#if CONFIG_SELFTEST
#include <kernel/dev.h>
#include <kernel/log.h>
#include <kernel/mm/vm.h>
#include <kernel/selftest.h>

#define EXPECT(cond)                                                           \
	do {                                                                   \
		if (!(cond)) {                                                 \
			LOG_ERR("selftest: %s:%d: %s is false", __FILE__,      \
				__LINE__, #cond);                              \
			return CAIRN_ERR_CORRUPT;                              \
		}                                                              \
	} while (0)

/* Map the first registers of the first `compat` device and read its
 * PrimeCell peripheral ID 0 (offset 0xfe0) through the mapping. */
static err_t primecell_id0(const char *compat, bool mapped_before, uint32_t *id0)
{
	struct dev_node *n = dev_tree_find_compatible(dev_tree_kernel(), NULL, compat);
	uintptr_t va;
	paddr_t pa;
	unsigned prot;

	EXPECT(n && n->nreg > 0 && n->reg[0].size >= PAGE_SIZE);
	EXPECT((pagetable_query(device_pt, LAYOUT_DIRECT_MAP_BASE + n->reg[0].base, NULL, NULL,
				NULL) == CAIRN_OK) == mapped_before);
	EXPECT(aarch64_mmio_map(n->reg[0].base, n->reg[0].size, &va) == CAIRN_OK);
	EXPECT(va == LAYOUT_DIRECT_MAP_BASE + n->reg[0].base);
	EXPECT(pagetable_query(device_pt, va, &pa, &prot, NULL) == CAIRN_OK);
	EXPECT(pa == n->reg[0].base && prot == DEVICE_PROT);
	*id0 = *(volatile uint32_t *)(va + 0xfe0) & 0xff;
	return CAIRN_OK;
}

/*
 * mm-mmio (QEMU virt): device registers after the switch to the final
 * tables. The console's PL011, mapped through the early tables, is in the
 * kernel table and mapping it again is accepted; the PL031 RTC, which no
 * driver maps, is mapped now through the page-table API; RAM and addresses
 * beyond the direct map are refused.
 */
static err_t mm_mmio(void)
{
	uint32_t id0 = 0;
	uintptr_t va;
	paddr_t ram;
	err_t err;

	EXPECT(device_pt && vm_kernel && device_pt == vm_kernel->pt);
	err = primecell_id0("arm,pl011", true, &id0);
	if (err)
		return err;
	EXPECT(id0 == 0x11);
	err = primecell_id0("arm,pl031", false, &id0);
	if (err)
		return err;
	EXPECT(id0 == 0x31);
	EXPECT(buddy_alloc(mm_phys, 0, 0, PHYS_OWNER_TEST, &ram) == CAIRN_OK);
	err = aarch64_mmio_map(ram, PAGE_SIZE, &va);
	buddy_free(mm_phys, ram, 0);
	EXPECT(err == CAIRN_ERR_EXIST);
	EXPECT(aarch64_mmio_map(LAYOUT_DIRECT_MAP_SIZE, PAGE_SIZE, &va) == CAIRN_ERR_RANGE);
	EXPECT(pagetable_check(device_pt) == CAIRN_OK);
	LOG_INFO("selftest: mm-mmio: PL011 carried over, PL031 mapped after the switch "
		 "(peripheral IDs 0x11, 0x31), RAM and out-of-range refused");
	return CAIRN_OK;
}
SELFTEST("mm-mmio", mm_mmio, true);
#endif /* CONFIG_SELFTEST */
