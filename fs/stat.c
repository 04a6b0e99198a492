/*
 * Attributes: stat, access, chmod, chown, utimens, truncate and statfs,
 * by path and by open file.  The VFS changes the inode's fields itself
 * with the inode lock held, sets ctime on every change and queues the
 * inode for write-back; the filesystem writes it with write_inode (and
 * frees blocks through inode_ops.truncate).  Who may do what follows
 * Linux: EROFS first, then the owner-or-root rules of setattr_prepare
 * (EPERM), write permission for touching times (EACCES).
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/string.h"
#include "fs/internal.h"
#include "fs/pagecache.h"

#define ST_RDONLY	0x0001	/* statfs f_flags */
#define ST_VALID	0x0020

static int
stat_lookup(const struct vpath *base, const char *path,
	    unsigned int at_flags, unsigned int allowed, struct vpath *out)
{
	if (at_flags & ~allowed)
		return -EINVAL;
	return vfs_lookup(base, path, at_flags, out);
}

int
vfs_stat(const struct vpath *base, const char *path, unsigned int at_flags,
	 struct kstat *st)
{
	struct vpath p;
	int err;

	err = stat_lookup(base, path, at_flags,
			  KAT_SYMLINK_NOFOLLOW | KAT_EMPTY_PATH, &p);
	if (err != 0)
		return err;
	inode_stat(p.dentry->inode, st);
	vpath_put(&p);
	return 0;
}

int
vfs_fstat(struct file *f, struct kstat *st)
{
	inode_stat(f->inode, st);
	return 0;
}

int
vfs_access(const struct vpath *base, const char *path, int mode,
	   unsigned int at_flags)
{
	struct cred cr = *current_cred();
	struct inode *inode;
	struct vpath p;
	int err;

	if (mode & ~(KR_OK | KW_OK | KX_OK))
		return -EINVAL;
	err = stat_lookup(base, path, at_flags, KAT_SYMLINK_NOFOLLOW |
			  KAT_EACCESS | KAT_EMPTY_PATH, &p);
	if (err != 0)
		return err;
	/* access() asks for the real ids; faccessat(AT_EACCESS) not. */
	if (!(at_flags & KAT_EACCESS)) {
		cr.fsuid = cr.uid;
		cr.fsgid = cr.gid;
	}
	inode = p.dentry->inode;
	if ((mode & KW_OK) && mnt_readonly(p.mnt) &&
	    (KS_ISREG(inode->mode) || KS_ISDIR(inode->mode) ||
	     KS_ISLNK(inode->mode)))
		err = -EROFS;
	else if (mode != KF_OK)
		err = inode_permission(inode, mode, &cr);
	vpath_put(&p);
	return err;
}

/* The inode changed: ctime and write-back. */
static void
stat_changed(struct inode *inode)
{
	inode->ctime = vfs_now();
	inode_mark_dirty(inode);
}

static int
stat_chmod(const struct vpath *p, uint32_t mode)
{
	struct inode *inode = p->dentry->inode;
	const struct cred *cr = current_cred();

	if (mnt_readonly(p->mnt))
		return -EROFS;
	if (!inode_owner_or_root(inode, cr))
		return -EPERM;
	mutex_lock(&inode->lock);
	mode &= 07777;
	if (cr->fsuid != 0 && !cred_in_group(cr, inode->gid))
		mode &= ~KS_ISGID;
	inode->mode = (inode->mode & KS_IFMT) | mode;
	stat_changed(inode);
	mutex_unlock(&inode->lock);
	return 0;
}

int
vfs_chmod(const struct vpath *base, const char *path, uint32_t mode,
	  unsigned int at_flags)
{
	struct vpath p;
	int err;

	err = stat_lookup(base, path, at_flags,
			  KAT_SYMLINK_NOFOLLOW | KAT_EMPTY_PATH, &p);
	if (err != 0)
		return err;
	if (KS_ISLNK(p.dentry->inode->mode))
		err = -EOPNOTSUPP;	/* fchmodat2(AT_SYMLINK_NOFOLLOW) */
	else
		err = stat_chmod(&p, mode);
	vpath_put(&p);
	return err;
}

