# shellcheck shell=bash
# scripts/results.sh on fake console logs: every way a run can go wrong
# must be reported as a failure, never a pass.

# expect LOG STATUS PATTERN...: results.sh exits with STATUS and its
# output matches every extended-regex PATTERN (one per line).
expect() {
	local name=$1 log=$2 want=$3 out st p
	shift 3
	out=$("$TOP/scripts/results.sh" "$HERE/logs/$log" "$HERE/logs/tests.list" $LABEL 2>&1)
	st=$?
	if [ "$st" != "$want" ]; then
		bad "$name" "exit status $st, expected $want"$'\n'"$out"
		return
	fi
	for p in "$@"; do
		grep -qE -- "$p" <<<"$out" || { bad "$name" "output lacks /$p/:"$'\n'"$out"; return; }
	done
	ok "$name"
}

LABEL=
expect results-all-pass all-pass.log 0 '^pass  alpha$' '^pass  beta$' '^pass  guest-finished$' '^pass  console-clean$'
expect results-crlf crlf.log 0 '^pass  alpha$' '^pass  beta$'
expect results-crash crash.log 1 '^FAIL  alpha: killed by signal 11$' '^FAIL  beta: exit status 254$' 'aarch64/beta.c:10'
expect results-missing-test missing.log 1 '^pass  alpha$' '^FAIL  beta: missing from the guest output$'
expect results-hang hang.log 1 '^FAIL  beta: did not finish.*HOST-TIMEOUT' '^FAIL  guest-finished' 'console log: .*hang.log'
expect results-panic panic.log 1 '^FAIL  alpha: did not finish.*Kernel panic' '^FAIL  beta: missing' '^FAIL  console-clean' 'Unable to handle kernel'
expect results-kvm-not-initialised nokvm.log 1 '^FAIL  kvm-init: KVM did not initialise: kvm \[1\]: HYP mode not available'
expect results-no-boot noboot.log 1 '^FAIL  boot: guest did not reach init \(Kernel panic' '^FAIL  alpha: missing'
expect results-skip-reason skip.log 0 '^skip  alpha: 1\.\.0 # SKIP - Requirement not met' '^skip  beta: exited with KSFT_SKIP \(4\) without saying why'
expect results-splat splat.log 1 '^pass  alpha$' '^FAIL  console-clean: kernel reported problems' 'WARNING: CPU: 1 PID: 70'
expect results-guest-timeout guest-timeout.log 1 '^FAIL  alpha: killed \(timeout in the guest\)'
expect results-no-log does-not-exist.log 1 '^FAIL  boot: no console log'
LABEL=a64fx expect results-label crash.log 1 '^FAIL  alpha@a64fx: killed by signal 11$' '^pass  boot@a64fx$'
expect results-known-warning known.log 0 '^pass  console-clean: 1 known platform warning' '^pass  alpha$'
