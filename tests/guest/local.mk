# Guest tests: tests/guest/NAME.c, each one behaviour, built with musl-gcc
# -static into NAME.gexe, put with the others on one ext2 image, and run
# inside vmlinux-host as init by tests/guest/run.sh (exit 0 = pass).

GUEST_TESTS = \
	tests/guest/exec_argv_auxv.gexe \
	tests/guest/exec_cloexec.gexe \
	tests/guest/exec_e2big.gexe \
	tests/guest/exec_elf_bad.gexe \
	tests/guest/exec_errors.gexe \
	tests/guest/exec_execveat.gexe \
	tests/guest/exec_script.gexe \
	tests/guest/exec_script_nest.gexe \
	tests/guest/exec_threads.gexe \
	tests/guest/fd_close_range.gexe \
	tests/guest/fd_dup.gexe \
	tests/guest/fd_locks.gexe \
	tests/guest/fd_rw_vectors.gexe \
	tests/guest/fd_sendfile.gexe \
	tests/guest/fork_leak.gexe \
	tests/guest/fork_wait.gexe \
	tests/guest/hello.gexe \
	tests/guest/misc_clock.gexe \
	tests/guest/misc_ctl_scribble.gexe \
	tests/guest/misc_gate_deny.gexe \
	tests/guest/misc_cred.gexe \
	tests/guest/misc_futex.gexe \
	tests/guest/misc_futex_shared.gexe \
	tests/guest/misc_fpu.gexe \
	tests/guest/misc_futex_threads.gexe \
	tests/guest/misc_getrandom.gexe \
	tests/guest/misc_nanosleep.gexe \
	tests/guest/misc_preempt_block.gexe \
	tests/guest/misc_prctl.gexe \
	tests/guest/misc_rlimit.gexe \
	tests/guest/misc_sched.gexe \
	tests/guest/misc_sysinfo.gexe \
	tests/guest/misc_syslog.gexe \
	tests/guest/misc_times.gexe \
	tests/guest/misc_uname.gexe \
	tests/guest/mm_anon.gexe \
	tests/guest/mm_brk.gexe \
	tests/guest/mm_file_private.gexe \
	tests/guest/mm_file_shared.gexe \
	tests/guest/mm_fork_cow.gexe \
	tests/guest/mm_madvise.gexe \
	tests/guest/mm_mprotect_segv.gexe \
	tests/guest/mm_mremap.gexe \
	tests/guest/mm_stack_grow.gexe \
	tests/guest/path_access.gexe \
	tests/guest/path_at_dirfd.gexe \
	tests/guest/path_chmod_chown.gexe \
	tests/guest/path_cwd.gexe \
	tests/guest/path_errors.gexe \
	tests/guest/path_getdents_large.gexe \
	tests/guest/path_link_symlink.gexe \
	tests/guest/path_mkdir_rmdir.gexe \
	tests/guest/path_mount.gexe \
	tests/guest/path_open_flags.gexe \
	tests/guest/path_rename.gexe \
	tests/guest/path_stat_fields.gexe \
	tests/guest/path_sync.gexe \
	tests/guest/path_truncate.gexe \
	tests/guest/path_umask.gexe \
	tests/guest/pipe_atomic.gexe \
	tests/guest/pipe_eof.gexe \
	tests/guest/pipe_epipe.gexe \
	tests/guest/pipe_fifo.gexe \
	tests/guest/pipe_kill_blocked.gexe \
	tests/guest/pipe_nonblock.gexe \
	tests/guest/pipe_poll.gexe \
	tests/guest/pipe_select.gexe \
	tests/guest/pipe_size.gexe \
	tests/guest/sig_alarm_itimer.gexe \
	tests/guest/sig_altstack.gexe \
	tests/guest/sig_default_actions.gexe \
	tests/guest/sig_fault.gexe \
	tests/guest/sig_fpstate.gexe \
	tests/guest/sig_handler_info.gexe \
	tests/guest/sig_handler_threads.gexe \
	tests/guest/sig_kill_targets.gexe \
	tests/guest/sig_mask_pending.gexe \
	tests/guest/sig_nocldwait.gexe \
	tests/guest/sig_restart.gexe \
	tests/guest/sig_rt_limit.gexe \
	tests/guest/sig_rt_queue.gexe \
	tests/guest/sig_signalfd.gexe \
	tests/guest/sig_sigsuspend.gexe \
	tests/guest/sig_stop_cont.gexe \
	tests/guest/tty_console.gexe \
	tests/guest/tty_ctty.gexe \
	tests/guest/tty_jobctl.gexe \
	tests/guest/tty_pty.gexe

GUEST_CFLAGS = -static -O1 -g -Wall -Werror -D_GNU_SOURCE \
	-I$(srcdir)/tests/guest

SUFFIXES += .gexe
.c.gexe:
	$(AM_V_CC)$(MUSL_GCC) $(GUEST_CFLAGS) -o $@ $<

$(GUEST_TESTS): tests/guest/guest.h

# The image every guest test boots (each test boots a copy of it).
tests/guest/guest.img: $(GUEST_TESTS) tests/guest/mkimage.sh
	$(AM_V_GEN)MKE2FS='$(MKE2FS)' BUSYBOX='$(BUSYBOX)' \
		$(SHELL) $(srcdir)/tests/guest/mkimage.sh $@ $(GUEST_TESTS)

check_DATA += $(GUEST_TESTS) tests/guest/guest.img
CLEANFILES += $(GUEST_TESTS) tests/guest/guest.img
TESTS += $(GUEST_TESTS)
TEST_EXTENSIONS += .gexe
GEXE_LOG_COMPILER = $(SHELL) $(srcdir)/tests/guest/run.sh
EXTRA_DIST += tests/guest/guest.h tests/guest/run.sh tests/guest/mkimage.sh \
	$(GUEST_TESTS:.gexe=.c)
