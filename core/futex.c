/*
 * Futexes: futex(2) with FUTEX_WAIT, FUTEX_WAKE, the bitset variants,
 * FUTEX_REQUEUE, FUTEX_CMP_REQUEUE and FUTEX_WAKE_OP (the
 * priority-inheritance operations are -ENOSYS).  A futex is known by a
 * key: (struct mm, guest address) with FUTEX_PRIVATE_FLAG or in private
 * memory; without the flag, in MAP_SHARED memory, what mm_futex_key()
 * says (the inode and file offset, or the frame), so that processes
 * sharing the memory meet on it.
 *
 * A waiter is a struct futex_q on its own kernel stack, queued on one of
 * FUTEX_BUCKETS hash buckets.  The bucket's mutex guards its list and is
 * held while FUTEX_WAIT reads the futex word and queues the waiter, and
 * while a waker dequeues waiters, so a wake-up between the check and the
 * sleep is never lost.  Reading the word may fault and sleep, hence a
 * mutex rather than disabled interrupts.  A waker unlinks the waiter
 * and sets q->woken; a waiter that gives up (timeout, signal) unlinks
 * itself unless a waker already did, in which case it reports success.
 * Requeueing moves a waiter to another bucket under both buckets' locks.
 *
 * Timeouts use a ktimer (on time while the vCPU idles, else at the next
 * tick).
 *
 * Locking: [b] fields are guarded by the lock of the waiter's bucket
 * (q->bucket), [i] by disabling interrupts, [I] are fixed.  Lock order:
 * bucket locks by ascending address, then mm->lock (taken by copyin
 * when it faults).
 */
#include "arch-host/arch.h"
#include "core/abi.h"
#include "core/errno.h"
#include "core/futex.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/mutex.h"
#include "core/process.h"
#include "core/syscall.h"
#include "core/timer.h"

#define KFUTEX_WAIT		0
#define KFUTEX_WAKE		1
#define KFUTEX_REQUEUE		3
#define KFUTEX_CMP_REQUEUE	4
#define KFUTEX_WAKE_OP		5
#define KFUTEX_WAIT_BITSET	9
#define KFUTEX_WAKE_BITSET	10
#define KFUTEX_PRIVATE_FLAG	128
#define KFUTEX_CLOCK_REALTIME	256
#define KFUTEX_BITSET_ANY	0xffffffffU

/* FUTEX_WAKE_OP's encoded operation. */
#define KFUTEX_OP_SET		0
#define KFUTEX_OP_ADD		1
#define KFUTEX_OP_OR		2
#define KFUTEX_OP_ANDN		3
#define KFUTEX_OP_XOR		4
#define KFUTEX_OP_OPARG_SHIFT	8U
#define KFUTEX_OP_CMP_EQ	0
#define KFUTEX_OP_CMP_NE	1
#define KFUTEX_OP_CMP_LT	2
#define KFUTEX_OP_CMP_LE	3
#define KFUTEX_OP_CMP_GT	4
#define KFUTEX_OP_CMP_GE	5

#define FUTEX_BUCKETS_SHIFT	6
#define FUTEX_BUCKETS		(1 << FUTEX_BUCKETS_SHIFT)
#define FUTEX_NO_DEADLINE	UINT64_MAX
/* Deadlines stop here (292 years) so tick arithmetic cannot overflow. */
#define FUTEX_MAX_DEADLINE	(UINT64_MAX / 2)

struct futex_bucket {
	struct mutex lock;
	struct list_head waiters;	/* [lock] struct futex_q.node */
};

/* What a futex is known by (see above). */
struct futex_key {
	const void *obj;		/* mm, inode or frame */
	uint64_t off;			/* guest address or offset */
};

struct futex_q {
	struct list_head node;		/* [b] in bucket->waiters */
	struct task *task;		/* [I] the waiting thread */
	struct futex_key key;		/* [b] changed by requeue */
	uint32_t bitset;		/* [I] */
	struct futex_bucket *bucket;	/* [b] both buckets' locks */
	bool woken;			/* [b] set by a waker */
};

/* A waiter's timeout. */
struct futex_timer {
	struct ktimer timer;
	struct task *task;		/* [I] */
	volatile bool fired;		/* [i] */
};

static struct futex_bucket buckets[FUTEX_BUCKETS];
static bool buckets_ready;		/* [i] set once */

