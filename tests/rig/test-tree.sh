# shellcheck shell=bash
# tree.sh / export.sh / apply-check.sh / export-check.sh on a tiny fake
# base tarball: byte-stable round trip, no-op re-runs, a patch that does
# not apply is named, work in the tree is never thrown away.

fake_env() {
	export BUILD=$WORK/b TREE=$WORK/b/linux PATCHES=$WORK/patches \
		BASE_TARBALL=$WORK/base.tar.xz STAMP=$WORK/b/tree.stamp
}
mk_base() {
	local d=$WORK/src/linux-source-6.1
	mkdir -p "$d/scripts" "$d/virt"
	printf 'VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 999\nEXTRAVERSION =\n' >"$d/Makefile"
	printf 'int one(void)\n{\n\treturn 1;\n}\n\nint two(void)\n{\n\treturn 2;\n}\n' >"$d/virt/kvm.c"
	printf '# a file the kernel .gitignore would hide\n' >"$d/.tmp_versions"
	printf '*.tmp*\n.tmp*\n/*\n!/debian/\n' >"$d/.gitignore"
	cat >"$d/scripts/checkpatch.pl" <<'CP'
#!/bin/sh
printf '%s' "$FAKE_CP_OUT"
CP
	chmod +x "$d/scripts/checkpatch.pl"
	tar -C "$WORK/src" -cJf "$WORK/base.tar.xz" linux-source-6.1
	mkdir -p "$WORK/patches"
	cp "$TOP/patches/0000-cover-letter.patch" "$WORK/patches/"
	printf '# empty\n' >"$WORK/patches/series"
}

