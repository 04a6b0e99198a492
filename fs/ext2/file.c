/*
 * ext2 regular file data: the page cache's readpage, prepare_write,
 * writepage and writepages, which map the blocks of a page (one to four
 * blocks) through bmap.c and move them with block I/O, a run of
 * consecutive disk blocks at a time.  writepages, the write-back of a
 * batch of pages, and readpages, the read of one, build their bios over
 * the runs of all of them (up to BLK_MAX_SEGMENTS blocks each) and submit
 * them all before waiting once, so sequential I/O goes out in large
 * requests.  Reads and writes themselves are the VFS's generic ones
 * (generic_file_ops) on top of the page cache.
 *
 * A write(2) allocates the blocks it writes in prepare_write, before its
 * data is copied, in the writer's task: a full disk is -ENOSPC (or a
 * short write) at once, and the writer's credentials decide whether the
 * reserved blocks may be used.  If a page cannot be prepared, what was
 * allocated for it is undone: blocks past the end of the file are freed
 * (e2fsck allows none) and blocks inside it, which were holes, are zeroed
 * on disk, so they read as the holes did.
 *
 * Holes read as zeros.  A block of a dirty page that is still a hole
 * (the page was only zeroed, by a truncation) and holds only zeros stays
 * a hole; one that holds data is allocated by writepage.  Blocks past the
 * file size are never written.  Write-back holds map_lock across mapping
 * and I/O, so a truncation cannot free a block between the two.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/page.h"
#include "core/printk.h"
#include "core/string.h"
#include "core/wait.h"
#include "drivers/blk.h"
#include "fs/ext2/ext2.h"

#define EXT2_MAX_PAGE_BLOCKS	(PAGE_SIZE >> EXT2_MIN_BLOCK_LOG)

/* Blocks one prepare_write allocated, to undo if it fails. */
struct ext2_fresh {
	uint32_t inside[EXT2_MAX_PAGE_BLOCKS];	/* were holes in the file */
	uint32_t ninside;
	bool past;			/* some lie past its end */
};

/* Written over a new block inside the file when its write fails. */
static uint8_t ext2_zeros[1U << EXT2_MAX_BLOCK_LOG];

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

/* Map the first n blocks of page index for writing; map_lock held.  The
 * writer's prepare_write allocated its blocks; a hole left holding data
 * is allocated here. */
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

/* I/O of several pages (a write-back, a read-ahead): bios built over
 * consecutive blocks, all submitted before the one wait. */
struct ext2_wb {
	struct ext2_sb_info *sbi;
	enum bio_op op;
	struct bio *bio;		/* being filled, not yet submitted */
	uint64_t next;			/* the sector after bio's last */
	unsigned int pending;		/* [i] bios submitted, not ended */
	int error;			/* [i] first error of a bio */
	struct wait_queue wq;		/* woken when pending drops to 0 */
};

/* end_io of the batch's bios; maybe in interrupt context. */
static void
ext2_wb_end_io(struct bio *bio)
{
	struct ext2_wb *wb = bio->private;
	int status = bio->status;
	unsigned long s;

	bio_free(bio);
	s = arch_intr_save();
	if (wb->error == 0)
		wb->error = status;
	if (--wb->pending == 0)
		wq_wake_all(&wb->wq);
	arch_intr_restore(s);
}

/* Submit the bio being filled, if any. */
static void
ext2_wb_submit(struct ext2_wb *wb)
{
	unsigned long s;

	if (wb->bio == NULL)
		return;
	s = arch_intr_save();
	wb->pending++;
	arch_intr_restore(s);
	blk_submit(wb->bio);	/* may end at once */
	wb->bio = NULL;
}

/* Submit what is queued and wait for all of the batch's bios. */
static void
ext2_wb_wait(struct ext2_wb *wb)
{
	unsigned long s;

	ext2_wb_submit(wb);
	s = arch_intr_save();
	wait_event(&wb->wq, wb->pending == 0);
	arch_intr_restore(s);
}

