#!/usr/bin/env bash
# make check: every test of the series and of the rig, one result line
# each, ending with "N passed, N failed, N skipped".  Exit status is
# non-zero when anything failed.
#   1. the series applies to the pristine base with no fuzz, and
#      "make export" reproduces patches/ byte for byte;
#   2. checkpatch.pl --strict on every patch (scripts/checkpatch.sh);
#   3. the kernel builds; W=1 on arch/arm64/kvm/ adds no warning;
#   4. boot under QEMU, KVM initialised (VHE or nVHE), run the selftests; then
#      on other CPUs: AArch64-only a64fx, neoverse-n1 (CPU model shared with
#      a Cortex-A76), cortex-a72 (nVHE); unit tests of libarm64cpumodel;
#      rollback-diff: what a VMM that changes nothing sees is unpatched 6.1's;
#   5. host-side tests of the rig (tests/rig/).
# Usage: check.sh [--debug]   (--debug: the KASAN/lockdep/UBSAN kernel,
#                               steps 3-4 only)
. "$(dirname "$0")/lib.sh"

DEBUG=
[ "${1:-}" = --debug ] && DEBUG=1
RES=$BUILD/results.txt
mkdir -p "$BUILD" "$LOGS"
: >"$RES"
S=$TOP/scripts

# Result lines go to the terminal and to $RES; detail lines ("      |")
# only to the terminal.
record() {
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case "$line" in
		pass\ * | FAIL\ * | skip\ *) printf '%s\n' "$line" >>"$RES" ;;
		esac
	done
}
result() { printf '%-5s %s\n' "$1" "$2" | record; }

# step NAME CMD...: run CMD, logging its output; pass or FAIL with the
# output's tail.  Returns CMD's status.
step() {
	local name=$1 log=$LOGS/step-$1.log
	shift
	if "$@" >"$log" 2>&1; then
		result pass "$name"
		return 0
	fi
	result FAIL "$name: $(grep -m1 '^error:' "$log" | sed 's/^error: //' || true) (log: $log)"
	tail -n 15 "$log" | sed 's/^/      | /'
	return 1
}

summary() {
	local p f s
	p=$(grep -c '^pass' "$RES" || true)
	f=$(grep -c '^FAIL' "$RES" || true)
	s=$(grep -c '^skip' "$RES" || true)
	echo
	if [ "$f" -gt 0 ]; then
		echo "Failed:"
		grep '^FAIL' "$RES" | sed 's/^FAIL  /  /'
	fi
	echo "$p passed, $f failed, $s skipped"
	[ "$f" = 0 ]
}
trap 'summary; exit' EXIT

t0=$(date +%s)
step deps "$S/deps.sh" || exit 1
step tree "$S/tree.sh" || exit 1
info "base: Linux $(kversion "$TREE"), $(series_list | wc -l) patches"

if [ -z "$DEBUG" ]; then
	# 1. Series applies to the pristine base (temporary index, no
	#    checkout: fast), then the export round trip.
	step series-applies "$S/apply-check.sh" || true
	step export-roundtrip "$S/export-check.sh" || true
	# 2. checkpatch
	"$S/checkpatch.sh" 2>&1 | record || true
fi

# 3. Build
flavour=normal image=$BUILD/Image
[ -z "$DEBUG" ] || { flavour=debug; image=$BUILD/Image-debug; }
step kernel-build "$S/kernel.sh" $flavour || exit 1
[ -n "$DEBUG" ] || "$S/w1.sh" 2>"$LOGS/w1-step.log" | record || true
step selftests-build "$S/selftests.sh" || exit 1
step tools-build "$S/tools.sh" || exit 1
step initramfs "$S/initramfs.sh" || exit 1

# 4. Boot and run the tests in the guest
console=$LOGS/console-$flavour.log
list=$BUILD/tests.list
if [ -n "$DEBUG" ]; then
	list=$BUILD/tests-debug.list
	grep -v '^#' "$TOP/tests/debug-exclude.list" | while read -r t why; do
		[ -n "$t" ] && result skip "$t: $why"
	done
fi
info "booting $image under QEMU and running $(grep -c . "$list") test programs"
RIG_LIST=$([ -z "$DEBUG" ] || echo debug) "$S/boot.sh" check "$console" "$image"
"$S/results.sh" "$console" "$list" | record || true
"$S/abi-show-check.sh" "$console" 2>&1 | record || true

# 4b. The same kernel on other CPUs, two guests at a time: an AArch64-only
# CPU (a64fx, no AArch32 EL0) for the tests that care; Neoverse N1 running
# a CPU model shared with the Cortex-A76 fixture; Cortex-A72 (ARMv8.0:
# KVM in nVHE mode) for the series' tests.
other() {	# other CPU LIST LABEL
	local console=$LOGS/console-$flavour-$3.log
	CPU=$1 RIG_LIST=$2 "$S/boot.sh" check "$console" "$image"
	"$S/results.sh" "$console" "$BUILD/tests-$2.list" "$3" >"$LOGS/results-$3.txt" || true
}
info "booting $image on a64fx, neoverse-n1 and cortex-a72 (nVHE)"
other a64fx aarch64-only a64fx &
p1=$!
other neoverse-n1 fleet n1 &
p2=$!
wait $p1
other cortex-a72 nvhe a72-nvhe &
p3=$!
wait $p2 $p3
for l in a64fx n1 a72-nvhe; do record <"$LOGS/results-$l.txt"; done

# 4c. Host-side unit tests of libarm64cpumodel (tests/cpumodel/)
[ -n "$DEBUG" ] || "$TOP/tests/cpumodel/run.sh" 2>&1 | record || true

# 4d. Rollback safe by default: tools/abi-probe on unpatched 6.1 and on
# the series, per QEMU CPU model, must print the same (base probes cached)
[ -n "$DEBUG" ] || "$S/rollback-diff.sh" 2>"$LOGS/rollback-diff.log" | record || true

# 4e. A real VMM across kernels: QEMU 7.2 inside the emulated host
# migrates a running guest patched->patched, unpatched 6.1->patched
# (upgrade) and patched->unpatched 6.1 (rollback); the guest's counter
# and every ID register/firmware value it reads must survive
[ -n "$DEBUG" ] || "$S/compat.sh" --check 2>"$LOGS/compat-step.log" | record || true

# 5. The rig's own tests
[ -n "$DEBUG" ] || "$TOP/tests/rig/run.sh" 2>&1 | record || true
info "make check took $(($(date +%s) - t0)) s"
