/*
 * ext2 truncation: freeing the blocks of a file past a new size, with the
 * indirect blocks whose entries all became zero, and dropping the
 * reference an inode holds on its extended attribute block.
 *
 * The tree is walked from the first logical block to free; each subtree
 * entirely past it is freed whole, the one that straddles it partially.
 * Freed blocks are collected into runs of consecutive numbers so the
 * bitmaps are updated a run at a time.  Blocks that were metadata in the
 * buffer cache (indirect blocks, directory and symlink blocks, extended
 * attribute blocks) have their buffers forgotten, dirty or not, before
 * they go (buffer_forget), so a stale buffer can never land on a block
 * that was reused as file data.
 */
#include "core/errno.h"
#include "core/page.h"
#include "core/string.h"
#include "fs/buffer.h"
#include "fs/ext2/ext2.h"
#include "fs/pagecache.h"

struct ext2_freer {
	struct inode *inode;
	bool meta;			/* its data blocks are buffers */
	uint32_t start, count;		/* the pending run */
	int err;
};

static void
ext2_freer_flush(struct ext2_freer *f)
{
	struct inode *inode = f->inode;
	uint64_t units;
	int err;

	if (f->count == 0)
		return;
	err = ext2_free_blocks(inode->sb, inode->ino, f->start, f->count);
	if (err != 0 && f->err == 0)
		f->err = err;
	units = (uint64_t)f->count * ext2_sectors_per_block(EXT2_SB(inode->sb));
	inode->blocks = inode->blocks > units ? inode->blocks - units : 0;
	f->count = 0;
}

static void
ext2_freer_add(struct ext2_freer *f, uint32_t blk)
{
	if (f->count != 0 && blk == f->start + f->count) {
		f->count++;
		return;
	}
	ext2_freer_flush(f);
	f->start = blk;
	f->count = 1;
}

static bool
ext2_all_zero(const uint32_t *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (v[i] != 0)
			return false;
	return true;
}

/* The block *slot points at, if it is a valid one. */
static uint32_t
ext2_slot_block(struct ext2_freer *f, const uint32_t *slot)
{
	uint32_t b = ext2_le32(*slot);

	if (b == 0 || ext2_blocks_valid(EXT2_SB(f->inode->sb), b, 1))
		return b;
	ext2_error(f->inode->sb, f->inode->ino, "block %u of the block map "
		   "is out of range", b);
	f->err = -EIO;
	return 0;
}

static bool ext2_free_branch(struct ext2_freer *f, uint32_t *slot,
			     unsigned int depth, uint64_t start);

/* Free entries of indirect block data (depth levels below) from start;
 * true if any entry changed. */
static bool
ext2_free_entries(struct ext2_freer *f, uint32_t *v, unsigned int depth,
		  uint64_t start)
{
	uint32_t apb = EXT2_SB(f->inode->sb)->addr_per_block;
	uint64_t span = 1;
	bool changed = false;

	for (unsigned int i = 1; i < depth; i++)
		span *= apb;
	for (uint64_t i = start / span; i < apb; i++) {
		uint64_t sub = i == start / span ? start % span : 0;

		changed |= ext2_free_branch(f, &v[i], depth - 1, sub);
	}
	return changed;
}

/* Free what indirect block b holds from start; true if b itself can go
 * (nothing is left in it). */
static bool
ext2_free_indirect(struct ext2_freer *f, uint32_t b, unsigned int depth,
		   uint64_t start)
{
	struct super_block *sb = f->inode->sb;
	struct buffer *bh;
	bool changed, empty;
	int err;

	err = buffer_read(sb->bdev, b, sb->block_size, &bh);
	if (err != 0) {
		f->err = err;
		return false;
	}
	changed = ext2_free_entries(f, bh->data, depth, start);
	empty = start == 0 ||
		ext2_all_zero(bh->data, EXT2_SB(sb)->addr_per_block);
	if (changed && !empty)
		buffer_mark_dirty(bh);
	/* b is about to be freed: its buffer must not outlive that. */
	if (empty)
		buffer_forget(bh);
	else
		buffer_put(bh);
	return empty;
}

/*
 * Free the subtree at *slot (depth 0: one data block) from logical block
 * start within it; the subtree's own block goes when nothing is left in
 * it.  Returns true if *slot was cleared.
 */
static bool
ext2_free_branch(struct ext2_freer *f, uint32_t *slot, unsigned int depth,
		 uint64_t start)
{
	uint32_t b = ext2_slot_block(f, slot);

	if (b == 0)
		return false;
	if (depth > 0 && !ext2_free_indirect(f, b, depth, start))
		return false;
	if (depth == 0 && f->meta)
		ext2_forget_block(f->inode->sb, b);
	ext2_freer_add(f, b);
	*slot = 0;
	return true;
}

