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

/*
 * Fetch a list the way KVM_GET_REG_LIST and the calls shaped like it work:
 * @get(fd, list) with n = 0 fails with E2BIG and writes the count, then
 * fills a list that large.  The list (free() it), or NULL with errno set.
 */
static inline struct kvm_reg_list *
kvm_fetch_reg_list(int fd, int (*get)(int fd, struct kvm_reg_list *l))
{
	struct kvm_reg_list probe = { .n = 0 }, *l;

	if (!get(fd, &probe))
		errno = EPROTO;		/* an empty list cannot be */
	if (errno != E2BIG)
		return NULL;
	l = calloc(1, sizeof(*l) + probe.n * sizeof(__u64));
	if (!l)
		return NULL;
	l->n = probe.n;
	if (get(fd, l)) {
		free(l);
		return NULL;
	}
	return l;
}

static inline int kvm_get_reg_list_ioctl(int fd, struct kvm_reg_list *l)
{
	return ioctl(fd, KVM_GET_REG_LIST, l);
}

/* The vCPU's register list (free() it), or NULL with errno set. */
static inline struct kvm_reg_list *kvm_reg_list(int vcpu_fd)
{
	return kvm_fetch_reg_list(vcpu_fd, kvm_get_reg_list_ioctl);
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

static inline int kvm_get_vm_scoped_attr(int fd, struct kvm_reg_list *l)
{
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VCPU_OOT_REG_SCOPE_CTRL,
		.attr = KVM_ARM_VCPU_OOT_VM_SCOPED_REGS,
		.addr = (__u64)(unsigned long)l,
	};

	return ioctl(fd, KVM_GET_DEVICE_ATTR, &attr);
}

/*
 * The vCPU's VM-scoped registers, in the order of KVM_GET_REG_LIST (free()
 * it), or NULL with errno set (ENXIO: the kernel does not report them).
 */
static inline struct kvm_reg_list *kvm_vm_scoped_reg_list(int vcpu_fd)
{
	return kvm_fetch_reg_list(vcpu_fd, kvm_get_vm_scoped_attr);
}

#endif
