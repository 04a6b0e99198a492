/*
 * ext2 super blocks: the "ext2" filesystem type, mounting (reading the
 * super block; check.c judges it and the group descriptors), access to
 * the groups, the mount state and count, statfs, sync, remount and
 * unmount, and the reporting of corruption found later.
 *
 * The super block and the group descriptor blocks stay pinned in the
 * buffer cache while mounted; sbi->es points into the super block's
 * buffer and allocation updates its free counts in place, under
 * alloc_lock, together with the group descriptors.  Nothing is written
 * before a mount has succeeded, and nothing on a read-only mount.
 */
#include "core/errno.h"
#include "core/printk.h"
#include "core/slab.h"
#include "core/string.h"
#include "drivers/blk.h"
#include "fs/buffer.h"
#include "fs/ext2/ext2.h"
#include "fs/filesystems.h"

/* ---- errors ---- */

static void
ext2_verror(struct super_block *sb, uint64_t ino, const char *fmt,
	    va_list ap)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	char msg[160];

	kvsnprintf(msg, sizeof(msg), fmt, ap);
	if (ino != 0)
		pr_err("ext2 (%s): inode %llu: %s\n", sb->bdev->name,
		       (unsigned long long)ino, msg);
	else
		pr_err("ext2 (%s): %s\n", sb->bdev->name, msg);
	if (sbi == NULL || sbi->es == NULL)
		return;
	sbi->mount_state |= EXT2_ERROR_FS;
	sbi->es->s_state |= ext2_cpu16(EXT2_ERROR_FS);
	ext2_sb_dirty(sbi);
}

/* Report corruption in inode ino; takes alloc_lock. */
void
ext2_error(struct super_block *sb, uint64_t ino, const char *fmt, ...)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	va_list ap;

	mutex_lock(&sbi->alloc_lock);
	va_start(ap, fmt);
	ext2_verror(sb, ino, fmt, ap);
	va_end(ap);
	mutex_unlock(&sbi->alloc_lock);
}

/* Report corruption in inode ino; alloc_lock held. */
void
ext2_error_locked(struct super_block *sb, uint64_t ino, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ext2_verror(sb, ino, fmt, ap);
	va_end(ap);
}

/* ---- groups ---- */

/* Group descriptor g, in its pinned buffer. */
struct ext2_group_desc *
ext2_gd(struct ext2_sb_info *sbi, uint32_t g)
{
	struct buffer *b = sbi->gdh[g / sbi->desc_per_block];

	return (struct ext2_group_desc *)b->data + g % sbi->desc_per_block;
}

/* Queue group descriptor g for write-back. */
void
ext2_gd_dirty(struct ext2_sb_info *sbi, uint32_t g)
{
	buffer_mark_dirty(sbi->gdh[g / sbi->desc_per_block]);
}

/* Queue the super block for write-back (not on a read-only mount). */
void
ext2_sb_dirty(struct ext2_sb_info *sbi)
{
	if (sbi->active && !sbi->sb->readonly)
		buffer_mark_dirty(sbi->sbh);
}

