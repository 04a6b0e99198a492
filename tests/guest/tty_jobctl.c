/*
 * Job control on a terminal, through a pty: a background read stops its
 * group with SIGTTIN, a background write under TOSTOP with SIGTTOU (and
 * passes when SIGTTOU is ignored), a window size change sends SIGWINCH
 * to the foreground group, and the session leader's exit hangs the
 * terminal up: SIGHUP to the foreground group.
 */
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include "guest.h"

static volatile sig_atomic_t got;

static void
on_sig(int sig)
{
	got = sig;
}

/* Fork a child into its own (background) group that runs fn(slave). */
static pid_t
background(int slave, void (*fn)(int))
{
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		fn(slave);
		_exit(0);
	}
	setpgid(pid, pid);
	return pid;
}

static void
bg_read(int fd)
{
	char c;

	(void)!read(fd, &c, 1);
}

static void
bg_write(int fd)
{
	(void)!write(fd, "x", 1);
}

static void
bg_write_ignoring(int fd)
{
	signal(SIGTTOU, SIG_IGN);
	_exit(write(fd, "y", 1) == 1 ? 0 : 3);
}

/* pid must stop with sig; then it is killed and reaped. */
static void
expect_stop(pid_t pid, int sig)
{
	int st;

	CHECK(waitpid(pid, &st, WUNTRACED) == pid);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == sig);
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st));
}

/* The session leader: runs the checks on its controlling terminal. */
static int
leader(int slave)
{
	struct termios tio;
	struct winsize ws = { .ws_row = 33, .ws_col = 99 };
	int st;

	CHECK(setsid() == getpid());
	CHECK(ioctl(slave, TIOCSCTTY, 0) == 0);
	CHECK(tcgetpgrp(slave) == getpid());
	expect_stop(background(slave, bg_read), SIGTTIN);
	CHECK(tcgetattr(slave, &tio) == 0);
	tio.c_lflag |= TOSTOP;
	CHECK(tcsetattr(slave, TCSANOW, &tio) == 0);
	expect_stop(background(slave, bg_write), SIGTTOU);
	pid_t pid = background(slave, bg_write_ignoring);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	      WEXITSTATUS(st) == 0);
	signal(SIGWINCH, on_sig);
	CHECK(ioctl(slave, TIOCSWINSZ, &ws) == 0);
	CHECK(got == SIGWINCH);
	return 0;
}

static int
test(void)
{
	int master, slave, p[2], st;
	char c = 0;
	pid_t pid, fg;

	CHECK(openpty(&master, &slave, NULL, NULL, NULL) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(leader(slave));
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* Hang-up: a foreground child of the leader gets SIGHUP. */
	CHECK(pipe(p) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK(setsid() == getpid());
		CHECK(ioctl(slave, TIOCSCTTY, 0) == 0);
		fg = fork();
		CHECK(fg >= 0);
		if (fg == 0) {
			signal(SIGHUP, on_sig);
			CHECK(write(p[1], "r", 1) == 1);
			while (got != SIGHUP)
				pause();
			(void)!write(p[1], "h", 1);
			_exit(0);
		}
		CHECK(read(p[0], &c, 1) == 1 && c == 'r');
		_exit(0);	/* the leader goes: the tty hangs up */
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 1 && c == 'h');
	return 0;
}

int
main(void)
{
	return run_in_child(test);
}
