/*
 * dup, dup2, dup3 and fcntl: a duplicate is the lowest free fd (at or
 * above the F_DUPFD argument) and shares the open file (offset and
 * status flags) but not the close-on-exec flag, whose values FD_CLOEXEC,
 * O_CLOEXEC, F_DUPFD_CLOEXEC, FIOCLEX and FIONCLEX set; F_SETFL changes
 * only status flags; the error cases are EBADF and EINVAL.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <unistd.h>
#include "guest.h"

static char path[] = "/tmp/fd_dup_XXXXXX";

/* Duplicates share the offset; each has its own close-on-exec flag. */
static void
check_shared(int fd)
{
	int d = dup(fd);

	CHECK(d > fd);
	CHECK(write(fd, "0123456789", 10) == 10);
	CHECK(lseek(d, 0, SEEK_CUR) == 10);
	CHECK(lseek(d, 3, SEEK_SET) == 3);
	CHECK(lseek(fd, 0, SEEK_CUR) == 3);
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(d, F_GETFD) == 0);
	/* Status flags belong to the open file. */
	CHECK(fcntl(d, F_SETFL, O_APPEND | O_NONBLOCK) == 0);
	CHECK(fcntl(fd, F_GETFL) & O_APPEND);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	/* The access mode is not a status flag. */
	CHECK(fcntl(fd, F_SETFL, O_WRONLY) == 0);
	CHECK((fcntl(d, F_GETFL) & O_ACCMODE) == O_RDWR);
	CHECK(!(fcntl(d, F_GETFL) & (O_APPEND | O_NONBLOCK)));
	CHECK(!(fcntl(d, F_GETFL) & O_CLOEXEC));
	CHECK(close(d) == 0);
	CHECK_ERR(close(d), EBADF);
}

static void
check_dup23(int fd)
{
	CHECK(dup2(fd, 20) == 20);
	CHECK(fcntl(20, F_GETFD) == 0);
	CHECK(dup2(fd, fd) == fd);
	CHECK(dup2(fd, 20) == 20);
	CHECK_ERR(dup2(30, 31), EBADF);
	CHECK_ERR(dup2(30, 30), EBADF);
	CHECK_ERR(dup2(fd, -1), EBADF);
	CHECK(dup3(fd, 21, O_CLOEXEC) == 21);
	CHECK(fcntl(21, F_GETFD) == FD_CLOEXEC);
	CHECK(dup3(fd, 21, 0) == 21);
	CHECK(fcntl(21, F_GETFD) == 0);
	/* musl checks some of these itself: ask the kernel. */
	CHECK_ERR(syscall(SYS_dup3, fd, fd, 0), EINVAL);
	CHECK_ERR(syscall(SYS_dup3, fd, 22, O_NONBLOCK), EINVAL);
	CHECK_ERR(syscall(SYS_dup3, 30, 22, 0), EBADF);
	CHECK(close(20) == 0 && close(21) == 0);
}

static void
check_fcntl(int fd)
{
	struct rlimit rl;
	int d;

	CHECK(fcntl(fd, F_DUPFD, 100) == 100);
	CHECK(fcntl(fd, F_DUPFD, 100) == 101);
	CHECK(fcntl(fd, F_DUPFD_CLOEXEC, 100) == 102);
	CHECK(fcntl(102, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(102, F_SETFD, 0) == 0 && fcntl(102, F_GETFD) == 0);
	CHECK(ioctl(102, FIOCLEX) == 0 && fcntl(102, F_GETFD) == FD_CLOEXEC);
	CHECK(ioctl(102, FIONCLEX) == 0 && fcntl(102, F_GETFD) == 0);
	/* The lowest free fd: 101 again after closing it. */
	CHECK(close(101) == 0);
	CHECK(fcntl(fd, F_DUPFD, 100) == 101);
	for (d = 100; d <= 102; d++)
		CHECK(close(d) == 0);
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	CHECK_ERR(fcntl(fd, F_DUPFD, (int)rl.rlim_cur), EINVAL);
	CHECK_ERR(fcntl(fd, F_DUPFD, -1), EINVAL);
	CHECK_ERR(fcntl(fd, 12345), EINVAL);
	CHECK_ERR(fcntl(40, F_GETFD), EBADF);
	CHECK_ERR(fcntl(40, F_GETFL), EBADF);
	CHECK_ERR(fcntl(-1, F_GETFD), EBADF);
}

int
main(void)
{
	int fd;

	if (mkdir("/tmp", 01777) != 0)
		CHECK(errno == EEXIST);
	fd = mkostemp(path, O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(unlink(path) == 0);
	CHECK(dup(fd) == fd + 1);
	CHECK(close(fd + 1) == 0);
	check_shared(fd);
	check_dup23(fd);
	check_fcntl(fd);
	CHECK_ERR(dup(-1), EBADF);
	CHECK_ERR(dup(40), EBADF);
	CHECK(close(fd) == 0);
	return 0;
}
