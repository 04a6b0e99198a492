/*
 * A fatal signal ends a process blocked on a pipe: in read of an empty
 * pipe, in write to a full one, in poll and in select without a
 * timeout, and in the open of a FIFO that has no partner.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

enum { READ, WRITE, POLL, SELECT, FIFO, NWAYS };

static char dir[] = "/tmp/kill_XXXXXX";
static char fifo[64];

static void
block(int way, int p[2])
{
	static char buf[65536];
	struct pollfd pfd = { .fd = p[0], .events = POLLIN };
	fd_set r;

	switch (way) {
	case READ:
		read(p[0], buf, 1);
		break;
	case WRITE:
		for (;;)
			write(p[1], buf, sizeof(buf));
	case POLL:
		poll(&pfd, 1, -1);
		break;
	case SELECT:
		FD_ZERO(&r);
		FD_SET(p[0], &r);
		select(p[0] + 1, &r, NULL, NULL, NULL);
		break;
	case FIFO:
		open(fifo, O_RDONLY);
		break;
	}
	_exit(0);
}

int
main(void)
{
	int p[2], status;
	pid_t pid;

	if (mkdir("/tmp", 01777) != 0)
		CHECK(errno == EEXIST);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	CHECK(mkfifo(fifo, 0600) == 0);
	for (int way = 0; way < NWAYS; way++) {
		CHECK(pipe(p) == 0);
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0)
			block(way, p);
		usleep(100 * 1000);
		CHECK(kill(pid, way % 2 ? SIGKILL : SIGTERM) == 0);
		CHECK(waitpid(pid, &status, 0) == pid);
		CHECK(WIFSIGNALED(status));
		CHECK(WTERMSIG(status) == (way % 2 ? SIGKILL : SIGTERM));
		CHECK(close(p[0]) == 0 && close(p[1]) == 0);
	}
	CHECK(unlink(fifo) == 0 && rmdir(dir) == 0);
	return 0;
}
