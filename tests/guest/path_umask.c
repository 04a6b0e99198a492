/*
 * The umask clears permission bits of new files, directories, FIFOs
 * and nodes (open, creat, mkdir, mknod) but not of chmod; umask returns
 * the previous mask and keeps only the 0777 bits.
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

static unsigned int
perms(const char *path)
{
	struct stat st;

	CHECK(stat(path, &st) == 0);
	return st.st_mode & 07777;
}

int
main(void)
{
	int fd;

	scratch_enter();
	umask(022);
	CHECK(umask(027) == 022);
	fd = open("f", O_CREAT | O_WRONLY, 0666);
	CHECK(fd >= 0);
	CHECK(close(fd) == 0);
	CHECK(perms("f") == 0640);
	fd = syscall(SYS_creat, "c", 0777);
	CHECK(fd >= 0);
	CHECK(close(fd) == 0);
	CHECK(perms("c") == 0750);
	CHECK(mkdir("d", 0777) == 0);
	CHECK(perms("d") == 0750);
	CHECK(mknod("p", S_IFIFO | 0666, 0) == 0);
	CHECK(perms("p") == 0640);
	CHECK(mkfifo("p2", 0606) == 0);
	CHECK(perms("p2") == 0600);
	CHECK(chmod("f", 0777) == 0);
	CHECK(perms("f") == 0777);

	CHECK(umask(0) == 027);
	fd = open("g", O_CREAT | O_WRONLY, 0666);
	CHECK(fd >= 0);
	CHECK(close(fd) == 0);
	CHECK(perms("g") == 0666);
	CHECK(mkdir("e", 01777) == 0);
	CHECK(perms("e") == 01777);

	/* Only the permission bits of the argument count. */
	CHECK(syscall(SYS_umask, 0170077) == 0);
	CHECK(umask(022) == 077);
	scratch_leave();
	return 0;
}
