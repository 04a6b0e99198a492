/*
 * The FUSE export's request handlers: each host request becomes the VFS
 * call the guest's system call would make (a lookup, vfs_open_path,
 * vfs_pread, vfs_rename, ...), relative to the node it names, and gets
 * exactly one reply.  Called on the worker threads of fs/fuse.c, acting
 * as the calling host user.
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/slab.h"
#include "core/string.h"
#include "fs/fuse_serve.h"
#include "fs/vfs.h"

#define NOFOLLOW	KAT_SYMLINK_NOFOLLOW
#define SELF		(KAT_EMPTY_PATH | KAT_SYMLINK_NOFOLLOW)

static void
attr_of_stat(const struct kstat *st, struct arch_fuse_attr *a)
{
	a->ino = st->st_ino;
	a->size = (uint64_t)st->st_size;
	a->blocks = (uint64_t)st->st_blocks;
	a->mode = st->st_mode;
	a->nlink = (uint32_t)st->st_nlink;
	a->uid = st->st_uid;
	a->gid = st->st_gid;
	a->rdev = (uint32_t)st->st_rdev;
	a->blksize = (uint32_t)st->st_blksize;
	a->atime = st->st_atim.tv_sec;
	a->atime_ns = (uint32_t)st->st_atim.tv_nsec;
	a->mtime = st->st_mtim.tv_sec;
	a->mtime_ns = (uint32_t)st->st_mtim.tv_nsec;
	a->ctime = st->st_ctim.tv_sec;
	a->ctime_ns = (uint32_t)st->st_ctim.tv_nsec;
}

static void
node_attr(const struct fuse_node *n, struct arch_fuse_attr *a)
{
	struct kstat st;

	inode_stat(n->inode, &st);
	attr_of_stat(&st, a);
}

/* Count a lookup of p (taken over) and reply with its entry. */
static void
reply_entry_path(struct arch_fuse_req *r, struct vpath *p)
{
	struct fuse_node *n = fuse_node_lookup(p);
	struct arch_fuse_attr a;

	if (n == NULL) {
		arch_fuse_reply_err(r, -ENOMEM);
		return;
	}
	node_attr(n, &a);
	arch_fuse_reply_entry(r, fuse_node_id(n), &a);
}

/* After err from making name in dir: reply with its entry or err. */
static void
reply_made(struct arch_fuse_req *r, struct fuse_node *dir, const char *name,
	   int err)
{
	struct vpath p;

	if (err == 0)
		err = vfs_lookup(&dir->path, name, NOFOLLOW, &p);
	if (err != 0)
		arch_fuse_reply_err(r, err);
	else
		reply_entry_path(r, &p);
}

static void
op_lookup(struct arch_fuse_req *r, struct fuse_node *dir)
{
	struct vpath p;
	int err = vfs_lookup(&dir->path, r->name, NOFOLLOW, &p);

	if (err == -ENOENT)
		arch_fuse_reply_entry(r, 0, NULL);
	else if (err != 0)
		arch_fuse_reply_err(r, err);
	else
		reply_entry_path(r, &p);
}

static void
op_batch_forget(struct arch_fuse_req *r)
{
	for (size_t i = 0; i < r->nforgets; i++) {
		struct fuse_node *n = fuse_node_of(r->forgets[i].node);

		if (n != NULL)
			fuse_node_forget(n, r->forgets[i].nlookup);
	}
	arch_fuse_reply_none(r);
}

static void
op_getattr(struct arch_fuse_req *r, struct fuse_node *n)
{
	struct arch_fuse_attr a;

	node_attr(n, &a);
	arch_fuse_reply_attr(r, &a);
}

/* truncate(2) of n, through the open file if the host named one. */
static int
setattr_size(struct arch_fuse_req *r, struct fuse_node *n)
{
	struct file *f = r->has_fh ? fuse_file_of(r->fh) : NULL;
	int err;

	if (f != NULL)
		return vfs_ftruncate(f, r->attr.size);
	if (KS_ISDIR(n->inode->mode))
		return -EISDIR;
	err = vfs_open_path(&n->path, KO_WRONLY, &f);
	if (err != 0)
		return err;
	err = vfs_ftruncate(f, r->attr.size);
	file_put(f);
	return err;
}

static struct ktimespec
setattr_time(uint32_t flags, uint32_t set, uint32_t now, int64_t sec,
	     uint32_t nsec)
{
	struct ktimespec t = { .tv_sec = 0, .tv_nsec = KUTIME_OMIT };

	if (flags & now) {
		t.tv_nsec = KUTIME_NOW;
	} else if (flags & set) {
		t.tv_sec = sec;
		t.tv_nsec = nsec;
	}
	return t;
}