static bool
key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->obj == b->obj && a->off == b->off;
}

/*
 * The key of the futex at uaddr of mm (4-byte aligned): private ones
 * need no look-up.  0 or -EFAULT.
 */
static int
key_of(struct mm *mm, uintptr_t uaddr, bool private, struct futex_key *k)
{
	if (private) {
		k->obj = mm;
		k->off = uaddr;
		return 0;
	}
	return mm_futex_key(mm, uaddr, &k->obj, &k->off);
}

/* The bucket of key k; sets the table up on first use. */
static struct futex_bucket *
bucket_of(const struct futex_key *k)
{
	uint64_t h = (k->off >> 2) ^ ((uint64_t)(uintptr_t)k->obj >> 6);
	unsigned long s;

	if (!__atomic_load_n(&buckets_ready, __ATOMIC_ACQUIRE)) {
		/* Plain stores that cannot sleep: no one else runs here. */
		s = arch_intr_save();
		for (int i = 0; i < FUTEX_BUCKETS && !buckets_ready; i++) {
			mutex_init(&buckets[i].lock, "futex");
			list_init(&buckets[i].waiters);
		}
		__atomic_store_n(&buckets_ready, true, __ATOMIC_RELEASE);
		arch_intr_restore(s);
	}
	h *= 0x9e3779b97f4a7c15ULL;
	return &buckets[h >> (64 - FUTEX_BUCKETS_SHIFT)];
}

/* Lock two buckets (perhaps the same one) in address order. */
static void
buckets_lock(struct futex_bucket *a, struct futex_bucket *b)
{
	if (a > b) {
		struct futex_bucket *t = a;

		a = b;
		b = t;
	}
	mutex_lock(&a->lock);
	if (b != a)
		mutex_lock(&b->lock);
}

static void
buckets_unlock(struct futex_bucket *a, struct futex_bucket *b)
{
	if (b != a)
		mutex_unlock(&b->lock);
	mutex_unlock(&a->lock);
}

/* Dequeue q and wake its thread; the caller holds q's bucket lock. */
static void
futex_q_wake(struct futex_q *q)
{
	struct task *t = q->task;

	/* Once woken is set, q (on the waiter's stack) may vanish. */
	task_get(t);
	list_del(&q->node);
	__atomic_store_n(&q->woken, true, __ATOMIC_RELEASE);
	sched_wake(t);
	task_put(t);
}

/* Wake up to nr waiters of key k in b whose bitset meets bitset
 * (at least one, as Linux); the caller holds b's lock. */
static int
futex_wake_locked(struct futex_bucket *b, const struct futex_key *k, int nr,
		  uint32_t bitset)
{
	struct futex_q *q, *tmp;
	int n = 0;

	list_for_each_entry_safe(q, tmp, &b->waiters, node) {
		if (!key_eq(&q->key, k) || !(q->bitset & bitset))
			continue;
		futex_q_wake(q);
		if (++n >= nr)
			break;
	}
	return n;
}

/* FUTEX_WAKE and FUTEX_WAKE_BITSET. */
static int
futex_do_wake(struct mm *mm, uintptr_t uaddr, bool private, int nr,
	      uint32_t bitset)
{
	struct futex_bucket *b;
	struct futex_key k;
	int n;

	if (bitset == 0)
		return -EINVAL;
	if (key_of(mm, uaddr, private, &k) != 0)
		return -EFAULT;
	b = bucket_of(&k);
	mutex_lock(&b->lock);
	n = futex_wake_locked(b, &k, nr, bitset);
	mutex_unlock(&b->lock);
	return n;
}

/* Shared, as Linux wakes the CLONE_CHILD_CLEARTID word. */
int
futex_wake(struct mm *mm, uintptr_t uaddr, int nr)
{
	if (uaddr & 3)
		return -EINVAL;
	return futex_do_wake(mm, uaddr, false, nr, KFUTEX_BITSET_ANY);
}

/* Take q off its bucket unless a waker did: true if it was queued. */
static bool
futex_unqueue(struct futex_q *q)
{
	struct futex_bucket *b;
	bool queued;

	/* A requeue may move q while we wait for the lock: retry. */
	for (;;) {
		b = __atomic_load_n(&q->bucket, __ATOMIC_ACQUIRE);
		mutex_lock(&b->lock);
		if (b == q->bucket)
			break;
		mutex_unlock(&b->lock);
	}
	queued = !list_empty(&q->node);
	if (queued)
		list_del(&q->node);
	mutex_unlock(&b->lock);
	return queued;
}

