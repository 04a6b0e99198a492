/*
 * The block layer on the fake machine: bios, the merging and sorting
 * elevator, plugging, dispatch, completion, statistics and diskstats.
 *
 * A fake driver records every request it takes and answers -EBUSY once a
 * settable number of its requests are outstanding; tests complete
 * requests by hand with blk_complete_request(), as the driver's interrupt
 * would.  For the synchronous helpers, which sleep, the test body runs in
 * a kernel thread and the driver's commit arms a timer that completes the
 * batch from interrupt context, like a disk answering a tick later.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/errno.h"
#include "core/kthread.h"
#include "core/printk.h"
#include "core/sched.h"
#include "core/timer.h"
#include "drivers/blk.h"
#include "tests/fake/fake.h"
#include "tests/unit/unit.h"

#define DISK_SECTORS	(GIB / SECTOR_SIZE)
#define MAX_RECS	64
#define MAX_BIOS	256
#define REC_BIOS	8
#define POOL_SIZE	(4 * MIB)

/* A request as the fake driver saw it when it took it. */
struct rec {
	struct request *rq;
	enum bio_op op;
	unsigned int flags;
	uint64_t sector;
	uint32_t nr_sectors;
	unsigned int nr_segs;
	unsigned int nr_bios;
	int bio_ids[REC_BIOS];		/* the first bios, in chain order */
	void *base;			/* first segment of the first bio */
	int round;			/* commits before it was taken */
	bool done;
};

static struct block_device disk;
static struct request_queue *q = &disk.queue;

static struct rec recs[MAX_RECS];
static int nrecs;
static int outstanding;		/* taken, not completed */
static int busy_at;		/* -EBUSY with this many outstanding */
static int queue_rq_error;	/* returned by queue_rq if not 0 */
static int sync_error;		/* queue_rq completes with it if not 0 */
static int commits;
static bool complete_on_tick;	/* commit arms irq_timer */
static uint64_t fail_sector;	/* irq_timer fails the request there */
static struct ktimer irq_timer;

static int bio_ends[MAX_BIOS];	/* end_io calls per bio id */
static int bio_status[MAX_BIOS];
static int nbios, nended;

static char pool[POOL_SIZE];	/* memory behind the bios (never read) */
static size_t pool_off;
static char big_buf[4 * MIB];	/* blk_rw_sync() buffer */

static int alive;
static int (*thread_body)(void);
static int thread_result;

/* ---- the fake driver ---- */

static void complete_rec(int i, int status);

static void
record(struct request *rq)
{
	struct rec *r = &recs[nrecs++];
	struct bio *bio;

	r->rq = rq;
	r->op = rq->op;
	r->flags = rq->flags;
	r->sector = rq->sector;
	r->nr_sectors = rq->nr_sectors;
	r->nr_segs = rq->nr_segs;
	r->base = rq->bio->nr_vecs ? rq->bio->vecs[0].base : NULL;
	r->round = commits;
	for (bio = rq->bio; bio != NULL; bio = bio->next) {
		if (r->nr_bios < REC_BIOS)
			r->bio_ids[r->nr_bios] = (int)(long)bio->private;
		r->nr_bios++;
	}
}

static int
fake_queue_rq(struct request_queue *rq_q, struct request *rq)
{
	ck_assert_ptr_eq(rq_q, q);
	ck_assert_ptr_eq(rq->q, q);
	if (queue_rq_error)
		return queue_rq_error;
	if (outstanding >= busy_at)
		return -EBUSY;
	ck_assert_int_lt(nrecs, MAX_RECS);
	record(rq);
	outstanding++;
	if (sync_error)
		complete_rec(nrecs - 1, sync_error);
	return 0;
}

static void
fake_commit(struct request_queue *rq_q)
{
	ck_assert_ptr_eq(rq_q, q);
	commits++;
	if (complete_on_tick)
		ktimer_add(&irq_timer, jiffies + 1);
}

static const struct blk_driver_ops fake_ops = {
	.queue_rq = fake_queue_rq,
	.commit = fake_commit,
};

/* Complete recs[i] with status, as the driver's interrupt would. */
static void
complete_rec(int i, int status)
{
	ck_assert_int_lt(i, nrecs);
	ck_assert(!recs[i].done);
	recs[i].done = true;
	outstanding--;
	blk_complete_request(recs[i].rq, status);
}

/* Complete every outstanding request, and those dispatched meanwhile. */
static void
complete_outstanding(int status)
{
	for (int i = 0; i < nrecs; i++)
		if (!recs[i].done)
			complete_rec(i, status);
}

/* The fake I/O interrupt: complete the requests taken so far. */
static void
irq_timer_fire(struct ktimer *t)
{
	int n = nrecs;

	(void)t;
	for (int i = 0; i < n; i++)
		if (!recs[i].done)
			complete_rec(i, recs[i].sector == fail_sector ? -EIO
								      : 0);
}

/* ---- bios ---- */

static void
test_end_io(struct bio *bio)
{
	int id = (int)(long)bio->private;

	ck_assert_int_lt(id, nbios);
	bio_ends[id]++;
	bio_status[id] = bio->status;
	nended++;
	bio_free(bio);
}

