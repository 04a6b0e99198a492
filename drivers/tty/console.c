/*
 * The console terminal, /dev/console (5,1), and /dev/tty (5,0), which
 * opens the caller's controlling terminal.  The console's output is the
 * host's stdout (arch_console_write_raw: the line discipline did the
 * output processing); its input is the host's stdin, which arch-host
 * reads without blocking when IRQ_CONSOLE says there is some
 * (arch-host/console.c, arch-host/term.c).
 *
 * trap_console() takes what fits in the input buffer and stops there:
 * the rest waits in the host until a reader makes room (unthrottle).
 * The signals ISIG raises and the window-size changes need process
 * context (kill_pgrp sleeps), so the interrupt hands them to the
 * "kconsole" thread.  When stdin is not a terminal nobody types at the
 * console: it starts without ECHO; when stdout is not one, without OPOST,
 * so that a guest's output reaches a file byte for byte.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/kthread.h"
#include "core/printk.h"
#include "core/trap.h"
#include "drivers/tty/console.h"
#include "drivers/tty/tty.h"
#include "fs/devices.h"
#include "fs/vfs.h"

static struct tty console_tty;
static bool console_started;		/* [i] host input is on */
static bool console_winch;		/* [i] the host resized */
static struct wait_queue console_wq = WAIT_QUEUE_INIT(console_wq);

static size_t
console_write(struct tty *tty, const char *buf, size_t len)
{
	(void)tty;
	arch_console_write_raw(buf, len);
	return len;
}

static size_t
console_write_room(struct tty *tty)
{
	(void)tty;
	return SIZE_MAX;
}

/*
 * Move host input into the line discipline while there is room (one
 * byte more in canonical mode: a full line is dropped up to its end, as
 * on Linux).  Never sleeps.
 */
static void
console_pull(void)
{
	struct tty *tty = &console_tty;
	unsigned long s = arch_intr_save();
	char buf[256];
	long n = 1;

	while (console_started && !tty->eof && n > 0) {
		size_t room = TTY_BUF_SIZE - (tty->rhead - tty->rtail);

		n = room == 0 ? 0 : arch_console_read(buf, MIN(room,
							      sizeof(buf)));
		if (room == 0 || n == -EAGAIN)
			break;
		if (n <= 0)
			tty_set_eof(tty);
		else
			tty_receive(tty, buf, (size_t)n);
	}
	if (tty->sig_pending != 0)
		wq_wake_all(&console_wq);
	arch_intr_restore(s);
}

static void
console_unthrottle(struct tty *tty)
{
	(void)tty;
	console_pull();
}

static const struct tty_ops console_tty_ops = {
	.write = console_write,
	.write_room = console_write_room,
	.unthrottle = console_unthrottle,
};

void
trap_console(void)
{
	console_pull();
	if (arch_console_resized()) {
		console_winch = true;
		wq_wake_all(&console_wq);
	}
}

static void
console_update_winsize(void)
{
	struct kwinsize ws = { 0, 0, 0, 0 };

	if (arch_console_winsize(&ws.ws_row, &ws.ws_col) == 0)
		tty_set_winsize(&console_tty, &ws);
}

/* kconsole: sends what the interrupt found in process context. */
static int
console_thread(void *arg)
{
	(void)arg;
	for (;;) {
		wait_event(&console_wq, console_tty.sig_pending != 0 ||
					console_winch);
		tty_send_signals(&console_tty);
		if (READ_ONCE(console_winch)) {
			console_winch = false;
			console_update_winsize();
		}
	}
	return 0;
}

void
console_start(void)
{
	struct ktermios t = tty_std_termios;
	struct task *thread;
	int flags = arch_console_input_start();

	if (flags < 0) {
		pr_warn("console: no input from the host (error %d)\n", flags);
		tty_set_eof(&console_tty);
		return;
	}
	if (!(flags & ARCH_CONSOLE_IN_TTY))
		t.c_lflag &= ~(uint32_t)KECHO;
	if (!(flags & ARCH_CONSOLE_OUT_TTY))
		t.c_oflag &= ~(uint32_t)KOPOST;
	console_tty.termios = t;
	console_update_winsize();
	if (kthread_create(&thread, console_thread, NULL, "kconsole") != 0)
		pr_warn("console: no thread for signals and resizes\n");
	arch_intr_disable();
	console_started = true;
	arch_intr_enable();
	console_pull();
}

/* ---- the device files ---- */

static int
console_open(struct inode *inode, struct file *f)
{
	(void)inode;
	f->ops = &tty_file_ops;
	tty_open_file(&console_tty, f);
	return 0;
}

/* /dev/tty: the caller's controlling terminal, or -ENXIO. */
static int
devtty_open(struct inode *inode, struct file *f)
{
	struct tty *tty;
	int err = 0;

	(void)inode;
	mutex_lock(&tty_mutex);
	tty = tty_current_ctty();
	if (tty == NULL)
		err = -ENXIO;
	else if (tty->ops->open != NULL)
		err = tty->ops->open(tty, f);
	mutex_unlock(&tty_mutex);
	if (err != 0)
		return err;
	f->ops = &tty_file_ops;
	f->private = tty;
	return 0;
}

static const struct file_ops console_fops = { .open = console_open };
static const struct file_ops devtty_fops = { .open = devtty_open };

static struct chrdev console_devices[] = {
	{ .name = "tty", .major = 5, .minor = 0, .count = 1, .mode = 0666,
	  .fops = &devtty_fops },
	{ .name = "console", .major = 5, .minor = 1, .count = 1,
	  .mode = 0600, .fops = &console_fops },
};

int
console_init(void)
{
	int err = 0;

	tty_init(&console_tty, "console", &console_tty_ops, NULL,
		 &tty_std_termios);
	for (size_t i = 0; i < ARRAY_SIZE(console_devices) && err == 0; i++)
		err = chrdev_register(&console_devices[i]);
	return err;
}
