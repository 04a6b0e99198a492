/*
 * The tty core: the list of terminals, controlling terminals and job
 * control, hang-ups, and the file operations every terminal file uses
 * (drivers/tty/tty.h).  Reads and writes go through the line discipline
 * (n_tty.c), ioctls to tty_ioctl.c.
 *
 * A session's controlling terminal is the tty whose session is the
 * session's id: the caller's is the one whose session equals
 * current_proc()->sid.  Signals go through core/signal.h only.
 *
 * Lock order: tty_mutex > proc_lock (kill_pgrp) ; interrupts off last.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/process.h"
#include "core/signal.h"
#include "core/string.h"
#include "drivers/tty/tty.h"
#include "fs/vfs.h"

#define CTRL(c)	((c) & 037)

const struct ktermios tty_std_termios = {
	.c_iflag = KICRNL | KIXON | KIUTF8,
	.c_oflag = KOPOST | KONLCR,
	.c_cflag = KB38400 | KCS8 | KCREAD | KHUPCL,
	.c_lflag = KISIG | KICANON | KECHO | KECHOE | KECHOK | KECHOCTL |
		   KECHOKE | KIEXTEN,
	.c_cc = {
		[KVINTR] = CTRL('C'), [KVQUIT] = CTRL('\\'),
		[KVERASE] = 0177, [KVKILL] = CTRL('U'), [KVEOF] = CTRL('D'),
		[KVTIME] = 0, [KVMIN] = 1, [KVSTART] = CTRL('Q'),
		[KVSTOP] = CTRL('S'), [KVSUSP] = CTRL('Z'),
		[KVREPRINT] = CTRL('R'), [KVDISCARD] = CTRL('O'),
		[KVWERASE] = CTRL('W'), [KVLNEXT] = CTRL('V'),
	},
};

struct mutex tty_mutex = MUTEX_INIT(tty_mutex, "tty");
static LIST_HEAD(tty_list);		/* [m] struct tty.node */

void
tty_init(struct tty *tty, const char *name, const struct tty_ops *ops,
	 void *data, const struct ktermios *t)
{
	kstrlcpy(tty->name, name, sizeof(tty->name));
	tty->ops = ops;
	tty->driver_data = data;
	tty->termios = *t;
	wq_init(&tty->read_wq);
	wq_init(&tty->write_wq);
	mutex_lock(&tty_mutex);
	list_add_tail(&tty->node, &tty_list);
	mutex_unlock(&tty_mutex);
}

void
tty_remove(struct tty *tty)
{
	mutex_lock(&tty_mutex);
	list_del(&tty->node);
	mutex_unlock(&tty_mutex);
}

struct tty *
tty_current_ctty(void)
{
	struct process *p = current_proc();
	struct tty *tty;

	if (p == NULL)
		return NULL;
	list_for_each_entry(tty, &tty_list, node)
		if (tty->session != 0 && tty->session == p->sid)
			return tty;
	return NULL;
}

void
tty_open_file(struct tty *tty, struct file *f)
{
	struct process *p = current_proc();

	f->private = tty;
	if ((f->flags & KO_NOCTTY) || p == NULL || p->pid != p->sid)
		return;
	mutex_lock(&tty_mutex);
	if (tty->session == 0 && !tty->hung_up && tty_current_ctty() == NULL) {
		tty->session = p->sid;
		tty->pgrp = p->pgid;
	}
	mutex_unlock(&tty_mutex);
}

void
tty_disassociate(struct tty *tty)
{
	int pgrp = tty->pgrp;

	tty->session = 0;
	tty->pgrp = 0;
	if (pgrp > 0) {
		kill_pgrp(pgrp, KSIGHUP);
		kill_pgrp(pgrp, KSIGCONT);
	}
}

/* The session hook: leader sid exited; its terminal is let go. */
static void
tty_session_exit(int sid)
{
	struct tty *tty;

	mutex_lock(&tty_mutex);
	list_for_each_entry(tty, &tty_list, node)
		if (tty->session == sid)
			tty_disassociate(tty);
	mutex_unlock(&tty_mutex);
}

void
tty_core_init(void)
{
	session_exit_hook_register(tty_session_exit);
}

