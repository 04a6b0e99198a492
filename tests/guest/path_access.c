/*
 * access, faccessat and faccessat2: F_OK/R_OK/W_OK/X_OK against the
 * mode bits (root may read and write anything, execute only with some x
 * bit), through symlinks unless AT_SYMLINK_NOFOLLOW, and EINVAL for bad
 * modes and flags.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "guest.h"

static long
faccessat2_(int dfd, const char *path, int mode, int flags)
{
	return syscall(SYS_faccessat2, dfd, path, mode, flags);
}

int
main(void)
{
	int fd;

	scratch_enter();
	fd = open("f", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK(close(fd) == 0);
	CHECK(access("f", F_OK) == 0);
	CHECK(access("f", R_OK | W_OK) == 0);
	CHECK_ERR(access("f", X_OK), EACCES);
	CHECK_ERR(access("missing", F_OK), ENOENT);
	CHECK_ERR(access("f/x", F_OK), ENOTDIR);
	CHECK_ERR(access("f", 8), EINVAL);
	CHECK(chmod("f", 0700) == 0);
	CHECK(access("f", X_OK) == 0);

	CHECK(chmod("f", 0400) == 0);
	CHECK(access("f", R_OK) == 0);
	if (geteuid() == 0)
		CHECK(access("f", W_OK) == 0);
	else
		CHECK_ERR(access("f", W_OK), EACCES);
	CHECK(chmod("f", 0) == 0);
	if (geteuid() != 0)
		CHECK_ERR(access("f", R_OK), EACCES);
	CHECK(chmod("f", 0644) == 0);

	CHECK(symlink("missing", "dangling") == 0);
	CHECK_ERR(access("dangling", F_OK), ENOENT);
	CHECK(faccessat(AT_FDCWD, "f", R_OK, 0) == 0);
	CHECK(faccessat2_(AT_FDCWD, "dangling", F_OK,
			  AT_SYMLINK_NOFOLLOW) == 0);
	CHECK(faccessat2_(AT_FDCWD, "f", R_OK, AT_EACCESS) == 0);
	CHECK_ERR(faccessat2_(AT_FDCWD, "f", R_OK, 0x1), EINVAL);
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(faccessat2_(fd, "", R_OK, AT_EMPTY_PATH) == 0);
	CHECK_ERR(faccessat2_(fd, "", R_OK, 0), ENOENT);
	CHECK_ERR(faccessat2_(fd, "x", R_OK, 0), ENOTDIR);
	CHECK(close(fd) == 0);
	scratch_leave();
	return 0;
}
