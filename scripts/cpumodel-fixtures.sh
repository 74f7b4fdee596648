#!/usr/bin/env bash
# make fixtures: probe the guest ABI of several QEMU CPU models with the
# patched kernel and keep the profiles as test fixtures
# (tests/cpumodel/fixtures/CPU.json).  Each CPU boots the rig's guest
# (KVM inside QEMU: VHE on max/neoverse-n1, nVHE on cortex-a72) and runs
# "arm64-cpumodel probe" (with KVM_CAP_ARM_OOT_FLEET_ID_REGS, the masks
# of a VM that enabled it); the profile is checked by the host build of the
# tool before it replaces the old one.
# Usage: cpumodel-fixtures.sh [CPU...]   (default: the eight kept there)
. "$(dirname "$0")/lib.sh"

cpus=${*:-max neoverse-n1 cortex-a76 cortex-a72 a64fx cortex-a57 cortex-a53 cortex-a35}
out=$TOP/tests/cpumodel/fixtures
tool=$BUILD/host/arm64-cpumodel
mkdir -p "$out" "$LOGS"
"$TOP/scripts/cpumodel-build.sh" host

# probe CPU FILE: boot on CPU, write its profile to FILE.
probe() {
	local cpu=$1 file=$2 log=$LOGS/probe-$1.log
	CPU=$cpu RIG_ARGS="/bin/arm64-cpumodel,probe,--name,$cpu" QEMU_TIMEOUT=${QEMU_TIMEOUT:-300} \
		"$TOP/scripts/boot.sh" exec "$log" "$BUILD/Image" "${INITRD:-$BUILD/initramfs.cpio}"
	grep -aq '^@@KVM ok' "$log" || die "$cpu: KVM did not initialise (console log: $log)"
	grep -aq '^@@END exec rc=0' "$log" || die "$cpu: probe failed (console log: $log)"
	awk '/^@@BEGIN exec/ { on = 1; next } /^@@END exec/ { on = 0 } on' "$log" | tr -d '\r' >"$file.tmp"
	"$tool" show "$file.tmp" >/dev/null || die "$cpu: the probed profile does not load (console log: $log)"
	mv "$file.tmp" "$file"
}

pids=
for cpu in $cpus; do
	probe "$cpu" "$out/$cpu.json" &
	pids="$pids $!"
done
rc=0
for p in $pids; do wait "$p" || rc=1; done
[ $rc = 0 ] || die "probing failed"
for cpu in $cpus; do
	info "$cpu: $(grep -c '"value"' "$out/$cpu.json") registers -> tests/cpumodel/fixtures/$cpu.json"
done
