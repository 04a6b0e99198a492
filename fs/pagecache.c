/*
 * The page cache.  Each inode's cached pages hang in a radix tree by page
 * index (fs/radix_tree.c, in struct page_tree with the inode's list of
 * dirty pages), so a sparse file costs a handful of nodes per page.
 * A page is one buddy frame with PG_CACHE; its refcount is one for the
 * cache plus one per user.  A new page is inserted locked (PG_LOCKED) and
 * filled through readpage outside any lock; others wait on pc_wq.  Dirty
 * pages sit on their inode's dirty list in the order they became dirty;
 * clean pages that nobody references sit on the global LRU, whence
 * pagecache_reclaim() frees them for the buddy allocator.  Write-back
 * takes a batch of the oldest dirty pages, marks them clean and
 * PG_WRITEBACK, and writes them in index order; a write that fails makes
 * its page dirty again and is remembered in the tree: an integrity
 * write-back (older_than_ns 0, as fsync) waits for pages other callers
 * are writing and reports their failures too.
 *
 * Everything here (trees, lists, counts, flags) is guarded by disabling
 * interrupts; the code never allocates while interrupts are off for it,
 * so the reclaimer, which buddy_alloc() may call anywhere, always finds
 * the trees whole.  Page data is copied with interrupts on: writers hold
 * inode->lock, as do fs/writeback.c and throttled writers when they write
 * pages back.  Write-back of whole filesystems and the flusher thread are
 * in writeback.c.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/page.h"
#include "core/slab.h"
#include "core/string.h"
#include "core/timer.h"
#include "core/wait.h"
#include "fs/pagecache.h"
#include "fs/pagecache_int.h"
#include "fs/radix_tree.h"
#include "fs/vfs.h"
#include "fs/writeback.h"

#define PC_WB_BATCH	128		/* pages written back per round */


static struct list_head pc_lru;			/* [i] oldest first */
static struct wait_queue pc_wq;			/* a page was unlocked */
static unsigned long pc_nr_pages;		/* [i] */
static unsigned long pc_nr_dirty;		/* [i] */
static unsigned long pc_nr_dirty_wb;		/* [i] with backing store */

/* ---- page state; interrupts disabled unless said otherwise ---- */

/* Can inode's pages be cleaned (written somewhere)? */
static bool
pc_backed(const struct inode *inode)
{
	return inode->pcops != NULL && inode->pcops->writepage != NULL;
}

static void
pc_count_dirty(struct inode *inode, int delta)
{
	inode->nr_dirty += delta;
	pc_nr_dirty += delta;
	if (pc_backed(inode))
		pc_nr_dirty_wb += delta;
}

/* Mark the cached page p dirty since when, first or last in its list. */
static void
pc_set_dirty(struct page *p, uint64_t when, bool first)
{
	struct list_head *dirty = &p->cache_inode->pages->dirty;

	if (p->flags & PG_LRU)
		list_del(&p->list);
	p->flags = (p->flags & ~PG_LRU) | PG_DIRTY | PG_UPTODATE;
	p->dirtied_ns = when;
	if (first)
		list_add(&p->list, dirty);
	else
		list_add_tail(&p->list, dirty);
	pc_count_dirty(p->cache_inode, 1);
}

static void
pc_clear_dirty(struct page *p)
{
	p->flags &= ~PG_DIRTY;
	list_del(&p->list);
	pc_count_dirty(p->cache_inode, -1);
}

/* Take a reference to the cached page p. */
static void
pc_ref(struct page *p)
{
	if (p->flags & PG_LRU) {
		p->flags &= ~PG_LRU;
		list_del(&p->list);
	}
	p->refcount++;
}

/* Take p for write-back: clean, referenced, PG_WRITEBACK. */
static void
pc_start_writeback(struct page *p)
{
	pc_clear_dirty(p);
	pc_ref(p);
	p->flags |= PG_WRITEBACK;
	p->cache_inode->pages->nr_writeback++;
}

/* May p, cached and referenced by the cache alone, go on the LRU? */
static bool
pc_lru_ok(const struct page *p)
{
	const uint32_t mask = PG_CACHE | PG_UPTODATE | PG_DIRTY | PG_LOCKED |
			      PG_WRITEBACK;

	return (p->flags & mask) == (PG_CACHE | PG_UPTODATE);
}

/*
 * Take p out of its inode's cache (tree, LRU, dirty list) and drop the
 * cache's reference.  True if that was the last: the caller frees p.
 */
