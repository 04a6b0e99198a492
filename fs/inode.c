/*
 * The inode cache.  Inodes are hashed by (super block, inode number)
 * while anyone references them, and after that too: unused inodes of
 * filesystems with a backing store wait on an LRU list and are freed,
 * oldest and clean first, once there are too many; those of a filesystem
 * without one (SB_KEEP_INODES) stay until unmount.  The last reference to
 * an inode without links evicts it through super_ops.evict_inode.
 *
 * A new inode is hashed with I_NEW while its filesystem reads it or fills
 * it in, so a second iget() of the same number waits instead of reading
 * twice; a failed read marks it I_BAD and takes it out of the hash.  The
 * hash, the LRU, the dirty lists, refcount and state are guarded by
 * disabling interrupts; waiters sleep on one wait queue.  This file also
 * holds the permission and attribute helpers every operation uses.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/printk.h"
#include "core/slab.h"
#include "core/string.h"
#include "core/wait.h"
#include "fs/internal.h"
#include "fs/pagecache.h"

#define INODE_HASH_SIZE		1024
#define INODE_UNUSED_MAX	2048	/* unused inodes kept on the LRU */

static struct list_head inode_hash[INODE_HASH_SIZE];	/* [i] */
static struct list_head inode_lru;			/* [i] oldest first */
static unsigned long inode_nr_unused;			/* [i] */
static struct wait_queue inode_wq;	/* I_NEW cleared, inode unhashed */

/* What iput() does once the last reference is gone. */
enum iput_action {
	IPUT_KEEP,		/* stays cached */
	IPUT_PRUNE,		/* stays cached; the LRU is too long */
	IPUT_EVICT,		/* no links left: evict */
	IPUT_FREE,		/* I_BAD: free without evicting */
};

void
inode_cache_init(void)
{
	for (size_t i = 0; i < INODE_HASH_SIZE; i++)
		list_init(&inode_hash[i]);
	list_init(&inode_lru);
	inode_nr_unused = 0;
	wq_init(&inode_wq);
}

static struct list_head *
inode_bucket(const struct super_block *sb, uint64_t ino)
{
	uint64_t h = ((uintptr_t)sb >> 6) ^ (ino * 0x9e3779b97f4a7c15ULL);

	return &inode_hash[(h ^ (h >> 29)) % INODE_HASH_SIZE];
}

/* The hashed inode (sb, ino) or NULL; interrupts off. */
static struct inode *
inode_find(const struct super_block *sb, uint64_t ino)
{
	struct inode *inode;

	list_for_each_entry(inode, inode_bucket(sb, ino), hash_node) {
		if (inode->sb == sb && inode->ino == ino)
			return inode;
	}
	return NULL;
}

/* Take a reference to a hashed inode, off the LRU; interrupts off. */
static void
inode_grab(struct inode *inode)
{
	if (inode->refcount++ == 0 && !list_empty(&inode->lru_node)) {
		list_del(&inode->lru_node);
		inode_nr_unused--;
	}
}

static bool
inode_has_state(struct inode *inode, unsigned int bits)
{
	unsigned long s = arch_intr_save();
	bool set = (inode->state & bits) != 0;

	arch_intr_restore(s);
	return set;
}

/* True while inode (which may be gone) still holds (sb, ino) dying. */
static bool
inode_dying(const struct super_block *sb, uint64_t ino,
	    const struct inode *inode)
{
	unsigned long s = arch_intr_save();
	struct inode *found = inode_find(sb, ino);
	bool dying = found == inode && (found->state & I_FREEING) != 0;

	arch_intr_restore(s);
	return dying;
}

static void
inode_free_mem(struct inode *inode)
{
	if (inode->sb->ops->free_inode != NULL)
		inode->sb->ops->free_inode(inode);
	else
		kfree(inode);
}

/* Free an inode that is out of the hash and every list. */
static void
inode_destroy(struct inode *inode)
{
	pagecache_inode_free(inode);
	inode_free_mem(inode);
}

