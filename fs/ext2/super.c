/*
 * ext2 super blocks: the "ext2" filesystem type, mounting (reading and
 * checking the super block and the group descriptors, refusing what we
 * cannot handle), the mount state and count, statfs, sync, remount and
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

/* ---- mount-time checks ---- */

struct ext2_feature_name {
	uint32_t bit;
	const char *name;
};

static const struct ext2_feature_name ext2_incompat_names[] = {
	{ 0x0001, "compression" }, { 0x0004, "needs_recovery" },
	{ 0x0008, "journal_dev" }, { 0x0010, "meta_bg" },
	{ 0x0040, "extent" }, { 0x0080, "64bit" }, { 0x0100, "mmp" },
	{ 0x0200, "flex_bg" }, { 0x0400, "ea_inode" },
	{ 0x1000, "dirdata" }, { 0x2000, "metadata_csum_seed" },
	{ 0x4000, "large_dir" }, { 0x8000, "inline_data" },
	{ 0x10000, "encrypt" }, { 0x20000, "casefold" },
};

static const struct ext2_feature_name ext2_ro_compat_names[] = {
	{ 0x0008, "huge_file" }, { 0x0010, "uninit_bg" },
	{ 0x0020, "dir_nlink" }, { 0x0040, "extra_isize" },
	{ 0x0100, "quota" }, { 0x0200, "bigalloc" },
	{ 0x0400, "metadata_csum" }, { 0x1000, "read-only" },
	{ 0x2000, "project" }, { 0x4000, "shared_blocks" },
	{ 0x8000, "verity" },
};

/* Log each bit of bits by name (or number) after what. */
static void
ext2_log_features(struct super_block *sb, const char *what, uint32_t bits,
		  const struct ext2_feature_name *names, size_t n)
{
	for (uint32_t bit = 1; bit != 0; bit <<= 1) {
		const char *name = NULL;

		if (!(bits & bit))
			continue;
		for (size_t i = 0; i < n; i++)
			if (names[i].bit == bit)
				name = names[i].name;
		if (name != NULL)
			pr_err("ext2 (%s): %s feature %s\n", sb->bdev->name,
			       what, name);
		else
			pr_err("ext2 (%s): %s feature 0x%x\n", sb->bdev->name,
			       what, bit);
	}
}

/* Refuse unknown INCOMPAT features; unknown RO_COMPAT forces read-only. */
static int
ext2_check_features(struct super_block *sb, struct ext2_sb_info *sbi)
{
	struct ext2_super_block *es = sbi->es;
	uint32_t incompat, ro;

	if (ext2_le32(es->s_rev_level) == EXT2_GOOD_OLD_REV)
		return 0;
	incompat = ext2_le32(es->s_feature_incompat);
	ro = ext2_le32(es->s_feature_ro_compat);
	if (incompat & ~EXT2_INCOMPAT_SUPPORTED) {
		ext2_log_features(sb, "unsupported incompatible",
				  incompat & ~EXT2_INCOMPAT_SUPPORTED,
				  ext2_incompat_names,
				  ARRAY_SIZE(ext2_incompat_names));
		pr_err("ext2 (%s): cannot mount\n", sb->bdev->name);
		return -EINVAL;
	}
	if (ro & ~EXT2_RO_COMPAT_SUPPORTED) {
		ext2_log_features(sb, "unsupported read-only compatible",
				  ro & ~EXT2_RO_COMPAT_SUPPORTED,
				  ext2_ro_compat_names,
				  ARRAY_SIZE(ext2_ro_compat_names));
		pr_err("ext2 (%s): mounting read-only\n", sb->bdev->name);
		sbi->ro_features = true;
		sb->readonly = true;
	}
	return 0;
}

static int
ext2_bad_super(struct super_block *sb, const char *what, uint32_t value)
{
	pr_err("ext2 (%s): bad super block: %s (%u)\n", sb->bdev->name, what,
	       value);
	return -EINVAL;
}