int
vfs_fchmod(struct file *f, uint32_t mode)
{
	if (f->mode & FMODE_PATH)
		return -EBADF;
	return stat_chmod(&f->path, mode);
}

/* chown_ok() and chgrp_ok() of Linux for a non-root caller. */
static bool
stat_chown_ok(const struct inode *inode, uint32_t uid, uint32_t gid,
	      const struct cred *cr)
{
	bool owner = cr->fsuid == inode->uid;

	if (cr->fsuid == 0)
		return true;
	if (uid != (uint32_t)-1 && !(owner && uid == inode->uid))
		return false;
	if (gid != (uint32_t)-1 &&
	    !(owner && (gid == inode->gid || cred_in_group(cr, gid))))
		return false;
	return true;
}

static int
stat_chown(const struct vpath *p, uint32_t uid, uint32_t gid)
{
	const uint32_t sgid_exec = KS_ISGID | 0010;
	struct inode *inode = p->dentry->inode;
	int err = 0;

	if (mnt_readonly(p->mnt))
		return -EROFS;
	mutex_lock(&inode->lock);
	if (!stat_chown_ok(inode, uid, gid, current_cred())) {
		err = -EPERM;
		goto out_unlock;
	}
	if (uid != (uint32_t)-1)
		inode->uid = uid;
	if (gid != (uint32_t)-1)
		inode->gid = gid;
	/* A change of owner drops setuid, and setgid of executables. */
	if (!KS_ISDIR(inode->mode)) {
		inode->mode &= ~KS_ISUID;
		if ((inode->mode & sgid_exec) == sgid_exec)
			inode->mode &= ~KS_ISGID;
	}
	stat_changed(inode);
out_unlock:
	mutex_unlock(&inode->lock);
	return err;
}

int
vfs_chown(const struct vpath *base, const char *path, uint32_t uid,
	  uint32_t gid, unsigned int at_flags)
{
	struct vpath p;
	int err;

	err = stat_lookup(base, path, at_flags,
			  KAT_SYMLINK_NOFOLLOW | KAT_EMPTY_PATH, &p);
	if (err != 0)
		return err;
	err = stat_chown(&p, uid, gid);
	vpath_put(&p);
	return err;
}

int
vfs_fchown(struct file *f, uint32_t uid, uint32_t gid)
{
	if (f->mode & FMODE_PATH)
		return -EBADF;
	return stat_chown(&f->path, uid, gid);
}

static bool
utime_valid(const struct ktimespec *t)
{
	return t->tv_nsec == KUTIME_NOW || t->tv_nsec == KUTIME_OMIT ||
	       (t->tv_nsec >= 0 && t->tv_nsec < (int64_t)NSEC_PER_SEC);
}

/* One new time: t as given, now, or old unchanged. */
static struct ktimespec
utime_pick(const struct ktimespec *t, struct ktimespec old,
	   struct ktimespec now)
{
	if (t == NULL || t->tv_nsec == KUTIME_NOW)
		return now;
	return t->tv_nsec == KUTIME_OMIT ? old : *t;
}

/* Does ts set a time explicitly (not only now or unchanged)? */
static bool
utime_sets(const struct ktimespec ts[2])
{
	for (int i = 0; ts != NULL && i < 2; i++) {
		if (ts[i].tv_nsec != KUTIME_NOW && ts[i].tv_nsec != KUTIME_OMIT)
			return true;
	}
	return false;
}

static int
stat_utimens(const struct vpath *p, const struct ktimespec ts[2])
{
	struct inode *inode = p->dentry->inode;
	const struct cred *cr = current_cred();
	struct ktimespec now = vfs_now();
	int err;

	if (mnt_readonly(p->mnt))
		return -EROFS;
	if (!inode_owner_or_root(inode, cr)) {
		if (utime_sets(ts))
			return -EPERM;
		err = inode_permission(inode, KW_OK, cr);
		if (err != 0)
			return err;
	}
	mutex_lock(&inode->lock);
	inode->atime = utime_pick(ts != NULL ? &ts[0] : NULL, inode->atime,
				  now);
	inode->mtime = utime_pick(ts != NULL ? &ts[1] : NULL, inode->mtime,
				  now);
	inode->ctime = now;
	inode_mark_dirty(inode);
	mutex_unlock(&inode->lock);
	return 0;
}

