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
#       code on both vCPUs.  Each boot is bounded by QEMU_TIMEOUT.
#
# Work files and results: build/fleet-matrix/ (matrix.txt, results.tsv,
# summary.txt, models/, console logs).  Environment: CPUS (the fixtures,
# default all eight), JOBS_BOOT (boots at once, default 2), QEMU_TIMEOUT
# (s, per boot, default 300), TEST_TIMEOUT (s, for the applies of one
# boot, default 240), NO_BOOT=1 (host side only).
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
blocking() {
	grep -E '^  ' "$1" | grep -v ': left out' |
		sed -nE 's/^  ([a-z0-9][a-z0-9._-]*: )?([A-Z][A-Z0-9_]*(\[[0-9]+\])?(\.[A-Za-z0-9_,/]+|\/[A-Z0-9_]+)?):.*/\2/p' |
		awk '!seen[$0]++' | paste -sd' ' -
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
		for p in $models; do
			cp "$W/models/$p.json" "$root/fleet/models/"
			echo "echo '@@MODEL $p'"
			echo "/bin/arm64-cpumodel apply --vcpus 2 /fleet/models/$p.json"
			echo "echo \"@@RC $p \$?\""
		done
	} >"$root/fleet/run.sh"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) >"$W/models-$cpu.cpio"
	cat "$BUILD/initramfs.cpio" "$W/models-$cpu.cpio" >"$W/initramfs-$cpu.cpio"
	CPU=$cpu RIG_ARGS="/bin/sh,/fleet/run.sh" QEMU_TIMEOUT=${QEMU_TIMEOUT:-300} \
		TEST_TIMEOUT=${TEST_TIMEOUT:-240} \
		"$TOP/scripts/boot.sh" exec "$log.raw" "$BUILD/Image" "$W/initramfs-$cpu.cpio"
	tr -d '\r' <"$log.raw" >"$log" && rm -f "$log.raw" "$W/initramfs-$cpu.cpio"
}

tb=$(date +%s)
for cpu in "${cpus[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$par" ]; do wait -n || true; done
	boot_apply "$cpu" &
done
wait
tb=$(($(date +%s) - tb))

k=0 total=0
: >"$W/apply.tsv"
for cpu in "${cpus[@]}"; do
	log=$W/logs/apply-$cpu.log
	models=$(awk -F'\t' -v c="$cpu" '$5 == 0 && ($2 == c || $3 == c) { print $1 }' "$W/results.tsv")
	ok=0 cnt=0 failed=
	for p in $models; do
		cnt=$((cnt + 1))
		if [ -f "$log" ] && grep -aq "^@@RC $p 0" "$log" &&
			[ "$(awk -v p="$p" '/^@@MODEL / { on = ($2 == p) } on' "$log" |
			     grep -ac 'from guest code (MRS) on vCPU [01]: equal')" = 2 ]; then
			ok=$((ok + 1))
			printf '%s\t%s\tok\n' "$p" "$cpu" >>"$W/apply.tsv"
		else
			failed="$failed $p"
			printf '%s\t%s\tFAILED\n' "$p" "$cpu" >>"$W/apply.tsv"
		fi
	done
	k=$((k + ok)) total=$((total + cnt))
	note=
	[ -f "$log" ] || note=" (no poolable pair: not booted)"
	grep -aq '^@@KVM ok' "$log" 2>/dev/null || [ "$cnt" = 0 ] || note=" (KVM did not initialise, console: $log)"
	grep -aq '^@@HOST-TIMEOUT' "$log" 2>/dev/null && note=" (QEMU_TIMEOUT hit, console: $log)"
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
