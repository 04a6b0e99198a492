/*
 * The software page table of a guest address space, the frames it owns
 * and the stub's host mappings as its TLB (DESIGN.md section 3, "Page
 * tables are mmap").
 *
 * The table is a four-level radix tree of 512-entry tables, each one
 * frame from the buddy allocator, covering the 47-bit guest space; the
 * leaves hold PTEs (core/mm_int.h).  Anonymous frames are counted by
 * page->refcount, one per PTE; page-cache pages by page-cache references.
 * Zero-fill faults take a window of frames at once, one buddy block when
 * possible, split into single frames so that each can be freed alone.
 *
 * Host operations (arch_user_map/unmap/protect) are queued through a
 * tlb_batch that merges runs of equal operations on contiguous pages (and
 * contiguous frames, for maps), so a fault-around or a munmap costs one
 * host call per run.  An unmap or protect the host refuses is retried and
 * then replaced by an unmap of everything: a stale host mapping must never
 * outlive the rights it had.
 *
 * Callers hold mm->lock; the frame counts are atomic because frames are
 * shared between address spaces with different locks.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/mm_int.h"
#include "core/page.h"
#include "core/string.h"
#include "fs/pagecache.h"

#define PT_BITS		9
#define PT_ENTRIES	(1U << PT_BITS)
#define PT_LEVELS	4

/* Frames owned by guest page tables: anonymous frames and tables. */
static unsigned long mm_user_frames;

/* ---- frames ---- */

static void
frames_count(long delta)
{
	__atomic_add_fetch(&mm_user_frames, (unsigned long)delta,
			   __ATOMIC_RELAXED);
}

/* Frames of guest memory and page tables, for sysinfo. */
unsigned long
mm_nr_user_pages(void)
{
	return __atomic_load_n(&mm_user_frames, __ATOMIC_RELAXED);
}

/* An anonymous frame with refcount 1 (zeroed if zero), or NULL. */
struct page *
frame_alloc(bool zero)
{
	struct page *p = buddy_alloc(0);

	if (p == NULL)
		return NULL;
	if (zero)
		memset(page_address(p), 0, PAGE_SIZE);
	frames_count(1);
	return p;
}

/* Make the block of 2^order frames at p single frames, each its own
 * block of order 0 with refcount 1, zeroed. */
static void
frames_split(struct page *p, unsigned int order)
{
	unsigned int i;

	memset(page_address(p), 0, PAGE_SIZE << order);
	for (i = 0; i < (1U << order); i++) {
		p[i].flags = PG_HEAD;
		p[i].order = 0;
		p[i].refcount = 1;
	}
	frames_count(1L << order);
}

/* n zeroed frames, one contiguous block when n is a power of two and a
 * block is free; else frame by frame.  How many were had. */
unsigned int
frames_alloc(struct page **out, unsigned int n)
{
	unsigned int order = 0, i;
	struct page *p;

	while ((1U << order) < n)
		order++;
	if ((1U << order) == n && order > 0) {
		p = buddy_alloc(order);
		if (p != NULL) {
			frames_split(p, order);
			for (i = 0; i < n; i++)
				out[i] = p + i;
			return n;
		}
	}
	for (i = 0; i < n; i++) {
		out[i] = frame_alloc(true);
		if (out[i] == NULL)
			break;
	}
	return i;
}

/* One more PTE maps the anonymous frame p. */
void
frame_get(struct page *p)
{
	__atomic_add_fetch(&p->refcount, 1, __ATOMIC_RELAXED);
}

