/*
 * ubd, host side: the disks' image files and the io_uring that serves them.
 * Before boot, ubd_host_init() opens and locks every image given on the
 * command line (refusing a bad one with one line), makes one ring for all
 * disks with the image fds registered, and starts the completion helper.
 * drivers/ubd.c then queues I/O with arch_ubd_submit(), hands it to the
 * host with arch_ubd_kick() and, from the I/O interrupt, takes the results
 * with arch_ubd_reap().
 *
 * Completions reach the vCPU thread as IRQ_IO.  An eventfd cannot send
 * SIGIO (it has no O_ASYNC), so a helper thread with every signal blocked
 * sleeps in read() on the ring's eventfd and calls intr_raise().  The hop
 * is skipped when the vCPU is there to see the completion itself: the
 * eventfd is switched off around io_uring_enter() in arch_ubd_kick() and
 * in ubd_idle(), and completions found afterwards are posted with
 * intr_post().
 *
 * Everything but the helper runs on the vCPU thread with interrupts
 * disabled ([i]); the helper only reads the eventfd and the CQ indices.
 * arch_ubd_submit() and arch_ubd_reap() do not allocate: the slots that
 * hold an I/O's iovecs while the host works on it are made before boot.
 * At exit the image locks are dropped explicitly (ubd_host_exit()).
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch-host/arch.h"
#include "arch-host/host.h"
#include "config.h"

#if defined(HAVE_VALGRIND_VALGRIND_H) && !defined(CONFIG_ASAN)
#include <valgrind/memcheck.h>
#define mem_defined(a, n)	((void)VALGRIND_MAKE_MEM_DEFINED(a, n))
#else
#define mem_defined(a, n)	((void)(a), (void)(n))
#define RUNNING_ON_VALGRIND	0
#endif

#define UBD_SECTOR	512
#define UBD_DEPTH	64	/* I/Os in flight per disk */
#define UBD_MAX_IOV	128	/* iovecs per I/O (BLK_MAX_SEGMENTS) */
#define UD_FSYNC	1ULL	/* user_data bit: the fsync of a FUA write */

struct ubd_disk {
	const char *path;	/* [I] NULL: no such disk */
	int fd;			/* [I] the image */
	int file;		/* [I] index among the registered files */
	uint64_t size;		/* [I] bytes */
	bool readonly;		/* [I] */
	dev_t dev;		/* [I] st_dev and st_ino of the image */
	ino_t ino;		/* [I] */
};

/* One I/O on its way through the host; user_data is its index << 1. */
struct ubd_slot {
	void *tag;		/* [i] the caller's, for done() */
	int op;			/* [i] ARCH_BLK_* */
	int cqes;		/* [i] completions still to come (2: FUA) */
	long result;		/* [i] bytes done, or the first error */
	size_t len;		/* [i] bytes asked for */
	int niov;		/* [i] */
	int next_free;		/* [i] free list link, -1 at the end */
	struct iovec iov[UBD_MAX_IOV];	/* [i] a copy of the caller's */
};

static struct ubd_disk disks[BOOT_MAX_DISKS];
static struct io_uring ring;
static int ring_evfd = -1;		/* [I] signalled on every CQE */
static struct ubd_slot *slots;		/* [I] UBD_DEPTH per disk */
static int free_slot = -1;		/* [i] head of the free list */
static int nr_busy;			/* [i] slots in use */
static bool reaping;			/* [i] kicks wait for the reap's end */
static char *err_buf;			/* ubd_host_init()'s message */
static size_t err_size;

static void ubd_host_exit(void);

static int __attribute__((format(printf, 2, 3)))
ubd_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_buf, err_size, fmt, ap);
	va_end(ap);
	return -err;
}

