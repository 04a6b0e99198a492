/*
 * A pipe's capacity: 64 KiB by default, F_SETPIPE_SZ rounds up to a
 * power of two of at least a page and keeps the data, refuses to shrink
 * below what is buffered (EBUSY), and is EBADF on a file that is not a
 * pipe; FIONREAD counts the bytes waiting.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "guest.h"

static char buf[70000];

int
main(void)
{
	int p[2], n, fd;

	CHECK(pipe2(p, O_NONBLOCK) == 0);
	CHECK(fcntl(p[0], F_GETPIPE_SZ) == 65536);
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 5000) == 8192);
	CHECK(fcntl(p[0], F_GETPIPE_SZ) == 8192);
	CHECK(fcntl(p[0], F_SETPIPE_SZ, 1) == 4096);
	CHECK(write(p[1], "hello", 5) == 5);
	CHECK(ioctl(p[0], FIONREAD, &n) == 0 && n == 5);
	CHECK(fcntl(p[0], F_SETPIPE_SZ, 131072) == 131072);
	CHECK(ioctl(p[0], FIONREAD, &n) == 0 && n == 5);
	CHECK(read(p[0], buf, 2) == 2 && memcmp(buf, "he", 2) == 0);
	CHECK(write(p[1], buf, sizeof(buf)) == sizeof(buf));
	CHECK_ERR(fcntl(p[0], F_SETPIPE_SZ, 65536), EBUSY);
	CHECK(read(p[0], buf, 3) == 3 && memcmp(buf, "llo", 3) == 0);
	CHECK(ioctl(p[0], FIONREAD, &n) == 0 && n == sizeof(buf));
	CHECK(close(p[0]) == 0 && close(p[1]) == 0);
	fd = open("/", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_ERR(fcntl(fd, F_GETPIPE_SZ), EBADF);
	CHECK_ERR(fcntl(fd, F_SETPIPE_SZ, 4096), EBADF);
	CHECK(close(fd) == 0);
	return 0;
}
