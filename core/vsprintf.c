/*
 * Formatted output for the kernel: kvsnprintf() and ksnprintf(), the
 * freestanding counterparts of C's vsnprintf() and snprintf().  They know
 * the integer, character, string and pointer conversions, all flags, field
 * width and precision (literal or "*") and the hh h l ll z t j length
 * modifiers, and print edge cases the way glibc does ("(nil)", "(null)",
 * unknown conversions echoed back).  printk() and everything else that
 * builds text sits on top of this file; it depends on nothing but the
 * compiler's <stdarg.h> and strlen()/strnlen().
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errno.h"
#include "core/kernel.h"
#include "core/printk.h"
#include "core/string.h"

/* Flags of one conversion specification. */
#define FMT_LEFT	0x01	/* '-': left-justify in the field */
#define FMT_ZERO	0x02	/* '0': pad numbers with zeros */
#define FMT_PLUS	0x04	/* '+': always print a sign */
#define FMT_SPACE	0x08	/* ' ': a space where a '+' would go */
#define FMT_ALT		0x10	/* '#': 0 or 0x before octal, hex */

/* Length modifiers. */
enum fmt_len {
	LEN_NONE,
	LEN_HH,
	LEN_H,
	LEN_L,
	LEN_LL,
	LEN_Z,
	LEN_T,
	LEN_J,
};

/* One parsed conversion specification: %[flags][width][.prec][len]conv. */
struct fmt_spec {
	unsigned int flags;
	int width;
	int prec;		/* -1: no precision */
	enum fmt_len len;
	char conv;		/* '\0': the format ended inside the spec */
};

/* The output buffer; len counts every byte, stored or not. */
struct fmt_out {
	char *buf;
	size_t size;
	size_t len;
};

/* Octal digits of a 64-bit value, the longest case. */
#define FMT_DIGITS_MAX	22

