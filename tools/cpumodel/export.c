// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libarm64cpumodel: bridges to virtual machine monitors that apply CPU
 * models themselves.
 *
 * QEMU (arm64cm_export_qemu()): the properties of QEMU's customizable KVM
 * "host" CPU model, posted by Eric Auger and Cornelia Huck ("kvm/arm:
 * Introduce a customizable aarch64 KVM host model", qemu-devel RFC
 * 2024-10 to v4 2026-05; patches "arm/cpu: Add sysreg properties
 * generation", "arm/kvm: Allow reading all the writable ID registers",
 * "arm/cpu: more customization for the kvm host cpu model"):
 *
 *   "If the interface for writable ID registers is available, expose uint64
 *   SYSREG properties for writable ID reg fields exposed by the host
 *   kernel. Properties are named SYSREG_<REG>_<FIELD> with REG and FIELD
 *   being those used in linux arch/arm64/tools/sysreg. [...] An example of
 *   invocation is: -cpu host,SYSREG_ID_AA64ISAR0_EL1_DP=0x0"
 *
 * So: the register name keeps its _EL1/_EL0 suffix (SYSREG_CTR_EL0_DminLine
 * in the series' docs/system/arm/cpu-features.rst), the field is spelled as
 * in the sysreg file (SYSREG_ID_AA64MMFR0_EL1_TGRAN4_2), a property exists
 * only for a field KVM_ARM_GET_REG_WRITABLE_MASKS reports writable (setting
 * another is "Property not found"), its value is the field's value, not
 * shifted, unsigned (set_sysreg_prop() refuses a value wider than the
 * field: NI of a signed field is 0xf), and QEMU's string input visitor
 * parses it with qemu_strtou64(..., 0): decimal or 0x hex.  (The v4
 * posting takes the names from Arm's AARCHMRS Registers.json instead;
 * where that spells a field differently, QEMU's query-cpu-model-expansion
 * of "host" lists the names it has.)  We write one
 * line "host,PROP=VALUE,..." for -cpu, hex values, one property per field
 * of the feature ID registers and CTR_EL0 that the host lets a VMM change
 * and the model sets (equal to the host's or not: the list is the model's
 * complete writable part, whatever the host's defaults), after QEMU's own
 * vCPU properties (pmu, pauth, sve, kvm-steal-time, aarch64).  QEMU has no
 * property for MIDR/REVIDR/AIDR (the series leaves "MIDR differences" out
 * of scope), the cache geometry, the firmware registers, the hypercall
 * bitmaps or PMCR_EL0.N, and does not enable KVM_CAP_ARM_OOT_FLEET_ID_REGS:
 * a model that differs from the host there cannot be exported.
 *
 * Firecracker (arm64cm_export_firecracker(), arm64cm_import_firecracker()):
 * a custom CPU template, docs/cpu_templates/cpu-templates.md and
 * schema.json of firecracker-microvm/firecracker, applied by
 * src/vmm/src/cpu_config/aarch64/mod.rs: "reg_modifiers" [{"addr": KVM
 * register id as a string, "bitmap": "0b[01x]{1,128}"}], read from vCPU 0
 * with KVM_GET_ONE_REG, then value = (value & ~filter) | set, written to
 * every vCPU in the template's order ('0' clears, '1' sets, 'x' keeps; '_'
 * separates; a shorter bitmap means leading 'x'); "vcpu_features"
 * [{"index": 0, "bitmap": "0b[01x]{1,32}"}] modify kvm_vcpu_init.features[0]
 * of Firecracker's default (KVM_ARM_VCPU_PSCI_0_2 only, POWER_OFF on
 * secondary vCPUs); "kvm_capabilities" ["N", "!N"] only add or remove
 * checks (Firecracker enables no capability).  We write a modifier for each
 * register whose value the model changes on this host: every bit KVM lets
 * the VMM change is explicit (the model's), the others 'x' (equal to the
 * host's, or the export fails), 64 characters for 64-bit registers, 32 for
 * the CCSIDR demux registers; vcpu_features when the model's features are
 * not Firecracker's default (bits 1-6 explicit, bit 0 'x'), with the
 * capability checks they need.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "arm64-cpumodel.h"
#include "cpumodel.h"
#include "cpumodel-int.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum vmm { VMM_QEMU, VMM_FIRECRACKER };

static const char *const vmm_name[] = { "QEMU", "Firecracker" };

/* PMCR_EL0 (op0 3, op1 3, CRn 9, CRm 12, op2 0) and its N field, bits 15:11. */
#define PMCR_EL0_ID	(CM_KVM_REG_ARM64 | CM_KVM_REG_SIZE_U64 | CM_KVM_SYSREG | \
			 3 << 14 | 3 << 11 | 9 << 7 | 12 << 3 | 0)
#define PMCR_N_SHIFT	11
#define PMCR_N_MASK	(0x1fULL << PMCR_N_SHIFT)

/* PMCR_EL0.N for findings: KVM takes fewer event counters than the host's, not more. */
static const struct cm_field pmcr_n = {
	.name = "N", .shift = PMCR_N_SHIFT, .width = 5, .rule = CM_RULE_LOWER,
};

/* kvm_vcpu_init.features[0]: the bits a model describes (KVM_ARM_VCPU_*). */
#define FEAT_POWER_OFF	0
#define FEAT_MODELLED	(((1u << (CM_FEAT_PTRAUTH_GENERIC + 1)) - 1) & ~(1u << FEAT_POWER_OFF))
#define FC_DEFAULT_FEATURES	(1u << CM_FEAT_PSCI_0_2)
#define PTRAUTH		((1u << CM_FEAT_PTRAUTH_ADDRESS) | (1u << CM_FEAT_PTRAUTH_GENERIC))

/* uapi KVM_CAP_* numbers a template checks for the model's vCPU features. */
static const struct {
	unsigned int cap;
	unsigned int features;		/* vCPU features needing it, or 0 */
	const char *name;
} fc_caps[] = {
	{ 93, 1u << CM_FEAT_EL1_32BIT, "KVM_CAP_ARM_EL1_32BIT" },
	{ 126, 1u << CM_FEAT_PMU_V3, "KVM_CAP_ARM_PMU_V3" },
	{ 170, 1u << CM_FEAT_SVE, "KVM_CAP_ARM_SVE" },
	{ 171, 1u << CM_FEAT_PTRAUTH_ADDRESS, "KVM_CAP_ARM_PTRAUTH_ADDRESS" },
	{ 172, 1u << CM_FEAT_PTRAUTH_GENERIC, "KVM_CAP_ARM_PTRAUTH_GENERIC" },
	{ 187, 0, "KVM_CAP_STEAL_TIME" },
};
#define FC_CAP_STEAL_TIME	187

