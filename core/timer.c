/*
 * Kernel time and timers.  jiffies is derived from the host's monotonic
 * clock on every timer interrupt, so it stays right when the tick is
 * stopped while idle.  Pending kernel timers sit in one list sorted by
 * expiry; the timer interrupt runs the expired ones, then charges the
 * elapsed ticks to the scheduler.  The list is guarded by disabling
 * interrupts.
 */
#include "core/sched.h"
#include "core/timer.h"
#include "core/trap.h"

volatile uint64_t jiffies;
static uint64_t boot_ns;		/* [I] monotonic clock at boot */
static LIST_HEAD(ktimer_list);		/* [i] pending timers by expiry */

void
time_init(void)
{
	boot_ns = arch_clock_monotonic();
	jiffies = 0;
}

uint64_t
ktime_ns(void)
{
	return arch_clock_monotonic() - boot_ns;
}

uint64_t
msecs_to_jiffies(uint64_t ms)
{
	return (ms * HZ + 999) / 1000;
}

void
ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *t))
{
	list_init(&t->node);
	t->fn = fn;
	t->expires = 0;
	t->pending = false;
}

void
ktimer_add(struct ktimer *t, uint64_t expires)
{
	ktimer_add_ns(t, expires * NSEC_PER_JIFFY);
}

void
ktimer_add_ns(struct ktimer *t, uint64_t expires)
{
	unsigned long s = arch_intr_save();
	struct list_head *pos;

	if (t->pending)
		list_del(&t->node);
	t->expires = expires;
	t->pending = true;
	/* Insert after the last timer that expires no later (FIFO ties). */
	for (pos = ktimer_list.prev; pos != &ktimer_list; pos = pos->prev)
		if (list_entry(pos, struct ktimer, node)->expires <= expires)
			break;
	list_add(&t->node, pos);
	arch_intr_restore(s);
}

bool
ktimer_del(struct ktimer *t)
{
	unsigned long s = arch_intr_save();
	bool was = t->pending;

	if (was)
		list_del(&t->node);
	t->pending = false;
	arch_intr_restore(s);
	return was;
}

uint64_t
ktimer_next_ns(void)
{
	unsigned long s = arch_intr_save();
	uint64_t at, now, left = UINT64_MAX;

	if (!list_empty(&ktimer_list)) {
		at = list_first_entry(&ktimer_list, struct ktimer,
				      node)->expires;
		now = ktime_ns();
		left = at > now ? at - now : 0;
	}
	arch_intr_restore(s);
	return left;
}

/* Run every timer that has expired; interrupts are disabled. */
static void
ktimer_run_expired(void)
{
	uint64_t now = ktime_ns();
	struct ktimer *t;

	while (!list_empty(&ktimer_list)) {
		t = list_first_entry(&ktimer_list, struct ktimer, node);
		if (t->expires > now)
			break;
		list_del(&t->node);
		t->pending = false;
		t->fn(t);
	}
}

void
trap_timer(void)
{
	uint64_t now = ktime_ns() / NSEC_PER_JIFFY;
	uint64_t ticks = now > jiffies ? now - jiffies : 0;

	jiffies += ticks;
	ktimer_run_expired();
	if (ticks)
		sched_tick(ticks);
}

struct sleeper {
	struct ktimer timer;
	struct task *task;
	bool done;
};

static void
msleep_fire(struct ktimer *t)
{
	struct sleeper *sl = container_of(t, struct sleeper, timer);

	sl->done = true;
	sched_wake(sl->task);
}

void
msleep(unsigned int ms)
{
	unsigned long s = arch_intr_save();
	struct sleeper sl = { .task = current, .done = false };
	uint64_t end = ktime_ns() + ms * NSEC_PER_MSEC;

	ktimer_init(&sl.timer, msleep_fire);
	/* The first jiffy that starts at or after end. */
	ktimer_add(&sl.timer, (end + NSEC_PER_JIFFY - 1) / NSEC_PER_JIFFY);
	while (!sl.done) {
		current->state = TASK_UNINTERRUPTIBLE;
		schedule();
	}
	current->state = TASK_RUNNING;
	arch_intr_restore(s);
}
