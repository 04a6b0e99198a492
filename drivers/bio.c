/*
 * Bios and the entry of the block layer.  A bio is one I/O on a block
 * device: an operation, a first sector and a list of memory segments.
 * blk_submit() refuses what can never succeed (bad sizes, I/O beyond the
 * end of the device, writes to a read-only device) by ending the bio at
 * once, and hands the rest to the elevator of the device's queue
 * (elevator.c).  blk_rw_sync() and blk_flush() are the synchronous helpers
 * on top: they build bios, submit them under a plug and sleep until every
 * one has ended.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/printk.h"
#include "core/slab.h"
#include "core/wait.h"
#include "drivers/blk.h"

/* What blk_rw_sync() and blk_flush() wait for. */
struct blk_sync {
	unsigned int pending;		/* [i] bios not yet ended */
	int error;			/* [i] first error of a bio */
	struct wait_queue wq;		/* woken when pending drops to 0 */
};

int
bio_alloc(struct bio **out, struct block_device *bdev, enum bio_op op,
	  uint64_t sector, unsigned int max_vecs)
{
	struct bio *bio;

	if (bdev == NULL || (unsigned int)op > BIO_FLUSH ||
	    max_vecs > BLK_MAX_SEGMENTS)
		return -EINVAL;
	bio = kzalloc(sizeof(*bio));
	if (bio == NULL)
		return -ENOMEM;
	bio->vecs = bio->inline_vecs;
	if (max_vecs > BIO_INLINE_VECS) {
		bio->vecs = kmalloc(max_vecs * sizeof(*bio->vecs));
		if (bio->vecs == NULL)
			goto out_bio;
	}
	bio->bdev = bdev;
	bio->op = op;
	bio->sector = sector;
	bio->max_vecs = max_vecs;
	*out = bio;
	return 0;
out_bio:
	kfree(bio);
	return -ENOMEM;
}

void
bio_free(struct bio *bio)
{
	if (bio->vecs != bio->inline_vecs)
		kfree(bio->vecs);
	kfree(bio);
}

int
bio_add(struct bio *bio, void *base, uint32_t len)
{
	struct bio_vec *last =
		bio->nr_vecs ? &bio->vecs[bio->nr_vecs - 1] : NULL;

	if (base == NULL || len == 0 || len % SECTOR_SIZE != 0)
		return -EINVAL;
	if (len > BLK_MAX_SECTORS * SECTOR_SIZE - bio->size)
		return -E2BIG;
	/* Memory that continues the last segment extends it. */
	if (last != NULL && (char *)last->base + last->len == base) {
		last->len += len;
	} else {
		if (bio->nr_vecs == bio->max_vecs)
			return -E2BIG;
		bio->vecs[bio->nr_vecs].base = base;
		bio->vecs[bio->nr_vecs].len = len;
		bio->nr_vecs++;
	}
	bio->size += len;
	return 0;
}

void
bio_endio(struct bio *bio, int status)
{
	bio->status = status;
	if (bio->end_io != NULL)
		bio->end_io(bio);
}

/* Is the size right for the operation?  0 or -EINVAL. */
static int
bio_check_size(const struct bio *bio)
{
	if (bio->op == BIO_FLUSH)
		return bio->size == 0 ? 0 : -EINVAL;
	if (bio->op != BIO_READ && bio->op != BIO_WRITE)
		return -EINVAL;
	if (bio->size == 0 || bio->size % SECTOR_SIZE != 0)
		return -EINVAL;
	return 0;
}

/* Does bio reach past the last sector of its device? */
static bool
bio_beyond_end(const struct bio *bio)
{
	uint64_t capacity = bio->bdev->nr_sectors;

	/* A flush has no sectors; its sector means nothing. */
	if (bio->op == BIO_FLUSH)
		return false;
	return bio->sector > capacity ||
	       (bio->size >> SECTOR_SHIFT) > capacity - bio->sector;
}

