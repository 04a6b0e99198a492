/*
 * Kernel time: jiffies (HZ ticks since boot, derived from the host's
 * monotonic clock), kernel timers that run a function in interrupt context
 * when they expire, and msleep.
 */
#ifndef CORE_TIMER_H
#define CORE_TIMER_H

#include <stdbool.h>
#include <stdint.h>
#include "core/list.h"

#define HZ		250
#define NSEC_PER_JIFFY	(1000000000ULL / HZ)

/* Ticks since boot; updated by the timer interrupt. */
extern volatile uint64_t jiffies;

struct ktimer {
	struct list_head node;		/* [i] pending list, sorted */
	uint64_t expires;		/* [i] ktime_ns() value */
	void (*fn)(struct ktimer *t);	/* [I] runs in interrupt context */
	bool pending;			/* [i] */
};

/* Record the boot time; jiffies count from here. */
void time_init(void);
/* Nanoseconds of the monotonic clock since boot. */
uint64_t ktime_ns(void);
/* Convert milliseconds to jiffies, rounding up. */
uint64_t msecs_to_jiffies(uint64_t ms);

/* Initialise a timer that will call fn. */
void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *t));
/* (Re)arm t to fire at jiffies value expires (at once if past). */
void ktimer_add(struct ktimer *t, uint64_t expires);
/*
 * (Re)arm t to fire when ktime_ns() reaches ns.  While the vCPU idles it
 * fires on time; while it is busy, at the next tick at the latest.
 */
void ktimer_add_ns(struct ktimer *t, uint64_t ns);
/* Disarm t; true if it was pending. */
bool ktimer_del(struct ktimer *t);
/* Nanoseconds until the first pending timer, UINT64_MAX if none. */
uint64_t ktimer_next_ns(void);

/* Sleep for at least ms milliseconds. */
void msleep(unsigned int ms);

#endif
