// SPDX-License-Identifier: BSD-2-Clause
/*
 * cairn_mem_* and the cairn_malloc heap (include/cairn/memory.h), and the
 * set of ranges the application owns (include/kernel/mm/user.h).
 *
 * A memory grant is a budget object in the memory subsystem's handle
 * table. cairn_mem_map validates the handle (bad handle, type, rights),
 * then the arguments and the budget, and only then maps (vm_map_anon),
 * records the owned range and charges the budget; a failure at the mapping
 * changes nothing ("validate fully, then act").
 *
 * Owned ranges are kept sorted and disjoint in a fixed table (U1); each
 * range of a mapping carries the rights it was mapped with (U2). The heap's
 * own chunks are owned ranges too, so a heap pointer passes the check.
 *
 * The heap: chunks mapped from the bound grant, carved into blocks with
 * boundary tags. Each block starts with a 16-byte header { size | flags,
 * size of the previous block }; free blocks are on one first-fit list and
 * merge with free neighbours on free (H1: no two free blocks are adjacent).
 * Each chunk ends with a zero-size in-use sentinel. Blocks larger than half
 * a chunk get a mapping of their own ("large"). A free of a block that is
 * not allocated panics: the application and the kernel share one address
 * space, so heap corruption must stop the appliance where it is found.
 *
 * Lock order (docs/architecture.md, "Locks"): the memory lock guards the
 * grants, the owned ranges and the heap; it is dropped around vm_map_anon
 * (which zeroes the new pages), whose budget and owned-range slot are
 * reserved first, so a long mapping does not keep interrupts off and a
 * failed one gives everything back. vm_unmap runs under it (memory lock
 * -> vm space lock); nothing below calls back here.
 */
#include <cairn/memory.h>
#include <kernel/assert.h>
#include <kernel/mm/user.h>
#include <kernel/mm/vm.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

#define MEMORY_HANDLES 16
#define MEMORY_GRANTS 8
#define MEMORY_MAPPINGS 128

struct mem_grant {
	char name[32];
	uint64_t limit, used;
};

struct owned {
	vaddr_t lo, hi;
	rights_t rights;
	struct vm_mapping *m;    /* NULL: added by sys_user_range_add */
	struct mem_grant *grant;
	size_t asked;            /* the size cairn_mem_map was given */
};

static struct spinlock mem_lock = SPINLOCK_INIT("app memory");
static unsigned long mem_irq; /* the holder's saved interrupt state */

static struct handle_slot slots[MEMORY_HANDLES];
static struct handle_table table;
static struct mem_grant grants[MEMORY_GRANTS] GUARDED_BY(mem_lock);
static size_t ngrants GUARDED_BY(mem_lock);
static struct owned owned[SYS_USER_RANGES_MAX] GUARDED_BY(mem_lock); /* sorted by lo (U1) */
static size_t nowned GUARDED_BY(mem_lock);
static size_t nreserved GUARDED_BY(mem_lock); /* owned slots promised to maps in flight */
static struct mem_grant *heap_grant GUARDED_BY(mem_lock);

static void mem_lock_take(void) ACQUIRE(mem_lock)
{
	unsigned long irq = spin_lock_irqsave(&mem_lock);

	mem_irq = irq;
}

static void mem_lock_drop(void) RELEASE(mem_lock)
{
	spin_unlock_irqrestore(&mem_lock, mem_irq);
}

static err_t ensure_table(void) REQUIRES(mem_lock)
{
	if (table.slots)
		return CAIRN_OK;
	return handle_table_init(&table, "memory", HANDLE_SUBSYS_MEMORY, slots, MEMORY_HANDLES);
}

static err_t grant_locked(const char *name, rights_t rights, uint64_t limit, handle_t *out)
	REQUIRES(mem_lock)
{
	struct mem_grant *g;
	err_t err = ensure_table();

	if (err)
		return err;
	if (limit == 0 || !IS_ALIGNED(limit, (uint64_t)PAGE_SIZE))
		return CAIRN_ERR_INVAL;
	if (ngrants == MEMORY_GRANTS)
		return CAIRN_ERR_LIMIT;
	g = &grants[ngrants];
	/* Fill the grant before the handle to it exists. */
	kstrlcpy(g->name, name, sizeof(g->name));
	g->limit = limit;
	g->used = 0;
	err = handle_table_grant(&table, g, SYS_OBJ_MEMORY, rights, out);
	if (err)
		return err;
	ngrants++;
	return CAIRN_OK;
}

