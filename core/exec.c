/*
 * execve and execveat (DESIGN.md section 4), and exec_kernel() for the
 * first process.  One exec goes through these steps:
 *
 *   1. open the file (regular, with an x bit for the caller) and collect
 *      argv and envp into kernel memory (struct exec_args), checking
 *      Linux's limits: MAX_ARG_STRLEN per string, strings and pointers
 *      within RLIMIT_STACK / 4 (E2BIG);
 *   2. while the file starts with "#!", rewrite argv to
 *      "interp [arg] script argv[1]..." and open the interpreter (at most
 *      five interpreters deep, as Linux: ELOOP beyond);
 *   3. let core/exec_elf.c build the new address space completely;
 *   4. commit: only now is the process changed (stub, address space,
 *      fd table unshared, close-on-exec fds, names, signals, registers).  Nothing after the
 *      point of no return can fail, so no process is ever left half
 *      replaced; every earlier failure returns -errno with the process
 *      untouched.
 *
 * "#!" lines are parsed as Linux (5.1 on) does: only the first 256 bytes
 * are examined; a line without a newline there is cut, which is fine for
 * the optional argument (the interpreter may re-read the script) but
 * -ENOEXEC when the interpreter's path itself might be cut.  The
 * argument is the rest of the line, trimmed, as one word.
 *
 * Not done (yet): set-user-ID and set-group-ID bits (ignored), ETXTBSY
 * for files open for writing, executing files the caller may execute
 * but not read (vfs_open_path wants read permission), killing the other
 * threads of a multi-threaded process (Linux's de_thread).
 */
#include "core/errno.h"
#include "core/exec.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/printk.h"
#include "core/process.h"
#include "core/slab.h"
#include "core/string.h"
#include "core/syscall.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"

#define EXEC_MAX_DEPTH		5	/* interpreters: Linux's exec_binprm */
#define EXEC_ARGS_MIN		8192	/* first size of the string buffer */
#define EXEC_EFLAGS		0x202	/* IF and the reserved bit 1 */
#define EXEC_FDNAME_EXTRA	32	/* "/dev/fd/<fd>/" */

/* Where argv or envp comes from: a guest or a kernel pointer array. */
struct arg_src {
	bool kernel;
	uintptr_t uvec;			/* guest array; 0: empty */
	const char *const *kvec;	/* kernel array; NULL: empty */
};

/* One exec request, after the system call's arguments were fetched. */
struct exec_req {
	const struct vpath *base;	/* relative paths start here */
	const char *path;		/* what to open */
	unsigned int at_flags;		/* KAT_EMPTY_PATH, ..._NOFOLLOW */
	const char *filename;		/* the name for AT_EXECFN, comm */
	struct arg_src argv, envp;
};

/* A parsed "#!" line. */
struct script_line {
	char interp[EXEC_BUF_SIZE];
	char arg[EXEC_BUF_SIZE];
	bool has_arg;
};

/* ---- collecting the strings ---- */

