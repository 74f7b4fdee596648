# shellcheck shell=bash
# Common settings for the rig scripts.  Sourced, never run directly.
# Every path can be overridden from the environment, which is how the
# host-side tests under tests/rig/ run the scripts on a tiny fake tree.
set -euo pipefail

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${BUILD:-$TOP/build}
TREE=${TREE:-$BUILD/linux}
BASEWT=${BASEWT:-$BUILD/base}
KBUILD=${KBUILD:-$BUILD/kbuild}
PATCHES=${PATCHES:-$TOP/patches}
BASE_TARBALL=${BASE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
CROSS=${CROSS:-aarch64-linux-gnu-}
JOBS=${JOBS:-$(nproc)}
LOGS=${LOGS:-$BUILD/logs}
# The tag that marks the pristine base commit inside $TREE.
BASE_TAG=base

info() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# git in the kernel tree, with an identity that never depends on the
# machine (CI has no global git identity).
tgit() {
	GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-Patch Queue} \
	GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-patch-queue@localhost} \
	GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-Patch Queue} \
	GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-patch-queue@localhost} \
		git -C "$TREE" "$@"
}

# All kernel builds share one ccache under build/: re-applying the series
# or building it patch by patch only really compiles what changed, and
# ccache replays the warnings of cached objects (scripts/w1.sh needs that).
export CCACHE_DIR=${CCACHE_DIR:-$BUILD/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-3G}
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1
KCC="ccache ${CROSS}gcc"

# Kernel make: source $TREE (or $SRC), output $KBUILD (or $OBJ).
kmake() {
	make -s -C "${SRC:-$TREE}" O="${OBJ:-$KBUILD}" ARCH=arm64 \
		CROSS_COMPILE="$CROSS" CC="$KCC" -j"$JOBS" "$@"
}

# "6.1.N" from a kernel Makefile.
kversion() {
	awk '/^VERSION =/{v=$3} /^PATCHLEVEL =/{p=$3} /^SUBLEVEL =/{s=$3}
	     END { if (v == "") exit 1; print v "." p "." s }' "$1/Makefile"
}

# Patch file names listed in patches/series, in order (comments and
# blank lines ignored, like quilt).
series_list() {
	[ -f "$PATCHES/series" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$PATCHES/series" | grep -v '^$' || true
}

# Identity of the series as applied: base tarball plus series contents.
# build/tree.stamp holds "<hash> <HEAD>" after tree.sh or export.sh.
STAMP=${STAMP:-$BUILD/tree.stamp}
series_hash() {
	{
		echo "tarball $(stat -c '%s %Y' "$BASE_TARBALL")"
		series_list
		series_list | while read -r p; do
			[ -f "$PATCHES/$p" ] || die "patches/series names $p, which does not exist"
			cat "$PATCHES/$p"
		done
	} | sha256sum | cut -d' ' -f1
}

# Write stdin to file $1 only when the content differs, so that make and
# kbuild see an unchanged mtime when nothing changed.
write_if_changed() {
	local f=$1 tmp
	tmp=$(mktemp "$f.XXXXXX")
	cat >"$tmp"
	if [ -f "$f" ] && cmp -s "$tmp" "$f"; then
		rm -f "$tmp"
	else
		mv -f "$tmp" "$f"
	fi
}

# The pristine base as a detached worktree of $TREE at $BASEWT (w1.sh's
# W=1 baseline, the unpatched kernel of "make bench").
ensure_basewt() {
	[ -f "$BASEWT/Makefile" ] && return 0
	info "checking out the pristine base in $BASEWT"
	rm -rf "$BASEWT"
	tgit worktree prune
	tgit worktree add -q --detach "$BASEWT" "$BASE_TAG"
}
