/*
 * Write-back of whole filesystems: writeback_sb() pushes a super block's
 * dirty pages (pagecache_writeback under each inode's lock), then its
 * dirty inodes (super_ops.write_inode, under the inode's lock as
 * vfs_sync_inode() calls it too), then sync_fs,
 * then the device's dirty buffers and a cache flush.  vfs_sync() does that
 * for every mounted super block.  The flusher kernel thread wakes every
 * WRITEBACK_INTERVAL_MS, or when kicked because dirty pages passed the
 * background threshold, and writes what has been dirty for longer than
 * WRITEBACK_EXPIRE_NS (everything, past the threshold) without waiting
 * for busy inodes; writers over the dirty limit wait for one of its passes
 * (writeback_throttle).
 *
 * Inodes are walked on sb->inodes and sb->dirty with interrupts disabled
 * and referenced (iget_ref/iput) while they are written.  The dirty-inode
 * protocol shared with fs/inode.c: I_DIRTY is set exactly when the inode
 * is on sb->dirty, both guarded by disabling interrupts; write-back takes
 * an inode off the list and clears I_DIRTY before write_inode, and puts it
 * back if that fails.  Lock order: inode.lock > sb.lock (in the
 * filesystem) > buffer cache write-back mutex; no lock of this file is held
 * while calling out.  The flusher only try-locks inodes (a writer that
 * holds one may be waiting for the flusher), so a busy inode waits for
 * the next pass.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/kthread.h"
#include "core/mutex.h"
#include "core/printk.h"
#include "core/sched.h"
#include "core/timer.h"
#include "core/wait.h"
#include "drivers/blk.h"
#include "fs/buffer.h"
#include "fs/pagecache.h"
#include "fs/vfs.h"
#include "fs/writeback.h"

#define WB_INODE_BATCH	32	/* inodes written per round */
#define WB_THROTTLE_MS	1000	/* longest wait of a throttled writer */

/* One write-back pass over one or more super blocks. */
struct wb_control {
	uint64_t older_than_ns;	/* write only what is this old (0: all) */
	bool background;	/* skip busy inodes; no wait, no flush */
	int err;		/* first error */
};

static struct task *flusher;		/* [i] NULL when not running */
static bool flusher_kicked;		/* [i] */
static bool flusher_stopping;		/* [i] */
static struct wait_queue flusher_wq = WAIT_QUEUE_INIT(flusher_wq);
static unsigned long pass_gen;		/* [i] flusher passes ended */
static struct wait_queue pass_wq = WAIT_QUEUE_INIT(pass_wq);
static int last_bg_err;			/* flusher only */

/* Keep the first error. */
static void
wb_error(int *err, int e)
{
	if (*err == 0 && e < 0)
		*err = e;
}

/* ---- dirty pages ---- */

/* May write-back touch inode's pages now? */
static bool
wb_pages_wanted(const struct inode *inode)
{
	return inode->nr_dirty > 0 && !(inode->state & (I_NEW | I_FREEING)) &&
	       inode->pcops != NULL && inode->pcops->writepage != NULL;
}

/*
 * The next inode of sb after prev (from the first if NULL, or if prev
 * left the list meanwhile) with dirty pages to write, referenced, or NULL.
 * Interrupts disabled.
 */
static struct inode *
wb_next_dirty(struct super_block *sb, struct inode *prev)
{
	struct list_head *pos = sb->inodes.next;
	struct inode *inode;

	if (prev != NULL && !list_empty(&prev->sb_node))
		pos = prev->sb_node.next;
	for (; pos != &sb->inodes; pos = pos->next) {
		inode = list_entry(pos, struct inode, sb_node);
		if (wb_pages_wanted(inode)) {
			iget_ref(inode);
			return inode;
		}
	}
	return NULL;
}

/* Take inode's lock; in the background only if it is free.  True if
 * taken. */
static bool
wb_lock_inode(struct inode *inode, const struct wb_control *wbc)
{
	if (wbc->background)
		return mutex_trylock(&inode->lock);
	mutex_lock(&inode->lock);
	return true;
}

/* Write the pages of inode under its lock (background: if it is free). */
static int
wb_inode_pages(struct inode *inode, const struct wb_control *wbc)
{
	int err;

	if (!wb_lock_inode(inode, wbc))
		return 0;
	err = pagecache_writeback(inode, wbc->older_than_ns);
	mutex_unlock(&inode->lock);
	return err;
}

static int
wb_sb_pages(struct super_block *sb, const struct wb_control *wbc)
{
	struct inode *inode = NULL, *next;
	unsigned long s;
	int err = 0;

	for (;;) {
		s = arch_intr_save();
		next = wb_next_dirty(sb, inode);
		arch_intr_restore(s);
		if (inode != NULL)
			iput(inode);
		if (next == NULL)
			return err;
		inode = next;
		wb_error(&err, wb_inode_pages(inode, wbc));
	}
}

/* ---- dirty inodes ---- */

