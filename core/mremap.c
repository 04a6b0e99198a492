/*
 * mremap, madvise and msync on guest address spaces, with Linux's
 * argument rules.
 *
 * mremap shrinks in place, grows in place when the pages after the
 * mapping are free, or moves the mapping (MREMAP_MAYMOVE, MREMAP_FIXED):
 * a move carries the PTEs over to the new addresses (the frames stay;
 * nothing is copied) and unmaps the old host mappings.  The destination's
 * page tables are made first, so a move that runs out of memory fails
 * before anything moved.
 *
 * madvise(MADV_DONTNEED) drops pages: private memory reads back zero (or
 * the file's data) afterwards; shared anonymous memory keeps its frames,
 * since other processes see them.  msync marks the pages the guest wrote
 * in shared file mappings dirty again (write-back may have cleaned them
 * since the first write) and, with MS_SYNC, fsyncs the files after
 * dropping mm->lock.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/mm_int.h"
#include "fs/pagecache.h"
#include "fs/vfs.h"

#define KMADV_POPULATE_READ	22
#define KMADV_POPULATE_WRITE	23
#define KMADV_LAST		23
#define MSYNC_MAX_FILES		8

/* ---- mremap ---- */

struct move_state {
	struct mm *mm;
	int64_t delta;			/* new address - old address */
	struct tlb_batch tlb;
	int err;
};

/* Make the destination table of a source page. */
static void
move_prepare_pte(struct mm *mm, uint64_t addr, uint64_t *pte, void *arg)
{
	struct move_state *ms = arg;

	(void)pte;
	if (ms->err == 0 &&
	    pt_lookup_alloc(mm, (uint64_t)((int64_t)addr + ms->delta)) == NULL)
		ms->err = -ENOMEM;
}

/* Carry one PTE to its new address, leaving its host mapping behind. */
static void
move_pte(struct mm *mm, uint64_t addr, uint64_t *pte, void *arg)
{
	struct move_state *ms = arg;
	uint64_t *dst = pt_lookup(mm, (uint64_t)((int64_t)addr + ms->delta));

	KASSERT(dst != NULL && *dst == 0);
	pte_tlb_drop(&ms->tlb, addr, pte);
	*dst = *pte;
	*pte = 0;
}

/*
 * Move [old, old + old_len) of one VMA to new_addr, new_len long (the
 * destination is free and does not overlap).  The new address or -ENOMEM.
 */
static long
mremap_move(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_addr,
	    uint64_t new_len, bool keep_old)
{
	struct move_state ms = { .mm = mm, .err = 0 };
	uint64_t moved = MIN(old_len, new_len);
	struct vm_area *vma, *nv;
	int err;

	if (mm->nr_vmas + 2 >= VMA_MAX)
		return -ENOMEM;
	ms.delta = (int64_t)(new_addr - old);
	pt_walk(mm, old, old + moved, move_prepare_pte, &ms, false);
	if (ms.err)
		return ms.err;
	err = vma_split_range(mm, old, old + old_len);
	if (err)
		return err;
	vma = vma_lookup(mm, old);
	nv = vma_alloc(new_addr, new_addr + new_len, vma->prot, vma->flags,
		       vma->file, vma->pgoff);
	if (nv == NULL)
		return -ENOMEM;
	tlb_init(&ms.tlb, mm);
	if (new_len < old_len)
		mm_unmap_range(mm, old + new_len, old + old_len, &ms.tlb);
	pt_walk(mm, old, old + moved, move_pte, &ms, true);
	if (!keep_old) {
		vma_unlink(mm, vma);
		vma_free(vma);
	}
	tlb_finish(&ms.tlb);
	vma_link(mm, nv);
	vma_merge(mm, nv);
	return (long)new_addr;
}

/* Grow vma, which ends at end, by len bytes in place if that is free. */
static bool
mremap_grow(struct mm *mm, struct vm_area *vma, uint64_t end, uint64_t len)
{
	if (vma->end != end || end + len > USER_TOP || end + len < end ||
	    !vma_range_free(mm, end, end + len))
		return false;
	vma->end = end + len;
	mm->total_pages += len >> PAGE_SHIFT;
	vma_merge(mm, vma);
	return true;
}

