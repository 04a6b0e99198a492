/*
 * sync and syncfs write back without error and leave the data as it
 * was; syncfs of a bad fd is EBADF; statfs and fstatfs agree on the
 * filesystem of a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "guest.h"

int
main(void)
{
	struct statfs a, b;
	char buf[8];
	int fd;

	scratch_enter();
	fd = open("f", O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "synced", 6) == 6);
	sync();
	CHECK(syncfs(fd) == 0);
	CHECK(pread(fd, buf, sizeof(buf), 0) == 6);
	CHECK(memcmp(buf, "synced", 6) == 0);
	CHECK_ERR(syncfs(12345), EBADF);

	CHECK(statfs("f", &a) == 0 && fstatfs(fd, &b) == 0);
	CHECK(a.f_type == b.f_type && a.f_bsize == b.f_bsize);
	CHECK(a.f_fsid.__val[0] == b.f_fsid.__val[0]);
	CHECK(a.f_namelen == 255 && a.f_blocks >= a.f_bfree);
	CHECK_ERR(statfs("missing", &a), ENOENT);
	CHECK_ERR(fstatfs(12345, &a), EBADF);
	CHECK(close(fd) == 0);
	scratch_leave();
	return 0;
}
