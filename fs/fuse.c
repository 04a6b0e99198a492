/*
 * The FUSE export's machinery: the queue of host requests, the kernel
 * worker threads that serve them, the node table and the open files.
 *
 * arch-host/fuse.c reads requests on host threads and raises IRQ_FUSE;
 * trap_fuse() moves them to fuse_queue and wakes a worker.  Each worker
 * acts as the calling host user (its own cred, uid/gid of the request)
 * with umask 0 (the host applied the caller's), and answers through the
 * VFS (fs/fuse_ops.c).  Node and file records are guarded by disabling
 * interrupts ([i]); dropping their VFS references happens outside that,
 * since it may sleep.
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/kthread.h"
#include "core/printk.h"
#include "core/sched.h"
#include "core/slab.h"
#include "core/trap.h"
#include "core/wait.h"
#include "fs/fuse.h"
#include "fs/fuse_serve.h"

#define FUSE_WORKERS	4
#define NODE_HASH_SIZE	4096

struct fuse_worker {
	struct task *task;
	struct cred cred;		/* the caller of the current request */
	struct fs_struct *fs;		/* the export's root, umask 0 */
};

/* An open file of the host; its address is the file handle. */
struct fuse_open {
	struct file *file;
	struct list_head node;		/* [i] fuse_files */
};

static struct {
	bool running;			/* [i] between start and stop */
	bool stopping;			/* [i] workers drain and end */
	bool ended;			/* [i] the host unmounted */
	struct arch_fuse_req *head;	/* [i] requests to serve */
	struct arch_fuse_req **tail;	/* [i] */
	struct wait_queue work_wq;	/* workers wait for requests */
	struct wait_queue end_wq;	/* fuse_export_wait() */
	struct fuse_worker workers[FUSE_WORKERS];
	struct fuse_node *root;		/* [I] while running */
	struct list_head hash[NODE_HASH_SIZE];	/* [i] nodes by inode */
	struct list_head files;		/* [i] struct fuse_open */
} fx;

/* ---- nodes ---- */

static struct list_head *
node_bucket(const struct inode *inode)
{
	uintptr_t v = (uintptr_t)inode;

	return &fx.hash[(v >> 6 ^ v >> 18) % NODE_HASH_SIZE];
}

struct fuse_node *
fuse_node_of(uint64_t id)
{
	if (id == ARCH_FUSE_ROOT)
		return fx.root;
	return (struct fuse_node *)(uintptr_t)id;
}

uint64_t
fuse_node_id(const struct fuse_node *n)
{
	return n == fx.root ? ARCH_FUSE_ROOT : (uint64_t)(uintptr_t)n;
}

/* The node of inode, or NULL; interrupts off. */
static struct fuse_node *
node_find(const struct inode *inode)
{
	struct fuse_node *n;

	list_for_each_entry(n, node_bucket(inode), hash_node) {
		if (n->inode == inode)
			return n;
	}
	return NULL;
}

/* Count a lookup of inode's node if it has one; interrupts off. */
static struct fuse_node *
node_count(const struct inode *inode)
{
	struct fuse_node *n = node_find(inode);

	if (n != NULL)
		n->nlookup++;
	return n;
}

struct fuse_node *
fuse_node_lookup(struct vpath *p)
{
	struct inode *inode = p->dentry->inode;
	unsigned long s = arch_intr_save();
	struct fuse_node *n = node_count(inode), *fresh = NULL;

	arch_intr_restore(s);
	/* Allocate only for a new node, then look again: kmalloc sleeps. */
	if (n == NULL)
		fresh = kmalloc(sizeof(*fresh));
	s = arch_intr_save();
	if (n == NULL)
		n = node_count(inode);
	if (n == NULL && fresh != NULL) {
		n = fresh;
		fresh = NULL;
		n->path = *p;
		p->mnt = NULL;
		p->dentry = NULL;
		n->inode = inode;
		n->nlookup = 1;
		list_add(&n->hash_node, node_bucket(inode));
	}
	arch_intr_restore(s);
	kfree(fresh);
	if (p->dentry != NULL)
		vpath_put(p);
	return n;
}

void
fuse_node_forget(struct fuse_node *n, uint64_t nlookup)
{
	unsigned long s = arch_intr_save();
	bool last;

	n->nlookup = nlookup < n->nlookup ? n->nlookup - nlookup : 0;
	last = n->nlookup == 0 && n != fx.root;
	if (last)
		list_del(&n->hash_node);
	arch_intr_restore(s);
	if (last) {
		vpath_put(&n->path);
		kfree(n);
	}
}

/* ---- open files ---- */

uint64_t
fuse_file_track(struct file *f)
{
	struct fuse_open *o = kmalloc(sizeof(*o));
	unsigned long s;

	if (o == NULL)
		return 0;
	o->file = f;
	s = arch_intr_save();
	list_add(&o->node, &fx.files);
	arch_intr_restore(s);
	return (uint64_t)(uintptr_t)o;
}

struct file *
fuse_file_of(uint64_t fh)
{
	struct fuse_open *o = (struct fuse_open *)(uintptr_t)fh;

	return o != NULL ? o->file : NULL;
}

void
fuse_file_release(uint64_t fh)
{
	struct fuse_open *o = (struct fuse_open *)(uintptr_t)fh;
	unsigned long s;

	if (o == NULL)
		return;
	s = arch_intr_save();
	list_del(&o->node);
	arch_intr_restore(s);
	file_put(o->file);
	kfree(o);
}

/* ---- the request queue and the workers ---- */

