// SPDX-License-Identifier: BSD-2-Clause
/*
 * Names and descriptions of the error codes, generated from the one list in
 * include/cairn/error.h so they can never drift from the enum.
 */
#include <kernel/assert.h>
#include <kernel/types.h>

#define NAME_(name, value, desc) [-(value)] = #name,
#define DESC_(name, value, desc) [-(value)] = desc,
static const char *const names[] = { CAIRN_ERRORS(NAME_) };
static const char *const descriptions[] = { CAIRN_ERRORS(DESC_) };
#undef NAME_
#undef DESC_

STATIC_ASSERT(ARRAY_SIZE(names) == (size_t)(-CAIRN_ERR_MIN_) + 1,
	      "CAIRN_ERR_MIN_ must be the most negative code");

const char *cairn_err_name(cairn_err_t err)
{
	if (err > 0 || err < CAIRN_ERR_MIN_ || !names[-err])
		return "UNKNOWN";
	return names[-err];
}

const char *cairn_err_describe(cairn_err_t err)
{
	if (err > 0 || err < CAIRN_ERR_MIN_ || !descriptions[-err])
		return "unknown error";
	return descriptions[-err];
}
