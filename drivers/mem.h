/*
 * The memory devices (null, zero, full, random, urandom).
 */
#ifndef DRIVERS_MEM_H
#define DRIVERS_MEM_H

/* Register the devices.  0 or -EBUSY.  Called once by start_kernel(). */
int mem_init(void);

#endif
