#!/usr/bin/env bash
# Host-side unit tests of libarm64cpumodel through the arm64-cpumodel tool
# (native build, no KVM): baseline and compare on the probed fixtures and
# on hand-made edge cases, malformed input.  Seconds.
# Prints "pass  cpumodel/NAME" / "FAIL  cpumodel/NAME: why" per test.
# Run alone with "make test-cpumodel"; "make check" runs it as step 4c.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
FIX=$HERE/fixtures
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export LC_ALL=C

# CPUMODEL=path: test that binary, built elsewhere (nothing built here).
if [ -z "${CPUMODEL:-}" ] && ! "$TOP/scripts/cpumodel-build.sh" host >"$WORK/build.log" 2>&1; then
	echo "FAIL  cpumodel/build: $(tail -n 5 "$WORK/build.log" | tr '\n' ' ')"
	exit 1
fi
T=${CPUMODEL:-$TOP/build/host/arm64-cpumodel}

run_tests() {
ok() { echo "pass  cpumodel/$1"; }
bad() { echo "FAIL  cpumodel/$1: $2"; }

# t NAME RC REGEX CMD...: CMD exits with RC and its output (stdout and
# stderr) matches the extended REGEX ("" = anything).
t() {
	local name=$1 rc=$2 re=$3 got
	shift 3
	"$@" >"$WORK/out" 2>&1
	got=$?
	if [ "$got" != "$rc" ]; then
		bad "$name" "exit status $got, expected $rc: $(head -c 300 "$WORK/out" | tr '\n' ' ')"
	elif [ -n "$re" ] && ! grep -Eq -- "$re" "$WORK/out"; then
		bad "$name" "output does not match /$re/: $(head -c 300 "$WORK/out" | tr '\n' ' ')"
	else
		ok "$name"
	fi
}

# mk NAME BASE [JQ-OPTIONS...] JQ: a profile made from fixture BASE with a
# jq filter.
# The filter may name a register as R("NAME"), in profiles of every
# version: version 3 keys registers by KVM id with a "name" member, older
# ones group them by name.
JQDEFS='def R($n): if (.version // 1) < 3 then .registers[] | select(type == "object") | .[$n] | select(. != null) else .registers[] | select(.name == $n) end; '
mk() {
	local name=$1 src=$FIX/$2.json
	[ -f "$src" ] || src=$WORK/$2.json
	shift 2
	local args=("$@")
	args[${#args[@]}-1]="$JQDEFS${args[${#args[@]}-1]}"
	jq "${args[@]}" "$src" >"$WORK/$name.json"
}
# reg FILE GROUP REG: a register's value in a profile (GROUP: of version 2).
reg() { local n=${3#\"}; n=${n%\"}; jq -r --arg n "$n" "$JQDEFS"'R($n).value' "$1"; }
# Cache registers a profile sets, sorted by name.
cache_regs() { jq -c '[.registers[] | .name | select(test("^(CTR|CLIDR|CCSIDR)_"))] | sort' "$1"; }
# eqv NAME ACTUAL EXPECTED
eqv() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got $2, expected $3"; fi; }

# --- the fixtures ----------------------------------------------------------
for f in "$FIX"/*.json; do
	n=$(basename "$f" .json)
	t "show-$n" 0 "^host .*Linux 6\.1" "$T" show "$f"
done
t show-field-names 0 "SHA3 +1 \(IMP\) +lower-safe, writable" "$T" show "$FIX/max.json"

# Neoverse N1 + Cortex-A76: a model exists, lowered where the A76 has less.
t baseline-n1-a76 0 "every host can run this model" \
	"$T" baseline --name n1-a76 -o "$WORK/n1a76.json" "$FIX/neoverse-n1.json" "$FIX/cortex-a76.json"
t baseline-explains 0 "ID_AA64MMFR0_EL1\.PARANGE = 2 \(40\) \(lower-safe\): neoverse-n1 5 \(48\), cortex-a76 2 \(40\); limited by cortex-a76$" \
	"$T" baseline "$FIX/neoverse-n1.json" "$FIX/cortex-a76.json"
t baseline-identity-first 0 "MIDR_EL1 = 0x414fd0c1.*identity of neoverse-n1" \
	"$T" baseline "$FIX/neoverse-n1.json" "$FIX/cortex-a76.json"
t baseline-impl-from 0 "identity of cortex-a76" \
	"$T" baseline --impl-from cortex-a76 "$FIX/neoverse-n1.json" "$FIX/cortex-a76.json"
t baseline-impl-from-unknown 2 "--impl-from nosuch: no such host" \
	"$T" baseline --impl-from nosuch "$FIX/neoverse-n1.json" "$FIX/cortex-a76.json"
t compare-model-n1 0 "n1-a76 can run on neoverse-n1" "$T" compare "$WORK/n1a76.json" "$FIX/neoverse-n1.json"
t compare-model-a76 0 "can run on cortex-a76" "$T" compare "$WORK/n1a76.json" "$FIX/cortex-a76.json"
t compare-model-a72 1 "ID_DFR0_EL1\.PerfMon: model 4 \(PMUv3p1\), host limit 3 \(PMUv3\) \(lower-safe\)" \
	"$T" compare "$WORK/n1a76.json" "$FIX/cortex-a72.json"
t compare-model-max-fixed 1 "ID_AA64PFR0_EL1\.RAS: model 1 \(IMP\), host 2 \(V1P1\), and this host does not let a VMM change it" \
	"$T" compare "$WORK/n1a76.json" "$FIX/max.json"
t compare-not-a-host 2 "is a model; compare needs a host profile" \
	"$T" compare "$WORK/n1a76.json" "$WORK/n1a76.json"
t baseline-of-model 2 "n1-a76 is a model, not a host profile" \
	"$T" baseline "$WORK/n1a76.json" "$FIX/max.json"
# A host is always compatible with its own model, which needs no capability.
for f in "$FIX"/*.json; do
	n=$(basename "$f" .json)
	"$T" baseline -o "$WORK/self-$n.json" "$f" 2>/dev/null
	t "self-model-$n" 0 "can run on $n" "$T" compare "$WORK/self-$n.json" "$f"
	eqv "self-model-$n-no-capability" "$(jq 'has("capabilities")' "$WORK/self-$n.json")" false
done

# Fields no VMM may change (mainline's writable masks, --no-fleet) make
# some fleets impossible; the error names them and no file is written.
# (The fixtures' KVM_CAP_ARM_OOT_FLEET_ID_REGS pools both pairs: below.)
echo KEEP >"$WORK/keep.json"
t baseline-conflict 1 "ID_AA64PFR0_EL1\.RAS: hosts differ \(neoverse-n1 1 \(IMP\), cortex-a72 0 \(NI\)\)" \
	"$T" baseline --no-fleet -o "$WORK/keep.json" "$FIX/neoverse-n1.json" "$FIX/cortex-a72.json"
eqv baseline-conflict-writes-nothing "$(cat "$WORK/keep.json")" KEEP
t baseline-aarch32-less 1 "ID_PFR0_EL1\.State0 = 0 \(NI\) \(fixed on a64fx\)" \
	"$T" baseline --no-fleet "$FIX/a64fx.json" "$FIX/neoverse-n1.json"

# -o: the temporary file is a new one (O_EXCL), never a planted symlink's
# target; the old file is replaced whole, no temporary file left behind.
mkdir -p "$WORK/save"
echo VICTIM >"$WORK/victim"
echo OLD >"$WORK/save/m.json"
ln -s "$WORK/victim" "$WORK/save/m.json.tmp"
"$T" baseline -o "$WORK/save/m.json" "$FIX/max.json" 2>/dev/null
eqv save-symlink-not-followed "$(cat "$WORK/victim")" VICTIM
eqv save-symlink-written "$(jq -r .kind "$WORK/save/m.json" 2>&1)" model
eqv save-no-temporary-left "$(cd "$WORK/save" && ls | tr '\n' ' ')" "m.json m.json.tmp "
rm -f "$WORK/save/m.json.tmp"
echo OLD >"$WORK/save/m.json"
t save-error-keeps-old 3 "m.json: cannot create a temporary file" \
	"$T" baseline -o "$WORK/save/nosuchdir/../m.json" "$FIX/max.json"
eqv save-error-old-untouched "$(cat "$WORK/save/m.json")" OLD

# --- hand-made edge cases (from max.json) -----------------------------------
# Signed field: ID_AA64MMFR0_EL1.TGRAN4 0xf (NI) is -1, below 1 (52-bit).
mk tg4-ni max '.name = "tg4-ni" | R("ID_AA64MMFR0_EL1").value = "0x00000323f0201126"'
"$T" baseline -o "$WORK/m-signed.json" "$FIX/max.json" "$WORK/tg4-ni.json" 2>/dev/null
eqv signed-lower-safe "$(reg "$WORK/m-signed.json" id ID_AA64MMFR0_EL1)" 0x00000323f0201126
t signed-compare 1 "ID_AA64MMFR0_EL1\.TGRAN4: model 1 \(52_BIT\), host limit -1 \(NI\) \(lower-safe, signed\)" \
	"$T" compare "$WORK/self-max.json" "$WORK/tg4-ni.json"

# Higher-safe: ID_AA64MMFR1_EL1.SpecSEI 1 is safer than 0.
mk specsei max '.name = "specsei" | R("ID_AA64MMFR1_EL1").value = "0x0000001011211122"'
"$T" baseline -o "$WORK/m-higher.json" "$FIX/max.json" "$WORK/specsei.json" 2>/dev/null
eqv higher-safe-takes-max "$(reg "$WORK/m-higher.json" id ID_AA64MMFR1_EL1)" 0x0000001011211122
t higher-safe-compare 1 "ID_AA64MMFR1_EL1\.SpecSEI: model 0 \(NI\), host limit 1 \(IMP\) \(higher-safe\)" \
	"$T" compare "$WORK/self-max.json" "$WORK/specsei.json"

# Exact field (made writable here): disagreeing hosts get its safe value.
m='R("ID_AA64MMFR0_EL1").writable = "0xff00ff00ffffff0f"'
mk ex2 max "$m | .name = \"ex2\" | R(\"ID_AA64MMFR0_EL1\").value = \"0x0000022310201126\""
mk ex3 max "$m | .name = \"ex3\""
"$T" baseline -o "$WORK/m-exact.json" "$WORK/ex2.json" "$WORK/ex3.json" 2>/dev/null
eqv exact-falls-to-safe-value "$(reg "$WORK/m-exact.json" id ID_AA64MMFR0_EL1)" 0x0000012310201126
# TGRAN4_2 is a fleet field: a model changes it only with the capability.
mk ex2-model ex2 '.kind = "model" | del(.kernel) | .capabilities = ["fleet-id-regs"] | .sources = ["ex2"]'
t exact-compare 1 "ID_AA64MMFR0_EL1\.TGRAN4_2: model 2 \(IMP\), host limit 3 \(52_BIT\) \(exact\)" \
	"$T" compare "$WORK/ex2-model.json" "$WORK/ex3.json"

# Masks that differ: a host that cannot change PARANGE imposes its value...
mk pa2-fixed max '.name = "pa2-fixed" | R("ID_AA64MMFR0_EL1").value = "0x0000032310201122" | R("ID_AA64MMFR0_EL1").writable = "0xff00f000ffffff00"'
t mask-fixed-host 0 "ID_AA64MMFR0_EL1\.PARANGE = 2 \(40\) \(fixed on pa2-fixed\)" \
	"$T" baseline -o "$WORK/m-mask.json" "$FIX/max.json" "$WORK/pa2-fixed.json"
eqv mask-fixed-value "$(reg "$WORK/m-mask.json" id ID_AA64MMFR0_EL1)" 0x0000032310201122
# ...unless another host cannot run that value.
mk pa6-fixed max '.name = "pa6-fixed" | R("ID_AA64MMFR0_EL1").writable = "0xff00f000ffffff00"'
mk pa5 max '.name = "pa5" | R("ID_AA64MMFR0_EL1").value = "0x0000032310201125"'
t mask-conflict 1 "ID_AA64MMFR0_EL1\.PARANGE: .*pa6-fixed cannot change it and pa5 cannot run its value" \
	"$T" baseline "$WORK/pa6-fixed.json" "$WORK/pa5.json"
mk pa5-model pa5 '.kind = "model" | del(.kernel, .capabilities) | .sources = ["pa5"]'
t mask-compare 1 "ID_AA64MMFR0_EL1\.PARANGE: model 5 \(48\), host 6 \(52\), and this host does not let a VMM change it" \
	"$T" compare "$WORK/pa5-model.json" "$WORK/pa6-fixed.json"
t mask-compare-lower 0 "can run on max" "$T" compare "$WORK/pa5-model.json" "$FIX/max.json"
mk max-model max '.kind = "model" | del(.kernel, .capabilities) | .sources = ["max"]'

# Firmware registers and hypercall bitmaps.
mk fw max '.name = "fw" | R("VENDOR_HYP_BMAP").value = "0x0000000000000001" | R("PSCI_VERSION").value = "0x0000000000010000" | R("SMCCC_ARCH_WORKAROUND_1").value = "0x0000000000000001"'
"$T" baseline -o "$WORK/m-fw.json" "$FIX/max.json" "$WORK/fw.json" 2>/dev/null
eqv bitmap-intersection "$(reg "$WORK/m-fw.json" hypercalls VENDOR_HYP_BMAP)" 0x0000000000000001
eqv psci-lowest "$(reg "$WORK/m-fw.json" firmware PSCI_VERSION)" 0x0000000000010000
eqv wa1-lowest "$(reg "$WORK/m-fw.json" firmware SMCCC_ARCH_WORKAROUND_1)" 0x0000000000000001
t bitmap-compare 1 "VENDOR_HYP_BMAP: model 0x3, host 0x1 \(a VM may have a subset of the host's services\)" \
	"$T" compare "$WORK/self-max.json" "$WORK/fw.json"
# WORKAROUND_2: AVAIL/NOT_REQUIRED in a model need a NOT_REQUIRED host.
mk wa2-nr max-model 'R("SMCCC_ARCH_WORKAROUND_2").value = "0x0000000000000003"'
t wa2-needs-not-required 1 "SMCCC_ARCH_WORKAROUND_2: model 0x3, host 0x0" \
	"$T" compare "$WORK/wa2-nr.json" "$FIX/max.json"
mk wa2-host-nr max 'R("SMCCC_ARCH_WORKAROUND_2").value = "0x0000000000000003"'
t wa2-lower-ok 0 "can run" "$T" compare "$WORK/max-model.json" "$WORK/wa2-host-nr.json"

# Implementation registers: a host without KVM_CAP_ARM_WRITABLE_IMP_ID_REGS
# keeps its identity; two such hosts that differ cannot share a model.
mk a76-fixed max '.name = "a76-fixed" | .capabilities = ["writable-masks", "steal-time"] | R("MIDR_EL1").value = "0x00000000414fd0b1"'
mk n1-fixed max '.name = "n1-fixed" | .capabilities = ["writable-masks", "steal-time"] | R("MIDR_EL1").value = "0x00000000414fd0c1"'
t impl-fixed-host 0 "a76-fixed cannot present another identity" \
	"$T" baseline --impl-from max -o "$WORK/m-impl.json" "$FIX/max.json" "$WORK/a76-fixed.json"
eqv impl-fixed-value "$(reg "$WORK/m-impl.json" implementation MIDR_EL1)" 0x00000000414fd0b1
t impl-conflict 1 "a76-fixed and n1-fixed differ and neither has KVM_CAP_ARM_WRITABLE_IMP_ID_REGS" \
	"$T" baseline "$WORK/a76-fixed.json" "$WORK/n1-fixed.json"
t impl-compare 1 "MIDR_EL1: model 0x00000000000f0510, host 0x00000000414fd0c1, and this host lacks KVM_CAP_ARM_WRITABLE_IMP_ID_REGS" \
	"$T" compare "$WORK/self-max.json" "$WORK/n1-fixed.json"

# MIDR_EL1 is writable in bits 31:0 only (the host's mask).
mk midr-high max-model 'R("MIDR_EL1").value = "0x00000001000f0510"'
t impl-midr-mask 1 "MIDR_EL1: model 0x00000001000f0510, host 0x00000000000f0510 differ in bits 0x0000000100000000, which this host does not let a VMM change" \
	"$T" compare "$WORK/midr-high.json" "$FIX/max.json"

# vCPU features: a host without a PMU takes pmu-v3 and PMUVer out.
mk nopmu max '.name = "nopmu" | .vcpu_features = ["psci-0.2", "ptrauth-address", "ptrauth-generic"] | del(.pmu_counters)'
"$T" baseline -o "$WORK/m-nopmu.json" "$FIX/max.json" "$WORK/nopmu.json" 2>/dev/null
eqv feature-dropped "$(jq -c .vcpu_features "$WORK/m-nopmu.json")" '["psci-0.2","ptrauth-address","ptrauth-generic"]'
eqv feature-fields-hidden "$(reg "$WORK/m-nopmu.json" id ID_AA64DFR0_EL1)" \
	"$(printf '0x%016x' $(( $(reg "$FIX/max.json" id ID_AA64DFR0_EL1) & ~0xf00 )))"
t feature-compare 1 "vCPU feature pmu-v3: the host does not offer it" \
	"$T" compare "$WORK/self-max.json" "$WORK/nopmu.json"

# Cache geometry (the kernel's rules, checked against the HOST's CTR_EL0;
# a value equal to the host's is always accepted).
eqv cache-model-carries-described "$(cache_regs "$WORK/self-max.json")" \
	'["CCSIDR_EL1[0]","CCSIDR_EL1[1]","CCSIDR_EL1[2]","CLIDR_EL1","CTR_EL0"]'
mk badccsidr max-model 'R("CCSIDR_EL1[0]").value = "0x0000000000000000"'
t cache-line-below-ctr 1 "CCSIDR_EL1\[0\]\.LineSize: 16-byte lines are smaller than the host's CTR_EL0\.DminLine \(64 bytes\)" \
	"$T" compare "$WORK/badccsidr.json" "$FIX/max.json"
# 32-byte lines fit a model whose CTR_EL0.DminLine is 32 bytes, but KVM
# checks the host's 64.
mk line32 max-model 'R("CTR_EL0").value = "0x000000009443c004" | R("CCSIDR_EL1[0]").value = "0x00000000701fe009"'
t cache-line-host-ctr 1 "CCSIDR_EL1\[0\]\.LineSize: 32-byte lines are smaller than the host's CTR_EL0\.DminLine \(64 bytes\)" \
	"$T" compare "$WORK/line32.json" "$FIX/max.json"
# Real hardware: CTR_EL0.IDC 0, CLIDR_EL1 without point of unification, as
# QEMU's max shows it: the host's own geometry is never checked.
mk nopou max '.name = "nopou" | R("CTR_EL0").value = "0x000000008444c004"'
"$T" baseline -o "$WORK/m-nopou.json" "$WORK/nopou.json" 2>/dev/null
t cache-own-geometry-not-checked 0 "can run on nopou" "$T" compare "$WORK/m-nopou.json" "$WORK/nopou.json"
mk nopou-other m-nopou 'R("CLIDR_EL1").value = "0x0000000002000123" | .registers["0x6020000000110004"] = {"name": "CCSIDR_EL1[4]", "value": "0x00000000707fe07a"}'
t cache-clidr-needs-pou 1 "CLIDR_EL1\.LoC/LoUIS/LoUU: 0x2000123 has no point of unification, which the host's CTR_EL0\.IDC = 0 requires" \
	"$T" compare "$WORK/nopou-other.json" "$WORK/nopou.json"
# A cache the host does not have (CCSIDR not listed, reads 0) can be added.
mk l3 max-model 'R("CLIDR_EL1").value = "0x0000000003000123" | .registers.cache["CCSIDR_EL1[4]"] = {"value": "0x00000000707fe07a"}'
t cache-add-level 0 "can run on max" "$T" compare "$WORK/l3.json" "$FIX/max.json"
mk l3bad l3 'R("CCSIDR_EL1[4]").value = "0x00000000707fe078"'
t cache-add-level-checked 1 "CCSIDR_EL1\[4\]\.LineSize: 16-byte lines" "$T" compare "$WORK/l3bad.json" "$FIX/max.json"
# Baseline takes one host's geometry whole: the identity host's...
mk l2small max '.name = "l2small" | R("CCSIDR_EL1[2]").value = "0x00000000703fe07a"'
t cache-from-identity-host 0 "CLIDR_EL1 = 0x2000023 and its CCSIDR: cache geometry of l2small \(the identity host\); VMs on max get it" \
	"$T" baseline --impl-from l2small -o "$WORK/m-l2small.json" "$FIX/max.json" "$WORK/l2small.json"
eqv cache-from-identity-value "$(reg "$WORK/m-l2small.json" cache '"CCSIDR_EL1[2]"')" 0x00000000703fe07a
# ...unless a host cannot change its geometry.
mk l2fixed l2small '.name = "l2fixed" | R("CLIDR_EL1") |= del(.writable)'
t cache-fixed-host 0 "cache geometry of l2fixed \(its geometry is fixed\)" \
	"$T" baseline -o "$WORK/m-l2fixed.json" "$FIX/max.json" "$WORK/l2fixed.json"
t cache-fixed-compare 1 "CCSIDR_EL1\[2\]: model 0x703fe07a, host 0x70ffe07a, and this host does not let a VMM change the cache geometry" \
	"$T" compare "$WORK/m-l2fixed.json" "$(jq "$JQDEFS"'R("CLIDR_EL1") |= del(.writable)' "$FIX/max.json" >"$WORK/max-fixed.json"; echo "$WORK/max-fixed.json")"
t cache-same-on-fixed-host 0 "can run on l2fixed" "$T" compare "$WORK/m-l2fixed.json" "$WORK/l2fixed.json"
# Profiles probed before KVM listed only the host's caches (all 14
# CCSIDR, made up) still load; a model keeps the CCSIDR its CLIDR describes.
OLD=$HERE/old-profiles/max-14-ccsidr.json
t old-profile-loads 0 "^host .*Linux 6\.1" "$T" show "$OLD"
"$T" baseline -o "$WORK/m-old.json" "$OLD" 2>/dev/null
eqv old-profile-model-ccsidr "$(cache_regs "$WORK/m-old.json")" \
	'["CCSIDR_EL1[1]","CCSIDR_EL1[2]","CLIDR_EL1","CTR_EL0"]'
t old-profile-model-runs-here 0 "can run on max" "$T" compare "$WORK/m-old.json" "$FIX/max.json"

# --- format versions: 1, 2 (CPU implementations, PMCR_EL0.N) read; 3 written
# (registers keyed by KVM id, the name an annotation; "writer").  A profile
# rewritten by this version has the same content.
# same_content A B: equal but for "version", "writer" and the registers' layout.
# shellcheck disable=SC2016
CONTENT='.registers = (if (.version // 1) < 3 then [.registers[] | to_entries[] | {(.key): .value}] else [.registers[] | {(.name): del(.name)}] end | add) | del(.version, .writer)'
same_content() { cmp <(jq -S "$CONTENT" "$1") <(jq -S "$CONTENT" "$2") >/dev/null && echo same; }
mk v1host max '.version = 1 | del(.pmu_counters, .implementations)'
$T show --json "$WORK/v1host.json" >"$WORK/max-rt.json" 2>&1
eqv v1-round-trip "$(same_content "$WORK/max-rt.json" "$WORK/v1host.json")" same
eqv v1-written-as-v3 "$(jq -c '[.version, .writer.library, (.writer.rules | test("^rules-[0-9a-f]{16}\\.r[0-9]+$"))]' "$WORK/max-rt.json")" "[3,\"$("$T" --version | sed 's/.*libarm64cpumodel \([^,]*\),.*/\1/')\",true]"
eqv v3-keys-are-kvm-ids "$(jq '[.registers | keys[] | test("^0x[0-9a-f]{16}$")] | all' "$WORK/max-rt.json")" true
eqv v3-names-annotate "$(jq -r '.registers["0x603000000013c030"].name' "$WORK/max-rt.json")" ID_AA64ISAR0_EL1
eqv v3-rules-recorded "$(jq -r .writer.rules "$WORK/max-rt.json")" "$("$T" --version | sed 's/.*, \(rules-[0-9a-f.r]*\))$/\1/')"
# The name is only an annotation: a newer sysreg file's name for the same
# encoding does not make the profile unreadable.
mk renamed max-rt '.registers["0x603000000013c030"].name = "ID_AA64ISAR0_EL1_RENAMED"'
eqv v3-name-ignored "$($T show --json "$WORK/renamed.json" | jq -r '.registers["0x603000000013c030"] | .name + " " + .value')" \
	"ID_AA64ISAR0_EL1 $(reg "$FIX/max.json" id ID_AA64ISAR0_EL1)"
# A register this library does not model: a host keeps it (unmodelled,
# compare warns), a model cannot be applied (bad input).
$T show --json "$FIX/max.json" >"$WORK/max-v3.json"
mk v3unk max-v3 '.registers["0x6030000000160003"] = {"name": "VENDOR_HYP_BMAP_2", "value": "0x0000000000000003"}'
t v3-unmodelled-host-kept 0 "^VENDOR_HYP_BMAP_2 +0x0000000000000003  not modelled \(KVM id 0x6030000000160003\)" "$T" show "$WORK/v3unk.json"
eqv v3-unmodelled-written "$($T show --json "$WORK/v3unk.json" | jq -c '.unmodelled')" '{"0x6030000000160003":{"name":"VENDOR_HYP_BMAP_2","value":"0x0000000000000003"}}'
"$T" baseline -o "$WORK/m-v3.json" "$FIX/max.json" 2>/dev/null
t v3-unmodelled-compare-warns 0 "warning: VENDOR_HYP_BMAP_2 \(KVM id 0x6030000000160003\): the host's KVM has it and this library does not model it: a VM gets the host's value 0x3" \
	"$T" compare "$WORK/m-v3.json" "$WORK/v3unk.json"
t v3-unmodelled-baseline-warns 0 "VENDOR_HYP_BMAP_2 \(KVM id 0x6030000000160003\): not modelled by this library and not every host has it" \
	"$T" baseline "$WORK/v3unk.json" "$FIX/max.json"
mk v3unkmodel m-v3 '.registers["0x6030000000160003"] = {"name": "VENDOR_HYP_BMAP_2", "value": "0x0000000000000003"}'
t v3-unmodelled-model-refused 2 "register 0x6030000000160003 \(VENDOR_HYP_BMAP_2\): the model sets a register this library does not model" \
	"$T" compare "$WORK/v3unkmodel.json" "$FIX/max.json"
mk v3nowriter max-rt 'del(.writer)'
t v3-writer-required 2 "required key \"writer\" missing" "$T" show "$WORK/v3nowriter.json"
mk v3badkey max-rt '.registers["ID_AA64ISAR0_EL1"] = {"value": "0x0"}'
t v3-key-must-be-id 2 "register key \"ID_AA64ISAR0_EL1\" is not a KVM register id" "$T" show "$WORK/v3badkey.json"
# Required keys, by kind; a model must set every register unless --partial.
for c in "noregs:m-v3:registers" "nopvtime:m-v3:pvtime" "nosources:m-v3:sources" \
	 "nokernel:max:kernel" "nocaps:max:capabilities" "nofeatures:max:vcpu_features" "noname:max:name"; do
	IFS=: read -r n base key <<<"$c"
	mk "req-$n" "$base" "del(.$key)"
	t "required-key-$n" 2 "required key \"$key\" missing" "$T" show "$WORK/req-$n.json"
done
mk model-kernel m-v3 '.kernel = "6.1"'
t model-with-host-key 2 "\"kernel\" is a host's key, this is a model profile" "$T" show "$WORK/model-kernel.json"
mk host-sources max '.sources = ["a"]'
t host-with-model-key 2 "\"sources\" is a model's key, this is a host profile" "$T" show "$WORK/host-sources.json"
mk model-writable m-v3 '.registers["0x603000000013c030"].writable = "0x00000000000000f0"'
t model-writable-ignored 0 "\"writable\" \(register ID_AA64ISAR0_EL1 and others\) is a host's; ignored in a model" \
	"$T" show --json "$WORK/model-writable.json"
mk partial m-v3 'del(.registers["0x603000000013c020"], .registers["0x6030000000160001"])'
t partial-model-refused 2 "the model sets no value for 2 registers \(ID_AA64PFR0_EL1, STD_HYP_BMAP\)" \
	"$T" compare "$WORK/partial.json" "$FIX/max.json"
t partial-model-allowed 0 "can run on max" "$T" compare --partial "$WORK/partial.json" "$FIX/max.json"
t partial-model-listed 0 "STD_HYP_BMAP: left to the host \(partial model\)" \
	"$T" compare --partial "$WORK/partial.json" "$FIX/max.json"
# A baseline of hosts one of which lacks a register fails, or with
# --partial leaves it to each host (and the model loads only so).
mk nobmap max '.name = "nobmap" | del(.registers.hypercalls.STD_HYP_BMAP)'
echo KEEP >"$WORK/keep-p.json"
t baseline-missing-register 1 "STD_HYP_BMAP: nobmap's KVM does not have it: no complete model \(--partial leaves it to each host\)" \
	"$T" baseline -o "$WORK/keep-p.json" "$FIX/max.json" "$WORK/nobmap.json"
eqv baseline-missing-writes-nothing "$(cat "$WORK/keep-p.json")" KEEP
t baseline-partial 0 "STD_HYP_BMAP: nobmap's KVM does not have it; left to each host \(partial model\)" \
	"$T" baseline --partial -o "$WORK/m-partial.json" "$FIX/max.json" "$WORK/nobmap.json"
t baseline-partial-needs-flag 2 "STD_HYP_BMAP" "$T" compare "$WORK/m-partial.json" "$FIX/max.json"
t baseline-partial-runs 0 "can run on nobmap" "$T" compare --partial "$WORK/m-partial.json" "$WORK/nobmap.json"
# Structured findings: --json.
"$T" compare --json "$WORK/n1a76.json" "$FIX/cortex-a72.json" >"$WORK/cmp.json" 2>&1
eqv compare-json-status "$?" 1
eqv compare-json-finding "$(jq -c '[.findings[] | select(.register == "ID_DFR0_EL1" and .field == "PerfMon") | [.severity, .id, .rule, .model, .host]][0]' "$WORK/cmp.json")" \
	'["error","0x603000000013c00a","lower-safe","0x0000000000000004","0x0000000000000003"]'
"$T" baseline --json --no-fleet "$FIX/neoverse-n1.json" "$FIX/cortex-a72.json" 2>"$WORK/bl-json.err" >/dev/null
eqv baseline-json "$(jq -c '[.format, .version, .errors > 0, ([.findings[] | select(.severity == "error")][0] | [.register, .field])]' "$WORK/bl-json.err")" \
	'["arm64-cpumodel-findings",1,true,["ID_AA64PFR0_EL1","RAS"]]'
t version 0 "^arm64-cpumodel 1\.0\.0 \(libarm64cpumodel 1\.0\.0, rules-[0-9a-f]{16}\.r[0-9]+\)$" "$T" --version
t help-per-command 0 "^usage: arm64-cpumodel compare \[--json\] \[--partial\] MODEL HOST\.json" "$T" compare --help
# Hosts with a PMU record PMCR_EL0.N; a host with more than one kind of CPU
# lists them (its implementation registers' first).
IMAX='{"midr": "0x00000000000f0510", "revidr": "0x0000000000000000", "aidr": "0x0000000000000000"}'
IA55='{"midr": "0x00000000412fd050", "revidr": "0x0000000000000000", "aidr": "0x0000000000000000"}'
IN1='{"midr": "0x00000000414fd0c1", "revidr": "0x0000000000000001", "aidr": "0x0000000000000000"}'
mk p6 max '.version = 2 | .name = "p6" | .pmu_counters = 6'
mk p4 max '.version = 2 | .name = "p4" | .pmu_counters = 4'
mk bl max ".version = 2 | .name = \"bl\" | .pmu_counters = 6 | .implementations = [$IMAX, $IA55]"
mk n1w max ".version = 2 | .name = \"n1w\" | .pmu_counters = 6 | R(\"MIDR_EL1\").value = \"0x00000000414fd0c1\" | R(\"REVIDR_EL1\").value = \"0x0000000000000001\""
for n in p6 bl; do
	$T show --json "$WORK/$n.json" >"$WORK/$n-rt.json" 2>&1
	eqv "v2-round-trip-$n" "$(same_content "$WORK/$n-rt.json" "$WORK/$n.json")" same
	$T show --json "$WORK/$n-rt.json" >"$WORK/$n-rt2.json" 2>&1
	eqv "v2-round-trip-twice-$n" "$(cmp "$WORK/$n-rt.json" "$WORK/$n-rt2.json" && echo same)" same
done
t show-pmu-impls 0 "PMU event counters \(PMCR_EL0\.N\): 6" "$T" show "$WORK/bl.json"
t show-host-impls 0 "\[1\] MIDR_EL1 0x00000000412fd050" "$T" show "$WORK/bl.json"
# A host that lists only its own implementation is a host with one.
mk own max ".version = 2 | del(.pmu_counters) | .implementations = [$IMAX]"
eqv v2-own-impl-only-dropped "$($T show --json "$WORK/own.json" | jq -c '[.version, has("implementations")]')" '[3,false]'

# Baseline: every distinct implementation of every host, in host order,
# the identity host's first; the fewest event counters.
t baseline-impls 0 "implementations: 3 \(p6 0xf0510, bl 0x412fd050, n1w 0x414fd0c1\): guests learn them" \
	"$T" baseline -o "$WORK/m-impls.json" "$WORK/p6.json" "$WORK/bl.json" "$WORK/n1w.json"
eqv baseline-impls-list "$(jq -c '[.implementations[].midr]' "$WORK/m-impls.json")" \
	'["0x00000000000f0510","0x00000000412fd050","0x00000000414fd0c1"]'
eqv baseline-impls-entry "$(jq -c '.implementations[2]' "$WORK/m-impls.json")" "$(jq -c . <<<"$IN1")"
eqv baseline-impls-v3 "$(jq .version "$WORK/m-impls.json")" 3
"$T" baseline -o "$WORK/m-same.json" "$FIX/max.json" "$WORK/p6.json" 2>/dev/null
eqv baseline-impls-distinct "$(jq -c '.implementations | length' "$WORK/m-same.json")" 1
t baseline-pmu-min 0 "PMCR_EL0\.N = 4 \(fewest event counters\): p6 6, p4 4" \
	"$T" baseline -o "$WORK/m-pmu.json" "$WORK/p6.json" "$WORK/p4.json"
eqv baseline-pmu-value "$(jq .pmu_counters "$WORK/m-pmu.json")" 4
mk nocount v1host '.name = "nocount"'
t baseline-pmu-old-host 0 "PMCR_EL0\.N: left out, nocount's profile does not record" \
	"$T" baseline -o "$WORK/m-pmu-old.json" "$WORK/p6.json" "$WORK/nocount.json"
eqv baseline-pmu-old-host-absent "$(jq 'has("pmu_counters")' "$WORK/m-pmu-old.json")" false
mk nopmu6 nopmu '.version = 2 | .name = "nopmu6"'
"$T" baseline -o "$WORK/m-pmu-none.json" "$WORK/p6.json" "$WORK/nopmu6.json" 2>/dev/null
eqv baseline-pmu-no-feature "$(jq -c '[has("pmu_counters"), (.vcpu_features | index("pmu-v3"))]' "$WORK/m-pmu-none.json")" '[false,null]'
# Compare: fewer counters, a CPU the model's list lacks, an old host profile.
t compare-pmu-fewer 1 "PMCR_EL0\.N: model 6 event counters, host 4 \(a VM may have fewer, not more\)" \
	"$T" compare "$WORK/m-impls.json" "$WORK/p4.json"
t compare-pmu-lower-ok 0 "can run on p6" "$T" compare "$WORK/m-pmu.json" "$WORK/p6.json"
t compare-pmu-unrecorded 1 "PMCR_EL0\.N: the model has 4 event counters; the host profile does not record" \
	"$T" compare "$WORK/m-pmu.json" "$WORK/nocount.json"
mk a76w max ".version = 2 | .name = \"a76w\" | .pmu_counters = 6 | R(\"MIDR_EL1\").value = \"0x00000000414fd0b1\""
t compare-impl-not-listed 1 "implementations: the host's MIDR_EL1 0x00000000414fd0b1 REVIDR_EL1 0x0 AIDR_EL1 0x0 is not in the model's list" \
	"$T" compare "$WORK/m-impls.json" "$WORK/a76w.json"
t compare-impl-other-cpu 1 "MIDR_EL1 0x00000000412fd050 .* is not in the model's list" \
	"$T" compare "$WORK/m-same.json" "$WORK/bl.json"
t compare-impl-listed 0 "can run on bl" "$T" compare "$WORK/m-impls.json" "$WORK/bl.json"
t show-model-impls 0 "^Implementations \(target-implementation discovery\):" "$T" show "$WORK/m-impls.json"

# --- KVM_CAP_ARM_OOT_FLEET_ID_REGS ("fleet-id-regs", out of tree) -----------
# The fixtures come from the patched kernel: probe recorded the capability
# and the masks of a VM that enabled it.  The tool's copy of the kernel's
# kvm_fleet_id_fields[] names exactly the 16 fields that made writable.
eqv fleet-fields-in-masks "$("$T" show "$FIX/max.json" | grep -c 'writable with fleet-id-regs$')" 16
t fleet-host-capability 0 "^Capabilities: .*fleet-id-regs" "$T" show "$FIX/max.json"
# A host probed on a kernel without the capability: mainline's masks of
# the registers that have fleet fields (GROUP.REGISTER=MASK).
ML_MASKS="id.ID_AA64PFR0_EL1=0xffff00f00f00ffff id.ID_AA64PFR1_EL1=0x0000000f000000ff id.ID_AA64MMFR0_EL1=0xff00f000ffffff0f id.ID_AA64MMFR1_EL1=0xfffff0f00ffff00f id.ID_AA64MMFR2_EL1=0xf0ff000ff00fffff cache.CTR_EL0=0x00000000300f000f"
NOFLEET='.capabilities -= ["fleet-id-regs"]'
for e in $ML_MASKS; do
	r=${e%%=*}
	NOFLEET="$NOFLEET | R(\"${r#*.}\").writable = \"${e#*=}\""
done
# The tool's fleet fields are the kernel's: in every fixture probed with
# the capability, the bits its wide masks add to mainline's are exactly
# cm_fleet_mask() ("fleet fields" in show), register by register, and no
# other register has fleet fields.  A field the kernel's
# kvm_fleet_id_fields[] gains (or loses) and the tool does not know fails
# here.  (A fleet field in a register outside ML_MASKS would show as a
# register with fleet fields the list lacks only once the tool knows it.)
for f in "$FIX"/*.json; do
	n=$(basename "$f" .json)
	jq -e '.capabilities // [] | index("fleet-id-regs")' "$f" >/dev/null || continue
	"$T" show "$f" >"$WORK/show-$n.txt" 2>&1
	want= got=
	for e in $ML_MASKS; do
		r=${e%%=*} ml=${e#*=}
		wide=$(jq -r "$JQDEFS"'R($n).writable // "0x0"' --arg n "${r#*.}" "$f")
		want="$want ${r#*.}=$(printf '0x%016x' $((wide & ~ml)))"
		got="$got ${r#*.}=$(awk -v r="${r#*.}" '$1 == r { for (i = 2; i < NF; i++) if ($i == "fleet" && $(i + 1) == "fields") print $(i + 2) }' "$WORK/show-$n.txt")"
	done
	others=$(grep ' fleet fields ' "$WORK/show-$n.txt" | awk '{ print $1 }' | sort | tr '\n' ' ')
	eqv "fleet-fields-are-the-kernels-$n" "$got | $others" \
		"$want | $(for e in $ML_MASKS; do r=${e%%=*}; echo "${r#*.}"; done | sort | tr '\n' ' ')"
done
mk n1old neoverse-n1 "$NOFLEET | .name = \"n1old\""
mk a72old cortex-a72 "$NOFLEET | .name = \"a72old\""
eqv fleet-old-host-no-fields "$("$T" show "$WORK/n1old.json" | grep -c 'with fleet-id-regs')" 0

# Baseline: with the capability on every host, the fields only it makes
# writable follow their rules; the model then requires it and says which
# fields it made poolable.  --no-fleet gives mainline's answer.
t fleet-baseline 0 "^  fleet-id-regs: the model requires KVM_CAP_ARM_OOT_FLEET_ID_REGS \(its VMs enable it before creating vCPUs\), which makes poolable: ID_AA64PFR0_EL1\.RAS, ID_AA64PFR0_EL1\.AdvSIMD, ID_AA64PFR0_EL1\.FP, ID_AA64MMFR1_EL1\.XNX, ID_AA64MMFR1_EL1\.VH, ID_AA64MMFR1_EL1\.VMIDBits$" \
	"$T" baseline --name n1-a72 -o "$WORK/n1a72.json" "$FIX/neoverse-n1.json" "$FIX/cortex-a72.json"
t fleet-baseline-explains 0 "ID_AA64MMFR1_EL1\.VH = 0 \(NI\) \(lower-safe, with fleet-id-regs\): neoverse-n1 1 \(IMP\), cortex-a72 0 \(NI\); limited by cortex-a72" \
	"$T" baseline "$FIX/neoverse-n1.json" "$FIX/cortex-a72.json"
eqv fleet-model-capabilities "$(jq -c '[.capabilities, .version]' "$WORK/n1a72.json")" '[["fleet-id-regs"],3]'
eqv fleet-model-values "$(reg "$WORK/n1a72.json" id ID_AA64PFR0_EL1),$(reg "$WORK/n1a72.json" id ID_AA64MMFR1_EL1)" \
	0x1000000001000112,0x0000000000000000
t fleet-show-model 0 "^VM capabilities required: fleet-id-regs \(KVM_CAP_ARM_OOT_FLEET_ID_REGS\)$" "$T" show "$WORK/n1a72.json"
$T show --json "$WORK/n1a72.json" >"$WORK/n1a72-rt.json" 2>&1
eqv fleet-model-round-trip "$(jq -S . "$WORK/n1a72-rt.json" | cmp - <(jq -S . "$WORK/n1a72.json") && echo same)" same
t fleet-no-fleet 1 "ID_AA64MMFR1_EL1\.VH: hosts differ \(neoverse-n1 1 \(IMP\), cortex-a72 0 \(NI\)\) and hosts that do not let a VMM change it disagree \(KVM_CAP_ARM_OOT_FLEET_ID_REGS would make it writable: not used, --no-fleet\)" \
	"$T" baseline --no-fleet "$FIX/neoverse-n1.json" "$FIX/cortex-a72.json"
# Hosts that agree in the fleet fields need no capability: the same model
# as mainline's masks give, without "capabilities".
"$T" baseline --name m -o "$WORK/fleet-n1a76.json" "$FIX/neoverse-n1.json" "$FIX/cortex-a76.json" 2>/dev/null
"$T" baseline --name m --no-fleet -o "$WORK/nofleet-n1a76.json" "$FIX/neoverse-n1.json" "$FIX/cortex-a76.json" 2>/dev/null
eqv fleet-not-needed "$(cmp "$WORK/fleet-n1a76.json" "$WORK/nofleet-n1a76.json" && jq 'has("capabilities")' "$WORK/fleet-n1a76.json")" false
# A host without the capability: fleet fields count as fixed everywhere
# (the model would require it, and that host cannot enable it).
t fleet-mixed 1 "ID_AA64PFR0_EL1\.RAS: hosts differ \(neoverse-n1 1 \(IMP\), a72old 0 \(NI\)\) and hosts that do not let a VMM change it disagree \(KVM_CAP_ARM_OOT_FLEET_ID_REGS makes it writable; a72old lacks it\)" \
	"$T" baseline "$FIX/neoverse-n1.json" "$WORK/a72old.json"
t fleet-mixed-note 1 "^  fleet-id-regs: not used, a72old lacks KVM_CAP_ARM_OOT_FLEET_ID_REGS" \
	"$T" baseline "$FIX/neoverse-n1.json" "$WORK/a72old.json"
# FP/AdvSIMD may go from FP16 (1) to 0, never to 0xf (NI), which signed
# lower-safe alone would pick: baseline refuses such a fleet.
mk nofp cortex-a72 '.name = "nofp" | R("ID_AA64PFR0_EL1").value = "0x1000000001ff0222"'
t fleet-baseline-fp-ni 1 "neoverse-n1: ID_AA64PFR0_EL1\.FP: model -1 \(NI\), host 1 \(FP16\): with KVM_CAP_ARM_OOT_FLEET_ID_REGS FP may only go from 1 \(FP16\) to 0 \(IMP\), never to -1 \(NI, 0xf\)" \
	"$T" baseline "$FIX/neoverse-n1.json" "$WORK/nofp.json"
eqv fleet-baseline-fails-silently "$("$T" baseline "$FIX/neoverse-n1.json" "$WORK/nofp.json" 2>&1 | grep -c 'makes poolable')" 0

# Compare: the model runs on both hosts; not on a host without the
# capability (named, with the fields it would change); a hand-written
# model that changes a fleet field without declaring the capability is
# refused, naming register and field.
t fleet-compare-n1 0 "n1-a72 can run on neoverse-n1" "$T" compare "$WORK/n1a72.json" "$FIX/neoverse-n1.json"
t fleet-compare-a72 0 "n1-a72 can run on cortex-a72" "$T" compare "$WORK/n1a72.json" "$FIX/cortex-a72.json"
t fleet-compare-host-lacks 1 "fleet-id-regs: the model requires KVM_CAP_ARM_OOT_FLEET_ID_REGS, which this host lacks \(the model changes its ID_AA64PFR0_EL1\.RAS, ID_AA64PFR0_EL1\.AdvSIMD, ID_AA64PFR0_EL1\.FP, ID_AA64MMFR1_EL1\.XNX, ID_AA64MMFR1_EL1\.VH, ID_AA64MMFR1_EL1\.VMIDBits\)" \
	"$T" compare "$WORK/n1a72.json" "$WORK/n1old.json"
t fleet-compare-host-lacks-field 1 "ID_AA64MMFR1_EL1\.VH: model 0 \(NI\), host 1 \(IMP\), and this host does not let a VMM change it \(it lacks KVM_CAP_ARM_OOT_FLEET_ID_REGS" \
	"$T" compare "$WORK/n1a72.json" "$WORK/n1old.json"
t fleet-compare-host-lacks-same 1 "which this host lacks \(no fleet field differs from this host's, but the model's VMs enable the capability\)" \
	"$T" compare "$WORK/n1a72.json" "$WORK/a72old.json"
mk n1a72-undeclared n1a72 'del(.capabilities)'
t fleet-compare-undeclared 1 "ID_AA64MMFR1_EL1\.VH: model 0 \(NI\), host 1 \(IMP\), and this host does not let a VMM change it without KVM_CAP_ARM_OOT_FLEET_ID_REGS, which the model does not require" \
	"$T" compare "$WORK/n1a72-undeclared.json" "$FIX/neoverse-n1.json"
t fleet-compare-undeclared-ok 0 "can run on cortex-a72" "$T" compare "$WORK/n1a72-undeclared.json" "$FIX/cortex-a72.json"
t exact-compare-undeclared 1 "ID_AA64MMFR0_EL1\.TGRAN4_2: model 2 \(IMP\), host 3 \(52_BIT\), and this host does not let a VMM change it without KVM_CAP_ARM_OOT_FLEET_ID_REGS" \
	"$T" compare "$WORK/ex2.json" "$WORK/ex3.json"
# FP/AdvSIMD: never 0xf, and equal where the host's are equal.
mk fp-ni n1a72 'R("ID_AA64PFR0_EL1").value = "0x10000000010f0112"'
t fleet-compare-fp-ni 1 "ID_AA64PFR0_EL1\.FP: model -1 \(NI\), host 1 \(FP16\): with KVM_CAP_ARM_OOT_FLEET_ID_REGS FP may only go from 1 \(FP16\) to 0 \(IMP\), never to -1 \(NI, 0xf\)" \
	"$T" compare "$WORK/fp-ni.json" "$FIX/neoverse-n1.json"
mk simd-ni n1a72 'R("ID_AA64PFR0_EL1").value = "0x1000000001f10112"'
t fleet-compare-simd-ni 1 "ID_AA64PFR0_EL1\.AdvSIMD: model -1 \(NI\), host 1 \(FP16\): with KVM_CAP_ARM_OOT_FLEET_ID_REGS AdvSIMD may only go from 1 \(FP16\) to 0 \(IMP\), never to -1 \(NI, 0xf\)" \
	"$T" compare "$WORK/simd-ni.json" "$FIX/neoverse-n1.json"
mk fp-apart n1a72 'R("ID_AA64PFR0_EL1").value = "0x1000000001100112"'
t fleet-compare-fp-apart 1 "ID_AA64PFR0_EL1\.FP,AdvSIMD: model FP 0 \(IMP\), AdvSIMD 1 \(FP16\): the host's are both 1 \(FP16\), so the model's must be equal" \
	"$T" compare "$WORK/fp-apart.json" "$FIX/neoverse-n1.json"
# The host tables' rules for the others: TGRAN*_2 exact with safe value 1,
# CTR_EL0.CWG higher-or-zero-safe, L1Ip exact with safe value VIPT.
mk maxf max-model '.capabilities = ["fleet-id-regs"]'
mk tg1 maxf 'R("ID_AA64MMFR0_EL1").value = "0x0000031310201126"'
t fleet-tgran2-safe-value 0 "can run on max" "$T" compare "$WORK/tg1.json" "$FIX/max.json"
for c in "cwg-lower:0x000000009344c004:1:CTR_EL0\.CWG: model 3, host limit 4 \(higher-or-zero-safe\)" \
	 "cwg-higher:0x000000009544c004:0:can run on max" "cwg-zero:0x000000009044c004:0:can run on max" \
	 "l1ip-vipt:0x0000000094448004:0:can run on max" \
	 "l1ip-vpipt:0x0000000094444004:1:CTR_EL0\.L1Ip: model 1 \(RESERVED_AIVIVT\), host limit 3 \(PIPT\) \(exact\)"; do
	IFS=: read -r n v rc re <<<"$c"
	mk "ctr-$n" maxf "R(\"CTR_EL0\").value = \"$v\""
	t "fleet-ctr-$n" "$rc" "$re" "$T" compare "$WORK/ctr-$n.json" "$FIX/max.json"
done

# What KVM refuses with the capability although the host's tables allow it
# (kvm_check_fleet_fields()): CTR_EL0.CWG/ERG above 9 (2KB; 0xa-0xf are
# reserved; higher-or-zero-safe alone takes any larger value) and
# ID_AA64MMFR1_EL1.VMIDBits 1 (reserved; lower-safe alone takes it).
for c in "cwg-reserved:R(\"CTR_EL0\").value = \"0x000000009a44c004\":1:CTR_EL0\.CWG: model 10 \(0xa\): reserved \(above 9, 2KB\)" \
	 "erg-reserved:R(\"CTR_EL0\").value = \"0x0000000094f4c004\":1:CTR_EL0\.ERG: model 15 \(0xf\): reserved \(above 9, 2KB\)" \
	 "cwg-2kb:R(\"CTR_EL0\").value = \"0x000000009994c004\":0:can run on max" \
	 "vmidbits-reserved:R(\"ID_AA64MMFR1_EL1\").value = \"0x0000001010211112\":1:ID_AA64MMFR1_EL1\.VMIDBits: model 1: reserved: KVM_CAP_ARM_OOT_FLEET_ID_REGS refuses it" \
	 "vmidbits-8:R(\"ID_AA64MMFR1_EL1\").value = \"0x0000001010211102\":0:can run on max"; do
	IFS=: read -r n f rc re <<<"$c"
	mk "res-$n" maxf "$f"
	t "fleet-$n" "$rc" "$re" "$T" compare "$WORK/res-$n.json" "$FIX/max.json"
done
# KVM checks the whole value written, not only the fields that change, and
# only in a VM that enabled the capability: a host (made up: no CPU has
# it) with the reserved CWG 0xa refuses a model that lowers DminLine only
# if the model requires the capability.
mk cwg10 max '.name = "cwg10" | R("CTR_EL0").value = "0x000000009a44c004"'
mk cwg10-dmin maxf 'R("CTR_EL0").value = "0x000000009a43c004"'
t fleet-reserved-whole-value 1 "CTR_EL0\.CWG: model 10 \(0xa\): reserved" \
	"$T" compare "$WORK/cwg10-dmin.json" "$WORK/cwg10.json"
mk cwg10-dmin-nocap cwg10-dmin 'del(.capabilities)'
t fleet-reserved-only-with-capability 0 "can run on cwg10" \
	"$T" compare "$WORK/cwg10-dmin-nocap.json" "$WORK/cwg10.json"

# ID_AA64MMFR2_EL1.IDS is not a fleet field (guest-observable: the
# exception class of an EL0 ID-space trap).  QEMU's max has IDS 1, the
# other CPUs 0: no max pair has a model, with or without the capability.
t fleet-ids-max-n1 1 "ID_AA64MMFR2_EL1\.IDS: hosts differ \(max 1 \(0x18\), neoverse-n1 0 \(0x0\)\) and hosts that do not let a VMM change it disagree \(guest-observable" \
	"$T" baseline "$FIX/max.json" "$FIX/neoverse-n1.json"
mk ids0 maxf 'R("ID_AA64MMFR2_EL1").value = "0x1021010010011011"'
t fleet-ids-compare 1 "ID_AA64MMFR2_EL1\.IDS: model 0 \(0x0\), host 1 \(0x18\), and this host does not let a VMM change it" \
	"$T" compare "$WORK/ids0.json" "$FIX/max.json"
# A profile probed on the first revision of patch 0026 records IDS in the
# wide mask of ID_AA64MMFR2_EL1: it is still not changed.
mk maxids max '.name = "maxids" | R("ID_AA64MMFR2_EL1").writable = "0xffff0ffff00fffff"'
t fleet-ids-old-profile 1 "ID_AA64MMFR2_EL1\.IDS: model 0 \(0x0\), host 1 \(0x18\), and this host does not let a VMM change it \(guest-observable" \
	"$T" compare "$WORK/ids0.json" "$WORK/maxids.json"
# show applies the same filter: IDS is not marked writable.
eqv fleet-ids-old-profile-show "$("$T" show "$WORK/maxids.json" | grep -E '^ +IDS ')" \
	"    IDS            1 (0x18)           lower-safe"
t fleet-ids-old-profile-show-says 0 "^ID_AA64MMFR2_EL1 .* writable 0xffff0f0ff00fffff .*\(recorded 0xffff0ffff00fffff: ID_AA64MMFR2_EL1\.IDS no longer writable\)$" \
	"$T" show "$WORK/maxids.json"
mk n1ids neoverse-n1 '.name = "n1ids" | R("ID_AA64MMFR2_EL1").writable = "0xffff0ffff00fffff"'
t fleet-ids-old-profiles-baseline 1 "ID_AA64MMFR2_EL1\.IDS: hosts differ \(maxids 1 \(0x18\), n1ids 0 \(0x0\)\) and hosts that do not let a VMM change it disagree \(guest-observable" \
	"$T" baseline "$WORK/maxids.json" "$WORK/n1ids.json"
# Nor does compare name it among the fields a model needs the capability for.
mk n1a72-ids1 n1a72 'R("ID_AA64MMFR2_EL1").value = "0x0000001000000000"'
t fleet-ids-not-listed 1 "which this host lacks \(no fleet field differs from this host's" \
	"$T" compare "$WORK/n1a72-ids1.json" "$WORK/a72old.json"

# SVE (vCPU feature "sve": probe does not record it; a host profile that
# offers it is written by hand here).  A VM with SVE keeps the host's
# FP/AdvSIMD even with the capability (SVE requires FP16); without SVE on
# the same host FP16 can be hidden.  ID_AA64PFR0_EL1.SVE and
# ID_AA64ZFR0_EL1 read 0 in a VM without it.
mk n1sve neoverse-n1 '.name = "n1sve" | .vcpu_features += ["sve"] | R("ID_AA64PFR0_EL1").value = "0x1100000111110112" | R("ID_AA64ZFR0_EL1").value = "0x0000000000000001"'
t sve-feature-known 0 "^vCPU features: psci-0\.2 pmu-v3 sve$" "$T" show "$WORK/n1sve.json"
mk sve-fp0 n1a72 '.vcpu_features += ["sve"] | R("ID_AA64PFR0_EL1").value = "0x1000000101000112" | R("ID_AA64ZFR0_EL1").value = "0x0000000000000001"'
t fleet-sve-fp16-hidden 1 "ID_AA64PFR0_EL1\.FP: model 0 \(IMP\), host 1 \(FP16\), and this host does not let a VMM change it in a VM with SVE" \
	"$T" compare "$WORK/sve-fp0.json" "$WORK/n1sve.json"
t fleet-sve-advsimd-hidden 1 "ID_AA64PFR0_EL1\.AdvSIMD: model 0 \(IMP\), host 1 \(FP16\), and this host does not let a VMM change it in a VM with SVE" \
	"$T" compare "$WORK/sve-fp0.json" "$WORK/n1sve.json"
mk sve-fp1 sve-fp0 'R("ID_AA64PFR0_EL1").value = "0x1000000101110112"'
t fleet-sve-fp16-kept 0 "can run on n1sve" "$T" compare "$WORK/sve-fp1.json" "$WORK/n1sve.json"
t fleet-nosve-fp16-hidden 0 "can run on n1sve" "$T" compare "$WORK/n1a72.json" "$WORK/n1sve.json"
t sve-not-offered 1 "vCPU feature sve: the host does not offer it \(probe does not record SVE" \
	"$T" compare "$WORK/sve-fp1.json" "$FIX/neoverse-n1.json"
# Baseline: a host without SVE drops the feature (and its fields); FP16
# is then hidden as before.  Hosts with SVE that differ in FP16 (no real
# CPU: SVE requires FP16) have no model.
"$T" baseline -o "$WORK/m-sve-a72.json" "$WORK/n1sve.json" "$FIX/cortex-a72.json" >"$WORK/m-sve-a72.txt" 2>&1
eqv fleet-sve-dropped "$(jq -c "$JQDEFS"'[.vcpu_features, R("ID_AA64PFR0_EL1").value, R("ID_AA64ZFR0_EL1").value]' "$WORK/m-sve-a72.json")" \
	'[["psci-0.2","pmu-v3"],"0x1000000001000112","0x0000000000000000"]'
mk n1sve-fp0 n1sve '.name = "n1sve-fp0" | R("ID_AA64PFR0_EL1").value = "0x1100000111000112"'
t fleet-sve-baseline 1 "ID_AA64PFR0_EL1\.FP: hosts differ \(n1sve 1 \(FP16\), n1sve-fp0 0 \(IMP\)\) and hosts that do not let a VMM change it disagree \(a VM with SVE keeps" \
	"$T" baseline "$WORK/n1sve.json" "$WORK/n1sve-fp0.json"

# A64FX has no AArch32: its AArch32 ID registers read 0 and cannot be
# changed, and every other fixture has AArch32.  KVM refuses
# ID_DFR0_EL1.CopDbg below 6 (Armv8), except 0 (AArch32 debug not
# implemented) in a VM that enabled KVM_CAP_ARM_OOT_FLEET_ID_REGS and whose
# EL1 is AArch64 (set_id_dfr0_el1()): with the capability A64FX pools with
# the AArch32 hosts, and the model requires it for CopDbg 0 on a host whose
# CopDbg is 8.  Mainline's answer (--no-fleet) stays no.
t aarch32-copdbg-pools 0 "^  fleet-id-regs: the model requires KVM_CAP_ARM_OOT_FLEET_ID_REGS \(its VMs enable it before creating vCPUs\), which makes poolable: ID_DFR0_EL1\.CopDbg, ID_AA64PFR0_EL1\.RAS," \
	"$T" baseline --name fx-n1 -o "$WORK/fx-n1-cap.json" "$FIX/a64fx.json" "$FIX/neoverse-n1.json"
t aarch32-copdbg-explains 0 "ID_DFR0_EL1\.CopDbg = 0 \(NI\) \(fixed on a64fx, with fleet-id-regs\): a64fx 0 \(NI\), neoverse-n1 8 \(Debugv8p2\)$" \
	"$T" baseline "$FIX/a64fx.json" "$FIX/neoverse-n1.json"
eqv aarch32-copdbg-model "$(jq -c "$JQDEFS"'[.capabilities, R("ID_DFR0_EL1").value]' "$WORK/fx-n1-cap.json")" \
	'[["fleet-id-regs"],"0x0000000000000000"]'
t aarch32-copdbg-runs-n1 0 "fx-n1 can run on neoverse-n1" "$T" compare "$WORK/fx-n1-cap.json" "$FIX/neoverse-n1.json"
t aarch32-copdbg-runs-a64fx 0 "fx-n1 can run on a64fx" "$T" compare "$WORK/fx-n1-cap.json" "$FIX/a64fx.json"
t aarch32-copdbg-no-fleet 1 "^baseline of 2 hosts: FAILED" \
	"$T" baseline --no-fleet "$FIX/a64fx.json" "$FIX/neoverse-n1.json"
for c in cortex-a76 cortex-a72 cortex-a57 cortex-a53 cortex-a35; do
	t "aarch32-copdbg-pools-$c" 0 "which makes poolable: ID_DFR0_EL1\.CopDbg" \
		"$T" baseline "$FIX/a64fx.json" "$FIX/$c.json"
done
# CopDbg 0 as the only change that needs the capability: an A64FX with
# AArch32 (Neoverse N1's AArch32 ID registers, EL0 AArch32) pools with
# A64FX only with it, and the model requires it for that field alone.
# shellcheck disable=SC2016
mk fx32 a64fx --slurpfile n1 "$FIX/neoverse-n1.json" '.name = "fx32" | R("ID_AA64PFR0_EL1").value = "0x0000000001110112" | .registers.id |= with_entries(if (.key | test("^(ID_(PFR[012]|DFR[01]|AFR0|MMFR[0-5]|ISAR[0-6])|MVFR[0-2])_EL1$")) then .value = $n1[0].registers.id[.key] else . end)'
t aarch32-copdbg-only 0 "which makes poolable: ID_DFR0_EL1\.CopDbg$" \
	"$T" baseline -o "$WORK/fx-fx32.json" "$FIX/a64fx.json" "$WORK/fx32.json"
eqv aarch32-copdbg-only-requires "$(jq -c .capabilities "$WORK/fx-fx32.json")" '["fleet-id-regs"]'
t aarch32-copdbg-only-no-fleet 1 "fx32: ID_DFR0_EL1\.CopDbg: model 0 \(NI\): KVM needs at least 6 \(Armv8\); 0 \(AArch32 debug not implemented\) only in a VM with KVM_CAP_ARM_OOT_FLEET_ID_REGS, which the model does not require" \
	"$T" baseline --no-fleet "$FIX/a64fx.json" "$WORK/fx32.json"
# Compare: CopDbg 0 without the capability in the model, or on a host
# without it; 1-5 stay refused with it.
mk copdbg0 max-model 'R("ID_DFR0_EL1").value = "0x0000000000000000"'
t aarch32-copdbg-compare 1 "ID_DFR0_EL1\.CopDbg: model 0 \(NI\): KVM needs at least 6 \(Armv8\); 0 \(AArch32 debug not implemented\) only in a VM with KVM_CAP_ARM_OOT_FLEET_ID_REGS, which the model does not require" \
	"$T" compare "$WORK/copdbg0.json" "$FIX/max.json"
mk copdbg0-cap copdbg0 '.capabilities = ["fleet-id-regs"]'
t aarch32-copdbg-compare-cap 0 "can run on max" "$T" compare "$WORK/copdbg0-cap.json" "$FIX/max.json"
mk copdbg3 fx-n1-cap 'R("ID_DFR0_EL1").value = "0x0000000000000003"'
t aarch32-copdbg-3-refused 1 "ID_DFR0_EL1\.CopDbg: model 3 \(Armv6p1\): KVM needs at least 6 \(Armv8\), or 0 \(AArch32 debug not implemented\) with KVM_CAP_ARM_OOT_FLEET_ID_REGS" \
	"$T" compare "$WORK/copdbg3.json" "$FIX/neoverse-n1.json"
for v in 1 5; do
	mk "copdbg$v-max" copdbg0-cap "R(\"ID_DFR0_EL1\").value = \"0x000000000000000$v\""
	t "aarch32-copdbg-$v-refused" 1 "ID_DFR0_EL1\.CopDbg: model $v( \([A-Za-z0-9]+\))?: KVM needs at least 6 \(Armv8\), or 0" \
		"$T" compare "$WORK/copdbg$v-max.json" "$FIX/max.json"
done
t aarch32-copdbg-host-lacks 1 "which this host lacks \(the model changes its ID_DFR0_EL1\.CopDbg, ID_AA64PFR0_EL1\.RAS," \
	"$T" compare "$WORK/fx-n1-cap.json" "$WORK/n1old.json"
t aarch32-copdbg-host-lacks-field 1 "ID_DFR0_EL1\.CopDbg: model 0 \(NI\): KVM needs at least 6 \(Armv8\); 0 \(AArch32 debug not implemented\) only with KVM_CAP_ARM_OOT_FLEET_ID_REGS, which this host lacks" \
	"$T" compare "$WORK/fx-n1-cap.json" "$WORK/n1old.json"
# A host without the capability: A64FX shares no model with it (and
# baseline says which host lacks it).
t aarch32-copdbg-mixed 1 "^  fleet-id-regs: not used, n1old lacks KVM_CAP_ARM_OOT_FLEET_ID_REGS" \
	"$T" baseline "$FIX/a64fx.json" "$WORK/n1old.json"
# el1-32bit (vCPU feature KVM_ARM_VCPU_EL1_32BIT: probe does not record it,
# a host profile offers it only when written so; baseline never chooses
# it): a VM whose EL1 is AArch32 keeps CopDbg 0 refused, with the
# capability too.
mk a72el1 cortex-a72 '.name = "a72el1" | .vcpu_features += ["el1-32bit"]'
t el1-32bit-feature-known 0 "^vCPU features: el1-32bit psci-0\.2 pmu-v3$" "$T" show "$WORK/a72el1.json"
"$T" baseline -o "$WORK/fx-a72el1.json" "$FIX/a64fx.json" "$WORK/a72el1.json" >"$WORK/fx-a72el1.txt" 2>&1
eqv el1-32bit-baseline-aarch64 "$(jq -c '[.vcpu_features, .capabilities]' "$WORK/fx-a72el1.json")" '[["psci-0.2","pmu-v3"],["fleet-id-regs"]]'
t el1-32bit-baseline-left-out 0 "vCPU feature el1-32bit: left out, baseline's models have an AArch64 EL1" \
	"$T" baseline "$WORK/a72el1.json" "$FIX/a64fx.json"
t el1-32bit-aarch64-model-runs 0 "can run on a72el1" "$T" compare "$WORK/fx-a72el1.json" "$WORK/a72el1.json"
mk fx-a72-el1 fx-a72el1 '.vcpu_features += ["el1-32bit"]'
t el1-32bit-copdbg0-refused 1 "ID_DFR0_EL1\.CopDbg: model 0 \(NI\): KVM needs at least 6 \(Armv8\) in a VM whose EL1 is AArch32 \(el1-32bit\), with KVM_CAP_ARM_OOT_FLEET_ID_REGS too" \
	"$T" compare "$WORK/fx-a72-el1.json" "$WORK/a72el1.json"
eqv el1-32bit-copdbg0-only "$("$T" compare "$WORK/fx-a72-el1.json" "$WORK/a72el1.json" | grep -c '^  ')" 1
t el1-32bit-not-offered 1 "vCPU feature el1-32bit: the host does not offer it" \
	"$T" compare "$WORK/fx-a72-el1.json" "$FIX/cortex-a72.json"
mk a72-el1-self a72el1 '.kind = "model" | del(.kernel) | .sources = ["a72el1"] | .capabilities = ["fleet-id-regs"]'
t el1-32bit-copdbg8-ok 0 "can run on a72el1" "$T" compare "$WORK/a72-el1-self.json" "$WORK/a72el1.json"

# Cache geometry: A64FX's CLIDR_EL1 has no point of unification (fine with
# its CTR_EL0.IDC 1) and its 256-byte lines are above a 64-byte host's
# minimum; a Cortex-A72 (IDC 0) refuses the one, A64FX the other's 64-byte
# lines.  The model takes A64FX's geometry with a PoU added, which both
# accept; with a host whose IDC is 1 (Neoverse N1) nothing is added.  The
# Cortex-A72 here is made AArch64-only (A64FX's AArch32 ID registers), so
# that the pair differs in little more than its caches; the real pair
# pools too (with the capability, for CopDbg 0 among others: above).
# shellcheck disable=SC2016
mk a72a64 cortex-a72 --slurpfile fx "$FIX/a64fx.json" '.name = "a72a64" | .registers.id |= with_entries(if (.key | test("^(ID_(PFR[012]|DFR[01]|AFR0|MMFR[0-5]|ISAR[0-6])|MVFR[0-2])_EL1$")) then .value = $fx[0].registers.id[.key] else . end)'
t cache-pou-added 0 "CLIDR_EL1 = 0x8a200023: a64fx's 0x80000023 with a point of unification added \(LoC 2, LoUIS 1, LoUU 1\), which CTR_EL0\.IDC = 0 on a72a64 requires" \
	"$T" baseline -o "$WORK/fx-a72.json" "$FIX/a64fx.json" "$WORK/a72a64.json"
eqv cache-pou-geometry "$(jq -c '[.registers[] | select(.name | test("^(CTR|CLIDR|CCSIDR)_")) | .value]' "$WORK/fx-a72.json" | cut -d, -f2-)" \
	"$(jq -c '[.registers.cache | to_entries[] | select(.key != "CTR_EL0" and .key != "CLIDR_EL1") | .value.value]' "$FIX/a64fx.json" | sed 's/^\[/"0x000000008a200023",/')"
t cache-pou-runs-a64fx 0 "can run on a64fx" "$T" compare "$WORK/fx-a72.json" "$FIX/a64fx.json"
t cache-pou-runs-a72 0 "can run on a72a64" "$T" compare "$WORK/fx-a72.json" "$WORK/a72a64.json"
t cache-pou-identity-a72 0 "CLIDR_EL1 = 0x8a200023 and its CCSIDR: cache geometry of a64fx with a point of unification; VMs on a64fx, a72a64 get it" \
	"$T" baseline --impl-from a72a64 "$FIX/a64fx.json" "$WORK/a72a64.json"
mk fx-nopou fx-a72 'R("CLIDR_EL1").value = "0x0000000080000023"'
t cache-pou-needed 1 "CLIDR_EL1\.LoC/LoUIS/LoUU: 0x80000023 has no point of unification, which the host's CTR_EL0\.IDC = 0 requires" \
	"$T" compare "$WORK/fx-nopou.json" "$WORK/a72a64.json"
"$T" show --json "$FIX/cortex-a72.json" >"$WORK/a72-v3.json"
# shellcheck disable=SC2016
jq --slurpfile h "$WORK/a72-v3.json" \
	'def geo: .value.name | test("^(CLIDR|CCSIDR)_"); .registers = (.registers | with_entries(select(geo | not))) + ($h[0].registers | with_entries(select(geo) | .value |= del(.writable)))' \
	"$WORK/fx-a72.json" >"$WORK/fx-a72geo.json"
t cache-pou-small-lines 1 "CCSIDR_EL1\[0\]\.LineSize: 64-byte lines are smaller than the host's CTR_EL0\.DminLine \(256 bytes\)" \
	"$T" compare "$WORK/fx-a72geo.json" "$FIX/a64fx.json"
# shellcheck disable=SC2016
mk n1a64 neoverse-n1 --slurpfile fx "$FIX/a64fx.json" '.name = "n1a64" | .registers.id |= with_entries(if (.key | test("^(ID_(PFR[012]|DFR[01]|AFR0|MMFR[0-5]|ISAR[0-6])|MVFR[0-2])_EL1$")) then .value = $fx[0].registers.id[.key] else . end)'
"$T" baseline -o "$WORK/fx-n1.json" "$FIX/a64fx.json" "$WORK/n1a64.json" 2>/dev/null
eqv cache-pou-not-added "$(reg "$WORK/fx-n1.json" cache CLIDR_EL1)" 0x0000000080000023

# --- malformed input: clear error, exit 2, nothing written -------------------
printf '{"format": "arm64-cpumodel", "version": 1,,}' >"$WORK/syntax.json"
head -c 200 "$FIX/max.json" >"$WORK/trunc.json"
: >"$WORK/empty.json"
mk v4 max '.version = 4'
mk v1impl v1host ".implementations = [$IMAX]"
mk v1pmu v1host '.pmu_counters = 6'
mk implempty max '.version = 2 | .implementations = []'
mk implobj max ".version = 2 | .implementations = $IMAX"
mk implkey max ".version = 2 | .implementations = [$IMAX + {\"cpu\": \"a55\"}]"
mk implmiss max ".version = 2 | .implementations = [$IMAX | del(.revidr)]"
mk implnum max ".version = 2 | .implementations = [$IMAX | .aidr = 0]"
mk impldup max ".version = 2 | .implementations = [$IMAX, $IA55, $IMAX]"
mk impl33 max ".version = 2 | .implementations = [range(33) as \$i | $IMAX | .revidr = (\"0x\" + (\$i | tostring))]"
mk pmu32 max '.version = 2 | .pmu_counters = 32'
mk pmustr max '.version = 2 | .pmu_counters = "6"'
mk pmunofeat nopmu '.version = 2 | .pmu_counters = 6'
mk noformat max 'del(.format)'
mk kind max '.kind = "guest"'
mk unkreg max '.registers.id.ID_FOO_EL1 = {"value": "0x0"}'
mk wronggroup max '.registers.id.CTR_EL0 = .registers.cache.CTR_EL0'
mk badval max 'R("ID_AA64ISAR0_EL1").value = "12"'
mk numval max 'R("ID_AA64ISAR0_EL1").value = 12'
# Hex strings: only "0x" and 1-16 hex digits (strtoull() alone takes more).
hexbad=0
for h in '0x-1' '0x 1' '0x0x11' '0x+1' ' 0x1' '0x1 ' '0x1g' '0x' '0x00000000000000011'; do
	hexbad=$((hexbad + 1))
	mk "hexv$hexbad" max --arg h "$h" 'R("ID_AA64ISAR0_EL1").value = $h'
done
mk hexw max 'R("ID_AA64ISAR0_EL1").writable = "0x-1"'
mk heximpl max ".version = 2 | .implementations = [$IMAX | .midr = \"0x 1\"]"
# name, kernel: strings that fit (63, 64 characters); sources: host names
# (a model's, joined at most 511); no key twice in an object.
L64=$(printf 'n%.0s' $(seq 64))
mk namenull max '.name = null'
mk namenum max '.name = 7'
mk namelong max --arg n "$L64" '.name = $n'
mk kernnull max '.kernel = null'
mk kernlong max --arg n "$L64$L64" '.kernel = $n'
mk srcnull max-model '.sources = [null]'
mk srcnum max-model '.sources = ["max", 3]'
mk srcstr max-model '.sources = "max"'
mk srclong max-model --arg n "$L64" '.sources = [range(65) | $n]'
{ head -c -2 "$FIX/max.json"; printf ', "name": "other"}\n'; } >"$WORK/dupname.json"
jq -c . "$FIX/max.json" | sed 's/"ID_AA64ISAR0_EL1":{\([^}]*\)}/"ID_AA64ISAR0_EL1":{\1,"value":"0x0"}/' >"$WORK/dupval.json"
jq -c . "$FIX/max.json" | sed 's/"kind":"host"/"kind":"host","\\u006bind":"host"/' >"$WORK/dupesc.json"
mk wide max 'R("CCSIDR_EL1[1]").value = "0x0000000100000000"'
mk unkkey max '.colour = "blue"'
mk unkfeat max '.vcpu_features += ["has-el2"]'
mk unkcap max '.capabilities += ["frob"]'
mk modelcap max-model '.capabilities = ["writable-masks"]'
for c in "syntax:JSON syntax error" "trunc:truncated JSON" "empty:empty file" \
	 "v4:unsupported profile version 4 \(this tool reads versions 1 to 3\)" \
	 "v1impl:\"implementations\" needs profile version 2 \(the file says version 1\)" \
	 "v1pmu:\"pmu_counters\" needs profile version 2 \(the file says version 1\)" \
	 "implempty:\"implementations\" must be a non-empty array" \
	 "implobj:\"implementations\" must be a non-empty array" \
	 "implkey:implementations\[0\]: unknown key \"cpu\"" \
	 "implmiss:implementations\[0\]: \"revidr\" must be a hex string" \
	 "implnum:implementations\[0\]: \"aidr\" must be a hex string" \
	 "impldup:implementations\[2\] repeats implementations\[0\]" \
	 "impl33:\"implementations\" has 33 entries, at most 32" \
	 "pmu32:\"pmu_counters\" must be the number of event counters \(PMCR_EL0\.N\), 0 to 31" \
	 "pmustr:\"pmu_counters\" must be the number of event counters" \
	 "pmunofeat:\"pmu_counters\" needs the pmu-v3 vCPU feature" \
	 "noformat:not an arm64-cpumodel profile" "kind:\"kind\" must be \"host\" or \"model\"" \
	 "unkreg:unknown register \"ID_FOO_EL1\" in group \"id\"" \
	 "wronggroup:unknown register \"CTR_EL0\" in group \"id\"" \
	 "badval:register ID_AA64ISAR0_EL1: \"value\" must be a hex string" \
	 "numval:register ID_AA64ISAR0_EL1: \"value\" must be a hex string" \
	 "hexw:register ID_AA64ISAR0_EL1: \"writable\" must be a hex string" \
	 "heximpl:implementations\[0\]: \"midr\" must be a hex string" \
	 "namenull:\"name\" must be a string" "namenum:\"name\" must be a string" \
	 "namelong:\"name\" is longer than 63 characters" \
	 "kernnull:\"kernel\" must be a string" "kernlong:\"kernel\" is longer than 64 characters" \
	 "srcnull:\"sources\"\[0\] must be a non-empty host name" \
	 "srcnum:\"sources\"\[1\] must be a non-empty host name" \
	 "srcstr:\"sources\" must be an array of host names" \
	 "srclong:\"sources\" is longer than 4095 characters" \
	 "dupname:duplicate key \"name\"" "dupval:duplicate key \"value\"" \
	 "dupesc:duplicate key \"kind\"" \
	 "wide:register CCSIDR_EL1\[1\] is 32 bits wide" "unkkey:unknown key \"colour\"" \
	 "unkfeat:unknown entry \"has-el2\" in \"vcpu_features\"" \
	 "unkcap:unknown entry \"frob\" in \"capabilities\"" \
	 "modelcap:a model's \"capabilities\" are the VM capabilities its VMs must enable; \"writable-masks\" is a host's"; do
	n=${c%%:*}
	t "malformed-$n" 2 "$WORK/$n.json: (${c#*:})" "$T" baseline -o "$WORK/keep.json" "$FIX/max.json" "$WORK/$n.json"
done
for i in $(seq "$hexbad"); do
	t "malformed-hexv$i" 2 "$WORK/hexv$i.json: register ID_AA64ISAR0_EL1: \"value\" must be a hex string" \
		"$T" baseline -o "$WORK/keep.json" "$FIX/max.json" "$WORK/hexv$i.json"
done
t name-option-too-long 2 "--name: 1 to 63 characters" \
	"$T" baseline --name "$L64" -o "$WORK/keep.json" "$FIX/max.json"
for i in $(seq 10 76); do mk "long$i" max --arg n "$(printf 'h%.0s' $(seq 60))$i" '.name = $n'; done
t baseline-sources-too-long 2 "baseline: the 67 hosts' names joined with ',' are longer than 4095 characters" \
	"$T" baseline -o "$WORK/keep.json" "$WORK"/long??.json
mk comma max '.name = "rack1,node2"'
t host-name-comma 2 "a host's \"name\" may not contain ','" "$T" show "$WORK/comma.json"
mk revidr-only m-v3 'del(.registers["0x603000000013c000"])'
t identity-whole 2 "the model sets REVIDR_EL1 and AIDR_EL1 but not all of MIDR_EL1, REVIDR_EL1 and AIDR_EL1" \
	"$T" compare "$WORK/revidr-only.json" "$FIX/max.json"
mk ccsidr-missing m-v3 'del(.registers["0x6020000000110000"])'
t complete-needs-described-ccsidr 2 "sets no value for 1 register \(CCSIDR_EL1\[0\]\)" \
	"$T" compare "$WORK/ccsidr-missing.json" "$FIX/max.json"
# A newer library's additions a version-3 reader takes: writer members,
# an unmodelled register wider than 64 bits (SVE_VLS).
mk newer max-v3 '.writer.build = "x" | .unmodelled = {"0x606000000015ffff": {"name": "SVE_VLS", "value": ("0x" + ("0" * 127) + "f")}}'
t newer-writer-and-wide-register 0 "^SVE_VLS +\(wider than 64 bits\)  not modelled" "$T" show "$WORK/newer.json"
mk v2-generic max '.registers.id["S3_0_C0_C4_1"] = .registers.id.ID_AA64PFR1_EL1 | del(.registers.id.ID_AA64PFR1_EL1)'
t v2-generic-name 0 "^ID_AA64PFR1_EL1 " "$T" show "$WORK/v2-generic.json"
t load-device 2 "/dev/zero: not a regular file or a pipe" "$T" show /dev/zero
mk v2-twice max '.registers.id["S3_0_C0_C4_0"] = {"value": "0x0000000000000000"}'
t v2-register-twice 2 "register ID_AA64PFR0_EL1 twice \(\"S3_0_C0_C4_0\"\)" "$T" show "$WORK/v2-twice.json"
mk v2-spelling max '.registers.id["S3_0_C0_C04_1"] = .registers.id.ID_AA64PFR1_EL1 | del(.registers.id.ID_AA64PFR1_EL1)'
t v2-generic-exact-spelling 2 "unknown register \"S3_0_C0_C04_1\"" "$T" show "$WORK/v2-spelling.json"
mk v3-upper max-v3 '.registers["0x603000000013C030"] = .registers["0x603000000013c030"] | del(.registers["0x603000000013c030"])'
t v3-key-lowercase 2 "register key \"0x603000000013C030\" is not a KVM register id" "$T" show "$WORK/v3-upper.json"
mk v3-unk-twice v3unk '.unmodelled = {"0x6030000000160003": {"value": "0x0"}}'
t v3-unmodelled-twice 2 "\"unmodelled\": \"0x6030000000160003\" must be the KVM id of a register the library does not model \(once\)" \
	"$T" show "$WORK/v3-unk-twice.json"
mk long-writer max-v3 --arg r "rules-$(printf '0%.0s' $(seq 60))" '.writer.rules = $r'
t writer-long-informational 0 "rule set rules-0000" "$T" show "$WORK/long-writer.json"
# -o keeps the replaced file's permissions.
"$T" baseline -o "$WORK/mode.json" "$FIX/max.json" 2>/dev/null
chmod 0640 "$WORK/mode.json"
"$T" baseline -o "$WORK/mode.json" "$FIX/max.json" 2>/dev/null
eqv save-keeps-mode "$(stat -c %a "$WORK/mode.json")" 640
eqv malformed-writes-nothing "$(cat "$WORK/keep.json")" KEEP
t malformed-compare 2 "truncated JSON" "$T" compare "$WORK/trunc.json" "$FIX/max.json"
t missing-file 2 "nosuch.json: No such file or directory" "$T" show "$WORK/nosuch.json"
t no-kvm-in-host-build 3 "no KVM support" "$T" probe
t no-kvm-apply 3 "no KVM support" "$T" apply "$WORK/m-v3.json"
t help-unknown-command 2 "no command \"frob\"" "$T" help frob
t usage 2 "usage: arm64-cpumodel" "$T" frobnicate
# A failed write of the output (here /dev/full) is exit status 3, said on stderr.
tfull() {
	local name=$1 got
	shift
	"$@" >/dev/full 2>"$WORK/out"
	got=$?
	if [ "$got" != 3 ]; then
		bad "$name" "exit status $got, expected 3: $(head -c 300 "$WORK/out" | tr '\n' ' ')"
	elif ! grep -q "write error on standard output" "$WORK/out"; then
		bad "$name" "no write error reported: $(head -c 300 "$WORK/out" | tr '\n' ' ')"
	else
		ok "$name"
	fi
}
if [ -w /dev/full ]; then
	tfull write-error-baseline "$T" baseline "$FIX/neoverse-n1.json" "$FIX/cortex-a76.json"
	tfull write-error-show "$T" show "$FIX/max.json"
	tfull write-error-show-json "$T" show --json "$FIX/max.json"
	tfull write-error-compare "$T" compare "$WORK/n1a76.json" "$FIX/neoverse-n1.json"
	tfull write-error-compare-incompatible "$T" compare "$WORK/n1a76.json" "$FIX/cortex-a72.json"
	tfull write-error-help "$T" --help
else
	echo "skip  cpumodel/write-error: no writable /dev/full"
fi

# --- bridges to VMMs and drift (files of their own) ---------------------------
for part in export-tests.sh fingerprint-tests.sh; do
	if [ -f "$HERE/$part" ]; then
		# shellcheck disable=SC1090
		. "$HERE/$part"
	else
		bad "$part" "missing"
	fi
done

# --- the library from source: threads, and the KVM half against a fake KVM --
B=${BUILD:-$TOP/build}/host
if [ -n "${CPUMODEL:-}" ]; then
	echo "skip  cpumodel/lib-threads: CPUMODEL is set (these tests build the library from source)"
	echo "skip  cpumodel/kvm-mock: CPUMODEL is set (these tests build the library from source)"
	return 0
fi
# cm_fleet_mask() from several threads at once, first calls included,
# under ThreadSanitizer (a lazily filled global table is a data race).
# Kernels with many mmap random bits break its runtime: then without ASLR.
if ! echo 'int main(void) { return 0; }' | gcc -fsanitize=thread -x c - -o "$WORK/tsan" >/dev/null 2>&1; then
	echo "skip  cpumodel/lib-threads: gcc cannot build with -fsanitize=thread here (libtsan)"
elif ! "$TOP/scripts/cpumodel-build.sh" host-threads >"$WORK/build-threads.log" 2>&1; then
	bad lib-threads "build failed: $(tail -n 5 "$WORK/build-threads.log" | tr '\n' ' ')"
else
	tsan() { TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$@" "$B/cpumodel-threads-test" >"$WORK/threads.out" 2>&1; }
	tsan; rc=$?
	if grep -q 'FATAL: ThreadSanitizer' "$WORK/threads.out"; then
		tsan setarch "$(uname -m)" -R; rc=$?
	fi
	if grep -q 'FATAL: ThreadSanitizer' "$WORK/threads.out"; then
		echo "skip  cpumodel/lib-threads: the ThreadSanitizer runtime does not start on this kernel: $(grep -m1 FATAL "$WORK/threads.out")"
	elif [ "$rc" = 0 ]; then
		ok lib-threads
	else
		bad lib-threads "exit status $rc: $(grep -E -m3 'WARNING|SUMMARY|cm_' "$WORK/threads.out" | tr '\n' ' ')"
	fi
fi
# The public interface alone (arm64-cpumodel.h), linked with the shared
# library: tables, profiles, compare/baseline findings, the plan against a
# fake VM.  One result line per check.
if ! "$TOP/scripts/cpumodel-build.sh" host-api >"$WORK/build-api.log" 2>&1; then
	bad api-test "build failed: $(tail -n 5 "$WORK/build-api.log" | tr '\n' ' ')"
else
	"$B/cpumodel-api-test" "$FIX" >"$WORK/api.out" 2>&1
	rc=$?
	cat "$WORK/api.out"
	[ "$rc" = 0 ] || bad api-test "exit status $rc: $(grep -v '^pass\|^FAIL' "$WORK/api.out" | head -c 300 | tr '\n' ' ')"
fi
# The same public-interface threads under ThreadSanitizer.
if [ -x "$B/cpumodel-api-test-tsan" ]; then
	tsan_api() { TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$@" "$B/cpumodel-api-test-tsan" "$FIX" --threads >"$WORK/api-tsan.out" 2>&1; }
	tsan_api; rc=$?
	if grep -q 'FATAL: ThreadSanitizer' "$WORK/api-tsan.out"; then
		tsan_api setarch "$(uname -m)" -R; rc=$?
	fi
	if grep -q 'FATAL: ThreadSanitizer' "$WORK/api-tsan.out"; then
		echo "skip  cpumodel/api-threads-tsan: the ThreadSanitizer runtime does not start on this kernel"
	elif [ "$rc" = 0 ]; then
		ok api-threads-tsan
	else
		bad api-threads-tsan "exit status $rc: $(grep -E -m3 'WARNING|SUMMARY|arm64cm_|cm_' "$WORK/api-tsan.out" | tr '\n' ' ')"
	fi
fi
# Every test above again, the library and tool built with AddressSanitizer
# (leaks included) and UndefinedBehaviorSanitizer: one result line for the
# tool's tests and one for the api test.
if ! "$TOP/scripts/cpumodel-build.sh" host-asan >"$WORK/build-asan.log" 2>&1; then
	bad asan-ubsan "build failed: $(tail -n 5 "$WORK/build-asan.log" | tr '\n' ' ')"
else
	CPUMODEL=$B/cpumodel-asan/arm64-cpumodel "$0" >"$WORK/asan.out" 2>&1
	n=$(grep -c '^pass' "$WORK/asan.out")
	plain=$(CPUMODEL=$T "$0" 2>/dev/null | grep -c '^pass')
	if [ "$n" -lt 400 ] || [ "$n" != "$plain" ]; then
		bad asan-ubsan-tool "$n tests passed under ASan/UBSan, $plain without: $(grep -m3 '^FAIL' "$WORK/asan.out" | tr '\n' ' ')"
	elif grep -q '^FAIL' "$WORK/asan.out"; then
		bad asan-ubsan-tool "$(grep -c '^FAIL' "$WORK/asan.out") of the tool's tests fail under ASan/UBSan: $(grep -m3 '^FAIL' "$WORK/asan.out" | tr '\n' ' ')"
	else
		ok "asan-ubsan-tool ($n tests)"
	fi
	"$B/cpumodel-asan/api-test" "$FIX" >"$WORK/api-asan.out" 2>&1
	rc=$?
	if [ "$rc" = 0 ]; then
		ok "asan-ubsan-api ($(grep -c '^pass' "$WORK/api-asan.out") checks)"
	else
		bad asan-ubsan-api "exit status $rc: $(grep -v '^pass' "$WORK/api-asan.out" | head -c 300 | tr '\n' ' ')"
	fi
fi
# Packaging: make install, soname, versioned symbols, pkg-config, man page.
"$HERE/install-test.sh"
# cpumodel-kvm.c natively, every ioctl answered by the fake KVM of
# kvm-mock-test.c (one result line per check).  Needs the tree's uapi
# headers ("make tools" installs them).
if ! "$TOP/scripts/cpumodel-build.sh" host-kvm-mock >"$WORK/build-mock.log" 2>&1; then
	if grep -q 'no uapi headers' "$WORK/build-mock.log"; then
		echo "skip  cpumodel/kvm-mock: $(grep -m1 'no uapi headers' "$WORK/build-mock.log" | sed 's/^error: //')"
	else
		bad kvm-mock "build failed: $(tail -n 5 "$WORK/build-mock.log" | tr '\n' ' ')"
	fi
else
	"$B/cpumodel-kvm-mock-test" "$FIX/neoverse-n1.json" >"$WORK/mock.out" 2>&1
	rc=$?
	cat "$WORK/mock.out"
	[ "$rc" -le 1 ] && grep -q '^pass' "$WORK/mock.out" ||
		bad kvm-mock "exit status $rc: $(grep -v '^pass\|^FAIL' "$WORK/mock.out" | head -c 300 | tr '\n' ' ')"
fi
}

run_tests | tee "$WORK/results"
npass=$(grep -c '^pass' "$WORK/results")
nfail=$(grep -c '^FAIL' "$WORK/results")
[ -z "${CPUMODEL_STANDALONE:-}" ] || echo "$npass passed, $nfail failed"
[ "$nfail" = 0 ]
