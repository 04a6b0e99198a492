/*
 * Wait queues.  A sleeper queues a struct waiter (on its own stack), sets
 * its task state and calls schedule(); a waker unlinks the waiter and makes
 * the task runnable.  Waiters are woken in FIFO order.  Everything runs
 * with interrupts disabled, so interrupt handlers may wake.
 */
#include "core/wait.h"

void
wq_init(struct wait_queue *wq)
{
	list_init(&wq->waiters);
}

void
wq_prepare(struct wait_queue *wq, struct waiter *w, int state)
{
	unsigned long s = arch_intr_save();

	/* A new waiter is zeroed; a reused one keeps its task. */
	if (w->task == NULL) {
		w->task = current;
		list_init(&w->node);
	}
	w->woken = false;
	if (list_empty(&w->node))
		list_add_tail(&w->node, &wq->waiters);
	current->state = state;
	arch_intr_restore(s);
}

void
wq_finish(struct wait_queue *wq, struct waiter *w)
{
	unsigned long s = arch_intr_save();

	(void)wq;
	current->state = TASK_RUNNING;
	list_del(&w->node);
	arch_intr_restore(s);
}

/* Unlink the first waiter and wake its task. */
static void
wq_wake_first(struct wait_queue *wq)
{
	struct waiter *w = list_first_entry(&wq->waiters, struct waiter, node);

	list_del(&w->node);
	w->woken = true;
	sched_wake(w->task);
}

bool
wq_wake_one(struct wait_queue *wq)
{
	unsigned long s = arch_intr_save();
	bool any = !list_empty(&wq->waiters);

	if (any)
		wq_wake_first(wq);
	arch_intr_restore(s);
	return any;
}

int
wq_wake_all(struct wait_queue *wq)
{
	unsigned long s = arch_intr_save();
	int n = 0;

	for (; !list_empty(&wq->waiters); n++)
		wq_wake_first(wq);
	arch_intr_restore(s);
	return n;
}

bool
wq_empty(struct wait_queue *wq)
{
	return list_empty(&wq->waiters);
}