static int
setattr_times(struct arch_fuse_req *r, struct fuse_node *n)
{
	const struct arch_fuse_attr *a = &r->attr;
	struct ktimespec ts[2];

	ts[0] = setattr_time(r->flags, ARCH_FUSE_SET_ATIME,
			     ARCH_FUSE_SET_ATIME_NOW, a->atime, a->atime_ns);
	ts[1] = setattr_time(r->flags, ARCH_FUSE_SET_MTIME,
			     ARCH_FUSE_SET_MTIME_NOW, a->mtime, a->mtime_ns);
	return vfs_utimens(&n->path, "", ts, SELF);
}

static void
op_setattr(struct arch_fuse_req *r, struct fuse_node *n)
{
	uint32_t fl = r->flags;
	uint32_t uid = fl & ARCH_FUSE_SET_UID ? r->attr.uid : (uint32_t)-1;
	uint32_t gid = fl & ARCH_FUSE_SET_GID ? r->attr.gid : (uint32_t)-1;
	int err = 0;

	if (fl & ARCH_FUSE_SET_MODE)
		err = vfs_chmod(&n->path, "", r->mode, SELF);
	if (err == 0 && (fl & (ARCH_FUSE_SET_UID | ARCH_FUSE_SET_GID)))
		err = vfs_chown(&n->path, "", uid, gid, SELF);
	if (err == 0 && (fl & ARCH_FUSE_SET_SIZE))
		err = setattr_size(r, n);
	if (err == 0 && (fl & (ARCH_FUSE_SET_ATIME | ARCH_FUSE_SET_MTIME |
			       ARCH_FUSE_SET_ATIME_NOW |
			       ARCH_FUSE_SET_MTIME_NOW)))
		err = setattr_times(r, n);
	if (err != 0)
		arch_fuse_reply_err(r, err);
	else
		op_getattr(r, n);
}

static void
op_readlink(struct arch_fuse_req *r, struct fuse_node *n)
{
	size_t room = r->rbuf_size > VFS_PATH_MAX ? VFS_PATH_MAX
						   : r->rbuf_size;
	int len = vfs_readlink(&n->path, "", r->rbuf, room - 1);

	if (len < 0)
		arch_fuse_reply_err(r, len);
	else
		arch_fuse_reply_data(r, (size_t)len);
}

static void
op_make(struct arch_fuse_req *r, struct fuse_node *dir)
{
	int err;

	if (r->op == ARCH_FUSE_MKDIR)
		err = vfs_mkdir(&dir->path, r->name, r->mode);
	else if (r->op == ARCH_FUSE_MKNOD)
		err = vfs_mknod(&dir->path, r->name, r->mode, r->rdev);
	else
		err = vfs_symlink(r->name2, &dir->path, r->name);
	reply_made(r, dir, r->name, err);
}

static void
op_link(struct arch_fuse_req *r, struct fuse_node *n)
{
	struct fuse_node *dir = fuse_node_of(r->node2);
	int err = vfs_link(&n->path, "", &dir->path, r->name,
			   KAT_EMPTY_PATH);

	reply_made(r, dir, r->name, err);
}

static void
op_rename(struct arch_fuse_req *r, struct fuse_node *dir)
{
	struct fuse_node *ndir = fuse_node_of(r->node2);

	arch_fuse_reply_err(r, vfs_rename(&dir->path, r->name, &ndir->path,
					  r->name2, r->flags));
}

/* Track f for the host: its handle, or 0 after dropping it (ENOMEM). */
static uint64_t
track(struct file *f)
{
	uint64_t fh = fuse_file_track(f);

	if (fh == 0)
		file_put(f);
	return fh;
}

static void
op_open(struct arch_fuse_req *r, struct fuse_node *n)
{
	unsigned int flags = r->flags & ~(KO_CREAT | KO_EXCL | KO_NOCTTY);
	struct file *f;
	uint64_t fh;
	int err;

	if (r->op == ARCH_FUSE_OPENDIR)
		flags = KO_RDONLY | KO_DIRECTORY;
	err = vfs_open_path(&n->path, flags, &f);
	if (err != 0) {
		arch_fuse_reply_err(r, err);
		return;
	}
	fh = track(f);
	if (fh == 0)
		arch_fuse_reply_err(r, -ENOMEM);
	else
		arch_fuse_reply_open(r, fh);
}

