/*
 * readv and writev gather and scatter their buffers in order; pread,
 * pwrite, preadv and pwritev use their offset and leave the file
 * position alone; a negative offset or iov_len and too many iovecs are
 * EINVAL, a positioned call on a pipe ESPIPE, a bad buffer EFAULT, a
 * file not open for it EBADF.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include "guest.h"

static char path[] = "/tmp/fd_rw_XXXXXX";

static void
check_vectors(int fd)
{
	char a[3], b[5], c[4];
	struct iovec out[3] = {
		{ "abc", 3 }, { "", 0 }, { "defghij", 7 },
	};
	struct iovec in[3] = {
		{ a, sizeof(a) }, { b, sizeof(b) }, { c, sizeof(c) },
	};

	CHECK(writev(fd, out, 3) == 10);
	CHECK(lseek(fd, 0, SEEK_CUR) == 10);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	/* 10 bytes into 12 of room: the last buffer gets 2. */
	CHECK(readv(fd, in, 3) == 10);
	CHECK(memcmp(a, "abc", 3) == 0 && memcmp(b, "defgh", 5) == 0);
	CHECK(memcmp(c, "ij", 2) == 0);
	CHECK(readv(fd, in, 3) == 0);
	CHECK(writev(fd, out, 0) == 0);
	CHECK(pwritev(fd, out, 1, 20) == 3);
	CHECK(preadv(fd, in, 1, 20) == 3 && memcmp(a, "abc", 3) == 0);
	CHECK(lseek(fd, 0, SEEK_CUR) == 10);
	CHECK(lseek(fd, 0, SEEK_END) == 23);
}

static void
check_positioned(int fd)
{
	char buf[8];

	CHECK(lseek(fd, 2, SEEK_SET) == 2);
	CHECK(pwrite(fd, "XY", 2, 5) == 2);
	CHECK(pread(fd, buf, 4, 4) == 4 && memcmp(buf, "eXYh", 4) == 0);
	CHECK(lseek(fd, 0, SEEK_CUR) == 2);
	CHECK(read(fd, buf, 1) == 1 && buf[0] == 'c');
	/* A hole reads as zeros; past the end reads nothing. */
	CHECK(pread(fd, buf, 4, 10) == 4 && buf[0] == 0 && buf[3] == 0);
	CHECK(pread(fd, buf, 4, 1000) == 0);
	CHECK_ERR(pread(fd, buf, 4, -1), EINVAL);
	CHECK_ERR(pwrite(fd, buf, 4, -1), EINVAL);
}

static void
check_errors(int fd)
{
	struct iovec iov[2] = { { "x", 1 }, { "y", (size_t)-1 } };
	static struct iovec many[IOV_MAX + 1];
	char buf[4];
	int p[2], ro;

	CHECK_ERR(writev(fd, iov, 2), EINVAL);
	CHECK_ERR(writev(fd, many, IOV_MAX + 1), EINVAL);
	CHECK_ERR(writev(fd, iov, -1), EINVAL);
	CHECK_ERR(read(fd, (void *)1, 4), EFAULT);
	CHECK_ERR(write(fd, (void *)1, 4), EFAULT);
	CHECK_ERR(readv(fd, (void *)1, 1), EFAULT);
	CHECK(pipe(p) == 0);
	CHECK_ERR(pread(p[0], buf, 1, 0), ESPIPE);
	CHECK_ERR(pwrite(p[1], "x", 1, 0), ESPIPE);
	CHECK_ERR(preadv(p[0], iov, 1, 0), ESPIPE);
	CHECK_ERR(lseek(p[0], 0, SEEK_CUR), ESPIPE);
	CHECK_ERR(write(p[0], "x", 1), EBADF);
	CHECK_ERR(read(p[1], buf, 1), EBADF);
	CHECK(close(p[0]) == 0 && close(p[1]) == 0);
	ro = open(path, O_RDONLY);
	CHECK(ro >= 0);
	CHECK_ERR(write(ro, "x", 1), EBADF);
	CHECK_ERR(pwrite(ro, "x", 1, 0), EBADF);
	CHECK(close(ro) == 0);
	CHECK_ERR(read(40, buf, 1), EBADF);
}

int
main(void)
{
	int fd;

	if (mkdir("/tmp", 01777) != 0)
		CHECK(errno == EEXIST);
	fd = mkstemp(path);
	CHECK(fd >= 0);
	check_vectors(fd);
	check_positioned(fd);
	check_errors(fd);
	CHECK(close(fd) == 0);
	CHECK(unlink(path) == 0);
	return 0;
}
