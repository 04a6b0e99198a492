/*
 * mount and umount2 of a tmpfs (as root): the new filesystem shows in
 * statfs and st_dev and takes mount options; umount2 refuses a busy one
 * (EBUSY), a non-mount-point or unknown flags (EINVAL) and a symlink
 * with UMOUNT_NOFOLLOW; MS_REMOUNT switches to read-only and back.
 * Other users get EPERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#define XTMPFS_MAGIC	0x01021994

static void
check_mount(void)
{
	struct stat st, top;
	struct statfs sf;
	int fd;

	CHECK(mkdir("m", 0755) == 0);
	CHECK(mount("none", "m", "tmpfs", MS_NOSUID | MS_SILENT,
		    "mode=0700") == 0);
	CHECK(statfs("m", &sf) == 0 && sf.f_type == XTMPFS_MAGIC);
	CHECK(sf.f_namelen == 255 && sf.f_bsize > 0);
	CHECK(stat("m", &st) == 0 && (st.st_mode & 07777) == 0700);
	CHECK(stat(".", &top) == 0 && top.st_dev != st.st_dev);
	fd = open("m/file", O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &top) == 0 && top.st_dev == st.st_dev);
	CHECK(fstatfs(fd, &sf) == 0 && sf.f_type == XTMPFS_MAGIC);
	CHECK_ERR(umount2("m", 0), EBUSY);
	CHECK_ERR(link("m/file", "outside"), EXDEV);
	CHECK(close(fd) == 0);

	CHECK(mount(NULL, "m", NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0);
	CHECK_ERR(open("m/new", O_CREAT | O_WRONLY, 0644), EROFS);
	CHECK(statfs("m", &sf) == 0 && (sf.f_flags & ST_RDONLY));
	CHECK(mount(NULL, "m", NULL, MS_REMOUNT, NULL) == 0);
	fd = open("m/new", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK(close(fd) == 0);

	CHECK_ERR(umount2("m", 0x100), EINVAL);
	CHECK_ERR(umount2(".", 0), EINVAL);
	CHECK(umount2("m", UMOUNT_NOFOLLOW) == 0);
	CHECK_ERR(stat("m/file", &st), ENOENT);
	CHECK_ERR(umount2("m", 0), EINVAL);
}

static void
check_errors(void)
{
	int fd;

	fd = open("f", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK(close(fd) == 0);
	CHECK_ERR(mount("none", "m", "nosuchfs", 0, NULL), ENODEV);
	CHECK_ERR(mount("none", "missing", "tmpfs", 0, NULL), ENOENT);
	CHECK_ERR(mount("none", "f", "tmpfs", 0, NULL), ENOTDIR);
	CHECK_ERR(mount("none", "m", NULL, 0, NULL), EINVAL);
	CHECK_ERR(mount("none", (const char *)8, "tmpfs", 0, NULL), EFAULT);

	/* A symlink to a mount point: followed unless UMOUNT_NOFOLLOW. */
	CHECK(mount("none", "m", "tmpfs", 0, NULL) == 0);
	CHECK(symlink("m", "ml") == 0);
	CHECK_ERR(umount2("ml", UMOUNT_NOFOLLOW), EINVAL);
	CHECK(umount2("ml", 0) == 0);
}

/* As nobody (forked, when run as root): EPERM. */
static void
check_other_user(void)
{
	int status;
	pid_t pid;

	CHECK(chmod(scratch_dir, 0755) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK(setgid(65534) == 0 && setuid(65534) == 0);
		CHECK_ERR(mount("none", "m", "tmpfs", 0, NULL), EPERM);
		CHECK_ERR(umount2("m", 0), EPERM);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int
main(void)
{
	scratch_enter();
	if (geteuid() != 0) {
		CHECK(mkdir("m", 0755) == 0);
		CHECK_ERR(mount("none", "m", "tmpfs", 0, NULL), EPERM);
		scratch_leave();
		return 77;
	}
	check_mount();
	check_errors();
	check_other_user();
	scratch_leave();
	return 0;
}
