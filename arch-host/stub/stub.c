/*
 * The stub: the host process in which one guest address space runs.  A
 * static, freestanding program (no libc, no stack protector, no
 * sanitizers), linked at STUB_BASE, embedded in the kernel and started
 * with execveat on a memfd (arch-host/user.c).  See stub.h for the window.
 *
 * Two threads.  The guest thread runs guest code and takes its traps.
 * The ops thread applies the kernel's memory operations; guest code can
 * neither run in it nor change what it does: it keeps everything in
 * registers (no stack, no writable memory), reads its requests from a
 * page mapped read-only, holds the memory fd, and answers on fd 0 from
 * bytes on that page.  Guest code can write all the rest of the window's
 * writable memory (the control block, the alternate stack and its
 * frames) and jump to any instruction here.
 *
 * Start-up: switch to a stack inside the window; take the set-up message
 * from fd 0 (the parent's pid, the memfd of the control area and the
 * memory fd); die with the parent; map the control area and the request
 * page; install one handler for every trap signal on the alternate stack;
 * unmap everything outside the window (the ELF's original stack, the
 * host vDSO); install the base filter; start the ops thread; install the
 * guest filter on this thread; then make one system call, which traps:
 * that first trap tells the kernel the stub is ready, and its frame is the
 * one the guest starts from.
 *
 * The filters.  The base one, for both threads, traps (SIGSYS) every
 * system call made outside the gate section, the only code here with
 * syscall instructions, and allows from the gate what the two threads
 * need, memory operations only below STUB_BASE; anything else kills the
 * process.  The guest filter, on the guest thread alone, narrows that to
 * futex, sched_yield, rt_sigreturn, exit_group and arch_prctl(SET_FS): a
 * guest that jumps into the gate can change no mapping, receive or use no
 * fd, and make no thread.
 *
 * The handoff.  The handler stores the trap in the control block, sets
 * the state to STUB_TRAPPED, wakes the kernel and waits (spin, then
 * futex) in the park loop.  The kernel reads and writes the registers in
 * the frame, has the ops thread apply the queued memory operations and
 * waits for its answer, then sets STUB_RUNNING; the park loop loads a new
 * FS base if asked and returns through rt_sigreturn from the frame whose
 * address the request page holds.  The park loop takes nothing from
 * registers or writable memory but the state word, so a thread asleep in
 * it (the kernel checks the host's /proc/PID/syscall before it gives a
 * used stub to another address space) can only go on with the frame the
 * kernel wrote.
 */
#include <stddef.h>
#include <stdint.h>

#include "arch-host/stub/stub.h"

/* Everything is in this one image, addressed relative to the code. */
#pragma GCC visibility push(hidden)

/* Host ABI numbers (x86-64), spelled out: no host headers here. */
#define NR_write		1
#define NR_close		3
#define NR_mmap			9
#define NR_mprotect		10
#define NR_munmap		11
#define NR_rt_sigaction		13
#define NR_rt_sigprocmask	14
#define NR_rt_sigreturn		15
#define NR_sched_yield		24
#define NR_getpid		39
#define NR_recvmsg		47
#define NR_clone		56
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
#define SIG_SETMASK_	2
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

/*
 * Addresses and offsets the assembly below uses, as plain numbers; the
 * assertions tie them to stub.h.
 */
#define STUB_BASE_NUM	0x7f0000000000
#define A_CTL		0x7f0040000000
#define A_REQ		0x7f0040010000
#define O_STATE		0
#define O_FLAGS		4
#define O_FS_BASE	40
#define O_STUB_SLEEPS	64
#define O_OPS_DONE	72
#define O_OPS_PENDING	76
#define O_SEQ		0
#define O_NR_OPS	4
#define O_FRAME		8
#define O_REPLY		16
#define O_RELEASE	20
#define O_OPS		24
#define OP_SIZE		32
#define CLONE_THREAD_FLAGS 0x50f00	/* VM FS FILES SIGHAND THREAD SYSVSEM */
#define S_(x)		#x
#define S(x)		S_(x)

_Static_assert(STUB_BASE_NUM == STUB_BASE && A_CTL == STUB_AREAS && A_REQ == STUB_REQ, "addresses");
_Static_assert(O_FLAGS == offsetof(struct stub_ctl, flags) &&
	       O_FS_BASE == offsetof(struct stub_ctl, fs_base) &&
	       O_STUB_SLEEPS == offsetof(struct stub_ctl, stub_sleeps) &&
	       O_OPS_DONE == offsetof(struct stub_ctl, ops_done) &&
	       O_OPS_PENDING == offsetof(struct stub_ctl, ops_pending),
	       "control block offsets");