/* Free inode's blocks from logical block first on; map_lock held. */
static int
ext2_truncate_locked(struct inode *inode, uint64_t first)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct ext2_freer f = { .inode = inode,
				.meta = !KS_ISREG(inode->mode) };
	uint64_t base = EXT2_NDIR_BLOCKS, span = 1;

	for (uint64_t i = first; i < EXT2_NDIR_BLOCKS; i++)
		ext2_free_branch(&f, &ei->data[i], 0, 0);
	for (unsigned int depth = 1; depth <= 3; depth++) {
		uint32_t *slot = &ei->data[EXT2_IND_BLOCK + depth - 1];

		span *= sbi->addr_per_block;
		if (first < base + span)
			ext2_free_branch(&f, slot, depth,
					 first > base ? first - base : 0);
		base += span;
	}
	ext2_freer_flush(&f);
	ei->last_alloc = 0;
	inode_mark_dirty(inode);
	return f.err;
}

/* Free inode's blocks past size. */
int
ext2_truncate_blocks(struct inode *inode, uint64_t size)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
	struct ext2_inode_info *ei = EXT2_I(inode);
	uint64_t first = (size + sbi->block_size - 1) >> sbi->block_bits;
	int err;

	mutex_lock(&ei->map_lock);
	err = ext2_truncate_locked(inode, first);
	mutex_unlock(&ei->map_lock);
	return err;
}

/*
 * Zero the file from size to the end of its page, so the bytes past the
 * new end of the last block are zeros on disk when the file grows again.
 * Nothing to do if that block is a hole.
 */
static int
ext2_zero_tail(struct inode *inode, uint64_t size)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
	size_t in = size & (PAGE_SIZE - 1);
	struct page *pg;
	uint32_t pblk;
	int err;

	if ((size & (sbi->block_size - 1)) == 0)
		return 0;
	err = ext2_bmap(inode, size >> sbi->block_bits, false, &pblk);
	if (err != 0 || pblk == 0)
		return err;
	err = pagecache_get(inode, size >> PAGE_SHIFT, true, &pg);
	if (err != 0)
		return err;
	memset((uint8_t *)page_address(pg) + in, 0, PAGE_SIZE - in);
	pagecache_mark_dirty(pg);
	pagecache_put(pg);
	return 0;
}

/*
 * inode_ops.truncate of regular files: the VFS set inode->size and
 * dropped the pages past it; free the blocks past it.  inode->lock held.
 */
int
ext2_setsize(struct inode *inode, uint64_t size)
{
	int err, err2;

	if (inode->sb->readonly)
		return -EROFS;
	if (size > ext2_max_size(EXT2_SB(inode->sb)))
		return -EFBIG;
	/* The size changed already: free past it even if zeroing failed. */
	err = ext2_zero_tail(inode, size);
	err2 = ext2_truncate_blocks(inode, size);
	inode_mark_dirty(inode);
	return err != 0 ? err : err2;
}

/* Drop the inode's reference to its extended attribute block. */
int
ext2_xattr_release(struct inode *inode)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
	struct ext2_inode_info *ei = EXT2_I(inode);
	uint32_t b = ei->file_acl, *h, refs;
	struct buffer *bh;
	int err;

	if (b == 0)
		return 0;
	if (!ext2_blocks_valid(sbi, b, 1))
		goto out_bad;
	err = buffer_read(inode->sb->bdev, b, sbi->block_size, &bh);
	if (err != 0)
		return err;
	h = bh->data;
	if (ext2_le32(h[0]) != EXT2_XATTR_MAGIC) {
		buffer_put(bh);
		goto out_bad;
	}
	mutex_lock(&sbi->alloc_lock);
	refs = ext2_le32(h[1]);
	if (refs > 1) {
		h[1] = ext2_cpu32(refs - 1);
		buffer_mark_dirty(bh);
	}
	mutex_unlock(&sbi->alloc_lock);
	if (refs <= 1) {
		buffer_forget(bh);
		ext2_free_blocks(inode->sb, inode->ino, b, 1);
	} else {
		buffer_put(bh);
	}
	inode->blocks -= ext2_sectors_per_block(sbi);
	ei->file_acl = 0;
	inode_mark_dirty(inode);
	return 0;
out_bad:
	ext2_error(inode->sb, inode->ino, "bad extended attribute block %u", b);
	return -EIO;
}
