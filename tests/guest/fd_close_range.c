/*
 * close_range closes the open fds of a range and skips the holes,
 * CLOSE_RANGE_CLOEXEC marks them close-on-exec instead, a range past
 * every open fd is fine, and a reversed range or an unknown flag is
 * EINVAL.
 */
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "guest.h"

#define CLOSE_RANGE_CLOEXEC	(1U << 2)	/* <linux/close_range.h> */

static int
close_range3(unsigned int first, unsigned int last, unsigned int flags)
{
	return (int)syscall(SYS_close_range, first, last, flags);
}

int
main(void)
{
	int fd;

	for (fd = 100; fd <= 105; fd++)
		CHECK(dup2(0, fd) == fd);
	CHECK(close(102) == 0);
	CHECK(close_range3(101, 103, 0) == 0);
	CHECK(fcntl(100, F_GETFD) == 0);
	CHECK_ERR(fcntl(101, F_GETFD), EBADF);
	CHECK_ERR(fcntl(103, F_GETFD), EBADF);
	CHECK(fcntl(104, F_GETFD) == 0);
	CHECK(close_range3(104, ~0U, CLOSE_RANGE_CLOEXEC) == 0);
	CHECK(fcntl(104, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(105, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(100, F_GETFD) == 0);
	CHECK(close_range3(104, ~0U, 0) == 0);
	CHECK_ERR(fcntl(105, F_GETFD), EBADF);
	CHECK(close_range3(1000, 2000, 0) == 0);
	CHECK_ERR(close_range3(5, 4, 0), EINVAL);
	CHECK_ERR(close_range3(100, 100, 0x80), EINVAL);
	CHECK(fcntl(100, F_GETFD) == 0);
	CHECK(close_range3(100, 100, 0) == 0);
	CHECK_ERR(close(100), EBADF);
	return 0;
}
