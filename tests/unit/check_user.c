/*
 * Check suite for user mode in stub processes (arch-host/user.c and the
 * stub): guest machine code, defined below, is copied into physical
 * memory, mapped into a stub and run with arch_run_user().  Each trap
 * comes back with the right reason and registers: system calls (their
 * number, result, a foreign int 0x80), faults with address and access,
 * ud2, a kick from another thread, a stub killed on the host.  A guest
 * that calls the stub's gate may yield but dies when it asks for a memory
 * operation.  A used stub is reusable only while its guest thread sleeps
 * in the park loop: not after guest code faked a trap and went to sleep
 * elsewhere.  Stubs never outlive arch_user_destroy().
 */
#include <check.h>

#include "tests/unit/unit.h"
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arch-host/arch.h"
#include "arch-host/host.h"
#include "arch-host/stub/stub.h"

const char *host_progname = "check_user";

#define CODE_VA		0x400000UL
#define DATA_VA		0x500000UL
#define RO_VA		0x600000UL
#define STACK_VA	0x7ff000UL
#define PA_CODE		0x0UL
#define PA_DATA		0x10000UL
#define PA_STACK	0x20000UL

extern const char guest_main[], guest_main_end[];
extern const char guest_gate[], guest_gate_end[];
extern const char guest_forge[], guest_forge_end[];

__asm__(
	".pushsection .rodata\n"
	"guest_main:\n"
	"	mov $39, %eax\n"
	"	syscall\n"			/* 1: getpid */
	"	mov %rax, %rbx\n"
	"	mov $60, %eax\n"
	"	syscall\n"			/* 2: rbx = the result */
	"	movq $7, 0x500000\n"		/* 3: write fault */
	"	mov 0x500000, %rsi\n"
	"	mov %fs:0, %rdx\n"
	"	mov $1, %eax\n"
	"	syscall\n"			/* 4: rsi, rdx = 7 */
	"	mov $20, %eax\n"
	"	int $0x80\n"			/* 5: foreign */
	"	ud2\n"				/* 6: SIGILL */
	"	movq $1, 0x600000\n"		/* 7, 8: faults */
	"	mov $2, %eax\n"
	"	syscall\n"			/* 9 */
	"1:	jmp 1b\n"			/* 10: kicked; 11: killed */
	"guest_main_end:\n"
	"guest_gate:\n"
	"	mov $24, %edi\n"		/* sched_yield: allowed */
	"	mov $0x7f0000010000, %rax\n"
	"	call *%rax\n"
	"	mov %rax, %rbx\n"
	"	mov $3, %eax\n"
	"	syscall\n"			/* rbx = 0 */
	"	mov $11, %edi\n"		/* munmap of its own page */
	"	mov $0x700000, %esi\n"
	"	mov $0x1000, %edx\n"
	"	mov $0x7f0000010000, %rax\n"
	"	call *%rax\n"			/* killed */
	"	mov $4, %eax\n"
	"	syscall\n"
	"guest_gate_end:\n"
	"guest_forge:\n"
	"	mov $0x7f0040000000, %rax\n"
	"	movl $2, (%rax)\n"		/* state: STUB_TRAPPED */
	"	mov $202, %edi\n"		/* then sleep on its own */
	"	mov $0x500000, %esi\n"		/* futex, at the gate */
	"	mov $0x80, %edx\n"		/* FUTEX_WAIT_PRIVATE */
	"	mov $0xcccccccc, %ecx\n"
	"	xor %r8d, %r8d\n"
	"	mov $0x7f0000010000, %rax\n"
	"	call *%rax\n"
	"	ud2\n"
	"guest_forge_end:\n"
	".popsection\n");

/* The stub-death interrupt: counted (arch-host/intr.c is not linked). */
static int irq_user_raised;

void
intr_raise(int irq)
{
	(void)irq;
	__atomic_fetch_add(&irq_user_raised, 1, __ATOMIC_SEQ_CST);
}

static void
setup(void)
{
	static bool done;

	if (!done) {
		ck_assert_int_eq(physmem_init(16 << 20), 0);
		done = true;
	}
}

