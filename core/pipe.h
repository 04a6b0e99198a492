/*
 * Pipes and FIFOs: a ring buffer (64 KiB by default, like Linux's 16
 * pages) between the open files of its read and write ends, with
 * blocking reads and writes on wait queues, PIPE_BUF-atomic writes,
 * EOF once every writer has gone and EPIPE plus SIGPIPE once every
 * reader has.  pipe(2) makes an anonymous pipe on a private pseudo
 * filesystem (fstat says S_IFIFO); a FIFO inode of any filesystem gets
 * the same object when it is opened (pipe_fifo_file_ops).
 */
#ifndef CORE_PIPE_H
#define CORE_PIPE_H

#include "fs/vfs.h"

#define PIPE_BUF		4096		/* atomic write size */
#define PIPE_DEF_SIZE		(64 * 1024)	/* default capacity */
#define PIPE_MAX_SIZE		(1024 * 1024)	/* pipe-max-size */

/*
 * A new anonymous pipe: *rd (O_RDONLY) and *wr (O_WRONLY) carry the
 * KO_NONBLOCK and KO_DIRECT bits of flags, one reference each.  0,
 * -ENOMEM, -ENFILE.
 */
int pipe_create(unsigned int flags, struct file **rd, struct file **wr);
/*
 * An anonymous file (signalfd and the like) on a "name:[ino]" inode of
 * pipefs with ops and private data priv; flags are its O_* flags.
 * ops->release must set the inode's nlink to 0 (it goes with its
 * dentry then).  0 or -ENOMEM.
 */
int anon_file_create(const char *name, const struct file_ops *ops,
		     void *priv, unsigned int flags, struct file **out);

/*
 * The open of a FIFO inode: attaches f to the inode's pipe (made on its
 * first open) and waits for a partner as fifo(7) says.  Filesystems get
 * it through init_special_inode(), which sets inode->fops to
 * &pipe_fifo_file_ops for S_IFIFO inodes.
 */
int pipe_fifo_open(struct inode *inode, struct file *f);
extern const struct file_ops pipe_fifo_file_ops;

/* True if f is either end of a pipe or FIFO. */
bool pipe_is_pipe(const struct file *f);
/* Bytes waiting to be read in f's pipe (FIONREAD); -EBADF if no pipe. */
long pipe_nread(struct file *f);
/* F_GETPIPE_SZ: the capacity of f's pipe; -EBADF if f is no pipe. */
long pipe_get_size(struct file *f);
/*
 * F_SETPIPE_SZ: make the capacity at least size (rounded up to a power
 * of two, at least a page); returns it.  -EBADF if f is no pipe, -EBUSY
 * if more is buffered, -EPERM above PIPE_MAX_SIZE for non-root, -EINVAL,
 * -ENOMEM.
 */
long pipe_set_size(struct file *f, unsigned long size);

#endif