/* The waiter's timeout expired.  Interrupt context. */
static void
futex_timer_fire(struct ktimer *t)
{
	struct futex_timer *ft = container_of(t, struct futex_timer, timer);

	ft->fired = true;
	sched_wake(ft->task);
}

/* Sleep until q is woken, the deadline passes or a signal comes:
 * 0, -ETIMEDOUT or -EINTR. */
static int
futex_sleep(struct futex_q *q, uint64_t deadline)
{
	struct futex_timer ft = { .task = current, .fired = false };
	unsigned long s;
	int ret;

	ktimer_init(&ft.timer, futex_timer_fire);
	if (deadline != FUTEX_NO_DEADLINE) {
		if (deadline <= ktime_ns())
			ft.fired = true;
		else
			ktimer_add_ns(&ft.timer, deadline);
	}
	for (;;) {
		/* State first, then the conditions: no wake-up is lost. */
		s = arch_intr_save();
		current->state = TASK_INTERRUPTIBLE;
		ret = 0;
		if (__atomic_load_n(&q->woken, __ATOMIC_ACQUIRE))
			break;
		ret = -ETIMEDOUT;
		if (ft.fired)
			break;
		ret = -EINTR;
		if (signal_pending())
			break;
		schedule();
		arch_intr_restore(s);
	}
	current->state = TASK_RUNNING;
	arch_intr_restore(s);
	ktimer_del(&ft.timer);
	return ret;
}

/* FUTEX_WAIT and FUTEX_WAIT_BITSET: 0, -EAGAIN, -EFAULT, -EINVAL,
 * -ETIMEDOUT, -EINTR or (no timeout) -ERESTARTSYS. */
static int
futex_wait(struct mm *mm, uintptr_t uaddr, bool private, uint32_t val,
	   uint32_t bitset, uint64_t deadline)
{
	struct futex_bucket *b;
	struct futex_q q = {
		.task = current, .bitset = bitset, .woken = false,
	};
	uint32_t cur;
	int ret;

	if (bitset == 0)
		return -EINVAL;
	if (key_of(mm, uaddr, private, &q.key) != 0)
		return -EFAULT;
	b = q.bucket = bucket_of(&q.key);
	mutex_lock(&b->lock);
	if (copyin(&cur, uaddr, sizeof(cur)) != 0) {
		mutex_unlock(&b->lock);
		return -EFAULT;
	}
	if (cur != val) {
		mutex_unlock(&b->lock);
		return -EAGAIN;
	}
	list_add_tail(&q.node, &b->waiters);
	mutex_unlock(&b->lock);
	ret = futex_sleep(&q, deadline);
	/* Woken while giving up: the wake-up counts. */
	if (ret != 0 && !futex_unqueue(&q))
		ret = 0;
	/* As Linux: without a timeout, SA_RESTART restarts the wait. */
	if (ret == -EINTR && deadline == FUTEX_NO_DEADLINE)
		ret = -ERESTARTSYS;
	return ret;
}

/* Move q from its bucket to (to, k2); both locks are held. */
static void
futex_q_requeue(struct futex_q *q, struct futex_bucket *to,
		const struct futex_key *k2)
{
	if (q->bucket != to) {
		list_del(&q->node);
		list_add_tail(&q->node, &to->waiters);
		__atomic_store_n(&q->bucket, to, __ATOMIC_RELEASE);
	}
	q->key = *k2;
}

/* The keys and buckets of two futexes: 0 or -EFAULT. */
static int
keys_of(struct mm *mm, uintptr_t uaddr, uintptr_t uaddr2, bool private,
	struct futex_key k[2], struct futex_bucket *b[2])
{
	if (key_of(mm, uaddr, private, &k[0]) != 0 ||
	    key_of(mm, uaddr2, private, &k[1]) != 0)
		return -EFAULT;
	b[0] = bucket_of(&k[0]);
	b[1] = bucket_of(&k[1]);
	return 0;
}

