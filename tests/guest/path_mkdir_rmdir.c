/*
 * mkdir and rmdir errors: EEXIST, ENOENT for a missing parent, ENOTDIR
 * for a file in the path or rmdir of a file, ENOTEMPTY, EINVAL for
 * rmdir("."), EISDIR for unlink of a directory; a trailing slash is fine
 * for mkdir and rmdir.
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

int
main(void)
{
	struct stat st;
	int fd;

	scratch_enter();
	CHECK(mkdir("d", 0755) == 0);
	CHECK_ERR(mkdir("d", 0755), EEXIST);
	CHECK_ERR(mkdir("missing/x", 0755), ENOENT);
	CHECK_ERR(mkdir(".", 0755), EEXIST);
	CHECK_ERR(mkdir("d/..", 0755), EEXIST);
	fd = open("f", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK(close(fd) == 0);
	CHECK_ERR(mkdir("f", 0755), EEXIST);
	CHECK_ERR(mkdir("f/x", 0755), ENOTDIR);
	CHECK(mkdir("t/", 0755) == 0);
	CHECK(stat("t", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(mkdir("d/e", 0755) == 0);

	CHECK_ERR(rmdir("d"), ENOTEMPTY);
	CHECK_ERR(rmdir("f"), ENOTDIR);
	CHECK_ERR(rmdir("f/"), ENOTDIR);
	CHECK_ERR(rmdir("missing"), ENOENT);
	CHECK_ERR(rmdir("."), EINVAL);
	CHECK_ERR(rmdir("d/e/."), EINVAL);
	CHECK_ERR(rmdir("d/e/.."), ENOTEMPTY);
	CHECK_ERR(unlink("d/e"), EISDIR);
	CHECK_ERR(unlink("f/"), ENOTDIR);
	CHECK(rmdir("d/e/") == 0);
	CHECK_ERR(stat("d/e", &st), ENOENT);
	CHECK(rmdir("d") == 0);
	CHECK(rmdir("t") == 0);
	CHECK_ERR(rmdir("t"), ENOENT);
	CHECK(unlink("f") == 0);
	scratch_leave();
	return 0;
}