/* Inode size and first inode, which depend on the revision. */
static int
ext2_check_inode_geometry(struct super_block *sb, struct ext2_sb_info *sbi)
{
	struct ext2_super_block *es = sbi->es;
	uint32_t rev = ext2_le32(es->s_rev_level);

	if (rev > EXT2_DYNAMIC_REV)
		return ext2_bad_super(sb, "unknown revision", rev);
	sbi->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
	sbi->first_ino = EXT2_GOOD_OLD_FIRST_INO;
	if (rev == EXT2_DYNAMIC_REV) {
		sbi->inode_size = ext2_le16(es->s_inode_size);
		sbi->first_ino = ext2_le32(es->s_first_ino);
	}
	if (sbi->inode_size < EXT2_GOOD_OLD_INODE_SIZE ||
	    sbi->inode_size > sbi->block_size ||
	    (sbi->inode_size & (sbi->inode_size - 1)) != 0)
		return ext2_bad_super(sb, "inode size", sbi->inode_size);
	sbi->inodes_per_block = sbi->block_size / sbi->inode_size;
	return 0;
}

/* Blocks, groups and inodes per group against each other and the disk. */
static int
ext2_check_counts(struct super_block *sb, struct ext2_sb_info *sbi)
{
	struct ext2_super_block *es = sbi->es;
	uint64_t dev_blocks = (sb->bdev->nr_sectors << SECTOR_SHIFT) >>
			      sbi->block_bits;
	uint32_t bits = sbi->block_size * 8;

	sbi->blocks_count = ext2_le32(es->s_blocks_count);
	sbi->inodes_count = ext2_le32(es->s_inodes_count);
	sbi->first_data_block = ext2_le32(es->s_first_data_block);
	sbi->blocks_per_group = ext2_le32(es->s_blocks_per_group);
	sbi->inodes_per_group = ext2_le32(es->s_inodes_per_group);
	if (sbi->first_data_block != (sbi->block_size == 1024 ? 1U : 0U))
		return ext2_bad_super(sb, "first data block",
				      sbi->first_data_block);
	if (sbi->blocks_count <= sbi->first_data_block + 1)
		return ext2_bad_super(sb, "blocks count", sbi->blocks_count);
	if (sbi->blocks_count > dev_blocks)
		return ext2_bad_super(sb, "blocks count past the device",
				      sbi->blocks_count);
	if (sbi->blocks_per_group == 0 || sbi->blocks_per_group > bits ||
	    sbi->blocks_per_group % 8 != 0)
		return ext2_bad_super(sb, "blocks per group",
				      sbi->blocks_per_group);
	if (sbi->inodes_per_group < sbi->inodes_per_block ||
	    sbi->inodes_per_group > bits ||
	    sbi->inodes_per_group % sbi->inodes_per_block != 0)
		return ext2_bad_super(sb, "inodes per group",
				      sbi->inodes_per_group);
	return 0;
}

/* Derived geometry: groups, descriptor blocks, inode table size. */
static int
ext2_check_groups(struct super_block *sb, struct ext2_sb_info *sbi)
{
	struct ext2_super_block *es = sbi->es;
	uint64_t inodes;

	sbi->groups = DIV_ROUND_UP(sbi->blocks_count - sbi->first_data_block,
				   sbi->blocks_per_group);
	inodes = (uint64_t)sbi->groups * sbi->inodes_per_group;
	if (inodes != sbi->inodes_count)
		return ext2_bad_super(sb, "inodes count", sbi->inodes_count);
	sbi->desc_per_block = sbi->block_size / EXT2_DESC_SIZE;
	sbi->gdb_count = DIV_ROUND_UP(sbi->groups, sbi->desc_per_block);
	sbi->itb_per_group = sbi->inodes_per_group / sbi->inodes_per_block;
	sbi->reserved_gdt = 0;
	if (ext2_le32(es->s_feature_compat) & EXT2_COMPAT_RESIZE_INODE)
		sbi->reserved_gdt = ext2_le16(es->s_reserved_gdt_blocks);
	if (sbi->gdb_count + sbi->reserved_gdt >= sbi->blocks_per_group)
		return ext2_bad_super(sb, "group descriptor blocks",
				      sbi->gdb_count + sbi->reserved_gdt);
	if (sbi->first_ino < EXT2_GOOD_OLD_FIRST_INO ||
	    sbi->first_ino >= sbi->inodes_count)
		return ext2_bad_super(sb, "first inode", sbi->first_ino);
	if (ext2_le32(es->s_r_blocks_count) >= sbi->blocks_count)
		return ext2_bad_super(sb, "reserved blocks",
				      ext2_le32(es->s_r_blocks_count));
	return 0;
}

