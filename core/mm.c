/*
 * Guest address spaces (DESIGN.md sections 3 and 4): their life (create,
 * fork's copy, the stub, the last put), the sorted list of VMAs (find,
 * split, merge) and the removal of ranges.  The page table and the host
 * TLB are in pgtable.c, faults and copies in mm_fault.c, the mmap family
 * in mmap.c and mremap.c, the system calls in sys_mm.c.
 *
 * VMAs never overlap and sit in mm->vmas by start address; neighbours
 * that could be one VMA (same protections, flags and file at contiguous
 * offsets) are merged whenever a change makes them touch.  At most
 * VMA_MAX exist at once.
 *
 * Locking: mm->lock (a mutex, core/mm.h) around everything but the
 * reference count, which is guarded by disabling interrupts.  Page-cache
 * calls may sleep under mm->lock; nothing takes mm->lock while holding
 * an inode's lock.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/mm_int.h"
#include "core/slab.h"
#include "core/string.h"
#include "fs/vfs.h"

/* ---- VMAs ---- */

/* The first VMA ending above addr, or NULL. */
struct vm_area *
vma_find(struct mm *mm, uint64_t addr)
{
	struct vm_area *vma;

	list_for_each_entry(vma, &mm->vmas, node) {
		if (vma->end > addr)
			return vma;
	}
	return NULL;
}

/* The VMA holding addr, or NULL. */
struct vm_area *
vma_lookup(struct mm *mm, uint64_t addr)
{
	struct vm_area *vma = vma_find(mm, addr);

	return vma != NULL && vma->start <= addr ? vma : NULL;
}

struct vm_area *
vma_prev(struct mm *mm, struct vm_area *vma)
{
	if (vma->node.prev == &mm->vmas)
		return NULL;
	return list_entry(vma->node.prev, struct vm_area, node);
}

struct vm_area *
vma_next(struct mm *mm, struct vm_area *vma)
{
	if (vma->node.next == &mm->vmas)
		return NULL;
	return list_entry(vma->node.next, struct vm_area, node);
}

/* A new unlinked VMA; its file (if any) is referenced.  NULL: ENOMEM. */
struct vm_area *
vma_alloc(uint64_t start, uint64_t end, unsigned int prot,
	  unsigned int flags, struct file *f, uint64_t pgoff)
{
	struct vm_area *vma = kzalloc(sizeof(*vma));

	if (vma == NULL)
		return NULL;
	list_init(&vma->node);
	vma->start = start;
	vma->end = end;
	vma->prot = prot;
	vma->flags = flags;
	vma->file = f;
	vma->pgoff = f != NULL ? pgoff : 0;
	if (f != NULL)
		file_get(f);
	return vma;
}

/* Free an unlinked VMA and put its file. */
void
vma_free(struct vm_area *vma)
{
	if (vma->file != NULL)
		file_put(vma->file);
	kfree(vma);
}

/* Insert vma by address; it overlaps nothing. */
void
vma_link(struct mm *mm, struct vm_area *vma)
{
	struct vm_area *next = vma_find(mm, vma->start);

	KASSERT(next == NULL || next->start >= vma->end);
	if (next != NULL)
		list_insert_between(&vma->node, next->node.prev, &next->node);
	else
		list_add_tail(&vma->node, &mm->vmas);
	mm->nr_vmas++;
	mm->total_pages += vma_pages(vma);
}

void
vma_unlink(struct mm *mm, struct vm_area *vma)
{
	list_del(&vma->node);
	mm->nr_vmas--;
	mm->total_pages -= vma_pages(vma);
}

/* Could a (ending where b starts) and b be one VMA? */
static bool
vma_mergeable(const struct vm_area *a, const struct vm_area *b)
{
	if (a->end != b->start || a->prot != b->prot ||
	    a->flags != b->flags || a->file != b->file)
		return false;
	return a->file == NULL || vma_pgoff(a, a->end) == b->pgoff;
}

/* Absorb b, which follows a, into a. */
static void
vma_absorb(struct mm *mm, struct vm_area *a, struct vm_area *b)
{
	vma_unlink(mm, b);
	mm->total_pages -= vma_pages(a);
	a->end = b->end;
	mm->total_pages += vma_pages(a);
	vma_free(b);
}

/* Merge vma with its neighbours where possible; the surviving VMA. */
struct vm_area *
vma_merge(struct mm *mm, struct vm_area *vma)
{
	struct vm_area *prev = vma_prev(mm, vma);
	struct vm_area *next = vma_next(mm, vma);

	if (next != NULL && vma_mergeable(vma, next))
		vma_absorb(mm, vma, next);
	if (prev != NULL && vma_mergeable(prev, vma)) {
		vma_absorb(mm, prev, vma);
		vma = prev;
	}
	return vma;
}

