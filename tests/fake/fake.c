/*
 * Fake arch for unit tests: implements arch-host/arch.h on the host with
 * malloc'd "physical memory", ucontext-based context switches, a clock the
 * test controls and interrupts raised by the test itself.  Core code linked
 * against it behaves as on the real machine, deterministically.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "core/sched.h"
#include "core/timer.h"
#include "core/trap.h"
#include "tests/fake/fake.h"

uint64_t fake_clock_ns = 1000000000ULL;
unsigned long fake_irq_count[8];
char fake_console[65536];
size_t fake_console_len;
int fake_exit_status = -1;
void (*fake_console_hook)(const char *buf, size_t len);
void (*fake_io_handler)(void);

static void *fake_mem;
static size_t fake_mem_size;
static int intr_enabled = 1;
static unsigned long intr_pending;

void
fake_physmem_init(size_t size)
{
	free(fake_mem);
	if (posix_memalign(&fake_mem, 1 << 22, size) != 0)
		abort();
	memset(fake_mem, 0x5a, size);
	fake_mem_size = size;
}

void *
arch_physmem_base(void)
{
	return fake_mem;
}

size_t
arch_physmem_size(void)
{
	return fake_mem_size;
}

void
arch_exit(int status)
{
	fake_exit_status = status;
	fflush(stdout);
	_exit(status);
}

void
arch_backtrace(void)
{
	static const char msg[] = "Call Trace: (fake arch)\n";

	arch_console_write(msg, sizeof(msg) - 1);
}

int
arch_host_pid(void)
{
	return getpid();
}

static void
dispatch(int irq)
{
	fake_irq_count[irq]++;
	if (irq == IRQ_TIMER)
		trap_timer();
	else if (irq == IRQ_IO && fake_io_handler != NULL)
		fake_io_handler();
}

/* Run pending interrupts the way the real arch does on enable. */
static void
intr_replay(void)
{
	while (intr_pending) {
		unsigned long p = intr_pending;

		intr_pending = 0;
		intr_enabled = 0;
		for (int i = 0; i < NR_IRQS; i++)
			if (p & (1UL << i))
				dispatch(i);
		trap_preempt();
		intr_enabled = 1;
	}
}

unsigned long
arch_intr_save(void)
{
	unsigned long s = intr_enabled;

	intr_enabled = 0;
	return s;
}

void
arch_intr_restore(unsigned long s)
{
	if (s)
		arch_intr_enable();
}

void
arch_intr_enable(void)
{
	intr_enabled = 1;
	intr_replay();
}

void
arch_intr_disable(void)
{
	intr_enabled = 0;
}

bool
arch_intr_enabled(void)
{
	return intr_enabled;
}

bool
arch_in_interrupt(void)
{
	return false;
}

void
fake_raise_irq(int irq)
{
	intr_pending |= 1UL << irq;
	if (intr_enabled)
		intr_replay();
}

void
fake_tick(unsigned int n)
{
	fake_clock_ns += (uint64_t)n * NSEC_PER_JIFFY;
	fake_raise_irq(IRQ_TIMER);
}

/*
 * Idle with nothing runnable: jump the clock to the next timer, as if the
 * host slept that long.  With no timer nothing can ever wake a task: the
 * test deadlocked, which is a failure.
 */
void
arch_idle(uint64_t timeout_ns)
{
	if (intr_pending)
		return;
	if (timeout_ns == UINT64_MAX) {
		fprintf(stderr, "fake arch: idle with no timer pending: "
			"every task sleeps forever\n");
		abort();
	}
	fake_clock_ns += timeout_ns;
	intr_pending |= 1UL << IRQ_TIMER;
}

void
fake_idle_until(volatile int *alive)
{
	while (*alive > 0) {
		unsigned long s = arch_intr_save();

		if (!sched_need_resched())
			arch_idle(ktimer_next_ns());
		arch_intr_restore(s);
		schedule();
	}
}

int
arch_stack_alloc(size_t size, void **stack)
{
	*stack = malloc(size);
	return *stack ? 0 : -12;
}

void
arch_stack_free(void *stack, size_t size)
{
	(void)size;
	free(stack);
}

/* ctx->w[0]: ucontext_t *; w[1]: fn; w[2]: arg. */
static struct arch_ctx *starting;

static void
ctx_trampoline(void)
{
	struct arch_ctx *c = starting;
	void (*fn)(void *) = (void (*)(void *))c->w[1];

	fn((void *)c->w[2]);
	abort();
}

/*
 * The ucontext_t of a new context lives at the base of its own stack, so
 * it goes when the stack is freed; the boot context gets a static one.
 */
void
arch_ctx_init(struct arch_ctx *ctx, void *stack, size_t size,
	      void (*fn)(void *), void *arg)
{
	ucontext_t *uc = stack;
	size_t skip = (sizeof(*uc) + 63) & ~(size_t)63;

	memset(uc, 0, sizeof(*uc));
	if (getcontext(uc) != 0)
		abort();
	uc->uc_stack.ss_sp = (char *)stack + skip;
	uc->uc_stack.ss_size = size - skip;
	uc->uc_link = NULL;
	makecontext(uc, ctx_trampoline, 0);
	memset(ctx, 0, sizeof(*ctx));
	ctx->w[0] = (unsigned long)uc;
	ctx->w[1] = (unsigned long)fn;
	ctx->w[2] = (unsigned long)arg;
}

