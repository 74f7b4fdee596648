// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libarm64cpumodel: the public interface (arm64-cpumodel.h) over the
 * internal one (cpumodel.h).  Handles wrap the internal structures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "arm64-cpumodel.h"
#include "cpumodel.h"
#include "cpumodel-int.h"

#define STR_(x) #x
#define STR(x) STR_(x)

const char *arm64cm_version(void)
{
	return STR(ARM64CM_VERSION_MAJOR) "." STR(ARM64CM_VERSION_MINOR) "."
	       STR(ARM64CM_VERSION_PATCH);
}

const char *arm64cm_rules_id(void)
{
	return cm_rules_id;
}

/* ---- registers and fields ------------------------------------------------ */

const char *arm64cm_reg_name(uint64_t reg_id)
{
	return cm_kvm_id_name(reg_id);
}

/* The description of system register @reg_id, or NULL. */
static const struct cm_regdesc *reg_desc(uint64_t reg_id)
{
	const struct cm_regdesc *d;
	uint64_t enc = reg_id & 0xffff;

	if ((reg_id & ~0xffffULL) != (CM_KVM_REG_ARM64 | CM_KVM_REG_SIZE_U64 | CM_KVM_SYSREG))
		return NULL;
	for (d = cm_regdescs; d->name; d++)
		if (enc == (uint64_t)(d->op0 << 14 | d->op1 << 11 | d->crn << 7 | d->crm << 3 |
				      d->op2))
			return d;
	return NULL;
}

static const struct cm_field *nth_field(uint64_t reg_id, size_t i)
{
	const struct cm_regdesc *d = reg_desc(reg_id);
	const struct cm_field *f;

	for (f = d ? d->fields : NULL; f && f->name; f++)
		if (!i--)
			return f;
	return NULL;
}

int arm64cm_reg_field(uint64_t reg_id, size_t i, const char **name, unsigned int *shift,
		      unsigned int *width, const char **rule)
{
	const struct cm_field *f = nth_field(reg_id, i);

	if (!f)
		return ARM64CM_BAD_INPUT;
	if (name)
		*name = f->name;
	if (shift)
		*shift = (unsigned int)f->shift;
	if (width)
		*width = (unsigned int)f->width;
	if (rule)
		*rule = cm_rule_name(f->rule);
	return ARM64CM_OK;
}

const char *arm64cm_field_value_name(uint64_t reg_id, size_t i, uint64_t value)
{
	const struct cm_field *f = nth_field(reg_id, i);
	const struct cm_enum *e;

	for (e = f ? f->enums : NULL; e && e->name; e++)
		if (e->val == value)
			return e->name;
	return NULL;
}

/* ---- findings ------------------------------------------------------------ */

struct arm64cm_findings *arm64cm_findings_new(void)
{
	return calloc(1, sizeof(struct arm64cm_findings));
}

void arm64cm_findings_free(struct arm64cm_findings *f)
{
	if (!f)
		return;
	cm_report_free(&f->r);
	free(f);
}

size_t arm64cm_findings_count(const struct arm64cm_findings *f)
{
	return f ? f->r.n : 0;
}

size_t arm64cm_findings_errors(const struct arm64cm_findings *f)
{
	return f ? f->r.errors : 0;
}

static const struct arm64cm_finding *item(const struct arm64cm_findings *f, size_t i)
{
	return f && i < f->r.n ? &f->r.item[i] : NULL;
}

enum arm64cm_severity arm64cm_finding_severity(const struct arm64cm_findings *f, size_t i)
{
	return item(f, i) ? (enum arm64cm_severity)item(f, i)->severity : ARM64CM_NOTE;
}

const char *arm64cm_finding_message(const struct arm64cm_findings *f, size_t i)
{
	return item(f, i) ? item(f, i)->message : NULL;
}

const char *arm64cm_finding_register(const struct arm64cm_findings *f, size_t i)
{
	return item(f, i) ? item(f, i)->reg : NULL;
}

uint64_t arm64cm_finding_reg_id(const struct arm64cm_findings *f, size_t i)
{
	return item(f, i) ? item(f, i)->reg_id : 0;
}

const char *arm64cm_finding_field(const struct arm64cm_findings *f, size_t i)
{
	return item(f, i) ? item(f, i)->field : NULL;
}

const char *arm64cm_finding_rule(const struct arm64cm_findings *f, size_t i)
{
	return item(f, i) ? item(f, i)->rule : NULL;
}

