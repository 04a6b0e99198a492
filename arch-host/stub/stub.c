/*
 * The stub: the host process in which one guest address space runs.  A
 * static, freestanding program (no libc, no stack protector, no
 * sanitizers), linked at STUB_BASE, embedded in the kernel and started
 * with execveat on a memfd (arch-host/user.c).  See stub.h for the window.
 *
 * Start-up: switch to a stack inside the window; take the set-up message
 * from fd 0 (the parent's pid and the memfd of the control areas); die
 * with the parent; map the control area; install one handler for every
 * trap signal on the alternate stack; unmap everything outside the window
 * (the ELF's original stack, the host vDSO); install the seccomp filter;
 * then make one system call, which traps: that first trap tells the
 * kernel the stub is ready, and its frame is the one the guest starts
 * from.
 *
 * The seccomp filter traps (SIGSYS) every system call, except those made
 * from the gate section, the only code here with syscall instructions:
 * from there, only the calls the handler needs are allowed, memory
 * operations only below STUB_BASE, and anything else kills the process.
 * A guest that jumps into the gate can so change its own memory, but not
 * the window, and reach no host file: the stub holds no fd but the
 * socket on fd 0, and the memory fd only while the handler applies ops.
 * Not closed yet: guest code that stores STUB_TRAPPED itself while it
 * runs makes the kernel think it trapped, and if the kernel then sends
 * the memory fd, the guest can take it at the gate (recvmsg) and map any
 * frame.  Closing this takes a second stub thread that applies the ops
 * from a page guest code cannot write, under a filter of its own, with
 * the guest thread's filter allowing no memory calls at all.
 *
 * The handler stores the trap in the control block, sets the state to
 * STUB_TRAPPED, wakes the kernel and waits (futex on the shared word).
 * The kernel reads and writes the registers in the signal frame, queues
 * memory ops and sets STUB_RUNNING; the handler applies the ops, loads a
 * new FS base if asked, and returns: the restorer's rt_sigreturn loads the
 * frame, and the guest goes on.
 */
#include <stddef.h>
#include <stdint.h>

#include "arch-host/stub/stub.h"

/* Everything is in this one image, addressed relative to the code. */
#pragma GCC visibility push(hidden)

/* Host ABI numbers (x86-64), spelled out: no host headers here. */
#define NR_close		3
#define NR_mmap			9
#define NR_mprotect		10
#define NR_munmap		11
#define NR_rt_sigaction		13
#define NR_rt_sigreturn		15
#define NR_sched_yield		24
#define NR_getpid		39
#define NR_recvmsg		47
#define NR_exit			60
#define NR_getppid		110
#define NR_sigaltstack		131
#define NR_prctl		157
#define NR_arch_prctl		158
#define NR_futex		202
#define NR_exit_group		231
#define NR_seccomp		317

#define SIGILL_		4
#define SIGTRAP_	5
#define SIGBUS_		7
#define SIGFPE_		8
#define SIGKILL_	9
#define SIGSEGV_	11
#define SIGSYS_		31

#define PROT_READ_	1
#define PROT_WRITE_	2
#define MAP_SHARED_	0x01
#define MAP_FIXED_	0x10
#define SA_SIGINFO_	0x4
#define SA_ONSTACK_	0x08000000
#define SA_RESTORER_	0x04000000
#define PR_SET_PDEATHSIG_	1
#define PR_SET_NAME_		15
#define PR_SET_NO_NEW_PRIVS_	38
#define ARCH_SET_FS_		0x1002
#define FUTEX_WAIT_		0
#define FUTEX_WAKE_		1
#define STUB_YIELDS		200	/* sched_yield()s before the futex */
#define SCM_RIGHTS_		1
#define SOL_SOCKET_		1
#define SECCOMP_SET_MODE_FILTER_	1
#define AUDIT_ARCH_X86_64_	0xc000003eU

#define SECCOMP_RET_KILL_PROCESS_	0x80000000U
#define SECCOMP_RET_TRAP_		0x00030000U
#define SECCOMP_RET_ALLOW_		0x7fff0000U

/* ---- the gate: the only system call instructions ---- */

