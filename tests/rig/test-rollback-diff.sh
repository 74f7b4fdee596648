# shellcheck shell=bash
# scripts/rollback-diff.sh's comparison on fake abi-probe outputs (NO_BOOT):
# identical outputs pass whatever their info.* and abi-new.* lines say;
# a changed, missing or extra value, a register list in another order and
# an unfinished or failed probe are failures, named.

# rb_case NAME STATUS PATTERN... < "base|patched" lines: the fake outputs
# (lines starting with "base " go to the base, "patched " to the patched
# one, "both " to both); rollback-diff.sh exits with STATUS and its
# output matches every PATTERN.
rb_case() {
	local name=$1 want=$2 d=$WORK/rb-$1 out st p
	shift 2
	mkdir -p "$d/rollback"
	for k in base patched; do
		printf '@@BOOTED\n@@KVM ok: kvm [1]: VHE mode initialized successfully\n' \
			>"$d/rollback/console-$k-fake.log"
		: >"$d/rollback/$k-fake.txt"
	done
	while read -r who line; do
		case $who in
		base | patched) echo "$line" >>"$d/rollback/$who-fake.txt" ;;
		both) echo "$line" | tee -a "$d/rollback/base-fake.txt" >>"$d/rollback/patched-fake.txt" ;;
		nokvm) : >"$d/rollback/console-$line-fake.log" ;;
		esac
	done
	out=$(BUILD=$d NO_BOOT=1 CPUS=fake "$TOP/scripts/rollback-diff.sh" 2>&1)
	st=$?
	if [ "$st" != "$want" ]; then
		bad "$name" "exit status $st, expected $want"$'\n'"$out"
		return
	fi
	for p in "$@"; do
		grep -qE -- "$p" <<<"$out" || { bad "$name" "output lacks /$p/:"$'\n'"$out"; return; }
	done
	ok "$name"
}

rb_case rollback-same 0 '^pass  rollback-diff@fake$' <<'EOF'
both probe.format abi-probe/1
base info.kernel 6.1.192 #1
patched info.kernel 6.1.192 #2
patched abi-new.cap.230 sys=1 vm=1
both variant.v.reglist.order 0-1
base info.variant.v.reglist.kvm-order 01 02
patched info.variant.v.reglist.kvm-order 01 02
both variant.v.reg.01 A 0x1
both variant.v.reg.02 B 0x2
base info.variant.v.guest.loop.CTR_EL0.exits 1
patched info.variant.v.guest.loop.CTR_EL0.exits 3
both probe.end failures=0
EOF
rb_case rollback-value 1 '^FAIL  rollback-diff@fake: 3 differences \(first: variant\.v\.reg\.02: base B 0x2, patched B 0x3\)' \
	'variant\.v\.reg\.03: base C 0x3, patched \(absent\)' \
	'variant\.v\.guest\.loop\.CTR_EL0: base \(absent\), patched reads=1 exits-per-read=1' <<'EOF'
both variant.v.reg.01 A 0x1
base variant.v.reg.02 B 0x2
patched variant.v.reg.02 B 0x3
base variant.v.reg.03 C 0x3
patched variant.v.guest.loop.CTR_EL0 reads=1 exits-per-read=1
both probe.end failures=0
EOF
rb_case rollback-order 1 '^FAIL  rollback-diff@fake: 1 differences \(first: variant\.v\.reglist\.order: same 3 ids in another order; moved: C \(03\);' <<'EOF'
base variant.v.reglist.order 2-2,0-1
patched variant.v.reglist.order 0-2
base info.variant.v.reglist.kvm-order 03 01 02
patched info.variant.v.reglist.kvm-order 01 02 03
both variant.v.reg.01 A 0x1
both variant.v.reg.02 B 0x2
both variant.v.reg.03 C 0x3
both probe.end failures=0
EOF
rb_case rollback-unfinished 1 '^FAIL  rollback-diff@fake: abi-probe did not finish on patched' <<'EOF'
both variant.v.reg.01 A 0x1
base probe.end failures=0
EOF
rb_case rollback-probe-error 1 '^FAIL  rollback-diff@fake: abi-probe failed on base: variant\.v\.guest\.stopped timeout' <<'EOF'
base variant.v.guest.stopped timeout
both probe.end failures=1
EOF
rb_case rollback-no-kvm 1 '^FAIL  rollback-diff@fake: KVM did not initialise on base' <<'EOF'
nokvm base
both probe.end failures=0
EOF
