/*
 * The vmlinux-host program: boot the kernel with the host command line.
 * Everything happens in host_main() (boot.c), which bench programs call
 * with their own first kernel function.
 */
#include "arch-host/host.h"

/* The program's entry: see host_main(). */
int
main(int argc, char **argv)
{
	return host_main(argc, argv, NULL);
}
