/*
 * The ioctls of a terminal (Linux's tty_ioctl and tty_jobctrl_ioctl):
 * termios, window size, flushing and flow control, queue sizes, and the
 * job-control ones (controlling terminal, foreground group, session).
 * A pty master forwards to its slave's tty with master set, which skips
 * the checks that concern the caller's controlling terminal.  The pty
 * ioctls themselves (TIOCGPTN...) are drivers/tty/pty.c's.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/mm.h"
#include "core/process.h"
#include "core/session.h"
#include "core/signal.h"
#include "drivers/tty/tty.h"
#include "fs/vfs.h"

static long
put_int(unsigned long uarg, int v)
{
	return copyout(uarg, &v, sizeof(v)) == 0 ? 0 : -EFAULT;
}

static long
ioctl_get_termios(struct tty *tty, unsigned long uarg, bool two)
{
	struct ktermios2 t2;
	unsigned long s = arch_intr_save();

	t2.t = tty->termios;
	arch_intr_restore(s);
	t2.c_ispeed = t2.c_ospeed = 38400;
	if (copyout(uarg, &t2, two ? sizeof(t2) : sizeof(t2.t)) != 0)
		return -EFAULT;
	return 0;
}

/* TCSETS and friends: W waits for output to drain (it never lingers
 * here), F also flushes the input. */
static long
ioctl_set_termios(struct tty *tty, bool master, unsigned long uarg,
		  bool two, bool flush)
{
	struct ktermios2 t2;
	struct ktermios old;
	unsigned long s;
	int err = master ? 0 : tty_check_bg(tty, KSIGTTOU);

	if (err != 0)
		return err;
	if (copyin(&t2, uarg, two ? sizeof(t2) : sizeof(t2.t)) != 0)
		return -EFAULT;
	if (flush)
		n_tty_flush_input(tty);
	s = arch_intr_save();
	old = tty->termios;
	tty->termios = t2.t;
	arch_intr_restore(s);
	n_tty_set_termios(tty, &old);
	return 0;
}

static long
ioctl_flush(struct tty *tty, unsigned long arg)
{
	if (arg > KTCIOFLUSH)
		return -EINVAL;
	if (arg != KTCOFLUSH)
		n_tty_flush_input(tty);
	return 0;
}

static long
ioctl_xonc(struct tty *tty, unsigned long arg)
{
	unsigned long s;

	if (arg > KTCION)
		return -EINVAL;
	s = arch_intr_save();
	if (arg == KTCOOFF)
		tty->stopped = true;
	else if (arg == KTCOON)
		tty->stopped = false;
	wq_wake_all(&tty->write_wq);
	arch_intr_restore(s);
	return 0;
}

static long
ioctl_winsize(struct tty *tty, unsigned long uarg, bool set)
{
	struct kwinsize ws;
	unsigned long s;

	if (set) {
		if (copyin(&ws, uarg, sizeof(ws)) != 0)
			return -EFAULT;
		tty_set_winsize(tty, &ws);
		return 0;
	}
	s = arch_intr_save();
	ws = tty->winsize;
	arch_intr_restore(s);
	return copyout(uarg, &ws, sizeof(ws)) == 0 ? 0 : -EFAULT;
}

/* ---- job control (tty_mutex held) ---- */

static bool
is_ctty(struct tty *tty)
{
	return tty_current_ctty() == tty;
}

static long
ioctl_get_pgrp(struct tty *tty, bool master, unsigned long uarg)
{
	if (!master && !is_ctty(tty))
		return -ENOTTY;
	return put_int(uarg, tty->pgrp);
}

static long
ioctl_set_pgrp(struct tty *tty, bool master, unsigned long uarg)
{
	int pgrp, err = master ? 0 : tty_check_bg(tty, KSIGTTOU);

	if (err != 0)
		return err;
	if (!is_ctty(tty))
		return -ENOTTY;
	if (copyin(&pgrp, uarg, sizeof(pgrp)) != 0)
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	if (kill_pgrp(pgrp, 0) == -ESRCH)
		return -ESRCH;
	if (!pgrp_in_session(pgrp, tty->session))
		return -EPERM;
	tty->pgrp = pgrp;
	return 0;
}

static long
ioctl_get_sid(struct tty *tty, bool master, unsigned long uarg)
{
	if ((!master && !is_ctty(tty)) || tty->session == 0)
		return -ENOTTY;
	return put_int(uarg, tty->session);
}

/* TIOCSCTTY: a session leader without a terminal takes this one;
 * root may steal it from another session with arg 1. */
static long
ioctl_set_ctty(struct tty *tty, unsigned long arg)
{
	struct process *p = current_proc();

	if (p == NULL)
		return -EPERM;
	if (p->pid == p->sid && tty->session == p->sid)
		return 0;
	if (p->pid != p->sid || tty_current_ctty() != NULL)
		return -EPERM;
	if (tty->session != 0 && (arg != 1 || current_cred()->euid != 0))
		return -EPERM;
	tty->session = p->sid;
	tty->pgrp = p->pgid;
	return 0;
}

/* TIOCNOTTY: a session leader lets its terminal go (SIGHUP, SIGCONT to
 * the foreground group); another process has nothing to drop here. */
static long
ioctl_no_ctty(struct tty *tty)
{
	struct process *p = current_proc();

	if (!is_ctty(tty))
		return -ENOTTY;
	if (p->pid == p->sid)
		tty_disassociate(tty);
	return 0;
}

static long
ioctl_jobctrl(struct tty *tty, bool master, unsigned int cmd,
	      unsigned long arg)
{
	long err;

	mutex_lock(&tty_mutex);
	switch (cmd) {
	case KTIOCGPGRP:
		err = ioctl_get_pgrp(tty, master, arg);
		break;
	case KTIOCSPGRP:
		err = ioctl_set_pgrp(tty, master, arg);
		break;
	case KTIOCGSID:
		err = ioctl_get_sid(tty, master, arg);
		break;
	case KTIOCSCTTY:
		err = master ? -ENOTTY : ioctl_set_ctty(tty, arg);
		break;
	default:
		err = master ? -ENOTTY : ioctl_no_ctty(tty);
		break;
	}
	mutex_unlock(&tty_mutex);
	return err;
}

long
tty_ioctl(struct tty *tty, bool master, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case KTCGETS:
	case KTCGETS2:
		return ioctl_get_termios(tty, arg, cmd == KTCGETS2);
	case KTCSETS:
	case KTCSETSW:
	case KTCSETS2:
	case KTCSETSW2:
		return ioctl_set_termios(tty, master, arg, cmd == KTCSETS2 ||
					 cmd == KTCSETSW2, false);
	case KTCSETSF:
	case KTCSETSF2:
		return ioctl_set_termios(tty, master, arg, cmd == KTCSETSF2,
					 true);
	case KTCFLSH:
		return ioctl_flush(tty, arg);
	case KTCXONC:
		return ioctl_xonc(tty, arg);
	case KTCSBRK:
	case KTCSBRKP:
		return 0;
	case KTIOCGWINSZ:
	case KTIOCSWINSZ:
		return ioctl_winsize(tty, arg, cmd == KTIOCSWINSZ);
	case KTIOCINQ:
		return put_int(arg, (int)n_tty_inq(tty));
	case KTIOCOUTQ:
		return put_int(arg, 0);
	case KTIOCGPGRP:
	case KTIOCSPGRP:
	case KTIOCGSID:
	case KTIOCSCTTY:
	case KTIOCNOTTY:
		return ioctl_jobctrl(tty, master, cmd, arg);
	default:
		return -ENOTTY;
	}
}
