/*
 * Pipes and FIFOs (core/pipe.h).  A struct pipe is a ring buffer with
 * counts of the open read and write ends and two wait queues: readers
 * sleep on rd_wq until there is data or no writer is left, writers on
 * wr_wq until there is room or no reader is left.  Writes of at most
 * PIPE_BUF bytes go in whole; longer ones as room appears.  Every
 * change wakes all sleepers of the queue concerned, which also serves
 * poll and select (pipe_poll registers both queues).
 *
 * pipe(2) ends are struct files on a private pseudo filesystem, pipefs:
 * one S_IFIFO inode and one unhashed dentry "pipe:[ino]" per pipe under
 * a root that is never mounted anywhere, so the files have a vpath like
 * any other and fstat works on them.  pipefs is made on first use.  A
 * FIFO inode of a real filesystem gets its pipe on its first open.
 * pipe_list maps inodes to their pipes until the last end is closed, so
 * a FIFO open of a pipefs inode (through /proc/PID/fd) finds its pipe.
 *
 * pipe(2) and pipe2(2) themselves are at the end of the file.
 *
 * Locking: pipe_list_lock > pipe.lock.  The wait conditions read len,
 * readers, writers and the counters without the lock, after queueing,
 * so that no wake-up is lost; the files being waited on keep the pipe.
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/page.h"
#include "core/pipe.h"
#include "core/printk.h"
#include "core/process.h"
#include "core/signal.h"
#include "core/slab.h"
#include "core/string.h"
#include "core/syscall.h"
#include "core/wait.h"
#include "fs/fdtable.h"
#include "fs/internal.h"

#define PIPEFS_MAGIC	0x50495045	/* "PIPE", as Linux */
#define PIPEFS_DEV	KMKDEV(0, 0xfffff)
#define PIPEFS_ROOT_INO	1
#define PIPE_KMALLOC_MAX (4UL * MIB)	/* the largest kmalloc block */

struct pipe {
	struct mutex lock;
	char *buf;			/* [lock] size bytes */
	size_t size;			/* [lock] capacity, a power of two */
	size_t head;			/* [lock] offset of the first byte */
	size_t len;			/* [lock] bytes buffered */
	unsigned int readers;		/* [lock] open read ends */
	unsigned int writers;		/* [lock] open write ends */
	unsigned int r_counter;		/* [lock] read opens so far */
	unsigned int w_counter;		/* [lock] write opens so far */
	struct wait_queue rd_wq;	/* readers and read-side pollers */
	struct wait_queue wr_wq;	/* writers and write-side pollers */
	struct inode *inode;		/* [I] the FIFO or pipefs inode */
	bool anon;			/* [I] made by pipe(2) */
	struct list_head node;		/* [pipe_list_lock] pipe_list */
};

static const struct file_ops pipe_file_ops;

static LIST_HEAD(pipe_list);		/* [pipe_list_lock] by inode */
static struct mutex pipe_list_lock = MUTEX_INIT(pipe_list_lock, "pipes");

/* ---- pipefs ---- */

static struct fs_type pipefs_type = { .name = "pipefs" };
static const struct super_ops pipefs_super_ops;
static struct mutex pipefs_lock = MUTEX_INIT(pipefs_lock, "pipefs");
static struct super_block pipefs_sb;	/* [pipefs_lock] until ready */
static struct mount pipefs_mnt;		/* [pipefs_lock] until ready */
static char pipefs_source[] = "pipefs";
static uint64_t pipefs_next_ino;	/* [pipefs_lock] */
static bool pipefs_ready;		/* [pipefs_lock] */

