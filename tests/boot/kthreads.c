/*
 * Boot test on the real machine: vmlinux-host's own boot path with a test
 * body as the first kernel thread.  Checks what the fake machine cannot:
 * real context switches, timer signals that advance jiffies and preempt a
 * busy thread, msleep against the host clock, and clean exit status.
 */
#include "arch-host/host.h"
#include "core/completion.h"
#include "core/kthread.h"
#include "core/printk.h"
#include "core/timer.h"
#include "core/wait.h"

#define PINGS 2000

static struct wait_queue ping_wq = WAIT_QUEUE_INIT(ping_wq);
static volatile int turn, rounds;
static volatile unsigned long spin[2];
static bool stop_spinning;	/* atomic: GCC 12 with -fsanitize=address,
				 * undefined hoists a volatile load out of
				 * the spinning loop */
static int failures;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			pr_err("FAIL: " __VA_ARGS__);			\
			failures++;					\
		}							\
	} while (0)

static int
ponger(void *arg)
{
	int me = (int)(long)arg;

	while (rounds < PINGS) {
		wait_event(&ping_wq, turn == me || rounds >= PINGS);
		rounds++;
		turn = !me;
		wq_wake_all(&ping_wq);
	}
	return 0;
}

static void
test_ping_pong(void)
{
	struct task *a, *b;
	uint64_t sw = sched_nr_switches();

	kthread_create(&a, ponger, (void *)0L, "ping");
	kthread_create(&b, ponger, (void *)1L, "pong");
	kthread_join(a);
	kthread_join(b);
	CHECK(rounds >= PINGS, "ping-pong stopped after %d rounds\n", rounds);
	CHECK(sched_nr_switches() - sw >= PINGS,
	      "only %llu switches for %d rounds\n",
	      (unsigned long long)(sched_nr_switches() - sw), PINGS);
}

static void
test_msleep(void)
{
	uint64_t t0 = ktime_ns(), j0 = jiffies;

	msleep(40);
	CHECK(ktime_ns() - t0 >= 40 * NSEC_PER_MSEC, "msleep(40) was short\n");
	CHECK(jiffies - j0 >= 9, "jiffies moved %llu in 40 ms\n",
	      (unsigned long long)(jiffies - j0));
}

static int
spinner(void *arg)
{
	int me = (int)(long)arg;

	while (!__atomic_load_n(&stop_spinning, __ATOMIC_RELAXED))
		spin[me]++;
	return 0;
}

static void
test_preemption(void)
{
	struct task *a, *b;

	kthread_create(&a, spinner, (void *)0L, "spin0");
	kthread_create(&b, spinner, (void *)1L, "spin1");
	msleep(100);
	__atomic_store_n(&stop_spinning, true, __ATOMIC_RELAXED);
	kthread_join(a);
	kthread_join(b);
	CHECK(spin[0] > 0 && spin[1] > 0,
	      "busy threads were not preempted (%lu, %lu)\n", spin[0], spin[1]);
}

static void
test_completion_timeout(void)
{
	struct completion c;
	uint64_t t0 = ktime_ns();

	completion_init(&c);
	CHECK(completion_wait_timeout(&c, 30) != 0, "timeout not reported\n");
	CHECK(ktime_ns() - t0 >= 30 * NSEC_PER_MSEC, "timeout was early\n");
}

static int
run_tests(void)
{
	test_ping_pong();
	test_msleep();
	test_preemption();
	test_completion_timeout();
	pr_notice("kthreads: %d failures\n", failures);
	return failures ? 1 : 0;
}

int
main(int argc, char **argv)
{
	return host_main(argc, argv, run_tests);
}
