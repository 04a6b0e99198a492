/*
 * ext2 inode allocation: the inode bitmaps of the groups and the free
 * inode and directory counts of the group descriptors and super block,
 * kept exact together under alloc_lock.
 *
 * Placement: a new directory goes to a group with at least the average
 * number of free inodes and the fewest directories (ties: more free
 * blocks), which spreads the tree over the disk; any other inode goes to
 * its parent's group if that has room, else to a group picked by a
 * quadratic hash from it, else to the first group with a free inode.
 */
#include "core/errno.h"
#include "core/string.h"
#include "fs/buffer.h"
#include "fs/ext2/ext2.h"

#define EXT2_NO_GROUP	UINT32_MAX

static uint32_t
ext2_free_inodes(struct ext2_sb_info *sbi, uint32_t g)
{
	return ext2_le16(ext2_gd(sbi, g)->bg_free_inodes_count);
}

static uint32_t
ext2_free_blocks_in(struct ext2_sb_info *sbi, uint32_t g)
{
	return ext2_le16(ext2_gd(sbi, g)->bg_free_blocks_count);
}

/* Is group a a better home for a directory than group b? */
static bool
ext2_better_dir_group(struct ext2_sb_info *sbi, uint32_t a, uint32_t b)
{
	uint32_t da = ext2_le16(ext2_gd(sbi, a)->bg_used_dirs_count);
	uint32_t db = ext2_le16(ext2_gd(sbi, b)->bg_used_dirs_count);

	if (da != db)
		return da < db;
	return ext2_free_blocks_in(sbi, a) > ext2_free_blocks_in(sbi, b);
}

static uint32_t
ext2_any_group(struct ext2_sb_info *sbi, uint32_t from)
{
	for (uint32_t i = 0; i < sbi->groups; i++) {
		uint32_t g = (from + i) % sbi->groups;

		if (ext2_free_inodes(sbi, g) > 0)
			return g;
	}
	return EXT2_NO_GROUP;
}

static uint32_t
ext2_find_group_dir(struct ext2_sb_info *sbi)
{
	uint32_t avg = ext2_le32(sbi->es->s_free_inodes_count) / sbi->groups;
	uint32_t best = EXT2_NO_GROUP;

	for (uint32_t g = 0; g < sbi->groups; g++) {
		uint32_t fi = ext2_free_inodes(sbi, g);

		if (fi == 0 || fi < avg)
			continue;
		if (best == EXT2_NO_GROUP ||
		    ext2_better_dir_group(sbi, g, best))
			best = g;
	}
	return best != EXT2_NO_GROUP ? best : ext2_any_group(sbi, 0);
}

static uint32_t
ext2_find_group_other(struct ext2_sb_info *sbi, uint32_t parent,
		      uint64_t dir_ino)
{
	uint32_t g = parent;

	if (ext2_free_inodes(sbi, g) > 0 && ext2_free_blocks_in(sbi, g) > 0)
		return g;
	g = (uint32_t)((parent + dir_ino) % sbi->groups);
	for (uint32_t i = 1; i < sbi->groups; i <<= 1) {
		g = (g + i) % sbi->groups;
		if (ext2_free_inodes(sbi, g) > 0 &&
		    ext2_free_blocks_in(sbi, g) > 0)
			return g;
	}
	return ext2_any_group(sbi, parent);
}

/* Take the first free inode of group g. */
static int
ext2_alloc_in_group(struct ext2_sb_info *sbi, uint32_t g, bool is_dir,
		    uint32_t *ino)
{
	struct ext2_group_desc *gd = ext2_gd(sbi, g);
	uint32_t start = g == 0 ? sbi->first_ino - 1 : 0;
	struct buffer *bh;
	uint32_t nr;
	int err;

	err = buffer_read(sbi->sb->bdev, ext2_le32(gd->bg_inode_bitmap),
			  sbi->block_size, &bh);
	if (err != 0)
		return err;
	nr = ext2_find_zero_bit(bh->data, start, sbi->inodes_per_group);
	if (nr >= sbi->inodes_per_group) {
		buffer_put(bh);
		return -ENOSPC;
	}
	ext2_set_bit(bh->data, nr);
	buffer_mark_dirty(bh);
	buffer_put(bh);
	EXT2_ADD16(gd->bg_free_inodes_count, -1);
	if (is_dir)
		EXT2_ADD16(gd->bg_used_dirs_count, 1);
	ext2_gd_dirty(sbi, g);
	EXT2_ADD32(sbi->es->s_free_inodes_count, -1);
	ext2_sb_dirty(sbi);
	*ino = g * sbi->inodes_per_group + nr + 1;
	return 0;
}

