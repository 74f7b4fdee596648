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

#endif
