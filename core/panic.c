/*
 * panic(): the end of the kernel after a broken invariant.  It disables
 * interrupts, forces the console to show everything, logs the message at
 * KERN_EMERG through printk(), prints the host backtrace, logs the end
 * marker and leaves the host process with PANIC_EXIT_STATUS.  A panic
 * raised while panicking (printk or the backtrace broke) writes one raw
 * line to the console, without formatting, and exits at once.
 */
#include <stdarg.h>
#include <stdbool.h>

#include "arch-host/arch.h"
#include "core/kernel.h"
#include "core/printk.h"
#include "core/string.h"

#define PANIC_MSG_MAX	512	/* the formatted message is cut here */

/* Set by the first panic; single CPU and interrupts off, so no lock. */
static bool panic_running;

static __noreturn void
panic_recursive(const char *fmt)
{
	static const char msg[] = "Kernel panic - not syncing: recursive "
	    "panic: ";

	arch_console_write(msg, sizeof(msg) - 1);
	arch_console_write(fmt, strlen(fmt));
	arch_console_write("\n", 1);
	arch_exit(PANIC_EXIT_STATUS);
}

/*
 * Stop the kernel: print "Kernel panic - not syncing: <message>" whatever
 * the console level, a backtrace and an end marker, then exit the host
 * process with PANIC_EXIT_STATUS.  Any context; never returns.
 */
void
panic(const char *fmt, ...)
{
	char msg[PANIC_MSG_MAX];
	va_list ap;

	arch_intr_disable();
	if (panic_running)
		panic_recursive(fmt);
	panic_running = true;
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk_set_console_level(CONSOLE_LOGLEVEL_MOTORMOUTH);
	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", msg);
	arch_backtrace();
	printk(KERN_EMERG "---[ end Kernel panic - not syncing: %s ]---\n",
	       msg);
	arch_exit(PANIC_EXIT_STATUS);
}
