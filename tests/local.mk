# tests/: Check unit suites (core objects + the fake arch), boot tests that
# run the real binary, and build checks.  All run by `make check` through
# automake's parallel harness.

check_LIBRARIES += tests/fake/libfake.a tests/fake/libfakedisk.a
tests_fake_libfake_a_CPPFLAGS = -I$(top_srcdir) -D_GNU_SOURCE
# The fake disk needs drivers/: only suites that link the block layer use it.
tests_fake_libfakedisk_a_CPPFLAGS = -I$(top_srcdir) -D_GNU_SOURCE
tests_fake_libfakedisk_a_SOURCES = tests/fake/disk.c
tests_fake_libfake_a_SOURCES = tests/fake/fake.c tests/fake/boot.c \
	tests/fake/fake.h

UNIT_CPPFLAGS = -I$(top_srcdir) -D_GNU_SOURCE $(CHECK_CFLAGS)
EXTRA_DIST += tests/unit/unit.h
UNIT_LDADD = core/libcore.a tests/fake/libfake.a core/libcore.a \
	tests/fake/libfake.a $(CHECK_LIBS)
UNIT_DEPS = core/libcore.a tests/fake/libfake.a

UNIT_TESTS = \
	tests/unit/check_buddy \
	tests/unit/check_slab \
	tests/unit/check_printk \
	tests/unit/check_sched \
	tests/unit/check_intr \
	tests/unit/check_user \
	tests/unit/check_blk \
	tests/unit/check_vfs \
	tests/unit/check_pagecache \
	tests/unit/check_ext2 \
	tests/unit/check_mm \
	tests/unit/check_tty
check_PROGRAMS += $(UNIT_TESTS)

# Filesystem suites link the whole kernel side with the fake disk.
FS_LDADD = fs/libfs.a drivers/libdrivers.a tests/fake/libfakedisk.a \
	$(UNIT_LDADD) fs/libfs.a drivers/libdrivers.a
FS_DEPS = fs/libfs.a drivers/libdrivers.a tests/fake/libfakedisk.a $(UNIT_DEPS)
tests_unit_check_vfs_SOURCES = tests/unit/check_vfs.c \
	tests/unit/check_vfs_names.c tests/unit/check_vfs_files.c \
	tests/unit/check_vfs_attrs.c tests/unit/check_vfs_tables.c \
	tests/unit/vfs_test.h
tests_unit_check_vfs_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_vfs_LDADD = $(FS_LDADD)
tests_unit_check_vfs_DEPENDENCIES = $(FS_DEPS)
tests_unit_check_pagecache_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_pagecache_LDADD = $(FS_LDADD)
tests_unit_check_pagecache_DEPENDENCIES = $(FS_DEPS)
tests_unit_check_ext2_SOURCES = tests/unit/check_ext2.c \
	tests/unit/check_ext2_dirs.c tests/unit/check_ext2_images.c \
	tests/unit/check_ext2_random.c tests/unit/check_ext2_space.c \
	tests/unit/check_ext2.h \
	tests/unit/ext2_util.c tests/unit/ext2_util.h
tests_unit_check_ext2_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_ext2_LDADD = $(FS_LDADD)
tests_unit_check_ext2_DEPENDENCIES = $(FS_DEPS)

# The address-space suite: the mm sources themselves (not libproc.a, whose
# other objects need the whole process layer) on the filesystem stack.
tests_unit_check_mm_SOURCES = tests/unit/check_mm.c \
	tests/unit/check_mm_file.c tests/unit/mm_test.h \
	core/mm.c core/mm_fault.c core/mmap.c core/mremap.c core/pgtable.c \
	core/sys_mm.c
tests_unit_check_mm_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_mm_LDADD = $(FS_LDADD)
tests_unit_check_mm_DEPENDENCIES = $(FS_DEPS)

# The block layer's suite links drivers/ too, with a fake driver.
tests_unit_check_blk_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_blk_LDADD = drivers/libdrivers.a $(UNIT_LDADD)
tests_unit_check_blk_DEPENDENCIES = drivers/libdrivers.a $(UNIT_DEPS)

# The line discipline and the tty core, with the signal interface faked
# by the suite itself.
tests_unit_check_tty_SOURCES = tests/unit/check_tty.c drivers/tty/n_tty.c \
	drivers/tty/tty.c drivers/tty/tty_ioctl.c
tests_unit_check_tty_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_tty_LDADD = $(UNIT_LDADD)
tests_unit_check_tty_DEPENDENCIES = $(UNIT_DEPS)

