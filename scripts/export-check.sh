#!/usr/bin/env bash
# "make export" from the current tree must reproduce patches/ exactly.
# Run into a scratch copy, so patches/ and the tree stamp stay untouched.
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d "$BUILD/export-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/patches"
cp "$PATCHES"/*.patch "$PATCHES/series" "$tmp/patches/" 2>/dev/null || true
PATCHES=$tmp/patches STAMP=$tmp/stamp "$(dirname "$0")/export.sh" >/dev/null
if ! diff -ru "$PATCHES" "$tmp/patches" >"$tmp/diff"; then
	head -n 40 "$tmp/diff"
	die "'make export' would change patches/: the tree has unexported commits, or patches/ was edited by hand"
fi
echo "make export reproduces patches/ byte for byte"