static bool
pc_remove(struct page *p)
{
	struct inode *inode = p->cache_inode;

	if (!(p->flags & PG_CACHE))
		return false;
	radix_tree_delete(&inode->pages->tree, p->cache_index);
	if (p->flags & PG_LRU)
		list_del(&p->list);
	if (p->flags & PG_DIRTY)
		pc_clear_dirty(p);
	p->flags &= ~(PG_CACHE | PG_LRU);
	p->cache_inode = NULL;
	inode->nr_pages--;
	pc_nr_pages--;
	return --p->refcount == 0;
}

/* A new locked page for index of inode, referenced by the cache and the
 * caller, or NULL.  Interrupts as the caller likes. */
static struct page *
pc_page_alloc(struct inode *inode, uint64_t index)
{
	struct page *p = buddy_alloc(0);

	if (p == NULL)
		return NULL;
	p->flags |= PG_CACHE | PG_LOCKED;
	p->refcount = 2;
	p->cache_inode = inode;
	p->cache_index = index;
	p->dirtied_ns = 0;
	list_init(&p->list);
	return p;
}

/* Give back the frame of a page that is no longer cached or used. */
static void
pc_page_free(struct page *p)
{
	KASSERT(!(p->flags & PG_WRITEBACK));
	p->flags &= ~(PG_CACHE | PG_UPTODATE | PG_DIRTY | PG_LOCKED | PG_LRU);
	p->cache_inode = NULL;
	buddy_free(p, 0);
}

/* ---- finding and filling pages ---- */

/*
 * The cached page at index, referenced, or else fresh inserted there.
 * 0 with *out set; -ENOENT if nothing is cached and fresh is NULL;
 * -EAGAIN if a tree node is needed in *spare.
 */
static int
pc_lookup_or_insert(struct inode *inode, uint64_t index, struct page *fresh,
		    struct radix_node **spare, struct page **out)
{
	struct page *p = radix_tree_lookup(&inode->pages->tree, index);
	int err;

	if (p != NULL) {
		pc_ref(p);
		*out = p;
		return 0;
	}
	if (fresh == NULL)
		return -ENOENT;
	err = radix_tree_insert(&inode->pages->tree, index, fresh, spare);
	if (err)
		return err;
	inode->nr_pages++;
	pc_nr_pages++;
	*out = fresh;
	return 0;
}

/* Allocate what pc_lookup_or_insert() failed for (why).  0 or -ENOMEM. */
static int
pc_prealloc(struct inode *inode, uint64_t index, int why,
	    struct page **fresh, struct radix_node **spare)
{
	if (why == -ENOENT) {
		*fresh = pc_page_alloc(inode, index);
		return *fresh != NULL ? 0 : -ENOMEM;
	}
	*spare = radix_node_alloc();
	return *spare != NULL ? 0 : -ENOMEM;
}

/*
 * The page at index, referenced: *created if it is new and locked, for the
 * caller to fill.  Allocates with interrupts on and retries the lookup.
 */
int
pc_find_or_add(struct inode *inode, uint64_t index, struct page **out,
	       bool *created)
{
	struct radix_node *spare = NULL;
	struct page *fresh = NULL;
	unsigned long s;
	int err;

	for (;;) {
		s = arch_intr_save();
		err = pc_lookup_or_insert(inode, index, fresh, &spare, out);
		arch_intr_restore(s);
		if (err != -ENOENT && err != -EAGAIN)
			break;
		err = pc_prealloc(inode, index, err, &fresh, &spare);
		if (err)
			break;
	}
	*created = err == 0 && *out == fresh;
	if (fresh != NULL && !*created)
		pc_page_free(fresh);
	if (spare != NULL)
		radix_node_free(spare);
	return err;
}

/* Filling p ended with err: mark it valid or drop it; wake waiters. */
void
pc_unlock(struct page *p, int err)
{
	unsigned long s = arch_intr_save();
	bool last = false;

	if (err == 0)
		p->flags |= PG_UPTODATE;
	else
		last = pc_remove(p);
	p->flags &= ~PG_LOCKED;
	wq_wake_all(&pc_wq);
	arch_intr_restore(s);
	KASSERT(!last);			/* the filler holds a reference */
}

