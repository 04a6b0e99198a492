/*
 * rename(2) and renameat2(2): move an entry to another name, in the same
 * directory or another one of the same mount, replacing what the new
 * name held (with KRENAME_NOREPLACE: refusing to) or swapping the two
 * (KRENAME_EXCHANGE).  The VFS checks the type rules, that a directory
 * does not move into its own subtree, permissions and sticky bits and
 * mount points, in Linux's order; the filesystem moves the entry and
 * keeps link counts and "..".  The moved dentry is renamed in the cache,
 * so open files, cwds and getcwd follow it.
 *
 * Renames between directories hold vfs_rename_mutex, which keeps the tree
 * shape still while the ancestry is checked and the two directories are
 * locked: an ancestor first, otherwise in address order.  Renames within
 * one directory only lock it, as on Linux.
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/slab.h"
#include "core/string.h"
#include "fs/internal.h"

static struct mutex vfs_rename_mutex =
	MUTEX_INIT(vfs_rename_mutex, "rename");

struct rename_req {
	struct nameidata old, new;	/* walks to the two directories */
	struct dentry *od, *nd;		/* the entries (nd may be negative) */
	unsigned int flags;
	bool cross;			/* two directories: vfs_rename_mutex */
};

static struct inode *
rename_odir(const struct rename_req *r)
{
	return r->old.path.dentry->inode;
}

static struct inode *
rename_ndir(const struct rename_req *r)
{
	return r->new.path.dentry->inode;
}

static int
rename_flags_check(unsigned int flags)
{
	if (flags & ~(KRENAME_NOREPLACE | KRENAME_EXCHANGE))
		return -EINVAL;
	if ((flags & KRENAME_NOREPLACE) && (flags & KRENAME_EXCHANGE))
		return -EINVAL;
	return 0;
}

