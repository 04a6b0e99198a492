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
	arch-host/ubd.c \
	arch-host/user.c arch-host/stub_image.S

# The stub (arch-host/stub/stub.c): a static freestanding program linked
# at the stub window, embedded in the kernel by stub_image.S.  Built with
# its own flags, never the sanitizers' or the user's CFLAGS.
STUB_CFLAGS = -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-builtin \
	-fno-stack-protector -fPIE -fno-asynchronous-unwind-tables \
	-fcf-protection=none -mgeneral-regs-only
STUB_LINK = -static -nostdlib -nostartfiles -no-pie \
	-Wl,-Ttext-segment=0x7f0000000000 \
	-Wl,--section-start=.gate=0x7f0000010000 \
	-Wl,--build-id=none -Wl,-z,noexecstack
arch-host/stub/vmlinux-stub: arch-host/stub/stub.c arch-host/stub/stub.h
	@$(MKDIR_P) arch-host/stub
	$(AM_V_CCLD)$(CC) $(STUB_CFLAGS) -I$(srcdir) $(STUB_LINK) \
		-o $@ $(srcdir)/arch-host/stub/stub.c
arch-host/libarch_a-stub_image.$(OBJEXT): arch-host/stub/vmlinux-stub
CLEANFILES += arch-host/stub/vmlinux-stub
EXTRA_DIST += arch-host/stub/stub.c arch-host/stub/stub.h

# The kernel: core and arch-host call each other (arch.h down, trap.h up),
# so the libraries are listed again for the static linker: start_kernel()
# is only pulled in by arch-host, and the terminal drivers it pulls call
# back into core/libproc.a (signals), hence a third time.
KERNEL_A = core/libinit.a core/libproc.a fs/libfs.a drivers/libdrivers.a core/libcore.a \
	arch-host/libarch.a
KERNEL_LIBS = $(KERNEL_A) $(KERNEL_A) $(KERNEL_A) $(ARCH_LIBS)
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
