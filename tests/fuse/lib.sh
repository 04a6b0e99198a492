# Helpers for tests/fuse/*.sh, sourced after tests/lib.sh.  A test mounts
# images under its private $WORK with vmlinux-fuse, either in the default
# daemon mode (fuse_mount) or in the foreground as a background job of the
# test (fuse_start), and unmounts with fuse_umount, which waits for the
# server to exit and checks that it exited 0.  Every wait is bounded.  On
# exit, anything still mounted under $WORK is lazily unmounted and any
# server left serving a file of $WORK is killed before $WORK is removed.

command -v mke2fs >/dev/null || PATH=$PATH:/sbin:/usr/sbin
FUSE="$top_builddir/vmlinux-fuse"
# /proc/mounts and /proc/PID/fd show physical paths.
WORK=$(cd "$WORK" && pwd -P)
# One line per server started: "PID child|daemon MOUNTPOINT".
fuse_procs="$WORK/.fuse-procs"
: >"$fuse_procs"
# A background job of a non-interactive shell ignores SIGINT; a server
# run from a terminal does not.  Start ours the way a terminal would.
fuse_env=
if env --default-signal=INT true 2>/dev/null; then
	fuse_env="env --default-signal=INT,QUIT"
fi

# fuse_holders PATTERN: the pids of processes that have /dev/fuse open and
# a file whose path matches the find -lname PATTERN.
fuse_holders() {
	for fh_p in $(find /proc/[0-9]*/fd -lname /dev/fuse 2>/dev/null |
		cut -d/ -f3 | sort -u); do
		[ "$fh_p" != "$$" ] || continue
		find "/proc/$fh_p/fd" -lname "$1" 2>/dev/null | grep -q . &&
			echo "$fh_p"
	done
}

