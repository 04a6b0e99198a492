/*
 * The buddy allocator on fake physical memory: block placement and
 * alignment at every order, exact free counts after coalescing, exhaustion,
 * memory sizes that are not a multiple of the largest block, a seeded
 * random stress with content patterns, and the misuses that must panic.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/kernel.h"
#include "core/page.h"
#include "tests/fake/fake.h"
#include "tests/unit/unit.h"

#define MEM_SIZE	(64 * MIB)
#define STRESS_SLOTS	512
#define STRESS_OPS	20000

static unsigned long initial_free;
static unsigned long initial_blocks[BUDDY_NR_ORDERS];

static void
boot(size_t size)
{
	fake_physmem_init(size);
	buddy_init();
	initial_free = buddy_free_frames();
	for (unsigned int k = 0; k < BUDDY_NR_ORDERS; k++)
		initial_blocks[k] = buddy_free_blocks(k);
	unit_rng_seed(0x9e3779b97f4a7c15ULL);
}

static void
setup(void)
{
	boot(MEM_SIZE);
}

static void
assert_counts_initial(void)
{
	ck_assert_uint_eq(buddy_free_frames(), initial_free);
	for (unsigned int k = 0; k < BUDDY_NR_ORDERS; k++)
		ck_assert_uint_eq(buddy_free_blocks(k), initial_blocks[k]);
}

/* The free counts agree with each other. */
static void
assert_counts_consistent(void)
{
	unsigned long sum = 0;

	for (unsigned int k = 0; k < BUDDY_NR_ORDERS; k++)
		sum += buddy_free_blocks(k) << k;
	ck_assert_uint_eq(sum, buddy_free_frames());
}

static unsigned long
reserved_frames(void)
{
	unsigned long n = 0;

	while (n < nr_frames && (mem_map[n].flags & PG_RESERVED))
		n++;
	for (unsigned long pfn = n; pfn < nr_frames; pfn++)
		ck_assert(!(mem_map[pfn].flags & PG_RESERVED));
	return n;
}

/* Check the block at p of this order is well placed and allocated. */
static void
assert_block_ok(struct page *p, unsigned int order)
{
	unsigned long pfn;

	ck_assert_ptr_nonnull(p);
	pfn = page_to_pfn(p);
	ck_assert_uint_eq(pfn & ((1UL << order) - 1), 0);
	ck_assert_uint_le(pfn + (1UL << order), nr_frames);
	ck_assert(p->flags & PG_HEAD);
	ck_assert_uint_eq(p->order, order);
	for (unsigned long i = 0; i < (1UL << order); i++)
		ck_assert(!(p[i].flags & (PG_RESERVED | PG_BUDDY)));
	ck_assert_ptr_eq(page_address(p), physmem_base + pfn * PAGE_SIZE);
	ck_assert_ptr_eq(virt_to_page(page_address(p)), p);
}

static void
fill(struct page *p, unsigned int order, uint64_t tag)
{
	uint64_t *w = page_address(p);
	size_t n = (PAGE_SIZE << order) / sizeof(*w);

	for (size_t i = 0; i < n; i++)
		w[i] = tag ^ (i * 0x9e3779b97f4a7c15ULL);
}

static void
check_fill(struct page *p, unsigned int order, uint64_t tag)
{
	const uint64_t *w = page_address(p);
	size_t n = (PAGE_SIZE << order) / sizeof(*w);

	for (size_t i = 0; i < n; i++)
		if (w[i] != (tag ^ (i * 0x9e3779b97f4a7c15ULL)))
			ck_abort_msg("block pfn %lu order %u word %zu "
				     "overwritten", page_to_pfn(p), order, i);
}

/* The free blocks a fresh allocator should hold: the largest aligned
 * blocks that fit, from the first unreserved frame to the end. */
static void
expected_blocks(unsigned long first, unsigned long *blocks)
{
	unsigned long pfn = first;
	unsigned int k;

	memset(blocks, 0, BUDDY_NR_ORDERS * sizeof(*blocks));
	while (pfn < nr_frames) {
		k = BUDDY_MAX_ORDER;
		while (pfn % (1UL << k) != 0 || pfn + (1UL << k) > nr_frames)
			k--;
		blocks[k]++;
		pfn += 1UL << k;
	}
}

