/*
 * Opening files.  vfs_open() walks to the final component and either
 * looks it up (following a final symlink unless KO_NOFOLLOW) or, with
 * KO_CREAT, locks the directory and creates it if it is missing; an
 * existing final symlink is followed there too, so creating through a
 * dangling link makes its target, as on Linux.  Then come the checks of
 * may_open() (type, access mode, permissions, read-only mounts), the
 * file's operations (the inode's, generic ones for files and directories;
 * device nodes have those of fs/devices.h), the driver's open (which may
 * put its own ops in the file) and KO_TRUNC.
 *
 * An O_PATH file only names a location: it serves fstat, fchdir and as
 * the base of *at() calls.  Open files hold their vpath; the last
 * file_put() calls the driver's release and drops it.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/slab.h"
#include "core/string.h"
#include "fs/internal.h"

static const struct file_ops path_file_ops;	/* O_PATH: nothing */

void
file_get(struct file *f)
{
	unsigned long s = arch_intr_save();

	f->refcount++;
	arch_intr_restore(s);
}

void
file_put(struct file *f)
{
	unsigned long s = arch_intr_save();
	bool last;

	KASSERT(f->refcount > 0);
	last = --f->refcount == 0;
	arch_intr_restore(s);
	if (!last)
		return;
	if (f->ops->release != NULL)
		f->ops->release(f->inode, f);
	vpath_put(&f->path);
	kfree(f);
}

static int
open_flags_check(unsigned int flags)
{
	if ((flags & KO_TMPFILE) == KO_TMPFILE && !(flags & KO_PATH))
		return -EOPNOTSUPP;
	if ((flags & (KO_DIRECTORY | KO_CREAT)) == (KO_DIRECTORY | KO_CREAT) &&
	    !(flags & KO_PATH))
		return -EINVAL;
	return 0;
}

/* Create nd->last as a regular file; d is its negative dentry. */
static int
open_make(struct nameidata *nd, struct dentry *d, uint32_t mode)
{
	struct inode *dir = nd->path.dentry->inode, *inode;
	int err;

	if (mnt_readonly(nd->path.mnt))
		return -EROFS;
	err = vfs_may_create(dir, current_cred());
	if (err != 0)
		return err;
	if (dir->iops->create == NULL)
		return -EACCES;
	mode = KS_IFREG | (mode & 07777 & ~current_fs()->umask);
	err = dir->iops->create(dir, d->name, d->len, mode, 0, current_cred(),
				&inode);
	if (err == 0)
		dentry_instantiate(d, inode);
	return err;
}

/* Find nd->last with its directory locked, creating it if missing. */
static int
open_lookup_create(struct nameidata *nd, unsigned int flags, uint32_t mode,
		   struct dentry **out, bool *created)
{
	struct inode *dir = nd->path.dentry->inode;
	struct dentry *d;
	int err;

	mutex_lock(&dir->lock);
	err = namei_lookup_locked(nd->path.dentry, nd->last, nd->last_len, &d);
	if (err != 0)
		goto out_unlock;
	if (d->inode == NULL) {
		err = open_make(nd, d, mode);
		*created = err == 0;
	} else if (flags & KO_EXCL) {
		err = -EEXIST;
	}
	if (err != 0)
		dentry_put(d);
	else
		*out = d;
out_unlock:
	mutex_unlock(&dir->lock);
	return err;
}

/* The final step of an O_CREAT open: nd->path becomes the file. */
static int
open_create(struct nameidata *nd, unsigned int flags, uint32_t mode,
	    bool *created)
{
	struct vpath next;
	struct dentry *d;
	int err;

	for (;;) {
		if (nd->last_type != LAST_NORM || nd->trailing)
			return -EISDIR;
		if (nd->last_len > VFS_NAME_MAX)
			return -ENAMETOOLONG;
		*created = false;
		err = open_lookup_create(nd, flags, mode, &d, created);
		if (err != 0)
			return err;
		if (*created || (flags & KO_NOFOLLOW) ||
		    !KS_ISLNK(d->inode->mode))
			break;
		/* An existing symlink: create or open its target. */
		err = namei_trailing_link(nd, d);
		dentry_put(d);
		if (err != 0)
			return err;
	}
	next.mnt = nd->path.mnt;
	next.dentry = d;
	mnt_get(next.mnt);
	vpath_follow_mounts(&next);
	vpath_put(&nd->path);
	nd->path = next;
	return 0;
}

/* The permissions an open asks for. */
static int
open_mask(unsigned int flags)
{
	static const int acc[4] = { KR_OK, KW_OK, KR_OK | KW_OK,
				    KR_OK | KW_OK };
	int mask = acc[flags & KO_ACCMODE];

	if (flags & KO_TRUNC)
		mask |= KW_OK;
	return mask;
}

static unsigned int
open_fmode(unsigned int flags)
{
	static const unsigned int fmode[4] = { FMODE_READ, FMODE_WRITE,
					       FMODE_READ | FMODE_WRITE, 0 };

	if (flags & KO_PATH)
		return FMODE_PATH;
	return fmode[flags & KO_ACCMODE];
}

