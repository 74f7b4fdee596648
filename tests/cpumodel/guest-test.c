// SPDX-License-Identifier: GPL-2.0
/*
 * cpumodel-test: in-guest tests of libarm64cpumodel on a real KVM.
 *
 * Runs inside the QEMU rig (KVM in the emulated host).  Checks that a
 * probed profile survives JSON, that probe -> baseline -> apply -> verify
 * round-trips (userspace and guest MRS, on every vCPU), that models made
 * with the fixture profiles of other CPUs apply and are what the guest
 * reads, and that a model this host cannot run is refused with the field
 * named and leaves the VM exactly as it was (pre-checked, and when KVM
 * itself rejects a write half-way).  Models carry the PMU's number of event
 * counters (PMCR_EL0.N, lowered and read by the guest) and the CPU
 * implementations the guest learns through target-implementation discovery
 * (DISCOVER_IMPL_VER/_CPUS, forwarded by the SMCCC filter and answered by
 * cm_handle_hypercall()).  KVM_CAP_ARM_OOT_FLEET_ID_REGS (out of tree):
 * probe records it and the wider masks; a model that changes a fleet field
 * requires it, applies with it (KVM enforces the rules, FP/AdvSIMD's own
 * included, also with SVE) and is refused, by the pre-check and by KVM,
 * without it; reserved CTR_EL0.CWG and VMIDBits, and IDS (not a fleet
 * field) are refused with it.  ID_DFR0_EL1.CopDbg 0 (AArch32 debug not
 * implemented, as on a CPU without AArch32) applies with it on a host with
 * AArch32, and is refused without it, with CopDbg 1-5, and in a VM whose
 * EL1 is AArch32 (el1-32bit).  Bridges: a fleet model exported as a
 * Firecracker template, imported back and applied gives the guest the view
 * the model itself gives it; a VMM that applies a model with its own file
 * descriptors as the public plan says (arm64cm_plan_vm(), _writes()) gets
 * the VM the library's own apply makes, register for register, and the
 * guest reads the model.
 *
 * Usage: cpumodel-test [FIXTURE.json...]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "cpumodel.h"
#include "cpumodel-int.h"

static int passed, failed;

#define CHECK(cond, ...)						\
	do {								\
		if (cond) {						\
			passed++;					\
			printf("ok %d - ", passed + failed);		\
		} else {						\
			failed++;					\
			printf("not ok %d - ", passed + failed);	\
		}							\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	} while (0)

static void dump(const struct cm_report *rep)
{
	size_t i;

	for (i = 0; i < rep->n; i++)
		printf("#   %s\n", rep->line[i]);
}

static bool report_has(const struct cm_report *rep, const char *s)
{
	size_t i;

	for (i = 0; i < rep->n; i++)
		if (strstr(rep->line[i], s))
			return true;
	return false;
}

/*
 * Apply @m to a fresh 2-vCPU VM and check userspace and guest views, and,
 * for a model with implementations, what the guest learns by asking for
 * them (this kernel has the SMCCC filter and KVM_REG_ARM_VENDOR_HYP_BMAP_2).
 */
static void round_trip_flags(const struct cm_profile *m, unsigned int flags, const char *what)
{
	struct cm_report rep = { 0 };
	struct cm_vm vm;
	int i, bad;

	if (cm_vm_create(&vm, m, 2, &rep)) {
		CHECK(0, "%s: VM created", what);
		dump(&rep);
		cm_report_free(&rep);
		return;
	}
	bad = cm_apply(&vm, m, flags, &rep);
	CHECK(bad == 0, "%s: applied", what);
	if (!bad && m->nr_impls && (flags & CM_APPLY_DISCOVERY))
		CHECK(vm.discovery && report_has(&rep, "target-implementation discovery: "),
		      "%s: target-implementation discovery of %d implementation%s set up", what,
		      m->nr_impls, m->nr_impls > 1 ? "s" : "");
	if (!bad && !(flags & CM_APPLY_DISCOVERY))
		CHECK(!vm.discovery, "%s: no discovery set up when not asked for", what);
	/* This kernel lists its VM-scoped registers: apply writes them once */
	if (!bad)
		CHECK(report_has(&rep, "VM-scoped registers read and written through vCPU 0 only"),
		      "%s: VM-scoped registers applied through vCPU 0 only", what);
	if (!bad && m->pmu_counters_set)
		CHECK(report_has(&rep, "PMCR_EL0.N = "), "%s: apply reports PMCR_EL0.N %u", what,
		      m->pmu_counters);
	if (!bad) {
		bad = cm_verify(&vm, m, &rep);
		CHECK(bad == 0, "%s: userspace reads the model on both vCPUs", what);
		for (i = 0; i < 2; i++) {
			bad = cm_verify_guest(&vm, i, m, &rep);
			CHECK(bad == 0, "%s: guest MRS reads the model on vCPU %d", what, i);
		}
		for (i = 0; i < 2 && vm.discovery; i++) {
			bad = cm_verify_guest_discovery(&vm, i, m, &rep);
			CHECK(bad == 0, "%s: guest on vCPU %d discovers the model's %d implementation%s",
			      what, i, m->nr_impls, m->nr_impls > 1 ? "s" : "");
		}
	}
	dump(&rep);
	cm_report_free(&rep);
	cm_vm_destroy(&vm);
}

static void round_trip(const struct cm_profile *m, const char *what)
{
	round_trip_flags(m, m->is_model && m->nr_impls ? CM_APPLY_DISCOVERY : 0, what);
}

/* A writable lower-safe field this host could not offer one step higher. */
static bool raise_field(struct cm_profile *m, char *name, size_t len)
{
	int s;

	/* From the last register: apply writes the ones before it first. */
	for (s = CM_SLOT_ID + CM_NR_ID - 1; s >= CM_SLOT_ID; s--) {
		const struct cm_regdesc *d = cm_slot_desc(s);
		const struct cm_field *f;

		for (f = d ? d->fields : NULL; f && f->name; f++) {
			int64_t v = cm_field_get(f, m->r[s].val);

			if (f->rule != CM_RULE_LOWER || f->sign || f->width != 4 ||
			    (m->r[s].mask & cm_field_mask(f)) != cm_field_mask(f) || v >= 7)
				continue;
			m->r[s].val = cm_field_set(f, m->r[s].val, v + 1);
			snprintf(name, len, "%s.%s", cm_slot_name(s), f->name);
			return true;
		}
	}
	return false;
}