/* @p as a VM with only the vCPU features @features reads it. */
static void view_with_features(struct cm_profile *p, unsigned int features)
{
	cm_hide_features(p, features);
	if (!(features & (1u << CM_FEAT_PMU_V3)))
		p->pmu_counters_set = false;
	p->features &= features;
}

static bool is_wa(int s)
{
	return s >= CM_SLOT_WA1 && s <= CM_SLOT_WA3;
}

static bool is_ccsidr(int s)
{
	return s >= CM_SLOT_CCSIDR && s < CM_SLOT_CCSIDR + CM_NR_CCSIDR;
}

static int reg_width(int s)
{
	return is_ccsidr(s) ? 32 : 64;
}

/*
 * The bits of register @s of @host that @vmm can change: what the host's
 * KVM reports writable in a VM without KVM_CAP_ARM_OOT_FLEET_ID_REGS (no
 * VMM but the library's own enables it) and without
 * KVM_CAP_ARM_WRITABLE_IMP_ID_REGS (neither VMM enables it: the identity
 * stays the host's).  Firecracker writes any register by its KVM id: the
 * cache geometry (KVM checks it, and so does cm_compare()), PSCI_VERSION
 * and the hypercall bitmaps (subsets of the host's) whole.  QEMU: the
 * SYSREG_ properties of the feature ID registers and CTR_EL0 only.
 * SMCCC_ARCH_WORKAROUND_*: requirements, not state (never written).
 */
static uint64_t vmm_mask(const struct cm_profile *host, int s, enum vmm vmm)
{
	switch (cm_slot_group(s)) {
	case CM_G_ID:
		return cm_host_mask(host, s) & ~cm_fleet_mask(s);
	case CM_G_CACHE:
		if (s == CM_SLOT_CTR)
			return cm_host_mask(host, s) & ~cm_fleet_mask(s);
		if (vmm == VMM_QEMU)
			return 0;
		if (s == CM_SLOT_CLIDR)
			return cm_host_mask(host, s);
		return 0xffffffffULL;
	case CM_G_IMPL:
		return 0;
	case CM_G_FW:
		if (is_wa(s))
			return ~0ULL;
		/* fallthrough */
	case CM_G_BMAP:
		return vmm == VMM_FIRECRACKER ? ~0ULL : 0;
	default:
		return 0;
	}
}

/* Why @vmm cannot change the bits @fm of register @s on @host. */
static const char *why_fixed(const struct cm_profile *host, int s, uint64_t fm, enum vmm vmm,
			     char *buf, size_t len)
{
	enum cm_group g = cm_slot_group(s);

	if ((cm_fleet_mask(s) & fm) && (cm_host_mask(host, s) & fm) == fm)
		snprintf(buf, len, "only KVM_CAP_ARM_OOT_FLEET_ID_REGS (fleet-id-regs, out of tree) lets a VMM change it, and %s does not enable it",
			 vmm_name[vmm]);
	else if (g == CM_G_IMPL)
		snprintf(buf, len, "%s does not enable KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, without which the VM keeps the host's identity (a model without MIDR_EL1, REVIDR_EL1 and AIDR_EL1 keeps each host's)",
			 vmm_name[vmm]);
	else if (vmm == VMM_QEMU && g == CM_G_CACHE)
		snprintf(buf, len, "QEMU's -cpu host has no property for the cache geometry (its SYSREG_ properties cover the feature ID registers and CTR_EL0)");
	else if (vmm == VMM_QEMU && (g == CM_G_FW || g == CM_G_BMAP))
		snprintf(buf, len, "QEMU's -cpu host has no property for it");
	else
		snprintf(buf, len, "this host does not let a VMM change it");
	return buf;
}

/*
 * Can @vmm give a VM the model @m on the host @host (@view: the host as a
 * VM with the model's vCPU features reads it)?  Every bit in which @m
 * differs from @view must be one @vmm can change.  @label: a prefix per
 * register slot for the findings (a template entry), or NULL.  Returns the
 * number of errors.
 */
static int check_vmm(const struct cm_profile *m, const struct cm_profile *view,
		     const struct cm_profile *host, enum vmm vmm, char (*label)[64],
		     struct cm_report *rep)
{
	int order[CM_NR_SLOTS], n = cm_write_order(order), k, bad = 0;
	int dfr0 = cm_slot_by_name("ID_DFR0_EL1");
	char a[256], b[48], why[320], names[320];

