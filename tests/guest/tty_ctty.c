/*
 * Controlling terminals and job control on a pty slave: a new session has
 * none (/dev/tty is ENXIO) until TIOCSCTTY; then /dev/tty opens it,
 * TIOCGSID and TIOCGPGRP name the session, TIOCSPGRP moves the
 * foreground to another group of the session (ESRCH for no such group,
 * EPERM for one of another session), ^C from the master kills the foreground group with SIGINT,
 * and TIOCNOTTY lets the terminal go.
 */
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include "guest.h"

/* A member of a new group, in the foreground, waiting for input. */
static pid_t
start_reader(int s)
{
	char c;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		for (;;)
			if (read(s, &c, 1) < 0)
				_exit(3);
	}
	CHECK(setpgid(pid, pid) == 0 || errno == EACCES);
	return pid;
}

/* The group of a process in another session. */
static pid_t other;

static void
check_foreground(int m, int s)
{
	pid_t pgrp, reader = start_reader(s);
	int bad = 999999, status;

	CHECK_ERR(ioctl(s, TIOCSPGRP, &bad), ESRCH);
	CHECK_ERR(ioctl(s, TIOCSPGRP, &other), EPERM);
	CHECK(tcsetpgrp(s, reader) == 0);
	CHECK(tcgetpgrp(s) == reader);
	CHECK(write(m, "\003", 1) == 1);
	CHECK(waitpid(reader, &status, 0) == reader);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
	/* Back to us: from the background, with SIGTTOU ignored. */
	signal(SIGTTOU, SIG_IGN);
	pgrp = getpgrp();
	CHECK(ioctl(s, TIOCSPGRP, &pgrp) == 0);
	CHECK(tcgetpgrp(s) == getpgrp());
}

static int
session(void)
{
	int m, s, fd;
	pid_t sid = -1;

	CHECK(setsid() == getpid());
	CHECK(openpty(&m, &s, NULL, NULL, NULL) == 0);
	CHECK_ERR(open("/dev/tty", O_RDWR), ENXIO);
	CHECK_ERR(ioctl(s, TIOCGSID, &sid), ENOTTY);
	CHECK(ioctl(s, TIOCSCTTY, 0) == 0);
	CHECK(ioctl(s, TIOCGSID, &sid) == 0 && sid == getpid());
	CHECK(tcgetpgrp(s) == getpid());
	fd = open("/dev/tty", O_RDWR);
	CHECK(fd >= 0 && isatty(fd));
	CHECK(tcgetpgrp(fd) == getpid());
	check_foreground(m, s);
	signal(SIGHUP, SIG_IGN);
	CHECK(ioctl(fd, TIOCNOTTY) == 0);
	CHECK_ERR(open("/dev/tty", O_RDWR), ENXIO);
	CHECK_ERR(tcgetpgrp(s), ENOTTY);
	return 0;
}

int
main(void)
{
	int status, p[2];
	pid_t pid;
	char c;

	CHECK(pipe(p) == 0);
	other = fork();
	CHECK(other >= 0);
	if (other == 0) {
		setsid();
		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 ? 0 : 1);
	}
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(session());
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(close(p[1]) == 0);
	CHECK(waitpid(other, &status, 0) == other);
	return 0;
}