/* A stub with code at CODE_VA, a stack page, registers to start it. */
static struct arch_user *
start_guest(const char *code, const char *end, struct user_regs *r)
{
	struct arch_user *u;
	char *pm = arch_physmem_base();

	ck_assert_int_eq(arch_user_create(&u), 0);
	memset(pm, 0xcc, 0x30000);
	memcpy(pm + PA_CODE, code, (size_t)(end - code));
	ck_assert_int_eq(arch_user_map(u, CODE_VA, 0x1000, PA_CODE,
				       ARCH_PROT_READ | ARCH_PROT_EXEC), 0);
	ck_assert_int_eq(arch_user_map(u, STACK_VA, 0x1000, PA_STACK,
				       ARCH_PROT_READ | ARCH_PROT_WRITE), 0);
	memset(r, 0, sizeof(*r));
	r->rip = CODE_VA;
	r->rsp = STACK_VA + 0x800;
	return u;
}

static void
expect(struct arch_user *u, struct user_regs *r, int kind, struct arch_trap *t)
{
	ck_assert_int_eq(arch_run_user(u, r, t), 0);
	ck_assert_msg(t->kind == kind, "trap %d (signal %d at %#lx), "
		      "expected %d", t->kind, t->hostsig,
		      (unsigned long)r->rip, kind);
}

static void *
kicker(void *arg)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	arch_user_kick(arg);
	return NULL;
}

static void *
killer(void *arg)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	kill(arch_user_host_pid(arg), SIGKILL);
	return NULL;
}

START_TEST(test_user_traps)
{
	struct user_regs r;
	struct arch_trap t;
	struct arch_user *u = start_guest(guest_main, guest_main_end, &r);
	pthread_t th;

	expect(u, &r, ARCH_TRAP_SYSCALL, &t);
	ck_assert_uint_eq(r.rax, 39);
	ck_assert(!t.foreign);
	ck_assert_uint_eq(r.rip, CODE_VA + 7);
	r.rax = 1234;
	expect(u, &r, ARCH_TRAP_SYSCALL, &t);
	ck_assert_uint_eq(r.rax, 60);
	ck_assert_uint_eq(r.rbx, 1234);

	expect(u, &r, ARCH_TRAP_FAULT, &t);
	ck_assert_uint_eq(t.addr, DATA_VA);
	ck_assert_int_eq(t.access, ARCH_ACCESS_WRITE);
	ck_assert_int_eq(arch_user_map(u, DATA_VA, 0x1000, PA_DATA,
				       ARCH_PROT_READ | ARCH_PROT_WRITE), 0);
	r.fs_base = DATA_VA;
	expect(u, &r, ARCH_TRAP_SYSCALL, &t);
	ck_assert_uint_eq(r.rax, 1);
	ck_assert_uint_eq(r.rsi, 7);
	ck_assert_uint_eq(r.rcx, CODE_VA + 0x35);	/* syscall sets it */
	ck_assert_uint_eq(r.rdx, 7);
	ck_assert_uint_eq(*(uint64_t *)((char *)arch_physmem_base() +
					PA_DATA), 7);

	expect(u, &r, ARCH_TRAP_SYSCALL, &t);
	ck_assert(t.foreign);
	expect(u, &r, ARCH_TRAP_SIGNAL, &t);
	ck_assert_int_eq(t.hostsig, SIGILL);
	r.rip += 2;

	expect(u, &r, ARCH_TRAP_FAULT, &t);
	ck_assert_uint_eq(t.addr, RO_VA);
	ck_assert_int_eq(t.access, ARCH_ACCESS_WRITE);
	ck_assert_int_eq(arch_user_map(u, RO_VA, 0x1000, PA_DATA,
				       ARCH_PROT_READ), 0);
	expect(u, &r, ARCH_TRAP_FAULT, &t);
	ck_assert_int_eq(t.access, ARCH_ACCESS_WRITE | ARCH_ACCESS_PRESENT);
	ck_assert_int_eq(arch_user_protect(u, RO_VA, 0x1000,
					   ARCH_PROT_READ | ARCH_PROT_WRITE),
			 0);
	expect(u, &r, ARCH_TRAP_SYSCALL, &t);
	ck_assert_uint_eq(r.rax, 2);
	ck_assert_uint_eq(*(uint64_t *)((char *)arch_physmem_base() +
					PA_DATA), 1);

	pthread_create(&th, NULL, kicker, u);
	expect(u, &r, ARCH_TRAP_INTERRUPTED, &t);
	pthread_join(th, NULL);
	pthread_create(&th, NULL, killer, u);
	expect(u, &r, ARCH_TRAP_DEAD, &t);
	pthread_join(th, NULL);
	ck_assert(arch_user_dead(u));
	/* The death was raised as IRQ_USER for the kernel. */
	ck_assert_int_ge(__atomic_load_n(&irq_user_raised, __ATOMIC_SEQ_CST),
			 1);
	arch_user_destroy(u);
}
END_TEST