	for (k = 0; k < n; k++) {
		int s = order[k];
		const char *pre = label ? label[s] : "";
		const struct cm_regdesc *d = is_ccsidr(s) ? NULL : cm_slot_desc(s);
		uint64_t mv = m->r[s].val, hv = view->r[s].val, diff, fixed;
		const struct cm_field *f;

		if (!m->r[s].present || is_wa(s))
			continue;
		/* A cache the host lacks reads 0 (KVM lists the host's caches only). */
		if (!view->r[s].present && !is_ccsidr(s)) {
			cm_report_reg(rep, ARM64CM_ERROR, s, 0, NULL, NULL, NULL,
				      "%s%s: the host's KVM does not have this register", pre,
				      cm_slot_name(s));
			bad++;
			continue;
		}
		if (!view->r[s].present)
			hv = 0;
		diff = mv ^ hv;
		fixed = diff & ~vmm_mask(host, s, vmm);
		for (f = d ? d->fields : NULL; f && f->name; f++) {
			uint64_t fm = cm_field_mask(f);
			int64_t fmv = cm_field_get(f, mv), fhv = cm_field_get(f, hv);

			/* KVM takes CopDbg 0 only with the capability (set_id_dfr0_el1()). */
			if (s == dfr0 && !strcmp(f->name, "CopDbg") && !fmv && fhv) {
				uint64_t fmv_u = (mv & fm) >> f->shift;
				uint64_t fhv_u = (hv & fm) >> f->shift;

				cm_report_reg(rep, ARM64CM_ERROR, s, 0, f, &fmv_u, &fhv_u,
					      "%s%s.%s: model %s, host %s: KVM accepts 0 (AArch32 debug not implemented) only in a VM with KVM_CAP_ARM_OOT_FLEET_ID_REGS (fleet-id-regs, out of tree), which %s does not enable",
					      pre, cm_slot_name(s), f->name,
					      cm_field_value_str(f, fmv, a, sizeof(a)),
					      cm_field_value_str(f, fhv, b, sizeof(b)),
					      vmm_name[vmm]);
				bad++;
				fixed &= ~fm;
				continue;
			}
			if (!(fixed & fm))
				continue;
			{
				uint64_t fmv_u = (mv & fm) >> f->shift;
				uint64_t fhv_u = (hv & fm) >> f->shift;

				cm_report_reg(rep, ARM64CM_ERROR, s, 0, f, &fmv_u, &fhv_u,
					      "%s%s.%s: model %s, host %s: %s", pre, cm_slot_name(s),
					      f->name, cm_field_value_str(f, fmv, a, sizeof(a)),
					      cm_field_value_str(f, fhv, b, sizeof(b)),
					      why_fixed(host, s, fm, vmm, why, sizeof(why)));
			}
			bad++;
			fixed &= ~fm;
		}
		if (fixed) {
			names[0] = 0;
			if (d || is_ccsidr(s))
				snprintf(names, sizeof(names), " (%s)",
					 cm_field_names(s, fixed, a, sizeof(a)));
			cm_report_reg(rep, ARM64CM_ERROR, s, 0, NULL, &mv, &hv,
				      "%s%s: model 0x%016llx, host 0x%016llx differ in bits 0x%016llx%s: %s",
				      pre, cm_slot_name(s), (unsigned long long)mv,
				      (unsigned long long)hv, (unsigned long long)fixed, names,
				      why_fixed(host, s, fixed, vmm, why, sizeof(why)));
			bad++;
		}
	}
	return bad;
}

/*
 * Everything but the registers: cm_compare() of the model as @vmm's VM
 * gets it (no KVM_CAP_ARM_OOT_FLEET_ID_REGS, no discovery) with the host.
 * @label: a prefix per register slot (CM_NR_SLOTS: PMCR_EL0), or NULL.
 * Returns the number of errors, or -1 (reported) when out of memory.
 */
static int check_rest(const struct cm_profile *m, const struct cm_profile *host,
		      char (*label)[64], struct cm_report *rep)
{
	struct cm_profile *m2 = malloc(sizeof(*m2));
	struct cm_report r2 = { 0 };
	size_t i;
	int bad;

	if (!m2) {
		cm_report_add(rep, true, "out of memory");
		return -1;
	}
	*m2 = *m;
	m2->vm_caps &= ~CM_CAP_FLEET_ID_REGS;
	m2->nr_impls = 0;
	bad = cm_compare(m2, host, &r2);
	free(m2);
	/* Each finding with the template entry of its register. */
	for (i = 0; i < r2.n; i++) {
		struct arm64cm_finding *it = &r2.item[i];
		struct cm_report one = { .line = &r2.line[i], .n = 1, .item = it };
		int s = it->reg ? cm_slot_by_name(it->reg) : -1;

		/* PMCR_EL0.N: register, field and values, where cm_compare() names none. */
		if (!it->reg && !strncmp(it->message, "PMCR_EL0.N:", 11)) {
			it->reg = cm_kvm_id_name(PMCR_EL0_ID);
			it->reg_id = PMCR_EL0_ID;
			it->field = pmcr_n.name;
			it->rule = cm_rule_name(pmcr_n.rule);
			if (m->pmu_counters_set && host->pmu_counters_set) {
				it->has_values = 1;
				it->model_value = m->pmu_counters;
				it->host_value = host->pmu_counters;
			}
		}
		if (s < 0 && it->reg_id == PMCR_EL0_ID)
			s = CM_NR_SLOTS;
		cm_report_copy(rep, &one, !label ? "" : s >= 0 && label[s][0] ? label[s] :
			       "firecracker template: ", false);
	}
	cm_report_free(&r2);
	return bad;
}

/*
 * The host as a VM with the model's vCPU features reads it; NULL (reported)
 * when out of memory.
 */
static struct cm_profile *host_view(const struct cm_profile *host, unsigned int features,
				    struct cm_report *rep)
{
	struct cm_profile *v = malloc(sizeof(*v));

	if (!v) {
		cm_report_add(rep, true, "out of memory");
		return NULL;
	}
	*v = *host;
	view_with_features(v, features);
	return v;
}

/*
 * The arguments of both exports: ARM64CM_OK, or ARM64CM_BAD_INPUT (reported)
 * when @model_h is not a model or @host_h not a host profile.
 */
static int check_args(const struct arm64cm_profile *model_h,
		      const struct arm64cm_profile *host_h, char **out, struct cm_report *rep)
{
	if (out)
		*out = NULL;
	if (!model_h || !host_h || !out) {
		cm_report_add(rep, true, "export: %s is NULL", !model_h ? "the model" :
			      !host_h ? "the host profile" : "the output pointer");
		return ARM64CM_BAD_INPUT;
	}
	if (!model_h->p.is_model || host_h->p.is_model) {
		cm_report_add(rep, true, "%s", !model_h->p.is_model ?
			      "export: the model is a host profile; export takes a model (from baseline)" :
			      "export: the host profile is a model; export needs a host profile (from probe)");
		return ARM64CM_BAD_INPUT;
	}
	return ARM64CM_OK;
}

/*
 * The checks common to both exports: ARM64CM_OK (exportable),
 * ARM64CM_INCOMPATIBLE (an error finding per register and field) or
 * ARM64CM_HOST_ERROR (out of memory).
 */