/* may_open(): may the current task open p this way? */
static int
open_may(const struct vpath *p, unsigned int flags, bool created)
{
	struct inode *inode = p->dentry->inode;
	bool dir = KS_ISDIR(inode->mode);
	const struct cred *cr = current_cred();
	int mask = open_mask(flags), err;

	if (dir && (flags & KO_CREAT) && !(flags & KO_PATH))
		return -EISDIR;
	if ((flags & KO_DIRECTORY) && !dir)
		return -ENOTDIR;
	if (flags & KO_PATH)
		return 0;
	if (KS_ISLNK(inode->mode))
		return -ELOOP;
	if (dir && (mask & KW_OK))
		return -EISDIR;
	if (created)
		return 0;
	if ((mask & KW_OK) && (KS_ISREG(inode->mode) || dir) &&
	    mnt_readonly(p->mnt))
		return -EROFS;
	err = inode_permission(inode, mask, cr);
	if (err == 0 && (flags & KO_NOATIME) && !inode_owner_or_root(inode, cr))
		err = -EPERM;
	return err;
}

/* The operations serving inode; -ENXIO if nothing does. */
static int
open_fops(const struct inode *inode, unsigned int flags,
	  const struct file_ops **out)
{
	const struct file_ops *ops = inode->fops;

	if (flags & KO_PATH) {
		ops = &path_file_ops;
	} else if (KS_ISREG(inode->mode)) {
		ops = ops != NULL ? ops : &generic_file_ops;
	} else if (KS_ISDIR(inode->mode)) {
		ops = ops != NULL ? ops : &generic_dir_ops;
	}
	/*
	 * Device nodes carry the fops of fs/devices.h (init_special_inode);
	 * FIFOs get none until pipes exist, sockets never: -ENXIO.
	 */
	*out = ops;
	return ops != NULL ? 0 : -ENXIO;
}

/* Make the open file for p and let its driver open it. */
static int
open_file(const struct vpath *p, unsigned int flags, struct file **out)
{
	struct inode *inode = p->dentry->inode;
	const struct file_ops *ops;
	struct file *f;
	int err;

	err = open_fops(inode, flags, &ops);
	if (err != 0)
		return err;
	f = kzalloc(sizeof(*f));
	if (f == NULL)
		return -ENOMEM;
	f->path = *p;
	vpath_get(p);
	f->inode = inode;
	/* The driver's open sees KO_NOCTTY (a tty); the file keeps none. */
	f->flags = flags;
	f->mode = open_fmode(flags);
	f->ops = ops;
	f->refcount = 1;
	mutex_init(&f->pos_lock, "f_pos");
	err = ops->open != NULL ? ops->open(inode, f) : 0;
	if (err != 0) {
		vpath_put(&f->path);
		kfree(f);
		return err;
	}
	f->flags &= ~(KO_CREAT | KO_EXCL | KO_NOCTTY | KO_TRUNC);
	*out = f;
	return 0;
}

static int
open_truncate(struct file *f)
{
	struct inode *inode = f->inode;
	int err;

	mutex_lock(&inode->lock);
	err = vfs_do_truncate(inode, 0, true);
	mutex_unlock(&inode->lock);
	return err;
}

int
vfs_open_path(const struct vpath *p, unsigned int flags, struct file **out)
{
	int err = open_flags_check(flags);

	if (err == 0 && (flags & KO_CREAT))
		err = -EINVAL;
	if (err == 0)
		err = open_may(p, flags, false);
	if (err == 0)
		err = open_file(p, flags, out);
	if (err == 0 && (flags & KO_TRUNC) && !(flags & KO_PATH) &&
	    KS_ISREG((*out)->inode->mode)) {
		err = open_truncate(*out);
		if (err != 0)
			file_put(*out);
	}
	return err;
}

int
vfs_open(const struct vpath *base, const char *path, unsigned int flags,
	 uint32_t mode, struct file **out)
{
	bool creat = (flags & KO_CREAT) && !(flags & KO_PATH);
	bool created = false;
	struct nameidata nd;
	int err;

	err = open_flags_check(flags);
	if (err != 0)
		return err;
	err = namei_start(&nd, base, path);
	if (err == 0)
		err = namei_parent(&nd, path);
	if (err == 0 && creat)
		err = open_create(&nd, flags, mode, &created);
	else if (err == 0)
		err = namei_last(&nd, !(flags & KO_NOFOLLOW));
	if (err == 0)
		err = open_may(&nd.path, flags, created);
	if (err == 0)
		err = open_file(&nd.path, flags, out);
	if (err == 0 && (flags & KO_TRUNC) && !created && !(flags & KO_PATH) &&
	    KS_ISREG((*out)->inode->mode)) {
		err = open_truncate(*out);
		if (err != 0)
			file_put(*out);
	}
	namei_done(&nd);
	return err;
}