/* A new referenced inode of pipefs; pipefs_lock held. */
static int
pipefs_inode(uint32_t mode, uint32_t nlink, struct inode **out)
{
	const struct cred *cr = current_cred();
	struct inode *inode;
	int err;

	err = inode_new(&pipefs_sb, pipefs_next_ino, &inode);
	if (err != 0)
		return err;
	pipefs_next_ino++;
	inode->mode = mode;
	inode->nlink = nlink;
	inode->uid = cr->fsuid;
	inode->gid = cr->fsgid;
	inode->atime = inode->mtime = inode->ctime = vfs_now();
	if (KS_ISFIFO(mode))
		inode->fops = &pipe_fifo_file_ops;
	inode_ready(inode);
	*out = inode;
	return 0;
}

/* Make the super block, root and mount of pipefs; pipefs_lock held. */
static int
pipefs_setup(void)
{
	struct super_block *sb = &pipefs_sb;
	struct inode *root;
	struct dentry *d;
	int err;

	sb->type = &pipefs_type;
	sb->ops = &pipefs_super_ops;
	sb->dev = PIPEFS_DEV;
	sb->block_size = PAGE_SIZE;
	sb->magic = PIPEFS_MAGIC;
	sb->maxbytes = INT64_MAX;
	sb->refcount = 1;
	mutex_init(&sb->lock, "pipefs_sb");
	list_init(&sb->inodes);
	list_init(&sb->dirty);
	pipefs_next_ino = PIPEFS_ROOT_INO;
	err = pipefs_inode(KS_IFDIR | 0700, 2, &root);
	if (err != 0)
		return err;
	d = dentry_alloc_root(root);
	if (d == NULL) {
		root->nlink = 0;
		iput(root);
		return -ENOMEM;
	}
	sb->root = root;
	pipefs_mnt.sb = sb;
	pipefs_mnt.root = d;
	pipefs_mnt.source = pipefs_source;
	pipefs_mnt.refcount = 1;
	list_init(&pipefs_mnt.node);
	pipefs_ready = true;
	return 0;
}

/*
 * A new location for an anonymous file: a "name:[ino]" dentry of pipefs
 * with its own inode of mode, referenced.
 */
static int
pipefs_new_path(const char *prefix, uint32_t mode, struct vpath *out)
{
	struct inode *inode;
	struct dentry *d;
	char name[48];
	int err = 0;

	mutex_lock(&pipefs_lock);
	if (!pipefs_ready)
		err = pipefs_setup();
	if (err == 0)
		err = pipefs_inode(mode, 1, &inode);
	mutex_unlock(&pipefs_lock);
	if (err != 0)
		return err;
	ksnprintf(name, sizeof(name), "%s:[%llu]", prefix,
		  (unsigned long long)inode->ino);
	d = dentry_alloc(pipefs_mnt.root, name, strlen(name));
	if (d == NULL) {
		inode->nlink = 0;
		iput(inode);
		return -ENOMEM;
	}
	dentry_instantiate(d, inode);
	out->mnt = &pipefs_mnt;
	out->dentry = d;
	mnt_get(&pipefs_mnt);
	return 0;
}

int
anon_file_create(const char *name, const struct file_ops *ops, void *priv,
		 unsigned int flags, struct file **out)
{
	struct vpath path;
	struct file *f;
	int err = pipefs_new_path(name, 0600, &path);

	if (err != 0)
		return err;
	f = kzalloc(sizeof(*f));
	if (f == NULL) {
		path.dentry->inode->nlink = 0;
		vpath_put(&path);
		return -ENOMEM;
	}
	f->path = path;
	f->inode = path.dentry->inode;
	f->flags = flags | KO_RDWR;
	f->mode = FMODE_READ | FMODE_WRITE | FMODE_STREAM;
	f->ops = ops;
	f->private = priv;
	f->refcount = 1;
	mutex_init(&f->pos_lock, "f_pos");
	*out = f;
	return 0;
}

/* ---- the pipe object ---- */

static struct pipe *
pipe_alloc(void)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (p == NULL)
		return NULL;
	p->buf = kmalloc(PIPE_DEF_SIZE);
	if (p->buf == NULL) {
		kfree(p);
		return NULL;
	}
	p->size = PIPE_DEF_SIZE;
	mutex_init(&p->lock, "pipe");
	wq_init(&p->rd_wq);
	wq_init(&p->wr_wq);
	list_init(&p->node);
	return p;
}