static int check_export(const struct cm_profile *m, const struct cm_profile *host,
			const struct cm_profile *view, enum vmm vmm, struct cm_report *rep)
{
	int bad;

	bad = check_vmm(m, view, host, vmm, NULL, rep);
	if (vmm == VMM_QEMU) {
		if (m->pmu_counters_set && view->pmu_counters_set &&
		    (m->features & (1u << CM_FEAT_PMU_V3)) &&
		    m->pmu_counters != view->pmu_counters) {
			uint64_t mv = m->pmu_counters, hv = view->pmu_counters;

			cm_report_reg(rep, ARM64CM_ERROR, -1, PMCR_EL0_ID, &pmcr_n, &mv, &hv,
				      "PMCR_EL0.N: model %u event counters, host %u: QEMU's -cpu host has no property for it",
				      m->pmu_counters, view->pmu_counters);
			bad++;
		}
		if (!(m->features & (1u << CM_FEAT_PSCI_0_2)) &&
		    (host->features & (1u << CM_FEAT_PSCI_0_2))) {
			cm_report_add(rep, true, "vCPU feature psci-0.2: the model does not use it, and QEMU enables it wherever KVM has it");
			bad++;
		}
	}
	if (bad)
		return ARM64CM_INCOMPATIBLE;
	bad = check_rest(m, host, NULL, rep);
	if (bad)
		return bad < 0 ? ARM64CM_HOST_ERROR : ARM64CM_INCOMPATIBLE;
	if (m->vm_caps & CM_CAP_FLEET_ID_REGS)
		cm_report_warn(rep, "fleet-id-regs: the model requires KVM_CAP_ARM_OOT_FLEET_ID_REGS, which %s does not enable; on %s it changes no field that needs it, so the export does without",
			       vmm_name[vmm], host->name);
	if (m->nr_impls)
		cm_report_add(rep, false, "implementations: not exported: %s sets up no target-implementation discovery (guests see MIDR_EL1 only)",
			      vmm_name[vmm]);
	return ARM64CM_OK;
}

/*
 * Both exports start here: the arguments, the host as a VM with the
 * model's vCPU features reads it (*@view, to free), the checks.  Returns
 * enum arm64cm_status; *@view is NULL unless ARM64CM_OK.
 */
static int export_begin(const struct arm64cm_profile *model_h,
			const struct arm64cm_profile *host_h, char **out, enum vmm vmm,
			struct cm_report *rep, struct cm_profile **view)
{
	int ret = check_args(model_h, host_h, out, rep);

	*view = NULL;
	if (ret != ARM64CM_OK)
		return ret;
	*view = host_view(&host_h->p, model_h->p.features, rep);
	if (!*view)
		return ARM64CM_HOST_ERROR;
	ret = check_export(&model_h->p, &host_h->p, *view, vmm, rep);
	if (ret != ARM64CM_OK) {
		free(*view);
		*view = NULL;
	}
	return ret;
}

/* ---- QEMU ---------------------------------------------------------------- */

int arm64cm_export_qemu(const struct arm64cm_profile *model_h,
			const struct arm64cm_profile *host_h, char **out,
			struct arm64cm_findings *fnd)
{
	const struct cm_profile *m, *host;
	struct cm_report *rep = cm_rep(fnd);
	int order[CM_NR_SLOTS], n, k, props = 0, changed = 0, regs = 0, ret;
	struct cm_profile *view;
	char *text = NULL;
	size_t len = 0;
	FILE *o;

	ret = export_begin(model_h, host_h, out, VMM_QEMU, rep, &view);
	if (ret != ARM64CM_OK)
		return ret;
	m = &model_h->p;
	host = &host_h->p;
	n = cm_write_order(order);
	o = open_memstream(&text, &len);
	if (!o) {
		cm_report_add(rep, true, "out of memory");
		free(view);
		return ARM64CM_HOST_ERROR;
	}
	fputs("host", o);
	/* QEMU's own vCPU properties (kvm_arch_init_vcpu()'s features). */
	if (host->features & (1u << CM_FEAT_PMU_V3))
		fprintf(o, ",pmu=%s", m->features & (1u << CM_FEAT_PMU_V3) ? "on" : "off");
	fprintf(o, ",pauth=%s", (m->features & PTRAUTH) == PTRAUTH ? "on" : "off");
	fprintf(o, ",sve=%s", m->features & (1u << CM_FEAT_SVE) ? "on" : "off");
	fprintf(o, ",kvm-steal-time=%s", m->pvtime ? "on" : "off");
	if (m->features & (1u << CM_FEAT_EL1_32BIT))
		fputs(",aarch64=off", o);
	for (k = 0; k < n; k++) {
		int s = order[k], nf = 0;
		const struct cm_regdesc *d;
		const struct cm_field *f;
		uint64_t mask;

		if (cm_slot_group(s) != CM_G_ID && s != CM_SLOT_CTR)
			continue;
		d = cm_slot_desc(s);
		mask = vmm_mask(view, s, VMM_QEMU);
		if (!m->r[s].present || !d)
			continue;
		for (f = d->fields; f->name; f++) {
			uint64_t fm = cm_field_mask(f);

			if ((mask & fm) != fm)
				continue;
			fprintf(o, ",SYSREG_%s_%s=0x%llx", d->name, f->name,
				(unsigned long long)((m->r[s].val & fm) >> f->shift));
			props++;
			nf++;
			changed += !!((m->r[s].val ^ view->r[s].val) & fm);
		}
		regs += nf > 0;
	}
	if (fclose(o) || !text) {
		free(text);
		free(view);
		cm_report_add(rep, true, "out of memory");
		return ARM64CM_HOST_ERROR;
	}
	cm_report_add(rep, false, "QEMU: %d SYSREG_ properties, the writable fields of %d registers (%d differ from %s's)",
		      props, regs, changed, host->name);
	free(view);
	*out = text;
	return ARM64CM_OK;
}

/* ---- Firecracker: export ------------------------------------------------- */

/* "0b" and @width characters, bit @width - 1 first: @explicit bits 0/1, others x. */
static void bitmap_str(char *buf, int width, uint64_t explicit, uint64_t val)
{
	int i;

	buf[0] = '0';
	buf[1] = 'b';
	for (i = 0; i < width; i++) {
		int bit = width - 1 - i;

		buf[2 + i] = !(explicit >> bit & 1) ? 'x' : (val >> bit & 1) ? '1' : '0';
	}
	buf[2 + width] = 0;
}

/*
 * json_object_object_add()/json_object_array_add() of a new @v (NULL when
 * its allocation failed): -1 when out of memory, @v then released.
 */
