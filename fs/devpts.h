/*
 * devpts: the filesystem at /dev/pts that holds a node for each pty
 * slave (drivers/tty/pty.c makes and removes them).
 */
#ifndef FS_DEVPTS_H
#define FS_DEVPTS_H

#include <stdint.h>

struct cred;

/* Register the "devpts" filesystem type.  0 or -errno. */
int devpts_init(void);
/*
 * At boot, once devfs is on /dev: make /dev/pts and mount devpts there.
 * 0 or -errno.
 */
int devpts_mount_boot(void);
/* Make the node of slave index (rdev, mode 0620, owned by cr). */
int devpts_pty_new(int index, uint32_t rdev, const struct cred *cr);
/* Remove the node of slave index, if there is one. */
void devpts_pty_kill(int index);

#endif
