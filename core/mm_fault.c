/*
 * Page faults of guest address spaces and the copies between kernel and
 * guest memory built on them (DESIGN.md section 3).
 *
 * A fault finds the VMA (growing a stack VMA downwards if the address is
 * just below it), checks the access against its protections and fills
 * the page table: anonymous memory is zero-filled a window of up to
 * FAULT_WINDOW pages at a time, file pages come from the page cache
 * (with the neighbours of a read fault: file pages are rarely touched
 * alone), a write to a page shared copy-on-write copies it unless nobody
 * else maps it any more, and the first write to a shared file page marks
 * it dirty.  Then the stub's mappings are filled around the address
 * (pgtable.c: tlb_fill).
 *
 * copyin/copyout and friends walk the page table page by page, faulting
 * in (and breaking copy-on-write for writes) as the guest would, and
 * copy through the direct map.  They take mm->lock, so the page cannot
 * go while it is copied.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/mm_int.h"
#include "core/process.h"
#include "core/string.h"
#include "fs/pagecache.h"
#include "fs/vfs.h"

/* May vma be accessed so (no bits: as a read)? */
bool
vma_access_ok(const struct vm_area *vma, int access)
{
	if ((access & ARCH_ACCESS_WRITE) && !(vma->prot & KPROT_WRITE))
		return false;
	if ((access & ARCH_ACCESS_EXEC) && !(vma->prot & KPROT_EXEC))
		return false;
	return (vma->prot & (KPROT_READ | KPROT_WRITE | KPROT_EXEC)) != 0;
}

/* The VMA for a fault at addr, growing a stack VMA down to it. */
static struct vm_area *
fault_vma(struct mm *mm, uint64_t addr)
{
	struct vm_area *vma = vma_find(mm, addr), *prev;

	if (vma == NULL || vma->start <= addr)
		return vma;
	if (!(vma->flags & VMA_GROWSDOWN) || addr < USER_MIN ||
	    vma->end - addr > USER_STACK_MAX)
		return NULL;
	prev = vma_prev(mm, vma);
	if (prev != NULL && prev->end > addr)
		return NULL;
	mm->total_pages += (vma->start - addr) >> PAGE_SHIFT;
	vma->start = addr;
	return vma;
}

/* ---- filling absent pages ---- */

/* Zero-fill the absent pages of vma in the aligned window around addr:
 * addr's page must come, the others only if memory is to be had.  In
 * address order, so that a contiguous block maps as one run. */
static int
fault_anon(struct mm *mm, struct vm_area *vma, uint64_t addr)
{
	const uint64_t win = FAULT_WINDOW * PAGE_SIZE;
	uint64_t ws = MAX(ALIGN_DOWN(addr, win), vma->start);
	uint64_t we = MIN(ALIGN_DOWN(addr, win) + win, vma->end);
	/* The window lies in one leaf table, which holds addr's PTE. */
	uint64_t *base = pt_lookup(mm, ws), *pte, flags = 0;
	struct page *frames[FAULT_WINDOW];
	unsigned int want = 0, n, i = 0;

	for (pte = base; pte < base + ((we - ws) >> PAGE_SHIFT); pte++)
		want += *pte == 0;
	n = frames_alloc(frames, want);
	if (n == 0)
		return -ENOMEM;
	if (vma->prot & KPROT_WRITE)
		flags = PTE_WRITE;
	if (n < want) {
		/* Short of memory: addr's page first. */
		base[(addr - ws) >> PAGE_SHIFT] = pte_make(frames[i++], flags);
		mm->rss_pages++;
	}
	for (pte = base; i < n; pte++) {
		if (*pte != 0)
			continue;
		*pte = pte_make(frames[i++], flags);
		mm->rss_pages++;
	}
	return 0;
}

/* The page-cache page of the file page at addr in vma, referenced.
 * -EIO past the end of the file (SIGBUS) or if it cannot be read. */