START_TEST(test_user_gate_guarded)
{
	struct user_regs r;
	struct arch_trap t;
	struct arch_user *u = start_guest(guest_gate, guest_gate_end, &r);

	ck_assert_int_eq(arch_user_map(u, 0x700000, 0x1000, PA_DATA,
				       ARCH_PROT_READ), 0);
	expect(u, &r, ARCH_TRAP_SYSCALL, &t);
	ck_assert_uint_eq(r.rax, 3);
	ck_assert_uint_eq(r.rbx, 0);
	expect(u, &r, ARCH_TRAP_DEAD, &t);
	arch_user_destroy(u);
}
END_TEST

/* Wait until the stub's guest thread sleeps in a futex on addr. */
static void
wait_futex_at(struct arch_user *u, unsigned long addr)
{
	char path[64], buf[256], want[32];

	snprintf(path, sizeof(path), "/proc/%d/syscall",
		 (int)arch_user_host_pid(u));
	snprintf(want, sizeof(want), "202 %#lx ", addr);
	for (int i = 0; i < 1000; i++) {
		FILE *f = fopen(path, "r");

		ck_assert_ptr_nonnull(f);
		if (fgets(buf, sizeof(buf), f) == NULL)
			buf[0] = '\0';
		fclose(f);
		if (strncmp(buf, want, strlen(want)) == 0)
			return;
		usleep(1000);
	}
	ck_abort_msg("the guest never slept: %s", buf);
}

/* A stub whose guest trapped honestly is reusable; one whose guest
 * faked a trap and sleeps elsewhere is not, even with its memory gone. */
START_TEST(test_user_claim)
{
	struct user_regs r;
	struct arch_trap t;
	struct arch_user *u = start_guest(guest_main, guest_main_end, &r);

	ck_assert_int_eq(arch_user_claim(u), 0);	/* never ran */
	expect(u, &r, ARCH_TRAP_SYSCALL, &t);
	ck_assert_int_eq(arch_user_reset(u), 0);
	ck_assert_int_eq(arch_user_flush(u), 0);
	ck_assert_int_eq(arch_user_claim(u), 0);
	arch_user_destroy(u);

	u = start_guest(guest_forge, guest_forge_end, &r);
	ck_assert_int_eq(arch_user_map(u, DATA_VA, 0x1000, PA_DATA,
				       ARCH_PROT_READ | ARCH_PROT_WRITE), 0);
	ck_assert_int_eq(arch_run_user(u, &r, &t), 0);
	wait_futex_at(u, DATA_VA);
	ck_assert_int_eq(arch_user_reset(u), 0);
	ck_assert_int_eq(arch_user_flush(u), 0);
	ck_assert_int_ne(arch_user_claim(u), 0);
	arch_user_destroy(u);
}
END_TEST

/* Children of this process, over all its threads. */
static int
count_children(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		char path[300], buf[4096];
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/children",
			 e->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		while (fscanf(f, "%4095s", buf) == 1)
			n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

START_TEST(test_user_no_stub_leaks)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	struct user_regs r;
	struct arch_trap t;

	for (int i = 0; i < 100; i++) {
		struct arch_user *u = start_guest(guest_main, guest_main_end,
						  &r);

		expect(u, &r, ARCH_TRAP_SYSCALL, &t);
		arch_user_destroy(u);
	}
	for (int i = 0; i < 300 && count_children() > 0; i++)
		nanosleep(&ts, NULL);
	ck_assert_int_eq(count_children(), 0);
}
END_TEST

static Suite *
user_suite(void)
{
	Suite *s = suite_create("user");
	TCase *tc = tcase_create("stub");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_user_traps);
	tcase_add_test(tc, test_user_gate_guarded);
	tcase_add_test(tc, test_user_claim);
	tcase_add_test(tc, test_user_no_stub_leaks);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(user_suite());

	return unit_run(sr, CK_ENV);
}
