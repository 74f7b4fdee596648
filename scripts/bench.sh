#!/usr/bin/env bash
# make bench: our kernel against mainline 6.12 and against the unpatched
# 6.1 base (all three with the same config fragments), measured by
# tools/kvm-bench inside QEMU.  The kernels boot in turn, ROUNDS times
# each (the order rotates every round, so drift on the host hits all
# alike); each boot reports medians over REPS repetitions, and the report
# takes the median over the boots.
#
# QEMU runs without -icount here: plain multi-threaded TCG, two guest
# CPUs on two host threads, so the thread-per-vCPU restore really runs in
# parallel and a lock that serialises it shows.  Absolute numbers are
# those of an emulated CPU; the ratio ours/mainline is the result.
#
# Output: a table on stdout, build/bench/raw.csv (every boot),
# build/bench/summary.csv (medians, ratios), build/bench/restore.png.
# Environment: ROUNDS (3), REPS (3), VCPUS (1:8:64:256).
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-3}
REPS=${REPS:-3}
VCPUS=${VCPUS:-1:8:64:256}
B=$BUILD/bench
mkdir -p "$B" "$LOGS"

"$TOP/scripts/mainline.sh" >&2
ensure_basewt
"$TOP/scripts/kernel.sh" base >&2
ver_ours=$(kversion "$TREE") ver_ml=$(kversion "$BUILD/mainline")

echo "round,kernel,metric,param,mode,value,unit" >"$B/raw.csv.tmp"
onboot() {	# KERNEL-NAME IMAGE ROUND
	local log=$B/console-$1-$3.log
	ICOUNT= RIG_ARGS="/bin/kvm-bench,--reps,$REPS,--vcpus,$VCPUS" \
		QEMU_TIMEOUT=${QEMU_TIMEOUT:-900} "$TOP/scripts/boot.sh" exec "$log" "$2"
	grep -aq '^@@BOOTED' "$log" || die "$1 did not boot (console log: $log)"
	if grep -aq '^@@BENCH-ERROR' "$log"; then
		grep -a '^@@BENCH-ERROR' "$log" | tr -d '\r' | sed "s/^@@BENCH-ERROR /$1: /" >&2
		die "kvm-bench reported errors on $1 (console log: $log)"
	fi
	grep -aq '^@@BENCH-END 0 failure' "$log" ||
		die "kvm-bench did not finish on $1 (console log: $log)"
	tr -d '\r' <"$log" | sed -n "s/^@@BENCH /$3,$1,/p" >>"$B/raw.csv.tmp"
}
t0=$(date +%s)
for r in $(seq 1 "$ROUNDS"); do
	case $((r % 3)) in
	1) order="ours mainline base" ;;
	2) order="mainline base ours" ;;
	0) order="base ours mainline" ;;
	esac
	for k in $order; do
		info "round $r/$ROUNDS: $k"
		case $k in
		ours) onboot ours "$BUILD/Image" "$r" ;;
		mainline) onboot mainline "$BUILD/Image-mainline" "$r" ;;
		base) onboot base "$BUILD/Image-base" "$r" ;;
		esac
	done
done
mv "$B/raw.csv.tmp" "$B/raw.csv"
info "benchmark boots took $(($(date +%s) - t0)) s"

# Object sizes: the patched tree, mainline, and the pristine base when
# "make check" has built it (scripts/w1.sh).
SIZES_CSV=$B/sizes.csv "$TOP/scripts/struct-sizes.sh" >/dev/null 2>&1 ||
	warn "object sizes unavailable (run 'make check' once for the base)"
python3 "$TOP/scripts/bench-report.py" "$B" "$ver_ours" "$ver_ml"