/* A writable lower-safe field at a non-zero value, lowered to 0. */
static bool lower_field(struct cm_profile *m, int before_slot)
{
	int s;

	for (s = CM_SLOT_ID; s < before_slot; s++) {
		const struct cm_regdesc *d = cm_slot_desc(s);
		const struct cm_field *f;

		for (f = d ? d->fields : NULL; f && f->name; f++) {
			/* KVM has minimums for the debug and PMU versions. */
			if (f->rule != CM_RULE_LOWER || f->sign ||
			    (m->r[s].mask & cm_field_mask(f)) != cm_field_mask(f) ||
			    cm_field_get(f, m->r[s].val) <= 0 || strstr("DebugVer CopDbg PerfMon PMUVer", f->name))
				continue;
			m->r[s].val = cm_field_set(f, m->r[s].val, 0);
			return true;
		}
	}
	return false;
}

/*
 * Another host of the same fleet, made from this one: a few writable
 * lower-safe fields lower, smaller minimum data cache line, and another
 * identity (a Cortex-A76 r4p1 MIDR, REVIDR 1).
 */
static void synth_host(const struct cm_profile *host, struct cm_profile *o)
{
	struct cm_field dminline = { "DminLine", 16, 4, 0, CM_RULE_LOWER, 0, NULL };
	int lowered = 0;

	*o = *host;
	snprintf(o->name, sizeof(o->name), "synthetic");
	while (lowered < 3 && lower_field(o, CM_SLOT_ID + CM_NR_ID))
		lowered++;
	if ((o->r[CM_SLOT_CTR].mask & cm_field_mask(&dminline)) &&
	    cm_field_get(&dminline, o->r[CM_SLOT_CTR].val) > 1)
		o->r[CM_SLOT_CTR].val = cm_field_set(&dminline, o->r[CM_SLOT_CTR].val,
						     cm_field_get(&dminline, o->r[CM_SLOT_CTR].val) - 1);
	o->r[CM_SLOT_MIDR].val = 0x414fd0b1;
	o->r[CM_SLOT_REVIDR].val = 1;
}

/*
 * Applying a model equal to the VM's registers writes nothing: every
 * register of both vCPUs unchanged (in particular the cache geometry stays
 * the host's, so guest reads of it do not trap).
 */
static void noop_apply(const struct cm_profile *m, const char *what)
{
	struct cm_report rep = { 0 };
	struct cm_snapshot before[2], after[2];
	struct cm_vm vm;
	int i, ret;

	if (cm_vm_create(&vm, m, 2, &rep)) {
		CHECK(0, "%s: VM created", what);
		dump(&rep);
		cm_report_free(&rep);
		return;
	}
	for (i = 0; i < 2; i++)
		cm_snapshot_take(&vm, i, &before[i]);
	ret = cm_apply(&vm, m, 0, &rep);
	CHECK(ret == 0 && report_has(&rep, "applied: 0 register writes"),
	      "%s: applied, no register written", what);
	dump(&rep);
	cm_report_free(&rep);
	for (i = 0; i < 2; i++) {
		cm_snapshot_take(&vm, i, &after[i]);
		CHECK(before[i].n > 100 && !cm_snapshot_diff(&before[i], &after[i], &rep) &&
		      !cm_cache_differs(m, &vm.host),
		      "%s: wrote nothing, all %zu registers of vCPU %d unchanged, cache geometry the host's",
		      what, before[i].n, i);
		dump(&rep);
		cm_report_free(&rep);
		cm_snapshot_free(&before[i]);
		cm_snapshot_free(&after[i]);
	}
	cm_vm_destroy(&vm);
}

static int slot_of(const char *field)
{
	char reg[96];

	snprintf(reg, sizeof(reg), "%s", field);
	*strchr(reg, '.') = 0;
	return cm_slot_by_name(reg);
}

static void refused(const struct cm_profile *bad, const char *field, unsigned int flags,
		    const char *what)
{
	struct cm_report rep = { 0 };
	struct cm_snapshot before[2], after[2];
	struct cm_vm vm;
	int i, ret;

	if (cm_vm_create(&vm, bad, 2, &rep)) {
		CHECK(0, "%s: VM created", what);
		dump(&rep);
		return;
	}
	for (i = 0; i < 2; i++)
		cm_snapshot_take(&vm, i, &before[i]);
	ret = cm_apply(&vm, bad, flags, &rep);
	CHECK(ret > 0, "%s: apply refused (returned %d)", what, ret);
	CHECK(report_has(&rep, field), "%s: the report names %s", what, field);
	dump(&rep);
	cm_report_free(&rep);
	for (i = 0; i < 2; i++) {
		cm_snapshot_take(&vm, i, &after[i]);
		CHECK(before[i].n > 100 && !cm_snapshot_diff(&before[i], &after[i], &rep),
		      "%s: all %zu registers of vCPU %d unchanged", what, before[i].n, i);
		dump(&rep);
		cm_report_free(&rep);
		cm_snapshot_free(&before[i]);
		cm_snapshot_free(&after[i]);
	}
	cm_vm_destroy(&vm);
}

/*
 * SVE with KVM_CAP_ARM_OOT_FLEET_ID_REGS, where this host's KVM offers it: a
 * model with the "sve" vCPU feature (its ID_AA64PFR0_EL1.SVE and
 * ID_AA64ZFR0_EL1 those of a VM with SVE) applies and the guest reads it;
 * the same model with FP16 hidden (FP/AdvSIMD 0, which a VM without SVE
 * may have) is refused, by the pre-check and by KVM.
 */
