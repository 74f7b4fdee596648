# shellcheck shell=bash
# scripts/compat-report.py on fake console logs of "make compat": a cell
# passes only if QEMU loaded the state, the guest went on counting, its
# virtual counter went on from where it was, and it read the same values
# (every complete report, on both sides, against report 0; its own DIFF
# lines too); every other outcome is a named failure.

CR_FRQ=62500000
# cr_report CNT N VAL [VCT]: one complete report of the L2 guest, CTR_EL0
# = VAL (report 0's is 0x8444c004: the guest names a change), virtual
# counter VCT (N seconds and a bit by default)
cr_report() {
	local vct=${4:-$(($2 * CR_FRQ + 5000))} diffs=0
	printf 'CNT %s REPORT %s\nTIME CNTVCT_EL0=%s CNTFRQ_EL0=%s\n' "$1" "$2" "$vct" "$CR_FRQ"
	printf 'REG MIDR_EL1=0x00000000410fd0c0\nREG CTR_EL0=%s\n' "$3"
	if [ "$3" != 0x8444c004 ]; then
		echo "DIFF CTR_EL0 before=0x8444c004 now=$3"
		diffs=1
	fi
	printf 'END %s diffs=%s\n' "$2" "$diffs"
}
# cr_source DIR KERNEL [VAL2]: a source boot whose guest printed reports
# 0-2 (CTR_EL0 of report 2: VAL2), report 3 cut by the migration
cr_source() {
	{
		echo "@@BOOTED 6.1.192+ 2 cpus"
		printf '@@REGS-BEGIN\ncount 2\n0x603000000013c039 0x1\n0x603000000013d801 0x9444c004\n@@REGS-END\n'
		echo "@@SERIAL-BEGIN $2"
		echo "L2 START"
		cr_report 0 0 0x8444c004
		cr_report 100 1 0x8444c004
		cr_report 200 2 "${3:-0x8444c004}"
		printf 'CNT 300 REPORT 3\nTIME CNTVCT_EL0=%s CNTFRQ_EL0=%s\nREG MIDR' \
			$((3 * CR_FRQ + 5000)) "$CR_FRQ"	# cut by the migration
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
	cr_dest "$C/cpu" patched base ok "_EL1=0x00000000410fd0c0" "REG CTR_EL0=0x8444c004" \
		"END 3 diffs=0" "$(cr_report 400 4 0x8444c004)" "$(cr_report 500 5 0x8444c004)" \
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
	# the rest of a report cut by the migration is not compared
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
		local diffs=0
		printf 'CNT %s REPORT %s\nTIME CNTVCT_EL0=%s CNTFRQ_EL0=%s\n' "$1" "$2" \
			$(($2 * CR_FRQ)) "$CR_FRQ"
		printf 'REG CLIDR_EL1=0x0000000000000003\nREG CCSIDR_EL1[0]=%s\nREG CCSIDR_EL1[3]=%s\n' \
			"$3" "$4"
		[ "$3" = 0x701fe00a ] || { echo "DIFF CCSIDR_EL1[0] before=0x701fe00a now=$3"; diffs=$((diffs + 1)); }
		[ "$4" = 0x0 ] || { echo "DIFF CCSIDR_EL1[3] before=0x0 now=$4"; diffs=$((diffs + 1)); }
		printf 'END %s diffs=%s\n' "$2" "$diffs"
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
# Across the migration, one outer CPU per case, base -> patched.
(
	C=$WORK/compat-mig
	cont=("_EL1=0x00000000410fd0c0" "REG CTR_EL0=0x8444c004" "END 3 diffs=0")
	for c in first guest-diff source-diff vct-back vct-jump vct-ok cut; do
		mkdir -p "$C/$c"
	done
	for c in first guest-diff vct-back vct-jump vct-ok cut; do
		cr_source "$C/$c" base
	done
	cr_source "$C/source-diff" base 0x9444c004
	# only the first report on the destination differs
	cr_dest "$C/first" patched base ok "${cont[@]}" "$(cr_report 400 4 0x9444c004)" \
		"$(cr_report 500 5 0x8444c004)" "$(cr_report 600 6 0x8444c004)"
	# the values printed are the same, the guest says one changed
	cr_dest "$C/guest-diff" patched base ok "${cont[@]}" "$(cr_report 400 4 0x8444c004)" \
		"$(cr_report 500 5 0x8444c004 | sed 's/^END 5 diffs=0/DIFF MIDR_EL1 before=0x00000000410fd0c0 now=0x00000000410fd0c1\nEND 5 diffs=1/')" \
		"$(cr_report 600 6 0x8444c004 | sed 's/diffs=0/diffs=2/')"
	cr_dest "$C/source-diff" patched base ok "${cont[@]}" "$(cr_report 400 4 0x8444c004)" \
		"$(cr_report 500 5 0x8444c004)"
	# the virtual counter back to 2 s, or 300 s on
	cr_dest "$C/vct-back" patched base ok "${cont[@]}" "$(cr_report 400 4 0x8444c004 $((2 * CR_FRQ)))" \
		"$(cr_report 500 5 0x8444c004 $((3 * CR_FRQ)))"
	cr_dest "$C/vct-jump" patched base ok "${cont[@]}" "$(cr_report 400 4 0x8444c004 $((303 * CR_FRQ)))" \
		"$(cr_report 500 5 0x8444c004 $((304 * CR_FRQ)))"
	# 100 s on: within the bound
	cr_dest "$C/vct-ok" patched base ok "${cont[@]}" "$(cr_report 400 4 0x8444c004 $((103 * CR_FRQ)))" \
		"$(cr_report 500 5 0x8444c004 $((104 * CR_FRQ)))"
	# a report without a register, one cut by QEMU's exit: not compared
	cr_dest "$C/cut" patched base ok "${cont[@]}" "$(cr_report 400 4 0x8444c004)" \
		"$(cr_report 500 5 0x8444c004)" "$(cr_report 600 6 0x9444c004 | grep -v '^END')" \
		"$(cr_report 700 7 0x8444c004 | grep -v '^REG CTR_EL0')"
	out=$(python3 "$TOP/scripts/compat-report.py" --dir "$C" --check --pairs base:patched \
		--cpus "first guest-diff source-diff vct-back vct-jump vct-ok cut" 2>&1)
	check() {	# NAME PATTERN
		if grep -qE -- "$2" <<<"$out"; then ok "$1"; else bad "$1" "output lacks /$2/:"$'\n'"$out"; fi
	}
	check compat-report-first-dest '^FAIL  compat/base-to-patched@first: the guest read different values: CTR_EL0 0x8444c004->0x9444c004'
	check compat-report-guest-diff '^FAIL  compat/base-to-patched@guest-diff: the guest saw different values from its report 0: MIDR_EL1 0x00000000410fd0c0->0x00000000410fd0c1 \(report 5\); 2 more in report 6'
	check compat-report-source-diff '^FAIL  compat/base-to-patched@source-diff: the guest read different values on the source \(before the migration\): CTR_EL0 0x8444c004->0x9444c004'
	check compat-report-vct-back "^FAIL  compat/base-to-patched@vct-back: virtual counter went back: CNTVCT_EL0 $((2 * CR_FRQ)) on the destination after $((3 * CR_FRQ + 5000)) on the source"
	check compat-report-vct-jump "^FAIL  compat/base-to-patched@vct-jump: virtual counter jumped 300.0 s: CNTVCT_EL0 $((303 * CR_FRQ)) on the destination after $((3 * CR_FRQ + 5000)) on the source, CNTFRQ_EL0 $CR_FRQ/$CR_FRQ"
	check compat-report-vct-ok '^pass  compat/base-to-patched@vct-ok$'
	check compat-report-cut-report '^pass  compat/base-to-patched@cut$'
)
# scripts/compat-qemu.sh takes only QEMU 7.2 (cached .debs, no download)
(
	cq() {	# NAME VERSION: a cached qemu-system-arm .deb of VERSION
		local d=$WORK/cq-$1 p=$WORK/cq-$1/pkg
		mkdir -p "$d/debs" "$p/DEBIAN"
		printf 'Package: qemu-system-arm\nVersion: %s\nArchitecture: arm64\nMaintainer: rig <rig@localhost>\nDescription: fake\n' \
			"$2" >"$p/DEBIAN/control"
		dpkg-deb --root-owner-group -b "$p" "$d/debs/qemu-system-arm_${2/:/%3a}_arm64.deb" >/dev/null
		echo qemu-system-arm:arm64 >"$d/debs/.complete"
		BUILD=$d/build COMPAT_DEBS=$d/debs "$TOP/scripts/compat-qemu.sh" 2>&1
	}
	out=$(cq new 1:8.2.2+ds-0ubuntu1)
	if grep -q 'error: qemu-system-arm:arm64 is 1:8.2.2+ds-0ubuntu1 (.*), not QEMU 7.2' <<<"$out"; then
		ok compat-qemu-version
	else
		bad compat-qemu-version "output lacks the version error:"$'\n'"$out"
	fi
	# bookworm's: past the version check (to the missing binary of the fake)
	out=$(cq bookworm 1:7.2+dfsg-7+deb12u18+b3)
	if grep -q 'usr/bin/qemu-system-aarch64 not found' <<<"$out" && ! grep -q 'not QEMU 7.2' <<<"$out"; then
		ok compat-qemu-version-72
	else
		bad compat-qemu-version-72 "$out"
	fi
)
