/*
 * The address-space suite: VMAs, mmap placement, munmap, mprotect, brk,
 * faults, copies and the host TLB on the fake machine (fake stubs record
 * the host operations).  This file holds the harness, main() and the
 * anonymous-memory tests; check_mm_file.c has file mappings, fork,
 * mremap and madvise.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno.h"
#include "core/kthread.h"
#include "core/mm.h"
#include "core/mm_int.h"
#include "core/page.h"
#include "core/sched.h"
#include "fs/pagecache.h"
#include "fs/vfs.h"
#include "tests/fake/fake.h"
#include "tests/unit/mm_test.h"
#include "tests/unit/unit.h"

struct mm *test_mm;
static void (*test_body)(void);
static int alive;

/* The lead's process code is not linked: the test says whose mm it is. */
struct mm *
current_mm(void)
{
	return test_mm;
}

/* Nor its stub pool: a freed mm's stub is destroyed. */
void
user_stub_put(struct arch_user *u)
{
	arch_user_destroy(u);
}

static int
mm_runner(void *arg)
{
	(void)arg;
	ck_assert_int_eq(vfs_mount("tmpfs", NULL, "tmpfs", 0, NULL), 0);
	test_body();
	alive--;
	return 0;
}

void
mm_run(void (*body)(void))
{
	struct task *t;

	test_body = body;
	ck_assert_int_eq(kthread_create(&t, mm_runner, NULL, "mm"), 0);
	task_put(t);
	alive = 1;
	fake_idle_until(&alive);
}

struct mm *
new_mm(bool stub)
{
	struct arch_user *u;
	struct mm *mm;

	ck_assert_int_eq(mm_create(&mm), 0);
	if (stub) {
		ck_assert_int_eq(arch_user_create(&u), 0);
		mm_set_user(mm, u);
	}
	return mm;
}

uint64_t
xmmap(struct mm *mm, uint64_t addr, uint64_t len, unsigned int prot,
      unsigned int flags, struct file *f, uint64_t off)
{
	long r = mm_mmap(mm, addr, len, prot, flags, f, off);

	ck_assert_msg(r >= 0, "mmap(%#llx, %#llx): %ld",
		      (unsigned long long)addr, (unsigned long long)len, r);
	return (uint64_t)r;
}

void
poke(struct mm *mm, uint64_t addr, uint8_t v)
{
	ck_assert_int_eq(mm_copyout(mm, addr, &v, 1), 0);
}

uint8_t
peek(struct mm *mm, uint64_t addr)
{
	uint8_t v;

	ck_assert_int_eq(mm_copyin(mm, &v, addr, 1), 0);
	return v;
}

struct vm_area *
find_vma(struct mm *mm, uint64_t addr)
{
	struct vm_area *vma;

	list_for_each_entry(vma, &mm->vmas, node) {
		if (vma->start <= addr && addr < vma->end)
			return vma;
	}
	return NULL;
}

unsigned long
count_ops(int type)
{
	unsigned long i, n = 0;

	for (i = 0; i < fake_user_nr_ops && i < FAKE_USER_MAX_OPS; i++)
		n += fake_user_ops[i].type == type;
	return n;
}

/* ---- a model of the stub's mappings, replayed from the fake's log ---- */

#define MODEL_MAX	8192

static struct {
	uint64_t addr, pa;
	int prot;
} model[MODEL_MAX];
static unsigned int model_n;
static struct arch_user *model_user;	/* whose mappings the model holds */
static unsigned long model_seen;	/* log entries applied */

static void
model_apply(const struct fake_user_op *op)
{
	unsigned int i, j;
	uint64_t a;

	for (i = 0; i < model_n; i++) {
		if (model[i].addr < op->addr ||
		    model[i].addr >= op->addr + op->len)
			continue;
		if (op->type == FAKE_USER_PROTECT) {
			model[i].prot = op->prot;
			continue;
		}
		model[i--] = model[--model_n];
	}
	if (op->type != FAKE_USER_MAP)
		return;
	for (a = op->addr, j = 0; a < op->addr + op->len; a += PG, j++) {
		ck_assert_uint_lt(model_n, MODEL_MAX);
		model[model_n].addr = a;
		model[model_n].pa = op->pa + j * PG;
		model[model_n++].prot = op->prot;
	}
}

