/*
 * A read of an empty pipe blocks until a writer writes and returns what
 * is there; once every write end is closed (the writer exited, the
 * reader closed its own copy) reads drain the data and then return 0.
 */
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

static void
writer(int fd)
{
	usleep(100 * 1000);
	CHECK(write(fd, "hello", 5) == 5);
	usleep(100 * 1000);
	CHECK(write(fd, "world!", 6) == 6);
	_exit(0);
}

int
main(void)
{
	char buf[64];
	int p[2], status;
	pid_t pid;

	CHECK(pipe(p) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		writer(p[1]);
	}
	CHECK(close(p[1]) == 0);
	/* Each read blocks for the next write and returns just that. */
	CHECK(read(p[0], buf, sizeof(buf)) == 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK(read(p[0], buf, sizeof(buf)) == 6);
	CHECK(memcmp(buf, "world!", 6) == 0);
	/* The writer is gone: end of file, every time. */
	CHECK(read(p[0], buf, sizeof(buf)) == 0);
	CHECK(read(p[0], buf, sizeof(buf)) == 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(close(p[0]) == 0);

	/* Data written before the last close is still read first. */
	CHECK(pipe(p) == 0);
	CHECK(write(p[1], "abc", 3) == 3);
	CHECK(close(p[1]) == 0);
	CHECK(read(p[0], buf, 2) == 2);
	CHECK(read(p[0], buf, sizeof(buf)) == 1 && buf[0] == 'c');
	CHECK(read(p[0], buf, sizeof(buf)) == 0);
	/* A zero-length read returns 0 at once. */
	CHECK(read(p[0], buf, 0) == 0);
	CHECK(close(p[0]) == 0);
	return 0;
}
