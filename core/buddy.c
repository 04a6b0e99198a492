/*
 * The buddy allocator of physical frames.  Physical memory is one range of
 * nr_frames frames reached through the direct map at physmem_base; mem_map,
 * one struct page per frame, sits in its first frames, which stay reserved.
 * Every other frame belongs to exactly one free block or one allocated
 * block.  A block of order k is 2^k frames aligned to 2^k in pfn space; its
 * buddy is the block whose pfn differs in bit k.  Free blocks hang on one
 * list per order by their head frame (PG_BUDDY); freeing merges a block
 * with its buddy as long as the buddy is free and whole.  The slab allocator
 * and everything else that wants frames sit on top of this file.  When no
 * block is free, buddy_alloc() asks the registered reclaimers (the page
 * cache, then the buffer cache) to give frames back, and tries again.
 *
 * Locking: the free lists and counts are touched with interrupts disabled,
 * so interrupt handlers may allocate and free frames.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/list.h"
#include "core/page.h"
#include "core/string.h"

struct page *mem_map;
unsigned long nr_frames;
char *physmem_base;

static struct list_head free_area[BUDDY_NR_ORDERS];	/* [i] */
static unsigned long free_blocks[BUDDY_NR_ORDERS];	/* [i] */
static unsigned long free_frames;			/* [i] */

#define RECLAIM_BATCH	32	/* frames asked of a reclaimer at least */

/* [i] set up before memory runs short; emptied by buddy_init() */
static unsigned long (*reclaimers[BUDDY_MAX_RECLAIMERS])(unsigned long);
static unsigned int nr_reclaimers;			/* [i] */
static bool reclaiming;					/* [i] */

/* Put the whole free block at p on its list. */
static void
block_link(struct page *p, unsigned int order)
{
	p->flags = PG_BUDDY;
	p->order = order;
	list_add(&p->list, &free_area[order]);
	free_blocks[order]++;
	free_frames += 1UL << order;
}

/* Take the free block at p off its list; p becomes a plain frame. */
static void
block_unlink(struct page *p, unsigned int order)
{
	list_del(&p->list);
	p->flags = 0;
	free_blocks[order]--;
	free_frames -= 1UL << order;
}

/*
 * The free buddy of the block of this order at pfn, or NULL if the buddy is
 * outside memory, allocated, reserved or split.
 */
static struct page *
block_free_buddy(unsigned long pfn, unsigned int order)
{
	unsigned long bpfn = pfn ^ (1UL << order);
	struct page *b;

	if (bpfn >= nr_frames)
		return NULL;
	b = pfn_to_page(bpfn);
	if (!(b->flags & PG_BUDDY) || b->order != order)
		return NULL;
	return b;
}

/* Free the block of this order at p, merging it with free buddies. */
static void
block_insert(struct page *p, unsigned int order)
{
	unsigned long pfn = page_to_pfn(p);
	struct page *b;

	while (order < BUDDY_MAX_ORDER) {
		b = block_free_buddy(pfn, order);
		if (b == NULL)
			break;
		block_unlink(b, order);
		pfn &= ~(1UL << order);
		order++;
	}
	block_link(pfn_to_page(pfn), order);
}

/*
 * Take a free block of this order, splitting a larger one if needed: the
 * upper halves go back on the lists.  NULL if nothing large enough is free.
 */
static struct page *
block_take(unsigned int order)
{
	unsigned int k = order;
	struct page *p;

	while (k <= BUDDY_MAX_ORDER && list_empty(&free_area[k]))
		k++;
	if (k > BUDDY_MAX_ORDER)
		return NULL;
	p = list_first_entry(&free_area[k], struct page, list);
	block_unlink(p, k);
	while (k > order) {
		k--;
		block_link(p + (1UL << k), k);
	}
	return p;
}

/* Largest order of a block at pfn that is aligned and fits in memory. */
static unsigned int
init_order(unsigned long pfn)
{
	unsigned int order = BUDDY_MAX_ORDER;

	while ((pfn & ((1UL << order) - 1)) != 0 ||
	       pfn + (1UL << order) > nr_frames)
		order--;
	return order;
}

/* Reserve the frames holding mem_map; return how many there are. */
static unsigned long
init_mem_map(void)
{
	unsigned long n, pfn;

	n = DIV_ROUND_UP(nr_frames * sizeof(struct page), PAGE_SIZE);
	KASSERT(n < nr_frames);
	memset(mem_map, 0, n << PAGE_SHIFT);
	for (pfn = 0; pfn < n; pfn++) {
		mem_map[pfn].flags = PG_RESERVED;
		mem_map[pfn].refcount = 1;
	}
	return n;
}

/*
 * Take physical memory from the arch, put mem_map in its first frames and
 * free every other frame in the largest aligned blocks that fit.  Called
 * once at boot (and once per unit test), before anything allocates.
 */
