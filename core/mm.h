/*
 * Guest address spaces (DESIGN.md sections 3 and 4): a software page
 * table and a sorted list of VMAs per space, page faults (zero fill, file
 * pages from the page cache, copy-on-write), the mmap family, and the
 * copies between kernel and guest memory that system calls use.
 *
 * The stub's host mappings are a TLB of the page table: filled on fault
 * (with fault-around, contiguous frames coalesced into one host mmap) and
 * invalidated by queued arch_user_unmap()/arch_user_protect() whenever a
 * page loses rights.  An mm without a stub (mm->user NULL) keeps only the
 * software state, which is how exec builds a space and how unit tests
 * exercise this layer.
 *
 * Locking: mm->lock (a sleeping mutex) guards the VMAs, the page table and
 * every field marked [m]; all mm_* calls take it themselves.  Never used
 * from interrupt context.
 */
#ifndef CORE_MM_H
#define CORE_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arch-host/arch.h"
#include "core/list.h"
#include "core/mutex.h"

struct file;

/* Guest protections (mmap/mprotect PROT_*, Linux values). */
#define KPROT_NONE	0x0
#define KPROT_READ	0x1
#define KPROT_WRITE	0x2
#define KPROT_EXEC	0x4
#define KPROT_GROWSDOWN	0x01000000
#define KPROT_GROWSUP	0x02000000

/* mmap flags (Linux values). */
#define KMAP_SHARED		0x01
#define KMAP_PRIVATE		0x02
#define KMAP_SHARED_VALIDATE	0x03
#define KMAP_TYPE		0x0f
#define KMAP_FIXED		0x10
#define KMAP_ANONYMOUS		0x20
#define KMAP_GROWSDOWN		0x0100
#define KMAP_DENYWRITE		0x0800
#define KMAP_EXECUTABLE		0x1000
#define KMAP_LOCKED		0x2000
#define KMAP_NORESERVE		0x4000
#define KMAP_POPULATE		0x8000
#define KMAP_NONBLOCK		0x10000
#define KMAP_STACK		0x20000
#define KMAP_HUGETLB		0x40000
#define KMAP_FIXED_NOREPLACE	0x100000

/* mremap flags. */
#define KMREMAP_MAYMOVE		1
#define KMREMAP_FIXED		2
#define KMREMAP_DONTUNMAP	4

/* madvise advice that does something; the rest is accepted and ignored. */
#define KMADV_NORMAL		0
#define KMADV_RANDOM		1
#define KMADV_SEQUENTIAL	2
#define KMADV_WILLNEED		3
#define KMADV_DONTNEED		4
#define KMADV_FREE		8

/* msync flags. */
#define KMS_ASYNC		1
#define KMS_INVALIDATE		2
#define KMS_SYNC		4

/* Where guest memory may be: [USER_MIN, USER_TOP). */
#define USER_MIN		0x10000ULL	/* vm.mmap_min_addr */
#define USER_TOP		ARCH_USER_TOP
/* Default layout: the stack below USER_TOP, mmap below the stack gap. */
#define USER_STACK_TOP		(USER_TOP - 0x1000000ULL)
#define USER_STACK_MAX		(8ULL << 20)	/* RLIMIT_STACK soft */
#define USER_MMAP_BASE		(USER_STACK_TOP - (1ULL << 30))
#define USER_ET_DYN_BASE	0x555555554000ULL

/* vma->flags */
#define VMA_SHARED	0x01	/* MAP_SHARED: writes reach the file */
#define VMA_GROWSDOWN	0x02	/* the stack: grows on faults below it */
#define VMA_ANON	0x04	/* no file */
#define VMA_STACK	0x08	/* the main stack, for /proc maps */
#define VMA_HEAP	0x10	/* the brk area, for /proc maps */
#define VMA_MAYWRITE	0x20	/* the file was opened for writing
				   (shared file mappings may get PROT_WRITE) */

struct vm_area {
	struct list_head node;		/* [m] mm->vmas, sorted by start */
	uint64_t start, end;		/* [m] page-aligned, start < end */
	unsigned int prot;		/* [m] KPROT_READ/WRITE/EXEC */
	unsigned int flags;		/* [m] VMA_* */
	struct file *file;		/* [m] referenced; NULL if VMA_ANON */
	uint64_t pgoff;			/* [m] file offset of start, pages */
};

struct mm {
	struct mutex lock;
	struct list_head vmas;		/* [m] struct vm_area, sorted */
	unsigned int nr_vmas;		/* [m] */
	void *pgd;			/* [m] page-table root (private) */
	struct arch_user *user;		/* [m] the stub; NULL: none */
	struct task *fpu_owner;		/* whose FP registers the stub has */
	uint64_t start_code, end_code;	/* [m] for /proc */
	uint64_t start_data, end_data;	/* [m] */
	uint64_t start_brk, brk;	/* [m] the heap: [start_brk, brk) */
	uint64_t start_stack;		/* [m] initial rsp */
	uint64_t arg_start, arg_end;	/* [m] argv strings */
	uint64_t env_start, env_end;	/* [m] envp strings */
	uint64_t mmap_base;		/* [m] mmap searches down from it */
	unsigned long rss_pages;	/* [m] pages present in the table */
	unsigned long total_pages;	/* [m] pages covered by VMAs */
	int refcount;			/* [i] processes/threads using it */
	/* [m] PTE values of frames copy-on-write replaced, released once
	 * the stub's queued operations have been applied (mm_settle()). */
	unsigned int nr_settle;
	uint64_t settle[8];
};