_Static_assert(O_NR_OPS == offsetof(struct stub_req, nr_ops) &&
	       O_FRAME == offsetof(struct stub_req, frame) &&
	       O_REPLY == offsetof(struct stub_req, reply) &&
	       O_RELEASE == offsetof(struct stub_req, release) &&
	       O_OPS == offsetof(struct stub_req, ops) &&
	       OP_SIZE == sizeof(struct stub_op) &&
	       offsetof(struct stub_op, prot) == 4 &&
	       offsetof(struct stub_op, addr) == 8 &&
	       offsetof(struct stub_op, len) == 16 &&
	       offsetof(struct stub_op, off) == 24, "request offsets");
_Static_assert(STUB_RUNNING == 1 && STUB_TRAPPED == 2 && STUB_SET_FS == 1 &&
	       STUB_OP_MMAP == 1 && STUB_OP_MUNMAP == 2 &&
	       STUB_OP_MPROTECT == 3 && STUB_REPLY_OK == 0 &&
	       STUB_REPLY_NOMEM == 1 && STUB_REPLY_FAIL == 2, "values");

long gate_syscall(long nr, long a, long b, long c, long d, long e, long f);
void gate_restorer(void);
__attribute__((noreturn)) void gate_park(void);
long gate_start_ops(long memfd);
extern const char gate_start[], gate_end[], gate_park_after[];

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

	/*
	 * The park loop (guest thread): wait for STUB_RUNNING, then
	 * return to the guest through the frame the request page names.
	 * Every register is set afresh on each turn: a guest that jumps
	 * here gets nothing of its own back.
	 */
	".globl gate_park\n"
	"gate_park:\n"
	"1:	movabs $" S(A_CTL) ", %rbx\n"
	"	mov " S(O_STATE) "(%rbx), %edx\n"
	"	cmp $1, %edx\n"
	"	je 2f\n"
	"	movl $1, " S(O_STUB_SLEEPS) "(%rbx)\n"
	"	mfence\n"
	/* A batch for the ops thread: wake it before sleeping. */
	"	mov " S(O_OPS_PENDING) "(%rbx), %eax\n"
	"	test %eax, %eax\n"
	"	jz 5f\n"
	"	movl $0, " S(O_OPS_PENDING) "(%rbx)\n"
	"	mov $202, %eax\n"
	"	movabs $" S(A_REQ) ", %rdi\n"
	"	mov $1, %esi\n"		/* FUTEX_WAKE */
	"	mov $1, %edx\n"
	"	syscall\n"
	"5:	mov " S(O_STATE) "(%rbx), %edx\n"
	"	cmp $1, %edx\n"
	"	je 2f\n"
	"	mov %rbx, %rdi\n"
	"	xor %esi, %esi\n"		/* FUTEX_WAIT, shared */
	"	xor %r10d, %r10d\n"
	"	mov $202, %eax\n"
	"	syscall\n"
	".globl gate_park_after\n"
	"gate_park_after:\n"
	"	jmp 1b\n"
	"2:	movl $0, " S(O_STUB_SLEEPS) "(%rbx)\n"
	"	testl $1, " S(O_FLAGS) "(%rbx)\n"
	"	jz 3f\n"
	"	mov $158, %eax\n"
	"	mov $0x1002, %edi\n"		/* ARCH_SET_FS */
	"	mov " S(O_FS_BASE) "(%rbx), %rsi\n"
	"	syscall\n"
	"3:	movabs $" S(A_REQ) ", %rax\n"
	"	mov " S(O_FRAME) "(%rax), %rsp\n"
	"	mov $15, %eax\n"		/* rt_sigreturn */
	"	syscall\n"
	"	ud2\n"

	/*
	 * Start the ops thread with the memory fd in r13; the new thread
	 * never returns from here.  The parent gets clone's result.
	 */
	".globl gate_start_ops\n"
	"gate_start_ops:\n"
	"	push %r13\n"
	"	mov %rdi, %r13\n"
	"	mov $56, %eax\n"
	"	mov $" S(CLONE_THREAD_FLAGS) ", %edi\n"
	"	xor %esi, %esi\n"		/* no stack: it uses none */
	"	xor %edx, %edx\n"
	"	xor %r10d, %r10d\n"
	"	xor %r8d, %r8d\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jz 10f\n"
	"	pop %r13\n"
	"	ret\n"

	/*
	 * The ops thread: r12 the last batch seen, r13 the memory fd,
	 * rbx the request page, r14 the ops left, r15 the next op, rbp
	 * the error.  Nothing is read from writable memory.
	 */
	"10:	xor %r12d, %r12d\n"
	"11:	movabs $" S(A_REQ) ", %rbx\n"
	"	mov " S(O_SEQ) "(%rbx), %eax\n"
	"	cmp %r12d, %eax\n"
	"	jne 12f\n"
	"	mov %rbx, %rdi\n"
	"	xor %esi, %esi\n"		/* FUTEX_WAIT, shared */
	"	mov %r12d, %edx\n"
	"	xor %r10d, %r10d\n"
	"	mov $202, %eax\n"
	"	syscall\n"
	"	jmp 11b\n"
	"12:	mov %eax, %r12d\n"
	"	mov " S(O_NR_OPS) "(%rbx), %r14d\n"
	"	cmp $" S(STUB_MAX_OPS) ", %r14d\n"
	"	jbe 13f\n"
	"	mov $" S(STUB_MAX_OPS) ", %r14d\n"
	"13:	lea " S(O_OPS) "(%rbx), %r15\n"
	"14:	test %r14d, %r14d\n"
	"	jz 20f\n"
	"	mov (%r15), %ecx\n"
	"	mov 8(%r15), %rdi\n"
	"	mov 16(%r15), %rsi\n"
	"	mov 4(%r15), %edx\n"
	"	cmp $1, %ecx\n"
	"	jne 15f\n"
	"	mov $0x11, %r10d\n"		/* MAP_SHARED | MAP_FIXED */
	"	mov %r13, %r8\n"
	"	mov 24(%r15), %r9\n"
	"	mov $9, %eax\n"
	"	jmp 17f\n"
	"15:	cmp $2, %ecx\n"
	"	jne 16f\n"
	"	mov $11, %eax\n"
	"	jmp 17f\n"
	"16:	cmp $3, %ecx\n"
	"	jne 18f\n"
	"	mov $10, %eax\n"
	"17:	syscall\n"
	"	cmp $-4095, %rax\n"
	"	jae 19f\n"
	"	add $" S(OP_SIZE) ", %r15\n"
	"	dec %r14d\n"
	"	jmp 14b\n"
	"18:	mov $-22, %rax\n"
	/* A failure: unmap all guest memory, so that nothing the kernel
	 * meant to take away stays, then say so. */
	"19:	mov %rax, %rbp\n"
	"	mov $11, %eax\n"
	"	xor %edi, %edi\n"
	"	movabs $" S(STUB_BASE_NUM) ", %rsi\n"
	"	syscall\n"
	"	cmp $-4095, %rax\n"
	"	jae 22f\n"
	"	lea " S(O_REPLY) "+2(%rbx), %rsi\n"
	"	cmp $-12, %rbp\n"
	"	jne 21f\n"
	"	lea " S(O_REPLY) "+1(%rbx), %rsi\n"
	"	jmp 21f\n"
	"20:	xor %ebp, %ebp\n"
	"	lea " S(O_REPLY) "(%rbx), %rsi\n"
	"21:	mov $1, %eax\n"			/* write(0, reply, 1) */
	"	xor %edi, %edi\n"
	"	mov $1, %edx\n"
	"	syscall\n"
	"	movabs $" S(A_CTL) ", %rdi\n"	/* the hint, written only */
	"	mov %r12d, " S(O_OPS_DONE) "(%rdi)\n"
	"	testl $1, " S(O_RELEASE) "(%rbx)\n"
	"	jz 11b\n"
	/* Let the guest run (or, after a failure, say it trapped). */
	"	mov $1, %eax\n"
	"	test %rbp, %rbp\n"
	"	jz 23f\n"
	"	mov $2, %eax\n"
	"23:	xchg %eax, " S(O_STATE) "(%rdi)\n"
	"	mov $202, %eax\n"		/* futex wake: all */
	"	mov $1, %esi\n"
	"	mov $0x7fffffff, %edx\n"
	"	syscall\n"
	"	jmp 11b\n"
	"22:	mov $231, %eax\n"		/* exit_group(118) */
	"	mov $118, %edi\n"
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

