/*
 * Scheduler, wait queues, mutexes, completions, kernel timers and kernel
 * threads, on the fake machine.  The test body runs as the idle task: it
 * calls run_until_done() to let the kernel threads run, and the fake idle
 * jumps the clock to the next timer when every thread sleeps.
 */
#include <check.h>
#include <stdlib.h>

#include "core/completion.h"
#include "core/errno.h"
#include "core/kthread.h"
#include "core/mutex.h"
#include "core/page.h"
#include "core/sched.h"
#include "core/timer.h"
#include "core/trap.h"
#include "core/wait.h"
#include "tests/fake/fake.h"
#include "tests/unit/unit.h"

#define MAX_LOG 256

static int trace[MAX_LOG];
static int ntrace;
static int alive;

static void
log_event(int v)
{
	ck_assert_int_lt(ntrace, MAX_LOG);
	trace[ntrace++] = v;
}

static void
setup(void)
{
	fake_boot(32 * MIB);
	ntrace = 0;
	alive = 0;
}

/* Start a kernel thread and count it until it ends. */
static struct task *
spawn(int (*fn)(void *), long arg)
{
	struct task *t;

	ck_assert_int_eq(kthread_create(&t, fn, (void *)arg, "t%ld", arg), 0);
	alive++;
	return t;
}

/* Idle until every spawned thread has ended (or aborts on deadlock). */
static void
run_until_done(void)
{
	fake_idle_until(&alive);
}

/* Let runnable threads run until all of them sleep. */
static void
run_until_idle(void)
{
	for (int i = 0; i < 1000; i++)
		schedule();
}

static int
ticker(void *arg)
{
	for (int i = 0; i < 9; i++) {
		log_event((int)(long)arg);
		fake_tick(1);
	}
	alive--;
	return 0;
}

START_TEST(test_sched_rr_order)
{
	static const int want_turn = 3;	/* 10 ms slices at HZ=250 */

	for (long i = 0; i < 4; i++)
		spawn(ticker, i);
	run_until_done();
	ck_assert_int_eq(ntrace, 36);
	for (int i = 0; i < ntrace; i++)
		ck_assert_int_eq(trace[i], (i / want_turn) % 4);
}
END_TEST

static struct wait_queue wq = WAIT_QUEUE_INIT(wq);
static bool go;
static int spins;

static int
sleeper(void *arg)
{
	wait_event(&wq, go);
	log_event((int)(long)arg);
	alive--;
	return 0;
}

static int
spinner(void *arg)
{
	(void)arg;
	for (spins = 0; spins < 50; spins++)
		fake_tick(1);
	alive--;
	return 0;
}

START_TEST(test_sched_sleeper_never_runs)
{
	wq_init(&wq);
	go = false;
	spawn(sleeper, 7);
	spawn(spinner, 1);
	run_until_idle();
	ck_assert_int_eq(spins, 50);
	ck_assert_int_eq(ntrace, 0);	/* slept through 50 ticks */
	go = true;
	wq_wake_all(&wq);
	run_until_done();
	ck_assert_int_eq(ntrace, 1);
	ck_assert_int_eq(trace[0], 7);
}
END_TEST

static int
plain_waiter(void *arg)
{
	struct waiter w = { .task = NULL };

	wq_prepare(&wq, &w, TASK_UNINTERRUPTIBLE);
	schedule();
	wq_finish(&wq, &w);
	log_event((int)(long)arg);
	alive--;
	return 0;
}

START_TEST(test_sched_wake_one_vs_all)
{
	wq_init(&wq);
	for (long i = 1; i <= 3; i++)
		spawn(plain_waiter, i);
	run_until_idle();
	ck_assert_int_eq(ntrace, 0);
	ck_assert(wq_wake_one(&wq));
	run_until_idle();
	ck_assert_int_eq(ntrace, 1);
	ck_assert_int_eq(trace[0], 1);	/* FIFO: the first sleeper */
	ck_assert_int_eq(wq_wake_all(&wq), 2);
	run_until_done();
	ck_assert_int_eq(ntrace, 3);
	ck_assert(wq_empty(&wq));
	ck_assert(!wq_wake_one(&wq));
}
END_TEST