/* len bytes of the pool, never adjacent to the previous piece. */
static void *
pool_get(size_t len)
{
	void *p;

	if (pool_off + len > POOL_SIZE)
		pool_off = 0;
	p = pool + pool_off;
	pool_off += len + SECTOR_SIZE;
	return p;
}

/* A bio of op at sector over nr sectors in nvecs separate segments. */
static struct bio *
make_bio(enum bio_op op, uint64_t sector, unsigned int nr,
	 unsigned int nvecs)
{
	struct bio *bio;
	uint32_t len = nvecs ? nr * SECTOR_SIZE / nvecs : 0;

	ck_assert_int_lt(nbios, MAX_BIOS);
	ck_assert_int_eq(bio_alloc(&bio, &disk, op, sector, nvecs), 0);
	for (unsigned int i = 0; i < nvecs; i++)
		ck_assert_int_eq(bio_add(bio, pool_get(len), len), 0);
	bio->end_io = test_end_io;
	bio->private = (void *)(long)nbios++;
	return bio;
}

/* Submit a one-segment bio (none for a flush); returns its id. */
static int
submit(enum bio_op op, uint64_t sector, unsigned int nr)
{
	struct bio *bio = make_bio(op, sector, nr, nr > 0 ? 1 : 0);
	int id = (int)(long)bio->private;

	blk_submit(bio);
	return id;
}

/* ---- kernel threads ---- */

static int
thread_main(void *arg)
{
	(void)arg;
	thread_result = thread_body();
	alive--;
	return 0;
}

/* Run body in a kernel thread until it returns; its return value. */
static int
run_in_thread(int (*body)(void))
{
	struct task *t;

	thread_body = body;
	alive = 1;
	ck_assert_int_eq(kthread_create(&t, thread_main, NULL, "blk"), 0);
	fake_idle_until(&alive);
	kthread_join(t);
	return thread_result;
}

static void
advance_ms(unsigned int ms)
{
	fake_clock_ns += ms * NSEC_PER_MSEC;
}

/* ---- fixture ---- */

static void
setup(void)
{
	fake_boot(16 * MIB);
	memset(recs, 0, sizeof(recs));
	nrecs = outstanding = commits = 0;
	busy_at = INT_MAX;
	queue_rq_error = 0;
	sync_error = 0;
	complete_on_tick = false;
	fail_sector = UINT64_MAX;
	ktimer_init(&irq_timer, irq_timer_fire);
	memset(bio_ends, 0, sizeof(bio_ends));
	nbios = nended = 0;
	pool_off = 0;
	memset(&disk, 0, sizeof(disk));
	strcpy(disk.name, "ubda");
	disk.major = 98;
	disk.nr_sectors = DISK_SECTORS;
	ck_assert_int_eq(blk_queue_init(q, &fake_ops, 0, NULL), 0);
	ck_assert_int_eq(blk_register(&disk), 0);
}

/* Drain the queue, then free it: a leaked request fails the test. */
static void
teardown(void)
{
	queue_rq_error = 0;
	busy_at = INT_MAX;
	while (q->plugged > 0)
		blk_unplug(q);
	blk_run_queue(q);
	complete_outstanding(0);
	ck_assert(list_empty(&q->pending));
	ck_assert_int_eq(q->in_flight, 0);
	ktimer_del(&irq_timer);
	blk_unregister(&disk);
	blk_queue_destroy(q);
}

/* ---- merging ---- */

START_TEST(test_blk_back_merge)
{
	blk_plug(q);
	submit(BIO_WRITE, 0, 8);
	submit(BIO_WRITE, 8, 8);
	blk_unplug(q);
	ck_assert_int_eq(nrecs, 1);
	ck_assert_uint_eq(recs[0].sector, 0);
	ck_assert_uint_eq(recs[0].nr_sectors, 16);
	ck_assert_uint_eq(recs[0].nr_bios, 2);
	ck_assert_int_eq(recs[0].bio_ids[0], 0);
	ck_assert_int_eq(recs[0].bio_ids[1], 1);
	ck_assert_uint_eq(q->stats.merges[1], 1);
}
END_TEST

START_TEST(test_blk_front_merge)
{
	blk_plug(q);
	submit(BIO_READ, 8, 8);
	submit(BIO_READ, 0, 8);
	blk_unplug(q);
	ck_assert_int_eq(nrecs, 1);
	ck_assert_uint_eq(recs[0].sector, 0);
	ck_assert_uint_eq(recs[0].nr_sectors, 16);
	ck_assert_int_eq(recs[0].bio_ids[0], 1);
	ck_assert_int_eq(recs[0].bio_ids[1], 0);
	ck_assert_uint_eq(q->stats.merges[0], 1);
	ck_assert_uint_eq(q->stats.merges[1], 0);
}
END_TEST

