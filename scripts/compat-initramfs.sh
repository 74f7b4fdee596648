#!/usr/bin/env bash
# The initramfs of "make compat" boots, build/initramfs-compat.cpio: kept
# apart from make check's small build/initramfs.cpio because it carries a
# real VMM.  Contents: static busybox and guest/init (rig.mode=exec runs
# /compat/l1.sh), Debian's QEMU 7.2 and strace with the libraries of
# their NEEDED closure (scripts/compat-qemu.sh), the L2 guest
# (guest/l2/, build/compat/l2.elf) and kvm-regs (guest/compat/).
# Rebuilt pieces only when their sources change; the archive is rewritten
# only when its content changes.
. "$(dirname "$0")/lib.sh"

C=$BUILD/compat
OUT=${OUT:-$BUILD/initramfs-compat.cpio}
mkdir -p "$C" "$LOGS"
log=$LOGS/compat-build.log
"$TOP/scripts/compat-qemu.sh" >&2

# newer OUT SRC...: true when OUT is missing or older than a SRC
newer() {
	local out=$1
	shift
	[ ! -f "$out" ] || [ -n "$(find "$@" -newer "$out" -print -quit)" ]
}
L2=$TOP/guest/l2
if newer "$C/l2.elf" "$L2"; then
	"${CROSS}gcc" -O2 -g -Wall -Wextra -Werror -nostdlib -ffreestanding -fno-builtin \
		-mgeneral-regs-only -mstrict-align -fno-stack-protector -fno-pic -no-pie \
		-static -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T "$L2/l2.ld" \
		-o "$C/l2.elf" "$L2/start.S" "$L2/l2.c" >"$log" 2>&1 ||
		{ cat "$log" >&2; die "building the L2 guest failed"; }
fi
if newer "$C/kvm-regs" "$TOP/guest/compat/kvm-regs.c" "$TOP/tools/include/kvm-reg-list.h"; then
	"${CROSS}gcc" -O2 -Wall -Wextra -Werror -static -o "$C/kvm-regs" \
		"$TOP/guest/compat/kvm-regs.c" >"$log" 2>&1 ||
		{ cat "$log" >&2; die "building kvm-regs failed"; }
fi

bb=$(dpkg -L busybox-static:arm64 2>/dev/null | grep -m1 '/busybox$' || true)
[ -n "$bb" ] && [ -f "$bb" ] || die "arm64 busybox not found (run 'make deps')"
ROOT=$C/initramfs
rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,dev,proc,sys,tmp,compat/in}
cp "$bb" "$ROOT/bin/busybox"
ln -s busybox "$ROOT/bin/sh"
cp "$TOP/guest/init" "$ROOT/init"
cp -a "$C/qemu/bin/." "$ROOT/bin/"
cp -a "$C/qemu/lib" "$ROOT/lib"
cp "$TOP/guest/compat/l1.sh" "$C/l2.elf" "$C/kvm-regs" "$ROOT/compat/"
(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --reproducible --quiet) |
	write_if_changed "$OUT"
rm -rf "$ROOT"
echo "compat initramfs: $OUT ($(du -h "$OUT" | cut -f1))"
