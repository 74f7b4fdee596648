#!/usr/bin/env bash
# Run the 6.1 tree's scripts/checkpatch.pl --strict on every patch of the
# series.  Prints one result line per patch (pass / FAIL with the
# findings).  ERRORs always fail; WARNINGs and CHECKs fail unless
# tests/checkpatch.allow lists the patch and type with a reason.
. "$(dirname "$0")/lib.sh"

ALLOW=${ALLOW:-$TOP/tests/checkpatch.allow}
CP=$TREE/scripts/checkpatch.pl
[ -x "$CP" ] || die "no $CP (run 'make tree')"

allowed() {	# patch-file type -> reason or nothing
	local f=$1 type=$2 glob t reason
	while read -r glob t reason; do
		case "$glob" in '#'* | '') continue ;; esac
		# shellcheck disable=SC2254
		case "$f" in $glob) [ "$t" = "$type" ] && [ -n "$reason" ] && { echo "$reason"; return; } ;; esac
	done <"$ALLOW"
}

failed=0
count=0
for p in $(series_list); do
	count=$((count + 1))
	out=$(cd "$TREE" && ./scripts/checkpatch.pl --strict --terse --show-types \
		--no-summary "$PATCHES/$p" 2>&1 || true)
	bad=
	notes=
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		type=$(sed -n 's/.*: \(ERROR\|WARNING\|CHECK\):\([A-Z0-9_]*\):.*/\1 \2/p' <<<"$line")
		if [ -z "$type" ]; then
			bad="$bad
      | $line"
			continue
		fi
		sev=${type% *}
		t=${type#* }
		reason=
		[ "$sev" = ERROR ] || reason=$(allowed "$p" "$t")
		if [ -n "$reason" ]; then
			notes="$notes
      | allowed $t: $reason"
		else
			bad="$bad
      | ${line#"$PATCHES/"}"
		fi
	done <<<"$out"
	if [ -n "$bad" ]; then
		echo "FAIL  checkpatch $p: checkpatch.pl --strict findings$bad"
		failed=$((failed + 1))
	else
		echo "pass  checkpatch $p${notes}"
	fi
done
[ "$count" -gt 0 ] || echo "pass  checkpatch: the series has no patches yet (cover letter only)"
[ "$failed" = 0 ]