static void
count_pte(struct mm *mm, uint64_t addr, uint64_t *pte, void *arg)
{
	(void)mm;
	(void)addr;
	ck_assert(*pte & PTE_PRESENT);
	(*(unsigned long *)arg)++;
}

/* VMAs sorted, apart, page-aligned and counted; PTEs counted. */
static void
check_vmas(struct mm *mm)
{
	unsigned long pages = 0, n = 0, ptes = 0;
	struct vm_area *vma;
	uint64_t last = 0;

	list_for_each_entry(vma, &mm->vmas, node) {
		ck_assert_uint_ge(vma->start, last);
		ck_assert_uint_lt(vma->start, vma->end);
		ck_assert_uint_eq((vma->start | vma->end) & (PG - 1), 0);
		pages += (vma->end - vma->start) / PG;
		last = vma->end;
		n++;
	}
	ck_assert_uint_eq(n, mm->nr_vmas);
	ck_assert_uint_eq(pages, mm->total_pages);
	pt_walk(mm, 0, USER_TOP, count_pte, &ptes, false);
	ck_assert_uint_eq(ptes, mm->rss_pages);
}

/* Bring the model up to date with the log (from scratch if the log was
 * cleared or belongs to another stub). */
static void
model_sync(struct arch_user *u)
{
	unsigned long i;

	ck_assert_uint_le(fake_user_nr_ops, FAKE_USER_MAX_OPS);
	if (u != model_user || fake_user_nr_ops < model_seen) {
		model_user = u;
		model_n = 0;
		model_seen = 0;
	}
	for (i = model_seen; i < fake_user_nr_ops; i++)
		if (fake_user_ops[i].u == u)
			model_apply(&fake_user_ops[i]);
	model_seen = fake_user_nr_ops;
}

void
tlb_log_trim(struct mm *mm)
{
	model_sync(mm->user);
	fake_user_clear();
	model_seen = 0;
}

void
check_tlb(struct mm *mm)
{
	struct vm_area *vma;
	unsigned long i;
	uint64_t *pte;

	check_vmas(mm);
	if (mm->user == NULL)
		return;
	model_sync(mm->user);
	for (i = 0; i < model_n; i++) {
		vma = find_vma(mm, model[i].addr);
		pte = pt_lookup(mm, model[i].addr);
		ck_assert_msg(vma != NULL && pte != NULL && *pte != 0,
			      "host maps %#llx, the table does not",
			      (unsigned long long)model[i].addr);
		ck_assert_uint_eq(model[i].pa, (*pte >> 12) << 12);
		ck_assert_int_eq(model[i].prot & ~pte_hprot(*pte, vma), 0);
	}
}

/* ---- anonymous memory ---- */

MM_TEST(test_mm_mmap_placement)
{
	struct mm *mm = new_mm(false);
	uint64_t a, b, c;

	a = xmmap(mm, 0, 3 * PG, KPROT_READ, KMAP_PRIVATE | KMAP_ANONYMOUS,
		  NULL, 0);
	ck_assert_uint_eq(a, USER_MMAP_BASE - 3 * PG);
	b = xmmap(mm, 0, PG, KPROT_WRITE, KMAP_PRIVATE | KMAP_ANONYMOUS,
		  NULL, 0);
	ck_assert_uint_eq(b, a - PG);
	/* A free hint is taken (rounded down); a busy one is not. */
	c = xmmap(mm, TBASE + 5, PG, KPROT_READ, KMAP_PRIVATE |
		  KMAP_ANONYMOUS, NULL, 0);
	ck_assert_uint_eq(c, TBASE);
	c = xmmap(mm, TBASE, PG, KPROT_WRITE, KMAP_PRIVATE | KMAP_ANONYMOUS,
		  NULL, 0);
	ck_assert_uint_eq(c, b - PG);
	ck_assert_uint_eq(mm->total_pages, 6);
	check_tlb(mm);
	mm_put(mm);
}

