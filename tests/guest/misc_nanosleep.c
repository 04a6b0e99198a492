/*
 * nanosleep and clock_nanosleep: sleeps last at least as long as asked
 * and not ten times longer (1 ms, 20 ms), an absolute deadline in the
 * past returns at once, and bad timespecs are EINVAL.
 */
#include <time.h>
#include "guest.h"

static long long
now_ns(void)
{
	struct timespec ts;

	CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
check_sleep(long ns)
{
	struct timespec req = { 0, ns };
	long long t0 = now_ns(), took;

	CHECK(nanosleep(&req, NULL) == 0);
	took = now_ns() - t0;
	CHECK(took >= ns);
	CHECK(took < 10LL * ns);
}

int
main(void)
{
	struct timespec req, rem;
	long long t0, took;

	check_sleep(1000000);
	check_sleep(20000000);

	/* Absolute: 15 ms from now on the monotonic clock. */
	CHECK(clock_gettime(CLOCK_MONOTONIC, &req) == 0);
	t0 = req.tv_sec * 1000000000LL + req.tv_nsec + 15000000;
	req.tv_sec = t0 / 1000000000LL;
	req.tv_nsec = t0 % 1000000000LL;
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &req,
			      NULL) == 0);
	CHECK(now_ns() >= t0);

	/* Absolute in the past: at once. */
	req.tv_sec = 1;
	req.tv_nsec = 0;
	t0 = now_ns();
	CHECK(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &req,
			      NULL) == 0);
	took = now_ns() - t0;
	CHECK(took < 5000000);

	/* Relative on CLOCK_REALTIME. */
	req.tv_sec = 0;
	req.tv_nsec = 2000000;
	t0 = now_ns();
	CHECK(clock_nanosleep(CLOCK_REALTIME, 0, &req, &rem) == 0);
	CHECK(now_ns() - t0 >= 2000000);

	req.tv_nsec = 1000000000;
	CHECK_ERR(nanosleep(&req, NULL), EINVAL);
	req.tv_nsec = -1;
	CHECK_ERR(nanosleep(&req, NULL), EINVAL);
	req.tv_sec = -1;
	req.tv_nsec = 0;
	CHECK_ERR(nanosleep(&req, NULL), EINVAL);
	/* clock_nanosleep returns the error instead of setting errno. */
	req.tv_sec = 0;
	req.tv_nsec = 1000;
	CHECK(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL) ==
	      EINVAL);
	CHECK_ERR(nanosleep((struct timespec *)8, NULL), EFAULT);
	return 0;
}
