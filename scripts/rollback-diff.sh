#!/usr/bin/env bash
# Rollback safe by default: a VMM that changes nothing must see on the
# patched kernel exactly what unpatched 6.1 gives on the same host CPU.
# Boots the unpatched base (build/Image-base) and the patched kernel
# (build/Image) on each QEMU CPU model, runs tools/abi-probe in each
# (capabilities, KVM_GET_REG_LIST and every value, guest MRS/MRC reads,
# PSCI/SMCCC answers, exits of CTR_EL0, CCSIDR, CLIDR, MIDR, REVIDR and
# AIDR read loops, for several vCPU feature sets and after a QEMU-style
# write-back of every register) and compares the two outputs key by key.
# Lines "info.*" (kernel release, raw exit counts, times, the counter's
# value, the list in KVM's order) and "abi-new.*"
# (only reachable through the new ABI: capabilities 230 and 239, CCSIDR
# indices KVM_GET_REG_LIST does not name) are not compared; nothing else
# is filtered.
#
# Prints one result line per CPU model (check.sh's format):
#   pass  rollback-diff@CPU
#   FAIL  rollback-diff@CPU: N differences (first: KEY base ... patched ...)
# Work files in build/rollback/: CPU outputs (base-CPU.txt,
# patched-CPU.txt), console logs, diff-CPU.txt (diff -u of the compared
# lines), differences-CPU.txt (one line per differing key), summary.txt
# (exit counts of the read loops, base and patched).
#
# A probe is cached with the hash of its kernel Image, of what the guest
# runs from the initramfs (/init, busybox, abi-probe), the CPU, the QEMU
# options and TEST_TIMEOUT: the base is re-probed only when Image-base or
# the initramfs's init, busybox or abi-probe change, the patched kernel
# also when build/Image does.  FORCE=1 re-probes everything.  Two QEMU at
# a time.
#
# An output is usable only if KVM initialised, abi-probe finished with no
# failure, no value is "missing" or an error, and it has the minimum
# content: probe.format, capabilities, every variant of ABI_VARIANTS
# (when supported: a register list, register values and guest reads),
# kernel.splats.  There must be a result for every configured CPU model
# (ROLLBACK_NCPUS, by default the number of CPUS: 7).
# Environment: CPUS (the models), ROLLBACK_NCPUS, QEMU_TIMEOUT (s, per
#   boot, 300), TEST_TIMEOUT, ABI_VARIANTS (abi-probe's variants), NO_BOOT=1
#   (compare the outputs already in build/rollback/, no boot: the rig's
#   own tests).
. "$(dirname "$0")/lib.sh"

