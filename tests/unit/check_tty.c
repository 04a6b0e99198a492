/*
 * The line discipline (drivers/tty/n_tty.c) on a tty whose driver records
 * its output: canonical editing and its echo forms, input and output
 * processing, the signals ISIG queues, and the four VMIN/VTIME cases
 * (the blocking ones read from a kernel thread while the fake clock
 * jumps to the VTIME timer).  The signal interface is faked here:
 * kill_pgrp records what it is asked to send.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno.h"
#include "core/kthread.h"
#include "core/page.h"
#include "core/session.h"
#include "core/signal.h"
#include "core/timer.h"
#include "drivers/tty/tty.h"
#include "fs/vfs.h"
#include "tests/fake/fake.h"
#include "tests/unit/unit.h"

/* ---- the fake signal core ---- */

static int sent_sig[16], sent_pgrp[16], nsent;

int
kill_pgrp(int pgid, int sig)
{
	if (sig != 0 && nsent < 16) {
		sent_pgrp[nsent] = pgid;
		sent_sig[nsent++] = sig;
	}
	return 0;
}

bool
signal_pending(void)
{
	return false;
}

bool
signal_ignored_or_blocked(int sig)
{
	(void)sig;
	return false;
}

bool
pgrp_is_orphaned(int pgid)
{
	(void)pgid;
	return false;
}

bool
pgrp_in_session(int pgid, int sid)
{
	(void)pgid;
	(void)sid;
	return true;
}

void
session_exit_hook_register(void (*fn)(int sid))
{
	(void)fn;
}

int
copyin(void *dst, uintptr_t usrc, size_t len)
{
	memcpy(dst, (const void *)usrc, len);
	return 0;
}

int
copyout(uintptr_t udst, const void *src, size_t len)
{
	memcpy((void *)udst, src, len);
	return 0;
}

const struct cred *
current_cred(void)
{
	static const struct cred root;

	return &root;
}

/* ---- a tty whose output is recorded ---- */

static struct tty tty;
static struct file file;
static char out[4096];
static size_t out_len;

static size_t
rec_write(struct tty *t, const char *buf, size_t len)
{
	(void)t;
	ck_assert_uint_le(out_len + len, sizeof(out) - 1);
	memcpy(out + out_len, buf, len);
	out_len += len;
	out[out_len] = '\0';
	return len;
}

static size_t
rec_room(struct tty *t)
{
	(void)t;
	return SIZE_MAX;
}

static const struct tty_ops rec_ops = {
	.write = rec_write,
	.write_room = rec_room,
};

static void
setup(void)
{
	fake_boot(32 * MIB);
	memset(&tty, 0, sizeof(tty));
	memset(&file, 0, sizeof(file));
	tty_init(&tty, "test", &rec_ops, NULL, &tty_std_termios);
	tty.pgrp = 42;
	out_len = 0;
	out[0] = '\0';
	nsent = 0;
}

static void
feed(const char *s)
{
	ck_assert_uint_eq(tty_receive(&tty, s, strlen(s)), strlen(s));
}

