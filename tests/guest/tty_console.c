/*
 * The console when the host's stdin and stdout are not terminals (as
 * run.sh runs the guest tests: stdin /dev/null, stdout a file): fds 0-2
 * are the console, a terminal, whose termios start as Linux's but with
 * ECHO and OPOST off, so that output reaches the file as written; a read
 * is end-of-file at once; init has no controlling terminal (/dev/tty is
 * ENXIO) until a new session opens the console.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include "guest.h"

static int
new_session(void)
{
	int fd;

	CHECK(setsid() == getpid());
	fd = open("/dev/console", O_RDWR);
	CHECK(fd >= 0);
	CHECK(tcgetpgrp(fd) == getpid());
	CHECK(open("/dev/tty", O_RDWR) >= 0);
	return 0;
}

int
main(void)
{
	struct termios t;
	char buf[16];
	int fd, status;
	pid_t pid;

	for (fd = 0; fd < 3; fd++)
		CHECK(isatty(fd));
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	CHECK(fd >= 0 && tcgetattr(fd, &t) == 0);
	CHECK((t.c_lflag & (ICANON | ISIG)) == (ICANON | ISIG));
	CHECK(!(t.c_lflag & ECHO) && !(t.c_oflag & OPOST));
	CHECK(t.c_cc[VINTR] == 3 && t.c_cc[VEOF] == 4 && t.c_cc[VERASE] == 0177);
	CHECK(write(1, "tty_console: written\n", 21) == 21);
	CHECK(read(0, buf, sizeof(buf)) == 0);
	CHECK(read(fd, buf, sizeof(buf)) == 0);
	CHECK_ERR(open("/dev/tty", O_RDWR), ENXIO);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(new_session());
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return 0;
}
