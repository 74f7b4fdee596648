# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# "arm64-cpumodel fingerprint" and "fingerprint compare" (drift of a host
# after an update).  Sourced by tests/cpumodel/run.sh inside run_tests():
# uses its helpers t, mk, ok, bad, eqv and $T, $FIX, $WORK.  Test inputs
# are the fixtures changed with jq on the version-2 layout
# (.registers.GROUP.NAME.value).

# fpd FILE: the digest line of "fingerprint FILE".
fpd() { "$T" fingerprint "$1" 2>&1 | head -n 1; }
FPRE='arm64cm1:[0-9a-f]{16}'

# --- fingerprint -------------------------------------------------------------
t fp-digest 0 "^$FPRE$" "$T" fingerprint "$FIX/max.json"
t fp-summary 0 '^host "max", Linux 6\.1\.192\+, [0-9]+ registers$' "$T" fingerprint "$FIX/max.json"
eqv fp-stable "$(fpd "$FIX/max.json")" "$(fpd "$FIX/max.json")"
# Not the JSON text: key order, formatting, the format version the file is
# written in (show --json rewrites it in this tool's) and the name (a
# label) do not count.
jq -S . "$FIX/max.json" >"$WORK/fp-sorted.json"
jq -c . "$FIX/max.json" >"$WORK/fp-compact.json"
"$T" show --json "$FIX/max.json" >"$WORK/fp-rewritten.json" 2>/dev/null
mk fp-renamed max '.name = "max-renamed"'
eqv fp-key-order "$(fpd "$WORK/fp-sorted.json")" "$(fpd "$FIX/max.json")"
eqv fp-formatting "$(fpd "$WORK/fp-compact.json")" "$(fpd "$FIX/max.json")"
eqv fp-format-version "$(fpd "$WORK/fp-rewritten.json")" "$(fpd "$FIX/max.json")"
eqv fp-name-not-counted "$(fpd "$WORK/fp-renamed.json")" "$(fpd "$FIX/max.json")"
eqv fp-fixtures-distinct "$(for f in "$FIX"/*.json; do fpd "$f"; done | sort -u | grep -cE "^$FPRE$")" \
	"$(find "$FIX" -name '*.json' | wc -l)"
mk fp-model max '.kind = "model" | del(.kernel, .capabilities) | .sources = ["max"]'
t fp-model-digest 0 '^model "max" from max, [0-9]+ registers$' "$T" fingerprint "$WORK/fp-model.json"
t fp-missing-file 2 "nosuch\.json: No such file or directory" "$T" fingerprint "$WORK/nosuch.json"
t fp-usage 2 "usage: arm64-cpumodel fingerprint PROFILE" "$T" fingerprint
t fp-usage-compare 2 "usage: arm64-cpumodel fingerprint" "$T" fingerprint compare
t fp-usage-three 2 "usage: arm64-cpumodel fingerprint" \
	"$T" fingerprint compare "$FIX/max.json" "$FIX/max.json" "$FIX/max.json"
t fp-usage-option 2 "usage: arm64-cpumodel fingerprint" \
	"$T" fingerprint compare --frob "$FIX/max.json" "$FIX/max.json"

# --- compare: nothing changed -------------------------------------------------
t fp-same 0 "^no drift \($FPRE\)$" "$T" fingerprint compare "$FIX/max.json" "$FIX/max.json"
eqv fp-same-digest "$("$T" fingerprint compare "$FIX/max.json" "$WORK/fp-sorted.json")" \
	"no drift ($(fpd "$FIX/max.json"))"
t fp-same-rewritten 0 "^no drift" "$T" fingerprint compare "$FIX/max.json" "$WORK/fp-rewritten.json"
eqv fp-same-json "$("$T" fingerprint compare --json "$FIX/max.json" "$FIX/max.json" | jq -c .findings)" "[]"

# --- warnings only: exit status 0 ---------------------------------------------
mk fp-kernel max '.kernel = "6.1.200+"'
t fp-kernel 0 "^warning: kernel: was 6\.1\.192\+, now 6\.1\.200\+ \(uname -r\)$" \
	"$T" fingerprint compare "$FIX/max.json" "$WORK/fp-kernel.json"
