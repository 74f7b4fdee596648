// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libarm64cpumodel, KVM half: probe a host, create a VM for a model,
 * apply the model, read it back from userspace and from guest code.
 */
#define _GNU_SOURCE
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

_Static_assert(CM_KVM_REG_ARM64 == KVM_REG_ARM64, "KVM_REG_ARM64");
_Static_assert(CM_KVM_REG_SIZE_U64 == KVM_REG_SIZE_U64, "KVM_REG_SIZE_U64");
_Static_assert(CM_KVM_REG_SIZE_U32 == KVM_REG_SIZE_U32, "KVM_REG_SIZE_U32");
_Static_assert(CM_KVM_SYSREG == KVM_REG_ARM64_SYSREG, "KVM_REG_ARM64_SYSREG");
_Static_assert(CM_KVM_DEMUX == KVM_REG_ARM_DEMUX, "KVM_REG_ARM_DEMUX");
_Static_assert(CM_KVM_FW == KVM_REG_ARM_FW, "KVM_REG_ARM_FW");
_Static_assert(CM_KVM_FW_BMAP == KVM_REG_ARM_FW_FEAT_BMAP, "KVM_REG_ARM_FW_FEAT_BMAP");

#define GUEST_IPA	0x40000000ULL
#define GUEST_SIZE	0x10000UL
#define GUEST_DATA	0x8000UL
#define GUEST_MMIO	0x20000000ULL	/* no memslot: a store exits to us */

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

static bool listed(const struct kvm_reg_list *l, uint64_t id)
{
	uint64_t i;

	for (i = 0; i < l->n; i++)
		if (l->reg[i] == id)
			return true;
	return false;
}

/* Features this host offers, as probe enables them. */
static unsigned int host_features(int kvm)
{
	unsigned int f = 1u << CM_FEAT_PSCI_0_2;

	if (ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PMU_V3) > 0)
		f |= 1u << CM_FEAT_PMU_V3;
	if (ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PTRAUTH_ADDRESS) > 0 &&
	    ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PTRAUTH_GENERIC) > 0)
		f |= 1u << CM_FEAT_PTRAUTH_ADDRESS | 1u << CM_FEAT_PTRAUTH_GENERIC;
	return f;
}

static void vm_close(struct cm_vm *v)
{
	int i;

	for (i = 0; i < v->nr_vcpus; i++)
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

static int vm_open(struct cm_vm *v, bool imp_cap, int nr_vcpus, unsigned int features,
		   struct cm_report *rep)
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
	}
	return 0;
fail:
	vm_close(v);
	return -1;
}

/* What vCPU @idx of @v offers: values, masks, listed registers. */
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
	free(l);
	return 0;
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
	f = host_features(kvm);
	close(kvm);
	if (vm_open(&v, true, 1, f, rep))
		return -1;
	ret = read_profile(&v, 0, f, p, rep);
	vm_close(&v);
	if (ret)
		return ret;
	uname(&u);
	snprintf(p->kernel, sizeof(p->kernel), "%s", u.release);
	snprintf(p->name, sizeof(p->name), "%s", name);
	return 0;
}

int cm_vm_create(struct cm_vm *v, const struct cm_profile *model, int nr_vcpus,
		 struct cm_report *rep)
{
	if (nr_vcpus < 1 || nr_vcpus > (int)(sizeof(v->vcpu) / sizeof(v->vcpu[0]))) {
		cm_report_add(rep, true, "vCPU count %d out of range 1..256", nr_vcpus);
		return -1;
	}
	if (vm_open(v, model->impl_set, nr_vcpus, model->features, rep))
		return -1;
	/* What this host gives a VM that nobody changed: limits and defaults. */
	if (read_profile(v, 0, host_features(v->kvm), &v->host, rep)) {
		vm_close(v);
		return -1;
	}
	return 0;
}