/* mremap on the checked arguments, with mm->lock held. */
static long
mremap_locked(struct mm *mm, uint64_t old, uint64_t old_len,
	      uint64_t new_len, unsigned int flags, uint64_t new_addr)
{
	struct vm_area *vma = vma_lookup(mm, old);
	struct tlb_batch tlb;
	long ret;

	if (vma == NULL || old_len > vma->end - old)
		return -EFAULT;
	if (flags & KMREMAP_FIXED) {
		tlb_init(&tlb, mm);
		ret = mm_unmap_range(mm, new_addr, new_addr + new_len, &tlb);
		tlb_finish(&tlb);
		if (ret)
			return ret;
		return mremap_move(mm, old, old_len, new_addr, new_len,
				   flags & KMREMAP_DONTUNMAP);
	}
	if (new_len <= old_len && !(flags & KMREMAP_DONTUNMAP)) {
		tlb_init(&tlb, mm);
		ret = mm_unmap_range(mm, old + new_len, old + old_len, &tlb);
		tlb_finish(&tlb);
		return ret ? ret : (long)old;
	}
	if (!(flags & KMREMAP_DONTUNMAP) &&
	    mremap_grow(mm, vma, old + old_len, new_len - old_len))
		return (long)old;
	if (!(flags & KMREMAP_MAYMOVE))
		return -ENOMEM;
	ret = mm_get_unmapped_area(mm, 0, new_len);
	if (ret < 0)
		return ret;
	return mremap_move(mm, old, old_len, (uint64_t)ret, new_len,
			   flags & KMREMAP_DONTUNMAP);
}

/* mremap(2): the mapping's (new) address or -errno. */
long
mm_mremap(struct mm *mm, uint64_t old_addr, uint64_t old_len,
	  uint64_t new_len, unsigned int flags, uint64_t new_addr)
{
	const unsigned int known = KMREMAP_MAYMOVE | KMREMAP_FIXED |
				   KMREMAP_DONTUNMAP;
	long ret;

	if ((flags & ~known) || (old_addr & ~PAGE_MASK) ||
	    ((flags & (KMREMAP_FIXED | KMREMAP_DONTUNMAP)) &&
	     !(flags & KMREMAP_MAYMOVE)))
		return -EINVAL;
	if ((flags & KMREMAP_DONTUNMAP) && old_len != new_len)
		return -EINVAL;
	if (old_len == 0 || new_len == 0)
		return -EINVAL;
	if (old_addr >= USER_TOP || old_len > USER_TOP)
		return -EFAULT;
	if (new_len > USER_TOP)
		return -ENOMEM;
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	if (flags & KMREMAP_FIXED) {
		if ((new_addr & ~PAGE_MASK) || new_addr >= USER_TOP ||
		    new_len > USER_TOP - new_addr || new_addr < USER_MIN)
			return -EINVAL;
		if (new_addr < old_addr + old_len &&
		    old_addr < new_addr + new_len)
			return -EINVAL;
	}
	mutex_lock(&mm->lock);
	ret = mremap_locked(mm, old_addr, old_len, new_len, flags, new_addr);
	mutex_unlock(&mm->lock);
	return ret;
}

/* ---- madvise ---- */

static bool
madvise_known(int advice)
{
	return (advice >= KMADV_NORMAL && advice <= KMADV_DONTNEED) ||
	       (advice >= KMADV_FREE && advice <= KMADV_LAST);
}

/* Drop the pages of [start, end) that may be dropped. */
static void
madvise_dontneed(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vm_area *vma;
	struct tlb_batch tlb;

	tlb_init(&tlb, mm);
	for (vma = vma_find(mm, start); vma != NULL && vma->start < end;
	     vma = vma_next(mm, vma)) {
		if ((vma->flags & (VMA_SHARED | VMA_ANON)) ==
		    (VMA_SHARED | VMA_ANON))
			continue;	/* others see these frames */
		mm_zap_range(mm, MAX(start, vma->start), MIN(end, vma->end),
			     &tlb);
	}
	tlb_finish(&tlb);
}

/* Fault in [start, end) for MADV_POPULATE_*: 0 or -errno. */
static int
madvise_populate(struct mm *mm, uint64_t start, uint64_t end, int access)
{
	uint64_t a;
	int err;

	for (a = start; a < end; a += PAGE_SIZE) {
		err = mm_fault_locked(mm, a, access);
		if (err == -EACCES || err == -EIO)
			return err == -EIO ? -EFAULT : -EINVAL;
		if (err)
			return err == -EFAULT ? -ENOMEM : err;
	}
	return 0;
}

