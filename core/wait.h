/*
 * Wait queues: a task sleeps on a queue until a condition holds; wakers
 * wake one or all sleepers.  Safe to wake from interrupt context.
 */
#ifndef CORE_WAIT_H
#define CORE_WAIT_H

#include <stdbool.h>
#include "core/list.h"
#include "core/sched.h"

struct wait_queue {
	struct list_head waiters;	/* [i] struct waiter.node */
};

struct waiter {
	struct list_head node;		/* [i] */
	struct task *task;		/* [I] */
	bool woken;			/* [i] set by the waker */
};

#define WAIT_QUEUE_INIT(name) { LIST_HEAD_INIT((name).waiters) }

/* Make wq an empty queue. */
void wq_init(struct wait_queue *wq);
/*
 * Queue w (for current) on wq unless it is queued, and set current->state
 * to state.  w must start zeroed (struct waiter w = { 0 }) and may then be
 * prepared again after each wake-up.
 */
void wq_prepare(struct wait_queue *wq, struct waiter *w, int state);
/* Undo wq_prepare(): leave the queue, state back to TASK_RUNNING. */
void wq_finish(struct wait_queue *wq, struct waiter *w);
/* Wake the longest waiter; returns true if there was one. */
bool wq_wake_one(struct wait_queue *wq);
/* Wake every waiter; returns how many. */
int wq_wake_all(struct wait_queue *wq);
/* True if nobody waits on wq. */
bool wq_empty(struct wait_queue *wq);

/* Sleep on wq until cond is true (re-checked after each wake-up). */
#define wait_event(wq, cond)						\
	do {								\
		struct waiter __w = { .task = NULL };			\
		for (;;) {						\
			wq_prepare((wq), &__w, TASK_UNINTERRUPTIBLE);	\
			if (cond)					\
				break;					\
			schedule();					\
		}							\
		wq_finish((wq), &__w);					\
	} while (0)

#endif
