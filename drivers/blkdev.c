/*
 * Block devices: the list of registered devices, found by name, and their
 * I/O statistics, read as a whole through /proc/diskstats.
 *
 * The counters live in each device's queue.  elevator.c reports every
 * change of the number of requests in flight (blk_stats_account) and every
 * completed request (blk_stats_done); the busy time and the weighted time
 * (Linux's fields 10 and 11) are integrated over time at each such change
 * and whenever the counters are read.
 *
 * Locking: the device list and the counters are guarded by disabling
 * interrupts ([i]), since completions update the counters from the I/O
 * interrupt.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/printk.h"
#include "core/string.h"
#include "drivers/blk.h"

static LIST_HEAD(blk_devices);		/* [i] registered block devices */

/* ---- statistics ---- */

/* Account the time since the last change at the current in_flight. */
static void
blk_stats_advance(struct request_queue *q, uint64_t now)
{
	uint64_t delta = 0;

	if (now > q->last_account_ns)
		delta = now - q->last_account_ns;
	if (q->in_flight > 0) {
		q->stats.io_nsecs += delta;
		q->stats.weighted_nsecs += delta * q->in_flight;
	}
	q->last_account_ns = now;
}

void
blk_stats_account(struct request_queue *q, int delta, uint64_t now)
{
	KASSERT(delta >= 0 || q->in_flight > 0);
	blk_stats_advance(q, now);
	q->in_flight += delta;
	q->stats.in_flight = q->in_flight;
}

void
blk_stats_done(const struct request *rq, uint64_t now)
{
	struct request_queue *q = rq->q;
	struct disk_stats *st = &q->stats;
	uint64_t ns = now - rq->queued_ns;
	int dir = rq->op == BIO_WRITE;

	blk_stats_account(q, -1, now);
	if (rq->op == BIO_FLUSH) {
		st->flush_ios++;
		st->flush_nsecs += ns;
		return;
	}
	st->ios[dir]++;
	st->sectors[dir] += rq->nr_sectors;
	st->nsecs[dir] += ns;
}

void
blk_get_stats(struct block_device *bdev, struct disk_stats *out)
{
	unsigned long s = arch_intr_save();

	blk_stats_advance(&bdev->queue, ktime_ns());
	*out = bdev->queue.stats;
	arch_intr_restore(s);
}

/* ---- the device list ---- */

/* The registered device called name; interrupts are disabled. */
static struct block_device *
blk_find(const char *name)
{
	struct block_device *bdev;

	list_for_each_entry(bdev, &blk_devices, node)
		if (strcmp(bdev->name, name) == 0)
			return bdev;
	return NULL;
}

int
blk_register(struct block_device *bdev)
{
	unsigned long s = arch_intr_save();
	int err = -EEXIST;

	if (blk_find(bdev->name) == NULL) {
		list_add_tail(&bdev->node, &blk_devices);
		bdev->queue.bdev = bdev;
		err = 0;
	}
	arch_intr_restore(s);
	return err;
}

void
blk_unregister(struct block_device *bdev)
{
	unsigned long s = arch_intr_save();

	list_del(&bdev->node);
	arch_intr_restore(s);
}

struct block_device *
blk_lookup(const char *name)
{
	static const char dev[] = "/dev/";
	struct block_device *bdev;
	unsigned long s;

	if (strncmp(name, dev, sizeof(dev) - 1) == 0)
		name += sizeof(dev) - 1;
	s = arch_intr_save();
	bdev = blk_find(name);
	arch_intr_restore(s);
	return bdev;
}

struct block_device *
blk_lookup_dev(unsigned int major, unsigned int minor)
{
	unsigned long s = arch_intr_save();
	struct block_device *bdev, *found = NULL;

	list_for_each_entry(bdev, &blk_devices, node)
		if (bdev->major == major && bdev->minor == minor)
			found = bdev;
	arch_intr_restore(s);
	return found;
}

void
blk_for_each(void (*fn)(struct block_device *bdev, void *arg), void *arg)
{
	struct block_device *bdev;

	/* Disks are registered at boot only: the list is stable here. */
	list_for_each_entry(bdev, &blk_devices, node)
		fn(bdev, arg);
}

/* ---- /proc/diskstats ---- */

/* Nanoseconds as the unsigned int milliseconds of diskstats. */
static unsigned int
ns_to_ms(uint64_t ns)
{
	return (unsigned int)(ns / NSEC_PER_MSEC);
}

/*
 * One line of /proc/diskstats, as Linux 5.5 and later print it: 17 fields
 * after the name; the four discard fields stay 0 here.
 */
static int
blk_format_one(struct block_device *bdev, char *buf, size_t size)
{
	struct disk_stats st;

	blk_get_stats(bdev, &st);
	return ksnprintf(buf, size, "%4d %7d %s %lu %lu %lu %u %lu %lu %lu "
			 "%u %u %u %u %lu %lu %lu %u %lu %u\n",
			 (int)bdev->major, (int)bdev->minor, bdev->name,
			 (unsigned long)st.ios[0], (unsigned long)st.merges[0],
			 (unsigned long)st.sectors[0], ns_to_ms(st.nsecs[0]),
			 (unsigned long)st.ios[1], (unsigned long)st.merges[1],
			 (unsigned long)st.sectors[1], ns_to_ms(st.nsecs[1]),
			 (unsigned int)st.in_flight, ns_to_ms(st.io_nsecs),
			 ns_to_ms(st.weighted_nsecs), 0UL, 0UL, 0UL, 0U,
			 (unsigned long)st.flush_ios, ns_to_ms(st.flush_nsecs));
}

int
blk_format_diskstats(char *buf, size_t size)
{
	struct block_device *bdev;
	unsigned long s = arch_intr_save();
	size_t len = 0;

	list_for_each_entry(bdev, &blk_devices, node) {
		if (len < size)
			len += blk_format_one(bdev, buf + len, size - len);
		else
			len += blk_format_one(bdev, NULL, 0);
	}
	arch_intr_restore(s);
	return (int)len;
}
