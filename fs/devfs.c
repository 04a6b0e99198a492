/*
 * devfs: the /dev the kernel mounts at boot, as Linux's devtmpfs.  It is
 * a tmpfs whose root is filled, at mount time, with a node for every
 * registered character device range (null, zero, ..., console) that has a
 * name, and every
 * block device (ubda...).  Being a tmpfs, it takes new nodes, links and
 * directories like any other (mknod, ln -s, mkdir /dev/pts).
 */
#include "core/errno.h"
#include "core/printk.h"
#include "core/string.h"
#include "drivers/blk.h"
#include "fs/devices.h"
#include "fs/filesystems.h"
#include "fs/tmpfs.h"

struct devfs_fill {
	struct super_block *sb;
	int err;			/* the first failure */
};

static const struct cred devfs_cred;	/* root: uid and gid 0 */

/* Create one node in the root of the devfs being filled. */
static void
devfs_add(struct devfs_fill *fill, const char *name, uint32_t mode,
	  uint32_t rdev)
{
	struct inode *dir = fill->sb->root, *inode;
	int err;

	mutex_lock(&dir->lock);
	err = dir->iops->create(dir, name, strlen(name), mode, rdev,
				&devfs_cred, &inode);
	mutex_unlock(&dir->lock);
	if (err == 0)
		iput(inode);
	else if (fill->err == 0)
		fill->err = err;
}

static void
devfs_add_chrdev(const struct chrdev *cd, void *arg)
{
	char name[32];

	if (cd->name == NULL)
		return;		/* its nodes are made elsewhere (devpts) */
	for (unsigned int i = 0; i < cd->count; i++) {
		if (cd->count == 1)
			kstrlcpy(name, cd->name, sizeof(name));
		else
			ksnprintf(name, sizeof(name), "%s%u", cd->name, i);
		devfs_add(arg, name, KS_IFCHR | cd->mode,
			  KMKDEV(cd->major, cd->minor + i));
	}
}

static void
devfs_add_blkdev(struct block_device *bdev, void *arg)
{
	devfs_add(arg, bdev->name, KS_IFBLK | 0660,
		  KMKDEV(bdev->major, bdev->minor));
}

static int
devfs_fill_super(struct super_block *sb, const char *options)
{
	struct devfs_fill fill = { .sb = sb, .err = 0 };
	int err = tmpfs_fill_super(sb, options ? options : "mode=0755");

	if (err)
		return err;
	sb->magic = KDEVFS_MAGIC;
	chrdev_for_each(devfs_add_chrdev, &fill);
	blk_for_each(devfs_add_blkdev, &fill);
	if (fill.err)
		pr_err("devfs: cannot create a device node (error %d)\n",
		       fill.err);
	return fill.err;
}

static struct fs_type devfs_fs_type = {
	.name = "devfs",
	.needs_device = false,
	.fill_super = devfs_fill_super,
};

int
devfs_init(void)
{
	return vfs_register_fs(&devfs_fs_type);
}
