/*
 * Private to fs/fuse.c and fs/fuse_ops.c: the node table and the open
 * files of the FUSE export, and the request handlers.
 *
 * A node stands for one inode the host has looked up, with a location
 * (mount, dentry) to reach it by; its number for the host is its address
 * (the root: ARCH_FUSE_ROOT).  Each LOOKUP-like reply counts one lookup,
 * FORGET takes them back, and the node (with its inode reference, so the
 * inode number cannot be reused) lives until the count is 0.  Open files
 * are VFS files whose address is the host's file handle.
 */
#ifndef FS_FUSE_SERVE_H
#define FS_FUSE_SERVE_H

#include <stdint.h>
#include "arch-host/arch.h"
#include "core/list.h"
#include "fs/vfs.h"

struct fuse_node {
	struct vpath path;		/* [I] referenced */
	struct inode *inode;		/* [I] path.dentry->inode */
	uint64_t nlookup;		/* [i] lookups the host holds */
	struct list_head hash_node;	/* [i] by inode */
};

/*
 * The node the host calls id (NULL for 0).  The host's FUSE driver only
 * names nodes it holds lookups of, so id is trusted like a kernel pointer.
 */
struct fuse_node *fuse_node_of(uint64_t id);
/* The host's number for n. */
uint64_t fuse_node_id(const struct fuse_node *n);
/*
 * Count one lookup of the inode at p (whose reference the node table
 * takes over or drops) and return its node; NULL on ENOMEM.
 */
struct fuse_node *fuse_node_lookup(struct vpath *p);
/* Take back nlookup lookups of n; the last one frees it. */
void fuse_node_forget(struct fuse_node *n, uint64_t nlookup);

/* Remember f as open by the host; its handle is the return value. */
uint64_t fuse_file_track(struct file *f);
/* The file behind handle fh (trusted as node ids are), or NULL for 0. */
struct file *fuse_file_of(uint64_t fh);
/* The host closed fh: forget it and drop the file. */
void fuse_file_release(uint64_t fh);

/* Answer r through the VFS (fs/fuse_ops.c); exactly one reply. */
void fuse_serve(struct arch_fuse_req *r);

#endif
