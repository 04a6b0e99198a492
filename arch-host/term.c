/*
 * The host terminal.  If stdin is a terminal, its settings are saved at
 * boot and put back on every way out of the process: arch_exit(), fatal
 * signals and termination signals (exit.c).  Raw mode for the guest's tty
 * comes later; restoring already happens everywhere it will be needed.
 */
#include <errno.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include "arch-host/host.h"

static struct termios term_saved;
static volatile sig_atomic_t term_is_saved;

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

	if (!term_is_saved)
		return;
	if (tcgetattr(STDIN_FILENO, &now) == 0 && term_same(&now, &term_saved))
		return;
	while (tcsetattr(STDIN_FILENO, TCSANOW, &term_saved) != 0 &&
	       errno == EINTR)
		continue;
}
