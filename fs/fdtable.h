/*
 * File descriptor tables: what a process's fds refer to, for the system
 * call layer.  Each slot holds a referenced struct file and a close-on-
 * exec flag; new fds are the lowest free ones at or above a minimum and
 * below the table's limit (RLIMIT_NOFILE).  Tables are shared by
 * CLONE_FILES threads (refcount) and copied by fork.
 *
 * Locking: lock guards the slots; files are put after it is dropped,
 * since a release may sleep.  Never used from interrupt context.
 */
#ifndef FS_FDTABLE_H
#define FS_FDTABLE_H

#include <stdbool.h>
#include "core/mutex.h"

struct file;

#define FDTABLE_DEFAULT_LIMIT	1024		/* soft RLIMIT_NOFILE */
#define FDTABLE_MAX_LIMIT	(1U << 20)	/* fs.nr_open */

struct fdtable {
	struct mutex lock;
	unsigned int size;		/* [lock] slots in fd[] */
	unsigned int limit;		/* [lock] fds are below it */
	unsigned int next;		/* [lock] every fd below it is used */
	struct file **fd;		/* [lock] NULL: free */
	unsigned long *cloexec;		/* [lock] bitmap of size bits */
	int refcount;			/* [i] CLONE_FILES sharers */
};

/* A new, empty table with the default limit (one reference). */
int fdtable_create(struct fdtable **out);
/* A copy of t for fork: the same files (referenced again) and flags. */
int fdtable_copy(struct fdtable *t, struct fdtable **out);
void fdtable_get(struct fdtable *t);
/* Drop a reference; the last one closes every fd and frees t. */
void fdtable_put(struct fdtable *t);

/*
 * Install f (the table takes its own reference) at the lowest free fd
 * >= min; returns the fd, -EMFILE if none is free below the limit,
 * -EINVAL if min is not below it (F_DUPFD), -ENOMEM.
 */
int fdtable_alloc(struct fdtable *t, struct file *f, unsigned int min,
		  bool cloexec);
/* The file at fd, referenced (the caller puts it), or -EBADF. */
int fdtable_file(struct fdtable *t, int fd, struct file **out);
/* Close fd: -EBADF if it is not open. */
int fdtable_close(struct fdtable *t, int fd);
/*
 * dup2/dup3: make newfd refer to oldfd's file, closing what newfd held;
 * returns newfd.  -EBADF if oldfd is not open or newfd not below the
 * limit.  oldfd == newfd returns newfd unchanged (dup2; dup3's EINVAL is
 * the caller's).
 */
int fdtable_dup2(struct fdtable *t, int oldfd, int newfd, bool cloexec);
/* Read and set the close-on-exec flag of fd: 0/1, or -EBADF. */
int fdtable_get_cloexec(struct fdtable *t, int fd);
int fdtable_set_cloexec(struct fdtable *t, int fd, bool cloexec);
/* Close the fds marked close-on-exec (execve). */
void fdtable_close_on_exec(struct fdtable *t);
/* Close every fd (exit). */
void fdtable_close_all(struct fdtable *t);
/* Set the limit (1..FDTABLE_MAX_LIMIT, else -EINVAL / -EPERM above the
 * maximum); fds already open above it stay. */
int fdtable_set_limit(struct fdtable *t, unsigned int limit);
unsigned int fdtable_limit(struct fdtable *t);

#endif
