/*
 * RLIMIT_SIGPENDING: queued real-time signals are limited, so a program
 * cannot fill the kernel's memory with them; sigqueue beyond the limit
 * fails with EAGAIN, and every one queued before it is delivered.
 */
#include <sys/resource.h>
#include "guest.h"

#define LIMIT 100

static volatile int delivered;

static void
handler(int sig)
{
	(void)sig;
	delivered++;
}

static int
test(void)
{
	struct rlimit rl = { LIMIT, LIMIT };
	union sigval v = { .sival_int = 7 };
	sigset_t set;
	int n = 0;

	CHECK(setrlimit(RLIMIT_SIGPENDING, &rl) == 0);
	CHECK(signal(SIGRTMIN, handler) != SIG_ERR);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	while (n < 10 * LIMIT && sigqueue(getpid(), SIGRTMIN, v) == 0)
		n++;
	CHECK(n < 10 * LIMIT && errno == EAGAIN);
	/* Linux counts the user's other pending signals too: at most. */
	CHECK(n > LIMIT - 10 && n <= LIMIT);
	CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
	CHECK(delivered == n);
	/* Room again once they are delivered. */
	CHECK(sigqueue(getpid(), SIGRTMIN, v) == 0);
	CHECK(delivered == n + 1);
	return 0;
}

int
main(void)
{
	return run_in_child(test);
}