/* Why bio can never succeed on its device: -errno, or 0 if it may. */
static int
bio_check(const struct bio *bio)
{
	int err;

	err = bio_check_size(bio);
	if (err)
		return err;
	if (bio_beyond_end(bio)) {
		pr_err("blk: %s: I/O beyond the end of the device, sector "
		       "%llu\n", bio->bdev->name,
		       (unsigned long long)bio->sector);
		return -EIO;
	}
	if (bio->op != BIO_READ && bio->bdev->readonly)
		return -EROFS;
	return 0;
}

void
blk_submit(struct bio *bio)
{
	int err = bio_check(bio);

	if (err) {
		bio_endio(bio, err);
		return;
	}
	blk_queue_bio(&bio->bdev->queue, bio);
}

/* Account n bios of s as ended with status; wake the waiter at the end. */
static void
blk_sync_end(struct blk_sync *s, unsigned int n, int status)
{
	unsigned long flags = arch_intr_save();

	if (s->error == 0)
		s->error = status;
	s->pending -= n;
	if (s->pending == 0)
		wq_wake_all(&s->wq);
	arch_intr_restore(flags);
}

/* end_io of the bios of blk_rw_sync() and blk_flush(). */
static void
blk_sync_end_io(struct bio *bio)
{
	struct blk_sync *s = bio->private;
	int status = bio->status;

	bio_free(bio);
	blk_sync_end(s, 1, status);
}

/* Sleep until every bio of s has ended; returns the first error or 0. */
static int
blk_sync_wait(struct blk_sync *s)
{
	unsigned long flags = arch_intr_save();

	wait_event(&s->wq, s->pending == 0);
	arch_intr_restore(flags);
	return s->error;
}

/* Make and submit the bio for len bytes at buf; 0 or -errno. */
static int
blk_sync_submit(struct blk_sync *s, struct block_device *bdev,
		enum bio_op op, uint64_t sector, void *buf, uint32_t len,
		unsigned int flags)
{
	struct bio *bio;
	int err;

	err = bio_alloc(&bio, bdev, op, sector, 1);
	if (err)
		return err;
	if (len != 0) {
		err = bio_add(bio, buf, len);
		if (err)
			goto out_bio;
	}
	bio->flags = flags & BIO_FUA;
	bio->end_io = blk_sync_end_io;
	bio->private = s;
	blk_submit(bio);
	return 0;
out_bio:
	bio_free(bio);
	return err;
}

int
blk_rw_sync(struct block_device *bdev, enum bio_op op, uint64_t sector,
	    void *buf, size_t len, unsigned int flags)
{
	const size_t max = BLK_MAX_SECTORS * SECTOR_SIZE;
	struct blk_sync s = { .error = 0 };
	unsigned int i, nr = DIV_ROUND_UP(len, max);
	size_t off;
	int err;

	if ((op != BIO_READ && op != BIO_WRITE) || len % SECTOR_SIZE != 0)
		return -EINVAL;
	if (len == 0)
		return 0;
	wq_init(&s.wq);
	s.pending = nr;
	blk_plug(&bdev->queue);
	for (i = 0; i < nr; i++) {
		off = i * max;
		err = blk_sync_submit(&s, bdev, op, sector + off / SECTOR_SIZE,
				      (char *)buf + off, MIN(max, len - off),
				      flags);
		/* The bios never made end with the allocation error. */
		if (err) {
			blk_sync_end(&s, nr - i, err);
			break;
		}
	}
	blk_unplug(&bdev->queue);
	return blk_sync_wait(&s);
}

int
blk_flush(struct block_device *bdev)
{
	struct blk_sync s = { .pending = 1, .error = 0 };
	int err;

	wq_init(&s.wq);
	err = blk_sync_submit(&s, bdev, BIO_FLUSH, 0, NULL, 0, 0);
	if (err)
		return err;
	return blk_sync_wait(&s);
}
