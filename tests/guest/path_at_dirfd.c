/*
 * The *at() calls resolve a relative path from their dirfd: openat,
 * mkdirat, fstatat, renameat, linkat, symlinkat, readlinkat, faccessat,
 * fchmodat, utimensat and unlinkat in a subdirectory; absolute paths
 * ignore the dirfd; a bad dirfd is EBADF, a file dirfd ENOTDIR, an empty
 * path ENOENT unless AT_EMPTY_PATH; O_PATH directories serve as bases.
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
	struct timespec ts[2] = { { 1000, 0 }, { 2000, 0 } };
	char buf[64], abs[64];
	struct stat st;
	int dfd, fd, pfd, lfd;

	scratch_enter();
	CHECK(mkdir("sub", 0755) == 0);
	dfd = open("sub", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);

	fd = openat(dfd, "f", O_CREAT | O_EXCL | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "hello", 5) == 5);
	CHECK(close(fd) == 0);
	CHECK(fstatat(dfd, "f", &st, 0) == 0 && st.st_size == 5);
	CHECK(stat("sub/f", &st) == 0 && st.st_size == 5);

	CHECK(mkdirat(dfd, "d", 0755) == 0);
	CHECK(stat("sub/d", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(renameat(dfd, "f", dfd, "d/g") == 0);
	CHECK_ERR(fstatat(dfd, "f", &st, 0), ENOENT);
	CHECK(linkat(dfd, "d/g", AT_FDCWD, "top", 0) == 0);
	CHECK(stat("top", &st) == 0 && st.st_nlink == 2);

	CHECK(symlinkat("d/g", dfd, "ln") == 0);
	CHECK(readlinkat(dfd, "ln", buf, sizeof(buf)) == 3);
	CHECK(memcmp(buf, "d/g", 3) == 0);
	CHECK(fstatat(dfd, "ln", &st, AT_SYMLINK_NOFOLLOW) == 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK(faccessat(dfd, "ln", R_OK | W_OK, 0) == 0);
	CHECK(fchmodat(dfd, "ln", 0600, 0) == 0);
	CHECK(stat("sub/d/g", &st) == 0 && (st.st_mode & 07777) == 0600);
	CHECK(utimensat(dfd, "d/g", ts, 0) == 0);
	CHECK(stat("top", &st) == 0 && st.st_mtime == 2000);

	/* Absolute paths ignore the dirfd, even a bad one. */
	snprintf(abs, sizeof(abs), "%s/top", scratch_dir);
	CHECK(fstatat(-1, abs, &st, 0) == 0 && st.st_size == 5);
	CHECK(fstatat(12345, abs, &st, AT_SYMLINK_NOFOLLOW) == 0);
	CHECK_ERR(fstatat(12345, "top", &st, 0), EBADF);
	CHECK_ERR(mkdirat(12345, "x", 0755), EBADF);

	/* A file as dirfd: ENOTDIR for a relative path, itself if empty. */
	fd = openat(dfd, "d/g", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_ERR(fstatat(fd, "x", &st, 0), ENOTDIR);
	CHECK_ERR(openat(fd, "x", O_RDONLY), ENOTDIR);
	CHECK_ERR(syscall(SYS_newfstatat, fd, "", &st, 0), ENOENT);
	CHECK(syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH) == 0);
	CHECK(S_ISREG(st.st_mode) && st.st_size == 5);
	CHECK(close(fd) == 0);

	/* O_PATH directories and symlinks. */
	pfd = open("sub", O_PATH | O_DIRECTORY);
	CHECK(pfd >= 0);
	CHECK(fstatat(pfd, "d/g", &st, 0) == 0 && st.st_size == 5);
	lfd = openat(pfd, "ln", O_PATH | O_NOFOLLOW);
	CHECK(lfd >= 0);
	CHECK(readlinkat(lfd, "", buf, sizeof(buf)) == 3);
	CHECK_ERR(readlinkat(pfd, "", buf, sizeof(buf)), ENOENT);
	CHECK(close(lfd) == 0);
	CHECK(close(pfd) == 0);

	CHECK_ERR(unlinkat(dfd, "ln", 0x1), EINVAL);
	CHECK(unlinkat(dfd, "ln", 0) == 0);
	CHECK_ERR(unlinkat(dfd, "d", AT_REMOVEDIR), ENOTEMPTY);
	CHECK_ERR(unlinkat(dfd, "d", 0), EISDIR);
	CHECK(unlinkat(dfd, "d/g", 0) == 0);
	CHECK(unlinkat(dfd, "d", AT_REMOVEDIR) == 0);
	CHECK(unlinkat(AT_FDCWD, "top", 0) == 0);
	CHECK(close(dfd) == 0);
	scratch_leave();
	return 0;
}
