#!/usr/bin/env bash
# Print the sizes of KVM's per-VM and per-vCPU structures in the patched
# tree, in the pristine base and in mainline 6.12 (make bench), each
# compiled with the exact command kbuild used for arch/arm64/kvm/arm.o
# (same config, same compiler flags).  The base needs the W=1 build
# directories of "make check" (scripts/w1.sh); mainline the build of
# "make bench".  SIZES_CSV=FILE also writes the numbers as CSV.
. "$(dirname "$0")/lib.sh"

probe() {	# SRCTREE OBJTREE -> "kvm kvm_arch kvm_vcpu kvm_vcpu_arch"
	local src=$1 obj=$2 cmd
	# "cmd_" in 6.1, "savedcmd_" in later kernels
	cmd=$(sed -n 's/^\(saved\)\{0,1\}cmd_arch\/arm64\/kvm\/arm.o := //p' \
		"$obj/arch/arm64/kvm/.arm.o.cmd" 2>/dev/null || true)
	[ -n "$cmd" ] || return 1
	cat >"$obj/rig-sizes.c" <<'C'
#include <linux/kvm_host.h>
int rig_sizes[] = {
	sizeof(struct kvm), sizeof(struct kvm_arch),
	sizeof(struct kvm_vcpu), sizeof(struct kvm_vcpu_arch),
};
C
	cmd=$(sed -E -e 's# -Wp,-MMD,[^ ]+##' -e 's# -c -o [^ ]+ [^ ]+arm\.c.*$##' <<<"$cmd")
	(cd "$obj" && eval "$cmd -S -o rig-sizes.s rig-sizes.c") ||
		die "compiling the size probe in $obj failed"
	awk '/^rig_sizes:/ { on = 1; next } on && /\.word/ { printf "%s ", $2; if (++n == 4) exit }' "$obj/rig-sizes.s"
	rm -f "$obj/rig-sizes.c" "$obj/rig-sizes.s"
}

series=$(probe "$TREE" "$BUILD/kbuild-w1" || probe "$TREE" "$KBUILD") ||
	die "no compile command for arch/arm64/kvm/arm.o (run 'make check' first)"
base=$(probe "$BASEWT" "$BUILD/kbuild-w1-base" || echo "- - - -")
mainline=$(probe "$BUILD/mainline" "$BUILD/kbuild-mainline" || echo "- - - -")
read -r -a s <<<"$series"
read -r -a b <<<"$base"
read -r -a m <<<"$mainline"
names=("struct kvm" "  struct kvm_arch" "struct kvm_vcpu" "  struct kvm_vcpu_arch")
keys=(kvm kvm_arch kvm_vcpu kvm_vcpu_arch)
printf '%-22s %8s %8s %8s %9s\n' structure base series added mainline
[ -z "${SIZES_CSV:-}" ] || echo "structure,base,series,mainline" >"$SIZES_CSV"
for i in 0 1 2 3; do
	added=-
	[ "${b[i]}" = - ] || added=$(printf '%+d' $((s[i] - b[i])))
	printf '%-22s %8s %8s %8s %9s\n' "${names[i]}" "${b[i]}" "${s[i]}" "$added" "${m[i]}"
	[ -z "${SIZES_CSV:-}" ] || echo "${keys[i]},${b[i]},${s[i]},${m[i]}" >>"$SIZES_CSV"
done
