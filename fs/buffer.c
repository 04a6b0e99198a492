/*
 * The buffer cache.  Buffers hang in a fixed hash table by (device, block,
 * size); their data is a frame for page-sized blocks, a kmalloc block
 * otherwise.  A buffer being read is inserted busy and read outside any
 * lock; other readers of the block wait on buf_wq, and a failed read
 * leaves nothing cached.  Dirty buffers sit on one list in the order they
 * became dirty; unreferenced clean ones on an LRU list, whence
 * buffer_reclaim() frees them when the buddy allocator is out of frames.
 *
 * Write-back takes the device's eligible dirty buffers off the dirty list
 * (referenced, marked clean first so that changes made during the write
 * dirty them again), sorts them by block, submits one bio each under a
 * plug so the elevator merges neighbours, then waits for all of them;
 * those that failed become dirty again.  Write-backs are serialized by
 * buf_sync_lock, so a sync never returns while another one's writes are
 * still in flight.  This file sits on the block layer (drivers/blk.h) and
 * the allocators; filesystems and fs/writeback.c call it.
 *
 * A buffer whose block is freed is forgotten (buffer_forget): unhashed
 * with its dirty data once no write-back is in flight, so no stale copy
 * can overwrite the block after it is reused.
 *
 * Locking: hash, lists, counts and buffer state with interrupts disabled
 * (never allocating meanwhile); buf_sync_lock (a mutex) around write-back
 * and forgetting.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mutex.h"
#include "core/page.h"
#include "core/slab.h"
#include "core/string.h"
#include "core/timer.h"
#include "core/wait.h"
#include "drivers/blk.h"
#include "fs/buffer.h"

#define BUF_HASH_BITS	10
#define BUF_HASH_SIZE	(1U << BUF_HASH_BITS)

static struct list_head buf_hash[BUF_HASH_SIZE];	/* [i] */
static struct list_head buf_lru;			/* [i] oldest first */
static struct list_head buf_dirty;			/* [i] */
static struct kmem_cache *buf_cache;			/* [I] */
static struct wait_queue buf_wq;			/* a read ended */
static unsigned long buf_bytes;				/* [i] data cached */
static struct mutex buf_sync_lock;			/* write-backs */
static unsigned int buf_io_pending;	/* [i] bios of the write-back */
static struct wait_queue buf_io_wq;	/* buf_io_pending reached 0 */

/* ---- buffers ---- */

static unsigned int
buf_hashfn(const struct block_device *bdev, uint64_t block, uint32_t size)
{
	uint64_t h = block ^ ((uintptr_t)bdev >> 6) ^ ((uint64_t)size << 40);

	return (unsigned int)((h * 0x9e3779b97f4a7c15ULL) >>
			      (64 - BUF_HASH_BITS));
}

static uint64_t
buf_sector(const struct buffer *b)
{
	return b->block * (b->size >> SECTOR_SHIFT);
}

/* A new busy buffer referenced once, not hashed, or NULL. */
static struct buffer *
buf_alloc(struct block_device *bdev, uint64_t block, uint32_t size)
{
	struct buffer *b = kmem_cache_alloc(buf_cache);

	if (b == NULL)
		return NULL;
	memset(b, 0, sizeof(*b));
	b->data = size == PAGE_SIZE ? page_alloc_addr(0) : kmalloc(size);
	if (b->data == NULL) {
		kmem_cache_free(buf_cache, b);
		return NULL;
	}
	b->bdev = bdev;
	b->block = block;
	b->size = size;
	b->refcount = 1;
	b->busy = true;
	list_init(&b->hash_node);
	list_init(&b->lru_node);
	list_init(&b->dirty_node);
	list_init(&b->io_node);
	return b;
}

/* Free an unhashed, unreferenced buffer.  Any context. */
static void
buf_free(struct buffer *b)
{
	if (b->size == PAGE_SIZE)
		page_free_addr(b->data, 0);
	else
		kfree(b->data);
	kmem_cache_free(buf_cache, b);
}

/* The following run with interrupts disabled. */

static struct buffer *
buf_lookup(struct block_device *bdev, uint64_t block, uint32_t size)
{
	struct list_head *head = &buf_hash[buf_hashfn(bdev, block, size)];
	struct buffer *b;

	list_for_each_entry(b, head, hash_node)
		if (b->bdev == bdev && b->block == block && b->size == size)
			return b;
	return NULL;
}

static void
buf_ref(struct buffer *b)
{
	b->refcount++;
	list_del(&b->lru_node);
}

static void
buf_insert(struct buffer *b)
{
	list_add(&b->hash_node, &buf_hash[buf_hashfn(b->bdev, b->block,
						     b->size)]);
	buf_bytes += b->size;
}

