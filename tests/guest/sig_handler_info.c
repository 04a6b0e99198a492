/*
 * What an SA_SIGINFO handler is told, and the flags that shape delivery:
 * si_code SI_USER with si_pid/si_uid from kill, SI_TKILL from tgkill,
 * SI_QUEUE and si_value from sigqueue and rt_sigqueueinfo (which refuses
 * a kernel-looking si_code aimed at another process); a ucontext whose
 * rip is in the program's text and whose rsp is just below the
 * interrupted frame; SA_RESETHAND resets the handler to SIG_DFL after one
 * delivery; SA_NODEFER lets the handler nest; otherwise the signal and
 * sa_mask are blocked inside the handler and unblocked after it.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include "guest.h"

extern char __executable_start[], etext[];

static volatile int count, depth, max_depth;
static volatile int got_signo, got_code, got_pid, got_uid, got_val;
static volatile uintptr_t got_rip, got_rsp, got_local;
static volatile int in_handler_blocked_self, in_handler_blocked_mask;
static volatile int raise_again;

static void
handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	sigset_t cur;
	int local = 0;

	count++;
	if (++depth > max_depth)
		max_depth = depth;
	got_signo = si->si_signo;
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_uid = si->si_uid;
	got_val = si->si_value.sival_int;
	got_rip = uc ? (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] : 0;
	got_rsp = uc ? (uintptr_t)uc->uc_mcontext.gregs[REG_RSP] : 0;
	got_local = (uintptr_t)&local;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	in_handler_blocked_self = sigismember(&cur, sig);
	in_handler_blocked_mask = sigismember(&cur, SIGHUP);
	if (raise_again) {
		raise_again = 0;
		kill(getpid(), sig);
	}
	depth--;
}

static void
install(int sig, int flags, int masked)
{
	struct sigaction sa = { .sa_sigaction = handler };

	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	if (masked >= 0)
		sigaddset(&sa.sa_mask, masked);
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

static int
test(void)
{
	pid_t me = getpid(), tid = syscall(SYS_gettid), pid;
	siginfo_t si;
	union sigval v;
	sigset_t cur;
	struct sigaction old;
	int status, local = 0;

	/* kill: SI_USER from us, with the context of the interrupted code. */
	install(SIGUSR1, 0, SIGHUP);
	CHECK(kill(me, SIGUSR1) == 0);
	CHECK(count == 1 && got_signo == SIGUSR1 && got_code == SI_USER);
	CHECK(got_pid == me && got_uid == (int)getuid());
	CHECK(got_rip >= (uintptr_t)__executable_start &&
	      got_rip < (uintptr_t)etext);
	CHECK(got_rsp < (uintptr_t)&local &&
	      (uintptr_t)&local - got_rsp < 65536);
	CHECK(got_local < got_rsp);
	/* Blocked inside (itself and sa_mask), unblocked after. */
	CHECK(in_handler_blocked_self == 1 && in_handler_blocked_mask == 1);
	CHECK(sigprocmask(SIG_BLOCK, NULL, &cur) == 0);
	CHECK(!sigismember(&cur, SIGUSR1) && !sigismember(&cur, SIGHUP));

	/* tgkill: SI_TKILL. */
	CHECK(syscall(SYS_tgkill, me, tid, SIGUSR1) == 0);
	CHECK(count == 2 && got_code == SI_TKILL && got_pid == me);

	/* sigqueue: SI_QUEUE with the value. */
	v.sival_int = 4242;
	CHECK(sigqueue(me, SIGUSR1, v) == 0);
	CHECK(count == 3 && got_code == SI_QUEUE && got_val == 4242);
	CHECK(got_pid == me);

	/* rt_sigqueueinfo to ourselves: the siginfo arrives as given. */
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = SI_QUEUE;
	si.si_pid = me;
	si.si_uid = getuid();
	si.si_value.sival_int = -77;
	CHECK(syscall(SYS_rt_sigqueueinfo, me, SIGUSR1, &si) == 0);
	CHECK(count == 4 && got_code == SI_QUEUE && got_val == -77);

	/* ...but a kernel-looking si_code is refused for someone else. */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	si.si_code = SI_KERNEL;
	CHECK_ERR(syscall(SYS_rt_sigqueueinfo, pid, SIGUSR1, &si), EPERM);
	si.si_code = SI_USER;
	CHECK_ERR(syscall(SYS_rt_sigqueueinfo, pid, SIGUSR1, &si), EPERM);
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK(waitpid(pid, &status, 0) == pid);

	/* Without SA_NODEFER, a raise inside waits until the handler ends. */
	count = max_depth = 0;
	raise_again = 1;
	CHECK(kill(me, SIGUSR1) == 0);
	CHECK(count == 2 && max_depth == 1);

	/* With SA_NODEFER it nests, and is not blocked inside. */
	install(SIGUSR1, SA_NODEFER, -1);
	count = max_depth = 0;
	raise_again = 1;
	CHECK(kill(me, SIGUSR1) == 0);
	CHECK(count == 2 && max_depth == 2);
	CHECK(in_handler_blocked_self == 0);

	/* SA_RESETHAND: one delivery, then the default action again. */
	install(SIGUSR2, SA_RESETHAND, -1);
	count = 0;
	CHECK(kill(me, SIGUSR2) == 0);
	CHECK(count == 1 && got_signo == SIGUSR2);
	CHECK(sigaction(SIGUSR2, NULL, &old) == 0);
	CHECK(old.sa_handler == SIG_DFL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		kill(getpid(), SIGUSR2);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR2);
	CHECK(count == 1);
	return 0;
}

int
main(void)
{
	return run_in_child(test);
}
