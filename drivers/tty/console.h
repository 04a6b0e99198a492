/*
 * The console terminal (/dev/console on the host's stdin and stdout) and
 * /dev/tty, and the tty layer's set-up at boot.
 */
#ifndef DRIVERS_TTY_CONSOLE_H
#define DRIVERS_TTY_CONSOLE_H

/*
 * Make the console tty and register /dev/tty and /dev/console.  0 or
 * -EBUSY.  Called once by start_kernel(), before devfs is mounted.
 */
int console_init(void);
/*
 * Start taking input from the host (raw host terminal, IRQ_CONSOLE) and
 * set the console's termios and size from what the host is.  Called
 * once, from process context, before init runs.
 */
void console_start(void);

/* Register the ptys (/dev/ptmx, the slaves' major).  0 or -EBUSY. */
int pty_init(void);

#endif
