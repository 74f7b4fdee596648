#!/usr/bin/env bash
# make compat: a real VMM in the loop.  Debian's QEMU 7.2 runs inside the
# emulated host (each kernel under qemu-system-aarch64 with
# virtualization=on) and migrates a running L2 guest (guest/l2/) through
# a file, from every kernel to every kernel: unpatched 6.1 (build/Image-base),
# patched (build/Image) and mainline 6.12 (build/Image-mainline), on
# several outer CPU models.
#
# Pass 1 boots every kernel once per CPU as the source (QEMU saves the
# state of the running guest; it comes back base64 on the console);
# pass 2 boots every kernel once per CPU as the destination of all the
# saved states (QEMU -incoming, one after the other, in the same boot).
# Two boots at a time.  A cell is "ok" only if QEMU loaded the state, the
# guest went on counting from where it was (no restart) and every value
# it reads by MRS/HVC after the migration equals what it read on the
# source; otherwise QEMU's own error, the registers the guest saw change,
# and a diagnosis (register lists, the KVM_SET_ONE_REG that KVM refused).
#
# Output: the matrix per CPU on stdout, build/compat/matrix.csv,
# build/compat/matrix.png (gnuplot), console logs in build/compat/CPU/,
# and build/compat/CPU/observe-K.txt: the ioctls of QEMU restoring the
# patched kernel's state on kernel K (strace; runs of one ioctl collapsed).
# Exit status non-zero when a required cell fails: patched->patched,
# base->patched (upgrade), patched->base (rollback), patched->mainline.
#
# Usage: compat.sh            the matrix (COMPAT_CPUS, default
#                             "max neoverse-n1 cortex-a72")
#        compat.sh --check    make check's step: patched->patched,
#                             base->patched, patched->base on one CPU
#                             (COMPAT_CHECK_CPU), result lines
#                             "pass  compat/NAME" / "FAIL  compat/NAME: why"
. "$(dirname "$0")/lib.sh"

MODE=matrix
[ "${1:-}" != --check ] || MODE=check
C=$BUILD/compat
mkdir -p "$C" "$LOGS"
KERNELS="base patched mainline"
if [ $MODE = check ]; then
	read -r -a cpus <<<"${COMPAT_CHECK_CPU:-neoverse-n1}"
	# source kernel -> destination kernels
	declare -A dests=([base]="patched" [patched]="patched base")
	KERNELS="base patched"
else
	read -r -a cpus <<<"${COMPAT_CPUS:-max neoverse-n1 cortex-a72}"
	declare -A dests=([base]="$KERNELS" [patched]="$KERNELS" [mainline]="$KERNELS")
fi
image() {
	case $1 in
	patched) echo "$BUILD/Image" ;;
	base) echo "$BUILD/Image-base" ;;
	mainline) echo "$BUILD/Image-mainline" ;;
	esac
}

# make check's step: a failure before the verdicts is a result line too.
verdicts=
if [ $MODE = check ]; then
	die() {
		printf 'FAIL  compat/setup: %s (log: %s)\n' "$*" "$LOGS/compat-step.log"
		verdicts=1
		exit 1
	}
	trap 'rc=$?; [ $rc = 0 ] || [ -n "$verdicts" ] ||
		printf "FAIL  compat/setup: exit status %s (log: %s)\n" $rc "$LOGS/compat-step.log"' EXIT
fi

# The kernels (make compat: no-ops when up to date, as make bench;
# make check: the base only when missing), the VMM, the initramfs.
t0=$(date +%s)
[ -f "$BUILD/Image" ] || die "no $BUILD/Image (run 'make kernel')"
if [ $MODE = matrix ] || [ ! -f "$BUILD/Image-base" ]; then
	ensure_basewt
	"$TOP/scripts/kernel.sh" base >&2 || die "building the unpatched 6.1 kernel failed"
fi
[ $MODE = check ] || "$TOP/scripts/mainline.sh" >&2 || die "building mainline 6.12 failed"
"$TOP/scripts/compat-initramfs.sh" >&2 || die "building the compat initramfs (QEMU, L2 guest) failed"
INITRD=$BUILD/initramfs-compat.cpio
info "kernels and initramfs ready ($(($(date +%s) - t0)) s)"

# boot CPU KERNEL LOG ARGS [INITRD]: one emulated host, bounded.
boot() {
	CPU=$1 RIG_ARGS=$4 QEMU_TIMEOUT=${QEMU_TIMEOUT:-600} TEST_TIMEOUT=${TEST_TIMEOUT:-500} \
		"$TOP/scripts/boot.sh" exec "$3" "$(image "$2")" "${5:-$INITRD}"
}