t fp-kernel-verdict 0 "^drift: 1 warning \($FPRE -> $FPRE\): nothing a model baselined from the old profile depends on$" \
	"$T" fingerprint compare "$FIX/max.json" "$WORK/fp-kernel.json"
if [ "$(fpd "$WORK/fp-kernel.json")" != "$(fpd "$FIX/max.json")" ]; then
	ok fp-kernel-digest
else
	bad fp-kernel-digest "a new kernel left the digest as it was"
fi

# --- ID register fields, by rule ------------------------------------------------
# ID_AA64ISAR0_EL1.SHA3 (bits 35:32, lower-safe, writable on max) lowered.
mk fp-sha3 max '.registers.id.ID_AA64ISAR0_EL1.value = "0x1221111010212120"'
t fp-field-lowered 1 "^error: ID_AA64ISAR0_EL1\.SHA3: was 1 \(IMP\), now 0 \(NI\) \(lower-safe\): lowered: a model with the old value cannot run$" \
	"$T" fingerprint compare "$FIX/max.json" "$WORK/fp-sha3.json"
t fp-field-lowered-verdict 1 "^drift: 1 error, 0 warnings \($FPRE -> $FPRE\)" \
	"$T" fingerprint compare "$FIX/max.json" "$WORK/fp-sha3.json"
t fp-field-raised 0 "^warning: ID_AA64ISAR0_EL1\.SHA3: was 0 \(NI\), now 1 \(IMP\) \(lower-safe\): a model with the old value still runs$" \
	"$T" fingerprint compare "$WORK/fp-sha3.json" "$FIX/max.json"
# ID_AA64MMFR0_EL1.ASIDBITS is not writable on max: raised is an error too.
mk fp-asid8 max '.registers.id.ID_AA64MMFR0_EL1.value = "0x0000032310201106"'
t fp-fixed-field-raised 1 "^error: ID_AA64MMFR0_EL1\.ASIDBITS: was 0 \(8\), now 2 \(16\) \(lower-safe\): this host does not let a VMM change it" \
	"$T" fingerprint compare "$WORK/fp-asid8.json" "$FIX/max.json"
# --json: the findings, "model" the old value, "host" the new one.
"$T" fingerprint compare --json "$FIX/max.json" "$WORK/fp-sha3.json" >"$WORK/fp-sha3.out" 2>&1
eqv fp-json-status $? 1
eqv fp-json-members "$(jq -c '.findings[] | [.severity, .register, .field, .rule, .model, .host]' "$WORK/fp-sha3.out" 2>&1)" \
	'["error","ID_AA64ISAR0_EL1","SHA3","lower-safe","0x0000000000000001","0x0000000000000000"]'
eqv fp-json-message "$(jq -r '.findings[0].message' "$WORK/fp-sha3.out" 2>&1 | cut -d: -f1)" ID_AA64ISAR0_EL1.SHA3

# Errors first, then warnings, then the verdict.
mk fp-two fp-sha3 '.kernel = "6.1.200+"'
"$T" fingerprint compare "$FIX/max.json" "$WORK/fp-two.json" >"$WORK/fp-two.out" 2>&1
eqv fp-errors-first "$(cut -d: -f1 "$WORK/fp-two.out" | tr '\n' ' ')" "error warning drift "

# --- firmware levels ------------------------------------------------------------
# SMCCC_ARCH_WORKAROUND_2: 0 NOT_AVAIL, 1 UNKNOWN, 2 AVAIL, 3 NOT_REQUIRED.
mk fp-wa2-3 max '.registers.firmware.SMCCC_ARCH_WORKAROUND_2.value = "0x0000000000000003"'
t fp-wa2-raised 0 "^warning: SMCCC_ARCH_WORKAROUND_2 \(CVE-2018-3639, Spectre v4\): was 0 \(NOT_AVAIL: [^)]*\), now 3 \(NOT_REQUIRED: [^)]*\); a model with the old level still runs$" \
	"$T" fingerprint compare "$FIX/max.json" "$WORK/fp-wa2-3.json"