/* A front merge moves the request before one it now starts before. */
START_TEST(test_blk_front_merge_resorts)
{
	blk_plug(q);
	submit(BIO_WRITE, 16, 8);
	submit(BIO_READ, 20, 8);
	submit(BIO_READ, 12, 8);
	blk_unplug(q);
	ck_assert_int_eq(nrecs, 2);
	ck_assert_int_eq(recs[0].op, BIO_READ);
	ck_assert_uint_eq(recs[0].sector, 12);
	ck_assert_uint_eq(recs[0].nr_sectors, 16);
	ck_assert_uint_eq(recs[1].sector, 16);
}
END_TEST

/* A bio that fills the gap between two requests joins them. */
START_TEST(test_blk_merge_joins_requests)
{
	static const int want[] = { 0, 3, 1, 4, 2 };

	blk_plug(q);
	submit(BIO_WRITE, 0, 8);
	submit(BIO_WRITE, 16, 8);
	submit(BIO_WRITE, 32, 8);
	submit(BIO_WRITE, 8, 8);
	ck_assert_uint_eq(q->nr_pending, 2);
	submit(BIO_WRITE, 24, 8);
	ck_assert_uint_eq(q->nr_pending, 1);
	blk_unplug(q);
	ck_assert_int_eq(nrecs, 1);
	ck_assert_uint_eq(recs[0].sector, 0);
	ck_assert_uint_eq(recs[0].nr_sectors, 40);
	ck_assert_uint_eq(recs[0].nr_segs, 5);
	ck_assert_uint_eq(recs[0].nr_bios, 5);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(recs[0].bio_ids[i], want[i]);
	ck_assert_uint_eq(q->stats.merges[1], 4);
}
END_TEST

START_TEST(test_blk_no_merge_across_gap)
{
	blk_plug(q);
	submit(BIO_WRITE, 0, 8);
	submit(BIO_WRITE, 9, 8);
	submit(BIO_WRITE, 30, 8);
	submit(BIO_WRITE, 17 + 4, 8);
	blk_unplug(q);
	ck_assert_int_eq(nrecs, 4);
	ck_assert_uint_eq(q->stats.merges[1], 0);
}
END_TEST

START_TEST(test_blk_no_merge_across_direction)
{
	blk_plug(q);
	submit(BIO_READ, 0, 8);
	submit(BIO_WRITE, 8, 8);
	submit(BIO_WRITE, 16, 8);
	submit(BIO_READ, 24, 8);
	blk_unplug(q);
	ck_assert_int_eq(nrecs, 3);
	ck_assert_int_eq(recs[0].op, BIO_READ);
	ck_assert_int_eq(recs[1].op, BIO_WRITE);
	ck_assert_uint_eq(recs[1].nr_sectors, 16);
	ck_assert_int_eq(recs[2].op, BIO_READ);
	ck_assert_uint_eq(q->stats.merges[0], 0);
	ck_assert_uint_eq(q->stats.merges[1], 1);
}
END_TEST

START_TEST(test_blk_max_sectors_limit)
{
	q->max_sectors = 16;
	blk_plug(q);
	submit(BIO_WRITE, 0, 8);
	submit(BIO_WRITE, 8, 8);
	submit(BIO_WRITE, 16, 8);	/* 0..24 would be too long */
	submit(BIO_WRITE, 24, 8);
	submit(BIO_WRITE, 40, 8);
	submit(BIO_WRITE, 56, 8);
	submit(BIO_WRITE, 48, 8);	/* 40..56 fits; 40..64 would not */
	blk_unplug(q);
	ck_assert_int_eq(nrecs, 4);
	ck_assert_uint_eq(recs[0].sector, 0);
	ck_assert_uint_eq(recs[0].nr_sectors, 16);
	ck_assert_uint_eq(recs[1].sector, 16);
	ck_assert_uint_eq(recs[1].nr_sectors, 16);
	ck_assert_uint_eq(recs[2].sector, 40);
	ck_assert_uint_eq(recs[2].nr_sectors, 16);
	ck_assert_uint_eq(recs[3].sector, 56);
	ck_assert_uint_eq(recs[3].nr_sectors, 8);
	for (int i = 0; i < nrecs; i++)
		ck_assert_uint_le(recs[i].nr_sectors, 16);
}
END_TEST

START_TEST(test_blk_max_segments_limit)
{
	q->max_segments = 4;
	blk_plug(q);
	blk_submit(make_bio(BIO_WRITE, 0, 8, 2));
	blk_submit(make_bio(BIO_WRITE, 8, 8, 2));
	blk_submit(make_bio(BIO_WRITE, 16, 8, 2));
	blk_submit(make_bio(BIO_WRITE, 32, 6, 3));
	blk_submit(make_bio(BIO_WRITE, 24, 8, 1));	/* joins 16, not 32 */
	blk_unplug(q);
	ck_assert_int_eq(nrecs, 3);
	ck_assert_uint_eq(recs[0].nr_segs, 4);
	ck_assert_uint_eq(recs[0].nr_sectors, 16);
	ck_assert_uint_eq(recs[1].sector, 16);
	ck_assert_uint_eq(recs[1].nr_segs, 3);
	ck_assert_uint_eq(recs[2].sector, 32);
	ck_assert_uint_eq(recs[2].nr_segs, 3);
}
END_TEST

