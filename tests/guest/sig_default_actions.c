/*
 * Default actions and exec: a child that sends itself a signal whose
 * default is to terminate dies of it (WIFSIGNALED, WTERMSIG, no core
 * flag); the core-dumping ones (SIGQUIT, abort's SIGABRT, a real SIGSEGV,
 * ...) too, with WCOREDUMP false under RLIMIT_CORE 0; default-ignored
 * signals (SIGCHLD, SIGURG, SIGWINCH, SIGCONT) do nothing, nor does an
 * ignored SIGTERM.  Across exec (the test runs itself again with an
 * argument) handlers go back to SIG_DFL, ignored signals stay ignored,
 * and the mask and pending signals are kept.
 */
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

static char *self;

static void
handler(int sig)
{
	(void)sig;
}

/* Run a child that sends itself sig (SIG_IGN'd first if ignore); its
 * wait status. */
static int
self_kill(int sig, int ignore)
{
	struct rlimit no_core = { 0, 0 };
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK(setrlimit(RLIMIT_CORE, &no_core) == 0);
		if (ignore)
			CHECK(signal(sig, SIG_IGN) != SIG_ERR);
		if (sig == SIGABRT)
			abort();
		if (sig == SIGSEGV)
			*(volatile int *volatile)NULL = 1;
		kill(getpid(), sig);
		_exit(99);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	return status;
}

/* After exec: what the program before us set up. */
static int
after_exec(void)
{
	struct sigaction sa;
	sigset_t set;

	CHECK(sigaction(SIGUSR1, NULL, &sa) == 0);
	CHECK(sa.sa_handler == SIG_DFL);
	CHECK(sigaction(SIGUSR2, NULL, &sa) == 0);
	CHECK(sa.sa_handler == SIG_IGN);
	CHECK(sigaction(SIGHUP, NULL, &sa) == 0);
	CHECK(sa.sa_handler == SIG_DFL);
	CHECK(sigprocmask(SIG_BLOCK, NULL, &set) == 0);
	CHECK(sigismember(&set, SIGTERM) && sigismember(&set, SIGINT));
	CHECK(!sigismember(&set, SIGUSR1));
	CHECK(sigpending(&set) == 0);
	CHECK(sigismember(&set, SIGTERM) && !sigismember(&set, SIGINT));
	return 0;
}

static void
exec_child(void)
{
	char *argv[] = { self, "after-exec", NULL };
	sigset_t set;
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK(signal(SIGUSR1, handler) != SIG_ERR);
		CHECK(signal(SIGHUP, handler) != SIG_ERR);
		CHECK(signal(SIGUSR2, SIG_IGN) != SIG_ERR);
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGINT);
		CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
		CHECK(kill(getpid(), SIGTERM) == 0);
		execv(self, argv);
		_exit(127);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int
test(void)
{
	static const int terminate[] = {
		SIGHUP, SIGINT, SIGKILL, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM,
		SIGTERM, SIGSTKFLT, SIGVTALRM, SIGPROF, SIGIO, SIGPWR, 34, 64,
	};
	static const int core[] = {
		SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV,
		SIGXCPU, SIGXFSZ, SIGSYS,
	};
	static const int ignored[] = { SIGCHLD, SIGURG, SIGWINCH, SIGCONT };
	int status;

	for (size_t i = 0; i < sizeof(terminate) / sizeof(int); i++) {
		status = self_kill(terminate[i], 0);
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == terminate[i]);
		CHECK(!WCOREDUMP(status));
	}
	for (size_t i = 0; i < sizeof(core) / sizeof(int); i++) {
		status = self_kill(core[i], 0);
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == core[i]);
		CHECK(!WCOREDUMP(status));
	}
	for (size_t i = 0; i < sizeof(ignored) / sizeof(int); i++) {
		status = self_kill(ignored[i], 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 99);
	}
	status = self_kill(SIGTERM, 1);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 99);

	exec_child();
	return 0;
}

int
main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1 && strcmp(argv[1], "after-exec") == 0)
		return after_exec();
	CHECK(self[0] == '/');
	return run_in_child(test);
}
