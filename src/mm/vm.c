// SPDX-License-Identifier: BSD-2-Clause
/*
 * VM objects, mappings and address spaces (see include/kernel/mm/vm.h).
 *
 * A space keeps its mappings in one list sorted by address. Placing a
 * mapping is first fit in its region: a mapping occupies its "footprint"
 * [va - guard, va + size), and footprints never overlap, so every mapping
 * has at least its own guard gap of unmapped pages below it.
 *
 * Invariants (vm_space_check verifies them against the page table):
 *  (V1) the list is sorted and footprints are disjoint and inside the
 *       mapping's region;
 *  (V2) each page of a mapping is mapped, with the mapping's prot, to the
 *       frame its object holds for it; each guard page is unmapped;
 *  (V3) a mapping holds one reference on its object; an anonymous
 *       object's frames are PHYS_OWNER_VMOBJECT blocks freed with its last
 *       reference;
 *  (V4) no mapping is writable and executable at once (W^X).
 *
 * Lock order (docs/architecture.md, "Locks"): space lock -> page-table
 * lock -> slab and buddy locks. The space lock guards the mapping list
 * (placing a mapping and inserting it are one critical section) and the
 * statistics; bookkeeping structs are allocated before it is taken and
 * freed after it is dropped, and objects' frames go back to the buddy
 * allocator outside it too.
 */
#include <kernel/alloc.h>
#include <kernel/assert.h>
#include <kernel/fmt.h>
#include <kernel/layout.h>
#include <kernel/log.h>
#include <kernel/mm/vm.h>
#include <kernel/string.h>

struct vm_space *vm_kernel;

static const char *const region_names[VM_REGIONS] = { "mapped objects", "thread stacks" };
static const uint64_t region_guard[VM_REGIONS] = { VM_OBJECT_GUARD, VM_STACK_GUARD };

err_t vm_space_init(struct vm_space *s, struct pagetable *pt, struct buddy *frames,
		    vaddr_t objects_base, uint64_t objects_size, vaddr_t stacks_base,
		    uint64_t stacks_size)
{
	if (!IS_ALIGNED(objects_base | objects_size | stacks_base | stacks_size, PAGE_SIZE) ||
	    !objects_size || !stacks_size ||
	    !(objects_base + objects_size <= stacks_base || stacks_base + stacks_size <= objects_base))
		return CAIRN_ERR_INVAL;
	memset(s, 0, sizeof(*s));
	spin_lock_init(&s->lock, "vm space");
	s->pt = pt;
	s->frames = frames;
	s->region[VM_REGION_OBJECTS].base = objects_base;
	s->region[VM_REGION_OBJECTS].size = objects_size;
	s->region[VM_REGION_STACKS].base = stacks_base;
	s->region[VM_REGION_STACKS].size = stacks_size;
	return CAIRN_OK;
}

void vm_space_destroy(struct vm_space *s) NO_THREAD_SAFETY_ANALYSIS
{
	/* The space is going away: nobody else may be using it. */
	while (s->mappings)
		vm_unmap(s, s->mappings);
}

/* ---- objects ------------------------------------------------------------------ */

static void set_name(char *dst, const char *name)
{
	kstrlcpy(dst, name ? name : "?", VM_NAME_MAX);
}

err_t vm_object_create_anon(struct buddy *frames, uint64_t npages, const char *name,
			    struct vm_object **out)
{
	struct vm_object *o;
	uint64_t n = 0;
	err_t err = CAIRN_ERR_NOMEM;

	if (npages == 0 || npages > (1ull << 30))
		return CAIRN_ERR_INVAL;
	o = kzalloc(sizeof(*o));
	if (!o)
		goto fail;
	o->pages = kcalloc(npages, sizeof(paddr_t));
	if (!o->pages)
		goto fail_object;
	for (n = 0; n < npages; n++) {
		err = buddy_alloc(frames, 0, BUDDY_ZERO, PHYS_OWNER_VMOBJECT, &o->pages[n]);
		if (err)
			goto fail_frames;
	}
	o->refcount = 1;
	o->kind = VM_OBJECT_ANON;
	o->npages = npages;
	o->frames = frames;
	set_name(o->name, name);
	*out = o;
	return CAIRN_OK;

fail_frames:
	while (n--)
		buddy_free(frames, o->pages[n], 0);
	kfree(o->pages);
fail_object:
	kfree(o);
fail:
	return err;
}

err_t vm_object_create_phys(paddr_t pa, uint64_t npages, const char *name,
			    struct vm_object **out)
{
	struct vm_object *o;