static unsigned long
wb_count_dirty_inodes(struct super_block *sb)
{
	unsigned long s = arch_intr_save(), n = 0;
	struct list_head *pos;

	list_for_each(pos, &sb->dirty)
		n++;
	arch_intr_restore(s);
	return n;
}

/* Take inode off its sb's dirty list, clean and referenced, if it is
 * dirty and may be written; false if not.  Interrupts disabled. */
static bool
wb_take_inode(struct inode *inode)
{
	if ((inode->state & (I_DIRTY | I_NEW | I_FREEING)) != I_DIRTY)
		return false;
	list_del(&inode->dirty_node);
	inode->state &= ~I_DIRTY;
	iget_ref(inode);
	return true;
}

/* Take up to max of sb's dirty inodes off its list, clean and
 * referenced, into batch (skipping those being made or freed). */
static unsigned int
wb_take_dirty_inodes(struct super_block *sb, struct inode **batch,
		     unsigned int max)
{
	unsigned long s = arch_intr_save();
	struct inode *inode, *next;
	unsigned int n = 0;

	list_for_each_entry_safe(inode, next, &sb->dirty, dirty_node) {
		if (n == max)
			break;
		if (wb_take_inode(inode))
			batch[n++] = inode;
	}
	arch_intr_restore(s);
	return n;
}

/* Put inode back on its sb's dirty list after write_inode failed. */
static void
wb_redirty_inode(struct inode *inode)
{
	unsigned long s = arch_intr_save();

	if (!(inode->state & I_DIRTY)) {
		inode->state |= I_DIRTY;
		list_add_tail(&inode->dirty_node, &inode->sb->dirty);
	}
	arch_intr_restore(s);
}

/* Write one taken inode's metadata under its lock and drop our
 * reference; in the background a busy inode just stays dirty. */
static int
wb_write_inode(struct inode *inode, const struct wb_control *wbc)
{
	const struct super_ops *ops = inode->sb->ops;
	int err = 0;

	if (!wb_lock_inode(inode, wbc)) {
		wb_redirty_inode(inode);
		iput(inode);
		return 0;
	}
	if (ops != NULL && ops->write_inode != NULL)
		err = ops->write_inode(inode);
	mutex_unlock(&inode->lock);
	if (err < 0)
		wb_redirty_inode(inode);
	iput(inode);
	return err < 0 ? err : 0;
}

/* Write every inode dirty when this starts (bounded, so inodes dirtied
 * again or failing again wait for the next pass). */
static int
wb_sb_inodes(struct super_block *sb, const struct wb_control *wbc)
{
	struct inode *batch[WB_INODE_BATCH];
	unsigned long budget = wb_count_dirty_inodes(sb);
	unsigned int i, n;
	int err = 0;

	while (budget > 0) {
		n = (unsigned int)MIN(budget, WB_INODE_BATCH);
		n = wb_take_dirty_inodes(sb, batch, n);
		if (n == 0)
			break;
		budget -= n;
		for (i = 0; i < n; i++)
			wb_error(&err, wb_write_inode(batch[i], wbc));
	}
	return err;
}

/* ---- super blocks ---- */

static int
wb_sb(struct super_block *sb, const struct wb_control *wbc)
{
	int err = 0;

	wb_error(&err, wb_sb_pages(sb, wbc));
	wb_error(&err, wb_sb_inodes(sb, wbc));
	if (sb->ops != NULL && sb->ops->sync_fs != NULL)
		wb_error(&err, sb->ops->sync_fs(sb, !wbc->background));
	/* Read-only: nothing can be dirty, and a read-only disk refuses a
	 * flush.  (A remount read-only writes everything back first.) */
	if (sb->bdev == NULL || sb->readonly)
		return err;
	wb_error(&err, buffer_sync_dev(sb->bdev, wbc->older_than_ns));
	if (!wbc->background)
		wb_error(&err, blk_flush(sb->bdev));
	return err;
}

/* vfs_for_each_sb() callback: one super block of a pass. */
static void
wb_sb_cb(struct super_block *sb, void *arg)
{
	struct wb_control *wbc = arg;

	wb_error(&wbc->err, wb_sb(sb, wbc));
}

/*
 * Write back sb's dirty pages, inodes and buffers (those dirty for at
 * least older_than_ns if not 0), sync_fs(sb, true) and flush its disk.
 * Returns the first error.  The caller holds no inode lock of sb.  Sleeps.
 */
int
writeback_sb(struct super_block *sb, uint64_t older_than_ns)
{
	struct wb_control wbc = { .older_than_ns = older_than_ns };

	return wb_sb(sb, &wbc);
}

/*
 * fsync(2) of inode: its dirty pages (under inode->lock), its metadata if
 * dirty, then the device's dirty buffers and a cache flush.  datasync is
 * not told apart: metadata is written too.  The caller holds a reference
 * and no inode lock.  Returns the first error.  Sleeps.
 */
