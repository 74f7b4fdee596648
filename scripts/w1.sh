#!/usr/bin/env bash
# "make W=1" on arch/arm64/kvm/ must add no warning over the unpatched
# base.  Both trees are compiled with the same .config in their own
# output directories (build/kbuild-w1, build/kbuild-w1-base) through
# ccache, which replays a cached object's warnings: the objects of
# arch/arm64/kvm/ are removed before each run so every warning is seen,
# yet only changed files are really compiled again.  The base list is
# cached in build/w1-base.txt.  Prints one result line.
. "$(dirname "$0")/lib.sh"

KW=$BUILD/kbuild-w1
KWB=$BUILD/kbuild-w1-base
mkdir -p "$LOGS"
[ -f "$KBUILD/.config" ] || die "kernel not configured (run 'make kernel')"

# w1_warnings SRCTREE OBJTREE LOG -> normalised warnings on stdout
w1_warnings() {
	local src=$1 obj=$2 log=$3
	mkdir -p "$obj"
	cmp -s "$KBUILD/.config" "$obj/.config" || cp "$KBUILD/.config" "$obj/.config"
	SRC=$src OBJ=$obj kmake olddefconfig >"$log" 2>&1
	find "$obj/arch/arm64/kvm" -name '*.o' -delete 2>/dev/null || true
	if ! SRC=$src OBJ=$obj kmake W=1 arch/arm64/kvm/ >>"$log" 2>&1; then
		grep -E 'error:' "$log" | tail -n 10 >&2
		return 1
	fi
	grep -E '(warning|error): ' "$log" |
		sed -E -e "s#^$src/##" -e "s#^(\.\./)+$(basename "$src")/##" \
			-e 's#:[0-9]+(:[0-9]+)?: (warning|error): #: \2: #' | LC_ALL=C sort
}

key=$( (tgit rev-parse "$BASE_TAG"; cat "$KBUILD/.config") | sha256sum | cut -c1-16)
base_list=$BUILD/w1-base.txt
if [ "$(head -n 1 "$base_list" 2>/dev/null)" != "# $key" ]; then
	ensure_basewt
	info "W=1 build of arch/arm64/kvm/ on the unpatched base"
	warn_base=$(w1_warnings "$BASEWT" "$KWB" "$LOGS/w1-base.log") ||
		{ echo "FAIL  w1-kvm: the unpatched base does not build arch/arm64/kvm/ (log: $LOGS/w1-base.log)"; exit 1; }
	{ echo "# $key"; printf '%s\n' "$warn_base" | sed '/^$/d'; } >"$base_list"
fi

info "W=1 build of arch/arm64/kvm/ with the series"
warn_new=$(w1_warnings "$TREE" "$KW" "$LOGS/w1.log") ||
	{ echo "FAIL  w1-kvm: arch/arm64/kvm/ does not build with W=1 (log: $LOGS/w1.log)"; exit 1; }
added=$(LC_ALL=C comm -13 <(tail -n +2 "$base_list") <(printf '%s\n' "$warn_new" | sed '/^$/d'))
nbase=$(($(wc -l <"$base_list") - 1))
if [ -n "$added" ]; then
	echo "FAIL  w1-kvm: W=1 warnings in arch/arm64/kvm/ that the base does not have (log: $LOGS/w1.log)"
	printf '%s\n' "$added" | sed 's/^/      | /'
	exit 1
fi
echo "pass  w1-kvm: no new W=1 warnings in arch/arm64/kvm/ ($nbase in the base)"
