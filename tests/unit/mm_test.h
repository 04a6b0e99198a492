/*
 * The harness of the address-space suite (check_mm*.c): each test body
 * runs in a kernel thread on the fake machine with a tmpfs root, and
 * these helpers make address spaces, copy bytes in and out and check the
 * stub's host mappings (replayed from the fake stub's recorded
 * operations) against the page table.
 */
#ifndef TESTS_UNIT_MM_TEST_H
#define TESTS_UNIT_MM_TEST_H

#include <check.h>
#include <stdint.h>
#include "core/mm.h"
#include "fs/vfs.h"

#define PG		4096ULL
/* A 64 KiB-aligned guest address for MAP_FIXED tests. */
#define TBASE		0x10000000ULL

/* Run body in a kernel thread with tmpfs as the root. */
void mm_run(void (*body)(void));

#define MM_TEST(name)						\
	static void name##_body(void);				\
	START_TEST(name)					\
	{							\
		mm_run(name##_body);				\
	}							\
	END_TEST						\
	static void name##_body(void)

/* The address space current_mm() returns (for copyin and system calls). */
extern struct mm *test_mm;

/* A new address space; with a fake stub if stub. */
struct mm *new_mm(bool stub);
/* mmap or fail the test. */
uint64_t xmmap(struct mm *mm, uint64_t addr, uint64_t len, unsigned int prot,
	       unsigned int flags, struct file *f, uint64_t off);
/* Write and read one byte of guest memory, failing the test on error. */
void poke(struct mm *mm, uint64_t addr, uint8_t v);
uint8_t peek(struct mm *mm, uint64_t addr);
/* The VMA holding addr, or NULL. */
struct vm_area *find_vma(struct mm *mm, uint64_t addr);
/* Check that every host mapping of mm's stub maps the frame the page
 * table says, with no more rights than the PTE and VMA allow. */
void check_tlb(struct mm *mm);
/* Fold the log into the model of mm's stub and clear it (long tests). */
void tlb_log_trim(struct mm *mm);
/* Recorded host operations of type since fake_user_clear(). */
unsigned long count_ops(int type);
/* A file at path holding len bytes of pattern (byte i = i * 7 + 1). */
struct file *make_file(const char *path, size_t len, unsigned int flags);

TCase *mm_tcase_anon(void);
TCase *mm_tcase_file(void);

#endif