long gate_syscall(long nr, long a, long b, long c, long d, long e, long f);
void gate_restorer(void);
extern const char gate_start[], gate_end[];

__asm__(
	".pushsection .gate, \"ax\", @progbits\n"
	".balign 4096\n"
	".globl gate_start\n"
	"gate_start:\n"
	".globl gate_syscall\n"
	"gate_syscall:\n"
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	"	mov %rdx, %rsi\n"
	"	mov %rcx, %rdx\n"
	"	mov %r8, %r10\n"
	"	mov %r9, %r8\n"
	"	mov 8(%rsp), %r9\n"
	"	syscall\n"
	"	ret\n"
	".globl gate_restorer\n"
	"gate_restorer:\n"
	"	mov $15, %eax\n"
	"	syscall\n"
	"	ud2\n"
	".globl gate_end\n"
	"gate_end:\n"
	"	int3\n"
	".popsection\n");

#define sys0(n)			gate_syscall(n, 0, 0, 0, 0, 0, 0)
#define sys1(n, a)		gate_syscall(n, (long)(a), 0, 0, 0, 0, 0)
#define sys2(n, a, b)		gate_syscall(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(n, a, b, c)	gate_syscall(n, (long)(a), (long)(b), \
					     (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d)	gate_syscall(n, (long)(a), (long)(b), \
					     (long)(c), (long)(d), 0, 0)
#define sys6(n, a, b, c, d, e, f) \
	gate_syscall(n, (long)(a), (long)(b), (long)(c), (long)(d), \
		     (long)(e), (long)(f))

/* The compiler may emit calls to these. */
void *
memset(void *s, int c, size_t n)
{
	unsigned char *p = s;

	while (n-- > 0)
		*p++ = (unsigned char)c;
	return s;
}

void *
memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	while (n-- > 0)
		*dp++ = *sp++;
	return d;
}

static __attribute__((noreturn)) void
die(int code)
{
	for (;;)
		sys1(NR_exit_group, code);
}

/* ---- the handoff ---- */

static struct stub_ctl *const ctl = (struct stub_ctl *)STUB_AREAS;

/* Receive the fd the kernel sent on fd 0; -1 if none came. */
static int
recv_fd(void *data, size_t len)
{
	struct { uint64_t base, len; } iov = { (uint64_t)data, len };
	union {
		char buf[24];
		uint64_t align;
	} cmsg;
	struct {
		uint64_t name;
		uint32_t namelen, pad0;
		uint64_t iov, iovlen, control, controllen;
		int32_t flags, pad1;
	} msg = {
		.iov = (uint64_t)&iov, .iovlen = 1,
		.control = (uint64_t)cmsg.buf, .controllen = sizeof(cmsg.buf),
	};
	int fd;

	memset(cmsg.buf, 0, sizeof(cmsg.buf));
	if (sys3(NR_recvmsg, 0, &msg, 0) < 0)
		return -1;
	/* struct cmsghdr: len (8), level (4), type (4), then the fd. */
	if (*(uint32_t *)(cmsg.buf + 8) != SOL_SOCKET_ ||
	    *(uint32_t *)(cmsg.buf + 12) != SCM_RIGHTS_)
		return -1;
	memcpy(&fd, cmsg.buf + 16, sizeof(fd));
	return fd;
}

/* Apply the queued ops; 0, or the first error (op_error, op_index). */
static int
run_ops(uint32_t flags)
{
	uint32_t n = ctl->nr_ops;
	int fd = -1;
	long r = 0;
	uint32_t i;
	char byte;

	if (flags & STUB_FD_SENT)
		fd = recv_fd(&byte, 1);
	if (n > STUB_MAX_OPS)
		n = STUB_MAX_OPS;
	for (i = 0; i < n && r >= 0; i++) {
		const struct stub_op *op = &ctl->ops[i];
		uint64_t addr = op->addr, len = op->len;

		switch (op->type) {
		case STUB_OP_MMAP:
			r = sys6(NR_mmap, addr, len, op->prot,
				 MAP_SHARED_ | MAP_FIXED_, fd, op->off);
			break;
		case STUB_OP_MUNMAP:
			r = sys2(NR_munmap, addr, len);
			break;
		case STUB_OP_MPROTECT:
			r = sys3(NR_mprotect, addr, len, op->prot);
			break;
		default:
			r = -22;
		}
	}
	if (fd >= 0)
		sys1(NR_close, fd);
	ctl->nr_ops = 0;
	if (r < 0) {
		ctl->op_error = (int32_t)r;
		ctl->op_index = i - 1;
		return -1;
	}
	return 0;
}

