/*
 * The kernel log.  printk() formats a message with kvsnprintf() into a
 * bounded buffer on the stack, takes its level from a leading KERN_* prefix
 * and stores each line as a record {sequence, timestamp, level, text} in a
 * byte ring (log_buf), dropping the oldest records to make room.  Lines
 * whose level is below the console log level are also written to the
 * console through arch_console_write() as "[    S.UUUUUU] text".
 *
 * A message that does not end in a newline leaves its line open: the next
 * message continues it only if it starts with KERN_CONT; any other message
 * closes it first.  The open line is always the newest record, grown in
 * place, so readers of the ring (dmesg) see it too.
 *
 * Locking: every piece of state below is touched only with interrupts
 * disabled (arch_intr_save()), so printk() is safe in interrupt handlers.
 * Formatting happens before that, on the caller's stack.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch-host/arch.h"
#include "core/kernel.h"
#include "core/printk.h"
#include "core/string.h"

#define LOG_BUF_SIZE	(128 * KIB)	/* bytes of the record ring */
#define LOG_LINE_MAX	1024	/* a message, or a line, is cut here */
#define LOG_PREFIX_MAX	48	/* "<L>[S.UUUUUU] " with 20-digit S */

/* Header of a record in the ring; len bytes of text follow, no newline. */
struct log_rec {
	uint64_t seq;
	uint64_t ts_ns;		/* since the time base */
	uint16_t len;
	uint8_t level;
};

/* The ring: records from log_head on, log_used bytes, wrapping around. */
static char log_buf[LOG_BUF_SIZE];
static size_t log_head;		/* offset of the oldest record */
static size_t log_used;		/* bytes of records in log_buf */
static size_t log_last;		/* offset of the newest record */
static uint64_t log_first_seq;	/* sequence of the oldest record */
static uint64_t log_next_seq;	/* sequence of the next record */

/* The open line: the newest record, still waiting for its newline. */
static bool cont_open;
static bool cont_shown;		/* also open on the console */
static int cont_level;
static size_t cont_len;

static int console_level = CONSOLE_LOGLEVEL_DEFAULT;
static uint64_t time_base;

/* Copy n bytes into the ring at offset off, wrapping at its end. */
static void
ring_put(size_t off, const void *src, size_t n)
{
	size_t first;

	off %= LOG_BUF_SIZE;
	first = MIN(n, LOG_BUF_SIZE - off);
	memcpy(log_buf + off, src, first);
	memcpy(log_buf, (const char *)src + first, n - first);
}

/* Copy n bytes out of the ring from offset off, wrapping at its end. */
static void
ring_get(size_t off, void *dst, size_t n)
{
	size_t first;

	off %= LOG_BUF_SIZE;
	first = MIN(n, LOG_BUF_SIZE - off);
	memcpy(dst, log_buf + off, first);
	memcpy((char *)dst + first, log_buf, n - first);
}

/* Read the header of the record at off; return the offset of the next. */
static size_t
ring_rec(size_t off, struct log_rec *r)
{
	ring_get(off, r, sizeof(*r));
	return (off + sizeof(*r) + r->len) % LOG_BUF_SIZE;
}

static void
ring_drop_oldest(void)
{
	struct log_rec r;
	size_t next = ring_rec(log_head, &r);

	log_used -= sizeof(r) + r.len;
	log_head = next;
	log_first_seq++;
}

/*
 * Claim n bytes at the end of the ring, dropping the oldest records as
 * needed; return their offset.  n is far below LOG_BUF_SIZE, so the open
 * line, the newest record, is never the one dropped.
 */
static size_t
ring_reserve(size_t n)
{
	size_t off;

	while (LOG_BUF_SIZE - log_used < n)
		ring_drop_oldest();
	off = (log_head + log_used) % LOG_BUF_SIZE;
	log_used += n;
	return off;
}

