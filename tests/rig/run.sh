#!/usr/bin/env bash
# Host-side tests of the rig itself: no kernel build, no QEMU, seconds.
# Prints one result line per test ("pass  rig/NAME" / "FAIL  rig/NAME: why").
# Run alone with "make test-rig"; "make check" runs them as step 5.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export LC_ALL=C

ok() { echo "pass  rig/$1"; }
bad() { echo "FAIL  rig/$1: $2"; }

# Tests run in subshells; the verdict is counted from the result lines.
for t in "$HERE"/test-*.sh; do
	# shellcheck source=/dev/null
	. "$t"
done | tee "$WORK/out"
npass=$(grep -c '^pass' "$WORK/out")
nfail=$(grep -c '^FAIL' "$WORK/out")
[ "$npass" -gt 0 ] || { echo "FAIL  rig: no test ran"; nfail=1; }
[ -z "${RIG_STANDALONE:-}" ] || echo "$npass passed, $nfail failed"
[ "$nfail" = 0 ]
