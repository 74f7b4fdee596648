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

#endif
