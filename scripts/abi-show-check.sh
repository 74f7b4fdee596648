#!/usr/bin/env bash
# Check the --json output abi-show printed in the guest (console log):
# valid JSON with the sections and values every KVM/arm64 host has.
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
	and (.id_registers.MIDR_EL1.value | test("^0x[0-9a-f]{16}$"))' <<<"$json" 2>&1); then
	echo "pass  abi-show-json-valid"
else
	echo "FAIL  abi-show-json-valid: jq: $err"
	exit 1
fi