/* Take b out of the cache (dirty data is dropped). */
static void
buf_unhash(struct buffer *b)
{
	if (list_empty(&b->hash_node))
		return;
	list_del(&b->hash_node);
	list_del(&b->lru_node);
	list_del(&b->dirty_node);
	b->dirty = false;
	buf_bytes -= b->size;
}

/* Unhash b and free it unless it is in use. */
static void
buf_forget(struct buffer *b)
{
	buf_unhash(b);
	if (b->refcount == 0)
		buf_free(b);
}

static void
buf_clean(struct buffer *b)
{
	list_del(&b->dirty_node);
	b->dirty = false;
}

/* ---- reading ---- */

/* The cached buffer, referenced, or NULL. */
static struct buffer *
buf_find(struct block_device *bdev, uint64_t block, uint32_t size)
{
	unsigned long s = arch_intr_save();
	struct buffer *b = buf_lookup(bdev, block, size);

	if (b != NULL)
		buf_ref(b);
	arch_intr_restore(s);
	return b;
}

/* The buffer, referenced: *created if it is new and busy, for the caller
 * to fill.  0 or -ENOMEM. */
static int
buf_find_or_add(struct block_device *bdev, uint64_t block, uint32_t size,
		struct buffer **out, bool *created)
{
	struct buffer *b, *fresh;
	unsigned long s;

	*created = false;
	*out = buf_find(bdev, block, size);
	if (*out != NULL)
		return 0;
	fresh = buf_alloc(bdev, block, size);
	if (fresh == NULL)
		return -ENOMEM;
	s = arch_intr_save();
	b = buf_lookup(bdev, block, size);
	if (b != NULL)
		buf_ref(b);
	else
		buf_insert(fresh);
	arch_intr_restore(s);
	if (b != NULL) {
		buf_free(fresh);
		*out = b;
		return 0;
	}
	*created = true;
	*out = fresh;
	return 0;
}

/* Fill the new busy buffer b (from disk if read, else zeros), unbusy it;
 * a failed read leaves it uncached. */
static int
buf_fill(struct buffer *b, bool read)
{
	unsigned long s;
	int err = 0;

	if (read)
		err = blk_rw_sync(b->bdev, BIO_READ, buf_sector(b), b->data,
				  b->size, 0);
	else
		memset(b->data, 0, b->size);
	s = arch_intr_save();
	b->verified = false;
	b->busy = false;
	if (err == 0)
		b->uptodate = true;
	else
		buf_unhash(b);
	wq_wake_all(&buf_wq);
	arch_intr_restore(s);
	return err;
}

static void
buf_wait(struct buffer *b)
{
	unsigned long s;

	if (!b->busy)
		return;
	s = arch_intr_save();
	wait_event(&buf_wq, !b->busy);
	arch_intr_restore(s);
}

/* buffer_read() if read, else buffer_get(). */
static int
buf_obtain(struct block_device *bdev, uint64_t block, uint32_t size,
	   bool read, struct buffer **out)
{
	struct buffer *b;
	bool created;
	int err;

	if (size < SECTOR_SIZE || size > PAGE_SIZE || (size & (size - 1)))
		return -EINVAL;
	for (;;) {
		err = buf_find_or_add(bdev, block, size, &b, &created);
		if (err)
			return err;
		if (created)
			err = buf_fill(b, read);
		else
			buf_wait(b);
		if (err == 0 && b->uptodate) {
			*out = b;
			return 0;
		}
		/* Our read failed, or another's did: it is uncached. */
		buffer_put(b);
		if (err)
			return err;
	}
}

/*
 * The block of bdev, read if not cached, referenced.  0, -EINVAL, or the
 * read's error.  Sleeps; the caller may hold filesystem locks.
 */
int
buffer_read(struct block_device *bdev, uint64_t block, uint32_t size,
	    struct buffer **out)
{
	return buf_obtain(bdev, block, size, true, out);
}

/* The block of bdev for overwriting: zeroed if not cached, referenced.
 * 0, -EINVAL or -ENOMEM. */
int
buffer_get(struct block_device *bdev, uint64_t block, uint32_t size,
	   struct buffer **out)
{
	return buf_obtain(bdev, block, size, false, out);
}

/* Drop a reference; a clean buffer nobody uses goes on the LRU, a
 * forgotten one is freed.  Any context. */
void
buffer_put(struct buffer *b)
{
	unsigned long s = arch_intr_save();
	bool free_it = false;

	KASSERT(b->refcount > 0);
	if (--b->refcount == 0) {
		if (list_empty(&b->hash_node))
			free_it = true;
		else if (!b->dirty && b->uptodate)
			list_add_tail(&b->lru_node, &buf_lru);
	}
	arch_intr_restore(s);
	if (free_it)
		buf_free(b);
}

