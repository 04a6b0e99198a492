/*
 * Write-back: moving dirty file pages, inode metadata and buffers of a
 * mounted filesystem to its disk, for sync(2), unmount and shutdown, and
 * in the background by the flusher kernel thread, which wakes every
 * WRITEBACK_INTERVAL_MS (or when kicked because dirty data passed the
 * background threshold) and writes what has been dirty for longer than
 * WRITEBACK_EXPIRE_NS.  vfs_sync() (fs/vfs.h) lives in fs/writeback.c too.
 *
 * Locks held while calling into the filesystem: inode->lock around
 * pagecache_writeback() (so around writepage) and around
 * super_ops.write_inode; nothing around sync_fs.  Inodes are referenced
 * (iget_ref/iput) while being written; the flusher try-locks them and
 * leaves busy ones for its next pass.
 */
#ifndef FS_WRITEBACK_H
#define FS_WRITEBACK_H

#include <stdbool.h>
#include <stdint.h>

struct inode;
struct super_block;

#define WRITEBACK_INTERVAL_MS	5000	/* flusher period */
#define WRITEBACK_EXPIRE_NS	(5000ULL * 1000000ULL)	/* "old" dirty data */

/*
 * Write back sb: the dirty pages of every inode (those dirty for at least
 * older_than_ns if not 0), then every dirty inode's metadata through
 * write_inode, then sync_fs(sb, true), then the device's dirty buffers
 * (same age rule) and a cache flush of the device.  Returns the first
 * error; what failed stays dirty.  Takes inode locks: the caller holds
 * none of sb's.  Sleeps.
 */
int writeback_sb(struct super_block *sb, uint64_t older_than_ns);
/*
 * fsync(2)/fdatasync(2) of inode: its dirty pages (taking inode->lock),
 * its metadata if dirty (write_inode), then all dirty buffers of its
 * device and a cache flush.  The caller holds a reference to inode and no
 * inode lock.  Returns the first error; what failed stays dirty.  Sleeps.
 */
int writeback_inode(struct inode *inode, bool datasync);
/* Start the flusher thread.  0, -EBUSY if it runs, or -ENOMEM. */
int writeback_start(void);
/* Stop the flusher thread and wait for it (at shutdown, before the final
 * sync).  Nothing if it does not run. */
void writeback_stop(void);
/* Wake the flusher now (dirty data passed the background threshold).
 * Any context; nothing if it does not run. */
void writeback_kick(void);
/* Wake the flusher and wait until it has finished a pass over every
 * filesystem, at most a second; returns at once if it does not run. */
void writeback_throttle(void);

#endif
