/*
 * Real-time signals queue, standard ones do not: rt signals sent with
 * sigqueue while blocked are all delivered on unblock, the lowest signal
 * number first and each signal's instances in the order sent, with
 * their values (the handler's sa_mask holds all of them, so one runs at
 * a time and the order is visible); two SIGUSR1 (kill or sigqueue) sent
 * while blocked arrive once; sigwaitinfo/sigtimedwait take queued ones
 * one at a time with si_code SI_QUEUE and their values, and
 * sigtimedwait times out with EAGAIN.
 */
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"

static volatile int n_log;
static volatile int log_sig[16], log_val[16];

static void
handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (n_log < 16) {
		log_sig[n_log] = sig;
		log_val[n_log] = si->si_value.sival_int;
	}
	n_log++;
}

static void
queue(int sig, int val)
{
	union sigval v = { .sival_int = val };

	CHECK(sigqueue(getpid(), sig, v) == 0);
}

static int
test(void)
{
	struct sigaction sa = { .sa_sigaction = handler,
				.sa_flags = SA_SIGINFO };
	struct timespec ts = { 0, 50 * 1000 * 1000 }, zero = { 0, 0 };
	static const int order[][2] = { { 0, 1 }, { 0, 2 }, { 0, 3 },
					{ 1, 10 }, { 2, 20 }, { 2, 21 } };
	sigset_t rt, old, set;
	siginfo_t si;

	sigemptyset(&rt);
	for (int i = 0; i < 3; i++)
		sigaddset(&rt, SIGRTMIN + i);
	sigaddset(&rt, SIGUSR1);
	sa.sa_mask = rt;
	for (int i = 0; i < 3; i++)
		CHECK(sigaction(SIGRTMIN + i, &sa, NULL) == 0);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

	/* Queued in mixed order, delivered by number then by arrival. */
	CHECK(sigprocmask(SIG_BLOCK, &rt, &old) == 0);
	queue(SIGRTMIN + 2, 20);
	queue(SIGRTMIN, 1);
	queue(SIGRTMIN + 1, 10);
	queue(SIGRTMIN, 2);
	queue(SIGRTMIN + 2, 21);
	queue(SIGRTMIN, 3);
	CHECK(sigpending(&set) == 0);
	for (int i = 0; i < 3; i++)
		CHECK(sigismember(&set, SIGRTMIN + i));
	CHECK(n_log == 0);
	CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
	CHECK(n_log == 6);
	for (int i = 0; i < 6; i++) {
		CHECK(log_sig[i] == SIGRTMIN + order[i][0]);
		CHECK(log_val[i] == order[i][1]);
	}

	/* Standard signals: one delivery however many were sent. */
	n_log = 0;
	CHECK(sigprocmask(SIG_BLOCK, &rt, NULL) == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	queue(SIGUSR1, 5);
	CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
	CHECK(n_log == 1 && log_sig[0] == SIGUSR1);

	/* sigwaitinfo / sigtimedwait take them one by one. */
	n_log = 0;
	CHECK(sigprocmask(SIG_BLOCK, &rt, NULL) == 0);
	queue(SIGRTMIN + 1, 7);
	queue(SIGRTMIN + 1, 8);
	queue(SIGRTMIN, 6);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 1);
	CHECK(sigwaitinfo(&set, &si) == SIGRTMIN + 1);
	CHECK(si.si_signo == SIGRTMIN + 1 && si.si_code == SI_QUEUE);
	CHECK(si.si_pid == getpid() && si.si_value.sival_int == 7);
	CHECK(sigtimedwait(&set, &si, &ts) == SIGRTMIN + 1);
	CHECK(si.si_value.sival_int == 8);
	CHECK_ERR(sigtimedwait(&set, &si, &ts), EAGAIN);
	CHECK_ERR(sigtimedwait(&set, &si, &zero), EAGAIN);
	/* The one not waited for is still pending. */
	CHECK(sigpending(&set) == 0);
	CHECK(sigismember(&set, SIGRTMIN) && !sigismember(&set, SIGRTMIN + 1));
	CHECK(sigtimedwait(&rt, &si, &zero) == SIGRTMIN);
	CHECK(si.si_value.sival_int == 6);
	CHECK(sigpending(&set) == 0);
	CHECK(!sigismember(&set, SIGRTMIN));
	CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
	CHECK(n_log == 0);
	return 0;
}

int
main(void)
{
	return run_in_child(test);
}
