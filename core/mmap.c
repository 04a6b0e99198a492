/*
 * mmap, munmap, mprotect and brk on guest address spaces, with Linux's
 * argument rules (the system calls in sys_mm.c only fetch the file).
 *
 * mmap places a mapping at its hint when that range is free, else
 * top-down from mm->mmap_base (then anywhere below USER_TOP); MAP_FIXED
 * replaces what was there, MAP_FIXED_NOREPLACE refuses (-EEXIST).  Pages
 * come later, by fault (MAP_POPULATE faults them in at once).  mprotect
 * changes the protections of whole pages, splitting VMAs, and brings
 * every PTE and host mapping down (or up) to the new rights.  The heap is
 * one anonymous VMA_HEAP VMA from mm->start_brk to the page-aligned
 * break.
 */
#include "arch-host/arch.h"
#include "core/abi.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/mm_int.h"
#include "fs/vfs.h"

#define KPROT_SEM	0x8
#define KMAP_SYNC	0x80000
/* The flags MAP_SHARED_VALIDATE accepts. */
#define KMAP_KNOWN	(KMAP_TYPE | KMAP_FIXED | KMAP_ANONYMOUS | \
			 KMAP_GROWSDOWN | KMAP_DENYWRITE | KMAP_EXECUTABLE | \
			 KMAP_LOCKED | KMAP_NORESERVE | KMAP_POPULATE | \
			 KMAP_NONBLOCK | KMAP_STACK | KMAP_HUGETLB | \
			 KMAP_FIXED_NOREPLACE | KMAP_SYNC)

/* ---- placement ---- */

/* The highest start of a free range of len bytes ending at most at top,
 * or 0. */
static uint64_t
gap_below(struct mm *mm, uint64_t len, uint64_t top)
{
	struct list_head *n;
	struct vm_area *vma;
	uint64_t hi = top;

	for (n = mm->vmas.prev; n != &mm->vmas; n = n->prev) {
		vma = list_entry(n, struct vm_area, node);
		if (vma->end < hi && hi - vma->end >= len)
			return hi - len;
		hi = MIN(hi, vma->start);
	}
	if (hi > USER_MIN && hi - USER_MIN >= len)
		return hi - len;
	return 0;
}

/* A free range of len bytes; see mm_int.h. */
long
mm_get_unmapped_area(struct mm *mm, uint64_t hint, uint64_t len)
{
	uint64_t addr;

	hint &= PAGE_MASK;
	if (hint != 0 && hint < USER_MIN)
		hint = USER_MIN;
	if (hint != 0 && hint < USER_TOP && len <= USER_TOP - hint &&
	    vma_range_free(mm, hint, hint + len))
		return (long)hint;
	addr = gap_below(mm, len, MIN(mm->mmap_base, USER_TOP));
	if (addr == 0)
		addr = gap_below(mm, len, USER_TOP);
	return addr != 0 ? (long)addr : -ENOMEM;
}

/* ---- mmap ---- */

/* Can f's data be mapped (a regular file kept in the page cache)? */
static bool
file_mappable(const struct file *f)
{
	const struct inode *inode = f->inode;

	return inode != NULL && KS_ISREG(inode->mode) &&
	       inode->pcops != NULL && inode->pcops->readpage != NULL &&
	       inode->pages != NULL;
}

/* The VMA_* flags of a new mapping, or -errno for the file's rules. */
static int
mmap_vma_flags(unsigned int prot, unsigned int flags, struct file *f)
{
	bool shared = (flags & KMAP_TYPE) != KMAP_PRIVATE;
	unsigned int vf = shared ? VMA_SHARED : 0;

	if (flags & KMAP_GROWSDOWN)
		vf |= VMA_GROWSDOWN;
	if (flags & KMAP_STACK)
		vf |= VMA_STACK;
	if (f == NULL)
		return (int)(vf | VMA_ANON);
	if (!(f->mode & FMODE_READ))
		return -EACCES;
	if (shared && (prot & KPROT_WRITE) && !(f->mode & FMODE_WRITE))
		return -EACCES;
	if (!file_mappable(f))
		return -ENODEV;
	if (shared && (f->mode & FMODE_WRITE))
		vf |= VMA_MAYWRITE;
	return (int)vf;
}

