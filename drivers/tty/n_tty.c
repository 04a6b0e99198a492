/*
 * The line discipline, with Linux's N_TTY semantics: input processing
 * (ISTRIP, ICRNL, INLCR, IGNCR, IXON), signal characters (ISIG), the
 * canonical mode's line editing with its echo forms (ECHOE, ECHOK,
 * ECHOKE, ECHOCTL, ECHONL; erase of a whole UTF-8 character under
 * IUTF8), the non-canonical VMIN/VTIME reads, and output processing
 * (OPOST, ONLCR, OCRNL, ONOCR, ONLRET) for writes and echo.
 *
 * Input is one ring of TTY_BUF_SIZE bytes with a flag byte each; rtail,
 * canon_head and rhead are running counts.  Bytes before canon_head may
 * be read: in canonical mode it moves at each line delimiter, otherwise
 * with every byte.  All of it is guarded by disabling interrupts, since
 * the console feeds it from its interrupt handler; echo goes to the
 * driver's write, which never sleeps.  Signals found by ISIG are only
 * queued here (kill_pgrp may sleep): tty_send_signals() sends them.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/signal.h"
#include "core/timer.h"
#include "drivers/tty/tty.h"
#include "fs/vfs.h"

#define MASK		(TTY_BUF_SIZE - 1)
#define OUT_CHUNK	256		/* input bytes processed per write */

enum erase_kind { ERASE, WERASE, KILL };

/* A small output buffer that echo and writes fill, then hand over. */
struct obuf {
	struct tty *tty;
	size_t len;
	char buf[2 * OUT_CHUNK];
};

static bool
is_cc(const struct tty *tty, int idx, unsigned char c)
{
	return tty->termios.c_cc[idx] != 0 && tty->termios.c_cc[idx] == c;
}

static bool
lflag(const struct tty *tty, uint32_t f)
{
	return (tty->termios.c_lflag & f) != 0;
}

static bool
is_ctrl(unsigned char c)
{
	return c < 32 || c == 0x7f;
}

static void
obuf_flush(struct obuf *o)
{
	if (o->len > 0)
		o->tty->ops->write(o->tty, o->buf, o->len);
	o->len = 0;
}

static void
obuf_put(struct obuf *o, char c)
{
	if (o->len == sizeof(o->buf))
		obuf_flush(o);
	o->buf[o->len++] = c;
}

/* ---- output processing ---- */

/* Append c to o as OPOST says, keeping track of the column. */
static void
opost_char(struct obuf *o, unsigned char c)
{
	struct tty *tty = o->tty;
	uint32_t of = tty->termios.c_oflag;

	if (!(of & KOPOST)) {
		obuf_put(o, (char)c);
		return;
	}
	if (c == '\n') {
		if (of & KONLCR)
			obuf_put(o, '\r');
		if (of & (KONLCR | KONLRET))
			tty->column = 0;
	} else if (c == '\r') {
		if ((of & KONOCR) && tty->column == 0)
			return;
		if (of & KOCRNL) {
			c = '\n';
			if (of & KONLRET)
				tty->column = 0;
		} else {
			tty->column = 0;
		}
	} else if (c == '\t') {
		tty->column = (tty->column | 7) + 1;
	} else if (c == '\b') {
		if (tty->column > 0)
			tty->column--;
	} else if (!is_ctrl(c) && (c & 0xc0) != 0x80) {
		tty->column++;
	}
	obuf_put(o, (char)c);
}

/* Echo c: control characters as ^X under ECHOCTL (not tab, newline). */
static void
echo_char(struct obuf *o, unsigned char c)
{
	if (lflag(o->tty, KECHOCTL) && is_ctrl(c) && c != '\t' &&
	    c != '\n') {
		opost_char(o, '^');
		opost_char(o, c ^ 0100);
	} else {
		opost_char(o, c);
	}
}

/* ---- input ---- */

static size_t
in_count(const struct tty *tty)
{
	return tty->rhead - tty->rtail;
}

static void
in_put(struct tty *tty, unsigned char c, uint8_t flags)
{
	tty->rbuf[tty->rhead & MASK] = (char)c;
	tty->rflags[tty->rhead & MASK] = flags;
	tty->rhead++;
}

/* Make everything up to rhead readable and wake the readers. */
static void
in_commit(struct tty *tty)
{
	tty->canon_head = tty->rhead;
	wq_wake_all(&tty->read_wq);
}

/* A plain character: stored (room kept for a delimiter) and echoed. */
static void
receive_plain(struct obuf *o, unsigned char c)
{
	struct tty *tty = o->tty;
	bool canon = lflag(tty, KICANON);

	if (in_count(tty) >= TTY_BUF_SIZE - (canon ? 1 : 0))
		return;
	if (lflag(tty, KECHO)) {
		if (c == '\n')
			opost_char(o, c);
		else
			echo_char(o, c);
	}
	in_put(tty, c, 0);
	if (!canon)
		in_commit(tty);
}

