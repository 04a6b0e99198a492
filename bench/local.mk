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
CLEANFILES += $(EXTRA_PROGRAMS) bench/ubench.gexe
EXTRA_DIST += bench/run.sh bench/fuse.sh bench/user.sh bench/ubench.c

# The user-mode rows (bench/user.sh): one static musl program, run natively
# and as init inside the kernel.  Optimised, unlike the guest tests.
UBENCH_CFLAGS = -static -O2 -Wall -Wextra -Werror -D_GNU_SOURCE
bench/ubench.gexe: bench/ubench.c
	@$(MKDIR_P) bench
	$(AM_V_CC)$(MUSL_GCC) $(UBENCH_CFLAGS) -o $@ $(srcdir)/bench/ubench.c

.PHONY: bench
bench: vmlinux-host vmlinux-fuse $(EXTRA_PROGRAMS) bench/ubench.gexe
	top_builddir=$(abs_top_builddir) $(SHELL) $(srcdir)/bench/run.sh