static void
ring_append(int level, uint64_t ts, const char *text, size_t n)
{
	struct log_rec r = {
		.seq = log_next_seq,
		.ts_ns = ts,
		.len = n,
		.level = level,
	};
	size_t off = ring_reserve(sizeof(r) + n);

	ring_put(off, &r, sizeof(r));
	ring_put(off + sizeof(r), text, n);
	log_last = off;
	log_next_seq++;
}

/* Grow the newest record by n bytes of text. */
static void
ring_extend(const char *text, size_t n)
{
	struct log_rec r;

	ring_put(ring_reserve(n), text, n);
	ring_rec(log_last, &r);
	r.len += n;
	ring_put(log_last, &r, sizeof(r));
}

/* Format "[%5lu.%06lu]" for a timestamp; return its length. */
static int
fmt_stamp(char *buf, size_t size, uint64_t ts)
{
	return ksnprintf(buf, size, "[%5lu.%06lu]",
			 (unsigned long)(ts / NSEC_PER_SEC),
			 (unsigned long)(ts % NSEC_PER_SEC / NSEC_PER_USEC));
}

static const char *console_prefix;	/* replaces the timestamp */

static void
console_line_start(uint64_t ts)
{
	char buf[LOG_PREFIX_MAX];
	int n;

	if (console_prefix != NULL) {
		arch_console_write(console_prefix, strlen(console_prefix));
		return;
	}
	n = fmt_stamp(buf, sizeof(buf) - 1, ts);

	buf[n++] = ' ';
	arch_console_write(buf, n);
}

/* Close the open line, if any, on the console and in the ring. */
static void
log_close(void)
{
	if (cont_open && cont_shown)
		arch_console_write("\n", 1);
	cont_open = false;
}

/* Add n bytes of one line (no newline) to the open line or a new one. */
static void
log_fragment(int level, uint64_t ts, const char *s, size_t n)
{
	if (cont_open && cont_len + n > LOG_LINE_MAX)
		log_close();
	if (!cont_open) {
		ring_append(level, ts, s, n);
		cont_open = true;
		cont_shown = level < console_level;
		cont_level = level;
		cont_len = n;
		if (cont_shown)
			console_line_start(ts);
	} else {
		ring_extend(s, n);
		cont_len += n;
	}
	if (cont_shown)
		arch_console_write(s, n);
}

/*
 * Log the n bytes of text of one message, level and KERN_CONT already
 * parsed off: one record per line, the first possibly continuing the open
 * line.  Interrupts are disabled.
 */
static void
log_message(const char *s, size_t n, int level, bool cont)
{
	uint64_t now = arch_clock_monotonic();
	uint64_t ts = now > time_base ? now - time_base : 0;

	if (cont && cont_open) {
		level = cont_level;
	} else {
		log_close();
		if (level < 0)
			level = LOGLEVEL_DEFAULT;
	}
	while (n > 0) {
		const char *nl = memchr(s, '\n', n);
		size_t len = nl != NULL ? (size_t)(nl - s) : n;

		log_fragment(level, ts, s, len);
		if (nl != NULL) {
			log_close();
			len++;
		}
		s += len;
		n -= len;
	}
}

/*
 * Skip the KERN_SOH prefixes at the start of s, setting *level for a digit
 * and *cont for KERN_CONT; return the text after them.
 */
static const char *
parse_level(const char *s, int *level, bool *cont)
{
	for (; s[0] == KERN_SOH[0]; s += 2) {
		if (s[1] >= '0' && s[1] <= '7')
			*level = s[1] - '0';
		else if (s[1] == 'c')
			*cont = true;
		else
			break;
	}
	return s;
}

/*
 * Log a message: format fmt with ap, strip its level prefix, store its
 * lines in the ring and show them on the console if their level is below
 * the console log level.  Any context; takes no locks but disables
 * interrupts briefly.  Returns the bytes of text logged (after the prefix,
 * cut to LOG_LINE_MAX - 1).
 */