/* Receive len bytes and up to two fds on fd 0; how many fds came. */
static int
recv_fds(void *data, size_t len, int fds[2])
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
	uint64_t cmsg_len;

	memset(cmsg.buf, 0, sizeof(cmsg.buf));
	if (sys3(NR_recvmsg, 0, &msg, 0) < 0)
		return 0;
	/* struct cmsghdr: len (8), level (4), type (4), then the fds. */
	memcpy(&cmsg_len, cmsg.buf, sizeof(cmsg_len));
	if (*(uint32_t *)(cmsg.buf + 8) != SOL_SOCKET_ ||
	    *(uint32_t *)(cmsg.buf + 12) != SCM_RIGHTS_ || cmsg_len < 20)
		return 0;
	memcpy(&fds[0], cmsg.buf + 16, sizeof(int));
	if (cmsg_len < 24)
		return 1;
	memcpy(&fds[1], cmsg.buf + 20, sizeof(int));
	return 2;
}

/* siginfo: si_signo, si_errno, si_code, then the union at 16. */
struct siginfo_head {
	int32_t signo, err, code, pad;
	uint64_t addr;			/* si_addr; SIGSYS: si_call_addr */
	int32_t syscall;		/* SIGSYS */
	uint32_t arch;			/* SIGSYS */
};

