/*
 * Leaving the host process, on purpose or not.  arch_exit() is the normal
 * way out.  A fatal host signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT)
 * taken by kernel code is a kernel bug: its handler runs on an alternate
 * stack, so that a kernel stack overflow can still be reported, prints one
 * "Kernel panic" line and a backtrace, and exits with PANIC_EXIT_STATUS.
 * SIGINT, SIGTERM and SIGHUP raise IRQ_SHUTDOWN, so the kernel shuts down
 * cleanly; a second one while that runs leaves at once with 128+signal.
 * Every path restores the host terminal and unmounts the FUSE export.
 * The handlers use only async-signal-safe calls (backtrace() is made safe
 * by a first call at init, which loads what it needs).
 */
#include <errno.h>
#include <execinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch-host/arch.h"
#include "arch-host/host.h"
#include "core/kernel.h"

#define ALTSTACK_SIZE	(64 * 1024)
#define BACKTRACE_MAX	64

static const struct {
	int sig;
	const char *name;
	const char *what;
} fatal_signals[] = {
	{ SIGSEGV, "SIGSEGV", "bad memory access" },
	{ SIGBUS, "SIGBUS", "bus error" },
	{ SIGILL, "SIGILL", "illegal instruction" },
	{ SIGFPE, "SIGFPE", "arithmetic exception" },
	{ SIGABRT, "SIGABRT", "abort" },
};

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

/* A line built without stdio, for signal handlers. */
struct line {
	char buf[200];
	size_t len;
};

static void
line_puts(struct line *l, const char *s)
{
	while (*s != '\0' && l->len < sizeof(l->buf))
		l->buf[l->len++] = *s++;
}

static void
line_hex(struct line *l, uintptr_t v)
{
	char digits[2 + 2 * sizeof(v) + 1] = "0x";

	for (size_t i = 0; i < 2 * sizeof(v); i++)
		digits[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
	digits[sizeof(digits) - 1] = '\0';
	line_puts(l, digits);
}

static void
line_dec(struct line *l, unsigned long v)
{
	char digits[24];
	size_t i = sizeof(digits) - 1;

	digits[i] = '\0';
	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	line_puts(l, digits + i);
}

/*
 * Leave the host process with status, restoring the terminal first.
 * Interrupts go off so that no tick switches tasks under exit().
 */
void
arch_exit(int status)
{
	arch_intr_disable();
	fuse_host_exit();
	term_restore();
	exit(status);
}

/* Print the host call stack ("Call Trace:") on the console. */
void
arch_backtrace(void)
{
	static const char head[] = "Call Trace:\n";
	void *frames[BACKTRACE_MAX];
	int n = backtrace(frames, BACKTRACE_MAX);

	arch_console_write(head, sizeof(head) - 1);
	backtrace_symbols_fd(frames, n, host_console_fd);
}

/* Host process id of the kernel. */
int
arch_host_pid(void)
{
	return getpid();
}

/*
 * "SIGSEGV (bad memory access) at 0x...": the fault address, or for
 * SIGILL and SIGFPE the instruction's; "... sent by pid N" if another
 * process sent it.
 */
static void
describe_signal(struct line *l, int sig, const siginfo_t *si)
{
	size_t i = 0;

	while (i < ARRAY_SIZE(fatal_signals) && fatal_signals[i].sig != sig)
		i++;
	line_puts(l, fatal_signals[i].name);
	line_puts(l, " (");
	line_puts(l, fatal_signals[i].what);
	line_puts(l, ")");
	if (si->si_code > 0) {
		line_puts(l, " at ");
		line_hex(l, (uintptr_t)si->si_addr);
	} else if (si->si_pid != getpid()) {
		line_puts(l, " sent by pid ");
		line_dec(l, (unsigned long)si->si_pid);
	}
}

static void
fatal_handler(int sig, siginfo_t *si, void *uc)
{
	struct line l = { .len = 0 };
	bool overflow = si->si_code > 0 && (sig == SIGSEGV || sig == SIGBUS) &&
			stack_guard_hit((uintptr_t)si->si_addr);

	(void)uc;
	line_puts(&l, "Kernel panic - not syncing: ");
	if (overflow)
		line_puts(&l, "kernel stack overflow: ");
	describe_signal(&l, sig, si);
	line_puts(&l, "\n");
	arch_console_write(l.buf, l.len);
	arch_backtrace();
	fuse_host_abort();
	term_restore();
	_exit(PANIC_EXIT_STATUS);
}

static volatile sig_atomic_t stop_signal;	/* the first stop signal */

static void
stop_handler(int sig)
{
	if (stop_signal != 0) {
		fuse_host_abort();
		term_restore();
		_exit(128 + sig);
	}
	stop_signal = sig;
	intr_raise(IRQ_SHUTDOWN);
}

/* The host signal that asked for the shutdown, or 0. */
int
arch_stop_signal(void)
{
	return stop_signal;
}

/* A stack for the fatal handler, for when the kernel stack is used up. */
static int
altstack_init(void)
{
	stack_t ss = { .ss_size = ALTSTACK_SIZE, .ss_flags = 0 };

	ss.ss_sp = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (ss.ss_sp == MAP_FAILED)
		return -errno;
	if (sigaltstack(&ss, NULL) != 0) {
		int err = -errno;

		munmap(ss.ss_sp, ALTSTACK_SIZE);
		return err;
	}
	return 0;
}

static int
install(int sig, struct sigaction *sa)
{
	return sigaction(sig, sa, NULL) == 0 ? 0 : -errno;
}

/*
 * On the vCPU thread: install the fatal-signal handlers (on an alternate
 * stack; reset to the default action if the handler itself faults) and
 * the SIGINT/SIGTERM/SIGHUP handlers.  Returns 0 or -errno.
 */
int
exit_init(void)
{
	struct sigaction sa;
	void *frame;
	int err = altstack_init();

	backtrace(&frame, 1);
	memset(&sa, 0, sizeof(sa));
	sigfillset(&sa.sa_mask);
	sa.sa_sigaction = fatal_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
	for (size_t i = 0; i < ARRAY_SIZE(fatal_signals) && !err; i++)
		err = install(fatal_signals[i].sig, &sa);
	sa.sa_handler = stop_handler;
	sa.sa_flags = SA_ONSTACK | SA_RESTART;
	for (size_t i = 0; i < ARRAY_SIZE(stop_signals) && !err; i++)
		err = install(stop_signals[i], &sa);
	return err;
}
