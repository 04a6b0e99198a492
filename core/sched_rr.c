/*
 * Round-robin scheduling class: one FIFO run queue; a task runs until it
 * sleeps, yields or uses up its time slice, then goes to the back.  Time
 * slices are counted in timer ticks by sched_tick().
 *
 * All hooks run with interrupts disabled (see struct sched_class).
 */
#include "core/sched.h"
#include "core/timer.h"

/* 10 ms, rounded up to whole ticks. */
#define RR_TIMESLICE	((10 * HZ + 999) / 1000)

static LIST_HEAD(rr_queue);	/* [i] runnable tasks, oldest first */

static void
rr_enqueue(struct task *t)
{
	list_add_tail(&t->run_node, &rr_queue);
}

static void
rr_dequeue(struct task *t)
{
	list_del(&t->run_node);
}

static struct task *
rr_pick_next(void)
{
	struct task *t;

	if (list_empty(&rr_queue))
		return NULL;
	t = list_first_entry(&rr_queue, struct task, run_node);
	list_del(&t->run_node);
	if (t->time_slice <= 0)
		t->time_slice = RR_TIMESLICE;
	return t;
}

static void
rr_tick(struct task *curr)
{
	if (--curr->time_slice > 0)
		return;
	curr->time_slice = RR_TIMESLICE;
	if (!list_empty(&rr_queue))
		sched_set_need_resched();
}

static bool
rr_has_runnable(void)
{
	return !list_empty(&rr_queue);
}

static void
rr_task_init(struct task *t)
{
	t->time_slice = RR_TIMESLICE;
}

const struct sched_class sched_rr_class = {
	.name = "rr",
	.enqueue = rr_enqueue,
	.dequeue = rr_dequeue,
	.pick_next = rr_pick_next,
	.tick = rr_tick,
	.has_runnable = rr_has_runnable,
	.task_init = rr_task_init,
};