/* ---- writing ---- */

/* Queue b for write-back, dirty since now; its data is now the truth.
 * Nothing for a forgotten buffer.  Any context. */
void
buffer_mark_dirty(struct buffer *b)
{
	unsigned long s = arch_intr_save();

	b->uptodate = true;
	if (!b->dirty && !list_empty(&b->hash_node)) {
		list_del(&b->lru_node);
		b->dirty = true;
		b->dirtied_ns = ktime_ns();
		list_add_tail(&b->dirty_node, &buf_dirty);
	}
	arch_intr_restore(s);
}

/* Make b dirty again since when after its write failed. */
static void
buf_redirty(struct buffer *b, uint64_t when)
{
	unsigned long s = arch_intr_save();

	if (!b->dirty && !list_empty(&b->hash_node)) {
		b->dirty = true;
		b->dirtied_ns = when;
		list_add(&b->dirty_node, &buf_dirty);
	}
	arch_intr_restore(s);
}

/* Write the referenced buffer b and wait; clean if that worked, dirty
 * otherwise.  0 or the write's error (-EIO, -EROFS, -ENOMEM).  Sleeps;
 * takes buf_sync_lock. */
int
buffer_write_sync(struct buffer *b)
{
	unsigned long s;
	uint64_t when;
	int err;

	mutex_lock(&buf_sync_lock);
	s = arch_intr_save();
	when = b->dirty ? b->dirtied_ns : ktime_ns();
	buf_clean(b);
	arch_intr_restore(s);
	err = blk_rw_sync(b->bdev, BIO_WRITE, buf_sector(b), b->data, b->size,
			  0);
	if (err)
		buf_redirty(b, when);
	mutex_unlock(&buf_sync_lock);
	return err;
}

/* Move bdev's dirty buffers, dirty since now - older at least (older 0:
 * all), to batch: referenced and clean.  Returns how many. */
static unsigned long
buf_collect(struct block_device *bdev, uint64_t older, struct list_head *batch)
{
	uint64_t now = ktime_ns();
	unsigned long s = arch_intr_save(), n = 0;
	struct buffer *b, *next;

	list_for_each_entry_safe(b, next, &buf_dirty, dirty_node) {
		if (b->bdev != bdev ||
		    (older != 0 && b->dirtied_ns + older > now))
			continue;
		buf_clean(b);
		buf_ref(b);
		b->io_status = 0;
		list_add_tail(&b->io_node, batch);
		n++;
	}
	arch_intr_restore(s);
	return n;
}

/* Move the entries of list after its first n to the empty list rest. */
static void
buf_split(struct list_head *list, unsigned long n, struct list_head *rest)
{
	struct list_head *last = list;

	while (n-- > 0)
		last = last->next;
	if (last->next == list)
		return;
	rest->next = last->next;
	rest->next->prev = rest;
	rest->prev = list->prev;
	rest->prev->next = rest;
	last->next = list;
	list->prev = last;
}

static uint64_t
io_block(struct list_head *io_node)
{
	return list_entry(io_node, struct buffer, io_node)->block;
}

/* Merge the sorted batch b into the sorted batch a, by block. */
static void
buf_merge(struct list_head *a, struct list_head *b)
{
	struct list_head *pos = a->next;
	struct buffer *x;

	while (!list_empty(b)) {
		x = list_first_entry(b, struct buffer, io_node);
		while (pos != a && io_block(pos) <= x->block)
			pos = pos->next;
		list_del(&x->io_node);
		list_add_tail(&x->io_node, pos);
	}
}

/* Sort a batch of n buffers by block (merge sort). */
static void
buf_sort(struct list_head *batch, unsigned long n)
{
	LIST_HEAD(rest);

	if (n < 2)
		return;
	buf_split(batch, n / 2, &rest);
	buf_sort(batch, n / 2);
	buf_sort(&rest, n - n / 2);
	buf_merge(batch, &rest);
}

/* end_io of write-back bios; maybe in interrupt context. */
static void
buf_end_io(struct bio *bio)
{
	struct buffer *b = bio->private;
	unsigned long s = arch_intr_save();

	b->io_status = bio->status;
	if (--buf_io_pending == 0)
		wq_wake_all(&buf_io_wq);
	arch_intr_restore(s);
	bio_free(bio);
}

/* Start writing b; a bio that cannot be made is b's error. */
static void
buf_submit(struct buffer *b)
{
	struct bio *bio;
	unsigned long s;
	int err;

	err = bio_alloc(&bio, b->bdev, BIO_WRITE, buf_sector(b), 1);
	if (err)
		goto out_err;
	err = bio_add(bio, b->data, b->size);
	if (err)
		goto out_bio;
	bio->end_io = buf_end_io;
	bio->private = b;
	s = arch_intr_save();
	buf_io_pending++;
	arch_intr_restore(s);
	blk_submit(bio);
	return;
out_bio:
	bio_free(bio);
out_err:
	b->io_status = err;
}

