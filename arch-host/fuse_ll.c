/*
 * libfuse's low-level callbacks for the FUSE export, run on the reader
 * threads of arch-host/fuse.c: each copies what the request says (names
 * and data stay in the receive buffer the request takes over) into a
 * struct arch_fuse_req and queues it for the kernel.  FLUSH is answered
 * here: ext2 has nothing to do at close(2).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "arch-host/fuse_req.h"
#include "core/kernel.h"

static void
set_fi(struct hreq *h, const struct fuse_file_info *fi)
{
	if (fi != NULL) {
		h->r.fh = fi->fh;
		h->r.has_fh = true;
	}
}

/* A request naming ino (and maybe an entry and a file): queue it. */
static void
ll_simple(fuse_req_t req, int op, fuse_ino_t ino, const char *name,
	  struct fuse_file_info *fi)
{
	struct hreq *h = hreq_new(req, op, ino);

	if (h == NULL)
		return;
	h->r.name = name;
	set_fi(h, fi);
	if (fi != NULL)
		h->r.flags = (uint32_t)fi->flags;
	hreq_push(h);
}

static void
ll_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	ll_simple(req, ARCH_FUSE_LOOKUP, parent, name, NULL);
}

static void
ll_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct hreq *h = hreq_new(req, ARCH_FUSE_FORGET, ino);

	if (h == NULL)
		return;
	h->r.nlookup = nlookup;
	hreq_push(h);
}

static void
ll_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *fd)
{
	struct hreq *h = hreq_new(req, ARCH_FUSE_BATCH_FORGET, 0);

	if (h == NULL)
		return;
	h->forgets = calloc(count ? count : 1, sizeof(*h->forgets));
	if (h->forgets == NULL) {
		count = 0;	/* the nodes stay: leaked, never reused */
	}
	for (size_t i = 0; i < count; i++) {
		h->forgets[i].node = fd[i].ino;
		h->forgets[i].nlookup = fd[i].nlookup;
	}
	h->r.forgets = h->forgets;
	h->r.nforgets = count;
	hreq_push(h);
}

static void
ll_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)fi;
	ll_simple(req, ARCH_FUSE_GETATTR, ino, NULL, NULL);
}

static uint32_t
setattr_flags(int to_set)
{
	static const struct { int fuse; uint32_t arch; } map[] = {
		{ FUSE_SET_ATTR_MODE, ARCH_FUSE_SET_MODE },
		{ FUSE_SET_ATTR_UID, ARCH_FUSE_SET_UID },
		{ FUSE_SET_ATTR_GID, ARCH_FUSE_SET_GID },
		{ FUSE_SET_ATTR_SIZE, ARCH_FUSE_SET_SIZE },
		{ FUSE_SET_ATTR_ATIME, ARCH_FUSE_SET_ATIME },
		{ FUSE_SET_ATTR_MTIME, ARCH_FUSE_SET_MTIME },
		{ FUSE_SET_ATTR_ATIME_NOW, ARCH_FUSE_SET_ATIME_NOW },
		{ FUSE_SET_ATTR_MTIME_NOW, ARCH_FUSE_SET_MTIME_NOW },
	};
	uint32_t flags = 0;

	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (to_set & map[i].fuse)
			flags |= map[i].arch;
	}
	return flags;
}

static void
ll_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
	   struct fuse_file_info *fi)
{
	struct hreq *h = hreq_new(req, ARCH_FUSE_SETATTR, ino);
	struct arch_fuse_attr *a;

	if (h == NULL)
		return;
	a = &h->r.attr;
	set_fi(h, fi);
	h->r.flags = setattr_flags(to_set);
	h->r.mode = attr->st_mode;
	a->uid = attr->st_uid;
	a->gid = attr->st_gid;
	a->size = (uint64_t)attr->st_size;
	a->atime = attr->st_atim.tv_sec;
	a->atime_ns = (uint32_t)attr->st_atim.tv_nsec;
	a->mtime = attr->st_mtim.tv_sec;
	a->mtime_ns = (uint32_t)attr->st_mtim.tv_nsec;
	hreq_push(h);
}

static void
ll_readlink(fuse_req_t req, fuse_ino_t ino)
{
	ll_simple(req, ARCH_FUSE_READLINK, ino, NULL, NULL);
}

static void
ll_make(fuse_req_t req, int op, fuse_ino_t parent, const char *name,
	mode_t mode, dev_t rdev, const char *target)
{
	struct hreq *h = hreq_new(req, op, parent);

	if (h == NULL)
		return;
	h->r.name = name;
	h->r.name2 = target;
	h->r.mode = mode;
	h->r.rdev = (uint32_t)rdev;
	hreq_push(h);
}

static void
ll_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
	 dev_t rdev)
{
	ll_make(req, ARCH_FUSE_MKNOD, parent, name, mode, rdev, NULL);
}

static void
ll_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	ll_make(req, ARCH_FUSE_MKDIR, parent, name, mode, 0, NULL);
}

static void
ll_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
	   const char *name)
{
	ll_make(req, ARCH_FUSE_SYMLINK, parent, name, 0, 0, link);
}

static void
ll_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	ll_simple(req, ARCH_FUSE_UNLINK, parent, name, NULL);
}

static void
ll_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	ll_simple(req, ARCH_FUSE_RMDIR, parent, name, NULL);
}

static void
ll_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
	  fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	struct hreq *h = hreq_new(req, ARCH_FUSE_RENAME, parent);

	if (h == NULL)
		return;
	h->r.name = name;
	h->r.node2 = newparent;
	h->r.name2 = newname;
	h->r.flags = flags;
	hreq_push(h);
}