/* Fill the new, locked page p (read it if fill) and unlock it. */
int
pc_fill(struct inode *inode, struct page *p, bool fill)
{
	uint64_t start = p->cache_index << PAGE_SHIFT, size = inode->size;
	char *data = page_address(p);
	int err = 0;

	if (fill && start < size && inode->pcops != NULL &&
	    inode->pcops->readpage != NULL) {
		err = inode->pcops->readpage(inode, p->cache_index, data);
		err = err < 0 ? err : 0;
		if (err == 0 && size - start < PAGE_SIZE)
			memset(data + (size - start), 0,
			       PAGE_SIZE - (size - start));
	} else {
		memset(data, 0, PAGE_SIZE);
	}
	pc_unlock(p, err);
	return err;
}

/* Sleep until nobody fills p. */
static void
pc_wait_unlocked(struct page *p)
{
	unsigned long s;

	if (!(p->flags & PG_LOCKED))
		return;
	s = arch_intr_save();
	wait_event(&pc_wq, !(p->flags & PG_LOCKED));
	arch_intr_restore(s);
}

/* pagecache_get(), also saying whether the page was made (and filled). */
static int
pc_get(struct inode *inode, uint64_t index, bool fill, struct page **out,
       bool *created)
{
	const uint32_t valid = PG_CACHE | PG_UPTODATE;
	struct page *p = NULL;
	int err;

	if (inode->pages == NULL)
		return -EINVAL;
	for (;;) {
		err = pc_find_or_add(inode, index, &p, created);
		if (err)
			return err;
		if (*created)
			err = pc_fill(inode, p, fill);
		else
			pc_wait_unlocked(p);
		if (err == 0 && (p->flags & valid) == valid) {
			*out = p;
			return 0;
		}
		/* Failed, or truncated or failed by another: drop it. */
		pagecache_put(p);
		if (err)
			return err;
	}
}

/* The page at index of inode, referenced, filled or zeroed when new; see
 * pagecache.h.  0 or -errno.  Sleeps; the caller may hold inode->lock. */
int
pagecache_get(struct inode *inode, uint64_t index, bool fill,
	      struct page **out)
{
	bool created;

	return pc_get(inode, index, fill, out, &created);
}

/* Drop a reference; a clean page only the cache holds goes on the LRU.
 * Any context. */
void
pagecache_put(struct page *p)
{
	unsigned long s = arch_intr_save();
	bool last;

	KASSERT(p->refcount > ((p->flags & PG_CACHE) ? 1 : 0));
	last = --p->refcount == 0;
	if (p->refcount == 1 && pc_lru_ok(p)) {
		p->flags |= PG_LRU;
		list_add_tail(&p->list, &pc_lru);
	}
	arch_intr_restore(s);
	if (last)
		pc_page_free(p);
}

/* One more reference on p, which the caller holds referenced.  Any
 * context. */
void
pagecache_page_get(struct page *p)
{
	unsigned long s = arch_intr_save();

	KASSERT(p->refcount > 0);
	pc_ref(p);
	arch_intr_restore(s);
}

/* Queue the referenced page p for write-back and kick the flusher past
 * the background threshold.  Any context. */
void
pagecache_mark_dirty(struct page *p)
{
	unsigned long s = arch_intr_save();

	if ((p->flags & (PG_CACHE | PG_DIRTY)) == PG_CACHE)
		pc_set_dirty(p, ktime_ns(), false);
	arch_intr_restore(s);
	if (pagecache_dirty_over_background())
		writeback_kick();
}

/* ---- file I/O ---- */

/* Must a write of n bytes at pos, within one page, read the page first? */
static bool
pc_needs_read(const struct inode *inode, uint64_t pos, size_t n)
{
	uint64_t start = pos & PAGE_MASK, end = pos + n;

	if (start >= inode->size)
		return false;		/* all past the end: zeros */
	if (pos > start)
		return true;
	return end < start + PAGE_SIZE && end < inode->size;
}

/*
 * Keep dirty pages under the limit before dirtying more: kick the flusher
 * past the background threshold; past the limit, write inode back (the
 * caller holds its lock) and then wait for the flusher, once per call.
 */
static void
pc_balance(struct inode *inode, bool *waited)
{
	if (!pagecache_dirty_over_background())
		return;
	writeback_kick();
	if (pc_nr_dirty_wb <= pagecache_dirty_limit())
		return;
	pagecache_writeback(inode, 0);
	if (pc_nr_dirty_wb > pagecache_dirty_limit() && !*waited) {
		*waited = true;
		writeback_throttle();
	}
}

/* The page for a write of n bytes at pos (within one page), referenced:
 * read first unless the write covers what it holds.  *zeroed if this
 * call made it from zeros instead. */