/* Hand the trap to the kernel; return when it lets the guest go on. */
static void
trap_to_kernel(void)
{
	for (;;) {
		uint32_t flags;

		/* The kernel is woken only if it sleeps: the store, the
		 * fence and its flag's load pair with its own (user.c). */
		__atomic_store_n(&ctl->state, STUB_TRAPPED, __ATOMIC_SEQ_CST);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&ctl->kernel_sleeps, __ATOMIC_SEQ_CST))
			sys3(NR_futex, &ctl->state, FUTEX_WAKE_, 1);
		for (int spin = 0; spin < 2000; spin++) {
			if (__atomic_load_n(&ctl->state, __ATOMIC_ACQUIRE) !=
			    STUB_TRAPPED ||
			    __atomic_load_n(&ctl->nap, __ATOMIC_RELAXED))
				break;
			__builtin_ia32_pause();
		}
		/*
		 * Told to, yield for a while before sleeping: the stub that
		 * runs next on this CPU gets it at once, and when this one's
		 * turn comes soon (a pipe's other end answering), no wake-up
		 * has to cross CPUs, which costs far more than a local
		 * switch.  The kernel asks for it only when the thread was
		 * out briefly last time: the yields take turns on the CPU
		 * with the stub that runs.
		 */
		for (int y = 0; y < STUB_YIELDS &&
				__atomic_load_n(&ctl->nap, __ATOMIC_RELAXED) ==
				STUB_NAP_YIELD; y++) {
			if (__atomic_load_n(&ctl->state, __ATOMIC_ACQUIRE) !=
			    STUB_TRAPPED)
				break;
			sys0(NR_sched_yield);
		}
		while (__atomic_load_n(&ctl->state, __ATOMIC_ACQUIRE) ==
		       STUB_TRAPPED) {
			__atomic_store_n(&ctl->stub_sleeps, 1,
					 __ATOMIC_SEQ_CST);
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			if (__atomic_load_n(&ctl->state, __ATOMIC_SEQ_CST) ==
			    STUB_TRAPPED)
				sys4(NR_futex, &ctl->state, FUTEX_WAIT_,
				     STUB_TRAPPED, 0);
		}
		__atomic_store_n(&ctl->stub_sleeps, 0, __ATOMIC_RELAXED);
		flags = ctl->flags;
		ctl->op_error = 0;
		if (run_ops(flags) != 0 || (flags & STUB_OPS_ONLY)) {
			ctl->signo = 0;
			continue;
		}
		if (flags & STUB_SET_FS)
			sys2(NR_arch_prctl, ARCH_SET_FS_, ctl->fs_base);
		return;
	}
}

/* siginfo: si_signo, si_errno, si_code, then the union at 16. */
struct siginfo_head {
	int32_t signo, err, code, pad;
	uint64_t addr;			/* si_addr; SIGSYS: si_call_addr */
	int32_t syscall;		/* SIGSYS */
	uint32_t arch;			/* SIGSYS */
};

static void
handler(int sig, struct siginfo_head *si, void *uc)
{
	ctl->signo = (uint32_t)sig;
	ctl->code = si->code;
	ctl->addr = si->addr;
	ctl->arch = sig == SIGSYS_ ? si->arch : 0;
	ctl->uc = (uint64_t)uc;
	trap_to_kernel();
}

/* ---- start-up ---- */

static const int trap_signals[] = {
	SIGSYS_, SIGSEGV_, SIGBUS_, SIGFPE_, SIGILL_, SIGTRAP_,
	STUB_SIG_PREEMPT,
};

