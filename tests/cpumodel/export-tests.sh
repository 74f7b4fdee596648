# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Tests of "arm64-cpumodel export" (QEMU properties, Firecracker templates
# and their import).  Sourced by tests/cpumodel/run.sh inside run_tests:
# uses its helpers t, mk, ok, bad, eqv and $T (the tool), $FIX, $WORK.

# ex_regs FILE: "NAME VALUE" per register of a profile (format 3: keyed by
# KVM id with the name inside; formats 1-2: grouped by name).
ex_regs() {
	jq -r 'if (.registers | to_entries[0].value | has("name"))
	       then .registers | to_entries[] | "\(.value.name) \(.value.value)"
	       else .registers[] | to_entries[] | "\(.key) \(.value.value)" end' "$1"
}
# ex_writable FILE NAME: a register's writable mask in a host profile (0 if none).
ex_writable() {
	jq -r --arg n "$2" '[.registers | .. | objects | select(.name == $n or has($n))
			    | if has($n) then .[$n] else . end | .writable // "0x0"][0] // "0x0"' "$1"
}
# ex_noid FILE OUT: the model without an identity (each host keeps its own).
ex_noid() {
	jq 'if (.registers | to_entries[0].value | has("name"))
	    then .registers |= with_entries(select(.value.name | test("^(MIDR|REVIDR|AIDR)_EL1$") | not))
	    else del(.registers.implementation) end' "$1" >"$2"
}
# ex_setfield FILE REG SHIFT VALUE: set 4 bits of a register of a profile.
ex_setfield() {
	local v
	v=$(ex_regs "$1" | awk -v r="$2" '$1 == r { print $2 }')
	v=$(printf '0x%016x' $(( (v & ~(0xf << $3)) | ($4 << $3) )))
	jq --arg r "$2" --arg v "$v" '.registers |= (if (to_entries[0].value | has("name"))
		then with_entries(if .value.name == $r then .value.value = $v else . end)
		else with_entries(.value |= with_entries(if .key == $r then .value.value = $v else . end)) end)' \
		"$1" >"$1.new" && mv "$1.new" "$1"
}

EX_N1=$FIX/neoverse-n1.json
EX_A76=$FIX/cortex-a76.json
# Neoverse N1 + Cortex-A76: mainline's writable masks suffice (no
# fleet-id-regs); the first host's identity and cache geometry...
"$T" baseline --name n1-a76 -o "$WORK/ex-n1a76.json" "$EX_N1" "$EX_A76" 2>/dev/null
# ...or the second's.
"$T" baseline --name a76-n1 --impl-from cortex-a76 -o "$WORK/ex-a76n1.json" "$EX_N1" "$EX_A76" 2>/dev/null
eqv export-baseline-no-capability "$(jq -c '.capabilities // []' "$WORK/ex-n1a76.json")" '[]'

# --- QEMU -------------------------------------------------------------------
t export-qemu-n1 0 "^host,pmu=on,pauth=off,sve=off,kvm-steal-time=on,SYSREG_" \
	"$T" export --qemu "$WORK/ex-n1a76.json" --host "$EX_N1"
"$T" export --qemu "$WORK/ex-n1a76.json" --host "$EX_N1" -o "$WORK/ex-q-n1.txt" 2>/dev/null
eqv export-qemu-one-line "$(wc -l <"$WORK/ex-q-n1.txt")" 1
tr ',' '\n' <"$WORK/ex-q-n1.txt" | grep '^SYSREG_' | sort >"$WORK/ex-q-n1.props"
# PARANGE lowered to the Cortex-A76's 40 bits, the rest N1's.
for ex_p in SYSREG_ID_AA64MMFR0_EL1_PARANGE=0x2 SYSREG_ID_AA64ISAR0_EL1_AES=0x2 \
	 SYSREG_ID_AA64PFR0_EL1_EL0=0x2 SYSREG_ID_DFR0_EL1_PerfMon=0x4 SYSREG_CTR_EL0_DminLine=0x4 \
	 SYSREG_ID_AA64MMFR1_EL1_HAFDBS=0x2; do
	eqv "export-qemu-prop-${ex_p%%=*}" "$(grep -cx -- "$ex_p" "$WORK/ex-q-n1.props")" 1