/*
 * The kernel has a batch for the ops thread, which shares this thread's
 * CPU: wake it here, where no wake-up crosses CPUs, and give it the CPU.
 */
static int
relay_ops(void)
{
	if (!__atomic_load_n(&ctl->ops_pending, __ATOMIC_RELAXED))
		return 0;
	__atomic_store_n(&ctl->ops_pending, 0, __ATOMIC_RELAXED);
	sys3(NR_futex, STUB_REQ, FUTEX_WAKE_, 1);
	sys0(NR_sched_yield);
	return 1;
}

/*
 * Every trap: hand it to the kernel, then park until it lets the guest
 * go on.  The park loop returns through the frame, not here.
 */
static __attribute__((noreturn)) void
handler(int sig, struct siginfo_head *si, void *uc)
{
	ctl->signo = (uint32_t)sig;
	ctl->code = si->code;
	ctl->addr = si->addr;
	ctl->arch = sig == SIGSYS_ ? si->arch : 0;
	ctl->uc = (uint64_t)uc;
	/* The kernel is woken only if it sleeps: the store, the fence and
	 * its flag's load pair with its own (user.c). */
	__atomic_store_n(&ctl->state, STUB_TRAPPED, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&ctl->kernel_sleeps, __ATOMIC_SEQ_CST))
		sys3(NR_futex, &ctl->state, FUTEX_WAKE_, 1);
	for (int spin = 0; spin < 2000; spin++) {
		if (__atomic_load_n(&ctl->state, __ATOMIC_ACQUIRE) ==
		    STUB_RUNNING ||
		    __atomic_load_n(&ctl->nap, __ATOMIC_RELAXED))
			break;
		if (!relay_ops())
			__builtin_ia32_pause();
	}
	/*
	 * Told to, yield for a while before sleeping: the stub that runs
	 * next on this CPU gets it at once, and when this one's turn comes
	 * soon (a pipe's other end answering), no wake-up has to cross
	 * CPUs, which costs far more than a local switch.  The kernel asks
	 * for it only when the thread was out briefly last time: the
	 * yields take turns on the CPU with the stub that runs.
	 */
	for (int y = 0; y < STUB_YIELDS &&
			__atomic_load_n(&ctl->nap, __ATOMIC_RELAXED) ==
			STUB_NAP_YIELD; y++) {
		if (__atomic_load_n(&ctl->state, __ATOMIC_ACQUIRE) ==
		    STUB_RUNNING)
			break;
		if (!relay_ops())
			sys0(NR_sched_yield);
	}
	gate_park();
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

/*
 * Instructions at fixed indices: jumps name their targets by index (T,
 * F) and the macros turn them into the offsets BPF wants.
 */
