/*
 * The alternate signal stack: sigaltstack starts disabled, reports what
 * was set, refuses a too small size (ENOMEM) and bad flags (EINVAL); an
 * SA_ONSTACK handler runs on it (its locals are inside, sigaltstack says
 * SS_ONSTACK, and changing or disabling the stack there is EPERM), a
 * handler without SA_ONSTACK does not; after SS_DISABLE even SA_ONSTACK
 * handlers run on the normal stack; and a stack overflow's SIGSEGV is
 * handled on the alternate stack.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#define ALT_SIZE (64 * 1024)

static char *alt;
static volatile int ran, on_alt, said_onstack, change_err, disable_err;

static int
inside_alt(const void *p)
{
	return (const char *)p >= alt && (const char *)p < alt + ALT_SIZE;
}

static void
handler(int sig)
{
	stack_t cur, other = { .ss_sp = alt, .ss_size = ALT_SIZE };
	int local;

	(void)sig;
	ran++;
	on_alt = inside_alt(&local);
	CHECK(sigaltstack(NULL, &cur) == 0);
	said_onstack = (cur.ss_flags & SS_ONSTACK) != 0;
	errno = 0;
	change_err = sigaltstack(&other, NULL) == 0 ? 0 : errno;
	other.ss_flags = SS_DISABLE;
	errno = 0;
	disable_err = sigaltstack(&other, NULL) == 0 ? 0 : errno;
}

static void
install(int sig, void (*h)(int), int flags)
{
	struct sigaction sa = { .sa_handler = h, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void
on_segv(int sig)
{
	int local;

	(void)sig;
	_exit(inside_alt(&local) ? 42 : 43);
}

static volatile int max_depth = 1 << 30;

/* Recurse with big frames until the stack runs out. */
static int
recurse(int n)
{
	volatile char buf[4096];

	if (n > max_depth)
		return 0;
	buf[0] = (char)n;
	buf[sizeof(buf) - 1] = (char)n;
	return recurse(n + 1) + buf[0] + buf[sizeof(buf) - 1];
}

static void
overflow(void)
{
	struct rlimit rl = { 1024 * 1024, 1024 * 1024 };
	stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE };
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK(setrlimit(RLIMIT_STACK, &rl) == 0);
		CHECK(sigaltstack(&ss, NULL) == 0);
		install(SIGSEGV, on_segv, SA_ONSTACK);
		_exit(recurse(0));
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
}

static int
test(void)
{
	stack_t ss, old;

	alt = malloc(ALT_SIZE);
	CHECK(alt != NULL);

	CHECK(sigaltstack(NULL, &old) == 0);
	CHECK(old.ss_flags == SS_DISABLE);

	ss.ss_sp = alt;
	ss.ss_size = 1024;
	ss.ss_flags = 0;
	CHECK_ERR(sigaltstack(&ss, NULL), ENOMEM);
	ss.ss_size = ALT_SIZE;
	ss.ss_flags = 4;
	CHECK_ERR(sigaltstack(&ss, NULL), EINVAL);
	ss.ss_flags = 0;
	CHECK(sigaltstack(&ss, &old) == 0);
	CHECK(old.ss_flags == SS_DISABLE);
	CHECK(sigaltstack(NULL, &old) == 0);
	CHECK(old.ss_sp == alt && old.ss_size == ALT_SIZE && old.ss_flags == 0);

	/* SA_ONSTACK: on the alternate stack, which cannot change there. */
	install(SIGUSR1, handler, SA_ONSTACK);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(ran == 1 && on_alt && said_onstack);
	CHECK(change_err == EPERM && disable_err == EPERM);
	CHECK(sigaltstack(NULL, &old) == 0);
	CHECK(old.ss_sp == alt && old.ss_flags == 0);

	/* Without SA_ONSTACK: the normal stack, and changes are allowed,
	 * though on Linux rt_sigreturn puts back the stack saved in the
	 * frame (uc_stack), undoing them. */
	install(SIGUSR2, handler, 0);
	CHECK(kill(getpid(), SIGUSR2) == 0);
	CHECK(ran == 2 && !on_alt && !said_onstack);
	CHECK(change_err == 0 && disable_err == 0);
	CHECK(sigaltstack(NULL, &old) == 0);
	CHECK(old.ss_sp == alt && old.ss_flags == 0);
	ss.ss_flags = SS_DISABLE;
	CHECK(sigaltstack(&ss, NULL) == 0);
	CHECK(sigaltstack(NULL, &old) == 0);
	CHECK(old.ss_flags == SS_DISABLE);
	ss.ss_flags = 0;

	/* Disabled: SA_ONSTACK handlers run on the normal stack. */
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(ran == 3 && !on_alt && !said_onstack);
	CHECK(sigaltstack(&ss, NULL) == 0);
	ss.ss_flags = SS_DISABLE;
	CHECK(sigaltstack(&ss, NULL) == 0);
	CHECK(sigaltstack(NULL, &old) == 0);
	CHECK(old.ss_flags == SS_DISABLE);

	overflow();
	return 0;
}

int
main(void)
{
	return run_in_child(test);
}
