#!/usr/bin/env bash
# The series applies to the pristine base commit with no fuzz: every
# patch of patches/series is applied in order with "git apply --cached"
# to a temporary index started from the base (no working-tree checkout),
# which accepts no fuzz and no whitespace damage.
. "$(dirname "$0")/lib.sh"

idx=$(mktemp "$BUILD/apply-index.XXXXXX")
trap 'rm -f "$idx"' EXIT
export GIT_INDEX_FILE=$idx
git -C "$TREE" read-tree "$BASE_TAG"
n=0
for p in $(series_list); do
	[ -f "$PATCHES/$p" ] || die "patches/series names $p, which does not exist"
	git -C "$TREE" apply --cached --whitespace=error-all -C3 "$PATCHES/$p" ||
		die "patch $p does not apply cleanly to the pristine base $(kversion "$TREE") (after $n patches)"
	n=$((n + 1))
done
echo "$n patches apply to Linux $(kversion "$TREE") with no fuzz"