/*
 * FUTEX_REQUEUE and FUTEX_CMP_REQUEUE (cmp: first check that the word at
 * uaddr is still cmpval): wake nr_wake waiters of uaddr and move up to
 * nr_requeue more to uaddr2.  Returns how many were woken or moved, or
 * -EINVAL, -EFAULT, -EAGAIN.
 */
static int
futex_requeue(struct mm *mm, uintptr_t uaddr, uintptr_t uaddr2, bool private,
	      int nr_wake, int nr_requeue, bool cmp, uint32_t cmpval)
{
	struct futex_bucket *b[2];
	struct futex_key k[2];
	struct futex_q *q, *tmp;
	uint32_t cur;
	int count = 0;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	if (keys_of(mm, uaddr, uaddr2, private, k, b) != 0)
		return -EFAULT;
	buckets_lock(b[0], b[1]);
	if (cmp && copyin(&cur, uaddr, sizeof(cur)) != 0)
		count = -EFAULT;
	else if (cmp && cur != cmpval)
		count = -EAGAIN;
	if (count < 0)
		goto out;
	list_for_each_entry_safe(q, tmp, &b[0]->waiters, node) {
		if (count - nr_wake >= nr_requeue)
			break;
		if (!key_eq(&q->key, &k[0]))
			continue;
		if (++count <= nr_wake)
			futex_q_wake(q);
		else
			futex_q_requeue(q, b[1], &k[1]);
	}
out:
	buckets_unlock(b[0], b[1]);
	return count;
}

/* Sign-extend the low 12 bits of x. */
static int32_t
sext12(uint32_t x)
{
	return (int32_t)(x << 20) >> 20;
}

/* Apply FUTEX_WAKE_OP's operation to old: 0 or -ENOSYS. */
static int
futex_op_apply(uint32_t encoded, uint32_t old, uint32_t *new)
{
	unsigned int op = (encoded >> 28) & 7;
	int32_t oparg = sext12(encoded >> 12);

	if (encoded & (KFUTEX_OP_OPARG_SHIFT << 28))
		oparg = (int32_t)(1U << (oparg & 31));
	switch (op) {
	case KFUTEX_OP_SET:
		*new = (uint32_t)oparg;
		return 0;
	case KFUTEX_OP_ADD:
		*new = old + (uint32_t)oparg;
		return 0;
	case KFUTEX_OP_OR:
		*new = old | (uint32_t)oparg;
		return 0;
	case KFUTEX_OP_ANDN:
		*new = old & ~(uint32_t)oparg;
		return 0;
	case KFUTEX_OP_XOR:
		*new = old ^ (uint32_t)oparg;
		return 0;
	default:
		return -ENOSYS;
	}
}

/* FUTEX_WAKE_OP's comparison of the old value: 0, 1 or -ENOSYS. */
static int
futex_op_cmp(uint32_t encoded, uint32_t old)
{
	int32_t o = (int32_t)old, arg = sext12(encoded);

	switch ((encoded >> 24) & 15) {
	case KFUTEX_OP_CMP_EQ:
		return o == arg;
	case KFUTEX_OP_CMP_NE:
		return o != arg;
	case KFUTEX_OP_CMP_LT:
		return o < arg;
	case KFUTEX_OP_CMP_LE:
		return o <= arg;
	case KFUTEX_OP_CMP_GT:
		return o > arg;
	case KFUTEX_OP_CMP_GE:
		return o >= arg;
	default:
		return -ENOSYS;
	}
}

/*
 * FUTEX_WAKE_OP: update the word at uaddr2 as encoded says, wake nr
 * waiters of uaddr and, if the old value of uaddr2 passes the encoded
 * comparison, nr2 waiters of uaddr2.  The read-modify-write is atomic
 * against guest threads because only one runs at a time (one vCPU) and
 * both copies go to a page the first one faulted in.
 */
static int
futex_wake_op(struct mm *mm, uintptr_t uaddr, uintptr_t uaddr2, bool private,
	      int nr, int nr2, uint32_t encoded)
{
	struct futex_bucket *b[2];
	struct futex_key k[2];
	uint32_t old, new;
	int ret, hit;

	hit = futex_op_cmp(encoded, 0);
	if (hit < 0)
		return hit;
	if (keys_of(mm, uaddr, uaddr2, private, k, b) != 0)
		return -EFAULT;
	buckets_lock(b[0], b[1]);
	ret = copyin(&old, uaddr2, sizeof(old));
	if (ret == 0)
		ret = futex_op_apply(encoded, old, &new);
	if (ret == 0)
		ret = copyout(uaddr2, &new, sizeof(new));
	if (ret < 0)
		goto out;
	ret = futex_wake_locked(b[0], &k[0], nr, KFUTEX_BITSET_ANY);
	if (futex_op_cmp(encoded, old) > 0)
		ret += futex_wake_locked(b[1], &k[1], nr2, KFUTEX_BITSET_ANY);
out:
	buckets_unlock(b[0], b[1]);
	return ret;
}

