/*
 * The host terminal.  If stdin is a terminal, its settings are saved at
 * boot and put back on every way out of the process: arch_exit(), fatal
 * signals and termination signals (exit.c).  While the kernel runs it is
 * in raw mode, output processing off too: the guest's tty does echo,
 * editing, signals and CR-LF (drivers/tty/n_tty.c).  SIGWINCH raises
 * IRQ_CONSOLE (arch-host/console.c tells the kernel it was a resize).
 * stdin's file status flags, which console.c changes, are put back too.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "arch-host/host.h"

static struct termios term_saved;
static volatile sig_atomic_t term_is_saved;
static volatile sig_atomic_t term_is_raw;	/* and stdout a terminal */
static volatile sig_atomic_t term_saved_fl = -1;	/* stdin's F_GETFL */

/* Save the host terminal's settings if stdin is a terminal. */
void
term_init(void)
{
	if (!isatty(STDIN_FILENO))
		return;
	if (tcgetattr(STDIN_FILENO, &term_saved) == 0)
		term_is_saved = 1;
}

static bool
term_same(const struct termios *a, const struct termios *b)
{
	if (a->c_iflag != b->c_iflag || a->c_oflag != b->c_oflag ||
	    a->c_cflag != b->c_cflag || a->c_lflag != b->c_lflag)
		return false;
	for (int i = 0; i < NCCS; i++) {
		if (a->c_cc[i] != b->c_cc[i])
			return false;
	}
	return true;
}

/*
 * Put the saved settings back.  Idempotent and async-signal-safe.  Nothing
 * is written when they are unchanged: from a background process group
 * tcsetattr() would stop us with SIGTTOU.
 */
void
term_restore(void)
{
	struct termios now;

	if (term_saved_fl != -1)
		fcntl(STDIN_FILENO, F_SETFL, term_saved_fl);
	term_is_raw = 0;
	if (!term_is_saved)
		return;
	if (tcgetattr(STDIN_FILENO, &now) == 0 && term_same(&now, &term_saved))
		return;
	while (tcsetattr(STDIN_FILENO, TCSANOW, &term_saved) != 0 &&
	       errno == EINTR)
		continue;
}

/*
 * Save stdin's file status flags before they change (O_NONBLOCK,
 * O_ASYNC), for term_restore().
 */
void
term_save_flags(void)
{
	int fl = fcntl(STDIN_FILENO, F_GETFL);

	if (fl != -1)
		term_saved_fl = fl;
}

static void
term_winch_handler(int sig)
{
	(void)sig;
	console_host_winch();
}

/* Like cfmakeraw(), with output processing off as well. */
static void
term_make_raw(struct termios *t)
{
	t->c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR |
				  IGNCR | ICRNL | IXON);
	t->c_oflag &= ~(tcflag_t)OPOST;
	t->c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t->c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
	t->c_cflag |= CS8;
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
}

int
term_raw(void)
{
	struct sigaction sa;
	struct termios t;

	if (!term_is_saved || tcgetpgrp(STDIN_FILENO) != getpgrp())
		return -ENOTTY;
	t = term_saved;
	term_make_raw(&t);
	while (tcsetattr(STDIN_FILENO, TCSANOW, &t) != 0)
		if (errno != EINTR)
			return -errno;
	term_is_raw = isatty(host_console_fd);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = term_winch_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGWINCH, &sa, NULL) == 0 ? 0 : -errno;
}

bool
term_crlf(void)
{
	return term_is_raw;
}
