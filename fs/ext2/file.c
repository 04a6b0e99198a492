/*
 * ext2 regular file data: the page cache's readpage and writepage, which
 * map the blocks of one page (one to four blocks) through bmap.c and move
 * them with synchronous block I/O, a run of consecutive disk blocks at a
 * time.  Reads and writes themselves are the VFS's generic ones
 * (generic_file_ops) on top of the page cache.
 *
 * Holes read as zeros.  A block of a dirty page that is still a hole and
 * holds only zeros stays a hole, so a sparse write allocates only the
 * blocks it wrote; blocks past the file size are never written.  A write
 * holds map_lock across mapping and I/O, so a truncation cannot free a
 * block between the two.
 */
#include "core/errno.h"
#include "core/page.h"
#include "core/string.h"
#include "drivers/blk.h"
#include "fs/ext2/ext2.h"

#define EXT2_MAX_PAGE_BLOCKS	(PAGE_SIZE >> EXT2_MIN_BLOCK_LOG)

/* Read or write blocks [i, j) of a page mapped to consecutive pblk[]. */
static int
ext2_page_io(struct ext2_sb_info *sbi, enum bio_op op, const uint32_t *pblk,
	     uint32_t i, uint32_t j, void *page)
{
	uint64_t sector = (uint64_t)pblk[i] << (sbi->block_bits - SECTOR_SHIFT);

	return blk_rw_sync(sbi->sb->bdev, op, sector,
			   (uint8_t *)page + (i << sbi->block_bits),
			   (size_t)(j - i) << sbi->block_bits, 0);
}

/* Do the I/O of the mapped blocks of a page (0: hole, skipped) in runs. */
static int
ext2_page_runs(struct ext2_sb_info *sbi, enum bio_op op, const uint32_t *pblk,
	       uint32_t n, void *page)
{
	uint32_t i = 0, j;
	int err = 0;

	while (i < n && err == 0) {
		if (pblk[i] == 0) {
			i++;
			continue;
		}
		for (j = i + 1; j < n && pblk[j] == pblk[j - 1] + 1; j++)
			;
		err = ext2_page_io(sbi, op, pblk, i, j, page);
		i = j;
	}
	return err;
}

static int
ext2_readpage(struct inode *inode, uint64_t index, void *page)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
	uint32_t n = PAGE_SIZE >> sbi->block_bits;
	uint32_t pblk[EXT2_MAX_PAGE_BLOCKS];
	uint64_t lblk = index * n, size = inode->size;
	uint64_t start = index * PAGE_SIZE;
	int err;

	for (uint32_t i = 0; i < n; i++) {
		err = ext2_bmap(inode, lblk + i, false, &pblk[i]);
		if (err == -EFBIG)
			pblk[i] = 0;
		else if (err != 0)
			return err;
		if (pblk[i] == 0)
			memset((uint8_t *)page + (i << sbi->block_bits), 0,
			       sbi->block_size);
	}
	err = ext2_page_runs(sbi, BIO_READ, pblk, n, page);
	if (err == 0 && size < start + PAGE_SIZE) {
		uint64_t keep = size > start ? size - start : 0;

		memset((uint8_t *)page + keep, 0, PAGE_SIZE - keep);
	}
	return err;
}

static bool
ext2_zero_block(const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* Map the first n blocks of page index for writing; map_lock held. */
static int
ext2_map_for_write(struct inode *inode, uint64_t index, const void *page,
		   uint32_t n, uint32_t *pblk)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
	uint64_t lblk = index * (PAGE_SIZE >> sbi->block_bits);
	const uint8_t *data = page;
	int err;

	for (uint32_t i = 0; i < n; i++) {
		err = ext2_bmap_locked(inode, lblk + i, false, &pblk[i]);
		if (err == 0 && pblk[i] == 0 &&
		    !ext2_zero_block(data + (i << sbi->block_bits),
				     sbi->block_size))
			err = ext2_bmap_locked(inode, lblk + i, true, &pblk[i]);
		if (err != 0)
			return err;
	}
	return 0;
}

static int
ext2_writepage(struct inode *inode, uint64_t index, const void *page,
	       size_t len)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
	struct ext2_inode_info *ei = EXT2_I(inode);
	uint32_t pblk[EXT2_MAX_PAGE_BLOCKS];
	uint64_t start = index * PAGE_SIZE;
	uint32_t n;
	int err;

	if (inode->sb->readonly)
		return -EROFS;
	mutex_lock(&ei->map_lock);
	if (start >= inode->size) {
		err = 0;
		goto out_unlock;
	}
	len = MIN(MIN(len, PAGE_SIZE), inode->size - start);
	n = (uint32_t)((len + sbi->block_size - 1) >> sbi->block_bits);
	err = ext2_map_for_write(inode, index, page, n, pblk);
	if (err == 0)
		err = ext2_page_runs(sbi, BIO_WRITE, pblk, n, (void *)page);
out_unlock:
	mutex_unlock(&ei->map_lock);
	return err;
}

const struct page_cache_ops ext2_pcops = {
	.readpage = ext2_readpage,
	.writepage = ext2_writepage,
};
