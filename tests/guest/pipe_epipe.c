/*
 * Writing to a pipe whose read ends are all closed fails with EPIPE
 * when SIGPIPE is ignored, and kills the writer with SIGPIPE when it
 * has the default action.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

int
main(void)
{
	int p[2], go[2], status;
	char c;
	pid_t pid;

	CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
	CHECK(pipe(p) == 0);
	CHECK(close(p[0]) == 0);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	CHECK_ERR(write(p[1], "xy", 2), EPIPE);
	/* A write of nothing is not a write: no error. */
	CHECK(write(p[1], "", 0) == 0);
	CHECK(close(p[1]) == 0);

	/*
	 * The default action of SIGPIPE terminates the writer.  The child
	 * writes only once the parent has closed its read end (go).
	 */
	CHECK(pipe(p) == 0);
	CHECK(pipe(go) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		close(p[0]);
		close(go[1]);
		if (read(go[0], &c, 1) != 0)
			_exit(2);
		write(p[1], "x", 1);
		_exit(0);
	}
	CHECK(close(p[0]) == 0);
	CHECK(close(p[1]) == 0);
	CHECK(close(go[0]) == 0);
	CHECK(close(go[1]) == 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
	return 0;
}
