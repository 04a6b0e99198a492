/*
 * stat, lstat, fstat, fstatat and statx report a file's type, mode,
 * size, link count and owner, agree with each other, and show the times
 * utimensat and futimens set (exact times, UTIME_OMIT, UTIME_NOW, NULL).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "guest.h"

struct xstatx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

/* struct statx, for musl without a wrapper. */
struct xstatx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct xstatx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};

#define XSTATX_BASIC_STATS	0x7ffU

static void
check_statx(const char *path, int flags, const struct stat *st)
{
	struct xstatx x;

	memset(&x, 0xff, sizeof(x));
	CHECK(syscall(SYS_statx, AT_FDCWD, path, flags, XSTATX_BASIC_STATS,
		      &x) == 0);
	CHECK((x.mask & XSTATX_BASIC_STATS) == XSTATX_BASIC_STATS);
	CHECK(x.mode == st->st_mode && x.nlink == st->st_nlink);
	CHECK(x.uid == st->st_uid && x.gid == st->st_gid);
	CHECK(x.ino == st->st_ino && (off_t)x.size == st->st_size);
	CHECK(x.dev_major == major(st->st_dev));
	CHECK(x.dev_minor == minor(st->st_dev));
	CHECK(x.mtime.tv_sec == st->st_mtim.tv_sec);
	CHECK(x.mtime.tv_nsec == st->st_mtim.tv_nsec);
	CHECK(x.atime.tv_sec == st->st_atim.tv_sec);
	CHECK(x.ctime.tv_sec == st->st_ctim.tv_sec);
}

static void
check_types(void)
{
	struct stat st, lst;
	char data[1000];
	int fd;

	memset(data, 'x', sizeof(data));
	fd = open("f", O_CREAT | O_EXCL | O_RDWR, 0640);
	CHECK(fd >= 0);
	CHECK(write(fd, data, sizeof(data)) == (ssize_t)sizeof(data));
	CHECK(fstat(fd, &st) == 0);
	CHECK(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0640);
	CHECK(st.st_size == 1000 && st.st_nlink == 1);
	CHECK(st.st_uid == geteuid() && st.st_blksize > 0);
	CHECK(link("f", "f2") == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 2);
	CHECK(close(fd) == 0);
	check_statx("f", 0, &st);

	CHECK(symlink("f", "sl") == 0);
	CHECK(lstat("sl", &lst) == 0);
	CHECK(S_ISLNK(lst.st_mode) && lst.st_size == 1);
	CHECK(stat("sl", &st) == 0 && S_ISREG(st.st_mode));
	CHECK(st.st_ino != lst.st_ino && st.st_size == 1000);
	check_statx("sl", AT_SYMLINK_NOFOLLOW, &lst);
	check_statx("sl", 0, &st);

	CHECK(mkdir("d", 0750) == 0);
	CHECK(stat("d", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK((st.st_mode & 07777) == 0750 && st.st_nlink == 2);
	CHECK(mkdir("d/e", 0750) == 0);
	CHECK(stat("d", &st) == 0 && st.st_nlink == 3);

	/* An O_PATH fd can be stat'ed. */
	fd = open("f", O_PATH);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &lst) == 0 && lst.st_ino != st.st_ino);
	CHECK(lst.st_size == 1000);
	CHECK(close(fd) == 0);
}

static void
check_statx_args(void)
{
	struct xstatx x;
	int fd;

	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(syscall(SYS_statx, fd, "", AT_EMPTY_PATH, XSTATX_BASIC_STATS,
		      &x) == 0);
	CHECK(x.size == 1000);
	CHECK_ERR(syscall(SYS_statx, fd, "", 0, XSTATX_BASIC_STATS, &x),
		  ENOENT);
	CHECK(syscall(SYS_statx, AT_FDCWD, "f", AT_STATX_DONT_SYNC, 0,
		      &x) == 0);
	CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "f",
			  AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC,
			  XSTATX_BASIC_STATS, &x), EINVAL);
	CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "f", 0, 0x80000000U, &x),
		  EINVAL);
	CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "f", 0x1, 0, &x), EINVAL);
	CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "f", 0, XSTATX_BASIC_STATS,
			  (void *)8), EFAULT);
	CHECK(close(fd) == 0);
}

static void
check_times(void)
{
	struct timespec ts[2] = { { 1000000000, 500 }, { 1234567890, 250 } };
	time_t t0 = time(NULL);
	struct stat st, st2;
	int fd;

	CHECK(utimensat(AT_FDCWD, "f", ts, 0) == 0);
	CHECK(stat("f", &st) == 0);
	CHECK(st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 500);
	CHECK(st.st_mtim.tv_sec == 1234567890 && st.st_mtim.tv_nsec == 250);
	CHECK(st.st_ctime >= t0);
	check_statx("f", 0, &st);

	/* UTIME_OMIT keeps atime, UTIME_NOW sets mtime to now. */
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_NOW;
	CHECK(utimensat(AT_FDCWD, "f", ts, 0) == 0);
	CHECK(stat("f", &st2) == 0);
	CHECK(st2.st_atim.tv_sec == 1000000000 && st2.st_atim.tv_nsec == 500);
	CHECK(st2.st_mtime >= t0 && st2.st_mtime <= time(NULL));

	/* futimens (NULL path on an fd) and NULL times: both now. */
	ts[0].tv_sec = 5;
	ts[0].tv_nsec = 0;
	ts[1].tv_nsec = UTIME_OMIT;
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(futimens(fd, ts) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_atime == 5);
	CHECK(st.st_mtim.tv_sec == st2.st_mtim.tv_sec);
	CHECK(st.st_mtim.tv_nsec == st2.st_mtim.tv_nsec);
	CHECK_ERR(syscall(SYS_utimensat, fd, NULL, ts, AT_SYMLINK_NOFOLLOW),
		  EINVAL);
	CHECK(utimensat(AT_FDCWD, "f", NULL, 0) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_atime >= t0 && st.st_mtime >= t0);
	CHECK(close(fd) == 0);

	/* AT_SYMLINK_NOFOLLOW changes the link, not the file. */
	ts[0].tv_sec = 77;
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = 88;
	ts[1].tv_nsec = 0;
	CHECK(utimensat(AT_FDCWD, "sl", ts, AT_SYMLINK_NOFOLLOW) == 0);
	CHECK(lstat("sl", &st2) == 0 && st2.st_mtime == 88);
	CHECK(stat("sl", &st2) == 0 && st2.st_mtime >= t0);
	ts[1].tv_nsec = 1000000000;
	CHECK_ERR(utimensat(AT_FDCWD, "f", ts, 0), EINVAL);
	CHECK_ERR(utimensat(AT_FDCWD, "f", NULL, 0x4), EINVAL);
	CHECK_ERR(utimensat(AT_FDCWD, "nope", NULL, 0), ENOENT);
}

int
main(void)
{
	scratch_enter();
	check_types();
	check_statx_args();
	check_times();
	scratch_leave();
	return 0;
}
