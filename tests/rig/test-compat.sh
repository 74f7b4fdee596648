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
	if [ "$st" = 1 ]; then ok compat-report-exit; else bad compat-report-exit "exit status $st, expected 1"; fi
)
