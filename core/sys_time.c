/*
 * Time system calls: reading the clocks (time, gettimeofday,
 * clock_gettime, clock_getres), sleeping (nanosleep, clock_nanosleep)
 * and CPU-time accounting (times, getrusage).
 *
 * The realtime clocks are the host's; the monotonic ones (MONOTONIC,
 * MONOTONIC_RAW, MONOTONIC_COARSE, BOOTTIME) count from boot, the base
 * of jiffies and ktime_ns().  CPU clocks add the times of a process's
 * exited threads (struct process) to its live threads' (struct task);
 * the negative clock ids of clock_getcpuclockid(3) and
 * pthread_getcpuclockid(3) are decoded as Linux encodes them.
 *
 * Sleeps wait for a ktimer: kernel timers fire on jiffy boundaries
 * (HZ 250, 4 ms), so a sleep ends at the first tick at or after its
 * deadline: never early, at most one tick late plus scheduling.  A
 * realtime deadline is turned into a monotonic one when the sleep starts
 * (a later change of the host clock does not move it).
 *
 * Locking: CPU times are read under proc_lock; a sleeper's state is
 * guarded by disabling interrupts.
 */
#include "arch-host/arch.h"
#include "core/abi.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/page.h"
#include "core/process.h"
#include "core/signal_int.h"
#include "core/string.h"
#include "core/syscall.h"
#include "core/timer.h"

#define KCLOCK_REALTIME			0
#define KCLOCK_MONOTONIC		1
#define KCLOCK_PROCESS_CPUTIME_ID	2
#define KCLOCK_THREAD_CPUTIME_ID	3
#define KCLOCK_MONOTONIC_RAW		4
#define KCLOCK_REALTIME_COARSE		5
#define KCLOCK_MONOTONIC_COARSE		6
#define KCLOCK_BOOTTIME			7
#define KCLOCK_TAI			11

/* Linux's encoding of CPU clocks in negative clock ids. */
#define KCPUCLOCK_PID(clk)	(~((clk) >> 3))
#define KCPUCLOCK_PERTHREAD	4
#define KCPUCLOCK_WHICH(clk)	((clk) & 3)
#define KCPUCLOCK_MAKE(pid, w)	((int)(~(unsigned int)(pid) << 3) | (w))
#define KCPUCLOCK_PROF		0
#define KCPUCLOCK_VIRT		1
#define KCPUCLOCK_SCHED		2

#define KTIMER_ABSTIME		1
/* Sleeps end by here (292 years), so tick arithmetic cannot overflow. */
#define KSLEEP_MAX_NS		(UINT64_MAX / 2)

#define KUSER_HZ		100	/* clock ticks of times(2) */
#define NSEC_PER_TICK		(NSEC_PER_SEC / KUSER_HZ)

/* struct timezone, struct tms, struct rusage (x86-64). */
struct ktimezone {
	int32_t tz_minuteswest;
	int32_t tz_dsttime;
};
_Static_assert(sizeof(struct ktimezone) == 8, "struct timezone is 8 bytes");

struct ktms {
	int64_t tms_utime, tms_stime;
	int64_t tms_cutime, tms_cstime;
};
_Static_assert(sizeof(struct ktms) == 32, "struct tms is 32 bytes");

struct krusage {
	struct ktimeval ru_utime, ru_stime;
	int64_t ru_maxrss;		/* KiB */
	int64_t ru_ixrss, ru_idrss, ru_isrss;
	int64_t ru_minflt, ru_majflt, ru_nswap;
	int64_t ru_inblock, ru_oublock;
	int64_t ru_msgsnd, ru_msgrcv, ru_nsignals;
	int64_t ru_nvcsw, ru_nivcsw;
};
_Static_assert(sizeof(struct krusage) == 144, "struct rusage is 144 bytes");

#define KRUSAGE_SELF		0
#define KRUSAGE_CHILDREN	(-1)
#define KRUSAGE_THREAD		1

/* ---- conversions ---- */

static struct ktimespec
ns_to_timespec(uint64_t ns)
{
	struct ktimespec ts = {
		.tv_sec = (int64_t)(ns / NSEC_PER_SEC),
		.tv_nsec = (int64_t)(ns % NSEC_PER_SEC),
	};

	return ts;
}

/* A valid timespec in nanoseconds, saturated at UINT64_MAX; -EINVAL for
 * a negative second or a nanosecond field out of [0, 1e9). */
