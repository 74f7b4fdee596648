#!/usr/bin/env bash
# Build the rig's own static aarch64 programs (tools/*) into build/tools/
# against the patched tree's uapi headers.  Register field tables are
# generated from the tree's arch/arm64/tools/sysreg.
. "$(dirname "$0")/lib.sh"

[ -f "$KBUILD/.config" ] || die "kernel not configured (run 'make kernel')"
mkdir -p "$BUILD/tools" "$BUILD/gen" "$LOGS"
log=$LOGS/tools.log
kmake headers_install >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "headers_install failed"; }

awk -f "$TOP/tools/gen-sysreg-fields.awk" "$TREE/arch/arm64/tools/sysreg" |
	write_if_changed "$BUILD/gen/sysreg-fields.h"

CFLAGS="-O2 -g -Wall -Wextra -Werror -static -isystem $KBUILD/usr/include -I$BUILD/gen -I$TOP/tools/include"
for dir in "$TOP"/tools/*/; do
	name=$(basename "$dir")
	# abi-show decodes through libarm64cpumodel: built after it, below.
	case $name in cpumodel | include | abi-show) continue ;; esac
	out=$BUILD/tools/$name
	srcs=$(ls "$dir"*.c)
	# shellcheck disable=SC2086
	if [ -f "$out" ] && [ -z "$(find $srcs "$BUILD/gen/sysreg-fields.h" "$TOP/tools/include" "$KBUILD/usr/include" -newer "$out" -print -quit)" ]; then
		continue
	fi
	# shellcheck disable=SC2086
	"${CROSS}gcc" $CFLAGS -o "$out" $srcs >>"$log" 2>&1 ||
		{ cat "$log" >&2; die "building tools/$name failed"; }
done
"$TOP/scripts/cpumodel-build.sh" guest >>"$log" 2>&1 ||
	{ tail -n 30 "$log" >&2; die "building tools/cpumodel failed (log: $log)"; }
# abi-show: register and field names from the library's public interface.
lib=$BUILD/tools/.cpumodel-obj/libarm64cpumodel.a
out=$BUILD/tools/abi-show
# shellcheck disable=SC2086
if [ ! -f "$out" ] || [ -n "$(find "$TOP/tools/abi-show" "$lib" "$TOP/tools/include" -newer "$out" -print -quit)" ]; then
	# shellcheck disable=SC2086
	"${CROSS}gcc" $CFLAGS -I"$TOP/tools/cpumodel" -o "$out" "$TOP/tools/abi-show/abi-show.c" "$lib" -ljson-c >>"$log" 2>&1 ||
		{ cat "$log" >&2; die "building tools/abi-show failed"; }
fi
echo "tools: $(ls "$BUILD/tools" | tr '\n' ' ')"
