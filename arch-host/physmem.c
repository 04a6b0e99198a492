/*
 * Physical memory: one memfd of mem= bytes, mapped once, shared, as the
 * kernel's direct map (physical address pa is at physmem_base + pa).  The
 * fd stays open so that stub processes can later map the same frames into
 * guest address spaces; the memory is the memfd, not this mapping.
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch-host/arch.h"
#include "arch-host/host.h"

static void *physmem_base;
static size_t physmem_size;
static int physmem_memfd = -1;

static int
physmem_resize(int fd, uint64_t size)
{
	while (ftruncate(fd, (off_t)size) != 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

/*
 * Create size bytes (a page multiple) of physical memory and map them.
 * Returns 0, or -errno from memfd_create, ftruncate or mmap.
 */
int
physmem_init(uint64_t size)
{
	void *base;
	int fd, err;

	fd = memfd_create("vmlinux-physmem", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = physmem_resize(fd, size);
	if (err)
		goto out_close;
	base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		err = -errno;
		goto out_close;
	}
	physmem_base = base;
	physmem_size = size;
	physmem_memfd = fd;
	return 0;

out_close:
	close(fd);
	return err;
}

/* The memfd behind physical memory (-1 before physmem_init()). */
int
physmem_fd(void)
{
	return physmem_memfd;
}

/* Kernel address of physical address 0. */
void *
arch_physmem_base(void)
{
	return physmem_base;
}

/* Bytes of physical memory (the mem= size). */
size_t
arch_physmem_size(void)
{
	return physmem_size;
}