/* Cut vma in two at addr (inside it).  0 or -ENOMEM. */
static int
vma_split(struct mm *mm, struct vm_area *vma, uint64_t addr)
{
	struct vm_area *hi;

	if (mm->nr_vmas >= VMA_MAX)
		return -ENOMEM;
	hi = vma_alloc(addr, vma->end, vma->prot, vma->flags, vma->file,
		       vma_pgoff(vma, addr));
	if (hi == NULL)
		return -ENOMEM;
	mm->total_pages -= vma_pages(vma);
	vma->end = addr;
	mm->total_pages += vma_pages(vma);
	vma_link(mm, hi);
	return 0;
}

/* Make start and end VMA boundaries.  0 or -ENOMEM. */
int
vma_split_range(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vm_area *vma = vma_lookup(mm, start);
	int err;

	if (vma != NULL && vma->start < start) {
		err = vma_split(mm, vma, start);
		if (err)
			return err;
	}
	vma = vma_lookup(mm, end);
	if (vma != NULL && vma->start < end)
		return vma_split(mm, vma, end);
	return 0;
}

/* Does no VMA overlap [start, end)? */
bool
vma_range_free(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vm_area *vma = vma_find(mm, start);

	return vma == NULL || vma->start >= end;
}

/* Do VMAs cover [start, end) without a hole? */
bool
vma_range_mapped(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vm_area *vma = vma_find(mm, start);

	while (start < end) {
		if (vma == NULL || vma->start > start)
			return false;
		start = vma->end;
		vma = vma_next(mm, vma);
	}
	return true;
}

/* ---- removing pages and ranges ---- */

static void
zap_pte(struct mm *mm, uint64_t addr, uint64_t *pte, void *arg)
{
	uint64_t old = *pte;

	pte_tlb_drop(arg, addr, pte);
	tlb_release(arg, old);
	*pte = 0;
	mm->rss_pages--;
}

/* Drop every page in [start, end) and its host mapping. */
void
mm_zap_range(struct mm *mm, uint64_t start, uint64_t end,
	     struct tlb_batch *tlb)
{
	pt_walk(mm, start, end, zap_pte, tlb, true);
}

/* Unmap [start, end): split the VMAs at its edges, drop the pages and
 * the VMAs inside.  0 or -ENOMEM (nothing removed then). */
int
mm_unmap_range(struct mm *mm, uint64_t start, uint64_t end,
	       struct tlb_batch *tlb)
{
	struct vm_area *vma, *next;
	int err;

	if (vma_range_free(mm, start, end))
		return 0;
	err = vma_split_range(mm, start, end);
	if (err)
		return err;
	for (vma = vma_find(mm, start); vma != NULL && vma->start < end;
	     vma = next) {
		next = vma_next(mm, vma);
		mm_zap_range(mm, vma->start, vma->end, tlb);
		vma_unlink(mm, vma);
		vma_free(vma);
	}
	return 0;
}

/* ---- life of an address space ---- */

/* A new, empty address space.  0 or -ENOMEM. */
int
mm_create(struct mm **out)
{
	struct mm *mm = kzalloc(sizeof(*mm));

	if (mm == NULL)
		return -ENOMEM;
	mutex_init(&mm->lock, "mm");
	list_init(&mm->vmas);
	if (pt_create(mm) != 0) {
		kfree(mm);
		return -ENOMEM;
	}
	mm->mmap_base = USER_MMAP_BASE;
	mm->refcount = 1;
	*out = mm;
	return 0;
}

/* Give mm its stub; the last mm_put() destroys it. */
void
mm_set_user(struct mm *mm, struct arch_user *u)
{
	struct arch_user *old;

	mutex_lock(&mm->lock);
	old = mm->user;
	mm->user = u;
	mutex_unlock(&mm->lock);
	KASSERT(old == NULL || old == u);
}

void
mm_get(struct mm *mm)
{
	unsigned long s = arch_intr_save();

	KASSERT(mm->refcount > 0);
	mm->refcount++;
	arch_intr_restore(s);
}

/* Free everything of an address space nobody uses. */
static void
mm_free(struct mm *mm)
{
	struct vm_area *vma, *next;
	struct tlb_batch tlb;

	/*
	 * Empty the stub first (guest code may run in it, see tlb_sync()),
	 * unless the host shows that none can (arch_user_reset() has it
	 * emptied before it runs again); then no host operations.
	 */
	if (mm->user != NULL && !arch_user_parked(mm->user)) {
		if (arch_user_unmap(mm->user, 0, USER_TOP) != 0)
			arch_user_unmap(mm->user, 0, USER_TOP);
		arch_user_flush(mm->user);
	}
	mm_settle_locked(mm);
	tlb_init(&tlb, mm);
	tlb.user = NULL;
	mm_zap_range(mm, 0, USER_TOP, &tlb);
	list_for_each_entry_safe(vma, next, &mm->vmas, node) {
		vma_unlink(mm, vma);
		vma_free(vma);
	}
	pt_destroy(mm);
	if (mm->user != NULL)
		user_stub_put(mm->user);
	kfree(mm);
}