static int
pc_get_for_write(struct inode *inode, uint64_t pos, size_t n,
		 struct page **out, bool *zeroed)
{
	bool fill = pc_needs_read(inode, pos, n), created = false;
	int err;

	err = pc_get(inode, pos >> PAGE_SHIFT, fill, out, &created);
	if (err == -ENOMEM && pc_backed(inode)) {
		/* Our own dirty pages may be what fills memory. */
		pagecache_writeback(inode, 0);
		err = pc_get(inode, pos >> PAGE_SHIFT, fill, out, &created);
	}
	*zeroed = err == 0 && created && !fill;
	return err;
}

/* Nothing was copied into p after all: a page made from zeros for a write
 * that covered the file's data there is not that data, so drop it. */
static void
pc_write_failed(struct page *p, bool zeroed)
{
	unsigned long s;
	bool last = false;

	if (zeroed) {
		s = arch_intr_save();
		if ((p->flags & (PG_CACHE | PG_DIRTY)) == PG_CACHE)
			last = pc_remove(p);
		arch_intr_restore(s);
		KASSERT(!last);		/* we hold a reference */
	}
	pagecache_put(p);
}

/*
 * Copy n bytes into the page at pos (within one page), grow the file to
 * cover them and dirty the page.  The filesystem prepares the blocks with
 * the page held: read after the blocks were allocated (or evicted and
 * read again before the copy), the page would show what the new blocks
 * held before.
 */
static int
pc_write_page(struct inode *inode, const void *src, size_t n, uint64_t pos)
{
	const struct page_cache_ops *ops = inode->pcops;
	struct page *p;
	bool zeroed;
	int err;

	err = pc_get_for_write(inode, pos, n, &p, &zeroed);
	if (err)
		return err;
	if (ops != NULL && ops->prepare_write != NULL) {
		err = ops->prepare_write(inode, pos, n);
		if (err) {
			pc_write_failed(p, zeroed);
			return err;
		}
	}
	memcpy((char *)page_address(p) + (pos & ~PAGE_MASK), src, n);
	/* The size first: a write-back of the page must see all of it. */
	if (pos + n > inode->size)
		inode->size = pos + n;
	pagecache_mark_dirty(p);
	pagecache_put(p);
	return 0;
}

/* Copy len bytes from buf into the file at pos, growing inode->size,
 * each page after prepare_write.  Bytes written, or -errno if none (a
 * page that cannot be prepared ends the write short).  Sleeps; the caller
 * holds inode->lock. */
long
pagecache_write(struct inode *inode, const void *buf, size_t len,
		uint64_t pos)
{
	bool waited = false;
	size_t done = 0, n;
	int err;

	if (pos >= PAGECACHE_MAX_BYTES)
		return -EFBIG;
	len = MIN(MIN(len, PC_MAX_RW), PAGECACHE_MAX_BYTES - pos);
	while (done < len) {
		pc_balance(inode, &waited);
		n = MIN(PAGE_SIZE - ((pos + done) & ~PAGE_MASK), len - done);
		err = pc_write_page(inode, (const char *)buf + done, n,
				    pos + done);
		if (err)
			return done > 0 ? (long)done : err;
		done += n;
	}
	return (long)done;
}

/* ---- write-back ---- */

/*
 * Take up to max of inode's oldest dirty pages, dirty since now - older at
 * least (older 0: any), into batch: referenced and marked clean, so that
 * writes during their write-back dirty them again.
 */
static unsigned int
pc_collect(struct inode *inode, uint64_t older, uint64_t now,
	   struct page **batch, unsigned int max)
{
	struct list_head *dirty = &inode->pages->dirty;
	unsigned long s = arch_intr_save();
	unsigned int n = 0;
	struct page *p;

	while (n < max && !list_empty(dirty)) {
		p = list_first_entry(dirty, struct page, list);
		if (older != 0 && p->dirtied_ns + older > now)
			break;		/* the rest is younger still */
		pc_start_writeback(p);
		batch[n++] = p;
	}
	arch_intr_restore(s);
	return n;
}

/* Sort a batch by page index (insertion sort: batches are short). */
static void
pc_sort(struct page **batch, unsigned int n)
{
	struct page *p;
	unsigned int i, j;

	for (i = 1; i < n; i++) {
		p = batch[i];
		j = i;
		while (j > 0 && batch[j - 1]->cache_index > p->cache_index) {
			batch[j] = batch[j - 1];
			j--;
		}
		batch[j] = p;
	}
}

