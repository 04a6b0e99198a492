/*
 * Guest code can write its stub's control block; the kernel must survive
 * whatever it writes there.  One child clears the kernel's and sets the
 * stub's sleep flags around every system call: its calls still complete.
 * Another writes garbage into the state word in a loop without ever
 * trapping: it is still preempted, so its parent runs and can kill it.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include "../../arch-host/stub/stub.h"
#include "guest.h"

static volatile struct stub_ctl *const ctl = (struct stub_ctl *)STUB_AREAS;

static void
flags_child(void)
{
	for (int i = 0; i < 2000; i++) {
		ctl->kernel_sleeps = 0;
		ctl->stub_sleeps = 1;
		ctl->nap = 7;
		if (getppid() <= 0)
			_exit(2);
	}
	_exit(0);
}

static __attribute__((noreturn)) void
state_child(uint32_t v)
{
	for (;;) {
		ctl->state = v;
		ctl->kernel_sleeps = 0;
	}
}

static void
expect_killed(pid_t pid)
{
	const struct timespec ms50 = { 0, 50000000 };
	int st;

	CHECK(nanosleep(&ms50, NULL) == 0);
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

int
main(void)
{
	pid_t pid;
	int st;

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		flags_child();
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		state_child(0x55);
	expect_killed(pid);

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		state_child(STUB_RUNNING);
	expect_killed(pid);

	/* The kernel still serves everyone. */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(5);
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5);
	return 0;
}
