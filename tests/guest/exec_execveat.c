/*
 * execveat: a path relative to a directory fd, the file itself through
 * AT_EMPTY_PATH (AT_EXECFN is then "/dev/fd/N"), AT_SYMLINK_NOFOLLOW
 * refusing a symlink with ELOOP, unknown flags EINVAL, a bad fd EBADF.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#define LINK_PATH	"/tmp/exec_execveat_link"

static char *env[] = { NULL };

static long
xexecveat(int dirfd, const char *path, char **argv, int flags)
{
	return syscall(SYS_execveat, dirfd, path, argv, env, flags);
}

/* execveat in a child that expects AT_EXECFN to be execfn. */
static void
run(int dirfd, const char *path, int flags, const char *execfn)
{
	char *args[] = { "execveat", "child", (char *)execfn, NULL };
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		xexecveat(dirfd, path, args, flags);
		_exit(100 + errno);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int
main(int argc, char **argv)
{
	const char *self = (const char *)getauxval(AT_EXECFN);
	char *args[] = { "execveat", "must-not-run", NULL };
	char dir[256], name[300], execfn[64];
	const char *base;
	int dfd, fd;

	if (argc > 1) {
		CHECK(strcmp(argv[1], "child") == 0);
		CHECK(strcmp((char *)getauxval(AT_EXECFN), argv[2]) == 0);
		return 0;
	}
	/* Split self into its directory and name. */
	base = strrchr(self, '/');
	CHECK(base != NULL);
	snprintf(dir, sizeof(dir), "%.*s", (int)(base - self), self);
	if (dir[0] == '\0')
		strcpy(dir, "/");
	base++;

	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	snprintf(execfn, sizeof(execfn), "/dev/fd/%d/%s", dfd, base);
	run(dfd, base, 0, execfn);
	run(AT_FDCWD, self, 0, self);

	fd = open(self, O_RDONLY);
	CHECK(fd >= 0);
	snprintf(execfn, sizeof(execfn), "/dev/fd/%d", fd);
	run(fd, "", AT_EMPTY_PATH, execfn);
	CHECK(close(fd) == 0);
	fd = open(self, O_PATH);
	CHECK(fd >= 0);
	snprintf(execfn, sizeof(execfn), "/dev/fd/%d", fd);
	run(fd, "", AT_EMPTY_PATH, execfn);

	CHECK_ERR(xexecveat(fd, "", args, 0), ENOENT);
	CHECK_ERR(xexecveat(dfd, base, args, 0x8000), EINVAL);
	CHECK_ERR(xexecveat(999, base, args, 0), EBADF);
	unlink(LINK_PATH);
	if (self[0] == '/')
		snprintf(name, sizeof(name), "%s", self);
	else
		snprintf(name, sizeof(name), "%s/%s", getcwd(dir, sizeof(dir)),
			 self);
	CHECK(symlink(name, LINK_PATH) == 0);
	CHECK_ERR(xexecveat(AT_FDCWD, LINK_PATH, args, AT_SYMLINK_NOFOLLOW),
		  ELOOP);
	run(AT_FDCWD, LINK_PATH, 0, LINK_PATH);
	unlink(LINK_PATH);
	return 0;
}