static int obj_add(json_object *o, const char *key, json_object *v)
{
	if (!v)
		return -1;
	if (json_object_object_add(o, key, v)) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

static int arr_add(json_object *a, json_object *v)
{
	if (!v)
		return -1;
	if (json_object_array_add(a, v)) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

static int add_modifier(json_object *a, uint64_t id, int width, uint64_t explicit, uint64_t val)
{
	json_object *o = json_object_new_object();
	char addr[24], bm[2 + 64 + 1];

	if (!o)
		return -1;
	snprintf(addr, sizeof(addr), "0x%016llx", (unsigned long long)id);
	bitmap_str(bm, width, explicit, val);
	if (obj_add(o, "addr", json_object_new_string(addr)) ||
	    obj_add(o, "bitmap", json_object_new_string(bm))) {
		json_object_put(o);
		return -1;
	}
	return arr_add(a, o);
}

/* The template (a new JSON object), or NULL when out of memory. */
static json_object *fc_template(const struct cm_profile *m, const struct cm_profile *view,
				int *nmod)
{
	int order[CM_NR_SLOTS], n = cm_write_order(order), k;
	json_object *root, *a;
	size_t i;

	*nmod = 0;
	root = json_object_new_object();
	if (!root)
		return NULL;

	/* The checks Firecracker makes before creating vCPUs with the features. */
	a = json_object_new_array();
	if (!a)
		goto oom;
	for (i = 0; i < ARRAY_SIZE(fc_caps); i++) {
		char num[16];

		if (fc_caps[i].features ? !(m->features & fc_caps[i].features) :
		    !(fc_caps[i].cap == FC_CAP_STEAL_TIME && m->pvtime))
			continue;
		snprintf(num, sizeof(num), "%u", fc_caps[i].cap);
		if (arr_add(a, json_object_new_string(num))) {
			json_object_put(a);
			goto oom;
		}
	}
	if (!json_object_array_length(a))
		json_object_put(a);
	else if (obj_add(root, "kvm_capabilities", a))
		goto oom;

	/* Firecracker's vCPUs have PSCI 0.2 only; the model's features instead. */
	if ((m->features & FEAT_MODELLED) != FC_DEFAULT_FEATURES) {
		json_object *o = json_object_new_object();
		char bm[2 + 7 + 1];

		if (!o)
			goto oom;
		bitmap_str(bm, 7, FEAT_MODELLED, m->features);
		if (obj_add(o, "index", json_object_new_int(0)) ||
		    obj_add(o, "bitmap", json_object_new_string(bm))) {
			json_object_put(o);
			goto oom;
		}
		a = json_object_new_array();
		if (!a) {
			json_object_put(o);
			goto oom;
		}
		if (arr_add(a, o)) {
			json_object_put(a);
			goto oom;
		}
		if (obj_add(root, "vcpu_features", a))
			goto oom;
	}

	/* Only the registers the model changes, in the library's write order. */
	a = json_object_new_array();
	if (!a)
		goto oom;
	for (k = 0; k < n; k++) {
		int s = order[k];

		if (!m->r[s].present || is_wa(s) ||
		    m->r[s].val == (view->r[s].present ? view->r[s].val : 0))
			continue;
		if (add_modifier(a, cm_slot_kvm_id(s), reg_width(s),
				 vmm_mask(view, s, VMM_FIRECRACKER) &
				 (reg_width(s) == 64 ? ~0ULL : 0xffffffffULL), m->r[s].val))
			goto oom_mods;
		(*nmod)++;
	}
	/* PMCR_EL0.N, the number of event counters (after the ID registers). */
	if ((m->features & (1u << CM_FEAT_PMU_V3)) && m->pmu_counters_set &&
	    view->pmu_counters_set && m->pmu_counters != view->pmu_counters) {
		if (add_modifier(a, PMCR_EL0_ID, 64, PMCR_N_MASK,
				 (uint64_t)m->pmu_counters << PMCR_N_SHIFT))
			goto oom_mods;
		(*nmod)++;
	}
	if (obj_add(root, "reg_modifiers", a))
		goto oom;
	return root;
oom_mods:
	json_object_put(a);
oom:
	json_object_put(root);
	return NULL;
}

int arm64cm_export_firecracker(const struct arm64cm_profile *model_h,
			       const struct arm64cm_profile *host_h, char **out,
			       struct arm64cm_findings *fnd)
{
	const struct cm_profile *m, *host;
	struct cm_report *rep = cm_rep(fnd);
	struct cm_profile *view;
	json_object *root;
	const char *json;
	char *text = NULL;
	int nmod, ret;

	ret = export_begin(model_h, host_h, out, VMM_FIRECRACKER, rep, &view);
	if (ret != ARM64CM_OK)
		return ret;
	m = &model_h->p;
	host = &host_h->p;
	root = fc_template(m, view, &nmod);
	json = root ? json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
						     JSON_C_TO_STRING_SPACED |
						     JSON_C_TO_STRING_NOSLASHESCAPE) : NULL;
	if (json)
		text = strdup(json);
	if (!text) {
		cm_report_add(rep, true, "out of memory");
		ret = ARM64CM_HOST_ERROR;
		goto out;
	}
	if (m->pvtime)
		cm_report_warn(rep, "pvtime: the template checks that the host has KVM_CAP_STEAL_TIME (187); whether the VM gets PV stolen time is Firecracker's choice, not the template's");
	cm_report_add(rep, false, "Firecracker: %d register modifier%s (the registers the model changes on %s)%s",
		      nmod, nmod == 1 ? "" : "s", host->name,
		      json_object_object_get_ex(root, "vcpu_features", NULL) ?
		      ", vcpu_features for the model's vCPU features" : "");
	*out = text;
out:
	json_object_put(root);
	free(view);
	return ret;
}

/* ---- Firecracker: import ------------------------------------------------- */

/*
 * "0b" then 1 to 128 of 0, 1, x ('_' separates), bit 0 last; missing
 * leading characters are 'x'.  Bits at @width and above must be 'x'.
 */
static const char *parse_bitmap(const char *s, int width, uint64_t *filter, uint64_t *value)
{
	char bits[129];
	int n = 0, i;

	*filter = *value = 0;
	if (strncmp(s, "0b", 2))
		return "must start with \"0b\"";
	for (s += 2; *s; s++) {
		if (*s == '_')
			continue;
		if (*s != '0' && *s != '1' && *s != 'x')
			return "may only hold 0, 1, x and _ after \"0b\"";
		if (n == 128)
			return "has more than 128 bits";
		bits[n++] = *s;
	}
	if (!n)
		return "has no bits";
	for (i = 0; i < n; i++) {
		int bit = n - 1 - i;

		if (bits[i] == 'x')
			continue;
		if (bit >= width)
			return width == 32 ? "sets or clears bits above bit 31 (a 32-bit value)" :
			       "sets or clears bits above bit 63 (a 64-bit register)";
		*filter |= 1ULL << bit;
		*value |= (uint64_t)(bits[i] == '1') << bit;
	}
	return NULL;
}

/* "0x" and 1-16 hex digits, or "0b" and 1-64 binary digits. */
static int parse_addr(const char *s, uint64_t *v)
{
	int base = !strncmp(s, "0x", 2) ? 16 : !strncmp(s, "0b", 2) ? 2 : 0;
	size_t n, max = base == 16 ? 16 : 64;
	char *end;

	if (!base)
		return -1;
	n = strlen(s + 2);
	if (!n || n > max || strspn(s + 2, base == 16 ? "0123456789abcdefABCDEF" : "01") != n)
		return -1;
	errno = 0;
	*v = strtoull(s + 2, &end, base);
	return errno || *end ? -1 : 0;
}

/* An object with exactly the keys @keys (NULL-terminated). */
static const char *check_keys(json_object *o, const char *const *keys)
{
	const char *const *k;

	if (!json_object_is_type(o, json_type_object))
		return "must be an object";
	json_object_object_foreach(o, key, val) {
		(void)val;
		for (k = keys; *k && strcmp(*k, key); k++)
			;
		if (!*k)
			return key;
	}
	return NULL;
}

struct fc_import {
	struct cm_report *rep;
	int bad;		/* malformed or unmodelled: BAD_INPUT */
	int incompatible;	/* cannot run on the host: INCOMPATIBLE */
	bool oom;
};

#define IMPORT_ERR(im, fmt, ...)							\
	do {									\
		cm_report_add((im)->rep, true, "firecracker template: " fmt, ##__VA_ARGS__); \
		(im)->bad++;							\
	} while (0)
/* The same about register slot @s (or KVM id @id when @s < 0). */
#define IMPORT_REG_ERR(im, s, id, fmt, ...)					\
	do {									\
		cm_report_reg((im)->rep, ARM64CM_ERROR, s, id, NULL, NULL, NULL,	\
			      "firecracker template: " fmt, ##__VA_ARGS__);		\
		(im)->bad++;							\
	} while (0)

static unsigned int import_features(struct fc_import *im, json_object *arr,
				    const struct cm_profile *host)
{
	static const char *const keys[] = { "index", "bitmap", NULL };
	unsigned int feat = FC_DEFAULT_FEATURES;
	size_t i, n;
	int b;

	if (!json_object_is_type(arr, json_type_array)) {
		IMPORT_ERR(im, "\"vcpu_features\" must be an array");
		return feat;
	}
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(arr, i), *idx, *bm;
		uint64_t filter, value;
		const char *why = check_keys(e, keys);

		if (why) {
			IMPORT_ERR(im, "vcpu_features[%zu]: %s%s%s", i,
				   json_object_is_type(e, json_type_object) ? "unknown key \"" : "",
				   why, json_object_is_type(e, json_type_object) ? "\"" : "");
			continue;
		}
		if (!json_object_object_get_ex(e, "index", &idx) ||
		    !json_object_is_type(idx, json_type_int) || json_object_get_int64(idx) != 0) {
			IMPORT_ERR(im, "vcpu_features[%zu]: \"index\" must be 0 (kvm_vcpu_init.features[0], the only word KVM defines)",
				   i);
			continue;
		}
		if (!json_object_object_get_ex(e, "bitmap", &bm) ||
		    !json_object_is_type(bm, json_type_string)) {
			IMPORT_ERR(im, "vcpu_features[%zu]: \"bitmap\" must be a string \"0b[01x]{1,32}\"", i);
			continue;
		}
		why = parse_bitmap(json_object_get_string(bm), 32, &filter, &value);
		if (why) {
			IMPORT_ERR(im, "vcpu_features[%zu]: bitmap \"%s\" %s", i,
				   json_object_get_string(bm), why);
			continue;
		}
		if (filter & (1u << FEAT_POWER_OFF)) {
			IMPORT_ERR(im, "vcpu_features[%zu]: bitmap \"%s\": bit 0 (KVM_ARM_VCPU_POWER_OFF) is Firecracker's own (its secondary vCPUs start powered off); leave it x",
				   i, json_object_get_string(bm));
			continue;
		}
		if (filter & ~(uint64_t)FEAT_MODELLED) {
			for (b = 0; b < 32 && !((filter & ~(uint64_t)FEAT_MODELLED) >> b & 1); b++)
				;
			IMPORT_ERR(im, "vcpu_features[%zu]: bitmap \"%s\": bit %d is not a vCPU feature this library models (only bits 1-6: el1-32bit, psci-0.2, pmu-v3, sve, ptrauth-address, ptrauth-generic)",
				   i, json_object_get_string(bm), b);
			continue;
		}
		feat = (feat & ~(unsigned int)filter) | (unsigned int)value;
	}
	if ((feat & PTRAUTH) && (feat & PTRAUTH) != PTRAUTH) {
		cm_report_add(im->rep, true, "firecracker template: vcpu_features: ptrauth-address and ptrauth-generic go together (KVM takes both or neither)");
		im->incompatible++;
	}
	for (b = 0; b < 32; b++) {
		if (!((feat & ~host->features) >> b & 1))
			continue;
		cm_report_add(im->rep, true, "firecracker template: vcpu_features: vCPU feature %s: the host does not offer it",
			      cm_feature_name(b) ?: "?");
		im->incompatible++;
	}
	return feat;
}

/* Returns whether the template asks for KVM_CAP_STEAL_TIME. */
static bool import_caps(struct fc_import *im, json_object *arr, const struct cm_profile *host)
{
	bool steal = false;
	size_t i, n, c;

	if (!json_object_is_type(arr, json_type_array)) {
		IMPORT_ERR(im, "\"kvm_capabilities\" must be an array");
		return false;
	}
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		const char *s = json_object_get_string(e), *d;
		unsigned long cap;
		bool removed;

		if (!json_object_is_type(e, json_type_string)) {
			IMPORT_ERR(im, "kvm_capabilities[%zu]: must be a string, a decimal KVM_CAP_* number, \"!\" before it to remove a check",
				   i);
			continue;
		}
		removed = s[0] == '!';
		d = s + removed;
		if (!*d || strspn(d, "0123456789") != strlen(d) || strlen(d) > 9) {
			IMPORT_ERR(im, "kvm_capabilities[%zu]: \"%s\" is not a decimal KVM_CAP_* number (\"!\" before it removes a check)",
				   i, s);
			continue;
		}
		cap = strtoul(d, NULL, 10);
		for (c = 0; c < ARRAY_SIZE(fc_caps) && fc_caps[c].cap != cap; c++)
			;
		if (removed)
			continue;
		if (c == ARRAY_SIZE(fc_caps)) {
			cm_report_warn(im->rep, "firecracker template: kvm_capabilities[%zu]: capability %lu: not checked against the host profile (the library does not record it)",
				       i, cap);
			continue;
		}
		if (cap == FC_CAP_STEAL_TIME) {
			steal = true;
			if (!(host->caps & CM_CAP_STEAL_TIME)) {
				cm_report_add(im->rep, true, "firecracker template: kvm_capabilities[%zu]: %lu (%s): the host lacks it (Firecracker would refuse to start)",
					      i, cap, fc_caps[c].name);
				im->incompatible++;
			}
		} else if (!(host->features & fc_caps[c].features)) {
			cm_report_add(im->rep, true, "firecracker template: kvm_capabilities[%zu]: %lu (%s): the host lacks it (Firecracker would refuse to start)",
				      i, cap, fc_caps[c].name);
			im->incompatible++;
		}
	}
	return steal;
}

static void import_regs(struct fc_import *im, json_object *arr, const struct cm_profile *host,
			struct cm_profile *m, char (*label)[64])
{
	static const char *const keys[] = { "addr", "bitmap", NULL };
	int seen[CM_NR_SLOTS + 1];
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(seen); i++)
		seen[i] = -1;
	if (!json_object_is_type(arr, json_type_array)) {
		IMPORT_ERR(im, "\"reg_modifiers\" must be an array");
		return;
	}
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(arr, i), *ad, *bm;
		const char *why = check_keys(e, keys), *name, *b;
		uint64_t id, filter, value, pmcr;
		int s, idx;

		if (why) {
			IMPORT_ERR(im, "reg_modifiers[%zu]: %s%s%s", i,
				   json_object_is_type(e, json_type_object) ? "unknown key \"" : "",
				   why, json_object_is_type(e, json_type_object) ? "\"" : "");
			continue;
		}
		if (!json_object_object_get_ex(e, "addr", &ad) ||
		    !json_object_is_type(ad, json_type_string) ||
		    parse_addr(json_object_get_string(ad), &id)) {
			IMPORT_ERR(im, "reg_modifiers[%zu]: \"addr\" must be a string, the KVM register id as 0x and 1-16 hex digits (or 0b and binary digits)%s%s%s",
				   i, ad ? ": \"" : "", ad ? json_object_get_string(ad) : "",
				   ad ? "\"" : "");
			continue;
		}
		s = cm_slot_by_kvm_id(id);
		name = s >= 0 ? cm_slot_name(s) : id == PMCR_EL0_ID ? "PMCR_EL0" : cm_kvm_id_name(id);
		if (s < 0 && id != PMCR_EL0_ID) {
			IMPORT_REG_ERR(im, -1, id, "reg_modifiers[%zu]: addr 0x%016llx (%s): not a register this library models",
				   i, (unsigned long long)id, name ?: "unknown");
			continue;
		}
		idx = s >= 0 ? s : CM_NR_SLOTS;
		if (seen[idx] >= 0) {
			IMPORT_REG_ERR(im, s, id, "reg_modifiers[%zu]: addr 0x%016llx (%s) repeats reg_modifiers[%d]",
				       i, (unsigned long long)id, name, seen[idx]);
			continue;
		}
		seen[idx] = (int)i;
		if (!json_object_object_get_ex(e, "bitmap", &bm) ||
		    !json_object_is_type(bm, json_type_string)) {
			IMPORT_REG_ERR(im, s, id, "reg_modifiers[%zu] (%s): \"bitmap\" must be a string \"0b[01x]{1,128}\"",
				       i, name);
			continue;
		}
		b = json_object_get_string(bm);
		why = parse_bitmap(b, s >= 0 ? reg_width(s) : 64, &filter, &value);
		if (why) {
			IMPORT_REG_ERR(im, s, id, "reg_modifiers[%zu] (%s): bitmap \"%s\" %s",
				       i, name, b, why);
			continue;
		}
		if (s < 0) {
			/* PMCR_EL0: the library models its N only. */
			if (filter & ~PMCR_N_MASK) {
				IMPORT_REG_ERR(im, -1, id, "reg_modifiers[%zu] (PMCR_EL0): bitmap \"%s\" changes bits 0x%llx; the library models N (bits 15:11) only",
					       i, b, (unsigned long long)(filter & ~PMCR_N_MASK));
				continue;
			}
			if (!m->pmu_counters_set) {
				cm_report_reg(im->rep, ARM64CM_ERROR, -1, id, &pmcr_n, NULL, NULL,
					      "firecracker template: reg_modifiers[%zu] (PMCR_EL0): the VM has no PMU (vCPU feature pmu-v3) or the host profile records no PMCR_EL0.N",
					      i);
				im->incompatible++;
				continue;
			}
			pmcr = (uint64_t)m->pmu_counters << PMCR_N_SHIFT;
			m->pmu_counters = (unsigned int)(((pmcr & ~filter) | value) >>
							 PMCR_N_SHIFT);
			snprintf(label[CM_NR_SLOTS], sizeof(label[CM_NR_SLOTS]),
				 "firecracker template: reg_modifiers[%zu]: ", i);
			continue;
		}
		if (!host->r[s].present && !is_ccsidr(s)) {
			cm_report_reg(im->rep, ARM64CM_ERROR, s, 0, NULL, NULL, NULL,
				      "firecracker template: reg_modifiers[%zu] (%s): the host's KVM does not have this register (Firecracker reads it before applying the template)",
				      i, name);
			im->incompatible++;
			continue;
		}
		/* A cache the host lacks: its CCSIDR reads 0. */
		if (!m->r[s].present) {
			m->r[s].present = true;
			m->r[s].val = 0;
		}
		snprintf(label[s], sizeof(label[s]), "firecracker template: reg_modifiers[%zu]: ", i);
		m->r[s].val = (m->r[s].val & ~filter) | value;
	}
}