static void sve_tests(const struct cm_profile *self)
{
	int kvm = open("/dev/kvm", O_RDWR), pfr0 = cm_slot_by_name("ID_AA64PFR0_EL1");
	int zfr0 = cm_slot_by_name("ID_AA64ZFR0_EL1");
	const struct cm_field *fp = cm_field_by_name(pfr0, "FP"), *simd = cm_field_by_name(pfr0, "AdvSIMD");
	struct cm_report rep = { 0 };
	struct cm_profile m, bad;
	struct cm_vm vm;
	int has;

	has = kvm >= 0 ? ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_SVE) : -1;
	if (kvm >= 0)
		close(kvm);
	if (has <= 0 || cm_field_get(fp, self->r[pfr0].val) != 1 ||
	    cm_field_get(simd, self->r[pfr0].val) != 1) {
		printf("# fleet/SVE: skipped (KVM_CAP_ARM_SVE %d, FP %lld, AdvSIMD %lld)\n", has,
		       (long long)cm_field_get(fp, self->r[pfr0].val),
		       (long long)cm_field_get(simd, self->r[pfr0].val));
		return;
	}
	m = *self;
	snprintf(m.name, sizeof(m.name), "fleet-sve");
	m.vm_caps = CM_CAP_FLEET_ID_REGS;
	m.features |= 1u << CM_FEAT_SVE;
	if (cm_vm_create(&vm, &m, 1, &rep)) {
		CHECK(0, "fleet/SVE: VM with SVE created");
		dump(&rep);
		cm_report_free(&rep);
		return;
	}
	m.r[pfr0].val = vm.host.r[pfr0].val;
	m.r[zfr0].val = vm.host.r[zfr0].val;
	CHECK(vm.host.features & (1u << CM_FEAT_SVE) && (vm.host.r[pfr0].val >> 32 & 0xf),
	      "fleet/SVE: a VM with SVE offers it (ID_AA64PFR0_EL1 0x%llx, ID_AA64ZFR0_EL1 0x%llx)",
	      (unsigned long long)vm.host.r[pfr0].val, (unsigned long long)vm.host.r[zfr0].val);
	CHECK(!cm_compare(&m, &vm.host, &rep), "fleet/SVE: compare accepts the model, FP16 kept");
	dump(&rep);
	cm_report_free(&rep);
	cm_vm_destroy(&vm);
	round_trip(&m, "fleet model with SVE (FP16 kept)");

	bad = m;
	snprintf(bad.name, sizeof(bad.name), "fleet-sve-no-fp16");
	bad.r[pfr0].val = cm_field_set(simd, cm_field_set(fp, bad.r[pfr0].val, 0), 0);
	/* "ID_AA64PFR0_EL1.AdvSIMD: ..." (pre-check), "...AdvSIMD,FP: KVM rejected" */
	refused(&bad, "ID_AA64PFR0_EL1.AdvSIMD", 0, "FP16 hidden with SVE (pre-checked)");
	refused(&bad, "ID_AA64PFR0_EL1.AdvSIMD", CM_APPLY_NO_PRECHECK,
		"FP16 hidden with SVE (rejected by KVM)");
}

/*
 * ID_DFR0_EL1.CopDbg 0 with KVM_CAP_ARM_OOT_FLEET_ID_REGS, on a host with
 * AArch32 (a host without it reads ID_DFR0_EL1 as 0: nothing to change):
 * KVM accepts it in a VM that enabled the capability and whose EL1 is
 * AArch64, and the guest reads it; the whole register 0 too, as a model of
 * A64FX has it.  Refused, by the pre-check and by KVM: without the
 * capability, CopDbg 3 with it, and, where the host offers an AArch32 EL1,
 * in a VM with el1-32bit (whose guest code cm_verify_guest() cannot run:
 * userspace verifies a model that keeps the host's CopDbg there).
 */
static void copdbg_tests(const struct cm_profile *host, const struct cm_profile *self)
{
	int s = cm_slot_by_name("ID_DFR0_EL1"), kvm, el1_32;
	const struct cm_field *f = cm_field_by_name(s, "CopDbg");
	struct cm_report rep = { 0 };
	struct cm_profile m, bad;
	struct cm_vm vm;

	if (!cm_field_get(f, self->r[s].val)) {
		printf("# fleet/CopDbg: skipped (no AArch32 on this host: ID_DFR0_EL1 0x%llx)\n",
		       (unsigned long long)self->r[s].val);
		return;
	}
	m = *self;
	snprintf(m.name, sizeof(m.name), "fleet-copdbg0");
	m.vm_caps = CM_CAP_FLEET_ID_REGS;
	m.r[s].val = cm_field_set(f, m.r[s].val, 0);
	CHECK(!cm_compare(&m, host, &rep), "fleet/CopDbg: compare accepts ID_DFR0_EL1.CopDbg 0 with the capability (host %lld)",
	      (long long)cm_field_get(f, self->r[s].val));
	dump(&rep);
	cm_report_free(&rep);
	round_trip(&m, "fleet model (ID_DFR0_EL1.CopDbg 0, AArch64 EL1)");
	bad = m;
	bad.r[s].val = 0;
	snprintf(bad.name, sizeof(bad.name), "fleet-dfr0-zero");
	round_trip(&bad, "fleet model (ID_DFR0_EL1 0, as without AArch32)");

	bad = m;
	bad.vm_caps = 0;
	CHECK(cm_compare(&bad, host, &rep) && report_has(&rep, "ID_DFR0_EL1.CopDbg"),
	      "fleet/CopDbg: compare refuses CopDbg 0 without the capability");
	dump(&rep);
	cm_report_free(&rep);
	refused(&bad, "ID_DFR0_EL1.CopDbg", 0, "CopDbg 0 without the capability (pre-checked)");
	refused(&bad, "ID_DFR0_EL1.CopDbg", CM_APPLY_NO_PRECHECK,
		"CopDbg 0 without the capability (rejected by KVM)");
	bad = m;
	bad.r[s].val = cm_field_set(f, bad.r[s].val, 3);
	refused(&bad, "ID_DFR0_EL1.CopDbg", 0, "CopDbg 3 with the capability (pre-checked)");
	refused(&bad, "ID_DFR0_EL1.CopDbg", CM_APPLY_NO_PRECHECK,
		"CopDbg 3 with the capability (rejected by KVM)");

	kvm = open("/dev/kvm", O_RDWR);
	el1_32 = kvm >= 0 ? ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_EL1_32BIT) : -1;
	if (kvm >= 0)
		close(kvm);
	if (el1_32 <= 0) {
		printf("# fleet/CopDbg: el1-32bit skipped (KVM_CAP_ARM_EL1_32BIT %d)\n", el1_32);
		return;
	}
	bad = m;
	snprintf(bad.name, sizeof(bad.name), "fleet-copdbg0-el1-32bit");
	bad.features |= 1u << CM_FEAT_EL1_32BIT;
	refused(&bad, "ID_DFR0_EL1.CopDbg", 0, "CopDbg 0 with the capability, AArch32 EL1 (pre-checked)");
	refused(&bad, "ID_DFR0_EL1.CopDbg", CM_APPLY_NO_PRECHECK,
		"CopDbg 0 with the capability, AArch32 EL1 (rejected by KVM)");
	/* The host's CopDbg: applies; userspace verifies, guest code cannot. */
	bad.r[s].val = self->r[s].val;
	if (cm_vm_create(&vm, &bad, 2, &rep)) {
		CHECK(0, "fleet/CopDbg: VM with el1-32bit created");
		dump(&rep);
		cm_report_free(&rep);
		return;
	}
	CHECK(!cm_apply(&vm, &bad, 0, &rep) && !cm_verify(&vm, &bad, &rep),
	      "fleet/CopDbg: el1-32bit model keeping the host's CopDbg applies, userspace reads it");
	CHECK(cm_verify_guest(&vm, 0, &bad, &rep) < 0 && report_has(&rep, "el1-32bit"),
	      "fleet/CopDbg: guest-code verification says it cannot run on an AArch32 EL1");
	dump(&rep);
	cm_report_free(&rep);
	cm_vm_destroy(&vm);
}

