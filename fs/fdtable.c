/*
 * File descriptor tables (fs/fdtable.h).  The slots are an array of file
 * pointers with a close-on-exec bitmap beside it, grown by doubling up to
 * the limit; a hint remembers that every fd below it is in use, so the
 * search for the lowest free fd starts there.  Closing and replacing
 * take the file out under the table lock and put it after the unlock.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/slab.h"
#include "core/string.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"

#define LONG_BITS	(8 * sizeof(unsigned long))
#define FDTABLE_MIN_SIZE 64

static bool
fd_cloexec(const struct fdtable *t, unsigned int fd)
{
	return (t->cloexec[fd / LONG_BITS] >> (fd % LONG_BITS)) & 1;
}

static void
fd_set_cloexec(struct fdtable *t, unsigned int fd, bool on)
{
	unsigned long bit = 1UL << (fd % LONG_BITS);

	if (on)
		t->cloexec[fd / LONG_BITS] |= bit;
	else
		t->cloexec[fd / LONG_BITS] &= ~bit;
}

/* Make room for size slots (a multiple of LONG_BITS); lock held. */
static int
fdtable_resize(struct fdtable *t, unsigned int size)
{
	struct file **fd = kzalloc(size * sizeof(*fd));
	unsigned long *bits = kzalloc(size / 8);

	if (fd == NULL || bits == NULL) {
		kfree(fd);
		kfree(bits);
		return -ENOMEM;
	}
	if (t->size != 0) {
		memcpy(fd, t->fd, t->size * sizeof(*fd));
		memcpy(bits, t->cloexec, t->size / 8);
	}
	kfree(t->fd);
	kfree(t->cloexec);
	t->fd = fd;
	t->cloexec = bits;
	t->size = size;
	return 0;
}

/* Grow so that fd has a slot; lock held. */
static int
fdtable_expand(struct fdtable *t, unsigned int fd)
{
	unsigned int size = t->size != 0 ? t->size : FDTABLE_MIN_SIZE;

	while (size <= fd)
		size *= 2;
	return size == t->size ? 0 : fdtable_resize(t, size);
}

static struct fdtable *
fdtable_new(unsigned int limit)
{
	struct fdtable *t = kzalloc(sizeof(*t));

	if (t == NULL)
		return NULL;
	mutex_init(&t->lock, "fdtable");
	t->limit = limit;
	t->refcount = 1;
	if (fdtable_resize(t, FDTABLE_MIN_SIZE) != 0) {
		kfree(t);
		return NULL;
	}
	return t;
}

int
fdtable_create(struct fdtable **out)
{
	*out = fdtable_new(FDTABLE_DEFAULT_LIMIT);
	return *out != NULL ? 0 : -ENOMEM;
}

int
fdtable_copy(struct fdtable *t, struct fdtable **out)
{
	struct fdtable *n;
	int err;

	mutex_lock(&t->lock);
	n = fdtable_new(t->limit);
	err = n != NULL ? fdtable_resize(n, t->size) : -ENOMEM;
	if (err == 0) {
		memcpy(n->cloexec, t->cloexec, t->size / 8);
		n->next = t->next;
		for (unsigned int fd = 0; fd < t->size; fd++) {
			n->fd[fd] = t->fd[fd];
			if (n->fd[fd] != NULL)
				file_get(n->fd[fd]);
		}
		*out = n;
	} else if (n != NULL) {
		fdtable_put(n);
	}
	mutex_unlock(&t->lock);
	return err;
}

void
fdtable_get(struct fdtable *t)
{
	unsigned long s = arch_intr_save();

	t->refcount++;
	arch_intr_restore(s);
}

void
fdtable_put(struct fdtable *t)
{
	unsigned long s = arch_intr_save();
	bool last;

	KASSERT(t->refcount > 0);
	last = --t->refcount == 0;
	arch_intr_restore(s);
	if (!last)
		return;
	fdtable_close_all(t);
	kfree(t->fd);
	kfree(t->cloexec);
	kfree(t);
}

/* The lowest free fd >= min below the limit, or -EMFILE; lock held. */
static int
fdtable_find_free(const struct fdtable *t, unsigned int min)
{
	unsigned int fd = MAX(min, t->next);

	while (fd < t->size && t->fd[fd] != NULL)
		fd++;
	return fd < t->limit ? (int)fd : -EMFILE;
}

/* Put f (already referenced for the table) in free slot fd; lock held. */
static void
fdtable_fill(struct fdtable *t, unsigned int fd, struct file *f, bool cloexec)
{
	t->fd[fd] = f;
	fd_set_cloexec(t, fd, cloexec);
	if (fd == t->next)
		t->next = fd + 1;
}