err_t sys_memory_grant(const char *name, rights_t rights, uint64_t limit, handle_t *out)
{
	err_t err;

	mem_lock_take();
	err = grant_locked(name, rights, limit, out);
	mem_lock_drop();
	return err;
}

static err_t lookup(handle_t h, rights_t need, struct mem_grant **g) REQUIRES(mem_lock)
{
	if (!table.slots)
		return CAIRN_ERR_BADHANDLE;
	return handle_table_lookup(&table, h, SYS_OBJ_MEMORY, need, (void **)g);
}

err_t sys_memory_heap_bind(handle_t h)
{
	struct mem_grant *g;
	err_t err;

	mem_lock_take();
	err = lookup(h, CAIRN_RIGHT_MAP | CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE, &g);
	if (!err)
		heap_grant = g;
	mem_lock_drop();
	return err;
}

/* ---- owned ranges ----------------------------------------------------------- */

/* Index where a range starting at lo belongs (first with owned[i].lo >= lo). */
static size_t owned_pos(vaddr_t lo) REQUIRES(mem_lock)
{
	size_t a = 0, b = nowned;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (owned[mid].lo < lo)
			a = mid + 1;
		else
			b = mid;
	}
	return a;
}

static err_t owned_insert(const struct owned *r) REQUIRES(mem_lock)
{
	size_t i = owned_pos(r->lo);

	if (nowned + nreserved == SYS_USER_RANGES_MAX)
		return CAIRN_ERR_LIMIT;
	if ((i < nowned && owned[i].lo < r->hi) || (i > 0 && owned[i - 1].hi > r->lo))
		return CAIRN_ERR_EXIST; /* (U1) */
	memmove(&owned[i + 1], &owned[i], (nowned - i) * sizeof(owned[0]));
	owned[i] = *r;
	nowned++;
	return CAIRN_OK;
}

static struct owned *owned_exact(vaddr_t lo) REQUIRES(mem_lock)
{
	size_t i = owned_pos(lo);

	return i < nowned && owned[i].lo == lo ? &owned[i] : NULL;
}

static void owned_delete(struct owned *r) REQUIRES(mem_lock)
{
	size_t i = (size_t)(r - owned);

	memmove(&owned[i], &owned[i + 1], (nowned - i - 1) * sizeof(owned[0]));
	nowned--;
}

static err_t range_check_locked(const void *p, size_t len, rights_t need) REQUIRES(mem_lock)
{
	vaddr_t lo = (vaddr_t)p, hi;
	size_t i;

	if (len == 0)
		return CAIRN_OK;
	if (add_overflows(lo, (vaddr_t)len, &hi))
		return CAIRN_ERR_OVERFLOW;
	/* The range holding lo, then contiguous successors until hi. */
	i = owned_pos(lo + 1);
	if (i == 0)
		return CAIRN_ERR_FAULT;
	for (i--; lo < hi; i++) {
		if (i >= nowned || owned[i].lo > lo || owned[i].hi <= lo ||
		    (owned[i].rights & need) != need) /* (U2) */
			return CAIRN_ERR_FAULT;
		lo = owned[i].hi;
	}
	return CAIRN_OK;
}

err_t sys_user_range_check(const void *p, size_t len, rights_t need)
{
	err_t err;

	mem_lock_take();
	err = range_check_locked(p, len, need);
	mem_lock_drop();
	return err;
}

err_t sys_user_range_add(const void *p, size_t len, rights_t rights)
{
	struct owned r = { .lo = (vaddr_t)p, .rights = rights };
	err_t err;

	if (len == 0 || add_overflows(r.lo, (vaddr_t)len, &r.hi))
		return CAIRN_ERR_INVAL;
	mem_lock_take();
	err = owned_insert(&r);
	mem_lock_drop();
	return err;
}

