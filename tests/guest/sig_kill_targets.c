/*
 * Whom kill reaches: kill(0, sig) the caller's process group (itself
 * included); kill(-pgrp, sig) exactly the members of that group;
 * kill(-1, sig) every process the caller may signal except itself (done
 * as an unprivileged user, which may not signal root's processes: EPERM
 * for our root parent); kill(pid, 0) tells a live or zombie process from
 * a reaped one (ESRCH); tgkill with a tgid that is not the thread's is
 * ESRCH, a bad tgid EINVAL.
 */
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#define UNPRIV 54321

static int report_fd;
static volatile int got1, got2;

static void
handler(int sig)
{
	if (sig == SIGUSR1) {
		got1++;
		write(report_fd, "1", 1);
	} else {
		got2 = 1;
	}
}

/* A child that reports each SIGUSR1 and exits on SIGUSR2 with 1 if it
 * got SIGUSR1, else 0.  pgrp: the process group it joins, 0 for a new
 * one of its own, -1 to stay in ours. */
static pid_t
spawn(pid_t pgrp)
{
	sigset_t none;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		got1 = 0;
		if (pgrp >= 0)
			CHECK(setpgid(0, pgrp) == 0);
		sigemptyset(&none);
		while (!got2)
			sigsuspend(&none);
		_exit(got1 ? 1 : 0);
	}
	if (pgrp >= 0)
		CHECK(setpgid(pid, pgrp ? pgrp : pid) == 0 || errno == EACCES);
	return pid;
}

/* Collect n reports; then end the children, checking who got SIGUSR1. */
static void
finish(int p, int n, pid_t *pids, const int *expect, int count)
{
	char c;
	int status;

	for (int i = 0; i < n; i++)
		CHECK(read(p, &c, 1) == 1);
	for (int i = 0; i < count; i++) {
		CHECK(kill(pids[i], SIGUSR2) == 0);
		CHECK(waitpid(pids[i], &status, 0) == pids[i]);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == expect[i]);
	}
}

static int
test(void)
{
	struct sigaction sa = { .sa_handler = handler };
	sigset_t both;
	siginfo_t si;
	pid_t pids[3];
	int p[2], status;
	char c;

	/* Our own group, so that kill(0) stays among us; signals blocked
	 * except in sigsuspend, so none is lost to a race. */
	CHECK(setpgid(0, 0) == 0);
	CHECK(pipe(p) == 0);
	report_fd = p[1];
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
	sigemptyset(&both);
	sigaddset(&both, SIGUSR1);
	sigaddset(&both, SIGUSR2);
	CHECK(sigprocmask(SIG_BLOCK, &both, NULL) == 0);

	/* kill(0): both children and ourselves. */
	pids[0] = spawn(-1);
	pids[1] = spawn(-1);
	CHECK(kill(0, SIGUSR1) == 0);
	finish(p[0], 2, pids, (const int[]){ 1, 1 }, 2);
	CHECK(sig_is_pending(SIGUSR1));
	CHECK(sigprocmask(SIG_UNBLOCK, &both, NULL) == 0);
	CHECK(got1 == 1 && read(p[0], &c, 1) == 1);
	CHECK(sigprocmask(SIG_BLOCK, &both, NULL) == 0);

	/* kill(-pgrp): the two in the new group, not the one in ours. */
	pids[0] = spawn(0);
	pids[1] = spawn(pids[0]);
	pids[2] = spawn(-1);
	CHECK(kill(-pids[0], SIGUSR1) == 0);
	finish(p[0], 2, pids, (const int[]){ 1, 1, 0 }, 3);
	CHECK(!sig_is_pending(SIGUSR1));
	CHECK_ERR(kill(-pids[0], SIGUSR1), ESRCH);

	/* kill(pid, 0): alive, zombie, reaped. */
	pids[0] = fork();
	CHECK(pids[0] >= 0);
	if (pids[0] == 0)
		_exit(0);
	CHECK(kill(pids[0], 0) == 0);
	CHECK(waitid(P_PID, pids[0], &si, WEXITED | WNOWAIT) == 0);
	CHECK(kill(pids[0], 0) == 0);
	CHECK(waitpid(pids[0], &status, 0) == pids[0]);
	CHECK_ERR(kill(pids[0], 0), ESRCH);

	/* tgkill: the tid must belong to the tgid. */
	CHECK_ERR(syscall(SYS_tgkill, pids[0], syscall(SYS_gettid), 0), ESRCH);
	CHECK_ERR(syscall(SYS_tgkill, getppid(), syscall(SYS_gettid), 0),
		  ESRCH);
	CHECK_ERR(syscall(SYS_tgkill, 0, syscall(SYS_gettid), 0), EINVAL);
	CHECK_ERR(syscall(SYS_tkill, pids[0], 0), ESRCH);
	CHECK(syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), 0) == 0);

	/* As an unprivileged user: kill(-1) reaches the children in both
	 * groups but not us; our root parent is out of reach. */
	CHECK(setgid(UNPRIV) == 0 && setuid(UNPRIV) == 0);
	CHECK_ERR(kill(getppid(), 0), EPERM);
	pids[0] = spawn(-1);
	pids[1] = spawn(0);
	CHECK(kill(-1, SIGUSR1) == 0);
	finish(p[0], 2, pids, (const int[]){ 1, 1 }, 2);
	CHECK(!sig_is_pending(SIGUSR1));
	return 0;
}

int
main(void)
{
	return run_in_child(test);
}
