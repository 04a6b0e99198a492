/*
 * Guest test programs: each tests/guest/NAME.c is one behaviour, built
 * with musl-gcc -static, run inside vmlinux-host as init by
 * tests/guest/run.sh, and passes by exiting 0.  CHECK() reports the first
 * failed expectation with its line and errno and exits 1.
 */
#ifndef TESTS_GUEST_GUEST_H
#define TESTS_GUEST_GUEST_H

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "FAIL: %s:%d: %s (errno %d: %s)\n", \
				__FILE__, __LINE__, #cond, errno,	\
				strerror(errno));			\
			exit(1);					\
		}							\
	} while (0)

#define CHECK_ERR(expr, err)						\
	do {								\
		errno = 0;						\
		long r_ = (long)(expr);					\
		if (r_ != -1 || errno != (err)) {			\
			fprintf(stderr, "FAIL: %s:%d: %s gave %ld errno %d," \
				" expected -1 errno %d\n", __FILE__,	\
				__LINE__, #expr, r_, errno, (err));	\
			exit(1);					\
		}							\
	} while (0)

/* The scratch directory of scratch_enter(). */
static char scratch_dir[] = "/tmp/guest_XXXXXX";

static inline int
scratch_rm_one(const char *p, const struct stat *st, int flag,
	       struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* Work in a fresh directory under /tmp (made if missing). */
static inline void
scratch_enter(void)
{
	if (mkdir("/tmp", 01777) != 0)
		CHECK(errno == EEXIST);
	CHECK(mkdtemp(scratch_dir) != NULL);
	CHECK(chdir(scratch_dir) == 0);
}

/* Leave the scratch directory and remove it with all it holds. */
static inline void
scratch_leave(void)
{
	CHECK(chdir("/") == 0);
	CHECK(nftw(scratch_dir, scratch_rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0);
}

/*
 * Run fn in a forked child and return its exit status (1 if a signal
 * killed it).  The tests run as pid 1, and Linux treats init specially
 * for signals (one it sends itself with no handler is dropped), so tests
 * of ordinary signal behaviour do their work in a child: main is then
 * "return run_in_child(test);" and means the same on the host.
 */
static inline int
run_in_child(int (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		exit(fn());
	CHECK(waitpid(pid, &status, 0) == pid);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	fprintf(stderr, "FAIL: the test child was killed by signal %d\n",
		WIFSIGNALED(status) ? WTERMSIG(status) : -1);
	return 1;
}

/* Is sig pending (blocked and sent) for the caller? */
static inline int
sig_is_pending(int sig)
{
	sigset_t set;

	CHECK(sigpending(&set) == 0);
	return sigismember(&set, sig);
}

#endif
