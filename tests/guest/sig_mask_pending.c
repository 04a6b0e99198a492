/*
 * The signal mask and the pending set: a blocked signal stays pending
 * (sigpending shows it) and is delivered as soon as it is unblocked,
 * before sigprocmask returns, with SIG_UNBLOCK or SIG_SETMASK; SIGKILL
 * and SIGSTOP are silently left out of any mask; bad sigsetsize, bad
 * signal numbers and handlers for SIGKILL/SIGSTOP are EINVAL; setting a
 * pending signal to SIG_IGN discards it (on Linux a blocked signal is
 * queued even while ignored); masks are per thread: a signal for the
 * process goes to the thread that does not block it, and pthread_kill
 * reaches exactly the thread named.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "guest.h"

/* The kernel's struct sigaction on x86-64. */
struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

#define BIT(sig) (1ULL << ((sig) - 1))

static volatile int count1, count2;
static volatile pid_t handled_tid;
static __thread volatile int got_here;

static void
handler(int sig)
{
	if (sig == SIGUSR1)
		count1++;
	else
		count2++;
	handled_tid = syscall(SYS_gettid);
	got_here = 1;
}

static void
set_handler(int sig, void (*h)(int))
{
	struct sigaction sa = { .sa_handler = h };

	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

static volatile pid_t thread_tid[2];

/* Wait (with the signals unblocked only while waiting) for one. */
static void *
waiter(void *arg)
{
	sigset_t none;

	sigemptyset(&none);
	thread_tid[(intptr_t)arg] = syscall(SYS_gettid);
	while (!got_here)
		sigsuspend(&none);
	return NULL;
}

static void
threads(void)
{
	pthread_t th[2];
	sigset_t set;
	pid_t main_tid = syscall(SYS_gettid);

	/* Main blocks SIGUSR1 for good; the thread waits for it. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	handled_tid = 0;
	got_here = 0;
	CHECK(pthread_create(&th[0], NULL, waiter, (void *)0) == 0);
	while (!thread_tid[0])
		sched_yield();
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(pthread_join(th[0], NULL) == 0);
	CHECK(handled_tid == thread_tid[0] && handled_tid != main_tid);

	/* pthread_kill: each thread gets its own. */
	thread_tid[0] = 0;
	for (intptr_t i = 0; i < 2; i++)
		CHECK(pthread_create(&th[i], NULL, waiter, (void *)i) == 0);
	while (!thread_tid[0] || !thread_tid[1])
		sched_yield();
	for (int i = 1; i >= 0; i--) {
		CHECK(pthread_kill(th[i], SIGUSR2) == 0);
		CHECK(pthread_join(th[i], NULL) == 0);
		CHECK(handled_tid == thread_tid[i]);
	}
	CHECK(!got_here);
	CHECK(!sig_is_pending(SIGUSR1) && !sig_is_pending(SIGUSR2));
}

static int
test(void)
{
	sigset_t set, old;
	uint64_t kset, kold;
	struct ksigaction ka = { .handler = SIG_DFL };

	set_handler(SIGUSR1, handler);
	set_handler(SIGUSR2, handler);

	/* Block, raise: pending; unblock: delivered before the return. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0);
	CHECK(!sigismember(&old, SIGUSR1));
	CHECK(!sig_is_pending(SIGUSR1));
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(count1 == 0 && sig_is_pending(SIGUSR1));
	CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
	CHECK(count1 == 1 && !sig_is_pending(SIGUSR1));

	/* The same through SIG_SETMASK. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	CHECK(sigprocmask(SIG_SETMASK, &set, &old) == 0);
	CHECK(kill(getpid(), SIGUSR2) == 0);
	CHECK(count2 == 0 && sig_is_pending(SIGUSR2));
	CHECK(sigprocmask(SIG_SETMASK, &old, &set) == 0);
	CHECK(sigismember(&set, SIGUSR2));
	CHECK(count2 == 1 && !sig_is_pending(SIGUSR2));
	CHECK_ERR(sigprocmask(12345, &set, NULL), EINVAL);

	/* SIGKILL and SIGSTOP cannot be blocked: silently dropped. */
	kset = BIT(SIGKILL) | BIT(SIGSTOP) | BIT(SIGHUP);
	CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &kset, NULL, 8) == 0);
	CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &kold, 8) == 0);
	CHECK(kold == BIT(SIGHUP));
	kset = 0;
	CHECK(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &kset, NULL, 8) == 0);
	CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &kset, NULL, 4),
		  EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &kset, NULL, 16),
		  EINVAL);

	/* No handlers for SIGKILL/SIGSTOP, nor for signals 0 and 65. */
	CHECK_ERR(syscall(SYS_rt_sigaction, SIGKILL, &ka, NULL, 8), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigaction, SIGSTOP, &ka, NULL, 8), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigaction, 0, &ka, NULL, 8), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigaction, 65, &ka, NULL, 8), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, &ka, NULL, 4), EINVAL);
	CHECK_ERR(kill(getpid(), 65), EINVAL);
	/* Asking what SIGKILL does is fine. */
	CHECK(syscall(SYS_rt_sigaction, SIGKILL, NULL, &ka, 8) == 0);
	CHECK(ka.handler == SIG_DFL);

	/* A pending signal set to SIG_IGN is discarded. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(sig_is_pending(SIGUSR1));
	set_handler(SIGUSR1, SIG_IGN);
	CHECK(!sig_is_pending(SIGUSR1));
	/* Blocked and ignored: Linux still queues it (the handler may change
	 * before it is unblocked); unblocking discards it. */
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(sig_is_pending(SIGUSR1));
	CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
	CHECK(!sig_is_pending(SIGUSR1));
	/* Unblocked and ignored: never pending. */
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(!sig_is_pending(SIGUSR1));
	set_handler(SIGUSR1, handler);
	CHECK(count1 == 1);

	threads();
	return 0;
}

int
main(void)
{
	return run_in_child(test);
}
