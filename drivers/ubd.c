/*
 * ubd, kernel side: one block device per disk image that arch-host opened
 * before boot, "ubda" for ubd0 and so on.  The block layer dispatches a
 * device's requests to ubd_queue_rq(), which turns the request's bios into
 * one iovec list for arch_ubd_submit() (arch-host/ubd.c, io_uring);
 * ubd_commit() hands the round's I/O to the host with one arch_ubd_kick().
 * The host's completions raise IRQ_IO; trap_io() reaps them and completes
 * the requests, which ends their bios.
 *
 * Everything here runs with interrupts disabled and never sleeps.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/printk.h"
#include "core/string.h"
#include "core/trap.h"
#include "drivers/blk.h"
#include "drivers/ubd.h"

struct ubd {
	struct block_device bdev;
	int n;				/* [I] disk number on the host */
	const char *path;		/* [I] image, for messages */
	struct arch_blk_iov iov[BLK_MAX_SEGMENTS]; /* [i] ubd_queue_rq() */
};

static struct ubd ubd_disks[UBD_MAX_DISKS];

/* Append bio's segments to iov from *niov, joining contiguous ones. */
static int
ubd_map_bio(struct arch_blk_iov *iov, int *niov, const struct bio *bio)
{
	struct arch_blk_iov *last = *niov ? &iov[*niov - 1] : NULL;

	for (unsigned int i = 0; i < bio->nr_vecs; i++) {
		const struct bio_vec *v = &bio->vecs[i];

		if (last != NULL && (char *)last->base + last->len == v->base) {
			last->len += v->len;
			continue;
		}
		if (*niov == BLK_MAX_SEGMENTS)
			return -EIO;
		last = &iov[(*niov)++];
		last->base = v->base;
		last->len = v->len;
	}
	return 0;
}

/* The iovecs of every bio of rq, in u->iov; their number or -EIO. */
static int
ubd_map(struct ubd *u, const struct request *rq)
{
	int niov = 0, err;

	for (const struct bio *bio = rq->bio; bio != NULL; bio = bio->next) {
		err = ubd_map_bio(u->iov, &niov, bio);
		if (err)
			return err;
	}
	return niov;
}

static int
ubd_queue_rq(struct request_queue *q, struct request *rq)
{
	static const int ops[] = {
		[BIO_READ] = ARCH_BLK_READ,
		[BIO_WRITE] = ARCH_BLK_WRITE,
		[BIO_FLUSH] = ARCH_BLK_FLUSH,
	};
	struct ubd *u = q->driver_data;
	int niov = 0;

	if (rq->op != BIO_FLUSH)
		niov = ubd_map(u, rq);
	if (niov < 0)
		return niov;
	return arch_ubd_submit(u->n, ops[rq->op],
			       rq->sector << SECTOR_SHIFT, u->iov, niov,
			       (rq->flags & BIO_FUA) != 0, rq);
}

static void
ubd_commit(struct request_queue *q)
{
	(void)q;
	arch_ubd_kick();
}

static const struct blk_driver_ops ubd_ops = {
	.queue_rq = ubd_queue_rq,
	.commit = ubd_commit,
};

/*
 * A request's status from the host's result: 0 for the whole length,
 * the errors a filesystem can act on as they are, -EIO for the rest.
 */
static int
ubd_status(const struct request *rq, long result)
{
	long want = 0;

	if (rq->op != BIO_FLUSH)
		want = (long)rq->nr_sectors << SECTOR_SHIFT;
	if (result == want)
		return 0;
	if (result == -EROFS || result == -ENOSPC)
		return (int)result;
	return -EIO;
}

static void
ubd_done(void *tag, long result)
{
	struct request *rq = tag;
	int status = ubd_status(rq, result);

	if (status != 0)
		pr_err("%s: I/O error, sector %llu (error %ld)\n",
		       rq->q->bdev->name, (unsigned long long)rq->sector,
		       result < 0 ? result : (long)status);
	blk_complete_request(rq, status);
}

/* Block I/O completed on the host: complete the requests it finished. */
void
trap_io(void)
{
	arch_ubd_reap(ubd_done);
}

/* Make, register and announce the block device of host disk n. */
static int
ubd_add(int n)
{
	struct ubd *u = &ubd_disks[n];
	struct block_device *bdev = &u->bdev;
	uint64_t size;
	int err;

	err = arch_ubd_info(n, &size, &bdev->readonly, &u->path);
	if (err)
		return err;
	u->n = n;
	kstrlcpy(bdev->name, "ubd?", sizeof(bdev->name));
	bdev->name[3] = (char)('a' + n);
	bdev->major = UBD_MAJOR;
	bdev->minor = 16 * n;
	bdev->nr_sectors = size >> SECTOR_SHIFT;
	err = blk_queue_init(&bdev->queue, &ubd_ops, BLK_DEFAULT_DEPTH, u);
	if (err)
		return err;
	err = blk_register(bdev);
	if (err) {
		blk_queue_destroy(&bdev->queue);
		return err;
	}
	pr_info("%s: %llu sectors (%llu KiB), image %s%s\n", bdev->name,
		(unsigned long long)bdev->nr_sectors,
		(unsigned long long)(size / KIB), u->path,
		bdev->readonly ? ", read-only" : "");
	return 0;
}

/*
 * Register a block device for every disk arch-host opened before boot.
 * Returns 0 or -errno.  Called once by start_kernel().
 */
int
ubd_init(void)
{
	int err;

	for (int n = 0; n < UBD_MAX_DISKS; n++) {
		err = ubd_add(n);
		if (err && err != -ENODEV)
			return err;
	}
	return 0;
}
