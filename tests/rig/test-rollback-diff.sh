# shellcheck shell=bash
# scripts/rollback-diff.sh's comparison on fake abi-probe outputs (NO_BOOT):
# identical outputs pass whatever their info.* and abi-new.* lines say;
# a changed, missing or extra value, a register list in another order,
# an unfinished or failed probe, an output without its minimum content and
# a missing CPU model are failures, named.

# The minimum content of an output of the one variant "v" (ABI_VARIANTS).
# The out-of-tree ABI lines: "no" on the base, "yes" on the series.
rb_skeleton() {
	printf '%s\n' 'probe.format abi-probe/1' 'cap.001 sys=1 vm=1' \
		'variant.v.supported yes' 'variant.v.reglist.count 1' \
		'variant.v.reg.00ff SKEL 0x0' 'variant.v.guest.CTR_EL0 0x0000000084448004' \
		'kernel.splats 0'
	if [ "$1" = base ]; then
		printf '%s\n' 'abi-new.oot.cap.1000 sys=0' 'abi-new.oot.cap.1001 sys=0' \
			'abi-new.oot.enable-cap.1000 Invalid argument' \
			'abi-new.oot.vcpu-attr.1000.0 No such device or address' \
			'abi-new.oot.vcpu-attr.pvtime.1000 No such device or address'
	else
		printf '%s\n' 'abi-new.oot.cap.1000 sys=1' 'abi-new.oot.cap.1001 sys=1' \
			'abi-new.oot.enable-cap.1000 ok' 'abi-new.oot.vcpu-attr.1000.0 ok' \
			'abi-new.oot.vcpu-attr.pvtime.1000 ok'
	fi
}

