/*
 * execve (DESIGN.md section 4): replace the current process's program.
 * core/exec.c collects the arguments, opens the file, follows "#!"
 * interpreters and commits the new image; core/exec_elf.c loads an ELF64
 * x86-64 program into a new address space and lays out its initial
 * stack (System V x86-64 ABI).
 *
 * The new address space is built completely before the old one is
 * touched, so every failure returns -errno to the caller unchanged.
 */
#ifndef CORE_EXEC_H
#define CORE_EXEC_H

#include <stddef.h>
#include <stdint.h>

struct file;
struct mm;

/*
 * Run path with argv/envp (kernel strings, NULL-terminated) in the
 * current process, as execve.  0: current->regs are set to enter the
 * new program (the caller goes to user mode); -errno on failure.
 */
int exec_kernel(const char *path, const char *const argv[],
		const char *const envp[]);

/* ---- between exec.c and exec_elf.c ---- */

#define EXEC_BUF_SIZE		256		/* BINPRM_BUF_SIZE */
#define EXEC_ARG_STRLEN		(128 * 1024)	/* MAX_ARG_STRLEN */
#define EXEC_ARG_MAX		(2 * 1024 * 1024) /* RLIMIT_STACK / 4 */

/*
 * The new program's strings, packed: argc NUL-terminated argv strings,
 * then envc envp strings.  With the pointers (8 bytes each) they stay
 * within EXEC_ARG_MAX.
 */
struct exec_args {
	char *buf;			/* kmalloc'ed, cap bytes */
	size_t cap;
	size_t len;			/* bytes used */
	size_t argv_len;		/* of which the argv strings */
	int argc, envc;
};

/* One execve in progress (Linux's linux_binprm). */
struct exec_image {
	struct file *file;		/* the file being loaded */
	const char *filename;		/* as given: AT_EXECFN, comm */
	const char *path;		/* file's path: filename, then the
					   last "#!" interpreter */
	char interp[EXEC_BUF_SIZE];	/* that interpreter */
	char buf[EXEC_BUF_SIZE];	/* its first bytes, zero-padded */
	size_t buf_len;			/* bytes read into buf */
	struct exec_args args;
	struct mm *mm;			/* the new address space, or NULL */
	uint64_t entry;			/* its entry point */
	uint64_t sp;			/* its initial stack pointer */
};

/*
 * If im->buf holds an ELF64 x86-64 executable, build its address space
 * in im->mm (segments, brk, stack with the strings, the pointers and the
 * auxiliary vector) and set im->entry and im->sp.  -ENOEXEC for anything
 * else or a malformed file, -ENOMEM or another error of the mm layer;
 * im->mm stays NULL on failure.
 */
int exec_elf_load(struct exec_image *im);

#endif