int arm64cm_finding_values(const struct arm64cm_findings *f, size_t i, uint64_t *model,
			   uint64_t *host)
{
	const struct arm64cm_finding *it = item(f, i);

	if (!it || !it->has_values)
		return 0;
	if (model)
		*model = it->model_value;
	if (host)
		*host = it->host_value;
	return 1;
}

static json_object *hex64(uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "0x%016llx", (unsigned long long)v);
	return json_object_new_string(b);
}

char *arm64cm_findings_to_json(const struct arm64cm_findings *f)
{
	static const char *const sev[] = { "note", "warning", "error" };
	json_object *root = json_object_new_object(), *a = json_object_new_array();
	const char *t;
	char *text;
	size_t i;

	if (!root || !a)
		goto oom;
	json_object_object_add(root, "format", json_object_new_string("arm64-cpumodel-findings"));
	json_object_object_add(root, "version", json_object_new_int(1));
	json_object_object_add(root, "errors",
			       json_object_new_int64((int64_t)arm64cm_findings_errors(f)));
	json_object_object_add(root, "findings", a);
	for (i = 0; f && i < f->r.n; i++) {
		const struct arm64cm_finding *it = &f->r.item[i];
		json_object *o = json_object_new_object();

		if (!o)
			goto oom;
		json_object_array_add(a, o);
		json_object_object_add(o, "severity", json_object_new_string(sev[it->severity]));
		if (it->reg)
			json_object_object_add(o, "register", json_object_new_string(it->reg));
		if (it->reg_id)
			json_object_object_add(o, "id", hex64(it->reg_id));
		if (it->field)
			json_object_object_add(o, "field", json_object_new_string(it->field));
		if (it->rule)
			json_object_object_add(o, "rule", json_object_new_string(it->rule));
		if (it->has_values) {
			json_object_object_add(o, "model", hex64(it->model_value));
			json_object_object_add(o, "host", hex64(it->host_value));
		}
		json_object_object_add(o, "message", json_object_new_string(it->message));
	}
	t = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	text = t ? strdup(t) : NULL;
	json_object_put(root);
	return text;
oom:
	if (root)
		json_object_put(root);
	else
		json_object_put(a);
	return NULL;
}

/* ---- profiles ------------------------------------------------------------ */

struct arm64cm_profile *cm_profile_handle(const struct cm_profile *p)
{
	struct arm64cm_profile *h = malloc(sizeof(*h));

	if (h)
		h->p = *p;
	return h;
}

void arm64cm_profile_free(struct arm64cm_profile *p)
{
	free(p);
}

static int oom(struct arm64cm_findings *f)
{
	cm_report_add(cm_rep(f), true, "out of memory");
	return ARM64CM_HOST_ERROR;
}

/* A flag this version does not know: refused, never ignored. */
static int bad_flags(struct arm64cm_findings *f, const char *fn, unsigned int flags)
{
	cm_report_add(cm_rep(f), true, "%s: unknown flags 0x%x", fn, flags);
	return ARM64CM_BAD_INPUT;
}

int arm64cm_profile_parse(const char *json, const char *what, unsigned int flags,
			  struct arm64cm_profile **out, struct arm64cm_findings *f)
{
	struct arm64cm_profile *h = malloc(sizeof(*h));

	*out = NULL;
	if (flags & ~ARM64CM_LOAD_PARTIAL) {
		free(h);
		return bad_flags(f, "arm64cm_profile_parse", flags);
	}
	if (!json || strnlen(json, CM_MAX_PROFILE_BYTES + 1) > CM_MAX_PROFILE_BYTES) {
		free(h);
		cm_report_add(cm_rep(f), true, "%s: %s", what ?: "profile",
			      json ? "larger than 16 MiB, not a profile" : "no text (NULL)");
		return ARM64CM_BAD_INPUT;
	}
	if (!h)
		return oom(f);
	if (cm_parse_ext(json, what ?: "profile", flags, &h->p, cm_rep(f))) {
		free(h);
		return ARM64CM_BAD_INPUT;
	}
	*out = h;
	return ARM64CM_OK;
}

int arm64cm_profile_load(const char *path, unsigned int flags, struct arm64cm_profile **out,
			 struct arm64cm_findings *f)
{
	struct arm64cm_profile *h = malloc(sizeof(*h));
	int ret;

	*out = NULL;
	if (flags & ~ARM64CM_LOAD_PARTIAL) {
		free(h);
		return bad_flags(f, "arm64cm_profile_load", flags);
	}
	if (!h)
		return oom(f);
	ret = cm_load_ext(path, flags, &h->p, cm_rep(f));
	if (ret) {
		free(h);
		return ret;
	}
	*out = h;
	return ARM64CM_OK;
}

