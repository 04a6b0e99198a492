/*
 * Non-blocking pipes: reading an empty pipe and writing a full one fail
 * with EAGAIN; a pipe holds 64 KiB (F_GETPIPE_SZ); a write longer than
 * PIPE_BUF takes what fits; O_NONBLOCK set later with F_SETFL or FIONBIO
 * acts the same, and clearing it makes reads block again.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "guest.h"

static char buf[16384];

int
main(void)
{
	int p[2], on = 1;
	size_t total = 0;
	ssize_t n;

	CHECK(pipe2(p, O_NONBLOCK) == 0);
	CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	CHECK_ERR(read(p[0], buf, 1), EAGAIN);
	CHECK(fcntl(p[1], F_GETPIPE_SZ) == 65536);
	while ((n = write(p[1], buf, 4096)) > 0)
		total += (size_t)n;
	CHECK(n == -1 && errno == EAGAIN);
	CHECK(total == 65536);
	CHECK_ERR(write(p[1], buf, 1), EAGAIN);
	CHECK(ioctl(p[0], FIONREAD, &on) == 0 && on == 65536);
	/* Room for two pages: a long write takes what fits. */
	CHECK(read(p[0], buf, 8192) == 8192);
	CHECK(write(p[1], buf, 10000) == 8192);
	CHECK(read(p[0], buf, sizeof(buf)) == sizeof(buf));
	CHECK(close(p[0]) == 0);
	CHECK(close(p[1]) == 0);

	/* Set later: F_SETFL on one end, FIONBIO on the other. */
	CHECK(pipe(p) == 0);
	CHECK(!(fcntl(p[0], F_GETFL) & O_NONBLOCK));
	CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
	CHECK_ERR(read(p[0], buf, 1), EAGAIN);
	on = 1;
	CHECK(ioctl(p[1], FIONBIO, &on) == 0);
	CHECK(fcntl(p[1], F_GETFL) & O_NONBLOCK);
	while (write(p[1], buf, 4096) > 0)
		;
	CHECK(errno == EAGAIN);
	/* Blocking again: there is data, so the read does not wait. */
	CHECK(fcntl(p[0], F_SETFL, 0) == 0);
	CHECK(read(p[0], buf, 100) == 100);
	CHECK(close(p[0]) == 0);
	CHECK(close(p[1]) == 0);
	return 0;
}
