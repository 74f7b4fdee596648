#!/usr/bin/env bash
# make run: boot the patched kernel and run tools/abi-show inside the
# guest, printing the guest-ABI table it produces.
# Usage: run.sh [--json]   (make run ARGS=--json)
. "$(dirname "$0")/lib.sh"

args=$(IFS=,; echo "$*")
log=$LOGS/run.log
info "booting $BUILD/Image under qemu-system-aarch64 (log: $log)"
RIG_ARGS=$args QEMU_TIMEOUT=${QEMU_TIMEOUT:-300} "$TOP/scripts/boot.sh" run "$log"

grep -q '^@@BOOTED' "$log" || { tail -n 30 "$log" >&2; die "the guest did not boot (console log: $log)"; }
grep -q '^@@KVM ok' "$log" || die "KVM did not initialise in the guest: $(grep '^@@KVM' "$log" | cut -c3-) (console log: $log)"
out=$(awk '/^@@BEGIN abi-show/ { on = 1; next } /^@@END abi-show/ { on = 0 } on' "$log" | tr -d '\r')
rc=$(sed -n 's/^@@END abi-show rc=\([0-9]*\).*/\1/p' "$log")
printf '%s\n' "$out"
[ "$rc" = 0 ] || die "abi-show failed in the guest (exit status ${rc:-missing}; console log: $log)"