mk fp-a35-wa2 cortex-a35 '.registers.firmware.SMCCC_ARCH_WORKAROUND_2.value = "0x0000000000000002"'
t fp-wa2-lowered 1 "^error: SMCCC_ARCH_WORKAROUND_2 \(CVE-2018-3639, Spectre v4\): was 3 \(NOT_REQUIRED: [^)]*\), now 2 \(AVAIL: [^)]*\); KVM refuses the old level now" \
	"$T" fingerprint compare "$FIX/cortex-a35.json" "$WORK/fp-a35-wa2.json"
"$T" fingerprint compare --json "$FIX/cortex-a35.json" "$WORK/fp-a35-wa2.json" >"$WORK/fp-wa2.out" 2>&1
eqv fp-wa2-json "$(jq -c '.findings[] | [.severity, .register, .model, .host]' "$WORK/fp-wa2.out" 2>&1)" \
	'["error","SMCCC_ARCH_WORKAROUND_2","0x0000000000000003","0x0000000000000002"]'
# WORKAROUND_1 (0 NOT_AVAIL, 1 AVAIL, 2 NOT_REQUIRED) and PSCI lowered.
mk fp-wa1 max '.registers.firmware.SMCCC_ARCH_WORKAROUND_1.value = "0x0000000000000001"'
t fp-wa1-lowered 1 "^error: SMCCC_ARCH_WORKAROUND_1 \(CVE-2017-5715, Spectre v2\): was 2 \(NOT_REQUIRED: [^)]*\), now 1 \(AVAIL: " \
	"$T" fingerprint compare "$FIX/max.json" "$WORK/fp-wa1.json"
mk fp-psci max '.registers.firmware.PSCI_VERSION.value = "0x0000000000010000"'
t fp-psci-lowered 1 "^error: PSCI_VERSION: was 0x10001 \(PSCI 1\.1\), now 0x10000 \(PSCI 1\.0\); KVM refuses the old version now" \
	"$T" fingerprint compare "$FIX/max.json" "$WORK/fp-psci.json"
mk fp-ptp max '.registers.hypercalls.VENDOR_HYP_BMAP.value = "0x0000000000000001"'
t fp-service-lost 1 "^error: VENDOR_HYP_BMAP: was 0x3, now 0x1: services lost: bit 1 \(PTP, KVM PTP clock\)" \
	"$T" fingerprint compare "$FIX/max.json" "$WORK/fp-ptp.json"
t fp-service-new 0 "^warning: VENDOR_HYP_BMAP: was 0x1, now 0x3: new services: bit 1 \(PTP" \
	"$T" fingerprint compare "$WORK/fp-ptp.json" "$FIX/max.json"

# --- capabilities, vCPU features, PMU, implementations ---------------------------
mk fp-noimp max '.capabilities -= ["writable-imp-id-regs"]'
t fp-cap-lost 1 "^error: capability writable-imp-id-regs \(KVM_CAP_ARM_WRITABLE_IMP_ID_REGS\): lost" \
	"$T" fingerprint compare "$FIX/max.json" "$WORK/fp-noimp.json"
t fp-cap-new 0 "^warning: capability writable-imp-id-regs \(KVM_CAP_ARM_WRITABLE_IMP_ID_REGS\): new$" \
	"$T" fingerprint compare "$WORK/fp-noimp.json" "$FIX/max.json"
mk fp-noptrauth max '.vcpu_features -= ["ptrauth-generic"]'
t fp-feature-lost 1 "^error: vCPU feature ptrauth-generic: no longer offered" \
	"$T" fingerprint compare "$FIX/max.json" "$WORK/fp-noptrauth.json"
mk fp-pmu4 max '.pmu_counters = 4'
t fp-pmu-fewer 1 "^error: PMCR_EL0\.N: was 6 event counters, now 4" \
	"$T" fingerprint compare "$FIX/max.json" "$WORK/fp-pmu4.json"
mk fp-impls max '.implementations = [{"midr": .registers.implementation.MIDR_EL1.value, "revidr": "0x0", "aidr": "0x0"}, {"midr": "0x410fd050", "revidr": "0x0", "aidr": "0x0"}]'
t fp-impl-new 1 "^error: implementations: new CPU implementation MIDR_EL1 0x00000000410fd050" \
	"$T" fingerprint compare "$FIX/max.json" "$WORK/fp-impls.json"
t fp-impl-gone 0 "^warning: implementations: CPU implementation MIDR_EL1 0x00000000410fd050 .* gone$" \
	"$T" fingerprint compare "$WORK/fp-impls.json" "$FIX/max.json"