void
trap_fuse(void)
{
	struct arch_fuse_req *r = arch_fuse_fetch();

	if (arch_fuse_ended()) {
		fx.ended = true;
		wq_wake_all(&fx.end_wq);
	}
	if (r == NULL)
		return;
	if (!fx.running) {
		for (struct arch_fuse_req *next; r != NULL; r = next) {
			next = r->next;
			arch_fuse_reply_err(r, -ENODEV);
		}
		return;
	}
	*fx.tail = r;
	while (r->next != NULL)
		r = r->next;
	fx.tail = &r->next;
	wq_wake_all(&fx.work_wq);
}

/* The next request, or NULL once stopping with nothing left. */
static struct arch_fuse_req *
worker_next(void)
{
	struct arch_fuse_req *r;
	unsigned long s;

	wait_event(&fx.work_wq, fx.head != NULL || fx.stopping);
	s = arch_intr_save();
	r = fx.head;
	if (r != NULL) {
		fx.head = r->next;
		if (fx.head == NULL)
			fx.tail = &fx.head;
	}
	arch_intr_restore(s);
	return r;
}

/* Act as the request's caller. */
static void
worker_become(struct fuse_worker *w, const struct arch_fuse_req *r)
{
	struct cred *cr = &w->cred;

	cr->uid = cr->euid = cr->fsuid = r->uid;
	cr->gid = cr->egid = cr->fsgid = r->gid;
	cr->ngroups = r->ngroups < ARRAY_SIZE(cr->groups) ?
		      r->ngroups : ARRAY_SIZE(cr->groups);
	for (unsigned int i = 0; i < cr->ngroups; i++)
		cr->groups[i] = r->groups[i];
}

static int
worker_main(void *arg)
{
	struct fuse_worker *w = arg;
	struct arch_fuse_req *r;

	current->cred = &w->cred;
	current->fs = w->fs;
	while ((r = worker_next()) != NULL) {
		if (fx.stopping) {
			arch_fuse_reply_err(r, -ENODEV);
			continue;
		}
		worker_become(w, r);
		fuse_serve(r);
	}
	current->cred = NULL;
	current->fs = NULL;
	return 0;
}

/* Make the root node and the workers' fs contexts; 0 or -ENOMEM. */
static int
export_prepare(void)
{
	struct fs_struct *fs = current_fs();
	struct vpath root = fs->root;
	int err;

	for (size_t i = 0; i < NODE_HASH_SIZE; i++)
		list_init(&fx.hash[i]);
	list_init(&fx.files);
	vpath_get(&root);
	fx.root = fuse_node_lookup(&root);
	if (fx.root == NULL)
		return -ENOMEM;
	for (int i = 0; i < FUSE_WORKERS; i++) {
		err = fs_struct_copy(fs, &fx.workers[i].fs);
		if (err != 0)
			return err;
		fx.workers[i].fs->umask = 0;
	}
	return 0;
}

static int
export_workers_start(void)
{
	for (int i = 0; i < FUSE_WORKERS; i++) {
		struct fuse_worker *w = &fx.workers[i];
		int err = kthread_create(&w->task, worker_main, w, "fuse/%d",
					 i);

		if (err != 0)
			return err;
	}
	return 0;
}

int
fuse_export_start(const char *dir)
{
	int err;

	fx.tail = &fx.head;
	wq_init(&fx.work_wq);
	wq_init(&fx.end_wq);
	err = export_prepare();
	if (err == 0) {
		fx.running = true;
		err = export_workers_start();
	}
	if (err != 0) {
		pr_err("fuse: cannot start the export (error %d)\n", err);
	} else {
		err = arch_fuse_mount(dir);
		if (err != 0)
			pr_err("fuse: cannot mount the export at %s: %s\n",
			       dir, arch_fuse_error());
	}
	if (err != 0) {
		fuse_export_stop();
		return err;
	}
	pr_info("fuse: exporting / at %s\n", dir);
	return 0;
}

void
fuse_export_wait(void)
{
	wait_event(&fx.end_wq, fx.ended || !fx.running);
}

/* Drop every open file and node the host still held. */
static void
export_release_all(void)
{
	struct fuse_open *o, *otmp;
	struct fuse_node *n, *ntmp;

	list_for_each_entry_safe(o, otmp, &fx.files, node)
		fuse_file_release((uint64_t)(uintptr_t)o);
	for (size_t i = 0; i < NODE_HASH_SIZE; i++) {
		list_for_each_entry_safe(n, ntmp, &fx.hash[i], hash_node) {
			if (n != fx.root)
				fuse_node_forget(n, n->nlookup);
		}
	}
	if (fx.root != NULL) {
		list_del(&fx.root->hash_node);
		vpath_put(&fx.root->path);
		kfree(fx.root);
		fx.root = NULL;
	}
}

void
fuse_export_stop(void)
{
	unsigned long s;

	if (fx.tail == NULL || fx.stopping)
		return;
	fx.stopping = true;
	arch_fuse_unmount();
	wq_wake_all(&fx.work_wq);
	for (int i = 0; i < FUSE_WORKERS; i++) {
		struct fuse_worker *w = &fx.workers[i];

		if (w->task != NULL)
			kthread_stop(w->task);
		if (w->fs != NULL)
			fs_struct_put(w->fs);
		w->task = NULL;
		w->fs = NULL;
	}
	s = arch_intr_save();
	fx.running = false;
	trap_fuse();		/* what the host queued last: -ENODEV */
	arch_intr_restore(s);
	export_release_all();
	wq_wake_all(&fx.end_wq);
	pr_info("fuse: export stopped\n");
}