int
vprintk(const char *fmt, va_list ap)
{
	char buf[LOG_LINE_MAX];
	const char *text;
	unsigned long s;
	int level = -1;
	bool cont = false;
	int n;

	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		n = strlen(buf);
	else if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	text = parse_level(buf, &level, &cont);
	n -= text - buf;
	s = arch_intr_save();
	log_message(text, n, level, cont);
	arch_intr_restore(s);
	return n;
}

/* printk: vprintk() with variable arguments; see core/printk.h. */
int
printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

/* Set the console log level; messages of a lower level are shown. */
void
printk_set_console_level(int level)
{
	console_level = level;
}

/* Return the console log level. */
int
printk_console_level(void)
{
	return console_level;
}

/* Make ns of the monotonic clock the zero of later timestamps. */
void
printk_set_console_prefix(const char *prefix)
{
	console_prefix = prefix;
}

void
printk_set_time_base(uint64_t ns)
{
	time_base = ns;
}

/* Format the syslog prefix "<L>[    S.UUUUUU] " of r; return its length. */
static size_t
rec_prefix(char *buf, const struct log_rec *r)
{
	int n = ksnprintf(buf, LOG_PREFIX_MAX, "<%d>", r->level);

	n += fmt_stamp(buf + n, LOG_PREFIX_MAX - n - 1, r->ts_ns);
	buf[n++] = ' ';
	return n;
}

/* Bytes of r in the syslog format, prefix and newline included. */
static size_t
rec_size(const struct log_rec *r)
{
	char buf[LOG_PREFIX_MAX];

	return rec_prefix(buf, r) + r->len + 1;
}

/* Bytes of all records in the syslog format.  Interrupts are disabled. */
static size_t
ring_text_size(void)
{
	struct log_rec r;
	size_t off = log_head, total = 0;

	for (uint64_t seq = log_first_seq; seq < log_next_seq; seq++) {
		off = ring_rec(off, &r);
		total += rec_size(&r);
	}
	return total;
}

/* Copy the record at off to buf in the syslog format; return its size. */
static size_t
rec_copy(char *buf, size_t off, const struct log_rec *r)
{
	char pfx[LOG_PREFIX_MAX];
	size_t n = rec_prefix(pfx, r);

	memcpy(buf, pfx, n);
	ring_get(off + sizeof(*r), buf + n, r->len);
	n += r->len;
	buf[n++] = '\n';
	return n;
}

/*
 * Copy the newest records that fit into buf, oldest first, each as
 * "<L>[    S.UUUUUU] text\n"; buf is not NUL-terminated.  Any context.
 * Returns the bytes copied.
 */
size_t
printk_ring_copy(char *buf, size_t size)
{
	struct log_rec r;
	unsigned long s = arch_intr_save();
	size_t total = ring_text_size(), off = log_head, pos = 0;
	uint64_t seq = log_first_seq;

	/* Skip the oldest records until the rest fits. */
	for (; total > size; seq++) {
		off = ring_rec(off, &r);
		total -= rec_size(&r);
	}
	for (; seq < log_next_seq; seq++) {
		size_t next = ring_rec(off, &r);

		pos += rec_copy(buf + pos, off, &r);
		off = next;
	}
	arch_intr_restore(s);
	return pos;
}

/*
 * Bytes printk_ring_copy() needs for the whole ring, as syslog(2)'s
 * SYSLOG_ACTION_SIZE_UNREAD reports them.  Any context.
 */
size_t
printk_ring_used(void)
{
	unsigned long s = arch_intr_save();
	size_t n = ring_text_size();

	arch_intr_restore(s);
	return n;
}

/*
 * Drop every record (syslog SYSLOG_ACTION_CLEAR).  An open line is closed
 * first, so a later KERN_CONT starts a new line.  Any context.
 */
void
printk_ring_clear(void)
{
	unsigned long s = arch_intr_save();

	log_close();
	log_head = 0;
	log_used = 0;
	log_first_seq = log_next_seq;
	arch_intr_restore(s);
}