/*
 * KVM_CAP_ARM_OOT_FLEET_ID_REGS.  With it (this series' kernel): probe
 * records it with the wider masks; a fleet field lowered (or CTR_EL0 made
 * VIPT with a larger write-back granule) applies on a VM that enables it,
 * userspace and guest read the model; without the capability in the model
 * the same change is refused by the pre-check and by KVM itself (rolled
 * back); FP/AdvSIMD follow their own rule.  Without it (another kernel):
 * probe does not record it and a model that requires it is incompatible.
 */
static void fleet_tests(const struct cm_profile *host, const struct cm_profile *self)
{
	int kvm = open("/dev/kvm", O_RDWR), has, s, pfr0 = cm_slot_by_name("ID_AA64PFR0_EL1");
	const struct cm_field *fp = cm_field_by_name(pfr0, "FP"), *simd = cm_field_by_name(pfr0, "AdvSIMD");
	const struct cm_field *f, *l1ip = cm_field_by_name(CM_SLOT_CTR, "L1Ip"), *cwg = cm_field_by_name(CM_SLOT_CTR, "CWG");
	struct cm_report rep = { 0 };
	struct cm_profile m, bad;
	char field[96] = "";
	bool wide = true;
	struct cm_vm vm;

	has = kvm >= 0 ? ioctl(kvm, KVM_CHECK_EXTENSION, CM_KVM_CAP_FLEET_ID_REGS) : -1;
	if (kvm >= 0)
		close(kvm);
	CHECK(!!(host->caps & CM_CAP_FLEET_ID_REGS) == (has > 0),
	      "fleet: probe records fleet-id-regs as KVM_CHECK_EXTENSION(1000) says (%d)", has);
	m = *self;
	snprintf(m.name, sizeof(m.name), "fleet-model");
	m.vm_caps = CM_CAP_FLEET_ID_REGS;
	if (has <= 0) {
		int ret = cm_vm_create(&vm, &m, 1, &rep);

		CHECK(ret > 0 && report_has(&rep, "KVM_CAP_ARM_OOT_FLEET_ID_REGS"),
		      "fleet: a model requiring it cannot run without it (cm_vm_create returned %d)", ret);
		dump(&rep);
		cm_report_free(&rep);
		if (!ret)
			cm_vm_destroy(&vm);
		return;
	}
	for (s = 0; s < CM_NR_SLOTS; s++)
		if (cm_fleet_mask(s) && host->r[s].present &&
		    (host->r[s].mask & cm_fleet_mask(s)) != cm_fleet_mask(s))
			wide = false;
	CHECK(wide, "fleet: probe recorded the wider masks (every fleet field writable)");

	/* A lower-safe fleet field above 0, lowered (from the last register). */
	for (s = CM_SLOT_ID + CM_NR_ID - 1; s >= CM_SLOT_ID && !field[0]; s--) {
		const struct cm_regdesc *d = cm_slot_desc(s);

		for (f = d ? d->fields : NULL; f && f->name && !field[0]; f++) {
			if (!(cm_fleet_mask(s) & cm_field_mask(f)) || f->rule != CM_RULE_LOWER ||
			    f->sign || cm_field_get(f, m.r[s].val) <= 0)
				continue;
			m.r[s].val = cm_field_set(f, m.r[s].val, 0);
			snprintf(field, sizeof(field), "%s.%s", cm_slot_name(s), f->name);
		}
	}
	/* None (Cortex-A72: an Armv8.0 CPU): CTR_EL0.L1Ip to VIPT. */
	if (!field[0] && cm_field_get(l1ip, m.r[CM_SLOT_CTR].val) != 2) {
		m.r[CM_SLOT_CTR].val = cm_field_set(l1ip, m.r[CM_SLOT_CTR].val, 2);
		snprintf(field, sizeof(field), "CTR_EL0.L1Ip");
	}
	if (!field[0]) {
		CHECK(0, "fleet: found a fleet field to change on this host");
		return;
	}
	CHECK(!cm_compare(&m, host, &rep), "fleet: compare accepts %s changed with the capability", field);
	dump(&rep);
	cm_report_free(&rep);
	round_trip(&m, "fleet model (a fleet field changed)");

	/* The same model without the capability: refused, and KVM refuses it. */
	bad = m;
	bad.vm_caps = 0;
	CHECK(cm_compare(&bad, host, &rep) && report_has(&rep, field) &&
	      report_has(&rep, "without KVM_CAP_ARM_OOT_FLEET_ID_REGS"),
	      "fleet: compare refuses %s changed without the capability", field);
	dump(&rep);
	cm_report_free(&rep);
	refused(&bad, field, 0, "fleet field without the capability (pre-checked)");
	refused(&bad, field, CM_APPLY_NO_PRECHECK, "fleet field without the capability (rejected by KVM)");

	/* CTR_EL0: VIPT, and a larger write-back granule; the guest reads them. */
	m = *self;
	snprintf(m.name, sizeof(m.name), "fleet-ctr");
	m.vm_caps = CM_CAP_FLEET_ID_REGS;
	m.r[CM_SLOT_CTR].val = cm_field_set(l1ip, m.r[CM_SLOT_CTR].val, 2);
	if (cm_field_get(cwg, m.r[CM_SLOT_CTR].val) && cm_field_get(cwg, m.r[CM_SLOT_CTR].val) < 9)
		m.r[CM_SLOT_CTR].val = cm_field_set(cwg, m.r[CM_SLOT_CTR].val,
						    cm_field_get(cwg, m.r[CM_SLOT_CTR].val) + 1);
	if (m.r[CM_SLOT_CTR].val != self->r[CM_SLOT_CTR].val) {
		CHECK(!cm_compare(&m, host, &rep), "fleet: compare accepts CTR_EL0 0x%llx (host 0x%llx)",
		      (unsigned long long)m.r[CM_SLOT_CTR].val,
		      (unsigned long long)host->r[CM_SLOT_CTR].val);
		dump(&rep);
		cm_report_free(&rep);
		round_trip(&m, "fleet model (CTR_EL0 L1Ip VIPT, CWG larger)");
	}

	/* FP/AdvSIMD: from FP16 to without, together; never NI; never apart. */
	if (cm_field_get(fp, self->r[pfr0].val) == 1 && cm_field_get(simd, self->r[pfr0].val) == 1) {
		m = *self;
		snprintf(m.name, sizeof(m.name), "fleet-fp");
		m.vm_caps = CM_CAP_FLEET_ID_REGS;
		m.r[pfr0].val = cm_field_set(simd, cm_field_set(fp, m.r[pfr0].val, 0), 0);
		round_trip(&m, "fleet model (FP/AdvSIMD without FP16)");
		bad = m;
		bad.r[pfr0].val = cm_field_set(simd, bad.r[pfr0].val, 1);
		refused(&bad, "ID_AA64PFR0_EL1.FP", 0, "FP without FP16, AdvSIMD with (pre-checked)");
		refused(&bad, "ID_AA64PFR0_EL1.FP", CM_APPLY_NO_PRECHECK,
			"FP without FP16, AdvSIMD with (rejected by KVM)");
		/* 0xf (NI) is lower than 1 for the signed lower-safe rule. */
		bad.r[pfr0].val = cm_field_set(fp, bad.r[pfr0].val, -1);
		refused(&bad, "ID_AA64PFR0_EL1.FP", 0, "FP not implemented (pre-checked)");
		refused(&bad, "ID_AA64PFR0_EL1.FP", CM_APPLY_NO_PRECHECK,
			"FP not implemented (rejected by KVM)");
	}

	/*
	 * Reserved encodings the host's tables would let through: CTR_EL0.CWG
	 * above 9 (higher-or-zero-safe), ID_AA64MMFR1_EL1.VMIDBits 1
	 * (lower-safe from 16 bits).
	 */
	m = *self;
	snprintf(m.name, sizeof(m.name), "fleet-cwg-reserved");
	m.vm_caps = CM_CAP_FLEET_ID_REGS;
	m.r[CM_SLOT_CTR].val = cm_field_set(cwg, m.r[CM_SLOT_CTR].val, 0xa);
	refused(&m, "CTR_EL0.CWG", 0, "CTR_EL0.CWG 0xa, reserved (pre-checked)");
	refused(&m, "CTR_EL0.CWG", CM_APPLY_NO_PRECHECK, "CTR_EL0.CWG 0xa, reserved (rejected by KVM)");
	s = cm_slot_by_name("ID_AA64MMFR1_EL1");
	f = cm_field_by_name(s, "VMIDBits");
	if (cm_field_get(f, self->r[s].val) == 2) {
		m = *self;
		snprintf(m.name, sizeof(m.name), "fleet-vmidbits-reserved");
		m.vm_caps = CM_CAP_FLEET_ID_REGS;
		m.r[s].val = cm_field_set(f, m.r[s].val, 1);
		refused(&m, "ID_AA64MMFR1_EL1.VMIDBits", 0, "VMIDBits 1, reserved (pre-checked)");
		refused(&m, "ID_AA64MMFR1_EL1.VMIDBits", CM_APPLY_NO_PRECHECK,
			"VMIDBits 1, reserved (rejected by KVM)");
	}

	/* ID_AA64MMFR2_EL1.IDS is guest-observable: fixed with the capability too. */
	s = cm_slot_by_name("ID_AA64MMFR2_EL1");
	f = cm_field_by_name(s, "IDS");
	CHECK(!(host->r[s].mask & cm_field_mask(f)),
	      "fleet: ID_AA64MMFR2_EL1.IDS is not in the wide mask (0x%016llx)",
	      (unsigned long long)host->r[s].mask);
	m = *self;
	snprintf(m.name, sizeof(m.name), "fleet-ids");
	m.vm_caps = CM_CAP_FLEET_ID_REGS;
	m.r[s].val = cm_field_set(f, m.r[s].val, !cm_field_get(f, m.r[s].val));
	refused(&m, "ID_AA64MMFR2_EL1.IDS", 0, "IDS changed with the capability (pre-checked)");
	refused(&m, "ID_AA64MMFR2_EL1.IDS", CM_APPLY_NO_PRECHECK,
		"IDS changed with the capability (rejected by KVM)");

	copdbg_tests(host, self);
	sve_tests(self);
}

