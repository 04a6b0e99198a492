/*
 * Boot test of the disks: the real kernel with the block layer and ubd on
 * io_uring, and a test body as the first kernel thread.  The scenario is
 * init's first argument, a seed its second:
 *
 *   blkdev ubd0=IMG -- concurrent SEED
 *	writer threads fill the disk with patterned bios of 512 B to
 *	512 KiB, submitted in batches under a plug in an interleaved order so
 *	that the elevator merges them; checks that 64 or more were in flight
 *	at once and that the disk stats count merges, then reads every
 *	sector back.
 *   blkdev ubd0=IMG ubd1r=IMG2 -- readonly SEED
 *	writes to ubdb fail with -EROFS, reads of ubdb (filled with the
 *	pattern by --fill) work, ubda takes writes.
 *   blkdev ubd0=IMG -- truncate SEED
 *	IMG (filled with the pattern) is cut to half its size on the host
 *	while the kernel runs: reads beyond the new end fail with -EIO, reads
 *	below still work.
 *
 * Without booting, "blkdev --fill IMG SEED" writes the pattern into IMG and
 * "blkdev --verify IMG SEED" checks it, both with plain host I/O.  A
 * sector's content is a function of its number and the seed only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch-host/arch.h"
#include "arch-host/host.h"
#include "core/kthread.h"
#include "core/printk.h"
#include "core/slab.h"
#include "core/wait.h"
#include "drivers/blk.h"

#define WRITERS		4
#define BATCH		96	/* bios per writer per plug */
#define MAX_SEGS	4	/* separate buffers per bio */
#define CHUNK_SECTORS	BLK_MAX_SECTORS
#define WORDS		(SECTOR_SIZE / sizeof(uint64_t))

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			pr_err("FAIL: " __VA_ARGS__);			\
			failures++;					\
		}							\
	} while (0)

static uint64_t seed;
static int failures;

/* ---- the pattern ---- */

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static void
pattern_fill(void *buf, uint64_t sector, uint32_t nsect)
{
	uint64_t *w = buf;

	for (uint64_t s = sector; s < sector + nsect; s++) {
		for (unsigned int i = 0; i < WORDS; i++)
			*w++ = mix(seed + s * WORDS + i);
	}
}

/* The first sector of buf that does not hold the pattern, or -1. */
static int64_t
pattern_check(const void *buf, uint64_t sector, uint32_t nsect)
{
	const uint64_t *w = buf;

	for (uint64_t s = sector; s < sector + nsect; s++) {
		for (unsigned int i = 0; i < WORDS; i++) {
			if (*w++ != mix(seed + s * WORDS + i))
				return (int64_t)s;
		}
	}
	return -1;
}

/* ---- host mode: --fill and --verify ---- */

/* Fill or check n bytes at off; 0 or 1 after a message. */
static int
host_chunk(int fd, char *buf, off_t off, size_t n, bool fill)
{
	uint64_t sector = (uint64_t)off / SECTOR_SIZE;
	int64_t bad;

	if (fill)
		pattern_fill(buf, sector, n / SECTOR_SIZE);
	if ((size_t)(fill ? pwrite(fd, buf, n, off) : pread(fd, buf, n, off))
	    != n) {
		fprintf(stderr, "blkdev: I/O error at byte %lld\n",
			(long long)off);
		return 1;
	}
	bad = fill ? -1 : pattern_check(buf, sector, n / SECTOR_SIZE);
	if (bad >= 0)
		fprintf(stderr, "blkdev: sector %lld is wrong\n",
			(long long)bad);
	return bad >= 0;
}

static int
host_image(const char *path, bool fill)
{
	static char buf[CHUNK_SECTORS * SECTOR_SIZE];
	int fd = open(path, fill ? O_WRONLY : O_RDONLY);
	off_t size = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
	size_t n;

	if (size <= 0 || size % SECTOR_SIZE != 0) {
		fprintf(stderr, "blkdev: %s: not a disk image\n", path);
		return 1;
	}
	for (off_t off = 0; off < size; off += n) {
		n = size - off < (off_t)sizeof(buf) ? (size_t)(size - off) :
						     sizeof(buf);
		if (host_chunk(fd, buf, off, n, fill) != 0)
			return 1;
	}
	return close(fd) == 0 ? 0 : 1;
}

/* ---- in-kernel helpers ---- */

