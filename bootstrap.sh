#!/bin/sh
# bootstrap.sh [CONFIGURE-OPTIONS...]: make a fresh clone build.
#
# Installs the Debian packages the build needs (as root; otherwise prints
# the apt-get command), generates the build system, configures and builds.
# Idempotent: a second run only rebuilds what changed.  Options are passed
# to ./configure (and force it to run again), e.g. --enable-asan.
set -eu
cd "$(dirname "$0")"

# fuse2fs: the baseline of make bench's FUSE rows; gdb and valgrind: the
# debugging boot tests.
PACKAGES="build-essential autoconf automake libtool pkg-config liburing-dev
libfuse3-dev fuse3 check musl-tools e2fsprogs busybox-static fuse2fs gdb
valgrind"

say() {
	printf 'bootstrap.sh: %s\n' "$*"
}

missing_packages() {
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || printf ' %s' "$p"
	done
}

install_packages() {
	command -v dpkg-query >/dev/null 2>&1 || {
		say "not a Debian system: make sure these are installed:" $PACKAGES
		return 0
	}
	missing=$(missing_packages)
	[ -n "$missing" ] || return 0
	if [ "$(id -u)" -ne 0 ]; then
		say "missing Debian packages:$missing"
		say "run: sudo sh -c 'apt-get update && apt-get install -y$missing'"
		exit 1
	fi
	say "installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $missing </dev/null
}

# True if file $1 is missing or older than any of the following files.
stale() {
	target=$1
	shift
	[ -e "$target" ] || return 0
	for f in "$@"; do
		[ "$f" -nt "$target" ] && return 0
	done
	return 1
}

install_packages
if stale configure configure.ac Makefile.am */local.mk; then
	say "autoreconf -fi"
	mkdir -p m4
	autoreconf -fi
fi
if [ $# -gt 0 ] || stale config.status configure; then
	say "./configure $*"
	# autoconf's clean-up tries "rm -f core" and complains about core/.
	err=$(mktemp)
	rc=0
	./configure "$@" 2>"$err" || rc=$?
	grep -v "cannot remove 'core'" "$err" >&2 || true
	rm -f "$err"
	[ "$rc" -eq 0 ] || { say "configure failed"; exit 1; }
fi
make -j"$(nproc)"
