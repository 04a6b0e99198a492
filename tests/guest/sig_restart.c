/*
 * System calls interrupted by a handled signal: read of a pipe and
 * wait4 fail with EINTR without SA_RESTART and carry on (returning the
 * data or the child written/exited later) with it; a futex wait without
 * a timeout is restarted with SA_RESTART, with a timeout it is not;
 * nanosleep, pause, poll and select always fail with EINTR, nanosleep
 * telling a remaining time between 0 and the time asked for.
 *
 * A "kicker" child sends the signal ~60 ms after it is forked (the
 * caller is by then blocked) and, for some cases, then makes the call
 * able to finish.
 */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"

#define KICK_US 60000
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

enum { NOTHING, WRITE, WAKE };

static volatile int count;
static int *shared_word;

static void
handler(int sig)
{
	(void)sig;
	count++;
}

static void
set_handler(int flags)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	count = 0;
}

/* A child that signals us, then does `then' (with fd). */
static pid_t
kicker(int then, int fd)
{
	pid_t parent = getpid(), pid = fork();

	CHECK(pid >= 0);
	if (pid > 0)
		return pid;
	usleep(KICK_US);
	kill(parent, SIGUSR1);
	if (then != NOTHING)
		usleep(KICK_US);
	if (then == WRITE)
		write(fd, "x", 1);
	if (then == WAKE) {
		__atomic_store_n(shared_word, 1, __ATOMIC_SEQ_CST);
		syscall(SYS_futex, shared_word, FUTEX_WAKE, 1, NULL, NULL, 0);
	}
	_exit(0);
}

static void
reap(pid_t pid)
{
	int status;

	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void
pipe_read(void)
{
	int p[2];
	char c = 0;
	pid_t k;

	CHECK(pipe(p) == 0);
	set_handler(0);
	k = kicker(WRITE, p[1]);
	CHECK_ERR(read(p[0], &c, 1), EINTR);
	CHECK(count == 1);
	reap(k);
	CHECK(read(p[0], &c, 1) == 1 && c == 'x');

	set_handler(SA_RESTART);
	k = kicker(WRITE, p[1]);
	c = 0;
	CHECK(read(p[0], &c, 1) == 1 && c == 'x');
	CHECK(count == 1);
	reap(k);
	CHECK(close(p[0]) == 0 && close(p[1]) == 0);
}

static void
wait_child(void)
{
	pid_t k, c;

	for (int restart = 0; restart < 2; restart++) {
		set_handler(restart ? SA_RESTART : 0);
		c = fork();
		CHECK(c >= 0);
		if (c == 0) {
			usleep(4 * KICK_US);
			_exit(0);
		}
		k = kicker(NOTHING, -1);
		if (!restart)
			CHECK_ERR(waitpid(c, NULL, 0), EINTR);
		reap(c);
		CHECK(count == 1);
		reap(k);
	}
}

static void
futex_wait(void)
{
	struct timespec ts = { 5, 0 };
	pid_t k;

	shared_word = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(shared_word != MAP_FAILED);
	set_handler(0);
	k = kicker(NOTHING, -1);
	CHECK_ERR(syscall(SYS_futex, shared_word, FUTEX_WAIT, 0, NULL,
			  NULL, 0), EINTR);
	CHECK(count == 1);
	reap(k);

	/* Restarted: it returns when the kicker wakes it. */
	set_handler(SA_RESTART);
	k = kicker(WAKE, -1);
	CHECK(syscall(SYS_futex, shared_word, FUTEX_WAIT, 0, NULL, NULL,
		      0) == 0);
	CHECK(count == 1 && *shared_word == 1);
	reap(k);

	/* With a timeout: EINTR even with SA_RESTART. */
	*shared_word = 0;
	k = kicker(NOTHING, -1);
	CHECK_ERR(syscall(SYS_futex, shared_word, FUTEX_WAIT, 0, &ts, NULL,
			  0), EINTR);
	CHECK(count == 2);
	reap(k);
	CHECK(munmap(shared_word, 4096) == 0);
}

/* Calls that are never restarted, even with SA_RESTART. */
static void
never_restarted(void)
{
	struct timespec req = { 2, 0 }, rem = { 0, 0 };
	struct pollfd pfd;
	fd_set r;
	int p[2];
	pid_t k;

	CHECK(pipe(p) == 0);
	set_handler(SA_RESTART);
	k = kicker(NOTHING, -1);
	CHECK_ERR(nanosleep(&req, &rem), EINTR);
	CHECK(rem.tv_sec >= 0 && rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000);
	CHECK(rem.tv_sec > 0 || rem.tv_nsec > 0);
	CHECK(rem.tv_sec < req.tv_sec);
	reap(k);

	k = kicker(NOTHING, -1);
	CHECK_ERR(pause(), EINTR);
	reap(k);

	k = kicker(NOTHING, -1);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	CHECK_ERR(poll(&pfd, 1, -1), EINTR);
	reap(k);

	k = kicker(NOTHING, -1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK_ERR(select(p[0] + 1, &r, NULL, NULL, NULL), EINTR);
	reap(k);
	CHECK(count == 4);
	CHECK(close(p[0]) == 0 && close(p[1]) == 0);
}

static int
test(void)
{
	pipe_read();
	wait_child();
	futex_wait();
	never_restarted();
	return 0;
}

int
main(void)
{
	return run_in_child(test);
}