/* A fresh, unhashed inode (sb, ino). */
static int
inode_alloc(struct super_block *sb, uint64_t ino, struct inode **out)
{
	struct inode *inode;
	int err;

	if (sb->ops->alloc_inode != NULL)
		inode = sb->ops->alloc_inode(sb);
	else
		inode = kzalloc(sizeof(*inode));
	if (inode == NULL)
		return -ENOMEM;
	inode->sb = sb;
	inode->ino = ino;
	mutex_init(&inode->lock, "inode");
	list_init(&inode->sb_node);
	list_init(&inode->dirty_node);
	list_init(&inode->hash_node);
	list_init(&inode->lru_node);
	err = pagecache_inode_init(inode);
	if (err != 0) {
		inode_free_mem(inode);
		return err;
	}
	*out = inode;
	return 0;
}

/*
 * Reference the cached inode (sb, ino), waiting while it is new.
 * -ENOENT if it is not cached, -EAGAIN after waiting for one to go.
 */
static int
inode_lookup_cached(struct super_block *sb, uint64_t ino, struct inode **out)
{
	unsigned long s = arch_intr_save();
	struct inode *inode = inode_find(sb, ino);

	if (inode == NULL) {
		arch_intr_restore(s);
		return -ENOENT;
	}
	if (inode->state & I_FREEING) {
		arch_intr_restore(s);
		wait_event(&inode_wq, !inode_dying(sb, ino, inode));
		return -EAGAIN;
	}
	inode_grab(inode);
	arch_intr_restore(s);
	if (inode_has_state(inode, I_NEW))
		wait_event(&inode_wq, !inode_has_state(inode, I_NEW));
	if (inode_has_state(inode, I_BAD)) {
		iput(inode);
		return -EAGAIN;
	}
	*out = inode;
	return 0;
}

/* Hash a new I_NEW inode (sb, ino); -EAGAIN if one appeared meanwhile. */
static int
inode_insert_new(struct super_block *sb, uint64_t ino, struct inode **out)
{
	struct inode *inode;
	unsigned long s;
	bool raced;
	int err;

	err = inode_alloc(sb, ino, &inode);
	if (err != 0)
		return err;
	s = arch_intr_save();
	raced = inode_find(sb, ino) != NULL;
	if (!raced) {
		inode->state = I_NEW;
		inode->refcount = 1;
		list_add(&inode->hash_node, inode_bucket(sb, ino));
		list_add_tail(&inode->sb_node, &sb->inodes);
	}
	arch_intr_restore(s);
	if (raced) {
		inode_destroy(inode);
		return -EAGAIN;
	}
	*out = inode;
	return 0;
}

/* The filesystem could not read or make a new inode: drop it. */
static void
inode_fail(struct inode *inode)
{
	unsigned long s = arch_intr_save();

	inode->state = (inode->state & ~I_NEW) | I_BAD;
	list_del(&inode->hash_node);
	arch_intr_restore(s);
	wq_wake_all(&inode_wq);
	iput(inode);
}

int
iget(struct super_block *sb, uint64_t ino, struct inode **out)
{
	struct inode *inode;
	int err;

	do {
		err = inode_lookup_cached(sb, ino, out);
		if (err != -ENOENT)
			continue;
		if (sb->ops->read_inode == NULL)
			return -ESTALE;	/* only cached inodes exist */
		err = inode_insert_new(sb, ino, &inode);
		if (err != 0)
			continue;
		err = sb->ops->read_inode(inode);
		if (err != 0) {
			inode_fail(inode);
			return err;
		}
		inode_ready(inode);
		*out = inode;
		return 0;
	} while (err == -EAGAIN);
	return err;
}