static void
ll_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
	const char *newname)
{
	struct hreq *h = hreq_new(req, ARCH_FUSE_LINK, ino);

	if (h == NULL)
		return;
	h->r.node2 = newparent;
	h->r.name = newname;
	hreq_push(h);
}

static void
ll_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	ll_simple(req, ARCH_FUSE_OPEN, ino, NULL, fi);
}

static void
ll_io(fuse_req_t req, int op, fuse_ino_t ino, size_t size, off_t off,
      const char *data, struct fuse_file_info *fi)
{
	struct hreq *h = hreq_new(req, op, ino);

	if (h == NULL)
		return;
	set_fi(h, fi);
	h->r.size = size;
	h->r.offset = (uint64_t)off;
	h->r.wdata = data;
	hreq_push(h);
}

static void
ll_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
	struct fuse_file_info *fi)
{
	ll_io(req, ARCH_FUSE_READ, ino, size, off, NULL, fi);
}

static void
ll_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
	 off_t off, struct fuse_file_info *fi)
{
	ll_io(req, ARCH_FUSE_WRITE, ino, size, off, buf, fi);
}

/*
 * close(2): ext2 has nothing to do.  ENOSYS tells the host's FUSE driver
 * to stop sending FLUSH at all, which saves a round trip per close.
 */
static void
ll_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	fuse_reply_err(req, ENOSYS);
}

static void
ll_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	ll_simple(req, ARCH_FUSE_RELEASE, ino, NULL, fi);
}

static void
ll_fsync_op(fuse_req_t req, int op, fuse_ino_t ino, int datasync,
	    struct fuse_file_info *fi)
{
	struct hreq *h = hreq_new(req, op, ino);

	if (h == NULL)
		return;
	set_fi(h, fi);
	h->r.flags = datasync != 0;
	hreq_push(h);
}

static void
ll_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
	 struct fuse_file_info *fi)
{
	ll_fsync_op(req, ARCH_FUSE_FSYNC, ino, datasync, fi);
}

static void
ll_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	ll_simple(req, ARCH_FUSE_OPENDIR, ino, NULL, fi);
}

static void
ll_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
	   struct fuse_file_info *fi)
{
	ll_io(req, ARCH_FUSE_READDIR, ino, size, off, NULL, fi);
}

static void
ll_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
	       struct fuse_file_info *fi)
{
	ll_io(req, ARCH_FUSE_READDIRPLUS, ino, size, off, NULL, fi);
}

static void
ll_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	ll_simple(req, ARCH_FUSE_RELEASEDIR, ino, NULL, fi);
}

static void
ll_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync,
	    struct fuse_file_info *fi)
{
	ll_fsync_op(req, ARCH_FUSE_FSYNCDIR, ino, datasync, fi);
}

static void
ll_statfs(fuse_req_t req, fuse_ino_t ino)
{
	ll_simple(req, ARCH_FUSE_STATFS, ino, NULL, NULL);
}

static void
ll_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	struct hreq *h = hreq_new(req, ARCH_FUSE_ACCESS, ino);

	if (h == NULL)
		return;
	h->r.flags = (uint32_t)mask;
	hreq_push(h);
}

static void
ll_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
	  struct fuse_file_info *fi)
{
	struct hreq *h = hreq_new(req, ARCH_FUSE_CREATE, parent);

	if (h == NULL)
		return;
	h->r.name = name;
	h->r.mode = mode;
	h->r.flags = (uint32_t)fi->flags;
	hreq_push(h);
}

static void
ll_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset,
	     off_t length, struct fuse_file_info *fi)
{
	struct hreq *h = hreq_new(req, ARCH_FUSE_FALLOCATE, ino);

	if (h == NULL)
		return;
	set_fi(h, fi);
	h->r.flags = (uint32_t)mode;
	h->r.offset = (uint64_t)offset;
	h->r.size = (uint64_t)length;
	hreq_push(h);
}

/* Capabilities: big requests, no splice (buffers are handed over). */
static void
ll_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	conn->want &= ~(FUSE_CAP_SPLICE_READ | FUSE_CAP_SPLICE_WRITE |
			FUSE_CAP_SPLICE_MOVE | FUSE_CAP_WRITEBACK_CACHE);
	conn->want |= conn->capable & (FUSE_CAP_ATOMIC_O_TRUNC |
				       FUSE_CAP_READDIRPLUS |
				       FUSE_CAP_READDIRPLUS_AUTO |
				       FUSE_CAP_PARALLEL_DIROPS |
				       FUSE_CAP_ASYNC_READ);
	if (!fuse_live())
		conn->want |= conn->capable & FUSE_CAP_CACHE_SYMLINKS;
	conn->max_write = FUSE_MAX_WRITE;
	conn->max_read = 0;
	conn->max_readahead = FUSE_MAX_WRITE;
	conn->time_gran = 1;
}

const struct fuse_lowlevel_ops fuse_ll_ops = {
	.init = ll_init,
	.lookup = ll_lookup,
	.forget = ll_forget,
	.forget_multi = ll_forget_multi,
	.getattr = ll_getattr,
	.setattr = ll_setattr,
	.readlink = ll_readlink,
	.mknod = ll_mknod,
	.mkdir = ll_mkdir,
	.unlink = ll_unlink,
	.rmdir = ll_rmdir,
	.symlink = ll_symlink,
	.rename = ll_rename,
	.link = ll_link,
	.open = ll_open,
	.read = ll_read,
	.write = ll_write,
	.flush = ll_flush,
	.release = ll_release,
	.fsync = ll_fsync,
	.opendir = ll_opendir,
	.readdir = ll_readdir,
	.readdirplus = ll_readdirplus,
	.releasedir = ll_releasedir,
	.fsyncdir = ll_fsyncdir,
	.statfs = ll_statfs,
	.access = ll_access,
	.create = ll_create,
	.fallocate = ll_fallocate,
};
