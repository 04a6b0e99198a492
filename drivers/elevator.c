/*
 * Request queues: the elevator, plugging and dispatch.
 *
 * q->pending holds the requests not yet given to the driver, in the order
 * they will be dispatched.  A flush request is a barrier: it goes at the
 * tail, and the requests queued after it form a new run behind it.  Within
 * the last run (after the last flush) requests are sorted by sector, and a
 * new read or write bio merges into a request of the same operation that
 * it continues (back merge) or precedes (front merge), as long as the
 * request stays within the queue's limits; a request that comes to touch
 * another one is then joined with it.  Earlier runs are closed: nothing
 * merges or sorts across a flush.
 *
 * A plugged queue (blk_plug) dispatches nothing until its outermost
 * blk_unplug, or until the unplug timer, armed when requests wait on a
 * plugged queue, fires.  Dispatch hands the first pending requests to the
 * driver while it has room, then tells it the batch is over (ops->commit);
 * blk_complete_request() ends the bios of a request and dispatches more.
 *
 * Everything here runs with interrupts disabled ([i] in blk.h) and never
 * sleeps.  The statistics are kept by blkdev.c.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/slab.h"
#include "core/string.h"
#include "drivers/blk.h"

/* ---- requests ---- */

static uint32_t
bio_sectors(const struct bio *bio)
{
	return bio->size >> SECTOR_SHIFT;
}

static uint64_t
rq_end(const struct request *rq)
{
	return rq->sector + rq->nr_sectors;
}

/* A new request of q holding only bio; NULL on ENOMEM. */
static struct request *
rq_alloc(struct request_queue *q, struct bio *bio)
{
	struct request *rq;

	if (q->rq_cache == NULL)
		return NULL;
	rq = kmem_cache_alloc(q->rq_cache);
	if (rq == NULL)
		return NULL;
	memset(rq, 0, sizeof(*rq));
	list_init(&rq->node);
	rq->q = q;
	rq->op = bio->op;
	rq->flags = bio->flags & BIO_FUA;
	rq->sector = bio->sector;
	rq->nr_sectors = bio_sectors(bio);
	rq->nr_segs = bio->nr_vecs;
	rq->bio = bio;
	rq->biotail = bio;
	rq->queued_ns = ktime_ns();
	return rq;
}

/*
 * rq is done (or failed to start): count it, end every bio with status and
 * free it.  rq is off q->pending.
 */
static void
rq_finish(struct request *rq, int status)
{
	struct request_queue *q = rq->q;
	struct bio *bio, *next;

	blk_stats_done(rq, ktime_ns());
	/* end_io may free its bio: step ahead first. */
	for (bio = rq->bio; bio != NULL; bio = next) {
		next = bio->next;
		bio_endio(bio, status);
	}
	kmem_cache_free(q->rq_cache, rq);
}

/* ---- the elevator ---- */

/* Could rq grow by nr_sectors in nr_segs segments within q's limits? */
static bool
rq_fits(const struct request_queue *q, const struct request *rq,
	uint32_t nr_sectors, unsigned int nr_segs)
{
	return rq->nr_sectors + nr_sectors <= q->max_sectors &&
	       rq->nr_segs + nr_segs <= q->max_segments;
}

/*
 * The pending request of op in the last run (after the last flush) that
 * ends at sector (end) or starts there (!end), and can grow by nr_sectors
 * in nr_segs segments; NULL if none.
 */
static struct request *
elv_find(struct request_queue *q, enum bio_op op, uint64_t sector, bool end,
	 uint32_t nr_sectors, unsigned int nr_segs)
{
	struct list_head *pos;
	struct request *rq;

	for (pos = q->pending.prev; pos != &q->pending; pos = pos->prev) {
		rq = list_entry(pos, struct request, node);
		if (rq->op == BIO_FLUSH)
			break;
		if (rq->op != op || (end ? rq_end(rq) : rq->sector) != sector)
			continue;
		if (rq_fits(q, rq, nr_sectors, nr_segs))
			return rq;
	}
	return NULL;
}

