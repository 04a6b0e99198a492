/*
 * FIFOs made with mkfifo work as pipes: a blocking open of one end
 * waits for the other, a non-blocking write-only open without a reader
 * is ENXIO, a non-blocking reader without writers reads end of file but
 * polls no hang-up until a writer came and went, O_RDWR opens at once,
 * and fstat says S_IFIFO.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

static char dir[] = "/tmp/fifo_XXXXXX";
static char path[64];

/* Both blocking opens wait for each other. */
static void
check_blocking(void)
{
	char buf[8];
	int fd, status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		fd = open(path, O_WRONLY);
		_exit(fd >= 0 && write(fd, "hi", 2) == 2 ? 0 : 1);
	}
	usleep(50 * 1000);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK(read(fd, buf, sizeof(buf)) == 2 && memcmp(buf, "hi", 2) == 0);
	CHECK(read(fd, buf, sizeof(buf)) == 0);
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	CHECK(close(fd) == 0);
}

static void
check_nonblocking(void)
{
	struct pollfd pfd = { .events = POLLIN };
	char buf[8];
	int rd, wr;

	CHECK_ERR(open(path, O_WRONLY | O_NONBLOCK), ENXIO);
	rd = open(path, O_RDONLY | O_NONBLOCK);
	CHECK(rd >= 0);
	CHECK(read(rd, buf, sizeof(buf)) == 0);
	pfd.fd = rd;
	CHECK(poll(&pfd, 1, 0) == 0);
	wr = open(path, O_WRONLY | O_NONBLOCK);
	CHECK(wr >= 0);
	CHECK(write(wr, "abc", 3) == 3);
	CHECK(read(rd, buf, sizeof(buf)) == 3 && memcmp(buf, "abc", 3) == 0);
	CHECK_ERR(read(rd, buf, sizeof(buf)), EAGAIN);
	CHECK(close(wr) == 0);
	CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLHUP);
	CHECK(close(rd) == 0);
}

int
main(void)
{
	struct stat st;
	int fd;

	if (mkdir("/tmp", 01777) != 0)
		CHECK(errno == EEXIST);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CHECK(mkfifo(path, 0600) == 0);
	CHECK(stat(path, &st) == 0 && S_ISFIFO(st.st_mode));
	check_blocking();
	check_nonblocking();
	fd = open(path, O_RDWR);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode));
	CHECK(write(fd, "x", 1) == 1 && read(fd, &st, 1) == 1);
	CHECK(close(fd) == 0);
	CHECK(unlink(path) == 0 && rmdir(dir) == 0);
	return 0;
}
