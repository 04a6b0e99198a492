# fs/: the VFS, page and buffer caches, and the filesystems (kernel side),
# compiled freestanding like core/.
noinst_LIBRARIES += fs/libfs.a
fs_libfs_a_CPPFLAGS = $(KERNEL_CPPFLAGS)
fs_libfs_a_CFLAGS = $(KERNEL_CFLAGS)
fs_libfs_a_SOURCES = \
	fs/vfs.h fs/pagecache.h fs/pagecache_int.h fs/buffer.h fs/radix_tree.h \
	fs/writeback.h \
	fs/fdtable.h fs/internal.h \
	fs/devices.h fs/devpts.h fs/filesystems.h \
	fs/tmpfs.h fs/fuse.h fs/fuse_serve.h \
	fs/buffer.c \
	fs/char_dev.c \
	fs/dcache.c \
	fs/devfs.c \
	fs/devpts.c \
	fs/dirops.c \
	fs/fdtable.c \
	fs/fs_struct.c \
	fs/fuse.c \
	fs/fuse_ops.c \
	fs/inode.c \
	fs/mount.c \
	fs/namei.c \
	fs/open.c \
	fs/pagecache.c \
	fs/readahead.c \
	fs/radix_tree.c \
	fs/read_write.c \
	fs/readdir.c \
	fs/rename.c \
	fs/stat.c \
	fs/tmpfs.c \
	fs/tmpfs_dir.c \
	fs/writeback.c \
	fs/ext2/ext2.h \
	fs/ext2/balloc.c \
	fs/ext2/bmap.c \
	fs/ext2/check.c \
	fs/ext2/dir.c \
	fs/ext2/file.c \
	fs/ext2/ialloc.c \
	fs/ext2/inode.c \
	fs/ext2/namei.c \
	fs/ext2/super.c \
	fs/ext2/truncate.c
