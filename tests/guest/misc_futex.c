/*
 * futex in one thread: EAGAIN when the word differs, relative and
 * absolute (monotonic and realtime) timeouts end in ETIMEDOUT no sooner
 * than asked, WAKE without waiters is 0, WAKE_OP updates its word, and
 * the argument errors: EINVAL (unaligned, zero bitset, bad timeout),
 * EFAULT, ENOSYS (unknown op, CLOCK_REALTIME on a wake), EAGAIN from a
 * CMP_REQUEUE whose word changed.
 */
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"

/* From <linux/futex.h>, which musl-gcc does not see. */
#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAKE_OP		5
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_WAIT_PRIVATE	(FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE	(FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_OP_PRIVATE	(FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY	0xffffffff
#define FUTEX_OP_SET		0
#define FUTEX_OP_ADD		1
#define FUTEX_OP_OR		2
#define FUTEX_OP_OPARG_SHIFT	8
#define FUTEX_OP_CMP_EQ		0
#define FUTEX_OP_CMP_NE		1
#define FUTEX_OP_CMP_GT		4
#define FUTEX_OP(op, oparg, cmp, cmparg)				\
	((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) |		\
	 (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))

static long
futex(void *uaddr, int op, uint32_t val, const struct timespec *ts,
      void *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static long long
now_ns(clockid_t clk)
{
	struct timespec ts;

	CHECK(clock_gettime(clk, &ts) == 0);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct timespec
ts_of(long long ns)
{
	struct timespec ts = { ns / 1000000000LL, ns % 1000000000LL };

	return ts;
}

static void
check_timeouts(uint32_t *word)
{
	struct timespec ts = ts_of(20000000);
	long long t0 = now_ns(CLOCK_MONOTONIC), dl;

	CHECK_ERR(futex(word, FUTEX_WAIT_PRIVATE, 5, &ts, NULL, 0), ETIMEDOUT);
	CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 20000000);
	CHECK(now_ns(CLOCK_MONOTONIC) - t0 < 200000000);

	dl = now_ns(CLOCK_MONOTONIC) + 15000000;
	ts = ts_of(dl);
	CHECK_ERR(futex(word, FUTEX_WAIT_BITSET_PRIVATE, 5, &ts, NULL,
			FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
	CHECK(now_ns(CLOCK_MONOTONIC) >= dl);

	dl = now_ns(CLOCK_REALTIME) + 15000000;
	ts = ts_of(dl);
	CHECK_ERR(futex(word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 5,
			&ts, NULL, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
	CHECK(now_ns(CLOCK_REALTIME) >= dl);

	/* A deadline in the past: at once. */
	ts = ts_of(1000000000LL);
	t0 = now_ns(CLOCK_MONOTONIC);
	CHECK_ERR(futex(word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 5,
			&ts, NULL, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
	CHECK(now_ns(CLOCK_MONOTONIC) - t0 < 5000000);
}

int
main(void)
{
	static uint32_t words[4] = { 5, 0, 0, 0 };
	uint32_t *word = &words[0], *other = &words[1];
	struct timespec bad = { 0, 1000000000 };

	CHECK_ERR(futex(word, FUTEX_WAIT_PRIVATE, 6, NULL, NULL, 0), EAGAIN);
	CHECK_ERR(futex(word, FUTEX_WAIT, 6, NULL, NULL, 0), EAGAIN);
	check_timeouts(word);
	CHECK(futex(word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0);
	CHECK(futex(word, FUTEX_WAKE, 100, NULL, NULL, 0) == 0);
	CHECK(futex(word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 3) == 0);

	/* other += 5, compare old == 0: nobody to wake either way. */
	CHECK(futex(word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, other,
		    FUTEX_OP(FUTEX_OP_ADD, 5, FUTEX_OP_CMP_EQ, 0)) == 0);
	CHECK(*other == 5);
	CHECK(futex(word, FUTEX_WAKE_OP, 1, (void *)1, other,
		    FUTEX_OP(FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT, 4,
			     FUTEX_OP_CMP_NE, 0)) == 0);
	CHECK(*other == 21);
	CHECK(futex(word, FUTEX_WAKE_OP, 1, (void *)1, other,
		    FUTEX_OP(FUTEX_OP_SET, 7, FUTEX_OP_CMP_GT, 1)) == 0);
	CHECK(*other == 7);

	CHECK_ERR(futex((char *)word + 1, FUTEX_WAIT, 5, NULL, NULL, 0),
		  EINVAL);
	CHECK_ERR(futex((char *)word + 2, FUTEX_WAKE, 1, NULL, NULL, 0),
		  EINVAL);
	CHECK_ERR(futex(word, FUTEX_WAIT_BITSET, 5, NULL, NULL, 0), EINVAL);
	CHECK_ERR(futex(word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0), EINVAL);
	CHECK_ERR(futex(word, FUTEX_WAIT, 5, &bad, NULL, 0), EINVAL);
	CHECK_ERR(futex((void *)8, FUTEX_WAIT, 5, NULL, NULL, 0), EFAULT);
	CHECK_ERR(futex(word, FUTEX_WAIT, 5, (void *)8, NULL, 0), EFAULT);
	CHECK_ERR(futex(word, 99, 1, NULL, NULL, 0), ENOSYS);
	CHECK_ERR(futex(word, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL,
			NULL, 0), ENOSYS);
	CHECK_ERR(futex(word, FUTEX_CMP_REQUEUE, 1, (void *)1, other, 4),
		  EAGAIN);
	CHECK(futex(word, FUTEX_CMP_REQUEUE, 1, (void *)1, other, 5) == 0);
	CHECK_ERR(futex(word, FUTEX_CMP_REQUEUE, -1, (void *)1, other, 5),
		  EINVAL);
	return 0;
}