static struct mutex mtx;
static struct task *contender[3];

static int
mutex_user(void *arg)
{
	int id = (int)(long)arg;

	mutex_lock(&mtx);
	log_event(id);
	if (id == 0) {
		/* Hold it while the others queue up, then hand it off. */
		run_until_idle();
		msleep(10);
		mutex_unlock(&mtx);
		ck_assert_ptr_eq(mtx.owner, contender[1]);
		ck_assert(!mutex_trylock(&mtx));	/* no barging */
	} else {
		msleep(1);
		mutex_unlock(&mtx);
	}
	alive--;
	return 0;
}

START_TEST(test_sched_mutex_handoff)
{
	mutex_init(&mtx, "test");
	for (long i = 0; i < 3; i++)
		contender[i] = spawn(mutex_user, i);
	run_until_done();
	ck_assert_int_eq(ntrace, 3);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(trace[i], i);
	ck_assert_ptr_null(mtx.owner);
	ck_assert(mutex_trylock(&mtx));
}
END_TEST

static struct completion done;
static struct ktimer irq_timer;

static void
complete_from_irq(struct ktimer *t)
{
	(void)t;
	complete(&done);
}

static int
completion_waiter(void *arg)
{
	(void)arg;
	completion_wait(&done);
	log_event(1);
	ck_assert_int_eq(completion_wait_timeout(&done, 20), -ETIMEDOUT);
	log_event(2);
	alive--;
	return 0;
}

START_TEST(test_sched_completion_from_interrupt)
{
	uint64_t t0 = ktime_ns();

	completion_init(&done);
	ktimer_init(&irq_timer, complete_from_irq);
	ktimer_add(&irq_timer, jiffies + 5);
	spawn(completion_waiter, 0);
	run_until_done();
	ck_assert_int_eq(ntrace, 2);
	ck_assert_uint_ge(ktime_ns() - t0, 5 * NSEC_PER_JIFFY + 20 * NSEC_PER_MSEC);
	complete_all(&done);
	ck_assert(completion_try(&done));
	ck_assert(completion_try(&done));
}
END_TEST

static int
napper(void *arg)
{
	uint64_t t0 = ktime_ns();

	msleep((unsigned int)(long)arg);
	ck_assert_uint_ge(ktime_ns() - t0, (long)arg * NSEC_PER_MSEC);
	log_event((int)(long)arg);
	alive--;
	return 0;
}

START_TEST(test_sched_msleep_order)
{
	spawn(napper, 300);
	spawn(napper, 7);
	spawn(napper, 1);
	spawn(napper, 40);
	run_until_done();
	ck_assert_int_eq(ntrace, 4);
	ck_assert_int_eq(trace[0], 1);
	ck_assert_int_eq(trace[1], 7);
	ck_assert_int_eq(trace[2], 40);
	ck_assert_int_eq(trace[3], 300);
}
END_TEST

static struct ktimer timers[3];

static void
timer_fired(struct ktimer *t)
{
	log_event((int)(t - timers));
}

START_TEST(test_sched_timers_expire_in_order)
{
	for (int i = 0; i < 3; i++)
		ktimer_init(&timers[i], timer_fired);
	ktimer_add(&timers[0], jiffies + 5);
	ktimer_add(&timers[1], jiffies + 3);
	ktimer_add(&timers[2], jiffies + 3);
	fake_tick(2);
	ck_assert_int_eq(ntrace, 0);
	fake_tick(1);
	ck_assert_int_eq(ntrace, 2);
	ck_assert_int_eq(trace[0], 1);
	ck_assert_int_eq(trace[1], 2);
	ck_assert(!ktimer_del(&timers[1]));
	ck_assert(ktimer_del(&timers[0]));
	fake_tick(10);
	ck_assert_int_eq(ntrace, 2);
}
END_TEST

