/*
 * The page cache: file data in physical frames, indexed per inode by page
 * index, shared by read, write and (later) mmap and the FUSE export.
 * Pages are filled by the filesystem's page_cache_ops.readpage (or a batch
 * at a time by readpages: fs/readahead.c) and written back by writepage;
 * clean, unreferenced pages sit on an LRU list and are reclaimed when the
 * buddy allocator runs out of frames.  Pages of a file
 * without writepage (tmpfs) have no backing store: once dirty they stay
 * dirty and are never reclaimed.
 *
 * A cached page is a struct page with PG_CACHE; page->cache_inode and
 * page->cache_index say what it holds.  Locking: the per-inode tree, the
 * LRU, the dirty lists, the counts and page flags are guarded by disabling
 * interrupts; page contents and the file's size by the inode's lock for
 * writers (readers may race with a writer of the same bytes, as on Linux).
 * writepage is called with inode->lock held by write-back (fs/writeback.c)
 * and by throttled writers; readpage with whatever the reader holds.
 * Bytes of a cached page past the end of the file are kept zero.
 */
#ifndef FS_PAGECACHE_H
#define FS_PAGECACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct inode;
struct page;

/* Largest file size the cache serves (2^63 bytes). */
#define PAGECACHE_MAX_BYTES	(1ULL << 63)

/* Set up the page cache and register it as the buddy allocator's
 * reclaimer.  0 or -ENOMEM. */
int pagecache_init(void);
/* Prepare inode's (empty) page tree; called by the inode cache.  0 or
 * -ENOMEM. */
int pagecache_inode_init(struct inode *inode);
/* Drop every page of inode (written back or not: the caller decides) and
 * its tree.  Pages still referenced are freed by their last put. */
void pagecache_inode_free(struct inode *inode);

/*
 * Find page index of inode, or add one: filled through readpage if fill
 * (zeros past the end of the file), else zeroed (a page about to be
 * overwritten whole).  Waits while another task fills the page.  The page
 * is referenced; the caller puts it.  0, -ENOMEM, -EINVAL (no page tree),
 * or readpage's error (the page is then not cached).  Sleeps.
 */
int pagecache_get(struct inode *inode, uint64_t index, bool fill,
		  struct page **out);
/* Drop a reference from pagecache_get().  Any context. */
void pagecache_put(struct page *page);
/* Take one more reference on a page the caller holds one on (a mapping
 * shared by fork).  Any context. */
void pagecache_page_get(struct page *page);
/* The page's data must be written back (a referenced page).  Any context. */
void pagecache_mark_dirty(struct page *page);

/* Generic file read: copy from the cache, limited by inode->size.  Bytes
 * copied, or -errno if none. */
long pagecache_read(struct inode *inode, void *buf, size_t len,
		    uint64_t pos);
/*
 * Generic file write: copy into the cache, marking pages dirty and growing
 * inode->size; the caller holds inode->lock and then updates the times and
 * marks the inode dirty.  Partly written pages are read first unless they
 * lie past the end of the file; then page_cache_ops.prepare_write (if
 * any) makes the blocks behind each page before its data is copied, and
 * its error (-ENOSPC) ends the write short.  Waits (writes back) when dirty
 * pages pass pagecache_dirty_limit().  Bytes written, or -errno if none
 * (-EFBIG at PAGECACHE_MAX_BYTES).
 */
long pagecache_write(struct inode *inode, const void *buf, size_t len,
		     uint64_t pos);
/*
 * Write inode's dirty pages back through writepage, in index order, with
 * the length of valid data in the last page (only those dirty for at least
 * older_than_ns when that is not 0); through writepages, if the
 * filesystem has it, a batch of pages (up to 512 KiB) per call.  Pages
 * whose write fails stay dirty (with writepages, the whole batch);
 * stops at the first error and returns it.  With older_than_ns 0 (sync,
 * fsync) it also waits for pages another caller is writing meanwhile and
 * returns their error if they fail.  0 at once for a file without
 * writepage.  The caller should hold inode->lock
 * (fs/writeback.c does), so that writepage sees no concurrent write or
 * truncate; without it, writepage must cope with both.  Sleeps.
 */
int pagecache_writeback(struct inode *inode, uint64_t older_than_ns);
/*
 * The file is being cut (or grown) to size: forget pages wholly beyond it
 * (dirty or not) and zero the tail of the page holding size, marking it
 * dirty, so that a later extension reads zeros even after the page has
 * been evicted.  Call with inode->lock held, before the filesystem frees
 * blocks past size, preferably while inode->size is still the old size:
 * when shrinking, a partial last page that is not cached is read first
 * (size >= the old size reads nothing).  0 or the read's error.
 */
int pagecache_truncate(struct inode *inode, uint64_t size);
/* Free up to nr clean, unreferenced pages, oldest first; never sleeps.
 * Returns how many were freed.  Any context. */
unsigned long pagecache_reclaim(unsigned long nr);
/* Pages cached and dirty, for /proc/meminfo. */
unsigned long pagecache_nr_pages(void);
unsigned long pagecache_nr_dirty(void);
/* Dirty pages with backing store above which writers are throttled. */
unsigned long pagecache_dirty_limit(void);
/* True when dirty pages with backing store pass the background threshold
 * (half the limit): the flusher writes everything, not only old pages. */
bool pagecache_dirty_over_background(void);

#endif
