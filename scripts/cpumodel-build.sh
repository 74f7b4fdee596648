#!/usr/bin/env bash
# Build tools/cpumodel (libarm64cpumodel and the arm64-cpumodel tool).
#   cpumodel-build.sh host   build/host/arm64-cpumodel: native, no KVM part,
#                            for the unit tests (tests/cpumodel/)
#   cpumodel-build.sh guest  build/tools/{arm64-cpumodel,cpumodel-test}:
#                            static aarch64, with the KVM part
#   cpumodel-build.sh host-threads   build/host/cpumodel-threads-test:
#                            the library under ThreadSanitizer (unit tests)
#   cpumodel-build.sh host-kvm-mock  build/host/cpumodel-kvm-mock-test:
#                            the KVM part, native, every ioctl to a fake KVM
#                            (unit tests; needs the tree's uapi headers,
#                            installed by "make tools")
# The register and field tables are generated from the kernel's own
# descriptions (tools/cpumodel/gen-tables.py): names from Debian's
# linux-source-6.12 arch/arm64/tools/sysreg, rules from the patched tree.
. "$(dirname "$0")/lib.sh"

what=${1:?host|guest}
SRC=$TOP/tools/cpumodel
GEN=$BUILD/gen
SYSREG_TARBALL=${SYSREG_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
mkdir -p "$GEN"

# The 6.12 register description, extracted once.
if [ ! -s "$GEN/sysreg-6.12" ]; then
	[ -f "$SYSREG_TARBALL" ] || die "$SYSREG_TARBALL missing (run 'make deps')"
	tar -xJf "$SYSREG_TARBALL" -O linux-source-6.12/arch/arm64/tools/sysreg >"$GEN/sysreg-6.12.tmp"
	mv "$GEN/sysreg-6.12.tmp" "$GEN/sysreg-6.12"
fi
defs=$KBUILD/arch/arm64/include/generated/asm/sysreg-defs.h
[ -f "$defs" ] || kmake prepare >/dev/null
python3 "$SRC/gen-tables.py" "$GEN/sysreg-6.12" "$TREE" "$KBUILD" |
	write_if_changed "$GEN/cpumodel-tables.h"

lib="$SRC/cpumodel.c $SRC/cpumodel-tables.c"
deps="$SRC/*.c $SRC/*.h $TOP/tools/include/*.h $TOP/tests/cpumodel/*.c $GEN/cpumodel-tables.h"
CFLAGS="-O2 -g -Wall -Wextra -Werror -I$SRC -I$GEN -I$TOP/tools/include"

# build OUT CC FLAGS... : rebuild OUT when a source is newer.
build() {
	local out=$1 cc=$2
	shift 2
	# shellcheck disable=SC2086
	if [ -f "$out" ] && [ -z "$(find $deps -newer "$out" -print -quit)" ]; then
		return 0
	fi
	mkdir -p "$(dirname "$out")"
	# shellcheck disable=SC2086
	$cc $CFLAGS -o "$out" "$@"
}

case $what in
host)
	# shellcheck disable=SC2086
	build "$BUILD/host/arm64-cpumodel" gcc $SRC/main.c $lib -ljson-c
	;;
host-threads)
	# shellcheck disable=SC2086
	build "$BUILD/host/cpumodel-threads-test" gcc -fsanitize=thread \
		"$TOP/tests/cpumodel/threads-test.c" $lib -ljson-c -lpthread
	;;
host-kvm-mock)
	# The arm64 uapi headers, for native code: types and ioctl numbers
	# only (the fake KVM of kvm-mock-test.c answers every ioctl).
	[ -f "$KBUILD/usr/include/linux/kvm.h" ] ||
		die "no uapi headers in $KBUILD/usr/include (run 'make tools')"
	# shellcheck disable=SC2086
	build "$BUILD/host/cpumodel-kvm-mock-test" gcc -DCM_WITH_KVM -isystem "$KBUILD/usr/include" \
		-Wl,--wrap=ioctl "$TOP/tests/cpumodel/kvm-mock-test.c" $lib $SRC/cpumodel-kvm.c -ljson-c
	;;
guest)
	k="-static -DCM_WITH_KVM -isystem $KBUILD/usr/include"
	# shellcheck disable=SC2086
	build "$BUILD/tools/arm64-cpumodel" "${CROSS}gcc" $k $SRC/main.c $lib $SRC/cpumodel-kvm.c -ljson-c
	# shellcheck disable=SC2086
	build "$BUILD/tools/cpumodel-test" "${CROSS}gcc" $k "$TOP/tests/cpumodel/guest-test.c" $lib $SRC/cpumodel-kvm.c -ljson-c
	;;
*)
	die "unknown target $what"
	;;
esac
