/*
 * Pseudo-terminals, Unix 98 style: opening /dev/ptmx (5,2) makes a pair,
 * the master side as that open file and the slave as the tty
 * /dev/pts/N (136,N), locked until TIOCSPTLCK 0 (unlockpt).
 *
 * The slave is a full tty (tty.c, n_tty.c).  What the master writes is
 * the slave's input; the slave's output, after its OPOST processing,
 * waits in the pair's ring buffer for the master to read.  The master
 * itself has no line discipline and no termios of its own: its termios
 * and window-size ioctls act on the slave, as on the BSDs.
 *
 * Closing the master hangs the slave up (SIGHUP to its foreground group,
 * reads 0, writes -EIO) and removes /dev/pts/N; once every slave file
 * that was opened is closed, master reads return -EIO.  The pair is
 * freed when both sides are gone.
 *
 * Locking: [m] tty_mutex (drivers/tty/tty.h); [i] interrupts off.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/printk.h"
#include "core/process.h"
#include "core/signal.h"
#include "core/slab.h"
#include "core/string.h"
#include "drivers/tty/console.h"
#include "drivers/tty/tty.h"
#include "fs/devices.h"
#include "fs/devpts.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"

#define PTY_MAX		256
#define PTY_MAJOR	136
#define PTY_BUF		4096

struct pty {
	struct tty slave;		/* driver_data: the pty */
	int index;			/* [I] */
	bool locked;			/* [m] slave opens fail with -EIO */
	bool master_open;		/* [m] */
	int slave_opens;		/* [m] open slave files */
	bool slave_opened;		/* [m] ever: reads -EIO at 0 again */
	size_t ohead, otail;		/* [i] slave output, running counts */
	char obuf[PTY_BUF];		/* [i] */
	struct wait_queue master_wq;	/* master readers, writers, pollers */
};

static struct pty *ptys[PTY_MAX];	/* [m] by index */

/* ---- the slave side ---- */

static size_t
pty_out_room(const struct pty *pty)
{
	return PTY_BUF - (pty->ohead - pty->otail);
}

static size_t
pty_slave_write(struct tty *tty, const char *buf, size_t len)
{
	struct pty *pty = tty->driver_data;
	size_t n = MIN(len, pty_out_room(pty));

	for (size_t i = 0; i < n; i++)
		pty->obuf[pty->ohead++ % PTY_BUF] = buf[i];
	wq_wake_all(&pty->master_wq);
	return n;
}

static size_t
pty_slave_write_room(struct tty *tty)
{
	return pty_out_room(tty->driver_data);
}

static void
pty_slave_unthrottle(struct tty *tty)
{
	struct pty *pty = tty->driver_data;

	wq_wake_all(&pty->master_wq);
}

/* Open a slave file (tty_mutex held). */
static int
pty_slave_open_locked(struct tty *tty, struct file *f)
{
	struct pty *pty = tty->driver_data;

	(void)f;
	if (!pty->master_open || pty->locked)
		return -EIO;
	pty->slave_opens++;
	pty->slave_opened = true;
	return 0;
}

static void
pty_free(struct pty *pty)
{
	tty_remove(&pty->slave);
	kfree(pty);
}

/*
 * One side closed (its count already dropped): free the pair if neither
 * side is open any more.  Exactly one caller sees both gone.
 */
static void
pty_side_closed(struct pty *pty, bool master)
{
	bool last;

	mutex_lock(&tty_mutex);
	if (master)
		pty->master_open = false;
	else
		pty->slave_opens--;
	last = pty->slave_opens == 0 && !pty->master_open;
	if (last)
		ptys[pty->index] = NULL;
	mutex_unlock(&tty_mutex);
	wq_wake_all(&pty->master_wq);
	if (last)
		pty_free(pty);
}

static void
pty_slave_close(struct tty *tty, struct file *f)
{
	(void)f;
	pty_side_closed(tty->driver_data, false);
}