void
buddy_init(void)
{
	unsigned long pfn, s;
	unsigned int k;

	physmem_base = arch_physmem_base();
	nr_frames = arch_physmem_size() >> PAGE_SHIFT;
	mem_map = (struct page *)physmem_base;
	KASSERT(((uintptr_t)physmem_base & ~PAGE_MASK) == 0);
	for (k = 0; k < BUDDY_NR_ORDERS; k++) {
		list_init(&free_area[k]);
		free_blocks[k] = 0;
	}
	free_frames = 0;
	nr_reclaimers = 0;
	reclaiming = false;
	s = arch_intr_save();
	for (pfn = init_mem_map(); pfn < nr_frames; pfn += 1UL << k) {
		k = init_order(pfn);
		arch_mem_poison(page_address(pfn_to_page(pfn)), PAGE_SIZE << k);
		block_insert(pfn_to_page(pfn), k);
	}
	arch_intr_restore(s);
}

/* Take a block of 2^order frames off the free lists, or NULL. */
static struct page *
buddy_take(unsigned int order)
{
	struct page *p;
	unsigned long s;

	s = arch_intr_save();
	p = block_take(order);
	if (p != NULL) {
		p->flags = PG_HEAD;
		p->order = order;
		p->refcount = 1;
	}
	arch_intr_restore(s);
	return p;
}

/*
 * Ask the reclaimers, in order, for frames until one frees some.  True if
 * one did.  Not reentered: an allocation made while reclaiming (from an
 * interrupt, say) just fails.
 */
static bool
buddy_reclaim(unsigned int order)
{
	unsigned long nr = MAX(1UL << order, RECLAIM_BATCH);
	unsigned long freed = 0, s;
	unsigned int i;

	s = arch_intr_save();
	if (reclaiming) {
		arch_intr_restore(s);
		return false;
	}
	reclaiming = true;
	arch_intr_restore(s);
	for (i = 0; i < nr_reclaimers && freed == 0; i++)
		freed = reclaimers[i](nr);
	reclaiming = false;
	return freed > 0;
}

/*
 * Allocate a block of 2^order frames, reclaiming cached frames if none is
 * free.  Returns its head frame, marked PG_HEAD with the order and a
 * refcount of 1, or NULL if order is out of range or no block can be had.
 * Any context; takes no lock but interrupts.
 */
struct page *
buddy_alloc(unsigned int order)
{
	struct page *p;

	if (order > BUDDY_MAX_ORDER)
		return NULL;
	p = buddy_take(order);
	while (p == NULL && buddy_reclaim(order))
		p = buddy_take(order);
	if (p != NULL)
		arch_mem_unpoison(page_address(p), PAGE_SIZE << order);
	return p;
}

/*
 * Add fn to the reclaimers buddy_alloc() calls when it is out of frames.
 * Returns 0, or -ENOSPC if BUDDY_MAX_RECLAIMERS are registered already.
 */
int
buddy_add_reclaimer(unsigned long (*fn)(unsigned long nr))
{
	unsigned long s = arch_intr_save();
	int err = -ENOSPC;

	if (nr_reclaimers < BUDDY_MAX_RECLAIMERS) {
		reclaimers[nr_reclaimers++] = fn;
		err = 0;
	}
	arch_intr_restore(s);
	return err;
}

/*
 * Free the block of 2^order frames headed by p, from buddy_alloc() with the
 * same order.  The caller must own the block and have cleared its own
 * flags.  Misuse (double free, wrong order, reserved or slab frames) is a
 * kernel bug and panics.
 */
void
buddy_free(struct page *p, unsigned int order)
{
	unsigned long s;

	KASSERT(order <= BUDDY_MAX_ORDER);
	KASSERT(p >= mem_map && page_to_pfn(p) < nr_frames);
	KASSERT(!(p->flags & PG_RESERVED));
	KASSERT(!(p->flags & PG_SLAB));
	KASSERT(p->flags & PG_HEAD);
	KASSERT(p->order == order);
	arch_mem_poison(page_address(p), PAGE_SIZE << order);
	s = arch_intr_save();
	p->flags = 0;
	p->refcount = 0;
	block_insert(p, order);
	arch_intr_restore(s);
}

/* Frames currently free.  A snapshot: no lock needed. */
unsigned long
buddy_free_frames(void)
{
	return free_frames;
}

/* Free blocks of exactly this order (0 for an order out of range). */
unsigned long
buddy_free_blocks(unsigned int order)
{
	if (order > BUDDY_MAX_ORDER)
		return 0;
	return free_blocks[order];
}

/* Allocate 2^order frames; return their direct-map address or NULL. */
void *
page_alloc_addr(unsigned int order)
{
	struct page *p = buddy_alloc(order);

	return p != NULL ? page_address(p) : NULL;
}

/* Free memory from page_alloc_addr() with the same order. */
void
page_free_addr(void *addr, unsigned int order)
{
	KASSERT(page_addr_valid(addr));
	KASSERT(((uintptr_t)addr & ~PAGE_MASK) == 0);
	buddy_free(virt_to_page(addr), order);
}