static bool
ext2_in_group(struct ext2_sb_info *sbi, uint32_t g, uint32_t blk,
	      uint32_t count)
{
	uint32_t first = ext2_group_first(sbi, g);
	uint32_t end = first + ext2_group_nblocks(sbi, g);

	return blk >= first && blk < end && count <= end - blk;
}

/* The bitmaps and inode table of group g lie inside the group. */
static int
ext2_check_group(struct super_block *sb, struct ext2_sb_info *sbi,
		 uint32_t g)
{
	struct ext2_group_desc *gd = ext2_gd(sbi, g);
	const char *bad = NULL;

	if (!ext2_in_group(sbi, g, ext2_le32(gd->bg_block_bitmap), 1))
		bad = "block bitmap";
	else if (!ext2_in_group(sbi, g, ext2_le32(gd->bg_inode_bitmap), 1))
		bad = "inode bitmap";
	else if (!ext2_in_group(sbi, g, ext2_le32(gd->bg_inode_table),
				sbi->itb_per_group))
		bad = "inode table";
	else if (ext2_le16(gd->bg_free_blocks_count) >
		 ext2_group_nblocks(sbi, g))
		bad = "free blocks count";
	else if (ext2_le16(gd->bg_free_inodes_count) > sbi->inodes_per_group)
		bad = "free inodes count";
	if (bad == NULL)
		return 0;
	pr_err("ext2 (%s): bad group descriptor %u: %s\n", sb->bdev->name, g,
	       bad);
	return -EINVAL;
}

static void
ext2_put_groups(struct ext2_sb_info *sbi)
{
	if (sbi->gdh == NULL)
		return;
	for (uint32_t i = 0; i < sbi->gdb_count; i++)
		if (sbi->gdh[i] != NULL)
			buffer_put(sbi->gdh[i]);
	kfree(sbi->gdh);
	sbi->gdh = NULL;
}

/* Read and pin the descriptor blocks and check every group. */
static int
ext2_load_groups(struct super_block *sb, struct ext2_sb_info *sbi)
{
	int err;

	sbi->gdh = kzalloc(sbi->gdb_count * sizeof(*sbi->gdh));
	if (sbi->gdh == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < sbi->gdb_count; i++) {
		err = buffer_read(sb->bdev, sbi->first_data_block + 1 + i,
				  sbi->block_size, &sbi->gdh[i]);
		if (err != 0)
			return err;
	}
	for (uint32_t g = 0; g < sbi->groups; g++) {
		err = ext2_check_group(sb, sbi, g);
		if (err != 0)
			return err;
	}
	return 0;
}

/* Metadata blocks (for statfs) and the free counts summed from groups. */
static void
ext2_count_groups(struct ext2_sb_info *sbi)
{
	struct ext2_super_block *es = sbi->es;
	uint32_t fb = 0, fi = 0;

	sbi->overhead = sbi->first_data_block;
	for (uint32_t g = 0; g < sbi->groups; g++) {
		struct ext2_group_desc *gd = ext2_gd(sbi, g);

		fb += ext2_le16(gd->bg_free_blocks_count);
		fi += ext2_le16(gd->bg_free_inodes_count);
		sbi->overhead += 2 + sbi->itb_per_group;
		if (ext2_group_has_super(sbi, g))
			sbi->overhead += 1 + sbi->gdb_count + sbi->reserved_gdt;
	}
	es->s_free_blocks_count = ext2_cpu32(fb);
	es->s_free_inodes_count = ext2_cpu32(fi);
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

static int
ext2_check_super(struct super_block *sb, struct ext2_sb_info *sbi)
{
	int err;

	err = ext2_check_inode_geometry(sb, sbi);
	if (err == 0)
		err = ext2_check_counts(sb, sbi);
	if (err == 0)
		err = ext2_check_groups(sb, sbi);
	if (err == 0)
		err = ext2_check_features(sb, sbi);
	if (err == 0)
		err = ext2_load_groups(sb, sbi);
	return err;
}

/* A read-write mount: not clean while mounted, one more mount. */
static void
ext2_setup_super(struct super_block *sb, struct ext2_sb_info *sbi)
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
	if (max == 0)
		es->s_max_mnt_count = ext2_cpu16((uint16_t)-1);
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
	ext2_setup_super(sb, sbi);
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
	if (!sb->readonly) {
		mutex_lock(&sbi->alloc_lock);
		ext2_setup_super(sb, sbi);
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

struct fs_type ext2_fs_type = {
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