/* Try the chosen group, then every group with a free inode. */
static int
ext2_alloc_inode_num(struct ext2_sb_info *sbi, uint32_t g, bool is_dir,
		     uint32_t *ino)
{
	int err = -ENOSPC;

	for (uint32_t i = 0; i < sbi->groups && err == -ENOSPC; i++) {
		uint32_t gg = (g + i) % sbi->groups;

		if (ext2_free_inodes(sbi, gg) > 0)
			err = ext2_alloc_in_group(sbi, gg, is_dir, ino);
	}
	return err;
}

/*
 * Take a free inode number in the group the policy picks for a new inode
 * (a directory if is_dir) in dir.  0 or -ENOSPC.
 */
static int
ext2_pick_inode(struct inode *dir, bool is_dir, uint32_t *ino)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->sb);
	uint32_t g = EXT2_NO_GROUP;
	int err = -ENOSPC;

	mutex_lock(&sbi->alloc_lock);
	if (ext2_le32(sbi->es->s_free_inodes_count) == 0)
		goto out_unlock;
	if (is_dir)
		g = ext2_find_group_dir(sbi);
	else
		g = ext2_find_group_other(sbi, EXT2_I(dir)->group, dir->ino);
	if (g != EXT2_NO_GROUP)
		err = ext2_alloc_inode_num(sbi, g, is_dir, ino);
out_unlock:
	mutex_unlock(&sbi->alloc_lock);
	return err;
}

/*
 * Zero the on-disk inode ino, which the bitmap said was free: unless it
 * looks alive (links and no deletion time), which means the bitmap is
 * corrupt and zeroing would destroy a file (-EEXIST).  0 or -EIO.
 */
static int
ext2_zero_inode(struct super_block *sb, uint32_t ino)
{
	struct ext2_inode *raw;
	struct buffer *bh;
	uint32_t off;
	int err;

	err = ext2_inode_loc(sb, ino, &bh, &off);
	if (err != 0)
		return err;
	raw = (struct ext2_inode *)((uint8_t *)bh->data + off);
	if (raw->i_links_count != 0 && raw->i_dtime == 0) {
		buffer_put(bh);
		ext2_error(sb, ino, "in use but free in the inode bitmap");
		return -EEXIST;
	}
	memset(raw, 0, EXT2_SB(sb)->inode_size);
	buffer_mark_dirty(bh);
	buffer_put(bh);
	return 0;
}

/* Allocate an inode number for a new inode of mode in dir. */
int
ext2_new_inode(struct inode *dir, uint32_t mode, uint32_t *ino)
{
	bool is_dir = KS_ISDIR(mode);
	int err = -EEXIST;

	/* A live inode the bitmap called free keeps its bit: next one. */
	for (int tries = 0; tries < 4 && err == -EEXIST; tries++) {
		err = ext2_pick_inode(dir, is_dir, ino);
		if (err != 0)
			return err;
		err = ext2_zero_inode(dir->sb, *ino);
	}
	if (err == -EEXIST)
		return -EIO;
	if (err != 0)
		ext2_free_inode(dir->sb, *ino, is_dir);
	return err;
}

/* Mark inode ino free. */
int
ext2_free_inode(struct super_block *sb, uint32_t ino, bool is_dir)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	uint32_t g = (ino - 1) / sbi->inodes_per_group;
	uint32_t nr = (ino - 1) % sbi->inodes_per_group;
	struct ext2_group_desc *gd;
	struct buffer *bh;
	int err;

	if (ino < sbi->first_ino || ino > sbi->inodes_count) {
		ext2_error(sb, ino, "freeing a reserved or nonexistent inode");
		return -EIO;
	}
	gd = ext2_gd(sbi, g);
	mutex_lock(&sbi->alloc_lock);
	err = buffer_read(sb->bdev, ext2_le32(gd->bg_inode_bitmap),
			  sbi->block_size, &bh);
	if (err != 0)
		goto out_unlock;
	if (!ext2_clear_bit(bh->data, nr)) {
		ext2_error_locked(sb, ino, "freeing an inode already free");
		err = -EIO;
		goto out_put;
	}
	buffer_mark_dirty(bh);
	EXT2_ADD16(gd->bg_free_inodes_count, 1);
	if (is_dir)
		EXT2_ADD16(gd->bg_used_dirs_count, -1);
	ext2_gd_dirty(sbi, g);
	EXT2_ADD32(sbi->es->s_free_inodes_count, 1);
	ext2_sb_dirty(sbi);
out_put:
	buffer_put(bh);
out_unlock:
	mutex_unlock(&sbi->alloc_lock);
	return err;
}