# rb_case NAME STATUS PATTERN... < "base|patched" lines: the fake outputs
# (lines starting with "base " go to the base, "patched " to the patched
# one, "both " to both), after rb_skeleton unless RB_BARE is set;
# rollback-diff.sh (CPUS=${RB_CPUS-fake}, ABI_VARIANTS=${RB_VARIANTS:-v},
# ROLLBACK_NCPUS=$RB_NCPUS) exits with STATUS and its output matches every
# PATTERN.
rb_case() {
	local name=$1 want=$2 d=$WORK/rb-$1 out st p
	shift 2
	mkdir -p "$d/rollback"
	for k in base patched; do
		printf '@@BOOTED\n@@KVM ok: kvm [1]: VHE mode initialized successfully\n' \
			>"$d/rollback/console-$k-fake.log"
		if [ -n "${RB_BARE:-}" ]; then
			: >"$d/rollback/$k-fake.txt"
		else
			rb_skeleton "$k" >"$d/rollback/$k-fake.txt"
		fi
	done
	while read -r who line; do
		case $who in
		base | patched) echo "$line" >>"$d/rollback/$who-fake.txt" ;;
		both) echo "$line" | tee -a "$d/rollback/base-fake.txt" >>"$d/rollback/patched-fake.txt" ;;
		nokvm) : >"$d/rollback/console-$line-fake.log" ;;
		esac
	done
	out=$(BUILD=$d NO_BOOT=1 CPUS=${RB_CPUS-fake} ABI_VARIANTS=${RB_VARIANTS:-v} \
		ROLLBACK_NCPUS=${RB_NCPUS:-} "$TOP/scripts/rollback-diff.sh" 2>&1)
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
# The unpatched base must answer "not supported" to the out-of-tree ABI,
# the series "supported"
rb_case rollback-oot-base 1 'out-of-tree ABI on the unpatched base' <<'EOF'
base abi-new.oot.cap.1001 sys=1
both probe.end failures=0
EOF
rb_case rollback-oot-ours 1 'out-of-tree ABI on the series' <<'EOF'
patched abi-new.oot.cap.1002 sys=1
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
# pr_err's lines are "PREFIX.error WHAT ERRNO": the reason is the line
rb_case rollback-error-line 1 '^FAIL  rollback-diff@fake: abi-probe failed on base: variant\.v\.setup\.error vGICv3 ENODEV\(19\)$' <<'EOF'
base variant.v.setup.error vGICv3 ENODEV(19)
base probe.end failures=1
patched probe.end failures=0
EOF
# a value the guest never reported, or a listed register KVM does not
# read, is a failure even when both kernels agree (and the probe did not
# count it)
rb_case rollback-missing-value 1 '^FAIL  rollback-diff@fake: abi-probe failed on base but counted no failure: variant\.v\.guest\.MIDR_EL1 missing$' <<'EOF'
both variant.v.guest.MIDR_EL1 missing
both probe.end failures=0
EOF
rb_case rollback-missing-hvc 1 '^FAIL  rollback-diff@fake: abi-probe failed on base: variant\.v\.guest\.PSCI_VERSION x0=0x0000000000010001 x1=missing' <<'EOF'
both variant.v.guest.PSCI_VERSION x0=0x0000000000010001 x1=missing x2=missing x3=missing
both probe.end failures=1
EOF
rb_case rollback-reg-error 1 '^FAIL  rollback-diff@fake: abi-probe failed on base but counted no failure: variant\.v\.reg\.0030 ZZZ error ENOENT\(2\)$' <<'EOF'
both variant.v.reg.0030 ZZZ error ENOENT(2)
both abi-new.variant.v.unlisted.0031 CCSIDR error ENOENT(2)
both probe.end failures=0
EOF
# errors that are data do not fail
rb_case rollback-data-errors 0 '^pass  rollback-diff@fake$' <<'EOF'
both abi-new.variant.v.unlisted.0031 CCSIDR error ENOENT(2)
both variant.v.restore.set.0032 SOME error EINVAL(22)
both variant.v.guest.exits-stat missing
both probe.end failures=0
EOF
# empty, truncated or hollow outputs
RB_BARE=1 rb_case rollback-empty 1 '^FAIL  rollback-diff@fake: abi-probe output of base lacks probe\.format, cap\.\*, variant\.v, a supported variant, kernel\.splats' <<'EOF'
both probe.end failures=0
EOF
RB_VARIANTS="v w" rb_case rollback-no-variant 1 '^FAIL  rollback-diff@fake: abi-probe output of base lacks variant\.w \(' <<'EOF'
both probe.end failures=0
EOF
RB_BARE=1 rb_case rollback-zero-items 1 '^FAIL  rollback-diff@fake: abi-probe output of base lacks variant\.v\.reglist\.count > 0, variant\.v\.reg\.\*, variant\.v\.guest\.\* \(' <<'EOF'
both probe.format abi-probe/1
both cap.001 sys=1 vm=1
both variant.v.supported yes
both variant.v.reglist.count 0
both kernel.splats 0
both probe.end failures=0
EOF
RB_BARE=1 RB_VARIANTS="w v" rb_case rollback-unsupported-ok 0 '^pass  rollback-diff@fake$' <<'EOF'
both probe.format abi-probe/1
both cap.001 sys=1 vm=1
both variant.w.supported no (capability 123)
both variant.v.supported yes
both variant.v.reglist.count 1
both variant.v.reg.0001 A 0x1
both variant.v.guest.CTR_EL0 0x1
both kernel.splats 0
both probe.end failures=0
EOF
# every configured CPU model has its result
RB_CPUS=' ' rb_case rollback-no-cpus 1 '^FAIL  rollback-diff: no CPU model to probe' <<'EOF'
both probe.end failures=0
EOF
RB_NCPUS=7 rb_case rollback-cpu-count 1 '^pass  rollback-diff@fake$' \
	'^FAIL  rollback-diff: results for 1 CPU model\(s\) \(fake\), 7 configured' <<'EOF'