static bool
ext2_is_power_of(uint32_t n, uint32_t base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

/* True if group g holds a super block backup and descriptors. */
bool
ext2_group_has_super(const struct ext2_sb_info *sbi, uint32_t g)
{
	const struct ext2_super_block *es = sbi->es;

	if (g == 0)
		return true;
	if (ext2_le32(es->s_feature_compat) & EXT2_COMPAT_SPARSE_SUPER2)
		return g == ext2_le32(es->s_backup_bgs[0]) ||
		       g == ext2_le32(es->s_backup_bgs[1]);
	if (!(ext2_le32(es->s_feature_ro_compat) &
	      EXT2_RO_COMPAT_SPARSE_SUPER) || g == 1)
		return true;
	return ext2_is_power_of(g, 3) || ext2_is_power_of(g, 5) ||
	       ext2_is_power_of(g, 7);
}

/* First block of group g. */
uint32_t
ext2_group_first(const struct ext2_sb_info *sbi, uint32_t g)
{
	return sbi->first_data_block + g * sbi->blocks_per_group;
}

/* Blocks in group g. */
uint32_t
ext2_group_nblocks(const struct ext2_sb_info *sbi, uint32_t g)
{
	uint32_t first = ext2_group_first(sbi, g);

	return MIN(sbi->blocks_per_group, sbi->blocks_count - first);
}

/* Revision 0 file systems have no feature fields: move to revision 1. */
static void
ext2_update_dynamic_rev(struct ext2_sb_info *sbi)
{
	struct ext2_super_block *es = sbi->es;

	if (ext2_le32(es->s_rev_level) > EXT2_GOOD_OLD_REV)
		return;
	pr_warn("ext2 (%s): updating to revision 1 for a new feature\n",
		sbi->sb->bdev->name);
	es->s_first_ino = ext2_cpu32(EXT2_GOOD_OLD_FIRST_INO);
	es->s_inode_size = ext2_cpu16(EXT2_GOOD_OLD_INODE_SIZE);
	es->s_rev_level = ext2_cpu32(EXT2_DYNAMIC_REV);
}

/* Set an RO_COMPAT feature. */
void
ext2_set_ro_feature(struct ext2_sb_info *sbi, uint32_t feature)
{
	struct ext2_super_block *es = sbi->es;

	if ((ext2_le32(es->s_feature_ro_compat) & feature) &&
	    ext2_le32(es->s_rev_level) > EXT2_GOOD_OLD_REV)
		return;
	ext2_update_dynamic_rev(sbi);
	es->s_feature_ro_compat |= ext2_cpu32(feature);
	ext2_sb_dirty(sbi);
}


/* ---- reading the super block ---- */

/* Read the raw super block and find the block size from it. */
static int
ext2_probe(struct super_block *sb, struct ext2_sb_info *sbi)
{
	struct ext2_super_block *raw = kmalloc(EXT2_SUPER_SIZE);
	uint32_t log;
	int err;

	if (raw == NULL)
		return -ENOMEM;
	err = blk_rw_sync(sb->bdev, BIO_READ, EXT2_SUPER_OFFSET >> SECTOR_SHIFT,
			  raw, EXT2_SUPER_SIZE, 0);
	if (err != 0) {
		pr_err("ext2 (%s): cannot read the super block\n",
		       sb->bdev->name);
		goto out_free;
	}
	err = -EINVAL;
	if (ext2_le16(raw->s_magic) != EXT2_SUPER_MAGIC) {
		pr_err("ext2 (%s): bad magic 0x%x: not an ext2 file system\n",
		       sb->bdev->name, ext2_le16(raw->s_magic));
		goto out_free;
	}
	log = ext2_le32(raw->s_log_block_size);
	if (log > EXT2_MAX_BLOCK_LOG - EXT2_MIN_BLOCK_LOG) {
		ext2_bad_super(sb, "log block size", log);
		goto out_free;
	}
	sbi->block_bits = EXT2_MIN_BLOCK_LOG + log;
	sbi->block_size = 1U << sbi->block_bits;
	sbi->addr_per_block = sbi->block_size / 4;
	err = 0;
out_free:
	kfree(raw);
	return err;
}

/* Read the super block through the buffer cache at the block size. */
static int
ext2_read_super(struct super_block *sb, struct ext2_sb_info *sbi)
{
	uint32_t blk = EXT2_SUPER_OFFSET >> sbi->block_bits;
	uint32_t off = EXT2_SUPER_OFFSET & (sbi->block_size - 1);
	int err;

	err = buffer_read(sb->bdev, blk, sbi->block_size, &sbi->sbh);
	if (err != 0)
		return err;
	sbi->es = (struct ext2_super_block *)((uint8_t *)sbi->sbh->data + off);
	if (ext2_le16(sbi->es->s_magic) != EXT2_SUPER_MAGIC)
		return ext2_bad_super(sb, "magic changed", 0);
	return 0;
}


/* Say so if the file system wants checking. */
static void
ext2_mount_warnings(struct super_block *sb, struct ext2_sb_info *sbi)
{
	struct ext2_super_block *es = sbi->es;
	int16_t max = (int16_t)ext2_le16(es->s_max_mnt_count);

	if (!(sbi->mount_state & EXT2_VALID_FS))
		pr_warn("ext2 (%s): not cleanly unmounted, running e2fsck "
			"is recommended\n", sb->bdev->name);
	else if (sbi->mount_state & EXT2_ERROR_FS)
		pr_warn("ext2 (%s): mounting a file system with errors, "
			"running e2fsck is recommended\n", sb->bdev->name);
	else if (max > 0 && ext2_le16(es->s_mnt_count) >= (uint16_t)max)
		pr_warn("ext2 (%s): maximal mount count reached, running "
			"e2fsck is recommended\n", sb->bdev->name);
}

/* A read-write mount: not clean while mounted, one more mount. */
static void
ext2_setup_super(struct ext2_sb_info *sbi)
{
	struct ext2_super_block *es = sbi->es;

	es->s_state &= ext2_cpu16((uint16_t)~EXT2_VALID_FS);
	EXT2_ADD16(es->s_mnt_count, 1);
	es->s_mtime = ext2_cpu32((uint32_t)vfs_now().tv_sec);
	es->s_wtime = es->s_mtime;
	ext2_sb_dirty(sbi);
}

/* Stamp the super block's write time and queue it; with wait, write
 * every dirty buffer of the file system now. */
static int
ext2_commit_super(struct ext2_sb_info *sbi, bool wait)
{
	mutex_lock(&sbi->alloc_lock);
	sbi->es->s_wtime = ext2_cpu32((uint32_t)vfs_now().tv_sec);
	ext2_sb_dirty(sbi);
	mutex_unlock(&sbi->alloc_lock);
	return wait ? buffer_sync_dev(sbi->sb->bdev, 0) : 0;
}

/* ---- super_ops ---- */

static void
ext2_sbi_free(struct ext2_sb_info *sbi)
{
	ext2_put_groups(sbi);
	if (sbi->sbh != NULL)
		buffer_put(sbi->sbh);
	kfree(sbi);
}

static int
ext2_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_super_block *es = sbi->es;
	uint32_t free;

	memset(st, 0, sizeof(*st));
	mutex_lock(&sbi->alloc_lock);
	free = ext2_le32(es->s_free_blocks_count);
	st->f_ffree = ext2_le32(es->s_free_inodes_count);
	mutex_unlock(&sbi->alloc_lock);
	st->f_type = EXT2_SUPER_MAGIC;
	st->f_bsize = sbi->block_size;
	st->f_frsize = sbi->block_size;
	st->f_blocks = sbi->blocks_count - sbi->overhead;
	st->f_bfree = free;
	st->f_bavail = free > sbi->r_blocks ? free - sbi->r_blocks : 0;
	st->f_files = sbi->inodes_count;
	st->f_namelen = EXT2_NAME_LEN;
	memcpy(&st->f_fsid[0], es->s_uuid, 4);
	memcpy(&st->f_fsid[1], es->s_uuid + 4, 4);
	return 0;
}

