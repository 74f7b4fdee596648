#!/usr/bin/env bash
# Build tools/cpumodel (libarm64cpumodel and the arm64-cpumodel tool) with
# its own Makefile (tools/cpumodel/Makefile, standalone), plus the test
# programs of tests/cpumodel/, which use the library's internals and link
# its static archive.
#   cpumodel-build.sh host   build/host/arm64-cpumodel: native, shared
#                            library, no KVM part, for the unit tests
#                            (tests/cpumodel/); built in build/host/cpumodel/,
#                            the tool finds its library there from anywhere
#                            (a symlink, run path $ORIGIN)
#   cpumodel-build.sh guest  build/tools/{arm64-cpumodel,cpumodel-test}:
#                            static aarch64, with the KVM part (objects in
#                            build/tools/.cpumodel-obj/: initramfs.sh copies
#                            every build/tools/* into the guest)
#   cpumodel-build.sh host-threads   build/host/cpumodel-threads-test:
#                            the library under ThreadSanitizer (unit tests)
#   cpumodel-build.sh host-kvm-mock  build/host/cpumodel-kvm-mock-test:
#                            the KVM part, native, every ioctl to a fake KVM
#                            (unit tests; needs the tree's uapi headers,
#                            installed by "make tools")
#   cpumodel-build.sh host-api  build/host/cpumodel-api-test: the public
#                            interface's unit tests, linked with the shared
#                            library (only its exported symbols)
#   cpumodel-build.sh host-asan  build/host/cpumodel-asan/: the tool and
#                            the api test under AddressSanitizer and
#                            UndefinedBehaviorSanitizer
#   cpumodel-build.sh update-tables  regenerate tools/cpumodel/cpumodel-tables.h
#
# The register and field tables (tools/cpumodel/cpumodel-tables.h, committed)
# are generated from the kernel's own descriptions by
# tools/cpumodel/gen-tables.py: names from Debian's linux-source-6.12
# arch/arm64/tools/sysreg, rules from the patched tree.  Every build
# regenerates them into build/gen/ and fails when the committed file
# differs (then run "cpumodel-build.sh update-tables" and commit it).
. "$(dirname "$0")/lib.sh"

