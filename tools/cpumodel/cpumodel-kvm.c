// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libarm64cpumodel, KVM half: probe a host, create a VM for a model,
 * apply the model, read it back from userspace and from guest code.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "cpumodel.h"
#include "cpumodel-int.h"

#include "kvm-arm64-compat.h"
#include "kvm-reg-list.h"

/*
 * The series' out-of-tree VM capability (patch 0026, include/uapi/linux/kvm.h
 * of the patched tree; mainline has no such number): wider writable masks
 * for a VM that enables it before creating vCPUs.  0 from
 * KVM_CHECK_EXTENSION and EINVAL from KVM_ENABLE_CAP on other kernels.
 */
#ifndef KVM_CAP_ARM_OOT_FLEET_ID_REGS
#define KVM_CAP_ARM_OOT_FLEET_ID_REGS 1000
#endif
_Static_assert(KVM_CAP_ARM_OOT_FLEET_ID_REGS == CM_KVM_CAP_FLEET_ID_REGS, "fleet capability");

_Static_assert(CM_KVM_REG_ARM64 == KVM_REG_ARM64, "KVM_REG_ARM64");
_Static_assert(CM_KVM_REG_SIZE_U64 == KVM_REG_SIZE_U64, "KVM_REG_SIZE_U64");
_Static_assert(CM_KVM_REG_SIZE_U32 == KVM_REG_SIZE_U32, "KVM_REG_SIZE_U32");
_Static_assert(CM_KVM_SYSREG == KVM_REG_ARM64_SYSREG, "KVM_REG_ARM64_SYSREG");
_Static_assert(CM_KVM_DEMUX == KVM_REG_ARM_DEMUX, "KVM_REG_ARM_DEMUX");
_Static_assert(CM_KVM_FW == KVM_REG_ARM_FW, "KVM_REG_ARM_FW");
_Static_assert(CM_KVM_FW_BMAP == KVM_REG_ARM_FW_FEAT_BMAP, "KVM_REG_ARM_FW_FEAT_BMAP");
_Static_assert(CM_FEAT_SVE == KVM_ARM_VCPU_SVE && CM_FEAT_PMU_V3 == KVM_ARM_VCPU_PMU_V3 &&
	       CM_FEAT_PSCI_0_2 == KVM_ARM_VCPU_PSCI_0_2 &&
	       CM_FEAT_PTRAUTH_ADDRESS == KVM_ARM_VCPU_PTRAUTH_ADDRESS &&
	       CM_FEAT_PTRAUTH_GENERIC == KVM_ARM_VCPU_PTRAUTH_GENERIC &&
	       CM_FEAT_EL1_32BIT == KVM_ARM_VCPU_EL1_32BIT, "vCPU feature bits");

#define GUEST_IPA	0x40000000ULL
#define GUEST_SIZE	0x10000UL
#define GUEST_DATA	0x8000UL
#define GUEST_MMIO	0x20000000ULL	/* no memslot: a store exits to us */
#define GUEST_DISC_CODE	0x4000UL	/* cm_verify_guest_discovery() */
#define GUEST_DISC_DATA	0xc000UL

/* PMCR_EL0 and its N field, the number of event counters. */
#define PMCR_ID		ARM64_SYS_REG(3, 3, 9, 12, 0)
#define PMCR_N_SHIFT	11
#define PMCR_N_MASK	(0x1fULL << PMCR_N_SHIFT)
#define PMCR_N(v)	((unsigned int)(((v) & PMCR_N_MASK) >> PMCR_N_SHIFT))
#define DISCOVERY_BITS	(1ULL << KVM_REG_ARM_VENDOR_HYP_BIT_DISCOVER_IMPL_VER | \
			 1ULL << KVM_REG_ARM_VENDOR_HYP_BIT_DISCOVER_IMPL_CPUS)
#define SMCCC_KVM_FEATURES	0x86000000u
#define SMCCC_INVALID_PARAMETER	((uint64_t)-3)

_Static_assert(CM_SMCCC_DISCOVER_IMPL_VER == 0xc6000040u &&
	       CM_SMCCC_DISCOVER_IMPL_CPUS == CM_SMCCC_DISCOVER_IMPL_VER + 1, "discovery IDs");
_Static_assert(KVM_REG_ARM_VENDOR_HYP_BMAP_2 == 0x6030000000160003ULL, "BMAP_2");

static int get_reg(int fd, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg r = { .id = id };
	uint32_t v32 = 0;

	*val = 0;
	r.addr = (id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U32 ? (uintptr_t)&v32 : (uintptr_t)val;
	if (ioctl(fd, KVM_GET_ONE_REG, &r))
		return -errno;
	if ((id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U32)
		*val = v32;
	return 0;
}

static int set_reg(int fd, uint64_t id, uint64_t val)
{
	struct kvm_one_reg r = { .id = id };
	uint32_t v32 = (uint32_t)val;

	r.addr = (id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U32 ? (uintptr_t)&v32 : (uintptr_t)&val;
	return ioctl(fd, KVM_SET_ONE_REG, &r) ? -errno : 0;
}

static uint64_t core_reg(size_t off);

static bool listed(const struct kvm_reg_list *l, uint64_t id)
{
	uint64_t i;

	for (i = 0; i < l->n; i++)
		if (l->reg[i] == id)
			return true;
	return false;
}

/*
 * Features this host offers.  Probe enables them all but SVE and EL1_32BIT
 * (@all false): vector lengths are not part of a profile, and its VM is
 * AArch64.
 */
static unsigned int host_features(int kvm, bool all)
{
	unsigned int f = 1u << CM_FEAT_PSCI_0_2;

	if (ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PMU_V3) > 0)
		f |= 1u << CM_FEAT_PMU_V3;
	if (all && ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_SVE) > 0)
		f |= 1u << CM_FEAT_SVE;
	if (all && ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_EL1_32BIT) > 0)
		f |= 1u << CM_FEAT_EL1_32BIT;
	if (ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PTRAUTH_ADDRESS) > 0 &&
	    ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PTRAUTH_GENERIC) > 0)
		f |= 1u << CM_FEAT_PTRAUTH_ADDRESS | 1u << CM_FEAT_PTRAUTH_GENERIC;
	return f;
}

/*
 * "No fd" is -1: every create path (vm_open(), cm_vm_create()) sets the
 * fds to -1 before opening anything, and so does this.  A struct the
 * caller only zeroed (memset, "= { 0 }") was never created: its kvm and
 * vm fds are both 0, which two open fds can never be, so nothing of it is
 * closed (fd 0 is not ours).  vCPU fds < 0 are skipped as well.
 */
static void vm_close(struct cm_vm *v)
{
	int i;

	if (v->nr_vcpus <= 0 && v->kvm == v->vm && !v->mem) {
		memset(v, 0, sizeof(*v));
		v->kvm = v->vm = -1;
		return;
	}
	for (i = 0; i < v->nr_vcpus && i < (int)(sizeof(v->vcpu) / sizeof(v->vcpu[0])); i++)
		if (v->vcpu[i] >= 0)
			close(v->vcpu[i]);
	if (v->mem)
		munmap(v->mem, v->mem_size);
	if (v->vm >= 0)
		close(v->vm);
	if (v->kvm >= 0)
		close(v->kvm);
	memset(v, 0, sizeof(*v));
	v->kvm = v->vm = -1;
}

void cm_vm_destroy(struct cm_vm *v)
{
	vm_close(v);
}

