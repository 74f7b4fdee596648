# shellcheck shell=bash
# scripts/compat-report.py on fake console logs of "make compat": a cell
# passes only if QEMU loaded the state, the guest went on counting and
# read the same values; every other outcome is a named failure.

# report CNT N VAL: one complete report of the L2 guest
cr_report() {
	printf 'CNT %s REPORT %s\nREG MIDR_EL1=0x00000000410fd0c0\nREG CTR_EL0=%s\nEND %s diffs=0\n' \
		"$1" "$2" "$3" "$2"
}
# cr_source DIR KERNEL: a source boot whose guest printed reports 0-2
cr_source() {
	{
		echo "@@BOOTED 6.1.192+ 2 cpus"
		printf '@@REGS-BEGIN\ncount 2\n0x603000000013c039 0x1\n0x603000000013d801 0x9444c004\n@@REGS-END\n'
		echo "@@SERIAL-BEGIN $2"
		echo "L2 START"
		cr_report 0 0 0x8444c004
		cr_report 100 1 0x8444c004
		cr_report 200 2 0x8444c004
		printf 'CNT 300 REPORT 3\nREG MIDR'	# cut by the migration
		printf '\n@@SERIAL-END %s\n@@RUN %s ok rc=0\n' "$2" "$2"
	} >"$1/source-$2.log"
}
# cr_dest DIR KERNEL SOURCE STATUS BODY...: a destination boot
cr_dest() {
	local d=$1 k=$2 s=$3 st=$4
	shift 4
	{
		echo "@@BOOTED 6.1.192+ 2 cpus"
		printf '@@REGS-BEGIN\ncount 1\n0x603000000013d801 0x9444c004\n@@REGS-END\n'
		echo "@@SERIAL-BEGIN $s"
		printf '%s\n' "$@"
		printf '@@SERIAL-END %s\n' "$s"
		[ "$st" = ok ] || {
			echo "@@QEMU-ERR $s qemu-system-aarch64: Failed to load cpu:cpreg_vmstate_array_len"
			echo "@@LOAD $s reject 0x603000000013c039 0x1 ENOENT"
		}
		printf '@@RUN %s %s rc=0\n' "$s" "$st"
	} >>"$d/dest-$k.log"
}

(
	C=$WORK/compat
	mkdir -p "$C/cpu"
	cr_source "$C/cpu" base
	cr_source "$C/cpu" patched
	cr_source "$C/cpu" mainline
	# the rest of report 3, cut on the source, then reports 4-6
	cr_dest "$C/cpu" patched base ok "REG CTR_EL0=0x8444c004" "END 3 diffs=0" \
		"$(cr_report 400 4 0x9444c004)" "$(cr_report 500 5 0x8444c004)" \
		"$(cr_report 600 6 0x8444c004)"
	cr_dest "$C/cpu" patched patched ok "$(cr_report 400 4 0x8444c004)" \
		"$(cr_report 500 5 0x9444c004)" "$(cr_report 600 6 0x8444c004)"
	cr_dest "$C/cpu" patched mainline no-load
	cr_dest "$C/cpu" base patched ok "L2 START" "$(cr_report 0 0 0x8444c004)" \
		"$(cr_report 10 1 0x8444c004)"
	cr_dest "$C/cpu" base base ok "$(cr_report 150 3 0x8444c004)" \
		"$(cr_report 160 4 0x8444c004)"
	echo "@@BOOTED 6.12.117 2 cpus" >"$C/cpu/dest-mainline.log"
	out=$(python3 "$TOP/scripts/compat-report.py" --dir "$C" --cpus "cpu nocpu" --check \
		--pairs "base:patched patched:patched mainline:patched patched:base base:base patched:mainline" 2>&1)
	st=$?
	check() {	# NAME PATTERN
		if grep -qE -- "$2" <<<"$out"; then ok "$1"; else bad "$1" "output lacks /$2/:"$'\n'"$out"; fi
	}
	# the first report on the destination may have been read on the source
	check compat-report-ok '^pass  compat/base-to-patched@cpu$'
	check compat-report-value-changed '^FAIL  compat/patched-to-patched@cpu: the guest read different values: CTR_EL0 0x8444c004->0x9444c004'
	check compat-report-qemu-error '^FAIL  compat/mainline-to-patched@cpu: Failed to load cpu:cpreg_vmstate_array_len'
	check compat-report-diagnosis 'KVM refuses ID_AA64MMFR1_EL1=0x1 \(ENOENT; destination has no such register\)'
	check compat-report-restart '^FAIL  compat/patched-to-base@cpu: the guest restarted on the destination'
	check compat-report-counter-back '^FAIL  compat/base-to-base@cpu: counter went back: 150 after 300'
	check compat-report-no-state '^FAIL  compat/patched-to-mainline@cpu: destination: no run for this state'
	check compat-report-no-boot '^FAIL  compat/base-to-patched@nocpu: source base did not boot'
	# CCSIDR of a cache CLIDR_EL1 does not describe is UNKNOWN: not compared
	ccs() {	# CNT N CCSIDR0 CCSIDR3: L1 data and instruction caches only
		printf 'CNT %s REPORT %s\nREG CLIDR_EL1=0x0000000000000003\nREG CCSIDR_EL1[0]=%s\nREG CCSIDR_EL1[3]=%s\nEND %s diffs=0\n' \
			"$1" "$2" "$3" "$4" "$2"
	}
	mkdir -p "$C/ccs"
	for k in patched base; do
		{
			echo "@@BOOTED 6.1.192+ 2 cpus"
			echo "@@SERIAL-BEGIN $k"
			echo "L2 START"
			ccs 0 0 0x701fe00a 0x0
			ccs 100 1 0x701fe00a 0x0
			printf '@@SERIAL-END %s\n@@RUN %s ok rc=0\n' "$k" "$k"
		} >"$C/ccs/source-$k.log"
	done
	echo "@@BOOTED 6.12.117 2 cpus" >"$C/ccs/dest-mainline.log"
	cr_dest "$C/ccs" mainline patched ok "$(ccs 200 2 0x701fe00a 0x2)" "$(ccs 300 3 0x701fe00a 0x2)"
	cr_dest "$C/ccs" mainline base ok "$(ccs 200 2 0x701fe00b 0x0)" "$(ccs 300 3 0x701fe00b 0x0)"
	out2=$(python3 "$TOP/scripts/compat-report.py" --dir "$C" --cpus ccs --check \
		--pairs "patched:mainline base:mainline" 2>&1)
	if grep -q '^pass  compat/patched-to-mainline@ccs$' <<<"$out2" &&
	   grep -q 'UNKNOWN values, not compared.*CCSIDR_EL1\[3\] 0x0->0x2' <<<"$out2"; then
		ok compat-report-ccsidr-unknown
	else
		bad compat-report-ccsidr-unknown "$out2"
	fi
	if grep -q '^FAIL  compat/base-to-mainline@ccs: the guest read different values: CCSIDR_EL1\[0\] 0x701fe00a->0x701fe00b (logs' <<<"$out2"; then
		ok compat-report-ccsidr-cache
	else
		bad compat-report-ccsidr-cache "$out2"
	fi
	if [ "$st" = 1 ]; then ok compat-report-exit; else bad compat-report-exit "exit status $st, expected 1"; fi
)