int arm64cm_import_firecracker(const char *json, const struct arm64cm_profile *host_h,
			       struct arm64cm_profile **model, struct arm64cm_findings *fnd)
{
	static const char *const keys[] = { "kvm_capabilities", "vcpu_features", "reg_modifiers",
					    NULL };
	struct fc_import im = { .rep = cm_rep(fnd) };
	struct cm_profile *m = NULL, *view = NULL;
	const struct cm_profile *host;
	char (*label)[64] = NULL;
	json_tokener *tok = NULL;
	json_object *root = NULL, *v;
	unsigned int features;
	const char *why;
	int ret = ARM64CM_BAD_INPUT, s, bad;
	bool steal = false;

	if (model)
		*model = NULL;
	if (!host_h || !model) {
		cm_report_add(im.rep, true, "import: %s is NULL",
			      !host_h ? "the host profile" : "the output pointer");
		return ARM64CM_BAD_INPUT;
	}
	host = &host_h->p;
	if (host->is_model) {
		cm_report_add(im.rep, true, "import: the host profile is a model; import needs a host profile (from probe)");
		return ARM64CM_BAD_INPUT;
	}
	tok = json_tokener_new();
	m = malloc(sizeof(*m));
	view = malloc(sizeof(*view));
	label = calloc(CM_NR_SLOTS + 1, sizeof(*label));
	if (!tok || !m || !view || !label) {
		cm_report_add(im.rep, true, "out of memory");
		ret = ARM64CM_HOST_ERROR;
		goto out;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json ? json_tokener_parse_ex(tok, json, (int)strlen(json)) : NULL;
	if (root && json[json_tokener_get_parse_end(tok) +
			 strspn(json + json_tokener_get_parse_end(tok), " \t\r\n")]) {
		cm_report_add(im.rep, true, "firecracker template: text after the JSON object");
		goto out;
	}
	if (!root && json && json_tokener_get_error(tok) == json_tokener_success) {
		/*
		 * No value and no error: the text is JSON's null, or json-c ran
		 * out of memory (it has no error code for that).
		 */
		if (!strncmp(json + strspn(json, " \t\r\n"), "null", 4)) {
			cm_report_add(im.rep, true, "firecracker template: must be a JSON object");
		} else {
			cm_report_add(im.rep, true, "out of memory");
			ret = ARM64CM_HOST_ERROR;
		}
		goto out;
	}
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		cm_report_add(im.rep, true, "firecracker template: not valid JSON%s%s",
			      json ? ": " : "", json ? json_tokener_error_desc(json_tokener_get_error(tok)) : "");
		goto out;
	}
	why = check_keys(root, keys);
	if (why) {
		if (!json_object_is_type(root, json_type_object))
			cm_report_add(im.rep, true, "firecracker template: must be a JSON object");
		else if (!strcmp(why, "cpuid_modifiers") || !strcmp(why, "msr_modifiers"))
			cm_report_add(im.rep, true, "firecracker template: \"%s\" is for x86_64 templates; an aarch64 one has kvm_capabilities, vcpu_features and reg_modifiers",
				      why);
		else
			cm_report_add(im.rep, true, "firecracker template: unknown key \"%s\"", why);
		goto out;
	}

