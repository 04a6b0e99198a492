/*
 * Children that nobody waits for: with SIGCHLD set to SIG_IGN, or with
 * SA_NOCLDWAIT, children do not become zombies: a wait blocks until the
 * last has exited and then fails with ECHILD, and their pids are gone
 * (kill(pid, 0) is ESRCH).  With SA_NOCLDWAIT and a handler, SIGCHLD is
 * still delivered.  Back at SIG_DFL, children are
 * zombies again until waited for.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#define NCHILD 3

static volatile int chld_count;

static void
on_chld(int sig)
{
	(void)sig;
	chld_count++;
}

static void
spawn(pid_t pids[NCHILD])
{
	for (int i = 0; i < NCHILD; i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0);
		if (pids[i] == 0) {
			usleep(20000 * i);
			_exit(i);
		}
	}
}

static void
no_zombies(void)
{
	pid_t pids[NCHILD];
	int status;

	spawn(pids);
	/* Blocks until all have exited, then there is nothing to wait for. */
	CHECK_ERR(waitpid(-1, &status, 0), ECHILD);
	for (int i = 0; i < NCHILD; i++)
		CHECK_ERR(kill(pids[i], 0), ESRCH);
	CHECK_ERR(waitpid(-1, &status, WNOHANG), ECHILD);
}

static int
test(void)
{
	struct sigaction sa = { .sa_handler = SIG_IGN };
	siginfo_t si;
	pid_t pid;

	sigemptyset(&sa.sa_mask);

	/* SIGCHLD ignored. */
	CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
	no_zombies();

	/* SA_NOCLDWAIT with the default action. */
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDWAIT;
	CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
	no_zombies();

	/* SA_NOCLDWAIT with a handler: no zombies, but SIGCHLD still
	 * (SA_RESTART, so that it does not interrupt the wait). */
	sa.sa_handler = on_chld;
	sa.sa_flags = SA_NOCLDWAIT | SA_RESTART;
	CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
	no_zombies();
	/* (Two SIGCHLDs close together may be merged into one.) */
	CHECK(chld_count >= 1 && chld_count <= NCHILD);

	/* Back to normal: a zombie that waitid can see and then reap. */
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = 0;
	CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(9);
	CHECK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0);
	CHECK(si.si_pid == pid && si.si_status == 9);
	CHECK(kill(pid, 0) == 0);
	CHECK(waitid(P_PID, pid, &si, WEXITED) == 0);
	CHECK(si.si_pid == pid && si.si_code == CLD_EXITED);
	CHECK_ERR(kill(pid, 0), ESRCH);
	CHECK_ERR(waitpid(-1, NULL, 0), ECHILD);
	return 0;
}

int
main(void)
{
	return run_in_child(test);
}
