#!/usr/bin/env bash
# make selftests: cross-build, static, the KVM selftests listed in
# tests/regression.list plus every test program the series adds under
# tools/testing/selftests/kvm/aarch64/, against the tree's own uapi
# headers.  Writes build/tests.list (what the guest runs) and puts the
# binaries in build/selftests/bin/.
. "$(dirname "$0")/lib.sh"

KSFT=$TREE/tools/testing/selftests/kvm
OUT=$BUILD/selftests/out
BIN=$BUILD/selftests/bin
[ -d "$KSFT" ] || die "no kernel tree at $TREE (run 'make tree')"
[ -f "$KBUILD/.config" ] || die "kernel not configured (run 'make kernel')"
mkdir -p "$OUT" "$BIN" "$LOGS"
log=$LOGS/selftests.log

kmake headers_install >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "headers_install failed"; }

# The list: regression set, then the series' own tests in name order.
{
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$TOP/tests/regression.list" | grep -v '^$'
	# Added since the base: committed, or still being written.
	{
		tgit diff --name-only --diff-filter=A "$BASE_TAG" -- \
			tools/testing/selftests/kvm/aarch64/
		tgit ls-files --others --exclude-standard -- \
			tools/testing/selftests/kvm/aarch64/
	} |
		sed -n 's|^tools/testing/selftests/kvm/aarch64/\([^/]*\)\.c$|\1|p' |
		while read -r t; do
			grep -q "aarch64/$t\$" "$KSFT/Makefile" && echo "$t"
		done | sort
	# Mainline 6.12's own tests of the ABIs (scripts/mainline-selftests.sh).
	for t in set_id_regs smccc_filter vpmu_counter_access; do
		echo "mainline-$t=/tests/mainline-$t"
	done
	# The rig's own programs, run inside the guest as tests too.
	echo "abi-show=/bin/abi-show"
	echo "abi-show-json=/bin/abi-show --json"
	echo "cpumodel-test=/bin/cpumodel-test"
} | awk '!seen[$1]++' | write_if_changed "$BUILD/tests.list"

# The debug-kernel run: everything but tests/debug-exclude.list.
awk 'NR == FNR { if ($1 !~ /^#/ && NF) skip[$1] = 1; next } !skip[$1]' \
	"$TOP/tests/debug-exclude.list" "$BUILD/tests.list" |
	write_if_changed "$BUILD/tests-debug.list"

# The AArch64-only run: its own list plus the series' tests.
{
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$TOP/tests/aarch64-only.list" | grep -v '^$'
	sed -n '/^abi-show/q; p' "$BUILD/tests.list" |
		grep -vxFf <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$TOP/tests/regression.list" | grep -v '^$') || true
	echo "cpumodel-test=/bin/cpumodel-test"
} | awk '!seen[$1]++' | write_if_changed "$BUILD/tests-aarch64-only.list"

# Other CPUs (scripts/check.sh 4c): a fleet of two real cores, Neoverse N1
# running a model shared with the Cortex-A76 fixture; and the ARMv8.0
# Cortex-A72, where KVM runs in nVHE mode, for the series' tests.
echo "cpumodel-test=/bin/cpumodel-test /cpumodel/fixtures/cortex-a76.json" |
	write_if_changed "$BUILD/tests-fleet.list"
{
	sed -n '/^abi-show/q; p' "$BUILD/tests.list" |
		grep -vxFf <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$TOP/tests/regression.list" | grep -v '^$') || true
	echo "cpumodel-test=/bin/cpumodel-test"
} | write_if_changed "$BUILD/tests-nvhe.list"

targets=
while read -r t _; do
	case "$t" in *=*) continue ;; esac
	if [ -f "$KSFT/aarch64/$t.c" ]; then
		targets="$targets $OUT/aarch64/$t"
	elif [ -f "$KSFT/$t.c" ]; then
		targets="$targets $OUT/$t"
	else
		die "test $t not found in $KSFT (tests/regression.list)"
	fi
done <"$BUILD/tests.list"

# The selftests Makefile does not track header dependencies: start over
# when any header the tests include changed since the last build.
stamp=$OUT/.rig-built
if [ -f "$stamp" ] && [ -n "$(find "$KSFT/include" "$KSFT/lib" "$TREE/tools/include" \
	"$TREE/tools/arch/arm64" "$KBUILD/usr/include" -name '*.h' -newer "$stamp" -print -quit)" ]; then
	info "selftest headers changed: rebuilding all selftests"
	rm -rf "$OUT"
	mkdir -p "$OUT"
fi

# shellcheck disable=SC2086
if ! make -C "$KSFT" -j"$JOBS" ARCH=arm64 CROSS_COMPILE="$CROSS" \
	OUTPUT="$OUT" KHDR_INCLUDES="-isystem $KBUILD/usr/include" \
	LINUX_HDR_PATH="$KBUILD/usr/include/" EXTRA_CFLAGS=-static \
	$targets >>"$log" 2>&1; then
	grep -E 'error' "$log" | tail -n 15 >&2 || tail -n 30 "$log" >&2
	die "selftest build failed (log: $log)"
fi
touch "$stamp"
for t in $targets; do
	cmp -s "$t" "$BIN/$(basename "$t")" || cp "$t" "$BIN/"
done
"$TOP/scripts/mainline-selftests.sh" || die "mainline selftests failed"
cp -p "$BUILD/mainline-selftests/bin"/mainline-* "$BIN/"
echo "selftests: $(grep -vc = "$BUILD/tests.list") programs in $BIN"