# --- writable masks, registers, cache geometry ------------------------------------
mk fp-mask max '.registers.id.ID_AA64ISAR0_EL1.writable = "0xfffffff0fffffff0"'
t fp-mask-narrowed 1 "^error: ID_AA64ISAR0_EL1\.SHA3: no longer writable \(mask 0xfffffff0fffffff0, was 0xfffffffffffffff0\)" \
	"$T" fingerprint compare "$FIX/max.json" "$WORK/fp-mask.json"
t fp-mask-widened 0 "^warning: ID_AA64ISAR0_EL1\.SHA3: now writable" \
	"$T" fingerprint compare "$WORK/fp-mask.json" "$FIX/max.json"
mk fp-nowa3 max 'del(.registers.firmware.SMCCC_ARCH_WORKAROUND_3)'
t fp-register-gone 1 "^error: SMCCC_ARCH_WORKAROUND_3: gone \(was 0x0000000000000000\): the host's KVM no longer has this register" \
	"$T" fingerprint compare "$FIX/max.json" "$WORK/fp-nowa3.json"
t fp-register-new 0 "^warning: SMCCC_ARCH_WORKAROUND_3: new register" \
	"$T" fingerprint compare "$WORK/fp-nowa3.json" "$FIX/max.json"
mk fp-l2 max '.registers.cache["CCSIDR_EL1[2]"].value = "0x00000000707fe07a"'
t fp-geometry-taken 0 "^warning: CCSIDR_EL1\[2\]\.NumSets: was 2047 \(0x7ff\), now 1023 \(0x3ff\): cache geometry: this host's KVM still takes the old one" \
	"$T" fingerprint compare "$FIX/max.json" "$WORK/fp-l2.json"

# Registers the library does not model (profile version 3, "unmodelled").
if [ "$(jq -r .version "$WORK/fp-rewritten.json" 2>/dev/null)" -ge 3 ] 2>/dev/null; then
	mk fp-um1 fp-rewritten '.unmodelled = {"0x6030000000160003": {"name": "VENDOR_HYP_BMAP_2", "value": "0x3"}}'
	mk fp-um2 fp-rewritten '.unmodelled = {"0x6030000000160003": {"name": "VENDOR_HYP_BMAP_2", "value": "0x1"}}'
	if [ "$(fpd "$WORK/fp-um1.json")" != "$(fpd "$WORK/fp-rewritten.json")" ]; then
		ok fp-unmodelled-digest
	else
		bad fp-unmodelled-digest "an unmodelled register left the digest as it was"
	fi
	t fp-unmodelled-changed 0 "^warning: VENDOR_HYP_BMAP_2 \(KVM id 0x6030000000160003, not modelled\): was 0x3, now 0x1" \
		"$T" fingerprint compare "$WORK/fp-um1.json" "$WORK/fp-um2.json"
	t fp-unmodelled-gone 1 "^error: VENDOR_HYP_BMAP_2 \(KVM id 0x6030000000160003, not modelled\): gone" \
		"$T" fingerprint compare "$WORK/fp-um1.json" "$WORK/fp-rewritten.json"
else
	echo "skip  cpumodel/fp-unmodelled: show --json does not write profile version 3"
fi

# --- bad input --------------------------------------------------------------------
t fp-model-old 2 '"max" is a model; drift compares two host profiles' \
	"$T" fingerprint compare "$WORK/fp-model.json" "$FIX/max.json"
t fp-model-new 2 '"max" is a model; drift compares two host profiles' \
	"$T" fingerprint compare --json "$FIX/max.json" "$WORK/fp-model.json"
t fp-compare-missing 2 "nosuch\.json: No such file or directory" \
	"$T" fingerprint compare "$FIX/max.json" "$WORK/nosuch.json"
t fp-compare-no-kvm 2 "no KVM support" "$T" fingerprint compare "$FIX/max.json"
if [ -w /dev/full ]; then
	"$T" fingerprint compare "$FIX/max.json" "$WORK/fp-sha3.json" >/dev/full 2>"$WORK/fp-full.out"
	eqv fp-write-error "$?:$(grep -c 'write error on standard output' "$WORK/fp-full.out")" "3:1"
fi
