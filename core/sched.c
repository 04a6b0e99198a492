/*
 * Tasks and the core scheduler: task creation and teardown, schedule(),
 * wake-ups, preemption and the idle loop.  The policy (which task runs
 * next) lives behind struct sched_class; this file only moves tasks
 * between "running", "queued in the class" and "sleeping", and switches
 * kernel contexts with arch_switch().
 *
 * There is one virtual CPU.  Every field marked [i] in struct task is
 * guarded by disabling interrupts; schedule() runs with them disabled.
 * A dead task is freed by whoever drops its last reference, never while it
 * is still on its own stack: the task that runs next drops the reference
 * the dead task held on itself (sched_finish_switch()).
 */
#include "core/errno.h"
#include "core/kthread.h"
#include "core/printk.h"
#include "core/sched.h"
#include "core/slab.h"
#include "core/string.h"
#include "core/timer.h"
#include "core/trap.h"

struct task *current;
LIST_HEAD(all_tasks);

static const struct sched_class *const sched_classes[] = {
	&sched_rr_class,
};

static const struct sched_class *sched_class;	/* [I] after sched_init */
static struct task idle_task;			/* the boot context */
static struct task *switch_prev;		/* [i] task we switched from */
static bool need_resched;			/* [i] */
static uint64_t nr_switches;			/* [i] */
static int next_tid = 1;			/* [i] next to try */
static unsigned long tid_map[TID_MAX / 64];	/* [i] ids in use */

/*
 * Take the lowest free id at or after next_tid, wrapping to 2 (pid 1 is
 * init's for good once taken).  Interrupts disabled.  -EAGAIN if none.
 */
static int
tid_alloc_locked(void)
{
	for (int n = 0; n < TID_MAX; n++) {
		int id = next_tid;

		next_tid = next_tid + 1 < TID_MAX ? next_tid + 1 : 2;
		if (!(tid_map[id / 64] & (1UL << (id % 64)))) {
			tid_map[id / 64] |= 1UL << (id % 64);
			return id;
		}
	}
	return -EAGAIN;
}

void
tid_free(int tid)
{
	unsigned long s = arch_intr_save();

	KASSERT(tid > 0 && tid < TID_MAX &&
		(tid_map[tid / 64] & (1UL << (tid % 64))));
	tid_map[tid / 64] &= ~(1UL << (tid % 64));
	arch_intr_restore(s);
}

int
sched_init(const char *policy)
{
	const struct sched_class *c = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(sched_classes); i++)
		if (strcmp(sched_classes[i]->name, policy) == 0)
			c = sched_classes[i];
	if (c == NULL)
		return -EINVAL;
	sched_class = c;
	list_init(&all_tasks);		/* a unit test may boot again */
	memset(tid_map, 0, sizeof(tid_map));
	next_tid = 1;
	kstrlcpy(idle_task.comm, "swapper", sizeof(idle_task.comm));
	idle_task.state = TASK_RUNNING;
	idle_task.is_idle = true;
	idle_task.refcount = 1;
	list_init(&idle_task.run_node);
	list_init(&idle_task.sig_queue);
	list_add(&idle_task.all_node, &all_tasks);
	current = &idle_task;
	return 0;
}

const char *
sched_policy_name(void)
{
	return sched_class->name;
}

/* Drop the reference a dead task held on itself, once it is off-CPU. */
static void
sched_finish_switch(void)
{
	struct task *prev = switch_prev;

	switch_prev = NULL;
	if (prev != NULL && prev->state == TASK_DEAD)
		task_put(prev);
}

/* First code run by every new task: finish the switch, enable interrupts. */
static void
task_start(void *arg)
{
	struct task *t = arg;

	sched_finish_switch();
	arch_intr_enable();
	t->entry(t->entry_arg);
	task_exit();
}

int
task_create(struct task **out, const char *name, void (*fn)(void *),
	    void *arg)
{
	struct task *t = kzalloc(sizeof(*t));
	unsigned long s;

	if (t == NULL)
		return -ENOMEM;
	if (arch_stack_alloc(KSTACK_SIZE, &t->stack) != 0) {
		kfree(t);
		return -ENOMEM;
	}
	t->stack_size = KSTACK_SIZE;
	t->state = TASK_UNINTERRUPTIBLE;
	t->refcount = 1;		/* dropped when the task dies */
	t->entry = fn;
	t->entry_arg = arg;
	kstrlcpy(t->comm, name, sizeof(t->comm));
	list_init(&t->run_node);
	list_init(&t->sig_queue);
	sched_class->task_init(t);
	arch_ctx_init(&t->ctx, t->stack, t->stack_size, task_start, t);
	s = arch_intr_save();
	t->tid = tid_alloc_locked();
	if (t->tid > 0)
		list_add_tail(&t->all_node, &all_tasks);
	arch_intr_restore(s);
	if (t->tid < 0) {
		int err = t->tid;

		arch_stack_free(t->stack, t->stack_size);
		kfree(t);
		return err;
	}
	*out = t;
	return 0;
}

