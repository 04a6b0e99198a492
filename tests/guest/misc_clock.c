/*
 * The clocks: CLOCK_MONOTONIC never goes back, gettimeofday and time
 * agree with CLOCK_REALTIME, the CPU clocks and BOOTTIME read, the
 * resolutions are sane, and a bad clock id is EINVAL.
 */
#include <sys/time.h>
#include <time.h>
#include "guest.h"

static long long
ns_of(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

int
main(void)
{
	static const clockid_t clocks[] = {
		CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
		CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW,
		CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME,
	};
	struct timespec a, b, res;
	struct timeval tv;
	long long prev = 0;
	time_t t;

	for (int i = 0; i < 1000; i++) {
		CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
		CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
		CHECK(ns_of(&a) >= prev);
		prev = ns_of(&a);
	}
	CHECK(clock_gettime(CLOCK_REALTIME, &a) == 0);
	CHECK(gettimeofday(&tv, NULL) == 0);
	t = time(NULL);
	CHECK(clock_gettime(CLOCK_REALTIME, &b) == 0);
	CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	CHECK(tv.tv_sec * 1000000LL + tv.tv_usec >= ns_of(&a) / 1000);
	CHECK(tv.tv_sec * 1000000LL + tv.tv_usec <= ns_of(&b) / 1000 + 1);
	CHECK(t >= a.tv_sec && t <= b.tv_sec);
	CHECK(a.tv_sec > 1600000000);	/* after 2020 */

	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		CHECK(clock_gettime(clocks[i], &a) == 0);
		CHECK(clock_getres(clocks[i], &res) == 0);
		CHECK(res.tv_sec == 0 && res.tv_nsec > 0 &&
		      res.tv_nsec <= 10000000);
	}
	CHECK(clock_getres(CLOCK_MONOTONIC, NULL) == 0);
	CHECK(clock_getres(CLOCK_REALTIME, &res) == 0 && res.tv_nsec == 1);
	CHECK(clock_gettime(CLOCK_BOOTTIME, &a) == 0);
	CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
	CHECK(ns_of(&a) + 1000000000LL >= ns_of(&b) - 1000000000LL);
	CHECK_ERR(clock_gettime(12345, &a), EINVAL);
	CHECK_ERR(clock_getres(12345, &res), EINVAL);
	return 0;
}
