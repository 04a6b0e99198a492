/*
 * A fake disk for unit tests: a block device backed by a host file,
 * served synchronously with pread/pwrite from the driver's queue_rq (the
 * block layer allows a completion inside queue_rq).  Lets filesystem tests
 * run the real block layer and buffer/page caches against images made by
 * mke2fs, then check them with e2fsck.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/blk.h"
#include "tests/fake/fake.h"

struct fake_disk {
	struct block_device bdev;
	int fd;
	unsigned long fail_after;	/* fail I/O after this many; 0: never */
	unsigned long nr_io;
};

/* Read or write one bio's segments at its sector; bytes or -errno. */
static long
fake_disk_bio(struct fake_disk *d, struct bio *bio)
{
	off_t off = (off_t)bio->sector << SECTOR_SHIFT;

	for (unsigned int i = 0; i < bio->nr_vecs; i++) {
		struct bio_vec *v = &bio->vecs[i];
		ssize_t n = bio->op == BIO_READ ?
			pread(d->fd, v->base, v->len, off) :
			pwrite(d->fd, v->base, v->len, off);

		if (n != (ssize_t)v->len)
			return n < 0 ? -errno : -EIO;
		off += v->len;
	}
	return 0;
}

static int
fake_disk_queue_rq(struct request_queue *q, struct request *rq)
{
	struct fake_disk *d = q->driver_data;
	long err = 0;

	d->nr_io++;
	if (d->fail_after != 0 && d->nr_io > d->fail_after)
		err = -EIO;
	else if (rq->op == BIO_FLUSH)
		err = fsync(d->fd) == 0 ? 0 : -errno;
	for (struct bio *b = rq->bio; b != NULL && err == 0; b = b->next)
		if (rq->op != BIO_FLUSH)
			err = fake_disk_bio(d, b);
	blk_complete_request(rq, (int)err);
	return 0;
}

static const struct blk_driver_ops fake_disk_ops = {
	.queue_rq = fake_disk_queue_rq,
};

int
fake_disk_open(const char *path, const char *name, bool readonly,
	       struct block_device **out)
{
	struct fake_disk *d = calloc(1, sizeof(*d));
	struct stat st;

	if (d == NULL)
		return -ENOMEM;
	d->fd = open(path, readonly ? O_RDONLY : O_RDWR);
	if (d->fd < 0 || fstat(d->fd, &st) != 0) {
		free(d);
		return -errno;
	}
	snprintf(d->bdev.name, sizeof(d->bdev.name), "%s", name);
	d->bdev.major = 240;
	d->bdev.nr_sectors = (uint64_t)st.st_size >> SECTOR_SHIFT;
	d->bdev.readonly = readonly;
	if (blk_queue_init(&d->bdev.queue, &fake_disk_ops, 0, d) != 0 ||
	    blk_register(&d->bdev) != 0) {
		close(d->fd);
		free(d);
		return -ENOMEM;
	}
	*out = &d->bdev;
	return 0;
}

void
fake_disk_fail_after(struct block_device *bdev, unsigned long nr_io)
{
	struct fake_disk *d = container_of(bdev, struct fake_disk, bdev);

	d->fail_after = nr_io == 0 ? 0 : d->nr_io + nr_io;
}

void
fake_disk_close(struct block_device *bdev)
{
	struct fake_disk *d = container_of(bdev, struct fake_disk, bdev);

	blk_unregister(bdev);
	blk_queue_destroy(&bdev->queue);
	close(d->fd);
	free(d);
}