static int
file_page(struct vm_area *vma, uint64_t addr, struct page **out)
{
	struct inode *inode = vma->file->inode;
	uint64_t index = vma_pgoff(vma, addr);
	int err;

	if (index >= DIV_ROUND_UP(inode->size, PAGE_SIZE))
		return -EIO;
	err = pagecache_get(inode, index, true, out);
	if (err)
		return err == -ENOMEM ? -ENOMEM : -EIO;
	return 0;
}

/* A private copy of page p for a write: a new PTE value, or 0. */
static uint64_t
cow_copy(struct page *p)
{
	struct page *np = frame_alloc(false);

	if (np == NULL)
		return 0;
	memcpy(page_address(np), page_address(p), PAGE_SIZE);
	return pte_make(np, PTE_WRITE);
}

/* Map the neighbours of a read-faulted file page in its window (read
 * from the file if not cached), read-only; stop at the end of the file. */
static void
file_around(struct mm *mm, struct vm_area *vma, uint64_t addr)
{
	const uint64_t win = FAULT_WINDOW * PAGE_SIZE;
	uint64_t ws = MAX(ALIGN_DOWN(addr, win), vma->start);
	uint64_t we = MIN(ALIGN_DOWN(addr, win) + win, vma->end);
	uint64_t *pte = pt_lookup(mm, ws), a;
	struct page *p;

	for (a = ws; a < we; a += PAGE_SIZE, pte++) {
		if (*pte != 0)
			continue;
		if (file_page(vma, a, &p) != 0)
			break;
		*pte = pte_make(p, PTE_FILE);
		mm->rss_pages++;
	}
}

/* Fill the absent file page at addr. */
static int
fault_file(struct mm *mm, struct vm_area *vma, uint64_t addr, int access,
	   uint64_t *pte)
{
	struct page *p;
	uint64_t val;
	int err;

	err = file_page(vma, addr, &p);
	if (err)
		return err;
	if (!(access & ARCH_ACCESS_WRITE)) {
		*pte = pte_make(p, PTE_FILE);
		mm->rss_pages++;
		file_around(mm, vma, addr);
		return 0;
	}
	if (vma->flags & VMA_SHARED) {
		pagecache_mark_dirty(p);
		*pte = pte_make(p, PTE_FILE | PTE_WRITE | PTE_DIRTY);
		mm->rss_pages++;
		return 0;
	}
	val = cow_copy(p);
	pagecache_put(p);
	if (val == 0)
		return -ENOMEM;
	*pte = val;
	mm->rss_pages++;
	return 0;
}

/* A write to a present page without PTE_WRITE; *old: a PTE value to
 * release once the stub no longer maps it. */
static int
fault_write_protected(struct vm_area *vma, uint64_t *pte, uint64_t *old)
{
	struct page *p = pte_page(*pte);
	bool shared = (vma->flags & VMA_SHARED) != 0;
	uint64_t val;

	if ((*pte & PTE_FILE) && shared) {
		pagecache_mark_dirty(p);
		*pte |= PTE_WRITE | PTE_DIRTY;
		return 0;
	}
	if (!(*pte & PTE_FILE) && (shared || frame_refs(p) == 1)) {
		*pte |= PTE_WRITE;
		return 0;
	}
	val = cow_copy(p);
	if (val == 0)
		return -ENOMEM;
	/* The old frame's host mapping is replaced by tlb_fill(). */
	*old = *pte;
	*pte = val | (*pte & PTE_TLB_MASK);
	return 0;
}

/* mm_settle() with mm->lock held, the stub up to date. */
void
mm_settle_locked(struct mm *mm)
{
	for (unsigned int i = 0; i < mm->nr_settle; i++)
		pte_release(mm->settle[i]);
	mm->nr_settle = 0;
}

void
mm_settle(struct mm *mm)
{
	if (READ_ONCE(mm->nr_settle) == 0 || !arch_user_synced(mm->user))
		return;
	mutex_lock(&mm->lock);
	if (arch_user_synced(mm->user))
		mm_settle_locked(mm);
	mutex_unlock(&mm->lock);
}

