// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host unit test of libarm64cpumodel's KVM half (cpumodel-kvm.c), built
 * natively by tests/cpumodel/run.sh against the patched tree's arm64 uapi
 * headers and linked with -Wl,--wrap=ioctl: every ioctl it makes goes to
 * the fake KVM below, so that what the library does with what KVM answers
 * can be checked without /dev/kvm.  The fake keeps one value per register
 * and vCPU, answers KVM_CHECK_EXTENSION(KVM_CAP_ARM_OOT_REG_SCOPE) and the
 * VM-scoped register list as a test sets them, and refuses file
 * descriptors that are not its own.
 *
 * Usage: kvm-mock-test PROFILE.json (a fixture, applied as the model).
 * Prints "pass  cpumodel/NAME" or "FAIL  cpumodel/NAME: why" per check,
 * like tests/cpumodel/run.sh; exit status 1 on a failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "cpumodel.h"
#include "kvm-reg-list.h"

#define FD_KVM		900
#define FD_VM		901
#define FD_VCPU		910	/* vCPU i is FD_VCPU + i */
#define NVCPU		2
#define MAX_REGS	512

static struct {
	int scope_cap;			/* KVM_CHECK_EXTENSION(KVM_CAP_ARM_OOT_REG_SCOPE) */
	int scope_errno;		/* the list fails with this, if not 0 */
	int nscoped;
	uint64_t scoped[8];		/* the VM-scoped ids it lists */
	/* what it saw */
	int calls, stray, attr_calls;
	int sets[NVCPU];
	uint64_t set_id[NVCPU][MAX_REGS];
	/* register values: ids[i] has val[vcpu][i] */
	int nids;
	uint64_t ids[MAX_REGS], val[NVCPU][MAX_REGS];
} fake;

static int failures;

static void check(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("pass  cpumodel/%s\n", name);
		return;
	}
	printf("FAIL  cpumodel/%s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures++;
}

/* A register's value on @vcpu; the VM-scoped ones are the VM's (kept as vCPU 0's). */
static uint64_t *reg_slot(int vcpu, uint64_t id)
{
	int i;

	for (i = 0; fake.scope_cap && i < fake.nscoped; i++)
		if (fake.scoped[i] == id)
			vcpu = 0;
	for (i = 0; i < fake.nids; i++)
		if (fake.ids[i] == id)
			return &fake.val[vcpu][i];
	if (fake.nids == MAX_REGS)
		return NULL;
	fake.ids[fake.nids] = id;
	return &fake.val[vcpu][fake.nids++];
}

int __wrap_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...)
{
	bool u32;
	uint64_t *v;
	va_list ap;
	void *arg;
	int vcpu;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	fake.calls++;
	vcpu = fd - FD_VCPU;
	if (fd != FD_KVM && fd != FD_VM && (vcpu < 0 || vcpu >= NVCPU)) {
		fake.stray++;
		errno = EBADF;
		return -1;
	}
	switch (req) {
	case KVM_CHECK_EXTENSION:
		return (unsigned long)arg == KVM_CAP_ARM_OOT_REG_SCOPE ? fake.scope_cap : 0;
	case KVM_GET_DEVICE_ATTR: {
		struct kvm_device_attr *a = arg;
		struct kvm_reg_list *l = (void *)(unsigned long)a->addr;
		__u64 n;

		if (fd < FD_VCPU || a->group != KVM_ARM_VCPU_OOT_REG_SCOPE_CTRL ||
		    a->attr != KVM_ARM_VCPU_OOT_VM_SCOPED_REGS)
			break;
		fake.attr_calls++;
		if (fake.scope_errno) {
			errno = fake.scope_errno;
			return -1;
		}
		n = l->n;
		l->n = fake.nscoped;
		if (n < (__u64)fake.nscoped) {
			errno = E2BIG;
			return -1;
		}
		memcpy(l->reg, fake.scoped, fake.nscoped * sizeof(fake.scoped[0]));
		return 0;
	}
	case KVM_GET_ONE_REG:
	case KVM_SET_ONE_REG: {
		struct kvm_one_reg *r = arg;

		if (fd < FD_VCPU)
			break;
		v = reg_slot(vcpu, r->id);
		if (!v) {
			errno = ENOSPC;
			return -1;
		}
		u32 = (r->id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U32;
		if (req == KVM_GET_ONE_REG) {
			if (u32)
				*(uint32_t *)(unsigned long)r->addr = (uint32_t)*v;
			else
				*(uint64_t *)(unsigned long)r->addr = *v;
		} else {
			*v = u32 ? *(uint32_t *)(unsigned long)r->addr :
				   *(uint64_t *)(unsigned long)r->addr;
			if (fake.sets[vcpu] < MAX_REGS)
				fake.set_id[vcpu][fake.sets[vcpu]++] = r->id;
		}
		return 0;
	}
	}
	errno = ENOTTY;
	return -1;
}

static void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
}