err_t sys_user_range_remove(const void *p, size_t len)
{
	struct owned *r;
	err_t err = CAIRN_ERR_NOENT;

	mem_lock_take();
	r = owned_exact((vaddr_t)p);
	if (r && !r->m && r->hi - r->lo == len) {
		owned_delete(r);
		err = CAIRN_OK;
	}
	mem_lock_drop();
	return err;
}

/* ---- mappings ------------------------------------------------------------------ */

#define MEM_RIGHTS (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_EXECUTE)

static err_t check_rights(rights_t rights, unsigned *prot)
{
	if (rights & ~MEM_RIGHTS)
		return CAIRN_ERR_INVAL;
	if ((rights & CAIRN_RIGHT_WRITE) && (rights & CAIRN_RIGHT_EXECUTE))
		return CAIRN_ERR_INVAL; /* W^X */
	*prot = ((rights & CAIRN_RIGHT_WRITE) ? PT_WRITE : 0) |
		((rights & CAIRN_RIGHT_EXECUTE) ? PT_EXEC : 0);
	return CAIRN_OK;
}

/* Map for grant g: the common path of cairn_mem_map and the heap. Drops
 * and retakes the memory lock around the mapping itself. */
static err_t map_for(struct mem_grant *g, size_t size, rights_t rights, const char *name,
		     void **out) REQUIRES(mem_lock)
{
	uint64_t bytes = ALIGN_UP((uint64_t)size, (uint64_t)PAGE_SIZE);
	struct owned r = { .rights = rights, .grant = g, .asked = size };
	unsigned prot;
	err_t err;

	err = check_rights(rights, &prot);
	if (err)
		return err;
	if (size == 0 || bytes < size)
		return CAIRN_ERR_INVAL;
	if (bytes > g->limit - g->used)
		return CAIRN_ERR_LIMIT;
	if (nowned + nreserved == SYS_USER_RANGES_MAX)
		return CAIRN_ERR_LIMIT;
	if (!vm_kernel)
		return CAIRN_ERR_NOMEM;
	g->used += bytes; /* reserved: budget and a slot */
	nreserved++;
	mem_lock_drop();
	err = vm_map_anon(vm_kernel, bytes, prot, name, &r.m);
	mem_lock_take();
	nreserved--;
	if (err) {
		g->used -= bytes;
		return err;
	}
	r.lo = r.m->va;
	r.hi = r.m->va + r.m->size;
	ASSERT(owned_insert(&r) == CAIRN_OK); /* slot reserved; VA fresh (U1) */
	*out = (void *)r.lo;
	return CAIRN_OK;
}

static void unmap_owned(struct owned *r) REQUIRES(mem_lock)
{
	struct vm_mapping *m = r->m;

	r->grant->used -= m->size;
	owned_delete(r);
	vm_unmap(vm_kernel, m);
}

cairn_err_t cairn_mem_map(cairn_handle_t mem, size_t size, cairn_rights_t rights, void **out)
{
	struct mem_grant *g;
	err_t err;

	if (!out)
		return CAIRN_ERR_FAULT;
	mem_lock_take();
	err = lookup(mem, CAIRN_RIGHT_MAP | (rights & MEM_RIGHTS), &g);
	if (!err)
		err = map_for(g, size, rights, g->name, out);
	mem_lock_drop();
	return err;
}

/* The mapping of grant g at exactly [addr, addr + size asked). */
static struct owned *find_mapping(struct mem_grant *g, void *addr, size_t size)
	REQUIRES(mem_lock)
{
	struct owned *r = owned_exact((vaddr_t)addr);

	if (!r || !r->m || r->grant != g || r->asked != size)
		return NULL;
	return r;
}

cairn_err_t cairn_mem_unmap(cairn_handle_t mem, void *addr, size_t size)
{
	struct mem_grant *g;
	struct owned *r;
	err_t err;

	mem_lock_take();
	err = lookup(mem, CAIRN_RIGHT_MAP, &g);
	if (!err) {
		r = find_mapping(g, addr, size);
		if (r)
			unmap_owned(r);
		else
			err = CAIRN_ERR_INVAL;
	}
	mem_lock_drop();
	return err;
}

