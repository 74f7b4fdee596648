#!/bin/sh
# Runs in the emulated host (the compat initramfs, rig.mode=exec) under
# the kernel being tested: QEMU with KVM runs the L2 guest (/compat/l2.elf)
# and migrates it through a file.  Everything the host needs comes back
# on the console between markers (scripts/compat-parse.py reads them):
#   @@REGS-BEGIN/@@REGS-END   KVM_GET_REG_LIST of a vCPU set up like
#                             QEMU's "-cpu host" (/compat/kvm-regs)
#   @@SERIAL-BEGIN T/-END T   the L2 guest's serial output of run T
#   @@QEMU-ERR T line         QEMU's standard error of run T
#   @@STRACE T line           failed ioctls of a re-run under strace
#   @@LOAD T line             kvm-regs load of the source's register list
#   @@STATE-BEGIN T/-END T    the saved state, gzip + base64
#   @@RUN T status            ok | qemu-exit RC | no-load | no-report ...
#   @@OBSERVE count ioctl result   ioctls of QEMU restoring a state (observe)
# Usage: l1.sh source TAG        run the guest, save its state as TAG
#        l1.sh dest [observe]    load every /compat/in/*.state.gz in turn;
#                                observe: once more (the patched kernel's
#                                state) under strace, every ioctl
set -u
# A write to the monitor of a QEMU that just exited must not kill us.
trap '' PIPE
W=/tmp/compat
mkdir -p $W
QEMU="qemu-system-aarch64 -accel kvm -M virt,gic-version=3 -cpu host -m 64 -nographic -nodefaults -monitor stdio -kernel /compat/l2.elf"
WAIT=${COMPAT_WAIT:-240}	# seconds for any one step
obs_tag=patched

# count PATTERN FILE: lines of FILE matching PATTERN
count() {
	c=$(grep -c "$1" "$2" 2>/dev/null)
	echo "${c:-0}"
}

# wait_for CMD...: poll until CMD succeeds or QEMU exits; 1 on timeout.
wait_for() {
	n=0
	while ! "$@"; do
		kill -0 "$qpid" 2>/dev/null || return 2
		n=$((n + 1))
		[ $n -le $((WAIT * 5)) ] || return 1
		usleep 200000
	done
	return 0
}
reports_ge() { [ "$(count '^END ' "$d/serial.log")" -ge "$1" ]; }
mon_has() { grep -q "$1" "$d/mon.out"; }
mon() { echo "$*" >&3 2>/dev/null; }

# start TAG [QEMU ARGS...]: QEMU in the background, monitor on fd 3;
# under $PREFIX (strace) if set.
start() {
	d=$W/$1
	shift
	rm -rf "$d"
	mkdir -p "$d"
	mkfifo "$d/mon"
	# shellcheck disable=SC2086
	${PREFIX:-} $QEMU -serial "file:$d/serial.log" "$@" <"$d/mon" >"$d/mon.out" 2>"$d/err" &
	qpid=$!
	exec 3>"$d/mon"
}

# finish TAG STATUS: quit QEMU, print what the host needs.
finish() {
	if kill -0 "$qpid" 2>/dev/null; then
		mon quit
		n=0
		while kill -0 "$qpid" 2>/dev/null && [ $n -lt 50 ]; do
			usleep 200000
			n=$((n + 1))
		done
		kill -9 "$qpid" 2>/dev/null
	fi
	wait "$qpid" 2>/dev/null
	rc=$?
	exec 3>&-
	echo "@@SERIAL-BEGIN $1"
	cat "$d/serial.log" 2>/dev/null
	echo
	echo "@@SERIAL-END $1"
	sed "s/^/@@QEMU-ERR $1 /" "$d/err"
	echo "@@RUN $1 $2 rc=$rc"
}

regs() {
	echo "@@REGS-BEGIN"
	/compat/kvm-regs
	echo "@@REGS-END"
}

