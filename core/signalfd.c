/*
 * signalfd: a file whose reads take pending signals of a mask off the
 * reading thread's and its process's pending sets, as struct
 * signalfd_siginfo records, instead of having them delivered.  Poll
 * reports it readable while one is pending; senders wake it through
 * the process's signalfd queue (core/signal.c).
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/pipe.h"
#include "core/process.h"
#include "core/signal_int.h"
#include "core/slab.h"
#include "core/string.h"
#include "core/syscall.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"

#define KSFD_CLOEXEC	02000000
#define KSFD_NONBLOCK	04000

struct ksignalfd_siginfo {
	uint32_t ssi_signo;
	int32_t ssi_errno;
	int32_t ssi_code;
	uint32_t ssi_pid;
	uint32_t ssi_uid;
	int32_t ssi_fd;
	uint32_t ssi_tid;
	uint32_t ssi_band;
	uint32_t ssi_overrun;
	uint32_t ssi_trapno;
	int32_t ssi_status;
	int32_t ssi_int;
	uint64_t ssi_ptr;
	uint64_t ssi_utime;
	uint64_t ssi_stime;
	uint64_t ssi_addr;
	uint16_t ssi_addr_lsb;
	uint8_t pad[46];
};
_Static_assert(sizeof(struct ksignalfd_siginfo) == 128,
	       "struct signalfd_siginfo");

struct signalfd {
	uint64_t mask;			/* signals it takes */
};

/* Convert a siginfo as Linux's signalfd_copyinfo does. */
static void
sfd_convert(struct ksignalfd_siginfo *o, const struct ksiginfo *i)
{
	memset(o, 0, sizeof(*o));
	o->ssi_signo = (uint32_t)i->signo;
	o->ssi_errno = i->errno_;
	o->ssi_code = i->code;
	if (KSIG_BIT(i->signo) & SIG_SYNC) {
		o->ssi_addr = i->fault.addr;
	} else if (i->signo == KSIGCHLD && i->code > 0) {
		o->ssi_pid = (uint32_t)i->chld.pid;
		o->ssi_uid = i->chld.uid;
		o->ssi_status = i->chld.status;
		o->ssi_utime = (uint64_t)i->chld.utime;
		o->ssi_stime = (uint64_t)i->chld.stime;
	} else if (i->code == KSI_TIMER) {
		o->ssi_tid = (uint32_t)i->timer.tid;
		o->ssi_overrun = (uint32_t)i->timer.overrun;
		o->ssi_ptr = i->timer.value;
		o->ssi_int = (int32_t)i->timer.value;
	} else {
		o->ssi_pid = (uint32_t)i->rt.pid;
		o->ssi_uid = i->rt.uid;
		o->ssi_ptr = i->rt.value;
		o->ssi_int = (int32_t)i->rt.value;
	}
}

/* Take one signal of the file's mask, waiting unless nonblock. */
static int
sfd_take(struct file *f, bool nonblock, struct ksiginfo *info)
{
	struct signalfd *sfd = f->private;
	struct process *p = current_proc();
	int sig;

	for (;;) {
		struct waiter w = { .task = NULL };

		wq_prepare(&p->signalfd_wq, &w, TASK_INTERRUPTIBLE);
		sig = sigwait_take(sfd->mask, info);
		if (sig == 0 && !nonblock && signal_pending())
			sig = -ERESTARTSYS;
		if (sig == 0 && nonblock)
			sig = -EAGAIN;
		if (sig == 0)
			schedule();
		wq_finish(&p->signalfd_wq, &w);
		if (sig != 0)
			return sig;
	}
}

static long
sfd_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	struct ksignalfd_siginfo *out = buf;
	size_t n = 0, max = len / sizeof(*out);
	struct ksiginfo info;

	(void)pos;
	if (max == 0)
		return -EINVAL;
	while (n < max) {
		bool nonblock = n > 0 || (f->flags & KO_NONBLOCK);
		int sig = sfd_take(f, nonblock, &info);

		if (sig < 0)
			return n > 0 ? (long)(n * sizeof(*out)) : sig;
		sfd_convert(&out[n++], &info);
	}
	return (long)(n * sizeof(*out));
}

static unsigned int
sfd_poll(struct file *f, struct poll_table *pt)
{
	struct signalfd *sfd = f->private;
	struct process *p = current_proc();
	uint64_t pend;

	poll_wait(pt, &p->signalfd_wq);
	mutex_lock(&proc_lock);
	pend = (current->sig_pending | p->sig_pending) & sfd->mask;
	mutex_unlock(&proc_lock);
	return pend != 0 ? KPOLLIN | KPOLLRDNORM : 0;
}

static void
sfd_release(struct inode *inode, struct file *f)
{
	inode->nlink = 0;
	kfree(f->private);
}

static const struct file_ops signalfd_ops = {
	.read = sfd_read,
	.poll = sfd_poll,
	.release = sfd_release,
};

/* A new signalfd for mask installed as an fd: the fd or -errno. */
static long
sfd_create(uint64_t mask, int flags)
{
	struct signalfd *sfd = kzalloc(sizeof(*sfd));
	struct file *f;
	long fd;
	int err;

	if (sfd == NULL)
		return -ENOMEM;
	sfd->mask = mask;
	err = anon_file_create("signalfd", &signalfd_ops, sfd,
			       (flags & KSFD_NONBLOCK) ? KO_NONBLOCK : 0, &f);
	if (err != 0) {
		kfree(sfd);
		return err;
	}
	fd = fdtable_alloc(current->files, f, 0, flags & KSFD_CLOEXEC);
	file_put(f);
	return fd;
}

SYSCALL_DEFINE4(signalfd4, int, fd, uintptr_t, umask, size_t, sizemask,
		int, flags)
{
	struct file *f;
	uint64_t mask;
	int err;

	if (flags & ~(KSFD_CLOEXEC | KSFD_NONBLOCK))
		return -EINVAL;
	if (sizemask != sizeof(mask))
		return -EINVAL;
	if (copyin(&mask, umask, sizeof(mask)) != 0)
		return -EFAULT;
	mask &= ~KSIG_UNBLOCKABLE;
	if (fd == -1)
		return sfd_create(mask, flags);
	err = fdtable_file(current->files, fd, &f);
	if (err != 0)
		return err;
	if (f->ops != &signalfd_ops) {
		file_put(f);
		return -EINVAL;
	}
	((struct signalfd *)f->private)->mask = mask;
	file_put(f);
	return fd;
}

SYSCALL_DEFINE3(signalfd, int, fd, uintptr_t, umask, size_t, sizemask)
{
	return do_sys_signalfd4(fd, umask, sizemask, 0);
}
