/*
 * System calls on file descriptors themselves: close, dup, close_range,
 * ioctl, fcntl, flock, fsync, ftruncate, fadvise64 and fallocate.
 * Arguments are checked here as Linux does; the work is done by the fd
 * table (fs/fdtable.h) and the VFS (fs/vfs.h).  Reading and writing are
 * in core/sys_file.c.
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/pipe.h"
#include "core/sched.h"
#include "core/slab.h"
#include "core/syscall.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"

#define KO_ASYNC	020000
#define KSETFL_MASK	(KO_APPEND | KO_NONBLOCK | KO_NOATIME | KO_DIRECT | \
			 KO_ASYNC)

/* ---- descriptors: close, dup ---- */

SYSCALL_DEFINE1(close, int, fd)
{
	if (current->files == NULL)
		return -EBADF;
	return fdtable_close(current->files, fd);
}

SYSCALL_DEFINE1(dup, int, oldfd)
{
	struct file *f;
	int fd;

	fd = fd_get(oldfd, &f);
	if (fd != 0)
		return fd;
	fd = fdtable_alloc(current->files, f, 0, false);
	file_put(f);
	return fd;
}

SYSCALL_DEFINE2(dup2, int, oldfd, int, newfd)
{
	if (current->files == NULL)
		return -EBADF;
	return fdtable_dup2(current->files, oldfd, newfd, false);
}