done
# Only fields the host lets a VMM change without KVM_CAP_ARM_OOT_FLEET_ID_REGS:
# no fleet field (RAS, VH...), no unwritable one (MPAM, ASIDBITS), no register
# without a mask, nothing but the ID registers and CTR_EL0.
for ex_p in ID_AA64PFR0_EL1_RAS ID_AA64MMFR1_EL1_VH ID_AA64MMFR0_EL1_TGRAN4_2 CTR_EL0_L1Ip \
	 ID_AA64PFR0_EL1_MPAM ID_AA64MMFR0_EL1_ASIDBITS ID_AFR0_EL1_ CLIDR_EL1_ MIDR_EL1_; do
	eqv "export-qemu-no-$ex_p" "$(grep -c "^SYSREG_$ex_p" "$WORK/ex-q-n1.props")" 0
done
# Field by field against show: a property for exactly the fields show marks
# "writable" (not "with fleet-id-regs") in the ID registers and CTR_EL0.
"$T" show "$EX_N1" | awk '
	/^[A-Z]/ && $2 ~ /^0x/ { reg = $1; next }
	/^    / && reg ~ /^(ID_|MVFR|CTR_EL0)/ {
		print reg "_" $1, ($0 ~ /, writable/ && $0 !~ /with fleet-id-regs/) }' >"$WORK/ex-show.fields"
sed 's/=.*//; s/^SYSREG_//' "$WORK/ex-q-n1.props" >"$WORK/ex-q-n1.names"
ex_mism=$(while read -r f w; do
	has=$(grep -cx -- "$f" "$WORK/ex-q-n1.names")
	[ "$has" = "$w" ] || echo "$f(show $w, export $has)"
done <"$WORK/ex-show.fields" | tr '\n' ' ')
eqv export-qemu-exactly-writable-fields "$ex_mism" ""
eqv export-qemu-fields-checked "$(($(wc -l <"$WORK/ex-show.fields") > 150))" 1
# Every register named has a writable mask in the host profile.
ex_mism=$(sed 's/^SYSREG_\(.*_EL[01]\)_.*/\1/' "$WORK/ex-q-n1.props" | sort -u | while read -r r; do
	[ "$(ex_writable "$EX_N1" "$r")" != 0x0 ] || echo "$r"
done | tr '\n' ' ')
eqv export-qemu-registers-writable "$ex_mism" ""
# The Cortex-A76 host: the N1 identity and cache geometry need properties
# QEMU does not have; the A76-first model exports there.
t export-qemu-a76-identity 1 "MIDR_EL1: model 0x00000000414fd0c1, host 0x00000000414fd0b1 .*QEMU does not enable KVM_CAP_ARM_WRITABLE_IMP_ID_REGS" \
	"$T" export --qemu "$WORK/ex-n1a76.json" --host "$EX_A76"
ex_noid "$WORK/ex-n1a76.json" "$WORK/ex-n1a76-noid.json"
t export-qemu-a76-geometry 1 "CCSIDR_EL1\[2\]: model 0x0000000070ffe03a, host 0x00000000707fe03a .*QEMU's -cpu host has no property for the cache geometry" \
	"$T" export --qemu "$WORK/ex-n1a76-noid.json" --host "$EX_A76"
t export-qemu-a76 0 "^host,.*SYSREG_ID_AA64MMFR0_EL1_PARANGE=0x2,.*SYSREG_CTR_EL0_IminLine=0x4$" \
	"$T" export --qemu "$WORK/ex-a76n1.json" --host "$EX_A76"
t export-qemu-n1-other-geometry 1 "CCSIDR_EL1\[2\]: model 0x00000000707fe03a, host 0x0000000070ffe03a" \
	"$T" export --qemu "$WORK/ex-a76n1.json" --host "$EX_N1"
# A field the host does not let a VMM change (ID_AA64PFR0_EL1.MPAM, bits
# 43:40, outside N1's mask): refused, register and field named, nothing written.
"$T" baseline -o "$WORK/ex-self-n1.json" "$EX_N1" 2>/dev/null
cp "$WORK/ex-self-n1.json" "$WORK/ex-mpam.json"
ex_setfield "$WORK/ex-mpam.json" ID_AA64PFR0_EL1 40 1
echo KEEP >"$WORK/ex-keep.txt"
t export-qemu-unwritable 1 "ID_AA64PFR0_EL1\.MPAM: model 1( \([^)]*\))?, host 0( \([^)]*\))?: this host does not let a VMM change it" \
	"$T" export --qemu "$WORK/ex-mpam.json" --host "$EX_N1" -o "$WORK/ex-keep.txt"
