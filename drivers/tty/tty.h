/*
 * Terminals (DESIGN.md sections 3 and 5): a struct tty is one terminal
 * with its termios, window size, session and foreground process group,
 * the input its line discipline (n_tty.c, Linux's N_TTY) keeps, and the
 * driver that carries its output (the host console, a pty master).
 *
 * Layers: drivers push input with tty_receive() (from interrupts too);
 * the file operations of a tty (tty.c) read through the line discipline,
 * which also does output processing (OPOST) before the driver's write;
 * tty_ioctl.c has the ioctls; console.c and pty.c are the drivers.
 *
 * Locking: [i] fields are guarded by disabling interrupts (drivers feed
 * input from interrupt handlers); [m] by tty_mutex, which also guards the
 * list of ttys and every tty's session and pgrp for writers (readers may
 * look at them with interrupts off).  [I] fields are fixed at creation.
 */
#ifndef DRIVERS_TTY_TTY_H
#define DRIVERS_TTY_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/list.h"
#include "core/mutex.h"
#include "core/wait.h"
#include "drivers/tty/tty_abi.h"

struct file;
struct poll_table;
struct tty;

#define TTY_BUF_SIZE	4096		/* input buffer, a power of two */

/* What a driver does for its tty.  write and write_room never sleep. */
struct tty_ops {
	/* Take processed output bytes; returns how many it took. */
	size_t (*write)(struct tty *tty, const char *buf, size_t len);
	/* How many bytes write would take now (SIZE_MAX: no limit). */
	size_t (*write_room)(struct tty *tty);
	/* Optional: the reader made room in the input buffer. */
	void (*unthrottle)(struct tty *tty);
	/* Optional: f opens the tty (/dev/tty too); 0 or -errno. */
	int (*open)(struct tty *tty, struct file *f);
	/* Optional: an open file of the tty is being released. */
	void (*close)(struct tty *tty, struct file *f);
};

struct tty {
	char name[16];			/* [I] "console", "pts/3" */
	const struct tty_ops *ops;	/* [I] */
	void *driver_data;		/* [I] */
	int index;			/* [I] pty number */
	struct ktermios termios;	/* [i] */
	struct kwinsize winsize;	/* [i] */
	int session;			/* [m] sid it controls; 0: none */
	int pgrp;			/* [m] foreground process group */
	bool hung_up;			/* [i] reads 0, writes -EIO */
	bool eof;			/* [i] no more input, ever */
	bool stopped;			/* [i] output stopped by VSTOP */
	bool lnext;			/* [i] the next byte is literal */
	unsigned int column;		/* [i] output column, for erase */
	uint32_t sig_pending;		/* [i] ISIG signals to send */
	/* Input: running positions, rtail <= canon_head <= rhead. */
	size_t rtail;			/* [i] next byte to read */
	size_t canon_head;		/* [i] end of what may be read */
	size_t rhead;			/* [i] end of input */
	char rbuf[TTY_BUF_SIZE];	/* [i] */
	uint8_t rflags[TTY_BUF_SIZE];	/* [i] TTY_DELIM, TTY_EOFCH */
	struct wait_queue read_wq;	/* readers, read pollers */
	struct wait_queue write_wq;	/* writers, write pollers */
	struct list_head node;		/* [m] tty_list */
};

/* Input byte flags. */
#define TTY_DELIM	1		/* ends a line */
#define TTY_EOFCH	2		/* the VEOF that ended it: not read */

/* Linux's default termios (INIT_C_CC, B38400 CS8 CREAD HUPCL). */
extern const struct ktermios tty_std_termios;
/* Guards the list of ttys, sessions and foreground groups. */
extern struct mutex tty_mutex;

/* ---- tty.c: objects, sessions, files ---- */

/*
 * Make tty a terminal named name, driven by ops, with termios *t, and
 * list it.  Called once per tty; tty_remove() unlists it.
 */
void tty_init(struct tty *tty, const char *name, const struct tty_ops *ops,
	      void *data, const struct ktermios *t);
void tty_remove(struct tty *tty);
/*
 * Open f on tty: f->private = tty; a session leader without a terminal
 * that opens one without KO_NOCTTY makes it its controlling terminal.
 */
void tty_open_file(struct tty *tty, struct file *f);
/* The caller's controlling terminal, or NULL (tty_mutex held). */
struct tty *tty_current_ctty(void);
/* SIGHUP, SIGCONT to tty's foreground group; forget its session ([m]). */
void tty_disassociate(struct tty *tty);
/* Hang tty up: readers get 0, writers -EIO; SIGHUP to its session. */
void tty_hangup(struct tty *tty);
/* No more input will come (host end of file): readers get 0 after it. */
void tty_set_eof(struct tty *tty);
/* Set the window size; SIGWINCH to the foreground group if it changed. */
void tty_set_winsize(struct tty *tty, const struct kwinsize *ws);
/* Send the signals ISIG queued (process context, may sleep). */
void tty_send_signals(struct tty *tty);
/* File operations of a terminal whose f->private is its struct tty. */
extern const struct file_ops tty_file_ops;
/* Register the session hook; called once at boot. */
void tty_core_init(void);
/* The job control checks of a read or write: 0 or -EIO/-ERESTARTSYS. */
int tty_check_bg(struct tty *tty, int sig);

/* ---- n_tty.c: the line discipline ---- */

/*
 * Process len input bytes (any context, never sleeps): editing, echo,
 * signals queued in sig_pending.  Returns how many it took: all in
 * canonical mode (overflow is dropped), as many as fit otherwise.
 */
size_t tty_receive(struct tty *tty, const char *buf, size_t len);
/* Read into the kernel buffer buf as N_TTY does; sleeps. */
long n_tty_read(struct tty *tty, struct file *f, char *buf, size_t len);
/* Write through output processing to the driver; sleeps for room. */
long n_tty_write(struct tty *tty, struct file *f, const char *buf,
		 size_t len);
/* True if a read would not block (a line, VMIN bytes, EOF, hang-up). */
bool n_tty_readable(struct tty *tty, bool poll);
/* Bytes a read would return now (FIONREAD). */
size_t n_tty_inq(struct tty *tty);
/* Drop the input not read yet. */
void n_tty_flush_input(struct tty *tty);
/* termios changed from old: adjust the input state, wake sleepers. */
void n_tty_set_termios(struct tty *tty, const struct ktermios *old);

/* ---- tty_ioctl.c ---- */

/*
 * The ioctls of a terminal; -ENOTTY for unknown ones.  master: asked
 * through a pty master, which skips the controlling-terminal checks.
 */
long tty_ioctl(struct tty *tty, bool master, unsigned int cmd,
	       unsigned long arg);

#endif