/* One non-blocking read, NUL-terminated into buf; its result. */
static long
read_now(char *buf, size_t len)
{
	long n;

	file.flags = KO_NONBLOCK;
	n = n_tty_read(&tty, &file, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static void
expect_read(const char *want)
{
	char buf[256];

	ck_assert_int_eq(read_now(buf, sizeof(buf)), (long)strlen(want));
	ck_assert_str_eq(buf, want);
}

/* ---- canonical mode ---- */

START_TEST(test_ntty_canon_line_and_echo)
{
	char buf[16];

	feed("abc");
	ck_assert_int_eq(read_now(buf, sizeof(buf)), -EAGAIN);
	feed("\n");
	expect_read("abc\n");
	ck_assert_str_eq(out, "abc\r\n");
}
END_TEST

START_TEST(test_ntty_canon_erase)
{
	feed("abx\177c\n");
	expect_read("abc\n");
	ck_assert_str_eq(out, "abx\b \bc\r\n");
}
END_TEST

START_TEST(test_ntty_canon_erase_control_char)
{
	feed("a\001\177\n");
	expect_read("a\n");
	ck_assert_str_eq(out, "a^A\b \b\b \b\r\n");
}
END_TEST

START_TEST(test_ntty_canon_erase_utf8)
{
	feed("x\xc3\xa9\177\n");
	expect_read("x\n");
	tty.termios.c_iflag &= ~(uint32_t)KIUTF8;
	feed("x\xc3\xa9\177\n");
	expect_read("x\xc3\n");
}
END_TEST

START_TEST(test_ntty_canon_erase_without_echoe)
{
	tty.termios.c_lflag &= ~(uint32_t)KECHOE;
	feed("ab\177\n");
	expect_read("a\n");
	ck_assert_str_eq(out, "ab^?\r\n");
}
END_TEST

START_TEST(test_ntty_canon_kill_echoke)
{
	feed("ab\025x\n");
	expect_read("x\n");
	ck_assert_str_eq(out, "ab\b \b\b \bx\r\n");
}
END_TEST

START_TEST(test_ntty_canon_kill_echok)
{
	tty.termios.c_lflag &= ~(uint32_t)KECHOKE;
	feed("ab\025x\n");
	expect_read("x\n");
	ck_assert_str_eq(out, "ab^U\r\nx\r\n");
}
END_TEST

START_TEST(test_ntty_canon_werase)
{
	feed("foo bar  \027\n");
	expect_read("foo \n");
	feed("a.b\027\n");
	expect_read("a.\n");
}
END_TEST

START_TEST(test_ntty_canon_eof)
{
	char buf[8];

	feed("ab\004");
	expect_read("ab");
	feed("\004");
	ck_assert_int_eq(read_now(buf, sizeof(buf)), 0);
	ck_assert_str_eq(out, "ab");
}
END_TEST

START_TEST(test_ntty_canon_eol_and_lnext)
{
	tty.termios.c_cc[KVEOL] = ';';
	feed("a;");
	expect_read("a;");
	feed("\026\003\026\177\n");
	expect_read("\003\177\n");
	ck_assert_int_eq(nsent, 0);
}
END_TEST

START_TEST(test_ntty_canon_partial_reads)
{
	char buf[3];

	feed("hello\n");
	ck_assert_int_eq(read_now(buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "he");
	expect_read("llo\n");
}
END_TEST

START_TEST(test_ntty_echonl_without_echo)
{
	tty.termios.c_lflag &= ~(uint32_t)KECHO;
	tty.termios.c_lflag |= KECHONL;
	feed("ab\n");
	expect_read("ab\n");
	ck_assert_str_eq(out, "\r\n");
}
END_TEST

/* ---- signals ---- */

START_TEST(test_ntty_isig_intr_echoes_and_flushes)
{
	char buf[8];

	feed("abc\003");
	ck_assert_int_eq(read_now(buf, sizeof(buf)), -EAGAIN);
	ck_assert_str_eq(out, "abc^C");
	tty_send_signals(&tty);
	ck_assert_int_eq(nsent, 1);
	ck_assert_int_eq(sent_sig[0], KSIGINT);
	ck_assert_int_eq(sent_pgrp[0], 42);
}
END_TEST

START_TEST(test_ntty_isig_quit_and_susp)
{
	feed("\034\032");
	tty_send_signals(&tty);
	ck_assert_int_eq(nsent, 2);
	ck_assert_int_eq(sent_sig[0], KSIGQUIT);
	ck_assert_int_eq(sent_sig[1], KSIGTSTP);
	tty_send_signals(&tty);
	ck_assert_int_eq(nsent, 2);
}
END_TEST

START_TEST(test_ntty_isig_noflsh_keeps_input)
{
	tty.termios.c_lflag |= KNOFLSH;
	feed("ab\003c\n");
	expect_read("abc\n");
}
END_TEST

START_TEST(test_ntty_isig_off_is_plain)
{
	tty.termios.c_lflag &= ~(uint32_t)KISIG;
	feed("\003\n");
	expect_read("\003\n");
	tty_send_signals(&tty);
	ck_assert_int_eq(nsent, 0);
}
END_TEST

/* ---- input and output processing ---- */

START_TEST(test_ntty_icrnl_igncr_inlcr)
{
	feed("a\r");
	expect_read("a\n");
	tty.termios.c_iflag |= KIGNCR;
	feed("b\r\n");
	expect_read("b\n");
	tty.termios.c_iflag &= ~(uint32_t)(KIGNCR | KICRNL);
	tty.termios.c_iflag |= KINLCR;
	tty.termios.c_lflag &= ~(uint32_t)KICANON;
	n_tty_set_termios(&tty, &tty_std_termios);
	feed("c\n");
	expect_read("c\r");
}
END_TEST

START_TEST(test_ntty_istrip)
{
	tty.termios.c_iflag |= KISTRIP;
	feed("\xe1\n");
	expect_read("a\n");
}
END_TEST

static void
write_str(const char *s)
{
	file.flags = 0;
	ck_assert_int_eq(n_tty_write(&tty, &file, s, strlen(s)),
			 (long)strlen(s));
}

START_TEST(test_ntty_opost_onlcr_ocrnl_onlret)
{
	write_str("a\nb");
	ck_assert_str_eq(out, "a\r\nb");
	out_len = 0;
	tty.termios.c_oflag = KOPOST | KOCRNL;
	write_str("x\ry");
	ck_assert_str_eq(out, "x\ny");
	out_len = 0;
	tty.termios.c_oflag = 0;
	write_str("p\nq");
	ck_assert_str_eq(out, "p\nq");
}
END_TEST

START_TEST(test_ntty_ixon_stops_output)
{
	feed("\023");
	file.flags = KO_NONBLOCK;
	ck_assert_int_eq(n_tty_write(&tty, &file, "z", 1), -EAGAIN);
	feed("\021");
	write_str("z");
	ck_assert_str_eq(out, "z");
}
END_TEST

START_TEST(test_ntty_inq_counts_line_not_eof)
{
	feed("ab\n\004");
	ck_assert_uint_eq(n_tty_inq(&tty), 3);
}
END_TEST

/* ---- VMIN and VTIME ---- */

static int alive;
static long reader_result;
static char reader_buf[64];

static int
reader(void *arg)
{
	(void)arg;
	file.flags = 0;
	reader_result = n_tty_read(&tty, &file, reader_buf, 10);
	alive--;
	return 0;
}

static void
raw(int vmin, int vtime)
{
	tty.termios.c_lflag &= ~(uint32_t)(KICANON | KECHO);
	tty.termios.c_cc[KVMIN] = (uint8_t)vmin;
	tty.termios.c_cc[KVTIME] = (uint8_t)vtime;
	n_tty_set_termios(&tty, &tty_std_termios);
}

static void
start_reader(void)
{
	struct task *t;

	ck_assert_int_eq(kthread_create(&t, reader, NULL, "reader"), 0);
	alive = 1;
	for (int i = 0; i < 100; i++)
		schedule();
}

START_TEST(test_ntty_vmin0_vtime0_returns_at_once)
{
	char buf[8];

	raw(0, 0);
	file.flags = 0;
	ck_assert_int_eq(n_tty_read(&tty, &file, buf, 8), 0);
	feed("xy");
	ck_assert_int_eq(n_tty_read(&tty, &file, buf, 8), 2);
}
END_TEST

START_TEST(test_ntty_vmin_waits_for_min_bytes)
{
	raw(3, 0);
	start_reader();
	feed("ab");
	for (int i = 0; i < 100; i++)
		schedule();
	ck_assert_int_eq(alive, 1);
	feed("c");
	fake_idle_until(&alive);
	ck_assert_int_eq(reader_result, 3);
}
END_TEST

START_TEST(test_ntty_vtime_alone_times_out)
{
	uint64_t t0 = fake_clock_ns;

	raw(0, 5);
	start_reader();
	fake_idle_until(&alive);
	ck_assert_int_eq(reader_result, 0);
	ck_assert_uint_ge(fake_clock_ns - t0, 500000000ULL);
}
END_TEST

START_TEST(test_ntty_vmin_vtime_interbyte_timer)
{
	raw(5, 2);
	start_reader();
	ck_assert_int_eq(alive, 1);	/* no timer before the first byte */
	feed("ab");
	fake_idle_until(&alive);
	ck_assert_int_eq(reader_result, 2);
}
END_TEST

START_TEST(test_ntty_eof_ends_blocked_read)
{
	raw(1, 0);
	start_reader();
	tty_set_eof(&tty);
	fake_idle_until(&alive);
	ck_assert_int_eq(reader_result, 0);
}
END_TEST

static Suite *
tty_suite(void)
{
	Suite *s = suite_create("tty");
	TCase *tc = tcase_create("canon");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_ntty_canon_line_and_echo);
	tcase_add_test(tc, test_ntty_canon_erase);
	tcase_add_test(tc, test_ntty_canon_erase_control_char);
	tcase_add_test(tc, test_ntty_canon_erase_utf8);
	tcase_add_test(tc, test_ntty_canon_erase_without_echoe);
	tcase_add_test(tc, test_ntty_canon_kill_echoke);
	tcase_add_test(tc, test_ntty_canon_kill_echok);
	tcase_add_test(tc, test_ntty_canon_werase);
	tcase_add_test(tc, test_ntty_canon_eof);
	tcase_add_test(tc, test_ntty_canon_eol_and_lnext);
	tcase_add_test(tc, test_ntty_canon_partial_reads);
	tcase_add_test(tc, test_ntty_echonl_without_echo);
	suite_add_tcase(s, tc);
	tc = tcase_create("signals");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_ntty_isig_intr_echoes_and_flushes);
	tcase_add_test(tc, test_ntty_isig_quit_and_susp);
	tcase_add_test(tc, test_ntty_isig_noflsh_keeps_input);
	tcase_add_test(tc, test_ntty_isig_off_is_plain);
	suite_add_tcase(s, tc);
	tc = tcase_create("processing");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_ntty_icrnl_igncr_inlcr);
	tcase_add_test(tc, test_ntty_istrip);
	tcase_add_test(tc, test_ntty_opost_onlcr_ocrnl_onlret);
	tcase_add_test(tc, test_ntty_ixon_stops_output);
	tcase_add_test(tc, test_ntty_inq_counts_line_not_eof);
	suite_add_tcase(s, tc);
	tc = tcase_create("noncanon");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_ntty_vmin0_vtime0_returns_at_once);
	tcase_add_test(tc, test_ntty_vmin_waits_for_min_bytes);
	tcase_add_test(tc, test_ntty_vtime_alone_times_out);
	tcase_add_test(tc, test_ntty_vmin_vtime_interbyte_timer);
	tcase_add_test(tc, test_ntty_eof_ends_blocked_read);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tty_suite());

	return unit_run(sr, CK_NORMAL);
}
