/*
 * System calls on file descriptors: read and write in all their forms,
 * lseek, sendfile, close, dup, close_range, ioctl, fcntl, flock, sync,
 * ftruncate, fadvise64 and fallocate (pipe(2) is in core/pipe.c, poll
 * and select in core/sys_poll.c).  Arguments are checked here as Linux
 * does; the work is done by the VFS (fs/vfs.h) on files from the
 * caller's table (fs/fdtable.h).
 *
 * Guest buffers move through a kernel bounce buffer of at most RW_CHUNK
 * bytes: an I/O vector (struct uio) is gathered or scattered a chunk at a
 * time.  Regular files and block devices are read chunk after chunk until
 * a short read; other files (pipes, terminals) get one chunk per read so
 * that a read returns what is there instead of waiting for more.  Writes
 * go on until a chunk is written short.  A transfer that fails after some
 * bytes moved returns those bytes, as Linux.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/pipe.h"
#include "core/sched.h"
#include "core/slab.h"
#include "core/syscall.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"

#define RW_MAX		0x7ffff000UL	/* MAX_RW_COUNT */
#define RW_CHUNK	(64 * KIB)	/* bounce buffer size */
#define KUIO_MAXIOV	1024
#define KUIO_FAST	8		/* iovecs kept on the stack */

#define KO_ASYNC	020000
#define KSETFL_MASK	(KO_APPEND | KO_NONBLOCK | KO_NOATIME | KO_DIRECT | \
			 KO_ASYNC)

struct kiovec {
	uint64_t base;
	uint64_t len;
};

/* A guest I/O vector being walked: iov[idx] from off on, resid left. */
struct uio {
	struct kiovec *iov;
	int cnt;
	int idx;
	size_t off;
	size_t resid;
};

/* ---- descriptors ---- */

/* The open file at fd, referenced: 0 or -EBADF. */
static int
fd_get(int fd, struct file **out)
{
	if (current->files == NULL)
		return -EBADF;
	return fdtable_file(current->files, fd, out);
}

/* fd_get, but O_PATH files do not count (fdget() in Linux). */
static int
fd_get_io(int fd, struct file **out)
{
	int err = fd_get(fd, out);

	if (err == 0 && ((*out)->mode & FMODE_PATH)) {
		file_put(*out);
		err = -EBADF;
	}
	return err;
}

/* ---- moving data between the guest and files ---- */

/* access_ok(): could [base, base + len) be guest memory at all? */
static bool
uaccess_ok(uint64_t base, uint64_t len)
{
	return len <= USER_TOP && base <= USER_TOP - len;
}

/* Move n bytes between kbuf and the vector's next bytes. */
static int
uio_move(struct uio *uio, char *kbuf, size_t n, bool to_guest)
{
	size_t done = 0, step;
	struct kiovec *v;
	int err;

	while (done < n) {
		v = &uio->iov[uio->idx];
		step = MIN(n - done, v->len - uio->off);
		if (to_guest)
			err = copyout(v->base + uio->off, kbuf + done, step);
		else
			err = copyin(kbuf + done, v->base + uio->off, step);
		if (err != 0)
			return err;
		done += step;
		uio->off += step;
		if (uio->off == v->len) {
			uio->idx++;
			uio->off = 0;
		}
	}
	uio->resid -= n;
	return 0;
}

/* One transfer of len bytes at kbuf, at pos + done or (pos < 0) at the
 * file position. */
static long
file_io(struct file *f, char *kbuf, size_t len, bool write, int64_t pos,
	size_t done)
{
	uint64_t at = (uint64_t)pos + done;	/* past INT64_MAX: -EINVAL */

	if (pos < 0)
		return write ? vfs_write(f, kbuf, len) : vfs_read(f, kbuf, len);
	if (write)
		return vfs_pwrite(f, kbuf, len, at);
	return vfs_pread(f, kbuf, len, at);
}

/*
 * Read into or write from the guest vector uio, at pos or (pos < 0) the
 * file position.  Returns the bytes moved or -errno.
 */