static bool was_set(int vcpu, uint64_t id)
{
	int i;

	for (i = 0; i < fake.sets[vcpu]; i++)
		if (fake.set_id[vcpu][i] == id)
			return true;
	return false;
}

/* The line of @rep that contains @s, or NULL. */
static const char *line_with(const struct cm_report *rep, const char *s)
{
	size_t i;

	for (i = 0; i < rep->n; i++)
		if (strstr(rep->line[i], s))
			return rep->line[i];
	return NULL;
}

static const char *all_lines(const struct cm_report *rep)
{
	static char buf[4096];
	size_t i, o = 0;

	buf[0] = 0;
	for (i = 0; i < rep->n && o < sizeof(buf); i++)
		o += snprintf(buf + o, sizeof(buf) - o, "%s%s", i ? " | " : "", rep->line[i]);
	return buf;
}

/* A 2-vCPU VM of the fake KVM, as cm_vm_create() would leave it. */
static void fake_vm(struct cm_vm *v, const struct cm_profile *host)
{
	int i;

	memset(v, 0, sizeof(*v));
	v->kvm = FD_KVM;
	v->vm = FD_VM;
	v->nr_vcpus = NVCPU;
	for (i = 0; i < NVCPU; i++)
		v->vcpu[i] = FD_VCPU + i;
	v->host = *host;
}

