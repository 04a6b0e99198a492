# Shared helpers for tests/*/*.sh, sourced by each test.  Every test gets a
# private work directory that is removed on exit, and runs the kernel under
# a timeout so a hang is a failure, never a stuck harness.
# Exit codes: 0 pass, 1 fail, 77 skip (automake's convention).

set -u
: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$top_builddir}"
VMLINUX="$top_builddir/vmlinux-host"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vmlinux-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

fail() {
	echo "FAIL: $*"
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit 77
}

pass() {
	echo "PASS: $*"
}

# run_kernel ARGS...: run vmlinux-host with a 30 s timeout; stdout in
# $WORK/out, stderr in $WORK/err, exit status in $status.
run_kernel() {
	status=0
	timeout -k 5 30 "$VMLINUX" "$@" >"$WORK/out" 2>"$WORK/err" </dev/null ||
		status=$?
	[ "$status" -ne 124 ] && [ "$status" -ne 137 ] ||
		fail "vmlinux-host $* did not finish within 30 s"
}

# expect_in FILE TEXT: FILE must contain the fixed string TEXT.
expect_in() {
	grep -qF -- "$2" "$1" || {
		echo "--- $1:"
		cat "$1"
		fail "expected \"$2\" in $(basename "$1")"
	}
}

# expect_one_line FILE: FILE holds exactly one line of text.  In an ASan
# build, exiting from a kernel stack makes ASan warn that it ignores the
# stack switch (google/sanitizers#189): those three lines do not count.
expect_one_line() {
	n=$(grep -v -e 'WARNING: ASan is ignoring requested __asan_handle_no_return' \
		-e '^False positive error reports may follow$' \
		-e '^For details see https://github.com/google/sanitizers/issues/189$' \
		"$1" | wc -l)
	[ "$n" -eq 1 ] || {
		cat "$1"
		fail "expected one line in $(basename "$1"), got $n"
	}
}

# flock_hold -x|-s FILE: lock FILE from a background process (the sleep
# itself holds the lock, so killing it frees FILE) until flock_release.
flock_holder=
flock_hold() {
	sh -c 'exec 9<"$2" && flock "$1" 9 && exec sleep 60' sh "$1" "$2" &
	flock_holder=$!
	fh_i=0
	while flock -n -x "$2" true; do
		fh_i=$((fh_i + 1))
		[ "$fh_i" -lt 100 ] || fail "flock $1 did not take the lock"
		sleep 0.05
	done
}

# flock_release: end the hold of flock_hold, if any.
flock_release() {
	[ -n "$flock_holder" ] || return 0
	kill "$flock_holder" 2>/dev/null
	wait "$flock_holder" 2>/dev/null
	flock_holder=
}

# guest_image_busybox: a private copy of the guest tests' image in $img
# (make check builds it); skip when it has no static busybox.
guest_image_busybox() {
	src="$top_builddir/tests/guest/guest.img"
	[ -f "$src" ] || fail "no guest image (make check builds it)"
	img="$WORK/root.img"
	cp --sparse=always "$src" "$img" || fail "cannot copy $src"
	[ -n "$(debugfs -R 'stat /bin/busybox' "$img" 2>/dev/null | head -1)" ] ||
		skip "no static busybox on the image"
}
