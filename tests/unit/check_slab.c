/*
 * Slab caches and kmalloc on fake physical memory: every small size and
 * large sizes with content patterns, reuse, alignment, kzalloc, frames
 * given back by kmem_cache_destroy, a seeded random stress over many
 * sizes, exhaustion, and the misuses that must panic.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/kernel.h"
#include "core/page.h"
#include "core/slab.h"
#include "tests/fake/fake.h"
#include "tests/unit/unit.h"

#define MEM_SIZE	(64 * MIB)
#define RING		64
#define STRESS_SLOTS	1024
#define STRESS_OPS	30000

static const size_t classes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};

static void
boot(size_t size)
{
	fake_physmem_init(size);
	buddy_init();
	slab_init();
	unit_rng_seed(0x9e3779b97f4a7c15ULL);
}

static void
setup(void)
{
	boot(MEM_SIZE);
}

static unsigned char
pattern(uint64_t tag, size_t i)
{
	return (unsigned char)((tag >> (i % 7 * 8)) + i * 131 + (i >> 8));
}

static void
fill(void *p, size_t size, uint64_t tag)
{
	unsigned char *b = p;

	for (size_t i = 0; i < size; i++)
		b[i] = pattern(tag, i);
}

static void
check_fill(const void *p, size_t size, uint64_t tag)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < size; i++)
		if (b[i] != pattern(tag, i))
			ck_abort_msg("object %p size %zu byte %zu overwritten",
				     p, size, i);
}

static size_t
class_of(size_t size)
{
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++)
		if (classes[i] >= size)
			return classes[i];
	return 0;
}

static unsigned int
large_order(size_t size)
{
	unsigned int k = 0;

	while ((PAGE_SIZE << k) < size)
		k++;
	return k;
}

static bool
is_pow2(size_t n)
{
	return (n & (n - 1)) == 0;
}

/* A kmalloc block of size bytes is where and as large as promised. */
static void
assert_kmalloc_ok(void *p, size_t size)
{
	ck_assert_ptr_nonnull(p);
	ck_assert(page_addr_valid(p));
	ck_assert(page_addr_valid((char *)p + size - 1));
	ck_assert_uint_eq((uintptr_t)p % 8, 0);
	if (size <= classes[ARRAY_SIZE(classes) - 1])
		ck_assert_uint_eq(kmalloc_size(p), class_of(size));
	else
		ck_assert_uint_eq(kmalloc_size(p),
				  PAGE_SIZE << large_order(size));
	if (is_pow2(size) && size <= PAGE_SIZE)
		ck_assert_uint_eq((uintptr_t)p % size, 0);
	if (size > classes[ARRAY_SIZE(classes) - 1])
		ck_assert_uint_eq((uintptr_t)p % PAGE_SIZE, 0);
}

struct slot {
	void *p;
	size_t size;
	uint64_t tag;
	struct kmem_cache *c;		/* NULL: from kmalloc */
};

static void
slot_free(struct slot *s)
{
	check_fill(s->p, s->size, s->tag);
	if (s->c != NULL)
		kmem_cache_free(s->c, s->p);
	else
		kfree(s->p);
	s->p = NULL;
}

/* Every size from 1 to the largest class, RING of them live at a time. */
static void
all_small_sizes(void)
{
	static struct slot ring[RING];
	struct slot *s;

	for (size_t size = 1; size <= 8192; size++) {
		s = &ring[size % RING];
		if (s->p != NULL)
			slot_free(s);
		s->p = kmalloc(size);
		assert_kmalloc_ok(s->p, size);
		s->size = size;
		s->tag = unit_rng();
		fill(s->p, size, s->tag);
	}
	for (size_t i = 0; i < RING; i++)
		slot_free(&ring[i]);
}

START_TEST(test_slab_kmalloc_every_small_size)
{
	unsigned long after_first;

	all_small_sizes();
	after_first = buddy_free_frames();
	all_small_sizes();
	ck_assert_uint_eq(buddy_free_frames(), after_first);
}
END_TEST

