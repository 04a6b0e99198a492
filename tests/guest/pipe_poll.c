/*
 * poll and ppoll on pipes: a timeout when nothing is ready, the write
 * end writable at once, the read end readable after a write (also a
 * write from another process while poll sleeps), POLLHUP once the
 * writers are gone, POLLERR for a writer without readers, POLLNVAL for
 * a closed fd, nothing for a negative one, EINVAL for too many fds.
 */
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
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

/* Nothing to read: poll and ppoll wait out their timeouts. */
static void
check_timeouts(int rd)
{
	struct pollfd pfd = { .fd = rd, .events = POLLIN };
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	long t0 = now_ms();

	CHECK(poll(&pfd, 1, 100) == 0 && pfd.revents == 0);
	CHECK(now_ms() - t0 >= 90);
	CHECK(poll(&pfd, 1, 0) == 0);
	t0 = now_ms();
	CHECK(ppoll(&pfd, 1, &ts, NULL) == 0);
	CHECK(now_ms() - t0 >= 40);
	/* poll with no fds at all is a sleep. */
	t0 = now_ms();
	CHECK(poll(NULL, 0, 50) == 0);
	CHECK(now_ms() - t0 >= 40);
}

/* A child writes while the parent sleeps in poll without a timeout. */
static void
check_wakeup(int p[2])
{
	struct pollfd pfd = { .fd = p[0], .events = POLLIN };
	char c;
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		usleep(100 * 1000);
		_exit(write(p[1], "w", 1) == 1 ? 0 : 1);
	}
	CHECK(poll(&pfd, 1, -1) == 1 && pfd.revents == POLLIN);
	CHECK(read(p[0], &c, 1) == 1 && c == 'w');
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
}

int
main(void)
{
	struct pollfd pfd[3];
	struct rlimit rl;
	char buf[2];
	int p[2];

	signal(SIGPIPE, SIG_IGN);
	CHECK(pipe(p) == 0);
	check_timeouts(p[0]);
	pfd[0] = (struct pollfd){ .fd = p[0], .events = POLLIN | POLLOUT };
	pfd[1] = (struct pollfd){ .fd = p[1], .events = POLLIN | POLLOUT };
	pfd[2] = (struct pollfd){ .fd = -1, .events = POLLIN };
	CHECK(poll(pfd, 3, 1000) == 1);
	CHECK(pfd[0].revents == 0 && pfd[1].revents == POLLOUT);
	CHECK(pfd[2].revents == 0);
	CHECK(write(p[1], "ab", 2) == 2);
	CHECK(poll(pfd, 2, 1000) == 2 && pfd[0].revents == POLLIN);
	CHECK(read(p[0], buf, 2) == 2);
	check_wakeup(p);

	/* The writer closes: data and a hang-up, then only the hang-up. */
	CHECK(write(p[1], "ab", 2) == 2);
	CHECK(close(p[1]) == 0);
	CHECK(poll(pfd, 1, 1000) == 1 && pfd[0].revents == (POLLIN | POLLHUP));
	CHECK(read(p[0], buf, 2) == 2);
	CHECK(poll(pfd, 1, 1000) == 1 && pfd[0].revents == POLLHUP);
	/* A closed fd. */
	pfd[1].fd = p[1];
	CHECK(poll(&pfd[1], 1, 1000) == 1 && pfd[1].revents == POLLNVAL);
	CHECK(close(p[0]) == 0);

	/* The reader closes: the writer gets an error. */
	CHECK(pipe(p) == 0);
	CHECK(close(p[0]) == 0);
	pfd[0] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	CHECK(poll(pfd, 1, 1000) == 1 && (pfd[0].revents & POLLERR));
	CHECK(close(p[1]) == 0);

	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	CHECK_ERR(poll(pfd, rl.rlim_cur + 1, 0), EINVAL);
	return 0;
}