static int
ext2_sync_fs(struct super_block *sb, bool wait)
{
	if (sb->readonly)
		return 0;
	return ext2_commit_super(EXT2_SB(sb), wait);
}

/* Restore the state found at mount (clean unless errors) and write. */
static int
ext2_write_state(struct ext2_sb_info *sbi)
{
	mutex_lock(&sbi->alloc_lock);
	sbi->es->s_state = ext2_cpu16(sbi->mount_state);
	mutex_unlock(&sbi->alloc_lock);
	return ext2_commit_super(sbi, true);
}

static void
ext2_put_super(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	if (!sb->readonly && ext2_write_state(sbi) != 0)
		pr_err("ext2 (%s): cannot write the super block at unmount\n",
		       sb->bdev->name);
	ext2_sbi_free(sbi);
	sb->fs_info = NULL;
	buffer_forget_dev(sb->bdev);
}

static int
ext2_remount(struct super_block *sb, bool readonly)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	int err;

	if (readonly == sb->readonly)
		return 0;
	if (readonly) {
		err = ext2_write_state(sbi);
		sb->readonly = true;
		return err;
	}
	if (sbi->ro_features || sb->bdev->readonly) {
		pr_err("ext2 (%s): cannot remount read-write\n",
		       sb->bdev->name);
		return -EROFS;
	}
	sb->readonly = false;
	mutex_lock(&sbi->alloc_lock);
	sbi->mount_state = ext2_le16(sbi->es->s_state);
	ext2_setup_super(sbi);
	mutex_unlock(&sbi->alloc_lock);
	return buffer_sync_dev(sb->bdev, 0);
}