/* Linux's checks of flags, length and offset. */
static int
mmap_check(uint64_t addr, uint64_t *len, unsigned int flags, uint64_t off,
	   bool anon)
{
	unsigned int type = flags & KMAP_TYPE;

	if (type != KMAP_SHARED && type != KMAP_PRIVATE &&
	    type != KMAP_SHARED_VALIDATE)
		return -EINVAL;
	if (type == KMAP_SHARED_VALIDATE && (flags & ~KMAP_KNOWN))
		return -EOPNOTSUPP;
	if (*len == 0 || (off & ~PAGE_MASK))
		return -EINVAL;
	if (*len > USER_TOP)
		return -ENOMEM;
	*len = ALIGN_UP(*len, PAGE_SIZE);
	if (!anon && off + *len < off)
		return -EOVERFLOW;
	if (!(flags & (KMAP_FIXED | KMAP_FIXED_NOREPLACE)))
		return 0;
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	if (addr >= USER_TOP || *len > USER_TOP - addr)
		return -ENOMEM;
	return addr < USER_MIN ? -EPERM : 0;
}

/* Choose the range of a new mapping and clear it if MAP_FIXED. */
static long
mmap_place(struct mm *mm, uint64_t addr, uint64_t len, unsigned int flags,
	   struct tlb_batch *tlb)
{
	int err;

	if (mm->nr_vmas >= VMA_MAX)
		return -ENOMEM;
	if (flags & KMAP_FIXED_NOREPLACE)
		return vma_range_free(mm, addr, addr + len) ? (long)addr :
							      -EEXIST;
	if (!(flags & KMAP_FIXED))
		return mm_get_unmapped_area(mm, addr, len);
	err = mm_unmap_range(mm, addr, addr + len, tlb);
	return err ? err : (long)addr;
}

/* Fault in every page of [addr, addr + len) (MAP_POPULATE). */
static void
mmap_populate(struct mm *mm, uint64_t addr, uint64_t len, unsigned int prot)
{
	int access = (prot & KPROT_WRITE) ? ARCH_ACCESS_WRITE :
					    ARCH_ACCESS_READ;
	uint64_t a;

	for (a = addr; a < addr + len; a += PAGE_SIZE) {
		if (mm_fault(mm, a, access) != 0)
			break;
	}
}

/* mmap(2) on mm; see core/mm.h.  The address or -errno. */
long
mm_mmap(struct mm *mm, uint64_t addr, uint64_t len, unsigned int prot,
	unsigned int flags, struct file *f, uint64_t off)
{
	struct tlb_batch tlb;
	struct vm_area *vma;
	long ret;
	int vf;

	if (flags & KMAP_ANONYMOUS)
		f = NULL;
	ret = mmap_check(addr, &len, flags, off, f == NULL);
	if (ret)
		return ret;
	prot &= KPROT_READ | KPROT_WRITE | KPROT_EXEC;
	vf = mmap_vma_flags(prot, flags, f);
	if (vf < 0)
		return vf;
	mutex_lock(&mm->lock);
	tlb_init(&tlb, mm);
	ret = mmap_place(mm, addr, len, flags, &tlb);
	if (ret >= 0) {
		vma = vma_alloc((uint64_t)ret, (uint64_t)ret + len, prot,
				(unsigned int)vf, f, off >> PAGE_SHIFT);
		if (vma == NULL) {
			ret = -ENOMEM;
		} else {
			vma_link(mm, vma);
			vma_merge(mm, vma);
		}
	}
	tlb_finish(&tlb);
	mutex_unlock(&mm->lock);
	if (ret >= 0 && (flags & KMAP_POPULATE))
		mmap_populate(mm, (uint64_t)ret, len, prot);
	return ret;
}

/* ---- munmap ---- */

/* munmap(2): 0, -EINVAL or -ENOMEM (a split needed memory). */
int
mm_munmap(struct mm *mm, uint64_t addr, uint64_t len)
{
	struct tlb_batch tlb;
	int err;

	if ((addr & ~PAGE_MASK) || len == 0 || addr >= USER_TOP ||
	    len > USER_TOP - addr)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	mutex_lock(&mm->lock);
	tlb_init(&tlb, mm);
	err = mm_unmap_range(mm, addr, addr + len, &tlb);
	tlb_finish(&tlb);
	mutex_unlock(&mm->lock);
	return err;
}

/* ---- mprotect ---- */

/* May the guest write the page pte of vma without a fault? */
static bool
pte_may_write(uint64_t pte, const struct vm_area *vma)
{
	if (!(vma->prot & KPROT_WRITE))
		return false;
	if (pte & PTE_FILE)
		return (vma->flags & VMA_SHARED) && (pte & PTE_DIRTY);
	return (vma->flags & VMA_SHARED) || frame_refs(pte_page(pte)) == 1;
}

struct prot_state {
	struct tlb_batch tlb;
	struct vm_area *vma;
};

static void
prot_pte(struct mm *mm, uint64_t addr, uint64_t *pte, void *arg)
{
	struct prot_state *ps = arg;

	(void)mm;
	if (pte_may_write(*pte, ps->vma))
		*pte |= PTE_WRITE;
	else
		*pte &= ~PTE_WRITE;
	pte_tlb_set(&ps->tlb, addr, pte, pte_hprot(*pte, ps->vma));
}

