#!/usr/bin/env bash
# Turn a guest console log into one line per check:
#   pass  NAME
#   FAIL  NAME: why
#   skip  NAME: why
# Usage: results.sh CONSOLE.LOG TESTS.LIST [LABEL]
#   LABEL is appended to every name as "@LABEL" (a run on another CPU).
# Exit status 1 when anything failed.  A test that is missing from the
# log, never finished, crashed or timed out is a failure, never a pass;
# so are a guest that did not boot or did not finish, KVM that did not
# initialise, and kernel splats (BUG, WARNING, Oops, KASAN, UBSAN,
# lockdep) anywhere in the kernel's own console lines, but for the
# platform warnings tests/console-known.txt lists with their reasons.
set -euo pipefail
LOG=${1:?console log}
LIST=${2:?tests list}
LABEL=${3:+@$3}
[ -f "$LOG" ] || { echo "FAIL  boot${3:+@$3}: no console log at $LOG"; exit 1; }

KNOWN=${KNOWN:-$(dirname "$0")/../tests/console-known.txt}
awk -v list="$LIST" -v logf="$LOG" -v label="$LABEL" -v known="$KNOWN" '
function out(st, name, why) {
	printf "%-5s %s%s%s\n", st, name, label, (why == "" ? "" : ": " why)
	if (st == "FAIL") failed++
}
BEGIN {
	n = 0
	nknown = 0
	while ((getline line < known) > 0)
		if (line !~ /^#/ && line != "")
			knownre[++nknown] = line
	while ((getline line < list) > 0) {
		split(line, f, " ")
		sub(/=.*/, "", f[1])
		if (f[1] == "") continue
		order[++n] = f[1]
		want[f[1]] = 1
	}
}
{ sub(/\r+$/, "") }
/^@@BOOTED / { booted = 1 }
/^@@KVM ok/ { kvm = "ok" }
/^@@KVM FAIL/ { kvm = $0; sub(/^@@KVM FAIL: */, "", kvm); sub(/\|$/, "", kvm) }
/^@@DONE/ { done = 1 }
/^@@HOST-TIMEOUT/ { hosttmo = substr($0, 3) }
/^@@HOST-QEMU-EXIT/ { qexit = substr($0, 3) }
/Kernel panic - not syncing/ && panic == "" { panic = $0; sub(/^\[[ 0-9.]*\] */, "", panic) }
/^@@BEGIN / { cur = $2; began[cur] = 1; lines[cur] = 0; next }
/^@@END / {
	name = $2; rc = $3; sub(/^rc=/, "", rc)
	ended[name] = 1; status[name] = rc + 0; cur = ""
	next
}
cur != "" {
	keep[cur, ++lines[cur] % 8] = $0
	last[cur] = lines[cur]
	if (tolower($0) ~ /skip/) skipwhy[cur] = $0
}
# Kernel console lines carry a printk timestamp; only those are scanned,
# so a test printing the word WARNING is not mistaken for a splat.
/^\[ *[0-9]+\.[0-9]+\] / {
	if ($0 ~ /(BUG:|WARNING:|Oops|Unable to handle kernel|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|BUG: sleeping function)/) {
		for (k = 1; k <= nknown; k++)
			if ($0 ~ knownre[k])
				break
		if (k <= nknown)
			nignored++
		else if (nsplat < 5)
			splat[++nsplat] = $0
	}
}
END {
	if (!booted) {
		out("FAIL", "boot", "guest did not reach init" (panic != "" ? " (" panic ")" : "") (hosttmo != "" ? " (" hosttmo ")" : ""))
	} else
		out("pass", "boot", "")
	if (kvm == "ok")
		out("pass", "kvm-init", "")
	else
		out("FAIL", "kvm-init", kvm == "" ? "no KVM initialisation report from the guest" : "KVM did not initialise: " kvm)
	for (i = 1; i <= n; i++) {
		t = order[i]
		if (!began[t]) {
			out("FAIL", t, "missing from the guest output")
		} else if (!ended[t]) {
			out("FAIL", t, "did not finish: guest hung, panicked or was killed" (panic != "" ? " (" panic ")" : "") (hosttmo != "" ? " (" hosttmo ")" : ""))
		} else if (status[t] == 0) {
			out("pass", t, "")
		} else if (status[t] == 4) {
			why = skipwhy[t]
			gsub(/^[ \t#]+|[ \t]+$/, "", why)
			out("skip", t, why == "" ? "exited with KSFT_SKIP (4) without saying why" : why)
		} else {
			if (status[t] == 137)
				why = "killed (timeout in the guest)"
			else if (status[t] > 128 && status[t] <= 192)
				why = "killed by signal " (status[t] - 128)
			else
				why = "exit status " status[t]
			out("FAIL", t, why)
			m = last[t] < 6 ? last[t] : 6
			for (j = last[t] - m + 1; j <= last[t]; j++)
				printf "      | %s\n", keep[t, j % 8]
		}
	}
	if (done)
		out("pass", "guest-finished", "")
	else
		out("FAIL", "guest-finished", "guest did not finish" (panic != "" ? ": " panic : "") (hosttmo != "" ? ": " hosttmo : "") (qexit != "" ? ": " qexit : ""))
	if (nsplat == 0)
		out("pass", "console-clean", nignored ? nignored " known platform warning(s) ignored, see tests/console-known.txt" : "")
	else {
		out("FAIL", "console-clean", "kernel reported problems")
		for (j = 1; j <= nsplat; j++)
			printf "      | %s\n", splat[j]
	}
	if (failed)
		printf "      console log: %s\n", logf
	exit failed ? 1 : 0
}' "$LOG"