MM_TEST(test_mm_mmap_fixed_and_errors)
{
	const unsigned int anon = KMAP_PRIVATE | KMAP_ANONYMOUS;
	const unsigned int rw = KPROT_READ | KPROT_WRITE;
	struct mm *mm = new_mm(false);

	xmmap(mm, TBASE, 4 * PG, rw, anon | KMAP_FIXED, NULL, 0);
	poke(mm, TBASE + PG, 42);
	ck_assert_int_eq(mm_mmap(mm, TBASE + PG, PG, rw,
				 anon | KMAP_FIXED_NOREPLACE, NULL, 0),
			 -EEXIST);
	ck_assert_uint_eq(peek(mm, TBASE + PG), 42);
	/* MAP_FIXED replaces: fresh zeros, and the VMA is split around. */
	xmmap(mm, TBASE + PG, PG, KPROT_READ, anon | KMAP_FIXED, NULL, 0);
	ck_assert_uint_eq(peek(mm, TBASE + PG), 0);
	ck_assert_uint_eq(mm->nr_vmas, 3);
	xmmap(mm, TBASE + 8 * PG, PG, rw, anon | KMAP_FIXED_NOREPLACE,
	      NULL, 0);

	ck_assert_int_eq(mm_mmap(mm, 0, 0, rw, anon, NULL, 0), -EINVAL);
	ck_assert_int_eq(mm_mmap(mm, TBASE + 1, PG, rw, anon | KMAP_FIXED,
				 NULL, 0), -EINVAL);
	ck_assert_int_eq(mm_mmap(mm, 0, PG, rw, KMAP_ANONYMOUS, NULL, 0),
			 -EINVAL);
	ck_assert_int_eq(mm_mmap(mm, 0, PG, rw, anon | 0x0f, NULL, 0),
			 -EINVAL);
	ck_assert_int_eq(mm_mmap(mm, 0, PG, rw, KMAP_SHARED_VALIDATE |
				 KMAP_ANONYMOUS | 0x800000, NULL, 0),
			 -EOPNOTSUPP);
	ck_assert_int_eq(mm_mmap(mm, USER_TOP - PG, 2 * PG, rw,
				 anon | KMAP_FIXED, NULL, 0), -ENOMEM);
	ck_assert_int_eq(mm_mmap(mm, 0, USER_TOP + PG, rw, anon, NULL, 0),
			 -ENOMEM);
	ck_assert_int_eq(mm_mmap(mm, 0x1000, PG, rw, anon | KMAP_FIXED,
				 NULL, 0), -EPERM);
	check_tlb(mm);
	mm_put(mm);
}

MM_TEST(test_mm_vma_merge_and_split)
{
	const unsigned int anon = KMAP_PRIVATE | KMAP_ANONYMOUS | KMAP_FIXED;
	const unsigned int rw = KPROT_READ | KPROT_WRITE;
	struct mm *mm = new_mm(false);
	struct vm_area *v;

	xmmap(mm, TBASE, 2 * PG, rw, anon, NULL, 0);
	xmmap(mm, TBASE + 2 * PG, 2 * PG, rw, anon, NULL, 0);
	xmmap(mm, TBASE + 4 * PG, 2 * PG, KPROT_READ, anon, NULL, 0);
	ck_assert_uint_eq(mm->nr_vmas, 2);
	v = find_vma(mm, TBASE);
	ck_assert_uint_eq(v->end, TBASE + 4 * PG);

	/* mprotect splits in three, and merges back. */
	ck_assert_int_eq(mm_mprotect(mm, TBASE + PG, PG, KPROT_READ), 0);
	ck_assert_uint_eq(mm->nr_vmas, 4);
	ck_assert_int_eq(find_vma(mm, TBASE + PG)->prot, KPROT_READ);
	ck_assert_int_eq(find_vma(mm, TBASE + 2 * PG)->prot, rw);
	ck_assert_int_eq(mm_mprotect(mm, TBASE + PG, PG, rw), 0);
	ck_assert_uint_eq(mm->nr_vmas, 2);
	ck_assert_int_eq(mm_mprotect(mm, TBASE + 2 * PG, 2 * PG, KPROT_READ),
			 0);
	ck_assert_uint_eq(mm->nr_vmas, 2);
	ck_assert_uint_eq(find_vma(mm, TBASE + 5 * PG)->start, TBASE + 2 * PG);

	/* Errors: a hole is ENOMEM, bad bits EINVAL, len 0 is fine. */
	ck_assert_int_eq(mm_mprotect(mm, TBASE, 8 * PG, KPROT_READ), -ENOMEM);
	ck_assert_int_eq(mm_mprotect(mm, TBASE, PG, 0x100), -EINVAL);
	ck_assert_int_eq(mm_mprotect(mm, TBASE + 1, PG, KPROT_READ), -EINVAL);
	ck_assert_int_eq(mm_mprotect(mm, TBASE, 0, KPROT_READ), 0);
	check_tlb(mm);
	mm_put(mm);
}