int arm64cm_profile_save(const struct arm64cm_profile *p, const char *path,
			 struct arm64cm_findings *f)
{
	return cm_save(path, &p->p, cm_rep(f)) ? ARM64CM_HOST_ERROR : ARM64CM_OK;
}

char *arm64cm_profile_to_json(const struct arm64cm_profile *p)
{
	return cm_to_json(&p->p);
}

const char *arm64cm_profile_name(const struct arm64cm_profile *p)
{
	return p->p.name;
}

int arm64cm_profile_is_model(const struct arm64cm_profile *p)
{
	return p->p.is_model;
}

int arm64cm_profile_pvtime(const struct arm64cm_profile *p)
{
	return p->p.pvtime;
}

int arm64cm_profile_pmu_counters(const struct arm64cm_profile *p, unsigned int *n)
{
	if (!p->p.pmu_counters_set)
		return 0;
	if (n)
		*n = p->p.pmu_counters;
	return 1;
}

size_t arm64cm_profile_nr_impls(const struct arm64cm_profile *p)
{
	struct cm_impl l[CM_MAX_IMPLS];

	return (size_t)cm_impls(&p->p, l);
}

int arm64cm_profile_impl(const struct arm64cm_profile *p, size_t i, uint64_t *midr,
			 uint64_t *revidr, uint64_t *aidr)
{
	struct cm_impl l[CM_MAX_IMPLS];
	size_t n = (size_t)cm_impls(&p->p, l);

	if (i >= n)
		return ARM64CM_BAD_INPUT;
	if (midr)
		*midr = l[i].midr;
	if (revidr)
		*revidr = l[i].revidr;
	if (aidr)
		*aidr = l[i].aidr;
	return ARM64CM_OK;
}

const char *arm64cm_profile_kernel(const struct arm64cm_profile *p)
{
	return p->p.is_model ? NULL : p->p.kernel;
}

uint32_t arm64cm_profile_vcpu_features(const struct arm64cm_profile *p)
{
	return p->p.features;
}

/* Register @i of @p in write order (the slot), or -1. */
static int nth_slot(const struct cm_profile *p, size_t i)
{
	int order[CM_NR_SLOTS], n = cm_write_order(order), k;

	for (k = 0; k < n; k++)
		if (p->r[order[k]].present && !i--)
			return order[k];
	return -1;
}

size_t arm64cm_profile_nr_regs(const struct arm64cm_profile *p)
{
	size_t n = 0;
	int s;

	for (s = 0; s < CM_NR_SLOTS; s++)
		n += p->p.r[s].present;
	return n;
}

int arm64cm_profile_reg(const struct arm64cm_profile *p, size_t i, uint64_t *reg_id,
			const char **name, uint64_t *value, uint64_t *writable)
{
	int s = nth_slot(&p->p, i);

	if (s < 0)
		return ARM64CM_BAD_INPUT;
	if (reg_id)
		*reg_id = cm_slot_kvm_id(s);
	if (name)
		*name = cm_slot_name(s);
	if (value)
		*value = p->p.r[s].val;
	if (writable)
		*writable = p->p.is_model ? 0 : cm_host_mask(&p->p, s);
	return ARM64CM_OK;
}

int arm64cm_profile_find(const struct arm64cm_profile *p, uint64_t reg_id, uint64_t *value,
			 uint64_t *writable)
{
	int s = cm_slot_by_kvm_id(reg_id);

	if (s < 0 || !p->p.r[s].present)
		return ARM64CM_BAD_INPUT;
	if (value)
		*value = p->p.r[s].val;
	if (writable)
		*writable = p->p.is_model ? 0 : cm_host_mask(&p->p, s);
	return ARM64CM_OK;
}

/* ---- describe (arm64-cpumodel show) --------------------------------------- */

