#!/usr/bin/env bash
# Boot a kernel under qemu-system-aarch64 with EL2 (virtualization=on),
# GICv3 and the "max" CPU, so that KVM runs inside the guest.  The whole
# run is bounded by a host-side timeout; the serial console goes to a log
# file.  Usage: boot.sh MODE LOG [IMAGE] [INITRD]
#   MODE: check | run | shell (see guest/init)
# Environment: QEMU_TIMEOUT (s), TEST_TIMEOUT (s, per test in the guest),
#   CPU, SMP, MEM, RIG_ARGS (comma-separated arguments for "run"),
#   RIG_LIST (run /tests/list.$RIG_LIST instead of /tests/list),
#   ICOUNT (QEMU -icount option; empty for plain multi-threaded TCG),
#   QEMU_EXTRA (more QEMU options).
#
# The guest runs with -icount by default: its clocks then advance with
# the instructions executed, so timing assertions in the selftests (e.g.
# arch_timer's 100us interrupt margin) no longer depend on how slowly
# the host emulates KVM, and the run is deterministic.  It is also
# faster here than multi-threaded TCG.
. "$(dirname "$0")/lib.sh"

MODE=${1:?mode}
LOG=${2:?log}
IMAGE=${3:-$BUILD/Image}
INITRD=${4:-$BUILD/initramfs.cpio}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-900}
TEST_TIMEOUT=${TEST_TIMEOUT:-300}
[ -f "$IMAGE" ] || die "no kernel image $IMAGE (run 'make kernel')"
[ -f "$INITRD" ] || die "no initramfs $INITRD"
command -v qemu-system-aarch64 >/dev/null || die "qemu-system-aarch64 missing (run 'make deps')"
mkdir -p "$(dirname "$LOG")"

append="console=ttyAMA0 panic=-1 rig.mode=$MODE rig.timeout=$TEST_TIMEOUT"
[ -z "${RIG_ARGS:-}" ] || append="$append rig.args=$RIG_ARGS"
[ -z "${RIG_LIST:-}" ] || append="$append rig.list=$RIG_LIST"
opts=(-nographic)
ICOUNT=${ICOUNT-shift=auto,sleep=off}
[ -z "$ICOUNT" ] || opts+=(-icount "$ICOUNT")
if [ "$MODE" = shell ]; then
	# Interactive: the console is the terminal; leave with Ctrl-A X.
	# shellcheck disable=SC2086
	exec qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 \
		-cpu "${CPU:-max}" -smp "${SMP:-2}" -m "${MEM:-2G}" -nic none \
		"${opts[@]}" -no-reboot ${QEMU_EXTRA:-} -kernel "$IMAGE" \
		-initrd "$INITRD" -append "$append"
fi

set +e
timeout -k 10 "$QEMU_TIMEOUT" qemu-system-aarch64 \
	-M virt,virtualization=on,gic-version=3 -cpu "${CPU:-max}" \
	-smp "${SMP:-2}" -m "${MEM:-2G}" -nic none "${opts[@]}" -no-reboot \
	${QEMU_EXTRA:-} -kernel "$IMAGE" -initrd "$INITRD" -append "$append" \
	</dev/null >"$LOG" 2>&1
rc=$?
set -e
case $rc in
0) ;;
124 | 137) echo "@@HOST-TIMEOUT qemu killed after ${QEMU_TIMEOUT}s" >>"$LOG" ;;
*) echo "@@HOST-QEMU-EXIT $rc" >>"$LOG" ;;
esac
exit 0
