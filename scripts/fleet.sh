#!/usr/bin/env bash
# make run: the fleet story, end to end, on emulated hosts.
#   1. two hosts (QEMU neoverse-n1 and cortex-a76, each running the
#      patched kernel with KVM inside) probe their guest ABI;
#   2. baseline: the most capable CPU model both can run, with the reasons
#      for every lowered field;
#   3. compare: the model against both hosts and a third (cortex-a72) that
#      cannot run it;
#   4. the Cortex-A76 host applies the model (Neoverse N1 identity) to a
#      new VM and verifies it from userspace and from guest code (MRS).
# Work files go to build/fleet/.  FLEET="cpuA cpuB" and APPLY_ON=cpu
# choose other QEMU CPUs.
. "$(dirname "$0")/lib.sh"

read -r -a fleet <<<"${FLEET:-neoverse-n1 cortex-a76}"
apply_on=${APPLY_ON:-${fleet[1]}}
other=${OTHER:-cortex-a72}
W=$BUILD/fleet
T=$BUILD/host/arm64-cpumodel
rm -rf "$W"
mkdir -p "$W" "$LOGS"
"$TOP/scripts/cpumodel-build.sh" host

# guest CPU LOG CMD,WITH,COMMAS [INITRD]: run a command in a guest on CPU.
guest() {
	CPU=$1 RIG_ARGS=$3 QEMU_TIMEOUT=${QEMU_TIMEOUT:-300} \
		"$TOP/scripts/boot.sh" exec "$2" "$BUILD/Image" "${4:-$BUILD/initramfs.cpio}"
	grep -aq '^@@KVM ok' "$2" || die "$1: KVM did not initialise (console log: $2)"
	awk '/^@@BEGIN exec/ { on = 1; next } /^@@END exec/ { on = 0 } on' "$2" | tr -d '\r'
	grep -aq '^@@END exec rc=0' "$2"
}

echo "== 1. probe: each host records the guest ABI its KVM offers"
for cpu in "${fleet[@]}"; do
	guest "$cpu" "$LOGS/fleet-probe-$cpu.log" "/bin/arm64-cpumodel,probe,--name,$cpu" \
		>"$W/$cpu.json" &
done
wait || true
for cpu in "${fleet[@]}"; do
	"$T" show "$W/$cpu.json" >"$W/$cpu.txt" || die "probing $cpu failed (console log: $LOGS/fleet-probe-$cpu.log)"
	printf '   %-12s %s, %s registers, MIDR_EL1 %s -> build/fleet/%s.json\n' "$cpu" \
		"$(sed -n 's/^host .*, \(Linux .*\)/\1/p' "$W/$cpu.txt")" "$(grep -c '"value"' "$W/$cpu.json")" \
		"$(jq -r '.registers["0x603000000013c000"].value' "$W/$cpu.json")" "$cpu"
done

echo
echo "== 2. baseline: the most capable model every host can run"
files=()
for cpu in "${fleet[@]}"; do files+=("$W/$cpu.json"); done
"$T" baseline --name fleet-model -o "$W/model.json" "${files[@]}" 2>&1 |
	sed 's/^/   /'
[ -f "$W/model.json" ] || die "no common model"

echo
echo "== 3. compare: where can the model run? (exit status for scripts)"
for h in "${files[@]}" "$TOP/tests/cpumodel/fixtures/$other.json"; do
	rc=0
	"$T" compare "$W/model.json" "$h" >"$W/compare.txt" || rc=$?
	sed -n '1,6p' "$W/compare.txt" | sed 's/^/   /'
	[ "$(wc -l <"$W/compare.txt")" -le 6 ] || echo "     ..."
	echo "     (exit status $rc)"
done

echo
echo "== 4. apply on $apply_on: a new 2-vCPU VM gets the model, then verify"
# The model travels to the host in a second cpio archive, appended.
mkdir -p "$W/cpio/fleet"
cp "$W/model.json" "$W/cpio/fleet/"
(cd "$W/cpio" && find . | cpio -o -H newc --owner=0:0 --quiet) >"$W/model.cpio"
cat "$BUILD/initramfs.cpio" "$W/model.cpio" >"$W/initramfs.cpio"
guest "$apply_on" "$LOGS/fleet-apply-$apply_on.log" "/bin/arm64-cpumodel,apply,--vcpus,2,/fleet/model.json" \
	"$W/initramfs.cpio" | sed 's/^/   /' || die "applying the model on $apply_on failed (console log: $LOGS/fleet-apply-$apply_on.log)"
echo
echo "The guest on $apply_on reads the model's ID registers, cache geometry and the"
echo "identity of ${fleet[0]} (MIDR_EL1 $(jq -r '.registers["0x603000000013c000"].value' "$W/model.json")): it can migrate between both hosts."

echo
echo "== 5. export: the model for the VMMs operators run (on ${fleet[0]}, whose identity it has)"
"$T" export --qemu "$W/model.json" --host "$W/${fleet[0]}.json" -o "$W/model.qemu" ||
	die "export --qemu failed"
printf '   QEMU: -cpu %s,... (%s properties) -> build/fleet/model.qemu\n' \
	"$(cut -d, -f1-5 "$W/model.qemu")" "$(tr ',' '\n' <"$W/model.qemu" | grep -c '^SYSREG_')"
"$T" export --firecracker "$W/model.json" --host "$W/${fleet[0]}.json" -o "$W/model.firecracker.json" ||
	die "export --firecracker failed"
printf '   Firecracker: a custom CPU template, %s reg_modifiers -> build/fleet/model.firecracker.json\n' \
	"$(jq '.reg_modifiers | length' "$W/model.firecracker.json")"
rc=0
"$T" export --qemu "$W/model.json" --host "$W/${fleet[1]}.json" >/dev/null 2>"$W/export-other.txt" || rc=$?
echo "   on ${fleet[1]} (exit status $rc): $(head -n 1 "$W/export-other.txt")"
