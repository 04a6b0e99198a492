/*
 * Physical page frames: struct page (one per frame, in mem_map at the
 * bottom of physical memory), the direct map, and the buddy allocator.
 */
#ifndef CORE_PAGE_H
#define CORE_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/list.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define BUDDY_MAX_ORDER	10		/* largest block: 2^10 frames, 4 MiB */
#define BUDDY_NR_ORDERS	(BUDDY_MAX_ORDER + 1)

/* page->flags */
#define PG_RESERVED	0x0001	/* never allocatable (mem_map itself) */
#define PG_BUDDY	0x0002	/* head of a free block in a free list */
#define PG_SLAB		0x0004	/* owned by a slab cache (every frame) */
#define PG_HEAD		0x0008	/* head of an allocated block, order valid */
#define PG_LARGE	0x0010	/* head of a kmalloc block past the classes */
/* page->flags of a page-cache page (fs/pagecache.c), interrupts disabled */
#define PG_CACHE	0x0020	/* in an inode's page tree */
#define PG_UPTODATE	0x0040	/* data valid */
#define PG_DIRTY	0x0080	/* on its inode's dirty list, to write back */
#define PG_LOCKED	0x0100	/* being filled: others wait */
#define PG_LRU		0x0200	/* clean, unreferenced, on the LRU list */
#define PG_WRITEBACK	0x0400	/* being written back */

struct kmem_cache;
struct inode;

/*
 * One physical frame.  Guarded by the buddy allocator while free (it runs
 * with interrupts disabled), by the owner while allocated; the slab fields
 * by the slab allocator, with interrupts disabled.  Only the head frame of
 * a block has PG_BUDDY or PG_HEAD; every frame of a slab has PG_SLAB,
 * slab_cache and slab_head, the rest of the slab fields live in the head.
 * A page-cache page (PG_CACHE, one order-0 frame) uses the other half of
 * the union and the list as its LRU or dirty-list link; its refcount is
 * one for the cache plus one per pagecache_get().
 */
struct page {
	uint32_t flags;
	uint8_t order;			/* block order: PG_BUDDY, PG_HEAD */
	int32_t refcount;		/* 1 after buddy_alloc(), for owner */
	uint32_t slab_inuse;		/* PG_SLAB head: objects allocated */
	struct list_head list;		/* free list, slab list, LRU, dirty */
	union {
		struct {
			/* PG_SLAB: owning cache */
			struct kmem_cache *slab_cache;
			/* PG_SLAB: first frame of the slab */
			struct page *slab_head;
			/* PG_SLAB head: in-use bits when the slab holds at
			 * most 64 objects */
			unsigned long slab_map;
		};
		struct {
			struct inode *cache_inode;	/* [i] file it caches */
			uint64_t cache_index;		/* [i] page of it */
			uint64_t dirtied_ns;		/* [i] PG_DIRTY since */
		};
	};
};

extern struct page *mem_map;		/* [I] after buddy_init */
extern unsigned long nr_frames;		/* [I] frames of physical memory */
extern char *physmem_base;		/* [I] kernel address of frame 0 */

static inline unsigned long
page_to_pfn(const struct page *p)
{
	return (unsigned long)(p - mem_map);
}

static inline struct page *
pfn_to_page(unsigned long pfn)
{
	return &mem_map[pfn];
}

/* Kernel (direct-map) address of a frame. */
static inline void *
page_address(const struct page *p)
{
	return physmem_base + (page_to_pfn(p) << PAGE_SHIFT);
}

/* True if addr lies in the direct map of physical memory. */
static inline bool
page_addr_valid(const void *addr)
{
	const char *a = addr;

	return a >= physmem_base &&
	       a < physmem_base + (nr_frames << PAGE_SHIFT);
}

/* The frame holding a direct-map address. */
static inline struct page *
virt_to_page(const void *addr)
{
	return pfn_to_page((unsigned long)((const char *)addr - physmem_base)
			   >> PAGE_SHIFT);
}

/*
 * Take physical memory from arch_physmem_base()/arch_physmem_size(), place
 * mem_map in its first frames and free the rest into the buddy lists.
 */
void buddy_init(void);
/*
 * Allocate 2^order contiguous frames, aligned to their size in pfn space;
 * the head frame gets PG_HEAD, the order and refcount 1.  When no block is
 * free, the reclaimers are asked for frames first.  NULL when none can be
 * had or order > BUDDY_MAX_ORDER.  Safe in interrupt context.
 */
struct page *buddy_alloc(unsigned int order);
/*
 * Free a block from buddy_alloc() of the same order, coalescing buddies.
 * The owner must have cleared its own flags (PG_SLAB, PG_LARGE).  Double
 * frees, wrong orders and reserved frames are kernel bugs (KASSERT).
 */
void buddy_free(struct page *p, unsigned int order);
/*
 * Register a reclaimer: when buddy_alloc() finds no block free, it calls
 * the reclaimers in registration order, each asked to free up to nr
 * frames, and retries as long as one of them freed anything.  A reclaimer
 * runs in any context, maybe with interrupts disabled: it must not sleep
 * or allocate, and returns how many frames it freed (0: nothing left).
 * buddy_init() forgets every reclaimer.  0, or -ENOSPC when the table
 * (BUDDY_MAX_RECLAIMERS) is full.
 */
int buddy_add_reclaimer(unsigned long (*fn)(unsigned long nr));
#define BUDDY_MAX_RECLAIMERS	4
/* Frames currently free. */
unsigned long buddy_free_frames(void);
/* Free blocks of exactly this order (for tests and /proc/buddyinfo). */
unsigned long buddy_free_blocks(unsigned int order);

/* Allocate 2^order frames and return their kernel address; NULL on ENOMEM. */
void *page_alloc_addr(unsigned int order);
/* Free memory from page_alloc_addr(). */
void page_free_addr(void *addr, unsigned int order);

#endif