/*
 * A VM with @nr_vcpus vCPUs.  @imp_cap: enable KVM_CAP_ARM_WRITABLE_IMP_ID_REGS
 * if the host has it.  @fleet: enable KVM_CAP_ARM_OOT_FLEET_ID_REGS, which
 * must succeed when @fleet is 2 (the model requires it; returns 1 if the
 * host lacks it) and is optional when 1 (probe).  Both before the vCPUs.
 * A vCPU feature the host does not offer: returns 1.  With SVE, the vCPUs
 * are finalized with the host's vector lengths (KVM_ARM_VCPU_FINALIZE)
 * before anything reads their registers.
 */
static int vm_open(struct cm_vm *v, bool imp_cap, int fleet, int nr_vcpus,
		   unsigned int features, struct cm_report *rep)
{
	struct kvm_vcpu_init init;
	int i;

	memset(v, 0, sizeof(*v));
	v->vm = -1;
	v->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (v->kvm < 0) {
		cm_report_add(rep, true, "/dev/kvm: %s", strerror(errno));
		return -1;
	}
	if (features & ~host_features(v->kvm, true)) {
		int b;

		for (b = 0; b < 32; b++)
			if (features & ~host_features(v->kvm, true) & (1u << b))
				cm_report_add(rep, true, "vCPU feature %s: this host's KVM does not offer it",
					      cm_feature_name(b) ?: "?");
		vm_close(v);
		return 1;
	}
	v->vm = ioctl(v->kvm, KVM_CREATE_VM, 0);
	if (v->vm < 0) {
		cm_report_add(rep, true, "KVM_CREATE_VM: %s", strerror(errno));
		goto fail;
	}
	if (imp_cap && ioctl(v->vm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_WRITABLE_IMP_ID_REGS) > 0) {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_WRITABLE_IMP_ID_REGS };

		if (ioctl(v->vm, KVM_ENABLE_CAP, &cap)) {
			cm_report_add(rep, true, "KVM_ENABLE_CAP(KVM_CAP_ARM_WRITABLE_IMP_ID_REGS): %s",
				      strerror(errno));
			goto fail;
		}
	}
	if (fleet) {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_OOT_FLEET_ID_REGS };

		if (ioctl(v->vm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_OOT_FLEET_ID_REGS) <= 0) {
			if (fleet > 1) {
				cm_report_add(rep, true, "fleet-id-regs: the model requires KVM_CAP_ARM_OOT_FLEET_ID_REGS (%d, out of tree), which this host's kernel lacks: it cannot run here",
					      KVM_CAP_ARM_OOT_FLEET_ID_REGS);
				vm_close(v);
				return 1;
			}
		} else if (ioctl(v->vm, KVM_ENABLE_CAP, &cap)) {
			cm_report_add(rep, true, "KVM_ENABLE_CAP(KVM_CAP_ARM_OOT_FLEET_ID_REGS): %s",
				      strerror(errno));
			goto fail;
		} else {
			v->vm_caps |= CM_CAP_FLEET_ID_REGS;
		}
	}
	if (ioctl(v->vm, KVM_ARM_PREFERRED_TARGET, &init)) {
		cm_report_add(rep, true, "KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
		goto fail;
	}
	init.features[0] = features;
	for (i = 0; i < nr_vcpus && i < (int)(sizeof(v->vcpu) / sizeof(v->vcpu[0])); i++) {
		v->vcpu[i] = ioctl(v->vm, KVM_CREATE_VCPU, i);
		if (v->vcpu[i] < 0) {
			cm_report_add(rep, true, "KVM_CREATE_VCPU %d: %s", i, strerror(errno));
			goto fail;
		}
		v->nr_vcpus++;
		if (ioctl(v->vcpu[i], KVM_ARM_VCPU_INIT, &init)) {
			cm_report_add(rep, true, "KVM_ARM_VCPU_INIT (features 0x%x) on vCPU %d: %s",
				      features, i, strerror(errno));
			goto fail;
		}
		if (features & (1u << CM_FEAT_SVE)) {
			int what = KVM_ARM_VCPU_SVE;

			if (ioctl(v->vcpu[i], KVM_ARM_VCPU_FINALIZE, &what)) {
				cm_report_add(rep, true, "KVM_ARM_VCPU_FINALIZE(KVM_ARM_VCPU_SVE) on vCPU %d: %s",
					      i, strerror(errno));
				goto fail;
			}
		}
	}
	return 0;
fail:
	vm_close(v);
	return -1;
}

/*
 * Is @id in the guest-ABI spaces a profile covers: firmware
 * pseudo-registers (coproc 0x14), SVE (0x15), hypercall bitmaps (0x16),
 * the system registers of the ID space (op0 3, CRn 0) except MPIDR_EL1
 * (the vCPU's topology) and CSSELR_EL1 (state, not identification)?
 */
static bool abi_space(uint64_t id)
{
	uint64_t cp = id & KVM_REG_ARM_COPROC_MASK;
	uint32_t enc = id & 0xffff;

	if (cp == KVM_REG_ARM_FW || cp == KVM_REG_ARM64_SVE || cp == KVM_REG_ARM_FW_FEAT_BMAP)
		return true;
	if (cp != KVM_REG_ARM64_SYSREG || (enc >> 14) != 3 || ((enc >> 7) & 0xf) != 0)
		return false;
	/* MPIDR_EL1 is op0 3, op1 0, CRn 0, CRm 0, op2 5; CSSELR_EL1 has op1 2. */
	return enc != (3 << 14 | 5) && ((enc >> 11) & 7) != 2;
}

/* Registers of those spaces the host lists and the library does not model. */
static void record_unmodelled(int fd, const struct kvm_reg_list *l, struct cm_profile *p,
			      struct cm_report *rep)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct cm_unmodelled *u = &p->unmodelled[p->nr_unmodelled];
		uint64_t sz = l->reg[i] & KVM_REG_SIZE_MASK;

		if (!abi_space(l->reg[i]) || cm_slot_by_kvm_id(l->reg[i]) >= 0)
			continue;
		if (p->nr_unmodelled == CM_MAX_UNMODELLED) {
			cm_report_warn(rep, "more than %d registers this library does not model: 0x%016llx and later ones not recorded",
				       CM_MAX_UNMODELLED, (unsigned long long)l->reg[i]);
			break;
		}
		u->id = l->reg[i];
		u->has_val = (sz == KVM_REG_SIZE_U64 || sz == KVM_REG_SIZE_U32) &&
			     !get_reg(fd, u->id, &u->val);
		p->nr_unmodelled++;
	}
}

/*
 * What vCPU @idx of @v offers: values, masks, listed registers.  The masks
 * are those of this VM: the wide ones if it enabled
 * KVM_CAP_ARM_OOT_FLEET_ID_REGS (probe does, where the kernel has it).
 */
static int read_profile(struct cm_vm *v, int idx, unsigned int features, struct cm_profile *p,
			struct cm_report *rep)
{
	uint64_t masks[KVM_ARM_FEATURE_ID_RANGE_SIZE];	/* 1.5 KiB: no static, callers may be threads */
	struct reg_mask_range range = { .addr = (uintptr_t)masks,
					.range = KVM_ARM_FEATURE_ID_RANGE };
	struct kvm_reg_list *l;
	int s, e[5], err;