#define LD_W(i, off)	[i] = { 0x20, 0, 0, (off) }	/* A = data[off] */
#define LD_MEM(i, m)	[i] = { 0x60, 0, 0, (m) }	/* A = M[m] */
#define LDX_MEM(i, m)	[i] = { 0x61, 0, 0, (m) }	/* X = M[m] */
#define ST(i, m)	[i] = { 0x02, 0, 0, (m) }	/* M[m] = A */
#define ADD_X(i)	[i] = { 0x0c, 0, 0, 0 }		/* A += X */
#define ADD_K(i, k)	[i] = { 0x04, 0, 0, (k) }	/* A += k */
#define JMP_(i, op, k, t, f) \
	[i] = { (op), (uint8_t)((t) - (i) - 1), (uint8_t)((f) - (i) - 1), (k) }
#define JEQ(i, k, t, f)	JMP_(i, 0x15, k, t, f)
#define JGE(i, k, t, f)	JMP_(i, 0x35, k, t, f)
#define JGE_X(i, t, f)	JMP_(i, 0x3d, 0, t, f)
#define RET(i, k)	[i] = { 0x06, 0, 0, (k) }

#define OFF_NR		0
#define OFF_ARCH	4
#define OFF_IP_LO	8
#define OFF_IP_HI	12
#define OFF_ARG_LO(n)	(16 + 8 * (n))
#define OFF_ARG_HI(n)	(20 + 8 * (n))

static void
load_filter(const struct bpf_insn *prog, unsigned int len)
{
	struct {
		uint16_t len, pad[3];
		uint64_t filter;
	} fprog = { (uint16_t)len, { 0 }, (uint64_t)prog };

	if (sys3(NR_seccomp, SECCOMP_SET_MODE_FILTER_, 0, &fprog) != 0)
		die(122);
}

/* Both threads: trap calls from outside the gate; from it, allow what
 * either thread needs, memory operations only below STUB_BASE. */
static void
install_base_filter(void)
{
	const uint64_t lo = (uint64_t)gate_start, hi = (uint64_t)gate_end;
	const uint32_t top = (uint32_t)(STUB_BASE >> 32);
	enum { ALLOW = 47, KILL = 48, TRAP = 49 };
	const struct bpf_insn prog[] = {
		LD_W(0, OFF_ARCH),
		JEQ(1, AUDIT_ARCH_X86_64_, 2, TRAP),
		LD_W(2, OFF_IP_HI),
		JEQ(3, (uint32_t)(lo >> 32), 4, TRAP),
		LD_W(4, OFF_IP_LO),
		JGE(5, (uint32_t)lo, 6, TRAP),
		JGE(6, (uint32_t)hi, TRAP, 7),
		/* From the gate. */
		LD_W(7, OFF_NR),
		JEQ(8, NR_futex, ALLOW, 9),
		JEQ(9, NR_sched_yield, ALLOW, 10),
		JEQ(10, NR_rt_sigreturn, ALLOW, 11),
		JEQ(11, NR_write, ALLOW, 12),			/* replies */
		JEQ(12, NR_exit_group, ALLOW, 13),
		JEQ(13, NR_clone, ALLOW, 14),			/* start-up */
		JEQ(14, NR_rt_sigprocmask, ALLOW, 15),		/* start-up */
		JEQ(15, NR_seccomp, ALLOW, 16),			/* start-up */
		JEQ(16, NR_arch_prctl, 17, 19),
		LD_W(17, OFF_ARG_LO(0)),
		JEQ(18, ARCH_SET_FS_, ALLOW, KILL),
		JEQ(19, NR_mmap, 23, 20),
		JEQ(20, NR_munmap, 23, 21),
		JEQ(21, NR_mprotect, 23, 22),
		RET(22, SECCOMP_RET_KILL_PROCESS_),
		/* Memory ops: addr + len <= STUB_BASE, both under 2^47. */
		LD_W(23, OFF_ARG_HI(0)),
		JGE(24, top, KILL, 25),
		ST(25, 0),
		LD_W(26, OFF_ARG_HI(1)),
		/* len may reach STUB_BASE itself (addr 0: everything). */
		JGE(27, top + 1, KILL, 28),
		LDX_MEM(28, 0),
		ADD_X(29),
		ST(30, 1),					/* high sum */
		LD_W(31, OFF_ARG_LO(0)),
		ST(32, 2),
		LD_W(33, OFF_ARG_LO(1)),
		LDX_MEM(34, 2),
		ADD_X(35),					/* low sum */
		ST(36, 2),
		JGE_X(37, 41, 38),			/* no carry -> 41 */
		LD_MEM(38, 1),
		ADD_K(39, 1),
		ST(40, 1),
		LD_MEM(41, 1),
		JGE(42, top, 43, ALLOW),		/* high < top: allow */
		JGE(43, top + 1, KILL, 44),
		LD_MEM(44, 2),
		JEQ(45, 0, ALLOW, KILL),		/* low 0: == STUB_BASE */
		RET(46, SECCOMP_RET_KILL_PROCESS_),
		RET(ALLOW, SECCOMP_RET_ALLOW_),
		RET(KILL, SECCOMP_RET_KILL_PROCESS_),
		RET(TRAP, SECCOMP_RET_TRAP_),
	};

	load_filter(prog, sizeof(prog) / sizeof(prog[0]));
}

