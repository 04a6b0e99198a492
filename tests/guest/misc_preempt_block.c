/*
 * A hostile guest that escapes preemption: it jumps into its stub's
 * rt_sigreturn with a frame of its own whose signal mask blocks the
 * host's preemption signal, then loops without a system call.  The
 * kernel cannot take the CPU back from it, so it must kill it (within a
 * few seconds) and go on: the parent then sees SIGKILL.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include "../../arch-host/stub/stub.h"
#include "guest.h"

static __attribute__((noreturn)) void
spin(void)
{
	for (;;)
		__asm__ volatile("" ::: "memory");
}

/* The stub's restorer: mov $15, %eax; syscall (rt_sigreturn). */
static const unsigned char *
find_restorer(void)
{
	static const unsigned char code[] = { 0xb8, 0x0f, 0, 0, 0, 0x0f, 0x05 };
	const unsigned char *p = (const unsigned char *)STUB_GATE;

	for (int i = 0; i < 4096 - (int)sizeof(code); i++)
		if (memcmp(p + i, code, sizeof(code)) == 0)
			return p + i;
	return NULL;
}

static __attribute__((noreturn)) void
escape(void)
{
	static ucontext_t uc __attribute__((aligned(64)));
	static char stack[65536] __attribute__((aligned(16)));
	const unsigned char *restorer = find_restorer();
	uint64_t *mask;

	if (restorer == NULL)
		_exit(3);
	memset(&uc, 0, sizeof(uc));
	uc.uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)spin;
	uc.uc_mcontext.gregs[REG_RSP] =
		(greg_t)(uintptr_t)(stack + sizeof(stack) - 8);
	uc.uc_mcontext.gregs[REG_EFL] = 0x202;
	uc.uc_mcontext.gregs[REG_CSGSFS] = 0x33;
	/* The host's signal mask: block its SIGUSR1 (STUB_SIG_PREEMPT). */
	mask = (uint64_t *)&uc.uc_sigmask;
	*mask = 1UL << (STUB_SIG_PREEMPT - 1);
	__asm__ volatile("mov %0, %%rsp\n\tjmp *%1"
			 :: "r"(&uc), "r"(restorer) : "memory");
	__builtin_unreachable();
}

int
main(void)
{
	int st;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0)
		escape();
	/* Wanting the CPU now and then, as a waiting parent would not. */
	for (pid_t r = 0; r == 0;) {
		const struct timespec ms10 = { 0, 10000000 };

		r = waitpid(pid, &st, WNOHANG);
		CHECK(r == 0 || r == pid);
		if (r == 0)
			nanosleep(&ms10, NULL);
	}
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	/* The kernel still serves everyone. */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(6);
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 6);
	return 0;
}