	memset(p, 0, sizeof(*p));
	p->features = features;
	memset(masks, 0, sizeof(masks));
	if (ioctl(v->vm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES) > 0) {
		if (ioctl(v->vm, KVM_ARM_GET_REG_WRITABLE_MASKS, &range)) {
			cm_report_add(rep, true, "KVM_ARM_GET_REG_WRITABLE_MASKS: %s", strerror(errno));
			return -1;
		}
		p->caps |= CM_CAP_WRITABLE_MASKS;
	}
	if (ioctl(v->vm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_WRITABLE_IMP_ID_REGS) > 0)
		p->caps |= CM_CAP_WRITABLE_IMP;
	if (ioctl(v->vm, KVM_CHECK_EXTENSION, KVM_CAP_STEAL_TIME) > 0) {
		p->caps |= CM_CAP_STEAL_TIME;
		p->pvtime = true;
	}
	if (ioctl(v->vm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_OOT_FLEET_ID_REGS) > 0)
		p->caps |= CM_CAP_FLEET_ID_REGS;
	l = kvm_reg_list(v->vcpu[idx]);
	if (!l) {
		cm_report_add(rep, true, "KVM_GET_REG_LIST: %s", strerror(errno));
		return -1;
	}
	for (s = 0; s < CM_NR_SLOTS; s++) {
		uint64_t id = cm_slot_kvm_id(s);

		if (!listed(l, id))
			continue;
		err = get_reg(v->vcpu[idx], id, &p->r[s].val);
		if (err) {
			cm_report_add(rep, true, "KVM_GET_ONE_REG %s: %s", cm_slot_name(s), strerror(-err));
			free(l);
			return -1;
		}
		p->r[s].present = true;
		if (cm_slot_enc(s, e))
			p->r[s].mask = masks[cm_mask_index(e)];
	}
	record_unmodelled(v->vcpu[idx], l, p, rep);
	free(l);
	/* The PMU's event counters, of a vCPU that has a PMU. */
	if (features & (1u << CM_FEAT_PMU_V3)) {
		uint64_t pmcr;

		if (!get_reg(v->vcpu[idx], PMCR_ID, &pmcr)) {
			p->pmu_counters_set = true;
			p->pmu_counters = PMCR_N(pmcr);
		}
	}
	return 0;
}

static int read_hex_file(const char *path, uint64_t *v)
{
	FILE *f = fopen(path, "re");
	unsigned long long x;
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%llx", &x) == 1;
	fclose(f);
	*v = x;
	return ok ? 0 : -1;
}

/*
 * The host's CPUs of other implementations than the vCPU's (MIDR_EL1 and
 * REVIDR_EL1 from sysfs; AIDR_EL1, which sysfs lacks, the vCPU's).
 */
static void host_cpu_impls(struct cm_profile *p)
{
	struct cm_impl own = { p->r[CM_SLOT_MIDR].val, p->r[CM_SLOT_REVIDR].val,
			       p->r[CM_SLOT_AIDR].val };
	DIR *d = opendir("/sys/devices/system/cpu");
	struct dirent *e;
	int i;

	if (!d || !p->r[CM_SLOT_MIDR].present) {
		if (d)
			closedir(d);
		return;
	}
	while ((e = readdir(d))) {
		char path[512];
		struct cm_impl im = own;
		unsigned int cpu;
		char c;

		if (sscanf(e->d_name, "cpu%u%c", &cpu, &c) != 1)
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/%s/regs/identification/midr_el1",
			 e->d_name);
		if (read_hex_file(path, &im.midr))
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/%s/regs/identification/revidr_el1",
			 e->d_name);
		if (read_hex_file(path, &im.revidr))
			im.revidr = 0;
		if (!memcmp(&im, &own, sizeof(im)))
			continue;
		for (i = 0; i < p->nr_impls; i++)
			if (!memcmp(&im, &p->impls[i], sizeof(im)))
				break;
		if (i == p->nr_impls && p->nr_impls < CM_MAX_IMPLS - 1)
			p->impls[p->nr_impls++] = im;
	}
	closedir(d);
}

int cm_probe(struct cm_profile *p, const char *name, struct cm_report *rep)
{
	struct cm_vm v;
	struct utsname u;
	unsigned int f;
	int kvm, ret;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		cm_report_add(rep, true, "/dev/kvm: %s", strerror(errno));
		return -1;
	}
	f = host_features(kvm, false);
	close(kvm);
	/* With the fleet capability if the kernel has it: its wider masks. */
	if (vm_open(&v, true, 1, 1, f, rep))
		return -1;
	ret = read_profile(&v, 0, f, p, rep);
	vm_close(&v);
	if (ret)
		return ret;
	host_cpu_impls(p);
	uname(&u);
	snprintf(p->kernel, sizeof(p->kernel), "%s", u.release);
	snprintf(p->name, sizeof(p->name), "%s", name);
	return 0;
}

int cm_vm_create(struct cm_vm *v, const struct cm_profile *model, int nr_vcpus,
		 struct cm_report *rep)
{
	int ret;

	if (nr_vcpus < 1 || nr_vcpus > (int)(sizeof(v->vcpu) / sizeof(v->vcpu[0]))) {
		/* No VM, as on every other failure (vm_close()). */
		memset(v, 0, sizeof(*v));
		v->kvm = v->vm = -1;
		cm_report_add(rep, true, "vCPU count %d out of range 1..256", nr_vcpus);
		return -1;
	}
	ret = vm_open(v, model->impl_set,
		      model->is_model && (model->vm_caps & CM_CAP_FLEET_ID_REGS) ? 2 : 0,
		      nr_vcpus, model->features, rep);
	if (ret)
		return ret;
	/* What this host gives a VM that nobody changed: limits and defaults. */
	if (read_profile(v, 0, host_features(v->kvm, true), &v->host, rep)) {
		vm_close(v);
		return -1;
	}
	return 0;
}

/*
 * A VM cm_vm_create() did not make (it returned non-zero, which leaves
 * nr_vcpus 0 and no file descriptors), or a vCPU *@idx it does not have
 * (@idx NULL: the whole VM): refused with a report line, before any ioctl.
 */
static int no_vm(const struct cm_vm *v, const int *idx, const char *what, struct cm_report *rep)
{
	if (v->nr_vcpus < 1 || v->nr_vcpus > (int)(sizeof(v->vcpu) / sizeof(v->vcpu[0]))) {
		cm_report_add(rep, true, "%s: the VM has no vCPU (nr_vcpus %d; cm_vm_create() failed or was not called): nothing done",
			      what, v->nr_vcpus);
		return 1;
	}
	if (idx && (*idx < 0 || *idx >= v->nr_vcpus)) {
		cm_report_add(rep, true, "%s: no vCPU %d, the VM has %d: nothing done", what, *idx,
			      v->nr_vcpus);
		return 1;
	}
	return 0;
}

/* Does apply write register @s of @model (MIDR/REVIDR/AIDR only with an identity)? */
static bool model_sets(const struct cm_profile *model, int s)
{
	return model->r[s].present && !(s >= CM_SLOT_MIDR && s <= CM_SLOT_AIDR && !model->impl_set);
}

struct undo {
	int vcpu;
	int slot;	/* a profile slot, or UNDO_PMCR/UNDO_BMAP_2 */
	uint64_t old;
};

enum { UNDO_PMCR = CM_NR_SLOTS, UNDO_BMAP_2, UNDO_NR_SLOTS };