static void
assert_fresh_layout(size_t size)
{
	unsigned long res, want[BUDDY_NR_ORDERS];

	ck_assert_ptr_eq(physmem_base, arch_physmem_base());
	ck_assert_ptr_eq((char *)mem_map, physmem_base);
	ck_assert_uint_eq(nr_frames, size / PAGE_SIZE);
	res = reserved_frames();
	ck_assert_uint_gt(res, 0);
	ck_assert_uint_ge(res * PAGE_SIZE, nr_frames * sizeof(struct page));
	ck_assert_uint_lt((res - 1) * PAGE_SIZE,
			  nr_frames * sizeof(struct page));
	ck_assert_uint_eq(buddy_free_frames(), nr_frames - res);
	assert_counts_consistent();
	expected_blocks(res, want);
	for (unsigned int k = 0; k < BUDDY_NR_ORDERS; k++)
		ck_assert_uint_eq(buddy_free_blocks(k), want[k]);
}

START_TEST(test_buddy_init_layout)
{
	assert_fresh_layout(MEM_SIZE);
	ck_assert_uint_gt(buddy_free_blocks(BUDDY_MAX_ORDER), 0);
}
END_TEST

START_TEST(test_buddy_alloc_every_order)
{
	struct page *blocks[BUDDY_NR_ORDERS];
	unsigned long before;

	for (unsigned int k = 0; k < BUDDY_NR_ORDERS; k++) {
		before = buddy_free_frames();
		blocks[k] = buddy_alloc(k);
		assert_block_ok(blocks[k], k);
		ck_assert_uint_eq(buddy_free_frames(), before - (1UL << k));
		assert_counts_consistent();
		fill(blocks[k], k, k);
	}
	reserved_frames();
	for (unsigned int k = 0; k < BUDDY_NR_ORDERS; k++) {
		check_fill(blocks[k], k, k);
		buddy_free(blocks[k], k);
	}
	assert_counts_initial();
}
END_TEST

START_TEST(test_buddy_page_addr_every_order)
{
	void *addr[BUDDY_NR_ORDERS];

	for (unsigned int k = 0; k < BUDDY_NR_ORDERS; k++) {
		addr[k] = page_alloc_addr(k);
		ck_assert_ptr_nonnull(addr[k]);
		assert_block_ok(virt_to_page(addr[k]), k);
		memset(addr[k], 0xa5, PAGE_SIZE << k);
	}
	for (unsigned int k = BUDDY_NR_ORDERS; k-- > 0;)
		page_free_addr(addr[k], k);
	assert_counts_initial();
}
END_TEST

/* Allocate order-0 frames until none is left; return them in *out. */
static unsigned long
exhaust_frames(struct page ***out)
{
	struct page **v = malloc(nr_frames * sizeof(*v));
	unsigned long n = 0;

	ck_assert_ptr_nonnull(v);
	while ((v[n] = buddy_alloc(0)) != NULL) {
		ck_assert_uint_lt(n, nr_frames);
		n++;
	}
	*out = v;
	return n;
}

/* Every frame is a distinct, valid, unreserved frame. */
static void
assert_distinct(struct page **v, unsigned long n)
{
	unsigned char *seen = calloc(nr_frames, 1);

	ck_assert_ptr_nonnull(seen);
	for (unsigned long i = 0; i < n; i++) {
		assert_block_ok(v[i], 0);
		ck_assert(!seen[page_to_pfn(v[i])]);
		seen[page_to_pfn(v[i])] = 1;
	}
	free(seen);
}

