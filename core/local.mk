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
	core/main.c \
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