/* Erase the echo of c: two columns for a ^X, one otherwise. */
static void
erase_echo(struct obuf *o, unsigned char c)
{
	int cols = lflag(o->tty, KECHOCTL) && is_ctrl(c) && c != '\t' ? 2 : 1;

	while (cols-- > 0) {
		opost_char(o, '\b');
		opost_char(o, ' ');
		opost_char(o, '\b');
	}
}

/* Step back over one character of the line (a whole UTF-8 sequence). */
static size_t
erase_start(const struct tty *tty)
{
	size_t head = tty->rhead - 1;

	if (tty->termios.c_iflag & KIUTF8) {
		while (head != tty->canon_head &&
		       (tty->rbuf[head & MASK] & 0xc0) == 0x80)
			head--;
	}
	return head;
}

static bool
is_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '_';
}

/* VKILL without the visual erase: echo the character, then ECHOK's \n. */
static bool
kill_plain(struct obuf *o, unsigned char c)
{
	struct tty *tty = o->tty;

	if (!lflag(tty, KECHO)) {
		tty->rhead = tty->canon_head;
		return true;
	}
	if (lflag(tty, KECHOK) && lflag(tty, KECHOKE) && lflag(tty, KECHOE))
		return false;
	tty->rhead = tty->canon_head;
	echo_char(o, c);
	if (lflag(tty, KECHOK))
		opost_char(o, '\n');
	return true;
}

/* VERASE, VWERASE, VKILL on the line being edited (c: the key). */
static void
erase(struct obuf *o, enum erase_kind kind, unsigned char c)
{
	struct tty *tty = o->tty;
	int seen_word = 0;

	if (tty->rhead == tty->canon_head)
		return;
	if (kind == KILL && kill_plain(o, c))
		return;
	if (kind == ERASE && lflag(tty, KECHO) && !lflag(tty, KECHOE)) {
		tty->rhead = erase_start(tty);
		echo_char(o, c);
		return;
	}
	while (tty->rhead != tty->canon_head) {
		size_t head = erase_start(tty);
		unsigned char prev = (unsigned char)tty->rbuf[head & MASK];

		if (kind == WERASE) {
			if (is_word(prev))
				seen_word++;
			else if (seen_word)
				break;
		}
		tty->rhead = head;
		if (lflag(tty, KECHO))
			erase_echo(o, prev);
		if (kind == ERASE)
			break;
	}
}

/* A line delimiter: newline, VEOL, VEOL2 or (eof) VEOF. */
static void
receive_delim(struct obuf *o, unsigned char c, bool eof)
{
	struct tty *tty = o->tty;

	if (in_count(tty) >= TTY_BUF_SIZE)
		return;
	if (!eof && (lflag(tty, KECHO) || (c == '\n' && lflag(tty, KECHONL))))
		echo_char(o, c);
	in_put(tty, c, eof ? TTY_DELIM | TTY_EOFCH : TTY_DELIM);
	in_commit(tty);
}

/* The special characters of canonical mode; true if c was one. */
static bool
receive_canon(struct obuf *o, unsigned char c)
{
	struct tty *tty = o->tty;
	bool ext = lflag(tty, KIEXTEN);

	if (is_cc(tty, KVERASE, c))
		erase(o, ERASE, c);
	else if (is_cc(tty, KVKILL, c))
		erase(o, KILL, c);
	else if (ext && is_cc(tty, KVWERASE, c))
		erase(o, WERASE, c);
	else if (c == '\n' || is_cc(tty, KVEOL, c) ||
		 (ext && is_cc(tty, KVEOL2, c)))
		receive_delim(o, c, false);
	else if (is_cc(tty, KVEOF, c))
		receive_delim(o, c, true);
	else
		return false;
	return true;
}

/* ISIG: queue sig, flush unless NOFLSH, echo the character. */
static void
receive_signal(struct obuf *o, int sig, unsigned char c)
{
	struct tty *tty = o->tty;

	tty->sig_pending |= 1U << sig;
	if (!lflag(tty, KNOFLSH)) {
		tty->rtail = tty->canon_head = tty->rhead;
		tty->lnext = false;
	}
	if (tty->termios.c_iflag & KIXON)
		tty->stopped = false;
	if (lflag(tty, KECHO))
		echo_char(o, c);
}

