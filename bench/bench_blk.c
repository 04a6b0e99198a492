/*
 * Disk benchmarks on the real machine (host_main with a bench body), on
 * the image given as ubd0 (bench/run.sh makes a 1 GiB one):
 *
 *  - random 4 KiB reads at queue depth 1 and 32 through the block layer
 *    (blk_submit, each completion submitting the next bio) against raw
 *    io_uring on the same file with the same offsets, in the same run;
 *    with the file read into the host's page cache first ("hot") and
 *    evicted first ("cold");
 *  - 4 KiB reads at depth 1 from a kernel thread with blk_rw_sync(), which
 *    adds a sleep and a wake-up per read;
 *  - sequential 1 MiB writes over the whole disk, then a flush (MB/s);
 *    run.sh compares it with the host's dd;
 *  - 4096 sequential 4 KiB write bios under one plug: the share merged.
 *
 * One line per figure on stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch-host/arch.h"
#include "arch-host/host.h"
#include "core/completion.h"
#include "core/slab.h"
#include "drivers/blk.h"

#define BS		4096
#define MAX_QD		32
#define SEQ_CHUNK	(1U << 20)
#define MERGE_BIOS	4096
#define SEED		0x5eed

struct job {
	unsigned int qd, n;
	bool cold;
};

static const struct job jobs[] = {
	{ 1, 200000, false },
	{ 32, 400000, false },
	{ 1, 20000, true },
	{ 32, 40000, true },
};

static const char *image;
static uint64_t nblocks;	/* BS blocks in the image */

/* The offsets, the same sequence for every run from the same seed. */
static uint64_t
next_offset(uint64_t *rng)
{
	uint64_t x = (*rng += 0x9e3779b97f4a7c15ULL);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return ((x ^ (x >> 31)) % nblocks) * BS;
}

static double
seconds(uint64_t t0)
{
	return (double)(arch_clock_monotonic() - t0) / 1e9;
}

/* Drop the image from the host's page cache for a cold run. */
static void
evict(void)
{
	int fd = open(image, O_RDONLY);

	if (fd >= 0) {
		fdatasync(fd);
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
}

/* Read the whole image once so that it is in the page cache. */
static void
warm(void)
{
	static char chunk[SEQ_CHUNK];
	int fd = open(image, O_RDONLY);

	while (fd >= 0 && read(fd, chunk, sizeof(chunk)) > 0)
		continue;
	if (fd >= 0)
		close(fd);
}

/* ---- raw io_uring ---- */

static void
raw_queue(struct io_uring *ring, int fd, char *buf, uint64_t *rng, int slot)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	io_uring_prep_read(sqe, fd, buf + (size_t)slot * BS, BS,
			   next_offset(rng));
	io_uring_sqe_set_data64(sqe, (uint64_t)slot);
}

/* IOPS of j's reads straight on io_uring, with j->qd in flight. */
static double
raw_run(const struct job *j, char *buf)
{
	unsigned int sent = 0, done = 0, seen;
	uint64_t rng = SEED, t0;
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	unsigned int head;
	int fd = open(image, O_RDONLY);

	if (fd < 0 || io_uring_queue_init(MAX_QD, &ring, 0) != 0)
		return 0;
	t0 = arch_clock_monotonic();
	for (; sent < j->qd; sent++)
		raw_queue(&ring, fd, buf, &rng, (int)sent);
	while (done < j->n) {
		io_uring_submit_and_wait(&ring, 1);
		seen = 0;
		io_uring_for_each_cqe(&ring, head, cqe) {
			seen++;
			if (cqe->res != BS)
				fprintf(stderr, "raw read: %d\n", cqe->res);
			if (sent++ < j->n)
				raw_queue(&ring, fd, buf, &rng,
					  (int)cqe->user_data);
		}
		io_uring_cq_advance(&ring, seen);
		done += seen;
	}
	io_uring_queue_exit(&ring);
	close(fd);
	return j->n / seconds(t0);
}

/* ---- the block layer ---- */

/* State of one block-layer run; bios end in interrupt context. */
struct kb_run {
	struct block_device *bdev;
	const struct job *job;
	uint64_t rng;
	unsigned int sent, done;	/* [i] */
	int errors;			/* [i] */
	struct completion finished;
};

static void kb_end(struct bio *bio);

static void
kb_submit(struct kb_run *r, void *buf)
{
	struct bio *bio;
	uint64_t off = next_offset(&r->rng);

	r->sent++;
	if (bio_alloc(&bio, r->bdev, BIO_READ, off / SECTOR_SIZE, 1) != 0) {
		r->errors++;
		return;
	}
	bio_add(bio, buf, BS);
	bio->end_io = kb_end;
	bio->private = r;
	blk_submit(bio);
}

/* Each completion submits the next read into the same buffer. */
static void
kb_end(struct bio *bio)
{
	struct kb_run *r = bio->private;
	void *buf = bio->vecs[0].base;

	r->errors += bio->status != 0;
	bio_free(bio);
	if (r->sent < r->job->n)
		kb_submit(r, buf);
	if (++r->done == r->job->n)
		complete(&r->finished);
}

