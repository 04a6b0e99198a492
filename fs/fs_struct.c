/*
 * Who a task is and where its paths start: credentials (a task without
 * its own acts as root) and the fs_struct with root, cwd and umask (a
 * task without its own, like a kernel thread, shares the boot context's,
 * which gets the root mount as root and cwd).  chdir, fchdir, chroot,
 * getcwd and umask change or read them.
 *
 * Root and cwd are vpaths replaced and copied with interrupts off, so a
 * walk starting on another CPU of the future sees one or the other.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/sched.h"
#include "core/slab.h"
#include "core/string.h"
#include "fs/internal.h"

static const struct cred root_cred;
static struct fs_struct boot_fs = { .umask = 022, .refcount = 1 };

const struct cred *
current_cred(void)
{
	return current->cred != NULL ? current->cred : &root_cred;
}

struct fs_struct *
current_fs(void)
{
	return current->fs != NULL ? current->fs : &boot_fs;
}

bool
cred_in_group(const struct cred *cr, uint32_t gid)
{
	if (cr->fsgid == gid)
		return true;
	for (unsigned int i = 0; i < cr->ngroups && i < 32; i++) {
		if (cr->groups[i] == gid)
			return true;
	}
	return false;
}

/* Replace *slot of fs by a new reference to p. */
static void
fs_struct_replace(struct vpath *slot, const struct vpath *p)
{
	struct vpath old;
	unsigned long s;

	vpath_get(p);
	s = arch_intr_save();
	old = *slot;
	*slot = *p;
	arch_intr_restore(s);
	if (old.dentry != NULL)
		vpath_put(&old);
}

void
fs_struct_init(void)
{
	memset(&boot_fs, 0, sizeof(boot_fs));
	boot_fs.umask = 022;
	boot_fs.refcount = 1;
}

void
fs_struct_set_boot_root(const struct vpath *root)
{
	struct fs_struct *fs = current->fs;

	fs_struct_replace(&boot_fs.root, root);
	fs_struct_replace(&boot_fs.cwd, root);
	if (fs != NULL && fs->root.dentry == NULL) {
		fs_struct_replace(&fs->root, root);
		fs_struct_replace(&fs->cwd, root);
	}
}

void
fs_struct_release_boot(void)
{
	unsigned long s = arch_intr_save();
	struct vpath root = boot_fs.root, cwd = boot_fs.cwd;

	boot_fs.root.mnt = boot_fs.cwd.mnt = NULL;
	boot_fs.root.dentry = boot_fs.cwd.dentry = NULL;
	arch_intr_restore(s);
	if (root.dentry != NULL)
		vpath_put(&root);
	if (cwd.dentry != NULL)
		vpath_put(&cwd);
}

int
fs_struct_get_paths(struct vpath *root, struct vpath *cwd)
{
	struct fs_struct *fs = current_fs();
	unsigned long s = arch_intr_save();

	if (fs->root.dentry == NULL || fs->cwd.dentry == NULL) {
		arch_intr_restore(s);
		return -ENOENT;
	}
	*root = fs->root;
	vpath_get(root);
	if (cwd != NULL) {
		*cwd = fs->cwd;
		vpath_get(cwd);
	}
	arch_intr_restore(s);
	return 0;
}

int
fs_struct_copy(struct fs_struct *src, struct fs_struct **out)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs));
	unsigned long s;

	if (fs == NULL)
		return -ENOMEM;
	s = arch_intr_save();
	fs->root = src->root;
	fs->cwd = src->cwd;
	fs->umask = src->umask;
	if (fs->root.dentry != NULL)
		vpath_get(&fs->root);
	if (fs->cwd.dentry != NULL)
		vpath_get(&fs->cwd);
	arch_intr_restore(s);
	fs->refcount = 1;
	*out = fs;
	return 0;
}

void
fs_struct_get(struct fs_struct *fs)
{
	unsigned long s = arch_intr_save();

	fs->refcount++;
	arch_intr_restore(s);
}