static void
op_create(struct arch_fuse_req *r, struct fuse_node *dir)
{
	struct arch_fuse_attr a;
	struct fuse_node *n;
	struct file *f;
	struct vpath p;
	uint64_t fh;
	int err;

	err = vfs_open(&dir->path, r->name, r->flags | KO_CREAT, r->mode, &f);
	if (err != 0) {
		arch_fuse_reply_err(r, err);
		return;
	}
	p = f->path;
	vpath_get(&p);
	n = fuse_node_lookup(&p);
	fh = track(f);
	if (n == NULL || fh == 0) {
		if (n != NULL)
			fuse_node_forget(n, 1);
		fuse_file_release(fh);
		arch_fuse_reply_err(r, -ENOMEM);
		return;
	}
	node_attr(n, &a);
	arch_fuse_reply_create(r, fuse_node_id(n), &a, fh);
}

static void
op_rw(struct arch_fuse_req *r)
{
	struct file *f = fuse_file_of(r->fh);
	size_t len = (size_t)r->size;
	long n;

	if (f == NULL) {
		arch_fuse_reply_err(r, -EBADF);
		return;
	}
	if (r->op == ARCH_FUSE_WRITE) {
		n = vfs_pwrite(f, r->wdata, len, r->offset);
		if (n >= 0)
			arch_fuse_reply_write(r, (size_t)n);
	} else {
		len = len < r->rbuf_size ? len : r->rbuf_size;
		n = vfs_pread(f, r->rbuf, len, r->offset);
		if (n >= 0)
			arch_fuse_reply_data(r, (size_t)n);
	}
	if (n < 0)
		arch_fuse_reply_err(r, (int)n);
}

static void
op_fsync(struct arch_fuse_req *r)
{
	struct file *f = fuse_file_of(r->fh);

	arch_fuse_reply_err(r, f != NULL ? vfs_fsync(f, r->flags != 0)
					 : -EBADF);
}

static void
op_release(struct arch_fuse_req *r)
{
	fuse_file_release(r->fh);
	arch_fuse_reply_err(r, 0);
}

static void
op_statfs(struct arch_fuse_req *r, struct fuse_node *n)
{
	struct arch_fuse_statfs out;
	struct kstatfs st;
	int err = vfs_statfs_path(&n->path, &st);

	if (err != 0) {
		arch_fuse_reply_err(r, err);
		return;
	}
	out.bsize = (uint64_t)st.f_bsize;
	out.blocks = st.f_blocks;
	out.bfree = st.f_bfree;
	out.bavail = st.f_bavail;
	out.files = st.f_files;
	out.ffree = st.f_ffree;
	out.namemax = (uint64_t)st.f_namelen;
	out.readonly = (st.f_flags & 1) != 0;
	arch_fuse_reply_statfs(r, &out);
}

static void
op_access(struct arch_fuse_req *r, struct fuse_node *n)
{
	arch_fuse_reply_err(r, vfs_access(&n->path, "", (int)r->flags,
					  SELF | KAT_EACCESS));
}

/* ---- directories ---- */

struct readdir_ctx {
	struct arch_fuse_req *r;
	struct fuse_node *dir;
	size_t used;
};

static bool
is_dot(const char *name)
{
	return name[0] == '.' && (name[1] == '\0' ||
				  (name[1] == '.' && name[2] == '\0'));
}

/* Encode one record; false if it did not fit. */
static bool
readdir_add(struct readdir_ctx *c, const struct kdirent64 *d)
{
	struct arch_fuse_req *r = c->r;
	struct arch_fuse_attr a = { .ino = d->d_ino,
				    .mode = (uint32_t)d->d_type << 12 };
	struct fuse_node *n = NULL;
	struct vpath p;
	size_t len;

	if (r->op == ARCH_FUSE_READDIRPLUS && !is_dot(d->d_name) &&
	    vfs_lookup(&c->dir->path, d->d_name, NOFOLLOW, &p) == 0) {
		n = fuse_node_lookup(&p);
		if (n != NULL)
			node_attr(n, &a);
	}
	len = arch_fuse_add_dirent(r, (char *)r->rbuf + c->used,
				   r->rbuf_size - c->used, d->d_name,
				   n != NULL ? fuse_node_id(n) : 0, &a,
				   (uint64_t)d->d_off);
	if (len > r->rbuf_size - c->used) {
		if (n != NULL)
			fuse_node_forget(n, 1);
		return false;
	}
	c->used += len;
	return true;
}

/* Add records from f's position on; false once the reply is full. */
static long
readdir_batch(struct readdir_ctx *c, struct file *f, void *buf, size_t size)
{
	long got = vfs_getdents64(f, buf, size);

	for (long off = 0; off < got;) {
		const struct kdirent64 *d = (const void *)((char *)buf + off);

		if (!readdir_add(c, d))
			return -ENOSPC;
		off += d->d_reclen;
	}
	return got;
}

