/*
 * Kernel threads: a task whose entry runs fn(arg), records its result and
 * signals a completion, so kthread_stop()/kthread_join() can wait for it.
 * The creator holds a reference to the task until it stops or joins it.
 */
#include "core/errno.h"
#include "core/kthread.h"
#include "core/printk.h"
#include "core/slab.h"

static void
kthread_entry(void *arg)
{
	struct kthread *kt = arg;

	kthread_exit(kt->fn(kt->arg));
}

int
kthread_create(struct task **out, int (*fn)(void *), void *arg,
	       const char *fmt, ...)
{
	struct kthread *kt = kzalloc(sizeof(*kt));
	char name[TASK_COMM_LEN];
	struct task *t;
	va_list ap;
	int err;

	if (kt == NULL)
		return -ENOMEM;
	kt->fn = fn;
	kt->arg = arg;
	completion_init(&kt->exited);
	va_start(ap, fmt);
	kvsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	err = task_create(&t, name, kthread_entry, kt);
	if (err) {
		kfree(kt);
		return err;
	}
	t->kthread = kt;
	task_get(t);			/* the caller's reference */
	sched_wake(t);
	*out = t;
	return 0;
}

bool
kthread_should_stop(void)
{
	return current->kthread != NULL && current->kthread->should_stop;
}

int
kthread_join(struct task *t)
{
	int result;

	KASSERT(t->kthread != NULL && t != current);
	completion_wait(&t->kthread->exited);
	result = t->kthread->result;
	task_put(t);
	return result;
}

int
kthread_stop(struct task *t)
{
	t->kthread->should_stop = true;
	sched_wake(t);
	return kthread_join(t);
}

void
kthread_exit(int result)
{
	struct kthread *kt = current->kthread;

	KASSERT(kt != NULL);
	kt->result = result;
	complete_all(&kt->exited);
	task_exit();
}
