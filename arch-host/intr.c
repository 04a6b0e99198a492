/*
 * Interrupts, the UML way: each IRQ is a host signal delivered to the vCPU
 * thread, and "interrupts disabled" is a software flag, not the host signal
 * mask.  The signal handler always records the IRQ in a pending mask; if
 * the flag was set it takes it (clearing it) and replays: runs the trap of
 * every pending IRQ, then trap_preempt(), then sets the flag again.  A
 * handler that finds the flag clear just returns, and the replay happens
 * when the kernel re-enables.  Whoever wins the exchange of the flag from
 * 1 to 0 owns the replay, so a signal that lands in the middle of one never
 * runs a trap twice or in parallel.
 *
 * Other host threads make an IRQ pending with intr_raise(), which signals
 * the vCPU thread; the vCPU thread itself uses intr_post(), which needs no
 * signal (arch-host/ubd.c, for completions it finds on its own).
 *
 * trap_preempt() may switch tasks from inside the handler: its frame stays
 * on the preempted task's kernel stack and the handler returns when that
 * task is switched back to.  SA_NODEFER keeps the signal unblocked meanwhile.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "arch-host/arch.h"
#include "arch-host/host.h"

static const int irq_signal[NR_IRQS] = HOST_IRQ_SIGNALS;
static void (*const irq_trap[NR_IRQS])(void) = {
	[IRQ_TIMER] = trap_timer,
	[IRQ_IO] = trap_io,
	[IRQ_FUSE] = trap_fuse,
	[IRQ_SHUTDOWN] = trap_shutdown,
	[IRQ_USER] = trap_user,
	[IRQ_CONSOLE] = trap_console,
};

/*
 * intr_flag is touched only by the vCPU thread and its own signal handlers,
 * and every handler leaves it as it found it; so plain loads and stores,
 * kept in order by signal fences, are enough: a take-the-flag sequence
 * (load 1, store 0) that a signal splits still ends with the flag taken
 * and the handler's work done.  No locked instruction on the hot path.
 * intr_pending is also set by other host threads (intr_raise()), so it is
 * updated atomically.  The kernel boots with interrupts disabled, as on
 * hardware; start_kernel() enables them when it is ready.
 */
static volatile unsigned long intr_flag;	/* 1: interrupts enabled */
static unsigned long intr_pending;	/* bit n: IRQ n is pending */
static pid_t vcpu_tid, host_pid;

/* Take the enable flag: disable, and return whether it was enabled. */
static inline unsigned long
intr_take_flag(void)
{
	unsigned long was = intr_flag;

	intr_flag = 0;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return was;
}

/* Set the enable flag; kernel accesses before it stay before it. */
static inline void
intr_set_flag(unsigned long v)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	intr_flag = v;
}

static void
intr_set_pending(int irq)
{
	__atomic_fetch_or(&intr_pending, 1UL << irq, __ATOMIC_SEQ_CST);
}

static int intr_nesting;	/* vCPU thread only: trap_* running */

static void
intr_dispatch(unsigned long bits)
{
	intr_nesting++;
	for (int irq = 0; irq < NR_IRQS; irq++) {
		if (bits & (1UL << irq))
			irq_trap[irq]();
	}
	intr_nesting--;
}

bool
arch_in_interrupt(void)
{
	return intr_nesting > 0;
}

/*
 * Run what is pending.  Called by the owner of the flag (it exchanged it
 * from 1 to 0); returns with the flag set.  An interrupt that arrives after
 * the flag is set again runs its own replay; one that arrives between the
 * last check and setting the flag is caught by the loop.
 */
static void
intr_replay(void)
{
	unsigned long bits;

	do {
		bits = __atomic_exchange_n(&intr_pending, 0, __ATOMIC_SEQ_CST);
		if (bits) {
			intr_dispatch(bits);
			trap_preempt();
		}
		intr_set_flag(1);
	} while (__atomic_load_n(&intr_pending, __ATOMIC_SEQ_CST) &&
		 intr_take_flag());
}

static int
intr_irq_of(int sig)
{
	for (int irq = 0; irq < NR_IRQS; irq++) {
		if (irq_signal[irq] == sig)
			return irq;
	}
	return -1;
}

