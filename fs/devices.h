/*
 * Device files: character device drivers register a range of minors under
 * a major; opening a character-device inode (on any filesystem) dispatches
 * to its driver's file_ops; block-device inodes read and write the disk
 * directly.  init_special_inode() is what a filesystem calls for every
 * device, FIFO or socket inode it reads or creates.
 */
#ifndef FS_DEVICES_H
#define FS_DEVICES_H

#include <stdint.h>
#include "core/list.h"
#include "fs/vfs.h"

struct chrdev {
	const char *name;		/* [I] for /proc/devices and devfs */
	unsigned int major;		/* [I] */
	unsigned int minor;		/* [I] */
	unsigned int count;		/* [I] minors from minor on */
	uint32_t mode;			/* [I] permissions of the devfs node */
	const struct file_ops *fops;	/* [I] */
	struct list_head node;		/* [i] registry */
};

/* Register a character device range; -EBUSY if a minor is taken. */
int chrdev_register(struct chrdev *cd);
/* Call fn for every registered range (devfs makes nodes from them). */
void chrdev_for_each(void (*fn)(const struct chrdev *cd, void *arg),
		     void *arg);
/* Set inode->fops for a character or block device, FIFO or socket. */
void init_special_inode(struct inode *inode, uint32_t mode, uint32_t rdev);
/*
 * Name the function that opens FIFOs (core/pipe.c, registered at boot);
 * it replaces f's ops with the pipe's own.
 */
void fifo_register(int (*open)(struct inode *inode, struct file *f));

/* Opening a character device inode: finds the driver by rdev. */
extern const struct file_ops chrdev_file_ops;
/* Reading and writing a block device inode: the raw disk. */
extern const struct file_ops blkdev_file_ops;

#endif
