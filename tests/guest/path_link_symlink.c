/*
 * Hard links share an inode and its link count; unlink drops one name
 * and the data lives on under the other.  Symlinks store their target
 * as given (dangling ones too): readlink returns it without a NUL, cut to
 * the buffer; opening through one follows it (O_CREAT makes the target),
 * O_NOFOLLOW refuses it (ELOOP), a loop is ELOOP; linkat follows a link
 * only with AT_SYMLINK_FOLLOW.
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
check_hard(void)
{
	struct stat a, b;
	char buf[8];
	int fd;

	fd = open("a", O_CREAT | O_EXCL | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "data", 4) == 4);
	CHECK(close(fd) == 0);
	CHECK(link("a", "b") == 0);
	CHECK(stat("a", &a) == 0 && stat("b", &b) == 0);
	CHECK(a.st_ino == b.st_ino && a.st_nlink == 2);
	CHECK_ERR(link("a", "b"), EEXIST);
	CHECK_ERR(link("nope", "c"), ENOENT);
	CHECK(mkdir("d", 0755) == 0);
	CHECK_ERR(link("d", "d2"), EPERM);
	CHECK_ERR(link("a", "nodir/c"), ENOENT);

	CHECK(unlink("a") == 0);
	CHECK_ERR(unlink("a"), ENOENT);
	CHECK(stat("b", &b) == 0 && b.st_nlink == 1);
	fd = open("b", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(unlink("b") == 0);
	CHECK(read(fd, buf, sizeof(buf)) == 4 && memcmp(buf, "data", 4) == 0);
	CHECK(fstat(fd, &b) == 0 && b.st_nlink == 0);
	CHECK(close(fd) == 0);
	CHECK_ERR(unlink("d"), EISDIR);
}

static void
check_symlink(void)
{
	struct stat st;
	char buf[16];
	int fd;

	CHECK(symlink("target", "sl") == 0);
	CHECK(lstat("sl", &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(st.st_size == 6);
	CHECK_ERR(stat("sl", &st), ENOENT);
	memset(buf, 'X', sizeof(buf));
	CHECK(readlink("sl", buf, sizeof(buf)) == 6);
	CHECK(memcmp(buf, "targetX", 7) == 0);
	CHECK(readlink("sl", buf, 3) == 3 && memcmp(buf, "tar", 3) == 0);
	CHECK_ERR(syscall(SYS_readlink, "sl", buf, 0), EINVAL);
	CHECK_ERR(symlink("target", "sl"), EEXIST);
	CHECK_ERR(symlink("", "empty"), ENOENT);

	/* Creating through a dangling link makes its target. */
	fd = open("sl", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK(close(fd) == 0);
	CHECK(stat("target", &st) == 0 && S_ISREG(st.st_mode));
	CHECK_ERR(readlink("target", buf, sizeof(buf)), EINVAL);
	CHECK_ERR(open("sl", O_RDONLY | O_NOFOLLOW), ELOOP);

	CHECK(symlink("loop2", "loop1") == 0);
	CHECK(symlink("loop1", "loop2") == 0);
	CHECK_ERR(stat("loop1", &st), ELOOP);
	CHECK_ERR(open("loop1/x", O_RDONLY), ELOOP);

	/* A link to a directory works in the middle of a path. */
	CHECK(symlink("d", "dl") == 0);
	fd = open("dl/f", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK(close(fd) == 0);
	CHECK(stat("d/f", &st) == 0);
}

static void
check_linkat(void)
{
	struct stat a, b;

	CHECK(linkat(AT_FDCWD, "sl", AT_FDCWD, "hl_nofollow", 0) == 0);
	CHECK(lstat("hl_nofollow", &a) == 0 && S_ISLNK(a.st_mode));
	CHECK(linkat(AT_FDCWD, "sl", AT_FDCWD, "hl_follow",
		     AT_SYMLINK_FOLLOW) == 0);
	CHECK(lstat("hl_follow", &a) == 0 && S_ISREG(a.st_mode));
	CHECK(stat("target", &b) == 0 && a.st_ino == b.st_ino);
	CHECK(b.st_nlink == 2);
	CHECK_ERR(linkat(AT_FDCWD, "sl", AT_FDCWD, "x", 0x1), EINVAL);

	/* Removing the link leaves the target. */
	CHECK(unlink("sl") == 0);
	CHECK(stat("target", &b) == 0);
}

int
main(void)
{
	scratch_enter();
	check_hard();
	check_symlink();
	check_linkat();
	scratch_leave();
	return 0;
}
