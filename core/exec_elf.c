/*
 * The ELF loader of execve: check an ELF64 little-endian x86-64 program
 * (ET_EXEC, or ET_DYN as a static PIE loaded at USER_ET_DYN_BASE), map
 * its PT_LOAD segments from the page cache into a new address space
 * with mm_mmap(), add the bss and the stack, and lay out the initial
 * stack of the System V x86-64 ABI:
 *
 *	USER_STACK_TOP - a random number of pages
 *	  8 zero bytes
 *	  the file name (AT_EXECFN)
 *	  envp strings, above argv strings (mm->arg_start ... env_end)
 *	  "x86_64" (AT_PLATFORM), 16 random bytes (AT_RANDOM)
 *	  padding so that the stack pointer is 16-byte aligned
 *	  auxv pairs up to AT_NULL
 *	  envp pointers, NULL
 *	  argv pointers, NULL
 *	  argc				<- rsp
 *
 * Programs with PT_INTERP (dynamically linked) are refused with -ENOEXEC
 * and a log line until the dynamic loader is supported.  Everything the
 * file says is checked before it is used: a malformed file is -ENOEXEC
 * (program headers that cannot be read too, as on Linux; segments
 * outside the file as well, where Linux would map them and let the
 * program fault).  The address space is private to the exec in progress,
 * so its fields are set without mm->lock.
 */
#include "core/errno.h"
#include "core/exec.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/page.h"
#include "core/printk.h"
#include "core/slab.h"
#include "core/string.h"
#include "fs/vfs.h"

/* ELF64 (the System V gABI and the x86-64 psABI). */
#define KELFCLASS64	2
#define KELFDATA2LSB	1
#define KEV_CURRENT	1
#define KET_EXEC	2
#define KET_DYN		3
#define KEM_X86_64	62
#define KPT_LOAD	1
#define KPT_INTERP	3
#define KPT_PHDR	6
#define KPT_GNU_STACK	0x6474e551
#define KPF_X		0x1
#define KPF_W		0x2
#define KPF_R		0x4

struct kelf64_ehdr {
	unsigned char e_ident[16];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};
_Static_assert(sizeof(struct kelf64_ehdr) == 64, "Elf64_Ehdr is 64 bytes");

struct kelf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};
_Static_assert(sizeof(struct kelf64_phdr) == 56, "Elf64_Phdr is 56 bytes");

/* Auxiliary vector types (Linux). */
#define KAT_NULL	0
#define KAT_PHDR	3
#define KAT_PHENT	4
#define KAT_PHNUM	5
#define KAT_PAGESZ	6
#define KAT_BASE	7
#define KAT_FLAGS	8
#define KAT_ENTRY	9
#define KAT_UID		11
#define KAT_EUID	12
#define KAT_GID		13
#define KAT_EGID	14
#define KAT_PLATFORM	15
#define KAT_HWCAP	16
#define KAT_CLKTCK	17
#define KAT_SECURE	23
#define KAT_RANDOM	25
#define KAT_HWCAP2	26
#define KAT_EXECFN	31
#define KAUXV_PAIRS	19		/* stack_put_auxv(), AT_NULL included */

#define ELF_MAX_PHDRS_SIZE	65536		/* as Linux: phnum <= 1170 */
#define ELF_MAX_ALIGN		(1ULL << 30)	/* larger p_align: ignored */
#define ELF_HWCAP		0x178bfbffULL	/* CPUID 1 EDX of an x86-64 */
#define ELF_PLATFORM		"x86_64"
#define ELF_CLKTCK		100		/* USER_HZ */
#define STACK_EXTRA		(128 * 1024)	/* below the arguments */
#define STACK_RANDOM_PAGES	256		/* top moves by up to 1 MiB */

/* What the loader learned about the program. */
struct elf_info {
	struct kelf64_ehdr eh;
	struct kelf64_phdr *ph;		/* eh.e_phnum entries */
	uint64_t bias;			/* added to every p_vaddr */
	uint64_t phdr_addr;		/* AT_PHDR */
	bool exec_stack;		/* PT_GNU_STACK with PF_X */
};

/* Read exactly len bytes at pos: 0, or -EIO for a short read. */
static int
elf_read(struct file *f, void *buf, size_t len, uint64_t pos)
{
	long n = vfs_pread(f, buf, len, pos);

	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -EIO;
}

