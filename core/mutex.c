/*
 * Sleeping mutexes with direct hand-off: mutex_unlock() makes the longest
 * waiter the owner before waking it, so ownership passes in FIFO order and
 * no task can take the mutex between the unlock and the waiter running.
 * State is guarded by disabling interrupts; waiters sleep in schedule().
 */
#include "core/mutex.h"

struct mutex_waiter {
	struct list_head node;		/* [i] on mutex.waiters */
	struct task *task;		/* [I] */
	bool granted;			/* [i] ownership was handed over */
};

void
mutex_init(struct mutex *m, const char *name)
{
	m->owner = NULL;
	list_init(&m->waiters);
	m->name = name;
}

void
mutex_lock(struct mutex *m)
{
	unsigned long s = arch_intr_save();
	struct mutex_waiter w = { .task = current, .granted = false };

	KASSERT(m->owner != current);
	if (m->owner == NULL) {
		m->owner = current;
		arch_intr_restore(s);
		return;
	}
	list_add_tail(&w.node, &m->waiters);
	while (!w.granted) {
		current->state = TASK_UNINTERRUPTIBLE;
		schedule();
	}
	current->state = TASK_RUNNING;
	KASSERT(m->owner == current);
	arch_intr_restore(s);
}

bool
mutex_trylock(struct mutex *m)
{
	unsigned long s = arch_intr_save();
	bool ok = m->owner == NULL;

	if (ok)
		m->owner = current;
	arch_intr_restore(s);
	return ok;
}

void
mutex_unlock(struct mutex *m)
{
	unsigned long s = arch_intr_save();
	struct mutex_waiter *w;

	KASSERT(m->owner == current);
	if (list_empty(&m->waiters)) {
		m->owner = NULL;
	} else {
		w = list_first_entry(&m->waiters, struct mutex_waiter, node);
		list_del(&w->node);
		m->owner = w->task;
		w->granted = true;
		sched_wake(w->task);
	}
	arch_intr_restore(s);
}

bool
mutex_is_owner(const struct mutex *m)
{
	return m->owner == current;
}
