/*
 * futex between threads: a waiter blocks until another thread changes
 * the word and wakes it (FUTEX_WAKE returns 1); CMP_REQUEUE wakes one
 * of three waiters and moves the other two to a second word, where one
 * FUTEX_WAKE releases them; and four threads hammering a pthread mutex
 * and joined with pthread_join (CLONE_CHILD_CLEARTID's futex wake-up)
 * lose no increment.
 */
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"

#define FUTEX_WAIT_PRIVATE		128
#define FUTEX_WAKE_PRIVATE		129
#define FUTEX_CMP_REQUEUE_PRIVATE	132

static uint32_t word_a, word_b;
static volatile int started, released;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static long
futex(uint32_t *uaddr, int op, uint32_t val, long val2, uint32_t *uaddr2,
      uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, val2, uaddr2, val3);
}

/* Wait on word_a while it is 0. */
static void *
waiter(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&word_a, __ATOMIC_SEQ_CST) == 0)
		futex(&word_a, FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0);
	__atomic_add_fetch(&released, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void
check_wake(void)
{
	pthread_t t;
	struct timespec ms20 = { 0, 20000000 };

	CHECK(pthread_create(&t, NULL, waiter, NULL) == 0);
	while (started < 1)
		sched_yield();
	nanosleep(&ms20, NULL);
	CHECK(released == 0);
	__atomic_store_n(&word_a, 1, __ATOMIC_SEQ_CST);
	CHECK(futex(&word_a, FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0) == 1);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(released == 1);
}

static void
check_requeue(void)
{
	pthread_t t[3];
	struct timespec ms50 = { 0, 50000000 };

	word_a = 0;
	started = released = 0;
	for (int i = 0; i < 3; i++)
		CHECK(pthread_create(&t[i], NULL, waiter, NULL) == 0);
	while (started < 3)
		sched_yield();
	nanosleep(&ms50, NULL);
	/* The woken one sees word_a == 0 and waits again: on word_a. */
	CHECK(futex(&word_a, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2, &word_b,
		    0) == 3);
	nanosleep(&ms50, NULL);
	CHECK(released == 0);
	__atomic_store_n(&word_a, 1, __ATOMIC_SEQ_CST);
	CHECK(futex(&word_b, FUTEX_WAKE_PRIVATE, 10, 0, NULL, 0) == 2);
	CHECK(futex(&word_a, FUTEX_WAKE_PRIVATE, 10, 0, NULL, 0) == 1);
	for (int i = 0; i < 3; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	CHECK(released == 3);
}

static void *
hammer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		if (i % 1000 == 0)
			sched_yield();
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int
main(void)
{
	pthread_t t[4];

	check_wake();
	check_requeue();
	for (int i = 0; i < 4; i++)
		CHECK(pthread_create(&t[i], NULL, hammer, NULL) == 0);
	for (int i = 0; i < 4; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	CHECK(counter == 80000);
	return 0;
}
