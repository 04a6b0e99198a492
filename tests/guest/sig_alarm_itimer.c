/*
 * alarm and ITIMER_REAL: alarm returns the seconds left of the previous
 * alarm and alarm(0) cancels it (getitimer then shows nothing); alarm(1)
 * delivers SIGALRM after about a second (0.5 to 3 s here); getitimer's
 * remaining time decreases; an interval timer fires again and again; a
 * fork child starts with no alarm, while exec keeps a pending one.
 */
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"

static volatile int alarms;
static char *self;

static void
on_alrm(int sig)
{
	(void)sig;
	alarms++;
}

static double
now(void)
{
	struct timespec ts;

	CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
tv(struct timeval t)
{
	return t.tv_sec + t.tv_usec / 1e6;
}

static int
status_of(pid_t pid)
{
	int status;

	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int
test(void)
{
	struct sigaction sa = { .sa_handler = on_alrm };
	struct itimerval it = { { 0, 0 }, { 0, 0 } }, cur, cur2;
	char *argv[] = { self, "after-exec", NULL };
	double t0, t;
	pid_t pid;

	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);

	/* alarm's return value, alarm(0), getitimer. */
	CHECK(alarm(10) == 0);
	CHECK(alarm(5) == 10);
	CHECK(getitimer(ITIMER_REAL, &cur) == 0);
	CHECK(tv(cur.it_value) > 4 && tv(cur.it_value) <= 5);
	CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 0);
	usleep(50000);
	CHECK(getitimer(ITIMER_REAL, &cur2) == 0);
	CHECK(tv(cur2.it_value) < tv(cur.it_value));
	CHECK(alarm(0) == 5);
	CHECK(getitimer(ITIMER_REAL, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
	CHECK(alarm(0) == 0);

	/* A fork child has no alarm; exec keeps it. */
	CHECK(alarm(30) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(alarm(0) == 0 ? 0 : 1);
	CHECK(status_of(pid) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		alarm(20);
		execv(self, argv);
		_exit(127);
	}
	CHECK(status_of(pid) == 0);
	CHECK(alarm(0) > 0);

	/* alarm(1) fires after about a second. */
	t0 = now();
	CHECK(alarm(1) == 0);
	while (alarms == 0 && now() - t0 < 5)
		pause();
	t = now() - t0;
	CHECK(alarms == 1 && t > 0.5 && t < 3);

	/* A repeating timer: at least 3 shots in 20 ms steps. */
	alarms = 0;
	it.it_value.tv_usec = 20000;
	it.it_interval.tv_usec = 20000;
	t0 = now();
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	while (alarms < 3 && now() - t0 < 2)
		pause();
	CHECK(alarms >= 3);
	CHECK(getitimer(ITIMER_REAL, &cur) == 0);
	CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 20000);
	memset(&it, 0, sizeof(it));
	CHECK(setitimer(ITIMER_REAL, &it, &cur) == 0);
	CHECK(tv(cur.it_value) > 0 && tv(cur.it_value) <= 0.02);
	CHECK(getitimer(ITIMER_REAL, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
	return 0;
}

int
main(int argc, char **argv)
{
	self = argv[0];
	/* The exec'd child: the alarm set before exec is still there. */
	if (argc > 1 && strcmp(argv[1], "after-exec") == 0)
		return alarm(0) > 0 ? 0 : 1;
	CHECK(self[0] == '/');
	return run_in_child(test);
}
