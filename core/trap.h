/*
 * The upward interface: the entry points arch-host calls when the host
 * raises an interrupt.  Each runs with interrupts disabled and never sleeps,
 * except trap_preempt(), which may switch to another task.
 */
#ifndef CORE_TRAP_H
#define CORE_TRAP_H

/* Interrupt lines, in the order pending interrupts are dispatched. */
enum {
	IRQ_TIMER,
	IRQ_IO,
	IRQ_FUSE,
	IRQ_SHUTDOWN,
	IRQ_USER,
	IRQ_CONSOLE,
	NR_IRQS,
};

/* The timer fired (periodic tick, or the wake-up set by arch_idle()). */
void trap_timer(void);
/* Block I/O completed on the host (drivers/ubd.c reaps it). */
void trap_io(void);
/* FUSE requests arrived from the host (fs/fuse.c takes them). */
void trap_fuse(void);
/* The host asked the kernel to shut down (SIGTERM, SIGINT, SIGHUP). */
void trap_shutdown(void);
/* A stub process died on the host (arch_user_dead() is now true). */
void trap_user(void);
/* Host console input arrived, or the host terminal was resized. */
void trap_console(void);
/*
 * On the way out of an interrupt that arrived with interrupts enabled:
 * switch tasks if one is due and the kernel is preemptible.  Called with
 * interrupts disabled; returns with them disabled.
 */
void trap_preempt(void);

#endif