/* Link rq into q->pending at its place (rq is not on the list). */
static void
elv_insert(struct request_queue *q, struct request *rq)
{
	struct list_head *pos = q->pending.prev;
	struct request *prev;

	/* After the last request that starts no later, within the run. */
	for (; rq->op != BIO_FLUSH && pos != &q->pending; pos = pos->prev) {
		prev = list_entry(pos, struct request, node);
		if (prev->op == BIO_FLUSH || prev->sector <= rq->sector)
			break;
	}
	list_add(&rq->node, pos);
}

/* Count one merge into a request of op. */
static void
elv_count_merge(struct request_queue *q, enum bio_op op)
{
	q->stats.merges[op == BIO_WRITE]++;
}

/* Join b, which starts where a ends, into a; b leaves the queue. */
static void
elv_join(struct request_queue *q, struct request *a, struct request *b)
{
	a->biotail->next = b->bio;
	a->biotail = b->biotail;
	a->nr_sectors += b->nr_sectors;
	a->nr_segs += b->nr_segs;
	a->flags |= b->flags;
	a->queued_ns = MIN(a->queued_ns, b->queued_ns);
	list_del(&b->node);
	q->nr_pending--;
	kmem_cache_free(q->rq_cache, b);
	elv_count_merge(q, a->op);
}

/* Add bio to rq, at the tail (back) or at the head (!back). */
static void
elv_merge_bio(struct request *rq, struct bio *bio, bool back)
{
	if (back) {
		rq->biotail->next = bio;
		rq->biotail = bio;
	} else {
		bio->next = rq->bio;
		rq->bio = bio;
		rq->sector = bio->sector;
	}
	rq->nr_sectors += bio_sectors(bio);
	rq->nr_segs += bio->nr_vecs;
	rq->flags |= bio->flags & BIO_FUA;
	elv_count_merge(rq->q, rq->op);
}

/* Append bio to a request it continues; true if it found one. */
static bool
elv_back_merge(struct request_queue *q, struct bio *bio)
{
	struct request *rq, *next;

	rq = elv_find(q, bio->op, bio->sector, true, bio_sectors(bio),
		      bio->nr_vecs);
	if (rq == NULL)
		return false;
	elv_merge_bio(rq, bio, true);
	next = elv_find(q, rq->op, rq_end(rq), false, rq->nr_sectors,
			rq->nr_segs);
	if (next != NULL)
		elv_join(q, rq, next);
	return true;
}

/*
 * Prepend bio to a request it precedes; true if it found one.  Called
 * after elv_back_merge() failed, so no request before bio can be joined.
 */
static bool
elv_front_merge(struct request_queue *q, struct bio *bio)
{
	struct request *rq;

	rq = elv_find(q, bio->op, bio->sector + bio_sectors(bio), false,
		      bio_sectors(bio), bio->nr_vecs);
	if (rq == NULL)
		return false;
	elv_merge_bio(rq, bio, false);
	/* rq starts earlier now: it may have to move up. */
	list_del(&rq->node);
	elv_insert(q, rq);
	return true;
}

void
blk_queue_bio(struct request_queue *q, struct bio *bio)
{
	unsigned long s = arch_intr_save();
	struct request *rq;

	bio->next = NULL;
	if (bio->op != BIO_FLUSH &&
	    (elv_back_merge(q, bio) || elv_front_merge(q, bio)))
		goto out_run;
	rq = rq_alloc(q, bio);
	if (rq == NULL) {
		bio_endio(bio, -ENOMEM);
		goto out;
	}
	elv_insert(q, rq);
	q->nr_pending++;
out_run:
	blk_run_queue(q);
out:
	arch_intr_restore(s);
}

/* ---- plugging and dispatch ---- */

/* Requests wait on a plugged queue: make sure the unplug timer runs. */
static void
blk_arm_unplug(struct request_queue *q)
{
	if (list_empty(&q->pending) || q->unplug_timer.pending)
		return;
	ktimer_add(&q->unplug_timer, jiffies + msecs_to_jiffies(BLK_UNPLUG_MS));
}