static uint64_t
rng_next(uint64_t *state)
{
	*state += 0x9e3779b97f4a7c15ULL;
	return mix(*state);
}

/* Read [sector, sector + nsect) in chunks and check the pattern. */
static int
verify_range(struct block_device *bdev, uint64_t sector, uint64_t nsect)
{
	void *buf = kmalloc(CHUNK_SECTORS * SECTOR_SIZE);
	uint32_t n;
	int err = buf ? 0 : -ENOMEM;
	int64_t bad;

	for (uint64_t s = sector; err == 0 && s < sector + nsect; s += n) {
		n = sector + nsect - s < CHUNK_SECTORS ?
		    (uint32_t)(sector + nsect - s) : CHUNK_SECTORS;
		err = blk_rw_sync(bdev, BIO_READ, s, buf, n * SECTOR_SIZE, 0);
		bad = err ? -1 : pattern_check(buf, s, n);
		CHECK(bad < 0, "%s: sector %lld reads back wrong\n",
		      bdev->name, (long long)bad);
	}
	CHECK(err == 0, "%s: reading back from sector %llu: error %d\n",
	      bdev->name, (unsigned long long)sector, err);
	kfree(buf);
	return err;
}

/* ---- concurrent ---- */

struct writer;

/* One write bio of a batch and the buffers it points into. */
struct wio {
	struct bio *bio;
	void *seg[MAX_SEGS];
	int nseg;
	struct writer *w;
};

struct writer {
	struct block_device *bdev;
	uint64_t start, end;		/* its sectors */
	uint64_t rng;
	unsigned int outstanding;	/* [i] bios not yet ended */
	unsigned int bios, sectors;	/* submitted in all */
	struct wait_queue wq;		/* woken when outstanding is 0 */
	struct wio io[BATCH];
};

static unsigned int bios_in_flight, max_in_flight;	/* [i] */

/* Half the bios are small, a third medium, the rest up to 512 KiB. */
static uint32_t
pick_sectors(uint64_t *rng)
{
	uint64_t r = rng_next(rng);
	unsigned int k = (unsigned int)(r >> 8);

	if (r % 10 < 5)
		return 1 + k % 8;
	if (r % 10 < 8)
		return 16U << (k % 4);
	return 256U << (k % 3);
}

static void
wio_end(struct bio *bio)
{
	struct wio *io = bio->private;
	struct writer *w = io->w;

	CHECK(bio->status == 0, "write at sector %llu: error %d\n",
	      (unsigned long long)bio->sector, bio->status);
	bios_in_flight--;
	if (--w->outstanding == 0)
		wq_wake_all(&w->wq);
}

/* A write bio of nsect sectors at sector, over 1 to MAX_SEGS buffers. */
static int
wio_make(struct writer *w, struct wio *io, uint64_t sector, uint32_t nsect)
{
	uint32_t per, len;
	int err;

	err = bio_alloc(&io->bio, w->bdev, BIO_WRITE, sector, MAX_SEGS);
	if (err)
		return err;
	io->w = w;
	io->nseg = 1 + (int)(rng_next(&w->rng) % MAX_SEGS);
	io->nseg = nsect < (uint32_t)io->nseg ? (int)nsect : io->nseg;
	per = nsect / io->nseg;
	for (int i = 0; i < io->nseg; i++, sector += len, nsect -= len) {
		len = i == io->nseg - 1 ? nsect : per;
		io->seg[i] = kmalloc(len * SECTOR_SIZE);
		if (io->seg[i] == NULL)
			return -ENOMEM;
		pattern_fill(io->seg[i], sector, len);
		bio_add(io->bio, io->seg[i], len * SECTOR_SIZE);
	}
	io->bio->flags = rng_next(&w->rng) % 16 == 0 ? BIO_FUA : 0;
	io->bio->end_io = wio_end;
	io->bio->private = io;
	return 0;
}

static void
wio_free(struct wio *io)
{
	for (int i = 0; i < io->nseg; i++)
		kfree(io->seg[i]);
	if (io->bio != NULL)
		bio_free(io->bio);
	memset(io, 0, sizeof(*io));
}

static void
wio_submit(struct wio *io)
{
	unsigned long s = arch_intr_save();

	io->w->outstanding++;
	if (++bios_in_flight > max_in_flight)
		max_in_flight = bios_in_flight;
	arch_intr_restore(s);
	blk_submit(io->bio);
}