/* Write p through writepage with the bytes of it inside the file. */
static int
pc_write_one(struct inode *inode, struct page *p)
{
	uint64_t start = p->cache_index << PAGE_SHIFT, size = inode->size;
	int err;

	if (!(p->flags & PG_CACHE) || start >= size)
		return 0;	/* truncated away: nothing to keep */
	err = inode->pcops->writepage(inode, p->cache_index, page_address(p),
				      (size_t)MIN(PAGE_SIZE, size - start));
	return err < 0 ? err : 0;
}

/* The write-back of p ended with err (not tried if err): if that failed,
 * make p dirty again, as old as it was, and remember the error. */
static void
pc_end_writeback(struct page_tree *t, struct page *p, int err)
{
	unsigned long s = arch_intr_save();

	p->flags &= ~PG_WRITEBACK;
	t->nr_writeback--;
	if (err && (p->flags & (PG_CACHE | PG_DIRTY)) == PG_CACHE)
		pc_set_dirty(p, p->dirtied_ns, true);
	if (err && t->error == 0)
		t->error = err;
	wq_wake_all(&pc_wq);
	arch_intr_restore(s);
	pagecache_put(p);
}

/* Write a sorted batch at once through writepages: the pages still in
 * the file, all their I/O in flight together.  On error all stay dirty. */
static int
pc_write_many(struct inode *inode, struct page **batch, unsigned int n)
{
	uint64_t index[PC_WB_BATCH], size = inode->size;
	void *addr[PC_WB_BATCH];
	unsigned int i, m = 0;
	int err;

	for (i = 0; i < n; i++) {
		if (!(batch[i]->flags & PG_CACHE) ||
		    (batch[i]->cache_index << PAGE_SHIFT) >= size)
			continue;	/* truncated away: nothing to keep */
		index[m] = batch[i]->cache_index;
		addr[m++] = page_address(batch[i]);
	}
	err = m > 0 ? inode->pcops->writepages(inode, index, addr, m) : 0;
	err = err < 0 ? err : 0;
	for (i = 0; i < n; i++)
		pc_end_writeback(inode->pages, batch[i], err);
	return err;
}

/* Write a sorted batch; after the first error the rest stays dirty. */
static int
pc_write_batch(struct inode *inode, struct page **batch, unsigned int n)
{
	unsigned int i;
	int err = 0;

	if (inode->pcops->writepages != NULL)
		return pc_write_many(inode, batch, n);
	for (i = 0; i < n; i++) {
		if (err == 0)
			err = pc_write_one(inode, batch[i]);
		pc_end_writeback(inode->pages, batch[i], err);
	}
	return err;
}

/* For an integrity write-back: wait for the pages others are writing;
 * err, or the error of one of their writes since t->error was cleared. */
static int
pc_wait_writeback(struct page_tree *t, int err)
{
	unsigned long s = arch_intr_save();

	wait_event(&pc_wq, t->nr_writeback == 0);
	if (err == 0)
		err = t->error;
	arch_intr_restore(s);
	return err;
}

/* Write inode's dirty pages (older than older_than_ns, if not 0) through
 * writepage.  The first error.  Sleeps; the caller should hold inode->lock. */
int
pagecache_writeback(struct inode *inode, uint64_t older_than_ns)
{
	struct page *batch[PC_WB_BATCH];
	uint64_t now = ktime_ns();
	unsigned long budget;
	unsigned int n;
	int err = 0;

	if (inode->pages == NULL || !pc_backed(inode))
		return 0;
	/* Earlier failures left their pages dirty: this call retries them. */
	if (older_than_ns == 0)
		inode->pages->error = 0;
	/* Pages dirtied again meanwhile wait for the next call. */
	budget = inode->nr_dirty;
	while (budget > 0 && err == 0) {
		n = pc_collect(inode, older_than_ns, now, batch,
			       (unsigned int)MIN(budget, PC_WB_BATCH));
		if (n == 0)
			break;
		budget -= n;
		pc_sort(batch, n);
		err = pc_write_batch(inode, batch, n);
	}
	if (older_than_ns == 0)
		err = pc_wait_writeback(inode->pages, err);
	return err;
}

/* ---- truncate and teardown ---- */

/* Drop every cached page of inode at index first or after. */
static void
pc_drop_from(struct inode *inode, uint64_t first)
{
	uint64_t index;
	struct page *p;
	unsigned long s;
	bool last;

	do {
		index = first;
		s = arch_intr_save();
		p = radix_tree_next(&inode->pages->tree, &index);
		last = p != NULL && pc_remove(p);
		arch_intr_restore(s);
		if (last)
			pc_page_free(p);
	} while (p != NULL);
}

