/*
 * Reading files through the page cache, with read-ahead.  A read that
 * misses fetches the missing pages from there on as one batch through the
 * filesystem's readpages (one wait for all their I/O instead of one per
 * page), up to the end of the read and, when the file is being read
 * sequentially, beyond it: the window doubles with each sequential read,
 * from the read's own size up to RA_MAX_PAGES.  Without readpages, or for
 * a single page, readpage fills page by page as before.  The read-ahead
 * is synchronous (the reader waits for the whole batch); the state is a
 * per-inode hint (the page after the last read and the last window),
 * which concurrent readers may overwrite at no cost but a smaller batch.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/page.h"
#include "core/slab.h"
#include "core/string.h"
#include "fs/pagecache.h"
#include "fs/pagecache_int.h"
#include "fs/vfs.h"

#define RA_MAX_PAGES	128	/* 512 KiB, one request's worth of segments */

/* A batch of new, locked pages being read together. */
struct ra_batch {
	struct page *page[RA_MAX_PAGES];
	uint64_t index[RA_MAX_PAGES];
	void *data[RA_MAX_PAGES];
	unsigned int n;
};

/* Keep the bytes of page index past size zero, as the cache promises
 * (the disk block may hold anything there). */
static void
ra_zero_tail(void *data, uint64_t index, uint64_t size)
{
	uint64_t start = index << PAGE_SHIFT;
	uint64_t keep = size > start ? size - start : 0;

	if (keep < PAGE_SIZE)
		memset((char *)data + keep, 0, PAGE_SIZE - keep);
}

/*
 * Pages from index (not cached) up to end, stopping at the first that is
 * cached: add them locked and read them with one readpages.  A page
 * whose read fails is dropped; the reader's pagecache_get() then reads it
 * alone and reports the error.
 */
static void
ra_read(struct inode *inode, uint64_t index, uint64_t end)
{
	struct ra_batch *b;
	bool created;
	int err;

	if (inode->pcops == NULL || inode->pcops->readpages == NULL ||
	    end <= index + 1)
		return;
	b = kmalloc(sizeof(*b));
	if (b == NULL)
		return;
	b->n = 0;
	for (uint64_t i = index; i < end && b->n < RA_MAX_PAGES; i++) {
		struct page *p;

		if (pc_find_or_add(inode, i, &p, &created) != 0)
			break;
		if (!created) {
			pagecache_put(p);
			break;
		}
		b->page[b->n] = p;
		b->index[b->n] = i;
		b->data[b->n] = page_address(p);
		b->n++;
	}
	if (b->n == 1)
		pc_fill(inode, b->page[0], true);
	else if (b->n > 1) {
		uint64_t size = inode->size;

		err = inode->pcops->readpages(inode, b->index, b->data, b->n);
		size = MIN(size, inode->size);	/* truncated meanwhile */
		for (unsigned int k = 0; k < b->n; k++) {
			ra_zero_tail(b->data[k], b->index[k], size);
			pc_unlock(b->page[k], err < 0 ? err : 0);
		}
	}
	for (unsigned int k = 0; k < b->n; k++)
		pagecache_put(b->page[k]);
	kfree(b);
}

/* The pages to fetch when a read misses with n of its pages to go;
 * seq: it goes on where the last read ended. */
static uint64_t
ra_window(struct page_tree *t, bool seq, uint64_t n)
{
	uint64_t w = n;

	if (seq)
		w = MAX(w, MAX(2 * (uint64_t)t->ra_pages, 4));
	w = MIN(w, RA_MAX_PAGES);
	t->ra_pages = (unsigned int)w;
	return w;
}

/* Copy up to len bytes at pos, within inode->size, into buf.  Bytes
 * copied or -errno.  Sleeps; no lock needed. */
long
pagecache_read(struct inode *inode, void *buf, size_t len, uint64_t pos)
{
	uint64_t size = inode->size, first, last, eof, ra_end;
	size_t done = 0, off, n;
	struct page *p;
	bool seq;
	int err;

	if (pos >= size)
		return 0;
	len = MIN(MIN(len, PC_MAX_RW), size - pos);
	first = pos >> PAGE_SHIFT;
	last = (pos + len - 1) >> PAGE_SHIFT;
	eof = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	ra_end = first;
	/* From the start of the file, or on from the last read's end. */
	seq = inode->pages != NULL && (first == 0 ||
	      first == inode->pages->ra_next ||
	      first + 1 == inode->pages->ra_next);
	while (done < len) {
		uint64_t index = (pos + done) >> PAGE_SHIFT;

		if (index >= ra_end && inode->pages != NULL &&
		    !pc_is_cached(inode, index)) {
			uint64_t w = ra_window(inode->pages, seq,
					       last + 1 - index);

			ra_end = MIN(index + w, eof);
			ra_read(inode, index, ra_end);
		}
		off = (pos + done) & ~PAGE_MASK;
		n = MIN(PAGE_SIZE - off, len - done);
		err = pagecache_get(inode, index, true, &p);
		if (err)
			return done > 0 ? (long)done : err;
		memcpy((char *)buf + done, (char *)page_address(p) + off, n);
		pagecache_put(p);
		done += n;
	}
	if (inode->pages != NULL)
		inode->pages->ra_next = last + 1;
	return (long)done;
}