START_TEST(test_slab_kmalloc_large)
{
	static const size_t sizes[] = {
		8193, 3 * PAGE_SIZE, 3 * PAGE_SIZE + 1, 64 * KIB, 100000,
		1 * MIB, 1 * MIB + 1, 4 * MIB,
	};
	unsigned long before, frames;
	void *p;

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		before = buddy_free_frames();
		p = kmalloc(sizes[i]);
		assert_kmalloc_ok(p, sizes[i]);
		frames = 1UL << large_order(sizes[i]);
		ck_assert_uint_eq(buddy_free_frames(), before - frames);
		fill(p, sizes[i], i);
		check_fill(p, sizes[i], i);
		kfree(p);
		ck_assert_uint_eq(buddy_free_frames(), before);
	}
	ck_assert_ptr_null(kmalloc(4 * MIB + 1));
	ck_assert_ptr_null(kmalloc(SIZE_MAX));
}
END_TEST

START_TEST(test_slab_objects_reused)
{
	struct kmem_cache *c = kmem_cache_create("reuse", 100, 0);
	void *v[10], *a;

	ck_assert_ptr_nonnull(c);
	a = kmem_cache_alloc(c);
	kmem_cache_free(c, a);
	ck_assert_ptr_eq(kmem_cache_alloc(c), a);
	kmem_cache_free(c, a);
	for (int i = 0; i < 10; i++)
		v[i] = kmem_cache_alloc(c);
	kmem_cache_free(c, v[3]);
	ck_assert_ptr_eq(kmem_cache_alloc(c), v[3]);
	for (int i = 0; i < 10; i++)
		kmem_cache_free(c, v[i]);
	kmem_cache_destroy(c);
	a = kmalloc(40);
	kfree(a);
	ck_assert_ptr_eq(kmalloc(40), a);
	kfree(a);
}
END_TEST

/* Objects of one cache are aligned and do not overlap. */
static void
check_cache_alignment(size_t size, size_t align)
{
	struct kmem_cache *c = kmem_cache_create("align", size, align);
	void *v[20];

	ck_assert_ptr_nonnull(c);
	for (int i = 0; i < 20; i++) {
		v[i] = kmem_cache_alloc(c);
		ck_assert_ptr_nonnull(v[i]);
		ck_assert_uint_eq((uintptr_t)v[i] % MAX(align, 8), 0);
		fill(v[i], size, size * 1000 + i);
	}
	for (int i = 0; i < 20; i++) {
		check_fill(v[i], size, size * 1000 + i);
		kmem_cache_free(c, v[i]);
	}
	ck_assert_uint_eq(kmem_cache_inuse(c), 0);
	kmem_cache_destroy(c);
}

START_TEST(test_slab_alignment)
{
	static const size_t sizes[] = { 1, 7, 13, 100, 1000, 3000, 5000 };
	void *p;

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		check_cache_alignment(sizes[i], 0);
		for (size_t a = 8; a <= PAGE_SIZE; a *= 2)
			check_cache_alignment(sizes[i], a);
	}
	for (size_t size = 8; size <= PAGE_SIZE; size *= 2) {
		for (int i = 0; i < 20; i++) {
			p = kmalloc(size);
			ck_assert_uint_eq((uintptr_t)p % size, 0);
		}
	}
}
END_TEST

static size_t
first_nonzero(const unsigned char *p, size_t size)
{
	size_t i = 0;

	while (i < size && p[i] == 0)
		i++;
	return i;
}

START_TEST(test_slab_kzalloc_zeroes)
{
	static const size_t sizes[] = {
		1, 24, 100, 500, 4000, 8192, 20000, 1 * MIB,
	};
	unsigned char *p;

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = kmalloc(sizes[i]);
		memset(p, 0xff, sizes[i]);
		kfree(p);
		p = kzalloc(sizes[i]);
		assert_kmalloc_ok(p, sizes[i]);
		ck_assert_uint_eq(first_nonzero(p, sizes[i]), sizes[i]);
		kfree(p);
	}
	ck_assert_ptr_null(kzalloc(0));
}
END_TEST