static void
pipe_free(struct pipe *p)
{
	kfree(p->buf);
	kfree(p);
}

/* Take up to len bytes out of the ring into dst; lock held. */
static size_t
pipe_ring_get(struct pipe *p, char *dst, size_t len)
{
	size_t n = MIN(len, p->len);
	size_t first = MIN(n, p->size - p->head);

	memcpy(dst, p->buf + p->head, first);
	memcpy(dst + first, p->buf, n - first);
	p->head = (p->head + n) & (p->size - 1);
	p->len -= n;
	if (p->len == 0)
		p->head = 0;
	return n;
}

/* Put up to len bytes of src into the ring; lock held. */
static size_t
pipe_ring_put(struct pipe *p, const char *src, size_t len)
{
	size_t n = MIN(len, p->size - p->len);
	size_t tail = (p->head + p->len) & (p->size - 1);
	size_t first = MIN(n, p->size - tail);

	memcpy(p->buf + tail, src, first);
	memcpy(p->buf, src + first, n - first);
	p->len += n;
	return n;
}

/* Wait conditions; read without the lock (see the top of the file). */
static bool
pipe_readable(const struct pipe *p, size_t unused)
{
	(void)unused;
	return p->len > 0 || p->writers == 0;
}

static bool
pipe_writable(const struct pipe *p, size_t need)
{
	return p->readers == 0 || p->size - p->len >= need;
}

static bool
pipe_new_writer(const struct pipe *p, size_t seen)
{
	return p->w_counter != seen;
}

static bool
pipe_new_reader(const struct pipe *p, size_t seen)
{
	return p->r_counter != seen;
}

/* Sleep on wq until ready(p, arg) or a signal: 0 or -ERESTARTSYS.  No
 * lock. */
static int
pipe_sleep(struct pipe *p, struct wait_queue *wq,
	   bool (*ready)(const struct pipe *p, size_t arg), size_t arg)
{
	struct waiter w = { .task = NULL };
	int err = 0;

	for (;;) {
		/* Queued and asleep before testing: wakers cannot slip by. */
		wq_prepare(wq, &w, TASK_INTERRUPTIBLE);
		if (ready(p, arg))
			break;
		if (signal_pending()) {
			err = -ERESTARTSYS;
			break;
		}
		schedule();
	}
	wq_finish(wq, &w);
	return err;
}

/* ---- file operations of both ends ---- */

/* SIGPIPE to the writing thread, as Linux sends it (SI_USER). */
static void
pipe_sigpipe(void)
{
	struct ksiginfo info;

	memset(&info, 0, sizeof(info));
	info.signo = KSIGPIPE;
	info.code = KSI_USER;
	info.rt.pid = current_proc()->pid;
	send_signal_info(current_proc(), current, KSIGPIPE, &info);
}

static long
pipe_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	struct pipe *p = f->private;
	long n = 0;

	(void)pos;
	if (len == 0)
		return 0;
	mutex_lock(&p->lock);
	while (p->len == 0 && p->writers > 0) {
		if (f->flags & KO_NONBLOCK) {
			n = -EAGAIN;
			goto out_unlock;
		}
		mutex_unlock(&p->lock);
		n = pipe_sleep(p, &p->rd_wq, pipe_readable, 0);
		if (n != 0)
			return n;
		mutex_lock(&p->lock);
	}
	n = (long)pipe_ring_get(p, buf, len);
	if (n > 0)
		wq_wake_all(&p->wr_wq);
out_unlock:
	mutex_unlock(&p->lock);
	return n;
}

/*
 * Copy what fits of buf into the pipe, waiting for room unless
 * non-blocking; a write of at most PIPE_BUF bytes waits until all of it
 * fits.  Returns the bytes written or, if none, -EPIPE, -EAGAIN or
 * -ERESTARTSYS.
 */
