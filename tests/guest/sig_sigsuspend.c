/*
 * sigsuspend: with a mask that unblocks a pending signal it runs the
 * handler (under the suspend mask plus the signal itself) and returns
 * EINTR with the old mask back and nothing pending; a signal that
 * arrives later wakes it the same way, while an ignored one does not;
 * signals the suspend mask blocks stay pending; a raw rt_sigsuspend with
 * a bad sigsetsize is EINVAL.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

static volatile int count, blocked_self, blocked_hup, blocked_usr2;

static void
handler(int sig)
{
	sigset_t cur;

	count++;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	blocked_self = sigismember(&cur, sig);
	blocked_hup = sigismember(&cur, SIGHUP);
	blocked_usr2 = sigismember(&cur, SIGUSR2);
}

static void
check_mask_is(const sigset_t *want)
{
	sigset_t cur;

	CHECK(sigprocmask(SIG_BLOCK, NULL, &cur) == 0);
	for (int sig = 1; sig < 32; sig++)
		CHECK(sigismember(&cur, sig) == sigismember(want, sig));
}

static int
test(void)
{
	struct sigaction sa = { .sa_handler = handler };
	sigset_t block, suspend;
	uint64_t kmask = 0;
	pid_t parent = getpid(), pid;
	int status;

	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(sigaction(SIGHUP, &sa, NULL) == 0);
	sa.sa_handler = SIG_IGN;
	CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);

	/* SIGUSR1 blocked and pending; suspend unblocks it, blocks HUP. */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	CHECK(sigprocmask(SIG_SETMASK, &block, NULL) == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(sig_is_pending(SIGUSR1) && count == 0);
	sigemptyset(&suspend);
	sigaddset(&suspend, SIGHUP);
	CHECK_ERR(sigsuspend(&suspend), EINTR);
	CHECK(count == 1 && blocked_self && blocked_hup && !blocked_usr2);
	CHECK(!sig_is_pending(SIGUSR1));
	check_mask_is(&block);

	/* A signal the suspend mask blocks stays pending meanwhile. */
	sigaddset(&block, SIGHUP);
	CHECK(sigprocmask(SIG_SETMASK, &block, NULL) == 0);
	CHECK(kill(getpid(), SIGHUP) == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK_ERR(sigsuspend(&suspend), EINTR);
	CHECK(count == 2 && sig_is_pending(SIGHUP) && !sig_is_pending(SIGUSR1));
	check_mask_is(&block);
	sigdelset(&block, SIGHUP);
	CHECK(sigprocmask(SIG_SETMASK, &block, NULL) == 0);
	CHECK(count == 3 && !sig_is_pending(SIGHUP));

	/* A later signal wakes it; an ignored one in between does not. */
	count = 0;
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		usleep(30000);
		kill(parent, SIGUSR2);
		usleep(30000);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	sigemptyset(&suspend);
	CHECK_ERR(sigsuspend(&suspend), EINTR);
	CHECK(count == 1);
	check_mask_is(&block);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* The raw call: the size must be the kernel's 8 bytes. */
	CHECK_ERR(syscall(SYS_rt_sigsuspend, &kmask, 4), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigsuspend, &kmask, 16), EINVAL);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK_ERR(syscall(SYS_rt_sigsuspend, &kmask, 8), EINTR);
	CHECK(count == 2);
	check_mask_is(&block);
	return 0;
}

int
main(void)
{
	return run_in_child(test);
}