MM_TEST(test_mm_munmap_partial)
{
	const unsigned int anon = KMAP_PRIVATE | KMAP_ANONYMOUS | KMAP_FIXED;
	struct mm *mm = new_mm(false);
	uint64_t i;
	uint8_t v;

	xmmap(mm, TBASE, 8 * PG, KPROT_READ | KPROT_WRITE, anon, NULL, 0);
	for (i = 0; i < 8; i++)
		poke(mm, TBASE + i * PG, (uint8_t)(i + 1));
	ck_assert_int_eq(mm_munmap(mm, TBASE + 2 * PG, 3 * PG), 0);
	ck_assert_uint_eq(mm->nr_vmas, 2);
	ck_assert_uint_eq(mm->total_pages, 5);
	ck_assert_uint_eq(mm->rss_pages, 5);
	ck_assert_uint_eq(peek(mm, TBASE + PG), 2);
	ck_assert_uint_eq(peek(mm, TBASE + 5 * PG), 6);
	ck_assert_int_eq(mm_copyin(mm, &v, TBASE + 3 * PG, 1), -EFAULT);
	ck_assert_int_eq(mm_fault(mm, TBASE + 2 * PG, ARCH_ACCESS_READ),
			 -EFAULT);
	/* Unmapping nothing works; bad arguments do not. */
	ck_assert_int_eq(mm_munmap(mm, TBASE + 2 * PG, PG), 0);
	ck_assert_int_eq(mm_munmap(mm, TBASE + 1, PG), -EINVAL);
	ck_assert_int_eq(mm_munmap(mm, TBASE, 0), -EINVAL);
	ck_assert_int_eq(mm_munmap(mm, USER_TOP, PG), -EINVAL);
	/* Across both pieces and the hole. */
	ck_assert_int_eq(mm_munmap(mm, TBASE, 8 * PG), 0);
	ck_assert_uint_eq(mm->nr_vmas, 0);
	ck_assert_uint_eq(mm->rss_pages, 0);
	check_tlb(mm);
	mm_put(mm);
}

MM_TEST(test_mm_brk_grow_shrink)
{
	struct mm *mm = new_mm(false);
	uint64_t start = TBASE + 0x123;

	mm->start_brk = mm->brk = start;
	ck_assert_uint_eq(mm_brk(mm, 0), start);
	ck_assert_uint_eq(mm_brk(mm, start + 3 * PG), start + 3 * PG);
	/* The heap starts at the page after start_brk's. */
	ck_assert_ptr_null(find_vma(mm, start));
	ck_assert(find_vma(mm, start + PG)->flags & VMA_HEAP);
	poke(mm, start + 3 * PG - 1, 7);
	ck_assert_uint_eq(mm_brk(mm, start + 10 * PG), start + 10 * PG);
	ck_assert_uint_eq(mm->nr_vmas, 1);
	ck_assert_uint_eq(peek(mm, start + 3 * PG - 1), 7);
	/* Shrinking unmaps; growing back reads zeros. */
	ck_assert_uint_eq(mm_brk(mm, start + PG), start + PG);
	ck_assert_int_eq(mm_fault(mm, start + 3 * PG, ARCH_ACCESS_READ),
			 -EFAULT);
	ck_assert_uint_eq(mm_brk(mm, start + 4 * PG), start + 4 * PG);
	ck_assert_uint_eq(peek(mm, start + 3 * PG - 1), 0);
	/* Below the start or into another mapping: the old break. */
	ck_assert_uint_eq(mm_brk(mm, start - PG), start + 4 * PG);
	xmmap(mm, TBASE + 16 * PG, PG, KPROT_READ, KMAP_PRIVATE |
	      KMAP_ANONYMOUS | KMAP_FIXED, NULL, 0);
	ck_assert_uint_eq(mm_brk(mm, start + 20 * PG), start + 4 * PG);
	ck_assert_uint_eq(mm_brk(mm, start), start);
	ck_assert_ptr_null(find_vma(mm, start));
	check_tlb(mm);
	mm_put(mm);
}

