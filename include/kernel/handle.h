/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Handle tables: how authority is held.
 *
 * Each subsystem (console, files, memory, threads, ...) owns one table. A
 * slot holds an object pointer, the object's type and a rights mask. A handle
 * value packs
 *
 *      31      28 27               16 15                0
 *     +----------+-------------------+------------------+
 *     | subsys   | generation (1..)  | slot index       |
 *     +----------+-------------------+------------------+
 *
 * The generation of a slot advances each time the slot is freed, so a stale
 * value no longer matches; generation 0 is never issued, so 0 is never a
 * valid handle (CAIRN_HANDLE_INVALID).
 *
 * Lookup checks, in this order: the value names this table, a live slot and
 * its current generation (else CAIRN_ERR_BADHANDLE); the object type
 * (CAIRN_ERR_WRONGTYPE); the rights (CAIRN_ERR_ACCESS). Rights only shrink:
 * duplicate may drop rights, never add them.
 *
 * Every grant, duplicate and close is appended to the audit ring, which
 * handle_audit_dump() prints.
 *
 * Context: any context. Each table has a spinlock (`lock`, set up by
 * handle_table_init) that every call takes; the audit ring has one of its
 * own, taken under a table's (docs/architecture.md, "Locks"). A lookup's
 * result is a snapshot: a caller that must keep the object alive past a
 * concurrent close holds its own reference (as src/sys/thread.c does).
 */
#ifndef KERNEL_HANDLE_H
#define KERNEL_HANDLE_H

#include <cairn/types.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>

typedef cairn_handle_t handle_t;
typedef cairn_rights_t rights_t;

enum handle_subsystem {
	HANDLE_SUBSYS_CONSOLE = 1,
	HANDLE_SUBSYS_FILE = 2,
	HANDLE_SUBSYS_MEMORY = 3,
	HANDLE_SUBSYS_THREAD = 4,
	HANDLE_SUBSYS_IPC = 5,
	HANDLE_SUBSYS_DEVICE = 6,
	HANDLE_SUBSYS_MAX = 15,
};

#define HANDLE_SLOT_BITS 16
#define HANDLE_GEN_BITS 12
#define HANDLE_SLOTS_MAX (1u << HANDLE_SLOT_BITS)

struct handle_slot {
	void *object;      /* NULL: free */
	uint16_t type;     /* subsystem-defined object type, never 0 */
	uint16_t gen;      /* current generation, 1..4095 */
	rights_t rights;
};

struct handle_table {
	struct spinlock lock;
	const char *name;
	uint8_t subsys;            /* enum handle_subsystem */
	struct handle_slot *slots GUARDED_BY_MEMBER(lock); /* caller-provided storage */
	size_t nslots;
	size_t used GUARDED_BY_MEMBER(lock);
};

/* handle_table_init - set up `t` over `slots` (nslots <= HANDLE_SLOTS_MAX). */
err_t handle_table_init(struct handle_table *t, const char *name, uint8_t subsys,
			struct handle_slot *slots, size_t nslots);

/*
 * handle_table_grant - put `object` (of `type`, non-zero) with `rights` into
 * a free slot. CAIRN_ERR_INVAL for a NULL object, type 0 or unknown rights
 * bits; CAIRN_ERR_LIMIT when the table is full.
 */
err_t handle_table_grant(struct handle_table *t, void *object, uint16_t type,
			 rights_t rights, handle_t *out);

/* handle_table_lookup - see the file comment for the order of checks.
 * On success stores the object into *object (if object is not NULL). */
err_t handle_table_lookup(const struct handle_table *t, handle_t h, uint16_t type,
			  rights_t required, void **object);

/*
 * handle_table_duplicate - a new handle to the same object with `rights`,
 * which must be a subset of the original's. Needs CAIRN_RIGHT_DUPLICATE on
 * `h` (CAIRN_ERR_ACCESS otherwise, or if `rights` adds anything).
 */
err_t handle_table_duplicate(struct handle_table *t, handle_t h, rights_t rights,
			     handle_t *out);

/* handle_table_close - free the slot; the value goes stale at once. */
err_t handle_table_close(struct handle_table *t, handle_t h);

/* handle_rights - the rights `h` holds, or 0 if it is not valid. */
rights_t handle_rights(const struct handle_table *t, handle_t h);

/* handle_table_used - live slots (a snapshot). */
size_t handle_table_used(const struct handle_table *t);

/* handle_table_check - invariants H1-H2 of src/handle.c. CAIRN_OK or
 * CAIRN_ERR_CORRUPT (logged). */
err_t handle_table_check(const struct handle_table *t);

enum handle_audit_op { HANDLE_AUDIT_GRANT = 1, HANDLE_AUDIT_DUPLICATE, HANDLE_AUDIT_CLOSE };

struct handle_audit_event {
	uint64_t time_ns;
	uint8_t op;       /* enum handle_audit_op */
	uint8_t subsys;
	handle_t handle;
	handle_t parent;  /* for duplicates */
	rights_t rights;
};

#define HANDLE_AUDIT_RING 256

/* handle_audit_read - copy up to `max` newest events, oldest first; returns
 * how many were copied. */
size_t handle_audit_read(struct handle_audit_event *out, size_t max);

/* handle_audit_dump - print the audit ring. */
void handle_audit_dump(void);

#endif /* KERNEL_HANDLE_H */