static void
op_readdir(struct arch_fuse_req *r, struct fuse_node *dir)
{
	struct readdir_ctx c = { .r = r, .dir = dir, .used = 0 };
	struct file *f = fuse_file_of(r->fh);
	size_t size = r->rbuf_size < 16384 ? r->rbuf_size : 16384;
	void *buf = kmalloc(size);
	long got = f == NULL ? -EBADF : buf == NULL ? -ENOMEM : 0;

	if (r->size < r->rbuf_size)
		r->rbuf_size = (size_t)r->size;
	if (got == 0)
		got = vfs_lseek(f, (int64_t)r->offset, KSEEK_SET);
	while (got >= 0) {
		got = readdir_batch(&c, f, buf, size);
		if (got == 0 || got == -ENOSPC)
			break;
	}
	kfree(buf);
	if (got < 0 && got != -ENOSPC)
		arch_fuse_reply_err(r, (int)got);
	else
		arch_fuse_reply_data(r, c.used);
}

/* ---- dispatch ---- */

/* Requests on a directory entry (the node is the parent). */
static bool
serve_dirop(struct arch_fuse_req *r, struct fuse_node *n)
{
	switch (r->op) {
	case ARCH_FUSE_LOOKUP:
		op_lookup(r, n);
		return true;
	case ARCH_FUSE_MKNOD:
	case ARCH_FUSE_MKDIR:
	case ARCH_FUSE_SYMLINK:
		op_make(r, n);
		return true;
	case ARCH_FUSE_UNLINK:
		arch_fuse_reply_err(r, vfs_unlink(&n->path, r->name));
		return true;
	case ARCH_FUSE_RMDIR:
		arch_fuse_reply_err(r, vfs_rmdir(&n->path, r->name));
		return true;
	case ARCH_FUSE_RENAME:
		op_rename(r, n);
		return true;
	case ARCH_FUSE_CREATE:
		op_create(r, n);
		return true;
	}
	return false;
}

/* Requests on an open file. */
static bool
serve_fileop(struct arch_fuse_req *r)
{
	switch (r->op) {
	case ARCH_FUSE_READ:
	case ARCH_FUSE_WRITE:
		op_rw(r);
		return true;
	case ARCH_FUSE_FLUSH:
		arch_fuse_reply_err(r, 0);
		return true;
	case ARCH_FUSE_RELEASE:
	case ARCH_FUSE_RELEASEDIR:
		op_release(r);
		return true;
	case ARCH_FUSE_FSYNC:
	case ARCH_FUSE_FSYNCDIR:
		op_fsync(r);
		return true;
	case ARCH_FUSE_FALLOCATE:
		arch_fuse_reply_err(r, -EOPNOTSUPP);
		return true;
	}
	return false;
}

/* Requests on a node. */
static void
serve_nodeop(struct arch_fuse_req *r, struct fuse_node *n)
{
	switch (r->op) {
	case ARCH_FUSE_FORGET:
		fuse_node_forget(n, r->nlookup);
		arch_fuse_reply_none(r);
		break;
	case ARCH_FUSE_GETATTR:
		op_getattr(r, n);
		break;
	case ARCH_FUSE_SETATTR:
		op_setattr(r, n);
		break;
	case ARCH_FUSE_READLINK:
		op_readlink(r, n);
		break;
	case ARCH_FUSE_LINK:
		op_link(r, n);
		break;
	case ARCH_FUSE_OPEN:
	case ARCH_FUSE_OPENDIR:
		op_open(r, n);
		break;
	case ARCH_FUSE_READDIR:
	case ARCH_FUSE_READDIRPLUS:
		op_readdir(r, n);
		break;
	case ARCH_FUSE_STATFS:
		op_statfs(r, n);
		break;
	case ARCH_FUSE_ACCESS:
		op_access(r, n);
		break;
	default:
		arch_fuse_reply_err(r, -ENOSYS);
	}
}

void
fuse_serve(struct arch_fuse_req *r)
{
	struct fuse_node *n;

	if (r->op == ARCH_FUSE_BATCH_FORGET) {
		op_batch_forget(r);
		return;
	}
	if (serve_fileop(r))
		return;
	n = fuse_node_of(r->node);
	if (n == NULL) {
		if (r->op == ARCH_FUSE_FORGET)
			arch_fuse_reply_none(r);
		else
			arch_fuse_reply_err(r, -ESTALE);
		return;
	}
	if (!serve_dirop(r, n))
		serve_nodeop(r, n);
}
