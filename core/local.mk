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
