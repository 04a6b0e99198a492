/*
 * getdents64(2): the filesystem's readdir walks the directory from the
 * file's cookie and emits entries, which become Linux struct kdirent64
 * records (8-byte aligned reclen, NUL-terminated name, d_type) in the
 * caller's buffer.  A record's d_off is the cookie of the entry after it,
 * which is the filesystem's *pos when it emits that next entry (or when
 * it returns), so seekdir(telldir()) resumes right after the record.
 *
 * The file's pos_lock and then the directory's lock are held throughout,
 * so entries do not change under the walk; cookies stay valid across
 * unlinks because the filesystem's do.
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/string.h"
#include "fs/internal.h"

#define DIRENT_NAME_OFF		offsetof(struct kdirent64, d_name)
#define DIRENT_OFF_OFF		offsetof(struct kdirent64, d_off)

struct getdents_ctx {
	char *buf;
	size_t size;		/* of buf */
	size_t used;		/* bytes of records so far */
	size_t prev;		/* offset of the last record, or SIZE_MAX */
	const uint64_t *pos;	/* the filesystem's cursor */
	int err;		/* -EINVAL: not even one record fits */
};

/* Set the d_off of the last record (which may be unaligned in buf). */
static void
getdents_set_off(struct getdents_ctx *c, uint64_t off)
{
	int64_t v = (int64_t)off;

	if (c->prev != SIZE_MAX)
		memcpy(c->buf + c->prev + DIRENT_OFF_OFF, &v, sizeof(v));
}

static bool
getdents_emit(void *arg, const char *name, size_t len, uint64_t ino,
	      unsigned int type)
{
	struct getdents_ctx *c = arg;
	size_t reclen = ALIGN_UP(DIRENT_NAME_OFF + len + 1, 8);
	struct kdirent64 hdr;
	char *rec;

	getdents_set_off(c, *c->pos);
	if (reclen > c->size - c->used) {
		if (c->used == 0)
			c->err = -EINVAL;
		return false;
	}
	rec = c->buf + c->used;
	memset(&hdr, 0, sizeof(hdr));
	hdr.d_ino = ino;
	hdr.d_reclen = (uint16_t)reclen;
	hdr.d_type = (uint8_t)type;
	memcpy(rec, &hdr, DIRENT_NAME_OFF);
	memcpy(rec + DIRENT_NAME_OFF, name, len);
	memset(rec + DIRENT_NAME_OFF + len, 0, reclen - DIRENT_NAME_OFF - len);
	c->prev = c->used;
	c->used += reclen;
	return true;
}

/* Fill c from the locked directory f; returns readdir's result. */
static int
getdents_fill(struct file *f, struct getdents_ctx *c)
{
	struct inode *dir = f->inode;
	uint64_t pos = f->pos;
	int err;

	if (dir->state & I_DEAD)
		return -ENOENT;
	c->pos = &pos;
	err = dir->iops->readdir(dir, &pos, getdents_emit, c);
	getdents_set_off(c, pos);
	f->pos = pos;
	if (!(f->flags & KO_NOATIME))
		vfs_touch_atime_locked(&f->path);
	return err;
}

long
vfs_getdents64(struct file *f, void *buf, size_t len)
{
	struct getdents_ctx c = {
		.buf = buf, .size = len, .prev = SIZE_MAX,
	};
	struct inode *dir = f->inode;
	int err;

	if ((f->mode & FMODE_PATH) || !(f->mode & FMODE_READ))
		return -EBADF;
	if (!KS_ISDIR(dir->mode) || dir->iops->readdir == NULL)
		return -ENOTDIR;
	mutex_lock(&f->pos_lock);
	mutex_lock(&dir->lock);
	err = getdents_fill(f, &c);
	mutex_unlock(&dir->lock);
	mutex_unlock(&f->pos_lock);
	if (c.used > 0)
		return (long)c.used;
	return c.err != 0 ? c.err : err;
}

const struct file_ops generic_dir_ops = {
	.fsync = generic_file_fsync,
};