START_TEST(test_blk_fua_merges_and_marks_request)
{
	struct bio *bio = make_bio(BIO_WRITE, 8, 8, 1);

	blk_plug(q);
	submit(BIO_WRITE, 0, 8);
	bio->flags = BIO_FUA;
	blk_submit(bio);
	submit(BIO_WRITE, 100, 8);
	blk_unplug(q);
	ck_assert_int_eq(nrecs, 2);
	ck_assert_uint_eq(recs[0].nr_sectors, 16);
	ck_assert_uint_eq(recs[0].flags, BIO_FUA);
	ck_assert_uint_eq(recs[1].flags, 0);
}
END_TEST

/* ---- ordering ---- */

START_TEST(test_blk_sorted_dispatch)
{
	static const uint64_t want[] = { 5, 10, 50, 70, 100 };

	blk_plug(q);
	submit(BIO_WRITE, 100, 1);
	submit(BIO_WRITE, 10, 1);
	submit(BIO_READ, 50, 1);
	submit(BIO_WRITE, 70, 1);
	submit(BIO_READ, 5, 1);
	blk_unplug(q);
	ck_assert_int_eq(nrecs, 5);
	for (int i = 0; i < 5; i++)
		ck_assert_uint_eq(recs[i].sector, want[i]);
}
END_TEST

START_TEST(test_blk_flush_is_a_barrier)
{
	blk_plug(q);
	submit(BIO_WRITE, 100, 8);
	submit(BIO_WRITE, 50, 8);
	/* The sector of a flush means nothing, for sorting too. */
	blk_submit(make_bio(BIO_FLUSH, 1000, 0, 0));
	submit(BIO_WRITE, 108, 8);	/* would merge with 100 */
	submit(BIO_WRITE, 10, 8);	/* would sort before 50 */
	submit(BIO_FLUSH, 0, 0);	/* flushes never merge */
	submit(BIO_FLUSH, 0, 0);
	submit(BIO_WRITE, 0, 8);
	blk_unplug(q);
	ck_assert_int_eq(nrecs, 8);
	ck_assert_uint_eq(recs[0].sector, 50);
	ck_assert_uint_eq(recs[1].sector, 100);
	ck_assert_uint_eq(recs[1].nr_sectors, 8);
	ck_assert_int_eq(recs[2].op, BIO_FLUSH);
	ck_assert_uint_eq(recs[3].sector, 10);
	ck_assert_uint_eq(recs[4].sector, 108);
	ck_assert_int_eq(recs[5].op, BIO_FLUSH);
	ck_assert_int_eq(recs[6].op, BIO_FLUSH);
	ck_assert_int_eq(recs[7].op, BIO_WRITE);
	ck_assert_uint_eq(recs[7].sector, 0);
	ck_assert_uint_eq(q->stats.merges[1], 0);
}
END_TEST

/* ---- plugging and dispatch ---- */

START_TEST(test_blk_unplugged_dispatches_at_once)
{
	submit(BIO_READ, 0, 8);
	ck_assert_int_eq(nrecs, 1);
	ck_assert_int_eq(commits, 1);
	submit(BIO_READ, 8, 8);		/* its neighbour is gone: no merge */
	ck_assert_int_eq(nrecs, 2);
	ck_assert_int_eq(commits, 2);
}
END_TEST

START_TEST(test_blk_plug_holds_dispatch)
{
	blk_plug(q);
	submit(BIO_WRITE, 0, 8);
	submit(BIO_READ, 100, 8);
	submit(BIO_WRITE, 200, 8);
	ck_assert_int_eq(nrecs, 0);
	ck_assert_uint_eq(q->nr_pending, 3);
	blk_unplug(q);
	ck_assert_int_eq(nrecs, 3);
	ck_assert_int_eq(commits, 1);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(recs[i].round, 0);
	ck_assert_uint_eq(q->nr_pending, 0);
	ck_assert_uint_eq(q->in_flight, 3);
	ck_assert(!q->unplug_timer.pending);
}
END_TEST

START_TEST(test_blk_nested_plugs)
{
	blk_plug(q);
	blk_plug(q);
	submit(BIO_WRITE, 0, 8);
	submit(BIO_WRITE, 100, 8);
	blk_unplug(q);
	submit(BIO_WRITE, 200, 8);
	ck_assert_int_eq(nrecs, 0);
	blk_unplug(q);
	ck_assert_int_eq(nrecs, 3);
	ck_assert_int_eq(commits, 1);
	ck_assert_int_eq(q->plugged, 0);
}
END_TEST

START_TEST(test_blk_plug_timer_dispatches)
{
	blk_plug(q);
	submit(BIO_WRITE, 0, 8);
	submit(BIO_WRITE, 100, 8);
	fake_tick(0);
	ck_assert_int_eq(nrecs, 0);
	fake_tick(msecs_to_jiffies(BLK_UNPLUG_MS));
	ck_assert_int_eq(nrecs, 2);
	ck_assert_int_eq(commits, 1);
	ck_assert_int_eq(q->plugged, 1);
	/* Once the queue is empty the plug holds again, for a tick. */
	submit(BIO_WRITE, 300, 8);
	ck_assert_int_eq(nrecs, 2);
	fake_tick(msecs_to_jiffies(BLK_UNPLUG_MS));
	ck_assert_int_eq(nrecs, 3);
	ck_assert_int_eq(commits, 2);
	blk_unplug(q);
	ck_assert_int_eq(nrecs, 3);
	ck_assert(!q->unplug_timer.pending);
}
END_TEST