# load TAG FILE: QEMU loads FILE (-incoming), then runs the guest until
# it printed 3 reports; st = ok | no-load | load-timeout | no-report.
load() {
	start "$1" -S -incoming "exec:gzip -dc $2"
	st=ok
	# "inmigrate" until the state is loaded; QEMU exits if it fails.
	while :; do
		mon "info status"
		usleep 500000
		kill -0 "$qpid" 2>/dev/null || { st=no-load; break; }
		l=$(grep 'VM status' "$d/mon.out" | tail -n 1)
		case "$l" in *inmigrate*|'') ;; *) break ;; esac
		[ "$(count 'VM status' "$d/mon.out")" -lt $((WAIT * 2)) ] || { st=load-timeout; break; }
	done
	if [ "$st" = ok ]; then
		mon cont
		wait_for reports_ge 3 || st=no-report
	fi
	finish "$1" "$st"
}

case "${1:-}" in
source)
	tag=$2
	regs
	start "$tag"
	st=ok
	if ! wait_for reports_ge 3; then
		st=no-report
	else
		mon stop
		mon "migrate \"exec:gzip -c > $W/$tag.state.gz\""
		# HMP's migrate returns when the migration ended.
		mon "info migrate"
		wait_for mon_has 'Migration status' || st=no-migrate
		[ "$st" != ok ] || mon_has 'Migration status: completed' || st=migrate-failed
	fi
	finish "$tag" "$st"
	sed "s/^/@@MON $tag /" "$d/mon.out" | grep -v '^@@MON [^ ]* *$' | tail -n 20
	if [ "$st" = ok ]; then
		echo "@@STATE-BEGIN $tag"
		base64 "$W/$tag.state.gz"
		echo "@@STATE-END $tag"
	fi
	;;
dest)
	regs
	obs=${2:-}
	for f in /compat/in/*.state.gz; do
		[ -f "$f" ] || continue
		tag=$(basename "$f" .state.gz)
		load "$tag" "$f"
		if [ "$st" = no-load ] && [ -f "/compat/in/$tag.regs" ]; then
			# The source kernel's registers written into a fresh vCPU
			# here, in QEMU's order: what KVM refuses.
			/compat/kvm-regs load "/compat/in/$tag.regs" | sed "s/^/@@LOAD $tag /"
		fi
		if [ "$st" = no-load ] && [ -x /bin/strace ]; then
			# The same load under strace: the KVM_SET_ONE_REG KVM refused
			# (strace does not decode the register; kvm-regs load does).
			# shellcheck disable=SC2086
			timeout -s KILL 120 strace -f -Z -e trace=ioctl -e signal=none \
				-o "$W/$tag.strace" $QEMU -serial null \
				-S -incoming "exec:gzip -dc $f" </dev/null >/dev/null 2>&1
			grep 'KVM_SET_ONE_REG' "$W/$tag.strace" | sed 's/^[0-9]* *//; s/0x[0-9a-f]*/ADDR/' |
				sort | uniq -c | sed "s/^ */@@STRACE $tag /"
		fi
	done
	if [ "$obs" = observe ] && [ -f "/compat/in/$obs_tag.state.gz" ]; then
		# How QEMU restores a vCPU: every ioctl of a load that works,
		# runs of the same ioctl collapsed, until the guest runs.
		PREFIX="strace -f -e trace=ioctl -e signal=none -o $W/observe.strace" \
			load "observe-$obs_tag" "/compat/in/$obs_tag.state.gz"
		# (strace names KVM_GET_ONE_REG KVM_ARM_SET_DEVICE_ADDR: same number)
		sed -n 's/^[0-9]* *ioctl([0-9]*, \([A-Z0-9_]*\).*= \(-1 [A-Z0-9]*\|[0-9]*\).*/\1 \2/p' \
			"$W/observe.strace" | sed 's/ [0-9][0-9]*$/ ok/; /^KVM_RUN/q' |
			awk '$0 != prev { if (n) print n, prev; prev = $0; n = 0 } { n++ }
			     END { if (n) print n, prev }' | sed 's/^/@@OBSERVE /'
	fi
	;;
*)
	echo "usage: l1.sh source TAG | dest" >&2
	exit 2
	;;
esac