static uint64_t undo_id(int slot)
{
	if (slot == UNDO_PMCR)
		return PMCR_ID;
	if (slot == UNDO_BMAP_2)
		return KVM_REG_ARM_VENDOR_HYP_BMAP_2;
	return cm_slot_kvm_id(slot);
}

static const char *undo_name(int slot)
{
	if (slot == UNDO_PMCR)
		return "PMCR_EL0";
	if (slot == UNDO_BMAP_2)
		return "VENDOR_HYP_BMAP_2";
	return cm_slot_name(slot);
}

/*
 * PMCR_EL0.N: a lower N written through any vCPU before the first run is
 * the VM's (KVM ignores a higher one, and any change once the VM has run,
 * so the value is read back).  Plain 6.1 keeps it per vCPU.
 */
static int apply_pmu(struct cm_vm *v, const struct cm_profile *model, struct undo *undo,
		     int *nundo, struct cm_report *rep)
{
	uint64_t old, now;
	int c, err, written = 0;

	for (c = 0; c < v->nr_vcpus; c++) {
		err = get_reg(v->vcpu[c], PMCR_ID, &old);
		if (err) {
			cm_report_add(rep, true, "PMCR_EL0: vCPU %d: %s", c, strerror(-err));
			return 1;
		}
		if (PMCR_N(old) == model->pmu_counters)
			continue;
		err = set_reg(v->vcpu[c], PMCR_ID, (old & ~PMCR_N_MASK) |
			      (uint64_t)model->pmu_counters << PMCR_N_SHIFT);
		if (err) {
			cm_report_add(rep, true, "PMCR_EL0.N: KVM rejected %u (current %u) on vCPU %d: %s",
				      model->pmu_counters, PMCR_N(old), c, strerror(-err));
			return 1;
		}
		undo[(*nundo)++] = (struct undo){ c, UNDO_PMCR, old };
		written++;
		if (get_reg(v->vcpu[c], PMCR_ID, &now) || PMCR_N(now) != model->pmu_counters) {
			cm_report_add(rep, true, "PMCR_EL0.N: KVM kept %u event counters on vCPU %d, not the model's %u (the host has fewer, or the VM has run)",
				      PMCR_N(now), c, model->pmu_counters);
			return 1;
		}
	}
	cm_report_add(rep, false, "PMCR_EL0.N = %u event counters%s (the host's: %u)",
		      model->pmu_counters, written ? "" : ", as the VM had",
		      v->host.pmu_counters_set ? v->host.pmu_counters : model->pmu_counters);
	return 0;
}

/*
 * Target-implementation discovery: KVM_REG_ARM_VENDOR_HYP_BMAP_2 tells the
 * guest the calls exist, the SMCCC filter forwards them to the VMM, which
 * answers from the model's list (cm_handle_hypercall()).  Last, since a
 * filter range cannot be taken back.
 */
static int apply_discovery(struct cm_vm *v, const struct cm_profile *model, unsigned int flags,
			   struct undo *undo, int *nundo, struct cm_report *rep)
{
	struct kvm_smccc_filter f = { .base = CM_SMCCC_DISCOVER_IMPL_VER, .nr_functions = 2,
				      .action = KVM_SMCCC_FILTER_FWD_TO_USER };
	struct kvm_device_attr attr = { .group = KVM_ARM_VM_SMCCC_CTRL,
					.attr = KVM_ARM_VM_SMCCC_FILTER };
	bool required = flags & CM_APPLY_DISCOVERY, filter;
	uint64_t bmap = 0;
	int err;

	if (v->discovery) {
		cm_report_add(rep, false, "target-implementation discovery: already set up on this VM");
		return 0;
	}
	filter = !ioctl(v->vm, KVM_HAS_DEVICE_ATTR, &attr);
	err = get_reg(v->vcpu[0], KVM_REG_ARM_VENDOR_HYP_BMAP_2, &bmap);
	if (!filter || err) {
		cm_report_add(rep, required, "target-implementation discovery: %s, this kernel lacks %s%s%s; guests learn only MIDR_EL1, not the model's %d implementation%s",
			      required ? "REQUIRED" : "not set up",
			      filter ? "" : "the SMCCC filter (KVM_ARM_VM_SMCCC_FILTER)",
			      !filter && err ? " and " : "",
			      err ? "KVM_REG_ARM_VENDOR_HYP_BMAP_2" : "", model->nr_impls,
			      model->nr_impls > 1 ? "s" : "");
		return required;
	}
	if ((bmap | DISCOVERY_BITS) != bmap) {
		err = set_reg(v->vcpu[0], KVM_REG_ARM_VENDOR_HYP_BMAP_2, bmap | DISCOVERY_BITS);
		if (err) {
			cm_report_add(rep, true, "VENDOR_HYP_BMAP_2: KVM rejected 0x%llx (current 0x%llx): %s",
				      (unsigned long long)(bmap | DISCOVERY_BITS),
				      (unsigned long long)bmap, strerror(-err));
			return 1;
		}
		undo[(*nundo)++] = (struct undo){ 0, UNDO_BMAP_2, bmap };
	}
	attr.addr = (uintptr_t)&f;
	if (ioctl(v->vm, KVM_SET_DEVICE_ATTR, &attr)) {
		cm_report_add(rep, true, "SMCCC filter forwarding 0x%x-0x%x to the VMM: %s%s",
			      CM_SMCCC_DISCOVER_IMPL_VER, CM_SMCCC_DISCOVER_IMPL_CPUS, strerror(errno),
			      errno == EBUSY ? " (the VM has run)" :
			      errno == EEXIST ? " (another range covers them)" : "");
		return 1;
	}
	v->discovery = true;
	cm_report_add(rep, false, "target-implementation discovery: %d implementation%s; VENDOR_HYP_BMAP_2 = 0x%llx, the SMCCC filter forwards 0x%x-0x%x to the VMM (cm_handle_hypercall())",
		      model->nr_impls, model->nr_impls > 1 ? "s" : "",
		      (unsigned long long)(bmap | DISCOVERY_BITS), CM_SMCCC_DISCOVER_IMPL_VER,
		      CM_SMCCC_DISCOVER_IMPL_CPUS);
	return 0;
}

int cm_apply(struct cm_vm *v, const struct cm_profile *model, unsigned int flags,
	     struct cm_report *rep)
{
	int order[CM_NR_SLOTS], n, i, k, c, s, nundo = 0, nregs, bad = 0, nscoped = 0;
	bool vm_scoped[CM_NR_SLOTS];
	struct kvm_reg_list *scoped = NULL;
	struct undo *undo;
	char names[256];

	if (no_vm(v, NULL, "apply", rep))
		return -1;