eqv export-qemu-unwritable-writes-nothing "$(cat "$WORK/ex-keep.txt")" KEEP
t export-firecracker-unwritable 1 "ID_AA64PFR0_EL1\.MPAM: model 1( \([^)]*\))?, host 0( \([^)]*\))?: this host does not let a VMM change it" \
	"$T" export --firecracker "$WORK/ex-mpam.json" --host "$EX_N1"
# A model that needs KVM_CAP_ARM_OOT_FLEET_ID_REGS (N1 + Cortex-A72): the
# fleet fields it changes are named; neither VMM enables the capability.
"$T" baseline -o "$WORK/ex-n1a72.json" "$EX_N1" "$FIX/cortex-a72.json" 2>/dev/null
t export-qemu-fleet-field 1 "ID_AA64PFR0_EL1\.RAS: model 0 \(NI\), host 1 \(IMP\): only KVM_CAP_ARM_OOT_FLEET_ID_REGS .* QEMU does not enable it" \
	"$T" export --qemu "$WORK/ex-n1a72.json" --host "$EX_N1"
t export-firecracker-fleet-field 1 "ID_AA64MMFR1_EL1\.VMIDBits: model 0 \(8\), host 2 \(16\): only KVM_CAP_ARM_OOT_FLEET_ID_REGS .* Firecracker does not enable it" \
	"$T" export --firecracker "$WORK/ex-n1a72.json" --host "$EX_N1"
# A model above the host (writable field, rule broken): compare's finding.
cp "$WORK/ex-a76n1.json" "$WORK/ex-high.json"
ex_setfield "$WORK/ex-high.json" ID_AA64MMFR0_EL1 0 6
t export-qemu-above-host 1 "ID_AA64MMFR0_EL1\.PARANGE: model 6 \(52\), host limit 2 \(40\) \(lower-safe\)" \
	"$T" export --qemu "$WORK/ex-high.json" --host "$EX_A76"

# --- Firecracker --------------------------------------------------------------
t export-firecracker-n1 0 "Firecracker: 2 register modifiers" \
	"$T" export --firecracker "$WORK/ex-n1a76.json" --host "$EX_N1" -o "$WORK/ex-fc-n1.json"
eqv export-firecracker-addrs "$(jq -c '[.reg_modifiers[].addr]' "$WORK/ex-fc-n1.json")" \
	'["0x603000000013c021","0x603000000013c038"]'
eqv export-firecracker-bitmap-form "$(jq -r '[.reg_modifiers[].bitmap | test("^0b[01x]{64}$")] | all' "$WORK/ex-fc-n1.json")" true
# ID_AA64MMFR0_EL1: 63:48 ECV/FGT explicit, 55:48 x (not writable), EXS
# explicit, TGRAN*_2 x (fleet fields), 31:8 explicit, ASIDBITS x,
# PARANGE 2 (40 bits, the Cortex-A76's).
eqv export-firecracker-bitmap-mmfr0 "$(jq -r '.reg_modifiers[] | select(.addr == "0x603000000013c038") | .bitmap' "$WORK/ex-fc-n1.json")" \
	0b00000000xxxxxxxx0000xxxxxxxxxxxx000000000001000000010001xxxx0010