static long
file_rw(struct file *f, struct uio *uio, bool write, int64_t pos)
{
	bool more = write || KS_ISREG(f->inode->mode) ||
		    KS_ISBLK(f->inode->mode);
	size_t chunk = MIN(uio->resid, RW_CHUNK);
	char *kbuf = kmalloc(MAX(chunk, 8));
	long done = 0, n;

	if (kbuf == NULL)
		return -ENOMEM;
	do {
		chunk = MIN(uio->resid, RW_CHUNK);
		if (write && uio_move(uio, kbuf, chunk, false) != 0) {
			n = -EFAULT;
			break;
		}
		n = file_io(f, kbuf, chunk, write, pos, (size_t)done);
		if (n < 0)
			break;
		if (!write && uio_move(uio, kbuf, (size_t)n, true) != 0) {
			n = -EFAULT;
			break;
		}
		done += n;
	} while ((size_t)n == chunk && uio->resid > 0 && more);
	kfree(kbuf);
	return done > 0 ? done : n;
}

/* Check an fd for reading or writing before touching guest memory. */
static int
fd_get_rw(int fd, bool write, struct file **out)
{
	int err = fd_get_io(fd, out);

	if (err == 0 && !((*out)->mode & (write ? FMODE_WRITE : FMODE_READ))) {
		file_put(*out);
		err = -EBADF;
	}
	return err;
}

static long
do_rw(int fd, uintptr_t ubuf, size_t count, bool write, int64_t pos)
{
	struct kiovec v = { .base = ubuf, .len = MIN(count, RW_MAX) };
	struct uio uio = { .iov = &v, .cnt = 1, .resid = v.len };
	struct file *f;
	long n;

	n = fd_get_rw(fd, write, &f);
	if (n != 0)
		return n;
	n = uaccess_ok(ubuf, count) ? file_rw(f, &uio, write, pos) : -EFAULT;
	file_put(f);
	return n;
}

SYSCALL_DEFINE3(read, int, fd, uintptr_t, ubuf, size_t, count)
{
	return do_rw(fd, ubuf, count, false, -1);
}

SYSCALL_DEFINE3(write, int, fd, uintptr_t, ubuf, size_t, count)
{
	return do_rw(fd, ubuf, count, true, -1);
}

SYSCALL_DEFINE4(pread64, int, fd, uintptr_t, ubuf, size_t, count,
		int64_t, pos)
{
	if (pos < 0)
		return -EINVAL;
	return do_rw(fd, ubuf, count, false, pos);
}

SYSCALL_DEFINE4(pwrite64, int, fd, uintptr_t, ubuf, size_t, count,
		int64_t, pos)
{
	if (pos < 0)
		return -EINVAL;
	return do_rw(fd, ubuf, count, true, pos);
}

/* Copy in and check a guest iovec array (import_iovec). */
static int
uio_import(struct uio *uio, uintptr_t uiov, unsigned long cnt,
	   struct kiovec *fast)
{
	struct kiovec *iov = fast;
	size_t total = 0;
	int err;

	if (cnt > KUIO_MAXIOV)
		return -EINVAL;
	if (cnt > KUIO_FAST)
		iov = kmalloc(cnt * sizeof(*iov));
	if (iov == NULL)
		return -ENOMEM;
	err = cnt > 0 ? copyin(iov, uiov, cnt * sizeof(*iov)) : 0;
	for (unsigned long i = 0; i < cnt && err == 0; i++) {
		if ((int64_t)iov[i].len < 0)
			err = -EINVAL;
		else if (!uaccess_ok(iov[i].base, iov[i].len))
			err = -EFAULT;
		/* The total is clamped by shortening the vector. */
		iov[i].len = MIN(iov[i].len, RW_MAX - total);
		total += iov[i].len;
	}
	if (err == 0)
		*uio = (struct uio){ .iov = iov, .cnt = (int)cnt,
				     .resid = total };
	else if (iov != fast)
		kfree(iov);
	return err;
}

static long
do_rwv(int fd, uintptr_t uiov, unsigned long cnt, bool write, int64_t pos)
{
	struct kiovec fast[KUIO_FAST];
	struct uio uio;
	struct file *f;
	long n;

	n = fd_get_rw(fd, write, &f);
	if (n != 0)
		return n;
	n = uio_import(&uio, uiov, cnt, fast);
	if (n == 0) {
		n = cnt == 0 ? 0 : file_rw(f, &uio, write, pos);
		if (uio.iov != fast)
			kfree(uio.iov);
	}
	file_put(f);
	return n;
}

