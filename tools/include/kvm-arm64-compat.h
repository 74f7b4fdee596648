/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mainline's numbers for the KVM/arm64 guest-ABI uapi this series
 * backports (same values), so the rig's tools also build against the
 * headers of a kernel without the series.  Include after <linux/kvm.h>.
 */
#ifndef KVM_ARM64_COMPAT_H
#define KVM_ARM64_COMPAT_H

#ifndef KVM_CAP_COUNTER_OFFSET
#define KVM_CAP_COUNTER_OFFSET 227
#endif
#ifndef KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES
#define KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES 230
#endif
#ifndef KVM_CAP_ARM_WRITABLE_IMP_ID_REGS
#define KVM_CAP_ARM_WRITABLE_IMP_ID_REGS 239
#endif
#ifndef KVM_ARM_FEATURE_ID_RANGE
#define KVM_ARM_FEATURE_ID_RANGE	0
#define KVM_ARM_FEATURE_ID_RANGE_SIZE	(3 * 8 * 8)
struct reg_mask_range {
	__u64 addr;
	__u32 range;
	__u32 reserved[13];
};
#endif
#ifndef KVM_ARM_GET_REG_WRITABLE_MASKS
#define KVM_ARM_GET_REG_WRITABLE_MASKS _IOR(KVMIO, 0xb6, struct reg_mask_range)
#endif
#ifndef KVM_ARM_SET_COUNTER_OFFSET
struct kvm_arm_counter_offset {
	__u64 counter_offset;
	__u64 reserved;
};
#define KVM_ARM_SET_COUNTER_OFFSET _IOW(KVMIO, 0xb5, struct kvm_arm_counter_offset)
#endif
/* The SMCCC filter (VM device attribute) and its KVM_EXIT_HYPERCALL flags. */
#ifndef KVM_ARM_VM_SMCCC_FILTER
#define KVM_ARM_VM_SMCCC_CTRL		0
#define KVM_ARM_VM_SMCCC_FILTER	0
#define KVM_SMCCC_FILTER_HANDLE		0
#define KVM_SMCCC_FILTER_DENY		1
#define KVM_SMCCC_FILTER_FWD_TO_USER	2
struct kvm_smccc_filter {
	__u32 base;
	__u32 nr_functions;
	__u8 action;
	__u8 pad[15];
};
#endif
#ifndef KVM_HYPERCALL_EXIT_SMC
#define KVM_HYPERCALL_EXIT_SMC		(1U << 0)
#define KVM_HYPERCALL_EXIT_16BIT	(1U << 1)
#endif
#ifndef KVM_EXIT_HYPERCALL
#define KVM_EXIT_HYPERCALL		3
#endif
/* KVM vendor hypervisor services 64-127 (target-implementation discovery). */
#ifndef KVM_REG_ARM_VENDOR_HYP_BMAP_2
#define KVM_REG_ARM_VENDOR_HYP_BMAP_2			KVM_REG_ARM_FW_FEAT_BMAP_REG(3)
#define KVM_REG_ARM_VENDOR_HYP_BIT_DISCOVER_IMPL_VER	0
#define KVM_REG_ARM_VENDOR_HYP_BIT_DISCOVER_IMPL_CPUS	1
#endif

#endif
