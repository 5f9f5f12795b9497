/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Virtual memory objects (src/mm/vm.c), as DESIGN.md names them:
 *
 *   PageFrame   struct page_frame (include/kernel/mm/phys.h): one owned,
 *               refcounted physical page of the buddy allocator
 *   VmObject    struct vm_object: a set of frames - anonymous (owned,
 *               zeroed at creation, freed with the object) or physical
 *               (a device or firmware range, never owned or freed)
 *   VmMapping   struct vm_mapping: a virtual range -> a slice of a VmObject,
 *               with permissions, a name and a guard gap below it
 *   AddressSpace  struct vm_space: the one page table plus the sorted set
 *               of its mappings
 *
 * Every page a space maps belongs to one of its mappings; every mapping
 * holds a reference on its object; unmapping drops it, and the object frees
 * its frames with the last reference. So nothing mapped can leak, and
 * vm_space_check() proves it against the page table.
 *
 * Mappings live in two regions of the canonical layout (docs/memory-layout.md):
 * mapped objects, each below a guard gap of VM_OBJECT_GUARD bytes, and
 * thread stacks, each below a guard of VM_STACK_GUARD bytes that catches an
 * overflow: vm_address_describe() names the stack whose guard a faulting
 * address hit, and the fault handlers print that.
 *
 * Context: thread context (never an interrupt handler: mapping allocates).
 * Each space has a spinlock guarding its mapping list and statistics; it
 * is taken before the page table's own lock and the allocators' (lock
 * order in docs/architecture.md, "Locks"). Objects are refcounted with
 * atomics, so any thread may drop a reference. vm_address_describe: any
 * context (it only tries the lock, for crash reports).
 */
#ifndef KERNEL_MM_VM_H
#define KERNEL_MM_VM_H

#include <kernel/mm/pagetable.h>
#include <kernel/types.h>

#define VM_OBJECT_GUARD PAGE_SIZE
#define VM_STACK_GUARD (4 * PAGE_SIZE)
#define VM_NAME_MAX 24

enum vm_region { VM_REGION_OBJECTS = 0, VM_REGION_STACKS = 1, VM_REGIONS };
enum vm_object_kind { VM_OBJECT_ANON = 1, VM_OBJECT_PHYS = 2 };

struct vm_object {
	uint32_t refcount;   /* atomic */
	uint8_t kind;        /* enum vm_object_kind */
	uint64_t npages;
	struct buddy *frames; /* ANON: where its frames come from */
	paddr_t *pages;      /* ANON: one frame per page */
	paddr_t phys_base;   /* PHYS: the first page; pages are contiguous */
	char name[VM_NAME_MAX];
};

struct vm_mapping {
	struct vm_mapping *next; /* in the space, sorted by va */
	vaddr_t va;
	uint64_t size;           /* bytes mapped */
	uint64_t guard;          /* bytes kept unmapped below va */
	struct vm_object *object;
	uint64_t offset;         /* in pages, into the object */
	unsigned prot;           /* PT_* */
	uint8_t region;          /* enum vm_region */
	char name[VM_NAME_MAX];
};

struct vm_space_stats {
	uint64_t maps, unmaps, protects, failures;
	uint64_t mapped_bytes;
	uint64_t mappings;
};

struct vm_space {
	struct spinlock lock;
	struct pagetable *pt;
	struct buddy *frames;
	struct { vaddr_t base; uint64_t size; } region[VM_REGIONS];
	struct vm_mapping *mappings GUARDED_BY_MEMBER(lock); /* sorted by va */
	struct vm_space_stats stats GUARDED_BY_MEMBER(lock);
};

/* The kernel's (= the appliance's) one address space, once mm_init ran. */
extern struct vm_space *vm_kernel;

/* vm_space_init - a space over `pt` with frames from `frames` and the two
 * regions (page aligned, disjoint). CAIRN_ERR_INVAL otherwise. */
