#!/usr/bin/env bash
# make fleet-matrix: how many pairs of hosts can share a CPU model, with
# mainline's writable masks and with KVM_CAP_ARM_OOT_FLEET_ID_REGS
# ("fleet-id-regs", the series' out-of-tree capability, patch 0026).
# A benchmark, not a test: it is not part of "make check".
#
#   (a) host side: for every pair of the fixture profiles
#       (tests/cpumodel/fixtures/, probed on the patched kernel), run
#       "arm64-cpumodel baseline --no-fleet" (mainline's answer) and
#       "baseline" (with the capability); print a table with the fields
#       that block a pair;
#   (b) guest side: boot each CPU model once (the patched kernel under
#       QEMU, KVM inside, as scripts/fleet.sh does) and run
#       "arm64-cpumodel apply --vcpus 2 MODEL" for the model of every pair
#       that is poolable with the capability and includes that CPU: apply
#       writes the model and verifies it from userspace and from guest
#       code on both vCPUs.  Each boot is bounded by QEMU_TIMEOUT, each
#       apply by APPLY_TIMEOUT; every apply that fails is named with its
#       exit status, or as timed out, or as without a result.
#
# Exit status: 0 when every model was applied and verified on both of its
# hosts (2 x the models poolable with fleet-id-regs), 1 otherwise (after
# the summary), or the status of a step that failed to run.
#
# Work files and results: build/fleet-matrix/ (matrix.txt, results.tsv,
# summary.txt, models/, console logs).  Environment: CPUS (the fixtures,
# default all eight), JOBS_BOOT (boots at once, default 2), QEMU_TIMEOUT
# (s, per boot, default 300), TEST_TIMEOUT (s, for the applies of one
# boot, default 240), APPLY_TIMEOUT (s, per apply, default 30), NO_BOOT=1
# (host side only).
. "$(dirname "$0")/lib.sh"

t0=$(date +%s)
read -r -a cpus <<<"${CPUS:-max neoverse-n1 cortex-a76 cortex-a72 a64fx cortex-a57 cortex-a53 cortex-a35}"
FIX=${FIXTURES:-$TOP/tests/cpumodel/fixtures}
W=$BUILD/fleet-matrix
T=$BUILD/host/arm64-cpumodel
par=${JOBS_BOOT:-2}
rm -rf "$W"
mkdir -p "$W/models" "$W/logs"
"$TOP/scripts/cpumodel-build.sh" host
for c in "${cpus[@]}"; do
	[ -f "$FIX/$c.json" ] || die "no fixture $FIX/$c.json (make fixtures CPUS=$c)"
done

# blocking FILE: the registers/fields named by the errors of a failed
# baseline (its stderr), "REG.FIELD" once each.  Explanations ("REG.F =
# ...") and notes ("implementations: ...") start otherwise.
# (A baseline whose errors name no field gives "": the greps find nothing,
# which under pipefail must not end the script.)
blocking() {
	{ grep -E '^  ' "$1" || true; } | { grep -v ': left out' || true; } |
		sed -nE 's/^  ([a-z0-9][a-z0-9._-]*: )?([A-Z][A-Z0-9_]*(\[[0-9]+\])?(\.[A-Za-z0-9_,/]+|\/[A-Z0-9_]+)?):.*/\2/p' |
		awk '!seen[$0]++' | paste -sd' ' - || true
}