cairn_err_t cairn_mem_protect(cairn_handle_t mem, void *addr, size_t size,
			      cairn_rights_t rights)
{
	struct mem_grant *g;
	struct owned *r;
	unsigned prot;
	err_t err;

	mem_lock_take();
	err = lookup(mem, CAIRN_RIGHT_MAP | (rights & MEM_RIGHTS), &g);
	if (!err)
		err = check_rights(rights, &prot);
	if (!err) {
		r = find_mapping(g, addr, size);
		if (r) {
			ASSERT(vm_protect(vm_kernel, r->m, prot) == CAIRN_OK);
			r->rights = rights;
		} else {
			err = CAIRN_ERR_INVAL;
		}
	}
	mem_lock_drop();
	return err;
}

/* ---- the heap ------------------------------------------------------------------- */

#define HDR 16ul
#define MIN_BLOCK 32ul
#define F_FREE 1ul
#define F_LARGE 2ul
#define SIZE_MASK (~15ul)
#define CHUNK ((size_t)CONFIG_MM_APP_HEAP_CHUNK_KB * 1024)

struct block {
	size_t size_flags; /* block size including this header, | F_* */
	size_t prev_size;  /* 0 for the first block of a chunk */
	/* free blocks only: */
	struct block *next, *prev;
};
STATIC_ASSERT(sizeof(size_t) * 2 == HDR, "heap header is 16 bytes");

static struct block *free_list GUARDED_BY(mem_lock);

static inline size_t bsize(const struct block *b)
{
	return b->size_flags & SIZE_MASK;
}

static inline struct block *after(struct block *b)
{
	return (struct block *)(void *)((char *)b + bsize(b));
}

static inline struct block *before(struct block *b)
{
	return (struct block *)(void *)((char *)b - b->prev_size);
}

static void free_push(struct block *b) REQUIRES(mem_lock)
{
	b->size_flags |= F_FREE;
	b->prev = NULL;
	b->next = free_list;
	if (free_list)
		free_list->prev = b;
	free_list = b;
}

static void free_remove(struct block *b) REQUIRES(mem_lock)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		free_list = b->next;
	if (b->next)
		b->next->prev = b->prev;
	b->size_flags &= ~F_FREE;
}

/* Set b's size and fix the back link of the block after it. */
static void set_size(struct block *b, size_t size, size_t flags)
{
	b->size_flags = size | flags;
	after(b)->prev_size = size;
}

static err_t grow(size_t need) REQUIRES(mem_lock)
{
	size_t bytes = MAX(CHUNK, ALIGN_UP(need + HDR, (size_t)PAGE_SIZE));
	struct block *b, *end;
	void *p;
	err_t err = map_for(heap_grant, bytes, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE, "heap", &p);

	if (err)
		return err;
	b = p;
	b->prev_size = 0;
	end = (struct block *)(void *)((char *)p + bytes - HDR);
	end->size_flags = 0; /* the sentinel: size 0, in use */
	set_size(b, bytes - HDR, 0);
	free_push(b);
	return CAIRN_OK;
}

/* Cut b (in use, off the list) to `size`, freeing the tail if big enough. */
static void trim(struct block *b, size_t size) REQUIRES(mem_lock)
{
	size_t total = bsize(b);

	if (total - size >= MIN_BLOCK) {
		struct block *rest;

		set_size(b, size, 0);
		rest = after(b);
		rest->prev_size = size;
		set_size(rest, total - size, 0);
		free_push(rest);
	}
}

static void *large_alloc(size_t size, size_t align) REQUIRES(mem_lock)
{
	size_t off = MAX(HDR, align);
	struct block *b;
	void *p;

	if (size + off < size || map_for(heap_grant, size + off, CAIRN_RIGHT_READ |
					 CAIRN_RIGHT_WRITE, "heap-large", &p))
		return NULL;
	b = (struct block *)(void *)((char *)p + off - HDR);
	b->size_flags = F_LARGE;
	b->prev_size = off; /* large: distance back to the mapping */
	return (char *)b + HDR;
}