/* Make room for need bytes in a's buffer. */
static int
args_grow(struct exec_args *a, size_t need)
{
	size_t cap = a->cap != 0 ? a->cap : EXEC_ARGS_MIN;
	char *buf;

	if (need <= a->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	buf = kmalloc(cap);
	if (buf == NULL)
		return -ENOMEM;
	if (a->len != 0)
		memcpy(buf, a->buf, a->len);
	kfree(a->buf);
	a->buf = buf;
	a->cap = cap;
	return 0;
}

/* Pointer i of a vector: 1 and *out, 0 at its NULL end, -EFAULT. */
static int
arg_ptr(const struct arg_src *s, size_t i, uintptr_t *out)
{
	uint64_t p;
	int err;

	if (s->kernel) {
		if (s->kvec == NULL || s->kvec[i] == NULL)
			return 0;
		*out = (uintptr_t)s->kvec[i];
		return 1;
	}
	if (s->uvec == 0)
		return 0;
	err = copyin(&p, s->uvec + i * sizeof(p), sizeof(p));
	if (err != 0)
		return err;
	*out = (uintptr_t)p;
	return p != 0;
}

/* Copy a string of at most size bytes with its NUL, as copyinstr(). */
static long
arg_copystr(const struct arg_src *s, char *dst, uintptr_t p, size_t size)
{
	size_t n;

	if (!s->kernel)
		return copyinstr(dst, p, size);
	n = strnlen((const char *)p, size);
	if (n == size)
		return -ENAMETOOLONG;
	memcpy(dst, (const char *)p, n + 1);
	return (long)n;
}

/*
 * Append the string at p.  used: bytes the limit already owes to other
 * things (the file name, nptrs pointers including this string's).
 */
static int
args_add(struct exec_args *a, const struct arg_src *s, uintptr_t p,
	 size_t used)
{
	size_t lim, room;
	long n;
	int err;

	if (used + a->len >= EXEC_ARG_MAX)
		return -E2BIG;
	lim = MIN(EXEC_ARG_MAX - used - a->len, (size_t)EXEC_ARG_STRLEN);
	for (;;) {
		room = MIN(a->cap - a->len, lim);
		n = room == 0 ? -ENAMETOOLONG :
		    arg_copystr(s, a->buf + a->len, p, room);
		if (n != -ENAMETOOLONG || room == lim)
			break;
		err = args_grow(a, a->len + lim);
		if (err != 0)
			return err;
	}
	if (n == -ENAMETOOLONG)
		return -E2BIG;
	if (n < 0)
		return (int)n;
	a->len += (size_t)n + 1;
	return 0;
}

/* Append the strings of vector s; *count is incremented for each. */
static int
args_add_vec(struct exec_args *a, const struct arg_src *s, int *count,
	     size_t fixed)
{
	uintptr_t p = 0;
	size_t i;
	int r;

	for (i = 0;; i++) {
		r = arg_ptr(s, i, &p);
		if (r <= 0)
			return r;
		r = args_add(a, s, p, fixed +
			     (size_t)(a->argc + a->envc + 1) * sizeof(p));
		if (r != 0)
			return r;
		(*count)++;
	}
}

/*
 * Collect argv and envp.  An empty argv gets "" as argv[0] (Linux 5.18
 * on), so that argv[0] always exists.
 */
static int
args_collect(struct exec_args *a, const struct exec_req *rq)
{
	static const char *const empty[] = { "", NULL };
	const struct arg_src none = { .kernel = true, .kvec = empty };
	size_t fixed = sizeof(uint64_t) + strlen(rq->filename) + 1;
	int err;

	err = args_grow(a, EXEC_ARGS_MIN);
	if (err == 0)
		err = args_add_vec(a, &rq->argv, &a->argc, fixed);
	if (err == 0 && a->argc == 0)
		err = args_add_vec(a, &none, &a->argc, fixed);
	a->argv_len = a->len;
	if (err == 0)
		err = args_add_vec(a, &rq->envp, &a->envc, fixed);
	return err;
}

/* ---- opening ---- */

/*
 * Open path for execution: a regular file (else -EACCES, directories
 * included) on which the caller has execute permission.
 */
static int
exec_open(const struct vpath *base, const char *path, unsigned int at_flags,
	  struct file **out)
{
	struct inode *inode;
	struct vpath p;
	int err;

	if (path[0] == '\0' && !(at_flags & KAT_EMPTY_PATH))
		return -ENOENT;
	err = vfs_lookup(base, path, at_flags, &p);
	if (err != 0)
		return err;
	inode = p.dentry->inode;
	if (KS_ISLNK(inode->mode) && (at_flags & KAT_SYMLINK_NOFOLLOW))
		err = -ELOOP;	/* as open(O_NOFOLLOW) */
	else if (!KS_ISREG(inode->mode))
		err = -EACCES;
	else
		err = inode_permission(inode, KX_OK, current_cred());
	if (err == 0)
		err = vfs_open_path(&p, KO_RDONLY | KO_LARGEFILE, out);
	vpath_put(&p);
	return err;
}

/* Read the first bytes of the file into im->buf, zero-padded. */
static int
exec_read_head(struct exec_image *im)
{
	long n;

	memset(im->buf, 0, sizeof(im->buf));
	n = vfs_pread(im->file, im->buf, sizeof(im->buf), 0);
	if (n < 0)
		return (int)n;
	im->buf_len = (size_t)n;
	return 0;
}

/* ---- "#!" scripts ---- */

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The first byte in [from, last] that is not a blank, or -1. */
static int
skip_blanks(const char *buf, int from, int last)
{
	for (; from <= last; from++)
		if (!is_blank(buf[from]))
			return from;
	return -1;
}

/* The first blank or NUL in [from, last], or -1. */
static int
find_term(const char *buf, int from, int last)
{
	for (; from <= last; from++)
		if (is_blank(buf[from]) || buf[from] == '\0')
			return from;
	return -1;
}

/*
 * Where the "#!" line of buf ends: its newline (a NUL before it ends the
 * search), else the last byte of buf if the interpreter's path is
 * followed by a blank or NUL there; -ENOEXEC if it may have been cut.
 */
static int
script_line_end(const char *buf)
{
	const int last = EXEC_BUF_SIZE - 1;
	int i;

	for (i = 0; i <= last && buf[i] != '\0'; i++)
		if (buf[i] == '\n')
			return i;
	i = skip_blanks(buf, 2, last);
	if (i < 0 || find_term(buf, i, last) < 0)
		return -ENOEXEC;
	return last;
}

/*
 * Split the "#!" line in buf into interpreter and optional argument as
 * Linux does: trailing blanks are trimmed (before a newline), the path
 * ends at the first blank or NUL, the argument is the rest after blanks,
 * up to the line's end or a NUL.  Without a newline, a blank after the
 * path gives an argument even when nothing follows it ("").
 */
static int
script_parse(const char *buf, struct script_line *sl)
{
	char line[EXEC_BUF_SIZE];
	int end, name, sep, arg = -1;

	end = script_line_end(buf);
	if (end < 0)
		return end;
	while (is_blank(buf[end - 1]))
		end--;			/* stops at the '!' */
	name = skip_blanks(buf, 2, end);
	if (name < 0 || name == end)
		return -ENOEXEC;
	sep = find_term(buf, name, end);
	if (sep >= 0 && buf[sep] != '\0')
		arg = skip_blanks(buf, sep, end);
	memcpy(line, buf, sizeof(line));
	line[end] = '\0';
	if (sep >= 0)
		line[sep] = '\0';
	kstrlcpy(sl->interp, line + name, sizeof(sl->interp));
	sl->has_arg = arg >= 0;
	kstrlcpy(sl->arg, arg >= 0 ? line + arg : "", sizeof(sl->arg));
	return 0;
}

/* argv becomes "interp [arg] script argv[1] ...". */
static int
args_rewrite(struct exec_args *a, const struct script_line *sl,
	     const char *script, size_t fixed)
{
	size_t old0 = strlen(a->buf) + 1;
	size_t ni = strlen(sl->interp) + 1, ns = strlen(script) + 1;
	size_t na = sl->has_arg ? strlen(sl->arg) + 1 : 0;
	size_t add = ni + na + ns, len = a->len - old0 + add;
	int argc = a->argc + 1 + sl->has_arg;
	int err;

	if (ns > EXEC_ARG_STRLEN || fixed + len +
	    (size_t)(argc + a->envc) * sizeof(uint64_t) > EXEC_ARG_MAX)
		return -E2BIG;
	err = args_grow(a, len);
	if (err != 0)
		return err;
	memmove(a->buf + add, a->buf + old0, a->len - old0);
	memcpy(a->buf, sl->interp, ni);
	memcpy(a->buf + ni, sl->arg, na);
	memcpy(a->buf + ni + na, script, ns);
	a->len = len;
	a->argv_len = a->argv_len - old0 + add;
	a->argc = argc;
	return 0;
}

/* im->file is a "#!" script: switch to its interpreter. */
static int
exec_script(struct exec_image *im)
{
	size_t fixed = sizeof(uint64_t) + strlen(im->filename) + 1;
	struct script_line *sl;
	struct file *f;
	int err;

	sl = kmalloc(sizeof(*sl));
	if (sl == NULL)
		return -ENOMEM;
	err = script_parse(im->buf, sl);
	if (err == 0)
		err = args_rewrite(&im->args, sl, im->path, fixed);
	if (err == 0)
		err = exec_open(NULL, sl->interp, 0, &f);
	if (err == 0) {
		file_put(im->file);
		im->file = f;
		kstrlcpy(im->interp, sl->interp, sizeof(im->interp));
		im->path = im->interp;
	}
	kfree(sl);
	return err;
}

/* Follow "#!" lines and load the ELF program at the end of them. */
static int
exec_load(struct exec_image *im)
{
	int depth, err;

	for (depth = 0;; depth++) {
		if (depth > EXEC_MAX_DEPTH)
			return -ELOOP;
		err = exec_read_head(im);
		if (err != 0)
			return err;
		if (im->buf[0] != '#' || im->buf[1] != '!')
			return exec_elf_load(im);
		err = exec_script(im);
		if (err != 0)
			return err;
	}
}

/* ---- the point of no return ---- */

/* The last component of path (the path itself if it ends in '/'). */
static const char *
path_base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL && s[1] != '\0' ? s + 1 : path;
}

