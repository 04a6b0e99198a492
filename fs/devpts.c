/*
 * devpts: a tmpfs that the pty driver (drivers/tty/pty.c) fills with a
 * character device node for each slave, /dev/pts/N, made when /dev/ptmx
 * is opened and removed when the master is closed.  The kernel mounts it
 * on /dev/pts at boot and remembers that mount's root; nodes are made
 * and removed through the dcache there, as the VFS's own calls do, so a
 * lookup never sees a stale entry.  Other devpts mounts stay empty.
 */
#include "core/errno.h"
#include "core/printk.h"
#include "core/string.h"
#include "fs/devpts.h"
#include "fs/internal.h"
#include "fs/tmpfs.h"

#define DEVPTS_MAGIC	0x1cd1		/* Linux's DEVPTS_SUPER_MAGIC */

static struct super_block *devpts_sb;	/* [I] the boot mount's */
static struct dentry *devpts_root;	/* its root, while mounted */
static struct super_ops devpts_super_ops;	/* tmpfs's, but put_super */
static void (*tmpfs_put_super)(struct super_block *sb);

static void
devpts_put_super(struct super_block *sb)
{
	if (sb == devpts_sb) {
		devpts_root = NULL;
		devpts_sb = NULL;
	}
	if (tmpfs_put_super != NULL)
		tmpfs_put_super(sb);
}

static int
devpts_fill_super(struct super_block *sb, const char *options)
{
	int err = tmpfs_fill_super(sb, options ? options : "mode=0755");

	if (err)
		return err;
	sb->magic = DEVPTS_MAGIC;
	tmpfs_put_super = sb->ops->put_super;
	devpts_super_ops = *sb->ops;
	devpts_super_ops.put_super = devpts_put_super;
	sb->ops = &devpts_super_ops;
	return 0;
}

static struct fs_type devpts_fs_type = {
	.name = "devpts",
	.needs_device = false,
	.fill_super = devpts_fill_super,
};

int
devpts_init(void)
{
	return vfs_register_fs(&devpts_fs_type);
}

int
devpts_mount_boot(void)
{
	struct vpath p;
	int err = vfs_mkdir(NULL, "/dev/pts", 0755);

	if (err != 0 && err != -EEXIST)
		return err;
	err = vfs_mount("devpts", "/dev/pts", "devpts", 0, NULL);
	if (err == 0)
		err = vfs_lookup(NULL, "/dev/pts", 0, &p);
	if (err != 0)
		return err;
	devpts_sb = p.dentry->sb;
	devpts_root = p.dentry;
	vpath_put(&p);
	return 0;
}

/* The entry for slave index in the root (referenced), root locked. */
static int
devpts_entry(int index, struct dentry **out)
{
	char name[16];
	int len = ksnprintf(name, sizeof(name), "%d", index);

	mutex_lock(&devpts_root->inode->lock);
	return namei_lookup_locked(devpts_root, name, (size_t)len, out);
}

int
devpts_pty_new(int index, uint32_t rdev, const struct cred *cr)
{
	struct inode *dir, *inode;
	struct dentry *d = NULL;
	int err;

	if (devpts_root == NULL)
		return 0;
	dir = devpts_root->inode;
	err = devpts_entry(index, &d);
	if (err == 0 && d->inode == NULL) {
		err = dir->iops->create(dir, d->name, d->len, KS_IFCHR | 0620,
					rdev, cr, &inode);
		if (err == 0)
			dentry_instantiate(d, inode);
	}
	mutex_unlock(&dir->lock);
	if (d != NULL)
		dentry_put(d);
	return err;
}

void
devpts_pty_kill(int index)
{
	struct inode *dir, *victim;
	struct dentry *d = NULL;
	int err;

	if (devpts_root == NULL)
		return;
	dir = devpts_root->inode;
	err = devpts_entry(index, &d);
	if (err == 0 && d->inode != NULL) {
		victim = d->inode;
		mutex_lock(&victim->lock);
		err = dir->iops->unlink(dir, d->name, d->len, victim);
		mutex_unlock(&victim->lock);
		if (err == 0)
			dcache_drop(d);
	}
	mutex_unlock(&dir->lock);
	if (d != NULL)
		dentry_put(d);
}
