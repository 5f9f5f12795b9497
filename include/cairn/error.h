/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one error vocabulary of Cairn, shared by the kernel and the application
 * API. Every fallible call returns a cairn_err_t: 0 (CAIRN_OK) on success, a
 * negative code otherwise. Results travel through out-parameters; byte counts
 * may travel as a signed size whose negative values are these codes.
 *
 * The list is an X-macro so that the enum, the names and the descriptions can
 * never drift apart. Codes are stable: append new ones, never renumber.
 */
#ifndef CAIRN_ERROR_H
#define CAIRN_ERROR_H

/*     name          value  description */
#define CAIRN_ERRORS(X)                                                        \
	X(OK,            0,   "success")                                       \
	X(INVAL,        -1,   "invalid argument")                              \
	X(NOMEM,        -2,   "out of memory")                                 \
	X(RANGE,        -3,   "value or address out of range")                 \
	X(OVERFLOW,     -4,   "arithmetic overflow in a size or address")      \
	X(TRUNCATED,    -5,   "input ends before its declared length")         \
	X(CORRUPT,      -6,   "structure failed validation")                   \
	X(NOENT,        -7,   "no such object")                                \
	X(EXIST,        -8,   "object already exists")                         \
	X(BUSY,         -9,   "resource busy")                                 \
	X(AGAIN,        -10,  "try again")                                     \
	X(TIMEOUT,      -11,  "timed out")                                     \
	X(IO,           -12,  "input/output error")                            \
	X(NOSPC,        -13,  "no space left")                                 \
	X(NOTSUP,       -14,  "operation not supported")                       \
	X(BADHANDLE,    -15,  "handle is invalid or stale")                    \
	X(WRONGTYPE,    -16,  "handle refers to another kind of object")       \
	X(ACCESS,       -17,  "handle lacks the required right")               \
	X(FAULT,        -18,  "pointer outside memory the caller owns")        \
	X(LIMIT,        -19,  "quota or table limit reached")                  \
	X(NOTDIR,       -20,  "not a directory")                               \
	X(ISDIR,        -21,  "is a directory")                                \
	X(NOTEMPTY,     -22,  "directory not empty")                           \
	X(NAMETOOLONG,  -23,  "name too long")                                 \
	X(CANCELED,     -24,  "operation canceled")                            \
	X(CLOSED,       -25,  "peer or object closed")                         \
	X(DEADLOCK,     -26,  "operation would deadlock")                      \
	X(ALIGN,        -27,  "misaligned address or size")                    \
	X(ROFS,         -28,  "read-only filesystem")                          \
	X(FBIG,         -29,  "file too large")

typedef int cairn_err_t;

enum cairn_err {
#define CAIRN_ERR_ENUM_(name, value, desc) CAIRN_ERR_##name = (value),
	CAIRN_ERRORS(CAIRN_ERR_ENUM_)
#undef CAIRN_ERR_ENUM_
	CAIRN_ERR_MIN_ = -29, /* the most negative code; keep in step */
};

/* CAIRN_OK reads better than CAIRN_ERR_OK at call sites. */
#define CAIRN_OK CAIRN_ERR_OK

/*
 * cairn_err_name - the symbolic name of an error code ("NOMEM").
 * cairn_err_describe - a short English description ("out of memory").
 * Both return a static string and accept any int: unknown values give
 * "UNKNOWN" / "unknown error". Any context; never fails.
 */
const char *cairn_err_name(cairn_err_t err);
const char *cairn_err_describe(cairn_err_t err);

#endif /* CAIRN_ERROR_H */
