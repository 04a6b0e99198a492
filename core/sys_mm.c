/*
 * The memory system calls: mmap, mprotect, munmap, mremap, madvise,
 * msync and brk on the calling process's address space.  They fetch the
 * file of a file mapping from the fd table and leave every other rule to
 * the mm_* calls (core/mmap.c, core/mremap.c).
 */
#include <stdint.h>
#include "core/errno.h"
#include "core/mm.h"
#include "core/page.h"
#include "core/process.h"
#include "core/sched.h"
#include "core/syscall.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"

SYSCALL_DEFINE6(mmap, uint64_t, addr, uint64_t, len, uint64_t, prot,
		uint64_t, flags, int, fd, uint64_t, off)
{
	struct mm *mm = current_mm();
	struct file *f = NULL;
	long ret;

	if (mm == NULL)
		return -ENOMEM;
	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (!(flags & KMAP_ANONYMOUS)) {
		if (current->files == NULL ||
		    fdtable_file(current->files, fd, &f) != 0)
			return -EBADF;
	}
	ret = mm_mmap(mm, addr, len, (unsigned int)prot,
		      (unsigned int)flags, f, off);
	if (f != NULL)
		file_put(f);
	return ret;
}

SYSCALL_DEFINE3(mprotect, uint64_t, addr, uint64_t, len, uint64_t, prot)
{
	struct mm *mm = current_mm();

	if (mm == NULL)
		return -ENOMEM;
	if (prot > UINT32_MAX)
		return -EINVAL;
	return mm_mprotect(mm, addr, len, (unsigned int)prot);
}

SYSCALL_DEFINE2(munmap, uint64_t, addr, uint64_t, len)
{
	struct mm *mm = current_mm();

	return mm != NULL ? mm_munmap(mm, addr, len) : -EINVAL;
}

SYSCALL_DEFINE5(mremap, uint64_t, old_addr, uint64_t, old_len, uint64_t,
		new_len, uint64_t, flags, uint64_t, new_addr)
{
	struct mm *mm = current_mm();

	if (mm == NULL)
		return -EFAULT;
	if (flags > UINT32_MAX)
		return -EINVAL;
	return mm_mremap(mm, old_addr, old_len, new_len, (unsigned int)flags,
			 new_addr);
}

SYSCALL_DEFINE3(madvise, uint64_t, addr, uint64_t, len, int, advice)
{
	struct mm *mm = current_mm();

	return mm != NULL ? mm_madvise(mm, addr, len, advice) : -ENOMEM;
}

SYSCALL_DEFINE3(msync, uint64_t, addr, uint64_t, len, int, flags)
{
	struct mm *mm = current_mm();

	return mm != NULL ? mm_msync(mm, addr, len, flags) : -ENOMEM;
}

SYSCALL_DEFINE1(brk, uint64_t, brk)
{
	struct mm *mm = current_mm();

	return mm != NULL ? (long)mm_brk(mm, brk) : 0;
}
