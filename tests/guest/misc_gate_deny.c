/*
 * Guest code can call into its stub's gate, but from the guest thread
 * the gate makes only the calls the handoff needs.  A child that asks it
 * for a host mmap, munmap, recvmsg (how the memory fd once travelled),
 * write or clone is killed with its stub; one that asks for sched_yield
 * goes on.  A child that fakes a trap and then sleeps in the gate is
 * still killed by its parent, and the stub it leaves is not reused.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include "../../arch-host/stub/stub.h"
#include "guest.h"

typedef long (*gate_fn)(long, long, long, long, long, long, long);

static const gate_fn gate = (gate_fn)STUB_GATE;

/* Host system call numbers, as the stub's gate takes them. */
enum { H_WRITE = 1, H_MMAP = 9, H_MUNMAP = 11, H_SCHED_YIELD = 24,
       H_RECVMSG = 47, H_CLONE = 56, H_FUTEX = 202 };

static int
run_child(long nr, long a, long b, long c, long d, long e)
{
	pid_t pid = fork();
	int st;

	CHECK(pid >= 0);
	if (pid == 0) {
		long r = gate(nr, a, b, c, d, e, 0);

		_exit(r == 0 ? 0 : 3);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	return st;
}

static void
expect_killed(long nr, long a, long b, long c, long d, long e)
{
	int st = run_child(nr, a, b, c, d, e);

	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

int
main(void)
{
	static char buf[4096] __attribute__((aligned(4096)));
	const struct timespec ms50 = { 0, 50000000 };
	int st;
	pid_t pid;

	st = run_child(H_SCHED_YIELD, 0, 0, 0, 0, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	expect_killed(H_MMAP, 0x10000000, 4096, 3, 0x22, -1);
	expect_killed(H_MUNMAP, (long)buf, 4096, 0, 0, 0);
	expect_killed(H_RECVMSG, 0, (long)buf, 0, 0, 0);
	expect_killed(H_WRITE, 2, (long)buf, 1, 0, 0);
	expect_killed(H_CLONE, 0x50f00, 0, 0, 0, 0);

	/* A faked trap, then sleep where the kernel cannot see. */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		volatile uint32_t *state = (uint32_t *)STUB_AREAS;

		buf[0] = 1;
		*state = STUB_TRAPPED;
		for (;;)	/* preemption interrupts it: again */
			gate(H_FUTEX, (long)buf, 128 /* FUTEX_WAIT_PRIVATE */,
			     1, 0, 0, 0);
	}
	CHECK(nanosleep(&ms50, NULL) == 0);
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

	/* The kernel still serves everyone, in fresh or reused stubs. */
	for (int i = 0; i < 20; i++) {
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0)
			_exit(5);
		CHECK(waitpid(pid, &st, 0) == pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5);
	}
	return 0;
}
