/*
 * Private to arch-host/fuse.c and arch-host/fuse_ll.c: a FUSE request on
 * its way to the kernel, and the calls that make and queue one.
 */
#ifndef ARCH_HOST_FUSE_REQ_H
#define ARCH_HOST_FUSE_REQ_H

#define FUSE_USE_VERSION 34
#include <fuse_lowlevel.h>
#include <stdbool.h>
#include "arch-host/arch.h"

/* The largest READ or WRITE, and the reply room of every request. */
#define FUSE_MAX_WRITE	(1024 * 1024)

/* A request as the kernel sees it, and what replying needs. */
struct hreq {
	struct arch_fuse_req r;
	fuse_req_t req;
	void *mem;			/* receive buffer, recycled at reply */
	struct arch_fuse_forget *forgets;
};

/*
 * On a reader thread, in a callback: a new request for req of op on ino,
 * with the caller's credentials, owning the reader's receive buffer.
 * NULL if out of memory (req is answered ENOMEM then).
 */
struct hreq *hreq_new(fuse_req_t req, int op, fuse_ino_t ino);
/* Hand h to the kernel (raises IRQ_FUSE if the queue was empty). */
void hreq_push(struct hreq *h);
/* True for fuse=DIR (the guest changes files), false for an image. */
bool fuse_live(void);
/* The callbacks (fuse_ll.c). */
extern const struct fuse_lowlevel_ops fuse_ll_ops;

#endif
