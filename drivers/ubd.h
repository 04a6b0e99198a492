/*
 * ubd: the disks of vmlinux-host, image files on the host served through
 * io_uring by arch-host/ubd.c.  Disk N is the block device "ubd" + 'a'+N.
 */
#ifndef DRIVERS_UBD_H
#define DRIVERS_UBD_H

#define UBD_MAJOR	98	/* Linux's major for ubd */
#define UBD_MAX_DISKS	8

/*
 * Register a block device for every disk arch-host opened before boot.
 * Returns 0 or -errno.  Called once by start_kernel().
 */
int ubd_init(void);

#endif