int
fdtable_alloc(struct fdtable *t, struct file *f, unsigned int min,
	      bool cloexec)
{
	int fd;

	mutex_lock(&t->lock);
	fd = min >= t->limit ? -EINVAL : fdtable_find_free(t, min);
	if (fd >= 0 && fdtable_expand(t, (unsigned int)fd) != 0)
		fd = -ENOMEM;
	if (fd >= 0) {
		file_get(f);
		fdtable_fill(t, (unsigned int)fd, f, cloexec);
	}
	mutex_unlock(&t->lock);
	return fd;
}

/* The file at fd or NULL; lock held. */
static struct file *
fdtable_slot(const struct fdtable *t, int fd)
{
	if (fd < 0 || (unsigned int)fd >= t->size)
		return NULL;
	return t->fd[fd];
}

int
fdtable_file(struct fdtable *t, int fd, struct file **out)
{
	struct file *f;

	mutex_lock(&t->lock);
	f = fdtable_slot(t, fd);
	if (f != NULL)
		file_get(f);
	mutex_unlock(&t->lock);
	*out = f;
	return f != NULL ? 0 : -EBADF;
}

/* Empty slot fd and return what it held; lock held. */
static struct file *
fdtable_take(struct fdtable *t, int fd)
{
	struct file *f = fdtable_slot(t, fd);

	if (f == NULL)
		return NULL;
	t->fd[fd] = NULL;
	fd_set_cloexec(t, (unsigned int)fd, false);
	if ((unsigned int)fd < t->next)
		t->next = (unsigned int)fd;
	return f;
}

int
fdtable_close(struct fdtable *t, int fd)
{
	struct file *f;

	mutex_lock(&t->lock);
	f = fdtable_take(t, fd);
	mutex_unlock(&t->lock);
	if (f == NULL)
		return -EBADF;
	file_put(f);
	return 0;
}

int
fdtable_dup2(struct fdtable *t, int oldfd, int newfd, bool cloexec)
{
	struct file *f, *old = NULL;
	int err = 0;

	mutex_lock(&t->lock);
	f = fdtable_slot(t, oldfd);
	if (f == NULL || newfd < 0 || (unsigned int)newfd >= t->limit)
		err = -EBADF;
	else if (oldfd != newfd)
		err = fdtable_expand(t, (unsigned int)newfd);
	if (err == 0 && oldfd != newfd) {
		old = fdtable_take(t, newfd);
		file_get(f);
		fdtable_fill(t, (unsigned int)newfd, f, cloexec);
	}
	mutex_unlock(&t->lock);
	if (old != NULL)
		file_put(old);
	return err != 0 ? err : newfd;
}

int
fdtable_get_cloexec(struct fdtable *t, int fd)
{
	int ret;

	mutex_lock(&t->lock);
	ret = -EBADF;
	if (fdtable_slot(t, fd) != NULL)
		ret = fd_cloexec(t, (unsigned int)fd);
	mutex_unlock(&t->lock);
	return ret;
}

int
fdtable_set_cloexec(struct fdtable *t, int fd, bool cloexec)
{
	int err = 0;

	mutex_lock(&t->lock);
	if (fdtable_slot(t, fd) == NULL)
		err = -EBADF;
	else
		fd_set_cloexec(t, (unsigned int)fd, cloexec);
	mutex_unlock(&t->lock);
	return err;
}

/* Close the fds from *fd on that match (all, or close-on-exec ones). */
static void
fdtable_close_matching(struct fdtable *t, bool only_cloexec)
{
	struct file *f;
	unsigned int fd = 0;

	for (;;) {
		mutex_lock(&t->lock);
		while (fd < t->size && (t->fd[fd] == NULL ||
		       (only_cloexec && !fd_cloexec(t, fd))))
			fd++;
		f = fd < t->size ? fdtable_take(t, (int)fd) : NULL;
		mutex_unlock(&t->lock);
		if (f == NULL)
			return;
		file_put(f);
	}
}

void
fdtable_close_on_exec(struct fdtable *t)
{
	fdtable_close_matching(t, true);
}

void
fdtable_close_all(struct fdtable *t)
{
	fdtable_close_matching(t, false);
}

int
fdtable_set_limit(struct fdtable *t, unsigned int limit)
{
	if (limit == 0)
		return -EINVAL;
	if (limit > FDTABLE_MAX_LIMIT)
		return -EPERM;
	mutex_lock(&t->lock);
	t->limit = limit;
	mutex_unlock(&t->lock);
	return 0;
}

unsigned int
fdtable_limit(struct fdtable *t)
{
	unsigned int limit;

	mutex_lock(&t->lock);
	limit = t->limit;
	mutex_unlock(&t->lock);
	return limit;
}
