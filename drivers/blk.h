/*
 * The block layer: bios (one I/O on a device), requests (bios merged for
 * one dispatch), request queues with plugging and a sorting, merging
 * elevator, block devices and their /proc/diskstats counters.
 *
 * Filesystems build bios and blk_submit() them; the elevator merges each
 * into an adjacent pending request (same direction, contiguous, within the
 * queue's limits) or inserts a new request sorted by sector; the queue
 * dispatches requests to the driver through blk_driver_ops.queue_rq and the
 * driver ends them with blk_complete_request(), usually from its interrupt.
 *
 * Locking: queue state is guarded by disabling interrupts ([i]).  Lock
 * order: none; no sleeping lock is taken by this layer.
 */
#ifndef DRIVERS_BLK_H
#define DRIVERS_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/list.h"
#include "core/timer.h"

#define SECTOR_SHIFT		9
#define SECTOR_SIZE		(1U << SECTOR_SHIFT)
#define BLK_MAX_SECTORS		1024	/* 512 KiB per request */
#define BLK_MAX_SEGMENTS	128	/* segments per request (and bio) */
#define BLK_DEFAULT_DEPTH	64	/* requests in flight per queue */
#define BLK_UNPLUG_MS		1	/* a plugged queue waits at most this */
#define BIO_INLINE_VECS		4
#define BLK_NAME_LEN		16

enum bio_op {
	BIO_READ,
	BIO_WRITE,
	BIO_FLUSH,		/* make earlier completed writes durable */
};

/* bio->flags */
#define BIO_FUA		0x1	/* write: durable before completion */

struct block_device;
struct kmem_cache;
struct request;
struct request_queue;

/* One contiguous piece of kernel memory. */
struct bio_vec {
	void *base;
	uint32_t len;		/* multiple of SECTOR_SIZE */
};

struct bio {
	struct block_device *bdev;	/* [I] */
	enum bio_op op;			/* [I] */
	unsigned int flags;		/* [I] BIO_FUA */
	uint64_t sector;		/* [I] first sector */
	uint32_t size;			/* bytes, sum of vecs */
	unsigned int nr_vecs;
	unsigned int max_vecs;		/* [I] */
	struct bio_vec *vecs;		/* [I] inline_vecs or allocated */
	int status;			/* 0 or -errno, set before end_io */
	/* Called once when the bio ends, maybe in interrupt context. */
	void (*end_io)(struct bio *bio);
	void *private;			/* for end_io */
	struct bio *next;		/* [i] chain in a request */
	struct bio_vec inline_vecs[BIO_INLINE_VECS];
};

/* A run of merged bios, dispatched to the driver as one I/O. */
struct request {
	struct list_head node;		/* [i] queue's pending list */
	struct request_queue *q;	/* [I] */
	enum bio_op op;			/* [I] */
	unsigned int flags;		/* [i] BIO_FUA if any bio has it */
	uint64_t sector;		/* [i] first sector */
	uint32_t nr_sectors;		/* [i] */
	unsigned int nr_segs;		/* [i] total vecs of its bios */
	struct bio *bio, *biotail;	/* [i] bios in sector order */
	uint64_t queued_ns;		/* [i] when the request was made */
	uint64_t start_ns;		/* [i] when dispatched */
	void *driver_data;		/* for the driver */
};

/* What a block driver provides to its queue.  Called with interrupts
 * disabled; they must not sleep. */
struct blk_driver_ops {
	/*
	 * Start rq; 0 if taken, -EBUSY if the device has no room now (the
	 * request stays queued; the driver calls blk_run_queue() once it has
	 * room again, which completing a request of the queue does), any
	 * other -errno fails rq with that status.
	 */
	int (*queue_rq)(struct request_queue *q, struct request *rq);
	/* The queue_rq calls of one dispatch round are over (kick the
	 * device once for the batch); may be NULL. */
	void (*commit)(struct request_queue *q);
};

/* Linux /proc/diskstats counters; times in nanoseconds here. */
struct disk_stats {
	uint64_t ios[2];		/* completed: [0] reads, [1] writes */
	uint64_t merges[2];		/* bios merged into a request */
	uint64_t sectors[2];
	uint64_t nsecs[2];		/* time from queueing to completion */
	uint64_t in_flight;		/* dispatched, not completed */
	uint64_t io_nsecs;		/* time with anything in flight */
	uint64_t weighted_nsecs;	/* integral of in_flight over time */
	uint64_t flush_ios;
	uint64_t flush_nsecs;
};

struct request_queue {
	struct list_head pending;	/* [i] requests not yet dispatched */
	unsigned int nr_pending;	/* [i] */
	unsigned int in_flight;		/* [i] dispatched, not completed */
	unsigned int depth;		/* [I] max in flight */
	unsigned int max_sectors;	/* [I] per request */
	unsigned int max_segments;	/* [I] per request */
	int plugged;			/* [i] blk_plug() nesting */
	bool plug_expired;		/* [i] the unplug timer fired */
	bool running;			/* [i] in a dispatch round */
	struct ktimer unplug_timer;	/* [i] */
	const struct blk_driver_ops *ops; /* [I] */
	void *driver_data;		/* [I] */
	struct block_device *bdev;	/* [I] */
	struct kmem_cache *rq_cache;	/* [I] its requests */
	struct disk_stats stats;	/* [i] */
	uint64_t last_account_ns;	/* [i] io_nsecs, weighted_nsecs */
};