MM_TEST(test_mm_fault_access_checks)
{
	const unsigned int anon = KMAP_PRIVATE | KMAP_ANONYMOUS | KMAP_FIXED;
	struct mm *mm = new_mm(false);

	xmmap(mm, TBASE, PG, KPROT_READ, anon, NULL, 0);
	xmmap(mm, TBASE + PG, PG, KPROT_NONE, anon, NULL, 0);
	xmmap(mm, TBASE + 2 * PG, PG, KPROT_READ | KPROT_EXEC, anon, NULL, 0);
	ck_assert_int_eq(mm_fault(mm, TBASE - PG, ARCH_ACCESS_READ), -EFAULT);
	ck_assert_int_eq(mm_fault(mm, USER_TOP, ARCH_ACCESS_READ), -EFAULT);
	ck_assert_int_eq(mm_fault(mm, ~0ULL, ARCH_ACCESS_WRITE), -EFAULT);
	ck_assert_int_eq(mm_fault(mm, TBASE, ARCH_ACCESS_READ), 0);
	ck_assert_int_eq(mm_fault(mm, TBASE, ARCH_ACCESS_WRITE), -EACCES);
	ck_assert_int_eq(mm_fault(mm, TBASE, ARCH_ACCESS_EXEC), -EACCES);
	ck_assert_int_eq(mm_fault(mm, TBASE + PG, ARCH_ACCESS_READ), -EACCES);
	ck_assert_int_eq(mm_fault(mm, TBASE + 2 * PG, ARCH_ACCESS_EXEC), 0);
	/* Copies see the same rules. */
	ck_assert_int_eq(mm_copyout(mm, TBASE, "x", 1), -EFAULT);
	ck_assert_int_eq(mm_zeroout(mm, TBASE + PG, 1), -EFAULT);
	check_tlb(mm);
	mm_put(mm);
}

MM_TEST(test_mm_stack_grows_down)
{
	struct mm *mm = new_mm(false);
	uint64_t top = TBASE + 0x1000000, lo;

	lo = xmmap(mm, top - 4 * PG, 4 * PG, KPROT_READ | KPROT_WRITE,
		   KMAP_PRIVATE | KMAP_ANONYMOUS | KMAP_FIXED |
		   KMAP_GROWSDOWN | KMAP_STACK, NULL, 0);
	ck_assert_int_eq(find_vma(mm, lo)->flags & (VMA_GROWSDOWN | VMA_STACK),
			 VMA_GROWSDOWN | VMA_STACK);
	ck_assert_int_eq(mm_fault(mm, top - 100 * PG, ARCH_ACCESS_WRITE), 0);
	ck_assert_uint_eq(find_vma(mm, top - PG)->start, top - 100 * PG);
	poke(mm, top - 200 * PG + 8, 1);	/* copies grow it too */
	ck_assert_int_eq(mm_fault(mm, top - USER_STACK_MAX - PG,
				  ARCH_ACCESS_WRITE), -EFAULT);
	check_tlb(mm);
	mm_put(mm);
}

