/*
 * ITIMER_REAL: alarm, setitimer and getitimer.  Each process has one
 * kernel timer; when it fires (interrupt context) it re-arms itself for
 * an interval timer and sends SIGALRM through ksignald.  fork does not
 * copy it, exec keeps it, the process's exit stops it.
 */
#include "core/abi.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/process.h"
#include "core/signal_int.h"
#include "core/string.h"
#include "core/syscall.h"
#include "core/timer.h"

#define KITIMER_REAL	0
#define USEC_PER_SEC	1000000ULL

struct kitimerval {
	struct ktimeval it_interval, it_value;
};

/* The timer fired: SIGALRM, and again after the interval. */
static void
itimer_fire(struct ktimer *kt)
{
	struct process *p = container_of(kt, struct process, itimer);
	uint64_t interval = p->it_interval_ns;

	if (interval != 0)
		ktimer_add_ns(kt, MAX(kt->expires + interval, ktime_ns()));
	signal_send_irq(p->pid, KSIGALRM);
}

void
itimer_init(struct process *p)
{
	ktimer_init(&p->itimer, itimer_fire);
}

/* A timeval as nanoseconds; -EINVAL if it is not a valid one. */
static int
tv_to_ns(const struct ktimeval *tv, uint64_t *ns)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 ||
	    (uint64_t)tv->tv_usec >= USEC_PER_SEC)
		return -EINVAL;
	if ((uint64_t)tv->tv_sec > UINT64_MAX / 4 / NSEC_PER_SEC)
		*ns = UINT64_MAX / 4;
	else
		*ns = (uint64_t)tv->tv_sec * NSEC_PER_SEC +
		      (uint64_t)tv->tv_usec * NSEC_PER_USEC;
	return 0;
}

/* The current setting: time left and interval. */
static void
itimer_get(struct process *p, uint64_t *left, uint64_t *interval)
{
	unsigned long s = arch_intr_save();
	uint64_t now = ktime_ns();

	*left = 0;
	if (p->itimer.pending)
		*left = p->itimer.expires > now ? p->itimer.expires - now : 1;
	*interval = p->it_interval_ns;
	arch_intr_restore(s);
}

/* Arm (value != 0) or disarm the timer. */
static void
itimer_set(struct process *p, uint64_t value, uint64_t interval)
{
	unsigned long s = arch_intr_save();

	ktimer_del(&p->itimer);
	p->it_interval_ns = value != 0 ? interval : 0;
	if (value != 0)
		ktimer_add_ns(&p->itimer, ktime_ns() + value);
	arch_intr_restore(s);
}

SYSCALL_DEFINE2(getitimer, int, which, uintptr_t, ucur)
{
	struct kitimerval it;
	uint64_t left, interval;

	if (which != KITIMER_REAL)
		return -EINVAL;
	itimer_get(current_proc(), &left, &interval);
	it.it_value = ns_to_timeval(left);
	it.it_interval = ns_to_timeval(interval);
	return copyout(ucur, &it, sizeof(it)) != 0 ? -EFAULT : 0;
}

SYSCALL_DEFINE3(setitimer, int, which, uintptr_t, unew, uintptr_t, uold)
{
	struct process *p = current_proc();
	struct kitimerval it, old;
	uint64_t value = 0, interval = 0, left, oldint;

	if (which != KITIMER_REAL)
		return -EINVAL;
	if (unew != 0) {
		if (copyin(&it, unew, sizeof(it)) != 0)
			return -EFAULT;
		if (tv_to_ns(&it.it_value, &value) != 0 ||
		    tv_to_ns(&it.it_interval, &interval) != 0)
			return -EINVAL;
	}
	itimer_get(p, &left, &oldint);
	if (unew != 0)
		itimer_set(p, value, interval);
	old.it_value = ns_to_timeval(left);
	old.it_interval = ns_to_timeval(oldint);
	if (uold != 0 && copyout(uold, &old, sizeof(old)) != 0)
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE1(alarm, unsigned int, seconds)
{
	struct process *p = current_proc();
	uint64_t left, interval;

	itimer_get(p, &left, &interval);
	itimer_set(p, (uint64_t)seconds * NSEC_PER_SEC, 0);
	/* Whole seconds left, rounded; a running alarm is never 0. */
	if (left == 0)
		return 0;
	return (long)MAX((left + NSEC_PER_SEC / 2) / NSEC_PER_SEC, 1);
}