int main(int argc, char **argv)
{
	uint64_t pfr0 = cm_slot_kvm_id(cm_slot_by_name("ID_AA64PFR0_EL1"));
	uint64_t isar0 = cm_slot_kvm_id(cm_slot_by_name("ID_AA64ISAR0_EL1"));
	uint64_t midr = cm_slot_kvm_id(CM_SLOT_MIDR);
	struct cm_report rep = { 0 };
	struct cm_profile m;
	const char *l;
	struct cm_vm v;
	int ret, r2, r3, r4;

	if (argc != 2 || cm_load(argv[1], &m, &rep)) {
		fprintf(stderr, "usage: kvm-mock-test PROFILE.json (%s)\n", all_lines(&rep));
		return 2;
	}
	cm_report_free(&rep);
	/* As a model: every register written (the fake reads 0), no identity. */
	m.impl_set = false;

	/*
	 * No VM: cm_vm_create() refused the vCPU count.  It leaves no VM (the
	 * struct was garbage before), and nothing takes it for one.
	 */
	fake_reset();
	memset(&v, 0xa5, sizeof(v));
	ret = cm_vm_create(&v, &m, 0, &rep);
	check(ret == -1 && v.nr_vcpus == 0 && v.kvm == -1 && v.vm == -1 && !fake.calls,
	      "kvm-create-zero-vcpus-no-vm", "returned %d, nr_vcpus %d, kvm %d, vm %d, %d ioctls",
	      ret, v.nr_vcpus, v.kvm, v.vm, fake.calls);
	cm_report_free(&rep);
	/*
	 * cm_vm_destroy() of a struct only zeroed (never created) closes
	 * nothing: not fd 0, which is the caller's (here /dev/null).
	 */
	{
		int saved = dup(0), nul = open("/dev/null", O_RDONLY), ok0;

		dup2(nul, 0);
		memset(&v, 0, sizeof(v));
		cm_vm_destroy(&v);
		ok0 = fcntl(0, F_GETFD) != -1;
		check(ok0 && v.kvm == -1 && v.vm == -1 && v.nr_vcpus == 0 && !fake.calls,
		      "kvm-destroy-zeroed-keeps-fd0", "fd 0 %s, kvm %d, vm %d, nr_vcpus %d",
		      ok0 ? "open" : "closed", v.kvm, v.vm, v.nr_vcpus);
		/* Twice, and a struct with "no fd" (-1) everywhere: nothing closed either. */
		cm_vm_destroy(&v);
		dup2(nul, 0);
		memset(&v, 0, sizeof(v));
		v.kvm = v.vm = -1;
		v.nr_vcpus = 1;
		v.vcpu[0] = -1;
		cm_vm_destroy(&v);
		check(fcntl(0, F_GETFD) != -1 && v.kvm == -1 && v.vm == -1,
		      "kvm-destroy-no-fds-keeps-fd0", "fd 0 closed or struct not reset");
		if (saved >= 0) {
			dup2(saved, 0);
			close(saved);
		} else {
			close(0);
		}
		close(nul);
	}
	/* As any failed cm_vm_create() leaves it (> 0: a capability the host lacks). */
	memset(&v, 0, sizeof(v));
	v.kvm = v.vm = -1;
	ret = cm_apply(&v, &m, CM_APPLY_NO_PRECHECK, &rep);
	check(ret != 0 && line_with(&rep, "apply: the VM has no vCPU") && !fake.calls,
	      "kvm-apply-no-vm", "returned %d after %d ioctls (%d on foreign fds): %s", ret,
	      fake.calls, fake.stray, all_lines(&rep));
	cm_report_free(&rep);
	ret = cm_verify(&v, &m, &rep);
	check(ret != 0 && line_with(&rep, "verify: the VM has no vCPU") && !fake.calls,
	      "kvm-verify-no-vm", "returned %d after %d ioctls: %s", ret, fake.calls,
	      all_lines(&rep));
	cm_report_free(&rep);
	ret = cm_verify_guest(&v, 0, &m, &rep);
	r2 = cm_verify_guest_discovery(&v, 0, &m, &rep);
	check(ret != 0 && r2 != 0 && line_with(&rep, "verify from guest code: the VM has no vCPU") &&
	      line_with(&rep, "verify discovery from guest code: the VM has no vCPU") && !fake.calls,
	      "kvm-verify-guest-no-vm", "returned %d/%d after %d ioctls: %s", ret, r2, fake.calls,
	      all_lines(&rep));
	cm_report_free(&rep);
	fake_vm(&v, &m);
	ret = cm_verify_guest(&v, NVCPU, &m, &rep);
	r2 = cm_verify_guest(&v, -1, &m, &rep);
	check(ret != 0 && r2 != 0 && line_with(&rep, "no vCPU 2, the VM has 2") &&
	      line_with(&rep, "no vCPU -1, the VM has 2") && !fake.calls,
	      "kvm-verify-guest-no-such-vcpu", "returned %d/%d after %d ioctls: %s", ret, r2,
	      fake.calls, all_lines(&rep));
	cm_report_free(&rep);

	/*
	 * KVM_CAP_ARM_OOT_REG_SCOPE: the VM-scoped registers of the model are
	 * written through vCPU 0 only, and counted as such (MIDR_EL1 is listed
	 * but this model sets no identity; BMAP_2 is no slot of a profile).
	 */
	fake_reset();
	fake.scope_cap = 1;
	fake.scoped[fake.nscoped++] = midr;
	fake.scoped[fake.nscoped++] = pfr0;
	fake.scoped[fake.nscoped++] = isar0;
	fake.scoped[fake.nscoped++] = KVM_REG_ARM_FW_FEAT_BMAP_REG(3);
	fake_vm(&v, &m);
	ret = cm_apply(&v, &m, CM_APPLY_NO_PRECHECK, &rep);
	l = line_with(&rep, "through vCPU 0 only");
	check(!ret && l && !strncmp(l, "2 VM-scoped registers read and written through vCPU 0 only, skipped on the other 1 vCPU", 86),
	      "kvm-apply-scope-count", "returned %d: %s", ret, all_lines(&rep));
	check(!ret && was_set(0, pfr0) && was_set(0, isar0) && !was_set(1, pfr0) &&
	      !was_set(1, isar0) && was_set(1, cm_slot_kvm_id(CM_SLOT_CLIDR)) && !was_set(0, midr),
	      "kvm-apply-scope-vcpu0-only", "vCPU 0 wrote %d registers, vCPU 1 %d", fake.sets[0],
	      fake.sets[1]);
	cm_report_free(&rep);
	ret = cm_verify(&v, &m, &rep);
	check(!ret, "kvm-apply-scope-verify", "returned %d: %s", ret, all_lines(&rep));
	cm_report_free(&rep);

	/* The kernel has the capability and the list fails: said, and every vCPU written. */
	fake_reset();
	fake.scope_cap = 1;
	fake.scope_errno = EPERM;
	fake_vm(&v, &m);
	ret = cm_apply(&v, &m, CM_APPLY_NO_PRECHECK, &rep);
	check(!ret && line_with(&rep, "KVM_CAP_ARM_OOT_REG_SCOPE: this kernel has it, but listing the VM-scoped registers failed: Operation not permitted (errno 1)") &&
	      !line_with(&rep, "through vCPU 0 only") && was_set(0, pfr0) && was_set(1, pfr0),
	      "kvm-apply-scope-list-fails", "returned %d, vCPU 1 wrote %d registers: %s", ret,
	      fake.sets[1], all_lines(&rep));
	cm_report_free(&rep);

	/* Without the capability the list is not asked for, nor is anything said. */
	fake_reset();
	fake.scoped[fake.nscoped++] = pfr0;
	fake_vm(&v, &m);
	ret = cm_apply(&v, &m, CM_APPLY_NO_PRECHECK, &rep);
	r3 = fake.attr_calls;
	r4 = fake.sets[1];
	check(!ret && !r3 && !line_with(&rep, "KVM_CAP_ARM_OOT_REG_SCOPE") && was_set(1, pfr0) &&
	      r4 == fake.sets[0],
	      "kvm-apply-no-scope-cap", "returned %d, %d list calls, vCPU 0/1 wrote %d/%d registers: %s",
	      ret, r3, fake.sets[0], r4, all_lines(&rep));
	cm_report_free(&rep);
	return failures ? 1 : 0;
}