/*
 * The monotonic deadline of a wait: FUTEX_NO_DEADLINE without a timeout,
 * else the timespec at utimeout, relative (FUTEX_WAIT) or absolute on
 * the monotonic or (realtime) the realtime clock.  0, -EFAULT, -EINVAL.
 */
static int
futex_deadline(uintptr_t utimeout, bool abs, bool realtime, uint64_t *out)
{
	struct ktimespec ts;
	uint64_t ns, now = ktime_ns(), real;

	*out = FUTEX_NO_DEADLINE;
	if (utimeout == 0)
		return 0;
	if (copyin(&ts, utimeout, sizeof(ts)) != 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 ||
	    ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	if ((uint64_t)ts.tv_sec >= FUTEX_MAX_DEADLINE / NSEC_PER_SEC)
		return 0;	/* centuries away: no deadline */
	ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	if (abs && realtime) {
		real = arch_clock_realtime();
		ns = ns > real ? ns - real : 0;
	} else if (abs) {
		*out = ns;
		return 0;
	}
	*out = MIN(now + ns, FUTEX_MAX_DEADLINE);
	return 0;
}

/* The waits of futex(2): check, compute the deadline, wait. */
static long
futex_sys_wait(struct mm *mm, uintptr_t uaddr, bool private, uint32_t val,
	       uintptr_t utimeout, uint32_t bitset, bool abs, bool realtime)
{
	uint64_t deadline;
	int err = futex_deadline(utimeout, abs, realtime, &deadline);

	if (err)
		return err;
	return futex_wait(mm, uaddr, private, val, bitset, deadline);
}

/*
 * futex(2).  val2, the count of requeue and WAKE_OP, comes in the
 * timeout register.  CLOCK_REALTIME is only for the waits.
 */
SYSCALL_DEFINE6(futex, uintptr_t, uaddr, int, op, uint32_t, val,
		uintptr_t, utimeout, uintptr_t, uaddr2, uint32_t, val3)
{
	int cmd = op & ~(KFUTEX_PRIVATE_FLAG | KFUTEX_CLOCK_REALTIME);
	bool realtime = (op & KFUTEX_CLOCK_REALTIME) != 0;
	bool private = (op & KFUTEX_PRIVATE_FLAG) != 0;
	int val2 = (int)(uint32_t)utimeout;
	struct mm *mm = current_mm();

	if (realtime && cmd != KFUTEX_WAIT && cmd != KFUTEX_WAIT_BITSET)
		return -ENOSYS;
	if (mm == NULL || (uaddr & 3))
		return -EINVAL;
	switch (cmd) {
	case KFUTEX_WAIT:
		return futex_sys_wait(mm, uaddr, private, val, utimeout,
				      KFUTEX_BITSET_ANY, false, realtime);
	case KFUTEX_WAIT_BITSET:
		return futex_sys_wait(mm, uaddr, private, val, utimeout, val3,
				      true, realtime);
	case KFUTEX_WAKE:
		return futex_do_wake(mm, uaddr, private, (int)val,
				     KFUTEX_BITSET_ANY);
	case KFUTEX_WAKE_BITSET:
		return futex_do_wake(mm, uaddr, private, (int)val, val3);
	}
	if (uaddr2 & 3)
		return -EINVAL;
	switch (cmd) {
	case KFUTEX_REQUEUE:
		return futex_requeue(mm, uaddr, uaddr2, private, (int)val,
				     val2, false, 0);
	case KFUTEX_CMP_REQUEUE:
		return futex_requeue(mm, uaddr, uaddr2, private, (int)val,
				     val2, true, val3);
	case KFUTEX_WAKE_OP:
		return futex_wake_op(mm, uaddr, uaddr2, private, (int)val,
				     val2, val3);
	default:
		return -ENOSYS;
	}
}
