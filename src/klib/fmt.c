// SPDX-License-Identifier: BSD-2-Clause
/*
 * printf-family formatting (see include/kernel/fmt.h for the grammar).
 *
 * One engine, fmt_vformat(), pushes output into a sink in pieces; snprintf
 * and the console printer are thin sinks over it. Numbers are converted into
 * a small stack buffer, so formatting needs no allocation and a bounded stack
 * (about 100 bytes), which is why the log and panic paths can use it in any
 * context.
 */
#include <kernel/console.h>
#include <kernel/fmt.h>
#include <kernel/string.h>

enum {
	F_LEFT = 1 << 0,  /* '-' */
	F_ZERO = 1 << 1,  /* '0' */
	F_PLUS = 1 << 2,  /* '+' */
	F_SPACE = 1 << 3, /* ' ' */
	F_ALT = 1 << 4,   /* '#' */
	F_UPPER = 1 << 5,
};

struct out {
	fmt_sink_fn sink;
	void *ctx;
	size_t count;
};

static void emit(struct out *o, const char *s, size_t n)
{
	if (n) {
		o->sink(o->ctx, s, n);
		o->count += n;
	}
}

static void pad(struct out *o, char c, int n)
{
	char buf[16];

	memset(buf, c, sizeof(buf));
	while (n > 0) {
		int k = n < (int)sizeof(buf) ? n : (int)sizeof(buf);

		emit(o, buf, (size_t)k);
		n -= k;
	}
}

/* Emit `body` (len bytes) with `prefix`, honouring width, flags and a minimum
 * digit count (precision for numbers; -1 = none). */
static void emit_field(struct out *o, const char *prefix, const char *body,
		       int len, int width, int min_digits, unsigned flags)
{
	int plen = (int)strlen(prefix);
	int zeros = min_digits > len ? min_digits - len : 0;
	int total = plen + zeros + len;

	if (!(flags & F_LEFT) && (flags & F_ZERO) && min_digits < 0) {
		zeros = width > total ? width - total : 0;
		total += zeros;
	}
	if (!(flags & F_LEFT) && width > total)
		pad(o, ' ', width - total);
	emit(o, prefix, (size_t)plen);
	pad(o, '0', zeros);
	emit(o, body, (size_t)len);
	if ((flags & F_LEFT) && width > total)
		pad(o, ' ', width - total);
}

static void format_unsigned(struct out *o, uint64_t v, unsigned base, bool neg,
			    int width, int prec, unsigned flags)
{
	const char *digits = (flags & F_UPPER) ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24]; /* 22 octal digits for 2^64 - 1 */
	int i = (int)sizeof(buf);
	const char *prefix = "";

	while (v) {
		buf[--i] = digits[v % base];
		v /= base;
	}
	if (neg)
		prefix = "-";
	else if (flags & F_PLUS)
		prefix = "+";
	else if (flags & F_SPACE)
		prefix = " ";
	if ((flags & F_ALT) && i != (int)sizeof(buf)) {
		if (base == 16)
			prefix = (flags & F_UPPER) ? "0X" : "0x";
		else if (base == 8)
			buf[--i] = '0';
	}
	/* C: a zero with precision 0 prints no digits; otherwise at least one. */
	if (i == (int)sizeof(buf) && prec != 0)
		buf[--i] = '0';
	emit_field(o, prefix, buf + i, (int)sizeof(buf) - i, width, prec, flags);
}

static void format_string(struct out *o, const char *s, int width, int prec,
			  unsigned flags)
{
	int len;

	if (!s)
		s = "(null)";
	len = (int)(prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s));
	emit_field(o, "", s, len, width, -1, flags & F_LEFT);
}

/* Parse a decimal number or '*' at *pp. */
static int parse_int(const char **pp, va_list *ap)
{
	const char *p = *pp;
	int v = 0;

	if (*p == '*') {
		*pp = p + 1;
		return va_arg(*ap, int);
	}
	while (*p >= '0' && *p <= '9') {
		if (v < 100000)
			v = v * 10 + (*p - '0');
		p++;
	}
	*pp = p;
	return v;
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_PTRDIFF, LEN_MAX };

static uint64_t fetch_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG: return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE: return va_arg(*ap, size_t);
	case LEN_PTRDIFF: return (uint64_t)va_arg(*ap, ptrdiff_t);
	case LEN_MAX: return va_arg(*ap, uintmax_t);
	default: return va_arg(*ap, unsigned int);
	}
}

static int64_t fetch_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR: return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG: return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE: return (int64_t)va_arg(*ap, size_t);
	case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	case LEN_MAX: return va_arg(*ap, intmax_t);
	default: return va_arg(*ap, int);
	}
}