/* Drop a reference; the last one frees the space and its stub. */
void
mm_put(struct mm *mm)
{
	unsigned long s = arch_intr_save();
	bool last;

	KASSERT(mm->refcount > 0);
	last = --mm->refcount == 0;
	arch_intr_restore(s);
	if (last)
		mm_free(mm);
}

static void
clear_tlb_pte(struct mm *mm, uint64_t addr, uint64_t *pte, void *arg)
{
	(void)mm;
	(void)addr;
	(void)arg;
	*pte &= ~PTE_TLB_MASK;
}

/* Unmap every guest page in the stub and forget what was mapped. */
void
mm_tlb_flush_all(struct mm *mm)
{
	mutex_lock(&mm->lock);
	if (mm->user != NULL) {
		if (arch_user_unmap(mm->user, 0, USER_TOP) != 0)
			arch_user_unmap(mm->user, 0, USER_TOP);
		pt_walk(mm, 0, USER_TOP, clear_tlb_pte, NULL, false);
	}
	mutex_unlock(&mm->lock);
}

/* ---- fork ---- */

struct dup_state {
	struct mm *child;
	struct vm_area *vma;
	struct tlb_batch tlb;		/* the parent's */
	int err;
};

/* Share the page at addr with the child: copy-on-write if private. */
static void
dup_pte(struct mm *mm, uint64_t addr, uint64_t *pte, void *arg)
{
	struct dup_state *d = arg;
	uint64_t *cpte;

	(void)mm;
	if (d->err)
		return;
	cpte = pt_lookup_alloc(d->child, addr);
	if (cpte == NULL) {
		d->err = -ENOMEM;
		return;
	}
	pte_dup(*pte);
	if (!(d->vma->flags & VMA_SHARED) && (*pte & PTE_WRITE)) {
		*pte &= ~PTE_WRITE;
		pte_tlb_set(&d->tlb, addr, pte, pte_hprot(*pte, d->vma));
	}
	*cpte = *pte & ~PTE_TLB_MASK;
	d->child->rss_pages++;
}

/* Give every page of a shared anonymous VMA a frame, so that parent
 * and child share all of it from now on.  0 or -ENOMEM. */
static int
dup_populate_shared(struct mm *mm, struct vm_area *vma)
{
	uint64_t a, *pte;
	int err;

	for (a = vma->start; a < vma->end; a += PAGE_SIZE) {
		pte = pt_lookup(mm, a);
		if (pte != NULL && *pte != 0)
			continue;
		err = mm_fault_locked(mm, a, ARCH_ACCESS_READ);
		if (err == -EACCES)
			err = 0;	/* PROT_NONE: stays unshared */
		if (err)
			return err;
	}
	return 0;
}

/* Copy one VMA and its pages into the child. */
static int
dup_vma(struct mm *old, struct vm_area *vma, struct dup_state *d)
{
	struct vm_area *copy;
	int err;

	if ((vma->flags & (VMA_SHARED | VMA_ANON)) == (VMA_SHARED | VMA_ANON)) {
		err = dup_populate_shared(old, vma);
		if (err)
			return err;
	}
	copy = vma_alloc(vma->start, vma->end, vma->prot, vma->flags,
			 vma->file, vma->pgoff);
	if (copy == NULL)
		return -ENOMEM;
	list_add_tail(&copy->node, &d->child->vmas);
	d->child->nr_vmas++;
	d->child->total_pages += vma_pages(copy);
	d->vma = vma;
	pt_walk(old, vma->start, vma->end, dup_pte, d, false);
	return d->err;
}

static void
dup_fields(struct mm *old, struct mm *mm)
{
	mm->start_code = old->start_code;
	mm->end_code = old->end_code;
	mm->start_data = old->start_data;
	mm->end_data = old->end_data;
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->start_stack = old->start_stack;
	mm->arg_start = old->arg_start;
	mm->arg_end = old->arg_end;
	mm->env_start = old->env_start;
	mm->env_end = old->env_end;
	mm->mmap_base = old->mmap_base;
}

/* fork's copy of old: private pages shared copy-on-write (write-protected
 * in old's stub too), shared mappings shared.  0 or -ENOMEM. */
int
mm_dup(struct mm *old, struct mm **out)
{
	struct dup_state d = { .err = 0 };
	struct vm_area *vma;
	struct mm *mm;
	int err;

	err = mm_create(&mm);
	if (err)
		return err;
	d.child = mm;
	mutex_lock(&old->lock);
	tlb_init(&d.tlb, old);
	dup_fields(old, mm);
	list_for_each_entry(vma, &old->vmas, node) {
		err = dup_vma(old, vma, &d);
		if (err)
			break;
	}
	tlb_finish(&d.tlb);
	mutex_unlock(&old->lock);
	if (err) {
		mm_put(mm);
		return err;
	}
	*out = mm;
	return 0;
}
