/*
 * The FUSE export: the kernel's VFS served to the host through FUSE, for
 * vmlinux-fuse (one ext2 image) and vmlinux-host's fuse=DIR (the live
 * guest tree).  arch-host/fuse.c talks to libfuse and raises IRQ_FUSE;
 * fs/fuse.c runs the requests on kernel threads through the VFS, so the
 * host sees what the guest sees, through the same caches.
 */
#ifndef FS_FUSE_H
#define FS_FUSE_H

/*
 * Export the current task's root at dir on the host (the host side has
 * checked dir before boot) and start the worker threads.  Returns 0 or
 * -errno (logged).
 */
int fuse_export_start(const char *dir);
/* Sleep until the host unmounts the export (or it is stopped). */
void fuse_export_wait(void);
/*
 * Unmount the export on the host, fail the requests not yet served, stop
 * the workers and drop every file and node the host held.  Nothing if the
 * export is not running.  Must not run on a worker thread.
 */
void fuse_export_stop(void);

#endif