# --- (a) every pair, without and with the capability -------------------------
n=0 m_nofleet=0 m_fleet=0
: >"$W/results.tsv"
{
	printf '%-26s %-9s %-14s %s\n' pair mainline fleet-id-regs "blocking fields"
	for ((i = 0; i < ${#cpus[@]}; i++)); do
		for ((j = i + 1; j < ${#cpus[@]}; j++)); do
			a=${cpus[i]} b=${cpus[j]} p="${cpus[i]}+${cpus[j]}"
			n=$((n + 1))
			rc0=0 rc1=0
			"$T" baseline --no-fleet --name "$p" -o "$W/models/$p.nofleet.json" \
				"$FIX/$a.json" "$FIX/$b.json" 2>"$W/models/$p.nofleet.txt" || rc0=$?
			"$T" baseline --name "$p" -o "$W/models/$p.json" \
				"$FIX/$a.json" "$FIX/$b.json" 2>"$W/models/$p.txt" || rc1=$?
			if [ $rc0 -gt 1 ] || [ $rc1 -gt 1 ]; then
				die "$p: baseline failed to run (exit $rc0/$rc1, see $W/models/$p.txt)"
			fi
			b0='' b1=
			[ $rc0 = 0 ] && m_nofleet=$((m_nofleet + 1)) || b0=$(blocking "$W/models/$p.nofleet.txt")
			[ $rc1 = 0 ] && m_fleet=$((m_fleet + 1)) || b1=$(blocking "$W/models/$p.txt")
			req=
			[ $rc1 != 0 ] || ! jq -e '.capabilities // [] | index("fleet-id-regs")' \
				"$W/models/$p.json" >/dev/null || req=" (needs it)"
			why=
			[ -z "$b0" ] || why="mainline: $b0"
			[ -z "$b1" ] || why="$why${why:+ | }with fleet-id-regs: $b1"
			printf '%-26s %-9s %-14s %s\n' "$p" "$([ $rc0 = 0 ] && echo yes || echo no)" \
				"$([ $rc1 = 0 ] && echo "yes$req" || echo no)" "$why"
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$a" "$b" "$rc0" "$rc1" "$b0" "$b1" >>"$W/results.tsv"
		done
	done
	echo
	echo "poolable pairs: $m_nofleet/$n (mainline ABI), $m_fleet/$n (with fleet-id-regs)"
} | tee "$W/matrix.txt"
# (The counters above lived in the pipeline's subshell.)
n=$(wc -l <"$W/results.tsv")
m_nofleet=$(awk -F'\t' '$4 == 0' "$W/results.tsv" | wc -l)
m_fleet=$(awk -F'\t' '$5 == 0' "$W/results.tsv" | wc -l)

if [ -n "${NO_BOOT:-}" ]; then
	echo "NO_BOOT: guest side skipped ($(($(date +%s) - t0)) s)"
	exit 0
fi

# --- (b) apply every poolable model on both of its hosts, from the guest ----
if [ ! -f "$BUILD/Image" ] || [ ! -f "$BUILD/initramfs.cpio" ]; then
	die "no kernel/initramfs (run 'make initramfs')"
fi
echo
echo "== applying the $m_fleet models on both of their hosts (2 vCPUs, verified from guest code)"

# boot_apply CPU: one boot of CPU that applies each of its models.
boot_apply() {
	local cpu=$1 root=$W/cpio-$1 log=$W/logs/apply-$1.log models
	models=$(awk -F'\t' -v c="$cpu" '$5 == 0 && ($2 == c || $3 == c) { print $1 }' "$W/results.tsv")
	[ -n "$models" ] || return 0
	mkdir -p "$root/fleet/models"
	{
		echo '#!/bin/sh'
		# apply MODEL: "@@RC MODEL STATUS t=SECONDS"; 137 when
		# APPLY_TIMEOUT killed it (busybox timeout -s KILL).
		cat <<-EOF
		apply() {
			echo "@@MODEL \$1"
			t0=\$(cut -d' ' -f1 /proc/uptime)
			timeout -s KILL $at /bin/arm64-cpumodel apply --vcpus 2 "/fleet/models/\$1.json"
			rc=\$?
			t1=\$(cut -d' ' -f1 /proc/uptime)
			echo "@@RC \$1 \$rc t=\$(awk "BEGIN { printf \\"%.1f\\", \$t1 - \$t0 }")"
		}
		EOF
		for p in $models; do
			cp "$W/models/$p.json" "$root/fleet/models/"
			echo "apply '$p'"
		done
	} >"$root/fleet/run.sh"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) >"$W/models-$cpu.cpio"
	cat "$BUILD/initramfs.cpio" "$W/models-$cpu.cpio" >"$W/initramfs-$cpu.cpio"
	CPU=$cpu RIG_ARGS="/bin/sh,/fleet/run.sh" QEMU_TIMEOUT=${QEMU_TIMEOUT:-300} \
		TEST_TIMEOUT=${TEST_TIMEOUT:-240} \
		"$TOP/scripts/boot.sh" exec "$log.raw" "$BUILD/Image" "$W/initramfs-$cpu.cpio"
	tr -d '\r' <"$log.raw" >"$log" && rm -f "$log.raw" "$W/initramfs-$cpu.cpio"
}

at=${APPLY_TIMEOUT:-30}
tb=$(date +%s)
for cpu in "${cpus[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$par" ]; do wait -n || true; done
	boot_apply "$cpu" &
done
wait
tb=$(($(date +%s) - tb))

# apply_result CPU MODEL LOG: "ok", or why not (exit status, timeout, no
# result, not verified from guest code on both vCPUs).
apply_result() {
	local rc t line
	line=$(grep -a "^@@RC $2 " "$3" 2>/dev/null | tail -n 1 || true)
	if [ -z "$line" ]; then
		echo "no result"
		return
	fi
	rc=$(awk '{ print $3 }' <<<"$line")
	t=$(sed -n 's/.* t=\([0-9.]*\).*/\1/p' <<<"$line")
	if [ "$rc" = 137 ] && awk -v t="${t:-0}" -v a="$at" 'BEGIN { exit !(t >= a - 1) }'; then
		echo "timed out: killed after ${t}s, APPLY_TIMEOUT ${at}s"
	elif [ "$rc" != 0 ]; then
		echo "rc $rc"
	elif [ "$(awk -v p="$2" '/^@@MODEL / { on = ($2 == p) } on' "$3" |
	       grep -ac 'from guest code (MRS) on vCPU [01]: equal' || true)" != 2 ]; then
		echo "rc 0 but not verified from guest code on both vCPUs"
	else
		echo ok
	fi
}

: >"$W/apply.tsv"
for cpu in "${cpus[@]}"; do
	log=$W/logs/apply-$cpu.log
	models=$(awk -F'\t' -v c="$cpu" '$5 == 0 && ($2 == c || $3 == c) { print $1 }' "$W/results.tsv")
	ok=0 cnt=0 failed=
	for p in $models; do
		cnt=$((cnt + 1))
		res=$(apply_result "$cpu" "$p" "$log")
		if [ "$res" = ok ]; then
			ok=$((ok + 1))
			printf '%s\t%s\tok\n' "$p" "$cpu" >>"$W/apply.tsv"
		else
			failed="$failed${failed:+,} $p ($res)"
			printf '%s\t%s\tFAILED\t%s\n' "$p" "$cpu" "$res" >>"$W/apply.tsv"
		fi
	done
	note=
	if [ "$cnt" = 0 ]; then
		note=" (no poolable pair: not booted)"
	elif [ ! -f "$log" ]; then
		note=" (no console log $log: the boot did not run, see the messages above)"
	elif grep -aq '^@@HOST-TIMEOUT' "$log"; then
		note=" (QEMU_TIMEOUT hit, console: $log)"
	elif ! grep -aq '^@@BOOTED' "$log"; then
		note=" (the guest did not boot, console: $log)"
	elif ! grep -aq '^@@KVM ok' "$log"; then
		note=" (KVM did not initialise, console: $log)"
	elif [ -n "$failed" ]; then
		note=" (console: $log)"
	fi
	printf '   %-12s %2d of %2d models applied and verified%s%s\n' "$cpu" "$ok" "$cnt" \
		"${failed:+; FAILED:$failed}" "$note"
done | tee "$W/apply.txt"
k=$(awk -F'\t' '$3 == "ok"' "$W/apply.tsv" | wc -l)
total=$(wc -l <"$W/apply.tsv")

secs=$(($(date +%s) - t0))
{
	echo
	echo "poolable pairs: $m_nofleet/$n (mainline ABI), $m_fleet/$n (with fleet-id-regs)"
	echo "applied and verified from guest code: $k of $((2 * m_fleet)) (2 vCPUs each, every model on both of its hosts)"
	echo "time: ${secs} s (guest side ${tb} s, $(find "$W/logs" -name 'apply-*.log' | wc -l) boots, $par at a time); results in build/fleet-matrix/"
} | tee "$W/summary.txt"
[ "$total" = $((2 * m_fleet)) ] || warn "counted $total applies, expected $((2 * m_fleet))"
if [ "$k" != $((2 * m_fleet)) ]; then
	warn "applied and verified $k of $((2 * m_fleet)) (failures in $W/apply.txt)"
	exit 1
fi