/* comm and exe_path of the process, comm of the thread. */
static void
exec_set_names(struct process *p, const struct exec_image *im)
{
	const char *base = path_base(im->filename);
	unsigned long s;

	kstrlcpy(p->comm, base, sizeof(p->comm));
	kstrlcpy(p->exe_path, im->path, sizeof(p->exe_path));
	s = arch_intr_save();
	kstrlcpy(current->comm, base, sizeof(current->comm));
	arch_intr_restore(s);
}

/* Guest registers to enter the new program at its entry point. */
static void
exec_set_regs(const struct exec_image *im)
{
	struct user_regs *r = &current->regs;

	memset(r, 0, sizeof(*r));
	r->rip = im->entry;
	r->rsp = im->sp;
	r->eflags = EXEC_EFLAGS;
}

/*
 * exec in a process with several threads: the others exit (as Linux's
 * de_thread), woken from any sleep, before the program is replaced.
 * -EAGAIN if the process is exiting or another thread execs already.
 * The thread then takes the leader's id, the pid, as on Linux; the
 * leader has exited, and the pid stays reserved until the process is
 * reaped (tid_kept), now for this thread.
 */
static int
exec_kill_threads(struct process *p)
{
	struct task *t;

	mutex_lock(&proc_lock);
	if (p->nr_threads == 1) {
		mutex_unlock(&proc_lock);
		return 0;
	}
	if (p->exiting || p->exec_task != NULL) {
		mutex_unlock(&proc_lock);
		return -EAGAIN;
	}
	p->exec_task = current;
	list_for_each_entry(t, &p->threads, thread_node)
		if (t != current)
			sched_wake(t);
	mutex_unlock(&proc_lock);
	wait_event(&p->exec_wq, READ_ONCE(p->nr_threads) == 1);
	mutex_lock(&proc_lock);
	p->exec_task = NULL;
	if (current->tid != p->pid) {
		int old = current->tid;

		KASSERT(!current->tid_kept);
		current->tid = p->pid;
		current->tid_kept = true;
		tid_free(old);
	}
	mutex_unlock(&proc_lock);
	return 0;
}

