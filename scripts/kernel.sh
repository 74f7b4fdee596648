#!/usr/bin/env bash
# make kernel: configure (allnoconfig + configs/ fragments) and build the
# arm64 Image out of tree in $KBUILD, then copy it to $IMAGE (build/Image).
#
# Usage: kernel.sh [debug]
#   debug: add configs/debug.config, build in build/kbuild-debug and
#          write build/Image-debug.
#   base:  the unpatched 6.1 tree ($BASEWT), build/Image-base (make bench).
#   mainline: the benchmark's peer, build/mainline (scripts/mainline.sh
#          unpacks it), same fragments, build/kbuild-mainline and
#          build/Image-mainline.
#
# A no-op when no source file, fragment or the config changed since the
# last successful build (one find over the tree, well under a second).
. "$(dirname "$0")/lib.sh"

FLAVOUR=${1:-normal}
FRAGS="$TOP/configs/kvm.config"
IMAGE=${IMAGE:-$BUILD/Image}
if [ "$FLAVOUR" = debug ]; then
	KBUILD=$BUILD/kbuild-debug
	FRAGS="$FRAGS $TOP/configs/debug.config"
	IMAGE=$BUILD/Image-debug
elif [ "$FLAVOUR" = base ]; then
	# The pristine 6.1 base (worktree made by w1.sh or bench.sh): the
	# benchmark's third column, what the series adds over 6.1 itself.
	TREE=$BASEWT
	KBUILD=$BUILD/kbuild-base
	IMAGE=$BUILD/Image-base
elif [ "$FLAVOUR" = mainline ]; then
	TREE=$BUILD/mainline
	KBUILD=$BUILD/kbuild-mainline
	IMAGE=$BUILD/Image-mainline
	[ -f "$TREE/Makefile" ] || die "no mainline tree at $TREE (run scripts/mainline.sh)"
fi
[ -f "$TREE/Makefile" ] || die "no kernel tree at $TREE (run 'make tree')"
mkdir -p "$KBUILD" "$LOGS"
STAMP=$KBUILD/.rig-built
log=$LOGS/kernel-$FLAVOUR.log

# Fragment, rewritten only when its content changes.
cat $FRAGS | write_if_changed "$KBUILD/rig-fragment.config"

if [ -f "$STAMP" ] && [ -f "$IMAGE" ] && [ "$KBUILD/rig-fragment.config" -ot "$STAMP" ] &&
	[ -z "$(find "$TREE" -path "$TREE/.git" -prune -o -newer "$STAMP" -type f -print -quit)" ]; then
	echo "kernel: $IMAGE is up to date"
	exit 0
fi

if [ ! -f "$KBUILD/.config" ] || [ "$KBUILD/.config" -ot "$KBUILD/rig-fragment.config" ]; then
	info "configuring ($FLAVOUR): allnoconfig + $(for f in $FRAGS; do basename "$f"; done | tr '\n' ' ')"
	kmake KCONFIG_ALLCONFIG="$KBUILD/rig-fragment.config" allnoconfig >"$log" 2>&1 ||
		{ tail -n 30 "$log" >&2; die "kernel configuration failed (log: $log)"; }
	# Every fragment line must have survived Kconfig's dependency solving.
	bad=
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) grep -qxF "$line" "$KBUILD/.config" || bad="$bad
  $line (got: $(grep -E "^(# )?${line%%=*}[= ]" "$KBUILD/.config" || echo absent))" ;;
		esac
	done <"$KBUILD/rig-fragment.config"
	[ -z "$bad" ] || die "config options did not take effect:$bad"
	touch "$KBUILD/.config"
fi

info "building Image ($FLAVOUR, -j$JOBS)"
start=$(date +%s)
if ! kmake Image >"$log" 2>&1; then
	echo "--- last compiler errors ($log) ---" >&2
	grep -E 'error:|Error [0-9]' "$log" | tail -n 15 >&2 || tail -n 30 "$log" >&2
	die "kernel build failed ($FLAVOUR)"
fi
grep -E 'warning:' "$log" >&2 || true
if ! cmp -s "$KBUILD/arch/arm64/boot/Image" "$IMAGE"; then
	cp "$KBUILD/arch/arm64/boot/Image" "$IMAGE"
fi
touch "$STAMP"
echo "kernel: built $IMAGE ($(kversion "$TREE"), $(($(date +%s) - start)) s)"
