// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-regs: the registers QEMU 7.2 "-cpu host" migrates, with their
 * values, on the running kernel (make compat's diagnosis, run in the
 * emulated host before QEMU).  One vCPU is set up as QEMU's
 * kvm_arch_init_vcpu() does it: the preferred target, PSCI 0.2, the PMU
 * when KVM offers it, SVE (finalized) and both pointer-auth features
 * when offered.  QEMU migrates every KVM_GET_REG_LIST entry but the core
 * and SVE registers (kvm_arm_reg_syncs_via_cpreg_list()), in the order
 * of the list (sorted), so that is the list printed:
 *   count N
 *   0x<id> 0x<value>
 * "kvm-regs load FILE" writes such a list (another kernel's) into the
 * fresh vCPU in ascending ID order, as QEMU's write_list_to_kvmstate() does
 * on an incoming migration, and prints every register KVM refuses:
 *   reject 0x<id> 0x<value> <errno name>
 *   loaded N rejected M missing K
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "../../tools/include/kvm-reg-list.h"

static int cap(int kvm, long c)
{
	int r = ioctl(kvm, KVM_CHECK_EXTENSION, c);

	return r > 0 ? r : 0;
}

struct regval {
	unsigned long long id, v;
};

static int cmp_id(const void *a, const void *b)
{
	const struct regval *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int load(int vcpu, const char *file)
{
	static struct regval rv[4096];
	unsigned long long id, v;
	unsigned int n = 0, bad = 0, missing = 0;
	char line[256];
	FILE *f = fopen(file, "r");

	if (!f) {
		perror(file);
		return 1;
	}
	while (n < 4096 && fgets(line, sizeof(line), f))
		if (sscanf(line, "0x%llx 0x%llx", &rv[n].id, &rv[n].v) == 2)
			n++;
	fclose(f);
	/* QEMU sorts the list (kvm_arm_init_cpreg_list()) and writes in that order */
	qsort(rv, n, sizeof(rv[0]), cmp_id);
	for (unsigned int i = 0; i < n; i++) {
		struct kvm_one_reg r;

		id = rv[i].id;
		v = rv[i].v;
		r.id = id;
		r.addr = (uintptr_t)&v;
		if (!ioctl(vcpu, KVM_SET_ONE_REG, &r))
			continue;
		if (errno == ENOENT)
			missing++;
		else
			bad++;
		printf("reject 0x%llx 0x%llx %s\n", id, v,
		       errno == ENOENT ? "ENOENT" : errno == EINVAL ? "EINVAL" :
		       errno == EPERM ? "EPERM" : errno == EBUSY ? "EBUSY" : strerror(errno));
	}
	printf("loaded %u rejected %u missing %u\n", n, bad, missing);
	return 0;
}

int main(int argc, char **argv)
{
	struct kvm_vcpu_init init;
	struct kvm_reg_list *l;
	int kvm, vm, vcpu, feat;
	unsigned int n = 0;

	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0) {
		perror("/dev/kvm");
		return 1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0 || (vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0) {
		perror("KVM_CREATE_VM/VCPU");
		return 1;
	}
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init)) {
		perror("KVM_ARM_PREFERRED_TARGET");
		return 1;
	}
	memset(init.features, 0, sizeof(init.features));
	init.features[0] |= 1 << KVM_ARM_VCPU_PSCI_0_2;
	if (cap(kvm, KVM_CAP_ARM_PMU_V3))
		init.features[0] |= 1 << KVM_ARM_VCPU_PMU_V3;
	if (cap(kvm, KVM_CAP_ARM_SVE))
		init.features[0] |= 1 << KVM_ARM_VCPU_SVE;
	if (cap(kvm, KVM_CAP_ARM_PTRAUTH_ADDRESS) && cap(kvm, KVM_CAP_ARM_PTRAUTH_GENERIC))
		init.features[0] |= 1 << KVM_ARM_VCPU_PTRAUTH_ADDRESS |
				    1 << KVM_ARM_VCPU_PTRAUTH_GENERIC;
	if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init)) {
		perror("KVM_ARM_VCPU_INIT");
		return 1;
	}
	feat = KVM_ARM_VCPU_SVE;
	if ((init.features[0] & 1 << KVM_ARM_VCPU_SVE) &&
	    ioctl(vcpu, KVM_ARM_VCPU_FINALIZE, &feat)) {
		perror("KVM_ARM_VCPU_FINALIZE");
		return 1;
	}
	if (argc == 3 && !strcmp(argv[1], "load"))
		return load(vcpu, argv[2]);
	l = kvm_reg_list(vcpu);
	if (!l) {
		perror("KVM_GET_REG_LIST");
		return 1;
	}
	for (unsigned int i = 0; i < l->n; i++) {
		__u64 id = l->reg[i];
		if ((id & KVM_REG_ARM_COPROC_MASK) == KVM_REG_ARM_CORE ||
		    (id & KVM_REG_ARM_COPROC_MASK) == KVM_REG_ARM64_SVE)
			continue;
		n++;
	}
	printf("count %u target %u features 0x%x\n", n, init.target, init.features[0]);
	for (unsigned int i = 0; i < l->n; i++) {
		__u64 id = l->reg[i], v = 0;
		struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)&v };

		if ((id & KVM_REG_ARM_COPROC_MASK) == KVM_REG_ARM_CORE ||
		    (id & KVM_REG_ARM_COPROC_MASK) == KVM_REG_ARM64_SVE)
			continue;
		if (ioctl(vcpu, KVM_GET_ONE_REG, &r))
			printf("0x%llx error:%s\n", (unsigned long long)id, strerror(errno));
		else
			printf("0x%llx 0x%llx\n", (unsigned long long)id, (unsigned long long)v);
	}
	return 0;
}
