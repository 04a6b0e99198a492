/*
 * The test cases of the ext2 suite that live outside check_ext2.c; each
 * takes the suite's per-test setup.
 */
#ifndef TESTS_UNIT_CHECK_EXT2_H
#define TESTS_UNIT_CHECK_EXT2_H

#include <check.h>

/* Directories, links and renames (check_ext2_dirs.c). */
TCase *ext2_dirs_tcase(void (*setup)(void));
/* Full disks, reserved blocks, failing disks (check_ext2_space.c). */
TCase *ext2_space_tcase(void (*setup)(void));
/* Populated, corrupt and foreign images (check_ext2_images.c). */
TCase *ext2_images_tcase(void (*setup)(void));
/* The randomized differential test (check_ext2_random.c). */
TCase *ext2_random_tcase(void (*setup)(void));

#endif