tests_unit_check_buddy_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_buddy_LDADD = $(UNIT_LDADD)
tests_unit_check_buddy_DEPENDENCIES = $(UNIT_DEPS)
tests_unit_check_slab_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_slab_LDADD = $(UNIT_LDADD)
tests_unit_check_slab_DEPENDENCIES = $(UNIT_DEPS)
tests_unit_check_printk_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_printk_LDADD = $(UNIT_LDADD)
tests_unit_check_printk_DEPENDENCIES = $(UNIT_DEPS)
tests_unit_check_sched_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_check_sched_LDADD = $(UNIT_LDADD)
tests_unit_check_sched_DEPENDENCIES = $(UNIT_DEPS)

# The interrupt layer is arch-host code: its test links arch-host/intr.c
# and timer.c themselves, with the trap entry points provided by the test.
tests_unit_check_intr_SOURCES = tests/unit/check_intr.c arch-host/intr.c \
	arch-host/timer.c
tests_unit_check_intr_CPPFLAGS = $(ARCH_CPPFLAGS) $(CHECK_CFLAGS)
tests_unit_check_intr_LDADD = $(CHECK_LIBS) -lrt -lpthread

tests_unit_check_user_SOURCES = tests/unit/check_user.c arch-host/user.c \
	arch-host/physmem.c arch-host/stub_image.S
tests_unit_check_user_CPPFLAGS = $(ARCH_CPPFLAGS) $(CHECK_CFLAGS)
tests_unit_check_user_LDADD = $(CHECK_LIBS) -lpthread
arch-host/tests_unit_check_user-stub_image.$(OBJEXT): arch-host/stub/vmlinux-stub

BOOT_TESTS = \
	tests/boot/banner.sh \
	tests/boot/help.sh \
	tests/boot/version.sh \
	tests/boot/showconfig.sh \
	tests/boot/bad-mem.sh \
	tests/boot/bad-args.sh \
	tests/boot/rootfs-panic.sh \
	tests/boot/root-ext2.sh \
	tests/boot/ubd-bad-image.sh \
	tests/boot/ubd-lock.sh \
	tests/boot/ubd-concurrent.sh \
	tests/boot/ubd-readonly.sh \
	tests/boot/ubd-io-error.sh \
	tests/boot/ubd-no-io-uring.sh \
	tests/boot/init.sh \
	tests/boot/busybox.sh \
	tests/boot/stubs.sh \
	tests/boot/gdb.sh \
	tests/boot/valgrind.sh

# FUSE tests: vmlinux-fuse on fresh images, and fuse=DIR (skip with 77
# only when /dev/fuse is unusable).
FUSE_TESTS = \
	tests/fuse/help.sh \
	tests/fuse/bad-input.sh \
	tests/fuse/tree.sh \
	tests/fuse/ops.sh \
	tests/fuse/readonly.sh \
	tests/fuse/signal.sh \
	tests/fuse/kill9.sh \
	tests/fuse/fuse-dir.sh \
	tests/fuse/live.sh

BUILD_TESTS = \
	tests/build/layering.sh \
	tests/build/symbols.sh

TESTS += $(UNIT_TESTS) $(BOOT_TESTS) $(FUSE_TESTS) $(BUILD_TESTS)
EXTRA_DIST += $(BOOT_TESTS) $(FUSE_TESTS) $(BUILD_TESTS) tests/lib.sh \
	tests/fuse/lib.sh

# Compiled tests run under a timeout: a hang is a failure, not a stall.
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
LOG_COMPILER = timeout -k 10 300
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; top_builddir='$(abs_top_builddir)'; \
	NM='$(NM)'; export top_srcdir top_builddir NM;

# A boot test built from the real kernel with a test body as init.
check_PROGRAMS += tests/boot/kthreads
tests_boot_kthreads_SOURCES = tests/boot/kthreads.c
tests_boot_kthreads_CPPFLAGS = $(ARCH_CPPFLAGS)
tests_boot_kthreads_LDADD = $(KERNEL_LIBS)
tests_boot_kthreads_DEPENDENCIES = $(KERNEL_DEPS)
TESTS += tests/boot/kthreads

# The disks' boot test program: run by the tests/boot/ubd-*.sh scripts.
check_PROGRAMS += tests/boot/blkdev
tests_boot_blkdev_SOURCES = tests/boot/blkdev.c
tests_boot_blkdev_CPPFLAGS = $(ARCH_CPPFLAGS)
tests_boot_blkdev_LDADD = $(KERNEL_LIBS)
tests_boot_blkdev_DEPENDENCIES = $(KERNEL_DEPS)

# The live export's test program: run by tests/fuse/live.sh.
check_PROGRAMS += tests/fuse/live
tests_fuse_live_SOURCES = tests/fuse/live.c
tests_fuse_live_CPPFLAGS = $(ARCH_CPPFLAGS)
tests_fuse_live_LDADD = $(KERNEL_LIBS)
tests_fuse_live_DEPENDENCIES = $(KERNEL_DEPS)
