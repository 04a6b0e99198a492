# core/: the kernel proper, compiled freestanding against kernel headers.
noinst_LIBRARIES += core/libcore.a
core_libcore_a_CPPFLAGS = $(KERNEL_CPPFLAGS)
core_libcore_a_CFLAGS = $(KERNEL_CFLAGS)
core_libcore_a_SOURCES = \
	core/abi.h core/boot.h core/completion.h core/errno.h core/kernel.h \
	core/kthread.h core/list.h core/mutex.h core/page.h core/printk.h \
	core/sched.h core/slab.h core/string.h core/timer.h core/trap.h \
	core/wait.h \
	core/buddy.c \
	core/completion.c \
	core/kthread.c \
	core/mutex.c \
	core/panic.c \
	core/printk.c \
	core/sched.c \
	core/sched_rr.c \
	core/slab.c \
	core/string.c \
	core/timer.c \
	core/vsprintf.c \
	core/wait.c

# start_kernel() brings up every layer (fs/, drivers/ too): it is a library
# of its own, first on the link line, as Linux keeps init/ apart.
noinst_LIBRARIES += core/libinit.a
core_libinit_a_CPPFLAGS = $(KERNEL_CPPFLAGS)
core_libinit_a_CFLAGS = $(KERNEL_CFLAGS)
core_libinit_a_SOURCES = core/main.c

# Processes and user mode: address spaces, exec, the system calls.  They
# sit above fs/ and drivers/ (they open files, map the page cache), so
# they are a library of their own, linked before fs/.
noinst_LIBRARIES += core/libproc.a
core_libproc_a_CPPFLAGS = $(KERNEL_CPPFLAGS)
core_libproc_a_CFLAGS = $(KERNEL_CFLAGS)
core_libproc_a_SOURCES = \
	core/mm.h core/process.h core/syscall.h core/syscalls.h \
	core/exec.h core/futex.h core/pipe.h core/signal.h core/signal_int.h \
	core/mm_int.h core/utsname.h core/session.h \
	core/exec.c \
	core/exec_elf.c \
	core/exit.c \
	core/fork.c \
	core/futex.c \
	core/mm.c \
	core/mm_fault.c \
	core/mmap.c \
	core/mremap.c \
	core/pgtable.c \
	core/pipe.c \
	core/process.c \
	core/session.c \
	core/signal.c \
	core/signal_deliver.c \
	core/sys_signal.c \
	core/itimer.c \
	core/signalfd.c \
	core/sys_cred.c \
	core/sys_fd.c \
	core/sys_file.c \
	core/sys_info.c \
	core/sys_mm.c \
	core/sys_path.c \
	core/sys_poll.c \
	core/sys_proc.c \
	core/sys_stat.c \
	core/sys_time.c \
	core/syscall_table.c \
	core/user.c
