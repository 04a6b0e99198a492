/*
 * Job control signals: SIGSTOP stops a child (waitpid WUNTRACED sees
 * WIFSTOPPED/WSTOPSIG, waitid WSTOPPED sees CLD_STOPPED) and SIGCONT
 * resumes it (WIFCONTINUED, CLD_CONTINUED); SIGTSTP's default action
 * stops a child in a process group that is not orphaned; SIGKILL ends a
 * stopped child; a SIGCONT handler runs once the child continues; a read
 * the child was blocked in carries on after the stop and returns the
 * data written meanwhile; an SA_SIGINFO SIGCHLD handler hears
 * CLD_STOPPED, CLD_CONTINUED, CLD_KILLED and CLD_EXITED with si_status
 * and si_pid, and with SA_NOCLDSTOP only the death.
 */
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

static volatile int n_log;
static volatile int log_code[8], log_status[8], log_pid[8];
static int cont_fd;

static void
on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (n_log < 8) {
		log_code[n_log] = si->si_code;
		log_status[n_log] = si->si_status;
		log_pid[n_log] = si->si_pid;
	}
	n_log++;
}

static void
on_cont(int sig)
{
	(void)sig;
	write(cont_fd, "c", 1);
}

static pid_t
spawn_pauser(void)
{
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0)
		for (;;)
			pause();
	return pid;
}

static void
stop_and_check(pid_t pid, int sig)
{
	int status;

	CHECK(kill(pid, sig) == 0);
	CHECK(waitpid(pid, &status, WUNTRACED) == pid);
	CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == sig);
}

static void
cont_and_check(pid_t pid)
{
	int status;

	CHECK(kill(pid, SIGCONT) == 0);
	CHECK(waitpid(pid, &status, WCONTINUED) == pid);
	CHECK(WIFCONTINUED(status));
}

static void
kill_and_reap(pid_t pid, int sig)
{
	int status;

	CHECK(kill(pid, sig) == 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == sig);
}

/* Wait (SIGCHLD is blocked except in here) for n log entries. */
static void
wait_log(int n)
{
	sigset_t none;

	sigemptyset(&none);
	while (n_log < n)
		sigsuspend(&none);
}

static void
with_waitpid(void)
{
	siginfo_t si;
	pid_t pid = spawn_pauser();

	stop_and_check(pid, SIGSTOP);
	cont_and_check(pid);
	CHECK(kill(pid, SIGSTOP) == 0);
	CHECK(waitid(P_PID, pid, &si, WSTOPPED) == 0);
	CHECK(si.si_pid == pid && si.si_code == CLD_STOPPED);
	CHECK(si.si_status == SIGSTOP);
	CHECK(kill(pid, SIGCONT) == 0);
	CHECK(waitid(P_PID, pid, &si, WCONTINUED) == 0);
	CHECK(si.si_pid == pid && si.si_code == CLD_CONTINUED);
	CHECK(si.si_status == SIGCONT);
	/* A stopped child dies of SIGKILL. */
	stop_and_check(pid, SIGSTOP);
	kill_and_reap(pid, SIGKILL);

	/* SIGTSTP stops a child whose process group is not orphaned (its
	 * parent, we, is in another group of the same session). */
	pid = spawn_pauser();
	CHECK(setpgid(pid, pid) == 0);
	stop_and_check(pid, SIGTSTP);
	kill_and_reap(pid, SIGKILL);
}

static void
cont_handler(void)
{
	struct sigaction sa = { .sa_handler = on_cont };
	int p[2];
	char c;
	pid_t pid;

	CHECK(pipe(p) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		cont_fd = p[1];
		sigemptyset(&sa.sa_mask);
		CHECK(sigaction(SIGCONT, &sa, NULL) == 0);
		write(p[1], "r", 1);
		for (;;)
			pause();
	}
	CHECK(read(p[0], &c, 1) == 1 && c == 'r');
	stop_and_check(pid, SIGSTOP);
	cont_and_check(pid);
	CHECK(read(p[0], &c, 1) == 1 && c == 'c');
	kill_and_reap(pid, SIGTERM);
	CHECK(close(p[0]) == 0 && close(p[1]) == 0);
}

static void
stopped_in_read(void)
{
	int p[2], q[2], status;
	struct pollfd pfd;
	char c;
	pid_t pid;

	CHECK(pipe(p) == 0 && pipe(q) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		if (read(p[0], &c, 1) != 1)
			_exit(1);
		_exit(write(q[1], &c, 1) == 1 ? 0 : 2);
	}
	usleep(50000);
	stop_and_check(pid, SIGSTOP);
	CHECK(write(p[1], "d", 1) == 1);
	pfd.fd = q[0];
	pfd.events = POLLIN;
	CHECK(poll(&pfd, 1, 50) == 0);
	/* (Not cont_and_check: the child may be a zombie by the time we
	 * wait, and then waitpid reports the exit instead.) */
	CHECK(kill(pid, SIGCONT) == 0);
	CHECK(read(q[0], &c, 1) == 1 && c == 'd');
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(close(p[0]) == 0 && close(p[1]) == 0);
	CHECK(close(q[0]) == 0 && close(q[1]) == 0);
}

static void
sigchld_info(int flags)
{
	struct sigaction sa = { .sa_sigaction = on_chld,
				.sa_flags = SA_SIGINFO | flags };
	sigset_t chld;
	int status;
	pid_t pid;

	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	CHECK(sigprocmask(SIG_BLOCK, &chld, NULL) == 0);
	n_log = 0;
	pid = spawn_pauser();
	if (flags & SA_NOCLDSTOP) {
		stop_and_check(pid, SIGSTOP);
		cont_and_check(pid);
		CHECK(kill(pid, SIGKILL) == 0);
		wait_log(1);
		CHECK(log_code[0] == CLD_KILLED && log_status[0] == SIGKILL);
		CHECK(waitpid(pid, &status, 0) == pid);
		CHECK(n_log == 1);
		return;
	}
	CHECK(kill(pid, SIGSTOP) == 0);
	wait_log(1);
	CHECK(log_code[0] == CLD_STOPPED && log_status[0] == SIGSTOP);
	CHECK(log_pid[0] == pid);
	CHECK(kill(pid, SIGCONT) == 0);
	wait_log(2);
	CHECK(log_code[1] == CLD_CONTINUED && log_status[1] == SIGCONT);
	CHECK(kill(pid, SIGTERM) == 0);
	wait_log(3);
	CHECK(log_code[2] == CLD_KILLED && log_status[2] == SIGTERM);
	CHECK(waitpid(pid, &status, 0) == pid);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(5);
	wait_log(4);
	CHECK(log_code[3] == CLD_EXITED && log_status[3] == 5);
	CHECK(log_pid[3] == pid);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(n_log == 4);
}

static int
test(void)
{
	with_waitpid();
	cont_handler();
	stopped_in_read();
	sigchld_info(0);
	sigchld_info(SA_NOCLDSTOP);
	return 0;
}

int
main(void)
{
	return run_in_child(test);
}