static void
shuffle(void **v, size_t n)
{
	void *t;
	size_t j;

	for (size_t i = n; i > 1; i--) {
		j = unit_rng() % i;
		t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/*
 * Fill a cache with n objects and free them in random order: one empty
 * slab stays; destroying the cache gives every frame back.
 */
static void
check_destroy_returns_frames(size_t size, size_t n)
{
	unsigned long before = buddy_free_frames(), slab_frames;
	struct kmem_cache *c = kmem_cache_create("destroy", size, 0);
	void **v = malloc(n * sizeof(*v));

	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(buddy_free_frames(), before);
	for (size_t i = 0; i < n; i++) {
		v[i] = kmem_cache_alloc(c);
		ck_assert_ptr_nonnull(v[i]);
		if (i == 0)
			slab_frames = before - buddy_free_frames();
	}
	ck_assert_uint_eq(kmem_cache_inuse(c), n);
	shuffle(v, n);
	for (size_t i = 0; i < n; i++)
		kmem_cache_free(c, v[i]);
	ck_assert_uint_eq(kmem_cache_inuse(c), 0);
	ck_assert_uint_eq(buddy_free_frames(), before - slab_frames);
	kmem_cache_destroy(c);
	ck_assert_uint_eq(buddy_free_frames(), before);
	free(v);
}

START_TEST(test_slab_destroy_returns_frames)
{
	check_destroy_returns_frames(8, 5000);
	check_destroy_returns_frames(24, 3000);
	check_destroy_returns_frames(200, 1000);
	check_destroy_returns_frames(3000, 300);
	check_destroy_returns_frames(9000, 100);
	check_destroy_returns_frames(70000, 40);
	check_destroy_returns_frames(4 * MIB, 3);
}
END_TEST

START_TEST(test_slab_tail_frame_objects)
{
	unsigned long before = buddy_free_frames();
	void *v[40];
	int tails = 0;

	for (int i = 0; i < 40; i++) {
		v[i] = kmalloc(3000);
		assert_kmalloc_ok(v[i], 3000);
		if (virt_to_page(v[i]) != virt_to_page(v[i])->slab_head)
			tails++;
		fill(v[i], 3000, i);
	}
	ck_assert_int_gt(tails, 0);
	for (int i = 0; i < 40; i++) {
		check_fill(v[i], 3000, i);
		kfree(v[i]);
	}
	ck_assert_uint_le(before - buddy_free_frames(), 16);
}
END_TEST

/* A size for the stress: mostly small, sometimes up to 1 MiB. */
static size_t
stress_size(void)
{
	uint64_t r = unit_rng() % 1000;

	if (r < 700)
		return 1 + unit_rng() % 256;
	if (r < 920)
		return 257 + unit_rng() % (8192 - 256);
	if (r < 990)
		return 8193 + unit_rng() % (64 * KIB);
	return 1 + unit_rng() % MIB;
}

static void
stress_step(struct slot *s, struct kmem_cache **caches)
{
	uint64_t r = unit_rng() % 10;

	if (s->p != NULL) {
		slot_free(s);
		return;
	}
	if (r < 2) {
		s->c = caches[r];
		s->size = r == 0 ? 72 : 5000;
		s->p = kmem_cache_alloc(s->c);
		if (s->p == NULL)
			return;
		ck_assert_uint_eq((uintptr_t)s->p % 64, 0);
	} else {
		s->c = NULL;
		s->size = stress_size();
		s->p = kmalloc(s->size);
		if (s->p == NULL)
			return;
		ck_assert_uint_ge(kmalloc_size(s->p), s->size);
	}
	s->tag = unit_rng();
	fill(s->p, s->size, s->tag);
}

static void
stress_pass(void)
{
	static struct slot slot[STRESS_SLOTS];
	struct kmem_cache *caches[2];

	caches[0] = kmem_cache_create("stress-72", 72, 64);
	caches[1] = kmem_cache_create("stress-5000", 5000, 64);
	for (int i = 0; i < STRESS_OPS; i++)
		stress_step(&slot[unit_rng() % STRESS_SLOTS], caches);
	for (int i = 0; i < STRESS_SLOTS; i++)
		if (slot[i].p != NULL)
			slot_free(&slot[i]);
	for (int i = 0; i < 2; i++) {
		ck_assert_uint_eq(kmem_cache_inuse(caches[i]), 0);
		kmem_cache_destroy(caches[i]);
	}
}

START_TEST(test_slab_random_stress)
{
	unsigned long after_first;

	stress_pass();
	after_first = buddy_free_frames();
	unit_rng_seed(0x9e3779b97f4a7c15ULL);
	stress_pass();
	ck_assert_uint_eq(buddy_free_frames(), after_first);
}
END_TEST

START_TEST(test_slab_kfree_null)
{
	unsigned long before = buddy_free_frames();

	kfree(NULL);
	ck_assert_ptr_null(kmalloc(0));
	ck_assert_uint_eq(buddy_free_frames(), before);
}
END_TEST

START_TEST(test_slab_cache_inuse_counts)
{
	struct kmem_cache *c = kmem_cache_create("count", 48, 0);
	void *v[100];

	ck_assert_uint_eq(kmem_cache_inuse(c), 0);
	for (int i = 0; i < 100; i++) {
		v[i] = kmem_cache_alloc(c);
		ck_assert_uint_eq(kmem_cache_inuse(c), i + 1);
	}
	for (int i = 0; i < 100; i++) {
		kmem_cache_free(c, v[i]);
		ck_assert_uint_eq(kmem_cache_inuse(c), 99 - i);
	}
	kmem_cache_destroy(c);
}
END_TEST

START_TEST(test_slab_create_too_big)
{
	struct kmem_cache *c;
	void *p;

	ck_assert_ptr_null(kmem_cache_create("huge", 4 * MIB + 1, 0));
	c = kmem_cache_create("4m", 4 * MIB, 0);
	ck_assert_ptr_nonnull(c);
	p = kmem_cache_alloc(c);
	ck_assert_ptr_nonnull(p);
	fill(p, 4 * MIB, 1);
	check_fill(p, 4 * MIB, 1);
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
}
END_TEST

/* Allocate size-byte blocks until none is left, then free them. */
static void
exhaust(size_t size)
{
	size_t cap = 4 * MIB / 8, n = 0;
	void **v = malloc(cap * sizeof(*v));

	while (n < cap && (v[n] = kmalloc(size)) != NULL)
		n++;
	ck_assert_uint_lt(n, cap);
	ck_assert_ptr_null(kmalloc(size));
	ck_assert_uint_gt(n, 0);
	while (n > 0)
		kfree(v[--n]);
	free(v);
}

/* Without the fixture: one fake memory per process. */
START_TEST(test_slab_exhaustion_returns_null)
{
	unsigned long free0;
	struct kmem_cache *c;

	boot(4 * MIB);
	free0 = buddy_free_frames();
	exhaust(64);
	exhaust(5000);
	exhaust(100000);
	exhaust(64);
	ck_assert_uint_ge(buddy_free_frames() + 64, free0);
	c = kmem_cache_create("after", 300, 0);
	ck_assert_ptr_nonnull(c);
	kmem_cache_free(c, kmem_cache_alloc(c));
	kmem_cache_destroy(c);
	ck_assert_ptr_nonnull(kmalloc(1 * MIB));
}
END_TEST

START_TEST(test_slab_keeps_interrupt_state)
{
	unsigned long s;
	void *p;

	p = kmalloc(100);
	ck_assert(arch_intr_enabled());
	kfree(p);
	ck_assert(arch_intr_enabled());
	s = arch_intr_save();
	p = kmalloc(20000);
	kfree(p);
	p = kmalloc(100);
	kfree(p);
	ck_assert(!arch_intr_enabled());
	arch_intr_restore(s);
	ck_assert(arch_intr_enabled());
}
END_TEST

START_TEST(test_slab_free_wrong_cache_panics)
{
	struct kmem_cache *a = kmem_cache_create("a", 100, 0);
	struct kmem_cache *b = kmem_cache_create("b", 100, 0);

	kmem_cache_free(b, kmem_cache_alloc(a));
}
END_TEST

START_TEST(test_slab_free_interior_pointer_panics)
{
	char *p = kmalloc(100);

	kfree(p + 8);
}
END_TEST

START_TEST(test_slab_double_free_panics)
{
	void *p = kmalloc(100);
	void *q = kmalloc(100);

	kfree(p);
	kfree(p);
	(void)q;
}
END_TEST

START_TEST(test_slab_kfree_large_interior_panics)
{
	char *p = kmalloc(20000);

	kfree(p + PAGE_SIZE);
}
END_TEST

START_TEST(test_slab_kfree_foreign_pointer_panics)
{
	static char not_kernel_memory[64];

	kfree(not_kernel_memory);
}
END_TEST

START_TEST(test_slab_kfree_frame_panics)
{
	kfree(page_alloc_addr(0));
}
END_TEST

START_TEST(test_slab_destroy_busy_panics)
{
	struct kmem_cache *c = kmem_cache_create("busy", 100, 0);

	kmem_cache_alloc(c);
	kmem_cache_destroy(c);
}
END_TEST

static Suite *
slab_suite(void)
{
	Suite *s = suite_create("slab");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_slab_kmalloc_every_small_size);
	tcase_add_test(tc, test_slab_kmalloc_large);
	tcase_add_test(tc, test_slab_objects_reused);
	tcase_add_test(tc, test_slab_alignment);
	tcase_add_test(tc, test_slab_kzalloc_zeroes);
	tcase_add_test(tc, test_slab_destroy_returns_frames);
	tcase_add_test(tc, test_slab_tail_frame_objects);
	tcase_add_test(tc, test_slab_random_stress);
	tcase_add_test(tc, test_slab_kfree_null);
	tcase_add_test(tc, test_slab_cache_inuse_counts);
	tcase_add_test(tc, test_slab_create_too_big);
	tcase_add_test(tc, test_slab_keeps_interrupt_state);
	suite_add_tcase(s, tc);
	tc = tcase_create("small");
	tcase_add_test(tc, test_slab_exhaustion_returns_null);
	suite_add_tcase(s, tc);
	return s;
}

/* Misuse panics, which leaves the process: only with a fork per test. */
static TCase *
slab_panic_tcase(void)
{
	TCase *tc = tcase_create("panic");
	const int st = PANIC_EXIT_STATUS;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_exit_test(tc, test_slab_free_wrong_cache_panics, st);
	tcase_add_exit_test(tc, test_slab_free_interior_pointer_panics, st);
	tcase_add_exit_test(tc, test_slab_double_free_panics, st);
	tcase_add_exit_test(tc, test_slab_kfree_large_interior_panics, st);
	tcase_add_exit_test(tc, test_slab_kfree_foreign_pointer_panics, st);
	tcase_add_exit_test(tc, test_slab_kfree_frame_panics, st);
	tcase_add_exit_test(tc, test_slab_destroy_busy_panics, st);
	return tc;
}

int
main(void)
{
	Suite *s = slab_suite();
	SRunner *sr = srunner_create(s);

	if (srunner_fork_status(sr) != CK_NOFORK)
		suite_add_tcase(s, slab_panic_tcase());
	return unit_run(sr, CK_NORMAL);
}