static long
pipe_write_locked(struct file *f, struct pipe *p, const char *buf,
		  size_t len)
{
	size_t done = 0, need = len <= PIPE_BUF ? len : 1;
	long err = 0;

	while (done < len) {
		if (p->readers == 0) {
			err = -EPIPE;
			break;
		}
		if (p->size - p->len >= need) {
			done += pipe_ring_put(p, buf + done, len - done);
			wq_wake_all(&p->rd_wq);
			continue;
		}
		if (f->flags & KO_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		mutex_unlock(&p->lock);
		err = pipe_sleep(p, &p->wr_wq, pipe_writable, need);
		mutex_lock(&p->lock);
		if (err != 0)
			break;
	}
	return done > 0 ? (long)done : err;
}

static long
pipe_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
	struct pipe *p = f->private;
	bool broken;
	long n;

	(void)pos;
	if (len == 0)
		return 0;
	mutex_lock(&p->lock);
	n = pipe_write_locked(f, p, buf, len);
	broken = p->readers == 0;
	mutex_unlock(&p->lock);
	/* As Linux: SIGPIPE whenever the readers are gone, even after a
	 * partial write. */
	if (broken && current_proc() != NULL)
		pipe_sigpipe();
	return n;
}

static unsigned int
pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->private;
	unsigned int mask = 0;

	if (f->mode & FMODE_READ)
		poll_wait(pt, &p->rd_wq);
	if (f->mode & FMODE_WRITE)
		poll_wait(pt, &p->wr_wq);
	mutex_lock(&p->lock);
	if ((f->mode & FMODE_READ) && p->len > 0)
		mask |= KPOLLIN | KPOLLRDNORM;
	/* A FIFO reader that saw no writer yet gets no hang-up (f->pos). */
	if ((f->mode & FMODE_READ) && p->writers == 0 &&
	    f->pos != p->w_counter)
		mask |= KPOLLHUP;
	if ((f->mode & FMODE_WRITE) && p->size - p->len >= PIPE_BUF)
		mask |= KPOLLOUT | KPOLLWRNORM;
	if ((f->mode & FMODE_WRITE) && p->readers == 0)
		mask |= KPOLLERR;
	mutex_unlock(&p->lock);
	return mask;
}

static void
pipe_release(struct inode *inode, struct file *f)
{
	struct pipe *p = f->private;
	bool last;

	mutex_lock(&pipe_list_lock);
	mutex_lock(&p->lock);
	if (f->mode & FMODE_READ)
		p->readers--;
	if (f->mode & FMODE_WRITE)
		p->writers--;
	last = p->readers == 0 && p->writers == 0;
	if (last)
		list_del(&p->node);
	mutex_unlock(&p->lock);
	mutex_unlock(&pipe_list_lock);
	wq_wake_all(&p->rd_wq);
	wq_wake_all(&p->wr_wq);
	if (!last)
		return;
	/* The inode of pipe(2) goes with its dentry when file_put drops it. */
	if (p->anon)
		inode->nlink = 0;
	pipe_free(p);
}

static const struct file_ops pipe_file_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.release = pipe_release,
};

bool
pipe_is_pipe(const struct file *f)
{
	return f->ops == &pipe_file_ops;
}

/* ---- pipe(2) ---- */

/* One end of an anonymous pipe at path; it takes its own reference. */
static int
pipe_file_new(const struct vpath *path, struct pipe *p, unsigned int flags,
	      unsigned int mode, struct file **out)
{
	struct file *f = kzalloc(sizeof(*f));

	if (f == NULL)
		return -ENOMEM;
	f->path = *path;
	vpath_get(path);
	f->inode = path->dentry->inode;
	f->flags = flags;
	f->mode = mode | FMODE_STREAM;
	f->ops = &pipe_file_ops;
	f->private = p;
	f->refcount = 1;
	mutex_init(&f->pos_lock, "f_pos");
	*out = f;
	return 0;
}

