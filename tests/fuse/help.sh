#!/bin/sh
# --help prints the usage on stdout and exits 0; --version prints
# "vmlinux-fuse VERSION" and exits 0.  Neither mounts anything.
. "${top_srcdir:-.}/tests/lib.sh"
. "${top_srcdir:-.}/tests/fuse/lib.sh"
[ -x "$FUSE" ] || fail "$FUSE was not built"

# run_fuse ARG...: vmlinux-fuse ARG... under a timeout; stdout in
# $WORK/out, stderr in $WORK/err, exit status in $status.
run_fuse() {
	status=0
	timeout -k 5 30 "$FUSE" "$@" </dev/null >"$WORK/out" 2>"$WORK/err" ||
		status=$?
}

run_fuse --help
[ "$status" -eq 0 ] || fail "--help exited $status"
for word in vmlinux-fuse IMAGE MOUNTPOINT -f -d -s -o --help --version; do
	expect_in "$WORK/out" "$word"
done
[ ! -s "$WORK/err" ] || fail "--help wrote to stderr: $(cat "$WORK/err")"
echo "--help: $(head -n 1 "$WORK/out")"

run_fuse --version
[ "$status" -eq 0 ] || fail "--version exited $status"
grep -qE '^vmlinux-fuse [0-9]+\.[0-9]+' "$WORK/out" ||
	fail "unexpected --version output: $(cat "$WORK/out")"
[ ! -s "$WORK/err" ] || fail "--version wrote to stderr: $(cat "$WORK/err")"
pass "--help lists the options; --version: $(head -n 1 "$WORK/out")"