/*
 * After the guest ran: release the frames whose host mappings the stub
 * has now dropped (see mm_fault.c's copy-on-write).
 */
void mm_settle(struct mm *mm);

/*
 * A new empty address space (no VMAs, no stub; one reference).
 * 0 or -ENOMEM.
 */
int mm_create(struct mm **out);
/*
 * fork: a copy of old in which every private writable page is shared
 * copy-on-write (write-protected in old's TLB as well) and shared
 * mappings stay shared.  The copy has no stub.  0 or -ENOMEM.
 */
int mm_dup(struct mm *old, struct mm **out);
/*
 * Give mm its stub (it takes ownership: the last mm_put() destroys it).
 * The stub must have an empty address space.
 */
void mm_set_user(struct mm *mm, struct arch_user *u);
/*
 * Stubs (core/user.c): a ready stub with an empty address space for a
 * new mm, from the pool of started and reused stubs when it has one (0
 * or -errno); and giving one back when its mm is gone, to be reused or
 * killed.
 */
int user_stub_get(struct arch_user **out);
void user_stub_put(struct arch_user *u);
/*
 * FP registers of threads sharing a stub (core/user.c): child, a new
 * thread (or vfork child) of the current mm, starts with the caller's
 * (0 or -ENOMEM); a task leaving its mm (exit, exec) gives them up, and
 * forgets the stub it ran in.
 */
int user_fpu_share(struct task *child);
void user_mm_leave(struct task *t, struct mm *mm);
void mm_get(struct mm *mm);
/* Drop a reference; the last one frees the VMAs, frames and stub. */
void mm_put(struct mm *mm);

/*
 * mmap: map len bytes at addr (a hint unless KMAP_FIXED*), file f at byte
 * offset off or anonymous memory (f NULL).  Returns the address or
 * -EINVAL, -ENOMEM, -EEXIST (FIXED_NOREPLACE), -EACCES (f's open mode
 * does not allow prot), -ENODEV (f cannot be mapped), -EOVERFLOW.  The
 * caller checks file-level rules before; this does the Linux argument
 * checks on addr, len, prot and flags.
 */
long mm_mmap(struct mm *mm, uint64_t addr, uint64_t len, unsigned int prot,
	     unsigned int flags, struct file *f, uint64_t off);
int mm_munmap(struct mm *mm, uint64_t addr, uint64_t len);
int mm_mprotect(struct mm *mm, uint64_t addr, uint64_t len,
		unsigned int prot);
long mm_mremap(struct mm *mm, uint64_t old_addr, uint64_t old_len,
	       uint64_t new_len, unsigned int flags, uint64_t new_addr);
/* brk(2): returns the new break, or the old one if it could not move. */
uint64_t mm_brk(struct mm *mm, uint64_t brk);
int mm_madvise(struct mm *mm, uint64_t addr, uint64_t len, int advice);
int mm_msync(struct mm *mm, uint64_t addr, uint64_t len, int flags);

/*
 * A fault of guest code at addr with ARCH_ACCESS_* bits: fill the page
 * table (zero fill, file page, copy-on-write, stack growth) and the TLB.
 * 0 when the guest may retry; -EFAULT: no mapping (SIGSEGV SEGV_MAPERR);
 * -EACCES: the mapping forbids the access (SEGV_ACCERR); -EIO: a file
 * page beyond the end of its file or unreadable (SIGBUS); -ENOMEM: out
 * of memory.
 */
int mm_fault(struct mm *mm, uint64_t addr, int access);

/*
 * What identifies the futex word at uaddr (4-byte aligned) when it is
 * process-shared: in a MAP_SHARED file mapping the inode and the byte
 * offset in the file, in shared anonymous memory its frame, elsewhere mm
 * and uaddr, as Linux keys them.  The page is faulted in for reading.
 * 0 or -EFAULT.
 */
int mm_futex_key(struct mm *mm, uintptr_t uaddr, const void **obj,
		 uint64_t *off);

/*
 * Copies between kernel memory and mm's guest memory, as the guest would
 * access it (protections checked, faults handled, copy-on-write broken).
 * 0 or -EFAULT.
 */
int mm_copyin(struct mm *mm, void *dst, uintptr_t usrc, size_t len);
int mm_copyout(struct mm *mm, uintptr_t udst, const void *src, size_t len);
int mm_zeroout(struct mm *mm, uintptr_t udst, size_t len);
/*
 * Copy a NUL-terminated string of at most size bytes (NUL included):
 * its length without the NUL, -EFAULT, or -ENAMETOOLONG when no NUL came
 * within size bytes.
 */
long mm_copyinstr(struct mm *mm, char *dst, uintptr_t usrc, size_t size);

/* The same on the current process's address space. */
int copyin(void *dst, uintptr_t usrc, size_t len);
int copyout(uintptr_t udst, const void *src, size_t len);
int zeroout(uintptr_t udst, size_t len);
long copyinstr(char *dst, uintptr_t usrc, size_t size);

/* Forget the whole TLB (after the host refused a mapping: -ENOMEM). */
void mm_tlb_flush_all(struct mm *mm);

/* Frames free for guests, for sysinfo and /proc/meminfo. */
unsigned long mm_nr_user_pages(void);

#endif
