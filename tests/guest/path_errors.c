/*
 * Path arguments are checked like Linux's: a bad pointer is EFAULT, a
 * path of PATH_MAX bytes or more ENAMETOOLONG, a component over 255
 * bytes ENAMETOOLONG, an empty path ENOENT, for every kind of call.
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

#define BAD	((const char *)8)

int
main(void)
{
	static char longpath[5000], longname[300];
	struct stat st;
	char buf[16];

	scratch_enter();
	memset(longpath, 'a', sizeof(longpath) - 1);
	memset(longname, 'n', sizeof(longname) - 1);

	CHECK_ERR(syscall(SYS_open, BAD, O_RDONLY, 0), EFAULT);
	CHECK_ERR(syscall(SYS_openat, AT_FDCWD, BAD, O_RDONLY, 0), EFAULT);
	CHECK_ERR(syscall(SYS_stat, BAD, &st), EFAULT);
	CHECK_ERR(syscall(SYS_stat, ".", (void *)8), EFAULT);
	CHECK_ERR(syscall(SYS_mkdir, BAD, 0755), EFAULT);
	CHECK_ERR(syscall(SYS_unlink, BAD), EFAULT);
	CHECK_ERR(syscall(SYS_rename, BAD, "x"), EFAULT);
	CHECK_ERR(syscall(SYS_chdir, BAD), EFAULT);
	CHECK_ERR(syscall(SYS_access, BAD, F_OK), EFAULT);
	CHECK_ERR(syscall(SYS_readlink, BAD, buf, sizeof(buf)), EFAULT);
	CHECK_ERR(syscall(SYS_symlink, BAD, "x"), EFAULT);
	CHECK_ERR(syscall(SYS_getcwd, (void *)8, 4096), EFAULT);
	CHECK_ERR(syscall(SYS_statfs, ".", (void *)8), EFAULT);

	CHECK_ERR(open(longpath, O_RDONLY), ENAMETOOLONG);
	CHECK_ERR(stat(longpath, &st), ENAMETOOLONG);
	CHECK_ERR(mkdir(longpath, 0755), ENAMETOOLONG);
	CHECK_ERR(rename(longpath, "x"), ENAMETOOLONG);
	CHECK_ERR(symlink(longpath, "x"), ENAMETOOLONG);
	CHECK_ERR(open(longname, O_RDONLY), ENAMETOOLONG);
	CHECK_ERR(open(longname, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG);
	CHECK_ERR(mkdir(longname, 0755), ENAMETOOLONG);

	CHECK_ERR(open("", O_RDONLY), ENOENT);
	CHECK_ERR(open("", O_CREAT | O_WRONLY, 0644), ENOENT);
	CHECK_ERR(stat("", &st), ENOENT);
	CHECK_ERR(syscall(SYS_newfstatat, 12345, "", &st, 0), ENOENT);
	CHECK_ERR(mkdir("", 0755), ENOENT);
	CHECK_ERR(unlink(""), ENOENT);
	CHECK_ERR(rmdir(""), ENOENT);
	CHECK_ERR(chdir(""), ENOENT);
	CHECK_ERR(rename("", "x"), ENOENT);
	CHECK_ERR(link("", "x"), ENOENT);
	CHECK_ERR(access("", F_OK), ENOENT);
	CHECK_ERR(truncate("", 0), ENOENT);
	scratch_leave();
	return 0;
}