	/*
	 * Checked against the VM as created: KVM checks writes against the
	 * system's values (CTR_EL0, masks), not against earlier writes.
	 * Below, only values that differ from the current ones are written:
	 * a model equal to the host writes nothing, and the VM keeps reading
	 * the hardware's registers.
	 */
	if (!(flags & CM_APPLY_NO_PRECHECK)) {
		struct cm_report r2 = { 0 };

		bad = cm_compare(model, &v->host, &r2);
		cm_report_copy(rep, &r2, "", false);
		cm_report_free(&r2);
		if (bad) {
			cm_report_add(rep, true, "model %s cannot run on this host: nothing written",
				      model->name);
			return bad;
		}
	}
	undo = calloc((size_t)v->nr_vcpus * UNDO_NR_SLOTS, sizeof(*undo));
	if (!undo) {
		cm_report_add(rep, true, "out of memory");
		return -1;
	}
	/*
	 * Where KVM lists its VM-scoped registers (out of tree,
	 * KVM_CAP_ARM_OOT_REG_SCOPE), read and write those through vCPU 0
	 * only: the value is the VM's, whichever vCPU sets it.  cm_verify()
	 * still reads every register back on every vCPU.  A kernel that has
	 * the capability but fails to list them is reported, and every
	 * register is then written on every vCPU, as on other kernels.
	 * nscoped: the model's registers this skips on vCPUs 1 and up.
	 */
	memset(vm_scoped, 0, sizeof(vm_scoped));
	if (v->nr_vcpus > 1 && ioctl(v->vm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_OOT_REG_SCOPE) > 0) {
		scoped = kvm_vm_scoped_reg_list(v->vcpu[0]);
		if (!scoped)
			cm_report_add(rep, false, "KVM_CAP_ARM_OOT_REG_SCOPE: this kernel has it, but listing the VM-scoped registers failed: %s (errno %d); every register is read and written on every vCPU",
				      strerror(errno), errno);
	}
	for (s = 0; scoped && s < CM_NR_SLOTS; s++) {
		for (i = 0; i < (int)scoped->n; i++) {
			if (scoped->reg[i] == cm_slot_kvm_id(s)) {
				vm_scoped[s] = true;
				nscoped += model_sets(model, s);
				break;
			}
		}
	}
	free(scoped);
	n = cm_write_order(order);
	for (c = 0; c < v->nr_vcpus && !bad; c++) {
		for (k = 0; k < n && !bad; k++) {
			int s = order[k], err;
			uint64_t id = cm_slot_kvm_id(s), old;

			if (!model_sets(model, s) || (c > 0 && vm_scoped[s]))
				continue;
			err = get_reg(v->vcpu[c], id, &old);
			if (err) {
				cm_report_add(rep, true, "%s: the host's KVM does not have this register (%s)",
					      cm_slot_name(s), strerror(-err));
				bad++;
				break;
			}
			if (old == model->r[s].val)
				continue;
			err = set_reg(v->vcpu[c], id, model->r[s].val);
			if (err) {
				cm_report_add(rep, true, "%s: KVM rejected 0x%llx (current 0x%llx) on vCPU %d: %s",
					      cm_field_names(s, model->r[s].val ^ old, names, sizeof(names)),
					      (unsigned long long)model->r[s].val,
					      (unsigned long long)old, c, strerror(-err));
				bad++;
				break;
			}
			undo[nundo++] = (struct undo){ c, s, old };
		}
	}
	if (!bad && model->pmu_counters_set && (model->features & (1u << CM_FEAT_PMU_V3)))
		bad += apply_pmu(v, model, undo, &nundo, rep);
	/* Counted apart: the VM's listed registers, which a VMM saves. */
	nregs = nundo;
	/*
	 * Opt-in: once set up, the guest's discovery calls exit to the VMM
	 * (KVM_EXIT_HYPERCALL), which must answer them (cm_handle_hypercall()).
	 */
	if (!bad && (flags & CM_APPLY_DISCOVERY)) {
		if (model->is_model && model->nr_impls) {
			bad += apply_discovery(v, model, flags, undo, &nundo, rep);
		} else {
			cm_report_add(rep, true, "target-implementation discovery: %s lists no implementations",
				      model->name);
			bad++;
		}
	}
	if (bad) {
		/* Put back what was written, newest first. */
		while (nundo--) {
			struct undo *u = &undo[nundo];
			int err = set_reg(v->vcpu[u->vcpu], undo_id(u->slot), u->old);

			if (err)
				cm_report_add(rep, true, "%s: could not restore 0x%llx on vCPU %d: %s",
					      undo_name(u->slot), (unsigned long long)u->old,
					      u->vcpu, strerror(-err));
		}
		cm_report_add(rep, true, "model %s not applied: the VM was left as it was",
			      model->name);
	} else {
		/* Registers already at the model's value are not written. */
		cm_report_add(rep, false, "model %s applied: %d register writes on %d vCPUs",
			      model->name, nregs, v->nr_vcpus);
		if (nscoped)
			cm_report_add(rep, false,
				      "%d VM-scoped registers read and written through vCPU 0 only, skipped on the other %d vCPU%s (KVM_CAP_ARM_OOT_REG_SCOPE)",
				      nscoped, v->nr_vcpus - 1, v->nr_vcpus > 2 ? "s" : "");
	}
	free(undo);
	return bad;
}

/* KVM reports its own workaround level, whatever was written. */
static bool readback_exact(int s)
{
	return s != CM_SLOT_WA1 && s != CM_SLOT_WA2 && s != CM_SLOT_WA3;
}

int cm_verify(struct cm_vm *v, const struct cm_profile *model, struct cm_report *rep)
{
	int c, s, err, bad = 0;
	char names[256];
	uint64_t val;

	if (no_vm(v, NULL, "verify", rep))
		return -1;
	for (c = 0; c < v->nr_vcpus; c++) {
		for (s = 0; s < CM_NR_SLOTS; s++) {
			if (!model->r[s].present || !readback_exact(s) ||
			    (s >= CM_SLOT_MIDR && s <= CM_SLOT_AIDR && !model->impl_set))
				continue;
			err = get_reg(v->vcpu[c], cm_slot_kvm_id(s), &val);
			if (err) {
				cm_report_add(rep, true, "vCPU %d: %s: %s", c, cm_slot_name(s), strerror(-err));
				bad++;
			} else if (val != model->r[s].val) {
				cm_report_add(rep, true, "vCPU %d: %s: model 0x%016llx, VM 0x%016llx",
					      c, cm_field_names(s, val ^ model->r[s].val, names, sizeof(names)),
					      (unsigned long long)model->r[s].val, (unsigned long long)val);
				bad++;
			}
		}
		if (model->pmu_counters_set && (model->features & (1u << CM_FEAT_PMU_V3))) {
			err = get_reg(v->vcpu[c], PMCR_ID, &val);
			if (err || PMCR_N(val) != model->pmu_counters) {
				cm_report_add(rep, true, "vCPU %d: PMCR_EL0.N: model %u, VM %s%u", c,
					      model->pmu_counters, err ? strerror(-err) : "",
					      err ? 0 : PMCR_N(val));
				bad++;
			}
		}
		if (v->discovery) {
			err = get_reg(v->vcpu[c], KVM_REG_ARM_VENDOR_HYP_BMAP_2, &val);
			if (err || (val & DISCOVERY_BITS) != DISCOVERY_BITS) {
				cm_report_add(rep, true, "vCPU %d: VENDOR_HYP_BMAP_2: 0x%llx%s, without the discovery bits 0x%llx",
					      c, (unsigned long long)val, err ? " (unreadable)" : "",
					      (unsigned long long)DISCOVERY_BITS);
				bad++;
			}
		}
	}
	return bad;
}

/* ---- the VMM's part of target-implementation discovery ------------------ */