static void describe_regs(FILE *o, const struct cm_profile *p)
{
	int s;

	for (s = 0; s < CM_NR_SLOTS; s++) {
		const struct cm_regdesc *d = cm_slot_desc(s);
		const struct cm_field *fl;
		const struct cm_reg *r = &p->r[s];
		uint64_t mask = cm_host_mask(p, s);
		bool fleet = !p->is_model && (p->caps & CM_CAP_FLEET_ID_REGS);
		char v[48], names[256];

		if (!r->present)
			continue;
		fprintf(o, "%-24s 0x%016llx", cm_slot_name(s), (unsigned long long)r->val);
		if (mask)
			fprintf(o, "  writable 0x%016llx", (unsigned long long)mask);
		/* The bits the capability adds (the library's list of its fields). */
		if (fleet && cm_fleet_mask(s))
			fprintf(o, "  fleet fields 0x%016llx", (unsigned long long)cm_fleet_mask(s));
		/* A profile of the first revision of patch 0026 (IDS). */
		if (r->mask & ~mask)
			fprintf(o, "  (recorded 0x%016llx: %s no longer writable)",
				(unsigned long long)r->mask,
				cm_field_names(s, r->mask & ~mask, names, sizeof(names)));
		fprintf(o, "\n");
		if (!d || !r->val)
			continue;
		for (fl = d->fields; fl->name; fl++) {
			int64_t fv = cm_field_get(fl, r->val);
			bool w = (mask & cm_field_mask(fl)) == cm_field_mask(fl);

			if (!fv && fl->rule == CM_RULE_NONE)
				continue;
			fprintf(o, "    %-14s %-18s %s%s%s\n", fl->name,
				cm_field_value_str(fl, fv, v, sizeof(v)), cm_rule_name(fl->rule),
				w ? ", writable" : "",
				w && (cm_fleet_mask(s) & cm_field_mask(fl)) && fleet ?
				" with fleet-id-regs" : "");
		}
	}
}