MM_TEST(test_mm_copy_across_pages)
{
	struct mm *mm = new_mm(false);
	static char buf[3 * PG], back[3 * PG];
	uint64_t a;
	char s[16];
	size_t i;

	a = xmmap(mm, TBASE, 4 * PG, KPROT_READ | KPROT_WRITE,
		  KMAP_PRIVATE | KMAP_ANONYMOUS | KMAP_FIXED, NULL, 0);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 13);
	ck_assert_int_eq(mm_copyout(mm, a + 100, buf, sizeof(buf)), 0);
	ck_assert_int_eq(mm_copyin(mm, back, a + 100, sizeof(back)), 0);
	ck_assert_mem_eq(buf, back, sizeof(buf));
	ck_assert_int_eq(mm_zeroout(mm, a + PG - 2, 4), 0);
	ck_assert_uint_eq(peek(mm, a + PG - 2), 0);
	ck_assert_uint_eq(peek(mm, a + PG + 1), 0);
	ck_assert_uint_eq(peek(mm, a + PG + 2), (uint8_t)((PG + 2 - 100) * 13));

	/* A string across a page boundary; too long; running off the end. */
	ck_assert_int_eq(mm_copyout(mm, a + PG - 3, "hello", 6), 0);
	ck_assert_int_eq(mm_copyinstr(mm, s, a + PG - 3, sizeof(s)), 5);
	ck_assert_str_eq(s, "hello");
	ck_assert_int_eq(mm_copyinstr(mm, s, a + PG - 3, 5), -ENAMETOOLONG);
	ck_assert_int_eq(mm_copyinstr(mm, s, a + PG - 3, 6), 5);
	memset(back, 'z', PG);
	ck_assert_int_eq(mm_copyout(mm, a + 3 * PG, back, PG), 0);
	ck_assert_int_eq(mm_copyinstr(mm, s, a + 4 * PG - 4, sizeof(s)),
			 -EFAULT);
	ck_assert_int_eq(mm_copyinstr(mm, s, USER_TOP - 1, sizeof(s)),
			 -EFAULT);

	/* Outside the guest range, wrapping, partly unmapped. */
	ck_assert_int_eq(mm_copyin(mm, back, USER_TOP - 8, 16), -EFAULT);
	ck_assert_int_eq(mm_copyin(mm, back, ~0ULL - 4, 16), -EFAULT);
	ck_assert_int_eq(mm_copyout(mm, 0, back, 1), -EFAULT);
	ck_assert_int_eq(mm_copyin(mm, back, a + 4 * PG - 8, 16), -EFAULT);
	ck_assert_int_eq(mm_copyin(mm, back, 0, 0), 0);
	/* The current-process versions use current_mm(). */
	test_mm = mm;
	ck_assert_int_eq(copyin(back, a + 100, 10), 0);
	ck_assert_mem_eq(back, buf, 10);
	ck_assert_int_eq(copyout(a, "abc", 4), 0);
	ck_assert_int_eq(copyinstr(s, a, sizeof(s)), 3);
	ck_assert_int_eq(zeroout(a, 1), 0);
	test_mm = NULL;
	check_tlb(mm);
	mm_put(mm);
}

MM_TEST(test_mm_zero_fill_maps_window_once)
{
	struct mm *mm = new_mm(true);
	uint64_t a;

	a = xmmap(mm, TBASE, 64 * PG, KPROT_READ | KPROT_WRITE,
		  KMAP_PRIVATE | KMAP_ANONYMOUS | KMAP_FIXED, NULL, 0);
	fake_user_clear();
	ck_assert_int_eq(mm_fault(mm, a + 21 * PG, ARCH_ACCESS_WRITE), 0);
	ck_assert_uint_eq(fake_user_nr_ops, 1);
	ck_assert_int_eq(fake_user_ops[0].type, FAKE_USER_MAP);
	ck_assert_uint_eq(fake_user_ops[0].addr, a + 16 * PG);
	ck_assert_uint_eq(fake_user_ops[0].len, 16 * PG);
	ck_assert_int_eq(fake_user_ops[0].prot,
			 ARCH_PROT_READ | ARCH_PROT_WRITE);
	ck_assert_uint_eq(mm->rss_pages, 16);
	/* A spurious fault on a mapped page maps just that page again. */
	ck_assert_int_eq(mm_fault(mm, a + 17 * PG, ARCH_ACCESS_READ), 0);
	ck_assert_uint_eq(fake_user_nr_ops, 2);
	ck_assert_uint_eq(fake_user_ops[1].len, PG);
	check_tlb(mm);

	/* mprotect write-protects the host mappings in one call. */
	fake_user_clear();
	ck_assert_int_eq(mm_mprotect(mm, a, 64 * PG, KPROT_READ), 0);
	ck_assert_uint_eq(fake_user_nr_ops, 1);
	ck_assert_int_eq(fake_user_ops[0].type, FAKE_USER_PROTECT);
	ck_assert_uint_eq(fake_user_ops[0].len, 16 * PG);
	ck_assert_int_eq(fake_user_ops[0].prot, ARCH_PROT_READ);
	check_tlb(mm);
	/* munmap unmaps only what is mapped, in one call. */
	fake_user_clear();
	ck_assert_int_eq(mm_munmap(mm, a, 64 * PG), 0);
	ck_assert_uint_eq(fake_user_nr_ops, 1);
	ck_assert_int_eq(fake_user_ops[0].type, FAKE_USER_UNMAP);
	ck_assert_uint_eq(fake_user_ops[0].addr, a + 16 * PG);
	ck_assert_uint_eq(fake_user_ops[0].len, 16 * PG);
	check_tlb(mm);
	mm_put(mm);
	ck_assert_int_eq(fake_user_live, 0);
}