/*
 * Build up to BATCH bios from *next on (filling their buffers before the
 * plug, so that the whole batch is queued at once), submit them evens
 * first, then odds, which fill the gaps and join the requests, and wait.
 */
static int
writer_batch(struct writer *w, uint64_t *next)
{
	struct request_queue *q = &w->bdev->queue;
	int n, err = 0;

	for (n = 0; n < BATCH && *next < w->end && err == 0; n++) {
		uint32_t len = pick_sectors(&w->rng);

		len = w->end - *next < len ? (uint32_t)(w->end - *next) : len;
		err = wio_make(w, &w->io[n], *next, len);
		*next += len;
		w->sectors += len;
	}
	blk_plug(q);
	for (int i = 0; i < n && err == 0; i += 2)
		wio_submit(&w->io[i]);
	for (int i = 1; i < n && err == 0; i += 2)
		wio_submit(&w->io[i]);
	blk_unplug(q);
	wait_event(&w->wq, w->outstanding == 0);
	for (int i = 0; i < n; i++)
		wio_free(&w->io[i]);
	w->bios += n;
	return err;
}

static int
writer_run(void *arg)
{
	struct writer *w = arg;
	uint64_t next = w->start;
	int err = 0;

	while (next < w->end && err == 0)
		err = writer_batch(w, &next);
	CHECK(err == 0, "writer: error %d\n", err);
	return err;
}

static int
reader_run(void *arg)
{
	struct writer *w = arg;

	return verify_range(w->bdev, w->start, w->end - w->start);
}

/* Run fn on each writer's region in its own thread and wait for all. */
static void
run_threads(struct writer **w, int (*fn)(void *), const char *name)
{
	struct task *t[WRITERS];

	for (int i = 0; i < WRITERS; i++)
		CHECK(kthread_create(&t[i], fn, w[i], "%s%d", name, i) == 0,
		      "cannot create a thread\n");
	for (int i = 0; i < WRITERS; i++)
		kthread_join(t[i]);
}

static void
check_concurrent_stats(struct block_device *bdev, struct writer **w)
{
	struct disk_stats st;
	unsigned int bios = 0;

	blk_get_stats(bdev, &st);
	for (int i = 0; i < WRITERS; i++)
		bios += w[i]->bios;
	pr_info("concurrent: %u bios, at most %u in flight, %llu write "
		"requests, %llu merges\n", bios, max_in_flight,
		(unsigned long long)st.ios[1],
		(unsigned long long)st.merges[1]);
	CHECK(max_in_flight >= 64, "only %u bios were in flight at once\n",
	      max_in_flight);
	CHECK(st.merges[1] > 0, "no write bio was merged\n");
	CHECK(st.sectors[1] >= bdev->nr_sectors, "only %llu sectors written\n",
	      (unsigned long long)st.sectors[1]);
}

static int
scenario_concurrent(struct block_device *bdev)
{
	struct writer *w[WRITERS];
	uint64_t per = bdev->nr_sectors / WRITERS;

	for (int i = 0; i < WRITERS; i++) {
		w[i] = kzalloc(sizeof(*w[i]));
		if (w[i] == NULL)
			return -ENOMEM;
		w[i]->bdev = bdev;
		w[i]->start = i * per;
		w[i]->end = i == WRITERS - 1 ? bdev->nr_sectors : (i + 1) * per;
		w[i]->rng = seed + (uint64_t)i;
		wq_init(&w[i]->wq);
	}
	run_threads(w, writer_run, "writer");
	CHECK(blk_flush(bdev) == 0, "flush failed\n");
	check_concurrent_stats(bdev, w);
	run_threads(w, reader_run, "reader");
	for (int i = 0; i < WRITERS; i++)
		kfree(w[i]);
	return 0;
}

/* ---- readonly ---- */

static void
ro_end(struct bio *bio)
{
	struct completion *done = bio->private;

	complete(done);
}

/* An asynchronous write to bdev; the status its bio ended with. */
static int
async_write(struct block_device *bdev, void *buf)
{
	struct completion done;
	struct bio *bio;
	int err = bio_alloc(&bio, bdev, BIO_WRITE, 0, 1);

	if (err)
		return err;
	completion_init(&done);
	bio_add(bio, buf, SECTOR_SIZE);
	bio->end_io = ro_end;
	bio->private = &done;
	blk_submit(bio);
	completion_wait(&done);
	err = bio->status;
	bio_free(bio);
	return err;
}

