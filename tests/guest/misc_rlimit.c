/*
 * Resource limits: getrlimit/setrlimit/prlimit64 round trips (and the
 * old getrlimit/setrlimit system calls), EINVAL for cur > max and an
 * unknown resource, ESRCH for a missing pid, and a lowered
 * RLIMIT_NOFILE that makes open fail with EMFILE.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "guest.h"

int
main(void)
{
	struct rlimit rl, old, bad;
	int fd, n = 0;

	CHECK(getrlimit(RLIMIT_STACK, &old) == 0);
	CHECK(old.rlim_cur <= old.rlim_max);
	rl.rlim_cur = 4 << 20;
	rl.rlim_max = old.rlim_max;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur)
		rl.rlim_cur = rl.rlim_max;
	CHECK(setrlimit(RLIMIT_STACK, &rl) == 0);
	CHECK(getrlimit(RLIMIT_STACK, &bad) == 0);
	CHECK(bad.rlim_cur == rl.rlim_cur && bad.rlim_max == rl.rlim_max);
	CHECK(prlimit(0, RLIMIT_STACK, &old, &bad) == 0);
	CHECK(bad.rlim_cur == rl.rlim_cur);
	CHECK(prlimit(getpid(), RLIMIT_STACK, NULL, &bad) == 0);
	CHECK(bad.rlim_cur == old.rlim_cur && bad.rlim_max == old.rlim_max);

	/* The old calls, which musl only falls back to. */
	CHECK(syscall(SYS_setrlimit, RLIMIT_STACK, &rl) == 0);
	CHECK(syscall(SYS_getrlimit, RLIMIT_STACK, &bad) == 0);
	CHECK(bad.rlim_cur == rl.rlim_cur && bad.rlim_max == rl.rlim_max);
	CHECK(setrlimit(RLIMIT_STACK, &old) == 0);

	bad.rlim_cur = 100;
	bad.rlim_max = 10;
	CHECK_ERR(setrlimit(RLIMIT_CORE, &bad), EINVAL);
	CHECK_ERR(getrlimit(1000, &rl), EINVAL);
	CHECK_ERR(prlimit(99999, RLIMIT_CORE, NULL, &rl), ESRCH);
	CHECK_ERR(getrlimit(RLIMIT_CORE, (struct rlimit *)8), EFAULT);

	CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0);
	rl.rlim_cur = 8;
	rl.rlim_max = old.rlim_max;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	for (;;) {
		fd = open("/dev/null", O_RDONLY);
		if (fd < 0)
			break;
		CHECK(fd < 8);
		n++;
	}
	CHECK(errno == EMFILE);
	CHECK(n > 0 && n <= 8);
	CHECK(setrlimit(RLIMIT_NOFILE, &old) == 0);
	CHECK(open("/dev/null", O_RDONLY) >= 8);
	return 0;
}