/* The file header: is this a program we can run? */
static int
elf_check_header(const struct kelf64_ehdr *eh)
{
	static const unsigned char magic[4] = { 0x7f, 'E', 'L', 'F' };

	if (memcmp(eh->e_ident, magic, 4) != 0 ||
	    eh->e_ident[4] != KELFCLASS64 || eh->e_ident[5] != KELFDATA2LSB)
		return -ENOEXEC;
	if (eh->e_type != KET_EXEC && eh->e_type != KET_DYN)
		return -ENOEXEC;
	if (eh->e_machine != KEM_X86_64)
		return -ENOEXEC;
	if (eh->e_phentsize != sizeof(struct kelf64_phdr) ||
	    eh->e_phnum == 0 ||
	    eh->e_phnum * sizeof(struct kelf64_phdr) > ELF_MAX_PHDRS_SIZE)
		return -ENOEXEC;
	return 0;
}

/* Read the program headers into el->ph. */
static int
elf_read_phdrs(struct file *f, struct elf_info *el)
{
	size_t size = el->eh.e_phnum * sizeof(struct kelf64_phdr);
	int err;

	el->ph = kmalloc(size);
	if (el->ph == NULL)
		return -ENOMEM;
	err = elf_read(f, el->ph, size, el->eh.e_phoff);
	if (err != 0) {
		kfree(el->ph);
		el->ph = NULL;
		return -ENOEXEC;	/* Linux too, even for -EIO */
	}
	return 0;
}

/* PT_INTERP: log which loader the program wanted; always -ENOEXEC. */
static int
elf_refuse_interp(struct exec_image *im, const struct kelf64_phdr *ph)
{
	char *interp;
	size_t len = MIN(ph->p_filesz, (uint64_t)VFS_PATH_MAX - 1);

	interp = kzalloc(len + 1);
	if (interp != NULL &&
	    elf_read(im->file, interp, len, ph->p_offset) != 0)
		interp[0] = '\0';
	pr_warn("exec: %s: dynamically linked (PT_INTERP %s), not supported "
		"yet\n", im->filename, interp != NULL ? interp : "?");
	kfree(interp);
	return -ENOEXEC;
}

/* One PT_LOAD in itself: sizes, file range, alignment, address range. */
static int
elf_check_load(const struct kelf64_phdr *ph, uint64_t file_size)
{
	if (ph->p_filesz > ph->p_memsz)
		return -ENOEXEC;
	if (ph->p_filesz != 0 && (ph->p_offset > file_size ||
				  ph->p_filesz > file_size - ph->p_offset))
		return -ENOEXEC;
	if (ph->p_filesz != 0 &&
	    ((ph->p_vaddr ^ ph->p_offset) & (PAGE_SIZE - 1)) != 0)
		return -ENOEXEC;
	if (ph->p_vaddr >= USER_TOP || ph->p_memsz > USER_TOP - ph->p_vaddr)
		return -ENOEXEC;
	return 0;
}

/*
 * Check the program headers and find the load bias: 0 for ET_EXEC, for
 * ET_DYN what moves the lowest segment to USER_ET_DYN_BASE (aligned to
 * the largest p_align, as Linux does).  Then every biased segment must
 * lie within [USER_MIN, USER_TOP).
 */
static int
elf_check_phdrs(struct exec_image *im, struct elf_info *el)
{
	uint64_t lo = USER_TOP, hi = 0, align = PAGE_SIZE, base;
	uint64_t size = im->file->inode->size;
	const struct kelf64_phdr *ph;
	int i, err;

	for (i = 0; i < el->eh.e_phnum; i++) {
		ph = &el->ph[i];
		if (ph->p_type == KPT_INTERP)
			return elf_refuse_interp(im, ph);
		if (ph->p_type == KPT_GNU_STACK)
			el->exec_stack = (ph->p_flags & KPF_X) != 0;
		if (ph->p_type != KPT_LOAD)
			continue;
		err = elf_check_load(ph, size);
		if (err != 0)
			return err;
		if (ph->p_memsz == 0)
			continue;
		lo = MIN(lo, ALIGN_DOWN(ph->p_vaddr, PAGE_SIZE));
		hi = MAX(hi, ph->p_vaddr + ph->p_memsz);
		if (ph->p_align > align && ph->p_align <= ELF_MAX_ALIGN &&
		    (ph->p_align & (ph->p_align - 1)) == 0)
			align = ph->p_align;
	}
	if (hi == 0)
		return -ENOEXEC;		/* no PT_LOAD with memory */
	base = lo;
	if (el->eh.e_type == KET_DYN)
		base = ALIGN_UP(USER_ET_DYN_BASE, align);
	el->bias = base - lo;
	if (base < USER_MIN || hi - lo > USER_TOP - base)
		return -ENOEXEC;
	if (el->eh.e_entry + el->bias >= USER_TOP)
		return -ENOEXEC;
	return 0;
}

