#!/usr/bin/env bash
# make tree: build/linux as a git repository holding Debian's
# linux-source-6.1 as one base commit (tag "base") plus one commit per
# patch of patches/series, applied with "git am" (no fuzz, no 3-way).
#
# Idempotent: build/tree.stamp records which series was last applied or
# exported and the HEAD it produced.  While patches/ still matches it,
# nothing is touched (the kernel build stays incremental, and commits or
# edits made in the tree since are the developer's work in progress).
# When patches/ changed, the series is applied again from the base, but
# work in the tree that was not exported is never thrown away silently.
. "$(dirname "$0")/lib.sh"

[ -f "$BASE_TARBALL" ] || die "base source $BASE_TARBALL not found (run 'make deps')"

# Debian's linux-source ships a top-level .gitignore that ignores every
# top-level entry ("/*", for its packaging repository): a new file added
# anywhere in the tree would be silently ignored, and left out of the
# patch that should add it.  Drop those lines from the working copy only,
# and tell git to leave that copy alone, so the base stays the tarball.
unhide_new_files() {
	[ -f "$TREE/.gitignore" ] || return 0
	tgit update-index --skip-worktree .gitignore
	sed -i -e '/^\/\*$/d' -e '/^!\/debian\/$/d' "$TREE/.gitignore"
}

unpack_base() {
	local tmp top
	info "unpacking $BASE_TARBALL into $TREE"
	mkdir -p "$BUILD"
	tmp=$(mktemp -d "$BUILD/unpack.XXXXXX")
	tar -C "$tmp" -xf "$BASE_TARBALL"
	top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	[ -f "$top/Makefile" ] || die "no kernel Makefile in $BASE_TARBALL"
	rm -rf "$TREE"
	mv "$top" "$TREE"
	rmdir "$tmp"
	git -C "$TREE" init -q -b series
	git -C "$TREE" config core.abbrev 12
	git -C "$TREE" config feature.manyFiles true
	git -C "$TREE" config gc.auto 0
	# Force-add: the base commit must be the tarball exactly, even files
	# that the kernel's own .gitignore would hide.
	tgit add -f -A .
	local v
	v=$(kversion "$TREE")
	GIT_AUTHOR_DATE="@0 +0000" GIT_COMMITTER_DATE="@0 +0000" \
		tgit commit -q -m "Debian linux-source-6.1 $v (pristine base)"
	tgit tag -f "$BASE_TAG" >/dev/null
	unhide_new_files
	stat -c '%s %Y' "$BASE_TARBALL" >"$TREE/.git/rig-base"
}

apply_series() {
	local p n=0
	tgit reset -q --hard "$BASE_TAG"
	for p in $(series_list); do
		[ -f "$PATCHES/$p" ] || die "patches/series names $p, which does not exist"
		if ! tgit am -q --committer-date-is-author-date "$PATCHES/$p" >"$BUILD/am.log" 2>&1; then
			cat "$BUILD/am.log" >&2
			tgit am --abort >/dev/null 2>&1 || true
			die "patch $p does not apply to $(kversion "$TREE") (after $n patches)"
		fi
		n=$((n + 1))
	done
	info "applied $n patches"
}

want=$(series_hash)
base_id=$(stat -c '%s %Y' "$BASE_TARBALL")

if [ -d "$TREE/.git" ] && tgit rev-parse -q --verify "$BASE_TAG" >/dev/null; then
	head=$(tgit rev-parse HEAD)
	s_hash= s_head=
	[ -f "$STAMP" ] && read -r s_hash s_head <"$STAMP"
	n=$(tgit rev-list --count "$BASE_TAG"..HEAD)
	dirty=$(tgit status --porcelain --untracked-files=no | head -n 5)
	if [ "$s_hash" = "$want" ]; then
		# patches/ is what was last applied or exported: the tree is
		# current, and any work on top of it is the developer's.
		local_work=
		[ "$s_head" = "$head" ] || local_work=" + local commits not exported yet"
		[ -z "$dirty" ] || local_work="$local_work + uncommitted edits"
		echo "base: Linux $(kversion "$TREE") (Debian linux-source-6.1), $n commits on it, tree up to date$local_work"
		exit 0
	fi
	# patches/ changed (a pull, a hand edit): re-apply, unless that
	# would throw away work in the tree.
	if [ -z "${FORCE:-}" ]; then
		[ -z "$dirty" ] || die "patches/ changed, but $TREE has uncommitted edits; commit them and run 'make export' (then merge), or 'make tree FORCE=1' to discard them:
$dirty"
		[ -z "$s_head" ] || [ "$s_head" = "$head" ] ||
			die "patches/ changed, but $TREE has commits that are not in patches/; run 'make export' first (then merge), or 'make tree FORCE=1' to discard them"
	fi
	if [ "$(cat "$TREE/.git/rig-base" 2>/dev/null)" != "$base_id" ]; then
		info "$BASE_TARBALL changed since the tree was unpacked (was Linux $(kversion "$TREE"))"
		unpack_base
	fi
else
	unpack_base
fi

apply_series
echo "$want $(tgit rev-parse HEAD)" >"$STAMP"
echo "base: Linux $(kversion "$TREE") (Debian linux-source-6.1), $(tgit rev-list --count "$BASE_TAG"..HEAD) patches applied"
