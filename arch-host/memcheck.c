/*
 * Memory checking hooks for the kernel's allocators: freed and unallocated
 * kernel memory is marked untouchable for AddressSanitizer
 * (--enable-asan) or, failing that, for Valgrind's memcheck when its
 * headers were found.  Without either they compile to nothing.
 */
#include "arch-host/arch.h"
#include "config.h"

#if defined(CONFIG_ASAN)
#include <sanitizer/asan_interface.h>
#define mem_noaccess(a, n)	ASAN_POISON_MEMORY_REGION(a, n)
#define mem_undefined(a, n)	ASAN_UNPOISON_MEMORY_REGION(a, n)
#elif defined(HAVE_VALGRIND_VALGRIND_H)
#include <valgrind/memcheck.h>
#define mem_noaccess(a, n)	((void)VALGRIND_MAKE_MEM_NOACCESS(a, n))
#define mem_undefined(a, n)	((void)VALGRIND_MAKE_MEM_UNDEFINED(a, n))
#else
#define mem_noaccess(a, n)	((void)(a), (void)(n))
#define mem_undefined(a, n)	((void)(a), (void)(n))
#endif

/* Mark kernel memory as not to be touched (freed or unallocated). */
void
arch_mem_poison(const void *addr, size_t len)
{
	mem_noaccess(addr, len);
}

/* Mark kernel memory as usable again (contents undefined). */
void
arch_mem_unpoison(const void *addr, size_t len)
{
	mem_undefined(addr, len);
}
