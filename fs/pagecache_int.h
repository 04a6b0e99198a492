/*
 * Inside the page cache: what fs/pagecache.c shares with fs/readahead.c.
 * Nothing else includes this.
 */
#ifndef FS_PAGECACHE_INT_H
#define FS_PAGECACHE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/list.h"
#include "fs/radix_tree.h"

struct inode;
struct page;

#define PC_MAX_RW	0x7ffff000UL	/* bytes per read or write call */

/* inode->pages. */
struct page_tree {
	struct radix_tree tree;		/* [i] the pages by index */
	struct list_head dirty;		/* [i] dirty pages, oldest first */
	unsigned long nr_writeback;	/* [i] PG_WRITEBACK pages */
	int error;			/* [i] a write failed since cleared */
	uint64_t ra_next;		/* the page after the last read */
	unsigned int ra_pages;		/* pages the last read fetched */
};

/*
 * The page at index, referenced: *created if it is new and locked, for
 * the caller to fill (pc_fill(), or its own I/O then pc_unlock()).
 * 0 or -ENOMEM.  Sleeps.
 */
int pc_find_or_add(struct inode *inode, uint64_t index, struct page **out,
		   bool *created);
/* Fill the new, locked page (read it if fill) and unlock it. */
int pc_fill(struct inode *inode, struct page *p, bool fill);
/* Filling p ended with err: mark it valid or drop it; wake waiters. */
void pc_unlock(struct page *p, int err);
/* Is page index of inode in the cache (filled or being filled)? */
bool pc_is_cached(struct inode *inode, uint64_t index);

#endif