int
pipe_create(unsigned int flags, struct file **rd, struct file **wr)
{
	struct vpath path;
	struct pipe *p;
	int err;

	flags &= KO_NONBLOCK | KO_DIRECT;
	err = pipefs_new_path("pipe", KS_IFIFO | 0600, &path);
	if (err != 0)
		return err;
	p = pipe_alloc();
	if (p == NULL) {
		err = -ENOMEM;
		goto out_path;
	}
	p->inode = path.dentry->inode;
	p->anon = true;
	p->readers = p->writers = 1;
	p->r_counter = p->w_counter = 1;
	err = pipe_file_new(&path, p, KO_RDONLY | flags, FMODE_READ, rd);
	if (err != 0) {
		pipe_free(p);
		goto out_path;
	}
	err = pipe_file_new(&path, p, KO_WRONLY | flags, FMODE_WRITE, wr);
	if (err != 0) {
		p->writers = 0;		/* so that *rd's release frees p */
		file_put(*rd);
	} else {
		mutex_lock(&pipe_list_lock);
		list_add(&p->node, &pipe_list);
		mutex_unlock(&pipe_list_lock);
	}
out_path:
	if (err != 0)
		path.dentry->inode->nlink = 0;	/* evicted with the dentry */
	vpath_put(&path);
	return err;
}

/* ---- FIFOs ---- */

/* The pipe of a FIFO inode, made on its first open; pipe_list_lock
 * held. */
static struct pipe *
fifo_pipe_get(struct inode *inode)
{
	struct pipe *p;

	list_for_each_entry(p, &pipe_list, node)
		if (p->inode == inode)
			return p;
	p = pipe_alloc();
	if (p != NULL) {
		p->inode = inode;
		list_add(&p->node, &pipe_list);
	}
	return p;
}

/* Count f as an end of p and wake partners waiting for it; p->lock held. */
static int
fifo_attach(struct pipe *p, struct file *f)
{
	unsigned int rw = f->mode & (FMODE_READ | FMODE_WRITE);

	if (rw == 0)
		return -EINVAL;
	if (rw == FMODE_WRITE && p->readers == 0 && (f->flags & KO_NONBLOCK))
		return -ENXIO;
	f->pos = 0;
	if (rw & FMODE_READ) {
		p->r_counter++;
		p->readers++;
		/* No hang-up for this reader until a writer came and went. */
		if (rw == FMODE_READ && p->writers == 0)
			f->pos = p->w_counter;
		wq_wake_all(&p->wr_wq);
	}
	if (rw & FMODE_WRITE) {
		p->w_counter++;
		p->writers++;
		wq_wake_all(&p->rd_wq);
	}
	return 0;
}

/* A blocking open of one end waits for the first of the other end. */
static int
fifo_wait_partner(struct pipe *p, struct file *f)
{
	unsigned int rw = f->mode & (FMODE_READ | FMODE_WRITE);
	int err = 0;
	size_t seen;

	if (f->flags & KO_NONBLOCK)
		return 0;
	mutex_lock(&p->lock);
	if (rw == FMODE_READ && p->writers == 0) {
		seen = p->w_counter;
		mutex_unlock(&p->lock);
		err = pipe_sleep(p, &p->rd_wq, pipe_new_writer, seen);
	} else if (rw == FMODE_WRITE && p->readers == 0) {
		seen = p->r_counter;
		mutex_unlock(&p->lock);
		err = pipe_sleep(p, &p->wr_wq, pipe_new_reader, seen);
	} else {
		mutex_unlock(&p->lock);
	}
	return err;
}

int
pipe_fifo_open(struct inode *inode, struct file *f)
{
	struct pipe *p;
	int err;

	mutex_lock(&pipe_list_lock);
	p = fifo_pipe_get(inode);
	if (p == NULL) {
		mutex_unlock(&pipe_list_lock);
		return -ENOMEM;
	}
	mutex_lock(&p->lock);
	err = fifo_attach(p, f);
	mutex_unlock(&p->lock);
	if (err != 0 && p->readers == 0 && p->writers == 0) {
		list_del(&p->node);
		pipe_free(p);
	}
	mutex_unlock(&pipe_list_lock);
	if (err != 0)
		return err;
	f->private = p;
	f->ops = &pipe_file_ops;
	f->mode |= FMODE_STREAM;
	err = fifo_wait_partner(p, f);
	if (err != 0)
		pipe_release(inode, f);	/* the open fails: no release */
	return err;
}

