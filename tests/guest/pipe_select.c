/*
 * select and pselect on pipes: a timeout clears the sets, a writable
 * write end and a readable read end are counted once per set bit, a
 * write from another process ends a select without a timeout, a closed
 * fd is EBADF, select without fds sleeps, a negative nfds is EINVAL.
 */
#include <signal.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"

static long
now_ms(void)
{
	struct timespec ts;

	CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
check_timeouts(int rd)
{
	struct timeval tv = { 0, 100 * 1000 };
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	long t0 = now_ms();
	fd_set r;

	FD_ZERO(&r);
	FD_SET(rd, &r);
	CHECK(select(rd + 1, &r, NULL, NULL, &tv) == 0);
	CHECK(!FD_ISSET(rd, &r));
	CHECK(now_ms() - t0 >= 90);
	FD_SET(rd, &r);
	t0 = now_ms();
	CHECK(pselect(rd + 1, &r, NULL, NULL, &ts, NULL) == 0);
	CHECK(now_ms() - t0 >= 40);
	tv = (struct timeval){ 0, 50 * 1000 };
	t0 = now_ms();
	CHECK(select(0, NULL, NULL, NULL, &tv) == 0);
	CHECK(now_ms() - t0 >= 40);
}

static void
check_wakeup(int p[2])
{
	fd_set r;
	char c;
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		usleep(100 * 1000);
		_exit(write(p[1], "w", 1) == 1 ? 0 : 1);
	}
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK(select(p[0] + 1, &r, NULL, NULL, NULL) == 1);
	CHECK(FD_ISSET(p[0], &r));
	CHECK(read(p[0], &c, 1) == 1 && c == 'w');
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
}

int
main(void)
{
	struct timeval tv = { 1, 0 };
	fd_set r, w;
	int p[2], n;

	signal(SIGPIPE, SIG_IGN);
	CHECK(pipe(p) == 0);
	n = (p[0] > p[1] ? p[0] : p[1]) + 1;
	check_timeouts(p[0]);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[0], &w);
	FD_SET(p[1], &w);
	CHECK(select(n, &r, &w, NULL, &tv) == 1);
	CHECK(!FD_ISSET(p[0], &r) && !FD_ISSET(p[0], &w));
	CHECK(FD_ISSET(p[1], &w));
	CHECK(write(p[1], "x", 1) == 1);
	FD_SET(p[0], &r);
	FD_SET(p[1], &r);
	FD_SET(p[1], &w);
	tv = (struct timeval){ 1, 0 };
	CHECK(select(n, &r, &w, NULL, &tv) == 2);
	CHECK(FD_ISSET(p[0], &r) && !FD_ISSET(p[1], &r));
	CHECK(FD_ISSET(p[1], &w));
	CHECK(read(p[0], &n, 1) == 1);
	n = (p[0] > p[1] ? p[0] : p[1]) + 1;
	check_wakeup(p);

	/* The writer closes: the read end is readable (end of file). */
	CHECK(close(p[1]) == 0);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){ 1, 0 };
	CHECK(select(n, &r, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &r));
	/* A closed fd in a set. */
	FD_SET(p[1], &r);
	CHECK_ERR(select(n, &r, NULL, NULL, &tv), EBADF);
	CHECK_ERR(select(-1, NULL, NULL, NULL, &tv), EINVAL);
	tv = (struct timeval){ -1, 0 };
	CHECK_ERR(select(0, NULL, NULL, NULL, &tv), EINVAL);
	CHECK(close(p[0]) == 0);
	return 0;
}
