/*
 * ext2 mount-time checks: the super block's revision, block size, counts
 * and geometry against each other and the size of the disk, the feature
 * sets (an unknown INCOMPAT feature refuses the mount, naming it; an
 * unknown RO_COMPAT one makes it read-only), and every group descriptor
 * (bitmaps and inode table inside their group, counts in range).  The
 * descriptor blocks are read and pinned here for the life of the mount.
 * Everything wrong is a pr_err naming it and -EINVAL, never a panic.
 */
#include "core/errno.h"
#include "core/printk.h"
#include "core/slab.h"
#include "drivers/blk.h"
#include "fs/buffer.h"
#include "fs/ext2/ext2.h"

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

/* Log a refused super block field; -EINVAL. */
int
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

/* Unpin the group descriptor blocks. */
void
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
void
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

/* Check everything mount needs and pin the group descriptors. */
int
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