int
inode_new(struct super_block *sb, uint64_t ino, struct inode **out)
{
	struct inode *old;
	int err;

	for (;;) {
		err = inode_insert_new(sb, ino, out);
		if (err != -EAGAIN)
			return err;
		/* An inode being evicted may still hold the number. */
		err = inode_lookup_cached(sb, ino, &old);
		if (err == 0) {
			pr_err("VFS: new inode %llu of %s is in use\n",
			       (unsigned long long)ino, sb->type->name);
			iput(old);
			return -EIO;
		}
	}
}

void
inode_ready(struct inode *inode)
{
	unsigned long s = arch_intr_save();

	inode->state &= ~I_NEW;
	arch_intr_restore(s);
	wq_wake_all(&inode_wq);
}

void
inode_set_dead(struct inode *inode)
{
	unsigned long s = arch_intr_save();

	inode->state |= I_DEAD;
	arch_intr_restore(s);
}

void
iget_ref(struct inode *inode)
{
	unsigned long s = arch_intr_save();

	inode_grab(inode);
	arch_intr_restore(s);
}

/* Evict an inode without links whose last reference went. */
static void
inode_evict(struct inode *inode)
{
	unsigned long s;

	pagecache_inode_free(inode);
	if (inode->sb->ops->evict_inode != NULL)
		inode->sb->ops->evict_inode(inode);
	s = arch_intr_save();
	list_del(&inode->dirty_node);
	list_del(&inode->hash_node);
	list_del(&inode->sb_node);
	arch_intr_restore(s);
	wq_wake_all(&inode_wq);
	inode_free_mem(inode);
}

/* Decide the fate of an inode whose last reference went; intr off. */
static enum iput_action
inode_last_ref(struct inode *inode)
{
	if (inode->state & I_BAD) {
		list_del(&inode->sb_node);
		return IPUT_FREE;
	}
	if (inode->nlink == 0) {
		inode->state |= I_FREEING;
		return IPUT_EVICT;
	}
	if (inode->sb->flags & SB_KEEP_INODES)
		return IPUT_KEEP;
	list_add_tail(&inode->lru_node, &inode_lru);
	inode_nr_unused++;
	return inode_nr_unused > INODE_UNUSED_MAX ? IPUT_PRUNE : IPUT_KEEP;
}

/* The oldest clean unused inode, out of the cache, while too many. */
static struct inode *
inode_prune_pick(void)
{
	unsigned long s = arch_intr_save();
	struct inode *inode, *found = NULL;

	if (inode_nr_unused <= INODE_UNUSED_MAX)
		goto out;
	list_for_each_entry(inode, &inode_lru, lru_node) {
		if ((inode->state & I_DIRTY) || inode->nr_dirty != 0)
			continue;
		list_del(&inode->lru_node);
		inode_nr_unused--;
		list_del(&inode->hash_node);
		list_del(&inode->sb_node);
		found = inode;
		break;
	}
out:
	arch_intr_restore(s);
	return found;
}

static void
inode_prune(void)
{
	struct inode *inode;

	while ((inode = inode_prune_pick()) != NULL)
		inode_destroy(inode);
}

void
iput(struct inode *inode)
{
	unsigned long s = arch_intr_save();
	enum iput_action action;

	KASSERT(inode->refcount > 0);
	if (--inode->refcount > 0) {
		arch_intr_restore(s);
		return;
	}
	action = inode_last_ref(inode);
	arch_intr_restore(s);
	if (action == IPUT_EVICT)
		inode_evict(inode);
	else if (action == IPUT_FREE)
		inode_destroy(inode);
	else if (action == IPUT_PRUNE)
		inode_prune();
}

/* Move sb's unreferenced inodes to dead and count the others; intr off. */
static unsigned long
inode_collect_sb(struct super_block *sb, struct list_head *dead)
{
	struct inode *inode, *next;
	unsigned long busy = 0;

	list_for_each_entry_safe(inode, next, &sb->inodes, sb_node) {
		if (inode->refcount > 0 || (inode->state & I_FREEING)) {
			busy += inode->refcount > 0;
			continue;
		}
		if (!list_empty(&inode->lru_node)) {
			list_del(&inode->lru_node);
			inode_nr_unused--;
		}
		list_del(&inode->dirty_node);
		list_del(&inode->hash_node);
		list_del(&inode->sb_node);
		list_add_tail(&inode->sb_node, dead);
	}
	return busy;
}