void
fs_struct_put(struct fs_struct *fs)
{
	unsigned long s = arch_intr_save();
	bool last;

	KASSERT(fs->refcount > 0);
	last = --fs->refcount == 0;
	arch_intr_restore(s);
	if (!last || fs == &boot_fs)
		return;
	if (fs->root.dentry != NULL)
		vpath_put(&fs->root);
	if (fs->cwd.dentry != NULL)
		vpath_put(&fs->cwd);
	kfree(fs);
}

/* May the current task make p its cwd or root? */
static int
fs_may_enter(const struct vpath *p)
{
	struct inode *inode = p->dentry->inode;

	if (!KS_ISDIR(inode->mode))
		return -ENOTDIR;
	return inode_permission(inode, KX_OK, current_cred());
}

int
vfs_chdir(const char *path)
{
	struct vpath p;
	int err;

	err = vfs_lookup(NULL, path, 0, &p);
	if (err != 0)
		return err;
	err = fs_may_enter(&p);
	if (err == 0)
		fs_struct_replace(&current_fs()->cwd, &p);
	vpath_put(&p);
	return err;
}

int
vfs_fchdir(struct file *f)
{
	int err = fs_may_enter(&f->path);

	if (err == 0)
		fs_struct_replace(&current_fs()->cwd, &f->path);
	return err;
}

int
vfs_chroot(const char *path)
{
	struct vpath p;
	int err;

	err = vfs_lookup(NULL, path, 0, &p);
	if (err != 0)
		return err;
	err = fs_may_enter(&p);
	if (err == 0 && current_cred()->euid != 0)
		err = -EPERM;
	if (err == 0)
		fs_struct_replace(&current_fs()->root, &p);
	vpath_put(&p);
	return err;
}

uint32_t
vfs_umask(uint32_t mask)
{
	struct fs_struct *fs = current_fs();
	unsigned long s = arch_intr_save();
	uint32_t old = fs->umask;

	fs->umask = mask & 0777;
	arch_intr_restore(s);
	return old;
}

/* Put "/name" of d in front of buf[*pos..]; interrupts off. */
static int
getcwd_prepend(char *buf, size_t *pos, const struct dentry *d)
{
	if (d->len + 1 > *pos)
		return -ENAMETOOLONG;
	*pos -= d->len;
	memcpy(buf + *pos, d->name, d->len);
	buf[--*pos] = '/';
	return 0;
}

/* Build the path from root to cwd at the end of buf; its length. */
static int
getcwd_build(const struct vpath *root, const struct vpath *cwd, char *buf,
	     size_t size)
{
	struct vpath p = *cwd;
	size_t pos = size;
	unsigned long s = arch_intr_save();
	int err = 0;

	if (dentry_unhashed(p.dentry) && !vpath_is_mnt_root(&p))
		err = -ENOENT;
	while (err == 0 && (p.mnt != root->mnt || p.dentry != root->dentry)) {
		if (vpath_is_mnt_root(&p)) {
			if (p.mnt->parent == NULL)
				break;
			p.dentry = p.mnt->mountpoint;
			p.mnt = p.mnt->parent;
			continue;
		}
		err = getcwd_prepend(buf, &pos, p.dentry);
		p.dentry = p.dentry->parent;
	}
	arch_intr_restore(s);
	if (err != 0)
		return err;
	if (pos == size)
		buf[--pos] = '/';
	return (int)(size - pos);
}

int
vfs_getcwd(char *buf, size_t size)
{
	struct vpath root, cwd;
	char *tmp;
	int len;

	len = fs_struct_get_paths(&root, &cwd);
	if (len != 0)
		return len;
	tmp = kmalloc(VFS_PATH_MAX);
	len = tmp != NULL ? getcwd_build(&root, &cwd, tmp, VFS_PATH_MAX)
			  : -ENOMEM;
	if (len >= 0 && (size_t)len + 1 > size)
		len = -ERANGE;
	if (len >= 0) {
		memcpy(buf, tmp + VFS_PATH_MAX - len, (size_t)len);
		buf[len++] = '\0';
	}
	kfree(tmp);
	vpath_put(&cwd);
	vpath_put(&root);
	return len;
}
