/*
 * open and openat flags: O_CREAT|O_EXCL, O_DIRECTORY, O_NOFOLLOW,
 * O_CLOEXEC (on the fd only), O_PATH (no I/O, fstat works), O_TMPFILE
 * (works or is EOPNOTSUPP; EINVAL without write access), write access
 * to a directory (EISDIR), trailing slashes and creat().
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

static void
check_create(void)
{
	struct stat st;
	int fd;

	fd = open("f", O_CREAT | O_EXCL | O_RDWR, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "abc", 3) == 3);
	CHECK(close(fd) == 0);
	CHECK_ERR(open("f", O_CREAT | O_EXCL | O_RDWR, 0644), EEXIST);
	CHECK_ERR(open("missing", O_RDONLY), ENOENT);
	fd = open("f", O_CREAT | O_RDONLY, 0600);	/* exists: opened */
	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0644);
	CHECK(close(fd) == 0);
	fd = syscall(SYS_creat, "f", 0600);		/* truncates */
	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 0);
	CHECK_ERR(read(fd, &st, 1), EBADF);		/* write-only */
	CHECK(close(fd) == 0);

	CHECK(mkdir("d", 0755) == 0);
	CHECK_ERR(open("d", O_WRONLY), EISDIR);
	CHECK_ERR(open("d", O_RDWR), EISDIR);
	CHECK_ERR(open("d", O_CREAT | O_WRONLY, 0644), EISDIR);
	CHECK_ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_ERR(open("f/", O_RDONLY), ENOTDIR);
	CHECK_ERR(open("new/", O_CREAT | O_WRONLY, 0644), EISDIR);
	fd = open("d/", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	CHECK(close(fd) == 0);
}

static void
check_cloexec(void)
{
	int fd;

	fd = open("f", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
	CHECK((fcntl(fd, F_GETFL) & O_CLOEXEC) == 0);
	CHECK(close(fd) == 0);
	fd = openat(AT_FDCWD, "f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFD) == 0);
	CHECK(close(fd) == 0);
}

static void
check_path_and_links(void)
{
	struct stat st;
	char c;
	int fd;

	CHECK(symlink("f", "sl") == 0);
	CHECK_ERR(open("sl", O_RDONLY | O_NOFOLLOW), ELOOP);
	fd = open("sl", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(close(fd) == 0);

	fd = open("sl", O_PATH | O_NOFOLLOW);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(close(fd) == 0);
	fd = open("f", O_PATH | O_RDWR | O_TRUNC);	/* O_TRUNC ignored */
	CHECK(fd >= 0);
	CHECK_ERR(read(fd, &c, 1), EBADF);
	CHECK_ERR(write(fd, "x", 1), EBADF);
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
	CHECK(close(fd) == 0);
}

static void
check_tmpfile(void)
{
	struct stat st;
	int fd;

	CHECK_ERR(open("d", O_TMPFILE | O_RDONLY, 0600), EINVAL);
	CHECK_ERR(open("d", O_TMPFILE | O_CREAT | O_RDWR, 0600), EINVAL);
	fd = open("d", O_TMPFILE | O_RDWR, 0600);
	if (fd < 0) {
		CHECK(errno == EOPNOTSUPP);
		return;
	}
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
	CHECK(st.st_nlink == 0);
	CHECK(close(fd) == 0);
}

int
main(void)
{
	scratch_enter();
	check_create();
	check_cloexec();
	check_path_and_links();
	check_tmpfile();
	scratch_leave();
	return 0;
}