static int
scenario_readonly(struct block_device *rw)
{
	struct block_device *ro = blk_lookup("ubdb");
	char *buf = kmalloc(8 * SECTOR_SIZE);
	int err;

	if (ro == NULL || buf == NULL)
		return -ENODEV;
	CHECK(ro->readonly && !rw->readonly, "ubdb read-only %d, ubda %d\n",
	      ro->readonly, rw->readonly);
	pattern_fill(buf, 0, 8);
	err = blk_rw_sync(ro, BIO_WRITE, 0, buf, 8 * SECTOR_SIZE, 0);
	CHECK(err == -EROFS, "sync write to ubdb: %d, not -EROFS\n", err);
	err = async_write(ro, buf);
	CHECK(err == -EROFS, "bio write to ubdb: %d, not -EROFS\n", err);
	err = blk_rw_sync(ro, BIO_WRITE, 0, buf, 8 * SECTOR_SIZE, BIO_FUA);
	CHECK(err == -EROFS, "FUA write to ubdb: %d, not -EROFS\n", err);
	err = blk_rw_sync(rw, BIO_WRITE, 0, buf, 8 * SECTOR_SIZE, 0);
	CHECK(err == 0, "write to ubda: error %d\n", err);
	kfree(buf);
	verify_range(ro, 0, ro->nr_sectors);
	return 0;
}

/* ---- truncate ---- */

/* Read nsect sectors at sector; the error of blk_rw_sync(). */
static int
read_at(struct block_device *bdev, uint64_t sector, uint32_t nsect)
{
	void *buf = kmalloc(nsect * SECTOR_SIZE);
	int err = -ENOMEM;

	if (buf != NULL)
		err = blk_rw_sync(bdev, BIO_READ, sector, buf, nsect *
				  SECTOR_SIZE, 0);
	kfree(buf);
	return err;
}

static int
scenario_truncate(struct block_device *bdev)
{
	uint64_t size, half = bdev->nr_sectors / 2;
	const char *path;
	bool ro;
	int err;

	arch_ubd_info(0, &size, &ro, &path);
	verify_range(bdev, bdev->nr_sectors - 8, 8);
	/* Host code: cut the image under the running kernel. */
	CHECK(truncate(path, (off_t)(size / 2)) == 0, "truncate %s: %s\n",
	      path, strerror(errno));
	err = read_at(bdev, half + 8, 8);
	CHECK(err == -EIO, "read beyond the new end: %d, not -EIO\n", err);
	err = read_at(bdev, half - 4, 8);
	CHECK(err == -EIO, "read across the new end: %d, not -EIO\n", err);
	err = read_at(bdev, bdev->nr_sectors - 1, 1);
	CHECK(err == -EIO, "read of the last sector: %d, not -EIO\n", err);
	verify_range(bdev, 0, half);
	return 0;
}

/* ---- the body ---- */

static const struct {
	const char *name;
	int (*run)(struct block_device *bdev);
} scenarios[] = {
	{ "concurrent", scenario_concurrent },
	{ "readonly", scenario_readonly },
	{ "truncate", scenario_truncate },
};

static int
blkdev_body(void)
{
	const struct boot_config *cfg = boot_config;
	struct block_device *bdev = blk_lookup("ubda");
	int err = -EINVAL;

	if (cfg->init_argc != 2 || bdev == NULL) {
		pr_err("usage: blkdev ubd0=IMG ... -- SCENARIO SEED\n");
		return 2;
	}
	seed = strtoull(cfg->init_argv[1], NULL, 0);
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (strcmp(cfg->init_argv[0], scenarios[i].name) == 0)
			err = scenarios[i].run(bdev);
	}
	CHECK(err == 0, "%s: error %d\n", cfg->init_argv[0], err);
	pr_notice("blkdev %s: %d failures\n", cfg->init_argv[0], failures);
	return failures ? 1 : 0;
}

/* --fill and --verify work on the host; anything else boots. */
int
main(int argc, char **argv)
{
	bool fill = argc == 4 && strcmp(argv[1], "--fill") == 0;

	if (fill || (argc == 4 && strcmp(argv[1], "--verify") == 0)) {
		seed = strtoull(argv[3], NULL, 0);
		return host_image(argv[2], fill);
	}
	return host_main(argc, argv, blkdev_body);
}
