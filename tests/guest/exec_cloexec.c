/*
 * Close-on-exec across execve: an fd opened with O_CLOEXEC and one
 * marked FD_CLOEXEC later are closed in the new program; a plain fd, and
 * one whose flag was cleared again, stay open at the same offset.  The
 * test execs itself with the fd numbers in argv.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#define FILE_PATH	"/tmp/exec_cloexec"

static int
child(char **argv)
{
	int keep = atoi(argv[2]), gone = atoi(argv[3]);
	int gone2 = atoi(argv[4]), kept2 = atoi(argv[5]);
	char c;

	CHECK_ERR(fcntl(gone, F_GETFD), EBADF);
	CHECK_ERR(fcntl(gone2, F_GETFD), EBADF);
	CHECK(fcntl(keep, F_GETFD) == 0);
	CHECK(fcntl(kept2, F_GETFD) == 0);
	/* The same open file: the offset moved by the parent. */
	CHECK(read(keep, &c, 1) == 1 && c == 'b');
	return 0;
}

int
main(int argc, char **argv)
{
	const char *self = (const char *)getauxval(AT_EXECFN);
	char a[4][16];
	char *args[] = { "cloexec", "child", a[0], a[1], a[2], a[3], NULL };
	char *env[] = { NULL };
	int keep, gone, gone2, kept2, status;
	char c;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child(argv);
	keep = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(keep >= 0);
	CHECK(write(keep, "abc", 3) == 3);
	CHECK(lseek(keep, 0, SEEK_SET) == 0);
	CHECK(read(keep, &c, 1) == 1 && c == 'a');
	gone = open(FILE_PATH, O_RDONLY | O_CLOEXEC);
	CHECK(gone >= 0);
	gone2 = dup(keep);
	CHECK(gone2 >= 0 && fcntl(gone2, F_SETFD, FD_CLOEXEC) == 0);
	kept2 = fcntl(keep, F_DUPFD_CLOEXEC, 0);
	CHECK(kept2 >= 0 && fcntl(kept2, F_SETFD, 0) == 0);
	snprintf(a[0], sizeof(a[0]), "%d", keep);
	snprintf(a[1], sizeof(a[1]), "%d", gone);
	snprintf(a[2], sizeof(a[2]), "%d", gone2);
	snprintf(a[3], sizeof(a[3]), "%d", kept2);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		execve(self, args, env);
		_exit(100 + errno);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The parent's fds are untouched. */
	CHECK(fcntl(gone, F_GETFD) == FD_CLOEXEC);
	unlink(FILE_PATH);
	return 0;
}
