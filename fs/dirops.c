/*
 * Namespace operations on one directory: mkdir, mknod, symlink and link
 * make an entry, unlink and rmdir remove one, readlink reads a symlink.
 * Each walks to the parent directory, locks it, looks the final name up
 * in the dentry cache or the filesystem, checks what Linux checks, in
 * Linux's order (EEXIST before EROFS for creation, EROFS first for
 * removal, then permissions, then the types), and calls the filesystem's
 * inode_ops with the directory (and the victim) locked.  The dentry cache
 * follows: a new entry's negative dentry becomes positive, a removed one
 * is unhashed and lives on only while open files or cwds hold it.
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/string.h"
#include "fs/internal.h"

int
vfs_may_create(struct inode *dir, const struct cred *cr)
{
	if (dir->state & I_DEAD)
		return -ENOENT;
	return inode_permission(dir, KW_OK | KX_OK, cr);
}

int
vfs_may_delete(struct inode *dir, struct inode *victim, bool isdir,
	       const struct cred *cr)
{
	int err;

	err = inode_permission(dir, KW_OK | KX_OK, cr);
	if (err != 0)
		return err;
	/* Sticky directories: only the owner of the file or dir, or root. */
	if ((dir->mode & KS_ISVTX) && cr->fsuid != 0 &&
	    cr->fsuid != victim->uid && cr->fsuid != dir->uid)
		return -EPERM;
	if (isdir && !KS_ISDIR(victim->mode))
		return -ENOTDIR;
	if (!isdir && KS_ISDIR(victim->mode))
		return -EISDIR;
	if (dir->state & I_DEAD)
		return -ENOENT;
	return 0;
}

static struct inode *
dirops_dir(const struct nameidata *nd)
{
	return nd->path.dentry->inode;
}

/* Checks for a new entry d in nd's directory. */
static int
dirops_create_check(const struct nameidata *nd, const struct dentry *d,
		    bool is_dir)
{
	if (d->inode != NULL)
		return -EEXIST;
	/* A trailing slash asks for a directory: only mkdir makes one. */
	if (nd->trailing && !is_dir)
		return -ENOENT;
	if (mnt_readonly(nd->path.mnt))
		return -EROFS;
	return vfs_may_create(dirops_dir(nd), current_cred());
}

/*
 * Walk to path's directory and find its final name, free for a new entry:
 * on success the directory is locked and *out is the negative dentry.
 */
