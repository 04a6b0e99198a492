/*
 * The built-in filesystem types, registered at boot by start_kernel()
 * (tmpfs is registered by vfs_init()).
 */
#ifndef FS_FILESYSTEMS_H
#define FS_FILESYSTEMS_H

/* Register "ext2".  0 or -errno. */
int ext2_init(void);
/* Register "devfs".  0 or -errno. */
int devfs_init(void);

#endif
