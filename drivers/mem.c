/*
 * The memory character devices of major 1, as on Linux: null (1,3),
 * zero (1,5), full (1,7), random (1,8) and urandom (1,9) — random bytes
 * come from the host.  The console is a terminal: drivers/tty/console.c.
 */
#include "core/errno.h"
#include "core/string.h"
#include "drivers/mem.h"
#include "fs/devices.h"

static long
null_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	(void)f;
	(void)buf;
	(void)len;
	(void)pos;
	return 0;
}

static long
null_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
	(void)f;
	(void)buf;
	(void)pos;
	return (long)len;
}

static long
zero_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	(void)f;
	(void)pos;
	memset(buf, 0, len);
	return (long)len;
}

static long
full_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
	(void)f;
	(void)buf;
	(void)len;
	(void)pos;
	return -ENOSPC;
}

static long
random_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	(void)f;
	(void)pos;
	arch_random_bytes(buf, len);
	return (long)len;
}

static const struct file_ops null_ops = {
	.read = null_read,
	.write = null_write,
};

static const struct file_ops zero_ops = {
	.read = zero_read,
	.write = null_write,
};

static const struct file_ops full_ops = {
	.read = zero_read,
	.write = full_write,
};

static const struct file_ops random_ops = {
	.read = random_read,
	.write = null_write,
};

static struct chrdev mem_devices[] = {
	{ .name = "null", .major = 1, .minor = 3, .count = 1, .mode = 0666,
	  .fops = &null_ops },
	{ .name = "zero", .major = 1, .minor = 5, .count = 1, .mode = 0666,
	  .fops = &zero_ops },
	{ .name = "full", .major = 1, .minor = 7, .count = 1, .mode = 0666,
	  .fops = &full_ops },
	{ .name = "random", .major = 1, .minor = 8, .count = 1, .mode = 0666,
	  .fops = &random_ops },
	{ .name = "urandom", .major = 1, .minor = 9, .count = 1,
	  .mode = 0666, .fops = &random_ops },
};

int
mem_init(void)
{
	int err = 0;

	for (size_t i = 0; i < ARRAY_SIZE(mem_devices) && err == 0; i++)
		err = chrdev_register(&mem_devices[i]);
	return err;
}