/* Start a new bio at sector with bsize bytes at data. */
static int
ext2_wb_new_bio(struct ext2_wb *wb, uint64_t sector, void *data,
		uint32_t bsize)
{
	struct bio *bio;
	int err;

	ext2_wb_submit(wb);
	err = bio_alloc(&bio, wb->sbi->sb->bdev, wb->op, sector,
			BLK_MAX_SEGMENTS);
	if (err != 0)
		return err;
	err = bio_add(bio, data, bsize);
	if (err != 0) {
		bio_free(bio);
		return err;
	}
	bio->end_io = ext2_wb_end_io;
	bio->private = wb;
	wb->bio = bio;
	return 0;
}

/* Add block pblk, data at data, to the bio being filled or a new one. */
static int
ext2_wb_add(struct ext2_wb *wb, uint32_t pblk, void *data)
{
	uint32_t bsize = wb->sbi->block_size;
	uint64_t sector = (uint64_t)pblk << (wb->sbi->block_bits -
					     SECTOR_SHIFT);
	int err = 0;

	if (wb->bio == NULL || sector != wb->next ||
	    bio_add(wb->bio, data, bsize) != 0)
		err = ext2_wb_new_bio(wb, sector, data, bsize);
	wb->next = sector + (bsize >> SECTOR_SHIFT);
	return err;
}

/* Map page index and queue its blocks inside the file; map_lock held. */
static int
ext2_wb_page(struct ext2_wb *wb, struct inode *inode, uint64_t index,
	     void *page)
{
	struct ext2_sb_info *sbi = wb->sbi;
	uint32_t pblk[EXT2_MAX_PAGE_BLOCKS];
	uint64_t start = index * PAGE_SIZE, len;
	uint32_t n;
	int err;

	if (start >= inode->size)
		return 0;
	len = MIN(PAGE_SIZE, inode->size - start);
	n = (uint32_t)((len + sbi->block_size - 1) >> sbi->block_bits);
	err = ext2_map_for_write(inode, index, page, n, pblk);
	for (uint32_t i = 0; i < n && err == 0; i++)
		if (pblk[i] != 0)
			err = ext2_wb_add(wb, pblk[i], (uint8_t *)page +
					  (i << sbi->block_bits));
	return err;
}

/*
 * page_cache_ops.writepages: map the pages and write them with bios over
 * runs of consecutive blocks, waiting once at the end.  map_lock is held
 * across mapping and I/O, as in writepage.
 */
static int
ext2_writepages(struct inode *inode, const uint64_t *index,
		void *const *page, unsigned int n)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct ext2_wb wb = {
		.sbi = EXT2_SB(inode->sb), .op = BIO_WRITE, .bio = NULL,
	};
	int err = 0;

	if (inode->sb->readonly)
		return -EROFS;
	wq_init(&wb.wq);
	mutex_lock(&ei->map_lock);
	for (unsigned int i = 0; i < n && err == 0; i++)
		err = ext2_wb_page(&wb, inode, index[i], page[i]);
	ext2_wb_wait(&wb);
	mutex_unlock(&ei->map_lock);
	return err != 0 ? err : wb.error;
}

/* Map page index and queue the reads of its blocks; zero its holes and
 * the blocks past the end of the file (the cache zeroes the rest). */
static int
ext2_ra_page(struct ext2_wb *wb, struct inode *inode, uint64_t index,
	     uint64_t size, uint8_t *page)
{
	struct ext2_sb_info *sbi = wb->sbi;
	uint32_t n = PAGE_SIZE >> sbi->block_bits, pblk;
	uint64_t lblk = index * n, start = index * PAGE_SIZE;
	int err = 0;

	for (uint32_t i = 0; i < n && err == 0; i++) {
		uint8_t *data = page + (i << sbi->block_bits);

		if (start + (i << sbi->block_bits) >= size) {
			memset(data, 0, sbi->block_size);
			continue;
		}
		err = ext2_bmap(inode, lblk + i, false, &pblk);
		if (err == -EFBIG) {
			pblk = 0;
			err = 0;
		}
		if (err == 0 && pblk == 0)
			memset(data, 0, sbi->block_size);
		else if (err == 0)
			err = ext2_wb_add(wb, pblk, data);
	}
	return err;
}

