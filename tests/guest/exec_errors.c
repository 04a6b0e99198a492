/*
 * execve failures leave the caller running with the right errno: ENOENT
 * (missing file or interpreter path component), ENOTDIR, EACCES (no x
 * bit, a directory, a device), ENOEXEC (text without "#!", an empty
 * file), EFAULT (bad path, argv array or argv string).
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>
#include "guest.h"

static char *args[] = { "x", "must-not-run", NULL };
static volatile uintptr_t bad = 8;	/* an address nothing maps */
static char *env[] = { NULL };

static void
make_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	CHECK(fd >= 0);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	CHECK(close(fd) == 0);
	CHECK(chmod(path, mode) == 0);
}

int
main(int argc, char **argv)
{
	const char *self = (const char *)getauxval(AT_EXECFN);
	char *bad_argv[] = { "x", (char *)bad, NULL };

	if (argc > 1)
		return 1;	/* an exec that should have failed ran */
	CHECK_ERR(execve("/nonexistent", args, env), ENOENT);
	CHECK_ERR(execve("/nonexistent/dir/x", args, env), ENOENT);
	CHECK_ERR(execve("", args, env), ENOENT);

	make_file("/tmp/exec_err_noexec", "\177ELF", 0644);
	CHECK_ERR(execve("/tmp/exec_err_noexec", args, env), EACCES);
	CHECK_ERR(execve("/tmp/exec_err_noexec/x", args, env), ENOTDIR);
	CHECK_ERR(execve("/tmp", args, env), EACCES);
	CHECK_ERR(execve("/dev/null", args, env), EACCES);

	make_file("/tmp/exec_err_text", "echo hello\n", 0755);
	CHECK_ERR(execve("/tmp/exec_err_text", args, env), ENOEXEC);
	make_file("/tmp/exec_err_empty", "", 0755);
	CHECK_ERR(execve("/tmp/exec_err_empty", args, env), ENOEXEC);
	make_file("/tmp/exec_err_short", "#", 0755);
	CHECK_ERR(execve("/tmp/exec_err_short", args, env), ENOEXEC);

	CHECK_ERR(execve((char *)bad, args, env), EFAULT);
	CHECK_ERR(execve(self, (char **)bad, env), EFAULT);
	CHECK_ERR(execve(self, bad_argv, env), EFAULT);
	CHECK_ERR(execve(self, args, (char **)bad), EFAULT);

	unlink("/tmp/exec_err_noexec");
	unlink("/tmp/exec_err_text");
	unlink("/tmp/exec_err_empty");
	unlink("/tmp/exec_err_short");
	return 0;
}