bool
pc_is_cached(struct inode *inode, uint64_t index)
{
	unsigned long s = arch_intr_save();
	bool cached = radix_tree_lookup(&inode->pages->tree, index) != NULL;

	arch_intr_restore(s);
	return cached;
}

static bool
pc_is_zero(const char *p, size_t n)
{
	while (n > 0 && *p == 0) {
		p++;
		n--;
	}
	return n == 0;
}

/* Zero the page holding size from size on, and have that written. */
static int
pc_zero_tail(struct inode *inode, uint64_t size)
{
	size_t off = size & ~PAGE_MASK;
	struct page *p;
	bool created;
	char *tail;
	int err;

	/* Uncached: a hole (no backing store), or beyond the old end. */
	if (!pc_is_cached(inode, size >> PAGE_SHIFT) &&
	    (!pc_backed(inode) || size > inode->size))
		return 0;
	err = pc_get(inode, size >> PAGE_SHIFT, true, &p, &created);
	if (err)
		return err;
	tail = (char *)page_address(p) + off;
	if (created || !pc_is_zero(tail, PAGE_SIZE - off)) {
		memset(tail, 0, PAGE_SIZE - off);
		pagecache_mark_dirty(p);
	}
	pagecache_put(p);
	return 0;
}

/* Drop the pages past size and zero the partial last page.  0 or the
 * read's error.  Sleeps; the caller holds inode->lock. */
int
pagecache_truncate(struct inode *inode, uint64_t size)
{
	if (inode->pages == NULL)
		return 0;
	pc_drop_from(inode, DIV_ROUND_UP(size, PAGE_SIZE));
	if ((size & ~PAGE_MASK) == 0)
		return 0;
	return pc_zero_tail(inode, size);
}

/* Give inode an empty page tree.  0 or -ENOMEM. */
int
pagecache_inode_init(struct inode *inode)
{
	struct page_tree *t = kzalloc(sizeof(*t));

	if (t == NULL)
		return -ENOMEM;
	list_init(&t->dirty);
	inode->pages = t;
	inode->nr_pages = 0;
	inode->nr_dirty = 0;
	return 0;
}

/* Drop inode's pages, dirty or not, and its tree (inode eviction). */
void
pagecache_inode_free(struct inode *inode)
{
	struct page_tree *t = inode->pages;

	if (t == NULL)
		return;
	pc_drop_from(inode, 0);
	radix_tree_destroy(&t->tree);
	inode->pages = NULL;
	kfree(t);
}

/* ---- memory ---- */

/* Free up to nr LRU pages, oldest first; how many.  Never sleeps; any
 * context (the buddy allocator's reclaimer). */
unsigned long
pagecache_reclaim(unsigned long nr)
{
	unsigned long s = arch_intr_save();
	unsigned long freed;
	struct page *p;
	bool last;

	for (freed = 0; freed < nr && !list_empty(&pc_lru); freed++) {
		p = list_first_entry(&pc_lru, struct page, list);
		KASSERT(p->refcount == 1 && pc_lru_ok(p));
		last = pc_remove(p);
		KASSERT(last);
		pc_page_free(p);
	}
	arch_intr_restore(s);
	return freed;
}

/* Pages in the cache (a snapshot). */
unsigned long
pagecache_nr_pages(void)
{
	return pc_nr_pages;
}

/* Dirty pages, with backing store or not (a snapshot). */
unsigned long
pagecache_nr_dirty(void)
{
	return pc_nr_dirty;
}

/* The dirty limit of writers: a fifth of memory. */
unsigned long
pagecache_dirty_limit(void)
{
	return nr_frames / 5;
}

/* Past half the dirty limit? */
bool
pagecache_dirty_over_background(void)
{
	return pc_nr_dirty_wb > pagecache_dirty_limit() / 2;
}

/* Make the tree-node cache and register the reclaimer; once at boot
 * (and per unit test) after slab_init().  0, -ENOMEM or -ENOSPC. */
int
pagecache_init(void)
{
	int err = radix_tree_init();

	if (err)
		return err;
	list_init(&pc_lru);
	wq_init(&pc_wq);
	pc_nr_pages = 0;
	pc_nr_dirty = 0;
	pc_nr_dirty_wb = 0;
	return buddy_add_reclaimer(pagecache_reclaim);
}