/* mm_fault() with mm->lock held. */
int
mm_fault_locked(struct mm *mm, uint64_t addr, int access)
{
	struct vm_area *vma;
	uint64_t *pte, old = 0;
	int err = 0;

	addr &= PAGE_MASK;
	if (addr >= USER_TOP)
		return -EFAULT;
	vma = fault_vma(mm, addr);
	if (vma == NULL)
		return -EFAULT;
	if (!vma_access_ok(vma, access))
		return -EACCES;
	pte = pt_lookup_alloc(mm, addr);
	if (pte == NULL)
		return -ENOMEM;
	if (*pte == 0 && vma->file == NULL)
		err = fault_anon(mm, vma, addr);
	else if (*pte == 0)
		err = fault_file(mm, vma, addr, access, pte);
	else if ((access & ARCH_ACCESS_WRITE) && !(*pte & PTE_WRITE))
		err = fault_write_protected(vma, pte, &old);
	if (err)
		return err;
	tlb_fill(mm, vma, addr);
	if (old != 0) {
		/*
		 * The copy replaced the shared frame, but the stub maps it
		 * until its queued operations are applied, and guest code may
		 * run there even now (it can fake a trap).  Keep the frame's
		 * reference till then: no other owner writes it in place, and
		 * it is not freed, before the mapping is gone.
		 */
		if (!(old & PTE_TLB) || mm->user == NULL) {
			pte_release(old);
		} else {
			if (mm->nr_settle == ARRAY_SIZE(mm->settle)) {
				arch_user_flush(mm->user);
				mm_settle_locked(mm);
			}
			mm->settle[mm->nr_settle++] = old;
		}
	}
	return 0;
}

/* A fault of guest code; see core/mm.h. */
int
mm_fault(struct mm *mm, uint64_t addr, int access)
{
	int err;

	mutex_lock(&mm->lock);
	err = mm_fault_locked(mm, addr, access);
	mutex_unlock(&mm->lock);
	return err;
}

/* ---- copies ---- */

/* A guest range that cannot be valid (outside [0, USER_TOP), wrapping)? */
static bool
range_bad(uintptr_t uaddr, size_t len)
{
	return uaddr >= USER_TOP || len > USER_TOP - uaddr;
}

/*
 * The kernel address of guest byte uaddr for a read or write, faulting
 * the page in as the guest would.  *vma caches the last VMA used.
 */
static int
user_addr(struct mm *mm, uint64_t uaddr, bool write, struct vm_area **vma,
	  char **kaddr)
{
	int access = write ? ARCH_ACCESS_WRITE : ARCH_ACCESS_READ;
	uint64_t *pte;
	int err;

	if (*vma == NULL || uaddr < (*vma)->start || uaddr >= (*vma)->end)
		*vma = vma_lookup(mm, uaddr);
	pte = pt_lookup(mm, uaddr);
	if (*vma == NULL || !vma_access_ok(*vma, access) || pte == NULL ||
	    *pte == 0 || (write && !(*pte & PTE_WRITE))) {
		err = mm_fault_locked(mm, uaddr, access);
		if (err)
			return -EFAULT;
		*vma = NULL;
		pte = pt_lookup(mm, uaddr);
	}
	*kaddr = (char *)page_address(pte_page(*pte)) +
		 (uaddr & ~PAGE_MASK);
	return 0;
}

enum { COPY_IN, COPY_OUT, COPY_ZERO };

/* Copy len bytes between kbuf and guest memory at uaddr (mode COPY_*). */
static int
user_copy(struct mm *mm, uintptr_t uaddr, void *kbuf, size_t len, int mode)
{
	struct vm_area *vma = NULL;
	char *k = kbuf, *u;
	size_t n;
	int err = 0;

	if (len == 0)
		return 0;
	if (mm == NULL || range_bad(uaddr, len))
		return -EFAULT;
	mutex_lock(&mm->lock);
	while (len > 0) {
		err = user_addr(mm, uaddr, mode != COPY_IN, &vma, &u);
		if (err)
			break;
		n = MIN(len, PAGE_SIZE - (uaddr & ~PAGE_MASK));
		if (mode == COPY_IN)
			memcpy(k, u, n);
		else if (mode == COPY_OUT)
			memcpy(u, k, n);
		else
			memset(u, 0, n);
		if (k != NULL)
			k += n;
		uaddr += n;
		len -= n;
	}
	mutex_unlock(&mm->lock);
	return err;
}