static void
install_handlers(void)
{
	struct {
		uint64_t handler, flags, restorer, mask;
	} sa = {
		.handler = (uint64_t)handler,
		.flags = SA_SIGINFO_ | SA_ONSTACK_ | SA_RESTORER_,
		.restorer = (uint64_t)gate_restorer,
	};
	struct {
		uint64_t sp;
		int32_t flags, pad;
		uint64_t size;
	} ss = {
		.sp = STUB_AREAS + STUB_CTL_SIZE,
		.size = STUB_AREA_SIZE - STUB_CTL_SIZE,
	};
	unsigned int i;

	for (i = 0; i < sizeof(trap_signals) / sizeof(trap_signals[0]); i++)
		sa.mask |= 1ULL << (trap_signals[i] - 1);
	if (sys2(NR_sigaltstack, &ss, 0) != 0)
		die(120);
	for (i = 0; i < sizeof(trap_signals) / sizeof(trap_signals[0]); i++)
		if (sys4(NR_rt_sigaction, trap_signals[i], &sa, 0, 8) != 0)
			die(121);
}

/* ---- the seccomp filter ---- */

struct bpf_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};

#define LD_W(off)	{ 0x20, 0, 0, (off) }		/* A = data[off] */
#define LD_MEM(i)	{ 0x60, 0, 0, (i) }		/* A = M[i] */
#define LDX_MEM(i)	{ 0x61, 0, 0, (i) }		/* X = M[i] */
#define ST(i)		{ 0x02, 0, 0, (i) }		/* M[i] = A */
#define ADD_X		{ 0x0c, 0, 0, 0 }		/* A += X */
#define ADD_K(k)	{ 0x04, 0, 0, (k) }		/* A += k */
#define JEQ(k, t, f)	{ 0x15, (t), (f), (k) }
#define JGE(k, t, f)	{ 0x35, (t), (f), (k) }
#define JGE_X(t, f)	{ 0x3d, (t), (f), 0 }
#define RET(k)		{ 0x06, 0, 0, (k) }

#define OFF_NR		0
#define OFF_ARCH	4
#define OFF_IP_LO	8
#define OFF_IP_HI	12
#define OFF_ARG_LO(n)	(16 + 8 * (n))
#define OFF_ARG_HI(n)	(20 + 8 * (n))