static int
timespec_to_ns(const struct ktimespec *ts, uint64_t *ns)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 ||
	    ts->tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	if ((uint64_t)ts->tv_sec >= UINT64_MAX / NSEC_PER_SEC)
		*ns = UINT64_MAX;
	else
		*ns = (uint64_t)ts->tv_sec * NSEC_PER_SEC +
		      (uint64_t)ts->tv_nsec;
	return 0;
}

/* ---- CPU time ---- */

/* User and system time of p: its exited threads' and live threads'. */
static void
proc_cpu_ns(struct process *p, uint64_t *utime, uint64_t *stime)
{
	struct task *t;

	mutex_lock(&proc_lock);
	*utime = p->utime_ns;
	*stime = p->stime_ns;
	list_for_each_entry(t, &p->threads, thread_node) {
		*utime += t->utime_ns;
		*stime += t->stime_ns;
	}
	mutex_unlock(&proc_lock);
}

/* The thread tid of the caller's process, or NULL; holds proc_lock. */
static struct task *
own_thread(int tid)
{
	struct process *p = current_proc();
	struct task *t;

	if (tid == 0 || tid == current->tid)
		return current;
	if (p == NULL)
		return NULL;
	list_for_each_entry(t, &p->threads, thread_node)
		if (t->tid == tid)
			return t;
	return NULL;
}

/* A thread's CPU clock (tid 0: the caller); it must be one of the
 * caller's threads.  0 or -EINVAL. */
static int
thread_cpuclock(int tid, uint64_t *utime, uint64_t *stime)
{
	struct task *t;
	int err = 0;

	mutex_lock(&proc_lock);
	t = own_thread(tid);
	if (t != NULL) {
		*utime = t->utime_ns;
		*stime = t->stime_ns;
	} else {
		err = -EINVAL;
	}
	mutex_unlock(&proc_lock);
	return err;
}

/* A process's CPU clock (pid 0: the caller's).  0 or -EINVAL. */
static int
process_cpuclock(int pid, uint64_t *utime, uint64_t *stime)
{
	struct process *p;

	if (pid == 0) {
		if (current_proc() == NULL)
			return -EINVAL;
		proc_cpu_ns(current_proc(), utime, stime);
		return 0;
	}
	p = process_find(pid);
	if (p == NULL)
		return -EINVAL;
	proc_cpu_ns(p, utime, stime);
	process_put(p);
	return 0;
}

/* A clock id below zero: the CPU clock of a process or thread. */
static int
cpuclock_read(int clk, uint64_t *ns)
{
	uint64_t utime = 0, stime = 0;
	int pid = KCPUCLOCK_PID(clk), err;

	if (KCPUCLOCK_WHICH(clk) > KCPUCLOCK_SCHED)
		return -EINVAL;
	if (clk & KCPUCLOCK_PERTHREAD)
		err = thread_cpuclock(pid, &utime, &stime);
	else
		err = process_cpuclock(pid, &utime, &stime);
	if (err)
		return err;
	*ns = KCPUCLOCK_WHICH(clk) == KCPUCLOCK_VIRT ? utime : utime + stime;
	return 0;
}

/* ---- clocks ---- */