/* Copy len bytes from mm's guest memory at usrc.  0 or -EFAULT. */
int
mm_copyin(struct mm *mm, void *dst, uintptr_t usrc, size_t len)
{
	return user_copy(mm, usrc, dst, len, COPY_IN);
}

int
mm_futex_key(struct mm *mm, uintptr_t uaddr, const void **obj, uint64_t *off)
{
	struct vm_area *vma = NULL;
	uint64_t in_page = uaddr & ~PAGE_MASK;
	int ret = 0;
	char *u;

	if (mm == NULL)
		return -EFAULT;
	mutex_lock(&mm->lock);
	if (uaddr >= USER_TOP || user_addr(mm, uaddr, false, &vma, &u) != 0) {
		ret = -EFAULT;
		goto out;
	}
	vma = vma_lookup(mm, uaddr);
	KASSERT(vma != NULL);
	if (!(vma->flags & VMA_SHARED)) {
		*obj = mm;
		*off = uaddr;
	} else if (vma->file != NULL) {
		*obj = vma->file->inode;
		*off = (vma_pgoff(vma, uaddr) << PAGE_SHIFT) | in_page;
	} else {
		*obj = u - in_page;
		*off = in_page;
	}
out:
	mutex_unlock(&mm->lock);
	return ret;
}

/* Copy len bytes to mm's guest memory at udst.  0 or -EFAULT. */
int
mm_copyout(struct mm *mm, uintptr_t udst, const void *src, size_t len)
{
	return user_copy(mm, udst, (void *)(uintptr_t)src, len, COPY_OUT);
}

/* Zero len bytes of mm's guest memory at udst.  0 or -EFAULT. */
int
mm_zeroout(struct mm *mm, uintptr_t udst, size_t len)
{
	return user_copy(mm, udst, NULL, len, COPY_ZERO);
}

/* Copy the string at usrc (at most size bytes with its NUL).  Its length,
 * -EFAULT or -ENAMETOOLONG. */
long
mm_copyinstr(struct mm *mm, char *dst, uintptr_t usrc, size_t size)
{
	struct vm_area *vma = NULL;
	size_t done = 0, n;
	long ret = -ENAMETOOLONG;
	char *u, *nul;

	if (mm == NULL)
		return -EFAULT;
	mutex_lock(&mm->lock);
	while (done < size) {
		if (usrc >= USER_TOP ||
		    user_addr(mm, usrc, false, &vma, &u) != 0) {
			ret = -EFAULT;
			break;
		}
		n = MIN(size - done, PAGE_SIZE - (usrc & ~PAGE_MASK));
		nul = memchr(u, 0, n);
		if (nul != NULL)
			n = (size_t)(nul - u) + 1;
		memcpy(dst + done, u, n);
		done += n;
		usrc += n;
		if (nul != NULL) {
			ret = (long)done - 1;
			break;
		}
	}
	mutex_unlock(&mm->lock);
	return ret;
}

/* The same, on the current process's address space. */
int
copyin(void *dst, uintptr_t usrc, size_t len)
{
	return mm_copyin(current_mm(), dst, usrc, len);
}

int
copyout(uintptr_t udst, const void *src, size_t len)
{
	return mm_copyout(current_mm(), udst, src, len);
}

int
zeroout(uintptr_t udst, size_t len)
{
	return mm_zeroout(current_mm(), udst, len);
}

long
copyinstr(char *dst, uintptr_t usrc, size_t size)
{
	return mm_copyinstr(current_mm(), dst, usrc, size);
}
