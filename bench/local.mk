# bench/: benchmarks, built and run by `make bench`, never by `make check`.
EXTRA_PROGRAMS = bench/bench_kernel bench/bench_fs bench/bench_blk
bench_bench_fs_SOURCES = bench/bench_fs.c
bench_bench_fs_CPPFLAGS = $(ARCH_CPPFLAGS)
bench_bench_fs_LDADD = $(KERNEL_LIBS)
bench_bench_fs_DEPENDENCIES = $(KERNEL_DEPS)
bench_bench_kernel_SOURCES = bench/bench_kernel.c
bench_bench_kernel_CPPFLAGS = $(ARCH_CPPFLAGS)
bench_bench_kernel_LDADD = $(KERNEL_LIBS)
bench_bench_kernel_DEPENDENCIES = $(KERNEL_DEPS)
bench_bench_blk_SOURCES = bench/bench_blk.c
bench_bench_blk_CPPFLAGS = $(ARCH_CPPFLAGS)
bench_bench_blk_LDADD = $(KERNEL_LIBS)
bench_bench_blk_DEPENDENCIES = $(KERNEL_DEPS)
CLEANFILES += $(EXTRA_PROGRAMS)
EXTRA_DIST += bench/run.sh bench/fuse.sh

.PHONY: bench
bench: vmlinux-host vmlinux-fuse $(EXTRA_PROGRAMS)
	top_builddir=$(abs_top_builddir) $(SHELL) $(srcdir)/bench/run.sh