/* The characters that act before any other processing; true if c did. */
static bool
receive_special(struct obuf *o, unsigned char c)
{
	struct tty *tty = o->tty;
	uint32_t iflag = tty->termios.c_iflag;

	if ((iflag & KIXON) && is_cc(tty, KVSTOP, c)) {
		tty->stopped = true;
		return true;
	}
	if ((iflag & KIXON) && is_cc(tty, KVSTART, c)) {
		tty->stopped = false;
		wq_wake_all(&tty->write_wq);
		return true;
	}
	if (lflag(tty, KISIG) && is_cc(tty, KVINTR, c))
		receive_signal(o, KSIGINT, c);
	else if (lflag(tty, KISIG) && is_cc(tty, KVQUIT, c))
		receive_signal(o, KSIGQUIT, c);
	else if (lflag(tty, KISIG) && is_cc(tty, KVSUSP, c))
		receive_signal(o, KSIGTSTP, c);
	else if (lflag(tty, KIEXTEN) && is_cc(tty, KVLNEXT, c)) {
		tty->lnext = true;
		if (lflag(tty, KECHO) && lflag(tty, KECHOCTL)) {
			opost_char(o, '^');
			opost_char(o, '\b');
		}
	} else {
		return false;
	}
	return true;
}

/* One input byte through the whole discipline. */
static void
receive_char(struct obuf *o, unsigned char c)
{
	struct tty *tty = o->tty;
	uint32_t iflag = tty->termios.c_iflag;

	if (iflag & KISTRIP)
		c &= 0x7f;
	if (tty->lnext) {
		tty->lnext = false;
		receive_plain(o, c);
		return;
	}
	if (tty->stopped && (iflag & (KIXON | KIXANY)) == (KIXON | KIXANY)) {
		tty->stopped = false;
		wq_wake_all(&tty->write_wq);
	}
	if (receive_special(o, c))
		return;
	if (c == '\r' && (iflag & KIGNCR))
		return;
	if (c == '\r' && (iflag & KICRNL))
		c = '\n';
	else if (c == '\n' && (iflag & KINLCR))
		c = '\r';
	if (lflag(tty, KICANON) && receive_canon(o, c))
		return;
	receive_plain(o, c);
}

size_t
tty_receive(struct tty *tty, const char *buf, size_t len)
{
	struct obuf o = { .tty = tty, .len = 0 };
	unsigned long s = arch_intr_save();
	size_t n = 0;

	if (!lflag(tty, KICANON))
		len = MIN(len, TTY_BUF_SIZE - in_count(tty));
	for (; n < len; n++)
		receive_char(&o, (unsigned char)buf[n]);
	obuf_flush(&o);
	arch_intr_restore(s);
	return n;
}

void
n_tty_flush_input(struct tty *tty)
{
	unsigned long s = arch_intr_save();

	tty->rtail = tty->canon_head = tty->rhead;
	tty->lnext = false;
	arch_intr_restore(s);
	if (tty->ops->unthrottle != NULL)
		tty->ops->unthrottle(tty);
}

void
n_tty_set_termios(struct tty *tty, const struct ktermios *old)
{
	unsigned long s = arch_intr_save();

	if (!lflag(tty, KICANON))
		tty->canon_head = tty->rhead;
	if (!(tty->termios.c_iflag & KIXON))
		tty->stopped = false;
	(void)old;
	wq_wake_all(&tty->read_wq);
	wq_wake_all(&tty->write_wq);
	arch_intr_restore(s);
}

/* ---- reading ---- */

bool
n_tty_readable(struct tty *tty, bool poll)
{
	const uint8_t *cc = tty->termios.c_cc;
	size_t avail = tty->canon_head - tty->rtail;
	size_t want = 1;

	if (tty->hung_up || tty->eof)
		return true;
	if (poll && !lflag(tty, KICANON) && cc[KVTIME] == 0 && cc[KVMIN] > 1)
		want = cc[KVMIN];
	return avail >= want;
}

size_t
n_tty_inq(struct tty *tty)
{
	unsigned long s = arch_intr_save();
	size_t n = 0;

	for (size_t p = tty->rtail; p != tty->canon_head; p++)
		if (!(tty->rflags[p & MASK] & TTY_EOFCH))
			n++;
	arch_intr_restore(s);
	return n;
}

/* Copy readable bytes: up to a delimiter in canonical mode. */
static size_t
copy_input(struct tty *tty, char *buf, size_t len, bool *line_done)
{
	bool canon = lflag(tty, KICANON);
	size_t n = 0;

	while (tty->rtail != tty->canon_head && n < len) {
		size_t i = tty->rtail++ & MASK;

		if (canon && (tty->rflags[i] & TTY_EOFCH)) {
			*line_done = true;
			break;
		}
		buf[n++] = tty->rbuf[i];
		if (canon && (tty->rflags[i] & TTY_DELIM)) {
			*line_done = true;
			break;
		}
	}
	return n;
}

