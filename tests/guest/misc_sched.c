/*
 * Scheduling odds and ends: sched_getaffinity (the raw call returns the
 * mask's size, a multiple of 8, with the current CPU set), setaffinity
 * to the current CPU works and to an empty mask is EINVAL, getcpu, and
 * getpriority/setpriority: raise nice to 5, then a child that is not
 * root cannot lower it (EACCES); a missing pid is ESRCH.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

static void
check_affinity(void)
{
	unsigned long mask[16], one[1];
	unsigned cpu = 99, node = 99;
	long n;

	memset(mask, 0, sizeof(mask));
	n = syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask);
	CHECK(n >= 8 && n % 8 == 0 && n <= (long)sizeof(mask));
	CHECK(syscall(SYS_getcpu, &cpu, &node, NULL) == 0);
	CHECK(cpu < 64 && node < 64);
	CHECK(mask[cpu / 64] & (1UL << (cpu % 64)));
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 4, mask), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 0, mask), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 8, (void *)8), EFAULT);
	CHECK_ERR(syscall(SYS_sched_getaffinity, 99999, 8, mask), ESRCH);
	one[0] = 0;
	CHECK_ERR(syscall(SYS_sched_setaffinity, 0, sizeof(one), one),
		  EINVAL);
	CHECK(syscall(SYS_sched_setaffinity, 0, n, mask) == 0);
	CHECK(sched_getcpu() >= 0);
}

static void
check_priority(void)
{
	int status;
	pid_t pid;

	errno = 0;
	CHECK(getpriority(PRIO_PROCESS, 0) == 0 && errno == 0);
	CHECK(setpriority(PRIO_PROCESS, 0, 5) == 0);
	CHECK(getpriority(PRIO_PROCESS, 0) == 5);
	CHECK(getpriority(PRIO_PROCESS, getpid()) == 5);
	CHECK_ERR(getpriority(PRIO_PROCESS, 99999), ESRCH);
	CHECK_ERR(getpriority(42, 0), EINVAL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK(setuid(1000) == 0);
		CHECK(setpriority(PRIO_PROCESS, 0, 10) == 0);
		CHECK(getpriority(PRIO_PROCESS, 0) == 10);
		CHECK_ERR(setpriority(PRIO_PROCESS, 0, 0), EACCES);
		CHECK_ERR(setpriority(PRIO_PROCESS, getppid(), 19), EPERM);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(setpriority(PRIO_PROCESS, 0, 0) == 0);
	CHECK(getpriority(PRIO_PROCESS, 0) == 0);
}

int
main(void)
{
	check_affinity();
	if (geteuid() == 0)
		check_priority();
	return 0;
}