struct block_device {
	char name[BLK_NAME_LEN];	/* [I] "ubda" */
	unsigned int major, minor;	/* [I] */
	uint64_t nr_sectors;		/* [I] capacity */
	bool readonly;			/* [I] writes fail with -EROFS */
	struct request_queue queue;
	struct list_head node;		/* [i] registered devices */
};

/* ---- bios ---- */

/*
 * Allocate a bio for op on bdev at sector with room for max_vecs segments
 * (at most BLK_MAX_SEGMENTS).  Returns 0 or -ENOMEM / -EINVAL.
 */
int bio_alloc(struct bio **out, struct block_device *bdev, enum bio_op op,
	      uint64_t sector, unsigned int max_vecs);
/* Free a bio that has ended or was never submitted. */
void bio_free(struct bio *bio);
/*
 * Append len bytes at base (len a multiple of SECTOR_SIZE).  Returns 0, or
 * -E2BIG if the bio is full (segments or BLK_MAX_SECTORS), -EINVAL.
 */
int bio_add(struct bio *bio, void *base, uint32_t len);
/* End bio with status: set bio->status and call end_io.  Any context. */
void bio_endio(struct bio *bio, int status);
/*
 * Start the I/O.  end_io runs exactly once with bio->status set, maybe
 * before blk_submit returns (errors found at once: -EROFS on a read-only
 * device, -EIO beyond the end, -ENOMEM).  Any context.
 */
void blk_submit(struct bio *bio);
/*
 * Read or write len bytes (a multiple of SECTOR_SIZE) at sector and wait
 * for the result; splits into bios as needed.  flags: BIO_FUA.  Returns 0
 * or -errno.  Sleeps.
 */
int blk_rw_sync(struct block_device *bdev, enum bio_op op, uint64_t sector,
		void *buf, size_t len, unsigned int flags);
/* Make every completed write durable (fsync of the image).  Sleeps. */
int blk_flush(struct block_device *bdev);

/* ---- queues (for drivers and tests) ---- */

/*
 * Initialise q for a driver, with depth requests in flight at most (0:
 * BLK_DEFAULT_DEPTH).  Returns 0 or -ENOMEM.
 */
int blk_queue_init(struct request_queue *q, const struct blk_driver_ops *ops,
		   unsigned int depth, void *driver_data);
/* Free what blk_queue_init() made; nothing may be queued or in flight. */
void blk_queue_destroy(struct request_queue *q);
/* Hold dispatching while submitting a batch (nests). */
void blk_plug(struct request_queue *q);
/* End a blk_plug(); the outermost one dispatches what was queued. */
void blk_unplug(struct request_queue *q);
/* Dispatch pending requests while the driver has room.  Any context. */
void blk_run_queue(struct request_queue *q);
/*
 * The driver finished rq with status (0 or -errno): end every bio, free
 * the request, dispatch more.  Any context, usually the I/O interrupt.
 */
void blk_complete_request(struct request *rq, int status);

/* ---- devices ---- */

/* Register a block device (its queue already initialised).  0, -EEXIST. */
int blk_register(struct block_device *bdev);
/* Remove a registered device from the list (its queue is left as is). */
void blk_unregister(struct block_device *bdev);
/* Find a registered device by its device number; NULL if none. */
struct block_device *blk_lookup_dev(unsigned int major, unsigned int minor);
/* Call fn for every registered device (devfs makes nodes from them). */
void blk_for_each(void (*fn)(struct block_device *bdev, void *arg),
		  void *arg);
/* Find a registered device by name ("ubda" or "/dev/ubda"); NULL if none. */
struct block_device *blk_lookup(const char *name);
/* Copy the counters of bdev, with in-flight time accounted up to now. */
void blk_get_stats(struct block_device *bdev, struct disk_stats *out);
/*
 * Format every registered device as lines of /proc/diskstats into buf;
 * returns the length the whole text has (as ksnprintf).
 */
int blk_format_diskstats(char *buf, size_t size);

/* ---- between the files of the block layer ---- */

/*
 * Merge bio into a pending request of q or queue a new request for it, then
 * run the queue; the bio ends with -ENOMEM if no request can be had.  For
 * blk_submit(), after its checks.  Any context.
 */
void blk_queue_bio(struct request_queue *q, struct bio *bio);
/*
 * Account the busy time of q up to now (ktime_ns(), read once by the
 * caller for a whole dispatch round), then change q->in_flight by delta
 * (+1 dispatched, -1 back or done).  Interrupts disabled.
 */
void blk_stats_account(struct request_queue *q, int delta, uint64_t now);
/* Count rq as completed at now and no longer in flight.  Interrupts
 * disabled. */
void blk_stats_done(const struct request *rq, uint64_t now);

#endif