void
arch_switch(struct arch_ctx *prev, struct arch_ctx *next)
{
	static ucontext_t boot_uc;

	if (prev->w[0] == 0)
		prev->w[0] = (unsigned long)&boot_uc;
	starting = next;
	if (swapcontext((ucontext_t *)prev->w[0], (ucontext_t *)next->w[0]))
		abort();
}

void
arch_mem_poison(const void *addr, size_t len)
{
	(void)addr;
	(void)len;
}

void
arch_mem_unpoison(const void *addr, size_t len)
{
	(void)addr;
	(void)len;
}

uint64_t
arch_clock_monotonic(void)
{
	return fake_clock_ns;
}

uint64_t
arch_clock_realtime(void)
{
	return 1700000000ULL * 1000000000ULL + fake_clock_ns;
}

int
arch_timer_start(unsigned int hz)
{
	(void)hz;
	return 0;
}

void
arch_console_write(const char *buf, size_t len)
{
	size_t room = sizeof(fake_console) - 1 - fake_console_len;

	if (len > room)
		len = room;
	memcpy(fake_console + fake_console_len, buf, len);
	fake_console_len += len;
	fake_console[fake_console_len] = '\0';
	if (fake_console_hook != NULL)
		fake_console_hook(buf, len);
}

/* The tty's output goes to the same record as the kernel's. */
void
arch_console_write_raw(const char *buf, size_t len)
{
	arch_console_write(buf, len);
}

/* No host input: neither stdin nor stdout is a terminal. */
int
arch_console_input_start(void)
{
	return 0;
}

long
arch_console_read(char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return 0;
}

int
arch_console_winsize(unsigned short *rows, unsigned short *cols)
{
	(void)rows;
	(void)cols;
	return -ENOTTY;
}

bool
arch_console_resized(void)
{
	return false;
}

/* Deterministic "randomness" for tests: a counter pattern. */
void
arch_random_bytes(void *buf, size_t len)
{
	static unsigned char next;
	unsigned char *p = buf;

	while (len-- > 0)
		*p++ = next++;
}

void
fake_console_clear(void)
{
	fake_console_len = 0;
	fake_console[0] = '\0';
}

/* ---- user mode: stubs that only record the memory operations ---- */

struct arch_user {
	int id;
};

struct fake_user_op fake_user_ops[FAKE_USER_MAX_OPS];
unsigned long fake_user_nr_ops;
int fake_user_live;

void
fake_user_clear(void)
{
	fake_user_nr_ops = 0;
}

static int
fake_user_record(struct arch_user *u, int type, uint64_t addr, uint64_t len,
		 uint64_t pa, int prot)
{
	if ((addr | len | pa) & 4095 || len == 0 || addr >= ARCH_USER_TOP ||
	    len > ARCH_USER_TOP - addr)
		return -22;	/* EINVAL, as the real queue */
	if (fake_user_nr_ops < FAKE_USER_MAX_OPS)
		fake_user_ops[fake_user_nr_ops] = (struct fake_user_op){
			.u = u, .type = type, .addr = addr, .len = len,
			.pa = pa, .prot = prot,
		};
	fake_user_nr_ops++;
	return 0;
}

int
arch_user_create(struct arch_user **out)
{
	static int next_id;

	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return -12;
	(*out)->id = ++next_id;
	fake_user_live++;
	return 0;
}

void
arch_user_destroy(struct arch_user *u)
{
	free(u);
	fake_user_live--;
}

int
arch_user_map(struct arch_user *u, uint64_t addr, uint64_t len, uint64_t pa,
	      int prot)
{
	if (pa >= fake_mem_size || len > fake_mem_size - pa)
		return -22;
	return fake_user_record(u, FAKE_USER_MAP, addr, len, pa, prot);
}

int
arch_user_unmap(struct arch_user *u, uint64_t addr, uint64_t len)
{
	return fake_user_record(u, FAKE_USER_UNMAP, addr, len, 0, 0);
}

int
arch_user_protect(struct arch_user *u, uint64_t addr, uint64_t len, int prot)
{
	return fake_user_record(u, FAKE_USER_PROTECT, addr, len, 0, prot);
}

bool
arch_user_synced(const struct arch_user *u)
{
	(void)u;
	return true;
}

bool
arch_user_parked(struct arch_user *u)
{
	(void)u;
	return false;
}

int
arch_user_claim(struct arch_user *u)
{
	(void)u;
	return 0;
}

int
arch_user_flush(struct arch_user *u)
{
	(void)u;
	return 0;
}

int
arch_run_user(struct arch_user *u, struct user_regs *regs,
	      struct arch_trap *t)
{
	(void)u;
	(void)regs;
	t->kind = ARCH_TRAP_DEAD;
	return 0;
}

void
arch_user_kick(struct arch_user *u)
{
	(void)u;
}

void
arch_user_nap(struct arch_user *u)
{
	(void)u;
}

void
arch_user_nap_now(void)
{
}

bool
arch_user_dead(const struct arch_user *u)
{
	(void)u;
	return false;
}
