/*
 * In-kernel benchmarks on the real machine, run as the first kernel thread
 * (host_main with a bench body): kthread context switches through wait
 * queues, kmalloc/kfree against the host's malloc/free in the same run, and
 * the host CPU the kernel burns while idle.  Prints one line per figure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "arch-host/host.h"
#include "core/kthread.h"
#include "core/slab.h"
#include "core/timer.h"
#include "core/wait.h"

#define SWITCH_ROUNDS	200000
#define ALLOC_ROUNDS	2000000
#define IDLE_SECONDS	10

static struct wait_queue wq = WAIT_QUEUE_INIT(wq);
static volatile int turn, rounds;

static int
pinger(void *arg)
{
	int me = (int)(long)arg;

	while (rounds < SWITCH_ROUNDS) {
		wait_event(&wq, turn == me || rounds >= SWITCH_ROUNDS);
		rounds++;
		turn = !me;
		wq_wake_one(&wq);
	}
	wq_wake_all(&wq);
	return 0;
}

static void
bench_switch(void)
{
	uint64_t sw0 = sched_nr_switches(), t0 = ktime_ns(), sw;
	struct task *a, *b;

	kthread_create(&a, pinger, (void *)0L, "ping");
	kthread_create(&b, pinger, (void *)1L, "pong");
	kthread_join(a);
	kthread_join(b);
	sw = sched_nr_switches() - sw0;
	printf("kthread switch: %.3f us per switch (%llu switches)\n",
	       (double)(ktime_ns() - t0) / 1000.0 / (double)sw,
	       (unsigned long long)sw);
}

static const size_t sizes[] = { 16, 32, 64, 128, 256, 512, 1024, 4096 };

static double
bench_alloc(void *(*alloc)(size_t), void (*release)(void *))
{
	uint64_t t0 = arch_clock_monotonic();
	void *held[64] = { 0 };

	for (int i = 0; i < ALLOC_ROUNDS; i++) {
		int slot = i & 63;

		release(held[slot]);
		held[slot] = alloc(sizes[i & 7]);
		*(volatile char *)held[slot] = 1;
	}
	for (int i = 0; i < 64; i++)
		release(held[i]);
	return (double)(arch_clock_monotonic() - t0) / ALLOC_ROUNDS;
}

static void
kfree_void(void *p)
{
	kfree(p);
}

static void
bench_kmalloc(void)
{
	double k = bench_alloc(kmalloc, kfree_void);
	double h = bench_alloc(malloc, free);

	printf("kmalloc+kfree: %.1f ns, host malloc+free: %.1f ns "
	       "(ratio %.2f)\n", k, h, k / h);
}

static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void
bench_idle(void)
{
	double c0 = cpu_seconds();

	msleep(IDLE_SECONDS * 1000);
	printf("idle: %.3f%% of a core over %d s\n",
	       (cpu_seconds() - c0) * 100.0 / IDLE_SECONDS, IDLE_SECONDS);
}

static int
bench_body(void)
{
	bench_switch();
	bench_kmalloc();
	if (getenv("BENCH_SKIP_IDLE") == NULL)
		bench_idle();
	fflush(stdout);
	return 0;
}

int
main(int argc, char **argv)
{
	return host_main(argc, argv, bench_body);
}