	if (npages == 0 || !IS_ALIGNED(pa, PAGE_SIZE) || pa + (npages << PAGE_SHIFT) < pa)
		return CAIRN_ERR_INVAL;
	o = kzalloc(sizeof(*o));
	if (!o)
		return CAIRN_ERR_NOMEM;
	o->refcount = 1;
	o->kind = VM_OBJECT_PHYS;
	o->npages = npages;
	o->phys_base = pa;
	set_name(o->name, name);
	*out = o;
	return CAIRN_OK;
}

void vm_object_ref(struct vm_object *o)
{
	uint32_t was = __atomic_fetch_add(&o->refcount, 1, __ATOMIC_RELAXED);

	ASSERT(was > 0 && was < UINT32_MAX);
}

void vm_object_unref(struct vm_object *o)
{
	uint32_t was = __atomic_fetch_sub(&o->refcount, 1, __ATOMIC_ACQ_REL);

	ASSERT(was > 0); /* (V3) */
	if (was > 1)
		return;
	if (o->kind == VM_OBJECT_ANON) {
		for (uint64_t i = 0; i < o->npages; i++)
			buddy_free(o->frames, o->pages[i], 0);
		kfree(o->pages);
	}
	kfree(o);
}

static paddr_t object_page(const struct vm_object *o, uint64_t i)
{
	return o->kind == VM_OBJECT_ANON ? o->pages[i] : o->phys_base + (i << PAGE_SHIFT);
}

/* ---- placing and mapping ------------------------------------------------------ */

/* First fit: the lowest va in `region` whose footprint fits; 0 if none.
 * *prev gets the mapping after which the new one goes in the list. */
static vaddr_t place(const struct vm_space *s, unsigned region, uint64_t size,
		     struct vm_mapping **prev) REQUIRES(s->lock)
{
	vaddr_t lo = s->region[region].base, end = lo + s->region[region].size;
	uint64_t guard = region_guard[region];
	struct vm_mapping *before = NULL;

	for (struct vm_mapping *m = s->mappings; m; before = m, m = m->next) {
		if (m->va + m->size <= lo)
			continue;
		if (m->va - m->guard >= end)
			break;
		if (lo + guard + size <= m->va - m->guard)
			break;
		lo = m->va + m->size;
	}
	if (lo + guard + size > end || lo + guard + size < lo)
		return 0;
	*prev = before;
	return lo + guard;
}

static bool prot_ok(unsigned prot)
{
	return !(prot & ~PT_PROT_MASK) && !((prot & PT_WRITE) && (prot & PT_EXEC)) && /* (V4) */
	       !((prot & PT_DEVICE) && (prot & PT_EXEC));
}

/* Map pages [first, first + n) of m's object at m->va + first pages,
 * coalescing physically contiguous runs. */
static err_t map_pages(struct vm_space *s, struct vm_mapping *m, uint64_t n)
{
	uint64_t i = 0;

	while (i < n) {
		paddr_t pa = object_page(m->object, m->offset + i);
		uint64_t run = 1;
		err_t err;

		while (i + run < n && object_page(m->object, m->offset + i + run) ==
					      pa + (run << PAGE_SHIFT))
			run++;
		err = pagetable_map(s->pt, m->va + (i << PAGE_SHIFT), pa, run << PAGE_SHIFT, m->prot,
				    PT_MAP_4K_ONLY);
		if (err) {
			if (i)
				ASSERT(pagetable_unmap(s->pt, m->va, i << PAGE_SHIFT) == CAIRN_OK);
			return err;
		}
		i += run;
	}
	return CAIRN_OK;
}

err_t vm_map(struct vm_space *s, struct vm_object *o, uint64_t offset, uint64_t npages,
	     unsigned prot, enum vm_region region, const char *name, struct vm_mapping **out)
{
	struct vm_mapping *m, *prev = NULL;
	unsigned long irq;
	vaddr_t va;
	err_t err;

	/* Validate fully... */
	if (npages == 0 || (unsigned)region >= VM_REGIONS || !prot_ok(prot) ||
	    offset > o->npages || npages > o->npages - offset || npages > (1ull << 40)) {
		err = CAIRN_ERR_INVAL;
		goto fail;
	}
	/* ...reserve (outside the lock: kmalloc takes its own)... */
	m = kzalloc(sizeof(*m));
	if (!m) {
		err = CAIRN_ERR_NOMEM;
		goto fail;
	}
	m->size = npages << PAGE_SHIFT;
	m->guard = region_guard[region];
	m->object = o;
	m->offset = offset;
	m->prot = prot;
	m->region = (uint8_t)region;
	set_name(m->name, name);
	/* ...then act: only the page tables can still fail, and undo themselves. */
	irq = spin_lock_irqsave(&s->lock);
	va = place(s, region, m->size, &prev);
	if (!va) {
		err = CAIRN_ERR_NOSPC;
		goto fail_locked;
	}
	m->va = va;
	err = map_pages(s, m, npages);
	if (err)
		goto fail_locked;
	vm_object_ref(o); /* (V3) */
	if (prev) {
		m->next = prev->next;
		prev->next = m;
	} else {
		m->next = s->mappings;
		s->mappings = m;
	}
	s->stats.maps++;
	s->stats.mappings++;
	s->stats.mapped_bytes += m->size;
	spin_unlock_irqrestore(&s->lock, irq);
	*out = m;
	return CAIRN_OK;

fail_locked:
	s->stats.failures++;
	spin_unlock_irqrestore(&s->lock, irq);
	kfree(m);
	return err;
fail:
	irq = spin_lock_irqsave(&s->lock);
	s->stats.failures++;
	spin_unlock_irqrestore(&s->lock, irq);
	return err;
}

