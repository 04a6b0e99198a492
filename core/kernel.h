/*
 * Basic kernel definitions shared by every file in core/, fs/ and drivers/:
 * helper macros, KASSERT, and the declarations of panic().
 */
#ifndef CORE_KERNEL_H
#define CORE_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a)	(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define __unused	__attribute__((unused))
#define __noreturn	__attribute__((noreturn))
#define __printf(a, b)	__attribute__((format(printf, a, b)))

/* One access the compiler may not tear, merge or move out of a loop. */
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define KIB	1024UL
#define MIB	(1024UL * KIB)
#define GIB	(1024UL * MIB)

#define NSEC_PER_USEC	1000ULL
#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_SEC	1000000000ULL

#define STRINGIFY_(x)	#x
#define STRINGIFY(x)	STRINGIFY_(x)

/* Stop the kernel: print "Kernel panic - not syncing: ...", a backtrace,
 * and exit the host process with PANIC_EXIT_STATUS. */
__noreturn __printf(1, 2) void panic(const char *fmt, ...);

/* Exit status of the host process after a kernel panic. */
#define PANIC_EXIT_STATUS 1

/* Check a kernel invariant; a failure is a kernel bug and panics. */
#define KASSERT(cond)							\
	do {								\
		if (unlikely(!(cond)))					\
			panic("assertion \"%s\" failed at %s:%d",	\
			      #cond, __FILE__, __LINE__);		\
	} while (0)

#endif
