#!/usr/bin/env bash
# Check the --json output abi-show printed in the guest (console log):
# valid JSON with the sections and values every KVM/arm64 host has; the
# series' ABI (SMCCC filter, KVM_REG_ARM_VENDOR_HYP_BMAP_2 0 after reset,
# PMCR_EL0.N of a PMU vCPU) consistent where the kernel has it.
. "$(dirname "$0")/lib.sh"
LOG=${1:?console log}
json=$(awk '/^@@BEGIN abi-show-json/ { on = 1; next } /^@@END abi-show-json/ { on = 0 } on' "$LOG" | tr -d '\r')
[ -n "$json" ] || { echo "FAIL  abi-show-json-valid: no output in $LOG"; exit 1; }
if err=$(jq -e '
	(.format == "abi-show/1") and (.kernel | test("^6\\.1\\."))
	and (.capabilities.KVM_CAP_ONE_REG == 1)
	and (.firmware.PSCI_VERSION.value >= 65536)
	and (.hypercall_bitmaps.STD_HYP_BMAP.value == 1)
	and (.id_registers.ID_AA64PFR0_EL1.fields.EL1 >= 1)
	and (.id_registers.MIDR_EL1.value | test("^0x[0-9a-f]{16}$"))
	and (.capabilities.KVM_CAP_COUNTER_OFFSET | IN(0, 1))
	and (.vm_attributes.KVM_ARM_VM_SMCCC_FILTER | IN(0, 1))
	and (.hypercall_bitmaps.VENDOR_HYP_BMAP_2 | (.absent == true) or (.value | type == "number"))
	and (if .vm_attributes.KVM_ARM_VM_SMCCC_FILTER == 1
	     then .hypercall_bitmaps.VENDOR_HYP_BMAP_2.value == 0 else true end)
	and (if .capabilities.KVM_CAP_ARM_PMU_V3 == 1
	     then (.pmu.PMCR_EL0.N | type == "number" and . <= 31)
	     else .pmu.PMCR_EL0.absent == true end)' <<<"$json" 2>&1); then
	echo "pass  abi-show-json-valid"
else
	echo "FAIL  abi-show-json-valid: jq: $err"
	exit 1
fi