/* One PTE less maps the anonymous frame p; the last frees it. */
void
frame_put(struct page *p)
{
	if (__atomic_sub_fetch(&p->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	buddy_free(p, 0);
	frames_count(-1);
}

/* How many PTEs map the anonymous frame p. */
int
frame_refs(struct page *p)
{
	return __atomic_load_n(&p->refcount, __ATOMIC_ACQUIRE);
}

/* Release what the PTE value pte holds. */
void
pte_release(uint64_t pte)
{
	struct page *p = pte_page(pte);

	if (!(pte & PTE_FILE)) {
		frame_put(p);
		return;
	}
	/* Write-back may have cleaned the page since the guest wrote it. */
	if (pte & PTE_DIRTY)
		pagecache_mark_dirty(p);
	pagecache_put(p);
}

/* A second PTE will hold what pte holds. */
void
pte_dup(uint64_t pte)
{
	if (pte & PTE_FILE)
		pagecache_page_get(pte_page(pte));
	else
		frame_get(pte_page(pte));
}

/* ---- the page table ---- */

static uint64_t *
pt_table_alloc(void)
{
	struct page *p = frame_alloc(true);

	return p != NULL ? page_address(p) : NULL;
}

static void
pt_table_free(uint64_t *t)
{
	page_free_addr(t, 0);
	frames_count(-1);
}

static unsigned int
pt_index(uint64_t addr, int level)
{
	return (unsigned int)(addr >> (PAGE_SHIFT + PT_BITS * level)) &
	       (PT_ENTRIES - 1);
}

/* Make mm's root table.  0 or -ENOMEM. */
int
pt_create(struct mm *mm)
{
	mm->pgd = pt_table_alloc();
	return mm->pgd != NULL ? 0 : -ENOMEM;
}

/* Walk down to addr's leaf entry; make tables if alloc. */
static uint64_t *
pt_descend(struct mm *mm, uint64_t addr, bool alloc)
{
	uint64_t *t = mm->pgd, *next;
	unsigned int i;
	int level;

	if (addr >= USER_TOP || t == NULL)
		return NULL;
	for (level = PT_LEVELS - 1; level > 0; level--) {
		i = pt_index(addr, level);
		next = (uint64_t *)(uintptr_t)t[i];
		if (next == NULL) {
			if (!alloc || (next = pt_table_alloc()) == NULL)
				return NULL;
			t[i] = (uint64_t)(uintptr_t)next;
		}
		t = next;
	}
	return &t[pt_index(addr, 0)];
}

/* addr's PTE, or NULL when no table holds it. */
uint64_t *
pt_lookup(struct mm *mm, uint64_t addr)
{
	return pt_descend(mm, addr, false);
}

/* addr's PTE, with tables made as needed; NULL when out of memory. */
uint64_t *
pt_lookup_alloc(struct mm *mm, uint64_t addr)
{
	return pt_descend(mm, addr, true);
}

struct pt_walker {
	struct mm *mm;
	uint64_t start, end;
	pt_fn *fn;
	void *arg;
	bool prune;
};

static bool
pt_empty(const uint64_t *t)
{
	unsigned int i;

	for (i = 0; i < PT_ENTRIES; i++)
		if (t[i] != 0)
			return false;
	return true;
}

/* Walk table t of this level, which covers addresses from base up. */
static void
pt_walk_level(struct pt_walker *w, uint64_t *t, int level, uint64_t base)
{
	uint64_t span = 1ULL << (PAGE_SHIFT + PT_BITS * level), a;
	unsigned int i = 0;
	uint64_t *sub;

	if (w->start > base)
		i = (unsigned int)((w->start - base) / span);
	for (; i < PT_ENTRIES; i++) {
		a = base + i * span;
		if (a >= w->end)
			break;
		if (t[i] == 0)
			continue;
		if (level == 0) {
			w->fn(w->mm, a, &t[i], w->arg);
			continue;
		}
		sub = (uint64_t *)(uintptr_t)t[i];
		pt_walk_level(w, sub, level - 1, a);
		if (w->prune && pt_empty(sub)) {
			pt_table_free(sub);
			t[i] = 0;
		}
	}
}

/* Call fn on every PTE in use in [start, end); see mm_int.h. */
void
pt_walk(struct mm *mm, uint64_t start, uint64_t end, pt_fn *fn, void *arg,
	bool prune)
{
	struct pt_walker w = {
		.mm = mm, .start = start, .end = MIN(end, USER_TOP),
		.fn = fn, .arg = arg, .prune = prune,
	};

	if (mm->pgd != NULL && w.start < w.end)
		pt_walk_level(&w, mm->pgd, PT_LEVELS - 1, 0);
}

static void
pt_no_pte(struct mm *mm, uint64_t addr, uint64_t *pte, void *arg)
{
	(void)mm;
	(void)addr;
	(void)arg;
	KASSERT(*pte == 0);
}

/* Free the whole (empty) table. */
void
pt_destroy(struct mm *mm)
{
	if (mm->pgd == NULL)
		return;
	pt_walk(mm, 0, USER_TOP, pt_no_pte, NULL, true);
	pt_table_free(mm->pgd);
	mm->pgd = NULL;
}

/* ---- the host TLB ---- */

void
tlb_init(struct tlb_batch *b, struct mm *mm)
{
	b->user = mm->user;
	b->op = TLB_NONE;
	b->removes = false;
	b->nr_defer = 0;
}

/* The host lost track: drop every guest mapping of the stub. */
static void
tlb_panic_unmap(struct arch_user *u)
{
	if (arch_user_unmap(u, 0, USER_TOP) != 0)
		arch_user_unmap(u, 0, USER_TOP);
}

/* Queue the pending run. */
static void
tlb_queue_run(struct tlb_batch *b)
{
	uint64_t len = b->end - b->start;
	int err = 0, i;

	if (b->user == NULL || b->op == TLB_NONE)
		return;
	for (i = 0; i < 2; i++) {
		if (b->op == TLB_MAP)
			err = arch_user_map(b->user, b->start, len, b->pa,
					    b->prot);
		else if (b->op == TLB_UNMAP)
			err = arch_user_unmap(b->user, b->start, len);
		else
			err = arch_user_protect(b->user, b->start, len,
						b->prot);
		if (err == 0)
			break;
	}
	/* A lost map only costs a fault; a lost unmap must not stay. */
	if (err != 0 && b->op != TLB_MAP)
		tlb_panic_unmap(b->user);
	if (b->op != TLB_MAP)
		b->removes = true;
	b->op = TLB_NONE;
}

/*
 * Bring the stub up to date before going on when the batch took rights
 * away: guest code may be running in it even now (it can fake a trap),
 * so a page leaves its host mapping before its frame is freed or another
 * address space may write it.  New mappings wait for the next run.
 */
static void
tlb_sync(struct tlb_batch *b)
{
	unsigned int i;

	tlb_queue_run(b);
	if (b->removes || b->nr_defer > 0) {
		/* Whatever the result, the unmaps have taken effect. */
		arch_user_flush(b->user);
		b->removes = false;
	}
	for (i = 0; i < b->nr_defer; i++)
		pte_release(b->defer[i]);
	b->nr_defer = 0;
}

void
tlb_finish(struct tlb_batch *b)
{
	if (b->user != NULL)
		tlb_sync(b);
}

void
tlb_release(struct tlb_batch *b, uint64_t pte)
{
	if (b->user == NULL || !(pte & PTE_TLB)) {
		pte_release(pte);
		return;
	}
	if (b->nr_defer == TLB_DEFER)
		tlb_sync(b);
	b->defer[b->nr_defer++] = pte;
}

/* Add one page of op to the batch, merging with the run if it goes on. */
static void
tlb_add(struct tlb_batch *b, int op, uint64_t addr, uint64_t pa, int prot)
{
	if (b->user == NULL)
		return;
	if (b->op == op && b->end == addr && b->prot == prot &&
	    (op != TLB_MAP || b->pa + (b->end - b->start) == pa)) {
		b->end += PAGE_SIZE;
		return;
	}
	tlb_queue_run(b);
	b->op = op;
	b->start = addr;
	b->end = addr + PAGE_SIZE;
	b->pa = pa;
	b->prot = prot;
}

void
tlb_map(struct tlb_batch *b, uint64_t addr, uint64_t pa, int prot)
{
	tlb_add(b, TLB_MAP, addr, pa, prot);
}

void
tlb_unmap(struct tlb_batch *b, uint64_t addr)
{
	tlb_add(b, TLB_UNMAP, addr, 0, 0);
}

void
tlb_protect(struct tlb_batch *b, uint64_t addr, int prot)
{
	tlb_add(b, TLB_PROTECT, addr, 0, prot);
}

/* What the host may let the guest do with the page pte in vma: readable
 * if anything is allowed (x86 cannot write or execute without reading),
 * writable only without a fault to take first. */
int
pte_hprot(uint64_t pte, const struct vm_area *vma)
{
	int hp = 0;

	if (vma->prot & (KPROT_READ | KPROT_WRITE | KPROT_EXEC))
		hp |= ARCH_PROT_READ;
	if ((vma->prot & KPROT_WRITE) && (pte & PTE_WRITE))
		hp |= ARCH_PROT_WRITE;
	if (vma->prot & KPROT_EXEC)
		hp |= ARCH_PROT_EXEC;
	return hp;
}

/* Forget the host mapping of the page at addr, if any. */
void
pte_tlb_drop(struct tlb_batch *b, uint64_t addr, uint64_t *pte)
{
	if (!(*pte & PTE_TLB))
		return;
	tlb_unmap(b, addr);
	*pte &= ~PTE_TLB_MASK;
}

/* Make a host mapping of the page at addr have hprot (0: unmap it). */
void
pte_tlb_set(struct tlb_batch *b, uint64_t addr, uint64_t *pte, int hprot)
{
	if (!(*pte & PTE_TLB) || pte_tlb_prot(*pte) == hprot)
		return;
	if (hprot == 0) {
		pte_tlb_drop(b, addr, pte);
		return;
	}
	tlb_protect(b, addr, hprot);
	*pte = (*pte & ~PTE_HPROT_MASK) |
	       ((uint64_t)hprot << PTE_HPROT_SHIFT);
}

/* Map the present pages of vma in the aligned window around addr; addr
 * itself even if the PTE says it is mapped (the guest faulted on it). */
void
tlb_fill(struct mm *mm, struct vm_area *vma, uint64_t addr)
{
	const uint64_t win = FAULT_WINDOW * PAGE_SIZE;
	uint64_t ws = MAX(ALIGN_DOWN(addr, win), vma->start);
	uint64_t we = MIN(ALIGN_DOWN(addr, win) + win, vma->end);
	struct tlb_batch b;
	uint64_t *pte, a;
	int hp;

	if (mm->user == NULL)
		return;
	tlb_init(&b, mm);
	pte = pt_lookup(mm, ws);
	/* The window lies within one leaf table: entries are adjacent. */
	for (a = ws; pte != NULL && a < we; a += PAGE_SIZE, pte++) {
		if (!(*pte & PTE_PRESENT))
			continue;
		hp = pte_hprot(*pte, vma);
		if (hp == 0 || (a != addr && (*pte & PTE_TLB) &&
				pte_tlb_prot(*pte) == hp))
			continue;
		tlb_map(&b, a, (*pte >> PTE_PFN_SHIFT) << PAGE_SHIFT, hp);
		*pte = (*pte & ~PTE_TLB_MASK) | PTE_TLB |
		       ((uint64_t)hp << PTE_HPROT_SHIFT);
	}
	tlb_finish(&b);
}