# x for every bit the host does not let a VMM change (0 in its mask).
ex_mism=$(jq -r '.reg_modifiers[] | "\(.addr) \(.bitmap)"' "$WORK/ex-fc-n1.json" | while read -r a b; do
	m=$(ex_writable "$EX_N1" "$(jq -r --arg a "$a" '.registers[$a].name' "$WORK/ex-n1a76.json")")
	b=${b#0b}
	for ((i = 0; i < ${#b}; i++)); do
		bit=$((${#b} - 1 - i))
		c=${b:i:1}
		if [ "$c" != x ] && [ $(((m >> bit) & 1)) = 0 ]; then echo "$a:$bit"; fi
	done
done | tr '\n' ' ')
eqv export-firecracker-x-for-unwritable "$ex_mism" ""
eqv export-firecracker-vcpu-features "$(jq -c '.vcpu_features' "$WORK/ex-fc-n1.json")" '[{"index":0,"bitmap":"0b000110x"}]'
eqv export-firecracker-capability-checks "$(jq -c '.kvm_capabilities' "$WORK/ex-fc-n1.json")" '["126","187"]'
# Cortex-A76: the N1 identity cannot be had; without it, the N1 geometry's
# one CCSIDR that differs (32-bit demux register: 32 characters).
t export-firecracker-a76-identity 1 "MIDR_EL1: model 0x00000000414fd0c1, host 0x00000000414fd0b1 .*Firecracker does not enable KVM_CAP_ARM_WRITABLE_IMP_ID_REGS" \
	"$T" export --firecracker "$WORK/ex-n1a76.json" --host "$EX_A76"
"$T" export --firecracker "$WORK/ex-n1a76-noid.json" --host "$EX_A76" -o "$WORK/ex-fc-a76.json" 2>/dev/null
eqv export-firecracker-a76-geometry "$(jq -c '.reg_modifiers' "$WORK/ex-fc-a76.json")" \
	'[{"addr":"0x6020000000110002","bitmap":"0b01110000111111111110000000111010"}]'
# Pointer authentication (max): its features, its capability checks.
"$T" baseline -o "$WORK/ex-self-max.json" "$FIX/max.json" 2>/dev/null
"$T" export --firecracker "$WORK/ex-self-max.json" --host "$FIX/max.json" -o "$WORK/ex-fc-max.json" 2>/dev/null
eqv export-firecracker-ptrauth "$(jq -c '[.vcpu_features, .kvm_capabilities, .reg_modifiers]' "$WORK/ex-fc-max.json")" \
	'[[{"index":0,"bitmap":"0b110110x"}],["126","171","172","187"],[]]'

# --- round trip: import of the exported template on the same host -------------
# ex_same MODEL IMPORTED: registers the model sets that the import differs in.
ex_same() {
	join <(ex_regs "$1" | sort) <(ex_regs "$2" | sort) -a1 -e MISSING -o 0,1.2,2.2 |
		awk '$2 != $3 { printf "%s ", $1 }'
}
for ex_c in "n1:ex-n1a76:$EX_N1:ex-fc-n1" "a76:ex-n1a76-noid:$EX_A76:ex-fc-a76" \
	 "max:ex-self-max:$FIX/max.json:ex-fc-max"; do
	IFS=: read -r ex_n ex_m ex_h ex_tpl <<<"$ex_c"
	t "export-import-$ex_n" 0 "" "$T" export --import-firecracker "$WORK/$ex_tpl.json" \
		--host "$ex_h" -o "$WORK/ex-imp-$ex_n.json"
	t "export-import-$ex_n-compare" 0 "firecracker-template can run on" \
		"$T" compare "$WORK/ex-imp-$ex_n.json" "$ex_h"
	eqv "export-import-$ex_n-registers" "$(ex_same "$WORK/$ex_m.json" "$WORK/ex-imp-$ex_n.json")" ""
	eqv "export-import-$ex_n-features" "$(jq -c .vcpu_features "$WORK/ex-imp-$ex_n.json")" \
		"$(jq -c .vcpu_features "$WORK/$ex_m.json")"
	eqv "export-import-$ex_n-kind" "$(jq -r '[.kind, .name] | join(" ")' "$WORK/ex-imp-$ex_n.json")" \
		"model firecracker-template"
done
# Without vcpu_features a template gives Firecracker's vCPUs (PSCI 0.2 only):
# no PMU, so PMUVer/PerfMon read 0.
echo '{"reg_modifiers": []}' >"$WORK/ex-tpl-empty.json"
"$T" export --import-firecracker "$WORK/ex-tpl-empty.json" --host "$EX_N1" -o "$WORK/ex-imp-empty.json" 2>/dev/null
eqv export-import-default-features "$(jq -c '[.vcpu_features, has("pmu_counters")]' "$WORK/ex-imp-empty.json")" '[["psci-0.2"],false]'
eqv export-import-pmu-hidden "$(ex_regs "$WORK/ex-imp-empty.json" | awk '$1 == "ID_AA64DFR0_EL1" { print $2 }')" \
	0x0000000010305006

# --- templates Firecracker would refuse, or the host cannot run -----------------
EX_X28=xxxxxxxxxxxxxxxxxxxxxxxxxxxx
ex_mkt() { printf '%s\n' "$2" >"$WORK/ex-tpl-$1.json"; }
ex_mkt syntax '{"reg_modifiers": [}'
ex_mkt array '[]'
ex_mkt unkkey '{"reg_modifiers": [], "cpu_template": "V1N1"}'
ex_mkt x86 '{"cpuid_modifiers": []}'
ex_mkt regs-obj '{"reg_modifiers": {}}'
ex_mkt entry-key '{"reg_modifiers": [{"addr": "0x603000000013c038", "bitmap": "0b0010", "mask": "0b1"}]}'
ex_mkt addr-bad '{"reg_modifiers": [{"addr": "j", "bitmap": "0b0010"}]}'
ex_mkt addr-num '{"reg_modifiers": [{"addr": 6917529027641196600, "bitmap": "0b0010"}]}'
ex_mkt addr-unknown '{"reg_modifiers": [{"addr": "0x6030000000138010", "bitmap": "0b0010"}]}'
ex_mkt addr-dup '{"reg_modifiers": [{"addr": "0x603000000013c038", "bitmap": "0b0010"}, {"addr": "0x603000000013C038", "bitmap": "0b0001"}]}'
ex_mkt bm-missing '{"reg_modifiers": [{"addr": "0x603000000013c038"}]}'
ex_mkt bm-prefix '{"reg_modifiers": [{"addr": "0x603000000013c038", "bitmap": "0010"}]}'
ex_mkt bm-char '{"reg_modifiers": [{"addr": "0x603000000013c038", "bitmap": "0b00?0"}]}'
ex_mkt bm-empty '{"reg_modifiers": [{"addr": "0x603000000013c038", "bitmap": "0b__"}]}'
ex_mkt bm-wide '{"reg_modifiers": [{"addr": "0x6020000000110000", "bitmap": "0b1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}]}'
ex_mkt bm-long "{\"reg_modifiers\": [{\"addr\": \"0x603000000013c038\", \"bitmap\": \"0b$(printf 'x%.0s' $(seq 129))\"}]}"
ex_mkt feat-index '{"vcpu_features": [{"index": 1, "bitmap": "0b1xxx"}]}'
ex_mkt feat-bit0 '{"vcpu_features": [{"index": 0, "bitmap": "0bxxxxxx1"}]}'
ex_mkt feat-bit7 '{"vcpu_features": [{"index": 0, "bitmap": "0b1xxxxxxx"}]}'
ex_mkt feat-long '{"vcpu_features": [{"index": 0, "bitmap": "0b1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}]}'
ex_mkt cap-bad '{"kvm_capabilities": ["12a"]}'
for ex_c in "syntax:firecracker template: not valid JSON" "array:firecracker template: must be a JSON object" \
	 "unkkey:unknown key \"cpu_template\"" "x86:\"cpuid_modifiers\" is for x86_64 templates" \
	 "regs-obj:\"reg_modifiers\" must be an array" "entry-key:reg_modifiers\[0\]: unknown key \"mask\"" \
	 "addr-bad:reg_modifiers\[0\]: \"addr\" must be a string, the KVM register id .*: \"j\"" \
	 "addr-num:reg_modifiers\[0\]: \"addr\" must be a string" \
	 "addr-unknown:reg_modifiers\[0\]: addr 0x6030000000138010 \(.*\): not a register this library models" \
	 "addr-dup:reg_modifiers\[1\]: addr 0x603000000013c038 \(ID_AA64MMFR0_EL1\) repeats reg_modifiers\[0\]" \
	 "bm-missing:reg_modifiers\[0\] \(ID_AA64MMFR0_EL1\): \"bitmap\" must be a string" \
	 "bm-prefix:reg_modifiers\[0\] \(ID_AA64MMFR0_EL1\): bitmap \"0010\" must start with \"0b\"" \
	 "bm-char:reg_modifiers\[0\] \(ID_AA64MMFR0_EL1\): bitmap \"0b00\?0\" may only hold 0, 1, x and _" \
	 "bm-empty:reg_modifiers\[0\] \(ID_AA64MMFR0_EL1\): bitmap \"0b__\" has no bits" \
	 "bm-wide:reg_modifiers\[0\] \(CCSIDR_EL1\[0\]\): bitmap .* sets or clears bits above bit 31 \(a 32-bit value\)" \
	 "bm-long:reg_modifiers\[0\] \(ID_AA64MMFR0_EL1\): bitmap .* has more than 128 bits" \
	 "feat-index:vcpu_features\[0\]: \"index\" must be 0" \
	 "feat-bit0:vcpu_features\[0\]: bitmap \"0bxxxxxx1\": bit 0 \(KVM_ARM_VCPU_POWER_OFF\) is Firecracker's own" \
	 "feat-bit7:vcpu_features\[0\]: bitmap \"0b1xxxxxxx\": bit 7 is not a vCPU feature this library models" \
	 "feat-long:vcpu_features\[0\]: bitmap .* sets or clears bits above bit 31" \
	 "cap-bad:kvm_capabilities\[0\]: \"12a\" is not a decimal KVM_CAP_\* number"; do
	ex_n=${ex_c%%:*}
	t "export-import-malformed-$ex_n" 2 "${ex_c#*:}" \
		"$T" export --import-firecracker "$WORK/ex-tpl-$ex_n.json" --host "$EX_N1" -o "$WORK/ex-keep.txt"
done
eqv export-import-malformed-writes-nothing "$(cat "$WORK/ex-keep.txt")" KEEP
: >"$WORK/ex-tpl-empty-file.json"
t export-import-empty-file 2 "ex-tpl-empty-file.json: empty file, not a template" \
	"$T" export --import-firecracker "$WORK/ex-tpl-empty-file.json" --host "$EX_N1"
t export-import-no-file 2 "ex-tpl-nosuch.json: No such file or directory" \
	"$T" export --import-firecracker "$WORK/ex-tpl-nosuch.json" --host "$EX_N1"
# Well-formed, but KVM (so Firecracker) would refuse it on this host: exit 1,
# the template entry and the register's field named.
ex_mkt parange '{"reg_modifiers": [{"addr": "0x603000000013c038", "bitmap": "0b0111"}]}'
ex_mkt ras "{\"reg_modifiers\": [{\"addr\": \"0x603000000013c020\", \"bitmap\": \"0b0000$EX_X28\"}]}"
ex_mkt midr '{"reg_modifiers": [{"addr": "0x603000000013c000", "bitmap": "0b0000"}]}'
ex_mkt ptrauth '{"vcpu_features": [{"index": 0, "bitmap": "0b11xxxxx"}]}'
ex_mkt pmcr '{"vcpu_features": [{"index": 0, "bitmap": "0b000110x"}], "reg_modifiers": [{"addr": "0x603000000013dce0", "bitmap": "0b00111xxxxxxxxxxx"}]}'
for ex_c in "parange:reg_modifiers\[0\]: ID_AA64MMFR0_EL1\.PARANGE: model 7 \(56\), host limit 5 \(48\) \(lower-safe\)" \
	 "ras:reg_modifiers\[0\]: ID_AA64PFR0_EL1\.RAS: model 0 \(NI\), host 1 \(IMP\): only KVM_CAP_ARM_OOT_FLEET_ID_REGS" \
	 "midr:reg_modifiers\[0\]: MIDR_EL1: model 0x00000000414fd0c0, host 0x00000000414fd0c1" \
	 "ptrauth:vCPU feature ptrauth-address: the host does not offer it" \
	 "pmcr:reg_modifiers\[0\]: PMCR_EL0\.N: model 7 event counters, host 6"; do
	ex_n=${ex_c%%:*}
	t "export-import-incompatible-$ex_n" 1 "${ex_c#*:}" \
		"$T" export --import-firecracker "$WORK/ex-tpl-$ex_n.json" --host "$EX_N1"
done
# PMCR_EL0.N lowered: the model's event counters.
ex_mkt pmcr4 '{"vcpu_features": [{"index": 0, "bitmap": "0b000110x"}], "reg_modifiers": [{"addr": "0x603000000013dce0", "bitmap": "0b00100_xxxxxxxxxxx"}]}'
"$T" export --import-firecracker "$WORK/ex-tpl-pmcr4.json" --host "$EX_N1" -o "$WORK/ex-imp-pmcr4.json" 2>/dev/null
eqv export-import-pmcr-n "$(jq .pmu_counters "$WORK/ex-imp-pmcr4.json")" 4

# --- partial models -------------------------------------------------------------
# ex_delreg FILE REG OUT: the profile without register REG.
ex_delreg() {
	jq --arg r "$2" 'if (.registers | to_entries[0].value | has("name"))
	    then .registers |= with_entries(select(.value.name != $r))
	    else .registers |= map_values(del(.[$r])) end' "$1" >"$3"
}
ex_delreg "$WORK/ex-n1a76.json" ID_AA64MMFR0_EL1 "$WORK/ex-partial.json"
eqv export-partial-made "$(ex_regs "$WORK/ex-partial.json" | grep -c '^ID_AA64MMFR0_EL1 ')" 0
# Without --partial a model that leaves a register to the host is bad input
# (the loader names the register); nothing written.
echo KEEP >"$WORK/ex-keep.txt"
t export-qemu-partial-refused 2 "ex-partial\.json: the model sets no value for 1 register \(ID_AA64MMFR0_EL1\)" \
	"$T" export --qemu "$WORK/ex-partial.json" --host "$EX_N1" -o "$WORK/ex-keep.txt"
eqv export-qemu-partial-refused-writes-nothing "$(cat "$WORK/ex-keep.txt")" KEEP
t export-firecracker-partial-refused 2 "ex-partial\.json: the model sets no value for 1 register \(ID_AA64MMFR0_EL1\)" \
	"$T" export --firecracker "$WORK/ex-partial.json" --host "$EX_N1" -o "$WORK/ex-keep.txt"
eqv export-firecracker-partial-refused-writes-nothing "$(cat "$WORK/ex-keep.txt")" KEEP
# With --partial: a warning names the register left to the host, and the
# export leaves it to the host too: QEMU's line is the complete model's
# without ID_AA64MMFR0_EL1's properties, the template has no modifier for it.
t export-qemu-partial 0 "ex-partial\.json: ID_AA64MMFR0_EL1: left to the host \(partial model\)" \
	"$T" export --qemu "$WORK/ex-partial.json" --host "$EX_N1" --partial -o "$WORK/ex-q-partial.txt"
eqv export-qemu-partial-props "$(tr ',' '\n' <"$WORK/ex-q-partial.txt" | grep '^SYSREG_' | sort |
	diff - <(grep -v '^SYSREG_ID_AA64MMFR0_EL1_' "$WORK/ex-q-n1.props") && echo same)" same
t export-firecracker-partial 0 "ex-partial\.json: ID_AA64MMFR0_EL1: left to the host \(partial model\)" \
	"$T" export --firecracker "$WORK/ex-partial.json" --host "$EX_N1" --partial -o "$WORK/ex-fc-partial.json"
eqv export-firecracker-partial-addrs "$(jq -c '[.reg_modifiers[].addr]' "$WORK/ex-fc-partial.json")" \
	'["0x603000000013c021"]'
# --partial does not make an export possible that is not: the N1 identity on
# the Cortex-A76 (exit 1), the warning still there.
t export-firecracker-partial-identity 1 "ID_AA64MMFR0_EL1: left to the host \(partial model\)" \
	"$T" export --firecracker "$WORK/ex-partial.json" --host "$EX_A76" --partial
t export-qemu-partial-identity 1 "MIDR_EL1: model 0x00000000414fd0c1, host 0x00000000414fd0b1" \
	"$T" export --qemu "$WORK/ex-partial.json" --host "$EX_A76" --partial
t export-partial-import 2 "--partial is for a MODEL" \
	"$T" export --import-firecracker "$WORK/ex-fc-n1.json" --host "$EX_N1" --partial

# --- usage ----------------------------------------------------------------------
t export-usage-no-host 2 "--host HOST.json is required" "$T" export --qemu "$WORK/ex-n1a76.json"
t export-usage-two-modes 2 "give one of --qemu, --firecracker, --import-firecracker" \
	"$T" export --qemu "$WORK/ex-n1a76.json" --firecracker "$WORK/ex-n1a76.json" --host "$EX_N1"
t export-usage-host-is-model 2 "ex-n1a76.json is a model; export needs a host profile" \
	"$T" export --qemu "$WORK/ex-n1a76.json" --host "$WORK/ex-n1a76.json"
t export-usage-model-is-host 2 "neoverse-n1.json is a host profile; export needs a model" \
	"$T" export --firecracker "$EX_N1" --host "$EX_N1"
t export-usage-bad-host 2 "nosuch.json: No such file or directory" \
	"$T" export --qemu "$WORK/ex-n1a76.json" --host "$WORK/nosuch.json"
t export-write-error 3 "nosuchdir/q.txt: cannot create a temporary file next to it" \
	"$T" export --qemu "$WORK/ex-n1a76.json" --host "$EX_N1" -o "$WORK/nosuchdir/q.txt"
"$T" export --qemu "$WORK/ex-n1a76.json" --host "$EX_N1" >"$WORK/ex-q-stdout.txt" 2>/dev/null
eqv export-output-file-same "$(cmp -s "$WORK/ex-q-stdout.txt" "$WORK/ex-q-n1.txt" && echo same)" same