# Pass 1: sources.  The state of source kernel K on CPU goes to
# build/compat/CPU/K.state.gz.
source_boot() {	# CPU KERNEL
	local d=$C/$1 log=$C/$1/source-$2.log
	rm -f "$d/$2.state.gz"
	boot "$1" "$2" "$log" "/compat/l1.sh,source,$2"
	tr -d '\r' <"$log" | awk -v t="$2" '$0 == "@@STATE-END " t { on = 0 }
		on { print } $0 == "@@STATE-BEGIN " t { on = 1 }' | base64 -d >"$d/$2.state.gz.tmp" 2>/dev/null &&
		[ -s "$d/$2.state.gz.tmp" ] && mv "$d/$2.state.gz.tmp" "$d/$2.state.gz"
	rm -f "$d/$2.state.gz.tmp"
	# The source kernel's register list, for kvm-regs load on the
	# destination (diagnosis of a refused state)
	tr -d '\r' <"$log" | sed -n '/^@@REGS-BEGIN/,/^@@REGS-END/p' | grep '^0x' >"$d/$2.regs" || true
}

# Pass 2: destinations.  The compat initramfs plus a second cpio archive
# with the states (the kernel unpacks both).
dest_boot() {	# CPU KERNEL
	local d=$C/$1 log=$C/$1/dest-$2.log s n=0 stage initrd
	stage=$d/in-$2
	rm -rf "$stage"
	mkdir -p "$stage/compat/in"
	for s in $KERNELS; do
		case " ${dests[$s]} " in *" $2 "*) ;; *) continue ;; esac
		[ -f "$d/$s.state.gz" ] || continue
		cp "$d/$s.state.gz" "$stage/compat/in/"
		cp "$d/$s.regs" "$stage/compat/in/" 2>/dev/null || true
		n=$((n + 1))
	done
	if [ $n = 0 ]; then
		echo "@@NO-STATES" >"$log"
		return 0
	fi
	initrd=$d/initramfs-compat-dest-$2.cpio
	{
		cat "$INITRD"
		(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
			cpio --null -o -H newc --owner=0:0 --reproducible --quiet)
	} >"$initrd"
	# The whole matrix also records how QEMU restores a vCPU (strace).
	boot "$1" "$2" "$log" "/compat/l1.sh,dest$([ $MODE = check ] || echo ,observe)" "$initrd"
	rm -rf "$stage" "$initrd"
	tr -d '\r' <"$log" | sed -n 's/^@@OBSERVE //p' >"$d/observe-$2.txt"
	[ -s "$d/observe-$2.txt" ] || rm -f "$d/observe-$2.txt"
}

# Two boots at a time.
jobs_run() {	# FUNCTION "CPU KERNEL"...
	local f=$1 j
	shift
	for j in "$@"; do
		while [ "$(jobs -rp | wc -l)" -ge "${COMPAT_JOBS:-2}" ]; do wait -n || true; done
		# shellcheck disable=SC2086
		$f $j &
	done
	wait
}

srcs=() dsts=()
for cpu in "${cpus[@]}"; do
	mkdir -p "$C/$cpu"
	rm -f "$C/$cpu"/*.log "$C/$cpu"/*.state.gz "$C/$cpu"/*.regs
	for k in $KERNELS; do
		srcs+=("$cpu $k")
		for s in $KERNELS; do
			case " ${dests[$s]} " in *" $k "*) dsts+=("$cpu $k"); break ;; esac
		done
	done
done
t1=$(date +%s)
info "pass 1: ${#srcs[@]} source boots (${cpus[*]})"
jobs_run source_boot "${srcs[@]}"
info "pass 2: ${#dsts[@]} destination boots"
jobs_run dest_boot "${dsts[@]}"
info "boots took $(($(date +%s) - t1)) s"

pairs=
for s in $KERNELS; do
	for k in ${dests[$s]}; do pairs="$pairs $s:$k"; done
done
args=(--dir "$C" --cpus "${cpus[*]}" --pairs "${pairs# }")
[ $MODE = check ] && args+=(--check) || args+=(--csv "$C/matrix.csv" --gnuplot "$C/matrix.gp")
rc=0
verdicts=1
python3 "$TOP/scripts/compat-report.py" "${args[@]}" || rc=$?
if [ $MODE = matrix ] && [ -f "$C/matrix.gp" ]; then
	if command -v gnuplot >/dev/null; then
		(cd "$C" && gnuplot matrix.gp) && echo "heat map: $C/matrix.png"
	else
		warn "gnuplot missing: no matrix.png (run 'scripts/deps.sh compat')"
	fi
fi
info "make compat took $(($(date +%s) - t0)) s"
exit $rc
