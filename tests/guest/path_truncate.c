/*
 * truncate and ftruncate shrink a file (the tail is gone) and grow it
 * (the new bytes read as zeros), set mtime when the size changes, and
 * fail as Linux: EINVAL for a negative length or an fd not open for
 * writing, EISDIR for a directory, ENOENT, EBADF; O_TRUNC empties.
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
	struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
	char buf[8192];
	struct stat st;
	int fd, rfd;

	scratch_enter();
	fd = open("f", O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "0123456789", 10) == 10);
	CHECK(futimens(fd, old) == 0);
	CHECK(truncate("f", 4) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 4);
	CHECK(st.st_mtime > 1000);
	CHECK(pread(fd, buf, sizeof(buf), 0) == 4);
	CHECK(memcmp(buf, "0123", 4) == 0);

	CHECK(truncate("f", 8192) == 0);
	CHECK(stat("f", &st) == 0 && st.st_size == 8192);
	memset(buf, 'x', sizeof(buf));
	CHECK(pread(fd, buf, sizeof(buf), 0) == 8192);
	CHECK(memcmp(buf, "0123", 4) == 0);
	for (int i = 4; i < 8192; i++)
		CHECK(buf[i] == 0);

	CHECK(futimens(fd, old) == 0);
	CHECK(ftruncate(fd, 2) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 2 && st.st_mtime > 1000);
	CHECK(ftruncate(fd, 0) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 0);
	CHECK(write(fd, "abc", 3) == 3);

	rfd = open("f", O_RDONLY);
	CHECK(rfd >= 0);
	CHECK_ERR(ftruncate(rfd, 0), EINVAL);
	CHECK(close(rfd) == 0);
	CHECK_ERR(truncate("f", -1), EINVAL);
	CHECK_ERR(ftruncate(fd, -1), EINVAL);
	CHECK(mkdir("d", 0755) == 0);
	CHECK_ERR(truncate("d", 0), EISDIR);
	CHECK_ERR(truncate("missing", 0), ENOENT);
	CHECK_ERR(ftruncate(12345, 0), EBADF);

	rfd = open("f", O_WRONLY | O_TRUNC);
	CHECK(rfd >= 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 0);
	CHECK(close(rfd) == 0);
	CHECK(close(fd) == 0);
	scratch_leave();
	return 0;
}