/* VTIME's timer: one per non-canonical read that needs it. */
struct read_timer {
	struct ktimer timer;
	struct tty *tty;
	bool expired;
};

static void
read_timer_fire(struct ktimer *t)
{
	struct read_timer *rt = container_of(t, struct read_timer, timer);

	rt->expired = true;
	wq_wake_all(&rt->tty->read_wq);
}

static void
read_timer_start(struct read_timer *rt)
{
	unsigned int vtime = rt->tty->termios.c_cc[KVTIME];

	rt->expired = false;
	ktimer_add_ns(&rt->timer, ktime_ns() + vtime * 100000000ULL);
}

/* Has this read got what it waits for? */
static bool
read_done(struct tty *tty, size_t copied, size_t len, bool line_done,
	  const struct read_timer *rt)
{
	const uint8_t *cc = tty->termios.c_cc;

	if (copied == len || line_done)
		return true;
	if (lflag(tty, KICANON))
		return false;
	if (cc[KVMIN] == 0)
		return copied > 0 || cc[KVTIME] == 0 || rt->expired;
	return copied >= cc[KVMIN] || (copied > 0 && rt->expired);
}

/* One pass: take what is there.  Interrupts off inside. */
static size_t
read_pass(struct tty *tty, char *buf, size_t len, bool *line_done,
	  bool *ended)
{
	unsigned long s = arch_intr_save();
	size_t n = copy_input(tty, buf, len, line_done);

	*ended = tty->rtail == tty->canon_head && (tty->hung_up || tty->eof);
	arch_intr_restore(s);
	if (n > 0 && tty->ops->unthrottle != NULL)
		tty->ops->unthrottle(tty);
	return n;
}

static long
read_loop(struct tty *tty, struct file *f, char *buf, size_t len,
	  struct read_timer *rt)
{
	bool canon = lflag(tty, KICANON), line_done = false, ended = false;
	bool timed = !canon && tty->termios.c_cc[KVTIME] != 0;
	size_t copied = 0, n;
	int err;

	if (timed && tty->termios.c_cc[KVMIN] == 0)
		read_timer_start(rt);
	for (;;) {
		n = read_pass(tty, buf + copied, len - copied, &line_done,
			      &ended);
		copied += n;
		if (n > 0 && timed && tty->termios.c_cc[KVMIN] != 0)
			read_timer_start(rt);
		if (read_done(tty, copied, len, line_done, rt) || ended)
			return (long)copied;
		if (f->flags & KO_NONBLOCK)
			return copied > 0 ? (long)copied : -EAGAIN;
		err = wait_event_interruptible(&tty->read_wq,
					       n_tty_readable(tty, false) ||
					       rt->expired);
		if (err != 0)
			return copied > 0 ? (long)copied : err;
	}
}

long
n_tty_read(struct tty *tty, struct file *f, char *buf, size_t len)
{
	struct read_timer rt = { .tty = tty, .expired = false };
	long n;

	if (len == 0)
		return 0;
	ktimer_init(&rt.timer, read_timer_fire);
	n = read_loop(tty, f, buf, len, &rt);
	ktimer_del(&rt.timer);
	return n;
}

/* ---- writing ---- */

/* How many input bytes may go out now (each may become two). */
static size_t
write_chunk(struct tty *tty, size_t left)
{
	size_t room;

	if (tty->stopped)
		return 0;
	room = tty->ops->write_room(tty);
	if (tty->termios.c_oflag & KOPOST)
		room /= 2;
	return MIN(MIN(room, left), OUT_CHUNK);
}

static bool
writable(struct tty *tty)
{
	return tty->hung_up || write_chunk(tty, 1) > 0;
}

/* Process and hand over up to n bytes; interrupts off. */
static void
write_out(struct tty *tty, const char *buf, size_t n)
{
	struct obuf o = { .tty = tty, .len = 0 };

	if (!(tty->termios.c_oflag & KOPOST)) {
		tty->ops->write(tty, buf, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		opost_char(&o, (unsigned char)buf[i]);
	obuf_flush(&o);
}

long
n_tty_write(struct tty *tty, struct file *f, const char *buf, size_t len)
{
	size_t done = 0, n;
	unsigned long s;
	int err;

	while (done < len) {
		s = arch_intr_save();
		n = tty->hung_up ? 0 : write_chunk(tty, len - done);
		if (n > 0)
			write_out(tty, buf + done, n);
		err = tty->hung_up ? -EIO : 0;
		arch_intr_restore(s);
		done += n;
		if (err == 0 && n == 0 && (f->flags & KO_NONBLOCK))
			err = -EAGAIN;
		if (err == 0 && n == 0)
			err = wait_event_interruptible(&tty->write_wq,
						       writable(tty));
		if (err != 0)
			return done > 0 ? (long)done : err;
	}
	return (long)done;
}