START_TEST(test_blk_depth_limit)
{
	q->depth = 2;
	submit(BIO_WRITE, 0, 8);
	submit(BIO_WRITE, 100, 8);
	submit(BIO_WRITE, 300, 8);
	submit(BIO_WRITE, 200, 8);
	ck_assert_int_eq(nrecs, 2);
	ck_assert_uint_eq(q->in_flight, 2);
	ck_assert_uint_eq(q->nr_pending, 2);
	complete_rec(0, 0);
	ck_assert_int_eq(nrecs, 3);
	ck_assert_uint_eq(recs[2].sector, 200);
	ck_assert_uint_eq(q->in_flight, 2);
	complete_rec(1, 0);
	ck_assert_int_eq(nrecs, 4);
	ck_assert_uint_eq(recs[3].sector, 300);
	ck_assert_uint_eq(q->nr_pending, 0);
}
END_TEST

START_TEST(test_blk_busy_driver_requeues)
{
	busy_at = 1;
	submit(BIO_WRITE, 50, 8);
	submit(BIO_WRITE, 10, 8);
	submit(BIO_WRITE, 30, 8);
	ck_assert_int_eq(nrecs, 1);
	ck_assert_uint_eq(q->nr_pending, 2);
	ck_assert_uint_eq(q->in_flight, 1);
	ck_assert_uint_eq(q->stats.in_flight, 1);
	ck_assert_int_eq(commits, 1);
	complete_rec(0, 0);
	ck_assert_int_eq(nrecs, 2);
	ck_assert_uint_eq(recs[1].sector, 10);
	complete_rec(1, 0);
	ck_assert_int_eq(nrecs, 3);
	ck_assert_uint_eq(recs[2].sector, 30);
	ck_assert_int_eq(commits, 3);
	ck_assert_uint_eq(q->nr_pending, 0);
}
END_TEST

START_TEST(test_blk_queue_rq_error_ends_request)
{
	int id;

	queue_rq_error = -EIO;
	id = submit(BIO_WRITE, 0, 8);
	ck_assert_int_eq(bio_ends[id], 1);
	ck_assert_int_eq(bio_status[id], -EIO);
	ck_assert_int_eq(commits, 0);
	ck_assert_uint_eq(q->in_flight, 0);
	ck_assert_uint_eq(q->nr_pending, 0);
	queue_rq_error = 0;
	submit(BIO_WRITE, 0, 8);
	ck_assert_int_eq(nrecs, 1);
}
END_TEST

/* A driver may complete a request inside queue_rq: one round still. */
START_TEST(test_blk_completion_inside_queue_rq)
{
	sync_error = -EIO;
	blk_plug(q);
	submit(BIO_WRITE, 0, 8);
	submit(BIO_WRITE, 100, 8);
	submit(BIO_READ, 200, 8);
	blk_unplug(q);
	ck_assert_int_eq(nrecs, 3);
	ck_assert_int_eq(commits, 1);
	ck_assert_int_eq(nended, 3);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(bio_status[i], -EIO);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(recs[i].round, 0);
	ck_assert_uint_eq(q->in_flight, 0);
	ck_assert_uint_eq(q->stats.ios[1], 2);
}
END_TEST

/* ---- completion ---- */

START_TEST(test_blk_completion_ends_every_bio)
{
	blk_plug(q);
	submit(BIO_WRITE, 0, 8);
	submit(BIO_WRITE, 16, 8);
	submit(BIO_WRITE, 8, 8);
	submit(BIO_READ, 100, 8);
	blk_unplug(q);
	ck_assert_int_eq(nrecs, 2);
	ck_assert_int_eq(nended, 0);
	complete_rec(0, -EIO);
	ck_assert_int_eq(nended, 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(bio_ends[i], 1);
		ck_assert_int_eq(bio_status[i], -EIO);
	}
	ck_assert_int_eq(bio_ends[3], 0);
	complete_rec(1, 0);
	ck_assert_int_eq(nended, 4);
	ck_assert_int_eq(bio_ends[3], 1);
	ck_assert_int_eq(bio_status[3], 0);
	ck_assert_uint_eq(q->in_flight, 0);
}
END_TEST

/* ---- statistics ---- */

