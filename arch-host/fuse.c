/*
 * The host side of the FUSE export, on libfuse3's low-level API.  Reader
 * threads (one with -s, else FUSE_READERS) take requests from /dev/fuse;
 * each callback (fuse_ll.c) turns its request into a struct arch_fuse_req
 * (taking over the receive buffer, which holds its names and data and
 * later the reply), pushes it on a lock-free stack and, if the stack was
 * empty, raises IRQ_FUSE.  The kernel answers with arch_fuse_reply_*(), which
 * calls libfuse on the vCPU thread and recycles the buffer.
 *
 * Two modes: an image (vmlinux-fuse: only the host changes it, so the
 * host may cache names, attributes and data) and the live guest
 * (fuse=DIR: the guest changes files too, so nothing is cached and
 * regular files use direct I/O).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "arch-host/arch.h"
#include "arch-host/fuse_req.h"
#include "arch-host/host.h"
#include "core/kernel.h"

#define FUSE_READERS	4
#define POOL_MAX	16
#define IMAGE_TIMEOUT	86400.0	/* seconds; only we change the image */
#define KICK_SIGNAL	SIGUSR2	/* interrupts a reader's read() */

static struct {
	struct fuse_session *se;
	bool live;			/* fuse=: the guest changes files */
	bool mounted;
	char *mountpoint;
	int nreaders;
	pthread_t readers[FUSE_READERS];
	int nstarted;
	int ready_fd;			/* vmlinux-fuse's parent waits on it */
	char log[256];			/* libfuse's last message at setup */
	bool log_to_buffer;
} fh = { .ready_fd = -1 };

static struct arch_fuse_req *pushed;	/* lock-free stack of requests */
static bool stopping, ended;
static __thread struct fuse_buf *reader_buf;

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static void *pool[POOL_MAX];
static int pool_n;

/* ---- buffers ---- */

static void *
pool_get(void)
{
	void *mem = NULL;

	pthread_mutex_lock(&pool_lock);
	if (pool_n > 0)
		mem = pool[--pool_n];
	pthread_mutex_unlock(&pool_lock);
	return mem;
}

static void
pool_put(void *mem)
{
	pthread_mutex_lock(&pool_lock);
	if (pool_n < POOL_MAX) {
		pool[pool_n++] = mem;
		mem = NULL;
	}
	pthread_mutex_unlock(&pool_lock);
	free(mem);
}

/* ---- requests ---- */

struct hreq *
hreq_new(fuse_req_t req, int op, fuse_ino_t ino)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct hreq *h = calloc(1, sizeof(*h));

	if (h == NULL) {
		fuse_reply_err(req, ENOMEM);
		return NULL;
	}
	h->req = req;
	h->r.op = op;
	h->r.node = ino;
	h->r.uid = ctx->uid;
	h->r.gid = ctx->gid;
	h->r.pid = (uint32_t)ctx->pid;
	if (ctx->uid != 0) {
		gid_t g[32];
		int n = fuse_req_getgroups(req, 32, g);

		for (int i = 0; i < n && i < 32; i++)
			h->r.groups[i] = g[i];
		h->r.ngroups = n > 0 ? (uint32_t)(n < 32 ? n : 32) : 0;
	}
	h->mem = reader_buf->mem;
	reader_buf->mem = NULL;
	h->r.rbuf = h->mem;
	h->r.rbuf_size = h->mem != NULL ? FUSE_MAX_WRITE : 0;
	return h;
}

