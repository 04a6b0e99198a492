/*
 * Filesystem types and mounts.  vfs_register_fs() makes a type mountable
 * by name; vfs_mount() makes a super block through the type's fill_super
 * and attaches it at a directory (or as the root).  A mount on a directory
 * that is already a mount's root stacks on top of it, so the newest is
 * what path walks see.  The mount table lists mounts newest first, so a
 * mount always comes before its parent and shutdown can unmount from the
 * front.
 *
 * A mount's refcount counts the table's reference plus every vpath that
 * points into it (open files, cwds, walks in progress); unmount refuses
 * while anything but the table and the unmounter's own walk holds one.
 * Unmount writes the super block back (writeback_sb: pages, inodes,
 * sync_fs, buffers), drops its cached dentries and inodes and calls
 * put_super.
 *
 * Locking: mount_mutex serialises changes of the table and the registry,
 * and vfs_for_each_sb(); the table and dentry.mounted are read with
 * interrupts off by path walks.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/printk.h"
#include "core/slab.h"
#include "core/string.h"
#include "drivers/blk.h"
#include "fs/internal.h"
#include "fs/writeback.h"

static struct list_head fs_types;		/* [mount_mutex] */
static struct list_head mount_table;		/* [i] newest first */
static struct mutex mount_mutex;
static struct mount *root_mount;		/* [mount_mutex] */
static uint32_t anon_dev_next;			/* [mount_mutex] */

int
vfs_init(void)
{
	list_init(&fs_types);
	list_init(&mount_table);
	mutex_init(&mount_mutex, "mount");
	root_mount = NULL;
	anon_dev_next = 1;
	fs_struct_init();
	inode_cache_init();
	dcache_init();
	return tmpfs_register();
}

void
mnt_get(struct mount *m)
{
	unsigned long s = arch_intr_save();

	m->refcount++;
	arch_intr_restore(s);
}

void
mnt_put(struct mount *m)
{
	unsigned long s = arch_intr_save();

	KASSERT(m->refcount > 0);
	m->refcount--;
	arch_intr_restore(s);
}

void
vpath_get(const struct vpath *p)
{
	mnt_get(p->mnt);
	dentry_get(p->dentry);
}

void
vpath_put(struct vpath *p)
{
	dentry_put(p->dentry);
	mnt_put(p->mnt);
}

bool
vpath_is_mnt_root(const struct vpath *p)
{
	return p->dentry == p->mnt->root;
}

bool
mnt_readonly(const struct mount *m)
{
	return (m->flags & MNT_RDONLY) || m->sb->readonly;
}

/* The newest mount on dentry d of parent, or NULL; interrupts off. */
static struct mount *
mount_child(const struct mount *parent, const struct dentry *d)
{
	struct mount *m;

	list_for_each_entry(m, &mount_table, node) {
		if (m->parent == parent && m->mountpoint == d)
			return m;
	}
	return NULL;
}

void
vpath_follow_mounts(struct vpath *p)
{
	struct mount *m;
	unsigned long s;

	for (;;) {
		s = arch_intr_save();
		m = p->dentry->mounted ? mount_child(p->mnt, p->dentry) : NULL;
		if (m != NULL) {
			mnt_get(m);
			dentry_get(m->root);
		}
		arch_intr_restore(s);
		if (m == NULL)
			return;
		vpath_put(p);
		p->mnt = m;
		p->dentry = m->root;
	}
}

