/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Cairn application API: the only door from an application into the
 * kernel. docs/api.md is the reference; each header documents its calls.
 */
#ifndef CAIRN_CAIRN_H
#define CAIRN_CAIRN_H

#include <cairn/app.h>
#include <cairn/console.h>
#include <cairn/error.h>
#include <cairn/memory.h>
#include <cairn/thread.h>
#include <cairn/time.h>
#include <cairn/types.h>

#endif /* CAIRN_CAIRN_H */
