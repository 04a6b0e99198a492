/*
 * getcwd follows chdir, fchdir (also on an O_PATH fd) and "..";
 * relative paths start at the cwd; the raw getcwd returns the length
 * with the NUL or ERANGE; chdir to a file is ENOTDIR; the path of a
 * removed cwd is ENOENT.
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
expect_cwd(const char *want)
{
	char buf[256];
	long n;

	CHECK(getcwd(buf, sizeof(buf)) == buf);
	if (strcmp(buf, want) != 0) {
		fprintf(stderr, "FAIL: cwd %s, expected %s\n", buf, want);
		exit(1);
	}
	n = syscall(SYS_getcwd, buf, sizeof(buf));
	CHECK(n == (long)strlen(want) + 1);
}

int
main(void)
{
	char sub[64], buf[256];
	struct stat st;
	int fd, pfd, ffd;
	size_t len;

	scratch_enter();
	expect_cwd(scratch_dir);
	len = strlen(scratch_dir);
	CHECK_ERR(syscall(SYS_getcwd, buf, len), ERANGE);
	CHECK(syscall(SYS_getcwd, buf, len + 1) == (long)len + 1);
	CHECK_ERR(syscall(SYS_getcwd, buf, 0), ERANGE);

	CHECK(mkdir("sub", 0755) == 0);
	CHECK(chdir("sub") == 0);
	snprintf(sub, sizeof(sub), "%s/sub", scratch_dir);
	expect_cwd(sub);
	fd = open("here", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK(close(fd) == 0);
	CHECK(chdir("..") == 0);
	expect_cwd(scratch_dir);
	CHECK(stat("sub/here", &st) == 0);

	fd = open("sub", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	CHECK(fchdir(fd) == 0);
	expect_cwd(sub);
	CHECK(chdir(scratch_dir) == 0);
	pfd = open("sub", O_PATH);
	CHECK(pfd >= 0);
	CHECK(fchdir(pfd) == 0);
	expect_cwd(sub);
	CHECK(chdir("/") == 0);
	expect_cwd("/");
	CHECK(chdir("..") == 0);
	expect_cwd("/");
	CHECK(chdir(scratch_dir) == 0);

	ffd = open("sub/here", O_RDONLY);
	CHECK(ffd >= 0);
	CHECK_ERR(fchdir(ffd), ENOTDIR);
	CHECK_ERR(chdir("sub/here"), ENOTDIR);
	CHECK_ERR(chdir("missing"), ENOENT);
	CHECK_ERR(fchdir(12345), EBADF);
	expect_cwd(scratch_dir);

	/* Remove the cwd from under us. */
	CHECK(unlink("sub/here") == 0);
	CHECK(fchdir(fd) == 0);
	CHECK(rmdir(sub) == 0);
	CHECK_ERR(syscall(SYS_getcwd, buf, sizeof(buf)), ENOENT);
	CHECK_ERR(open("new", O_CREAT | O_WRONLY, 0644), ENOENT);
	CHECK(chdir(scratch_dir) == 0);
	expect_cwd(scratch_dir);
	CHECK(close(fd) == 0);
	CHECK(close(pfd) == 0);
	CHECK(close(ffd) == 0);
	scratch_leave();
	return 0;
}
