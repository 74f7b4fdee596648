#!/usr/bin/env bash
# make check-series: build the kernel after each commit of the series in
# turn and name the first patch that breaks the build (bisectability).
# Uses its own worktree (build/series-wt) and output directory
# (build/kbuild-series) with the main .config, so the main build stays
# incremental; ccache makes each step cost only what the patch changed.
. "$(dirname "$0")/lib.sh"

WT=$BUILD/series-wt
OBJ=$BUILD/kbuild-series
[ -f "$KBUILD/.config" ] || die "kernel not configured (run 'make kernel')"
mapfile -t commits < <(tgit rev-list --reverse "$BASE_TAG"..HEAD)
total=${#commits[@]}
if [ "$total" = 0 ]; then
	echo "pass  series-build: the series has no patches yet"
	echo "1 passed, 0 failed"
	exit 0
fi
if [ ! -f "$WT/Makefile" ]; then
	rm -rf "$WT"
	tgit worktree prune
	tgit worktree add -q --detach "$WT" "$BASE_TAG"
fi
mkdir -p "$OBJ" "$LOGS"
cmp -s "$KBUILD/.config" "$OBJ/.config" || cp "$KBUILD/.config" "$OBJ/.config"
SRC=$WT OBJ=$OBJ kmake olddefconfig >/dev/null 2>&1

i=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	subj=$(tgit log -1 --format=%s "$c")
	name=$(printf '%04d-%s' "$i" "$subj")
	git -C "$WT" checkout -q --detach "$c"
	log=$LOGS/series-$i.log
	start=$(date +%s)
	if ! SRC=$WT OBJ=$OBJ kmake Image >"$log" 2>&1; then
		echo "FAIL  series-build $i/$total: '$subj' breaks the build (log: $log)"
		grep -E 'error:' "$log" | head -n 10 | sed 's/^/      | /'
		echo "First broken patch: $name"
		echo "$((i - 1)) passed, 1 failed"
		exit 1
	fi
	echo "pass  series-build $i/$total: $subj ($(($(date +%s) - start)) s)"
done
echo "$total passed, 0 failed"