static struct fs_type *
fs_type_find(const char *name)
{
	struct fs_type *t;

	list_for_each_entry(t, &fs_types, node) {
		if (strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
}

int
vfs_register_fs(struct fs_type *type)
{
	int err = 0;

	mutex_lock(&mount_mutex);
	if (fs_type_find(type->name) != NULL)
		err = -EBUSY;
	else
		list_add_tail(&type->node, &fs_types);
	mutex_unlock(&mount_mutex);
	return err;
}

/* Attach the block device named by source ("/dev/ubda" or "ubda"). */
static int
sb_open_bdev(struct super_block *sb, const char *source)
{
	struct block_device *bdev;
	struct mount *m;

	if (source == NULL)
		return -ENOTBLK;
	if (strncmp(source, "/dev/", 5) == 0)
		source += 5;
	bdev = blk_lookup(source);
	if (bdev == NULL)
		return -ENOENT;
	list_for_each_entry(m, &mount_table, node) {
		if (m->sb->bdev == bdev)
			return -EBUSY;
	}
	sb->bdev = bdev;
	sb->dev = KMKDEV(bdev->major, bdev->minor);
	return 0;
}

/* Make and fill a super block of type t. */
static int
sb_create(struct fs_type *t, const char *source, unsigned int flags,
	  const char *options, struct super_block **out)
{
	struct super_block *sb = kzalloc(sizeof(*sb));
	int err = 0;

	if (sb == NULL)
		return -ENOMEM;
	sb->type = t;
	sb->readonly = (flags & MNT_RDONLY) != 0;
	sb->maxbytes = INT64_MAX;
	sb->refcount = 1;
	mutex_init(&sb->lock, "sb");
	list_init(&sb->inodes);
	list_init(&sb->dirty);
	if (t->needs_device) {
		err = sb_open_bdev(sb, source);
	} else {
		sb->dev = KMKDEV(0, anon_dev_next);
		anon_dev_next++;
	}
	if (err == 0)
		err = t->fill_super(sb, options != NULL ? options : "");
	if (err != 0) {
		inode_evict_sb(sb);
		kfree(sb);
		return err;
	}
	KASSERT(sb->root != NULL && sb->ops != NULL);
	*out = sb;
	return 0;
}

/* Free a super block nothing references any more. */
static void
sb_destroy(struct super_block *sb)
{
	inode_evict_sb(sb);
	if (sb->ops->put_super != NULL)
		sb->ops->put_super(sb);
	kfree(sb);
}

static int
mount_create(struct fs_type *t, const char *source, unsigned int flags,
	     const char *options, struct mount **out)
{
	struct super_block *sb;
	struct mount *m;
	int err;

	m = kzalloc(sizeof(*m));
	if (m == NULL)
		return -ENOMEM;
	m->source = dentry_name_dup(source != NULL ? source : t->name,
				    strlen(source != NULL ? source : t->name));
	if (m->source == NULL) {
		err = -ENOMEM;
		goto out_free;
	}
	err = sb_create(t, source, flags, options, &sb);
	if (err != 0)
		goto out_source;
	m->root = dentry_alloc_root(sb->root);
	if (m->root == NULL) {
		iput(sb->root);
		sb_destroy(sb);
		err = -ENOMEM;
		goto out_source;
	}
	m->sb = sb;
	m->flags = flags & MNT_RDONLY;
	m->refcount = 1;
	list_init(&m->node);
	*out = m;
	return 0;
out_source:
	kfree(m->source);
out_free:
	kfree(m);
	return err;
}

/* Resolve where to mount: target's directory, or nothing for the root. */
static int
mount_target(const char *target, struct vpath *mp)
{
	int err;

	mp->mnt = NULL;
	mp->dentry = NULL;
	if (target == NULL)
		return root_mount != NULL ? -EBUSY : 0;
	err = vfs_lookup(NULL, target, 0, mp);
	if (err == 0 && !KS_ISDIR(mp->dentry->inode->mode)) {
		vpath_put(mp);
		err = -ENOTDIR;
	}
	return err;
}

/* Put m in the table on mp (whose reference it keeps) or as the root. */
static void
mount_attach(struct mount *m, const struct vpath *mp)
{
	unsigned long s = arch_intr_save();
	struct vpath root;

	m->parent = mp->mnt;
	m->mountpoint = mp->dentry;
	if (mp->dentry != NULL)
		mp->dentry->mounted++;
	list_add(&m->node, &mount_table);
	arch_intr_restore(s);
	if (mp->dentry == NULL) {
		root_mount = m;
		root.mnt = m;
		root.dentry = m->root;
		fs_struct_set_boot_root(&root);
	}
}

int
vfs_mount(const char *source, const char *target, const char *type,
	  unsigned int flags, const char *options)
{
	struct vpath mp;
	struct fs_type *t;
	struct mount *m;
	int err;

	mutex_lock(&mount_mutex);
	err = mount_target(target, &mp);
	if (err != 0)
		goto out_unlock;
	t = fs_type_find(type);
	err = t != NULL ? mount_create(t, source, flags, options, &m)
			: -ENODEV;
	if (err != 0)
		goto out_put;
	mount_attach(m, &mp);
	mutex_unlock(&mount_mutex);
	return 0;
out_put:
	if (mp.dentry != NULL)
		vpath_put(&mp);
out_unlock:
	mutex_unlock(&mount_mutex);
	return err;
}

/*
 * Take m out of the table, write its super block back and free it all.
 * Whatever is still referenced (only after MNT_FORCE) is left allocated.
 */
static void
mount_release(struct mount *m)
{
	struct super_block *sb = m->sb;
	struct vpath mp = { m->parent, m->mountpoint };
	unsigned long s, busy;

	s = arch_intr_save();
	list_del(&m->node);
	if (mp.dentry != NULL)
		mp.dentry->mounted--;
	arch_intr_restore(s);
	if (m == root_mount)
		root_mount = NULL;
	if (mp.dentry != NULL)
		vpath_put(&mp);
	dcache_shrink_sb(sb);
	dentry_put(m->root);
	if (writeback_sb(sb, 0) != 0)
		pr_err("VFS: errors writing back %s at unmount\n", m->source);
	busy = inode_evict_sb(sb);
	if (sb->ops->put_super != NULL)
		sb->ops->put_super(sb);
	if (busy != 0 || m->refcount != 1) {
		pr_warn("VFS: %s unmounted while in use\n", m->source);
		return;
	}
	kfree(m->source);
	kfree(m);
	kfree(sb);
}

/* Is the mount at p free to go?  -EINVAL if p is not a mount's root. */
static int
mount_check_busy(const struct vpath *p, unsigned int flags)
{
	struct mount *m = p->mnt, *c;
	unsigned long s;
	bool busy;

	if (!vpath_is_mnt_root(p))
		return -EINVAL;
	if (flags & MNT_FORCE)
		return 0;
	if (m == root_mount)
		return -EBUSY;
	s = arch_intr_save();
	busy = m->refcount > 2;		/* the table and our own walk */
	list_for_each_entry(c, &mount_table, node)
		busy = busy || c->parent == m;
	arch_intr_restore(s);
	return busy ? -EBUSY : 0;
}

int
vfs_umount(const char *target, unsigned int flags)
{
	struct vpath p;
	int err;

	mutex_lock(&mount_mutex);
	err = vfs_lookup(NULL, target, 0, &p);
	if (err != 0)
		goto out_unlock;
	err = mount_check_busy(&p, flags);
	vpath_put(&p);
	if (err == 0)
		mount_release(p.mnt);
out_unlock:
	mutex_unlock(&mount_mutex);
	return err;
}

int
vfs_remount(const char *target, unsigned int flags)
{
	bool ro = (flags & MNT_RDONLY) != 0;
	struct super_block *sb;
	struct vpath p;
	int err;

	mutex_lock(&mount_mutex);
	err = vfs_lookup(NULL, target, 0, &p);
	if (err != 0)
		goto out_unlock;
	sb = p.mnt->sb;
	if (!vpath_is_mnt_root(&p))
		err = -EINVAL;
	else if (ro && !sb->readonly)
		err = writeback_sb(sb, 0);
	if (err == 0 && sb->ops->remount != NULL)
		err = sb->ops->remount(sb, ro);
	else if (err == 0)
		sb->readonly = ro;
	if (err == 0)
		p.mnt->flags = (p.mnt->flags & ~MNT_RDONLY) |
			       (flags & MNT_RDONLY);
	vpath_put(&p);
out_unlock:
	mutex_unlock(&mount_mutex);
	return err;
}

void
vfs_for_each_sb(void (*fn)(struct super_block *sb, void *arg), void *arg)
{
	struct mount *m;

	mutex_lock(&mount_mutex);
	list_for_each_entry(m, &mount_table, node)
		fn(m->sb, arg);
	mutex_unlock(&mount_mutex);
}

void
vfs_shutdown(void)
{
	struct mount *m;

	mutex_lock(&mount_mutex);
	fs_struct_release_boot();
	/* The newest mount is always one nothing is mounted on. */
	while (!list_empty(&mount_table)) {
		m = list_first_entry(&mount_table, struct mount, node);
		mount_release(m);
	}
	mutex_unlock(&mount_mutex);
}