MM_TEST(test_mm_tlb_flush_all_and_populate)
{
	struct mm *mm = new_mm(true);
	uint64_t a;

	fake_user_clear();
	a = xmmap(mm, 0, 40 * PG, KPROT_READ | KPROT_WRITE,
		  KMAP_PRIVATE | KMAP_ANONYMOUS | KMAP_POPULATE, NULL, 0);
	ck_assert_uint_eq(mm->rss_pages, 40);
	check_tlb(mm);
	mm_tlb_flush_all(mm);
	ck_assert_int_eq(fake_user_ops[fake_user_nr_ops - 1].type,
			 FAKE_USER_UNMAP);
	ck_assert_uint_eq(fake_user_ops[fake_user_nr_ops - 1].len, USER_TOP);
	/* Every mark is gone: the next fault maps its window again. */
	fake_user_clear();
	ck_assert_int_eq(mm_fault(mm, a + 20 * PG, ARCH_ACCESS_READ), 0);
	ck_assert_uint_eq(fake_user_nr_ops, 1);
	ck_assert_uint_ge(fake_user_ops[0].len, 8 * PG);
	check_tlb(mm);
	mm_put(mm);
}

MM_TEST(test_mm_frames_returned)
{
	unsigned long before;
	struct mm *mm;
	uint64_t a;

	mm = new_mm(false);
	check_tlb(mm);
	mm_put(mm);
	before = buddy_free_frames();
	mm = new_mm(true);
	a = xmmap(mm, 0, 1000 * PG, KPROT_READ | KPROT_WRITE,
		  KMAP_PRIVATE | KMAP_ANONYMOUS, NULL, 0);
	ck_assert_int_eq(mm_zeroout(mm, a + 3, 1000 * PG - 6), 0);
	ck_assert_uint_eq(mm->rss_pages, 1000);
	ck_assert_uint_ge(mm_nr_user_pages(), 1000);
	check_tlb(mm);
	mm_put(mm);
	ck_assert_uint_eq(mm_nr_user_pages(), 0);
	ck_assert_uint_eq(buddy_free_frames(), before);
}

TCase *
mm_tcase_anon(void)
{
	TCase *tc = tcase_create("anon");

	tcase_add_test(tc, test_mm_mmap_placement);
	tcase_add_test(tc, test_mm_mmap_fixed_and_errors);
	tcase_add_test(tc, test_mm_vma_merge_and_split);
	tcase_add_test(tc, test_mm_munmap_partial);
	tcase_add_test(tc, test_mm_brk_grow_shrink);
	tcase_add_test(tc, test_mm_fault_access_checks);
	tcase_add_test(tc, test_mm_stack_grows_down);
	tcase_add_test(tc, test_mm_copy_across_pages);
	tcase_add_test(tc, test_mm_zero_fill_maps_window_once);
	tcase_add_test(tc, test_mm_tlb_flush_all_and_populate);
	tcase_add_test(tc, test_mm_frames_returned);
	return tc;
}

static void
setup(void)
{
	fake_boot(64 * MIB);
	ck_assert_int_eq(pagecache_init(), 0);
	ck_assert_int_eq(vfs_init(), 0);
	fake_user_clear();
	model_user = NULL;
	model_n = 0;
	model_seen = 0;
	test_mm = NULL;
}

int
main(void)
{
	Suite *s = suite_create("mm");
	TCase *tcs[] = { mm_tcase_anon(), mm_tcase_file() };
	SRunner *sr;

	for (size_t i = 0; i < sizeof(tcs) / sizeof(tcs[0]); i++) {
		tcase_add_checked_fixture(tcs[i], setup, NULL);
		tcase_set_timeout(tcs[i], 30);
		suite_add_tcase(s, tcs[i]);
	}
	sr = srunner_create(s);
	return unit_run(sr, CK_NORMAL);
}