err_t vm_map_anon(struct vm_space *s, size_t size, unsigned prot, const char *name,
		  struct vm_mapping **out)
{
	uint64_t npages = ALIGN_UP((uint64_t)size, (uint64_t)PAGE_SIZE) >> PAGE_SHIFT;
	struct vm_object *o;
	err_t err;

	if (size == 0 || !prot_ok(prot))
		return CAIRN_ERR_INVAL;
	err = vm_object_create_anon(s->frames, npages, name, &o);
	if (err)
		return err;
	err = vm_map(s, o, 0, npages, prot, VM_REGION_OBJECTS, name, out);
	vm_object_unref(o); /* the mapping holds it now, or nobody does */
	return err;
}

err_t vm_stack_alloc(struct vm_space *s, size_t size, const char *name, struct vm_mapping **out)
{
	uint64_t npages = ALIGN_UP((uint64_t)size, (uint64_t)PAGE_SIZE) >> PAGE_SHIFT;
	struct vm_object *o;
	err_t err;

	if (size == 0)
		return CAIRN_ERR_INVAL;
	err = vm_object_create_anon(s->frames, npages, name, &o);
	if (err)
		return err;
	err = vm_map(s, o, 0, npages, PT_WRITE, VM_REGION_STACKS, name, out);
	vm_object_unref(o);
	return err;
}

void vm_unmap(struct vm_space *s, struct vm_mapping *m)
{
	unsigned long irq = spin_lock_irqsave(&s->lock);
	struct vm_mapping **p = &s->mappings;

	while (*p && *p != m)
		p = &(*p)->next;
	if (!*p) {
		spin_release_for_panic(&s->lock);
		PANIC("vm: unmap of mapping %p, which this space does not hold", (void *)m);
	}
	*p = m->next;
	ASSERT(pagetable_unmap(s->pt, m->va, m->size) == CAIRN_OK); /* (V2) */
	s->stats.unmaps++;
	s->stats.mappings--;
	s->stats.mapped_bytes -= m->size;
	spin_unlock_irqrestore(&s->lock, irq);
	vm_object_unref(m->object);
	kfree(m);
}

err_t vm_protect(struct vm_space *s, struct vm_mapping *m, unsigned prot)
{
	unsigned long irq;

	if (!prot_ok(prot))
		return CAIRN_ERR_INVAL;
	irq = spin_lock_irqsave(&s->lock);
	ASSERT(pagetable_protect(s->pt, m->va, m->size, prot) == CAIRN_OK); /* (V2) */
	m->prot = prot;
	s->stats.protects++;
	spin_unlock_irqrestore(&s->lock, irq);
	return CAIRN_OK;
}

static struct vm_mapping *find_locked(const struct vm_space *s, vaddr_t va, bool *guard)
	REQUIRES(s->lock)
{
	for (struct vm_mapping *m = s->mappings; m; m = m->next) {
		if (va >= m->va && va - m->va < m->size) {
			if (guard)
				*guard = false;
			return m;
		}
		if (guard && va < m->va && va >= m->va - m->guard) {
			*guard = true;
			return m;
		}
	}
	return NULL;
}

struct vm_mapping *vm_mapping_find(const struct vm_space *s, vaddr_t va, bool *guard)
{
	struct vm_space *ms = (struct vm_space *)(uintptr_t)s; /* the lock is not const */
	unsigned long irq = spin_lock_irqsave(&ms->lock);
	struct vm_mapping *m = find_locked(ms, va, guard);

	spin_unlock_irqrestore(&ms->lock, irq);
	return m;
}

/* ---- describing addresses --------------------------------------------------- */

#if !CONFIG_HOSTED
static const char *image_section(vaddr_t va)
{
	static const struct { const char *name; const char *lo, *hi; } sections[] = {
		{ "text", __text_start, __text_end },   { "rodata", __rodata_start, __rodata_end },
		{ "data", __data_start, __data_end },   { "bss", __bss_start, __bss_end },
	};

	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (va >= (vaddr_t)sections[i].lo && va < (vaddr_t)sections[i].hi)
			return sections[i].name;
	return NULL;
}
#endif