/* The guest thread, on top: from the gate only the calls the handler
 * and the park loop make.  Outside it the base filter traps. */
static void
install_guest_filter(void)
{
	const uint64_t lo = (uint64_t)gate_start, hi = (uint64_t)gate_end;
	enum { ALLOW = 13, KILL = 14 };
	const struct bpf_insn prog[] = {
		LD_W(0, OFF_ARCH),
		JEQ(1, AUDIT_ARCH_X86_64_, 2, ALLOW),	/* the base traps */
		LD_W(2, OFF_IP_HI),
		JEQ(3, (uint32_t)(lo >> 32), 4, ALLOW),
		LD_W(4, OFF_IP_LO),
		JGE(5, (uint32_t)lo, 6, ALLOW),
		JGE(6, (uint32_t)hi, ALLOW, 7),
		LD_W(7, OFF_NR),
		JEQ(8, NR_futex, ALLOW, 9),
		JEQ(9, NR_sched_yield, ALLOW, 10),
		JEQ(10, NR_rt_sigreturn, ALLOW, 11),
		JEQ(11, NR_exit_group, ALLOW, 12),
		JEQ(12, NR_arch_prctl, ALLOW, KILL),	/* the base: SET_FS */
		RET(ALLOW, SECCOMP_RET_ALLOW_),
		RET(KILL, SECCOMP_RET_KILL_PROCESS_),
	};

	load_filter(prog, sizeof(prog) / sizeof(prog[0]));
}

/* The set-up message the kernel sends on fd 0 with the area memfd and
 * the memory fd. */
struct stub_setup {
	uint64_t ppid;
	uint64_t area_len;		/* STUB_AREA_SIZE + STUB_REQ_SIZE */
};

void stub_main(void);

void
stub_main(void)
{
	struct stub_setup setup = { 0, 0 };
	uint64_t all = ~0ULL, none = 0;
	int fds[2] = { -1, -1 };

	if (recv_fds(&setup, sizeof(setup), fds) != 2)
		die(123);
	sys2(NR_prctl, PR_SET_PDEATHSIG_, SIGKILL_);
	if ((uint64_t)sys0(NR_getppid) != setup.ppid)
		die(124);
	sys2(NR_prctl, PR_SET_NAME_, "vmlinux-stub");
	if (sys6(NR_prctl, PR_SET_NO_NEW_PRIVS_, 1, 0, 0, 0, 0) != 0)
		die(125);
	if (setup.area_len != STUB_AREA_SIZE + STUB_REQ_SIZE ||
	    sys6(NR_mmap, STUB_AREAS, STUB_AREA_SIZE,
		 PROT_READ_ | PROT_WRITE_, MAP_SHARED_ | MAP_FIXED_, fds[0],
		 0) != (long)STUB_AREAS ||
	    sys6(NR_mmap, STUB_REQ, STUB_REQ_SIZE, PROT_READ_,
		 MAP_SHARED_ | MAP_FIXED_, fds[0], STUB_AREA_SIZE) !=
	    (long)STUB_REQ)
		die(126);
	sys1(NR_close, fds[0]);
	ctl->park_pc = (uint64_t)gate_park_after;
	install_handlers();
	sys2(NR_munmap, 0, STUB_BASE);
	sys2(NR_munmap, STUB_END, STUB_HOST_TOP - STUB_END);
	install_base_filter();
	/* The ops thread takes every signal blocked (the kernel sends it
	 * none); it inherits the base filter only. */
	sys4(NR_rt_sigprocmask, SIG_SETMASK_, &all, 0, 8);
	if (gate_start_ops(fds[1]) < 0)
		die(128);
	sys4(NR_rt_sigprocmask, SIG_SETMASK_, &none, 0, 8);
	install_guest_filter();
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