# fuse_cleanup: unmount everything under $WORK (lazily, so that nothing
# waits on a dead or hung server), kill what still serves a file of $WORK
# and the foreground servers not yet waited for, remove $WORK.
fuse_cleanup() {
	for fc_m in $(awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' \
		/proc/self/mounts | sort -r); do
		fusermount3 -u -z "$fc_m" 2>/dev/null ||
			umount -l "$fc_m" 2>/dev/null
	done
	for fc_p in $(awk '$2 == "child" { print $1 }' "$fuse_procs" \
		2>/dev/null) $(fuse_holders "$WORK/*"); do
		kill -KILL "$fc_p" 2>/dev/null
	done
	rm -rf "$WORK"
}
trap 'fuse_cleanup' EXIT
trap 'exit 1' HUP INT TERM

# need_fuse: skip the test unless this machine can mount FUSE filesystems:
# /dev/fuse opens read-write, fusermount3 exists, and a trivial mount works
# (as root: mount(8) of a FUSE connection nobody serves; otherwise
# fusermount3 must be setuid).  Fails if vmlinux-fuse was not built.
need_fuse() {
	[ -c /dev/fuse ] ||
		skip "no /dev/fuse (modprobe fuse; a container needs" \
			"--device /dev/fuse)"
	command -v fusermount3 >/dev/null ||
		skip "no fusermount3 (apt-get install fuse3)"
	(: <>/dev/fuse) 2>/dev/null ||
		skip "cannot open /dev/fuse read-write"
	[ -x "$FUSE" ] || fail "$FUSE was not built"
	if [ "$(id -u)" -ne 0 ]; then
		[ -u "$(command -v fusermount3)" ] ||
			skip "fusermount3 is not setuid: no FUSE mounts" \
				"for $(id -un)"
		return 0
	fi
	command -v mount >/dev/null || return 0
	mkdir "$WORK/.probe"
	# The connection dies with the subshell's descriptor: unmount lazily.
	if ! (exec 3<>/dev/fuse && timeout -k 2 10 mount -i -t fuse \
		-o fd=3,rootmode=40000,user_id=0,group_id=0 vmlinux-probe \
		"$WORK/.probe") >"$WORK/.probe.err" 2>&1; then
		skip "no FUSE mounts here: $(head -n 1 "$WORK/.probe.err")"
	fi
	umount -l "$WORK/.probe" 2>/dev/null
	rmdir "$WORK/.probe"
}

# make_image FILE SIZE_MB [MKE2FS_ARG...]: a fresh ext2 image whose root
# directory belongs to the caller.
make_image() {
	mi_file=$1
	mi_size=$2
	shift 2
	mke2fs -q -F -t ext2 -E root_owner="$(id -u):$(id -g)" "$@" \
		"$mi_file" "${mi_size}M" >/dev/null ||
		fail "mke2fs $mi_file failed"
}

# fuse_is_mounted DIR: DIR is a mount point (read from /proc/self/mounts:
# never touches DIR, so never waits on a server).
fuse_is_mounted() {
	awk -v m="$1" '$2 == m { f = 1 } END { exit !f }' /proc/self/mounts
}

# fuse_exited PID: PID has exited (or is a zombie).
fuse_exited() {
	fe_s=$(sed -n 's/^.*) \(.\) .*$/\1/p' "/proc/$1/stat" 2>/dev/null)
	[ -z "$fe_s" ] || [ "$fe_s" = Z ] || [ "$fe_s" = X ]
}

# fuse_wait_exit PID [SECONDS]: wait until PID has exited, at most SECONDS
# (default 30); false on timeout.
fuse_wait_exit() {
	fw_n=$((${2:-30} * 10))
	while ! fuse_exited "$1"; do
		fw_n=$((fw_n - 1))
		[ "$fw_n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# fuse_log: show what the servers printed (before a failure): its first
# and last lines, where a crash says what and where.
fuse_log() {
	[ -s "$WORK/fuse.log" ] || return 0
	echo "--- vmlinux-fuse output:"
	if [ "$(wc -l <"$WORK/fuse.log")" -le 50 ]; then
		cat "$WORK/fuse.log"
	else
		head -n 20 "$WORK/fuse.log"
		echo "[...]"
		tail -n 30 "$WORK/fuse.log"
	fi
}

# fuse_mount IMAGE MNT [OPTION...]: mount IMAGE at MNT with vmlinux-fuse in
# its default daemon mode.  The command must exit 0 with MNT mounted and a
# process serving it (recorded for fuse_umount).
fuse_mount() {
	fm_img=$1
	fm_mnt=$2
	shift 2
	fm_st=0
	timeout -k 5 30 "$FUSE" "$@" "$fm_img" "$fm_mnt" \
		</dev/null >>"$WORK/fuse.log" 2>&1 || fm_st=$?
	[ "$fm_st" -eq 0 ] || {
		fuse_log
		fail "vmlinux-fuse $* $fm_img $fm_mnt: exit status $fm_st"
	}
	fuse_is_mounted "$fm_mnt" ||
		fail "vmlinux-fuse $* $fm_img $fm_mnt exited 0, nothing mounted"
	fm_pids=$(fuse_holders "$(readlink -f "$fm_img")")
	[ -n "$fm_pids" ] ||
		fail "no process with /dev/fuse and $fm_img open serves $fm_mnt"
	for fm_p in $fm_pids; do
		echo "$fm_p daemon $fm_mnt" >>"$fuse_procs"
	done
}

# fuse_start IMAGE MNT [OPTION...]: run "vmlinux-fuse -f OPTION... IMAGE
# MNT" as a background job (its pid in $fuse_pid, its output appended to
# $WORK/fuse.log) and wait up to 30 s until MNT is mounted.
fuse_start() {
	fs_img=$1
	fs_mnt=$2
	shift 2
	$fuse_env "$FUSE" -f "$@" "$fs_img" "$fs_mnt" \
		</dev/null >>"$WORK/fuse.log" 2>&1 &
	fuse_pid=$!
	echo "$fuse_pid child $fs_mnt" >>"$fuse_procs"
	fs_n=300
	until fuse_is_mounted "$fs_mnt"; do
		if fuse_exited "$fuse_pid"; then
			fs_st=0
			wait "$fuse_pid" || fs_st=$?
			fuse_log
			fail "vmlinux-fuse -f $* $fs_img $fs_mnt exited" \
				"$fs_st before mounting"
		fi
		fs_n=$((fs_n - 1))
		[ "$fs_n" -gt 0 ] || {
			fuse_log
			fail "vmlinux-fuse -f $*: $fs_mnt not mounted" \
				"after 30 s"
		}
		sleep 0.1
	done
}

# fuse_reap MNT [SECONDS]: wait (default 30 s) until the server of MNT
# has exited and forget it.  $fuse_status is a foreground server's exit
# status, 0 for a daemon (whose status cannot be seen).
fuse_reap() {
	fr_recs=$(awk -v m="$1" '$3 == m { print $1 ":" $2 }' "$fuse_procs")
	[ -n "$fr_recs" ] || fail "no server was started at $1"
	fuse_status=0
	for fr_r in $fr_recs; do
		fr_p=${fr_r%%:*}
		fuse_wait_exit "$fr_p" "${2:-30}" || {
			fuse_log
			fail "the server of $1 (pid $fr_p) still runs after" \
				"${2:-30} s"
		}
		[ "${fr_r#*:}" = child ] || continue
		wait "$fr_p" || fuse_status=$?
	done
	awk -v m="$1" '$3 != m' "$fuse_procs" >"$fuse_procs.new"
	mv "$fuse_procs.new" "$fuse_procs"
}

# fuse_wait MNT [SECONDS]: fuse_reap MNT, then check that the server exited
# 0 and that MNT is no longer mounted.
fuse_wait() {
	fuse_reap "$@"
	[ "$fuse_status" -eq 0 ] || {
		fuse_log
		fail "the server of $1 exited $fuse_status, not 0"
	}
	! fuse_is_mounted "$1" ||
		fail "$1 is still mounted after its server exited"
}

# fuse_umount MNT: fusermount3 -u MNT, then fuse_wait MNT.
fuse_umount() {
	timeout -k 5 30 fusermount3 -u "$1" >"$WORK/umount.err" 2>&1 || {
		cat "$WORK/umount.err"
		fail "fusermount3 -u $1 failed"
	}
	fuse_wait "$1"
}

# fsck_clean IMAGE: e2fsck -fn finds nothing to fix in IMAGE.
fsck_clean() {
	e2fsck -fn "$1" >"$WORK/fsck.out" 2>&1 || {
		cat "$WORK/fsck.out"
		fail "e2fsck -fn $(basename "$1") found problems"
	}
}