static const struct tty_ops pty_slave_ops = {
	.write = pty_slave_write,
	.write_room = pty_slave_write_room,
	.unthrottle = pty_slave_unthrottle,
	.open = pty_slave_open_locked,
	.close = pty_slave_close,
};

/* /dev/pts/N */
static int
pty_slave_open(struct inode *inode, struct file *f)
{
	unsigned int index = KMINOR(inode->rdev);
	struct pty *pty;
	int err = -EIO;

	mutex_lock(&tty_mutex);
	pty = index < PTY_MAX ? ptys[index] : NULL;
	if (pty != NULL)
		err = pty_slave_open_locked(&pty->slave, f);
	mutex_unlock(&tty_mutex);
	if (err != 0)
		return err;
	f->ops = &tty_file_ops;
	tty_open_file(&pty->slave, f);
	return 0;
}

/* ---- the master side ---- */

static bool
pty_other_closed(const struct pty *pty)
{
	return pty->slave_opened && READ_ONCE(pty->slave_opens) == 0;
}

static size_t
pty_master_take(struct pty *pty, char *buf, size_t len)
{
	unsigned long s = arch_intr_save();
	size_t n = MIN(len, pty->ohead - pty->otail);

	for (size_t i = 0; i < n; i++)
		buf[i] = pty->obuf[pty->otail++ % PTY_BUF];
	arch_intr_restore(s);
	if (n > 0)
		wq_wake_all(&pty->slave.write_wq);
	return n;
}

static long
pty_master_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	struct pty *pty = f->private;
	size_t n;
	int err;

	(void)pos;
	for (;;) {
		n = pty_master_take(pty, buf, len);
		if (n > 0 || len == 0)
			return (long)n;
		if (pty_other_closed(pty))
			return -EIO;
		if (f->flags & KO_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(&pty->master_wq,
					       pty->ohead != pty->otail ||
					       pty_other_closed(pty));
		if (err != 0)
			return err;
	}
}

/* May the master write into the slave's input now? */
static bool
pty_master_writable(const struct pty *pty)
{
	const struct tty *tty = &pty->slave;

	return (tty->termios.c_lflag & KICANON) ||
	       tty->rhead - tty->rtail < TTY_BUF_SIZE;
}

static long
pty_master_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
	struct pty *pty = f->private;
	size_t done = 0;
	int err = 0;

	(void)pos;
	while (done < len && err == 0) {
		done += tty_receive(&pty->slave, (const char *)buf + done,
				    len - done);
		tty_send_signals(&pty->slave);
		if (done == len)
			break;
		if (f->flags & KO_NONBLOCK)
			err = -EAGAIN;
		else
			err = wait_event_interruptible(&pty->master_wq,
					pty_master_writable(pty));
	}
	return done > 0 ? (long)done : err;
}

static unsigned int
pty_master_poll(struct file *f, struct poll_table *pt)
{
	struct pty *pty = f->private;
	unsigned int mask = 0;

	poll_wait(pt, &pty->master_wq);
	if (pty->ohead != pty->otail || pty_other_closed(pty))
		mask |= KPOLLIN | KPOLLRDNORM;
	if (pty_other_closed(pty))
		mask |= KPOLLHUP;
	if (pty_master_writable(pty))
		mask |= KPOLLOUT | KPOLLWRNORM;
	return mask;
}