/* AT_PHDR: PT_PHDR, else the PT_LOAD whose file bytes hold the headers. */
static void
elf_find_phdr(struct elf_info *el)
{
	const struct kelf64_phdr *ph;
	uint64_t off = el->eh.e_phoff;
	int i;

	el->phdr_addr = 0;
	for (i = 0; i < el->eh.e_phnum; i++) {
		ph = &el->ph[i];
		if (ph->p_type == KPT_PHDR) {
			el->phdr_addr = ph->p_vaddr + el->bias;
			return;
		}
	}
	for (i = 0; i < el->eh.e_phnum; i++) {
		ph = &el->ph[i];
		if (ph->p_type == KPT_LOAD && ph->p_offset <= off &&
		    off - ph->p_offset < ph->p_filesz) {
			el->phdr_addr = ph->p_vaddr + (off - ph->p_offset) +
					el->bias;
			return;
		}
	}
}

static unsigned int
elf_prot(uint32_t flags)
{
	unsigned int prot = KPROT_NONE;

	if (flags & KPF_R)
		prot |= KPROT_READ;
	if (flags & KPF_W)
		prot |= KPROT_WRITE;
	if (flags & KPF_X)
		prot |= KPROT_EXEC;
	return prot;
}

/*
 * The file part of a segment: [start, fend) rounded up to a page.  The
 * rest of its last page is zeroed when the segment has a bss (writable
 * meanwhile, so that read-only segments get their zeros too).
 */
static int
elf_map_file(struct mm *mm, struct file *f, const struct kelf64_phdr *ph,
	     uint64_t va, unsigned int prot)
{
	uint64_t start = ALIGN_DOWN(va, PAGE_SIZE);
	uint64_t fend = va + ph->p_filesz;
	uint64_t len = ALIGN_UP(fend, PAGE_SIZE) - start;
	uint64_t off = ph->p_offset - (va - start);
	bool pad = ph->p_memsz > ph->p_filesz && (fend & (PAGE_SIZE - 1));
	unsigned int flags = KMAP_PRIVATE | KMAP_FIXED;
	long r;
	int err;

	r = mm_mmap(mm, start, len, pad ? prot | KPROT_WRITE : prot, flags,
		    f, off);
	if (r < 0)
		return (int)r;
	if (!pad)
		return 0;
	err = mm_zeroout(mm, fend, ALIGN_UP(fend, PAGE_SIZE) - fend);
	if (err == 0 && !(prot & KPROT_WRITE))
		err = mm_mprotect(mm, start, len, prot);
	return err;
}

/* Map one PT_LOAD: its file bytes, then anonymous memory up to p_memsz. */
static int
elf_map_segment(struct mm *mm, struct file *f, const struct kelf64_phdr *ph,
		uint64_t bias)
{
	uint64_t va = ph->p_vaddr + bias;
	uint64_t anon = ALIGN_DOWN(va, PAGE_SIZE);
	uint64_t end = ALIGN_UP(va + ph->p_memsz, PAGE_SIZE);
	unsigned int prot = elf_prot(ph->p_flags);
	long r;
	int err;

	if (ph->p_filesz != 0) {
		err = elf_map_file(mm, f, ph, va, prot);
		if (err != 0)
			return err;
		anon = ALIGN_UP(va + ph->p_filesz, PAGE_SIZE);
	}
	if (end <= anon)
		return 0;
	r = mm_mmap(mm, anon, end - anon, prot,
		    KMAP_PRIVATE | KMAP_FIXED | KMAP_ANONYMOUS, NULL, 0);
	return r < 0 ? (int)r : 0;
}