static void
intr_handler(int sig, siginfo_t *si, void *uc)
{
	int saved_errno = errno;
	int irq = intr_irq_of(sig);

	(void)si;
	(void)uc;
	if (irq >= 0)
		intr_set_pending(irq);
	if (intr_take_flag())
		intr_replay();
	errno = saved_errno;
}

static void
intr_sigset(sigset_t *set)
{
	sigemptyset(set);
	for (int irq = 0; irq < NR_IRQS; irq++)
		sigaddset(set, irq_signal[irq]);
}

/*
 * Install the interrupt handlers and make the calling thread the vCPU
 * thread, with the interrupt signals unblocked.  Returns 0 or -errno.
 */
int
intr_init(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = intr_handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (int irq = 0; irq < NR_IRQS; irq++) {
		if (sigaction(irq_signal[irq], &sa, NULL) != 0)
			return -errno;
	}
	vcpu_tid = gettid();
	host_pid = getpid();
	intr_sigset(&set);
	return -pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/*
 * Make irq pending and signal the vCPU thread; callable from any host
 * thread and from signal handlers.
 */
void
intr_raise(int irq)
{
	unsigned long bit = 1UL << irq;

	/*
	 * Already pending: a signal is on its way or a replay will see it.
	 * One signal per IRQ in flight: a helper raising faster than the
	 * vCPU takes signals (SA_NODEFER) would otherwise nest handler
	 * frames until the kernel stack overflows.
	 */
	if (__atomic_fetch_or(&intr_pending, bit, __ATOMIC_SEQ_CST) & bit)
		return;
	tgkill(host_pid, vcpu_tid, irq_signal[irq]);
}

/*
 * From the vCPU thread: make irq pending without a signal; it runs when
 * interrupts are enabled next, or now if they are.
 */
void
intr_post(int irq)
{
	intr_set_pending(irq);
	if (intr_take_flag())
		intr_replay();
}

/* Disable interrupts; return the previous state. */
unsigned long
arch_intr_save(void)
{
	return intr_take_flag();
}

/* Restore a state from arch_intr_save(), replaying if that enables. */
void
arch_intr_restore(unsigned long state)
{
	if (state)
		arch_intr_enable();
	else
		arch_intr_disable();
}

/* Enable interrupts and run the ones that arrived while disabled. */
void
arch_intr_enable(void)
{
	intr_set_flag(1);
	if (__atomic_load_n(&intr_pending, __ATOMIC_RELAXED) &&
	    intr_take_flag())
		intr_replay();
}

/* Disable interrupts. */
void
arch_intr_disable(void)
{
	intr_set_flag(0);
}

/* True if interrupts are enabled. */
bool
arch_intr_enabled(void)
{
	return intr_flag != 0;
}

/*
 * Sleep until an interrupt is pending or timeout_ns passes; called and
 * returns with interrupts disabled.  The interrupt signals are blocked
 * while checking for pending ones, so one cannot slip in between the check
 * and sigsuspend(); the handler then only marks it pending (the flag is
 * clear).  Any other host signal may end the sleep early, which the
 * caller's idle loop tolerates.
 *
 * The tick is stopped lazily: a short idle period between two FUSE or
 * disk interrupts keeps it running (stopping and restarting it costs two
 * system calls each time); only after a tick found nothing to do, or for
 * a wake-up sooner than a tick, is it paused.
 */
void
arch_idle(uint64_t timeout_ns)
{
	static bool tick_idle;	/* the last idle sleep ended by the tick */
	sigset_t intr, old, wait;
	bool pause;

	intr_sigset(&intr);
	pthread_sigmask(SIG_BLOCK, &intr, &old);
	pause = tick_idle || timeout_ns < timer_tick_period();
	if (!__atomic_load_n(&intr_pending, __ATOMIC_SEQ_CST) &&
	    (!pause || timer_tick_pause(timeout_ns) == 0)) {
		wait = old;
		for (int irq = 0; irq < NR_IRQS; irq++)
			sigdelset(&wait, irq_signal[irq]);
		/* ubd_idle() may post a completion instead of sleeping. */
		if (ubd_idle(&wait) != 0 &&
		    !__atomic_load_n(&intr_pending, __ATOMIC_SEQ_CST))
			sigsuspend(&wait);
		if (pause)
			timer_tick_resume();
		tick_idle = !pause && __atomic_load_n(&intr_pending,
						       __ATOMIC_SEQ_CST) ==
				      1UL << IRQ_TIMER;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}
