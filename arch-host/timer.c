/*
 * The timer interrupt and the host clocks.  One POSIX timer on
 * CLOCK_MONOTONIC sends HOST_SIG_TIMER to the vCPU thread (SIGEV_THREAD_ID,
 * so no other host thread ever takes the interrupt).  It ticks periodically
 * at the kernel's HZ, except while the vCPU idles: then arch_idle() swaps
 * the tick for a one-shot at the next kernel timer, because every signal
 * costs host CPU.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arch-host/arch.h"
#include "arch-host/host.h"

/* glibc has the field but not always the POSIX name for it. */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

#define NSEC_PER_SEC	1000000000ULL

static timer_t tick_timer;
static bool tick_created;
static uint64_t tick_ns;	/* period of the running tick; 0: none */

static struct timespec
ns_to_timespec(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = ns / NSEC_PER_SEC,
		.tv_nsec = ns % NSEC_PER_SEC,
	};

	return ts;
}

/* Arm the timer: first expiry after value_ns (0 disarms), then period_ns. */
static int
timer_arm(uint64_t value_ns, uint64_t period_ns)
{
	struct itimerspec its = {
		.it_value = ns_to_timespec(value_ns),
		.it_interval = ns_to_timespec(period_ns),
	};

	if (!tick_created)
		return -ENODEV;
	if (timer_settime(tick_timer, 0, &its, NULL) != 0)
		return -errno;
	return 0;
}

/*
 * Create the tick timer, aimed at the calling thread (the vCPU thread);
 * it stays disarmed until arch_timer_start().  Returns 0 or -errno.
 */
int
timer_init(void)
{
	struct sigevent sev;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = HOST_SIG_TIMER;
	sev.sigev_notify_thread_id = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &tick_timer) != 0)
		return -errno;
	tick_created = true;
	return 0;
}

/* Start the periodic timer interrupt at hz ticks per second. */
int
arch_timer_start(unsigned int hz)
{
	int err;

	if (hz == 0 || hz > NSEC_PER_SEC)
		return -EINVAL;
	err = timer_arm(NSEC_PER_SEC / hz, NSEC_PER_SEC / hz);
	if (err)
		return err;
	tick_ns = NSEC_PER_SEC / hz;
	return 0;
}

/*
 * Stop the periodic tick; wake once after timeout_ns unless it is
 * UINT64_MAX.  A zero timeout still fires (1 ns), since a zero value would
 * disarm the timer and the caller wants the wake-up.  Returns 0 or -errno.
 */
int
timer_tick_pause(uint64_t timeout_ns)
{
	if (timeout_ns == UINT64_MAX)
		return timer_arm(0, 0);
	return timer_arm(timeout_ns ? timeout_ns : 1, 0);
}

/* The tick's period in nanoseconds (UINT64_MAX before it starts). */
uint64_t
timer_tick_period(void)
{
	return tick_ns != 0 ? tick_ns : UINT64_MAX;
}

/* Restart the periodic tick (a full period from now), if it was running. */
void
timer_tick_resume(void)
{
	timer_arm(tick_ns, tick_ns);
}

static uint64_t
clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* Host CLOCK_MONOTONIC in nanoseconds. */
uint64_t
arch_clock_monotonic(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* Host CLOCK_REALTIME in nanoseconds since the epoch. */
uint64_t
arch_clock_realtime(void)
{
	return clock_ns(CLOCK_REALTIME);
}
