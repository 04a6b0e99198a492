/*
 * Reading and writing open files: vfs_read/write and their positioned
 * forms, lseek, fsync and ftruncate check the file's mode and hand over
 * to its file_ops; the generic file_ops move data of regular files
 * through the page cache.  Writes take the inode lock, go to the end of
 * the file under O_APPEND (pwrite too, as on Linux), stop at the
 * filesystem's maxbytes (-EFBIG), clear setuid/setgid for non-root
 * writers and set mtime/ctime; reads set atime the relatime way.
 *
 * The file position is guarded by file.pos_lock, taken before the inode
 * lock; stream files (FMODE_STREAM) have no position.
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "fs/internal.h"
#include "fs/pagecache.h"
#include "fs/writeback.h"

#define RW_MAX		0x7ffff000UL	/* bytes per call, as Linux */
#define ATIME_MAX_AGE	(24 * 60 * 60)	/* relatime: at least daily */

/* relatime: update atime if it is older than mtime/ctime or a day. */
static bool
atime_needs_update(const struct inode *inode, struct ktimespec now)
{
	if (ktime_cmp(inode->atime, inode->mtime) <= 0 ||
	    ktime_cmp(inode->atime, inode->ctime) <= 0)
		return true;
	return now.tv_sec - inode->atime.tv_sec >= ATIME_MAX_AGE;
}

void
vfs_touch_atime_locked(const struct vpath *p)
{
	struct inode *inode = p->dentry->inode;
	struct ktimespec now = vfs_now();

	if (mnt_readonly(p->mnt) || !atime_needs_update(inode, now))
		return;
	inode->atime = now;
	inode_mark_dirty(inode);
}

void
vfs_touch_atime(const struct vpath *p)
{
	struct inode *inode = p->dentry->inode;

	if (mnt_readonly(p->mnt) || !atime_needs_update(inode, vfs_now()))
		return;
	mutex_lock(&inode->lock);
	vfs_touch_atime_locked(p);
	mutex_unlock(&inode->lock);
}

static void
file_accessed(struct file *f)
{
	if (!(f->flags & KO_NOATIME))
		vfs_touch_atime(&f->path);
}

void
vfs_kill_suid(struct inode *inode, const struct cred *cr)
{
	const uint32_t sgid_exec = KS_ISGID | 0010;
	uint32_t mode = inode->mode;

	if (cr->fsuid == 0 || !KS_ISREG(mode))
		return;
	mode &= ~KS_ISUID;
	if ((mode & sgid_exec) == sgid_exec)
		mode &= ~KS_ISGID;
	if (mode == inode->mode)
		return;
	inode->mode = mode;
	inode->ctime = vfs_now();
	inode_mark_dirty(inode);
}

int
generic_write_checks(struct file *f, uint64_t *pos, size_t *len)
{
	struct inode *inode = f->inode;
	uint64_t max = inode->sb->maxbytes;

	if (f->flags & KO_APPEND)
		*pos = inode->size;
	if (*len == 0)
		return 0;
	if (*pos >= max)
		return -EFBIG;
	if (*len > max - *pos)
		*len = (size_t)(max - *pos);
	vfs_kill_suid(inode, current_cred());
	inode->mtime = inode->ctime = vfs_now();
	inode_mark_dirty(inode);
	return 0;
}

long
generic_file_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	long n = pagecache_read(f->inode, buf, len, *pos);

	if (n > 0)
		*pos += (uint64_t)n;
	if (n >= 0)
		file_accessed(f);
	return n;
}

long
generic_file_write(struct file *f, const void *buf, size_t len,
		   uint64_t *pos)
{
	struct inode *inode = f->inode;
	long n;

	mutex_lock(&inode->lock);
	n = generic_write_checks(f, pos, &len);
	if (n == 0 && len > 0)
		n = pagecache_write(inode, buf, len, *pos);
	if (n > 0) {
		*pos += (uint64_t)n;
		inode_mark_dirty(inode);	/* the size may have grown */
	}
	mutex_unlock(&inode->lock);
	return n;
}

int
generic_file_fsync(struct file *f, bool datasync)
{
	return writeback_inode(f->inode, datasync);
}

const struct file_ops generic_file_ops = {
	.read = generic_file_read,
	.write = generic_file_write,
	.fsync = generic_file_fsync,
};