START_TEST(test_blk_stats_busy_time)
{
	struct disk_stats st;

	submit(BIO_WRITE, 0, 8);
	advance_ms(2);
	submit(BIO_READ, 100, 16);
	advance_ms(3);
	blk_get_stats(&disk, &st);
	ck_assert_uint_eq(st.in_flight, 2);
	ck_assert_uint_eq(st.io_nsecs, 5 * NSEC_PER_MSEC);
	ck_assert_uint_eq(st.weighted_nsecs, (2 + 2 * 3) * NSEC_PER_MSEC);
	complete_rec(0, 0);
	advance_ms(1);
	complete_rec(1, 0);
	advance_ms(10);				/* idle: not busy time */
	blk_get_stats(&disk, &st);
	ck_assert_uint_eq(st.in_flight, 0);
	ck_assert_uint_eq(st.nsecs[0], 4 * NSEC_PER_MSEC);
	ck_assert_uint_eq(st.nsecs[1], 5 * NSEC_PER_MSEC);
	ck_assert_uint_eq(st.io_nsecs, 6 * NSEC_PER_MSEC);
	ck_assert_uint_eq(st.weighted_nsecs, (8 + 1) * NSEC_PER_MSEC);
}
END_TEST

START_TEST(test_blk_stats_counters)
{
	struct disk_stats st;

	submit(BIO_FLUSH, 0, 0);
	advance_ms(2);
	complete_rec(0, 0);
	/* A joined request is as old as the older of the two. */
	blk_plug(q);
	submit(BIO_READ, 316, 8);
	submit(BIO_WRITE, 200, 8);
	submit(BIO_WRITE, 208, 8);
	advance_ms(1);
	submit(BIO_READ, 300, 8);
	submit(BIO_READ, 308, 8);
	blk_unplug(q);
	advance_ms(1);
	complete_outstanding(0);
	blk_get_stats(&disk, &st);
	ck_assert_uint_eq(st.ios[0], 1);
	ck_assert_uint_eq(st.ios[1], 1);
	ck_assert_uint_eq(st.merges[0], 2);
	ck_assert_uint_eq(st.merges[1], 1);
	ck_assert_uint_eq(st.sectors[0], 24);
	ck_assert_uint_eq(st.sectors[1], 16);
	ck_assert_uint_eq(st.nsecs[0], 2 * NSEC_PER_MSEC);
	ck_assert_uint_eq(st.nsecs[1], 2 * NSEC_PER_MSEC);
	ck_assert_uint_eq(st.in_flight, 0);
	ck_assert_uint_eq(st.io_nsecs, 3 * NSEC_PER_MSEC);
	ck_assert_uint_eq(st.weighted_nsecs, (2 + 2 * 1) * NSEC_PER_MSEC);
	ck_assert_uint_eq(st.flush_ios, 1);
	ck_assert_uint_eq(st.flush_nsecs, 2 * NSEC_PER_MSEC);
}
END_TEST

