/*
 * Check suite for the interrupt layer (arch-host/intr.c and timer.c): real
 * host signals behind the software enable flag.  The trap entry points are
 * defined here and only record what ran, in order, and whether interrupts
 * were enabled when it ran; ubd_idle() is a double that reports no disk
 * I/O in flight, so arch_idle() sleeps in sigsuspend().  Each test raises
 * interrupts with intr_raise() on the test's own thread, which delivers
 * the signal before tgkill() returns, or from a helper thread for
 * arch_idle().  Waits are generous: nothing depends on how fast the host
 * is.
 */
#include <check.h>

#include "tests/unit/unit.h"
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arch-host/arch.h"
#include "arch-host/host.h"

#define NSEC_PER_MSEC	1000000ULL

static char trace[64];		/* 'T' per trap_timer, 'I' per trap_io,
				 * 'P' per trap_preempt */
static volatile int trace_len;
static volatile int traps_with_intr_on;
static volatile int raise_in_trap;	/* trap_timer raises once more */

static void
trace_add(char c)
{
	if (trace_len < (int)sizeof(trace) - 1)
		trace[trace_len++] = c;
	if (arch_intr_enabled())
		traps_with_intr_on++;
}

void
trap_timer(void)
{
	trace_add('T');
	if (raise_in_trap) {
		raise_in_trap = 0;
		intr_raise(IRQ_TIMER);
	}
}

void
trap_io(void)
{
	trace_add('I');
}

void
trap_fuse(void)
{
	trace_add('F');
}

void
trap_shutdown(void)
{
	trace_add('S');
}

void
trap_user(void)
{
	trace_add('U');
}

void
trap_console(void)
{
	trace_add('C');
}

void
trap_preempt(void)
{
	trace_add('P');
}

int
ubd_idle(const sigset_t *mask)
{
	(void)mask;
	return -ENOENT;
}

static int
count(char c)
{
	int n = 0;

	for (int i = 0; i < trace_len; i++)
		n += trace[i] == c;
	return n;
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		continue;
}

static void
setup(void)
{
	memset(trace, 0, sizeof(trace));
	trace_len = 0;
	traps_with_intr_on = 0;
	raise_in_trap = 0;
	ck_assert_int_eq(intr_init(), 0);
	ck_assert_int_eq(timer_init(), 0);
	arch_intr_enable();
}

static void
teardown(void)
{
	timer_tick_pause(UINT64_MAX);
}

START_TEST(test_intr_disabled_is_deferred_then_replayed_once)
{
	unsigned long s = arch_intr_save();

	intr_raise(IRQ_TIMER);
	ck_assert_int_eq(trace_len, 0);
	arch_intr_restore(s);
	ck_assert_str_eq(trace, "TP");
	arch_intr_enable();
	ck_assert_str_eq(trace, "TP");
	ck_assert_int_eq(traps_with_intr_on, 0);
	ck_assert(arch_intr_enabled());
}
END_TEST

START_TEST(test_intr_raises_while_disabled_coalesce)
{
	arch_intr_disable();
	for (int i = 0; i < 5; i++)
		intr_raise(IRQ_TIMER);
	ck_assert_int_eq(trace_len, 0);
	arch_intr_enable();
	ck_assert_str_eq(trace, "TP");
}
END_TEST

START_TEST(test_intr_enabled_runs_at_once_then_preempts)
{
	intr_raise(IRQ_TIMER);
	ck_assert_str_eq(trace, "TP");
	ck_assert_int_eq(traps_with_intr_on, 0);
	ck_assert(arch_intr_enabled());
}
END_TEST

START_TEST(test_intr_nested_save_restore_replays_at_outermost)
{
	unsigned long outer = arch_intr_save();
	unsigned long inner = arch_intr_save();

	ck_assert_uint_ne(outer, 0);
	ck_assert_uint_eq(inner, 0);
	intr_raise(IRQ_TIMER);
	arch_intr_restore(inner);
	ck_assert_int_eq(trace_len, 0);
	ck_assert(!arch_intr_enabled());
	arch_intr_restore(outer);
	ck_assert_str_eq(trace, "TP");
	ck_assert(arch_intr_enabled());
}
END_TEST