/*
 * A private copy of the fd table if another process shares it
 * (CLONE_FILES), for close-on-exec not to reach that one: *out, or NULL
 * when the table is the caller's alone.
 */
static int
exec_unshare_files(struct fdtable **out)
{
	struct fdtable *t = current->files;
	unsigned long s;
	bool shared;

	*out = NULL;
	if (t == NULL)
		return 0;
	s = arch_intr_save();
	shared = t->refcount > 1;
	arch_intr_restore(s);
	return shared ? fdtable_copy(t, out) : 0;
}

/* Use the fd table files (if not NULL) instead of the shared one. */
static void
exec_switch_files(struct fdtable *files)
{
	struct fdtable *old = current->files;
	unsigned long s;

	if (files == NULL)
		return;
	s = arch_intr_save();
	current->files = files;
	arch_intr_restore(s);
	fdtable_put(old);
}

/*
 * Replace the current process's program with im's.  Only unsharing the
 * fd table and getting the stub can fail, and they come before anything
 * changes.
 */
static int
exec_commit(struct exec_image *im)
{
	struct process *p = current_proc();
	struct fdtable *files;
	struct arch_user *u;
	struct mm *old;
	int err;

	err = exec_kill_threads(p);
	if (err != 0)
		return err;
	err = exec_unshare_files(&files);
	if (err != 0)
		return err;
	err = user_stub_get(&u);
	if (err != 0) {
		if (files != NULL)
			fdtable_put(files);
		return err;
	}
	/* The point of no return: nothing below may fail. */
	mm_set_user(im->mm, u);
	old = p->mm;
	p->mm = im->mm;
	im->mm = NULL;
	/* The new program starts with the initial FP state (the stub's). */
	user_mm_leave(current, old);
	if (old != NULL)
		mm_put(old);
	exec_switch_files(files);
	if (current->files != NULL)
		fdtable_close_on_exec(current->files);
	exec_set_names(p, im);
	/* The old program's futex words are gone with its memory. */
	current->clear_child_tid = 0;
	current->robust_list = 0;
	current->robust_len = 0;
	process_exec_notify();
	exec_set_regs(im);
	return 0;
}

