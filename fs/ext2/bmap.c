/*
 * ext2 block mapping: the logical blocks of a file to disk blocks through
 * i_block's 12 direct pointers and its single, double and triple indirect
 * trees, allocating what a write needs.
 *
 * A lookup walks the path of pointers from the inode down, checking that
 * every block number it meets is a data block of the file system (else
 * the inode is corrupt: -EIO).  When the walk meets a hole and the caller
 * wants the block, every missing block of the path (indirect ones and the
 * data block) is allocated first, and only linked in once all of them
 * were had: a full disk leaves the tree as it was.  Indirect blocks live
 * in the buffer cache; the caller writes the data block.
 */
#include "core/errno.h"
#include "core/string.h"
#include "fs/buffer.h"
#include "fs/ext2/ext2.h"

#define EXT2_MAX_DEPTH	4

/* Pointer indices from the inode down to lblk; the depth or -EFBIG. */
static int
ext2_block_path(const struct ext2_sb_info *sbi, uint64_t lblk,
		uint32_t off[EXT2_MAX_DEPTH])
{
	uint64_t apb = sbi->addr_per_block;

	if (lblk < EXT2_NDIR_BLOCKS) {
		off[0] = (uint32_t)lblk;
		return 1;
	}
	lblk -= EXT2_NDIR_BLOCKS;
	if (lblk < apb) {
		off[0] = EXT2_IND_BLOCK;
		off[1] = (uint32_t)lblk;
		return 2;
	}
	lblk -= apb;
	if (lblk < apb * apb) {
		off[0] = EXT2_DIND_BLOCK;
		off[1] = (uint32_t)(lblk / apb);
		off[2] = (uint32_t)(lblk % apb);
		return 3;
	}
	lblk -= apb * apb;
	if (lblk >= apb * apb * apb)
		return -EFBIG;
	off[0] = EXT2_TIND_BLOCK;
	off[1] = (uint32_t)(lblk / (apb * apb));
	off[2] = (uint32_t)(lblk / apb % apb);
	off[3] = (uint32_t)(lblk % apb);
	return 4;
}

/* Largest size: the tree's reach, and i_blocks (32 bits of 512-byte
 * units, indirect blocks included). */
uint64_t
ext2_max_size(const struct ext2_sb_info *sbi)
{
	uint64_t apb = sbi->addr_per_block;
	uint64_t tree = EXT2_NDIR_BLOCKS + apb + apb * apb + apb * apb * apb;
	uint64_t units = 0xffffffffULL >> (sbi->block_bits - 9);
	uint64_t data = (units - 3) * (apb - 1) / apb;

	return MIN(tree, data) << sbi->block_bits;
}

/* Free the n blocks of an allocation that could not complete; the first
 * nbuf were set up as indirect blocks: drop their dirty buffers first. */
static void
ext2_undo_alloc(struct inode *inode, const uint32_t *blks, int n, int nbuf)
{
	for (int i = 0; i < n; i++) {
		if (i < nbuf)
			ext2_forget_block(inode->sb, blks[i]);
		ext2_free_blocks(inode->sb, inode->ino, blks[i], 1);
	}
}

/* Zero new indirect block blk and point its entry idx at child. */
static int
ext2_init_indirect(struct super_block *sb, uint32_t blk, uint32_t idx,
		   uint32_t child)
{
	struct buffer *bh;
	int err;

	err = buffer_get(sb->bdev, blk, sb->block_size, &bh);
	if (err != 0)
		return err;
	memset(bh->data, 0, sb->block_size);
	((uint32_t *)bh->data)[idx] = ext2_cpu32(child);
	buffer_mark_dirty(bh);
	buffer_put(bh);
	return 0;
}

/* Allocate n blocks, the first near goal, each after the previous. */
static int
ext2_alloc_chain(struct inode *inode, uint32_t goal, uint32_t *blks, int n)
{
	for (int i = 0; i < n; i++) {
		int err = ext2_new_block(inode, goal, &blks[i]);

		if (err != 0) {
			ext2_undo_alloc(inode, blks, i, 0);
			return err;
		}
		goal = blks[i] + 1;
	}
	return 0;
}

/*
 * The path is missing from level on: *slot (in parent, or in the inode if
 * parent is NULL) is 0.  Allocate the rest and link it in.
 */
static int
ext2_grow_path(struct inode *inode, struct buffer *parent, uint32_t *slot,
	       const uint32_t *off, int level, int depth, uint32_t *pblk)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
	struct ext2_inode_info *ei = EXT2_I(inode);
	uint32_t blks[EXT2_MAX_DEPTH];
	int n = depth - level, err, i;
	uint64_t units = (uint64_t)n * ext2_sectors_per_block(sbi);

	if (inode->blocks + units > 0xffffffffULL)
		return -EFBIG;
	err = ext2_alloc_chain(inode, ei->last_alloc ? ei->last_alloc + 1 : 0,
			       blks, n);
	if (err != 0)
		return err;
	for (i = 0; i + 1 < n && err == 0; i++)
		err = ext2_init_indirect(inode->sb, blks[i],
					 off[level + 1 + i], blks[i + 1]);
	if (err != 0) {
		ext2_undo_alloc(inode, blks, n, i - 1);
		return err;
	}
	*slot = ext2_cpu32(blks[0]);
	if (parent != NULL)
		buffer_mark_dirty(parent);
	inode->blocks += units;
	ei->last_alloc = blks[n - 1];
	inode_mark_dirty(inode);
	*pblk = blks[n - 1];
	return 0;
}

/* Map lblk with map_lock held. */
int
ext2_bmap_locked(struct inode *inode, uint64_t lblk, bool create,
		 uint32_t *pblk)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
	uint32_t off[EXT2_MAX_DEPTH], *slot, b;
	struct buffer *bh = NULL, *next;
	int depth, level, err = 0;

	depth = ext2_block_path(sbi, lblk, off);
	if (depth < 0)
		return depth;
	slot = &EXT2_I(inode)->data[off[0]];
	for (level = 0; (b = ext2_le32(*slot)) != 0; level++) {
		if (!ext2_blocks_valid(sbi, b, 1)) {
			ext2_error(inode->sb, inode->ino, "block %u of the "
				   "block map is out of range", b);
			err = -EIO;
			goto out_put;
		}
		if (level == depth - 1) {
			*pblk = b;
			goto out_put;
		}
		err = buffer_read(inode->sb->bdev, b, sbi->block_size, &next);
		if (err != 0)
			goto out_put;
		if (bh != NULL)
			buffer_put(bh);
		bh = next;
		slot = (uint32_t *)bh->data + off[level + 1];
	}
	*pblk = 0;
	if (create)
		err = ext2_grow_path(inode, bh, slot, off, level, depth, pblk);
out_put:
	if (bh != NULL)
		buffer_put(bh);
	return err;
}

/* Map lblk of inode to *pblk. */
int
ext2_bmap(struct inode *inode, uint64_t lblk, bool create, uint32_t *pblk)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	int err;

	mutex_lock(&ei->map_lock);
	err = ext2_bmap_locked(inode, lblk, create, pblk);
	mutex_unlock(&ei->map_lock);
	return err;
}
