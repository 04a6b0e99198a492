/*
 * The buffer cache: filesystem metadata blocks (superblocks, bitmaps,
 * inode tables, directory and indirect blocks) of a block device, cached
 * by (device, block number, block size), read and written through the
 * block layer.  Dirty buffers are written back by the flusher, by sync and
 * at unmount; unreferenced clean buffers are dropped when memory is short.
 *
 * Locking: the hash, the lists and the [i] fields by disabling interrupts;
 * a buffer's data by its owner filesystem's locks.  Write-back (sync and
 * buffer_write_sync) is serialized by a mutex of the buffer cache, taken
 * inside every filesystem lock.  A buffer being written stays readable and
 * writable: a change made meanwhile makes it dirty again.
 */
#ifndef FS_BUFFER_H
#define FS_BUFFER_H

#include <stdbool.h>
#include <stdint.h>
#include "core/list.h"

struct block_device;

struct buffer {
	struct block_device *bdev;	/* [I] */
	uint64_t block;			/* [I] in units of size */
	uint32_t size;			/* [I] bytes: 512 to 4096, power of 2 */
	void *data;			/* [I] */
	int refcount;			/* [i] */
	bool uptodate;			/* [i] data is the disk's or newer */
	bool verified;			/* the owner checked the contents;
					 * false whenever they come from disk
					 * (or zeros) again */
	bool dirty;			/* [i] */
	bool busy;			/* [i] being read: others wait */
	uint64_t dirtied_ns;		/* [i] when it became dirty */
	struct list_head hash_node;	/* [i] empty once forgotten */
	struct list_head lru_node;	/* [i] unreferenced and clean */
	struct list_head dirty_node;	/* [i] */
	/* Private to buffer.c: a write-back batch, under its mutex. */
	struct list_head io_node;
	int io_status;
};

/* Set up the buffer cache and register its reclaimer (after the page
 * cache's).  0, -ENOMEM or -ENOSPC. */
int buffer_init(void);
/* The block, read from disk if not cached: referenced.  Concurrent
 * readers of a block wait for one read.  0, -EINVAL (bad size), or the
 * read's error (-EIO, -ENOMEM): nothing is then cached.  Sleeps. */
int buffer_read(struct block_device *bdev, uint64_t block, uint32_t size,
		struct buffer **out);
/* The block without reading it (the caller overwrites all of it), zeroed
 * if it was not cached.  Referenced.  0, -EINVAL or -ENOMEM.  Sleeps only
 * while another task reads the block. */
int buffer_get(struct block_device *bdev, uint64_t block, uint32_t size,
	       struct buffer **out);
/* Drop a reference.  Any context. */
void buffer_put(struct buffer *b);
/* Queue the (referenced) buffer for write-back.  Any context. */
void buffer_mark_dirty(struct buffer *b);
/* Write b now and wait for it; it stays dirty if that fails.  0 or the
 * write's error (-EIO; -EROFS, -ENOMEM).  Sleeps. */
int buffer_write_sync(struct buffer *b);
/* Write back the dirty buffers of bdev (all, or those dirty for at least
 * older_than_ns if it is not 0), sorted by block and all submitted under
 * one plug before waiting.  Buffers that fail stay dirty.  Returns the
 * first error.  Sleeps. */
int buffer_sync_dev(struct block_device *bdev, uint64_t older_than_ns);
/* The referenced buffer's block was freed: drop the buffer from the cache
 * with its dirty data, so it can never land on the block after the block
 * is reused (as file data written around the cache, say), and drop the
 * caller's reference.  Waits for a write-back in flight.  Sleeps. */
void buffer_forget(struct buffer *b);
/* Drop every cached buffer of bdev (at unmount, after a sync): dirty
 * data is lost; referenced buffers are freed by their last put. */
void buffer_forget_dev(struct block_device *bdev);
/* Free clean, unreferenced buffers, oldest first, until about nr frames
 * came back; never sleeps.  Returns frames freed (rounded up).  Any
 * context. */
unsigned long buffer_reclaim(unsigned long nr);
/* Bytes of cached buffer data, for /proc/meminfo's Buffers. */
unsigned long buffer_nr_bytes(void);

#endif