int
vfs_utimens(const struct vpath *base, const char *path,
	    const struct ktimespec ts[2], unsigned int at_flags)
{
	struct vpath p;
	int err;

	/* Both omitted: nothing to do, not even a lookup (as Linux). */
	if (ts != NULL && ts[0].tv_nsec == KUTIME_OMIT &&
	    ts[1].tv_nsec == KUTIME_OMIT)
		return 0;
	if (ts != NULL && (!utime_valid(&ts[0]) || !utime_valid(&ts[1])))
		return -EINVAL;
	err = stat_lookup(base, path, at_flags,
			  KAT_SYMLINK_NOFOLLOW | KAT_EMPTY_PATH, &p);
	if (err != 0)
		return err;
	err = stat_utimens(&p, ts);
	vpath_put(&p);
	return err;
}

int
vfs_futimens(struct file *f, const struct ktimespec ts[2])
{
	if (f->mode & FMODE_PATH)
		return -EBADF;
	if (ts != NULL && ts[0].tv_nsec == KUTIME_OMIT &&
	    ts[1].tv_nsec == KUTIME_OMIT)
		return 0;
	if (ts != NULL && (!utime_valid(&ts[0]) || !utime_valid(&ts[1])))
		return -EINVAL;
	return stat_utimens(&f->path, ts);
}

int
vfs_do_truncate(struct inode *inode, uint64_t size, bool always_times)
{
	uint64_t old = inode->size;
	int err;

	if (size > INT64_MAX)
		return -EINVAL;
	if (size > inode->sb->maxbytes)
		return -EFBIG;
	if (inode->iops == NULL || inode->iops->truncate == NULL)
		return -EINVAL;
	/* The page cache wants the old size still (see pagecache.h). */
	if (size != old) {
		err = pagecache_truncate(inode, size);
		if (err != 0)
			return err;
	}
	inode->size = size;
	err = inode->iops->truncate(inode, size);
	if (err != 0) {
		inode->size = old;
		return err;
	}
	vfs_kill_suid(inode, current_cred());
	if (always_times || size != old)
		inode->mtime = inode->ctime = vfs_now();
	inode_mark_dirty(inode);
	return 0;
}

int
vfs_truncate(const struct vpath *base, const char *path, uint64_t size)
{
	struct inode *inode;
	struct vpath p;
	int err;

	err = vfs_lookup(base, path, 0, &p);
	if (err != 0)
		return err;
	inode = p.dentry->inode;
	if (KS_ISDIR(inode->mode))
		err = -EISDIR;
	else if (!KS_ISREG(inode->mode))
		err = -EINVAL;
	else if (mnt_readonly(p.mnt))
		err = -EROFS;
	else
		err = inode_permission(inode, KW_OK, current_cred());
	if (err == 0) {
		mutex_lock(&inode->lock);
		err = vfs_do_truncate(inode, size, false);
		mutex_unlock(&inode->lock);
	}
	vpath_put(&p);
	return err;
}

int
vfs_statfs_path(const struct vpath *p, struct kstatfs *st)
{
	struct super_block *sb = p->mnt->sb;
	int err = 0;

	memset(st, 0, sizeof(*st));
	if (sb->ops->statfs != NULL)
		err = sb->ops->statfs(sb, st);
	if (err != 0)
		return err;
	if (st->f_type == 0)
		st->f_type = (int64_t)sb->magic;
	if (st->f_namelen == 0)
		st->f_namelen = VFS_NAME_MAX;
	if (st->f_fsid[0] == 0 && st->f_fsid[1] == 0)
		st->f_fsid[0] = (int32_t)sb->dev;
	st->f_flags = ST_VALID | (mnt_readonly(p->mnt) ? ST_RDONLY : 0);
	return 0;
}

int
vfs_statfs(const struct vpath *base, const char *path, struct kstatfs *st)
{
	struct vpath p;
	int err;

	err = vfs_lookup(base, path, 0, &p);
	if (err != 0)
		return err;
	err = vfs_statfs_path(&p, st);
	vpath_put(&p);
	return err;
}

int
vfs_fstatfs(struct file *f, struct kstatfs *st)
{
	return vfs_statfs_path(&f->path, st);
}
