#!/usr/bin/env bash
# Mainline's own conformance test for the writable ID registers,
# tools/testing/selftests/kvm/aarch64/set_id_regs.c from Debian's
# linux-source-6.12, built static against 6.12's uapi headers and run on
# our 6.1 kernel like the series' tests (build/tests.list names it
# mainline-set_id_regs).  Two adaptations, neither touching what the test
# checks:
#  - tests/mainline/region2-shim.c, linked with --wrap=ioctl: the 6.12
#    selftest library creates memslots with KVM_SET_USER_MEMORY_REGION2
#    (6.8) and skips without it; the shim turns that into 6.1's
#    KVM_SET_USER_MEMORY_REGION, whose struct is the new one's head.
#  - the ID_AA64MMFR0_EL1.ASIDBITS line of the test's field table is
#    dropped: 6.12.y's KVM makes ASIDBITS read-only (its writable mask
#    excludes it) but the 6.12.y test still expects it writable, so the
#    unmodified test fails on mainline 6.12 itself at that line.  Our
#    kernel follows 6.12's mask.
# Also, unmodified, 6.12's smccc_filter (the SMCCC filter, 6.4) and
# vpmu_counter_access (the writable PMCR_EL0.N, 6.7), the reference
# behaviour of those ABIs.
# Output: build/mainline-selftests/bin/mainline-<test> (rebuilt only when
# the 6.12 tarball or this rig changed).
. "$(dirname "$0")/lib.sh"

ML_TREE=${ML_TREE:-$BUILD/mainline}
W=$BUILD/mainline-selftests
OUT=$W/out
BIN=$W/bin
HDR=$W/hdr
log=$LOGS/mainline-selftests.log
mkdir -p "$W" "$BIN" "$LOGS"

"$TOP/scripts/mainline.sh" --unpack
KSFT=$ML_TREE/tools/testing/selftests/kvm
SRC=$KSFT/aarch64/set_id_regs.c
SHIM=$TOP/tests/mainline/region2-shim.c
[ -f "$SRC" ] || die "$SRC not found in the 6.12 tree"
# The unmodified ones, besides set_id_regs
TESTS="smccc_filter vpmu_counter_access"
target=$BIN/mainline-set_id_regs
uptodate=1
for t in set_id_regs $TESTS; do
	[ -f "$KSFT/aarch64/$t.c" ] || die "$t.c not found in the 6.12 tree"
	if [ ! -x "$BIN/mainline-$t" ] ||
		[ -n "$(find "$ML_TREE/.rig-unpacked" "$SHIM" "$0" -newer "$BIN/mainline-$t" -print -quit)" ]; then
		uptodate=
	fi
done
[ -n "$uptodate" ] && exit 0

: >"$log"
make -s -C "$ML_TREE" O="$HDR" ARCH=arm64 headers >>"$log" 2>&1 ||
	{ tail -n 20 "$log" >&2; die "6.12 headers failed (log: $log)"; }
# The 6.12 selftest library, built by its own Makefile (building the
# unmodified test pulls in every library object).
rm -rf "$OUT"
make -C "$KSFT" -j"$JOBS" ARCH=arm64 CROSS_COMPILE="$CROSS" OUTPUT="$OUT" \
	KHDR_INCLUDES="-isystem $HDR/usr/include" LINUX_HDR_PATH="$HDR/usr/include/" \
	EXTRA_CFLAGS=-static "$OUT/aarch64/set_id_regs" >>"$log" 2>&1 ||
	{ grep error "$log" | tail -n 15 >&2; die "6.12 selftest build failed (log: $log)"; }

sed '/REG_FTR_BITS(FTR_LOWER_SAFE, ID_AA64MMFR0_EL1, ASIDBITS, 0),/d' "$SRC" >"$W/set_id_regs.c"
[ "$(diff "$SRC" "$W/set_id_regs.c" | grep -c '^<')" = 1 ] ||
	die "6.12's set_id_regs.c changed: the ASIDBITS line to drop was not found exactly once"
inc="-I$ML_TREE/tools/include -I$ML_TREE/tools/arch/arm64/include -I$HDR/usr/include
	-I$KSFT/include -I$KSFT/include/aarch64 -I$OUT/aarch64 -I$KSFT/..
	-I$ML_TREE/tools/arch/arm64/include/generated"
build() {	# SOURCE TARGET
	# shellcheck disable=SC2086
	"${CROSS}gcc" -D_GNU_SOURCE= -O2 -g -std=gnu99 -Wall -DCONFIG_64BIT \
		-U_FORTIFY_SOURCE -fno-builtin-memcmp -fno-builtin-memcpy \
		-fno-builtin-memset -fno-builtin-strnlen -fno-stack-protector -fno-PIE \
		-fno-strict-aliasing $inc -static -pthread -no-pie -Wl,--wrap=ioctl \
		-o "$2.tmp" "$1" "$SHIM" "$OUT"/lib/*.o \
		"$OUT"/lib/aarch64/*.o -ldl >>"$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; die "building $(basename "$2") failed (log: $log)"; }
	mv "$2.tmp" "$2"
	echo "mainline selftests: $2"
}
build "$W/set_id_regs.c" "$target"
for t in $TESTS; do
	build "$KSFT/aarch64/$t.c" "$BIN/mainline-$t"
done