int cm_handle_hypercall(const struct cm_profile *model, int vcpu_fd, struct kvm_run *run)
{
	struct cm_impl l[CM_MAX_IMPLS];
	uint64_t x[4] = { 0 }, idx;
	int n, i, err;

	if (run->exit_reason != KVM_EXIT_HYPERCALL ||
	    (run->hypercall.nr != CM_SMCCC_DISCOVER_IMPL_VER &&
	     run->hypercall.nr != CM_SMCCC_DISCOVER_IMPL_CPUS))
		return 0;
	n = model->is_model ? cm_impls(model, l) : 0;
	if (!n)
		return 0;
	if (run->hypercall.nr == CM_SMCCC_DISCOVER_IMPL_VER) {
		x[1] = CM_DISCOVER_IMPL_VERSION;
		x[2] = (uint64_t)n;
	} else {
		err = get_reg(vcpu_fd, core_reg(offsetof(struct kvm_regs, regs.regs[1])), &idx);
		if (err) {
			errno = -err;
			return -1;
		}
		if (idx < (uint64_t)n) {
			x[1] = l[idx].midr;
			x[2] = l[idx].revidr;
			x[3] = l[idx].aidr;
		} else {
			x[0] = SMCCC_INVALID_PARAMETER;
		}
	}
	/* The PC is already past the HVC/SMC: the results are all there is to do. */
	for (i = 0; i < 4; i++) {
		err = set_reg(vcpu_fd, core_reg(offsetof(struct kvm_regs, regs.regs[i])), x[i]);
		if (err) {
			errno = -err;
			return -1;
		}
	}
	return 1;
}

/* ---- guest code ------------------------------------------------------- */

static uint32_t a64_mrs(const int e[5], int rt)
{
	return 0xd5300000u | (uint32_t)(e[0] & 1) << 19 | e[1] << 16 | e[2] << 12 |
	       e[3] << 8 | e[4] << 5 | rt;
}

#define A64_MSR_CSSELR_X2	0xd51a0002u	/* msr csselr_el1, x2 */
#define A64_MRS_X0_CCSIDR	0xd5390000u	/* mrs x0, ccsidr_el1 */
#define A64_ISB			0xd5033fdfu
#define A64_STR_X0_X1_POST8	0xf8008420u	/* str x0, [x1], #8 */
#define A64_STR_XZR_X3		0xf900007fu	/* str xzr, [x3] */
#define A64_B_SELF		0x14000000u
/*
 * First instruction of guest code: after an MMIO exit KVM_RUN steps the PC
 * past the instruction that made it, whatever PC userspace set since, so a
 * vCPU that ran before starts at the second instruction.
 */
#define A64_NOP			0xd503201fu
#define A64_MOVZ_X2(imm)	(0xd2800002u | (uint32_t)(imm) << 5)

static uint64_t core_reg(size_t off)
{
	return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | off / sizeof(__u32);
}

#define CTR_IDC			(1ULL << 28)
#define CCSIDR_SETS_WAYS	0x0ffffff8ULL	/* NumSets, Associativity (no FEAT_CCIDX) */

static uint64_t field_mask(int slot, const char *name)
{
	const struct cm_regdesc *d = cm_slot_desc(slot);
	const struct cm_field *f;

	for (f = d ? d->fields : NULL; f && f->name; f++)
		if (!strcmp(f->name, name))
			return cm_field_mask(f);
	return 0;
}

/* CTR_EL0.IDC 0 means 1 with such a CLIDR (read_cpuid_effective_cachetype()). */
static bool clidr_no_pou(uint64_t v)
{
	return !((v >> 24) & 7) || (!((v >> 21) & 7) && !((v >> 27) & 7));
}

/*
 * What the guest of vCPU @idx reads, from what userspace sees: the VM's
 * CTR_EL0 other than the system's makes KVM trap the cache ID registers
 * (HCR_EL2.TID2) and return the VM's CTR_EL0; a cache geometry other than
 * the host's ("own") makes it trap CLIDR_EL1/CCSIDR_EL1 and return the
 * vCPU's values, with the CCIDX fields 0.  Otherwise the guest reads the
 * hardware.
 */
struct guest_view {
	bool ctr_trap, own;
};

static void guest_view(struct cm_vm *v, int idx, struct guest_view *g)
{
	uint64_t val;
	int i;

	g->ctr_trap = g->own = false;
	if (!get_reg(v->vcpu[idx], cm_slot_kvm_id(CM_SLOT_CTR), &val))
		g->ctr_trap = val != v->host.r[CM_SLOT_CTR].val;
	if (!get_reg(v->vcpu[idx], cm_slot_kvm_id(CM_SLOT_CLIDR), &val))
		g->own |= val != v->host.r[CM_SLOT_CLIDR].val;
	for (i = 0; i < CM_NR_CCSIDR; i++) {
		const struct cm_reg *h = &v->host.r[CM_SLOT_CCSIDR + i];

		if (!get_reg(v->vcpu[idx], cm_slot_kvm_id(CM_SLOT_CCSIDR + i), &val))
			g->own |= val != (h->present ? h->val : 0);
	}
}

