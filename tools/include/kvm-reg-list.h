/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM_GET_REG_LIST as every VMM calls it: ask for the count (E2BIG), then
 * for the list.  Shared by the cpumodel library and kvm-bench.
 */
#ifndef KVM_REG_LIST_H
#define KVM_REG_LIST_H

#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

/* The vCPU's register list (free() it), or NULL with errno set. */
static inline struct kvm_reg_list *kvm_reg_list(int vcpu_fd)
{
	struct kvm_reg_list probe = { .n = 0 }, *l;

	if (!ioctl(vcpu_fd, KVM_GET_REG_LIST, &probe))
		errno = EPROTO;		/* an empty list cannot be */
	if (errno != E2BIG)
		return NULL;
	l = calloc(1, sizeof(*l) + probe.n * sizeof(__u64));
	if (!l)
		return NULL;
	l->n = probe.n;
	if (ioctl(vcpu_fd, KVM_GET_REG_LIST, l)) {
		free(l);
		return NULL;
	}
	return l;
}

/*
 * Out of tree (the 6.1 series' patch "Report the VM-scoped registers to
 * userspace", not in mainline): the ids of KVM_GET_REG_LIST whose value is
 * the VM's, so that a VMM reads and writes them through one vCPU only.
 */
#ifndef KVM_CAP_ARM_OOT_REG_SCOPE
#define KVM_CAP_ARM_OOT_REG_SCOPE		1001
#endif
#ifndef KVM_ARM_VCPU_OOT_REG_SCOPE_CTRL
#define KVM_ARM_VCPU_OOT_REG_SCOPE_CTRL		1000
#define KVM_ARM_VCPU_OOT_VM_SCOPED_REGS		0
#endif

/*
 * The vCPU's VM-scoped registers, in the order of KVM_GET_REG_LIST (free()
 * it), or NULL with errno set (ENXIO: the kernel does not report them).
 */
static inline struct kvm_reg_list *kvm_vm_scoped_reg_list(int vcpu_fd)
{
	struct kvm_reg_list probe = { .n = 0 }, *l;
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VCPU_OOT_REG_SCOPE_CTRL,
		.attr = KVM_ARM_VCPU_OOT_VM_SCOPED_REGS,
		.addr = (__u64)(unsigned long)&probe,
	};

	if (!ioctl(vcpu_fd, KVM_GET_DEVICE_ATTR, &attr))
		errno = EPROTO;		/* firmware registers are always there */
	if (errno != E2BIG)
		return NULL;
	l = calloc(1, sizeof(*l) + probe.n * sizeof(__u64));
	if (!l)
		return NULL;
	l->n = probe.n;
	attr.addr = (__u64)(unsigned long)l;
	if (ioctl(vcpu_fd, KVM_GET_DEVICE_ATTR, &attr)) {
		free(l);
		return NULL;
	}
	return l;
}

#endif