static double
kb_run(struct block_device *bdev, const struct job *j, char *buf)
{
	struct kb_run r = { .bdev = bdev, .job = j, .rng = SEED };
	uint64_t t0 = arch_clock_monotonic();
	unsigned long s;

	completion_init(&r.finished);
	s = arch_intr_save();
	blk_plug(&bdev->queue);
	for (unsigned int i = 0; i < j->qd; i++)
		kb_submit(&r, buf + (size_t)i * BS);
	blk_unplug(&bdev->queue);
	arch_intr_restore(s);
	completion_wait(&r.finished);
	if (r.errors)
		printf("block layer: %d read errors\n", r.errors);
	return j->n / seconds(t0);
}

static void
bench_randread(struct block_device *bdev, const struct job *j, char *buf)
{
	double k, raw;

	j->cold ? evict() : warm();
	k = kb_run(bdev, j, buf);
	j->cold ? evict() : warm();
	raw = raw_run(j, buf);
	printf("randread 4k qd%-2u %s: block layer %8.0f IOPS, raw io_uring "
	       "%8.0f IOPS, ratio %.2f\n", j->qd, j->cold ? "cold" : "hot ",
	       k, raw, k / raw);
}

static void
bench_sync_read(struct block_device *bdev, char *buf)
{
	uint64_t rng = SEED, t0 = arch_clock_monotonic();
	unsigned int n = jobs[0].n;

	for (unsigned int i = 0; i < n; i++)
		blk_rw_sync(bdev, BIO_READ, next_offset(&rng) / SECTOR_SIZE,
			    buf, BS, 0);
	printf("randread 4k qd1  hot : blk_rw_sync from a thread %8.0f "
	       "IOPS\n", n / seconds(t0));
}

static void
bench_seqwrite(struct block_device *bdev)
{
	char *buf = kmalloc(SEQ_CHUNK);
	uint64_t size = bdev->nr_sectors * SECTOR_SIZE;
	uint64_t t0 = arch_clock_monotonic();
	int err = buf ? 0 : -ENOMEM;

	if (buf != NULL)
		memset(buf, 0x5a, SEQ_CHUNK);
	for (uint64_t off = 0; off + SEQ_CHUNK <= size && !err;
	     off += SEQ_CHUNK)
		err = blk_rw_sync(bdev, BIO_WRITE, off / SECTOR_SIZE, buf,
				  SEQ_CHUNK, 0);
	if (err == 0)
		err = blk_flush(bdev);
	printf("seqwrite 1M + flush: block layer %.0f MB/s (error %d)\n",
	       (double)size / 1e6 / seconds(t0), err);
	kfree(buf);
}

static void
merge_end(struct bio *bio)
{
	struct completion *c = bio->private;

	complete(c);
	bio_free(bio);
}

static void
bench_merge(struct block_device *bdev, char *buf)
{
	static struct bio *bios[MERGE_BIOS];
	struct disk_stats a, b;
	struct completion c;

	completion_init(&c);
	for (int i = 0; i < MERGE_BIOS; i++) {
		bio_alloc(&bios[i], bdev, BIO_WRITE, (uint64_t)i * 8, 1);
		bio_add(bios[i], buf, BS);
		bios[i]->end_io = merge_end;
		bios[i]->private = &c;
	}
	blk_get_stats(bdev, &a);
	blk_plug(&bdev->queue);
	for (int i = 0; i < MERGE_BIOS; i++)
		blk_submit(bios[i]);
	blk_unplug(&bdev->queue);
	for (int i = 0; i < MERGE_BIOS; i++)
		completion_wait(&c);
	blk_get_stats(bdev, &b);
	printf("merge: %d sequential 4k write bios -> %llu requests, %.1f%% "
	       "merged\n", MERGE_BIOS,
	       (unsigned long long)(b.ios[1] - a.ios[1]),
	       100.0 * (double)(b.merges[1] - a.merges[1]) / MERGE_BIOS);
}

static int
bench_body(void)
{
	struct block_device *bdev = blk_lookup("ubda");
	char *buf = kmalloc(MAX_QD * BS);
	bool ro;

	if (bdev == NULL || buf == NULL) {
		printf("bench_blk: needs ubd0=IMAGE\n");
		return 1;
	}
	arch_ubd_info(0, &nblocks, &ro, &image);
	nblocks /= BS;
	for (size_t i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++)
		bench_randread(bdev, &jobs[i], buf);
	warm();
	bench_sync_read(bdev, buf);
	bench_merge(bdev, buf);
	bench_seqwrite(bdev);
	kfree(buf);
	fflush(stdout);
	return 0;
}

/* Boot with the disk benchmarks as the first kernel thread. */
int
main(int argc, char **argv)
{
	return host_main(argc, argv, bench_body);
}