/*
 * Bridges to other VMMs (export.c).  The fleet model @m (shared with
 * another host, presenting this host's identity) exported as a Firecracker
 * template against this host's profile, imported back with
 * arm64cm_import_firecracker(), and applied with the library's own apply
 * path: the imported model sets every register @m sets to the same value,
 * and the guest's view, verified from guest code against @m, is the one it
 * gets when @m itself is applied (same result, same explanations).
 * Firecracker enables no VM capability: a model that changes a fleet field
 * on this host cannot be exported (ARM64CM_INCOMPATIBLE, no text), and the
 * export says which register and field (in the finding's members too).
 */
static int guest_view(const struct cm_profile *apply, const struct cm_profile *expect,
		      struct cm_report *view, const char *what)
{
	struct cm_report rep = { 0 };
	struct cm_vm vm;
	int i, bad;

	if (cm_vm_create(&vm, apply, 2, &rep)) {
		CHECK(0, "%s: VM created", what);
		dump(&rep);
		cm_report_free(&rep);
		return -1;
	}
	bad = cm_apply(&vm, apply, 0, &rep);
	CHECK(bad == 0, "%s: applied", what);
	dump(&rep);
	cm_report_free(&rep);
	for (i = 0; i < 2 && !bad; i++)
		bad = cm_verify_guest(&vm, i, expect, view);
	cm_vm_destroy(&vm);
	return bad;
}

static void bridge_tests(const struct cm_profile *host, const struct cm_profile *m,
			 const char *what)
{
	struct arm64cm_findings *f = arm64cm_findings_new();
	struct arm64cm_profile *mh = cm_profile_handle(m), *hh = cm_profile_handle(host);
	struct arm64cm_profile *imp = NULL;
	struct cm_report direct = { 0 }, via = { 0 };
	int s, differ = 0, ret, a, b;
	size_t i;
	bool same;
	char *text = NULL;

	if (!f || !mh || !hh) {
		CHECK(0, "%s: out of memory", what);
		goto out;
	}
	ret = arm64cm_export_firecracker(mh, hh, &text, f);
	if (ret == ARM64CM_INCOMPATIBLE && (m->vm_caps & CM_CAP_FLEET_ID_REGS)) {
		for (i = 0; i < arm64cm_findings_count(f); i++)
			if (arm64cm_finding_severity(f, i) == ARM64CM_ERROR &&
			    strstr(arm64cm_finding_message(f, i),
				   "KVM_CAP_ARM_OOT_FLEET_ID_REGS (fleet-id-regs, out of tree)") &&
			    strstr(arm64cm_finding_message(f, i),
				   "Firecracker does not enable it") &&
			    arm64cm_finding_register(f, i) && arm64cm_finding_reg_id(f, i) &&
			    arm64cm_finding_field(f, i) && arm64cm_finding_values(f, i, NULL, NULL))
				break;
		CHECK(i < arm64cm_findings_count(f) && !text,
		      "%s: requires fleet-id-regs, changes a fleet field here: Firecracker export refused (status %d), register and field named",
		      what, ret);
		goto out_dump;
	}
	CHECK(ret == ARM64CM_OK && text, "%s: exported as a Firecracker template (status %d)",
	      what, ret);
	if (ret != ARM64CM_OK || !text)
		goto out_dump;
	printf("#   template:\n#   ");
	for (i = 0; text[i]; i++) {
		if (text[i] == '\n')
			fputs("\n#   ", stdout);
		else
			putchar(text[i]);
	}
	printf("\n");
	ret = arm64cm_import_firecracker(text, hh, &imp, f);
	free(text);
	CHECK(ret == ARM64CM_OK && imp, "%s: template imported (status %d)", what, ret);
	if (ret != ARM64CM_OK || !imp)
		goto out_dump;
	for (s = 0; s < CM_NR_SLOTS; s++) {
		if (!m->r[s].present ||
		    (imp->p.r[s].present && imp->p.r[s].val == m->r[s].val))
			continue;
		printf("#   %s: model 0x%llx, imported 0x%llx\n", cm_slot_name(s),
		       (unsigned long long)m->r[s].val, (unsigned long long)imp->p.r[s].val);
		differ++;
	}
	CHECK(!differ && imp->p.features == m->features && !cm_compare(&imp->p, host, &via),
	      "%s: the imported model sets every register of the model the same (%d differ), same vCPU features, runs here",
	      what, differ);
	dump(&via);
	cm_report_free(&via);

	a = guest_view(m, m, &direct, "model applied directly");
	b = guest_view(&imp->p, m, &via, "imported template applied");
	same = direct.n == via.n;
	for (i = 0; same && i < direct.n; i++)
		same = !strcmp(direct.line[i], via.line[i]);
	CHECK(a == 0 && b == 0 && same,
	      "%s: guest code reads the model on both vCPUs either way, same view (%zu explanation lines)",
	      what, direct.n);
	dump(&direct);
	if (!same)
		dump(&via);
	cm_report_free(&direct);
	cm_report_free(&via);
out_dump:
	for (i = 0; i < arm64cm_findings_count(f); i++)
		printf("#   %s\n", arm64cm_finding_message(f, i));
out:
	arm64cm_profile_free(imp);
	arm64cm_profile_free(mh);
	arm64cm_profile_free(hh);
	arm64cm_findings_free(f);
}