void
hreq_push(struct hreq *h)
{
	struct arch_fuse_req *old = __atomic_load_n(&pushed, __ATOMIC_RELAXED);

	do {
		h->r.next = old;
	} while (!__atomic_compare_exchange_n(&pushed, &old, &h->r, true,
					      __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
	if (old == NULL)
		intr_raise(IRQ_FUSE);
}

static void
hreq_free(struct hreq *h)
{
	if (h->mem != NULL)
		pool_put(h->mem);
	free(h->forgets);
	free(h);
}

static struct hreq *
hreq_of(struct arch_fuse_req *r)
{
	return container_of(r, struct hreq, r);
}

struct arch_fuse_req *
arch_fuse_fetch(void)
{
	struct arch_fuse_req *r, *fifo = NULL;

	r = __atomic_exchange_n(&pushed, NULL, __ATOMIC_ACQUIRE);
	while (r != NULL) {
		struct arch_fuse_req *next = r->next;

		r->next = fifo;
		fifo = r;
		r = next;
	}
	return fifo;
}

bool
arch_fuse_ended(void)
{
	return __atomic_load_n(&ended, __ATOMIC_ACQUIRE);
}

/* ---- replies (on the vCPU thread) ---- */

static void
stat_of_attr(const struct arch_fuse_attr *a, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	if (a == NULL)
		return;
	st->st_ino = a->ino;
	st->st_size = (off_t)a->size;
	st->st_blocks = (blkcnt_t)a->blocks;
	st->st_mode = a->mode;
	st->st_nlink = a->nlink;
	st->st_uid = a->uid;
	st->st_gid = a->gid;
	st->st_rdev = a->rdev;
	st->st_blksize = a->blksize;
	st->st_atim.tv_sec = a->atime;
	st->st_atim.tv_nsec = a->atime_ns;
	st->st_mtim.tv_sec = a->mtime;
	st->st_mtim.tv_nsec = a->mtime_ns;
	st->st_ctim.tv_sec = a->ctime;
	st->st_ctim.tv_nsec = a->ctime_ns;
}

bool
fuse_live(void)
{
	return fh.live;
}

static double
cache_timeout(void)
{
	return fh.live ? 0.0 : IMAGE_TIMEOUT;
}

static void
entry_of(uint64_t node, const struct arch_fuse_attr *a,
	 struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	e->ino = node;
	stat_of_attr(a, &e->attr);
	e->attr_timeout = cache_timeout();
	e->entry_timeout = cache_timeout();
}

void
arch_fuse_reply_err(struct arch_fuse_req *r, int err)
{
	struct hreq *h = hreq_of(r);

	fuse_reply_err(h->req, -err);
	hreq_free(h);
}

void
arch_fuse_reply_none(struct arch_fuse_req *r)
{
	struct hreq *h = hreq_of(r);

	fuse_reply_none(h->req);
	hreq_free(h);
}

void
arch_fuse_reply_entry(struct arch_fuse_req *r, uint64_t node,
		      const struct arch_fuse_attr *a)
{
	struct hreq *h = hreq_of(r);
	struct fuse_entry_param e;

	entry_of(node, a, &e);
	fuse_reply_entry(h->req, &e);
	hreq_free(h);
}

/* Open flags for the host's page cache, by mode. */
static void
open_flags(struct fuse_file_info *fi, bool regular)
{
	fi->keep_cache = !fh.live;
	fi->direct_io = fh.live && regular;
}

void
arch_fuse_reply_create(struct arch_fuse_req *r, uint64_t node,
		       const struct arch_fuse_attr *a, uint64_t fhandle)
{
	struct hreq *h = hreq_of(r);
	struct fuse_file_info fi = { .fh = fhandle };
	struct fuse_entry_param e;

	entry_of(node, a, &e);
	open_flags(&fi, true);
	fuse_reply_create(h->req, &e, &fi);
	hreq_free(h);
}

void
arch_fuse_reply_attr(struct arch_fuse_req *r, const struct arch_fuse_attr *a)
{
	struct hreq *h = hreq_of(r);
	struct stat st;

	stat_of_attr(a, &st);
	fuse_reply_attr(h->req, &st, cache_timeout());
	hreq_free(h);
}

void
arch_fuse_reply_open(struct arch_fuse_req *r, uint64_t fhandle)
{
	struct hreq *h = hreq_of(r);
	struct fuse_file_info fi = { .fh = fhandle };

	open_flags(&fi, r->op == ARCH_FUSE_OPEN);
	fuse_reply_open(h->req, &fi);
	hreq_free(h);
}

void
arch_fuse_reply_write(struct arch_fuse_req *r, size_t count)
{
	struct hreq *h = hreq_of(r);

	fuse_reply_write(h->req, count);
	hreq_free(h);
}

void
arch_fuse_reply_data(struct arch_fuse_req *r, size_t len)
{
	struct hreq *h = hreq_of(r);

	if (r->op == ARCH_FUSE_READLINK) {
		((char *)r->rbuf)[len] = '\0';
		fuse_reply_readlink(h->req, r->rbuf);
	} else {
		fuse_reply_buf(h->req, r->rbuf, len);
	}
	hreq_free(h);
}

void
arch_fuse_reply_statfs(struct arch_fuse_req *r,
		       const struct arch_fuse_statfs *s)
{
	struct hreq *h = hreq_of(r);
	struct statvfs st = {
		.f_bsize = s->bsize, .f_frsize = s->bsize,
		.f_blocks = s->blocks, .f_bfree = s->bfree,
		.f_bavail = s->bavail, .f_files = s->files,
		.f_ffree = s->ffree, .f_favail = s->ffree,
		.f_namemax = s->namemax,
		.f_flag = s->readonly ? ST_RDONLY : 0,
	};

	fuse_reply_statfs(h->req, &st);
	hreq_free(h);
}

size_t
arch_fuse_add_dirent(struct arch_fuse_req *r, void *buf, size_t room,
		     const char *name, uint64_t node,
		     const struct arch_fuse_attr *a, uint64_t next_off)
{
	struct hreq *h = hreq_of(r);
	struct fuse_entry_param e;

	entry_of(node, a, &e);
	if (r->op == ARCH_FUSE_READDIRPLUS)
		return fuse_add_direntry_plus(h->req, buf, room, name, &e,
					      (off_t)next_off);
	return fuse_add_direntry(h->req, buf, room, name, &e.attr,
				 (off_t)next_off);
}

/* ---- reader threads ---- */

static void
kick_handler(int sig)
{
	(void)sig;
}

/* The host unmounted us: tell the kernel once. */
static void
reader_ended(void)
{
	if (!__atomic_exchange_n(&ended, true, __ATOMIC_ACQ_REL))
		intr_raise(IRQ_FUSE);
}

static void *
reader_main(void *arg)
{
	struct fuse_buf buf = { .mem = NULL };
	int res;

	(void)arg;
	reader_buf = &buf;
	while (!__atomic_load_n(&stopping, __ATOMIC_ACQUIRE)) {
		if (buf.mem == NULL)
			buf.mem = pool_get();
		res = fuse_session_receive_buf(fh.se, &buf);
		if (res == -EINTR || res == -EAGAIN)
			continue;
		if (res <= 0) {
			if (!__atomic_load_n(&stopping, __ATOMIC_ACQUIRE))
				reader_ended();
			break;
		}
		fuse_session_process_buf(fh.se, &buf);
	}
	free(buf.mem);
	return NULL;
}

/*
 * Keep the vCPU thread and the readers on the CPU the vCPU runs on: a
 * wake-up across CPUs costs tens of microseconds in a VM, more than a
 * whole request (DESIGN.md section 3).
 */
static void
readers_pin(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	for (int i = 0; i < fh.nstarted; i++)
		pthread_setaffinity_np(fh.readers[i], sizeof(set), &set);
}

/* Start the readers with every signal but the kick blocked. */
static int
readers_start(void)
{
	sigset_t all, old;
	int err = 0;

	sigfillset(&all);
	sigdelset(&all, KICK_SIGNAL);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (int i = 0; i < fh.nreaders && err == 0; i++) {
		err = -pthread_create(&fh.readers[i], NULL, reader_main, NULL);
		if (err == 0)
			fh.nstarted++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	readers_pin();
	return err;
}

/* Stop the readers: kick each out of read() until it has ended. */
static void
readers_stop(void)
{
	__atomic_store_n(&stopping, true, __ATOMIC_RELEASE);
	fuse_session_exit(fh.se);
	for (int i = 0; i < fh.nstarted; i++) {
		struct timespec ts;

		do {
			pthread_kill(fh.readers[i], KICK_SIGNAL);
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 10 * 1000 * 1000;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
		} while (pthread_timedjoin_np(fh.readers[i], NULL, &ts) ==
			 ETIMEDOUT);
	}
	fh.nstarted = 0;
}

/* ---- the mount ---- */

/*
 * A daemonized vmlinux-fuse: let the waiting parent exit 0, and let go of
 * the terminal and the current directory.
 */
static void
notify_ready(void)
{
	char ok = 0;
	int fd;

	if (fh.ready_fd < 0)
		return;
	if (write(fh.ready_fd, &ok, 1) != 1)
		perror("vmlinux-fuse: telling the parent");
	close(fh.ready_fd);
	fh.ready_fd = -1;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	if (chdir("/") != 0)
		perror("vmlinux-fuse: chdir /");
}

int
arch_fuse_mount(const char *dir)
{
	struct sigaction sa = { .sa_handler = kick_handler };
	int err;

	if (fh.se == NULL)
		return -EINVAL;
	sigemptyset(&sa.sa_mask);
	if (sigaction(KICK_SIGNAL, &sa, NULL) != 0)
		return -errno;
	fh.log[0] = '\0';
	if (fuse_session_mount(fh.se, dir) != 0)
		return -EIO;
	fh.log_to_buffer = false;
	fh.mounted = true;
	err = readers_start();
	if (err != 0) {
		arch_fuse_unmount();
		return err;
	}
	notify_ready();
	return 0;
}

const char *
arch_fuse_error(void)
{
	fh.log[strcspn(fh.log, "\n")] = '\0';
	return fh.log[0] != '\0' ? fh.log : "libfuse gave no reason";
}

void
arch_fuse_unmount(void)
{
	if (fh.se == NULL)
		return;
	readers_stop();
	if (fh.mounted)
		fuse_session_unmount(fh.se);
	fh.mounted = false;
}

/* At exit: leave no mount behind.  Not for signal handlers. */
void
fuse_host_exit(void)
{
	arch_fuse_unmount();
}

/* From a fatal signal: detach the mount with one system call. */
void
fuse_host_abort(void)
{
	if (fh.mounted && fh.mountpoint != NULL)
		umount2(fh.mountpoint, MNT_DETACH);
}

/* ---- before boot ---- */

static void
log_func(enum fuse_log_level level, const char *fmt, va_list ap)
{
	(void)level;
	if (fh.log_to_buffer) {
		size_t n = strlen(fh.log);

		/* libfuse may build one line from several calls. */
		if (n > 0 && fh.log[n - 1] == '\n')
			fh.log[--n] = ' ';
		vsnprintf(fh.log + n, sizeof(fh.log) - n, fmt, ap);
	} else {
		vfprintf(stderr, fmt, ap);
	}
}

/*
 * Check dir: a directory, and not the dead mount of a crashed run.
 * Returns 0 or -errno with one line in err.
 */
static int
check_dir(const char *dir, char *err, size_t size)
{
	struct stat st;

	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		snprintf(err, size, "%s: not a directory", dir);
		return -ENOTDIR;
	}
	if (errno == ENOTCONN)
		snprintf(err, size, "%s: stale FUSE mount of a crashed run "
			 "(transport endpoint not connected); unmount it "
			 "with: fusermount3 -u %s", dir, dir);
	else
		snprintf(err, size, "%s: %s", dir, strerror(errno));
	return -errno;
}

/* Append key and value to buf, with the value's commas escaped. */
static void
opt_escape(char *buf, size_t size, const char *key, const char *val)
{
	size_t n = strlen(buf);

	for (const char *p = key; *p != '\0' && n + 1 < size; p++)
		buf[n++] = *p;
	for (const char *p = val; *p != '\0' && n + 2 < size; p++) {
		if (*p == ',' || *p == '\\')
			buf[n++] = '\\';
		buf[n++] = *p;
	}
	buf[n] = '\0';
}

static int
session_new(const struct fuse_host_opts *o, char *err, size_t size)
{
	char *argv[8];
	int argc = 0;
	struct fuse_args args;
	char fsopts[2 * PATH_MAX + 64] = "";

	opt_escape(fsopts, sizeof(fsopts), "fsname=", o->fsname);
	opt_escape(fsopts, sizeof(fsopts), ",subtype=", o->subtype);
	argv[argc++] = (char *)"vmlinux-fuse";
	argv[argc++] = (char *)"-o";
	argv[argc++] = fsopts;
	if (o->options != NULL) {
		argv[argc++] = (char *)"-o";
		argv[argc++] = (char *)o->options;
	}
	if (o->debug)
		argv[argc++] = (char *)"-d";
	argv[argc] = NULL;
	args = (struct fuse_args)FUSE_ARGS_INIT(argc, argv);
	fh.log[0] = '\0';
	fh.se = fuse_session_new(&args, &fuse_ll_ops, sizeof(fuse_ll_ops), NULL);
	fuse_opt_free_args(&args);
	if (fh.se != NULL)
		return 0;
	fh.log[strcspn(fh.log, "\n")] = '\0';
	snprintf(err, size, "%s", fh.log[0] ? fh.log : "bad FUSE options");
	return -EINVAL;
}

int
fuse_host_init(const char *dir, const struct fuse_host_opts *o, char *err,
	       size_t size)
{
	int e = check_dir(dir, err, size);

	if (e != 0)
		return e;
	fh.mountpoint = realpath(dir, NULL);
	if (fh.mountpoint == NULL) {
		snprintf(err, size, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	fh.live = o->live;
	fh.nreaders = o->single_thread ? 1 : FUSE_READERS;
	fh.ready_fd = o->ready_fd;
	fh.log_to_buffer = true;
	fuse_set_log_func(log_func);
	return session_new(o, err, size);
}
