#!/usr/bin/env bash
# Install the Debian packages the rig needs.  Idempotent: when every
# package is already installed it only checks and returns in well under
# a second, and it never runs apt-get in that case.
. "$(dirname "$0")/lib.sh"

PKGS="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
linux-source-6.1 flex bison bc libssl-dev libelf-dev cpio make perl
git xz-utils ccache jq python3 python3-ply python3-git busybox-static:arm64
linux-source-6.12 libjson-c-dev libjson-c-dev:arm64 rsync pkg-config groff-base"
# "deps.sh bench" / "deps.sh compat": also what "make bench" and
# "make compat" need to plot.
case ${1:-} in bench | compat) PKGS="$PKGS gnuplot-nox" ;; esac

# Query with the architecture: a package installed for two architectures
# (libjson-c-dev and libjson-c-dev:arm64) otherwise reports two statuses.
native=$(dpkg --print-architecture)
# Architecture: all packages only answer to their bare name.
status() {
	case $1 in
	*:*) dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true ;;
	*) dpkg-query -W -f='${db:Status-Status}' "$1:$native" 2>/dev/null ||
		dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true ;;
	esac
}
missing=
for p in $PKGS; do
	[ "$(status "$p")" = installed ] || missing="$missing $p"
done

if [ -z "$missing" ]; then
	[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL is missing although linux-source-6.1 is installed; reinstall it"
	exit 0
fi

info "installing:$missing"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
case " $(dpkg --print-foreign-architectures | tr '\n' ' ') " in
*" arm64 "*) ;;
*) $SUDO dpkg --add-architecture arm64 ;;
esac
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$LOGS"
log=$LOGS/deps.log
$SUDO apt-get update -q >"$log" 2>&1 ||
	{ tail -n 20 "$log" >&2; die "apt-get update failed (log: $log)"; }
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >>"$log" 2>&1 ||
	{ tail -n 20 "$log" >&2; die "apt-get install failed for:$missing (log: $log)"; }
for p in $missing; do
	[ "$(status "$p")" = installed ] || die "package $p is still not installed"
done
[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL not found after installing linux-source-6.1"