what=${1:?host|host-threads|host-api|host-asan|host-kvm-mock|guest|update-tables}
SRC=$TOP/tools/cpumodel
GEN=$BUILD/gen
SYSREG_TARBALL=${SYSREG_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
mkdir -p "$GEN"

# build/gen/cpumodel-tables.h from the sysreg file and the tree.
gen_tables() {
	# The 6.12 register description, extracted once.
	if [ ! -s "$GEN/sysreg-6.12" ]; then
		[ -f "$SYSREG_TARBALL" ] || die "$SYSREG_TARBALL missing (run 'make deps')"
		tar -xJf "$SYSREG_TARBALL" -O linux-source-6.12/arch/arm64/tools/sysreg >"$GEN/sysreg-6.12.tmp"
		mv "$GEN/sysreg-6.12.tmp" "$GEN/sysreg-6.12"
	fi
	local defs=$KBUILD/arch/arm64/include/generated/asm/sysreg-defs.h
	[ -f "$defs" ] || kmake prepare >/dev/null
	# A file of its own: builds may run side by side.
	local new
	new=$(mktemp "$GEN/cpumodel-tables.h.XXXXXX")
	python3 "$SRC/gen-tables.py" "$GEN/sysreg-6.12" "$TREE" "$KBUILD" >"$new" ||
		{ rm -f "$new"; die "gen-tables.py failed"; }
	write_if_changed "$GEN/cpumodel-tables.h" <"$new"
	rm -f "$new"
}

if [ "$what" = update-tables ]; then
	gen_tables
	if cmp -s "$GEN/cpumodel-tables.h" "$SRC/cpumodel-tables.h"; then
		info "tools/cpumodel/cpumodel-tables.h is up to date"
	else
		cp "$GEN/cpumodel-tables.h" "$SRC/cpumodel-tables.h"
		info "tools/cpumodel/cpumodel-tables.h updated from gen-tables.py: review and commit it"
	fi
	exit 0
fi

gen_tables
if ! cmp -s "$GEN/cpumodel-tables.h" "$SRC/cpumodel-tables.h"; then
	if [ -f "$SRC/cpumodel-tables.h" ]; then
		diff -u "$SRC/cpumodel-tables.h" "$GEN/cpumodel-tables.h" | head -n 20 >&2 || true
		die "tools/cpumodel/cpumodel-tables.h differs from what gen-tables.py makes of this tree ($GEN/cpumodel-tables.h, diff above): run 'scripts/cpumodel-build.sh update-tables' and commit the result"
	fi
	die "tools/cpumodel/cpumodel-tables.h is missing: run 'scripts/cpumodel-build.sh update-tables' and commit the result"
fi

# make in tools/cpumodel; warnings are errors in the rig.
cm_make() {
	make --no-print-directory -C "$SRC" -j"$JOBS" WERROR=1 "$@"
}

# build OUT CC ARGS...: link a test program when it is missing or older
# than its inputs (the test sources, the headers, the archive it links).
build() {
	local out=$1 cc=$2 deps
	shift 2
	deps=("$TOP"/tests/cpumodel/*.c "$SRC"/*.h "$TOP"/tools/include/*.h)
	local a
	for a in "$@"; do
		case $a in *.a) deps+=("$a") ;; esac
	done
	if [ -f "$out" ] && [ -z "$(find "${deps[@]}" -newer "$out" -print -quit)" ]; then
		return 0
	fi
	mkdir -p "$(dirname "$out")"
	echo "  LD       $out"
	"$cc" -O2 -g -Wall -Wextra -Werror -I"$SRC" -I"$TOP/tools/include" -o "$out" "$@"
}

# copy SRC DST: only when the content differs (DST's mtime says when it
# last changed).
copy_if_changed() {
	cmp -s "$1" "$2" 2>/dev/null || cp -f "$1" "$2"
}

case $what in
host)
	obj=$BUILD/host/cpumodel
	# shellcheck disable=SC2016
	cm_make O="$obj" WITH_KVM=0 RPATH='$$ORIGIN' all
	if [ "$(readlink "$BUILD/host/arm64-cpumodel" 2>/dev/null)" != cpumodel/arm64-cpumodel ]; then
		ln -sfn cpumodel/arm64-cpumodel "$BUILD/host/arm64-cpumodel"
	fi
	;;
host-threads)
	obj=$BUILD/host/cpumodel-tsan
	cm_make O="$obj" WITH_KVM=0 CFLAGS="-O2 -g -fsanitize=thread" lib-static
	build "$BUILD/host/cpumodel-threads-test" gcc -fsanitize=thread \
		"$TOP/tests/cpumodel/threads-test.c" "$obj/libarm64cpumodel-internal.a" -ljson-c -lpthread
	build "$BUILD/host/cpumodel-api-test-tsan" gcc -fsanitize=thread \
		"$TOP/tests/cpumodel/api-test.c" "$obj/libarm64cpumodel.a" -ljson-c -lpthread
	;;
host-api)
	obj=$BUILD/host/cpumodel
	# shellcheck disable=SC2016
	cm_make O="$obj" WITH_KVM=0 RPATH='$$ORIGIN' all
	build "$BUILD/host/cpumodel-api-test" gcc "$TOP/tests/cpumodel/api-test.c" \
		-L"$obj" -Wl,-rpath,"$obj" -larm64cpumodel -ljson-c -lpthread
	;;
host-asan)
	obj=$BUILD/host/cpumodel-asan
	san="-fsanitize=address,undefined -fno-sanitize-recover=all"
	# shellcheck disable=SC2016
	cm_make O="$obj" WITH_KVM=0 RPATH='$$ORIGIN' CFLAGS="-O1 -g $san" LDFLAGS="$san" all
	# shellcheck disable=SC2086
	build "$obj/api-test" gcc $san "$TOP/tests/cpumodel/api-test.c" \
		-L"$obj" -Wl,-rpath,"$obj" -larm64cpumodel -ljson-c -lpthread
	;;
host-kvm-mock)
	# The arm64 uapi headers, for native code: types and ioctl numbers
	# only (the fake KVM of kvm-mock-test.c answers every ioctl).
	[ -f "$KBUILD/usr/include/linux/kvm.h" ] ||
		die "no uapi headers in $KBUILD/usr/include (run 'make tools')"
	obj=$BUILD/host/cpumodel-kvm
	cm_make O="$obj" WITH_KVM=1 KERNEL_HEADERS="$KBUILD/usr/include" lib-static
	build "$BUILD/host/cpumodel-kvm-mock-test" gcc -DCM_WITH_KVM -isystem "$KBUILD/usr/include" \
		-Wl,--wrap=ioctl "$TOP/tests/cpumodel/kvm-mock-test.c" "$obj/libarm64cpumodel-internal.a" -ljson-c
	;;
guest)
	obj=$BUILD/tools/.cpumodel-obj
	cm_make O="$obj" CROSS_COMPILE="$CROSS" STATIC=1 WITH_KVM=1 \
		KERNEL_HEADERS="$KBUILD/usr/include" all
	copy_if_changed "$obj/arm64-cpumodel" "$BUILD/tools/arm64-cpumodel"
	build "$BUILD/tools/cpumodel-test" "${CROSS}gcc" -static -DCM_WITH_KVM \
		-isystem "$KBUILD/usr/include" "$TOP/tests/cpumodel/guest-test.c" \
		"$obj/libarm64cpumodel-internal.a" -ljson-c
	;;
*)
	die "unknown target $what (host, host-threads, host-api, host-asan, host-kvm-mock, guest, update-tables)"
	;;
esac