SYSCALL_DEFINE3(readv, int, fd, uintptr_t, uiov, unsigned long, cnt)
{
	return do_rwv(fd, uiov, cnt, false, -1);
}

SYSCALL_DEFINE3(writev, int, fd, uintptr_t, uiov, unsigned long, cnt)
{
	return do_rwv(fd, uiov, cnt, true, -1);
}

/* On 64-bit Linux the offset is pos_l alone; pos_h is ignored. */
SYSCALL_DEFINE5(preadv, int, fd, uintptr_t, uiov, unsigned long, cnt,
		int64_t, pos_l, uint64_t, pos_h)
{
	(void)pos_h;
	if (pos_l < 0)
		return -EINVAL;
	return do_rwv(fd, uiov, cnt, false, pos_l);
}

SYSCALL_DEFINE5(pwritev, int, fd, uintptr_t, uiov, unsigned long, cnt,
		int64_t, pos_l, uint64_t, pos_h)
{
	(void)pos_h;
	if (pos_l < 0)
		return -EINVAL;
	return do_rwv(fd, uiov, cnt, true, pos_l);
}

SYSCALL_DEFINE3(lseek, int, fd, int64_t, off, unsigned int, whence)
{
	struct file *f;
	int64_t pos;
	int err;

	err = fd_get(fd, &f);
	if (err != 0)
		return err;
	pos = whence > KSEEK_HOLE ? -EINVAL : vfs_lseek(f, off, (int)whence);
	file_put(f);
	return pos;
}

/* ---- sendfile ---- */

/* One chunk of sendfile: read at *pos (or the position), write it all. */
static long
sendfile_chunk(struct file *in, struct file *out, char *kbuf, size_t len,
	       int64_t *pos)
{
	long n, w;

	n = pos != NULL ? vfs_pread(in, kbuf, len, (uint64_t)*pos)
			: vfs_read(in, kbuf, len);
	if (n <= 0)
		return n;
	w = vfs_write(out, kbuf, (size_t)n);
	/* Give back what was read but not written. */
	if (w >= 0 && w < n && pos == NULL && !(in->mode & FMODE_STREAM))
		vfs_lseek(in, w - n, KSEEK_CUR);
	if (w > 0 && pos != NULL)
		*pos += w;
	return w;
}

static long
sendfile_copy(struct file *in, struct file *out, int64_t *pos, size_t count)
{
	bool more = KS_ISREG(in->inode->mode) || KS_ISBLK(in->inode->mode);
	char *kbuf = kmalloc(MAX(MIN(count, RW_CHUNK), 8));
	size_t chunk;
	long done = 0, n;

	if (kbuf == NULL)
		return -ENOMEM;
	do {
		chunk = MIN(count - (size_t)done, RW_CHUNK);
		n = sendfile_chunk(in, out, kbuf, chunk, pos);
		if (n > 0)
			done += n;
	} while ((size_t)n == chunk && (size_t)done < count && more);
	kfree(kbuf);
	return done > 0 ? done : n;
}

static long
sendfile_files(struct file *in, struct file *out, uintptr_t upos,
	       size_t count)
{
	int64_t pos;
	long n;

	if (!(in->mode & FMODE_READ) || !(out->mode & FMODE_WRITE))
		return -EBADF;
	if (out->flags & KO_APPEND)
		return -EINVAL;
	if (upos != 0 && copyin(&pos, upos, sizeof(pos)) != 0)
		return -EFAULT;
	if (upos != 0 && (pos < 0 || (in->mode & FMODE_STREAM)))
		return pos < 0 ? -EINVAL : -ESPIPE;
	n = count == 0 ? 0 : sendfile_copy(in, out, upos ? &pos : NULL,
					   MIN(count, RW_MAX));
	if (upos != 0 && copyout(upos, &pos, sizeof(pos)) != 0)
		return -EFAULT;
	return n;
}

SYSCALL_DEFINE4(sendfile, int, out_fd, int, in_fd, uintptr_t, upos,
		size_t, count)
{
	struct file *in, *out;
	long n;

	n = fd_get_io(in_fd, &in);
	if (n != 0)
		return n;
	n = fd_get_io(out_fd, &out);
	if (n == 0) {
		n = sendfile_files(in, out, upos, count);
		file_put(out);
	}
	file_put(in);
	return n;
}

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