/* Code, data and brk as Linux computes them for /proc and brk(). */
static void
elf_set_layout(struct mm *mm, const struct elf_info *el)
{
	uint64_t start_code = ~0ULL, end_code = 0, start_data = 0;
	uint64_t end_data = 0, brk = 0, k;
	const struct kelf64_phdr *ph;
	int i;

	for (i = 0; i < el->eh.e_phnum; i++) {
		ph = &el->ph[i];
		if (ph->p_type != KPT_LOAD)
			continue;
		k = ph->p_vaddr;
		if ((ph->p_flags & KPF_X) && k < start_code)
			start_code = k;
		start_data = MAX(start_data, k);
		k = ph->p_vaddr + ph->p_filesz;
		if ((ph->p_flags & KPF_X) && k > end_code)
			end_code = k;
		end_data = MAX(end_data, k);
		brk = MAX(brk, ph->p_vaddr + ph->p_memsz);
	}
	if (start_code == ~0ULL)
		start_code = end_code = start_data;
	mm->start_code = start_code + el->bias;
	mm->end_code = end_code + el->bias;
	mm->start_data = start_data + el->bias;
	mm->end_data = end_data + el->bias;
	mm->start_brk = mm->brk = ALIGN_UP(brk + el->bias, PAGE_SIZE);
}

/* Map every PT_LOAD segment of the program. */
static int
elf_map_all(struct exec_image *im, const struct elf_info *el)
{
	const struct kelf64_phdr *ph;
	int i, err;

	for (i = 0; i < el->eh.e_phnum; i++) {
		ph = &el->ph[i];
		if (ph->p_type != KPT_LOAD || ph->p_memsz == 0)
			continue;
		err = elf_map_segment(im->mm, im->file, ph, el->bias);
		if (err != 0)
			return err;
	}
	elf_set_layout(im->mm, el);
	return 0;
}

/* Where the pieces of the initial stack go (guest addresses). */
struct stack_layout {
	uint64_t top;			/* end of the stack VMA */
	uint64_t execfn;		/* AT_EXECFN string */
	uint64_t strings;		/* argv then envp strings */
	uint64_t platform;		/* AT_PLATFORM string */
	uint64_t random;		/* AT_RANDOM bytes */
	uint64_t sp;			/* argc */
	size_t nwords;			/* argc to AT_NULL, in 8-byte words */
};

static void
stack_plan(const struct exec_image *im, struct stack_layout *sl)
{
	const struct exec_args *a = &im->args;
	uint16_t r;
	uint64_t p;

	arch_random_bytes(&r, sizeof(r));
	sl->top = USER_STACK_TOP - (r % STACK_RANDOM_PAGES) * PAGE_SIZE;
	p = sl->top - sizeof(uint64_t);
	sl->execfn = p -= strlen(im->filename) + 1;
	sl->strings = p -= a->len;
	sl->platform = p -= sizeof(ELF_PLATFORM);
	sl->random = p -= 16;
	sl->nwords = 1 + (size_t)a->argc + 1 + (size_t)a->envc + 1 +
		     2 * KAUXV_PAIRS;
	sl->sp = ALIGN_DOWN(p - sl->nwords * sizeof(uint64_t), 16);
}

/* The stack VMA: the planned contents plus STACK_EXTRA below them. */
static int
stack_map(struct mm *mm, const struct stack_layout *sl, bool exec)
{
	uint64_t size = ALIGN_UP(sl->top - sl->sp, PAGE_SIZE) + STACK_EXTRA;
	unsigned int prot = KPROT_READ | KPROT_WRITE;
	long r;

	if (exec)
		prot |= KPROT_EXEC;
	r = mm_mmap(mm, sl->top - size, size, prot,
		    KMAP_PRIVATE | KMAP_ANONYMOUS | KMAP_GROWSDOWN |
		    KMAP_STACK | KMAP_FIXED, NULL, 0);
	return r < 0 ? (int)r : 0;
}

/* Copy the strings, the platform name and the random bytes. */
static int
stack_put_strings(struct exec_image *im, const struct stack_layout *sl)
{
	struct mm *mm = im->mm;
	uint8_t rnd[16];
	int err;

	arch_random_bytes(rnd, sizeof(rnd));
	err = mm_copyout(mm, sl->execfn, im->filename,
			 strlen(im->filename) + 1);
	if (err == 0)
		err = mm_copyout(mm, sl->strings, im->args.buf, im->args.len);
	if (err == 0)
		err = mm_copyout(mm, sl->platform, ELF_PLATFORM,
				 sizeof(ELF_PLATFORM));
	if (err == 0)
		err = mm_copyout(mm, sl->random, rnd, sizeof(rnd));
	mm->arg_start = sl->strings;
	mm->arg_end = mm->env_start = sl->strings + im->args.argv_len;
	mm->env_end = sl->strings + im->args.len;
	return err;
}

