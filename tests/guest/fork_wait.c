/*
 * fork and wait: exit statuses (0, 7, 255), a child killed by a signal,
 * WNOHANG before a child has exited, ECHILD when none is left, and
 * waitid's siginfo.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

static pid_t
spawn_exit(int code)
{
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0)
		_exit(code);
	return pid;
}

int
main(void)
{
	int codes[] = { 0, 7, 255 };
	int status;
	pid_t pid;
	siginfo_t si;

	for (int i = 0; i < 3; i++) {
		pid = spawn_exit(codes[i]);
		CHECK(waitpid(pid, &status, 0) == pid);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == codes[i]);
	}
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		kill(getpid(), SIGTERM);
		for (;;)
			pause();
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		usleep(50000);
		_exit(3);
	}
	CHECK(waitpid(pid, &status, WNOHANG) == 0);
	CHECK(waitid(P_PID, pid, &si, WEXITED) == 0);
	CHECK(si.si_pid == pid && si.si_code == CLD_EXITED &&
	      si.si_status == 3);
	CHECK_ERR(waitpid(-1, &status, 0), ECHILD);
	CHECK(getppid() == 0 || getpid() != 1);
	return 0;
}