/* TIOCGPTPEER: open the slave as a new descriptor with flags. */
static long
pty_open_peer(struct pty *pty, unsigned long flags)
{
	char path[32];
	struct file *f;
	int fd, err;

	ksnprintf(path, sizeof(path), "/dev/pts/%d", pty->index);
	err = vfs_open(NULL, path, (unsigned int)flags & ~KO_CREAT, 0, &f);
	if (err != 0)
		return err;
	fd = fdtable_alloc(current->files, f, 0, (flags & KO_CLOEXEC) != 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

static long
pty_master_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct pty *pty = f->private;
	int v;

	switch (cmd) {
	case KTIOCGPTN:
		v = pty->index;
		return copyout(arg, &v, sizeof(v)) == 0 ? 0 : -EFAULT;
	case KTIOCSPTLCK:
		if (copyin(&v, arg, sizeof(v)) != 0)
			return -EFAULT;
		mutex_lock(&tty_mutex);
		pty->locked = v != 0;
		mutex_unlock(&tty_mutex);
		return 0;
	case KTIOCGPTLCK:
		v = pty->locked;
		return copyout(arg, &v, sizeof(v)) == 0 ? 0 : -EFAULT;
	case KTIOCGPTPEER:
		return pty_open_peer(pty, arg);
	case KTIOCINQ:
		v = (int)(pty->ohead - pty->otail);
		return copyout(arg, &v, sizeof(v)) == 0 ? 0 : -EFAULT;
	default:
		return tty_ioctl(&pty->slave, true, cmd, arg);
	}
}

static void
pty_master_release(struct inode *inode, struct file *f)
{
	struct pty *pty = f->private;

	(void)inode;
	devpts_pty_kill(pty->index);
	/* Hang up first: the pair may be gone once the master is. */
	tty_hangup(&pty->slave);
	pty_side_closed(pty, true);
}

static const struct file_ops pty_master_fops = {
	.read = pty_master_read,
	.write = pty_master_write,
	.poll = pty_master_poll,
	.ioctl = pty_master_ioctl,
	.release = pty_master_release,
};

/* A new pair in a free slot; -ENOSPC when all are taken. */
static int
pty_alloc(struct pty **out)
{
	struct pty *pty = kzalloc(sizeof(*pty));
	char name[16];
	int index = -1;

	if (pty == NULL)
		return -ENOMEM;
	mutex_lock(&tty_mutex);
	for (int i = 0; i < PTY_MAX && index < 0; i++)
		if (ptys[i] == NULL)
			index = i;
	if (index >= 0) {
		ptys[index] = pty;
		pty->index = index;
		pty->locked = true;
		pty->master_open = true;
	}
	mutex_unlock(&tty_mutex);
	if (index < 0) {
		kfree(pty);
		return -ENOSPC;
	}
	wq_init(&pty->master_wq);
	ksnprintf(name, sizeof(name), "pts/%d", index);
	tty_init(&pty->slave, name, &pty_slave_ops, pty, &tty_std_termios);
	pty->slave.index = index;
	*out = pty;
	return 0;
}

/* /dev/ptmx */
static int
ptmx_open(struct inode *inode, struct file *f)
{
	struct pty *pty;
	int err = pty_alloc(&pty);

	(void)inode;
	if (err != 0)
		return err;
	err = devpts_pty_new(pty->index, KMKDEV(PTY_MAJOR, pty->index),
			     current_cred());
	if (err != 0) {
		mutex_lock(&tty_mutex);
		ptys[pty->index] = NULL;
		mutex_unlock(&tty_mutex);
		pty_free(pty);
		return err;
	}
	f->ops = &pty_master_fops;
	f->private = pty;
	return 0;
}

static const struct file_ops ptmx_fops = { .open = ptmx_open };
static const struct file_ops pts_fops = { .open = pty_slave_open };

static struct chrdev pty_devices[] = {
	{ .name = "ptmx", .major = 5, .minor = 2, .count = 1, .mode = 0666,
	  .fops = &ptmx_fops },
	/* No name: devfs makes no nodes; devpts does, one per pair. */
	{ .name = NULL, .major = PTY_MAJOR, .minor = 0, .count = PTY_MAX,
	  .fops = &pts_fops },
};

int
pty_init(void)
{
	int err = 0;

	for (size_t i = 0; i < ARRAY_SIZE(pty_devices) && err == 0; i++)
		err = chrdev_register(&pty_devices[i]);
	return err;
}