/* The public plan interface read through the test's own file descriptors. */
struct own_vm {
	int vm, vcpu0;
};

static int own_ext(void *opaque, unsigned long cap, int *res)
{
	const struct own_vm *o = opaque;
	int r = ioctl(o->vm, KVM_CHECK_EXTENSION, cap);

	if (r < 0)
		return -errno;
	*res = r;
	return 0;
}

static int own_get(void *opaque, uint64_t id, uint64_t *val)
{
	const struct own_vm *o = opaque;
	uint32_t v32 = 0;
	struct kvm_one_reg r = { .id = id };

	*val = 0;
	r.addr = (id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U32 ? (uintptr_t)&v32 : (uintptr_t)val;
	if (ioctl(o->vcpu0, KVM_GET_ONE_REG, &r))
		return -errno;
	if ((id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U32)
		*val = v32;
	return 0;
}

static int own_masks(void *opaque, uint64_t masks[192])
{
	const struct own_vm *o = opaque;
	struct reg_mask_range range = { .addr = (uintptr_t)masks,
					.range = KVM_ARM_FEATURE_ID_RANGE };

	if (ioctl(o->vm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES) <= 0)
		return -ENOTTY;
	return ioctl(o->vm, KVM_ARM_GET_REG_WRITABLE_MASKS, &range) ? -errno : 0;
}

/*
 * A VMM that applies @m with its own file descriptors, as the public plan
 * says (capabilities, vCPU features, the ordered writes on every vCPU),
 * gets the VM cm_apply() makes: every listed register of both vCPUs
 * equal, and guest code reads the model on both.
 */
static void plan_tests(const struct cm_profile *m, const char *what)
{
	static const struct arm64cm_host_ops ops = {
		.size = sizeof(struct arm64cm_host_ops),
		.check_extension = own_ext, .get_reg = own_get, .get_writable_masks = own_masks,
	};
	struct arm64cm_profile *mh = cm_profile_handle(m);
	struct arm64cm_findings *f = arm64cm_findings_new();
	struct cm_snapshot sa[2] = { 0 }, sb[2] = { 0 };
	struct cm_report rep = { 0 };
	struct arm64cm_plan *plan = NULL;
	struct cm_vm a, b = { .kvm = -1, .vm = -1 };
	struct kvm_vcpu_init init;
	struct own_vm o;
	int i, ret, bad = 0;
	size_t k, n = 0;

	if (!mh || !f || cm_vm_create(&a, m, 2, &rep) || cm_apply(&a, m, 0, &rep)) {
		CHECK(0, "%s: the library's own apply", what);
		dump(&rep);
		goto out;
	}
	for (i = 0; i < 2; i++)
		bad |= cm_snapshot_take(&a, i, &sa[i]);
	b.kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	b.vm = b.kvm < 0 ? -1 : ioctl(b.kvm, KVM_CREATE_VM, 0);
	o.vm = b.vm;
	ret = b.vm < 0 ? -1 : arm64cm_plan_vm(mh, &ops, &o, &plan, f);
	CHECK(!bad && !ret, "%s: plan_vm (%zu capabilities, features 0x%x)", what,
	      plan ? arm64cm_plan_nr_caps(plan) : 0, plan ? arm64cm_plan_vcpu_features(plan) : 0);
	if (bad || ret)
		goto out;
	for (k = 0; k < arm64cm_plan_nr_caps(plan); k++) {
		struct kvm_enable_cap cap = { .cap = (uint32_t)arm64cm_plan_cap(plan, k) };

		bad |= ioctl(b.vm, KVM_ENABLE_CAP, &cap);
	}
	bad |= ioctl(b.vm, KVM_ARM_PREFERRED_TARGET, &init);
	init.features[0] |= arm64cm_plan_vcpu_features(plan);
	for (i = 0; i < 2 && !bad; i++) {
		int sve = KVM_ARM_VCPU_SVE;

		b.vcpu[i] = ioctl(b.vm, KVM_CREATE_VCPU, i);
		bad |= b.vcpu[i] < 0 || ioctl(b.vcpu[i], KVM_ARM_VCPU_INIT, &init);
		if (!bad && (init.features[0] & (1u << KVM_ARM_VCPU_SVE)))
			bad |= ioctl(b.vcpu[i], KVM_ARM_VCPU_FINALIZE, &sve);
		b.nr_vcpus += !bad;
	}
	o.vcpu0 = b.vcpu[0];
	ret = bad ? -1 : arm64cm_plan_writes(plan, &ops, &o, f);
	n = arm64cm_plan_nr_writes(plan);
	CHECK(!ret, "%s: VM made by hand as planned, %zu writes per vCPU", what, n);
	if (ret)
		goto out;
	for (i = 0; i < 2; i++) {
		for (k = 0; k < n; k++) {
			uint64_t id, val;
			uint32_t v32;
			struct kvm_one_reg r;

			arm64cm_plan_write(plan, k, &id, &val, NULL);
			v32 = (uint32_t)val;
			r = (struct kvm_one_reg){ .id = id,
				.addr = (id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U32 ?
					(uintptr_t)&v32 : (uintptr_t)&val };
			if (ioctl(b.vcpu[i], KVM_SET_ONE_REG, &r)) {
				printf("#   vCPU %d: KVM_SET_ONE_REG 0x%llx = 0x%llx: %s\n", i,
				       (unsigned long long)id, (unsigned long long)val,
				       strerror(errno));
				bad++;
			}
		}
	}
	CHECK(!bad, "%s: KVM took every planned write on both vCPUs", what);
	for (i = 0; i < 2; i++) {
		cm_report_free(&rep);
		ret = cm_snapshot_take(&b, i, &sb[i]) ? -1 : cm_snapshot_diff(&sa[i], &sb[i], &rep);
		CHECK(ret == 0, "%s: vCPU %d: every listed register as the library's apply left it (%zu registers)",
		      what, i, sb[i].n);
		dump(&rep);
	}
	/* The VM as created is the same host's: the defaults guest code compares with. */
	b.host = a.host;
	for (i = 0; i < 2; i++) {
		cm_report_free(&rep);
		ret = cm_verify_guest(&b, i, m, &rep);
		CHECK(ret == 0, "%s: guest code on vCPU %d reads the model", what, i);
		if (ret)
			dump(&rep);
	}
out:
	for (k = 0; f && k < arm64cm_findings_count(f); k++)
		if (arm64cm_finding_severity(f, k) == ARM64CM_ERROR)
			printf("#   %s\n", arm64cm_finding_message(f, k));
	for (i = 0; i < 2; i++) {
		cm_snapshot_free(&sa[i]);
		cm_snapshot_free(&sb[i]);
	}
	cm_report_free(&rep);
	arm64cm_plan_free(plan);
	cm_vm_destroy(&a);
	cm_vm_destroy(&b);
	arm64cm_findings_free(f);
	arm64cm_profile_free(mh);
}

static void bridges(const struct cm_profile *host, int argc, char **argv)
{
	struct cm_profile pair[2], model;
	struct cm_report rep = { 0 };
	char what[128];
	int i;

	for (i = 0; i < argc; i++) {
		pair[0] = *host;
		if (!i)
			synth_host(host, &pair[1]);
		else if (cm_load(argv[i], &pair[1], &rep))
			continue;	/* reported by main() */
		cm_report_free(&rep);
		snprintf(what, sizeof(what), "bridge: fleet model this-host+%s", pair[1].name);
		if (cm_baseline(pair, 2, 0, "fleet-bridge", &model, &rep)) {
			CHECK(0, "%s: baseline", what);
			dump(&rep);
			cm_report_free(&rep);
			continue;
		}
		cm_report_free(&rep);
		bridge_tests(host, &model, what);
		snprintf(what, sizeof(what), "plan: fleet model this-host+%s", pair[1].name);
		plan_tests(&model, what);
	}

	/* A fleet field changed: only with the capability, which Firecracker lacks. */
	if (!cm_baseline(host, 1, -1, "fleet-l1ip", &model, &rep)) {
		const struct cm_field *l1ip = cm_field_by_name(CM_SLOT_CTR, "L1Ip");
		uint64_t ctr = model.r[CM_SLOT_CTR].val;

		model.vm_caps = CM_CAP_FLEET_ID_REGS;
		model.r[CM_SLOT_CTR].val = cm_field_set(l1ip, ctr,
							cm_field_get(l1ip, ctr) == 2 ? 3 : 2);
		bridge_tests(host, &model, "bridge: CTR_EL0.L1Ip changed (fleet-id-regs)");
	} else {
		CHECK(0, "bridge: baseline of this host");
		dump(&rep);
	}
	cm_report_free(&rep);
}

int main(int argc, char **argv)
{
	struct cm_profile host, again, model, pair[2], bad, other;
	struct cm_report rep = { 0 };
	char *text, field[96];
	int s, i, present = 0, writable = 0, caches = 0;

	if (cm_probe(&host, "this-host", &rep)) {
		dump(&rep);
		CHECK(0, "probe");
		printf("%d passed, %d failed\n", passed, failed);
		return 1;
	}
	/* KVM lists the CCSIDR of the caches the host's CLIDR_EL1 describes. */
	for (s = 0; s < CM_NR_SLOTS; s++) {
		bool cache = s >= CM_SLOT_CCSIDR && s < CM_SLOT_MIDR;

		if (cache)
			caches += cm_cache_described(host.r[CM_SLOT_CLIDR].val, s - CM_SLOT_CCSIDR);
		if (host.r[s].present == (!cache || cm_cache_described(host.r[CM_SLOT_CLIDR].val,
								       s - CM_SLOT_CCSIDR)))
			present++;
		writable += host.r[s].mask != 0;
	}
	CHECK(present == CM_NR_SLOTS && caches > 0,
	      "probe: %d of %d registers as expected (CCSIDR of the %d caches CLIDR_EL1 0x%llx describes)",
	      present, CM_NR_SLOTS, caches, (unsigned long long)host.r[CM_SLOT_CLIDR].val);
	CHECK(writable >= 14, "probe: %d registers with writable bits", writable);
	CHECK(host.caps & CM_CAP_WRITABLE_IMP && host.caps & CM_CAP_WRITABLE_MASKS,
	      "probe: writable masks and writable implementation registers");

	CHECK(!(host.features & (1u << CM_FEAT_PMU_V3)) || host.pmu_counters_set,
	      "probe: PMCR_EL0.N of the PMU recorded (%u event counters)", host.pmu_counters);
	{
		struct cm_impl l[CM_MAX_IMPLS];
		int n = cm_impls(&host, l);

		CHECK(n >= 1 && l[0].midr == host.r[CM_SLOT_MIDR].val,
		      "probe: %d CPU implementation%s, the first MIDR_EL1 0x%llx", n, n > 1 ? "s" : "",
		      (unsigned long long)l[0].midr);
	}

	text = cm_to_json(&host);
	CHECK(text && !cm_parse(text, "probe output", &again, &rep) &&
	      !memcmp(host.r, again.r, sizeof(host.r)) && host.caps == again.caps &&
	      host.features == again.features && !strcmp(host.kernel, again.kernel) &&
	      host.nr_impls == again.nr_impls &&
	      !memcmp(host.impls, again.impls, sizeof(host.impls)) &&
	      host.pmu_counters_set == again.pmu_counters_set &&
	      host.pmu_counters == again.pmu_counters,
	      "probe: JSON round trip is exact");
	free(text);
	dump(&rep);
	cm_report_free(&rep);

	/* The host's own model. */
	CHECK(!cm_baseline(&host, 1, -1, "self", &model, &rep), "baseline of this host alone");
	dump(&rep);
	cm_report_free(&rep);
	CHECK(!cm_compare(&model, &host, &rep), "compare: self model runs here");
	cm_report_free(&rep);
	CHECK(model.nr_impls >= 1 && model.pmu_counters_set == host.pmu_counters_set,
	      "self model: the host's implementations, PMCR_EL0.N %s", model.pmu_counters_set ? "kept" : "absent");
	round_trip(&model, "self model");
	noop_apply(&model, "self model on a new VM");
	round_trip_flags(&model, 0, "self model without --discovery (the default)");

	/*
	 * Target-implementation discovery of a fleet with three kinds of CPU:
	 * the guest asks and gets the list, in order, from cm_handle_hypercall().
	 */
	other = model;
	snprintf(other.name, sizeof(other.name), "three-implementations");
	other.impls[other.nr_impls++] = (struct cm_impl){ 0x414fd0b1, 0x1, 0x0 };	/* Cortex-A76 r4p1 */
	other.impls[other.nr_impls++] = (struct cm_impl){ 0x412fd050, 0x0, 0x2 };	/* Cortex-A55 r2p0 */
	round_trip(&other, "model with 3 implementations");

	/* Fewer PMU event counters: userspace and the guest read the lower N. */
	if (host.pmu_counters_set && host.pmu_counters > 0) {
		other = model;
		snprintf(other.name, sizeof(other.name), "fewer-counters");
		other.pmu_counters = host.pmu_counters - 1;
		CHECK(!cm_compare(&other, &host, &rep), "fewer counters: compare accepts PMCR_EL0.N %u",
		      other.pmu_counters);
		cm_report_free(&rep);
		round_trip(&other, "model with PMCR_EL0.N lowered");
	}

	/*
	 * Other caches than the host's (a smaller L1 data cache): the vCPUs
	 * get their own geometry and the guest reads it through traps.
	 */
	other = model;
	snprintf(other.name, sizeof(other.name), "other-caches");
	other.r[CM_SLOT_CCSIDR].val = (other.r[CM_SLOT_CCSIDR].val & ~0x0fffe000ULL) |
				      ((((other.r[CM_SLOT_CCSIDR].val >> 13) & 0x7fff) / 2) << 13);
	if (other.r[CM_SLOT_CCSIDR].val == model.r[CM_SLOT_CCSIDR].val)
		other.r[CM_SLOT_CCSIDR].val ^= 1ULL << 13;
	CHECK(other.r[CM_SLOT_CCSIDR].present && cm_cache_differs(&other, &host) &&
	      !cm_compare(&other, &host, &rep), "other caches: compare accepts CCSIDR_EL1[0] 0x%llx",
	      (unsigned long long)other.r[CM_SLOT_CCSIDR].val);
	dump(&rep);
	cm_report_free(&rep);
	round_trip(&other, "other caches");

	fleet_tests(&host, &model);
	bridges(&host, argc, argv);

	/*
	 * Models shared with another host (made up from this one, or the
	 * fixture profiles of other CPUs given as arguments), presenting the
	 * other host's identity.
	 */
	for (i = 0; i < argc; i++) {
		char what[128];

		pair[0] = host;
		if (!i)
			synth_host(&host, &pair[1]);
		else if (cm_load(argv[i], &pair[1], &rep)) {
			CHECK(0, "load %s", argv[i]);
			dump(&rep);
			cm_report_free(&rep);
			continue;
		}
		snprintf(what, sizeof(what), "model this-host+%s", pair[1].name);
		s = cm_baseline(pair, 2, 1, "pair", &model, &rep);
		CHECK(!s, "%s: baseline", what);
		if (s) {
			dump(&rep);
			cm_report_free(&rep);
			continue;
		}
		cm_report_free(&rep);
		CHECK(memcmp(model.r, host.r, sizeof(host.r)) &&
		      model.r[CM_SLOT_MIDR].val == pair[1].r[CM_SLOT_MIDR].val &&
		      model.r[CM_SLOT_MIDR].val != host.r[CM_SLOT_MIDR].val,
		      "%s: differs from this host, MIDR_EL1 0x%llx of %s", what,
		      (unsigned long long)model.r[CM_SLOT_MIDR].val, pair[1].name);
		round_trip(&model, what);
	}

	/* Refused before writing anything. */
	bad = host;
	snprintf(bad.name, sizeof(bad.name), "too-capable");
	bad.is_model = true;
	if (raise_field(&bad, field, sizeof(field))) {
		refused(&bad, field, 0, "model above the host (pre-checked)");
		/*
		 * KVM itself rejects, after an earlier register was written:
		 * everything written is put back.
		 */
		if (lower_field(&bad, slot_of(field)))
			refused(&bad, field, CM_APPLY_NO_PRECHECK,
				"model above the host (rejected by KVM, rolled back)");
		else
			CHECK(0, "found a field to lower before %s", field);
	} else {
		CHECK(0, "found a writable field to raise above the host");
	}

	/*
	 * More PMU event counters than the host has: refused before writing;
	 * KVM ignores such an N (mainline semantics), which apply finds on
	 * reading it back, and puts back what it wrote.
	 */
	if (host.pmu_counters_set && host.pmu_counters < 31) {
		bad = host;
		snprintf(bad.name, sizeof(bad.name), "more-counters");
		bad.is_model = true;
		bad.pmu_counters = host.pmu_counters + 1;
		refused(&bad, "PMCR_EL0.N", 0, "more event counters than the host (pre-checked)");
		if (lower_field(&bad, CM_SLOT_ID + CM_NR_ID))
			refused(&bad, "PMCR_EL0.N", CM_APPLY_NO_PRECHECK,
				"more event counters than the host (ignored by KVM, rolled back)");
		else
			CHECK(0, "found a field to lower before PMCR_EL0");
	}

	/*
	 * Cache lines smaller than the host's CTR_EL0 minimum: refused, and
	 * rejected by KVM after an ID register was written (rolled back).
	 */
	bad = host;
	snprintf(bad.name, sizeof(bad.name), "small-lines");
	bad.is_model = true;
	bad.r[CM_SLOT_CCSIDR].val &= ~7ULL;	/* 16-byte lines */
	refused(&bad, "CCSIDR_EL1[0].LineSize", 0, "16-byte cache lines (pre-checked)");
	if (lower_field(&bad, CM_SLOT_ID + CM_NR_ID))
		refused(&bad, "CCSIDR_EL1[0].LineSize", CM_APPLY_NO_PRECHECK,
			"16-byte cache lines (rejected by KVM, rolled back)");
	else
		CHECK(0, "found a field to lower before the cache geometry");

	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