/* Walk to both directories and check what needs no lock. */
static int
rename_walk(struct rename_req *r, const struct vpath *obase,
	    const char *opath, const struct vpath *nbase, const char *npath)
{
	int err;

	err = namei_start(&r->old, obase, opath);
	if (err == 0)
		err = namei_parent(&r->old, opath);
	if (err == 0)
		err = namei_start(&r->new, nbase, npath);
	if (err == 0)
		err = namei_parent(&r->new, npath);
	if (err != 0)
		return err;
	if (r->old.path.mnt != r->new.path.mnt)
		return -EXDEV;
	if (r->old.last_type != LAST_NORM)
		return -EBUSY;
	if (r->new.last_type != LAST_NORM)
		return (r->flags & KRENAME_NOREPLACE) ? -EEXIST : -EBUSY;
	if (mnt_readonly(r->old.path.mnt))
		return -EROFS;
	if (r->old.last_len > VFS_NAME_MAX || r->new.last_len > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	return 0;
}

static void
rename_lock(struct rename_req *r)
{
	struct dentry *a = r->old.path.dentry, *b = r->new.path.dentry, *t;

	if (a == b) {
		mutex_lock(&a->inode->lock);
		return;
	}
	mutex_lock(&vfs_rename_mutex);
	r->cross = true;
	if (dentry_is_ancestor(b, a) ||
	    (!dentry_is_ancestor(a, b) &&
	     (uintptr_t)b->inode < (uintptr_t)a->inode)) {
		t = a;
		a = b;
		b = t;
	}
	mutex_lock(&a->inode->lock);
	mutex_lock(&b->inode->lock);
}

static void
rename_unlock(struct rename_req *r)
{
	if (r->nd != NULL)
		dentry_put(r->nd);
	if (r->od != NULL)
		dentry_put(r->od);
	mutex_unlock(&rename_odir(r)->lock);
	if (!r->cross)
		return;
	mutex_unlock(&rename_ndir(r)->lock);
	mutex_unlock(&vfs_rename_mutex);
}

static int
rename_lookup(struct rename_req *r)
{
	int err;

	err = namei_lookup_locked(r->old.path.dentry, r->old.last,
				  r->old.last_len, &r->od);
	if (err != 0)
		return err;
	if (r->od->inode == NULL)
		return -ENOENT;
	return namei_lookup_locked(r->new.path.dentry, r->new.last,
				   r->new.last_len, &r->nd);
}

/* Permissions on both sides (vfs_rename in Linux). */
static int
rename_may(const struct rename_req *r)
{
	struct inode *src = r->od->inode, *tgt = r->nd->inode;
	bool is_dir = KS_ISDIR(src->mode);
	bool exchange = (r->flags & KRENAME_EXCHANGE) != 0;
	const struct cred *cr = current_cred();
	int err;

	err = vfs_may_delete(rename_odir(r), src, is_dir, cr);
	if (err == 0 && tgt == NULL)
		err = vfs_may_create(rename_ndir(r), cr);
	else if (err == 0)
		err = vfs_may_delete(rename_ndir(r), tgt,
				     exchange ? KS_ISDIR(tgt->mode) : is_dir,
				     cr);
	if (err == 0 && rename_odir(r)->iops->rename == NULL)
		err = -EPERM;
	if (err != 0 || !r->cross)
		return err;
	/* A directory changing parents has its ".." rewritten. */
	if (is_dir)
		err = inode_permission(src, KW_OK, cr);
	if (err == 0 && exchange && KS_ISDIR(tgt->mode))
		err = inode_permission(tgt, KW_OK, cr);
	return err;
}

/* The checks of renameat2 with both directories locked; 1: a no-op. */
static int
rename_checks(const struct rename_req *r)
{
	struct inode *src = r->od->inode, *tgt = r->nd->inode;
	bool exchange = (r->flags & KRENAME_EXCHANGE) != 0;
	int err;

	if ((r->flags & KRENAME_NOREPLACE) && tgt != NULL)
		return -EEXIST;
	if (exchange && tgt == NULL)
		return -ENOENT;
	if (exchange && !KS_ISDIR(tgt->mode) && r->new.trailing)
		return -ENOTDIR;
	if (!KS_ISDIR(src->mode) &&
	    (r->old.trailing || (!exchange && r->new.trailing)))
		return -ENOTDIR;
	if (dentry_is_ancestor(r->od, r->new.path.dentry))
		return -EINVAL;
	if (tgt != NULL && dentry_is_ancestor(r->nd, r->old.path.dentry))
		return exchange ? -EINVAL : -ENOTEMPTY;
	if (src == tgt)
		return 1;
	err = rename_may(r);
	if (err == 0 && (r->od->mounted || r->nd->mounted))
		err = -EBUSY;
	return err;
}

/* Let the filesystem move the entry, then the dentry cache. */
static int
rename_do(struct rename_req *r)
{
	struct inode *odir = rename_odir(r), *victim = r->nd->inode;
	bool exchange = (r->flags & KRENAME_EXCHANGE) != 0;
	char *name = NULL;
	int err;

	if (!exchange) {
		name = dentry_name_dup(r->new.last, r->new.last_len);
		if (name == NULL)
			return -ENOMEM;
	}
	if (victim != NULL)
		mutex_lock(&victim->lock);
	err = odir->iops->rename(odir, r->od->name, r->od->len,
				 rename_ndir(r), r->nd->name, r->nd->len,
				 victim, r->flags);
	if (err == 0 && victim != NULL && !exchange && KS_ISDIR(victim->mode))
		inode_set_dead(victim);
	if (victim != NULL)
		mutex_unlock(&victim->lock);
	if (err != 0) {
		kfree(name);
		return err;
	}
	if (exchange) {
		dcache_exchange(r->od, r->nd);
	} else {
		dcache_drop(r->nd);
		dcache_move(r->od, r->new.path.dentry, name, r->new.last_len);
	}
	return 0;
}

int
vfs_rename(const struct vpath *obase, const char *opath,
	   const struct vpath *nbase, const char *npath, unsigned int flags)
{
	struct rename_req r;
	int err;

	memset(&r, 0, sizeof(r));
	r.flags = flags;
	err = rename_flags_check(flags);
	if (err == 0)
		err = rename_walk(&r, obase, opath, nbase, npath);
	if (err == 0) {
		rename_lock(&r);
		err = rename_lookup(&r);
		if (err == 0)
			err = rename_checks(&r);
		if (err == 0)
			err = rename_do(&r);
		rename_unlock(&r);
	}
	namei_done(&r.old);
	namei_done(&r.new);
	return err > 0 ? 0 : err;
}
