/*
 * Kernel threads: tasks that run a kernel function, can be asked to stop,
 * and hand back an int when they end.
 */
#ifndef CORE_KTHREAD_H
#define CORE_KTHREAD_H

#include <stdbool.h>
#include "core/completion.h"
#include "core/kernel.h"
#include "core/sched.h"

struct kthread {
	int (*fn)(void *arg);		/* [I] */
	void *arg;			/* [I] */
	bool should_stop;		/* [i] set by kthread_stop() */
	int result;			/* [i] fn's return value */
	struct completion exited;	/* completed when fn returns */
};

/*
 * Create a kernel thread running fn(arg), named by fmt, and make it
 * runnable.  The caller holds a reference in *out, which kthread_stop()
 * (or task_put()) drops.  Returns 0 or -ENOMEM.
 */
__printf(4, 5) int kthread_create(struct task **out, int (*fn)(void *),
				  void *arg, const char *fmt, ...);
/* True in a kernel thread once kthread_stop() was called on it. */
bool kthread_should_stop(void);
/*
 * Ask t to stop, wake it, wait until its function returns and drop the
 * caller's reference.  Returns the function's return value.
 */
int kthread_stop(struct task *t);
/* Wait for t's function to return without asking it to stop; same return. */
int kthread_join(struct task *t);
/* End the current kernel thread with result (as if fn returned it). */
__attribute__((noreturn)) void kthread_exit(int result);

#endif
