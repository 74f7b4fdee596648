#!/usr/bin/env bash
# Run the 6.1 tree's scripts/checkpatch.pl --strict on every patch of the
# series.  Prints one result line per patch (pass / FAIL with the
# findings).  ERRORs always fail; WARNINGs and CHECKs fail unless
# tests/checkpatch.allow lists the patch and type (and, optionally, a
# pattern the message must match) with a reason.
. "$(dirname "$0")/lib.sh"

ALLOW=${ALLOW:-$TOP/tests/checkpatch.allow}
CP=$TREE/scripts/checkpatch.pl
[ -x "$CP" ] || die "no $CP (run 'make tree')"

# allowed PATCH TYPE MESSAGE -> the reason, if an allow-list line
# "<patch glob> <TYPE>[:<extended regex>] <reason>" covers the finding.
allowed() {
	local f=$1 type=$2 msg=$3 glob spec t re reason
	while read -r glob spec reason; do
		case "$glob" in '#'* | '') continue ;; esac
		t=${spec%%:*}
		re=
		[ "$t" = "$spec" ] || re=${spec#*:}
		[ "$t" = "$type" ] && [ -n "$reason" ] || continue
		# shellcheck disable=SC2254
		case "$f" in $glob) ;; *) continue ;; esac
		[ -z "$re" ] || grep -qE -- "$re" <<<"$msg" || continue
		echo "$reason"
		return
	done <"$ALLOW"
}

failed=0
count=0
for p in $(series_list); do
	count=$((count + 1))
	out=$(cd "$TREE" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --terse --show-types \
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
		[ "$sev" = ERROR ] || reason=$(allowed "$p" "$t" "${line#*"$t": }")
		if [ -n "$reason" ]; then
			notes="$notes
      | allowed $t: $reason"
		else
			bad="$bad
      | ${line#"$PATCHES/"}"
		fi
	done <<<"$out"
	# One note per distinct accepted finding, with its count.
	notes=$(sed '/^$/d' <<<"$notes" | sort | uniq -c |
		sed -E 's/^ *([0-9]+) +\| allowed (.*)/      | allowed \2 (x\1)/')
	if [ -n "$bad" ]; then
		echo "FAIL  checkpatch $p: checkpatch.pl --strict findings$bad"
		failed=$((failed + 1))
	else
		echo "pass  checkpatch $p"
		[ -z "$notes" ] || printf '%s\n' "$notes"
	fi
done
[ "$count" -gt 0 ] || echo "pass  checkpatch: the series has no patches yet (cover letter only)"
[ "$failed" = 0 ]