static void
install_filter(void)
{
	const uint64_t lo = (uint64_t)gate_start, hi = (uint64_t)gate_end;
	const uint32_t top = (uint32_t)(STUB_BASE >> 32);
	struct bpf_insn prog[] = {
		/* 0 */ LD_W(OFF_ARCH),
		/* 1 */ JEQ(AUDIT_ARCH_X86_64_, 0, 45),		/* -> trap */
		/* 2 */ LD_W(OFF_IP_HI),
		/* 3 */ JEQ((uint32_t)(lo >> 32), 0, 43),	/* -> trap */
		/* 4 */ LD_W(OFF_IP_LO),
		/* 5 */ JGE((uint32_t)lo, 0, 41),		/* -> trap */
		/* 6 */ JGE((uint32_t)hi, 40, 0),		/* -> trap */
		/* From the gate. */
		/* 7 */ LD_W(OFF_NR),
		/* 8 */ JEQ(NR_futex, 36, 0),			/* -> allow */
		/* 9 */ JEQ(NR_sched_yield, 35, 0),
		/* 10 */ JEQ(NR_rt_sigreturn, 34, 0),
		/* 11 */ JEQ(NR_recvmsg, 33, 0),
		/* 12 */ JEQ(NR_close, 32, 0),
		/* 13 */ JEQ(NR_exit_group, 31, 0),
		/* 14 */ JEQ(NR_exit, 30, 0),
		/* 15 */ JEQ(NR_arch_prctl, 0, 2),
		/* 16 */ LD_W(OFF_ARG_LO(0)),
		/* 17 */ JEQ(ARCH_SET_FS_, 27, 28),		/* allow : kill */
		/* 18 */ JEQ(NR_mmap, 3, 0),
		/* 19 */ JEQ(NR_munmap, 2, 0),
		/* 20 */ JEQ(NR_mprotect, 1, 0),
		/* 21 */ RET(SECCOMP_RET_KILL_PROCESS_),
		/* Memory ops: addr + len <= STUB_BASE, both under 2^47. */
		/* 22 */ LD_W(OFF_ARG_HI(0)),
		/* 23 */ JGE(top, 22, 0),			/* -> kill */
		/* 24 */ ST(0),
		/* 25 */ LD_W(OFF_ARG_HI(1)),
		/* len may reach STUB_BASE itself (addr 0: everything). */
		/* 26 */ JGE(top + 1, 19, 0),			/* -> kill */
		/* 27 */ LDX_MEM(0),
		/* 28 */ ADD_X,
		/* 29 */ ST(1),					/* high sum */
		/* 30 */ LD_W(OFF_ARG_LO(0)),
		/* 31 */ ST(2),
		/* 32 */ LD_W(OFF_ARG_LO(1)),
		/* 33 */ LDX_MEM(2),
		/* 34 */ ADD_X,					/* low sum */
		/* 35 */ ST(2),
		/* 36 */ JGE_X(3, 0),			/* no carry -> 40 */
		/* 37 */ LD_MEM(1),
		/* 38 */ ADD_K(1),
		/* 39 */ ST(1),
		/* 40 */ LD_MEM(1),
		/* 41 */ JGE(top, 0, 3),		/* high < top -> allow */
		/* 42 */ JGE(top + 1, 3, 0),			/* -> kill */
		/* 43 */ LD_MEM(2),
		/* 44 */ JEQ(0, 0, 1),		/* low 0: == STUB_BASE */
		/* 45 */ RET(SECCOMP_RET_ALLOW_),
		/* 46 */ RET(SECCOMP_RET_KILL_PROCESS_),
		/* 47 */ RET(SECCOMP_RET_TRAP_),
	};
	struct {
		uint16_t len, pad[3];
		uint64_t filter;
	} fprog = { sizeof(prog) / sizeof(prog[0]), { 0 }, (uint64_t)prog };

	if (sys3(NR_seccomp, SECCOMP_SET_MODE_FILTER_, 0, &fprog) != 0)
		die(122);
}

/* The set-up message the kernel sends on fd 0 with the area memfd. */
struct stub_setup {
	uint64_t ppid;
	uint64_t area_len;
};

void stub_main(void);

void
stub_main(void)
{
	struct stub_setup setup = { 0, 0 };
	int fd = recv_fd(&setup, sizeof(setup));

	if (fd < 0)
		die(123);
	sys2(NR_prctl, PR_SET_PDEATHSIG_, SIGKILL_);
	if ((uint64_t)sys0(NR_getppid) != setup.ppid)
		die(124);
	sys2(NR_prctl, PR_SET_NAME_, "vmlinux-stub");
	if (sys6(NR_prctl, PR_SET_NO_NEW_PRIVS_, 1, 0, 0, 0, 0) != 0)
		die(125);
	if (setup.area_len < STUB_AREA_SIZE ||
	    setup.area_len > STUB_END - STUB_AREAS ||
	    sys6(NR_mmap, STUB_AREAS, setup.area_len,
		 PROT_READ_ | PROT_WRITE_, MAP_SHARED_ | MAP_FIXED_, fd,
		 0) != (long)STUB_AREAS)
		die(126);
	sys1(NR_close, fd);
	install_handlers();
	sys2(NR_munmap, 0, STUB_BASE);
	sys2(NR_munmap, STUB_END, STUB_HOST_TOP - STUB_END);
	install_filter();
	ctl->ready = 1;
	/* Outside the gate: traps.  The kernel takes it from here. */
	__asm__ volatile("syscall" : : "a"(NR_getpid) : "rcx", "r11",
			 "memory");
	die(127);
}

/* The stack for start-up, inside the window. */
extern char start_stack[16384];
char start_stack[16384] __attribute__((aligned(16)));

__asm__(
	".text\n"
	".globl _start\n"
	"_start:\n"
	"	lea start_stack+16384(%rip), %rsp\n"
	"	xor %ebp, %ebp\n"
	"	call stub_main\n"
	"	ud2\n");
