/*
 * Futexes (core/futex.c): guest threads wait on a 32-bit word of their
 * address space until another thread wakes them.  Private futexes are
 * known by (address space, guest address); shared ones in MAP_SHARED
 * memory by what the memory is, so that processes sharing it meet.  The
 * futex(2) system call itself is sys_futex (core/syscalls.h).
 */
#ifndef CORE_FUTEX_H
#define CORE_FUTEX_H

#include <stdint.h>

struct mm;

/*
 * Wake up to nr threads waiting on the futex at uaddr of mm (any bitset,
 * shared), as CLONE_CHILD_CLEARTID at thread exit does; nr <= 0 wakes one, as
 * Linux's FUTEX_WAKE does.  Returns how many were woken, or -EINVAL if
 * uaddr is not 4-byte aligned.  May sleep (takes a mutex); the caller
 * holds no futex lock.
 */
int futex_wake(struct mm *mm, uintptr_t uaddr, int nr);

#endif