/* The value of clock clk in nanoseconds: 0 or -EINVAL. */
static int
clock_read(int clk, uint64_t *ns)
{
	if (clk < 0)
		return cpuclock_read(clk, ns);
	switch (clk) {
	case KCLOCK_REALTIME:
	case KCLOCK_REALTIME_COARSE:
	case KCLOCK_TAI:
		*ns = arch_clock_realtime();
		return 0;
	case KCLOCK_MONOTONIC:
	case KCLOCK_MONOTONIC_RAW:
	case KCLOCK_MONOTONIC_COARSE:
	case KCLOCK_BOOTTIME:
		*ns = ktime_ns();
		return 0;
	case KCLOCK_PROCESS_CPUTIME_ID:
		return cpuclock_read(KCPUCLOCK_MAKE(0, KCPUCLOCK_SCHED), ns);
	case KCLOCK_THREAD_CPUTIME_ID:
		return cpuclock_read(KCPUCLOCK_MAKE(0, KCPUCLOCK_PERTHREAD |
						    KCPUCLOCK_SCHED), ns);
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE1(time, uintptr_t, ut)
{
	int64_t now = (int64_t)(arch_clock_realtime() / NSEC_PER_SEC);

	if (ut != 0 && copyout(ut, &now, sizeof(now)) != 0)
		return -EFAULT;
	return now;
}

SYSCALL_DEFINE2(gettimeofday, uintptr_t, utv, uintptr_t, utz)
{
	struct ktimeval tv = ns_to_timeval(arch_clock_realtime());
	struct ktimezone tz = { 0, 0 };

	if (utv != 0 && copyout(utv, &tv, sizeof(tv)) != 0)
		return -EFAULT;
	if (utz != 0 && copyout(utz, &tz, sizeof(tz)) != 0)
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(clock_gettime, int, clk, uintptr_t, uts)
{
	struct ktimespec ts;
	uint64_t ns;
	int err = clock_read(clk, &ns);

	if (err)
		return err;
	ts = ns_to_timespec(ns);
	return copyout(uts, &ts, sizeof(ts));
}

SYSCALL_DEFINE2(clock_getres, int, clk, uintptr_t, ures)
{
	struct ktimespec ts = { 0, 1 };
	uint64_t ns;
	int err = clock_read(clk, &ns);

	if (err)
		return err;
	if (clk == KCLOCK_REALTIME_COARSE || clk == KCLOCK_MONOTONIC_COARSE)
		ts = ns_to_timespec(NSEC_PER_JIFFY);
	if (ures == 0)
		return 0;
	return copyout(ures, &ts, sizeof(ts));
}

/* ---- sleeping ---- */

struct sleeper {
	struct ktimer timer;
	struct task *task;		/* [I] */
	volatile bool fired;		/* [i] */
};

/* The sleeper's timer expired: wake it.  Interrupt context. */
static void
sleeper_fire(struct ktimer *t)
{
	struct sleeper *sl = container_of(t, struct sleeper, timer);

	sl->fired = true;
	sched_wake(sl->task);
}

int
ksleep_until(uint64_t deadline)
{
	struct sleeper sl = { .task = current, .fired = false };
	unsigned long s;
	int ret = 0;

	if (deadline <= ktime_ns())
		return 0;
	deadline = MIN(deadline, KSLEEP_MAX_NS);
	ktimer_init(&sl.timer, sleeper_fire);
	ktimer_add_ns(&sl.timer, deadline);
	for (;;) {
		/* State first, then the conditions: no wake-up is lost. */
		s = arch_intr_save();
		current->state = TASK_INTERRUPTIBLE;
		if (sl.fired)
			break;
		if (signal_pending()) {
			ret = -EINTR;
			break;
		}
		schedule();
		arch_intr_restore(s);
	}
	current->state = TASK_RUNNING;
	arch_intr_restore(s);
	ktimer_del(&sl.timer);
	return ret;
}

/* The monotonic deadline of a sleep on clk for ts (absolute or not);
 * 0, -EINVAL, -EOPNOTSUPP. */
static int
sleep_deadline(int clk, bool abs, const struct ktimespec *ts,
	       uint64_t *deadline)
{
	uint64_t ns, now = ktime_ns(), real;
	int err = timespec_to_ns(ts, &ns);

	if (err)
		return err;
	switch (clk) {
	case KCLOCK_REALTIME:
	case KCLOCK_TAI:
		if (!abs)
			break;
		real = arch_clock_realtime();
		ns = ns > real ? ns - real : 0;
		break;
	case KCLOCK_MONOTONIC:
	case KCLOCK_BOOTTIME:
		if (abs) {
			*deadline = ns;
			return 0;
		}
		break;
	case KCLOCK_THREAD_CPUTIME_ID:
		return -EINVAL;
	default:
		return clk < 0 ? -EINVAL : -EOPNOTSUPP;
	}
	*deadline = ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
	return 0;
}

/* Write what is left until deadline to urem (if any). */
static int
nanosleep_rem(uint64_t deadline, uintptr_t urem)
{
	struct ktimespec ts;
	uint64_t now = ktime_ns();

	if (urem == 0)
		return 0;
	ts = ns_to_timespec(deadline > now ? deadline - now : 0);
	return copyout(urem, &ts, sizeof(ts));
}

/* restart_syscall after a stop: sleep on to the same deadline. */
static long
nanosleep_restart(struct task *t)
{
	uint64_t deadline = t->restart_arg[0];
	uintptr_t urem = t->restart_arg[1];
	int err = ksleep_until(deadline);

	if (err != -EINTR)
		return err;
	if (nanosleep_rem(deadline, urem) != 0)
		return -EFAULT;
	t->restart_fn = nanosleep_restart;
	return -ERESTART_RESTARTBLOCK;
}

/*
 * clock_nanosleep and nanosleep: sleep; on a signal report what is left
 * of a relative sleep in *urem.  A signal with a handler ends the sleep
 * with -EINTR; one without (a stop and continue) lets it go on.
 */
static long
do_nanosleep(int clk, int flags, uintptr_t ureq, uintptr_t urem)
{
	struct ktimespec ts;
	uint64_t deadline;
	bool abs = (flags & KTIMER_ABSTIME) != 0;
	int err;

	if (copyin(&ts, ureq, sizeof(ts)) != 0)
		return -EFAULT;
	err = sleep_deadline(clk, abs, &ts, &deadline);
	if (err)
		return err;
	err = ksleep_until(deadline);
	if (err != -EINTR)
		return err;
	if (abs)
		return -ERESTARTNOHAND;
	if (nanosleep_rem(deadline, urem) != 0)
		return -EFAULT;
	current->restart_fn = nanosleep_restart;
	current->restart_arg[0] = deadline;
	current->restart_arg[1] = urem;
	return -ERESTART_RESTARTBLOCK;
}

SYSCALL_DEFINE2(nanosleep, uintptr_t, ureq, uintptr_t, urem)
{
	return do_nanosleep(KCLOCK_MONOTONIC, 0, ureq, urem);
}

SYSCALL_DEFINE4(clock_nanosleep, int, clk, int, flags, uintptr_t, ureq,
		uintptr_t, urem)
{
	return do_nanosleep(clk, flags, ureq, urem);
}

/* ---- accounting ---- */

/* times(2): CPU times in 100 Hz ticks; returns the ticks since boot. */
SYSCALL_DEFINE1(times, uintptr_t, utms)
{
	struct process *p = current_proc();
	struct ktms tms;
	uint64_t utime = 0, stime = 0;

	memset(&tms, 0, sizeof(tms));
	if (p != NULL) {
		proc_cpu_ns(p, &utime, &stime);
		tms.tms_utime = (int64_t)(utime / NSEC_PER_TICK);
		tms.tms_stime = (int64_t)(stime / NSEC_PER_TICK);
		mutex_lock(&proc_lock);
		tms.tms_cutime = (int64_t)(p->cutime_ns / NSEC_PER_TICK);
		tms.tms_cstime = (int64_t)(p->cstime_ns / NSEC_PER_TICK);
		mutex_unlock(&proc_lock);
	}
	if (utms != 0 && copyout(utms, &tms, sizeof(tms)) != 0)
		return -EFAULT;
	/* Clock ticks since boot, the reference point of the result. */
	return (long)(ktime_ns() / NSEC_PER_TICK);
}

/* Fill ru for RUSAGE_SELF, RUSAGE_CHILDREN or RUSAGE_THREAD of p. */
static int
rusage_fill(struct process *p, int who, struct krusage *ru)
{
	uint64_t utime = 0, stime = 0;
	struct mm *mm;

	switch (who) {
	case KRUSAGE_SELF:
		proc_cpu_ns(p, &utime, &stime);
		mm = current_mm();
		if (mm != NULL)
			ru->ru_maxrss = (int64_t)(mm->rss_pages *
						  (PAGE_SIZE / KIB));
		break;
	case KRUSAGE_CHILDREN:
		mutex_lock(&proc_lock);
		utime = p->cutime_ns;
		stime = p->cstime_ns;
		mutex_unlock(&proc_lock);
		break;
	case KRUSAGE_THREAD:
		utime = current->utime_ns;
		stime = current->stime_ns;
		ru->ru_nvcsw = (int64_t)current->nr_switches;
		break;
	default:
		return -EINVAL;
	}
	ru->ru_utime = ns_to_timeval(utime);
	ru->ru_stime = ns_to_timeval(stime);
	return 0;
}

/*
 * getrusage(2): CPU times; ru_maxrss is the current resident size (no
 * peak is kept) and the counters are zero.
 */
SYSCALL_DEFINE2(getrusage, int, who, uintptr_t, uru)
{
	struct process *p = current_proc();
	struct krusage ru;
	int err;

	if (p == NULL)
		return -EINVAL;
	memset(&ru, 0, sizeof(ru));
	err = rusage_fill(p, who, &ru);
	if (err)
		return err;
	return copyout(uru, &ru, sizeof(ru));
}
