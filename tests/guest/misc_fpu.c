/*
 * FP/SSE state is per thread and per process, as on Linux: a fork child
 * starts with its parent's control words and vector registers; a new
 * program starts with the initial state (MXCSR 0x1f80, x87 control word
 * 0x37f) whatever the processes before it left behind; threads of one
 * process each keep their own control words across system calls and
 * switches; a vfork parent gets its own back after the child's exec.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#define MXCSR_INIT	0x1f80
#define FCW_INIT	0x037f
#define NR_THREADS	3
#define ROUNDS		300

static const char *self;

static uint32_t
get_mxcsr(void)
{
	uint32_t v;

	__asm__ volatile("stmxcsr %0" : "=m"(v));
	return v;
}

static void
set_mxcsr(uint32_t v)
{
	__asm__ volatile("ldmxcsr %0" : : "m"(v));
}

static uint16_t
get_fcw(void)
{
	uint16_t v;

	__asm__ volatile("fnstcw %0" : "=m"(v));
	return v;
}

static void
set_fcw(uint16_t v)
{
	__asm__ volatile("fldcw %0" : : "m"(v));
}

/* xmm7 survives a system call (the kernel must not touch it). */
static void
check_xmm_syscall(void)
{
	uint64_t in[2] = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };
	uint64_t out[2] = { 0, 0 };

	__asm__ volatile("movdqu %0, %%xmm7" : : "m"(in) : "xmm7");
	getppid();
	__asm__ volatile("movdqu %%xmm7, %0" : "=m"(out) : : "xmm7");
	CHECK(out[0] == in[0] && out[1] == in[1]);
}

/* Run self with one argument; its exit status. */
static int
run_self(const char *arg, int use_vfork)
{
	char *argv[] = { (char *)self, (char *)arg, NULL };
	int status;
	pid_t pid = use_vfork ? vfork() : fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		/* Leave odd state behind: exec must not carry it over. */
		set_mxcsr(0x7f80);
		set_fcw(0x0e7f);
		execv(self, argv);
		_exit(127);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void *
thread_main(void *arg)
{
	uint32_t mine = MXCSR_INIT | ((uint32_t)(uintptr_t)arg << 13);
	uint16_t fcw = (uint16_t)(FCW_INIT | ((uintptr_t)arg << 10));

	set_mxcsr(mine);
	set_fcw(fcw);
	for (int i = 0; i < ROUNDS; i++) {
		sched_yield();
		if (get_mxcsr() != mine || get_fcw() != fcw)
			return (void *)1;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t th[NR_THREADS];
	int status;
	pid_t pid;

	self = argv[0];
	if (argc > 1 && strcmp(argv[1], "check-init") == 0)
		return get_mxcsr() == MXCSR_INIT && get_fcw() == FCW_INIT ?
		       0 : 3;
	CHECK(self[0] == '/');
	CHECK(get_mxcsr() == MXCSR_INIT && get_fcw() == FCW_INIT);
	check_xmm_syscall();

	/* fork: the child has the parent's control words. */
	set_mxcsr(0x5f80);
	set_fcw(0x067f);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(get_mxcsr() == 0x5f80 && get_fcw() == 0x067f ? 0 : 4);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(get_mxcsr() == 0x5f80 && get_fcw() == 0x067f);

	/* New programs start clean, after processes that left odd state. */
	for (int i = 0; i < 8; i++) {
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			set_mxcsr(0x3f80);
			set_fcw(0x0a7f);
			_exit(0);
		}
		CHECK(waitpid(pid, &status, 0) == pid);
		CHECK(run_self("check-init", 0) == 0);
	}
	/* vfork: the child's changes are not the parent's. */
	set_mxcsr(0x5f80);
	CHECK(run_self("check-init", 1) == 0);
	CHECK(get_mxcsr() == 0x5f80 && get_fcw() == 0x067f);

	/* Threads keep their own. */
	set_mxcsr(MXCSR_INIT);
	set_fcw(FCW_INIT);
	for (int i = 0; i < NR_THREADS; i++)
		CHECK(pthread_create(&th[i], NULL, thread_main,
				     (void *)(uintptr_t)(i + 1)) == 0);
	for (int i = 0; i < ROUNDS; i++) {
		sched_yield();
		CHECK(get_mxcsr() == MXCSR_INIT && get_fcw() == FCW_INIT);
	}
	for (int i = 0; i < NR_THREADS; i++) {
		void *ret;

		CHECK(pthread_join(th[i], &ret) == 0);
		CHECK(ret == NULL);
	}
	return 0;
}