START_TEST(test_intr_raised_during_replay_runs_in_same_replay)
{
	raise_in_trap = 1;
	intr_raise(IRQ_TIMER);
	ck_assert_str_eq(trace, "TPTP");
	ck_assert_int_eq(traps_with_intr_on, 0);
}
END_TEST

START_TEST(test_intr_pending_irqs_run_in_irq_order)
{
	arch_intr_disable();
	intr_raise(IRQ_IO);
	intr_raise(IRQ_TIMER);
	ck_assert_int_eq(trace_len, 0);
	arch_intr_enable();
	ck_assert_str_eq(trace, "TIP");
}
END_TEST

START_TEST(test_intr_post_waits_for_enable)
{
	arch_intr_disable();
	intr_post(IRQ_IO);
	ck_assert_int_eq(trace_len, 0);
	arch_intr_enable();
	ck_assert_str_eq(trace, "IP");
	intr_post(IRQ_IO);
	ck_assert_str_eq(trace, "IPIP");
	ck_assert_int_eq(traps_with_intr_on, 0);
}
END_TEST

static void *
raise_later(void *arg)
{
	(void)arg;
	sleep_ms(50);
	intr_raise(IRQ_TIMER);
	return NULL;
}

START_TEST(test_intr_idle_returns_on_interrupt)
{
	pthread_t t;

	arch_intr_disable();
	ck_assert_int_eq(pthread_create(&t, NULL, raise_later, NULL), 0);
	arch_idle(UINT64_MAX);
	ck_assert(!arch_intr_enabled());
	ck_assert_int_eq(trace_len, 0);
	arch_intr_enable();
	ck_assert_str_eq(trace, "TP");
	pthread_join(t, NULL);
}
END_TEST

START_TEST(test_intr_idle_returns_after_timeout)
{
	uint64_t start = arch_clock_monotonic();

	arch_intr_disable();
	arch_idle(100 * NSEC_PER_MSEC);
	ck_assert_uint_ge(arch_clock_monotonic() - start, 100 * NSEC_PER_MSEC);
	ck_assert(!arch_intr_enabled());
	ck_assert_int_eq(trace_len, 0);
	arch_intr_enable();
	ck_assert_str_eq(trace, "TP");
}
END_TEST

START_TEST(test_intr_idle_returns_at_once_if_pending)
{
	arch_intr_disable();
	intr_raise(IRQ_TIMER);
	arch_idle(UINT64_MAX);
	ck_assert(!arch_intr_enabled());
	arch_intr_enable();
	ck_assert_str_eq(trace, "TP");
}
END_TEST

START_TEST(test_intr_periodic_timer_ticks)
{
	ck_assert_int_eq(arch_timer_start(250), 0);
	for (int i = 0; i < 500 && count('T') < 3; i++)
		sleep_ms(10);
	ck_assert_int_ge(count('T'), 3);
	ck_assert_int_eq(traps_with_intr_on, 0);
}
END_TEST

static Suite *
intr_suite(void)
{
	Suite *s = suite_create("intr");
	TCase *tc = tcase_create("core");
	TCase *tick = tcase_create("tick");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_intr_disabled_is_deferred_then_replayed_once);
	tcase_add_test(tc, test_intr_raises_while_disabled_coalesce);
	tcase_add_test(tc, test_intr_enabled_runs_at_once_then_preempts);
	tcase_add_test(tc, test_intr_nested_save_restore_replays_at_outermost);
	tcase_add_test(tc, test_intr_raised_during_replay_runs_in_same_replay);
	tcase_add_test(tc, test_intr_pending_irqs_run_in_irq_order);
	tcase_add_test(tc, test_intr_post_waits_for_enable);
	tcase_add_test(tc, test_intr_idle_returns_on_interrupt);
	tcase_add_test(tc, test_intr_idle_returns_after_timeout);
	tcase_add_test(tc, test_intr_idle_returns_at_once_if_pending);
	suite_add_tcase(s, tc);
	/* Last: with CK_FORK=no the tick would keep running in later tests. */
	tcase_add_checked_fixture(tick, setup, teardown);
	tcase_set_timeout(tick, 20);
	tcase_add_test(tick, test_intr_periodic_timer_ticks);
	suite_add_tcase(s, tick);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(intr_suite());

	return unit_run(sr, CK_ENV);
}
