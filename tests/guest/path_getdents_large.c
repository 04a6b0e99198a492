/*
 * getdents64 over a directory of 2,000 files returns every name exactly
 * once (with "." and ".."), whether the buffer holds many records or
 * only a few; a buffer too small for one record is EINVAL, a file is
 * ENOTDIR, a bad fd EBADF.
 */
#include <dirent.h>
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

#define NFILES	2000

struct xdirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static unsigned char seen[NFILES];
static int dots, dotdots;

/* Count the names in one getdents64 result. */
static void
count(const char *buf, long n)
{
	const struct xdirent64 *d;
	char *end;
	long i;

	for (long off = 0; off < n; off += d->d_reclen) {
		d = (const struct xdirent64 *)(buf + off);
		CHECK(d->d_reclen >= 20 && d->d_reclen % 8 == 0);
		CHECK(off + d->d_reclen <= n && d->d_ino != 0);
		if (strcmp(d->d_name, ".") == 0) {
			dots++;
			CHECK(d->d_type == DT_DIR || d->d_type == DT_UNKNOWN);
			continue;
		}
		if (strcmp(d->d_name, "..") == 0) {
			dotdots++;
			continue;
		}
		CHECK(d->d_name[0] == 'f');
		CHECK(d->d_type == DT_REG || d->d_type == DT_UNKNOWN);
		i = strtol(d->d_name + 1, &end, 10);
		CHECK(*end == '\0' && i >= 0 && i < NFILES);
		CHECK(seen[i] == 0);
		seen[i] = 1;
	}
}

/* Read the whole directory with count-byte calls. */
static void
read_all(size_t bufsize)
{
	static char buf[65536];
	long n;
	int fd;

	memset(seen, 0, sizeof(seen));
	dots = dotdots = 0;
	fd = open("big", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	while ((n = syscall(SYS_getdents64, fd, buf, bufsize)) > 0)
		count(buf, n);
	CHECK(n == 0);
	CHECK(syscall(SYS_getdents64, fd, buf, bufsize) == 0);
	CHECK(close(fd) == 0);
	CHECK(dots == 1 && dotdots == 1);
	for (int i = 0; i < NFILES; i++)
		CHECK(seen[i] == 1);
}

int
main(void)
{
	char name[32], buf[64];
	int fd;

	scratch_enter();
	CHECK(mkdir("big", 0755) == 0);
	for (int i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "big/f%d", i);
		fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
		CHECK(fd >= 0);
		CHECK(close(fd) == 0);
	}
	read_all(65536);
	read_all(4096);
	read_all(64);

	fd = open("big", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	CHECK_ERR(syscall(SYS_getdents64, fd, buf, 10), EINVAL);
	CHECK_ERR(syscall(SYS_getdents64, fd, (void *)8, 4096), EFAULT);
	CHECK(close(fd) == 0);
	fd = open("big/f1", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_ERR(syscall(SYS_getdents64, fd, buf, sizeof(buf)), ENOTDIR);
	CHECK(close(fd) == 0);
	CHECK_ERR(syscall(SYS_getdents64, 12345, buf, sizeof(buf)), EBADF);
	scratch_leave();
	return 0;
}