static void
out_char(struct fmt_out *o, char c)
{
	/* Keep the last byte of the buffer for the terminating NUL. */
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void
out_mem(struct fmt_out *o, const char *s, size_t n)
{
	while (n-- > 0)
		out_char(o, *s++);
}

static void
out_pad(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

/* Emit n bytes of s in the field of sp: spaces on the left or the right. */
static void
out_field(struct fmt_out *o, const struct fmt_spec *sp, const char *s,
	  size_t n)
{
	int pad = (size_t)sp->width > n ? sp->width - (int)n : 0;

	if (!(sp->flags & FMT_LEFT))
		out_pad(o, ' ', pad);
	out_mem(o, s, n);
	if (sp->flags & FMT_LEFT)
		out_pad(o, ' ', pad);
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Parse a decimal number at *fp, saturating at INT_MAX. */
static int
parse_num(const char **fp)
{
	const char *f = *fp;
	int n = 0;

	for (; is_digit(*f); f++) {
		int d = *f - '0';

		n = n > (__INT_MAX__ - d) / 10 ? __INT_MAX__ : n * 10 + d;
	}
	*fp = f;
	return n;
}

static const char *
parse_flags(const char *f, struct fmt_spec *sp)
{
	for (;; f++) {
		switch (*f) {
		case '-':
			sp->flags |= FMT_LEFT;
			break;
		case '0':
			sp->flags |= FMT_ZERO;
			break;
		case '+':
			sp->flags |= FMT_PLUS;
			break;
		case ' ':
			sp->flags |= FMT_SPACE;
			break;
		case '#':
			sp->flags |= FMT_ALT;
			break;
		default:
			return f;
		}
	}
}

/* Width: digits, or "*" taking an int (negative means '-' flag). */
static const char *
parse_width(const char *f, struct fmt_spec *sp, va_list *ap)
{
	int w;

	if (*f != '*') {
		sp->width = parse_num(&f);
		return f;
	}
	w = va_arg(*ap, int);
	if (w < 0) {
		sp->flags |= FMT_LEFT;
		w = w == -__INT_MAX__ - 1 ? __INT_MAX__ : -w;
	}
	sp->width = w;
	return f + 1;
}

/* Precision: "." then digits (none: 0) or "*" (negative: no precision). */
static const char *
parse_prec(const char *f, struct fmt_spec *sp, va_list *ap)
{
	int p;

	if (*f != '.') {
		sp->prec = -1;
		return f;
	}
	f++;
	if (*f != '*') {
		sp->prec = parse_num(&f);
		return f;
	}
	p = va_arg(*ap, int);
	sp->prec = p < 0 ? -1 : p;
	return f + 1;
}

static const char *
parse_length(const char *f, struct fmt_spec *sp)
{
	sp->len = LEN_NONE;
	switch (*f) {
	case 'h':
		sp->len = f[1] == 'h' ? LEN_HH : LEN_H;
		return sp->len == LEN_HH ? f + 2 : f + 1;
	case 'l':
		sp->len = f[1] == 'l' ? LEN_LL : LEN_L;
		return sp->len == LEN_LL ? f + 2 : f + 1;
	case 'z':
		sp->len = LEN_Z;
		return f + 1;
	case 't':
		sp->len = LEN_T;
		return f + 1;
	case 'j':
		sp->len = LEN_J;
		return f + 1;
	}
	return f;
}

/*
 * Parse the specification after a '%' into sp, taking "*" arguments from
 * ap.  Returns where the format continues.
 */
static const char *
parse_spec(const char *f, struct fmt_spec *sp, va_list *ap)
{
	sp->flags = 0;
	f = parse_flags(f, sp);
	f = parse_width(f, sp, ap);
	f = parse_prec(f, sp, ap);
	f = parse_length(f, sp);
	sp->conv = *f;
	return *f != '\0' ? f + 1 : f;
}

static intmax_t
arg_signed(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z:
		return (ptrdiff_t)va_arg(*ap, size_t);
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static uintmax_t
arg_unsigned(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_T:
		return (size_t)va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/*
 * Write the digits of v for sp's conversion at the end of buf; return how
 * many.  A zero value with precision 0 has no digits at all.
 */
static int
num_digits(char *buf, uintmax_t v, const struct fmt_spec *sp)
{
	const char *set = sp->conv == 'X' ? "0123456789ABCDEF" :
	    "0123456789abcdef";
	unsigned int base = 10;
	int n = 0;

	if (sp->conv == 'o')
		base = 8;
	else if (sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p')
		base = 16;
	if (v == 0 && sp->prec == 0)
		return 0;
	do {
		buf[FMT_DIGITS_MAX - ++n] = set[v % base];
		v /= base;
	} while (v != 0);
	return n;
}

/* Write the sign and "0x" that go before the digits; return how many. */
static int
num_prefix(char *pfx, const struct fmt_spec *sp, uintmax_t v, bool neg)
{
	bool sign = sp->conv == 'd' || sp->conv == 'i' || sp->conv == 'p';
	bool hex = sp->conv == 'x' || sp->conv == 'X';
	int n = 0;

	if (neg)
		pfx[n++] = '-';
	else if (sign && (sp->flags & FMT_PLUS))
		pfx[n++] = '+';
	else if (sign && (sp->flags & FMT_SPACE))
		pfx[n++] = ' ';
	if (sp->conv == 'p' || (hex && (sp->flags & FMT_ALT) && v != 0)) {
		pfx[n++] = '0';
		pfx[n++] = sp->conv == 'X' ? 'X' : 'x';
	}
	return n;
}

/* Emit the magnitude v (negative if neg) as sp's integer conversion. */
static void
fmt_integer(struct fmt_out *o, const struct fmt_spec *sp, uintmax_t v,
	    bool neg)
{
	char digits[FMT_DIGITS_MAX], pfx[4];
	int nd = num_digits(digits, v, sp);
	int np = num_prefix(pfx, sp, v, neg);
	int zeros = sp->prec > nd ? sp->prec - nd : 0;
	int pad;

	/* '#' with 'o': make sure the first digit printed is a zero. */
	if (sp->conv == 'o' && (sp->flags & FMT_ALT) && zeros == 0 &&
	    (nd == 0 || digits[FMT_DIGITS_MAX - nd] != '0'))
		zeros = 1;
	pad = sp->width - np - zeros - nd;
	if ((sp->flags & (FMT_ZERO | FMT_LEFT)) == FMT_ZERO && sp->prec < 0 &&
	    pad > 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(sp->flags & FMT_LEFT))
		out_pad(o, ' ', pad);
	out_mem(o, pfx, np);
	out_pad(o, '0', zeros);
	out_mem(o, digits + FMT_DIGITS_MAX - nd, nd);
	if (sp->flags & FMT_LEFT)
		out_pad(o, ' ', pad);
}

static void
fmt_signed(struct fmt_out *o, const struct fmt_spec *sp, va_list *ap)
{
	intmax_t x = arg_signed(ap, sp->len);
	uintmax_t v = x < 0 ? -(uintmax_t)x : (uintmax_t)x;

	fmt_integer(o, sp, v, x < 0);
}

/* "%s"; glibc prints a NULL string as "(null)" unless that is cut short. */
static void
fmt_string(struct fmt_out *o, const struct fmt_spec *sp, const char *s)
{
	size_t n;

	if (s == NULL)
		s = sp->prec < 0 || sp->prec >= 6 ? "(null)" : "";
	n = sp->prec < 0 ? strlen(s) : strnlen(s, sp->prec);
	out_field(o, sp, s, n);
}

/* "%p": like "%#lx" (sign flags count), and "(nil)" for NULL. */
static void
fmt_pointer(struct fmt_out *o, const struct fmt_spec *sp, const void *p)
{
	static const char nil[] = "(nil)";

	if (p == NULL)
		out_field(o, sp, nil, sizeof(nil) - 1);
	else
		fmt_integer(o, sp, (uintptr_t)p, false);
}

/*
 * An unknown conversion is echoed back as glibc does: '%', the flags in a
 * fixed order, width and precision, then the conversion character; length
 * modifiers are dropped.
 */
static void
fmt_unknown(struct fmt_out *o, const struct fmt_spec *sp)
{
	char num[12];
	int n;

	out_char(o, '%');
	if (sp->flags & FMT_ALT)
		out_char(o, '#');
	if (sp->flags & FMT_PLUS)
		out_char(o, '+');
	else if (sp->flags & FMT_SPACE)
		out_char(o, ' ');
	if (sp->flags & FMT_LEFT)
		out_char(o, '-');
	else if (sp->flags & FMT_ZERO)
		out_char(o, '0');
	if (sp->width != 0) {
		n = ksnprintf(num, sizeof(num), "%d", sp->width);
		out_mem(o, num, n);
	}
	if (sp->prec >= 0) {
		n = ksnprintf(num, sizeof(num), ".%d", sp->prec);
		out_mem(o, num, n);
	}
	out_char(o, sp->conv);
}

/* Emit one conversion, taking its argument from ap. */
static void
fmt_convert(struct fmt_out *o, const struct fmt_spec *sp, va_list *ap)
{
	char c;

	switch (sp->conv) {
	case 'd':
	case 'i':
		fmt_signed(o, sp, ap);
		break;
	case 'u':
	case 'o':
	case 'x':
	case 'X':
		fmt_integer(o, sp, arg_unsigned(ap, sp->len), false);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		out_field(o, sp, &c, 1);
		break;
	case 's':
		fmt_string(o, sp, va_arg(*ap, const char *));
		break;
	case 'p':
		fmt_pointer(o, sp, va_arg(*ap, const void *));
		break;
	case '%':
		out_char(o, '%');
		break;
	default:
		fmt_unknown(o, sp);
	}
}

/*
 * Emit everything fmt asks for into o.  Returns 0, or -EINVAL if fmt ends
 * inside a conversion specification (glibc fails there too).
 */
static int
fmt_all(struct fmt_out *o, const char *fmt, va_list *ap)
{
	struct fmt_spec sp;

	while (*fmt != '\0') {
		if (*fmt != '%') {
			out_char(o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, ap);
		if (sp.conv == '\0')
			return -EINVAL;
		fmt_convert(o, &sp, ap);
	}
	return 0;
}

/*
 * Format fmt with ap into buf like C's vsnprintf: at most size - 1 bytes
 * plus a NUL when size > 0; nothing when size is 0.  Returns the length the
 * whole output would have had; -EINVAL if fmt ends inside a conversion
 * (buf then holds the output up to there), -EOVERFLOW if the length
 * exceeds INT_MAX.
 */
int
kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { .buf = buf, .size = size, .len = 0 };
	va_list aq;
	int err;

	/* A copy, so that helpers can take the list by address. */
	va_copy(aq, ap);
	err = fmt_all(&o, fmt, &aq);
	va_end(aq);
	if (size > 0)
		buf[MIN(o.len, size - 1)] = '\0';
	if (err != 0)
		return err;
	return o.len > __INT_MAX__ ? -EOVERFLOW : (int)o.len;
}

/* kvsnprintf() with variable arguments; same result. */
int
ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