/* May f be read (want FMODE_READ) or written (FMODE_WRITE)? */
static int
rw_check(const struct file *f, unsigned int want)
{
	if (!(f->mode & want))
		return -EBADF;
	if (KS_ISDIR(f->inode->mode))
		return -EISDIR;
	if (want == FMODE_READ ? f->ops->read == NULL : f->ops->write == NULL)
		return -EINVAL;
	return 0;
}

long
vfs_read(struct file *f, void *buf, size_t len)
{
	uint64_t pos = 0;
	long n = rw_check(f, FMODE_READ);

	if (n != 0)
		return n;
	len = MIN(len, RW_MAX);
	if (f->mode & FMODE_STREAM)
		return f->ops->read(f, buf, len, &pos);
	mutex_lock(&f->pos_lock);
	pos = f->pos;
	n = f->ops->read(f, buf, len, &pos);
	if (n >= 0)
		f->pos = pos;
	mutex_unlock(&f->pos_lock);
	return n;
}

long
vfs_write(struct file *f, const void *buf, size_t len)
{
	uint64_t pos = 0;
	long n = rw_check(f, FMODE_WRITE);

	if (n != 0)
		return n;
	len = MIN(len, RW_MAX);
	if (f->mode & FMODE_STREAM)
		return f->ops->write(f, buf, len, &pos);
	mutex_lock(&f->pos_lock);
	pos = f->pos;
	n = f->ops->write(f, buf, len, &pos);
	if (n >= 0)
		f->pos = pos;
	mutex_unlock(&f->pos_lock);
	return n;
}

static int
rw_check_at(const struct file *f, unsigned int want, uint64_t pos)
{
	int err = rw_check(f, want);

	if (err == 0 && (f->mode & FMODE_STREAM))
		err = -ESPIPE;
	if (err == 0 && pos > INT64_MAX)
		err = -EINVAL;
	return err;
}

long
vfs_pread(struct file *f, void *buf, size_t len, uint64_t pos)
{
	long n = rw_check_at(f, FMODE_READ, pos);

	if (n != 0)
		return n;
	return f->ops->read(f, buf, MIN(len, RW_MAX), &pos);
}

long
vfs_pwrite(struct file *f, const void *buf, size_t len, uint64_t pos)
{
	long n = rw_check_at(f, FMODE_WRITE, pos);

	if (n != 0)
		return n;
	return f->ops->write(f, buf, MIN(len, RW_MAX), &pos);
}

/* The position whence/off asks for; pos_lock held. */
static int64_t
lseek_target(struct file *f, int64_t off, int whence)
{
	struct inode *inode = f->inode;
	bool dir = KS_ISDIR(inode->mode);
	int64_t base, size = (int64_t)inode->size, pos;

	if (whence == KSEEK_SET)
		base = 0;
	else if (whence == KSEEK_CUR)
		base = (int64_t)f->pos;
	else if (whence == KSEEK_END && !dir)
		base = size;
	else if ((whence == KSEEK_DATA || whence == KSEEK_HOLE) && !dir)
		return off < 0 || off >= size ? -ENXIO
		       : whence == KSEEK_DATA ? off : size;
	else
		return -EINVAL;
	if (__builtin_add_overflow(base, off, &pos) || pos < 0)
		return -EINVAL;
	if (!dir && (uint64_t)pos > inode->sb->maxbytes)
		return -EINVAL;
	return pos;
}

int64_t
vfs_lseek(struct file *f, int64_t off, int whence)
{
	int64_t pos;

	if (f->mode & FMODE_PATH)
		return -EBADF;
	if (f->mode & FMODE_STREAM)
		return -ESPIPE;
	mutex_lock(&f->pos_lock);
	pos = lseek_target(f, off, whence);
	if (pos >= 0)
		f->pos = (uint64_t)pos;
	mutex_unlock(&f->pos_lock);
	return pos;
}

int
vfs_fsync(struct file *f, bool datasync)
{
	if (f->mode & FMODE_PATH)
		return -EBADF;
	if (f->ops->fsync == NULL)
		return -EINVAL;
	return f->ops->fsync(f, datasync);
}

int
vfs_ftruncate(struct file *f, uint64_t size)
{
	struct inode *inode = f->inode;
	int err;

	if (f->mode & FMODE_PATH)
		return -EBADF;
	if (!(f->mode & FMODE_WRITE) || !KS_ISREG(inode->mode))
		return -EINVAL;
	if (mnt_readonly(f->path.mnt))
		return -EROFS;
	mutex_lock(&inode->lock);
	err = vfs_do_truncate(inode, size, false);
	mutex_unlock(&inode->lock);
	return err;
}
