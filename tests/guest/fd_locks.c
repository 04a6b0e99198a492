/*
 * flock and fcntl record locks check their arguments: a lock may be
 * taken, converted and dropped; an unknown flock operation is EINVAL; a
 * read lock needs a readable and a write lock a writable fd (EBADF); a
 * bad type or whence is EINVAL; F_GETLK on a file nobody else locks
 * says F_UNLCK; a closed fd is EBADF.
 */
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "guest.h"

static char path[] = "/tmp/fd_locks_XXXXXX";

static void
check_flock(int fd)
{
	CHECK(flock(fd, LOCK_SH) == 0);
	CHECK(flock(fd, LOCK_EX | LOCK_NB) == 0);
	CHECK(flock(fd, LOCK_UN) == 0);
	CHECK_ERR(flock(fd, 0), EINVAL);
	CHECK_ERR(flock(fd, LOCK_SH | LOCK_EX), EINVAL);
	CHECK_ERR(flock(fd, LOCK_NB), EINVAL);
	CHECK_ERR(flock(40, LOCK_SH), EBADF);
}

static void
check_posix(int rw, int ro)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			    .l_start = 0, .l_len = 10 };

	CHECK(fcntl(rw, F_SETLK, &fl) == 0);
	fl.l_type = F_RDLCK;
	CHECK(fcntl(ro, F_SETLKW, &fl) == 0);
	fl.l_type = F_WRLCK;
	CHECK_ERR(fcntl(ro, F_SETLK, &fl), EBADF);
	fl.l_type = F_UNLCK;
	CHECK(fcntl(rw, F_SETLK, &fl) == 0);
	fl.l_type = F_WRLCK;
	CHECK(fcntl(rw, F_GETLK, &fl) == 0 && fl.l_type == F_UNLCK);
	fl.l_type = 7;
	CHECK_ERR(fcntl(rw, F_SETLK, &fl), EINVAL);
	fl.l_type = F_RDLCK;
	fl.l_whence = 9;
	CHECK_ERR(fcntl(rw, F_SETLK, &fl), EINVAL);
	fl.l_whence = SEEK_SET;
	fl.l_start = -5;
	CHECK_ERR(fcntl(rw, F_SETLK, &fl), EINVAL);
	CHECK_ERR(fcntl(40, F_SETLK, &fl), EBADF);
}

int
main(void)
{
	int rw, ro;

	if (mkdir("/tmp", 01777) != 0)
		CHECK(errno == EEXIST);
	rw = mkstemp(path);
	CHECK(rw >= 0);
	ro = open(path, O_RDONLY);
	CHECK(ro >= 0);
	check_flock(rw);
	check_posix(rw, ro);
	CHECK(close(ro) == 0 && close(rw) == 0);
	CHECK(unlink(path) == 0);
	return 0;
}