static int
dirops_create_start(struct nameidata *nd, const struct vpath *base,
		    const char *path, bool is_dir, struct dentry **out)
{
	struct dentry *d;
	int err;

	err = namei_start(nd, base, path);
	if (err == 0)
		err = namei_parent(nd, path);
	if (err != 0)
		return err;
	if (nd->last_type != LAST_NORM)
		return -EEXIST;
	if (nd->last_len > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	mutex_lock(&dirops_dir(nd)->lock);
	err = namei_lookup_locked(nd->path.dentry, nd->last, nd->last_len, &d);
	if (err == 0) {
		err = dirops_create_check(nd, d, is_dir);
		if (err != 0)
			dentry_put(d);
	}
	if (err != 0) {
		mutex_unlock(&dirops_dir(nd)->lock);
		return err;
	}
	*out = d;
	return 0;
}

static void
dirops_create_end(struct nameidata *nd, struct dentry *d)
{
	mutex_unlock(&dirops_dir(nd)->lock);
	dentry_put(d);
}

/* Make inode mode named d in dir through the filesystem. */
static int
dirops_make(struct inode *dir, struct dentry *d, uint32_t mode, uint32_t rdev)
{
	struct inode *inode;
	int err;

	if (dir->iops->create == NULL)
		return -EPERM;
	err = dir->iops->create(dir, d->name, d->len, mode, rdev,
				current_cred(), &inode);
	if (err == 0)
		dentry_instantiate(d, inode);
	return err;
}

int
vfs_mkdir(const struct vpath *base, const char *path, uint32_t mode)
{
	struct nameidata nd;
	struct dentry *d;
	int err;

	err = dirops_create_start(&nd, base, path, true, &d);
	if (err == 0) {
		mode = KS_IFDIR | (mode & 01777 & ~current_fs()->umask);
		err = dirops_make(dirops_dir(&nd), d, mode, 0);
		dirops_create_end(&nd, d);
	}
	namei_done(&nd);
	return err;
}

/* The type of a mknod() mode: 0 means a regular file. */
static int
dirops_mknod_type(uint32_t mode, uint32_t *type)
{
	*type = mode & KS_IFMT;
	switch (*type) {
	case 0:
		*type = KS_IFREG;
		return 0;
	case KS_IFREG:
	case KS_IFCHR:
	case KS_IFBLK:
	case KS_IFIFO:
	case KS_IFSOCK:
		return 0;
	case KS_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
}

int
vfs_mknod(const struct vpath *base, const char *path, uint32_t mode,
	  uint32_t dev)
{
	bool is_dev;
	struct nameidata nd;
	struct dentry *d;
	uint32_t type;
	int err;

	err = dirops_mknod_type(mode, &type);
	if (err != 0)
		return err;
	is_dev = type == KS_IFCHR || type == KS_IFBLK;
	err = dirops_create_start(&nd, base, path, false, &d);
	if (err == 0) {
		mode = type | (mode & 07777 & ~current_fs()->umask);
		if (is_dev && current_cred()->fsuid != 0)
			err = -EPERM;
		else
			err = dirops_make(dirops_dir(&nd), d, mode,
					  is_dev ? dev : 0);
		dirops_create_end(&nd, d);
	}
	namei_done(&nd);
	return err;
}

int
vfs_symlink(const char *target, const struct vpath *base, const char *path)
{
	struct nameidata nd;
	struct inode *dir, *inode;
	struct dentry *d;
	int err;

	if (target[0] == '\0')
		return -ENOENT;
	if (strnlen(target, VFS_PATH_MAX) >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	err = dirops_create_start(&nd, base, path, false, &d);
	if (err == 0) {
		dir = dirops_dir(&nd);
		err = dir->iops->symlink == NULL ? -EPERM :
		      dir->iops->symlink(dir, d->name, d->len, target,
					 current_cred(), &inode);
		if (err == 0)
			dentry_instantiate(d, inode);
		dirops_create_end(&nd, d);
	}
	namei_done(&nd);
	return err;
}

/* May old get another link in nd's directory? */
static int
dirops_link_check(const struct vpath *old, const struct nameidata *nd)
{
	struct inode *inode = old->dentry->inode;

	if (old->mnt != nd->path.mnt)
		return -EXDEV;
	if (KS_ISDIR(inode->mode))
		return -EPERM;
	if (inode->nlink == 0)
		return -ENOENT;
	if (dirops_dir(nd)->iops->link == NULL)
		return -EPERM;
	return 0;
}

/* Link old's inode as the new entry d of nd's locked directory. */
static int
dirops_link(const struct vpath *old, struct nameidata *nd, struct dentry *d)
{
	struct inode *dir = dirops_dir(nd), *inode = old->dentry->inode;
	int err;

	err = dirops_link_check(old, nd);
	if (err != 0)
		return err;
	mutex_lock(&inode->lock);
	err = dir->iops->link(dir, d->name, d->len, inode);
	mutex_unlock(&inode->lock);
	if (err == 0) {
		iget_ref(inode);
		dentry_instantiate(d, inode);
	}
	return err;
}

int
vfs_link(const struct vpath *obase, const char *opath,
	 const struct vpath *nbase, const char *npath, unsigned int at_flags)
{
	unsigned int lookup = at_flags & KAT_EMPTY_PATH;
	struct nameidata nd;
	struct vpath old;
	struct dentry *d;
	int err;

	if (at_flags & ~(KAT_SYMLINK_FOLLOW | KAT_EMPTY_PATH))
		return -EINVAL;
	if (!(at_flags & KAT_SYMLINK_FOLLOW))
		lookup |= KAT_SYMLINK_NOFOLLOW;
	err = vfs_lookup(obase, opath, lookup, &old);
	if (err != 0)
		return err;
	err = dirops_create_start(&nd, nbase, npath, false, &d);
	if (err == 0) {
		err = dirops_link(&old, &nd, d);
		dirops_create_end(&nd, d);
	}
	namei_done(&nd);
	vpath_put(&old);
	return err;
}

/*
 * Walk to path's directory for a removal: rmdir's answers for ".", ".."
 * and "/" come from rmdir_err, unlink gets -EISDIR.  Locks the directory
 * and returns the entry's dentry (maybe negative) in *out.
 */
static int
dirops_remove_start(struct nameidata *nd, const struct vpath *base,
		    const char *path, bool rmdir, struct dentry **out)
{
	static const int rmdir_err[] = {
		[LAST_ROOT] = -EBUSY, [LAST_DOT] = -EINVAL,
		[LAST_DOTDOT] = -ENOTEMPTY,
	};
	int err;

	err = namei_start(nd, base, path);
	if (err == 0)
		err = namei_parent(nd, path);
	if (err != 0)
		return err;
	if (nd->last_type != LAST_NORM)
		return rmdir ? rmdir_err[nd->last_type] : -EISDIR;
	if (mnt_readonly(nd->path.mnt))
		return -EROFS;
	if (nd->last_len > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	mutex_lock(&dirops_dir(nd)->lock);
	err = namei_lookup_locked(nd->path.dentry, nd->last, nd->last_len, out);
	if (err != 0)
		mutex_unlock(&dirops_dir(nd)->lock);
	return err;
}

/* Checks for removing d (a directory if rmdir) from nd's directory. */
static int
dirops_remove_check(const struct nameidata *nd, const struct dentry *d,
		    bool rmdir)
{
	int err;

	if (d->inode == NULL)
		return -ENOENT;
	/* unlink("x/"): a directory is EISDIR, anything else ENOTDIR. */
	if (!rmdir && nd->trailing)
		return KS_ISDIR(d->inode->mode) ? -EISDIR : -ENOTDIR;
	err = vfs_may_delete(dirops_dir(nd), d->inode, rmdir, current_cred());
	if (err == 0 && d->mounted)
		err = -EBUSY;
	return err;
}

/* Remove d from nd's locked directory through the filesystem. */
static int
dirops_remove(struct nameidata *nd, struct dentry *d, bool rmdir)
{
	struct inode *dir = dirops_dir(nd), *victim = d->inode;
	int err;

	err = dirops_remove_check(nd, d, rmdir);
	if (err != 0)
		return err;
	mutex_lock(&victim->lock);
	if (rmdir)
		err = dir->iops->rmdir != NULL ?
		      dir->iops->rmdir(dir, d->name, d->len, victim) : -EPERM;
	else
		err = dir->iops->unlink != NULL ?
		      dir->iops->unlink(dir, d->name, d->len, victim) : -EPERM;
	if (err == 0 && rmdir)
		inode_set_dead(victim);
	mutex_unlock(&victim->lock);
	if (err == 0)
		dcache_drop(d);
	return err;
}

static int
dirops_remove_path(const struct vpath *base, const char *path, bool rmdir)
{
	struct nameidata nd;
	struct dentry *d;
	int err;

	err = dirops_remove_start(&nd, base, path, rmdir, &d);
	if (err == 0) {
		err = dirops_remove(&nd, d, rmdir);
		mutex_unlock(&dirops_dir(&nd)->lock);
		dentry_put(d);
	}
	namei_done(&nd);
	return err;
}

int
vfs_rmdir(const struct vpath *base, const char *path)
{
	return dirops_remove_path(base, path, true);
}

int
vfs_unlink(const struct vpath *base, const char *path)
{
	return dirops_remove_path(base, path, false);
}

int
vfs_readlink(const struct vpath *base, const char *path, char *buf,
	     size_t size)
{
	unsigned int flags = KAT_SYMLINK_NOFOLLOW | KAT_EMPTY_PATH;
	struct inode *inode;
	struct vpath p;
	int n;

	if (size == 0)
		return -EINVAL;
	n = vfs_lookup(base, path, flags, &p);
	if (n != 0)
		return n;
	inode = p.dentry->inode;
	if (!KS_ISLNK(inode->mode) || inode->iops == NULL ||
	    inode->iops->readlink == NULL) {
		n = -EINVAL;
	} else {
		n = inode->iops->readlink(inode, buf, MIN(size, INT32_MAX));
		vfs_touch_atime(&p);
	}
	vpath_put(&p);
	return n;
}
