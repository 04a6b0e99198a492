/*
 * chmod, fchmod, fchmodat change the permission bits (not the type);
 * chown, fchown, lchown, fchownat change owner and group ((uid_t)-1
 * keeps one), lchown and AT_SYMLINK_NOFOLLOW the link itself, and a
 * change of owner clears set-user-ID.  As another user (when run as
 * root) changing what one does not own is EPERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

static struct stat
get(const char *path, int nofollow)
{
	struct stat st;

	CHECK((nofollow ? lstat(path, &st) : stat(path, &st)) == 0);
	return st;
}

static void
check_chmod(void)
{
	int fd;

	fd = open("f", O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0);
	CHECK(chmod("f", 0604) == 0);
	CHECK(get("f", 0).st_mode == (S_IFREG | 0604));
	CHECK(fchmod(fd, 04755) == 0);
	CHECK(get("f", 0).st_mode == (S_IFREG | 04755));
	CHECK(chmod("f", S_IFDIR | 0600) == 0);	/* type bits ignored */
	CHECK(get("f", 0).st_mode == (S_IFREG | 0600));
	CHECK(fchmodat(AT_FDCWD, "f", 0640, 0) == 0);
	CHECK(get("f", 0).st_mode == (S_IFREG | 0640));
	CHECK(symlink("f", "sl") == 0);
	CHECK(chmod("sl", 0644) == 0);			/* follows */
	CHECK(get("f", 0).st_mode == (S_IFREG | 0644));
	CHECK_ERR(fchmodat(AT_FDCWD, "sl", 0600, AT_SYMLINK_NOFOLLOW),
		  EOPNOTSUPP);
	CHECK_ERR(chmod("missing", 0644), ENOENT);
	CHECK_ERR(fchmod(12345, 0644), EBADF);
	CHECK(close(fd) == 0);
	fd = open("f", O_PATH);
	CHECK(fd >= 0);
	CHECK_ERR(syscall(SYS_fchmod, fd, 0600), EBADF);
	CHECK(close(fd) == 0);
}

static void
check_chown_root(void)
{
	struct stat st;
	int fd;

	CHECK(chown("f", 1234, 5678) == 0);
	st = get("f", 0);
	CHECK(st.st_uid == 1234 && st.st_gid == 5678);
	CHECK(chown("f", (uid_t)-1, 42) == 0);
	st = get("f", 0);
	CHECK(st.st_uid == 1234 && st.st_gid == 42);
	CHECK(lchown("sl", 7, 8) == 0);
	CHECK(get("sl", 1).st_uid == 7 && get("f", 0).st_uid == 1234);
	CHECK(fchownat(AT_FDCWD, "sl", 9, 9, AT_SYMLINK_NOFOLLOW) == 0);
	CHECK(get("sl", 1).st_uid == 9 && get("f", 0).st_uid == 1234);
	CHECK(fchownat(AT_FDCWD, "sl", 10, 10, 0) == 0);
	CHECK(get("f", 0).st_uid == 10 && get("sl", 1).st_uid == 9);
	CHECK_ERR(fchownat(AT_FDCWD, "sl", 1, 1, 0x1), EINVAL);

	CHECK(chmod("f", 04755) == 0);
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(fchown(fd, 0, 0) == 0);
	st = get("f", 0);
	CHECK(st.st_uid == 0 && st.st_gid == 0);
	CHECK((st.st_mode & 07777) == 0755);
	CHECK(close(fd) == 0);
}

/* As nobody: what root owns is out of reach. */
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
		CHECK_ERR(chmod("f", 0777), EPERM);
		CHECK_ERR(chown("f", 65534, 65534), EPERM);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int
main(void)
{
	scratch_enter();
	check_chmod();
	if (geteuid() == 0) {
		check_chown_root();
		check_other_user();
	} else {
		CHECK_ERR(chown("f", 0, 0), EPERM);
	}
	scratch_leave();
	return 0;
}
