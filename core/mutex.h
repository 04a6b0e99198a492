/*
 * Sleeping mutexes.  Unlock hands the mutex directly to the longest waiter,
 * so waiters get it in FIFO order and a running task cannot barge in.
 * Never taken from interrupt context.
 */
#ifndef CORE_MUTEX_H
#define CORE_MUTEX_H

#include <stdbool.h>
#include "core/list.h"
#include "core/sched.h"

struct mutex {
	struct task *owner;		/* [i] NULL when free */
	struct list_head waiters;	/* [i] struct mutex_waiter.node */
	const char *name;		/* [I] for debugging */
};

#define MUTEX_INIT(m, n) { NULL, LIST_HEAD_INIT((m).waiters), (n) }

/* Initialise an unlocked mutex. */
void mutex_init(struct mutex *m, const char *name);
/* Take m, sleeping while another task holds it. */
void mutex_lock(struct mutex *m);
/* Take m if it is free; true on success. */
bool mutex_trylock(struct mutex *m);
/* Release m (the caller must own it), handing it to the first waiter. */
void mutex_unlock(struct mutex *m);
/* True if the current task owns m. */
bool mutex_is_owner(const struct mutex *m);

#endif