(
	fake_env
	mk_base
	out=$("$TOP/scripts/tree.sh" 2>&1) || { bad tree-fresh "tree.sh failed: $out"; exit; }
	grep -q 'Linux 6.1.999 .*0 patches applied' <<<"$out" && [ -f "$TREE/.tmp_versions" ] &&
		git -C "$TREE" rev-parse -q --verify base >/dev/null &&
		ok tree-fresh || bad tree-fresh "unexpected: $out"

	# Debian's top-level .gitignore ("/*") must not hide new files.
	echo 'int three(void);' >"$TREE/virt/new.h"
	st=$(git -C "$TREE" status --porcelain)
	[ "$st" = '?? virt/new.h' ] && git -C "$TREE" diff --quiet base -- .gitignore &&
		ok tree-new-files-visible || bad tree-new-files-visible "git status says: $st"
	rm -f "$TREE/virt/new.h"

	head=$(git -C "$TREE" rev-parse HEAD)
	out=$("$TOP/scripts/tree.sh" 2>&1)
	grep -q 'up to date' <<<"$out" && [ "$(git -C "$TREE" rev-parse HEAD)" = "$head" ] &&
		ok tree-noop || bad tree-noop "second run was not a no-op: $out"

	# A commit in the tree, exported.
	sed -i 's/return 2;/return 3;/' "$TREE/virt/kvm.c"
	git -C "$TREE" -c user.name='A U Thor' -c user.email=author@example.org \
		commit -q -a -m 'virt: return three' -m 'Because two was wrong.' -m 'Signed-off-by: A U Thor <author@example.org>'
	out=$("$TOP/scripts/tree.sh" 2>&1)
	grep -q 'local commits not exported yet' <<<"$out" &&
		ok tree-keeps-local-work || bad tree-keeps-local-work "$out"
	"$TOP/scripts/export.sh" >/dev/null 2>&1 || bad export "export.sh failed"
	p=$(ls "$PATCHES" | grep '^0001-')
	[ "$p" = 0001-virt-return-three.patch ] && grep -qx "$p" "$PATCHES/series" &&
		grep -q '^Subject: \[PATCH 0/1\] KVM: arm64: guest-ABI control' "$PATCHES/0000-cover-letter.patch" &&
		grep -q '^A U Thor (1):' "$PATCHES/0000-cover-letter.patch" &&
		grep -q '^From 0000000000000000000000000000000000000000 ' "$PATCHES/$p" &&
		ok export || bad export "unexpected patches/: $(ls "$PATCHES")"

	out=$("$TOP/scripts/export-check.sh" 2>&1) && ok export-check-clean || bad export-check-clean "$out"

	# Round trip: a fresh tree from patches/, exported again, is identical.
	cp -r "$PATCHES" "$WORK/patches.saved"
	rm -rf "$TREE" "$STAMP"
	"$TOP/scripts/tree.sh" >/dev/null 2>&1 || bad roundtrip "tree.sh from exported patches failed"
	"$TOP/scripts/export.sh" >/dev/null 2>&1
	d=$(diff -r "$WORK/patches.saved" "$PATCHES") && ok roundtrip-byte-stable ||
		bad roundtrip-byte-stable "tree + export changed patches/:"$'\n'"$d"
	out=$("$TOP/scripts/apply-check.sh" 2>&1) && ok apply-check || bad apply-check "$out"

	# An unexported commit makes export-check fail.
	echo '/* more */' >>"$TREE/virt/kvm.c"
	git -C "$TREE" -c user.name=X -c user.email=x@example.org commit -q -a -m 'virt: more'
	out=$("$TOP/scripts/export-check.sh" 2>&1) && bad export-check-detects "passed with an unexported commit" ||
		{ grep -q 'would change patches/' <<<"$out" && ok export-check-detects || bad export-check-detects "$out"; }

	# patches/ changes while the tree has local work: refuse, keep the work.
	head=$(git -C "$TREE" rev-parse HEAD)
	sed -i 's/Because two was wrong./Because two was wrong, really./' "$PATCHES/$p"
	out=$("$TOP/scripts/tree.sh" 2>&1) && bad tree-protects-work "tree.sh re-applied over local work" ||
		{ grep -q 'not in patches/' <<<"$out" && [ "$(git -C "$TREE" rev-parse HEAD)" = "$head" ] &&
			ok tree-protects-work || bad tree-protects-work "$out"; }
	# FORCE=1 discards it and applies patches/.
	out=$(FORCE=1 "$TOP/scripts/tree.sh" 2>&1) && grep -q '1 patches applied' <<<"$out" &&
		git -C "$TREE" log -1 --format=%b | grep -q 'really' &&
		ok tree-force || bad tree-force "$out"

	# A patch whose context no longer matches: named, non-zero exit.
	sed -i 's/^ int two(void)$/ int deux(void)/' "$PATCHES/$p"
	out=$("$TOP/scripts/apply-check.sh" 2>&1) && bad apply-check-names-patch "passed a broken patch" ||
		{ grep -q "patch $p does not apply" <<<"$out" && ok apply-check-names-patch || bad apply-check-names-patch "$out"; }
	rm -rf "$TREE" "$STAMP"
	out=$("$TOP/scripts/tree.sh" 2>&1) && bad tree-names-patch "applied a broken patch" ||
		{ grep -q "patch $p does not apply" <<<"$out" && ok tree-names-patch || bad tree-names-patch "$out"; }

	# A missing base package is a clear error.
	out=$(BASE_TARBALL=$WORK/nope.tar.xz "$TOP/scripts/tree.sh" 2>&1) && bad tree-missing-base "no error" ||
		{ grep -q 'nope.tar.xz not found' <<<"$out" && ok tree-missing-base || bad tree-missing-base "$out"; }

	# checkpatch: errors always fail, warnings only pass when allowed
	# with a reason.
	rm -rf "$TREE" "$STAMP"
	cp "$WORK/patches.saved/"* "$PATCHES/"
	"$TOP/scripts/tree.sh" >/dev/null 2>&1
	printf '# test\n0001-*.patch LONG_LINE the register table reads better on one line\n0001-*.patch SPACING\n0001-*.patch TYPO_SPELLING reason given\n* CAMELCASE:<ID_[A-Z0-9_]+EL1_[A-Za-z_]+> generated names\n' >"$WORK/allow"
	export ALLOW=$WORK/allow
	cpcase() {	# name expected-status findings...
		local name=$1 want=$2 out st
		shift 2
		out=$(FAKE_CP_OUT=$(printf '%s\n' "$@") "$TOP/scripts/checkpatch.sh" 2>&1)
		st=$?
		[ "$st" = "$want" ] && ok "checkpatch-$name" || bad "checkpatch-$name" "status $st: $out"
	}
	cpcase clean 0
	cpcase error 1 "$PATCHES/$p:10: ERROR:TYPO_SPELLING: 'teh' may be misspelled"
	cpcase unlisted-warning 1 "$PATCHES/$p:10: WARNING:LINE_SPACING: Missing a blank line"
	cpcase allowed-warning 0 "$PATCHES/$p:10: WARNING:LONG_LINE: line length of 101 exceeds 100 columns"
	cpcase allowed-needs-reason 1 "$PATCHES/$p:12: CHECK:SPACING: No space is necessary after a cast"
	cpcase allowed-regex-match 0 "$PATCHES/$p:12: CHECK:CAMELCASE: Avoid CamelCase: <ID_AA64DFR0_EL1_PMUVer_MASK>"
	cpcase allowed-regex-mismatch 1 "$PATCHES/$p:12: CHECK:CAMELCASE: Avoid CamelCase: <myNewVariable>"
)