# Whatever stops the script still gives make check a result line.
reported=
die() {
	printf 'error: %s\n' "$*" >&2
	printf 'FAIL  rollback-diff: %s\n' "$*"
	reported=1
	exit 1
}
on_exit() {
	local rc=$?
	[ "$rc" = 0 ] || [ -n "$reported" ] ||
		printf 'FAIL  rollback-diff: stopped (exit %s) before comparing\n' "$rc"
}
trap on_exit EXIT
# The out-of-tree ABI, extension by extension: what a kernel without it
# answers, and what one with it answers.  Each is expected from the series
# only while patches/ holds the patch that adds it (a distribution may drop
# them one by one).
oot_no='abi-new.oot.cap.1000 sys=0;abi-new.oot.cap.1001 sys=0;abi-new.oot.enable-cap.1000 Invalid argument;abi-new.oot.vcpu-attr.1000.0 No such device or address;abi-new.oot.vcpu-attr.pvtime.1000 No such device or address;'
oot_want=$oot_no
oot_has() { grep -lq -- "$1" "$TOP"/patches/*.patch 2>/dev/null; }
if oot_has 'define KVM_CAP_ARM_OOT_FLEET_ID_REGS'; then
	oot_want=${oot_want/cap.1000 sys=0/cap.1000 sys=1}
	oot_want=${oot_want/enable-cap.1000 Invalid argument/enable-cap.1000 ok}
fi
if oot_has 'define KVM_CAP_ARM_OOT_REG_SCOPE'; then
	oot_want=${oot_want/cap.1001 sys=0/cap.1001 sys=1}
	oot_want=${oot_want/vcpu-attr.1000.0 No such device or address/vcpu-attr.1000.0 ok}
fi
if oot_has 'define   KVM_ARM_VCPU_PVTIME_OOT_REVISION'; then
	oot_want=${oot_want/vcpu-attr.pvtime.1000 No such device or address/vcpu-attr.pvtime.1000 ok}
fi

read -r -a cpus <<<"${CPUS-max neoverse-n1 cortex-a76 cortex-a72 a64fx cortex-a57 cortex-a53}"
ncpus=${ROLLBACK_NCPUS:-${#cpus[@]}}
[ "${#cpus[@]}" -gt 0 ] || die "no CPU model to probe (CPUS='${CPUS-}')"
# The variants tools/abi-probe/abi-probe.c probes (variants[]).
read -r -a variants <<<"${ABI_VARIANTS:-none psci-0.2 pmu-v3 sve ptrauth el1-32bit qemu qemu-restore}"
R=$BUILD/rollback
PROBE=$BUILD/tools/abi-probe
INITRD=${INITRD:-$BUILD/initramfs.cpio}
export QEMU_TIMEOUT=${QEMU_TIMEOUT:-300}
mkdir -p "$R"
t0=$(date +%s)

declare -A image=([base]=$BUILD/Image-base [patched]=$BUILD/Image) img_sum=()
if [ -z "${NO_BOOT:-}" ]; then
	[ -x "$PROBE" ] || die "no $PROBE (run scripts/tools.sh)"
	[ -f "$BUILD/Image" ] || die "no $BUILD/Image (run 'make kernel')"
	# The probe the guest runs must be the one built.
	cpio -i --quiet --to-stdout bin/abi-probe <"$INITRD" 2>/dev/null | cmp -s - "$PROBE" ||
		die "$INITRD has no current /bin/abi-probe (run scripts/initramfs.sh)"
	# The unpatched base, built as "make bench" does when it is missing
	# (it does not change; "make bench" keeps it up to date).
	if [ ! -f "$BUILD/Image-base" ]; then
		ensure_basewt
		"$TOP/scripts/kernel.sh" base >&2 ||
			die "building the unpatched base failed (log: $LOGS/kernel-base.log)"
	fi
	qemu_id=$(qemu-system-aarch64 --version | head -n1)
	probe_sum=$(sha256sum <"$PROBE" | cut -d' ' -f1)
	# What the guest runs besides the kernel: its /init and busybox.
	initrd_sum=$(for f in init bin/busybox; do
		cpio -i --quiet --to-stdout "$f" <"$INITRD" 2>/dev/null | sha256sum
	done | sha256sum | cut -d' ' -f1)
	for k in base patched; do
		img_sum[$k]=$(sha256sum <"${image[$k]}" | cut -d' ' -f1)
	done
fi

key() {	# KERNEL CPU
	echo "image=${img_sum[$1]} probe=$probe_sum initrd=$initrd_sum cpu=$2 qemu=$qemu_id" \
		"icount=${ICOUNT-default} smp=${SMP:-2} mem=${MEM:-2G} extra=${QEMU_EXTRA:-}" \
		"test-timeout=${TEST_TIMEOUT:-300}"
}

cached() {	# KERNEL CPU
	[ -z "${FORCE:-}" ] && [ -f "$R/$1-$2.txt" ] &&
		[ "$(cat "$R/$1-$2.key" 2>/dev/null)" = "$(key "$1" "$2")" ]
}

probe() {	# KERNEL CPU
	local log=$R/console-$1-$2.log out=$R/$1-$2.txt
	# Nothing of an earlier boot may pass for this one.
	rm -f "$R/$1-$2.key" "$log" "$out"
	CPU=$2 RIG_ARGS=/bin/abi-probe "$TOP/scripts/boot.sh" exec "$log" "${image[$1]}" "$INITRD"
	# The program's output; kernel lines (printk timestamps) are not its.
	tr -d '\r' <"$log" | awk '/^@@BEGIN exec/ { on = 1; next } /^@@END exec/ { on = 0 } on' |
		grep -av '^\[ *[0-9]*\.[0-9]*\] ' >"$out" || true
	# Only a complete, clean probe is kept for the next run.
	if grep -aq '^@@END exec rc=0' "$log" && grep -q '^probe\.end failures=0$' "$out"; then
		key "$1" "$2" >"$R/$1-$2.key"
	fi
}

jobs=()
for cpu in "${cpus[@]}"; do
	for k in patched base; do
		[ -n "${NO_BOOT:-}" ] || cached "$k" "$cpu" || jobs+=("$k:$cpu")
	done
done
info "rollback-diff: ${#jobs[@]} boot(s) to do, $((${#cpus[@]} * 2 - ${#jobs[@]})) cached"
running=0
for j in "${jobs[@]}"; do
	if [ "$running" -ge 2 ]; then
		wait -n || true
		running=$((running - 1))
	fi
	info "probing ${j%%:*} on ${j#*:}"
	probe "${j%%:*}" "${j#*:}" &
	running=$((running + 1))
done
wait || true

# The first line of an output that says the probe failed: an ioctl
# error (pr_err's "PREFIX.error WHAT ERRNO", a register KVM lists but
# does not read), the guest stopping, a value it never reported.
# Errors that are data (the unlisted CCSIDR indices, restore writes,
# under abi-new.* / restore.set.*) and the missing exits statistic are
# not failures.
failure_line() {	# FILE
	grep -avE '^(info|abi-new)\.|\.restore\.set\.|\.exits-stat ' "$1" |
		grep -am1 -E '(^|[ .])error |\.stopped |(^|[ =])missing( |$)'
}

# What an output lacks of its minimum content, or nothing.
lacks() {	# FILE
	awk -v variants="${variants[*]}" '
	BEGIN { n = split(variants, vs, " ") }
	/^probe\.format abi-probe\// { format = 1 }
	/^cap\.[0-9]+ / { caps++ }
	/^kernel\.splats / { splats = 1 }
	/^variant\./ {
		# names have dots ("psci-0.2"): the longest that matches
		v = ""
		for (i = 1; i <= n; i++)
			if (index($1, "variant." vs[i] ".") == 1 && length(vs[i]) > length(v))
				v = vs[i]
		if (v == "")
			next
		k = substr($1, length("variant." v ".") + 1)
		if (k == "supported") sup[v] = $2
		else if (k == "reglist.count") count[v] = $2
		else if (k ~ /^reg\.[0-9a-f]+$/) regs[v]++
		else if (k ~ /^guest\./) guest[v]++
	}
	function lack(what) { if (out == "") out = what; else out = out ", " what }
	END {
		if (!format) lack("probe.format")
		if (!caps) lack("cap.*")
		for (i = 1; i <= n; i++) {
			v = vs[i]
			if (!(v in sup)) { lack("variant." v); continue }
			if (sup[v] != "yes") continue
			ran++
			if (count[v] + 0 <= 0) lack("variant." v ".reglist.count > 0")
			if (!regs[v]) lack("variant." v ".reg.*")
			if (!guest[v]) lack("variant." v ".guest.*")
		}
		if (!ran) lack("a supported variant")
		if (!splats) lack("kernel.splats")
		print out
	}' "$1"
}

# Why a probe is unusable, or nothing.
broken() {	# KERNEL CPU
	local log=$R/console-$1-$2.log out=$R/$1-$2.txt l
	if ! grep -aq '^@@KVM ok' "$log" 2>/dev/null; then
		echo "KVM did not initialise on $1 (console log: $log)"
	elif ! grep -q '^probe\.end ' "$out"; then
		echo "abi-probe did not finish on $1 (console log: $log)"
	elif ! grep -q '^probe\.end failures=0$' "$out"; then
		echo "abi-probe failed on $1: $(failure_line "$out" || grep '^probe\.end' "$out")"
	elif l=$(failure_line "$out"); then
		echo "abi-probe failed on $1 but counted no failure: $l"
	else
		l=$(lacks "$out")
		[ -z "$l" ] || echo "abi-probe output of $1 lacks $l (console log: $log)"
	fi
}

: >"$R/summary.txt"
nfail=0
declare -A done_cpu=()
for cpu in "${cpus[@]}"; do
	done_cpu[$cpu]=1
	why=$(broken base "$cpu")
	[ -n "$why" ] || why=$(broken patched "$cpu")
	if [ -n "$why" ]; then
		printf 'FAIL  rollback-diff@%s: %s\n' "$cpu" "$why"
		nfail=$((nfail + 1))
		continue
	fi
	for k in base patched; do
		grep -v '^\(info\|abi-new\)\.' "$R/$k-$cpu.txt" >"$R/$k-$cpu.cmp"
	done
	diff -u "$R/base-$cpu.cmp" "$R/patched-$cpu.cmp" >"$R/diff-$cpu.txt" || true
	# Key by key: a value that changed is one difference, not two lines.
	# The same register ids in another order are named by what moved
	# (the ids outside the longest common subsequence of the two orders).
	awk '
	FNR == 1 { f++ }
	/^info\.variant\..*\.reglist\.kvm-order / {
		k = $1; sub(/^info\./, "", k); sub(/\.kvm-order$/, ".order", k)
		ord[f, k] = $0; sub(/^[^ ]* /, "", ord[f, k])
		next
	}
	/^(info|abi-new)\./ { next }
	{ k = $1; v = $0; sub(/^[^ ]* ?/, "", v) }
	/^variant\.[^ ]*\.reg\.[0-9a-f]+ / { id = k; sub(/.*\./, "", id); name[id] = $2 }
	f == 1 { base[k] = v; order[++n] = k; next }
	{ pat[k] = v; if (!(k in base)) order[++n] = k }
	function moved(k,    a, b, na, nb, i, j, L, out, inlcs) {
		na = split(ord[1, k], a, " ")
		nb = split(ord[2, k], b, " ")
		if (na != nb || na == 0)
			return ""
		for (i = na; i >= 0; i--)
			for (j = nb; j >= 0; j--)
				L[i, j] = (i == na || j == nb) ? 0 : \
					(a[i + 1] == b[j + 1] ? L[i + 1, j + 1] + 1 : \
					 (L[i + 1, j] > L[i, j + 1] ? L[i + 1, j] : L[i, j + 1]))
		for (i = j = 0; i < na && j < nb; )
			if (a[i + 1] == b[j + 1]) { inlcs[a[i + 1]] = 1; i++; j++ }
			else if (L[i + 1, j] >= L[i, j + 1]) i++
			else j++
		for (i = 1; i <= na; i++)
			if (!(a[i] in inlcs))
				out = out " " name[a[i]] " (" a[i] ")"
		return "same " na " ids in another order; moved:" out
	}
	END {
		for (i = 1; i <= n; i++) {
			k = order[i]
			if (!(k in pat))
				print k ": base " base[k] ", patched (absent)"
			else if (!(k in base))
				print k ": base (absent), patched " pat[k]
			else if (base[k] != pat[k]) {
				m = k ~ /\.reglist\.order$/ ? moved(k) : ""
				if (m != "")
					print k ": " m "; base " base[k] ", patched " pat[k]
				else
					print k ": base " base[k] ", patched " pat[k]
			}
		}
	}' "$R/base-$cpu.txt" "$R/patched-$cpu.txt" >"$R/differences-$cpu.txt"
	# The out-of-tree ABI (abi-new.oot.*): "not supported" on the base,
	# on the series what $oot_want says.  Outputs with no such line at
	# all (an older abi-probe) are not checked.
	oot_base=$(grep '^abi-new\.oot\.' "$R/base-$cpu.txt" | tr '\n' ';' || true)
	oot_ours=$(grep '^abi-new\.oot\.' "$R/patched-$cpu.txt" | tr '\n' ';' || true)
	if [ -n "$oot_base$oot_ours" ]; then
		[ "$oot_base" = "$oot_no" ] ||
			echo "out-of-tree ABI on the unpatched base: '$oot_base', expected '$oot_no'" >>"$R/differences-$cpu.txt"
		[ "$oot_ours" = "$oot_want" ] ||
			echo "out-of-tree ABI on the series: '$oot_ours', expected '$oot_want'" >>"$R/differences-$cpu.txt"
	fi
	n=$(grep -c . "$R/differences-$cpu.txt" || true)
	if [ "$n" = 0 ]; then
		printf 'pass  rollback-diff@%s\n' "$cpu"
	else
		nfail=$((nfail + 1))
		printf 'FAIL  rollback-diff@%s: %s differences (first: %s)\n' "$cpu" "$n" \
			"$(head -n1 "$R/differences-$cpu.txt" | cut -c1-160)"
		head -n 5 "$R/differences-$cpu.txt" | cut -c1-160 | sed 's/^/      | /'
		echo "      full diff: $R/diff-$cpu.txt"
	fi
	# Exits of the read loops, raw (noise: host interrupts), for people.
	LC_ALL=C join <(sed -n 's/^info\.variant\.\(.*\)\.exits /\1 /p' "$R/base-$cpu.txt" | LC_ALL=C sort) \
		<(sed -n 's/^info\.variant\.\(.*\)\.exits /\1 /p' "$R/patched-$cpu.txt" | LC_ALL=C sort) |
		awk -v cpu="$cpu" '{ printf "%-12s %-40s base %6d  patched %6d\n", cpu, $1, $2, $3 }' \
		>>"$R/summary.txt"
	# What only the new ABI reaches (not compared), for people.
	diff <(grep '^abi-new\.' "$R/base-$cpu.txt") <(grep '^abi-new\.' "$R/patched-$cpu.txt") |
		sed -n "s/^\([<>]\) /$cpu abi-new \1 /p" >>"$R/summary.txt" || true
done
# A result for every configured model: fewer (or the same one twice) is
# a hole in the matrix, not a pass.
if [ "${#done_cpu[@]}" != "$ncpus" ]; then
	printf 'FAIL  rollback-diff: results for %s CPU model(s) (%s), %s configured\n' \
		"${#done_cpu[@]}" "${!done_cpu[*]}" "$ncpus"
	nfail=$((nfail + 1))
fi
info "rollback-diff took $(($(date +%s) - t0)) s; exit counts in $R/summary.txt"
reported=1
[ "$nfail" = 0 ]