/* Open the image without blocking on a FIFO, then make it blocking. */
static int
ubd_open_fd(int n, struct ubd_disk *d, bool dflt)
{
	int flags = (d->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC;

	d->fd = open(d->path, flags | O_NONBLOCK);
	if (d->fd < 0 && errno == ENOENT && dflt)
		return ubd_fail(ENOENT, "ubd%d: %s: %s (the default root "
				"image; give ubd%d=FILE)", n, d->path,
				strerror(ENOENT), n);
	if (d->fd < 0 && !d->readonly && (errno == EACCES || errno == EROFS))
		return ubd_fail(errno, "ubd%d: %s: %s (ubd%dr=FILE opens it "
				"read-only)", n, d->path, strerror(errno), n);
	if (d->fd < 0)
		return ubd_fail(errno, "ubd%d: %s: %s", n, d->path,
				strerror(errno));
	/* io_uring fails I/O on an O_NONBLOCK file with -EAGAIN. */
	if (fcntl(d->fd, F_SETFL, flags & ~O_CLOEXEC) != 0)
		return ubd_fail(errno, "ubd%d: %s: %s", n, d->path,
				strerror(errno));
	return 0;
}

/* The image's type and size: a regular file or block device of sectors. */
static int
ubd_check_image(int n, struct ubd_disk *d)
{
	struct stat st;

	if (fstat(d->fd, &st) != 0)
		return ubd_fail(errno, "ubd%d: %s: %s", n, d->path,
				strerror(errno));
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	d->size = (uint64_t)st.st_size;
	if (S_ISDIR(st.st_mode))
		return ubd_fail(EISDIR, "ubd%d: %s: %s", n, d->path,
				strerror(EISDIR));
	if (S_ISBLK(st.st_mode) && ioctl(d->fd, BLKGETSIZE64, &d->size) != 0)
		return ubd_fail(errno, "ubd%d: %s: cannot get the device size: "
				"%s", n, d->path, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return ubd_fail(EINVAL, "ubd%d: %s: not a regular file or "
				"block device", n, d->path);
	if (d->size == 0)
		return ubd_fail(EINVAL, "ubd%d: %s: empty image", n, d->path);
	if (d->size % UBD_SECTOR != 0)
		return ubd_fail(EINVAL, "ubd%d: %s: size %llu is not a "
				"multiple of %d bytes", n, d->path,
				(unsigned long long)d->size, UBD_SECTOR);
	return 0;
}

/* The disk before n that has the same image, or -1. */
static int
ubd_same_image(int n)
{
	for (int i = 0; i < n; i++) {
		if (disks[i].path != NULL && disks[i].dev == disks[n].dev &&
		    disks[i].ino == disks[n].ino)
			return i;
	}
	return -1;
}

/* Shared lock for a read-only disk, exclusive otherwise; never wait. */
static int
ubd_lock(int n, struct ubd_disk *d)
{
	int op = (d->readonly ? LOCK_SH : LOCK_EX) | LOCK_NB;
	int ret, other;

	while ((ret = flock(d->fd, op)) != 0 && errno == EINTR)
		continue;
	if (ret == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return ubd_fail(errno, "ubd%d: %s: cannot lock: %s", n,
				d->path, strerror(errno));
	other = ubd_same_image(n);
	if (other >= 0)
		return ubd_fail(EBUSY, "ubd%d: %s is already ubd%d", n,
				d->path, other);
	return ubd_fail(EBUSY, "ubd%d: %s is in use by another process", n,
			d->path);
}

static int
ubd_open_disk(int n, const struct boot_disk *bd, bool dflt)
{
	struct ubd_disk *d = &disks[n];
	int err;

	d->path = bd->path;
	d->readonly = bd->readonly;
	err = ubd_open_fd(n, d, dflt);
	if (err == 0)
		err = ubd_check_image(n, d);
	if (err == 0)
		err = ubd_lock(n, d);
	if (err == 0)
		return 0;
	if (d->fd >= 0)
		close(d->fd);
	d->path = NULL;
	return err;
}

/* Put every slot on the free list. */
static int
ubd_slots_init(int nr)
{
	slots = calloc(nr, sizeof(*slots));
	if (slots == NULL)
		return ubd_fail(ENOMEM, "ubd: out of memory");
	for (int i = 0; i < nr; i++)
		slots[i].next_free = i + 1 < nr ? i + 1 : -1;
	free_slot = 0;
	return 0;
}

static int
ubd_ring_fail(int err, const char *what)
{
	return ubd_fail(-err, "cannot use io_uring for the disks: %s: %s "
			"(the host must allow io_uring; see "
			"/proc/sys/kernel/io_uring_disabled)", what,
			strerror(-err));
}

/*
 * One ring for every disk: UBD_DEPTH entries per disk, the CQ twice that
 * (a FUA write has two completions), the images as registered files and
 * an eventfd for the helper.
 */
static int
ubd_ring_init(int nr_disks)
{
	int fds[BOOT_MAX_DISKS], nr = 0, err;

	for (int n = 0; n < BOOT_MAX_DISKS; n++) {
		if (disks[n].path != NULL) {
			disks[n].file = nr;
			fds[nr++] = disks[n].fd;
		}
	}
	err = io_uring_queue_init(UBD_DEPTH * nr_disks, &ring, 0);
	if (err)
		return ubd_ring_fail(err, "io_uring_queue_init");
	err = io_uring_register_files(&ring, fds, nr);
	if (err)
		return ubd_ring_fail(err, "io_uring_register_files");
	ring_evfd = eventfd(0, EFD_CLOEXEC);
	if (ring_evfd < 0)
		return ubd_fail(errno, "ubd: eventfd: %s", strerror(errno));
	err = io_uring_register_eventfd(&ring, ring_evfd);
	if (err)
		return ubd_ring_fail(err, "io_uring_register_eventfd");
	return ubd_slots_init(UBD_DEPTH * nr_disks);
}

/* The helper: turn each eventfd wake-up into IRQ_IO for the vCPU. */
static void *
ubd_notifier(void *arg)
{
	uint64_t count;
	ssize_t n;

	(void)arg;
	for (;;) {
		n = read(ring_evfd, &count, sizeof(count));
		/* Nothing to do if the vCPU took the completions already. */
		if (n == sizeof(count) && io_uring_cq_ready(&ring) != 0)
			intr_raise(IRQ_IO);
		else if (n < 0 && errno != EINTR)
			return NULL;
	}
}

/* Start the helper with every signal blocked: they are the vCPU's. */
static int
ubd_notifier_start(void)
{
	sigset_t all, old;
	pthread_t t;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&t, NULL, ubd_notifier, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return ubd_fail(err, "ubd: cannot start the I/O helper thread: "
				"%s", strerror(err));
	pthread_detach(t);
	return 0;
}

/*
 * Open and lock the images of cl->cfg's disks, make the ring and start the
 * completion helper.  Returns 0, or -errno with one line (no program name,
 * no newline) in err.  Before boot, on the main thread.
 */
int
ubd_host_init(const struct cmdline *cl, char *err, size_t size)
{
	const struct boot_disk *bd = cl->cfg->disks;
	int nr = 0, ret;

	err_buf = err;
	err_size = size;
	for (int n = 0; n < BOOT_MAX_DISKS; n++) {
		if (bd[n].path == NULL)
			continue;
		ret = ubd_open_disk(n, &bd[n], n == 0 && cl->default_ubd0);
		if (ret)
			return ret;
		nr++;
	}
	if (nr == 0)
		return 0;
	ret = ubd_ring_init(nr);
	if (ret)
		return ret;
	ret = ubd_notifier_start();
	if (ret == 0)
		atexit(ubd_host_exit);
	return ret;
}

/* Disk n's size, mode and image path; -ENODEV if there is no disk n. */
int
arch_ubd_info(int n, uint64_t *size, bool *readonly, const char **path)
{
	if (n < 0 || n >= BOOT_MAX_DISKS || disks[n].path == NULL)
		return -ENODEV;
	*size = disks[n].size;
	*readonly = disks[n].readonly;
	*path = disks[n].path;
	return 0;
}

static struct ubd_slot *
slot_get(void)
{
	struct ubd_slot *s;

	if (free_slot < 0)
		return NULL;
	s = &slots[free_slot];
	free_slot = s->next_free;
	nr_busy++;
	return s;
}

static void
slot_put(struct ubd_slot *s)
{
	s->next_free = free_slot;
	free_slot = (int)(s - slots);
	nr_busy--;
}

/* Enter what is queued; on -EBUSY or -EAGAIN it stays for the next try. */
static void
ubd_enter(void)
{
	while (io_uring_submit(&ring) == -EINTR)
		continue;
}

/* Room for need SQEs, entering the queued ones first if the SQ is full. */
static bool
ubd_sq_room(unsigned int need)
{
	if (io_uring_sq_space_left(&ring) >= need)
		return true;
	ubd_enter();
	return io_uring_sq_space_left(&ring) >= need;
}

static int
ubd_check_io(int n, int op, int niov)
{
	if (n < 0 || n >= BOOT_MAX_DISKS || disks[n].path == NULL)
		return -EINVAL;
	if (op == ARCH_BLK_FLUSH)
		return 0;
	if (op != ARCH_BLK_READ && op != ARCH_BLK_WRITE)
		return -EINVAL;
	if (niov <= 0 || niov > UBD_MAX_IOV)
		return -EINVAL;
	if (op == ARCH_BLK_WRITE && disks[n].readonly)
		return -EROFS;
	return 0;
}

static void
ubd_copy_iov(struct ubd_slot *s, const struct arch_blk_iov *iov, int niov)
{
	s->len = 0;
	s->niov = niov;
	for (int i = 0; i < niov; i++) {
		s->iov[i].iov_base = iov[i].base;
		s->iov[i].iov_len = iov[i].len;
		s->len += iov[i].len;
	}
}

/* The SQE of s's main operation; the SQ has room (ubd_sq_room()). */
static struct io_uring_sqe *
ubd_prep(struct ubd_slot *s, const struct ubd_disk *d, uint64_t offset)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	const struct iovec *v = s->iov;

	/* One segment: READ/WRITE spare the host the iovec import. */
	if (s->op == ARCH_BLK_READ && s->niov == 1)
		io_uring_prep_read(sqe, d->file, v->iov_base, v->iov_len,
				   offset);
	else if (s->op == ARCH_BLK_READ)
		io_uring_prep_readv(sqe, d->file, v, s->niov, offset);
	else if (s->op == ARCH_BLK_WRITE && s->niov == 1)
		io_uring_prep_write(sqe, d->file, v->iov_base, v->iov_len,
				    offset);
	else if (s->op == ARCH_BLK_WRITE)
		io_uring_prep_writev(sqe, d->file, v, s->niov, offset);
	else
		io_uring_prep_fsync(sqe, d->file, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	/* A flush starts only after every earlier I/O has completed. */
	if (s->op == ARCH_BLK_FLUSH)
		sqe->flags |= IOSQE_IO_DRAIN;
	io_uring_sqe_set_data64(sqe, (uint64_t)(s - slots) << 1);
	return sqe;
}

/* A FUA write: the write, then an fdatasync that runs only if it worked. */
static void
ubd_prep_fua(struct ubd_slot *s, const struct ubd_disk *d, uint64_t offset)
{
	struct io_uring_sqe *sqe = ubd_prep(s, d, offset);

	sqe->flags |= IOSQE_IO_LINK;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_fsync(sqe, d->file, IORING_FSYNC_DATASYNC);
	sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, ((uint64_t)(s - slots) << 1) | UD_FSYNC);
}

/*
 * Queue op on disk n at byte offset over iov (copied: the caller's array
 * may go away).  Returns 0, -EBUSY when no slot or SQE is free, -EROFS for
 * a write to a read-only disk, -EINVAL.  Interrupts disabled.
 */
int
arch_ubd_submit(int n, int op, uint64_t offset,
		const struct arch_blk_iov *iov, int niov, bool fua,
		void *tag)
{
	struct ubd_slot *s;
	int err = ubd_check_io(n, op, niov);

	if (err)
		return err;
	fua = fua && op == ARCH_BLK_WRITE;
	if (!ubd_sq_room(fua ? 2 : 1) || (s = slot_get()) == NULL)
		return -EBUSY;
	s->tag = tag;
	s->op = op;
	s->cqes = fua ? 2 : 1;
	s->result = 0;
	ubd_copy_iov(s, iov, op == ARCH_BLK_FLUSH ? 0 : niov);
	if (fua)
		ubd_prep_fua(s, &disks[n], offset);
	else
		ubd_prep(s, &disks[n], offset);
	return 0;
}

/*
 * After the vCPU entered or waited in the ring with the eventfd off: turn
 * it back on and run what completed meanwhile.  The fence keeps the check
 * after the store that turns it on.  Should the host still miss the
 * eventfd for a CQE posted in between, the completion is not lost: an idle
 * vCPU with I/O in flight waits in the ring itself (ubd_idle()).
 */
static void
ubd_post_ready(void)
{
	io_uring_cq_eventfd_toggle(&ring, true);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (io_uring_cq_ready(&ring) != 0)
		intr_post(IRQ_IO);
}

/*
 * Hand the queued I/O to the host, unless arch_ubd_reap() runs: it kicks
 * once for all the I/O its completions queue.  The eventfd is off
 * meanwhile: what completes at once (cached reads) is posted here, without
 * the helper.
 */
void
arch_ubd_kick(void)
{
	if (slots == NULL || reaping || io_uring_sq_ready(&ring) == 0)
		return;
	io_uring_cq_eventfd_toggle(&ring, false);
	ubd_enter();
	ubd_post_ready();
}

/*
 * From arch_idle(), interrupt signals blocked: if I/O is in flight, sleep
 * in the ring until a completion or a signal that mask lets through, so a
 * completion wakes the vCPU directly.  Returns 0 after such a sleep,
 * -ENOENT if nothing is in flight (the caller sleeps its own way).
 */
int
ubd_idle(const sigset_t *mask)
{
	struct io_uring_cqe *cqe;

	/*
	 * valgrind does not expect a signal (IRQ_FUSE, IRQ_SHUTDOWN) during
	 * io_uring_enter and asserts: under it, sleep the plain way (the
	 * eventfd helper still raises IRQ_IO).
	 */
	if (nr_busy == 0)
		return -ENOENT;
	if (RUNNING_ON_VALGRIND) {
		ubd_post_ready();
		return -ENOENT;
	}
	io_uring_cq_eventfd_toggle(&ring, false);
	/* What a kick left queued (-EAGAIN) gets another chance. */
	if (io_uring_sq_ready(&ring) != 0)
		ubd_enter();
	io_uring_wait_cqes(&ring, &cqe, 1, NULL, (sigset_t *)mask);
	ubd_post_ready();
	return 0;
}

/* Valgrind cannot see io_uring fill a read buffer. */
static void
ubd_mark_read(const struct ubd_slot *s, size_t bytes)
{
	for (int i = 0; i < s->niov && bytes > 0; i++) {
		size_t len = s->iov[i].iov_len < bytes ?
			     s->iov[i].iov_len : bytes;

		mem_defined(s->iov[i].iov_base, len);
		bytes -= len;
	}
}

/* Fold one CQE into s->result: the first error wins; short is -EIO. */
static void
ubd_account(struct ubd_slot *s, bool fsync, int res)
{
	if (s->result < 0)
		return;
	if (res < 0)
		s->result = res;
	else if (!fsync && s->op != ARCH_BLK_FLUSH)
		s->result = (size_t)res == s->len ? res : -EIO;
	if (res > 0 && s->op == ARCH_BLK_READ)
		ubd_mark_read(s, (size_t)res);
}

static void
ubd_complete(uint64_t data, int res, void (*done)(void *tag, long result))
{
	struct ubd_slot *s = &slots[data >> 1];
	void *tag;
	long result;

	ubd_account(s, data & UD_FSYNC, res);
	if (--s->cqes > 0)
		return;
	tag = s->tag;
	result = s->result;
	slot_put(s);
	done(tag, result);
}

/*
 * Call done(tag, result) for each completed I/O: the byte count (0 for a
 * flush) or -errno, -EIO for a short transfer.  A FUA write ends when its
 * fdatasync does.  From the I/O interrupt.
 */
void
arch_ubd_reap(void (*done)(void *tag, long result))
{
	struct io_uring_cqe *cqe;
	uint64_t data;
	int res;

	if (slots == NULL)
		return;
	/*
	 * Consume each CQE before done(), which may queue more I/O; what it
	 * queues goes to the host in one batch at the end.
	 */
	reaping = true;
	while (io_uring_peek_cqe(&ring, &cqe) == 0) {
		data = io_uring_cqe_get_data64(cqe);
		res = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
		ubd_complete(data, res, done);
	}
	reaping = false;
	arch_ubd_kick();
}

static void
ubd_drop(void *tag, long result)
{
	(void)tag;
	(void)result;
}

/*
 * At exit: give the I/O in flight a moment to finish, then drop the image
 * locks at once.  Closing is not enough: the ring's references to the
 * files, and with them the locks, go away only later, asynchronously,
 * and a kernel started right after this one would find its disk in use.
 */
static void
ubd_host_exit(void)
{
	struct __kernel_timespec ts = { .tv_sec = 1 };
	struct io_uring_cqe *cqe;
	int err = 0;

	while (nr_busy > 0 && (err == 0 || err == -EINTR)) {
		err = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
		if (err == 0)
			arch_ubd_reap(ubd_drop);
	}
	for (int n = 0; n < BOOT_MAX_DISKS; n++) {
		if (disks[n].path != NULL)
			flock(disks[n].fd, LOCK_UN);
	}
}