const struct file_ops pipe_fifo_file_ops = {
	.open = pipe_fifo_open,
};

/* ---- fcntl and ioctl ---- */

long
pipe_nread(struct file *f)
{
	struct pipe *p = f->private;
	long n;

	if (!pipe_is_pipe(f))
		return -EBADF;
	mutex_lock(&p->lock);
	n = (long)p->len;
	mutex_unlock(&p->lock);
	return n;
}

long
pipe_get_size(struct file *f)
{
	struct pipe *p = f->private;
	long n;

	if (!pipe_is_pipe(f))
		return -EBADF;
	mutex_lock(&p->lock);
	n = (long)p->size;
	mutex_unlock(&p->lock);
	return n;
}

/* Linux's round_pipe_size: a power of two of at least a page; 0 if
 * too large. */
static size_t
pipe_round_size(unsigned long size)
{
	size_t n = PAGE_SIZE;

	if (size > (1UL << 31))
		return 0;
	while (n < size)
		n <<= 1;
	return n;
}

long
pipe_set_size(struct file *f, unsigned long size)
{
	struct pipe *p = f->private;
	size_t n = pipe_round_size(size);
	char *buf, *old;
	size_t len;

	if (!pipe_is_pipe(f))
		return -EBADF;
	if (n == 0)
		return -EINVAL;
	if (n > PIPE_MAX_SIZE && current_cred()->euid != 0)
		return -EPERM;
	if (n > PIPE_KMALLOC_MAX)
		return -ENOMEM;
	buf = kmalloc(n);
	if (buf == NULL)
		return -ENOMEM;
	mutex_lock(&p->lock);
	if (p->len > n) {
		mutex_unlock(&p->lock);
		kfree(buf);
		return -EBUSY;
	}
	len = pipe_ring_get(p, buf, p->len);
	old = p->buf;
	p->buf = buf;
	p->size = n;
	p->len = len;
	p->head = 0;
	mutex_unlock(&p->lock);
	kfree(old);
	wq_wake_all(&p->wr_wq);
	return (long)n;
}

/* ---- pipe(2) and pipe2(2) ---- */

/* Install both ends of a new pipe and tell the guest their numbers. */
static long
pipe_install(uintptr_t ufds, unsigned int flags)
{
	bool cloexec = (flags & KO_CLOEXEC) != 0;
	struct fdtable *t = current->files;
	struct file *rd, *wr;
	int fds[2], err;

	if (flags & ~(KO_CLOEXEC | KO_NONBLOCK | KO_DIRECT))
		return -EINVAL;
	if (t == NULL)
		return -EMFILE;
	err = pipe_create(flags, &rd, &wr);
	if (err != 0)
		return err;
	fds[0] = fdtable_alloc(t, rd, 0, cloexec);
	fds[1] = fds[0] < 0 ? fds[0] : fdtable_alloc(t, wr, 0, cloexec);
	file_put(rd);
	file_put(wr);
	err = fds[1] < 0 ? fds[1] : copyout(ufds, fds, sizeof(fds));
	if (err != 0 && fds[0] >= 0)
		fdtable_close(t, fds[0]);
	if (err != 0 && fds[1] >= 0)
		fdtable_close(t, fds[1]);
	return err;
}

SYSCALL_DEFINE1(pipe, uintptr_t, ufds)
{
	return pipe_install(ufds, 0);
}

SYSCALL_DEFINE2(pipe2, uintptr_t, ufds, unsigned int, flags)
{
	return pipe_install(ufds, flags);
}
