/*
 * System calls: one table indexed by Linux x86-64 numbers (the list is
 * core/syscalls.h).  A handler is written
 *
 *	SYSCALL_DEFINE3(read, int, fd, uintptr_t, ubuf, size_t, count)
 *	{ ... }
 *
 * which defines long sys_read(const uint64_t *args) that converts the
 * six raw argument registers to the declared types and calls the body.
 * Guest pointers are uintptr_t named u... (STYLE.md rule 9), used only
 * through copyin(), copyout() and copyinstr() (core/mm.h).  Handlers return a value or
 * -errno and run in the calling thread's task with interrupts enabled;
 * they may sleep.  The caller's registers are current->regs.
 */
#ifndef CORE_SYSCALL_H
#define CORE_SYSCALL_H

#include <stdint.h>

#define SYSCALL(nr, name)	long sys_##name(const uint64_t *args);
#define SYSNAME(nr, name)
#include "core/syscalls.h"
#undef SYSCALL
#undef SYSNAME

#define SC_ARG(t, i)	((t)args[i])

#define SYSCALL_DEFINE0(name)						\
	static long do_sys_##name(void);				\
	long sys_##name(const uint64_t *args)				\
	{ (void)args; return do_sys_##name(); }				\
	static long do_sys_##name(void)
#define SYSCALL_DEFINE1(name, t1, a1)					\
	static long do_sys_##name(t1 a1);				\
	long sys_##name(const uint64_t *args)				\
	{ return do_sys_##name(SC_ARG(t1, 0)); }			\
	static long do_sys_##name(t1 a1)
#define SYSCALL_DEFINE2(name, t1, a1, t2, a2)				\
	static long do_sys_##name(t1 a1, t2 a2);			\
	long sys_##name(const uint64_t *args)				\
	{ return do_sys_##name(SC_ARG(t1, 0), SC_ARG(t2, 1)); }	\
	static long do_sys_##name(t1 a1, t2 a2)
#define SYSCALL_DEFINE3(name, t1, a1, t2, a2, t3, a3)			\
	static long do_sys_##name(t1 a1, t2 a2, t3 a3);		\
	long sys_##name(const uint64_t *args)				\
	{ return do_sys_##name(SC_ARG(t1, 0), SC_ARG(t2, 1),		\
			       SC_ARG(t3, 2)); }			\
	static long do_sys_##name(t1 a1, t2 a2, t3 a3)
#define SYSCALL_DEFINE4(name, t1, a1, t2, a2, t3, a3, t4, a4)		\
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4);	\
	long sys_##name(const uint64_t *args)				\
	{ return do_sys_##name(SC_ARG(t1, 0), SC_ARG(t2, 1),		\
			       SC_ARG(t3, 2), SC_ARG(t4, 3)); }	\
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4)
#define SYSCALL_DEFINE5(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5)	\
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5);	\
	long sys_##name(const uint64_t *args)				\
	{ return do_sys_##name(SC_ARG(t1, 0), SC_ARG(t2, 1),		\
			       SC_ARG(t3, 2), SC_ARG(t4, 3),		\
			       SC_ARG(t5, 4)); }			\
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5)
#define SYSCALL_DEFINE6(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5,	\
			t6, a6)						\
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5,	\
				  t6 a6);				\
	long sys_##name(const uint64_t *args)				\
	{ return do_sys_##name(SC_ARG(t1, 0), SC_ARG(t2, 1),		\
			       SC_ARG(t3, 2), SC_ARG(t4, 3),		\
			       SC_ARG(t5, 4), SC_ARG(t6, 5)); }	\
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5,	\
				  t6 a6)

struct file;

/* ---- for the fd calls (core/sys_file.c, core/sys_fd.c) ---- */

/* The open file at fd, referenced: 0 or -EBADF. */
int fd_get(int fd, struct file **out);
/* fd_get, but O_PATH files do not count (fdget() in Linux). */
int fd_get_io(int fd, struct file **out);

/* ---- for the path calls (core/sys_path.c, core/sys_stat.c) ---- */

struct vpath;

/* A guest path in kernel memory and where a relative one starts. */
struct at_path {
	char *name;			/* VFS_PATH_MAX bytes, NUL-terminated */
	struct file *dir;		/* dirfd's file (referenced) or NULL */
	const struct vpath *base;	/* &dir->path, or NULL: the cwd */
};

/*
 * Copy the guest path upath in and resolve dfd for it (sys_path.c says
 * the details); call at_path_put() whatever it returned.
 */
int at_path_get(struct at_path *ap, int dfd, uintptr_t upath,
		unsigned int at_flags);
void at_path_put(struct at_path *ap);

/*
 * Run system call nr with the six argument registers: its result, or
 * -ENOSYS (logged once per process by name) for a number without a
 * handler.
 */
long syscall_dispatch(unsigned long nr, const uint64_t *args);
/* The name of system call nr, or NULL. */
const char *syscall_name(unsigned long nr);

#endif