START_TEST(test_blk_diskstats_format)
{
	static const char want[] =
		"  98       0 ubda 1 1 16 3 1 0 8 5 0 10 10 0 0 0 0 1 2\n"
		"  98      16 ubdb 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
	static struct block_device other;
	char buf[256];
	int n;

	blk_plug(q);
	submit(BIO_READ, 0, 8);
	submit(BIO_READ, 8, 8);
	blk_unplug(q);
	advance_ms(3);
	complete_rec(0, 0);
	submit(BIO_WRITE, 100, 8);
	advance_ms(5);
	complete_rec(1, 0);
	submit(BIO_FLUSH, 0, 0);
	advance_ms(2);
	complete_rec(2, 0);
	strcpy(other.name, "ubdb");
	other.major = 98;
	other.minor = 16;
	ck_assert_int_eq(blk_queue_init(&other.queue, &fake_ops, 0, NULL), 0);
	ck_assert_int_eq(blk_register(&other), 0);
	n = blk_format_diskstats(buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(n, (int)strlen(want));
	/* Cut short: the whole length is still reported. */
	ck_assert_int_eq(blk_format_diskstats(buf, 10), n);
	ck_assert_str_eq(buf, "  98     ");
	blk_unregister(&other);
	blk_queue_destroy(&other.queue);
}
END_TEST

/* ---- checks at submission ---- */

START_TEST(test_blk_readonly_refuses_writes)
{
	int id;

	disk.readonly = true;
	id = submit(BIO_WRITE, 0, 8);
	ck_assert_int_eq(bio_ends[id], 1);
	ck_assert_int_eq(bio_status[id], -EROFS);
	id = submit(BIO_FLUSH, 0, 0);
	ck_assert_int_eq(bio_status[id], -EROFS);
	ck_assert_int_eq(nrecs, 0);
	id = submit(BIO_READ, 0, 8);
	ck_assert_int_eq(nrecs, 1);
	ck_assert_int_eq(bio_ends[id], 0);
	complete_rec(0, 0);
	ck_assert_int_eq(bio_status[id], 0);
}
END_TEST

START_TEST(test_blk_beyond_end_is_eio)
{
	char ring[4096];
	size_t n;
	int id;

	printk_ring_clear();
	id = submit(BIO_READ, DISK_SECTORS - 4, 8);
	ck_assert_int_eq(bio_ends[id], 1);
	ck_assert_int_eq(bio_status[id], -EIO);
	id = submit(BIO_WRITE, UINT64_MAX - 2, 8);
	ck_assert_int_eq(bio_status[id], -EIO);
	ck_assert_int_eq(nrecs, 0);
	n = printk_ring_copy(ring, sizeof(ring) - 1);
	ring[n] = '\0';
	ck_assert_ptr_nonnull(strstr(ring, "blk: ubda: I/O beyond the end of "
					   "the device, sector 2097148\n"));
	id = submit(BIO_READ, DISK_SECTORS - 8, 8);	/* the last sectors */
	ck_assert_int_eq(nrecs, 1);
	ck_assert_int_eq(bio_ends[id], 0);
}
END_TEST

START_TEST(test_blk_bad_size_is_einval)
{
	struct bio *bio;
	int id;

	id = submit(BIO_READ, 0, 0);
	ck_assert_int_eq(bio_status[id], -EINVAL);
	bio = make_bio(BIO_WRITE, 0, 1, 1);
	bio->vecs[0].len = bio->size = 700;
	id = (int)(long)bio->private;
	blk_submit(bio);
	ck_assert_int_eq(bio_ends[id], 1);
	ck_assert_int_eq(bio_status[id], -EINVAL);
	bio = make_bio(BIO_FLUSH, 0, 1, 1);	/* a flush carries no data */
	id = (int)(long)bio->private;
	blk_submit(bio);
	ck_assert_int_eq(bio_status[id], -EINVAL);
	ck_assert_int_eq(nrecs, 0);
	ck_assert_int_eq(nended, 3);
}
END_TEST

START_TEST(test_blk_bio_add_limits)
{
	struct bio *bio;
	char *p = pool;

	ck_assert_int_eq(bio_alloc(&bio, &disk, BIO_READ, 0,
				   BLK_MAX_SEGMENTS + 1), -EINVAL);
	ck_assert_int_eq(bio_alloc(&bio, NULL, BIO_READ, 0, 1), -EINVAL);
	ck_assert_int_eq(bio_alloc(&bio, &disk, BIO_READ, 0, 2), 0);
	ck_assert_int_eq(bio_add(bio, p, 700), -EINVAL);
	ck_assert_int_eq(bio_add(bio, NULL, 512), -EINVAL);
	ck_assert_int_eq(bio_add(bio, p, 512), 0);
	ck_assert_int_eq(bio_add(bio, p + 512, 512), 0);	/* extends */
	ck_assert_uint_eq(bio->nr_vecs, 1);
	ck_assert_int_eq(bio_add(bio, p + 4096, 512), 0);
	ck_assert_int_eq(bio_add(bio, p + 8192, 512), -E2BIG);
	ck_assert_uint_eq(bio->nr_vecs, 2);
	ck_assert_uint_eq(bio->size, 1536);
	ck_assert_int_eq(bio_add(bio, p + 4608, BLK_MAX_SECTORS * SECTOR_SIZE),
			 -E2BIG);
	bio_free(bio);
	ck_assert_int_eq(bio_alloc(&bio, &disk, BIO_WRITE, 0,
				   BLK_MAX_SEGMENTS), 0);
	ck_assert_ptr_ne(bio->vecs, bio->inline_vecs);
	for (int i = 0; i < BLK_MAX_SEGMENTS; i++)
		ck_assert_int_eq(bio_add(bio, p + i * 1024, 512), 0);
	ck_assert_int_eq(bio_add(bio, p + 1024 * BLK_MAX_SEGMENTS, 512),
			 -E2BIG);
	bio_free(bio);
}
END_TEST

/* ---- devices ---- */

START_TEST(test_blk_register_and_lookup)
{
	static struct block_device dup;

	ck_assert_ptr_eq(q->bdev, &disk);
	ck_assert_ptr_eq(blk_lookup("ubda"), &disk);
	ck_assert_ptr_eq(blk_lookup("/dev/ubda"), &disk);
	ck_assert_ptr_null(blk_lookup("ubdb"));
	ck_assert_ptr_null(blk_lookup("/dev/"));
	strcpy(dup.name, "ubda");
	ck_assert_int_eq(blk_register(&dup), -EEXIST);
	blk_unregister(&disk);
	ck_assert_ptr_null(blk_lookup("ubda"));
	ck_assert_int_eq(blk_register(&disk), 0);
}
END_TEST

/* ---- synchronous I/O, in a kernel thread ---- */

static int
write_3mib(void)
{
	return blk_rw_sync(&disk, BIO_WRITE, 0, big_buf, 3 * MIB, 0);
}

START_TEST(test_blk_rw_sync_splits)
{
	complete_on_tick = true;
	ck_assert_int_eq(run_in_thread(write_3mib), 0);
	ck_assert_int_eq(nrecs, 6);
	ck_assert_int_eq(commits, 1);
	for (int i = 0; i < 6; i++) {
		ck_assert_int_eq(recs[i].op, BIO_WRITE);
		ck_assert_uint_eq(recs[i].sector, i * 1024);
		ck_assert_uint_eq(recs[i].nr_sectors, 1024);
		ck_assert_ptr_eq(recs[i].base, big_buf + i * 512 * KIB);
		ck_assert(recs[i].done);
	}
	ck_assert_uint_eq(q->stats.ios[1], 6);
	ck_assert_uint_eq(q->stats.merges[1], 0);
}
END_TEST

START_TEST(test_blk_rw_sync_returns_error)
{
	complete_on_tick = true;
	fail_sector = 2048;
	ck_assert_int_eq(run_in_thread(write_3mib), -EIO);
	ck_assert_int_eq(nrecs, 6);
	ck_assert_int_eq(outstanding, 0);
}
END_TEST

static int
read_odd_size(void)
{
	return blk_rw_sync(&disk, BIO_READ, 10, big_buf, 3 * MIB + 4096,
			   BIO_FUA);
}

START_TEST(test_blk_rw_sync_busy_driver)
{
	complete_on_tick = true;
	busy_at = 2;
	ck_assert_int_eq(run_in_thread(read_odd_size), 0);
	ck_assert_int_eq(nrecs, 7);
	ck_assert_int_eq(commits, 6);	/* then one per completion */
	ck_assert_uint_eq(recs[6].sector, 10 + 6 * 1024);
	ck_assert_uint_eq(recs[6].nr_sectors, 8);
	ck_assert_uint_eq(recs[6].flags, BIO_FUA);
	ck_assert_uint_eq(q->stats.sectors[0], 6 * 1024 + 8);
}
END_TEST

static int
bad_sync_calls(void)
{
	ck_assert_int_eq(blk_rw_sync(&disk, BIO_READ, 0, big_buf, 700, 0),
			 -EINVAL);
	ck_assert_int_eq(blk_rw_sync(&disk, BIO_FLUSH, 0, big_buf, 512, 0),
			 -EINVAL);
	ck_assert_int_eq(blk_rw_sync(&disk, BIO_READ, DISK_SECTORS - 1,
				     big_buf, 1024, 0), -EIO);
	disk.readonly = true;
	return blk_rw_sync(&disk, BIO_WRITE, 0, big_buf, MIB, 0);
}

START_TEST(test_blk_rw_sync_refused)
{
	ck_assert_int_eq(run_in_thread(bad_sync_calls), -EROFS);
	ck_assert_int_eq(nrecs, 0);
}
END_TEST

static int
flush_twice(void)
{
	int err = blk_flush(&disk);

	if (err)
		return err;
	fail_sector = 0;
	return blk_flush(&disk);
}

START_TEST(test_blk_flush_waits)
{
	complete_on_tick = true;
	ck_assert_int_eq(run_in_thread(flush_twice), -EIO);
	ck_assert_int_eq(nrecs, 2);
	ck_assert_int_eq(recs[0].op, BIO_FLUSH);
	ck_assert_int_eq(recs[1].op, BIO_FLUSH);
	ck_assert_uint_eq(q->stats.flush_ios, 2);
}
END_TEST

static Suite *
blk_suite(void)
{
	Suite *s = suite_create("blk");
	TCase *tc = tcase_create("elevator");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_blk_back_merge);
	tcase_add_test(tc, test_blk_front_merge);
	tcase_add_test(tc, test_blk_front_merge_resorts);
	tcase_add_test(tc, test_blk_merge_joins_requests);
	tcase_add_test(tc, test_blk_no_merge_across_gap);
	tcase_add_test(tc, test_blk_no_merge_across_direction);
	tcase_add_test(tc, test_blk_max_sectors_limit);
	tcase_add_test(tc, test_blk_max_segments_limit);
	tcase_add_test(tc, test_blk_fua_merges_and_marks_request);
	tcase_add_test(tc, test_blk_sorted_dispatch);
	tcase_add_test(tc, test_blk_flush_is_a_barrier);
	suite_add_tcase(s, tc);

	tc = tcase_create("dispatch");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_blk_unplugged_dispatches_at_once);
	tcase_add_test(tc, test_blk_plug_holds_dispatch);
	tcase_add_test(tc, test_blk_nested_plugs);
	tcase_add_test(tc, test_blk_plug_timer_dispatches);
	tcase_add_test(tc, test_blk_depth_limit);
	tcase_add_test(tc, test_blk_busy_driver_requeues);
	tcase_add_test(tc, test_blk_queue_rq_error_ends_request);
	tcase_add_test(tc, test_blk_completion_inside_queue_rq);
	tcase_add_test(tc, test_blk_completion_ends_every_bio);
	suite_add_tcase(s, tc);

	tc = tcase_create("stats");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_blk_stats_busy_time);
	tcase_add_test(tc, test_blk_stats_counters);
	tcase_add_test(tc, test_blk_diskstats_format);
	suite_add_tcase(s, tc);

	tc = tcase_create("submit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_blk_readonly_refuses_writes);
	tcase_add_test(tc, test_blk_beyond_end_is_eio);
	tcase_add_test(tc, test_blk_bad_size_is_einval);
	tcase_add_test(tc, test_blk_bio_add_limits);
	tcase_add_test(tc, test_blk_register_and_lookup);
	suite_add_tcase(s, tc);

	tc = tcase_create("sync");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_blk_rw_sync_splits);
	tcase_add_test(tc, test_blk_rw_sync_returns_error);
	tcase_add_test(tc, test_blk_rw_sync_busy_driver);
	tcase_add_test(tc, test_blk_rw_sync_refused);
	tcase_add_test(tc, test_blk_flush_waits);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(blk_suite());

	return unit_run(sr, CK_NORMAL);
}