void
tty_hangup(struct tty *tty)
{
	unsigned long s = arch_intr_save();

	tty->hung_up = true;
	wq_wake_all(&tty->read_wq);
	wq_wake_all(&tty->write_wq);
	arch_intr_restore(s);
	mutex_lock(&tty_mutex);
	if (tty->session != 0)
		tty_disassociate(tty);
	mutex_unlock(&tty_mutex);
}

void
tty_set_eof(struct tty *tty)
{
	unsigned long s = arch_intr_save();

	tty->eof = true;
	tty->canon_head = tty->rhead;
	wq_wake_all(&tty->read_wq);
	arch_intr_restore(s);
}

void
tty_set_winsize(struct tty *tty, const struct kwinsize *ws)
{
	unsigned long s = arch_intr_save();
	bool changed = memcmp(&tty->winsize, ws, sizeof(*ws)) != 0;
	int pgrp = tty->pgrp;

	tty->winsize = *ws;
	arch_intr_restore(s);
	if (changed && pgrp > 0)
		kill_pgrp(pgrp, KSIGWINCH);
}

void
tty_send_signals(struct tty *tty)
{
	unsigned long s = arch_intr_save();
	uint32_t sigs = tty->sig_pending;
	int pgrp = tty->pgrp;

	tty->sig_pending = 0;
	arch_intr_restore(s);
	for (int sig = 1; sigs != 0 && sig < 32; sig++) {
		if ((sigs & (1U << sig)) && pgrp > 0)
			kill_pgrp(pgrp, sig);
	}
}

/*
 * Job control for a read (sig SIGTTIN) or a write or change (SIGTTOU)
 * from a process of the terminal's session that is not in its
 * foreground group: -EIO if it ignores or blocks sig (SIGTTIN) or its
 * group is orphaned, else the group gets sig and the call restarts.  A
 * SIGTTOU that is ignored or blocked lets the write go on.
 */
int
tty_check_bg(struct tty *tty, int sig)
{
	struct process *p = current_proc();
	bool ignored;

	if (p == NULL || tty->session != p->sid || tty->pgrp == 0 ||
	    tty->pgrp == p->pgid)
		return 0;
	ignored = signal_ignored_or_blocked(sig);
	if (ignored && sig == KSIGTTOU)
		return 0;
	if (ignored || pgrp_is_orphaned(p->pgid))
		return -EIO;
	kill_pgrp(p->pgid, sig);
	return -ERESTARTSYS;
}

/* ---- file operations ---- */

static long
tty_file_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	struct tty *tty = f->private;
	int err = tty_check_bg(tty, KSIGTTIN);

	(void)pos;
	if (err != 0)
		return err;
	return n_tty_read(tty, f, buf, len);
}

static long
tty_file_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
	struct tty *tty = f->private;
	int err = 0;

	(void)pos;
	if (tty->termios.c_lflag & KTOSTOP)
		err = tty_check_bg(tty, KSIGTTOU);
	if (err != 0)
		return err;
	return n_tty_write(tty, f, buf, len);
}

static unsigned int
tty_file_poll(struct file *f, struct poll_table *pt)
{
	struct tty *tty = f->private;
	unsigned int mask = 0;
	unsigned long s;

	poll_wait(pt, &tty->read_wq);
	poll_wait(pt, &tty->write_wq);
	s = arch_intr_save();
	if (n_tty_readable(tty, true))
		mask |= KPOLLIN | KPOLLRDNORM;
	if (tty->hung_up)
		mask |= KPOLLHUP | KPOLLOUT | KPOLLWRNORM;
	else if (!tty->stopped && tty->ops->write_room(tty) > 0)
		mask |= KPOLLOUT | KPOLLWRNORM;
	arch_intr_restore(s);
	return mask;
}

static long
tty_file_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	return tty_ioctl(f->private, false, cmd, arg);
}

static void
tty_file_release(struct inode *inode, struct file *f)
{
	struct tty *tty = f->private;

	(void)inode;
	if (tty->ops->close != NULL)
		tty->ops->close(tty, f);
}

const struct file_ops tty_file_ops = {
	.read = tty_file_read,
	.write = tty_file_write,
	.poll = tty_file_poll,
	.ioctl = tty_file_ioctl,
	.release = tty_file_release,
};
