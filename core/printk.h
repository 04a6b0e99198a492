/*
 * Kernel log: printk with Linux log levels, "[    0.000123] " timestamps,
 * a ring buffer that dmesg reads, and the console log level.
 */
#ifndef CORE_PRINTK_H
#define CORE_PRINTK_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "core/kernel.h"

#define KERN_SOH	"\001"
#define KERN_EMERG	KERN_SOH "0"	/* system is unusable */
#define KERN_ALERT	KERN_SOH "1"
#define KERN_CRIT	KERN_SOH "2"
#define KERN_ERR	KERN_SOH "3"
#define KERN_WARNING	KERN_SOH "4"
#define KERN_NOTICE	KERN_SOH "5"
#define KERN_INFO	KERN_SOH "6"
#define KERN_DEBUG	KERN_SOH "7"
#define KERN_CONT	KERN_SOH "c"	/* continue the previous line */

#define LOGLEVEL_DEFAULT	4	/* messages without a level */
#define CONSOLE_LOGLEVEL_DEFAULT 7	/* show everything but debug */
#define CONSOLE_LOGLEVEL_QUIET	4	/* "quiet": errors and worse */
#define CONSOLE_LOGLEVEL_MOTORMOUTH 15	/* everything: set by panic() */

#define pr_emerg(fmt, ...)	printk(KERN_EMERG fmt, ##__VA_ARGS__)
#define pr_alert(fmt, ...)	printk(KERN_ALERT fmt, ##__VA_ARGS__)
#define pr_crit(fmt, ...)	printk(KERN_CRIT fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)	printk(KERN_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk(KERN_WARNING fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...)	printk(KERN_NOTICE fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk(KERN_INFO fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	printk(KERN_DEBUG fmt, ##__VA_ARGS__)
#define pr_cont(fmt, ...)	printk(KERN_CONT fmt, ##__VA_ARGS__)

/*
 * Log a message: an optional KERN_* prefix picks the level.  Stored in the
 * ring buffer with a timestamp; written to the console if its level is
 * below the console log level.  Safe in interrupt context.  Returns the
 * number of bytes of text logged.
 */
__printf(1, 2) int printk(const char *fmt, ...);
/* printk with a va_list. */
int vprintk(const char *fmt, va_list ap);

/*
 * Format into buf (size bytes, always NUL-terminated when size > 0) like C's
 * vsnprintf for %d %i %u %x %X %o %c %s %p %% with flags "-0 +#", width,
 * precision (also "*") and length modifiers hh h l ll z t j.  Returns the
 * length the whole output would have had; negative (-EINVAL) if fmt ends
 * inside a conversion, as glibc fails there too.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* kvsnprintf with variable arguments. */
__printf(3, 4) int ksnprintf(char *buf, size_t size, const char *fmt, ...);

/* Set the console log level: messages with a level below it are shown. */
void printk_set_console_level(int level);
/* The current console log level. */
int printk_console_level(void);
/* Set the time origin of timestamps (nanoseconds of the monotonic clock). */
void printk_set_time_base(uint64_t ns);
/* Start console lines with prefix instead of the timestamp (NULL: the
 * timestamp again); the log buffer keeps timestamps. */
void printk_set_console_prefix(const char *prefix);

/*
 * Copy the newest records of the ring buffer that fit into buf, oldest
 * first, each as "<L>[    S.UUUUUU] text\n" (the syslog(2) format); buf is
 * not NUL-terminated.  A line still open (no newline yet) is included.
 * Returns bytes copied.
 */
size_t printk_ring_copy(char *buf, size_t size);
/*
 * Bytes printk_ring_copy() needs for the whole ring buffer, as
 * syslog(SYSLOG_ACTION_SIZE_UNREAD).
 */
size_t printk_ring_used(void);
/*
 * Empty the ring buffer (syslog SYSLOG_ACTION_CLEAR); an open line is
 * closed first, so a following KERN_CONT starts a new line.
 */
void printk_ring_clear(void);

#endif