/* Order of writes: each group only depends on the ones before it. */
static int apply_order(int *order)
{
	int n = 0, s;

	for (s = CM_SLOT_MIDR; s <= CM_SLOT_AIDR; s++)
		order[n++] = s;
	for (s = CM_SLOT_ID; s < CM_SLOT_ID + CM_NR_ID; s++)
		order[n++] = s;
	order[n++] = CM_SLOT_CTR;
	order[n++] = CM_SLOT_CLIDR;
	for (s = CM_SLOT_CCSIDR; s < CM_SLOT_CCSIDR + CM_NR_CCSIDR; s++)
		order[n++] = s;
	for (s = CM_SLOT_PSCI; s < CM_NR_SLOTS; s++)
		order[n++] = s;
	return n;
}

struct undo {
	int vcpu;
	int slot;
	uint64_t old;
};

int cm_apply(struct cm_vm *v, const struct cm_profile *model, unsigned int flags,
	     struct cm_report *rep)
{
	struct undo *undo;
	int order[CM_NR_SLOTS], n, i, k, c, nundo = 0, bad = 0;
	char names[256];

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
		for (i = 0; i < (int)r2.n; i++)
			cm_report_add(rep, true, "%s", r2.line[i]);
		cm_report_free(&r2);
		if (bad) {
			cm_report_add(rep, true, "model %s cannot run on this host: nothing written",
				      model->name);
			return bad;
		}
	}
	undo = calloc((size_t)v->nr_vcpus * CM_NR_SLOTS, sizeof(*undo));
	if (!undo) {
		cm_report_add(rep, true, "out of memory");
		return -1;
	}
	n = apply_order(order);
	for (c = 0; c < v->nr_vcpus && !bad; c++) {
		for (k = 0; k < n && !bad; k++) {
			int s = order[k], err;
			uint64_t id = cm_slot_kvm_id(s), old;

			if (!model->r[s].present || (s >= CM_SLOT_MIDR && s <= CM_SLOT_AIDR &&
						     !model->impl_set))
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
	if (bad) {
		/* Put back what was written, newest first. */
		while (nundo--) {
			struct undo *u = &undo[nundo];

			if (set_reg(v->vcpu[u->vcpu], cm_slot_kvm_id(u->slot), u->old))
				cm_report_add(rep, true, "%s: could not restore 0x%llx on vCPU %d: %s",
					      cm_slot_name(u->slot), (unsigned long long)u->old,
					      u->vcpu, strerror(errno));
		}
		cm_report_add(rep, true, "model %s not applied: the VM was left as it was",
			      model->name);
	} else {
		/* Registers already at the model's value are not written. */
		cm_report_add(rep, false, "model %s applied: %d register writes on %d vCPUs",
			      model->name, nundo, v->nr_vcpus);
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
	}
	return bad;
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

int cm_verify_guest(struct cm_vm *v, int idx, const struct cm_profile *model,
		    struct cm_report *rep)
{
	struct kvm_userspace_memory_region region;
	int slots[CM_NR_SLOTS], n = 0, s, e[5], i, bad = 0, mmap_size;
	uint32_t *code;
	uint64_t *data;
	struct kvm_run *run;
	struct guest_view view;
	char names[256];

	if (!v->mem) {
		v->mem_size = GUEST_SIZE;
		v->mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
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
	}
	code = v->mem;
	data = (uint64_t *)((char *)v->mem + GUEST_DATA);
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
	for (i = 0; i < 16; i++) {
		if (ioctl(v->vcpu[idx], KVM_RUN, 0) && errno != EINTR) {
			cm_report_add(rep, true, "KVM_RUN: %s", strerror(errno));
			bad = -1;
			break;
		}
		if (run->exit_reason == KVM_EXIT_MMIO && run->mmio.phys_addr == GUEST_MMIO)
			break;
		if (run->exit_reason != KVM_EXIT_INTR) {
			cm_report_add(rep, true, "guest stopped with exit reason %u instead of reporting",
				      run->exit_reason);
			bad = -1;
			break;
		}
	}
	munmap(run, mmap_size);
	if (bad)
		return bad;
	if (i == 16) {
		cm_report_add(rep, true, "guest did not finish reading its registers");
		return -1;
	}
	guest_view(v, idx, &view);
	for (i = 0; i < n; i++) {
		uint64_t exp = model->r[s = slots[i]].val;

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