/* Guest memory (one slot at GUEST_IPA), mapped once per VM. */
static int guest_mem(struct cm_vm *v, struct cm_report *rep)
{
	struct kvm_userspace_memory_region region;

	if (v->mem)
		return 0;
	v->mem_size = GUEST_SIZE;
	v->mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->mem == MAP_FAILED) {
		v->mem = NULL;
		cm_report_add(rep, true, "guest memory: %s", strerror(errno));
		return -1;
	}
	region = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = GUEST_IPA, .memory_size = GUEST_SIZE,
		.userspace_addr = (uintptr_t)v->mem,
	};
	if (ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &region)) {
		cm_report_add(rep, true, "KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Run vCPU @idx until its guest stores to GUEST_MMIO, answering the
 * target-implementation discovery calls from @model on the way.  Returns
 * 0, or -1 with the reason in @rep.
 */
static int guest_run(struct cm_vm *v, int idx, const struct cm_profile *model, int max_exits,
		     int *hypercalls, struct cm_report *rep)
{
	struct kvm_run *run;
	int i, mmap_size, ret = 0;

	/* A vCPU with a PMU only runs once its PMU is set up. */
	if (model->features & (1u << CM_FEAT_PMU_V3)) {
		struct kvm_device_attr attr = { .group = KVM_ARM_VCPU_PMU_V3_CTRL,
						.attr = KVM_ARM_VCPU_PMU_V3_INIT };

		if (ioctl(v->vcpu[idx], KVM_HAS_DEVICE_ATTR, &attr) == 0 &&
		    ioctl(v->vcpu[idx], KVM_SET_DEVICE_ATTR, &attr) && errno != EBUSY) {
			cm_report_add(rep, true, "KVM_ARM_VCPU_PMU_V3_INIT: %s", strerror(errno));
			return -1;
		}
	}
	mmap_size = ioctl(v->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->vcpu[idx], 0);
	if (run == MAP_FAILED) {
		cm_report_add(rep, true, "mmap of the vCPU: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < max_exits; i++) {
		if (ioctl(v->vcpu[idx], KVM_RUN, 0) && errno != EINTR) {
			cm_report_add(rep, true, "KVM_RUN: %s", strerror(errno));
			ret = -1;
			break;
		}
		if (run->exit_reason == KVM_EXIT_MMIO && run->mmio.phys_addr == GUEST_MMIO)
			break;
		if (run->exit_reason == KVM_EXIT_HYPERCALL) {
			int h = cm_handle_hypercall(model, v->vcpu[idx], run);

			if (h == 1) {
				if (hypercalls)
					(*hypercalls)++;
				continue;
			}
			cm_report_add(rep, true, "guest's call 0x%llx exited to userspace and %s",
				      (unsigned long long)run->hypercall.nr,
				      h ? strerror(errno) : "cm_handle_hypercall() does not answer it");
			ret = -1;
			break;
		}
		if (run->exit_reason != KVM_EXIT_INTR) {
			cm_report_add(rep, true, "guest stopped with exit reason %u instead of reporting",
				      run->exit_reason);
			ret = -1;
			break;
		}
	}
	munmap(run, mmap_size);
	if (!ret && i == max_exits) {
		cm_report_add(rep, true, "guest did not finish");
		ret = -1;
	}
	return ret;
}

/* The pseudo-slot of PMCR_EL0 among what cm_verify_guest() reads. */
#define GUEST_PMCR	CM_NR_SLOTS

int cm_verify_guest(struct cm_vm *v, int idx, const struct cm_profile *model,
		    struct cm_report *rep)
{
	static const int pmcr_enc[5] = { 3, 3, 9, 12, 0 };
	int slots[CM_NR_SLOTS + 1], n = 0, s, e[5], i, bad = 0;
	uint32_t *code;
	uint64_t *data;
	struct guest_view view;
	char names[256];

	if (no_vm(v, &idx, "verify from guest code", rep))
		return -1;
	if (model->features & (1u << CM_FEAT_EL1_32BIT)) {
		cm_report_add(rep, true, "guest on vCPU %d: the verifier's guest code is A64, and this VM's EL1 is AArch32 (el1-32bit): verify from userspace only",
			      idx);
		return -1;
	}
	if (guest_mem(v, rep))
		return -1;
	code = v->mem;
	data = (uint64_t *)((char *)v->mem + GUEST_DATA);
	*code++ = A64_NOP;
	for (s = 0; s < CM_NR_SLOTS; s++) {
		if (!model->r[s].present || cm_slot_group(s) > CM_G_IMPL ||
		    (cm_slot_group(s) == CM_G_IMPL && !model->impl_set))
			continue;
		if (cm_slot_enc(s, e)) {
			*code++ = a64_mrs(e, 0);
		} else {
			*code++ = A64_MOVZ_X2(s - CM_SLOT_CCSIDR);
			*code++ = A64_MSR_CSSELR_X2;
			*code++ = A64_ISB;
			*code++ = A64_MRS_X0_CCSIDR;
		}
		*code++ = A64_STR_X0_X1_POST8;
		slots[n++] = s;
	}
	/* The PMU's event counters, as the guest reads PMCR_EL0. */
	if (model->pmu_counters_set && (model->features & (1u << CM_FEAT_PMU_V3))) {
		*code++ = a64_mrs(pmcr_enc, 0);
		*code++ = A64_STR_X0_X1_POST8;
		slots[n++] = GUEST_PMCR;
	}
	*code++ = A64_STR_XZR_X3;
	*code++ = A64_B_SELF;
	memset(data, 0xa5, n * sizeof(*data));

	if (set_reg(v->vcpu[idx], core_reg(offsetof(struct kvm_regs, regs.pc)), GUEST_IPA) ||
	    set_reg(v->vcpu[idx], core_reg(offsetof(struct kvm_regs, regs.regs[1])),
		    GUEST_IPA + GUEST_DATA) ||
	    set_reg(v->vcpu[idx], core_reg(offsetof(struct kvm_regs, regs.regs[3])), GUEST_MMIO)) {
		cm_report_add(rep, true, "setting the guest's PC/X1/X3: %s", strerror(errno));
		return -1;
	}
	if (guest_run(v, idx, model, 16, NULL, rep))
		return -1;
	guest_view(v, idx, &view);
	for (i = 0; i < n; i++) {
		uint64_t exp;

		s = slots[i];
		if (s == GUEST_PMCR) {
			if (PMCR_N(data[i]) != model->pmu_counters) {
				cm_report_add(rep, true, "guest on vCPU %d: PMCR_EL0.N reads %u, model %u",
					      idx, PMCR_N(data[i]), model->pmu_counters);
				bad++;
			}
			continue;
		}
		exp = model->r[s].val;
		if (view.own && (s == cm_slot_by_name("ID_AA64MMFR2_EL1") ||
				 s == cm_slot_by_name("ID_MMFR4_EL1")))
			exp &= ~field_mask(s, "CCIDX");
		if (data[i] == exp)
			continue;
		if (s == CM_SLOT_CTR && !view.ctr_trap && (exp & CTR_IDC) &&
		    data[i] == (exp & ~CTR_IDC) && clidr_no_pou(v->host.r[CM_SLOT_CLIDR].val)) {
			cm_report_add(rep, false, "guest on vCPU %d: CTR_EL0 reads the hardware's 0x%llx, IDC 0 with a CLIDR_EL1 without point of unification, which means IDC 1 (the host's 0x%llx)",
				      idx, (unsigned long long)data[i], (unsigned long long)exp);
			continue;
		}
		if (s >= CM_SLOT_CCSIDR && s < CM_SLOT_MIDR && !view.own &&
		    !((s - CM_SLOT_CCSIDR) & 1) && data[i] == (exp & ~CCSIDR_SETS_WAYS)) {
			cm_report_add(rep, false, "guest on vCPU %d: %s reads 0x%llx, 1 set and 1 way: this VM traps the cache ID registers (its CTR_EL0 is not the host's) and keeps the host's geometry, which KVM shows that way (as 6.1)",
				      idx, cm_slot_name(s), (unsigned long long)data[i]);
			continue;
		}
		cm_report_add(rep, true, "guest on vCPU %d: %s reads 0x%016llx, model 0x%016llx",
			      idx, cm_field_names(s, data[i] ^ exp, names, sizeof(names)),
			      (unsigned long long)data[i], (unsigned long long)exp);
		bad++;
	}
	return bad;
}

/* A64 encodings of the discovery guest code. */
#define A64_MOVZ_W(rd, imm)	(0x52800000u | (uint32_t)(imm) << 5 | (rd))
#define A64_MOVK_W_16(rd, imm)	(0x72a00000u | (uint32_t)(imm) << 5 | (rd))	/* lsl #16 */
#define A64_MOVZ_X(rd, imm)	(0xd2800000u | (uint32_t)(imm) << 5 | (rd))
#define A64_HVC_0		0xd4000002u
#define A64_STP_X0_X1_X19_POST	0xa8810660u	/* stp x0, x1, [x19], #16 */
#define A64_STP_X2_X3_X19_POST	0xa8810e62u	/* stp x2, x3, [x19], #16 */
#define A64_STR_XZR_X20		0xf900029fu	/* str xzr, [x20] */

int cm_verify_guest_discovery(struct cm_vm *v, int idx, const struct cm_profile *model,
			      struct cm_report *rep)
{
	struct cm_impl l[CM_MAX_IMPLS];
	uint32_t fn[CM_MAX_IMPLS + 3], *code;
	uint64_t arg[CM_MAX_IMPLS + 3], *r;
	int n, ncalls = 0, i, bad = 0, answered = 0;

	if (no_vm(v, &idx, "verify discovery from guest code", rep))
		return -1;
	if (!v->discovery) {
		cm_report_add(rep, true, "target-implementation discovery is not set up on this VM (see cm_apply()'s report)");
		return -1;
	}
	if (model->features & (1u << CM_FEAT_EL1_32BIT)) {
		cm_report_add(rep, true, "guest on vCPU %d: the discovery guest code is A64, and this VM's EL1 is AArch32 (el1-32bit)",
			      idx);
		return -1;
	}
	n = cm_impls(model, l);
	/* The KVM features call (x2: services 64-95), the version, each CPU and one more. */
	fn[ncalls] = SMCCC_KVM_FEATURES;
	arg[ncalls++] = 0;
	fn[ncalls] = CM_SMCCC_DISCOVER_IMPL_VER;
	arg[ncalls++] = 0;
	for (i = 0; i <= n; i++) {
		fn[ncalls] = CM_SMCCC_DISCOVER_IMPL_CPUS;
		arg[ncalls++] = (uint64_t)i;
	}
	if (guest_mem(v, rep))
		return -1;
	code = (uint32_t *)((char *)v->mem + GUEST_DISC_CODE);
	r = (uint64_t *)((char *)v->mem + GUEST_DISC_DATA);
	*code++ = A64_NOP;
	for (i = 0; i < ncalls; i++) {
		*code++ = A64_MOVZ_W(0, fn[i] & 0xffff);
		*code++ = A64_MOVK_W_16(0, fn[i] >> 16);
		*code++ = A64_MOVZ_X(1, arg[i]);
		*code++ = A64_MOVZ_X(2, 0);
		*code++ = A64_MOVZ_X(3, 0);
		*code++ = A64_HVC_0;
		*code++ = A64_STP_X0_X1_X19_POST;
		*code++ = A64_STP_X2_X3_X19_POST;
	}
	*code++ = A64_STR_XZR_X20;
	*code++ = A64_B_SELF;
	memset(r, 0xa5, ncalls * 4 * sizeof(*r));

	if (set_reg(v->vcpu[idx], core_reg(offsetof(struct kvm_regs, regs.pc)),
		    GUEST_IPA + GUEST_DISC_CODE) ||
	    set_reg(v->vcpu[idx], core_reg(offsetof(struct kvm_regs, regs.regs[19])),
		    GUEST_IPA + GUEST_DISC_DATA) ||
	    set_reg(v->vcpu[idx], core_reg(offsetof(struct kvm_regs, regs.regs[20])), GUEST_MMIO)) {
		cm_report_add(rep, true, "setting the guest's PC/X19/X20: %s", strerror(errno));
		return -1;
	}
	if (guest_run(v, idx, model, 16 + ncalls, &answered, rep))
		return -1;

	/* r[0..3]: the KVM features call. */
	if (r[0] == (uint64_t)-1) {
		cm_report_add(rep, false, "guest on vCPU %d: the KVM features call is not offered (VENDOR_HYP_BMAP FUNC_FEAT clear): guests cannot find the discovery calls",
			      idx);
	} else if ((r[2] & DISCOVERY_BITS) != DISCOVERY_BITS) {
		cm_report_add(rep, true, "guest on vCPU %d: the KVM features call returns 0x%llx in x2, without DISCOVER_IMPL_VER/_CPUS (VENDOR_HYP_BMAP_2)",
			      idx, (unsigned long long)r[2]);
		bad++;
	}
	r += 4;
	if (r[0] || r[1] != CM_DISCOVER_IMPL_VERSION || r[2] != (uint64_t)n) {
		cm_report_add(rep, true, "guest on vCPU %d: DISCOVER_IMPL_VER returns 0x%llx 0x%llx %llu, expected 0 0x%x %d",
			      idx, (unsigned long long)r[0], (unsigned long long)r[1],
			      (unsigned long long)r[2], CM_DISCOVER_IMPL_VERSION, n);
		bad++;
	}
	for (i = 0; i <= n; i++) {
		r += 4;
		if (i < n && (r[0] || r[1] != l[i].midr || r[2] != l[i].revidr || r[3] != l[i].aidr)) {
			cm_report_add(rep, true, "guest on vCPU %d: DISCOVER_IMPL_CPUS(%d) returns 0x%llx MIDR 0x%llx REVIDR 0x%llx AIDR 0x%llx, model 0x%llx 0x%llx 0x%llx",
				      idx, i, (unsigned long long)r[0], (unsigned long long)r[1],
				      (unsigned long long)r[2], (unsigned long long)r[3],
				      (unsigned long long)l[i].midr, (unsigned long long)l[i].revidr,
				      (unsigned long long)l[i].aidr);
			bad++;
		} else if (i == n && r[0] != SMCCC_INVALID_PARAMETER) {
			cm_report_add(rep, true, "guest on vCPU %d: DISCOVER_IMPL_CPUS(%d), past the last implementation, returns 0x%llx, not INVALID_PARAMETER",
				      idx, i, (unsigned long long)r[0]);
			bad++;
		}
	}
	if (answered != ncalls - 1) {
		cm_report_add(rep, true, "guest on vCPU %d: %d discovery calls reached the VMM, expected %d",
			      idx, answered, ncalls - 1);
		bad++;
	}
	if (!bad)
		cm_report_add(rep, false, "guest on vCPU %d: target-implementation discovery 1.0 lists the model's %d implementation%s (%d calls answered by cm_handle_hypercall())",
			      idx, n, n > 1 ? "s" : "", answered);
	return bad;
}

/* ---- snapshots (tests) ------------------------------------------------- */

int cm_snapshot_take(struct cm_vm *v, int idx, struct cm_snapshot *sn)
{
	struct kvm_reg_list *l = kvm_reg_list(v->vcpu[idx]);
	uint64_t i;

	memset(sn, 0, sizeof(*sn));
	if (!l)
		return -1;
	sn->id = calloc(l->n, sizeof(*sn->id));
	sn->val = calloc(l->n, sizeof(*sn->val));
	if (!sn->id || !sn->val) {
		free(l);
		return -1;
	}
	for (i = 0; i < l->n; i++) {
		uint64_t size = l->reg[i] & KVM_REG_SIZE_MASK;

		/*
		 * Vector registers are not part of a CPU model; the counters
		 * move on their own.
		 */
		if ((size != KVM_REG_SIZE_U64 && size != KVM_REG_SIZE_U32) ||
		    l->reg[i] == KVM_REG_ARM_TIMER_CNT || l->reg[i] == ARM64_SYS_REG(3, 3, 14, 0, 1))
			continue;
		sn->id[sn->n] = l->reg[i];
		if (get_reg(v->vcpu[idx], l->reg[i], &sn->val[sn->n])) {
			free(l);
			return -1;
		}
		sn->n++;
	}
	free(l);
	return 0;
}

int cm_snapshot_diff(const struct cm_snapshot *a, const struct cm_snapshot *b,
		     struct cm_report *rep)
{
	size_t i;
	int bad = 0;

	if (a->n != b->n) {
		cm_report_add(rep, true, "register count changed: %zu -> %zu", a->n, b->n);
		return 1;
	}
	for (i = 0; i < a->n; i++) {
		if (a->id[i] != b->id[i] || a->val[i] != b->val[i]) {
			cm_report_add(rep, true, "register 0x%016llx changed: 0x%llx -> 0x%llx",
				      (unsigned long long)a->id[i], (unsigned long long)a->val[i],
				      (unsigned long long)b->val[i]);
			bad++;
		}
	}
	return bad;
}

void cm_snapshot_free(struct cm_snapshot *s)
{
	free(s->id);
	free(s->val);
	memset(s, 0, sizeof(*s));
}