void
task_get(struct task *t)
{
	unsigned long s = arch_intr_save();

	t->refcount++;
	arch_intr_restore(s);
}

/* Free a dead, unreferenced task and its stack. */
static void
task_free(struct task *t)
{
	KASSERT(t->state == TASK_DEAD && t != current && !t->on_rq);
	list_del(&t->all_node);
	if (!t->tid_kept)
		tid_free(t->tid);
	arch_stack_free(t->stack, t->stack_size);
	kfree(t->kthread);
	kfree(t);
}

void
task_abort(struct task *t)
{
	unsigned long s = arch_intr_save();

	KASSERT(!t->on_rq && t != current);
	t->state = TASK_DEAD;
	arch_intr_restore(s);
	task_put(t);
}

void
task_put(struct task *t)
{
	unsigned long s = arch_intr_save();

	KASSERT(t->refcount > 0);
	if (--t->refcount == 0)
		task_free(t);
	arch_intr_restore(s);
}

void
task_exit(void)
{
	KASSERT(!current->is_idle);
	arch_intr_disable();
	current->state = TASK_DEAD;
	current->preempt_count = 0;
	schedule();
	panic("dead task %s (tid %d) was scheduled again", current->comm,
	      current->tid);
}

/* Pick the next task, idle if nothing else is runnable. */
static struct task *
sched_pick(void)
{
	struct task *next = sched_class->pick_next();

	if (next == NULL)
		return &idle_task;
	next->on_rq = false;
	return next;
}

void
schedule(void)
{
	unsigned long s = arch_intr_save();
	struct task *prev = current, *next;

	/* The idle task must always be able to run. */
	KASSERT(!prev->is_idle || prev->state == TASK_RUNNING);
	need_resched = false;
	if (prev->state == TASK_RUNNING && !prev->is_idle) {
		prev->on_rq = true;
		sched_class->enqueue(prev);
	}
	next = sched_pick();
	/* A guest thread loses the CPU: its stub need not spin for it. */
	if (next != prev && prev->last_user != NULL &&
	    prev->last_user != next->last_user)
		arch_user_nap(prev->last_user);
	if (next != prev) {
		nr_switches++;
		next->nr_switches++;
		switch_prev = prev;
		current = next;
		arch_switch(&prev->ctx, &next->ctx);
		sched_finish_switch();
	}
	arch_intr_restore(s);
}

bool
sched_wake(struct task *t)
{
	unsigned long s = arch_intr_save();
	bool woke = false;

	if (t->state == TASK_INTERRUPTIBLE ||
	    t->state == TASK_UNINTERRUPTIBLE) {
		t->state = TASK_RUNNING;
		woke = true;
		if (t != current && !t->on_rq && !t->is_idle) {
			t->on_rq = true;
			sched_class->enqueue(t);
			if (current->is_idle)
				need_resched = true;
		}
	}
	arch_intr_restore(s);
	return woke;
}

void
schedule_yield(void)
{
	schedule();
}

void
sched_tick(unsigned long ticks)
{
	struct task *t = current;

	t->runtime_ticks += ticks;
	if (t->is_idle)
		return;
	while (ticks-- > 0)
		sched_class->tick(t);
}

void
sched_set_need_resched(void)
{
	need_resched = true;
}

bool
sched_need_resched(void)
{
	return need_resched;
}

void
trap_preempt(void)
{
	if (!need_resched)
		return;
	/* Guest code is running for current: make it trap back first. */
	if (current->in_user != NULL)
		arch_user_kick(current->in_user);
	else if (current->preempt_count == 0)
		schedule();
}

void
preempt_disable(void)
{
	current->preempt_count++;
}

void
preempt_enable(void)
{
	KASSERT(current->preempt_count > 0);
	if (--current->preempt_count == 0 && need_resched &&
	    arch_intr_enabled())
		schedule();
}

void
sched_idle_loop(void)
{
	KASSERT(current->is_idle);
	for (;;) {
		unsigned long s = arch_intr_save();
		bool runnable = need_resched || sched_class->has_runnable();

		if (!runnable) {
			arch_user_nap_now();	/* no stub runs next */
			arch_idle(ktimer_next_ns());
		}
		/* Replays what woke us; trap_preempt() may switch from here. */
		arch_intr_restore(s);
		if (runnable)
			schedule();
	}
}

uint64_t
sched_nr_switches(void)
{
	return nr_switches;
}