static void *alloc_locked(size_t size, size_t align) REQUIRES(mem_lock)
{
	size_t need;

	if (!heap_grant || size > ((size_t)1 << 40))
		return NULL;
	if (size == 0)
		size = 1;
	if (size + align > CHUNK / 2)
		return large_alloc(size, align);
	need = MAX(ALIGN_UP(size, HDR) + HDR, MIN_BLOCK);
	for (int attempt = 0; attempt < 2; attempt++) {
		for (struct block *b = free_list; b; b = b->next) {
			uintptr_t payload = (uintptr_t)b + HDR;
			uintptr_t aligned = align > HDR ? ALIGN_UP(payload + MIN_BLOCK, align) : payload;
			size_t front = aligned - payload;

			if (bsize(b) < front + need)
				continue;
			free_remove(b);
			if (front) {
				/* Leave the front as a free block, use the rest. */
				size_t total = bsize(b);
				struct block *nb = (struct block *)(aligned - HDR);

				set_size(b, front, 0);
				nb->prev_size = front;
				set_size(nb, total - front, 0);
				free_push(b);
				b = nb;
			}
			trim(b, need);
			return (char *)b + HDR;
		}
		if (attempt == 0 && grow(need + align) != CAIRN_OK)
			return NULL;
	}
	return NULL;
}

static void *heap_alloc(size_t size, size_t align)
{
	void *p;

	mem_lock_take();
	p = alloc_locked(size, align);
	mem_lock_drop();
	return p;
}

static void free_locked(void *p) REQUIRES(mem_lock)
{
	struct block *b = (struct block *)(void *)((char *)p - HDR), *n;

	if (b->size_flags & F_LARGE) {
		struct owned *r = owned_exact((vaddr_t)((char *)b + HDR - b->prev_size));

		ASSERT_MSG(r && r->m, "cairn_free of %p: not a heap block", p);
		unmap_owned(r);
		return;
	}
	ASSERT_MSG(!(b->size_flags & F_FREE) && bsize(b) >= MIN_BLOCK,
		   "cairn_free of %p: double free or not a heap block", p);
	ASSERT_MSG(range_check_locked(b, bsize(b), CAIRN_RIGHT_WRITE) == CAIRN_OK,
		   "cairn_free of %p: not in the heap", p);
	/* Merge with free neighbours (H1). */
	n = after(b);
	if (n->size_flags & F_FREE) {
		free_remove(n);
		set_size(b, bsize(b) + bsize(n), 0);
	}
	if (b->prev_size && (before(b)->size_flags & F_FREE)) {
		struct block *pb = before(b);

		free_remove(pb);
		set_size(pb, bsize(pb) + bsize(b), 0);
		b = pb;
	}
	free_push(b);
}

void cairn_free(void *p)
{
	if (!p)
		return;
	mem_lock_take();
	free_locked(p);
	mem_lock_drop();
}

void *cairn_malloc(size_t size)
{
	return heap_alloc(size, HDR);
}

void *cairn_calloc(size_t n, size_t size)
{
	size_t total;
	void *p;

	if (mul_overflows(n, size, &total))
		return NULL;
	p = heap_alloc(total, HDR);
	if (p)
		memset(p, 0, total);
	return p;
}

void *cairn_aligned_alloc(size_t align, size_t size)
{
	if (!IS_POW2(align) || align > PAGE_SIZE)
		return NULL;
	return heap_alloc(size, MAX(align, HDR));
}

void *cairn_realloc(void *p, size_t size)
{
	struct block *b;
	size_t have;
	void *q;

	if (!p)
		return cairn_malloc(size);
	b = (struct block *)(void *)((char *)p - HDR);
	mem_lock_take();
	if (b->size_flags & F_LARGE) {
		struct owned *r = owned_exact((vaddr_t)((char *)b + HDR - b->prev_size));

		ASSERT_MSG(r && r->m, "cairn_realloc of %p: not a heap block", p);
		have = r->asked - b->prev_size;
	} else {
		ASSERT_MSG(!(b->size_flags & F_FREE), "cairn_realloc of %p: freed block", p);
		have = bsize(b) - HDR;
	}
	mem_lock_drop();
	if (size && size <= have)
		return p;
	q = cairn_malloc(size);
	if (!q)
		return NULL; /* p is untouched */
	memcpy(q, p, MIN(have, size));
	cairn_free(p);
	return q;
}
