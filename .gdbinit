# gdb settings for debugging vmlinux-host.  Load with
#   gdb -x .gdbinit --args ./vmlinux-host ...
# or allow it once: echo "add-auto-load-safe-path $PWD/.gdbinit" >> ~/.gdbinit
#
# The kernel's interrupts are host signals: pass them to the program
# without stopping (SIGALRM: timer; SIGIO: block I/O and console input;
# SIGCHLD: stub processes; SIGWINCH: terminal resize; SIGUSR1: kicks).
handle SIGALRM nostop noprint pass
handle SIGIO nostop noprint pass
handle SIGCHLD nostop noprint pass
handle SIGWINCH nostop noprint pass
handle SIGUSR1 nostop noprint pass
# A kernel panic exits through arch_exit(): stop there to inspect.
set breakpoint pending on
