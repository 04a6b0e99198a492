/*
 * System calls that move data through file descriptors: read and write
 * in all their forms, lseek and sendfile (the other fd calls are in
 * core/sys_fd.c, pipe(2) in core/pipe.c, poll and select in
 * core/sys_poll.c).  Arguments are checked here as Linux
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

int
fd_get(int fd, struct file **out)
{
	if (current->files == NULL)
		return -EBADF;
	return fdtable_file(current->files, fd, out);
}

int
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
