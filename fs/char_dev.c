/*
 * Character and block device files.  Drivers register ranges of minors;
 * chrdev_file_ops.open finds the driver of an inode's rdev and hands the
 * open file over to the driver's file_ops.  Block device inodes get
 * blkdev_file_ops, which reads and writes the disk through the block
 * layer, bouncing partial sectors through a sector-sized buffer.
 * The registry is guarded by disabling interrupts.
 */
#include "core/errno.h"
#include "core/slab.h"
#include "core/string.h"
#include "drivers/blk.h"
#include "fs/devices.h"

static LIST_HEAD(chrdevs);		/* [i] struct chrdev.node */

/* The range holding (major, minor); NULL if none.  Interrupts off. */
static struct chrdev *
chrdev_find(unsigned int major, unsigned int minor)
{
	struct chrdev *cd;

	list_for_each_entry(cd, &chrdevs, node)
		if (cd->major == major && minor >= cd->minor &&
		    minor - cd->minor < cd->count)
			return cd;
	return NULL;
}

int
chrdev_register(struct chrdev *cd)
{
	unsigned long s = arch_intr_save();
	int err = 0;

	for (unsigned int i = 0; i < cd->count && err == 0; i++)
		if (chrdev_find(cd->major, cd->minor + i) != NULL)
			err = -EBUSY;
	if (err == 0)
		list_add_tail(&cd->node, &chrdevs);
	arch_intr_restore(s);
	return err;
}

void
chrdev_for_each(void (*fn)(const struct chrdev *cd, void *arg), void *arg)
{
	struct chrdev *cd;

	/* Registration happens at boot only: the list is stable here. */
	list_for_each_entry(cd, &chrdevs, node)
		fn(cd, arg);
}

static int
chrdev_open(struct inode *inode, struct file *f)
{
	unsigned long s = arch_intr_save();
	struct chrdev *cd = chrdev_find(KMAJOR(inode->rdev),
					KMINOR(inode->rdev));

	arch_intr_restore(s);
	if (cd == NULL)
		return -ENXIO;
	f->ops = cd->fops;
	return f->ops->open != NULL ? f->ops->open(inode, f) : 0;
}

const struct file_ops chrdev_file_ops = {
	.open = chrdev_open,
};

/* ---- block device files ---- */

static int
blkdev_open(struct inode *inode, struct file *f)
{
	struct block_device *bdev = blk_lookup_dev(KMAJOR(inode->rdev),
						   KMINOR(inode->rdev));

	if (bdev == NULL)
		return -ENXIO;
	if ((f->mode & FMODE_WRITE) && bdev->readonly)
		return -EROFS;
	f->private = bdev;
	return 0;
}

/* One partial sector: read it, copy n bytes at off in or out, write back. */
static int
blkdev_partial(struct block_device *bdev, enum bio_op op, uint64_t sector,
	       size_t off, char *buf, size_t n)
{
	char *bounce = kmalloc(SECTOR_SIZE);
	int err;

	if (bounce == NULL)
		return -ENOMEM;
	err = blk_rw_sync(bdev, BIO_READ, sector, bounce, SECTOR_SIZE, 0);
	if (err == 0 && op == BIO_READ)
		memcpy(buf, bounce + off, n);
	if (err == 0 && op == BIO_WRITE) {
		memcpy(bounce + off, buf, n);
		err = blk_rw_sync(bdev, BIO_WRITE, sector, bounce, SECTOR_SIZE,
				  0);
	}
	kfree(bounce);
	return err;
}

/*
 * Move len bytes between buf and the disk at byte pos: whole sectors go
 * straight to the block layer, partial ones through a bounce buffer.
 * Returns the bytes moved (short at the end of the disk) or -errno.
 */
static long
blkdev_rw(struct block_device *bdev, enum bio_op op, char *buf, size_t len,
	  uint64_t pos)
{
	uint64_t end = bdev->nr_sectors << SECTOR_SHIFT;
	size_t done = 0, n;
	int err = 0;

	if (pos >= end)
		return 0;
	len = MIN(len, end - pos);
	while (done < len && err == 0) {
		uint64_t sector = (pos + done) >> SECTOR_SHIFT;
		size_t off = (pos + done) & (SECTOR_SIZE - 1);

		if (off == 0 && len - done >= SECTOR_SIZE) {
			n = MIN(ALIGN_DOWN(len - done, SECTOR_SIZE), MIB);
			err = blk_rw_sync(bdev, op, sector, buf + done, n, 0);
		} else {
			n = MIN(SECTOR_SIZE - off, len - done);
			err = blkdev_partial(bdev, op, sector, off, buf + done,
					     n);
		}
		if (err == 0)
			done += n;
	}
	return done > 0 ? (long)done : err;
}

static long
blkdev_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	long n = blkdev_rw(f->private, BIO_READ, buf, len, *pos);

	if (n > 0)
		*pos += (uint64_t)n;
	return n;
}

static long
blkdev_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
	long n = blkdev_rw(f->private, BIO_WRITE, (char *)buf, len, *pos);

	if (n > 0)
		*pos += (uint64_t)n;
	return n;
}

static int
blkdev_fsync(struct file *f, bool datasync)
{
	(void)datasync;
	return blk_flush(f->private);
}

const struct file_ops blkdev_file_ops = {
	.open = blkdev_open,
	.read = blkdev_read,
	.write = blkdev_write,
	.fsync = blkdev_fsync,
};

/* Who opens FIFOs (the pipe code, above fs/); NULL: -ENXIO. */
static int (*fifo_open_fn)(struct inode *inode, struct file *f);

void
fifo_register(int (*open)(struct inode *inode, struct file *f))
{
	fifo_open_fn = open;
}

static int
fifo_open(struct inode *inode, struct file *f)
{
	return fifo_open_fn != NULL ? fifo_open_fn(inode, f) : -ENXIO;
}

static const struct file_ops fifo_file_ops = {
	.open = fifo_open,
};

void
init_special_inode(struct inode *inode, uint32_t mode, uint32_t rdev)
{
	inode->mode = mode;
	inode->rdev = rdev;
	if (KS_ISCHR(mode))
		inode->fops = &chrdev_file_ops;
	else if (KS_ISBLK(mode))
		inode->fops = &blkdev_file_ops;
	else if (KS_ISFIFO(mode))
		inode->fops = &fifo_file_ops;
	else
		inode->fops = NULL;	/* sockets: open fails */
}
