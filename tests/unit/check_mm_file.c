/*
 * The address-space suite, part two: file mappings over tmpfs (private
 * copy-on-write, shared write-back, SIGBUS past the end, the file rules
 * of mmap), fork's copy-on-write, mremap, madvise, msync and the memory
 * system calls.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno.h"
#include "core/mm.h"
#include "core/mm_int.h"
#include "core/page.h"
#include "core/sched.h"
#include "core/syscall.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"
#include "tests/fake/fake.h"
#include "tests/unit/mm_test.h"
#include "tests/unit/unit.h"

static uint8_t
pattern(uint64_t i)
{
	return (uint8_t)(i * 7 + 1);
}

struct file *
make_file(const char *path, size_t len, unsigned int flags)
{
	static uint8_t buf[16 * 4096];
	struct file *f;
	size_t i;
	int err;

	ck_assert_uint_le(len, sizeof(buf));
	for (i = 0; i < len; i++)
		buf[i] = pattern(i);
	err = vfs_open(NULL, path, KO_RDWR | KO_CREAT | KO_TRUNC, 0644, &f);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(vfs_pwrite(f, buf, len, 0), (long)len);
	file_put(f);
	ck_assert_int_eq(vfs_open(NULL, path, flags, 0, &f), 0);
	return f;
}

static uint8_t
file_byte(struct file *f, uint64_t pos)
{
	uint8_t v = 0;

	ck_assert_int_eq(vfs_pread(f, &v, 1, pos), 1);
	return v;
}

MM_TEST(test_mm_file_private_cow)
{
	struct file *f = make_file("/f", 3 * PG + 100, KO_RDONLY);
	struct mm *mm = new_mm(true);
	uint64_t a;

	a = xmmap(mm, 0, 4 * PG, KPROT_READ | KPROT_WRITE, KMAP_PRIVATE, f,
		  PG);
	ck_assert_uint_eq(peek(mm, a + 5), pattern(PG + 5));
	ck_assert_uint_eq(peek(mm, a + 2 * PG + 99), pattern(3 * PG + 99));
	/* The tail of the last page reads zero. */
	ck_assert_uint_eq(peek(mm, a + 2 * PG + 100), 0);
	check_tlb(mm);
	/* A write copies: the file stays as it was. */
	poke(mm, a + 5, 0xee);
	ck_assert_uint_eq(peek(mm, a + 5), 0xee);
	ck_assert_uint_eq(file_byte(f, PG + 5), pattern(PG + 5));
	check_tlb(mm);
	/* Past the end of the file: SIGBUS. */
	ck_assert_int_eq(mm_fault(mm, a + 3 * PG, ARCH_ACCESS_READ), -EIO);
	/* DONTNEED reads the file's data back. */
	ck_assert_int_eq(mm_madvise(mm, a, 4 * PG, KMADV_DONTNEED), 0);
	ck_assert_uint_eq(peek(mm, a + 5), pattern(PG + 5));
	check_tlb(mm);
	mm_put(mm);
	file_put(f);
}

MM_TEST(test_mm_file_shared_write_reaches_file)
{
	struct file *f = make_file("/s", 2 * PG, KO_RDWR);
	struct mm *mm = new_mm(true);
	uint64_t a;

	a = xmmap(mm, 0, 2 * PG, KPROT_READ | KPROT_WRITE, KMAP_SHARED, f, 0);
	ck_assert_uint_eq(peek(mm, a + PG + 1), pattern(PG + 1));
	/* The first read maps the page read-only, so a write is seen. */
	fake_user_clear();
	ck_assert_int_eq(mm_fault(mm, a + PG, ARCH_ACCESS_READ), 0);
	ck_assert_int_eq(fake_user_ops[0].prot, ARCH_PROT_READ);
	ck_assert_int_eq(mm_fault(mm, a + PG, ARCH_ACCESS_WRITE |
				  ARCH_ACCESS_PRESENT), 0);
	ck_assert_int_eq(fake_user_ops[fake_user_nr_ops - 1].prot,
			 ARCH_PROT_READ | ARCH_PROT_WRITE);
	poke(mm, a + PG + 1, 0xab);
	ck_assert_int_eq(mm_msync(mm, a, 2 * PG, KMS_SYNC), 0);
	ck_assert_uint_eq(file_byte(f, PG + 1), 0xab);
	ck_assert_int_eq(mm_msync(mm, a, PG, KMS_SYNC | KMS_ASYNC), -EINVAL);
	ck_assert_int_eq(mm_msync(mm, a + 1, PG, KMS_SYNC), -EINVAL);
	ck_assert_int_eq(mm_msync(mm, a, 3 * PG, KMS_ASYNC), -ENOMEM);
	/* DONTNEED on a shared file page keeps the data. */
	ck_assert_int_eq(mm_madvise(mm, a, 2 * PG, KMADV_DONTNEED), 0);
	ck_assert_uint_eq(peek(mm, a + PG + 1), 0xab);
	check_tlb(mm);
	mm_put(mm);
	file_put(f);
}

