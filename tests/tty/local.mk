# Terminal tests: ptydrive runs ./vmlinux-host on a pseudo-terminal and
# types at it as a user would; each tests/tty/tty-*.sh is one behaviour,
# its directive script shared with the check of the same expectations
# against a host shell (host.sh).

check_PROGRAMS += tests/tty/ptydrive
tests_tty_ptydrive_SOURCES = tests/tty/ptydrive.c
tests_tty_ptydrive_CPPFLAGS = -D_GNU_SOURCE

TTY_TESTS = \
	tests/tty/host.sh \
	tests/tty/tty-prompt.sh \
	tests/tty/tty-ctrl-c.sh \
	tests/tty/tty-ctrl-z.sh \
	tests/tty/tty-edit.sh \
	tests/tty/tty-vi.sh \
	tests/tty/tty-winch.sh \
	tests/tty/tty-stdin-not-tty.sh \
	tests/tty/tty-sigterm.sh

TESTS += $(TTY_TESTS)
EXTRA_DIST += $(TTY_TESTS) tests/tty/lib.sh