char *arm64cm_profile_describe(const struct arm64cm_profile *h)
{
	const struct cm_profile *p = &h->p;
	struct cm_impl l[CM_MAX_IMPLS];
	char *buf = NULL;
	size_t len = 0;
	int b, i, n;
	FILE *o = open_memstream(&buf, &len);

	if (!o)
		return NULL;
	fprintf(o, "%s \"%s\"", p->is_model ? "model" : "host", p->name);
	if (p->is_model)
		fprintf(o, " from %s\n", p->sources);
	else
		fprintf(o, ", Linux %s\n", p->kernel);
	if (p->writer[0])
		fprintf(o, "Written by libarm64cpumodel %s, rule set %s%s\n", p->writer, p->rules,
			strcmp(p->rules, cm_rules_id) ? " (not this library's)" : "");
	fprintf(o, "vCPU features:");
	for (b = 0; b < 32; b++)
		if (p->features & (1u << b))
			fprintf(o, " %s", cm_feature_name(b));
	fprintf(o, "\nPV time: %s\n", p->pvtime ? "yes" : "no");
	if (p->is_model && p->vm_caps) {
		fprintf(o, "VM capabilities required:");
		for (b = 0; b < 32; b++)
			if (p->vm_caps & (1u << b))
				fprintf(o, " %s%s", cm_cap_name(b),
					(1u << b) == CM_CAP_FLEET_ID_REGS ?
					" (KVM_CAP_ARM_OOT_FLEET_ID_REGS)" : "");
		fprintf(o, "\n");
	} else if (!p->is_model) {
		fprintf(o, "Capabilities:");
		for (b = 0; b < 32; b++)
			if (p->caps & (1u << b))
				fprintf(o, " %s", cm_cap_name(b));
		fprintf(o, "\n");
	}
	if (p->pmu_counters_set)
		fprintf(o, "PMU event counters (PMCR_EL0.N): %u\n", p->pmu_counters);
	n = cm_impls(p, l);
	if (n && (p->is_model || n > 1)) {
		fprintf(o, "%s:\n", p->is_model ? "Implementations (target-implementation discovery)" :
			"CPU implementations");
		for (i = 0; i < n; i++)
			fprintf(o, "  [%d] MIDR_EL1 0x%016llx  REVIDR_EL1 0x%016llx  AIDR_EL1 0x%016llx\n",
				i, (unsigned long long)l[i].midr, (unsigned long long)l[i].revidr,
				(unsigned long long)l[i].aidr);
	}
	describe_regs(o, p);
	for (i = 0; i < p->nr_unmodelled; i++) {
		const struct cm_unmodelled *u = &p->unmodelled[i];

		fprintf(o, "%-24s ", cm_kvm_id_name(u->id) ?: "?");
		if (u->has_val)
			fprintf(o, "0x%016llx", (unsigned long long)u->val);
		else
			fprintf(o, "%-18s", "(wider than 64 bits)");
		fprintf(o, "  not modelled (KVM id 0x%016llx)\n", (unsigned long long)u->id);
	}
	if (fclose(o)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- compare and baseline ------------------------------------------------ */

int arm64cm_compare(const struct arm64cm_profile *model, const struct arm64cm_profile *host,
		    struct arm64cm_findings *f)
{
	if (host->p.is_model) {
		cm_report_add(cm_rep(f), true, "%s is a model; compare needs a host profile (from probe)",
			      host->p.name);
		return ARM64CM_BAD_INPUT;
	}
	return cm_compare(&model->p, &host->p, cm_rep(f)) ? ARM64CM_INCOMPATIBLE : ARM64CM_OK;
}

int arm64cm_baseline(const struct arm64cm_profile *const *hosts, size_t n,
		     const char *impl_from, unsigned int flags, const char *name,
		     struct arm64cm_profile **model, struct arm64cm_findings *f)
{
	struct arm64cm_profile *mh = NULL;
	struct cm_profile *h;
	int from = -1, ret;
	size_t i, len;

	*model = NULL;
	if (flags & ~(ARM64CM_BASELINE_NO_FLEET | ARM64CM_BASELINE_PARTIAL))
		return bad_flags(f, "arm64cm_baseline", flags);
	for (i = 0, len = 0; i < n; i++)
		len += strlen(hosts[i]->p.name) + 1;
	if (len > sizeof(h->sources)) {
		cm_report_add(cm_rep(f), true, "baseline: the %zu hosts' names joined with ',' are longer than %zu characters (the model's \"sources\")",
			      n, sizeof(h->sources) - 1);
		return ARM64CM_BAD_INPUT;
	}
	if (!n || n > 1024 || !name || strlen(name) >= sizeof(h->name)) {
		cm_report_add(cm_rep(f), true, "baseline: %s",
			      !n || n > 1024 ? "needs 1 to 1024 host profiles" :
			      "the model's name must be 1 to 63 characters");
		return ARM64CM_BAD_INPUT;
	}
	h = calloc(n, sizeof(*h));
	mh = malloc(sizeof(*mh));
	if (!h || !mh) {
		free(h);
		free(mh);
		return oom(f);
	}
	for (i = 0; i < n; i++) {
		if (hosts[i]->p.is_model) {
			cm_report_add(cm_rep(f), true, "baseline: %s is a model, not a host profile",
				      hosts[i]->p.name);
			ret = ARM64CM_BAD_INPUT;
			goto out;
		}
		h[i] = hosts[i]->p;
		if (impl_from && from < 0 && !strcmp(impl_from, h[i].name))
			from = (int)i;
	}
	if (impl_from && from < 0) {
		cm_report_add(cm_rep(f), true, "--impl-from %s: no such host among the profiles",
			      impl_from);
		ret = ARM64CM_BAD_INPUT;
		goto out;
	}
	ret = cm_baseline_ext(h, (int)n, from, flags & (CM_BASELINE_NO_FLEET | CM_BASELINE_PARTIAL),
			      name, &mh->p, cm_rep(f)) ? ARM64CM_INCOMPATIBLE : ARM64CM_OK;
	if (!ret) {
		*model = mh;
		mh = NULL;
	}
out:
	free(h);
	free(mh);
	return ret;
}

/* ---- plans: a model applied with the VMM's own file descriptors ----------- */

/* KVM capability numbers (uapi values; the KVM part checks them against <linux/kvm.h>). */
enum {
	CAP_EL1_32BIT = 93, CAP_PSCI_0_2 = 102, CAP_PMU_V3 = 126, CAP_SVE = 170,
	CAP_PTRAUTH_ADDRESS = 171, CAP_PTRAUTH_GENERIC = 172, CAP_STEAL_TIME = 187,
	CAP_WRITABLE_IMP_ID_REGS = 239,
};
#define PMCR_EL0_ID	0x603000000013dce0ULL	/* ARM64_SYS_REG(3, 3, 9, 12, 0) */
#define PMCR_N_SHIFT	11
#define PMCR_N_MASK	(0x1fULL << PMCR_N_SHIFT)

_Static_assert(ARM64CM_LOAD_PARTIAL == CM_LOAD_PARTIAL, "load flags");
_Static_assert(ARM64CM_BASELINE_NO_FLEET == CM_BASELINE_NO_FLEET, "baseline flags");
_Static_assert(ARM64CM_BASELINE_PARTIAL == CM_BASELINE_PARTIAL, "baseline flags");

struct arm64cm_plan {
	struct cm_profile model;
	unsigned long caps[2];
	size_t nr_caps;
	uint32_t features;
	bool planned;
	size_t nr_writes;
	struct {
		uint64_t id, val;
		const char *name;
	} w[CM_NR_SLOTS + 1];
};

/* A caller's ops: at least the members of version 1.0, the required ones set. */
static bool ops_ok(const struct arm64cm_host_ops *ops)
{
	return ops && ops->size >= offsetof(struct arm64cm_host_ops, get_writable_masks) +
				   sizeof(ops->get_writable_masks) &&
	       ops->check_extension && ops->get_reg;
}

static int ops_ext(const struct arm64cm_host_ops *ops, void *opaque, unsigned long cap,
		   int *res, struct cm_report *rep)
{
	int err = ops->check_extension(opaque, cap, res);

	if (err)
		cm_report_add(rep, true, "KVM_CHECK_EXTENSION(%lu): %s", cap, strerror(-err));
	return err;
}

int arm64cm_plan_vm(const struct arm64cm_profile *model, const struct arm64cm_host_ops *ops,
		    void *opaque, struct arm64cm_plan **plan, struct arm64cm_findings *f)
{
	static const struct {
		int feat;
		unsigned long cap;
	} feats[] = {
		{ CM_FEAT_EL1_32BIT, CAP_EL1_32BIT }, { CM_FEAT_PSCI_0_2, CAP_PSCI_0_2 },
		{ CM_FEAT_PMU_V3, CAP_PMU_V3 }, { CM_FEAT_SVE, CAP_SVE },
		{ CM_FEAT_PTRAUTH_ADDRESS, CAP_PTRAUTH_ADDRESS },
		{ CM_FEAT_PTRAUTH_GENERIC, CAP_PTRAUTH_GENERIC },
	};
	struct cm_report *rep = cm_rep(f);
	struct arm64cm_plan *p;
	int res, bad = 0;
	size_t i;

	*plan = NULL;
	if (!model->p.is_model || !ops_ok(ops)) {
		cm_report_add(rep, true, "plan: %s", !model->p.is_model ?
			      "needs a model, not a host profile" :
			      "struct arm64cm_host_ops: size too small, or check_extension or get_reg missing");
		return ARM64CM_BAD_INPUT;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return oom(f);
	p->model = model->p;
	for (i = 0; i < sizeof(feats) / sizeof(feats[0]); i++) {
		if (!(model->p.features & (1u << feats[i].feat)))
			continue;
		if (ops_ext(ops, opaque, feats[i].cap, &res, rep))
			goto host_error;
		if (res <= 0) {
			cm_report_add(rep, true, "vCPU feature %s: this host's KVM does not offer it",
				      cm_feature_name(feats[i].feat));
			bad++;
		}
	}
	p->features = model->p.features;
	/* An identity needs the capability only where it differs: step 2 says. */
	if (model->p.impl_set) {
		if (ops_ext(ops, opaque, CAP_WRITABLE_IMP_ID_REGS, &res, rep))
			goto host_error;
		if (res > 0)
			p->caps[p->nr_caps++] = CAP_WRITABLE_IMP_ID_REGS;
	}
	if (model->p.vm_caps & CM_CAP_FLEET_ID_REGS) {
		if (ops_ext(ops, opaque, CM_KVM_CAP_FLEET_ID_REGS, &res, rep))
			goto host_error;
		if (res > 0) {
			p->caps[p->nr_caps++] = CM_KVM_CAP_FLEET_ID_REGS;
		} else {
			cm_report_add(rep, true, "fleet-id-regs: the model requires KVM_CAP_ARM_OOT_FLEET_ID_REGS (%d, out of tree), which this host's kernel lacks",
				      CM_KVM_CAP_FLEET_ID_REGS);
			bad++;
		}
	}
	if (bad) {
		free(p);
		return ARM64CM_INCOMPATIBLE;
	}
	*plan = p;
	return ARM64CM_OK;
host_error:
	free(p);
	return ARM64CM_HOST_ERROR;
}

size_t arm64cm_plan_nr_caps(const struct arm64cm_plan *plan)
{
	return plan->nr_caps;
}

unsigned long arm64cm_plan_cap(const struct arm64cm_plan *plan, size_t i)
{
	return i < plan->nr_caps ? plan->caps[i] : 0;
}

uint32_t arm64cm_plan_vcpu_features(const struct arm64cm_plan *plan)
{
	return plan->features;
}

/* The VM as created, read through @ops, as a host profile. */
static int plan_host(struct arm64cm_plan *p, const struct arm64cm_host_ops *ops, void *opaque,
		     struct cm_profile *h, uint64_t *pmcr, struct cm_report *rep)
{
	uint64_t masks[192];
	int s, e[5], err, res;
	size_t i;

	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "this VM");
	h->features = p->features;
	for (s = 0; s < CM_NR_SLOTS; s++) {
		err = ops->get_reg(opaque, cm_slot_kvm_id(s), &h->r[s].val);
		if (err == -ENOENT)
			continue;
		if (err) {
			cm_report_reg(rep, ARM64CM_ERROR, s, 0, NULL, NULL, NULL,
				      "KVM_GET_ONE_REG %s: %s", cm_slot_name(s), strerror(-err));
			return -1;
		}
		h->r[s].present = true;
	}
	err = ops->get_writable_masks ? ops->get_writable_masks(opaque, masks) : -ENOTTY;
	if (err && err != -ENOTTY) {
		cm_report_add(rep, true, "KVM_ARM_GET_REG_WRITABLE_MASKS: %s", strerror(-err));
		return -1;
	}
	if (!err) {
		h->caps |= CM_CAP_WRITABLE_MASKS;
		for (s = 0; s < CM_NR_SLOTS; s++)
			if (h->r[s].present && cm_slot_enc(s, e))
				h->r[s].mask = masks[cm_mask_index(e)];
	}
	for (i = 0; i < p->nr_caps; i++)
		if (p->caps[i] == CAP_WRITABLE_IMP_ID_REGS)
			h->caps |= CM_CAP_WRITABLE_IMP;
		else if (p->caps[i] == CM_KVM_CAP_FLEET_ID_REGS)
			h->caps |= CM_CAP_FLEET_ID_REGS;
	err = ops->check_extension(opaque, CAP_STEAL_TIME, &res);
	if (err) {
		cm_report_add(rep, true, "KVM_CHECK_EXTENSION(KVM_CAP_STEAL_TIME): %s", strerror(-err));
		return -1;
	}
	if (res > 0) {
		h->caps |= CM_CAP_STEAL_TIME;
		h->pvtime = true;
	}
	*pmcr = 0;
	if (p->features & (1u << CM_FEAT_PMU_V3)) {
		err = ops->get_reg(opaque, PMCR_EL0_ID, pmcr);
		if (err) {
			cm_report_reg(rep, ARM64CM_ERROR, -1, PMCR_EL0_ID, NULL, NULL, NULL,
				      "KVM_GET_ONE_REG PMCR_EL0 of a vCPU with a PMU: %s",
				      strerror(-err));
			return -1;
		}
		h->pmu_counters_set = true;
		h->pmu_counters = (*pmcr & PMCR_N_MASK) >> PMCR_N_SHIFT;
	}
	return 0;
}

int arm64cm_plan_writes(struct arm64cm_plan *p, const struct arm64cm_host_ops *ops,
			void *opaque, struct arm64cm_findings *f)
{
	struct cm_report *rep = cm_rep(f);
	const struct cm_profile *m = &p->model;
	int order[CM_NR_SLOTS], n, k;
	struct cm_profile *h;
	uint64_t pmcr;

	p->nr_writes = 0;
	p->planned = false;
	h = malloc(sizeof(*h));
	if (!h)
		return oom(f);
	if (!ops_ok(ops)) {
		free(h);
		cm_report_add(rep, true, "plan: struct arm64cm_host_ops: size too small, or check_extension or get_reg missing");
		return ARM64CM_BAD_INPUT;
	}
	if (plan_host(p, ops, opaque, h, &pmcr, rep)) {
		free(h);
		return ARM64CM_HOST_ERROR;
	}
	if (cm_compare(m, h, rep)) {
		cm_report_add(rep, true, "model %s cannot run on this VM: nothing planned", m->name);
		free(h);
		return ARM64CM_INCOMPATIBLE;
	}
	n = cm_write_order(order);
	for (k = 0; k < n; k++) {
		int s = order[k];

		if (!m->r[s].present || (s >= CM_SLOT_MIDR && s <= CM_SLOT_AIDR && !m->impl_set))
			continue;
		/*
		 * The workaround levels are checks: KVM takes a level it can
		 * give and keeps reporting its own (cm_compare() checked).
		 */
		if (s == CM_SLOT_WA1 || s == CM_SLOT_WA2 || s == CM_SLOT_WA3)
			continue;
		p->w[p->nr_writes].id = cm_slot_kvm_id(s);
		p->w[p->nr_writes].val = m->r[s].val;
		p->w[p->nr_writes++].name = cm_slot_name(s);
	}
	if (m->pmu_counters_set && (m->features & (1u << CM_FEAT_PMU_V3))) {
		p->w[p->nr_writes].id = PMCR_EL0_ID;
		p->w[p->nr_writes].val = (pmcr & ~PMCR_N_MASK) |
					 (uint64_t)m->pmu_counters << PMCR_N_SHIFT;
		p->w[p->nr_writes++].name = "PMCR_EL0";
	}
	p->planned = true;
	cm_report_add(rep, false, "model %s: %zu register write%s for every vCPU", m->name,
		      p->nr_writes, p->nr_writes == 1 ? "" : "s");
	free(h);
	return ARM64CM_OK;
}

int arm64cm_plan_discovery(const struct arm64cm_plan *plan, uint64_t *bmap2_bits,
			   uint32_t *base, uint32_t *nr)
{
	if (!plan->model.nr_impls)
		return ARM64CM_BAD_INPUT;
	if (bmap2_bits)
		*bmap2_bits = 1ULL << 0 | 1ULL << 1;	/* DISCOVER_IMPL_VER, _CPUS */
	if (base)
		*base = CM_SMCCC_DISCOVER_IMPL_VER;
	if (nr)
		*nr = 2;
	return ARM64CM_OK;
}

size_t arm64cm_plan_nr_writes(const struct arm64cm_plan *plan)
{
	return plan->planned ? plan->nr_writes : 0;
}

int arm64cm_plan_write(const struct arm64cm_plan *plan, size_t i, uint64_t *reg_id,
		       uint64_t *value, const char **name)
{
	if (!plan->planned || i >= plan->nr_writes)
		return ARM64CM_BAD_INPUT;
	if (reg_id)
		*reg_id = plan->w[i].id;
	if (value)
		*value = plan->w[i].val;
	if (name)
		*name = plan->w[i].name;
	return ARM64CM_OK;
}

void arm64cm_plan_free(struct arm64cm_plan *plan)
{
	free(plan);
}

#ifndef CM_WITH_KVM
/*
 * A build without the KVM part (WITH_KVM=0) exports the same symbols as one
 * with it, as one soname promises: they fail, saying why.
 */
static int no_kvm(struct arm64cm_findings *f)
{
	cm_report_add(cm_rep(f), true, "this build of libarm64cpumodel has no KVM part (WITH_KVM=0)");
	return ARM64CM_HOST_ERROR;
}

int arm64cm_probe(const char *name, struct arm64cm_profile **host, struct arm64cm_findings *f)
{
	(void)name;
	*host = NULL;
	return no_kvm(f);
}

int arm64cm_vm_create(const struct arm64cm_profile *model, int nr_vcpus,
		      struct arm64cm_vm **vm, struct arm64cm_findings *f)
{
	(void)model;
	(void)nr_vcpus;
	*vm = NULL;
	return no_kvm(f);
}

void arm64cm_vm_destroy(struct arm64cm_vm *vm)
{
	(void)vm;
}

int arm64cm_vm_nr_vcpus(const struct arm64cm_vm *vm)
{
	(void)vm;
	return 0;
}

int arm64cm_vm_fd(const struct arm64cm_vm *vm)
{
	(void)vm;
	return -1;
}

int arm64cm_vm_vcpu_fd(const struct arm64cm_vm *vm, int idx)
{
	(void)vm;
	(void)idx;
	return -1;
}

int arm64cm_vm_discovery(const struct arm64cm_vm *vm)
{
	(void)vm;
	return 0;
}

int arm64cm_vm_apply(struct arm64cm_vm *vm, const struct arm64cm_profile *model,
		     unsigned int flags, struct arm64cm_findings *f)
{
	(void)vm;
	(void)model;
	if (flags & ~(ARM64CM_APPLY_DISCOVERY | ARM64CM_APPLY_NO_PRECHECK))
		return bad_flags(f, "arm64cm_vm_apply", flags);
	return no_kvm(f);
}

int arm64cm_vm_verify(struct arm64cm_vm *vm, const struct arm64cm_profile *model,
		      struct arm64cm_findings *f)
{
	(void)vm;
	(void)model;
	return no_kvm(f);
}

int arm64cm_vm_verify_guest(struct arm64cm_vm *vm, int idx, const struct arm64cm_profile *model,
			    struct arm64cm_findings *f)
{
	(void)vm;
	(void)idx;
	(void)model;
	return no_kvm(f);
}

int arm64cm_vm_verify_guest_discovery(struct arm64cm_vm *vm, int idx,
				      const struct arm64cm_profile *model,
				      struct arm64cm_findings *f)
{
	(void)vm;
	(void)idx;
	(void)model;
	return no_kvm(f);
}

int arm64cm_handle_hypercall(const struct arm64cm_profile *model, int vcpu_fd,
			     struct kvm_run *run)
{
	(void)model;
	(void)vcpu_fd;
	(void)run;
	errno = ENOSYS;
	return -1;
}
#endif
