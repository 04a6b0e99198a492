/*
 * CPU-time accounting: after burning ~100 ms of CPU, times() and
 * getrusage(RUSAGE_SELF/RUSAGE_THREAD) and CLOCK_PROCESS_CPUTIME_ID
 * show it; a waited-for child's CPU time shows in tms_cutime and
 * RUSAGE_CHILDREN; times() counts 100 Hz ticks of elapsed time; a bad
 * who is EINVAL.
 */
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"

static long long
clock_ns(clockid_t clk)
{
	struct timespec ts;

	CHECK(clock_gettime(clk, &ts) == 0);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Spin until the process has used ms more milliseconds of CPU. */
static void
burn(long ms)
{
	long long end = clock_ns(CLOCK_MONOTONIC) + ms * 1000000LL;
	volatile unsigned long x = 0;

	while (clock_ns(CLOCK_MONOTONIC) < end)
		for (int i = 0; i < 10000; i++)
			x += i;
}

static long long
tv_ms(struct timeval tv)
{
	return tv.tv_sec * 1000LL + tv.tv_usec / 1000;
}

int
main(void)
{
	struct tms t0, t1;
	struct rusage ru;
	clock_t c0, c1;
	long long wall0, cpu0, ms;
	int status;
	pid_t pid;

	CHECK(sysconf(_SC_CLK_TCK) == 100);
	wall0 = clock_ns(CLOCK_MONOTONIC);
	cpu0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	c0 = times(&t0);
	burn(100);
	c1 = times(&t1);
	ms = (clock_ns(CLOCK_MONOTONIC) - wall0) / 1000000;
	/* Elapsed ticks match the wall clock within two ticks. */
	CHECK(c1 - c0 >= ms / 10 - 2 && c1 - c0 <= ms / 10 + 2);
	CHECK((t1.tms_utime + t1.tms_stime) - (t0.tms_utime + t0.tms_stime)
	      >= 5);
	CHECK(clock_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0 >= 50000000LL);
	CHECK(clock_ns(CLOCK_THREAD_CPUTIME_ID) >= 50000000LL);

	CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
	CHECK(tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime) >= 50);
	CHECK(ru.ru_utime.tv_usec < 1000000 && ru.ru_stime.tv_usec < 1000000);
	CHECK(ru.ru_maxrss > 0);
	CHECK(getrusage(RUSAGE_THREAD, &ru) == 0);
	CHECK(tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime) >= 50);
	CHECK(getrusage(RUSAGE_CHILDREN, &ru) == 0);
	CHECK(tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime) == 0);

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		burn(100);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(times(&t1) != (clock_t)-1);
	CHECK(t1.tms_cutime + t1.tms_cstime >= 5);
	CHECK(getrusage(RUSAGE_CHILDREN, &ru) == 0);
	CHECK(tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime) >= 50);
	CHECK_ERR(getrusage(7, &ru), EINVAL);
	CHECK_ERR(getrusage(RUSAGE_SELF, (struct rusage *)8), EFAULT);
	return 0;
}
