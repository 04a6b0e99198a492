/*
 * Inside the address-space layer (core/mm.c, pgtable.c, mm_fault.c,
 * mmap.c, mremap.c, sys_mm.c): the software page table and its entries,
 * the batching of host TLB operations, frame ownership and the VMA list
 * helpers.  Everything here runs with mm->lock held unless said otherwise.
 *
 * A page-table entry (PTE) is a 64-bit word: the frame number from bit 12
 * up and the flags below; 0 means no page.  Upper-level entries hold the
 * kernel address of the next table (a frame from buddy_alloc(0)).
 *
 * Frames: an anonymous frame's page->refcount counts the PTEs that map it
 * (fork shares it); a page-cache page holds one page-cache reference per
 * PTE (pagecache_get / pagecache_page_get, dropped by pagecache_put).
 *
 * PTE_WRITE means "the guest may write without a fault": set only when the
 * VMA allows writing and the page is exclusively ours (an anonymous
 * private frame with refcount 1), shared anonymous memory, or a shared
 * file page already marked dirty (PTE_DIRTY).  The host mapping of a page
 * (PTE_TLB) never grants more than pte_hprot() says.
 */
#ifndef CORE_MM_INT_H
#define CORE_MM_INT_H

#include <stdbool.h>
#include <stdint.h>
#include "core/mm.h"
#include "core/page.h"

#define PTE_PRESENT	0x001ULL
#define PTE_WRITE	0x002ULL	/* writable without a fault */
#define PTE_FILE	0x004ULL	/* a page-cache page, else anonymous */
#define PTE_DIRTY	0x008ULL	/* shared file page the guest wrote */
#define PTE_TLB		0x010ULL	/* mapped in the stub */
#define PTE_HPROT_SHIFT	5		/* ARCH_PROT_* of that mapping */
#define PTE_HPROT_MASK	(7ULL << PTE_HPROT_SHIFT)
#define PTE_TLB_MASK	(PTE_TLB | PTE_HPROT_MASK)
#define PTE_PFN_SHIFT	PAGE_SHIFT

#define VMA_MAX		65530		/* vm.max_map_count */
#define FAULT_WINDOW	16		/* pages filled or mapped per fault */

static inline struct page *
pte_page(uint64_t pte)
{
	return pfn_to_page((unsigned long)(pte >> PTE_PFN_SHIFT));
}

static inline uint64_t
pte_make(const struct page *p, uint64_t flags)
{
	return ((uint64_t)page_to_pfn(p) << PTE_PFN_SHIFT) | PTE_PRESENT |
	       flags;
}

static inline int
pte_tlb_prot(uint64_t pte)
{
	return (int)((pte & PTE_HPROT_MASK) >> PTE_HPROT_SHIFT);
}

/* Page index in vma's file of the page at addr. */
static inline uint64_t
vma_pgoff(const struct vm_area *vma, uint64_t addr)
{
	return vma->pgoff + ((addr - vma->start) >> PAGE_SHIFT);
}

static inline uint64_t
vma_pages(const struct vm_area *vma)
{
	return (vma->end - vma->start) >> PAGE_SHIFT;
}

/* ---- pgtable.c: the page table ---- */

/* Make mm's empty root table.  0 or -ENOMEM. */
int pt_create(struct mm *mm);
/* The PTE of addr, or NULL if no table covers it. */
uint64_t *pt_lookup(struct mm *mm, uint64_t addr);
/* The PTE of addr, making tables as needed; NULL: out of memory. */
uint64_t *pt_lookup_alloc(struct mm *mm, uint64_t addr);
/*
 * Call fn for each non-zero PTE in [start, end), in address order.  With
 * prune, tables left empty are freed afterwards (fn may clear PTEs).
 */
typedef void pt_fn(struct mm *mm, uint64_t addr, uint64_t *pte, void *arg);
void pt_walk(struct mm *mm, uint64_t start, uint64_t end, pt_fn *fn,
	     void *arg, bool prune);
/* Free every table, root included (all PTEs must be 0). */
void pt_destroy(struct mm *mm);

/* ---- pgtable.c: frames ---- */

/* One anonymous frame (refcount 1), zeroed if zero, or NULL. */
struct page *frame_alloc(bool zero);
/*
 * n (<= FAULT_WINDOW) zeroed anonymous frames into out[], contiguous when
 * a block can be had; how many were allocated (maybe fewer than n).
 */
unsigned int frames_alloc(struct page **out, unsigned int n);
/* Another PTE maps the anonymous frame p. */
void frame_get(struct page *p);
/* A PTE no longer maps the anonymous frame p; the last one frees it. */
void frame_put(struct page *p);
/* Frame refcount, read once. */
int frame_refs(struct page *p);
/* Drop what the PTE value pte references (a dirty shared file page is
 * marked dirty in the page cache first). */
