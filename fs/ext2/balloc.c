/*
 * ext2 block allocation: the block bitmaps of the groups, the free counts
 * of the group descriptors and of the super block (kept exact together,
 * under alloc_lock), the check that a block number is a data block, and
 * the bit helpers ialloc.c shares.
 *
 * A new block is searched from the goal (the block after the inode's last
 * one, or the start of its group's data) to the end of that group, then
 * in the following groups, wrapping round.  The last s_r_blocks_count
 * free blocks are kept for the reserved user and group and for root.
 */
#include "core/errno.h"
#include "core/string.h"
#include "drivers/blk.h"
#include "fs/buffer.h"
#include "fs/ext2/ext2.h"

/* ---- bits ---- */

/* True if bit nr is set. */
bool
ext2_test_bit(const uint8_t *map, uint32_t nr)
{
	return (map[nr >> 3] >> (nr & 7)) & 1;
}

/* Set bit nr; return its old value. */
bool
ext2_set_bit(uint8_t *map, uint32_t nr)
{
	bool old = ext2_test_bit(map, nr);

	map[nr >> 3] |= (uint8_t)(1U << (nr & 7));
	return old;
}

/* Clear bit nr; return its old value. */
bool
ext2_clear_bit(uint8_t *map, uint32_t nr)
{
	bool old = ext2_test_bit(map, nr);

	map[nr >> 3] &= (uint8_t)~(1U << (nr & 7));
	return old;
}

/* The first clear bit in [start, end), else end. */
uint32_t
ext2_find_zero_bit(const uint8_t *map, uint32_t start, uint32_t end)
{
	uint32_t nr = start;

	while (nr < end) {
		if ((nr & 7) == 0 && end - nr >= 8 && map[nr >> 3] == 0xff) {
			nr += 8;
			continue;
		}
		if (!ext2_test_bit(map, nr))
			return nr;
		nr++;
	}
	return end;
}

/* ---- which blocks are data ---- */

/* True if [blk, blk + count) misses [start, start + len). */
static bool
ext2_misses(uint32_t blk, uint32_t count, uint32_t start, uint32_t len)
{
	return blk + count <= start || blk >= start + len;
}

/* A range inside group g holds no metadata of g. */
static bool
ext2_group_range_valid(struct ext2_sb_info *sbi, uint32_t g, uint32_t blk,
		       uint32_t count)
{
	struct ext2_group_desc *gd = ext2_gd(sbi, g);
	uint32_t first = ext2_group_first(sbi, g);

	if (ext2_group_has_super(sbi, g) &&
	    blk < first + 1 + sbi->gdb_count + sbi->reserved_gdt)
		return false;
	return ext2_misses(blk, count, ext2_le32(gd->bg_block_bitmap), 1) &&
	       ext2_misses(blk, count, ext2_le32(gd->bg_inode_bitmap), 1) &&
	       ext2_misses(blk, count, ext2_le32(gd->bg_inode_table),
			   sbi->itb_per_group);
}

/* True if [blk, blk + count) are all data blocks of the file system. */
bool
ext2_blocks_valid(struct ext2_sb_info *sbi, uint32_t blk, uint32_t count)
{
	if (count == 0 || blk < sbi->first_data_block ||
	    blk >= sbi->blocks_count || count > sbi->blocks_count - blk)
		return false;
	while (count > 0) {
		uint32_t g = (blk - sbi->first_data_block) /
			     sbi->blocks_per_group;
		uint32_t end = ext2_group_first(sbi, g) +
			       ext2_group_nblocks(sbi, g);
		uint32_t n = MIN(count, end - blk);

		if (!ext2_group_range_valid(sbi, g, blk, n))
			return false;
		blk += n;
		count -= n;
	}
	return true;
}

/* ---- allocation ---- */

static bool
ext2_in_groups(const struct cred *cr, uint32_t gid)
{
	if (cr->fsgid == gid)
		return true;
	for (unsigned int i = 0; i < cr->ngroups && i < 32; i++)
		if (cr->groups[i] == gid)
			return true;
	return false;
}

/* May the current task take one of the reserved blocks? */
static bool
ext2_may_use_reserve(struct ext2_sb_info *sbi)
{
	const struct cred *cr = current_cred();

	return cr->fsuid == 0 || cr->fsuid == sbi->resuid ||
	       (sbi->resgid != 0 && ext2_in_groups(cr, sbi->resgid));
}

/* Take bit nr of group g, whose bitmap is bh: counts and dirt. */
static void
ext2_take_block(struct ext2_sb_info *sbi, uint32_t g, struct buffer *bh,
		uint32_t nr)
{
	ext2_set_bit(bh->data, nr);
	buffer_mark_dirty(bh);
	EXT2_ADD16(ext2_gd(sbi, g)->bg_free_blocks_count, -1);
	ext2_gd_dirty(sbi, g);
	EXT2_ADD32(sbi->es->s_free_blocks_count, -1);
	ext2_sb_dirty(sbi);
}