/* The unplug timer: dispatch although the queue is still plugged. */
static void
blk_unplug_fire(struct ktimer *t)
{
	struct request_queue *q =
		container_of(t, struct request_queue, unplug_timer);

	q->plug_expired = true;
	blk_run_queue(q);
}

/*
 * Hand the first pending request to the driver.  Returns what queue_rq
 * did: 0 taken, -EBUSY put back at the head, another -errno ended.
 */
static int
blk_dispatch_one(struct request_queue *q, uint64_t now)
{
	struct request *rq;
	int err;

	rq = list_first_entry(&q->pending, struct request, node);
	list_del(&rq->node);
	q->nr_pending--;
	rq->start_ns = now;
	/* In flight before queue_rq: the driver may complete it inside. */
	blk_stats_account(q, 1, now);
	err = q->ops->queue_rq(q, rq);
	if (err == -EBUSY) {
		blk_stats_account(q, -1, now);
		list_add(&rq->node, &q->pending);
		q->nr_pending++;
	} else if (err) {
		rq_finish(rq, err);
	}
	return err;
}

void
blk_run_queue(struct request_queue *q)
{
	unsigned long s = arch_intr_save();
	unsigned int taken = 0;
	uint64_t now;

	/* A completion inside queue_rq: the running round goes on. */
	if (q->running)
		goto out;
	if (q->plugged > 0 && !q->plug_expired) {
		blk_arm_unplug(q);
		goto out;
	}
	q->running = true;
	now = list_empty(&q->pending) ? 0 : ktime_ns();
	while (q->in_flight < q->depth && !list_empty(&q->pending)) {
		int err = blk_dispatch_one(q, now);

		if (err == -EBUSY)
			break;
		taken += err == 0;
	}
	q->running = false;
	if (taken > 0 && q->ops->commit != NULL)
		q->ops->commit(q);
	/* The timer's dispensation lasts until the queue is empty. */
	if (list_empty(&q->pending))
		q->plug_expired = false;
out:
	arch_intr_restore(s);
}

void
blk_plug(struct request_queue *q)
{
	unsigned long s = arch_intr_save();

	q->plugged++;
	arch_intr_restore(s);
}

void
blk_unplug(struct request_queue *q)
{
	unsigned long s = arch_intr_save();

	KASSERT(q->plugged > 0);
	if (--q->plugged == 0) {
		ktimer_del(&q->unplug_timer);
		q->plug_expired = false;
		blk_run_queue(q);
	}
	arch_intr_restore(s);
}

void
blk_complete_request(struct request *rq, int status)
{
	struct request_queue *q = rq->q;
	unsigned long s = arch_intr_save();

	rq_finish(rq, status);
	blk_run_queue(q);
	arch_intr_restore(s);
}

/* ---- queues ---- */

int
blk_queue_init(struct request_queue *q, const struct blk_driver_ops *ops,
	       unsigned int depth, void *driver_data)
{
	memset(q, 0, sizeof(*q));
	list_init(&q->pending);
	q->depth = depth > 0 ? depth : BLK_DEFAULT_DEPTH;
	q->max_sectors = BLK_MAX_SECTORS;
	q->max_segments = BLK_MAX_SEGMENTS;
	ktimer_init(&q->unplug_timer, blk_unplug_fire);
	q->ops = ops;
	q->driver_data = driver_data;
	q->last_account_ns = ktime_ns();
	q->rq_cache = kmem_cache_create("blkdev_requests",
					sizeof(struct request), 0);
	return q->rq_cache != NULL ? 0 : -ENOMEM;
}

void
blk_queue_destroy(struct request_queue *q)
{
	KASSERT(list_empty(&q->pending) && q->in_flight == 0);
	ktimer_del(&q->unplug_timer);
	if (q->rq_cache != NULL)
		kmem_cache_destroy(q->rq_cache);
	q->rq_cache = NULL;
}