unsigned long
inode_evict_sb(struct super_block *sb)
{
	struct list_head dead;
	struct inode *inode;
	unsigned long s, busy;

	list_init(&dead);
	s = arch_intr_save();
	busy = inode_collect_sb(sb, &dead);
	arch_intr_restore(s);
	while (!list_empty(&dead)) {
		inode = list_first_entry(&dead, struct inode, sb_node);
		list_del(&inode->sb_node);
		inode_destroy(inode);
	}
	return busy;
}

void
inode_mark_dirty(struct inode *inode)
{
	unsigned long s;

	if (inode->sb->ops->write_inode == NULL)
		return;
	s = arch_intr_save();
	if (!(inode->state & I_DIRTY)) {
		inode->state |= I_DIRTY;
		list_add_tail(&inode->dirty_node, &inode->sb->dirty);
	}
	arch_intr_restore(s);
}

struct ktimespec
vfs_now(void)
{
	uint64_t ns = arch_clock_realtime();
	struct ktimespec ts = {
		.tv_sec = (int64_t)(ns / NSEC_PER_SEC),
		.tv_nsec = (int64_t)(ns % NSEC_PER_SEC),
	};

	return ts;
}

int
inode_permission(struct inode *inode, int mask, const struct cred *cr)
{
	uint32_t mode = inode->mode;
	uint32_t bits;

	if ((mask & KW_OK) && inode->sb->readonly &&
	    (KS_ISREG(mode) || KS_ISDIR(mode) || KS_ISLNK(mode)))
		return -EROFS;
	if (cr->fsuid == inode->uid)
		bits = mode >> 6;
	else if (cred_in_group(cr, inode->gid))
		bits = mode >> 3;
	else
		bits = mode;
	if ((mask & ~bits & 7) == 0)
		return 0;
	/* Root reads and writes anything; executes what anyone may. */
	if (cr->fsuid == 0 &&
	    (!(mask & KX_OK) || KS_ISDIR(mode) || (mode & 0111) != 0))
		return 0;
	return -EACCES;
}

bool
inode_owner_or_root(const struct inode *inode, const struct cred *cr)
{
	return cr->fsuid == 0 || cr->fsuid == inode->uid;
}

void
inode_init_owner(struct inode *inode, struct inode *dir, uint32_t mode,
		 const struct cred *cr)
{
	const uint32_t sgid_exec = KS_ISGID | 0010;

	inode->uid = cr->fsuid;
	inode->gid = cr->fsgid;
	if (dir != NULL && (dir->mode & KS_ISGID)) {
		inode->gid = dir->gid;
		if (KS_ISDIR(mode))
			mode |= KS_ISGID;
		else if ((mode & sgid_exec) == sgid_exec && cr->fsuid != 0 &&
			 !cred_in_group(cr, dir->gid))
			mode &= ~KS_ISGID;
	}
	inode->mode = mode;
}

void
inode_stat(struct inode *inode, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = inode->sb->dev;
	st->st_ino = inode->ino;
	st->st_nlink = inode->nlink;
	st->st_mode = inode->mode;
	st->st_uid = inode->uid;
	st->st_gid = inode->gid;
	st->st_rdev = inode->rdev;
	st->st_size = (int64_t)inode->size;
	st->st_blksize = inode->sb->block_size;
	if (st->st_blksize == 0)
		st->st_blksize = 4096;
	st->st_blocks = (int64_t)inode->blocks;
	st->st_atim = inode->atime;
	st->st_mtim = inode->mtime;
	st->st_ctim = inode->ctime;
}
