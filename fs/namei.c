/*
 * The path walk.  A walk starts at the task's root for absolute paths and
 * at the base (the *at() calls' dirfd) or the cwd otherwise, and takes one
 * component at a time: search permission on the directory, then "." (stay),
 * ".." (up, crossing from a mount's root to its mount point, never above
 * the task's root) or a name looked up in the dentry cache or, on a miss,
 * through the filesystem's lookup with the directory locked.  Stepping
 * onto a mount point moves into the newest mount there.
 *
 * Symlinks met in the middle of a path are always followed: their body is
 * walked from the link's directory (or the root when absolute), with its
 * own final component followed as well; at most VFS_MAX_SYMLINKS per walk
 * (-ELOOP).  A walk stops before the final component (namei_parent) so
 * that creating and removing operations can lock the directory and look
 * the name up themselves; namei_last() finishes an ordinary lookup.
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/slab.h"
#include "core/string.h"
#include "fs/internal.h"

static int namei_follow(struct nameidata *nd, const struct vpath *link);

int
namei_start(struct nameidata *nd, const struct vpath *base, const char *path)
{
	struct vpath cwd;
	bool relative = path[0] != '/';
	int err;

	memset(nd, 0, sizeof(*nd));
	if (path[0] == '\0')
		return -ENOENT;
	if (strnlen(path, VFS_PATH_MAX) >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	err = fs_struct_get_paths(&nd->root,
				  relative && base == NULL ? &cwd : NULL);
	if (err != 0)
		return err;
	if (!relative) {
		nd->path = nd->root;
		vpath_get(&nd->path);
	} else if (base != NULL) {
		nd->path = *base;
		vpath_get(base);
	} else {
		nd->path = cwd;
	}
	return 0;
}

void
namei_done(struct nameidata *nd)
{
	if (nd->path.dentry != NULL)
		vpath_put(&nd->path);
	if (nd->root.dentry != NULL)
		vpath_put(&nd->root);
	kfree(nd->body);
	nd->path.dentry = nd->root.dentry = NULL;
	nd->body = NULL;
}

/* Move the walk to p, taking over its reference. */
static void
namei_set_path(struct nameidata *nd, const struct vpath *p)
{
	vpath_put(&nd->path);
	nd->path = *p;
}

static bool
namei_at_root(const struct nameidata *nd)
{
	return nd->path.mnt == nd->root.mnt &&
	       nd->path.dentry == nd->root.dentry;
}

static void
namei_jump_root(struct nameidata *nd)
{
	struct vpath root = nd->root;

	vpath_get(&root);
	namei_set_path(nd, &root);
}

/* Go to "..": out of mounts at their roots, never above the root. */
static void
namei_dotdot(struct nameidata *nd)
{
	struct vpath up;

	while (!namei_at_root(nd) && vpath_is_mnt_root(&nd->path)) {
		if (nd->path.mnt->parent == NULL)
			return;		/* "/.." is "/" */
		up.mnt = nd->path.mnt->parent;
		up.dentry = nd->path.mnt->mountpoint;
		vpath_get(&up);
		namei_set_path(nd, &up);
	}
	if (namei_at_root(nd))
		return;
	up.mnt = nd->path.mnt;
	up.dentry = dentry_parent_get(nd->path.dentry);
	mnt_get(up.mnt);
	namei_set_path(nd, &up);
	vpath_follow_mounts(&nd->path);
}

/* Names may be looked up in nd->path: a directory we may search. */
static int
namei_may_lookup(const struct nameidata *nd)
{
	struct inode *dir = nd->path.dentry->inode;

	if (!KS_ISDIR(dir->mode))
		return -ENOTDIR;
	return inode_permission(dir, KX_OK, current_cred());
}

static enum last_type
namei_type(const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return LAST_DOT;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return LAST_DOTDOT;
	return LAST_NORM;
}

int
namei_lookup_locked(struct dentry *dir, const char *name, size_t len,
		    struct dentry **out)
{
	struct inode *inode;
	struct dentry *d;
	int err;

	d = dcache_lookup(dir, name, len);
	if (d != NULL) {
		*out = d;
		return 0;
	}
	if (dir->inode->state & I_DEAD)
		return -ENOENT;
	d = dentry_alloc(dir, name, len);
	if (d == NULL)
		return -ENOMEM;
	err = dir->inode->iops->lookup(dir->inode, name, len, &inode);
	if (err == -ENOENT) {
		inode = NULL;
	} else if (err != 0) {
		dentry_put(d);
		return err;
	}
	dcache_add(d, inode);
	*out = d;
	return 0;
}

/* The child name of dir: cached, or looked up with dir locked. */
static int
namei_lookup(struct dentry *dir, const char *name, size_t len,
	     struct dentry **out)
{
	struct inode *inode = dir->inode;
	int err;

	*out = dcache_lookup(dir, name, len);
	if (*out != NULL)
		return 0;
	mutex_lock(&inode->lock);
	err = namei_lookup_locked(dir, name, len, out);
	mutex_unlock(&inode->lock);
	return err;
}

