# arch-host/: the only code built against host headers.  It emulates the
# machine (memory, interrupts, timer, console, contexts) on host Linux.
noinst_LIBRARIES += arch-host/libarch.a
arch_host_libarch_a_CPPFLAGS = $(ARCH_CPPFLAGS)
arch_host_libarch_a_CFLAGS = $(AM_CFLAGS)
arch_host_libarch_a_SOURCES = \
	arch-host/arch.h arch-host/host.h \
	arch-host/boot.c \
	arch-host/cmdline.c \
	arch-host/console.c \
	arch-host/ctx.c \
	arch-host/exit.c \
	arch-host/fuse.c arch-host/fuse_ll.c arch-host/fuse_req.h \
	arch-host/intr.c \
	arch-host/memcheck.c \
	arch-host/physmem.c \
	arch-host/stack.c \
	arch-host/switch.S \
	arch-host/term.c \
	arch-host/timer.c \
	arch-host/ubd.c

# The kernel: core and arch-host call each other (arch.h down, trap.h up),
# so the libraries are listed twice for the static linker.
KERNEL_A = core/libinit.a fs/libfs.a drivers/libdrivers.a core/libcore.a \
	arch-host/libarch.a
KERNEL_LIBS = $(KERNEL_A) $(KERNEL_A) $(ARCH_LIBS)
KERNEL_DEPS = $(KERNEL_A)

bin_PROGRAMS += vmlinux-host
vmlinux_host_SOURCES = arch-host/main.c
vmlinux_host_CPPFLAGS = $(ARCH_CPPFLAGS)
vmlinux_host_LDADD = $(KERNEL_LIBS)
vmlinux_host_DEPENDENCIES = $(KERNEL_DEPS)

# vmlinux-fuse: the same kernel, booted to serve one ext2 image via FUSE.
bin_PROGRAMS += vmlinux-fuse
vmlinux_fuse_SOURCES = arch-host/fuse_main.c
vmlinux_fuse_CPPFLAGS = $(ARCH_CPPFLAGS)
vmlinux_fuse_LDADD = $(KERNEL_LIBS)
vmlinux_fuse_DEPENDENCIES = $(KERNEL_DEPS)