both probe.end failures=0
EOF
# The probe cache (fake boot.sh, qemu and initramfs): a probe is reused
# only while the kernel, the initramfs's /init, busybox and abi-probe and
# TEST_TIMEOUT are the same; a boot that fails leaves no old console log
# or output behind.
(
	f=$WORK/rb-cache
	mkdir -p "$f/top/scripts" "$f/bin" "$f/build/tools" "$f/root/bin"
	printf '#!/bin/sh\necho "QEMU emulator version 7.2.0"\n' >"$f/bin/qemu-system-aarch64"
	cat >"$f/top/scripts/boot.sh" <<'EOF'
#!/bin/sh
# boot.sh exec LOG IMAGE INITRD: the console of a good abi-probe run
[ -z "$FAKE_BOOT_FAIL" ] || exit 1
echo "$CPU $3" >>"$FAKE_BOOTS"
{
	printf '@@BOOTED\n@@KVM ok: kvm [1]: VHE mode initialized successfully\n@@BEGIN exec\n'
	printf '%s\n' 'probe.format abi-probe/1' 'cap.001 sys=1 vm=1' 'variant.v.supported yes' \
		'variant.v.reglist.count 1' 'variant.v.reg.0001 A 0x1' 'variant.v.guest.CTR_EL0 0x1' \
		'kernel.splats 0' 'probe.end failures=0'
	printf '@@END exec rc=0\n'
} >"$2"
EOF
	chmod +x "$f/bin/qemu-system-aarch64" "$f/top/scripts/boot.sh"
	echo image >"$f/build/Image"
	echo base >"$f/build/Image-base"
	echo probe >"$f/build/tools/abi-probe"
	chmod +x "$f/build/tools/abi-probe"
	cp "$f/build/tools/abi-probe" "$f/root/bin/abi-probe"
	echo busybox >"$f/root/bin/busybox"
	mkinitrd() {	# INIT-CONTENT
		echo "$1" >"$f/root/init"
		(cd "$f/root" && find . | cpio -o -H newc --quiet) >"$f/build/initramfs.cpio"
	}
	run() {	# ENV...: rollback-diff.sh; the number of boots it did
		: >"$f/boots"
		env PATH="$f/bin:$PATH" TOP="$f/top" BUILD="$f/build" CPUS=fake ABI_VARIANTS=v \
			FAKE_BOOTS="$f/boots" FAKE_BOOT_FAIL= "$@" "$TOP/scripts/rollback-diff.sh" >"$f/out" 2>&1
		echo "$? $(grep -c . "$f/boots")"
	}
	expect() {	# NAME WANT GOT
		if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "exit status and boots '$3', expected '$2':"$'\n'"$(cat "$f/out")"; fi
	}
	mkinitrd one
	expect rollback-cache-first "0 2" "$(run)"
	expect rollback-cache-hit "0 0" "$(run)"
	mkinitrd two
	expect rollback-cache-init "0 2" "$(run)"
	expect rollback-cache-test-timeout "0 2" "$(run TEST_TIMEOUT=1000)"
	r=$(run FORCE=1 FAKE_BOOT_FAIL=1)
	if [ "$r" = "1 0" ] && grep -q '^FAIL  rollback-diff@fake: KVM did not initialise on base' "$f/out"; then
		ok rollback-stale-log
	else
		bad rollback-stale-log "exit status and boots '$r', expected '1 0' and 'KVM did not initialise':"$'\n'"$(cat "$f/out")"
	fi
)
# variant names with dots, as abi-probe's "psci-0.2"
RB_BARE=1 RB_VARIANTS="psci-0.2 psci" rb_case rollback-dotted-variant 1 \
	'^FAIL  rollback-diff@fake: abi-probe output of base lacks variant\.psci\.reg\.\* \(' <<'EOF'
both probe.format abi-probe/1
both cap.001 sys=1 vm=1
both variant.psci-0.2.supported yes
both variant.psci-0.2.reglist.count 1
both variant.psci-0.2.reg.0001 A 0x1
both variant.psci-0.2.guest.CTR_EL0 0x1
both variant.psci.supported yes
both variant.psci.reglist.count 1
both variant.psci.guest.CTR_EL0 0x1
both kernel.splats 0
both probe.end failures=0
EOF
