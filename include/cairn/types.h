/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Types of the Cairn application API: handles and rights.
 *
 * A handle names one kernel object the application was granted, together
 * with the rights it holds on it. Handle values are opaque: they encode the
 * owning subsystem, a slot and a generation, so a stale or forged value is
 * rejected (CAIRN_ERR_BADHANDLE) rather than reaching another object.
 * Rights only ever shrink.
 */
#ifndef CAIRN_TYPES_H
#define CAIRN_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include <cairn/error.h>

typedef uint32_t cairn_handle_t;
typedef uint32_t cairn_rights_t;

/* No handle: never a valid value. */
#define CAIRN_HANDLE_INVALID ((cairn_handle_t)0)

#define CAIRN_RIGHT_READ      (1u << 0)
#define CAIRN_RIGHT_WRITE     (1u << 1)
#define CAIRN_RIGHT_EXECUTE   (1u << 2)
#define CAIRN_RIGHT_MAP       (1u << 3)
#define CAIRN_RIGHT_DUPLICATE (1u << 4) /* may be duplicated (with fewer rights) */
#define CAIRN_RIGHT_TRANSFER  (1u << 5) /* may be sent to another endpoint */
#define CAIRN_RIGHTS_ALL      0x3fu

#endif /* CAIRN_TYPES_H */