/*
 * page_cache_ops.readpages: read n pages (ascending) with bios over runs
 * of consecutive blocks, waiting once.  0 or the first -errno.
 */
static int
ext2_readpages(struct inode *inode, const uint64_t *index,
	       void *const *page, unsigned int n)
{
	struct ext2_wb wb = {
		.sbi = EXT2_SB(inode->sb), .op = BIO_READ, .bio = NULL,
	};
	uint64_t size = inode->size;
	int err = 0;

	wq_init(&wb.wq);
	for (unsigned int i = 0; i < n && err == 0; i++)
		err = ext2_ra_page(&wb, inode, index[i], size, page[i]);
	ext2_wb_wait(&wb);
	return err != 0 ? err : wb.error;
}

/* Allocate the holes among blocks [first, end) of inode into *fresh;
 * map_lock held.  Stops at the first error. */
static int
ext2_alloc_range(struct inode *inode, uint64_t first, uint64_t end,
		 struct ext2_fresh *fresh)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
	uint32_t pblk;
	int err = 0;

	for (uint64_t lblk = first; lblk < end && err == 0; lblk++) {
		err = ext2_bmap_locked(inode, lblk, false, &pblk);
		if (err != 0 || pblk != 0)
			continue;
		err = ext2_bmap_locked(inode, lblk, true, &pblk);
		if (err != 0)
			continue;
		if ((lblk << sbi->block_bits) < inode->size)
			fresh->inside[fresh->ninside++] = pblk;
		else
			fresh->past = true;
	}
	return err;
}

/* A prepare_write failed: zero its new blocks inside the file, free
 * those past the end (with the indirect blocks left empty). */
static void
ext2_undo_prepare(struct inode *inode, const struct ext2_fresh *fresh)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
	int err;

	for (uint32_t i = 0; i < fresh->ninside; i++) {
		err = ext2_page_io(sbi, BIO_WRITE, &fresh->inside[i], 0, 1,
				   ext2_zeros);
		if (err != 0)
			pr_warn("ext2 (%s): cannot zero block %u: %d\n",
				inode->sb->bdev->name, fresh->inside[i], err);
	}
	if (fresh->past)
		ext2_truncate_blocks(inode, inode->size);
}

/*
 * page_cache_ops.prepare_write: allocate the blocks under [pos, pos+len)
 * (within one page) that are holes, for the current task (its right to
 * the reserved blocks).  0, or -ENOSPC, -EFBIG, -EIO, -EROFS with the
 * file as it was.  inode->lock held.
 */
static int
ext2_prepare_write(struct inode *inode, uint64_t pos, size_t len)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
	struct ext2_inode_info *ei = EXT2_I(inode);
	uint64_t first = pos >> sbi->block_bits;
	uint64_t end = (pos + len + sbi->block_size - 1) >> sbi->block_bits;
	struct ext2_fresh fresh = { .ninside = 0, .past = false };
	int err;

	if (inode->sb->readonly)
		return -EROFS;
	KASSERT(end - first <= EXT2_MAX_PAGE_BLOCKS);
	mutex_lock(&ei->map_lock);
	err = ext2_alloc_range(inode, first, end, &fresh);
	mutex_unlock(&ei->map_lock);
	if (err != 0)
		ext2_undo_prepare(inode, &fresh);
	return err;
}

const struct page_cache_ops ext2_pcops = {
	.readpage = ext2_readpage,
	.readpages = ext2_readpages,
	.writepage = ext2_writepage,
	.writepages = ext2_writepages,
	.prepare_write = ext2_prepare_write,
};