/* Step from the directory nd->path onto its entry name. */
static int
namei_step(struct nameidata *nd, const char *name, size_t len, bool follow)
{
	struct vpath next;
	int err;

	switch (namei_type(name, len)) {
	case LAST_DOT:
		return 0;
	case LAST_DOTDOT:
		namei_dotdot(nd);
		return 0;
	default:
		break;
	}
	if (len > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	err = namei_lookup(nd->path.dentry, name, len, &next.dentry);
	if (err != 0)
		return err;
	if (next.dentry->inode == NULL) {
		dentry_put(next.dentry);
		return -ENOENT;
	}
	next.mnt = nd->path.mnt;
	mnt_get(next.mnt);
	vpath_follow_mounts(&next);
	if (!follow || !KS_ISLNK(next.dentry->inode->mode)) {
		namei_set_path(nd, &next);
		return 0;
	}
	err = namei_follow(nd, &next);
	vpath_put(&next);
	return err;
}

static size_t
namei_component_len(const char *p)
{
	size_t n = 0;

	while (p[n] != '\0' && p[n] != '/')
		n++;
	return n;
}

static void
namei_set_last(struct nameidata *nd, const char *name, size_t len)
{
	nd->last = name;
	nd->last_len = len;
	nd->last_type = namei_type(name, len);
	nd->trailing = name[len] == '/';
}

int
namei_parent(struct nameidata *nd, const char *p)
{
	const char *end;
	size_t len;
	int err;

	if (*p == '/') {
		namei_jump_root(nd);
		while (*p == '/')
			p++;
	}
	if (*p == '\0') {
		namei_set_last(nd, p, 0);
		nd->last_type = LAST_ROOT;
		return 0;
	}
	for (;;) {
		err = namei_may_lookup(nd);
		if (err != 0)
			return err;
		len = namei_component_len(p);
		for (end = p + len; *end == '/'; end++)
			;
		if (*end == '\0') {
			namei_set_last(nd, p, len);
			return 0;
		}
		err = namei_step(nd, p, len, true);
		if (err != 0)
			return err;
		p = end;
	}
}

int
namei_last(struct nameidata *nd, bool follow)
{
	bool want_dir = nd->trailing;
	int err;

	if (nd->last_type == LAST_ROOT)
		return 0;
	err = namei_step(nd, nd->last, nd->last_len, follow || want_dir);
	if (err == 0 && want_dir && !KS_ISDIR(nd->path.dentry->inode->mode))
		err = -ENOTDIR;
	return err;
}

/* Read link's body (NUL-terminated, kmalloc'd) and count the link. */
static int
namei_read_body(struct nameidata *nd, const struct vpath *link, char **out)
{
	struct inode *inode = link->dentry->inode;
	char *body;
	int n;

	if (++nd->nlinks > VFS_MAX_SYMLINKS)
		return -ELOOP;
	if (inode->iops == NULL || inode->iops->readlink == NULL)
		return -EINVAL;
	body = kmalloc(VFS_PATH_MAX);
	if (body == NULL)
		return -ENOMEM;
	n = inode->iops->readlink(inode, body, VFS_PATH_MAX);
	if (n == 0)
		n = -ENOENT;
	else if (n >= VFS_PATH_MAX)
		n = -ENAMETOOLONG;
	if (n < 0) {
		kfree(body);
		return n;
	}
	body[n] = '\0';
	vfs_touch_atime(link);
	*out = body;
	return 0;
}

/* Follow the symlink link met in the directory nd->path, completely. */
static int
namei_follow(struct nameidata *nd, const struct vpath *link)
{
	char *body;
	int err;

	err = namei_read_body(nd, link, &body);
	if (err != 0)
		return err;
	err = namei_parent(nd, body);
	if (err == 0)
		err = namei_last(nd, true);
	kfree(body);
	return err;
}

int
namei_trailing_link(struct nameidata *nd, struct dentry *link)
{
	struct vpath p = { nd->path.mnt, link };
	char *body;
	int err;

	err = namei_read_body(nd, &p, &body);
	if (err != 0)
		return err;
	kfree(nd->body);
	nd->body = body;
	return namei_parent(nd, body);
}

/* A referenced copy of base, or of the cwd when base is NULL. */
static int
namei_base(const struct vpath *base, struct vpath *out)
{
	struct vpath root;
	int err;

	if (base != NULL) {
		*out = *base;
		vpath_get(out);
		return 0;
	}
	err = fs_struct_get_paths(&root, out);
	if (err == 0)
		vpath_put(&root);
	return err;
}

int
vfs_lookup(const struct vpath *base, const char *path, unsigned int at_flags,
	   struct vpath *out)
{
	struct nameidata nd;
	int err;

	if (path[0] == '\0' && (at_flags & KAT_EMPTY_PATH))
		return namei_base(base, out);
	err = namei_start(&nd, base, path);
	if (err == 0)
		err = namei_parent(&nd, path);
	if (err == 0)
		err = namei_last(&nd, !(at_flags & KAT_SYMLINK_NOFOLLOW));
	if (err == 0) {
		*out = nd.path;
		nd.path.dentry = NULL;
	}
	namei_done(&nd);
	return err;
}
