#!/usr/bin/env bash
# A real VMM for the emulated hosts of "make compat": Debian's own arm64
# build of QEMU (qemu-system-arm:arm64, 7.2 in bookworm) and strace,
# fetched with "apt-get download" (the .debs are cached in
# build/compat-debs/) and unpacked with "dpkg-deb -x".  Only the
# binaries, the shared libraries of their NEEDED closure (read with
# readelf -d) and ld-linux-aarch64.so.1 are staged in build/compat/qemu/
# (bin/, lib/aarch64-linux-gnu/, lib/ld-linux-aarch64.so.1), for
# scripts/compat-initramfs.sh.  No /usr/share/qemu file is needed for
# "-M virt -kernel".  Idempotent: nothing is downloaded or unpacked again
# while the staged tree is newer than the cached .debs.  The matrix is
# about QEMU 7.2: any other version of qemu-system-arm:arm64 (the apt
# candidate, or the cached .deb) is an error, named.
. "$(dirname "$0")/lib.sh"

DEBS=${COMPAT_DEBS:-$BUILD/compat-debs}
STAGE=$BUILD/compat/qemu
BINS="usr/bin/qemu-system-aarch64 usr/bin/strace"
READELF=${CROSS}readelf
mkdir -p "$DEBS" "$BUILD/compat" "$LOGS"
log=$LOGS/compat-qemu.log

# Debian bookworm's QEMU 7.2, whatever its security update: 1:7.2+dfsg-7+debXuY.
qemu_72() { [[ $1 =~ ^1:7\.2\+dfsg- ]]; }
not_72() {	# VERSION WHERE
	die "qemu-system-arm:arm64 is $1 ($2), not QEMU 7.2 (Debian bookworm's 1:7.2+dfsg-7+debXuY): make compat needs bookworm's arm64 packages"
}

if [ ! -f "$DEBS/.complete" ]; then
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	case " $(dpkg --print-foreign-architectures | tr '\n' ' ') " in
	*" arm64 "*) ;;
	*) $SUDO dpkg --add-architecture arm64 ;;
	esac
	if ! apt-cache show qemu-system-arm:arm64 >/dev/null 2>&1; then
		info "apt-get update (arm64 package lists)"
		$SUDO apt-get update -q >"$log" 2>&1 ||
			{ tail -n 20 "$log" >&2; die "apt-get update failed (log: $log)"; }
	fi
	cand=$(apt-cache policy qemu-system-arm:arm64 | sed -n 's/^ *Candidate: //p')
	qemu_72 "$cand" || not_72 "${cand:-not available}" "apt candidate"
	# Every real arm64 package in the dependency closure (no virtual
	# packages, no recommends); the NEEDED closure below picks the
	# libraries that really go into the initramfs.
	pkgs=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances qemu-system-arm:arm64 strace:arm64 |
		grep -E '^[a-z0-9][^ <]*:arm64$' | sort -u)
	[ -n "$pkgs" ] || die "no dependency list for qemu-system-arm:arm64"
	info "downloading $(echo "$pkgs" | wc -l) arm64 packages into $DEBS"
	rm -f "$DEBS"/*.deb
	# shellcheck disable=SC2086
	(cd "$DEBS" && apt-get download -q $pkgs) >>"$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; die "apt-get download failed (log: $log)"; }
	echo "$pkgs" >"$DEBS/.complete"
fi
deb=$(find "$DEBS" -maxdepth 1 -name 'qemu-system-arm_*_arm64.deb' | head -n1)
[ -n "$deb" ] || die "no qemu-system-arm arm64 .deb in $DEBS (remove $DEBS/.complete to download again)"
ver=$(dpkg-deb -f "$deb" Version)
qemu_72 "$ver" || not_72 "$ver" "$deb"

if [ -f "$STAGE/.stamp" ] && [ -z "$(find "$DEBS" -name '*.deb' -newer "$STAGE/.stamp" -print -quit)" ]; then
	echo "compat-qemu: $STAGE is up to date ($(sed -n 1p "$STAGE/.stamp"))"
	exit 0
fi

ROOT=$BUILD/compat/qemu-unpacked
rm -rf "$ROOT" "$STAGE"
mkdir -p "$ROOT" "$STAGE/bin" "$STAGE/lib/aarch64-linux-gnu"
for d in "$DEBS"/*.deb; do
	dpkg-deb -x "$d" "$ROOT"
done
for b in $BINS; do
	[ -f "$ROOT/$b" ] || die "$b not found in the unpacked packages"
done

# lib NAME: the unpacked file for a NEEDED entry (symlinks resolved).
lib() {
	local d
	for d in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu lib usr/lib; do
		if [ -e "$ROOT/$d/$1" ]; then
			readlink -f "$ROOT/$d/$1"
			return 0
		fi
	done
	return 1
}
needed() { "$READELF" -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

queue=()
for b in $BINS; do
	cp "$ROOT/$b" "$STAGE/bin/"
	queue+=("$ROOT/$b")
done
declare -A seen=()
while [ ${#queue[@]} -gt 0 ]; do
	f=${queue[0]}
	queue=("${queue[@]:1}")
	for n in $(needed "$f"); do
		[ -z "${seen[$n]:-}" ] || continue
		seen[$n]=1
		src=$(lib "$n") || die "NEEDED $n (of ${f#"$ROOT"/}) is in no unpacked package"
		cp "$src" "$STAGE/lib/aarch64-linux-gnu/$n"
		queue+=("$src")
	done
done
interp=$(lib ld-linux-aarch64.so.1) || die "no ld-linux-aarch64.so.1 in libc6:arm64"
cp "$interp" "$STAGE/lib/ld-linux-aarch64.so.1"
rm -rf "$ROOT"
{
	echo "qemu-system-arm $ver, ${#seen[@]} libraries, $(du -sh "$STAGE" | cut -f1)"
	(cd "$STAGE/lib/aarch64-linux-gnu" && ls)
} >"$STAGE/.stamp"
echo "compat-qemu: $(sed -n 1p "$STAGE/.stamp")"