static int
stoppable(void *arg)
{
	while (!kthread_should_stop())
		msleep(10);
	return (int)(long)arg;
}

/* Stop a thread that sleeps in a loop: kthread_stop() gets its result. */
static int
stopper(void *arg)
{
	struct task *t;

	(void)arg;
	ck_assert_int_eq(kthread_create(&t, stoppable, (void *)42L, "stop"), 0);
	ck_assert_str_eq(t->comm, "stop");
	msleep(55);
	ck_assert_uint_ge(t->nr_switches, 5);
	log_event(kthread_stop(t));
	alive--;
	return 0;
}

START_TEST(test_sched_kthread_stop_returns_result)
{
	spawn(stopper, 0);
	run_until_done();
	ck_assert_int_eq(ntrace, 1);
	ck_assert_int_eq(trace[0], 42);
}
END_TEST

static int
exiter(void *arg)
{
	(void)arg;
	kthread_exit(-5);
}

static int
count_tasks(void)
{
	struct task *p;
	int n = 0;

	list_for_each_entry(p, &all_tasks, all_node)
		n++;
	return n;
}

/* Join a thread that exits at once; its task is freed afterwards. */
static int
joiner(void *arg)
{
	int before = count_tasks();
	struct task *t;

	(void)arg;
	ck_assert_int_eq(kthread_create(&t, exiter, NULL, "exit"), 0);
	ck_assert_int_eq(count_tasks(), before + 1);
	log_event(kthread_join(t));
	ck_assert_int_eq(count_tasks(), before);
	alive--;
	return 0;
}

START_TEST(test_sched_kthread_exit_and_free)
{
	spawn(joiner, 0);
	run_until_done();
	ck_assert_int_eq(ntrace, 1);
	ck_assert_int_eq(trace[0], -5);
}
END_TEST

static int
preempt_holder(void *arg)
{
	(void)arg;
	preempt_disable();
	for (int i = 0; i < 10; i++) {
		log_event(0);
		fake_tick(1);
	}
	preempt_enable();		/* the pending reschedule happens here */
	log_event(0);
	alive--;
	return 0;
}

static int
other(void *arg)
{
	(void)arg;
	log_event(1);
	alive--;
	return 0;
}

START_TEST(test_sched_preempt_disable_defers_switch)
{
	spawn(preempt_holder, 0);
	spawn(other, 1);
	run_until_done();
	ck_assert_int_eq(ntrace, 12);
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(trace[i], 0);
	ck_assert_int_eq(trace[10], 1);
	ck_assert_int_eq(trace[11], 0);
}
END_TEST

START_TEST(test_sched_unknown_policy)
{
	ck_assert_int_eq(sched_init("fifo9"), -EINVAL);
}
END_TEST

static Suite *
sched_suite(void)
{
	Suite *s = suite_create("sched");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_sched_rr_order);
	tcase_add_test(tc, test_sched_sleeper_never_runs);
	tcase_add_test(tc, test_sched_wake_one_vs_all);
	tcase_add_test(tc, test_sched_mutex_handoff);
	tcase_add_test(tc, test_sched_completion_from_interrupt);
	tcase_add_test(tc, test_sched_msleep_order);
	tcase_add_test(tc, test_sched_timers_expire_in_order);
	tcase_add_test(tc, test_sched_kthread_stop_returns_result);
	tcase_add_test(tc, test_sched_kthread_exit_and_free);
	tcase_add_test(tc, test_sched_preempt_disable_defers_switch);
	suite_add_tcase(s, tc);
	tc = tcase_create("policy");
	tcase_add_test(tc, test_sched_unknown_policy);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sched_suite());

	return unit_run(sr, CK_NORMAL);
}