MM_TEST(test_mm_file_mapping_rules)
{
	struct file *ro = make_file("/r", PG, KO_RDONLY);
	struct file *wo, *dir;
	struct mm *mm = new_mm(false);
	uint64_t a;

	ck_assert_int_eq(vfs_open(NULL, "/r", KO_WRONLY, 0, &wo), 0);
	ck_assert_int_eq(vfs_open(NULL, "/", KO_RDONLY, 0, &dir), 0);
	ck_assert_int_eq(mm_mmap(mm, 0, PG, KPROT_READ | KPROT_WRITE,
				 KMAP_SHARED, ro, 0), -EACCES);
	ck_assert_int_eq(mm_mmap(mm, 0, PG, KPROT_READ, KMAP_PRIVATE, wo, 0),
			 -EACCES);
	ck_assert_int_eq(mm_mmap(mm, 0, PG, KPROT_READ, KMAP_PRIVATE, dir, 0),
			 -ENODEV);
	ck_assert_int_eq(mm_mmap(mm, 0, PG, KPROT_READ, KMAP_PRIVATE, ro, 1),
			 -EINVAL);
	ck_assert_int_eq(mm_mmap(mm, 0, 2 * PG, KPROT_READ, KMAP_PRIVATE, ro,
				 ~0ULL & PAGE_MASK), -EOVERFLOW);
	/* Private writable is fine; shared read-only may not gain write. */
	xmmap(mm, 0, PG, KPROT_READ | KPROT_WRITE, KMAP_PRIVATE, ro, 0);
	a = xmmap(mm, 0, PG, KPROT_READ, KMAP_SHARED, ro, 0);
	ck_assert_int_eq(mm_mprotect(mm, a, PG, KPROT_READ | KPROT_WRITE),
			 -EACCES);
	check_tlb(mm);
	mm_put(mm);
	file_put(dir);
	file_put(wo);
	file_put(ro);
}

/* Write v at addr in the child and w in the parent after fork. */
MM_TEST(test_mm_fork_cow)
{
	const unsigned int rw = KPROT_READ | KPROT_WRITE;
	unsigned long before, user_before, n0;
	struct mm *parent, *child;
	uint64_t a, *pte;

	parent = new_mm(false);
	mm_put(parent);
	before = buddy_free_frames();
	user_before = mm_nr_user_pages();
	parent = new_mm(true);
	a = xmmap(parent, 0, 32 * PG, rw, KMAP_PRIVATE | KMAP_ANONYMOUS,
		  NULL, 0);
	poke(parent, a + 3 * PG, 1);
	poke(parent, a + 20 * PG, 2);
	n0 = fake_user_nr_ops;
	ck_assert_int_eq(mm_dup(parent, &child), 0);
	/* The parent's mapped pages lost write in its stub, in one call. */
	ck_assert_uint_eq(fake_user_nr_ops, n0 + 1);
	ck_assert_int_eq(fake_user_ops[n0].type, FAKE_USER_PROTECT);
	ck_assert_uint_eq(fake_user_ops[n0].len, 32 * PG);
	ck_assert_int_eq(fake_user_ops[n0].prot, ARCH_PROT_READ);
	check_tlb(parent);
	pte = pt_lookup(parent, a + 3 * PG);
	ck_assert_int_eq(frame_refs(pte_page(*pte)), 2);

	poke(child, a + 3 * PG, 10);
	poke(parent, a + 3 * PG, 20);
	poke(parent, a + 20 * PG, 30);
	ck_assert_uint_eq(peek(child, a + 3 * PG), 10);
	ck_assert_uint_eq(peek(child, a + 20 * PG), 2);
	ck_assert_uint_eq(peek(parent, a + 3 * PG), 20);
	ck_assert_uint_eq(peek(parent, a + 20 * PG), 30);
	/* The last sharer writes in place. */
	pte = pt_lookup(parent, a + 3 * PG);
	ck_assert_int_eq(frame_refs(pte_page(*pte)), 1);
	check_tlb(parent);
	check_tlb(child);
	mm_put(child);
	check_tlb(parent);
	mm_put(parent);
	ck_assert_uint_eq(mm_nr_user_pages(), user_before);
	ck_assert_uint_eq(buddy_free_frames(), before);
}

