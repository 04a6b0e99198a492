# drivers/: the block layer and device drivers (kernel side), compiled
# freestanding like core/.
noinst_LIBRARIES += drivers/libdrivers.a
drivers_libdrivers_a_CPPFLAGS = $(KERNEL_CPPFLAGS)
drivers_libdrivers_a_CFLAGS = $(KERNEL_CFLAGS)
drivers_libdrivers_a_SOURCES = \
	drivers/blk.h drivers/mem.h drivers/ubd.h \
	drivers/bio.c \
	drivers/blkdev.c \
	drivers/elevator.c \
	drivers/mem.c \
	drivers/ubd.c \
	drivers/tty/console.h drivers/tty/tty.h drivers/tty/tty_abi.h \
	drivers/tty/console.c \
	drivers/tty/n_tty.c \
	drivers/tty/pty.c \
	drivers/tty/tty.c \
	drivers/tty/tty_ioctl.c