static void
shuffle(struct page **v, unsigned long n)
{
	struct page *t;
	unsigned long j;

	for (unsigned long i = n; i > 1; i--) {
		j = unit_rng() % i;
		t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

START_TEST(test_buddy_free_coalesces_to_initial)
{
	struct page **v;
	unsigned long n = exhaust_frames(&v);

	ck_assert_uint_eq(n, initial_free);
	assert_distinct(v, n);
	shuffle(v, n);
	for (unsigned long i = 0; i < n; i++) {
		buddy_free(v[i], 0);
		ck_assert_uint_eq(buddy_free_frames(), i + 1);
	}
	assert_counts_consistent();
	assert_counts_initial();
	free(v);
}
END_TEST

START_TEST(test_buddy_exhaustion_returns_null)
{
	struct page *big[64], **v;
	unsigned long nbig = 0, n;

	while ((big[nbig] = buddy_alloc(BUDDY_MAX_ORDER)) != NULL)
		nbig++;
	ck_assert_uint_eq(nbig, initial_blocks[BUDDY_MAX_ORDER]);
	ck_assert_uint_eq(buddy_free_blocks(BUDDY_MAX_ORDER), 0);
	ck_assert_uint_eq(buddy_free_frames(),
			  initial_free - (nbig << BUDDY_MAX_ORDER));
	n = exhaust_frames(&v);
	ck_assert_uint_eq(buddy_free_frames(), 0);
	for (unsigned int k = 0; k < BUDDY_NR_ORDERS; k++) {
		ck_assert_ptr_null(buddy_alloc(k));
		ck_assert_ptr_null(page_alloc_addr(k));
		ck_assert_uint_eq(buddy_free_blocks(k), 0);
	}
	ck_assert_uint_eq(buddy_free_frames(), 0);
	while (n > 0)
		buddy_free(v[--n], 0);
	while (nbig > 0)
		buddy_free(big[--nbig], BUDDY_MAX_ORDER);
	assert_counts_initial();
	free(v);
}
END_TEST

static const size_t odd_sizes[] = {
	1 * MIB, 4 * MIB - PAGE_SIZE, 5 * MIB + 3 * PAGE_SIZE,
	9 * MIB + PAGE_SIZE + 100, 13 * MIB + 7 * PAGE_SIZE,
	63 * MIB + 28 * KIB,
};

/* A loop test without the fixture: one fake memory per process. */
START_TEST(test_buddy_odd_physmem_size)
{
	struct page **v;
	unsigned long n;

	boot(odd_sizes[_i]);
	assert_fresh_layout(odd_sizes[_i]);
	n = exhaust_frames(&v);
	ck_assert_uint_eq(n, initial_free);
	assert_distinct(v, n);
	shuffle(v, n);
	while (n > 0)
		buddy_free(v[--n], 0);
	assert_counts_initial();
	free(v);
}
END_TEST

struct stress_slot {
	struct page *p;
	unsigned int order;
	uint64_t tag;
};

/* Mostly small orders, now and then a big block. */
static unsigned int
stress_order(void)
{
	uint64_t r = unit_rng() % 100;

	if (r < 50)
		return 0;
	if (r < 80)
		return 1 + unit_rng() % 2;
	if (r < 97)
		return 3 + unit_rng() % 3;
	return 6 + unit_rng() % (BUDDY_MAX_ORDER - 5);
}

static void
stress_step(struct stress_slot *s, unsigned long *live)
{
	if (s->p != NULL) {
		check_fill(s->p, s->order, s->tag);
		buddy_free(s->p, s->order);
		*live -= 1UL << s->order;
		s->p = NULL;
		return;
	}
	s->order = stress_order();
	s->p = buddy_alloc(s->order);
	if (s->p == NULL)
		return;
	assert_block_ok(s->p, s->order);
	s->tag = unit_rng();
	fill(s->p, s->order, s->tag);
	*live += 1UL << s->order;
}

START_TEST(test_buddy_random_stress)
{
	static struct stress_slot slot[STRESS_SLOTS];
	unsigned long live = 0;

	for (int i = 0; i < STRESS_OPS; i++) {
		stress_step(&slot[unit_rng() % STRESS_SLOTS], &live);
		ck_assert_uint_eq(buddy_free_frames() + live, initial_free);
		if (i % 256 == 0)
			assert_counts_consistent();
	}
	for (int i = 0; i < STRESS_SLOTS; i++)
		if (slot[i].p != NULL)
			stress_step(&slot[i], &live);
	ck_assert_uint_eq(live, 0);
	reserved_frames();
	assert_counts_initial();
}
END_TEST

START_TEST(test_buddy_order_too_large)
{
	ck_assert_ptr_null(buddy_alloc(BUDDY_MAX_ORDER + 1));
	ck_assert_ptr_null(buddy_alloc(31));
	ck_assert_ptr_null(buddy_alloc(~0U));
	ck_assert_ptr_null(page_alloc_addr(BUDDY_MAX_ORDER + 1));
	ck_assert_uint_eq(buddy_free_blocks(BUDDY_MAX_ORDER + 1), 0);
	assert_counts_initial();
}
END_TEST

START_TEST(test_buddy_keeps_interrupt_state)
{
	struct page *p;
	unsigned long s;

	ck_assert(arch_intr_enabled());
	p = buddy_alloc(2);
	ck_assert(arch_intr_enabled());
	buddy_free(p, 2);
	ck_assert(arch_intr_enabled());
	s = arch_intr_save();
	p = buddy_alloc(0);
	ck_assert(!arch_intr_enabled());
	buddy_free(p, 0);
	ck_assert(!arch_intr_enabled());
	arch_intr_restore(s);
	assert_counts_initial();
}
END_TEST

START_TEST(test_buddy_double_free_panics)
{
	struct page *p = buddy_alloc(0);
	struct page *q = buddy_alloc(0);

	buddy_free(p, 0);
	buddy_free(p, 0);
	(void)q;
}
END_TEST

START_TEST(test_buddy_double_free_merged_panics)
{
	struct page *p = buddy_alloc(3);

	buddy_free(p, 3);
	buddy_free(p, 3);
}
END_TEST

START_TEST(test_buddy_wrong_order_panics)
{
	struct page *p = buddy_alloc(2);

	buddy_free(p, 1);
}
END_TEST

START_TEST(test_buddy_free_reserved_panics)
{
	mem_map[0].order = 0;
	buddy_free(&mem_map[0], 0);
}
END_TEST

START_TEST(test_buddy_free_tail_frame_panics)
{
	struct page *p = buddy_alloc(2);

	buddy_free(p + 1, 0);
}
END_TEST

START_TEST(test_buddy_free_order_too_large_panics)
{
	struct page *p = buddy_alloc(BUDDY_MAX_ORDER);

	buddy_free(p, BUDDY_MAX_ORDER + 1);
}
END_TEST

static Suite *
buddy_suite(void)
{
	Suite *s = suite_create("buddy");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_buddy_init_layout);
	tcase_add_test(tc, test_buddy_alloc_every_order);
	tcase_add_test(tc, test_buddy_page_addr_every_order);
	tcase_add_test(tc, test_buddy_free_coalesces_to_initial);
	tcase_add_test(tc, test_buddy_exhaustion_returns_null);
	tcase_add_test(tc, test_buddy_random_stress);
	tcase_add_test(tc, test_buddy_order_too_large);
	tcase_add_test(tc, test_buddy_keeps_interrupt_state);
	suite_add_tcase(s, tc);
	tc = tcase_create("sizes");
	tcase_add_loop_test(tc, test_buddy_odd_physmem_size, 0,
			    ARRAY_SIZE(odd_sizes));
	suite_add_tcase(s, tc);
	return s;
}

/* Misuse panics, which leaves the process: only with a fork per test. */
static TCase *
buddy_panic_tcase(void)
{
	TCase *tc = tcase_create("panic");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_exit_test(tc, test_buddy_double_free_panics,
			    PANIC_EXIT_STATUS);
	tcase_add_exit_test(tc, test_buddy_double_free_merged_panics,
			    PANIC_EXIT_STATUS);
	tcase_add_exit_test(tc, test_buddy_wrong_order_panics,
			    PANIC_EXIT_STATUS);
	tcase_add_exit_test(tc, test_buddy_free_reserved_panics,
			    PANIC_EXIT_STATUS);
	tcase_add_exit_test(tc, test_buddy_free_tail_frame_panics,
			    PANIC_EXIT_STATUS);
	tcase_add_exit_test(tc, test_buddy_free_order_too_large_panics,
			    PANIC_EXIT_STATUS);
	return tc;
}

int
main(void)
{
	Suite *s = buddy_suite();
	SRunner *sr = srunner_create(s);

	if (srunner_fork_status(sr) != CK_NOFORK)
		suite_add_tcase(s, buddy_panic_tcase());
	return unit_run(sr, CK_NORMAL);
}