static void describe(char *buf, size_t len, vaddr_t va, const struct vm_mapping *m, bool guard,
		     bool searched)
{
	if (m && guard && m->region == VM_REGION_STACKS) {
		ksnprintf(buf, len, "thread stacks: guard page below stack '%s' "
			  "[%#llx-%#llx]: stack overflow", m->name, (unsigned long long)m->va,
			  (unsigned long long)(m->va + m->size - 1));
	} else if (m && guard) {
		ksnprintf(buf, len, "%s: guard gap below '%s'", region_names[m->region], m->name);
	} else if (m) {
		ksnprintf(buf, len, "%s: '%s' +%#llx", region_names[m->region], m->name,
			  (unsigned long long)(va - m->va));
	} else {
#if !CONFIG_HOSTED
		const char *sec = image_section(va);

		if (sec) {
			ksnprintf(buf, len, "kernel image: %s", sec);
			return;
		}
#endif
		ksnprintf(buf, len, "%s%s", layout_region_name(va),
			  searched ? "" : " (mappings locked: not searched)");
	}
}

const char *vm_address_describe(vaddr_t va, char *buf, size_t len)
{
	struct vm_space *s = vm_kernel;
	unsigned long irq;
	bool guard = false;

	/* A crash report: never wait. If the space is locked (the crash may be
	 * inside a mapping call), describe by region only. The lock is held
	 * while the mapping's name is printed, so it cannot go away. */
	if (s && spin_trylock_irqsave(&s->lock, &irq)) {
		const struct vm_mapping *m = find_locked(s, va, &guard);

		describe(buf, len, va, m, guard, true);
		spin_unlock_irqrestore(&s->lock, irq);
	} else {
		describe(buf, len, va, NULL, false, !s);
	}
	return buf;
}

/* ---- checking ------------------------------------------------------------------- */

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (unlikely(!(cond))) {                                       \
			LOG_ERR("vm: " __VA_ARGS__);                           \
			return CAIRN_ERR_CORRUPT;                              \
		}                                                              \
	} while (0)

static err_t check_locked(const struct vm_space *s) REQUIRES(s->lock)
{
	vaddr_t prev_end = 0;
	uint64_t n = 0, bytes = 0;

	for (const struct vm_mapping *m = s->mappings; m; m = m->next, n++) {
		vaddr_t rlo = s->region[m->region].base, rhi = rlo + s->region[m->region].size;

		CHECK(m->va - m->guard >= prev_end, "V1: '%s' overlaps the mapping before it",
		      m->name);
		CHECK(m->va - m->guard >= rlo && m->va + m->size <= rhi,
		      "V1: '%s' leaves its region", m->name);
		CHECK(!((m->prot & PT_WRITE) && (m->prot & PT_EXEC)), "V4: '%s' is W+X", m->name);
		CHECK(m->object->refcount >= 1, "V3: '%s' maps a dead object", m->name);
		for (uint64_t off = 0; off < m->size; off += PAGE_SIZE) {
			paddr_t pa;
			unsigned prot;

			CHECK(pagetable_query(s->pt, m->va + off, &pa, &prot, NULL) == CAIRN_OK &&
				      pa == object_page(m->object, m->offset + (off >> PAGE_SHIFT)) &&
				      prot == m->prot,
			      "V2: page +%#llx of '%s' is not mapped as its object says",
			      (unsigned long long)off, m->name);
		}
		for (uint64_t off = PAGE_SIZE; off <= m->guard; off += PAGE_SIZE)
			CHECK(pagetable_query(s->pt, m->va - off, NULL, NULL, NULL) == CAIRN_ERR_NOENT,
			      "V2: guard page -%#llx of '%s' is mapped", (unsigned long long)off,
			      m->name);
		prev_end = m->va + m->size;
		bytes += m->size;
	}
	CHECK(n == s->stats.mappings && bytes == s->stats.mapped_bytes,
	      "%llu mappings of %llu bytes, counted %llu of %llu", (unsigned long long)n,
	      (unsigned long long)bytes, (unsigned long long)s->stats.mappings,
	      (unsigned long long)s->stats.mapped_bytes);
	return pagetable_check(s->pt);
}

err_t vm_space_check(const struct vm_space *s)
{
	struct vm_space *ms = (struct vm_space *)(uintptr_t)s; /* the lock is not const */
	unsigned long irq = spin_lock_irqsave(&ms->lock);
	err_t err = check_locked(ms);

	spin_unlock_irqrestore(&ms->lock, irq);
	return err;
}
