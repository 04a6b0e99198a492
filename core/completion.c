/*
 * Completions: a counter of events plus a wait queue.  complete() may run
 * in interrupt context; waiters sleep on the queue until the count is
 * non-zero and then consume one event (complete_all() saturates it).
 */
#include "core/completion.h"
#include "core/errno.h"
#include "core/timer.h"

void
completion_init(struct completion *c)
{
	c->done = 0;
	wq_init(&c->wq);
}

void
complete(struct completion *c)
{
	unsigned long s = arch_intr_save();

	if (c->done != COMPLETION_ALL)
		c->done++;
	wq_wake_one(&c->wq);
	arch_intr_restore(s);
}

void
complete_all(struct completion *c)
{
	unsigned long s = arch_intr_save();

	c->done = COMPLETION_ALL;
	wq_wake_all(&c->wq);
	arch_intr_restore(s);
}

/* Consume one event; interrupts are disabled and c->done is non-zero. */
static void
completion_consume(struct completion *c)
{
	if (c->done != COMPLETION_ALL)
		c->done--;
}

void
completion_wait(struct completion *c)
{
	unsigned long s = arch_intr_save();

	wait_event(&c->wq, c->done > 0);
	completion_consume(c);
	arch_intr_restore(s);
}

bool
completion_try(struct completion *c)
{
	unsigned long s = arch_intr_save();
	bool ok = c->done > 0;

	if (ok)
		completion_consume(c);
	arch_intr_restore(s);
	return ok;
}

struct completion_timeout {
	struct ktimer timer;
	struct task *task;
	bool expired;
};

static void
completion_timeout_fire(struct ktimer *t)
{
	struct completion_timeout *ct =
		container_of(t, struct completion_timeout, timer);

	ct->expired = true;
	sched_wake(ct->task);
}

int
completion_wait_timeout(struct completion *c, unsigned int ms)
{
	unsigned long s = arch_intr_save();
	struct completion_timeout ct = { .task = current, .expired = false };
	int ret = 0;

	ktimer_init(&ct.timer, completion_timeout_fire);
	ktimer_add(&ct.timer, jiffies + msecs_to_jiffies(ms) + 1);
	wait_event(&c->wq, c->done > 0 || ct.expired);
	ktimer_del(&ct.timer);
	if (c->done > 0)
		completion_consume(c);
	else
		ret = -ETIMEDOUT;
	arch_intr_restore(s);
	return ret;
}