/*
 * n pointers to the strings at *off in the packed buffer (at ustr in the
 * guest) and a NULL; *off moves past them.
 */
static uint64_t *
stack_put_ptrs(uint64_t *w, const char *buf, size_t *off, int n,
	       uint64_t ustr)
{
	int i;

	for (i = 0; i < n; i++) {
		*w++ = ustr + *off;
		*off += strlen(buf + *off) + 1;
	}
	*w++ = 0;
	return w;
}

/* argc, the argv pointers and the envp pointers. */
static uint64_t *
stack_put_vectors(uint64_t *w, const struct exec_args *a, uint64_t ustr)
{
	size_t off = 0;

	*w++ = (uint64_t)a->argc;
	w = stack_put_ptrs(w, a->buf, &off, a->argc, ustr);
	return stack_put_ptrs(w, a->buf, &off, a->envc, ustr);
}

static uint64_t *
aux(uint64_t *w, uint64_t type, uint64_t val)
{
	w[0] = type;
	w[1] = val;
	return w + 2;
}

/* The auxiliary vector, in Linux's order; KAUXV_PAIRS entries at most. */
static void
stack_put_auxv(uint64_t *w, const struct elf_info *el,
	       const struct stack_layout *sl)
{
	const struct cred *cr = current_cred();

	w = aux(w, KAT_HWCAP, ELF_HWCAP);
	w = aux(w, KAT_PAGESZ, PAGE_SIZE);
	w = aux(w, KAT_CLKTCK, ELF_CLKTCK);
	w = aux(w, KAT_PHDR, el->phdr_addr);
	w = aux(w, KAT_PHENT, sizeof(struct kelf64_phdr));
	w = aux(w, KAT_PHNUM, el->eh.e_phnum);
	w = aux(w, KAT_BASE, 0);
	w = aux(w, KAT_FLAGS, 0);
	w = aux(w, KAT_ENTRY, el->eh.e_entry + el->bias);
	w = aux(w, KAT_UID, cr->uid);
	w = aux(w, KAT_EUID, cr->euid);
	w = aux(w, KAT_GID, cr->gid);
	w = aux(w, KAT_EGID, cr->egid);
	w = aux(w, KAT_SECURE, 0);
	w = aux(w, KAT_RANDOM, sl->random);
	w = aux(w, KAT_HWCAP2, 0);
	w = aux(w, KAT_EXECFN, sl->execfn);
	w = aux(w, KAT_PLATFORM, sl->platform);
	aux(w, KAT_NULL, 0);
}

/* Map the stack and fill it; im->sp points at argc. */
static int
elf_build_stack(struct exec_image *im, const struct elf_info *el)
{
	struct stack_layout sl;
	size_t size;
	uint64_t *words, *w;
	int err;

	stack_plan(im, &sl);
	err = stack_map(im->mm, &sl, el->exec_stack);
	if (err == 0)
		err = stack_put_strings(im, &sl);
	if (err != 0)
		return err;
	size = sl.nwords * sizeof(uint64_t);
	words = kzalloc(size);
	if (words == NULL)
		return -ENOMEM;
	w = stack_put_vectors(words, &im->args, sl.strings);
	stack_put_auxv(w, el, &sl);
	err = mm_copyout(im->mm, sl.sp, words, size);
	kfree(words);
	im->mm->start_stack = im->sp = sl.sp;
	return err;
}

/* Check, map and lay out the program described by el into im->mm. */
static int
elf_load_into(struct exec_image *im, struct elf_info *el)
{
	int err;

	err = elf_read_phdrs(im->file, el);
	if (err != 0)
		return err;
	err = elf_check_phdrs(im, el);
	if (err != 0)
		goto out_phdrs;
	elf_find_phdr(el);
	err = mm_create(&im->mm);
	if (err != 0)
		goto out_phdrs;
	err = elf_map_all(im, el);
	if (err == 0)
		err = elf_build_stack(im, el);
	if (err != 0) {
		mm_put(im->mm);
		im->mm = NULL;
		goto out_phdrs;
	}
	im->entry = el->eh.e_entry + el->bias;
out_phdrs:
	kfree(el->ph);
	return err;
}

int
exec_elf_load(struct exec_image *im)
{
	struct elf_info el;
	int err;

	memset(&el, 0, sizeof(el));
	memcpy(&el.eh, im->buf, sizeof(el.eh));
	err = elf_check_header(&el.eh);
	if (err != 0)
		return err;
	return elf_load_into(im, &el);
}