/* Check mprotect's range: the start (PROT_GROWSDOWN moves it) or
 * -errno. */
static long
mprotect_range(struct mm *mm, uint64_t start, uint64_t end,
	       unsigned int prot)
{
	struct vm_area *vma = vma_lookup(mm, start);

	if (vma == NULL)
		return -ENOMEM;
	if (prot & KPROT_GROWSDOWN) {
		if (!(vma->flags & VMA_GROWSDOWN))
			return -EINVAL;
		start = vma->start;
	}
	if (!vma_range_mapped(mm, start, end))
		return -ENOMEM;
	for (; vma != NULL && vma->start < end; vma = vma_next(mm, vma)) {
		if ((prot & KPROT_WRITE) && (vma->flags & VMA_SHARED) &&
		    vma->file != NULL && !(vma->flags & VMA_MAYWRITE))
			return -EACCES;
	}
	return (long)start;
}

/* Give [start, end), one whole VMA range after splits, prot. */
static int
mprotect_apply(struct mm *mm, uint64_t start, uint64_t end,
	       unsigned int prot)
{
	struct prot_state ps;
	struct vm_area *vma, *next;
	int err;

	err = vma_split_range(mm, start, end);
	if (err)
		return err;
	tlb_init(&ps.tlb, mm);
	for (vma = vma_find(mm, start); vma != NULL && vma->start < end;
	     vma = next) {
		vma->prot = prot;
		ps.vma = vma;
		pt_walk(mm, vma->start, vma->end, prot_pte, &ps, false);
		vma = vma_merge(mm, vma);
		next = vma_next(mm, vma);
	}
	tlb_finish(&ps.tlb);
	return 0;
}

/* mprotect(2): 0, -EINVAL, -ENOMEM (not all mapped), -EACCES. */
int
mm_mprotect(struct mm *mm, uint64_t addr, uint64_t len, unsigned int prot)
{
	const unsigned int known = KPROT_READ | KPROT_WRITE | KPROT_EXEC |
				   KPROT_SEM | KPROT_GROWSDOWN | KPROT_GROWSUP;
	long start;
	int err;

	if ((addr & ~PAGE_MASK) || (prot & ~known) ||
	    (prot & (KPROT_GROWSDOWN | KPROT_GROWSUP)) ==
	    (KPROT_GROWSDOWN | KPROT_GROWSUP))
		return -EINVAL;
	if (len == 0)
		return 0;
	if (addr >= USER_TOP || len > USER_TOP - addr)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	mutex_lock(&mm->lock);
	start = mprotect_range(mm, addr, addr + len, prot);
	if (start >= 0)
		err = mprotect_apply(mm, (uint64_t)start, addr + len,
				     prot & (KPROT_READ | KPROT_WRITE |
					     KPROT_EXEC));
	else
		err = (int)start;
	mutex_unlock(&mm->lock);
	return err;
}

/* ---- brk ---- */

/* Grow the heap VMA over [old_end, new_end).  0 or -ENOMEM. */
static int
brk_grow(struct mm *mm, uint64_t old_end, uint64_t new_end)
{
	struct vm_area *vma;

	if (new_end > USER_TOP || !vma_range_free(mm, old_end, new_end) ||
	    mm->nr_vmas >= VMA_MAX)
		return -ENOMEM;
	vma = vma_alloc(old_end, new_end, KPROT_READ | KPROT_WRITE,
			VMA_ANON | VMA_HEAP, NULL, 0);
	if (vma == NULL)
		return -ENOMEM;
	vma_link(mm, vma);
	vma_merge(mm, vma);
	return 0;
}

/* brk(2): the new break, or the old one if it could not move. */
uint64_t
mm_brk(struct mm *mm, uint64_t brk)
{
	uint64_t old_end, new_end;
	struct tlb_batch tlb;
	int err = 0;

	mutex_lock(&mm->lock);
	if (brk < mm->start_brk || brk > USER_TOP)
		goto out;
	old_end = ALIGN_UP(mm->brk, PAGE_SIZE);
	new_end = ALIGN_UP(brk, PAGE_SIZE);
	tlb_init(&tlb, mm);
	if (new_end > old_end)
		err = brk_grow(mm, old_end, new_end);
	else if (new_end < old_end)
		err = mm_unmap_range(mm, new_end, old_end, &tlb);
	tlb_finish(&tlb);
	if (err == 0)
		mm->brk = brk;
out:
	brk = mm->brk;
	mutex_unlock(&mm->lock);
	return brk;
}