int
writeback_inode(struct inode *inode, bool datasync)
{
	struct wb_control wbc = { .older_than_ns = 0 };
	struct super_block *sb = inode->sb;
	unsigned long s;
	bool taken;
	int err = 0;

	(void)datasync;
	if (inode->pages != NULL)
		wb_error(&err, wb_inode_pages(inode, &wbc));
	s = arch_intr_save();
	taken = wb_take_inode(inode);
	arch_intr_restore(s);
	if (taken)
		wb_error(&err, wb_write_inode(inode, &wbc));
	if (sb->bdev == NULL || sb->readonly)
		return err;
	wb_error(&err, buffer_sync_dev(sb->bdev, 0));
	wb_error(&err, blk_flush(sb->bdev));
	return err;
}

/*
 * sync(2): write back every mounted filesystem and flush the disks.
 * Returns the first error.  The caller holds no inode lock.  Sleeps.
 */
int
vfs_sync(void)
{
	struct wb_control wbc = { .older_than_ns = 0 };

	vfs_for_each_sb(wb_sb_cb, &wbc);
	return wbc.err;
}

/* ---- the flusher ---- */

struct wb_timeout {
	struct ktimer timer;
	struct task *task;
	bool expired;
};

static void
wb_timeout_fire(struct ktimer *t)
{
	struct wb_timeout *to = container_of(t, struct wb_timeout, timer);

	to->expired = true;
	sched_wake(to->task);
}

/* Sleep on wq until done(arg) holds or at least ms have passed. */
static void
wb_wait(struct wait_queue *wq, bool (*done)(unsigned long),
	unsigned long arg, unsigned int ms)
{
	struct wb_timeout to = { .task = current, .expired = false };
	unsigned long s = arch_intr_save();

	ktimer_init(&to.timer, wb_timeout_fire);
	ktimer_add(&to.timer, jiffies + msecs_to_jiffies(ms) + 1);
	wait_event(wq, done(arg) || to.expired);
	ktimer_del(&to.timer);
	arch_intr_restore(s);
}

static bool
flusher_has_work(unsigned long unused)
{
	(void)unused;
	return flusher_kicked || flusher_stopping;
}

static bool
pass_ended(unsigned long gen)
{
	return pass_gen != gen;
}

/* One background pass over every filesystem; wakes throttled writers. */
static void
flusher_pass(void)
{
	struct wb_control wbc = { .background = true };
	unsigned long s;

	wbc.older_than_ns = pagecache_dirty_over_background() ?
			    0 : WRITEBACK_EXPIRE_NS;
	vfs_for_each_sb(wb_sb_cb, &wbc);
	if (wbc.err != 0 && wbc.err != last_bg_err)
		pr_err("writeback: background write-back failed: error %d\n",
		       wbc.err);
	last_bg_err = wbc.err;
	s = arch_intr_save();
	pass_gen++;
	wq_wake_all(&pass_wq);
	arch_intr_restore(s);
}

static int
flusher_main(void *arg)
{
	(void)arg;
	while (!flusher_stopping) {
		wb_wait(&flusher_wq, flusher_has_work, 0,
			WRITEBACK_INTERVAL_MS);
		flusher_kicked = false;
		if (!flusher_stopping)
			flusher_pass();
	}
	return 0;
}

/* Start the flusher thread.  0, -EBUSY if it runs, or -ENOMEM. */
int
writeback_start(void)
{
	struct task *t;
	int err;

	if (flusher != NULL)
		return -EBUSY;
	flusher_kicked = false;
	flusher_stopping = false;
	last_bg_err = 0;
	wq_init(&flusher_wq);
	wq_init(&pass_wq);
	err = kthread_create(&t, flusher_main, NULL, "flusher");
	if (err)
		return err;
	flusher = t;
	return 0;
}

/* Stop the flusher and wait for it; release throttled writers.  Sleeps. */
void
writeback_stop(void)
{
	struct task *t = flusher;
	unsigned long s;

	if (t == NULL)
		return;
	s = arch_intr_save();
	flusher_stopping = true;
	wq_wake_all(&flusher_wq);
	arch_intr_restore(s);
	kthread_stop(t);
	s = arch_intr_save();
	flusher = NULL;
	pass_gen++;
	wq_wake_all(&pass_wq);
	arch_intr_restore(s);
}

/* Wake the flusher for a pass now.  Any context. */
void
writeback_kick(void)
{
	unsigned long s = arch_intr_save();

	if (flusher != NULL && !flusher_kicked) {
		flusher_kicked = true;
		wq_wake_all(&flusher_wq);
	}
	arch_intr_restore(s);
}

/* Kick the flusher and wait for the end of a pass, at most
 * WB_THROTTLE_MS.  The caller may hold one inode lock.  Sleeps. */
void
writeback_throttle(void)
{
	unsigned long gen = pass_gen;

	if (flusher == NULL || current == flusher)
		return;
	writeback_kick();
	wb_wait(&pass_wq, pass_ended, gen, WB_THROTTLE_MS);
}