	/* Firecracker's vCPUs: its default features with the template's bits. */
	features = FC_DEFAULT_FEATURES;
	if (json_object_object_get_ex(root, "vcpu_features", &v))
		features = import_features(&im, v, host);
	if (json_object_object_get_ex(root, "kvm_capabilities", &v))
		steal = import_caps(&im, v, host);

	/* The model: the host as such a VM reads it, then the modifiers. */
	*m = *host;
	m->is_model = true;
	snprintf(m->name, sizeof(m->name), "firecracker-template");
	snprintf(m->sources, sizeof(m->sources), "%s", host->name);
	m->kernel[0] = 0;
	m->caps = 0;
	m->vm_caps = 0;
	m->pvtime = steal && (host->caps & CM_CAP_STEAL_TIME);
	m->impl_set = m->r[CM_SLOT_MIDR].present;
	m->nr_impls = 0;
	m->nr_unmodelled = 0;
	m->writer[0] = m->rules[0] = 0;
	view_with_features(m, features & host->features);
	m->features = features & host->features;
	*view = *m;
	for (s = 0; s < CM_NR_SLOTS; s++)
		m->r[s].mask = 0;
	if (json_object_object_get_ex(root, "reg_modifiers", &v))
		import_regs(&im, v, host, m, label);
	if (im.bad)
		goto out;
	/* The model's geometry: the CCSIDR of the caches its CLIDR_EL1 describes. */
	for (s = CM_SLOT_CCSIDR; s < CM_SLOT_CCSIDR + CM_NR_CCSIDR; s++)
		if (!cm_cache_described(m->r[CM_SLOT_CLIDR].val, s - CM_SLOT_CCSIDR))
			m->r[s].present = false;
	if (im.incompatible) {
		ret = ARM64CM_INCOMPATIBLE;
		goto out;
	}
	/* What KVM would refuse: Firecracker fails to start the VM. */
	bad = check_vmm(m, view, host, VMM_FIRECRACKER, label, im.rep);
	if (!bad)
		bad = check_rest(m, host, label, im.rep);
	if (bad) {
		ret = bad < 0 ? ARM64CM_HOST_ERROR : ARM64CM_INCOMPATIBLE;
		goto out;
	}
	*model = cm_profile_handle(m);
	if (!*model) {
		cm_report_add(im.rep, true, "out of memory");
		ret = ARM64CM_HOST_ERROR;
		goto out;
	}
	ret = ARM64CM_OK;
out:
	json_object_put(root);
	if (tok)
		json_tokener_free(tok);
	free(label);
	free(view);
	free(m);
	return ret;
}
