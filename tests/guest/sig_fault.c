/*
 * Signals from faults, with the siginfo Linux gives: a write to page 0
 * or to an unmapped page is SIGSEGV SEGV_MAPERR with si_addr the address,
 * to a read-only mapping SEGV_ACCERR; siglongjmp out of the handler
 * works 100 times over (savemask 1 restores the mask each time); integer
 * division by zero is SIGFPE FPE_INTDIV, ud2 SIGILL ILL_ILLOPN, both
 * with si_addr the instruction (the ud2 handler skips it by moving rip in
 * the ucontext); int3 is SIGTRAP with si_code SI_KERNEL, si_addr 0 and
 * rip after it; touching a MAP_SHARED file mapping past the end of the
 * file is SIGBUS BUS_ADRERR; a SIGSEGV handler that mprotects the page and
 * returns makes the faulting write succeed when it runs again.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>
#include "guest.h"

/* Faulting instructions at known addresses. */
__asm__(".text\n"
	".globl do_div0, div_insn, do_ud2, do_int3\n"
	"do_div0:\n\txor %ecx, %ecx\n\tmov $1, %eax\n\tcltd\n"
	"div_insn:\n\tidivl %ecx\n\tret\n"
	"do_ud2:\n\tud2\n\tret\n"
	"do_int3:\n\tint3\n\tret\n");
extern char do_div0[], div_insn[], do_ud2[], do_int3[];

enum { LONGJMP, SKIP_UD2, RETURN, FIX };

static sigjmp_buf env;
static volatile int mode, count, got_sig, got_code;
static void *volatile got_addr;
static volatile uintptr_t got_rip;
static char *volatile fix_page;

static void
handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	count++;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	got_rip = uc->uc_mcontext.gregs[REG_RIP];
	if (mode == LONGJMP)
		siglongjmp(env, 1);
	if (mode == SKIP_UD2)
		uc->uc_mcontext.gregs[REG_RIP] += 2;
	if (mode == FIX)
		mprotect(fix_page, 4096, PROT_READ | PROT_WRITE);
}

/* Write to p expecting a signal that the handler longjmps out of. */
static void
fault_write(char *p, int sig, int code)
{
	count = 0;
	mode = LONGJMP;
	if (sigsetjmp(env, 1) == 0) {
		*(volatile char *)p = 1;
		CHECK(!"no fault");
	}
	CHECK(count == 1 && got_sig == sig && got_code == code);
	CHECK(got_addr == p && got_rip != 0);
}

static char *
map(int prot)
{
	char *p = mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	return p;
}

static int
test(void)
{
	struct sigaction sa = { .sa_sigaction = handler,
				.sa_flags = SA_SIGINFO };
	sigset_t cur;
	char *p, *ro;
	int fd;

	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
	CHECK(sigaction(SIGFPE, &sa, NULL) == 0);
	CHECK(sigaction(SIGILL, &sa, NULL) == 0);
	CHECK(sigaction(SIGTRAP, &sa, NULL) == 0);
	CHECK(sigaction(SIGBUS, &sa, NULL) == 0);

	/* Unmapped: page 0 and a page just unmapped.  Read-only. */
	fault_write(NULL, SIGSEGV, SEGV_MAPERR);
	p = map(PROT_READ | PROT_WRITE);
	CHECK(munmap(p, 4096) == 0);
	fault_write(p + 100, SIGSEGV, SEGV_MAPERR);
	ro = map(PROT_READ);
	fault_write(ro + 7, SIGSEGV, SEGV_ACCERR);

	/* Again and again: the mask is restored by siglongjmp each time. */
	for (int i = 0; i < 100; i++) {
		fault_write(ro + i, SIGSEGV, SEGV_ACCERR);
		CHECK(sigprocmask(SIG_BLOCK, NULL, &cur) == 0);
		CHECK(!sigismember(&cur, SIGSEGV));
	}

	/* Division by zero, at the idiv. */
	count = 0;
	mode = LONGJMP;
	if (sigsetjmp(env, 1) == 0) {
		((void (*)(void))do_div0)();
		CHECK(!"no SIGFPE");
	}
	CHECK(count == 1 && got_sig == SIGFPE && got_code == FPE_INTDIV);
	CHECK(got_addr == div_insn && got_rip == (uintptr_t)div_insn);

	/* ud2: the handler steps over it and we come back normally. */
	count = 0;
	mode = SKIP_UD2;
	((void (*)(void))do_ud2)();
	CHECK(count == 1 && got_sig == SIGILL && got_code == ILL_ILLOPN);
	CHECK(got_addr == do_ud2 && got_rip == (uintptr_t)do_ud2);

	/* int3 is a trap: rip is already past it, returning goes on. */
	count = 0;
	mode = RETURN;
	((void (*)(void))do_int3)();
	CHECK(count == 1 && got_sig == SIGTRAP && got_code == SI_KERNEL);
	CHECK(got_rip == (uintptr_t)do_int3 + 1 && got_addr == NULL);

	/* Past the end of a shared file mapping: SIGBUS. */
	scratch_enter();
	fd = open("f", O_RDWR | O_CREAT, 0600);
	CHECK(fd >= 0 && ftruncate(fd, 100) == 0);
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	p[99] = 1;	/* inside the file's last page: fine */
	p[4000] = 2;
	fault_write(p + 4096 + 5, SIGBUS, BUS_ADRERR);
	CHECK(munmap(p, 8192) == 0 && close(fd) == 0);
	scratch_leave();

	/* A handler that fixes the fault: the write is done again. */
	count = 0;
	mode = FIX;
	fix_page = map(PROT_NONE);
	fix_page[123] = 45;
	CHECK(count == 1 && got_code == SEGV_ACCERR);
	CHECK(got_addr == fix_page + 123);
	CHECK(fix_page[123] == 45);
	return 0;
}

int
main(void)
{
	return run_in_child(test);
}
