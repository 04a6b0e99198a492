# gdb settings for debugging vmlinux-host.  Load with
#   gdb -x .gdbinit --args ./vmlinux-host ...
# or allow it once: echo "add-auto-load-safe-path $PWD/.gdbinit" >> ~/.gdbinit
#
# The kernel's interrupts are host signals: pass them to the program
# without stopping (SIGALRM: timer; SIGIO: block I/O;
# SIGURG: FUSE requests; SIGPWR: shutdown asked (SIGTERM/SIGINT/SIGHUP);
# SIGCHLD: stub processes; SIGWINCH: terminal resize; SIGUSR1: kicks;
# SIGUSR2: wakes FUSE reader threads at unmount; SIGVTALRM: a stub
# died; SIGSTKFLT: console input).
handle SIGALRM nostop noprint pass
handle SIGIO nostop noprint pass
handle SIGCHLD nostop noprint pass
handle SIGWINCH nostop noprint pass
handle SIGUSR1 nostop noprint pass
handle SIGUSR2 nostop noprint pass
handle SIGURG nostop noprint pass
handle SIGPWR nostop noprint pass
handle SIGVTALRM nostop noprint pass
handle SIGSTKFLT nostop noprint pass
# A kernel panic exits through arch_exit(): stop there to inspect.
set breakpoint pending on