err_t vm_space_init(struct vm_space *s, struct pagetable *pt, struct buddy *frames,
		    vaddr_t objects_base, uint64_t objects_size, vaddr_t stacks_base,
		    uint64_t stacks_size);

/* vm_space_destroy - unmap every mapping (dropping object references). */
void vm_space_destroy(struct vm_space *s);

/*
 * vm_object_create_anon - an object of `npages` zeroed frames from `frames`.
 * vm_object_create_phys - an object naming [pa, pa + npages pages), not owned.
 * Both return it with one reference. CAIRN_ERR_INVAL (0 pages, unaligned),
 * CAIRN_ERR_NOMEM (nothing is left allocated on failure).
 */
err_t vm_object_create_anon(struct buddy *frames, uint64_t npages, const char *name,
			    struct vm_object **out);
err_t vm_object_create_phys(paddr_t pa, uint64_t npages, const char *name,
			    struct vm_object **out);
void vm_object_ref(struct vm_object *o);
/* vm_object_unref - drop a reference; the last one frees frames and object. */
void vm_object_unref(struct vm_object *o);

/*
 * vm_map - map pages [offset, offset + npages) of `o` with `prot` into
 * `region` of `s` at the lowest free address with room for the guard
 * below it; takes a reference on `o`. Errors: CAIRN_ERR_INVAL (0 pages,
 * bad region or prot, slice outside the object, PT_WRITE|PT_EXEC on an
 * object region: W^X), CAIRN_ERR_NOSPC (no room in the region),
 * CAIRN_ERR_NOMEM (tables or bookkeeping). Nothing changes on failure.
 */
err_t vm_map(struct vm_space *s, struct vm_object *o, uint64_t offset, uint64_t npages,
	     unsigned prot, enum vm_region region, const char *name, struct vm_mapping **out);

/* vm_map_anon - a fresh anonymous object of `size` bytes (rounded up to
 * pages) mapped in the objects region. Errors as vm_map and create_anon. */
err_t vm_map_anon(struct vm_space *s, size_t size, unsigned prot, const char *name,
		  struct vm_mapping **out);

/* vm_unmap - remove `m` (which must be a mapping of `s`) and drop its object. */
void vm_unmap(struct vm_space *s, struct vm_mapping *m);

/* vm_protect - new permissions for all of `m`. CAIRN_ERR_INVAL for bad
 * prot (including write+execute). */
err_t vm_protect(struct vm_space *s, struct vm_mapping *m, unsigned prot);

/*
 * vm_stack_alloc - a thread stack of `size` bytes (rounded up to pages) in
 * the stacks region, read/write, never executable, with VM_STACK_GUARD
 * unmapped below it. The stack grows down from m->va + m->size.
 */
err_t vm_stack_alloc(struct vm_space *s, size_t size, const char *name, struct vm_mapping **out);

/* vm_mapping_find - the mapping of `s` containing va, or NULL. If `guard`
 * is not NULL, a va in a mapping's guard returns that mapping with *guard
 * set to true. The mapping stays valid only while its owner keeps it
 * mapped (the caller must be that owner, e.g. a thread asking about its
 * own stack). */
struct vm_mapping *vm_mapping_find(const struct vm_space *s, vaddr_t va, bool *guard);

/*
 * vm_address_describe - a one-line description of `va` for crash reports:
 * the mapping and offset it falls in, "guard page below stack '<name>'"
 * (a stack overflow), the image section, or the layout region name.
 * Writes into buf (NUL-terminated, truncated to len) and returns buf.
 * Any context: only reads.
 */
const char *vm_address_describe(vaddr_t va, char *buf, size_t len);

/*
 * vm_space_check - every mapping sorted, inside its region, guard gaps
 * respected, every page mapped to its object's frame with its prot and
 * every guard page unmapped; the page table's own invariants hold.
 * CAIRN_OK or CAIRN_ERR_CORRUPT (logged).
 */
err_t vm_space_check(const struct vm_space *s);

#endif /* KERNEL_MM_VM_H */