/* Submit the whole sorted batch under one plug, then wait for it. */
static void
buf_write_batch(struct block_device *bdev, struct list_head *batch)
{
	struct buffer *b;
	unsigned long s;

	blk_plug(&bdev->queue);
	list_for_each_entry(b, batch, io_node)
		buf_submit(b);
	blk_unplug(&bdev->queue);
	s = arch_intr_save();
	wait_event(&buf_io_wq, buf_io_pending == 0);
	arch_intr_restore(s);
}

/* Release a written batch: failed buffers are dirty again.  The first
 * error. */
static int
buf_finish(struct list_head *batch)
{
	struct buffer *b, *next;
	int err = 0;

	list_for_each_entry_safe(b, next, batch, io_node) {
		list_del(&b->io_node);
		if (b->io_status != 0) {
			buf_redirty(b, b->dirtied_ns);
			if (err == 0)
				err = b->io_status;
		}
		buffer_put(b);
	}
	return err;
}

/*
 * Write back bdev's dirty buffers (those dirty for at least older_than_ns
 * if not 0) and wait.  Returns the first error; failed buffers stay dirty.
 * Sleeps; takes buf_sync_lock.
 */
int
buffer_sync_dev(struct block_device *bdev, uint64_t older_than_ns)
{
	LIST_HEAD(batch);
	unsigned long n;
	int err;

	mutex_lock(&buf_sync_lock);
	n = buf_collect(bdev, older_than_ns, &batch);
	buf_sort(&batch, n);
	if (n > 0)
		buf_write_batch(bdev, &batch);
	err = buf_finish(&batch);
	mutex_unlock(&buf_sync_lock);
	return err;
}

/* ---- forgetting and reclaim ---- */

/*
 * Drop b, whose block was freed, from the cache, dirty or not, and the
 * caller's reference to it (the last put frees it).  A write-back batch
 * may be writing b's old contents: taking buf_sync_lock waits for it, so
 * nothing of b reaches the disk after this returns.  Sleeps; takes
 * buf_sync_lock.
 */
void
buffer_forget(struct buffer *b)
{
	unsigned long s;

	mutex_lock(&buf_sync_lock);
	s = arch_intr_save();
	buf_unhash(b);
	arch_intr_restore(s);
	mutex_unlock(&buf_sync_lock);
	buffer_put(b);
}

/* Drop all buffers of bdev, dirty or not; used ones go at their last
 * put.  Any context. */
void
buffer_forget_dev(struct block_device *bdev)
{
	struct buffer *b, *next;
	unsigned long s;
	unsigned int i;

	for (i = 0; i < BUF_HASH_SIZE; i++) {
		s = arch_intr_save();
		list_for_each_entry_safe(b, next, &buf_hash[i], hash_node)
			if (b->bdev == bdev)
				buf_forget(b);
		arch_intr_restore(s);
	}
}

/* Free clean unused buffers, oldest first, until nr frames' worth went;
 * returns the frames' worth freed.  Never sleeps; any context. */
unsigned long
buffer_reclaim(unsigned long nr)
{
	unsigned long s = arch_intr_save();
	unsigned long bytes = 0;
	struct buffer *b;

	while (bytes < nr * PAGE_SIZE && !list_empty(&buf_lru)) {
		b = list_first_entry(&buf_lru, struct buffer, lru_node);
		KASSERT(b->refcount == 0 && !b->dirty);
		bytes += b->size;
		buf_forget(b);
	}
	arch_intr_restore(s);
	return DIV_ROUND_UP(bytes, PAGE_SIZE);
}

/* Bytes of data in the cache now (a snapshot). */
unsigned long
buffer_nr_bytes(void)
{
	return buf_bytes;
}

/* Set up the hash, lists and locks and register the reclaimer.  Once at
 * boot (and per unit test), after slab_init() and pagecache_init(). */
int
buffer_init(void)
{
	unsigned int i;

	buf_cache = kmem_cache_create("buffer", sizeof(struct buffer), 0);
	if (buf_cache == NULL)
		return -ENOMEM;
	for (i = 0; i < BUF_HASH_SIZE; i++)
		list_init(&buf_hash[i]);
	list_init(&buf_lru);
	list_init(&buf_dirty);
	wq_init(&buf_wq);
	wq_init(&buf_io_wq);
	mutex_init(&buf_sync_lock, "buffer_sync");
	buf_bytes = 0;
	buf_io_pending = 0;
	return buddy_add_reclaimer(buffer_reclaim);
}
