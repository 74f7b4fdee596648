#!/usr/bin/env bash
# Print the sizes of KVM's per-VM and per-vCPU structures in the patched
# tree and in the pristine base, compiled with the exact command kbuild
# used for arch/arm64/kvm/arm.o (same config, same compiler flags).
# Needs the W=1 build directories of "make check" (scripts/w1.sh).
. "$(dirname "$0")/lib.sh"

probe() {	# SRCTREE OBJTREE -> "kvm kvm_arch kvm_vcpu kvm_vcpu_arch"
	local src=$1 obj=$2 cmd out
	cmd=$(sed -n 's/^cmd_arch\/arm64\/kvm\/arm.o := //p' "$obj/arch/arm64/kvm/.arm.o.cmd")
	[ -n "$cmd" ] || die "no compile command in $obj (run 'make check' first)"
	cat >"$obj/rig-sizes.c" <<'C'
#include <linux/kvm_host.h>
int rig_sizes[] = {
	sizeof(struct kvm), sizeof(struct kvm_arch),
	sizeof(struct kvm_vcpu), sizeof(struct kvm_vcpu_arch),
};
C
	cmd=$(sed -E -e 's# -Wp,-MMD,[^ ]+##' -e 's# -c -o [^ ]+ [^ ]+arm\.c.*$##' <<<"$cmd")
	(cd "$obj" && eval "$cmd -S -o rig-sizes.s rig-sizes.c") ||
		die "compiling the size probe failed"
	awk '/^rig_sizes:/ { on = 1; next } on && /\.word/ { printf "%s ", $2; if (++n == 4) exit }' "$obj/rig-sizes.s"
	rm -f "$obj/rig-sizes.c" "$obj/rig-sizes.s"
}

read -r kvm arch vcpu varch <<<"$(probe "$TREE" "$BUILD/kbuild-w1")"
read -r bkvm barch bvcpu bvarch <<<"$(probe "$BASEWT" "$BUILD/kbuild-w1-base")"
printf '%-22s %8s %8s %8s\n' structure base series added
printf '%-22s %8d %8d %+8d\n' "struct kvm" "$bkvm" "$kvm" $((kvm - bkvm))
printf '%-22s %8d %8d %+8d\n' "  struct kvm_arch" "$barch" "$arch" $((arch - barch))
printf '%-22s %8d %8d %+8d\n' "struct kvm_vcpu" "$bvcpu" "$vcpu" $((vcpu - bvcpu))
printf '%-22s %8d %8d %+8d\n' "  struct kvm_vcpu_arch" "$bvarch" "$varch" $((varch - bvarch))