/* Allocate the first free block of group g from bit start. */
static int
ext2_alloc_in_group(struct ext2_sb_info *sbi, uint32_t g, uint32_t start,
		    uint32_t *out)
{
	struct ext2_group_desc *gd = ext2_gd(sbi, g);
	uint32_t n = ext2_group_nblocks(sbi, g);
	struct buffer *bh;
	uint32_t nr;
	int err;

	err = buffer_read(sbi->sb->bdev, ext2_le32(gd->bg_block_bitmap),
			  sbi->block_size, &bh);
	if (err != 0)
		return err;
	nr = ext2_find_zero_bit(bh->data, start, n);
	if (nr >= n) {
		buffer_put(bh);
		return -ENOSPC;
	}
	*out = ext2_group_first(sbi, g) + nr;
	if (!ext2_blocks_valid(sbi, *out, 1)) {
		ext2_error_locked(sbi->sb, 0, "block bitmap of group %u has "
				  "metadata block %u free", g, *out);
		buffer_put(bh);
		return -EIO;
	}
	ext2_take_block(sbi, g, bh, nr);
	buffer_put(bh);
	return 0;
}

/* The default goal: the first block after the inode table of group g. */
static uint32_t
ext2_group_goal(struct ext2_sb_info *sbi, uint32_t g)
{
	return ext2_le32(ext2_gd(sbi, g)->bg_inode_table) + sbi->itb_per_group;
}

/* Search the groups from the goal's, wrapping round to it again. */
static int
ext2_alloc_from(struct ext2_sb_info *sbi, uint32_t goal, uint32_t *out)
{
	uint32_t g0 = (goal - sbi->first_data_block) / sbi->blocks_per_group;
	uint32_t bit = goal - ext2_group_first(sbi, g0);
	int err = -ENOSPC;

	for (uint32_t i = 0; i <= sbi->groups && err == -ENOSPC; i++) {
		uint32_t g = (g0 + i) % sbi->groups;

		if (ext2_le16(ext2_gd(sbi, g)->bg_free_blocks_count) == 0)
			continue;
		err = ext2_alloc_in_group(sbi, g, i == 0 ? bit : 0, out);
	}
	return err;
}

/* Allocate a block for inode near goal. */
int
ext2_new_block(struct inode *inode, uint32_t goal, uint32_t *out)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
	uint32_t free;
	int err;

	mutex_lock(&sbi->alloc_lock);
	free = ext2_le32(sbi->es->s_free_blocks_count);
	if (free == 0 ||
	    (free <= sbi->r_blocks && !ext2_may_use_reserve(sbi))) {
		err = -ENOSPC;
		goto out_unlock;
	}
	if (goal < sbi->first_data_block || goal >= sbi->blocks_count)
		goal = ext2_group_goal(sbi, EXT2_I(inode)->group);
	if (goal >= sbi->blocks_count)
		goal = sbi->first_data_block;
	err = ext2_alloc_from(sbi, goal, out);
out_unlock:
	mutex_unlock(&sbi->alloc_lock);
	return err;
}

/* ---- freeing ---- */

/* Clear count bits from blk, all in group g.  -EIO if one was clear. */
static int
ext2_free_in_group(struct ext2_sb_info *sbi, uint64_t ino, uint32_t g,
		   uint32_t blk, uint32_t count)
{
	struct ext2_group_desc *gd = ext2_gd(sbi, g);
	uint32_t bit = blk - ext2_group_first(sbi, g);
	uint32_t freed = 0;
	struct buffer *bh;
	int err;

	err = buffer_read(sbi->sb->bdev, ext2_le32(gd->bg_block_bitmap),
			  sbi->block_size, &bh);
	if (err != 0)
		return err;
	for (uint32_t i = 0; i < count; i++) {
		if (ext2_clear_bit(bh->data, bit + i))
			freed++;
		else if (err == 0)
			err = -EIO;
	}
	if (err != 0)
		ext2_error_locked(sbi->sb, ino, "freeing free block(s) in "
				  "%u+%u", blk, count);
	buffer_mark_dirty(bh);
	buffer_put(bh);
	EXT2_ADD16(gd->bg_free_blocks_count, freed);
	ext2_gd_dirty(sbi, g);
	EXT2_ADD32(sbi->es->s_free_blocks_count, freed);
	ext2_sb_dirty(sbi);
	return err;
}

/* Free count blocks from start (belonging to inode ino). */
int
ext2_free_blocks(struct super_block *sb, uint64_t ino, uint32_t start,
		 uint32_t count)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	int err = 0, e;

	if (!ext2_blocks_valid(sbi, start, count)) {
		ext2_error(sb, ino, "freeing blocks %u+%u: not data blocks",
			   start, count);
		return -EIO;
	}
	mutex_lock(&sbi->alloc_lock);
	while (count > 0) {
		uint32_t g = (start - sbi->first_data_block) /
			     sbi->blocks_per_group;
		uint32_t end = ext2_group_first(sbi, g) +
			       ext2_group_nblocks(sbi, g);
		uint32_t n = MIN(count, end - start);

		e = ext2_free_in_group(sbi, ino, g, start, n);
		if (err == 0)
			err = e;
		start += n;
		count -= n;
	}
	mutex_unlock(&sbi->alloc_lock);
	return err;
}

/* Drop blk's cached buffer, dirty or not, before blk is freed.  Sleeps. */
void
ext2_forget_block(struct super_block *sb, uint32_t blk)
{
	struct buffer *b;

	/* -ENOMEM: blk was not cached, so there is nothing to drop. */
	if (buffer_get(sb->bdev, blk, sb->block_size, &b) == 0)
		buffer_forget(b);
}