static void format_pointer_ext(struct out *o, const char **pp, va_list *ap,
			       int width, int prec, unsigned flags)
{
	const char *p = *pp;

	if (*p == 'R') { /* %pR: a struct fmt_range */
		const struct fmt_range *r = va_arg(*ap, const struct fmt_range *);

		*pp = p + 1;
		if (!r) {
			format_string(o, "(null)", width, prec, flags);
		} else if (r->size == 0) {
			format_string(o, "[empty]", width, prec, flags);
		} else {
			emit(o, "[", 1);
			format_unsigned(o, r->base, 16, false, 0, -1, F_ALT);
			emit(o, "-", 1);
			format_unsigned(o, r->base + (r->size - 1), 16, false, 0, -1, F_ALT);
			emit(o, "]", 1);
		}
		return;
	}
	format_unsigned(o, (uintptr_t)va_arg(*ap, void *), 16, false, width, prec,
			flags | F_ALT);
}

size_t fmt_vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap_in)
{
	struct out o = { .sink = sink, .ctx = ctx, .count = 0 };
	va_list ap;
	const char *p = fmt;

	va_copy(ap, ap_in);
	while (*p) {
		const char *start = p;
		unsigned flags = 0;
		int width = 0, prec = -1;
		enum length len = LEN_INT;

		while (*p && *p != '%')
			p++;
		emit(&o, start, (size_t)(p - start));
		if (!*p)
			break;
		start = p++;
		for (;; p++) {
			if (*p == '-') flags |= F_LEFT;
			else if (*p == '0') flags |= F_ZERO;
			else if (*p == '+') flags |= F_PLUS;
			else if (*p == ' ') flags |= F_SPACE;
			else if (*p == '#') flags |= F_ALT;
			else break;
		}
		width = parse_int(&p, &ap);
		if (width < 0) {
			flags |= F_LEFT;
			width = -width;
		}
		if (*p == '.') {
			p++;
			prec = parse_int(&p, &ap);
			if (prec < 0)
				prec = -1;
		}
		switch (*p) {
		case 'h':
			len = p[1] == 'h' ? LEN_CHAR : LEN_SHORT;
			p += p[1] == 'h' ? 2 : 1;
			break;
		case 'l':
			len = p[1] == 'l' ? LEN_LLONG : LEN_LONG;
			p += p[1] == 'l' ? 2 : 1;
			break;
		case 'z': len = LEN_SIZE; p++; break;
		case 't': len = LEN_PTRDIFF; p++; break;
		case 'j': len = LEN_MAX; p++; break;
		default: break;
		}
		switch (*p) {
		case 'd':
		case 'i': {
			int64_t v = fetch_signed(&ap, len);
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

			format_unsigned(&o, mag, 10, v < 0, width, prec, flags);
			break;
		}
		case 'u':
			format_unsigned(&o, fetch_unsigned(&ap, len), 10, false, width, prec, flags);
			break;
		case 'x':
			format_unsigned(&o, fetch_unsigned(&ap, len), 16, false, width, prec, flags);
			break;
		case 'X':
			format_unsigned(&o, fetch_unsigned(&ap, len), 16, false, width, prec,
					flags | F_UPPER);
			break;
		case 'o':
			format_unsigned(&o, fetch_unsigned(&ap, len), 8, false, width, prec, flags);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);

			emit_field(&o, "", &c, 1, width, -1, flags & F_LEFT);
			break;
		}
		case 's':
			format_string(&o, va_arg(ap, const char *), width, prec, flags);
			break;
		case 'p':
			p++;
			format_pointer_ext(&o, &p, &ap, width, prec, flags);
			continue;
		case '%':
			emit(&o, "%", 1);
			break;
		default:
			/* Unknown or truncated conversion: print it as written. */
			emit(&o, start, (size_t)(p - start) + (*p ? 1 : 0));
			if (!*p)
				goto out;
			break;
		}
		p++;
	}
out:
	va_end(ap);
	return o.count;
}

struct buf_sink {
	char *buf;
	size_t size; /* room including the NUL */
	size_t used;
};

static void buf_sink(void *ctx, const char *s, size_t n)
{
	struct buf_sink *b = ctx;

	if (b->used + 1 < b->size) {
		size_t room = b->size - 1 - b->used;
		size_t k = n < room ? n : room;

		memcpy(b->buf + b->used, s, k);
		b->used += k;
	}
}

size_t kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_sink b = { .buf = buf, .size = size, .used = 0 };
	size_t n = fmt_vformat(buf_sink, &b, fmt, ap);

	if (size)
		buf[b.used] = '\0';
	return n;
}

size_t ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void console_sink(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	console_write(s, n);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vformat(console_sink, NULL, fmt, ap);
	va_end(ap);
}