/* madvise(2): 0, -EINVAL, -ENOMEM (part of the range is unmapped). */
int
mm_madvise(struct mm *mm, uint64_t addr, uint64_t len, int advice)
{
	uint64_t end;
	int err = 0;

	if ((addr & ~PAGE_MASK) || !madvise_known(advice))
		return -EINVAL;
	if (len == 0)
		return 0;
	if (addr >= USER_TOP || len > USER_TOP - addr)
		return -ENOMEM;
	end = addr + ALIGN_UP(len, PAGE_SIZE);
	mutex_lock(&mm->lock);
	if (!vma_range_mapped(mm, addr, end))
		err = -ENOMEM;
	if (advice == KMADV_DONTNEED || advice == KMADV_FREE)
		madvise_dontneed(mm, addr, end);
	else if (err == 0 && advice == KMADV_POPULATE_READ)
		err = madvise_populate(mm, addr, end, ARCH_ACCESS_READ);
	else if (err == 0 && advice == KMADV_POPULATE_WRITE)
		err = madvise_populate(mm, addr, end, ARCH_ACCESS_WRITE);
	mutex_unlock(&mm->lock);
	return err;
}

/* ---- msync ---- */

static void
msync_pte(struct mm *mm, uint64_t addr, uint64_t *pte, void *arg)
{
	(void)mm;
	(void)addr;
	(void)arg;
	if (*pte & PTE_DIRTY)
		pagecache_mark_dirty(pte_page(*pte));
}

struct msync_files {
	struct file *f[MSYNC_MAX_FILES];
	unsigned int n;
};

/* Remember f for the fsync after the lock; 0, or fsync's error when the
 * list is full and it had to be done now. */
static int
msync_add(struct msync_files *fs, struct file *f)
{
	unsigned int i;

	for (i = 0; i < fs->n; i++)
		if (fs->f[i] == f)
			return 0;
	if (fs->n == MSYNC_MAX_FILES)
		return vfs_fsync(f, false);
	file_get(f);
	fs->f[fs->n++] = f;
	return 0;
}

/* Mark what the guest wrote in the shared file mappings of [addr, end)
 * dirty; collect their files for MS_SYNC.  0 or an fsync's error. */
static int
msync_range(struct mm *mm, uint64_t addr, uint64_t end, int flags,
	    struct msync_files *fs)
{
	struct vm_area *vma;
	int err = 0, e;

	for (vma = vma_find(mm, addr); vma != NULL && vma->start < end;
	     vma = vma_next(mm, vma)) {
		if (!(vma->flags & VMA_SHARED) || vma->file == NULL)
			continue;
		pt_walk(mm, MAX(addr, vma->start), MIN(end, vma->end),
			msync_pte, NULL, false);
		if (!(flags & KMS_SYNC))
			continue;
		e = msync_add(fs, vma->file);
		if (e && err == 0)
			err = e;
	}
	return err;
}

/* msync(2): 0, -EINVAL, -ENOMEM (part unmapped), or fsync's error. */
int
mm_msync(struct mm *mm, uint64_t addr, uint64_t len, int flags)
{
	struct msync_files fs = { .n = 0 };
	uint64_t end;
	unsigned int i;
	int err, e;

	if ((flags & ~(KMS_ASYNC | KMS_INVALIDATE | KMS_SYNC)) ||
	    (addr & ~PAGE_MASK) ||
	    ((flags & KMS_ASYNC) && (flags & KMS_SYNC)))
		return -EINVAL;
	if (len == 0)
		return 0;
	if (addr >= USER_TOP || len > USER_TOP - addr)
		return -ENOMEM;
	end = addr + ALIGN_UP(len, PAGE_SIZE);
	mutex_lock(&mm->lock);
	err = msync_range(mm, addr, end, flags, &fs);
	if (!vma_range_mapped(mm, addr, end))
		err = -ENOMEM;
	mutex_unlock(&mm->lock);
	for (i = 0; i < fs.n; i++) {
		e = vfs_fsync(fs.f[i], false);
		if (e && err == 0)
			err = e;
		file_put(fs.f[i]);
	}
	return err;
}
