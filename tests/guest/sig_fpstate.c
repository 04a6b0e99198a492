/*
 * FP/SSE state across a signal handler: the interrupted code's xmm0-15,
 * x87 stack top, MXCSR and x87 control word (set in registers right
 * before a raw kill system call and read right after it, in one asm
 * block) survive a handler that clobbers them all; the handler sees the
 * interrupted values in uc_mcontext.fpregs (_xmm, mxcsr, cwd), and, as
 * on Linux, starts with the initial MXCSR (0x1f80) and control word
 * (0x37f) itself.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#include "guest.h"

#define MXCSR_INIT	0x1f80
#define FCW_INIT	0x037f
#define MXCSR_MINE	0x7f80	/* round toward zero */
#define FCW_MINE	0x027f	/* 53-bit precision */

static uint64_t in[32], out[32], junk[32];
static volatile int ran, fpregs_ok, xmm_seen_ok, ctl_seen_ok, init_ok;

static void
handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uint32_t mxcsr, m = 0x3f80;
	uint16_t fcw, f = 0x0c7f;
	double d = 3.25;

	(void)sig;
	(void)si;
	ran++;
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	__asm__ volatile("fnstcw %0" : "=m"(fcw));
	init_ok = mxcsr == MXCSR_INIT && fcw == FCW_INIT;
	fpregs_ok = uc->uc_mcontext.fpregs != NULL;
	if (fpregs_ok) {
		struct _fpstate *fp = (struct _fpstate *)uc->uc_mcontext.fpregs;

		xmm_seen_ok = memcmp(fp->_xmm, in, sizeof(in)) == 0;
		ctl_seen_ok = fp->mxcsr == MXCSR_MINE && fp->cwd == FCW_MINE;
	}
	/* Clobber everything we can. */
	__asm__ volatile(
		"movdqu 0(%0), %%xmm0\n\t"   "movdqu 16(%0), %%xmm1\n\t"
		"movdqu 32(%0), %%xmm2\n\t"  "movdqu 48(%0), %%xmm3\n\t"
		"movdqu 64(%0), %%xmm4\n\t"  "movdqu 80(%0), %%xmm5\n\t"
		"movdqu 96(%0), %%xmm6\n\t"  "movdqu 112(%0), %%xmm7\n\t"
		"movdqu 128(%0), %%xmm8\n\t" "movdqu 144(%0), %%xmm9\n\t"
		"movdqu 160(%0), %%xmm10\n\t" "movdqu 176(%0), %%xmm11\n\t"
		"movdqu 192(%0), %%xmm12\n\t" "movdqu 208(%0), %%xmm13\n\t"
		"movdqu 224(%0), %%xmm14\n\t" "movdqu 240(%0), %%xmm15\n\t"
		"ldmxcsr %1\n\t"
		"fninit\n\t"
		"fldcw %2\n\t"
		"fldl %3\n\t"
		"fldl %3\n\t"
		: : "r"(junk), "m"(m), "m"(f), "m"(d)
		: "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
		  "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
		  "xmm13", "xmm14", "xmm15", "st", "st(1)");
}

/* Load the registers, kill ourselves, store them: one asm block. */
static void
kill_with_state(double x87_in, double *x87_out, uint32_t *mxcsr_out,
		uint16_t *fcw_out)
{
	long ret = SYS_kill;
	uint32_t m = MXCSR_MINE;
	uint16_t f = FCW_MINE;

	__asm__ volatile(
		"ldmxcsr %[m]\n\t"
		"fldcw %[f]\n\t"
		"fldl %[xin]\n\t"
		"movdqu 0(%[i]), %%xmm0\n\t"   "movdqu 16(%[i]), %%xmm1\n\t"
		"movdqu 32(%[i]), %%xmm2\n\t"  "movdqu 48(%[i]), %%xmm3\n\t"
		"movdqu 64(%[i]), %%xmm4\n\t"  "movdqu 80(%[i]), %%xmm5\n\t"
		"movdqu 96(%[i]), %%xmm6\n\t"  "movdqu 112(%[i]), %%xmm7\n\t"
		"movdqu 128(%[i]), %%xmm8\n\t" "movdqu 144(%[i]), %%xmm9\n\t"
		"movdqu 160(%[i]), %%xmm10\n\t" "movdqu 176(%[i]), %%xmm11\n\t"
		"movdqu 192(%[i]), %%xmm12\n\t" "movdqu 208(%[i]), %%xmm13\n\t"
		"movdqu 224(%[i]), %%xmm14\n\t" "movdqu 240(%[i]), %%xmm15\n\t"
		"syscall\n\t"
		"movdqu %%xmm0, 0(%[o])\n\t"   "movdqu %%xmm1, 16(%[o])\n\t"
		"movdqu %%xmm2, 32(%[o])\n\t"  "movdqu %%xmm3, 48(%[o])\n\t"
		"movdqu %%xmm4, 64(%[o])\n\t"  "movdqu %%xmm5, 80(%[o])\n\t"
		"movdqu %%xmm6, 96(%[o])\n\t"  "movdqu %%xmm7, 112(%[o])\n\t"
		"movdqu %%xmm8, 128(%[o])\n\t" "movdqu %%xmm9, 144(%[o])\n\t"
		"movdqu %%xmm10, 160(%[o])\n\t" "movdqu %%xmm11, 176(%[o])\n\t"
		"movdqu %%xmm12, 192(%[o])\n\t" "movdqu %%xmm13, 208(%[o])\n\t"
		"movdqu %%xmm14, 224(%[o])\n\t" "movdqu %%xmm15, 240(%[o])\n\t"
		"fstpl %[xout]\n\t"
		"stmxcsr %[mo]\n\t"
		"fnstcw %[fo]\n\t"
		: "+a"(ret), [xout] "=m"(*x87_out), [mo] "=m"(*mxcsr_out),
		  [fo] "=m"(*fcw_out)
		: "D"((long)getpid()), "S"((long)SIGUSR1), [i] "r"(in),
		  [o] "r"(out), [m] "m"(m), [f] "m"(f), [xin] "m"(x87_in)
		: "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3",
		  "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
		  "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	CHECK(ret == 0);
}

static int
test(void)
{
	struct sigaction sa = { .sa_sigaction = handler,
				.sa_flags = SA_SIGINFO };
	uint32_t mxcsr, m = MXCSR_INIT;
	uint16_t fcw, f = FCW_INIT;
	double x87 = 0;

	for (int i = 0; i < 32; i++) {
		in[i] = 0x1111111111111111ULL * (uint64_t)(i % 15 + 1) + i;
		junk[i] = ~in[i];
	}
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	for (int round = 0; round < 20; round++) {
		memset(out, 0, sizeof(out));
		kill_with_state(1.0 / 3 + round, &x87, &mxcsr, &fcw);
		__asm__ volatile("ldmxcsr %0" : : "m"(m));
		__asm__ volatile("fldcw %0" : : "m"(f));
		CHECK(ran == round + 1);
		CHECK(fpregs_ok && xmm_seen_ok && ctl_seen_ok);
		CHECK(init_ok);
		CHECK(memcmp(in, out, sizeof(in)) == 0);
		CHECK(mxcsr == MXCSR_MINE && fcw == FCW_MINE);
		CHECK(x87 == 1.0 / 3 + round);
	}
	return 0;
}

int
main(void)
{
	return run_in_child(test);
}
