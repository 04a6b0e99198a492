/*
 * The harness of the VFS suite (check_vfs*.c): every test body runs in a
 * kernel thread on the fake machine with a fresh tmpfs mounted as the
 * root, and these helpers open, fill, read and stat files, asserting
 * that nothing fails unexpectedly.
 */
#ifndef TESTS_UNIT_VFS_TEST_H
#define TESTS_UNIT_VFS_TEST_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include "fs/vfs.h"

/* Run body in a kernel thread with tmpfs as the root; wait for it and for
 * every thread it spawned. */
void vfs_run(void (*body)(void));
/* Start another kernel thread running fn(arg), waited for by vfs_run. */
void vfs_spawn(int (*fn)(void *), void *arg);
/* Mark the end of a thread started with vfs_spawn. */
void vfs_spawn_done(void);

/* A Check test whose body runs through vfs_run. */
#define VFS_TEST(name)						\
	static void name##_body(void);				\
	START_TEST(name)					\
	{							\
		vfs_run(name##_body);				\
	}							\
	END_TEST						\
	static void name##_body(void)

/* Open or fail the test. */
struct file *xopen(const char *path, unsigned int flags, uint32_t mode);
/* The error of an open (0: it worked, and the file is closed again). */
int open_err(const char *path, unsigned int flags, uint32_t mode);
/* Create or truncate path and write data into it. */
void put_file(const char *path, const char *data);
/* Read all of path into buf (NUL-terminated); its length. */
size_t get_file(const char *path, char *buf, size_t size);
struct kstat xstat(const char *path);
struct kstat xlstat(const char *path);
/* Act as uid/gid (fs ids too, no groups) or root again. */
void as_user(uint32_t uid, uint32_t gid);
void as_root(void);
/* The credentials as_user() installed, to add groups. */
struct cred *user_cred(void);
/* Move the realtime clock on by sec seconds. */
void clock_advance(unsigned int sec);

/* Test cases of the files of the suite. */
TCase *vfs_tcase_paths(void);
TCase *vfs_tcase_names(void);
TCase *vfs_tcase_files(void);
TCase *vfs_tcase_attrs(void);
TCase *vfs_tcase_tables(void);

#endif
