/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Memory for the application.
 *
 * A memory handle, granted by a `memory` line of the manifest, is a budget:
 * up to its limit of bytes may be mapped through it, with at most its
 * rights (read, write, execute; `map` to map at all). Mappings are fresh,
 * zero-filled pages in the mapped-objects region, each below an unmapped
 * guard gap. Writable and executable at once is refused (W^X): map
 * read+write, fill, then protect to read+execute.
 *
 * The heap (cairn_malloc and friends) draws from the first memory grant
 * (start->memory); it grows in chunks of CONFIG_MM_APP_HEAP_CHUNK_KB and
 * gives large blocks a mapping of their own. It returns NULL when the
 * grant's budget is spent. Every block is aligned to 16 bytes.
 *
 * The kernel records every range the application owns, so later API calls
 * can reject a pointer that is not the caller's (CAIRN_ERR_FAULT).
 */
#ifndef CAIRN_MEMORY_H
#define CAIRN_MEMORY_H

#include <cairn/types.h>

/*
 * cairn_mem_map - map `size` bytes (rounded up to pages) of fresh zeroed
 * memory with `rights` (CAIRN_RIGHT_READ / WRITE / EXECUTE) and return its
 * address in *out.
 * @mem: a memory handle with CAIRN_RIGHT_MAP and every right asked for.
 * Returns CAIRN_OK, or:
 *   CAIRN_ERR_BADHANDLE / WRONGTYPE  not a live memory handle
 *   CAIRN_ERR_ACCESS     the handle lacks MAP or a right asked for
 *   CAIRN_ERR_INVAL      size 0, unknown rights, or write with execute
 *   CAIRN_ERR_FAULT      out is NULL
 *   CAIRN_ERR_LIMIT      the grant's budget would be exceeded
 *   CAIRN_ERR_NOMEM      the machine is out of memory
 * Nothing is mapped unless the call succeeds.
 */
cairn_err_t cairn_mem_map(cairn_handle_t mem, size_t size, cairn_rights_t rights, void **out);

/*
 * cairn_mem_unmap - unmap a whole mapping cairn_mem_map returned (`addr`
 * its address, `size` the size asked for). The budget is given back.
 * CAIRN_ERR_BADHANDLE/WRONGTYPE, CAIRN_ERR_INVAL (not exactly such a
 * mapping of this handle).
 */
cairn_err_t cairn_mem_unmap(cairn_handle_t mem, void *addr, size_t size);

/* cairn_mem_protect - new rights for a whole mapping; errors as map
 * (ACCESS for rights the handle lacks, INVAL for write with execute or a
 * range that is not exactly one mapping). */
cairn_err_t cairn_mem_protect(cairn_handle_t mem, void *addr, size_t size,
			      cairn_rights_t rights);

/* The heap, as C's. NULL when out of budget or memory, or with no grant. */
void *cairn_malloc(size_t size);
void *cairn_calloc(size_t n, size_t size);
void *cairn_realloc(void *p, size_t size);
/* cairn_aligned_alloc - `align` a power of two up to 4096. */
void *cairn_aligned_alloc(size_t align, size_t size);
void cairn_free(void *p);

#endif /* CAIRN_MEMORY_H */