MM_TEST(test_mm_fork_shared_stays_shared)
{
	struct file *f = make_file("/sh", PG, KO_RDWR);
	struct mm *parent = new_mm(false), *child;
	uint64_t a, b;

	a = xmmap(parent, 0, 4 * PG, KPROT_READ | KPROT_WRITE,
		  KMAP_SHARED | KMAP_ANONYMOUS, NULL, 0);
	b = xmmap(parent, 0, PG, KPROT_READ | KPROT_WRITE, KMAP_SHARED, f, 0);
	poke(parent, a, 1);
	ck_assert_int_eq(mm_dup(parent, &child), 0);
	/* Pages untouched before the fork are shared as well. */
	poke(child, a + 3 * PG, 5);
	ck_assert_uint_eq(peek(parent, a + 3 * PG), 5);
	poke(parent, a, 6);
	ck_assert_uint_eq(peek(child, a), 6);
	poke(child, b, 7);
	ck_assert_uint_eq(peek(parent, b), 7);
	check_tlb(parent);
	mm_put(parent);
	ck_assert_uint_eq(peek(child, b), 7);
	check_tlb(child);
	mm_put(child);
	ck_assert_uint_eq(file_byte(f, 0), 7);
	file_put(f);
}

MM_TEST(test_mm_mremap_grow_move_shrink)
{
	const unsigned int anon = KMAP_PRIVATE | KMAP_ANONYMOUS | KMAP_FIXED;
	const unsigned int rw = KPROT_READ | KPROT_WRITE;
	struct mm *mm = new_mm(true);
	long r;

	xmmap(mm, TBASE, 2 * PG, rw, anon, NULL, 0);
	poke(mm, TBASE + PG, 9);
	/* In place while the pages after it are free. */
	ck_assert_int_eq(mm_mremap(mm, TBASE, 2 * PG, 4 * PG, 0, 0),
			 (long)TBASE);
	ck_assert_uint_eq(find_vma(mm, TBASE)->end, TBASE + 4 * PG);
	poke(mm, TBASE + 3 * PG, 8);
	/* Blocked: ENOMEM without MAYMOVE, a move with it. */
	xmmap(mm, TBASE + 4 * PG, PG, KPROT_READ, anon, NULL, 0);
	ck_assert_int_eq(mm_mremap(mm, TBASE, 4 * PG, 8 * PG, 0, 0), -ENOMEM);
	fake_user_clear();
	r = mm_mremap(mm, TBASE, 4 * PG, 8 * PG, KMREMAP_MAYMOVE, 0);
	ck_assert_int_gt(r, 0);
	ck_assert_uint_ne((uint64_t)r, TBASE);
	ck_assert_int_eq(count_ops(FAKE_USER_UNMAP), 1);
	ck_assert_uint_eq(peek(mm, (uint64_t)r + PG), 9);
	ck_assert_uint_eq(peek(mm, (uint64_t)r + 3 * PG), 8);
	ck_assert_uint_eq(peek(mm, (uint64_t)r + 7 * PG), 0);
	ck_assert_int_eq(mm_fault(mm, TBASE, ARCH_ACCESS_READ), -EFAULT);
	/* FIXED moves to the given place, shrinking on the way. */
	ck_assert_int_eq(mm_mremap(mm, (uint64_t)r, 8 * PG, 2 * PG,
				   KMREMAP_MAYMOVE | KMREMAP_FIXED,
				   TBASE + 32 * PG), (long)(TBASE + 32 * PG));
	ck_assert_uint_eq(peek(mm, TBASE + 33 * PG), 9);
	ck_assert_uint_eq(find_vma(mm, TBASE + 32 * PG)->end, TBASE + 34 * PG);
	ck_assert_int_eq(mm_mremap(mm, TBASE + 32 * PG, 2 * PG, PG, 0, 0),
			 (long)(TBASE + 32 * PG));
	ck_assert_int_eq(mm_fault(mm, TBASE + 33 * PG, ARCH_ACCESS_READ),
			 -EFAULT);
	/* Errors. */
	ck_assert_int_eq(mm_mremap(mm, TBASE + 1, PG, PG, 0, 0), -EINVAL);
	ck_assert_int_eq(mm_mremap(mm, TBASE + 32 * PG, PG, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(mm_mremap(mm, TBASE + 32 * PG, PG, PG,
				   KMREMAP_FIXED, TBASE), -EINVAL);
	ck_assert_int_eq(mm_mremap(mm, TBASE + 40 * PG, PG, 2 * PG, 0, 0),
			 -EFAULT);
	ck_assert_int_eq(mm_mremap(mm, TBASE + 32 * PG, 2 * PG, 4 * PG, 0, 0),
			 -EFAULT);
	check_tlb(mm);
	ck_assert_uint_eq(mm->rss_pages, 1);
	check_tlb(mm);
	mm_put(mm);
}

MM_TEST(test_mm_madvise_dontneed_zeroes)
{
	struct mm *mm = new_mm(true);
	uint64_t a;

	a = xmmap(mm, 0, 8 * PG, KPROT_READ | KPROT_WRITE,
		  KMAP_PRIVATE | KMAP_ANONYMOUS, NULL, 0);
	poke(mm, a + 2 * PG, 3);
	poke(mm, a + 5 * PG, 4);
	ck_assert_int_eq(mm_madvise(mm, a + 2 * PG, PG, KMADV_DONTNEED), 0);
	check_tlb(mm);
	ck_assert_uint_eq(peek(mm, a + 2 * PG), 0);
	ck_assert_uint_eq(peek(mm, a + 5 * PG), 4);
	ck_assert_int_eq(mm_madvise(mm, a, 8 * PG, KMADV_WILLNEED), 0);
	ck_assert_int_eq(mm_madvise(mm, a, 9 * PG, KMADV_NORMAL), -ENOMEM);
	ck_assert_int_eq(mm_madvise(mm, a, PG, 77), -EINVAL);
	ck_assert_int_eq(mm_madvise(mm, a + 1, PG, KMADV_NORMAL), -EINVAL);
	check_tlb(mm);
	mm_put(mm);
}

static long
call6(long (*fn)(const uint64_t *), uint64_t a0, uint64_t a1, uint64_t a2,
      uint64_t a3, uint64_t a4, uint64_t a5)
{
	uint64_t args[6] = { a0, a1, a2, a3, a4, a5 };

	return fn(args);
}

MM_TEST(test_mm_syscalls)
{
	struct file *ro = make_file("/sys", PG, KO_RDONLY);
	struct fdtable *t;
	long a, fd;

	test_mm = new_mm(false);
	ck_assert_int_eq(fdtable_create(&t), 0);
	current->files = t;
	fd = fdtable_alloc(t, ro, 0, false);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(call6(sys_mmap, 0, PG, KPROT_READ, KMAP_PRIVATE, 99,
			       0), -EBADF);
	ck_assert_int_eq(call6(sys_mmap, 0, PG, KPROT_READ, KMAP_PRIVATE, 99,
			       1), -EINVAL);
	ck_assert_int_eq(call6(sys_mmap, 0, PG, KPROT_READ | KPROT_WRITE,
			       KMAP_SHARED, (uint64_t)fd, 0), -EACCES);
	a = call6(sys_mmap, 0, PG, KPROT_READ, KMAP_PRIVATE, (uint64_t)fd, 0);
	ck_assert_int_gt(a, 0);
	ck_assert_uint_eq(peek(test_mm, (uint64_t)a + 1), pattern(1));
	ck_assert_int_eq(call6(sys_mprotect, (uint64_t)a, PG, KPROT_NONE, 0,
			       0, 0), 0);
	ck_assert_int_eq(call6(sys_madvise, (uint64_t)a, PG, KMADV_DONTNEED,
			       0, 0, 0), 0);
	ck_assert_int_eq(call6(sys_msync, (uint64_t)a, PG, KMS_SYNC, 0, 0, 0),
			 0);
	a = call6(sys_mremap, (uint64_t)a, PG, 2 * PG, KMREMAP_MAYMOVE, 0, 0);
	ck_assert_int_gt(a, 0);
	ck_assert_int_eq(call6(sys_munmap, (uint64_t)a, 2 * PG, 0, 0, 0, 0),
			 0);
	test_mm->start_brk = test_mm->brk = TBASE;
	ck_assert_int_eq(call6(sys_brk, 0, 0, 0, 0, 0, 0), (long)TBASE);
	ck_assert_int_eq(call6(sys_brk, TBASE + 5, 0, 0, 0, 0, 0),
			 (long)(TBASE + 5));
	current->files = NULL;
	fdtable_put(t);
	mm_put(test_mm);
	test_mm = NULL;
	file_put(ro);
}

/* ---- random operations against a shadow of the region ---- */

#define RPAGES	96

static struct {
	bool mapped;
	unsigned int prot;
	uint8_t val;
} shadow[RPAGES];

static uint64_t
raddr(unsigned int i)
{
	return TBASE + (uint64_t)i * PG;
}

/* Every page reads what the shadow says, or faults if it may not. */
static void
shadow_check(struct mm *mm)
{
	unsigned int i;
	uint8_t v;
	int err;

	for (i = 0; i < RPAGES; i++) {
		err = mm_copyin(mm, &v, raddr(i) + 7, 1);
		if (!shadow[i].mapped || shadow[i].prot == KPROT_NONE) {
			ck_assert_int_eq(err, -EFAULT);
			continue;
		}
		ck_assert_int_eq(err, 0);
		ck_assert_msg(v == shadow[i].val, "page %u: %u, not %u", i, v,
			      shadow[i].val);
	}
	check_tlb(mm);
}

static bool
shadow_all_mapped(unsigned int i, unsigned int n)
{
	while (n-- > 0)
		if (!shadow[i++].mapped)
			return false;
	return true;
}

static void
rand_mmap(struct mm *mm, unsigned int i, unsigned int n)
{
	unsigned int prot = unit_rng() % 2 ? KPROT_READ | KPROT_WRITE :
					     KPROT_READ;

	xmmap(mm, raddr(i), n * PG, prot, KMAP_PRIVATE | KMAP_ANONYMOUS |
	      KMAP_FIXED, NULL, 0);
	while (n-- > 0)
		shadow[i++] = (typeof(shadow[0])){ true, prot, 0 };
}

static void
rand_mprotect(struct mm *mm, unsigned int i, unsigned int n)
{
	static const unsigned int prots[] = {
		KPROT_NONE, KPROT_READ, KPROT_READ | KPROT_WRITE,
	};
	unsigned int prot = prots[unit_rng() % 3];
	int err = mm_mprotect(mm, raddr(i), n * PG, prot);

	if (!shadow_all_mapped(i, n)) {
		ck_assert_int_eq(err, -ENOMEM);
		return;
	}
	ck_assert_int_eq(err, 0);
	while (n-- > 0)
		shadow[i++].prot = prot;
}

static void
rand_write(struct mm *mm, unsigned int i)
{
	uint8_t v = (uint8_t)(unit_rng() | 1);
	int err = mm_copyout(mm, raddr(i) + 7, &v, 1);

	if (!shadow[i].mapped || !(shadow[i].prot & KPROT_WRITE)) {
		ck_assert_int_eq(err, -EFAULT);
		return;
	}
	ck_assert_int_eq(err, 0);
	shadow[i].val = v;
}

static void
rand_mremap(struct mm *mm, unsigned int i, unsigned int n)
{
	unsigned int to = (unsigned int)(unit_rng() % (RPAGES - n)), k;
	long r;

	if (to < i + n && i < to + n)
		return;
	r = mm_mremap(mm, raddr(i), n * PG, n * PG,
		      KMREMAP_MAYMOVE | KMREMAP_FIXED, raddr(to));
	if (r == -EFAULT)
		return;		/* not within one VMA */
	ck_assert_int_eq(r, (long)raddr(to));
	for (k = 0; k < n; k++) {
		shadow[to + k] = shadow[i + k];
		shadow[i + k].mapped = false;
	}
}

/* A child writes some pages; the parent's stay as they were. */
static void
rand_fork(struct mm *mm)
{
	struct mm *child;
	unsigned int i;
	uint8_t v = 0x77;

	ck_assert_int_eq(mm_dup(mm, &child), 0);
	for (i = 0; i < RPAGES; i += 3)
		if (shadow[i].mapped && (shadow[i].prot & KPROT_WRITE))
			ck_assert_int_eq(mm_copyout(child, raddr(i) + 7, &v,
						    1), 0);
	if (unit_rng() % 2) {
		check_tlb(child);
		mm_put(child);
		return;
	}
	/* Or the child lives on while the parent goes on. */
	shadow_check(mm);
	mm_put(child);
}

static void
rand_step(struct mm *mm)
{
	unsigned int i = (unsigned int)(unit_rng() % RPAGES), n, k;

	n = 1 + (unsigned int)(unit_rng() % MIN(20, RPAGES - i));
	switch (unit_rng() % 8) {
	case 0:
		rand_mmap(mm, i, n);
		break;
	case 1:
		ck_assert_int_eq(mm_munmap(mm, raddr(i), n * PG), 0);
		for (k = 0; k < n; k++)
			shadow[i + k].mapped = false;
		break;
	case 2:
		rand_mprotect(mm, i, n);
		break;
	case 3:
		ck_assert_int_eq(mm_madvise(mm, raddr(i), n * PG,
					    KMADV_DONTNEED),
				 shadow_all_mapped(i, n) ? 0 : -ENOMEM);
		for (k = 0; k < n; k++)
			shadow[i + k].val = 0;
		break;
	case 4:
		rand_mremap(mm, i, n);
		break;
	case 5:
		rand_fork(mm);
		break;
	default:
		for (k = 0; k < n; k++)
			rand_write(mm, i + k);
		break;
	}
}

MM_TEST(test_mm_random_ops_match_shadow)
{
	unsigned long before, user_before;
	struct mm *mm;
	int step;

	mm = new_mm(false);
	mm_put(mm);
	before = buddy_free_frames();
	user_before = mm_nr_user_pages();
	mm = new_mm(true);
	memset(shadow, 0, sizeof(shadow));
	unit_rng_seed(12345);
	for (step = 0; step < 600; step++) {
		rand_step(mm);
		shadow_check(mm);
		tlb_log_trim(mm);
	}
	mm_put(mm);
	ck_assert_uint_eq(mm_nr_user_pages(), user_before);
	ck_assert_uint_eq(buddy_free_frames(), before);
}

TCase *
mm_tcase_file(void)
{
	TCase *tc = tcase_create("file");

	tcase_add_test(tc, test_mm_file_private_cow);
	tcase_add_test(tc, test_mm_file_shared_write_reaches_file);
	tcase_add_test(tc, test_mm_file_mapping_rules);
	tcase_add_test(tc, test_mm_fork_cow);
	tcase_add_test(tc, test_mm_fork_shared_stays_shared);
	tcase_add_test(tc, test_mm_mremap_grow_move_shrink);
	tcase_add_test(tc, test_mm_madvise_dontneed_zeroes);
	tcase_add_test(tc, test_mm_syscalls);
	tcase_add_test(tc, test_mm_random_ops_match_shadow);
	return tc;
}