void pte_release(uint64_t pte);
/* Take one more reference on what the PTE value pte references. */
void pte_dup(uint64_t pte);

/* ---- pgtable.c: the host TLB ---- */

/* A run of host operations being coalesced. */
#define TLB_DEFER	32

struct tlb_batch {
	struct arch_user *user;		/* NULL: no stub, nothing to do */
	int op;				/* TLB_* */
	uint64_t start, end;		/* the run */
	uint64_t pa;			/* TLB_MAP: physical address of start */
	int prot;			/* TLB_MAP, TLB_PROTECT: ARCH_PROT_* */
	bool removes;			/* an unmap or protect is queued */
	unsigned int nr_defer;
	/* PTE values released once the stub no longer maps them. */
	uint64_t defer[TLB_DEFER];
};

enum { TLB_NONE, TLB_MAP, TLB_UNMAP, TLB_PROTECT };

void tlb_init(struct tlb_batch *b, struct mm *mm);
/* Queue one page; runs of equal operations are merged. */
void tlb_map(struct tlb_batch *b, uint64_t addr, uint64_t pa, int prot);
void tlb_unmap(struct tlb_batch *b, uint64_t addr);
void tlb_protect(struct tlb_batch *b, uint64_t addr, int prot);
/*
 * End the batch: the stub's host mappings are brought up to date (the
 * vCPU waits for it), then the deferred pages are released.
 */
void tlb_finish(struct tlb_batch *b);
/* Release what PTE value pte holds, once its host mapping is gone. */
void tlb_release(struct tlb_batch *b, uint64_t pte);
/* Host protections the page of PTE value pte in vma may have (0: none). */
int pte_hprot(uint64_t pte, const struct vm_area *vma);
/* The page at addr loses its host mapping (if it has one). */
void pte_tlb_drop(struct tlb_batch *b, uint64_t addr, uint64_t *pte);
/* A host-mapped page at addr must have exactly hprot (0: unmap it). */
void pte_tlb_set(struct tlb_batch *b, uint64_t addr, uint64_t *pte,
		 int hprot);
/* Map the present pages of vma around addr (and addr itself) in the
 * stub, coalescing contiguous frames. */
void tlb_fill(struct mm *mm, struct vm_area *vma, uint64_t addr);

/* ---- mm.c: VMAs ---- */

/* The first VMA ending above addr, or NULL. */
struct vm_area *vma_find(struct mm *mm, uint64_t addr);
/* The VMA containing addr, or NULL. */
struct vm_area *vma_lookup(struct mm *mm, uint64_t addr);
struct vm_area *vma_prev(struct mm *mm, struct vm_area *vma);
struct vm_area *vma_next(struct mm *mm, struct vm_area *vma);
/* A new VMA (file referenced if any), not linked; NULL: out of memory. */
struct vm_area *vma_alloc(uint64_t start, uint64_t end, unsigned int prot,
			  unsigned int flags, struct file *f, uint64_t pgoff);
/* Free an unlinked VMA and drop its file. */
void vma_free(struct vm_area *vma);
/* Insert vma in address order (it must not overlap) and count it. */
void vma_link(struct mm *mm, struct vm_area *vma);
void vma_unlink(struct mm *mm, struct vm_area *vma);
/* Merge vma with compatible neighbours; the VMA that now covers it. */
struct vm_area *vma_merge(struct mm *mm, struct vm_area *vma);
/* Make start and end VMA boundaries where they fall inside one.
 * 0 or -ENOMEM. */
int vma_split_range(struct mm *mm, uint64_t start, uint64_t end);
/* True if no VMA overlaps [start, end). */
bool vma_range_free(struct mm *mm, uint64_t start, uint64_t end);
/* True if VMAs cover all of [start, end) without a hole. */
bool vma_range_mapped(struct mm *mm, uint64_t start, uint64_t end);
/* Drop the pages in [start, end) (within VMAs) and their host mappings. */
void mm_zap_range(struct mm *mm, uint64_t start, uint64_t end,
		  struct tlb_batch *tlb);
/* Remove [start, end) from the address space.  0 or -ENOMEM. */
int mm_unmap_range(struct mm *mm, uint64_t start, uint64_t end,
		   struct tlb_batch *tlb);

/* ---- mm_fault.c ---- */

/* mm_settle() with mm->lock held and the stub up to date. */
void mm_settle_locked(struct mm *mm);
/* mm_fault() with mm->lock held. */
int mm_fault_locked(struct mm *mm, uint64_t addr, int access);
/* May vma be accessed with ARCH_ACCESS_* bits? */
bool vma_access_ok(const struct vm_area *vma, int access);

/* ---- mmap.c ---- */

/* A free range of len bytes: hint if free, else top-down from
 * mm->mmap_base (then from USER_TOP).  The address or -ENOMEM. */
long mm_get_unmapped_area(struct mm *mm, uint64_t hint, uint64_t len);

#endif
