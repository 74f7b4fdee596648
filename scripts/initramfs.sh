#!/usr/bin/env bash
# Pack build/initramfs.cpio: static busybox, guest/init, the test
# programs named in build/tests.list and the tools built by the rig.
# Rewritten only when its content changes.
. "$(dirname "$0")/lib.sh"

# busybox-static:arm64 (Multi-Arch: foreign) installs its arm64 binary
# as /bin/busybox; ask dpkg rather than trusting the path.
bb=$(dpkg -L busybox-static:arm64 2>/dev/null | grep -m1 '/busybox$' || true)
[ -n "$bb" ] && [ -f "$bb" ] || die "arm64 busybox not found (run 'make deps')"
file_arch=$(od -An -j18 -N2 -tu2 "$bb" | tr -d ' ')
[ "$file_arch" = 183 ] || die "$bb is not an aarch64 binary (e_machine $file_arch)"

ROOT=$BUILD/initramfs
OUT=${OUT:-$BUILD/initramfs.cpio}
rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,dev,proc,sys,tmp,tests}
cp "$bb" "$ROOT/bin/busybox"
cp "$TOP/guest/init" "$ROOT/init"
ln -s busybox "$ROOT/bin/sh"
[ -f "$BUILD/tests.list" ] || die "no $BUILD/tests.list (run 'make selftests')"
cp "$BUILD/tests.list" "$ROOT/tests/list"
# build/tests-NAME.list is /tests/list.NAME (boot.sh RIG_LIST=NAME)
for l in "$BUILD"/tests-*.list; do
	[ -f "$l" ] || continue
	n=${l##*/tests-}
	cp "$l" "$ROOT/tests/list.${n%.list}"
done
# CPU profiles for the cpumodel tests
mkdir -p "$ROOT/cpumodel/fixtures"
cp "$TOP"/tests/cpumodel/fixtures/*.json "$ROOT/cpumodel/fixtures/"
while read -r t _; do
	# "name=/tests/prog": a program under another result name
	case "$t" in *=/tests/*) t=${t#*=/tests/} ;; esac
	case "$t" in '' | *=*) continue ;; esac
	src=$BUILD/selftests/bin/$t
	[ -x "$src" ] || die "test program $t was not built ($src)"
	cp "$src" "$ROOT/tests/$t"
done <"$BUILD/tests.list"
for tool in "$BUILD"/tools/*; do
	[ -x "$tool" ] && cp "$tool" "$ROOT/bin/"
done
(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --reproducible --quiet) |
	write_if_changed "$OUT"
echo "initramfs: $OUT ($(du -h "$OUT" | cut -f1))"