SYSCALL_DEFINE3(dup3, int, oldfd, int, newfd, unsigned int, flags)
{
	if (flags & ~KO_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	if (current->files == NULL)
		return -EBADF;
	return fdtable_dup2(current->files, oldfd, newfd,
			    (flags & KO_CLOEXEC) != 0);
}

#define KCLOSE_RANGE_UNSHARE	(1U << 1)
#define KCLOSE_RANGE_CLOEXEC	(1U << 2)

/* CLOSE_RANGE_UNSHARE: give the current task a table of its own. */
static int
fdtable_unshare(void)
{
	struct fdtable *t = current->files, *n;
	int err;

	if (t->refcount == 1)
		return 0;
	err = fdtable_copy(t, &n);
	if (err != 0)
		return err;
	current->files = n;
	fdtable_put(t);
	return 0;
}

SYSCALL_DEFINE3(close_range, unsigned int, first, unsigned int, last,
		unsigned int, flags)
{
	struct fdtable *t = current->files;
	unsigned int size;
	int err;

	if (flags & ~(KCLOSE_RANGE_UNSHARE | KCLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	if (t == NULL)
		return 0;
	if (flags & KCLOSE_RANGE_UNSHARE) {
		err = fdtable_unshare();
		if (err != 0)
			return err;
		t = current->files;
	}
	mutex_lock(&t->lock);
	size = t->size;
	mutex_unlock(&t->lock);
	for (unsigned int fd = first; fd <= last && fd < size; fd++) {
		if (flags & KCLOSE_RANGE_CLOEXEC)
			fdtable_set_cloexec(t, (int)fd, true);
		else
			fdtable_close(t, (int)fd);
	}
	return 0;
}

/* ---- ioctl, fcntl, flock ---- */

#define KFIONREAD	0x541B
#define KFIONBIO	0x5421
#define KFIONCLEX	0x5450
#define KFIOCLEX	0x5451
#define KFIOASYNC	0x5452

/* Set or clear status flags of f (F_SETFL, FIONBIO, FIOASYNC). */
static void
file_set_flags(struct file *f, unsigned int mask, unsigned int flags)
{
	unsigned long s = arch_intr_save();

	f->flags = (f->flags & ~mask) | (flags & mask);
	arch_intr_restore(s);
}

/* FIONREAD: bytes a read would find; -ENOTTY if f does not say. */
static long
ioctl_nread(struct file *f, uintptr_t uarg)
{
	long n;
	int val;

	if (pipe_is_pipe(f))
		n = pipe_nread(f);
	else if (KS_ISREG(f->inode->mode))
		n = f->inode->size > f->pos ? (long)(f->inode->size - f->pos)
					    : 0;
	else if (f->ops->ioctl != NULL)
		return f->ops->ioctl(f, KFIONREAD, uarg);
	else
		return -ENOTTY;
	val = (int)MIN(n, INT32_MAX);
	return n < 0 ? n : copyout(uarg, &val, sizeof(val));
}

/* FIONBIO, FIOASYNC: an int in the guest says on or off. */
static long
ioctl_flag(struct file *f, unsigned int flag, uintptr_t uarg)
{
	int on;

	if (copyin(&on, uarg, sizeof(on)) != 0)
		return -EFAULT;
	file_set_flags(f, flag, on ? flag : 0);
	return 0;
}

SYSCALL_DEFINE3(ioctl, int, fd, unsigned int, cmd, unsigned long, arg)
{
	struct file *f;
	long err;

	err = fd_get_io(fd, &f);
	if (err != 0)
		return err;
	if (cmd == KFIOCLEX || cmd == KFIONCLEX)
		err = fdtable_set_cloexec(current->files, fd, cmd == KFIOCLEX);
	else if (cmd == KFIONBIO)
		err = ioctl_flag(f, KO_NONBLOCK, arg);
	else if (cmd == KFIOASYNC)
		err = ioctl_flag(f, KO_ASYNC, arg);
	else if (cmd == KFIONREAD)
		err = ioctl_nread(f, arg);
	else if (f->ops->ioctl != NULL)
		err = f->ops->ioctl(f, cmd, arg);
	else
		err = -ENOTTY;
	file_put(f);
	return err;
}

#define KF_DUPFD		0
#define KF_GETFD		1
#define KF_SETFD		2
#define KF_GETFL		3
#define KF_SETFL		4
#define KF_GETLK		5
#define KF_SETLK		6
#define KF_SETLKW		7
#define KF_SETOWN		8
#define KF_GETOWN		9
#define KF_OFD_GETLK		36
#define KF_OFD_SETLK		37
#define KF_OFD_SETLKW		38
#define KF_DUPFD_CLOEXEC	1030
#define KF_SETPIPE_SZ		1031
#define KF_GETPIPE_SZ		1032
#define KFD_CLOEXEC		1

#define KF_RDLCK		0
#define KF_WRLCK		1
#define KF_UNLCK		2

/* struct flock of x86-64 Linux. */
struct kflock {
	int16_t l_type;
	int16_t l_whence;
	int64_t l_start;
	int64_t l_len;
	int32_t l_pid;
};
_Static_assert(sizeof(struct kflock) == 32, "struct flock is 32 bytes");

/* Check a record lock request as Linux does (flock_to_posix_lock). */
static int
fcntl_lock_check(struct file *f, const struct kflock *fl, bool ofd)
{
	int64_t start = fl->l_start, end;

	if (ofd && fl->l_pid != 0)
		return -EINVAL;
	if (fl->l_type < KF_RDLCK || fl->l_type > KF_UNLCK)
		return -EINVAL;
	if (fl->l_whence == KSEEK_CUR)
		start += (int64_t)f->pos;
	else if (fl->l_whence == KSEEK_END)
		start += (int64_t)f->inode->size;
	else if (fl->l_whence != KSEEK_SET)
		return -EINVAL;
	if (start < 0 || (fl->l_len < 0 && start + fl->l_len < 0))
		return -EINVAL;
	if (fl->l_len > 0 && __builtin_add_overflow(start, fl->l_len - 1, &end))
		return -EOVERFLOW;
	return 0;
}

/*
 * F_GETLK, F_SETLK(W) and the OFD forms.  There is no lock manager yet:
 * requests are checked and granted, and F_GETLK finds nothing locked.
 */
static long
fcntl_lock(struct file *f, unsigned int cmd, uintptr_t uarg)
{
	bool ofd = cmd >= KF_OFD_GETLK;
	bool get = cmd == KF_GETLK || cmd == KF_OFD_GETLK;
	struct kflock fl;
	int err;

	if (copyin(&fl, uarg, sizeof(fl)) != 0)
		return -EFAULT;
	err = fcntl_lock_check(f, &fl, ofd);
	if (err != 0 || !get) {
		if (err == 0 && fl.l_type == KF_RDLCK && !(f->mode & FMODE_READ))
			err = -EBADF;
		if (err == 0 && fl.l_type == KF_WRLCK &&
		    !(f->mode & FMODE_WRITE))
			err = -EBADF;
		return err;
	}
	if (fl.l_type == KF_UNLCK)
		return -EINVAL;
	fl.l_type = KF_UNLCK;
	return copyout(uarg, &fl, sizeof(fl));
}

/* F_SETFL: only the status flags of KSETFL_MASK change. */
static long
fcntl_setfl(struct file *f, unsigned int flags)
{
	const struct cred *cr = current_cred();

	if ((flags & KO_NOATIME) && !(f->flags & KO_NOATIME) &&
	    cr->fsuid != 0 && cr->fsuid != f->inode->uid)
		return -EPERM;
	file_set_flags(f, KSETFL_MASK, flags);
	return 0;
}

/* The commands an O_PATH file allows (check_fcntl_cmd). */
static bool
fcntl_path_ok(unsigned int cmd)
{
	return cmd == KF_DUPFD || cmd == KF_DUPFD_CLOEXEC || cmd == KF_GETFD ||
	       cmd == KF_SETFD || cmd == KF_GETFL;
}

static long
fcntl_file(int fd, struct file *f, unsigned int cmd, unsigned long arg)
{
	struct fdtable *t = current->files;

	switch (cmd) {
	case KF_DUPFD:
	case KF_DUPFD_CLOEXEC:
		if (arg > UINT32_MAX)
			return -EINVAL;
		return fdtable_alloc(t, f, (unsigned int)arg,
				     cmd == KF_DUPFD_CLOEXEC);
	case KF_GETFD:
		return fdtable_get_cloexec(t, fd) > 0 ? KFD_CLOEXEC : 0;
	case KF_SETFD:
		return fdtable_set_cloexec(t, fd, (arg & KFD_CLOEXEC) != 0);
	case KF_GETFL:
		return f->flags & ~KO_CLOEXEC;
	case KF_SETFL:
		return fcntl_setfl(f, (unsigned int)arg);
	case KF_GETLK: case KF_SETLK: case KF_SETLKW:
	case KF_OFD_GETLK: case KF_OFD_SETLK: case KF_OFD_SETLKW:
		return fcntl_lock(f, cmd, arg);
	case KF_GETOWN:
	case KF_SETOWN:
		return 0;	/* no SIGIO yet: nobody owns anything */
	case KF_GETPIPE_SZ:
		return pipe_get_size(f);
	case KF_SETPIPE_SZ:
		return pipe_set_size(f, (unsigned int)arg);
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE3(fcntl, int, fd, unsigned int, cmd, unsigned long, arg)
{
	struct file *f;
	long err;

	err = fd_get(fd, &f);
	if (err != 0)
		return err;
	if ((f->mode & FMODE_PATH) && !fcntl_path_ok(cmd))
		err = -EBADF;
	else
		err = fcntl_file(fd, f, cmd, arg);
	file_put(f);
	return err;
}

#define KLOCK_SH	1
#define KLOCK_EX	2
#define KLOCK_NB	4
#define KLOCK_UN	8

/* flock: advisory locks on one host; checked and granted for now. */
SYSCALL_DEFINE2(flock, int, fd, unsigned int, op)
{
	unsigned int kind = op & ~KLOCK_NB;
	struct file *f;
	int err;

	err = fd_get_io(fd, &f);
	if (err != 0)
		return err;
	if (kind != KLOCK_SH && kind != KLOCK_EX && kind != KLOCK_UN)
		err = -EINVAL;
	file_put(f);
	return err;
}

/* ---- sync, sizes, advice ---- */

static long
do_fsync(int fd, bool datasync)
{
	struct file *f;
	int err;

	err = fd_get_io(fd, &f);
	if (err != 0)
		return err;
	err = vfs_fsync(f, datasync);
	file_put(f);
	return err;
}

SYSCALL_DEFINE1(fsync, int, fd)
{
	return do_fsync(fd, false);
}

SYSCALL_DEFINE1(fdatasync, int, fd)
{
	return do_fsync(fd, true);
}

SYSCALL_DEFINE2(ftruncate, int, fd, int64_t, length)
{
	struct file *f;
	int err;

	if (length < 0)
		return -EINVAL;
	err = fd_get_io(fd, &f);
	if (err != 0)
		return err;
	err = vfs_ftruncate(f, (uint64_t)length);
	file_put(f);
	return err;
}

#define KPOSIX_FADV_NOREUSE	5

SYSCALL_DEFINE4(fadvise64, int, fd, int64_t, off, int64_t, len, int, advice)
{
	struct file *f;
	int err;

	err = fd_get_io(fd, &f);
	if (err != 0)
		return err;
	if (KS_ISFIFO(f->inode->mode) || pipe_is_pipe(f))
		err = -ESPIPE;
	else if (advice < 0 || advice > KPOSIX_FADV_NOREUSE || len < 0)
		err = -EINVAL;
	(void)off;
	file_put(f);
	return err;
}

#define KFALLOC_FL_KEEP_SIZE	0x01

/* The checks of vfs_fallocate, in Linux's order. */
static int
fallocate_check(struct file *f, int mode, int64_t off, int64_t len)
{
	uint32_t type = f->inode->mode;

	if (off < 0 || len <= 0)
		return -EINVAL;
	/* Hole punching and the other modes are not supported. */
	if (mode & ~KFALLOC_FL_KEEP_SIZE)
		return -EOPNOTSUPP;
	if (!(f->mode & FMODE_WRITE))
		return -EBADF;
	if (KS_ISFIFO(type) || pipe_is_pipe(f))
		return -ESPIPE;
	if (KS_ISDIR(type))
		return -EISDIR;
	if (!KS_ISREG(type))
		return -ENODEV;
	if (off > INT64_MAX - len ||
	    (uint64_t)(off + len) > f->inode->sb->maxbytes)
		return -EFBIG;
	return 0;
}

/*
 * fallocate: mode 0 and KEEP_SIZE.  Blocks are not reserved ahead (no
 * ENOSPC now); without KEEP_SIZE the file grows to off + len.
 */
SYSCALL_DEFINE4(fallocate, int, fd, int, mode, int64_t, off, int64_t, len)
{
	struct file *f;
	int err;

	err = fd_get_io(fd, &f);
	if (err != 0)
		return err;
	err = fallocate_check(f, mode, off, len);
	if (err == 0 && !(mode & KFALLOC_FL_KEEP_SIZE) &&
	    (uint64_t)(off + len) > f->inode->size)
		err = vfs_ftruncate(f, (uint64_t)(off + len));
	file_put(f);
	return err;
}