/* The whole exec: open, collect, load, commit; 0 or -errno. */
static int
exec_run(const struct exec_req *rq)
{
	struct exec_image *im;
	int err;

	if (current_proc() == NULL)
		return -EINVAL;
	im = kzalloc(sizeof(*im));
	if (im == NULL)
		return -ENOMEM;
	im->filename = im->path = rq->filename;
	err = exec_open(rq->base, rq->path, rq->at_flags, &im->file);
	if (err != 0)
		goto out_im;
	err = args_collect(&im->args, rq);
	if (err == 0)
		err = exec_load(im);
	if (err == 0)
		err = exec_commit(im);
	if (im->mm != NULL)
		mm_put(im->mm);
	kfree(im->args.buf);
	file_put(im->file);
out_im:
	kfree(im);
	return err;
}

int
exec_kernel(const char *path, const char *const argv[],
	    const char *const envp[])
{
	struct exec_req rq = {
		.path = path,
		.filename = path,
		.argv = { .kernel = true, .kvec = argv },
		.envp = { .kernel = true, .kvec = envp },
	};

	return exec_run(&rq);
}

/* ---- the system calls ---- */

/*
 * The name execveat gives a file found through dirfd, as Linux:
 * "/dev/fd/N" or "/dev/fd/N/path".
 */
static char *
exec_fd_name(int dirfd, const char *path)
{
	size_t size = strlen(path) + EXEC_FDNAME_EXTRA;
	char *name = kmalloc(size);

	if (name == NULL)
		return NULL;
	if (path[0] == '\0')
		ksnprintf(name, size, "/dev/fd/%d", dirfd);
	else
		ksnprintf(name, size, "/dev/fd/%d/%s", dirfd, path);
	return name;
}

/* execveat with the path already in kernel memory. */
static int
exec_at(int dirfd, const char *path, uintptr_t uargv, uintptr_t uenvp,
	unsigned int flags)
{
	struct exec_req rq = {
		.path = path,
		.at_flags = flags,
		.filename = path,
		.argv = { .uvec = uargv },
		.envp = { .uvec = uenvp },
	};
	struct file *dir = NULL;
	char *name = NULL;
	int err;

	if (dirfd != KAT_FDCWD && path[0] != '/') {
		if (current->files == NULL)
			return -EBADF;
		err = fdtable_file(current->files, dirfd, &dir);
		if (err != 0)
			return err;
		rq.base = &dir->path;
		rq.filename = name = exec_fd_name(dirfd, path);
		if (name == NULL) {
			file_put(dir);
			return -ENOMEM;
		}
	}
	err = exec_run(&rq);
	kfree(name);
	if (dir != NULL)
		file_put(dir);
	return err;
}

/* Fetch the path and run execveat. */
static long
exec_user(int dirfd, uintptr_t upath, uintptr_t uargv, uintptr_t uenvp,
	  int flags)
{
	char *path;
	long n;
	int err;

	if (flags & ~(KAT_EMPTY_PATH | KAT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	path = kmalloc(VFS_PATH_MAX);
	if (path == NULL)
		return -ENOMEM;
	n = copyinstr(path, upath, VFS_PATH_MAX);
	if (n < 0)
		err = (int)n;
	else
		err = exec_at(dirfd, path, uargv, uenvp, (unsigned int)flags);
	kfree(path);
	return err;
}

/* execve(2): 0 (the new program's rax) or -errno. */
SYSCALL_DEFINE3(execve, uintptr_t, upath, uintptr_t, uargv, uintptr_t, uenvp)
{
	return exec_user(KAT_FDCWD, upath, uargv, uenvp, 0);
}

/* execveat(2): as execve, the path relative to dirfd, with flags. */
SYSCALL_DEFINE5(execveat, int, dirfd, uintptr_t, upath, uintptr_t, uargv,
		uintptr_t, uenvp, int, flags)
{
	return exec_user(dirfd, upath, uargv, uenvp, flags);
}