static const struct super_ops ext2_super_ops = {
	.alloc_inode = ext2_alloc_inode,
	.free_inode = ext2_free_inode_mem,
	.read_inode = ext2_read_inode,
	.write_inode = ext2_write_inode,
	.evict_inode = ext2_evict_inode,
	.sync_fs = ext2_sync_fs,
	.put_super = ext2_put_super,
	.statfs = ext2_statfs,
	.remount = ext2_remount,
};

/* The root directory, which must look like one. */
static int
ext2_get_root(struct super_block *sb)
{
	struct inode *root;
	int err;

	err = iget(sb, EXT2_ROOT_INO, &root);
	if (err != 0) {
		pr_err("ext2 (%s): cannot read the root inode\n",
		       sb->bdev->name);
		return err;
	}
	if (!KS_ISDIR(root->mode) || root->size == 0 || root->nlink < 2) {
		pr_err("ext2 (%s): corrupt root inode\n", sb->bdev->name);
		iput(root);
		return -EINVAL;
	}
	sb->root = root;
	return 0;
}

/* Fill the fields of the VFS super block and of sbi from the disk. */
static void
ext2_init_sb(struct super_block *sb, struct ext2_sb_info *sbi)
{
	struct ext2_super_block *es = sbi->es;

	sb->block_size = sbi->block_size;
	sb->magic = EXT2_SUPER_MAGIC;
	sb->maxbytes = ext2_max_size(sbi);
	sb->ops = &ext2_super_ops;
	if (sb->bdev->readonly)
		sb->readonly = true;
	sbi->r_blocks = ext2_le32(es->s_r_blocks_count);
	sbi->resuid = ext2_le16(es->s_def_resuid);
	sbi->resgid = ext2_le16(es->s_def_resgid);
	sbi->mount_state = ext2_le16(es->s_state);
	sbi->generation = (uint32_t)vfs_now().tv_nsec;
	ext2_count_groups(sbi);
}

static int
ext2_fill_super(struct super_block *sb, const char *options)
{
	struct ext2_sb_info *sbi;
	int err;

	(void)options;
	if (sb->bdev == NULL)
		return -ENOTBLK;
	sbi = kzalloc(sizeof(*sbi));
	if (sbi == NULL)
		return -ENOMEM;
	sbi->sb = sb;
	mutex_init(&sbi->alloc_lock, "ext2_alloc");
	sb->fs_info = sbi;
	err = ext2_probe(sb, sbi);
	if (err == 0)
		err = ext2_read_super(sb, sbi);
	if (err == 0)
		err = ext2_check_super(sb, sbi);
	if (err != 0)
		goto out_free;
	ext2_init_sb(sb, sbi);
	err = ext2_get_root(sb);
	if (err != 0)
		goto out_free;
	sbi->active = true;
	ext2_mount_warnings(sb, sbi);
	if (!sb->readonly) {
		mutex_lock(&sbi->alloc_lock);
		ext2_setup_super(sbi);
		mutex_unlock(&sbi->alloc_lock);
		ext2_commit_super(sbi, true);
	}
	return 0;
out_free:
	ext2_sbi_free(sbi);
	sb->fs_info = NULL;
	buffer_forget_dev(sb->bdev);
	return err;
}

static struct fs_type ext2_fs_type = {
	.name = "ext2",
	.needs_device = true,
	.fill_super = ext2_fill_super,
};

/* Register the ext2 filesystem type. */
int
ext2_init(void)
{
	return vfs_register_fs(&ext2_fs_type);
}
