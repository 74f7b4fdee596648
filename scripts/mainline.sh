#!/usr/bin/env bash
# The benchmark's peer: mainline 6.12 from Debian's linux-source-6.12,
# unpacked once into build/mainline (no git: it is never patched) and
# built by kernel.sh with the same config fragments as our kernel, in its
# own incremental build directory (build/kbuild-mainline).
# Usage: mainline.sh            -> build/Image-mainline
#        mainline.sh --unpack   -> only the tree (scripts/mainline-selftests.sh)
. "$(dirname "$0")/lib.sh"

ML_TARBALL=${ML_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
ML_TREE=${ML_TREE:-$BUILD/mainline}
[ -f "$ML_TARBALL" ] || die "$ML_TARBALL not found (run 'make deps')"

id=$(stat -c '%s %Y' "$ML_TARBALL")
if [ ! -f "$ML_TREE/.rig-unpacked" ] || [ "$(cat "$ML_TREE/.rig-unpacked")" != "$id" ]; then
	info "unpacking $ML_TARBALL into $ML_TREE"
	tmp=$(mktemp -d "$BUILD/unpack.XXXXXX")
	tar -C "$tmp" -xf "$ML_TARBALL"
	top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	[ -f "$top/Makefile" ] || die "no kernel Makefile in $ML_TARBALL"
	rm -rf "$ML_TREE" "$BUILD/kbuild-mainline"
	mv "$top" "$ML_TREE"
	rmdir "$tmp"
	echo "$id" >"$ML_TREE/.rig-unpacked"
fi
[ "${1:-}" != --unpack ] || exit 0
exec "$(dirname "$0")/kernel.sh" mainline
