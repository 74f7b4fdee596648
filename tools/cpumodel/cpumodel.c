// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libarm64cpumodel: profiles, JSON, compare and baseline.  Pure
 * computation, no KVM: builds and runs on any host (unit tests).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <json-c/json.h>

#include "arm64-cpumodel.h"
#include "cpumodel.h"
#include "cpumodel-int.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))


/* ---- reports ---------------------------------------------------------- */

static void report_vadd(struct cm_report *rep, int severity, int slot, uint64_t id,
			const struct cm_field *field, const uint64_t *mv, const uint64_t *hv,
			const char *fmt, va_list ap)
{
	struct arm64cm_finding *it;
	char *s, **l;

	if (!rep)
		return;
	/* Counted even when memory runs out for its text: a status never lies. */
	if (severity == ARM64CM_ERROR)
		rep->errors++;
	if (vasprintf(&s, fmt, ap) < 0)
		return;
	l = realloc(rep->line, (rep->n + 1) * sizeof(*l));
	if (!l) {
		free(s);
		return;
	}
	rep->line = l;
	it = realloc(rep->item, (rep->n + 1) * sizeof(*it));
	if (!it) {
		free(s);
		return;
	}
	rep->item = it;
	it += rep->n;
	memset(it, 0, sizeof(*it));
	it->severity = severity;
	it->message = s;
	if (slot >= 0 && slot < CM_NR_SLOTS) {
		it->reg = cm_slot_name(slot);
		it->reg_id = cm_slot_kvm_id(slot);
	} else if (id) {
		it->reg = cm_kvm_id_name(id);
		it->reg_id = id;
	}
	if (field) {
		it->field = field->name;
		it->rule = cm_rule_name(field->rule);
	}
	if (mv && hv) {
		it->has_values = 1;
		it->model_value = *mv;
		it->host_value = *hv;
	}
	rep->line[rep->n++] = s;
}

void cm_report_add(struct cm_report *rep, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_vadd(rep, error ? ARM64CM_ERROR : ARM64CM_NOTE, -1, 0, NULL, NULL, NULL, fmt, ap);
	va_end(ap);
}

void cm_report_warn(struct cm_report *rep, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_vadd(rep, ARM64CM_WARNING, -1, 0, NULL, NULL, NULL, fmt, ap);
	va_end(ap);
}

void cm_report_reg(struct cm_report *rep, int severity, int slot, uint64_t id,
		   const struct cm_field *field, const uint64_t *mv, const uint64_t *hv,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_vadd(rep, severity, slot, id, field, mv, hv, fmt, ap);
	va_end(ap);
}

void cm_report_copy(struct cm_report *rep, const struct cm_report *src, const char *prefix,
		    bool force_error)
{
	size_t i;

	for (i = 0; rep && i < src->n; i++) {
		const struct arm64cm_finding *it = &src->item[i];
		struct arm64cm_finding *d;
		size_t n = rep->n;

		cm_report_add(rep, force_error || it->severity == ARM64CM_ERROR, "%s%s", prefix,
			      it->message);
		if (rep->n == n)
			return;
		d = &rep->item[n];
		if (it->severity == ARM64CM_WARNING && !force_error)
			d->severity = ARM64CM_WARNING;
		d->reg = it->reg;
		d->reg_id = it->reg_id;
		d->field = it->field;
		d->rule = it->rule;
		d->has_values = it->has_values;
		d->model_value = it->model_value;
		d->host_value = it->host_value;
	}
}

void cm_report_free(struct cm_report *rep)
{
	size_t i;

	for (i = 0; i < rep->n; i++)
		free(rep->line[i]);
	free(rep->line);
	free(rep->item);
	memset(rep, 0, sizeof(*rep));
}

/* ---- registers -------------------------------------------------------- */

static const char *const fixed_names[CM_NR_SLOTS] = {
	[CM_SLOT_CTR] = "CTR_EL0",
	[CM_SLOT_CLIDR] = "CLIDR_EL1",
	[CM_SLOT_MIDR] = "MIDR_EL1",
	[CM_SLOT_REVIDR] = "REVIDR_EL1",
	[CM_SLOT_AIDR] = "AIDR_EL1",
	/* The uapi names (KVM_REG_ARM_...) without their prefix. */
	[CM_SLOT_PSCI] = "PSCI_VERSION",
	[CM_SLOT_WA1] = "SMCCC_ARCH_WORKAROUND_1",
	[CM_SLOT_WA2] = "SMCCC_ARCH_WORKAROUND_2",
	[CM_SLOT_WA3] = "SMCCC_ARCH_WORKAROUND_3",
	[CM_SLOT_STD_BMAP] = "STD_BMAP",
	[CM_SLOT_STD_HYP_BMAP] = "STD_HYP_BMAP",
	[CM_SLOT_VENDOR_HYP_BMAP] = "VENDOR_HYP_BMAP",
};

static const char *const group_keys[CM_NR_GROUPS] = {
	[CM_G_ID] = "id", [CM_G_CACHE] = "cache", [CM_G_IMPL] = "implementation",
	[CM_G_FW] = "firmware", [CM_G_BMAP] = "hypercalls",
};

const char *cm_group_key(enum cm_group g)
{
	return group_keys[g];
}

enum cm_group cm_slot_group(int slot)
{
	if (slot < CM_SLOT_CTR)
		return CM_G_ID;
	if (slot < CM_SLOT_MIDR)
		return CM_G_CACHE;
	if (slot < CM_SLOT_PSCI)
		return CM_G_IMPL;
	if (slot < CM_SLOT_STD_BMAP)
		return CM_G_FW;
	return CM_G_BMAP;
}

/* System register encoding of the slots that are system registers. */
bool cm_slot_enc(int slot, int enc[5])
{
	static const int fixed[][6] = {
		{ CM_SLOT_CTR, 3, 3, 0, 0, 1 },   { CM_SLOT_CLIDR, 3, 1, 0, 0, 1 },
		{ CM_SLOT_MIDR, 3, 0, 0, 0, 0 },  { CM_SLOT_REVIDR, 3, 0, 0, 0, 6 },
		{ CM_SLOT_AIDR, 3, 1, 0, 0, 7 },
	};
	size_t i;

	if (slot < CM_SLOT_CTR) {
		enc[0] = 3; enc[1] = 0; enc[2] = 0;
		enc[3] = 1 + slot / 8; enc[4] = slot % 8;
		return true;
	}
	for (i = 0; i < ARRAY_SIZE(fixed); i++) {
		if (fixed[i][0] == slot) {
			memcpy(enc, &fixed[i][1], 5 * sizeof(int));
			return true;
		}
	}
	return false;
}

/* Index in KVM_ARM_GET_REG_WRITABLE_MASKS' array (op1 3 is stored as 2). */
int cm_mask_index(const int enc[5])
{
	int op1 = enc[1] & 3;

	op1 -= op1 == 3;
	return op1 << 6 | (enc[3] & 7) << 3 | (enc[4] & 7);
}

uint64_t cm_slot_kvm_id(int slot)
{
	int e[5];

	if (cm_slot_enc(slot, e))
		return CM_KVM_REG_ARM64 | CM_KVM_REG_SIZE_U64 | CM_KVM_SYSREG |
		       (uint64_t)e[0] << 14 | e[1] << 11 | e[2] << 7 | e[3] << 3 | e[4];
	if (slot >= CM_SLOT_CCSIDR && slot < CM_SLOT_MIDR)
		return CM_KVM_REG_ARM64 | CM_KVM_REG_SIZE_U32 | CM_KVM_DEMUX |
		       (slot - CM_SLOT_CCSIDR);
	if (slot >= CM_SLOT_PSCI && slot < CM_SLOT_STD_BMAP)
		return CM_KVM_REG_ARM64 | CM_KVM_REG_SIZE_U64 | CM_KVM_FW |
		       (slot - CM_SLOT_PSCI);
	return CM_KVM_REG_ARM64 | CM_KVM_REG_SIZE_U64 | CM_KVM_FW_BMAP |
	       (slot - CM_SLOT_STD_BMAP);
}

const struct cm_regdesc *cm_slot_desc(int slot)
{
	const struct cm_regdesc *d;
	int e[5];

	if (!cm_slot_enc(slot, e))
		return NULL;
	for (d = cm_regdescs; d->name; d++)
		if (d->op0 == e[0] && d->op1 == e[1] && d->crn == e[2] &&
		    d->crm == e[3] && d->op2 == e[4])
			return d;
	return NULL;
}

/* From constant tables only: callers may be threads. */
const char *cm_slot_name(int slot)
{
	static const char *const ccsidr_names[CM_NR_CCSIDR] = {
		"CCSIDR_EL1[0]", "CCSIDR_EL1[1]", "CCSIDR_EL1[2]", "CCSIDR_EL1[3]",
		"CCSIDR_EL1[4]", "CCSIDR_EL1[5]", "CCSIDR_EL1[6]", "CCSIDR_EL1[7]",
		"CCSIDR_EL1[8]", "CCSIDR_EL1[9]", "CCSIDR_EL1[10]", "CCSIDR_EL1[11]",
		"CCSIDR_EL1[12]", "CCSIDR_EL1[13]",
	};

	if (slot < 0 || slot >= CM_NR_SLOTS)
		return "?";
	if (slot < CM_SLOT_ID + CM_NR_ID)
		return cm_id_slot_names[slot - CM_SLOT_ID];
	if (slot >= CM_SLOT_CCSIDR && slot < CM_SLOT_CCSIDR + CM_NR_CCSIDR)
		return ccsidr_names[slot - CM_SLOT_CCSIDR];
	return fixed_names[slot];
}

int cm_slot_by_name(const char *name)
{
	int s;

	for (s = 0; s < CM_NR_SLOTS; s++)
		if (!strcmp(cm_slot_name(s), name))
			return s;
	return -1;
}

int cm_slot_by_kvm_id(uint64_t id)
{
	int s;

	for (s = 0; s < CM_NR_SLOTS; s++)
		if (cm_slot_kvm_id(s) == id)
			return s;
	return -1;
}

/* Order of writes: each group only depends on the ones before it. */
int cm_write_order(int *order)
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

bool cm_model_requires(int slot)
{
	return slot >= 0 && slot < CM_NR_SLOTS &&
	       !(slot >= CM_SLOT_CCSIDR && slot < CM_SLOT_CCSIDR + CM_NR_CCSIDR) &&
	       !(slot >= CM_SLOT_MIDR && slot <= CM_SLOT_AIDR);
}

/* Registers outside the profile slots that the library names. */
static const struct {
	uint64_t id;
	const char *name;
} other_ids[] = {
	{ CM_KVM_REG_ARM64 | CM_KVM_REG_SIZE_U64 | CM_KVM_FW_BMAP | 3, "VENDOR_HYP_BMAP_2" },
	{ CM_KVM_REG_ARM64 | CM_KVM_REG_SIZE_U64 | CM_KVM_SYSREG | 3 << 14 | 3 << 11 | 9 << 7 |
	  12 << 3 | 0, "PMCR_EL0" },
	{ CM_KVM_REG_ARM64 | 0x0060000000000000ULL | (0x0015ULL << 16) | 0xffff, "SVE_VLS" },
	{ CM_KVM_REG_ARM64 | CM_KVM_REG_SIZE_U64 | CM_KVM_SYSREG | 3 << 14 | 0 << 11 | 0 << 7 |
	  0 << 3 | 5, "MPIDR_EL1" },
	{ CM_KVM_REG_ARM64 | CM_KVM_REG_SIZE_U64 | CM_KVM_SYSREG | 3 << 14 | 3 << 11 | 0 << 7 |
	  0 << 3 | 7, "DCZID_EL0" },
};

const char *cm_kvm_id_name(uint64_t id)
{
	const struct cm_regdesc *d;
	size_t i;
	int s = cm_slot_by_kvm_id(id);

	if (s >= 0)
		return cm_slot_name(s);
	for (i = 0; i < ARRAY_SIZE(other_ids); i++)
		if (other_ids[i].id == id)
			return other_ids[i].name;
	if ((id & ~(0xfULL << 52) & ~0xffffULL) == (CM_KVM_REG_ARM64 | CM_KVM_SYSREG)) {
		for (d = cm_regdescs; d->name; d++)
			if ((id & 0xffff) == (uint64_t)(d->op0 << 14 | d->op1 << 11 | d->crn << 7 |
							d->crm << 3 | d->op2))
				return d->name;
	}
	return NULL;
}

static const char *const feature_names[] = {
	[CM_FEAT_EL1_32BIT] = "el1-32bit",
	[CM_FEAT_PSCI_0_2] = "psci-0.2",
	[CM_FEAT_PMU_V3] = "pmu-v3",
	[CM_FEAT_SVE] = "sve",
	[CM_FEAT_PTRAUTH_ADDRESS] = "ptrauth-address",
	[CM_FEAT_PTRAUTH_GENERIC] = "ptrauth-generic",
};

const char *cm_feature_name(int bit)
{
	if (bit < 0 || bit >= (int)ARRAY_SIZE(feature_names) || !feature_names[bit])
		return NULL;
	return feature_names[bit];
}

static const char *const cap_names[] = {
	"writable-masks", "writable-imp-id-regs", "steal-time", "fleet-id-regs",
};

const char *cm_cap_name(int bit)
{
	return bit >= 0 && bit < (int)ARRAY_SIZE(cap_names) ? cap_names[bit] : NULL;
}

/* The VM capabilities a model may require (its "capabilities"). */
#define CM_MODEL_CAPS	CM_CAP_FLEET_ID_REGS

/* ---- KVM_CAP_ARM_OOT_FLEET_ID_REGS ---------------------------------------- */

/*
 * The fields KVM_CAP_ARM_OOT_FLEET_ID_REGS makes writable: a copy of
 * kvm_fleet_id_fields[] in the patched tree's arch/arm64/kvm/sys_regs.c
 * (patch 0026, out of tree), which keep in sync.  Their rules are those of
 * the host's feature tables (cpumodel-tables.h), plus what the kernel's
 * kvm_check_fleet_fields() refuses although those tables allow it:
 * FP/AdvSIMD (fleet_fp_simd_ok() and host_view(): only FP16 hidden, the two
 * equal, never NI, and not at all in a VM with SVE), CTR_EL0.CWG and ERG
 * above 9 (2KB; 0xa-0xf are reserved) and ID_AA64MMFR1_EL1.VMIDBits 1
 * (reserved), in fleet_refuses().  ID_AA64MMFR2_EL1.IDS is not one of them
 * (see fleet_retired[]).  Besides these fields, the capability lets a VM
 * whose EL1 is AArch64 have ID_DFR0_EL1.CopDbg 0, AArch32 debug not
 * implemented, which KVM otherwise refuses below Armv8 (set_id_dfr0_el1();
 * here kvm_refuses() and fleet_bits()).
 */
static const struct {
	const char *reg;
	const char *fields[5];
} fleet_fields[] = {
	{ "ID_AA64PFR0_EL1", { "RAS", "AdvSIMD", "FP" } },
	{ "ID_AA64PFR1_EL1", { "RAS_frac" } },
	{ "ID_AA64MMFR0_EL1", { "TGRAN4_2", "TGRAN64_2", "TGRAN16_2" } },
	{ "ID_AA64MMFR1_EL1", { "TWED", "XNX", "VH", "VMIDBits" } },
	{ "ID_AA64MMFR2_EL1", { "EVT", "FWB" } },
	{ "CTR_EL0", { "CWG", "ERG", "L1Ip" } },
};

/*
 * Fields the first revision of patch 0026 made writable and the kernel no
 * longer does, with or without the capability: ID_AA64MMFR2_EL1.IDS is
 * guest-observable (the exception class of an EL0 ID-space access trapped
 * to EL1).  Profiles probed on that revision record them in their masks
 * (the capability's number did not change); host_view() takes them out, so
 * that no model changes them.
 */
static const struct {
	const char *reg, *field;
} fleet_retired[] = {
	{ "ID_AA64MMFR2_EL1", "IDS" },
};

const struct cm_field *cm_field_by_name(int slot, const char *name)
{
	const struct cm_regdesc *d = cm_slot_desc(slot);
	const struct cm_field *f;

	for (f = d ? d->fields : NULL; f && f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

/*
 * Computed on every call, from constant tables only (no cache, no
 * cm_slot_name()): callers may be threads, and the loops are short.
 */
uint64_t cm_fleet_mask(int slot)
{
	const struct cm_regdesc *d;
	const char *name;
	uint64_t m = 0;
	size_t i, k;

	if (slot < 0 || slot >= CM_NR_SLOTS)
		return 0;
	d = cm_slot_desc(slot);
	name = fixed_names[slot] ? fixed_names[slot] : d ? d->name : NULL;
	for (i = 0; name && i < ARRAY_SIZE(fleet_fields); i++) {
		if (strcmp(fleet_fields[i].reg, name))
			continue;
		for (k = 0; k < ARRAY_SIZE(fleet_fields[i].fields) && fleet_fields[i].fields[k]; k++) {
			const struct cm_field *f = cm_field_by_name(slot, fleet_fields[i].fields[k]);

			if (f)
				m |= cm_field_mask(f);
		}
	}
	return m;
}

/* The bits of register @slot of fleet_retired[]. */
static uint64_t retired_mask(int slot)
{
	uint64_t m = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fleet_retired); i++) {
		if (cm_slot_by_name(fleet_retired[i].reg) == slot) {
			const struct cm_field *f = cm_field_by_name(slot, fleet_retired[i].field);

			if (f)
				m |= cm_field_mask(f);
		}
	}
	return m;
}

uint64_t cm_host_mask(const struct cm_profile *p, int slot)
{
	if (slot < 0 || slot >= CM_NR_SLOTS)
		return 0;
	return p->r[slot].mask & ~retired_mask(slot);
}

static bool is_copdbg(int slot, const struct cm_field *f)
{
	return slot == cm_slot_by_name("ID_DFR0_EL1") && !strcmp(f->name, "CopDbg");
}

/*
 * The bits of register @slot in which a VM given the value @m on a host
 * whose value is @h needs KVM_CAP_ARM_OOT_FLEET_ID_REGS: the fleet fields
 * that differ, and ID_DFR0_EL1.CopDbg 0 where the host's is not 0 (KVM
 * takes 0 only with the capability, in a VM whose EL1 is AArch64; on a
 * host whose CopDbg is 0, without AArch32, the value is no change).
 */
static uint64_t fleet_bits(int slot, uint64_t m, uint64_t h)
{
	uint64_t bits = (m ^ h) & cm_fleet_mask(slot);
	const struct cm_field *f = slot == cm_slot_by_name("ID_DFR0_EL1") ?
				   cm_field_by_name(slot, "CopDbg") : NULL;

	if (f && !cm_field_get(f, m) && cm_field_get(f, h))
		bits |= cm_field_mask(f);
	return bits;
}

/*
 * "ID_AA64PFR0_EL1.RAS, ID_AA64MMFR1_EL1.VH": the fields covering @bits[slot]
 * of every slot, into @buf.
 */
static const char *field_list(const uint64_t *bits, char *buf, size_t len)
{
	size_t o = 0;
	int s;

	buf[0] = 0;
	for (s = 0; s < CM_NR_SLOTS; s++) {
		const struct cm_regdesc *d = cm_slot_desc(s);
		const struct cm_field *f;

		for (f = d ? d->fields : NULL; bits[s] && f && f->name; f++)
			if (bits[s] & cm_field_mask(f))
				o += snprintf(buf + o, o < len ? len - o : 0, "%s%s.%s", o ? ", " : "",
					      cm_slot_name(s), f->name);
	}
	return buf;
}

#define FP_SHIFT	16
#define ADVSIMD_SHIFT	20
#define FP_SIMD_MASK	(0xffULL << FP_SHIFT)

/*
 * FP and AdvSIMD of ID_AA64PFR0_EL1 in a VM without SVE with the
 * capability (the kernel's kvm_check_fleet_fp_simd()): each is the host's,
 * or 0 where the host has 1 (FP16), never 0xf (not implemented, which the
 * signed lower-safe rule alone would allow); where the host's two are
 * equal, the VM's are too.  NULL when @val is fine on a host whose value is
 * @lim.  A VM with SVE keeps the host's (SVE requires FP16): host_view()
 * takes them out of the writable mask.
 */
static const char *fleet_fp_simd_ok(uint64_t val, uint64_t lim, char *why, size_t len)
{
	unsigned int fp = (val >> FP_SHIFT) & 0xf, simd = (val >> ADVSIMD_SHIFT) & 0xf;
	unsigned int fp_lim = (lim >> FP_SHIFT) & 0xf, simd_lim = (lim >> ADVSIMD_SHIFT) & 0xf;
	int slot = cm_slot_by_name("ID_AA64PFR0_EL1");
	const struct cm_field *ffp = cm_field_by_name(slot, "FP"), *fsimd = cm_field_by_name(slot, "AdvSIMD");
	char a[48], b[48], c[48];

	/* Values as every other finding prints them: "1 (FP16)", "-1 (NI)". */
#define FPV(f, reg, raw, buf) \
	((f) ? cm_field_value_str(f, cm_field_get(f, reg), buf, sizeof(buf)) : \
	       (snprintf(buf, sizeof(buf), "%u", raw), buf))
	if (fp != fp_lim && !(fp_lim == 1 && fp == 0))
		snprintf(why, len, "ID_AA64PFR0_EL1.FP: model %s, host %s: with KVM_CAP_ARM_OOT_FLEET_ID_REGS FP may only go from 1 (FP16) to 0 (IMP), never to -1 (NI, 0xf)",
			 FPV(ffp, val, fp, a), FPV(ffp, lim, fp_lim, b));
	else if (simd != simd_lim && !(simd_lim == 1 && simd == 0))
		snprintf(why, len, "ID_AA64PFR0_EL1.AdvSIMD: model %s, host %s: with KVM_CAP_ARM_OOT_FLEET_ID_REGS AdvSIMD may only go from 1 (FP16) to 0 (IMP), never to -1 (NI, 0xf)",
			 FPV(fsimd, val, simd, a), FPV(fsimd, lim, simd_lim, b));
	else if (fp_lim == simd_lim && fp != simd)
		snprintf(why, len, "ID_AA64PFR0_EL1.FP,AdvSIMD: model FP %s, AdvSIMD %s: the host's are both %s, so the model's must be equal (KVM_CAP_ARM_OOT_FLEET_ID_REGS)",
			 FPV(ffp, val, fp, a), FPV(fsimd, val, simd, b), FPV(ffp, lim, fp_lim, c));
	else
		return NULL;
#undef FPV
	return why;
}

/*
 * @host's writable masks as a VM with (@fleet) or without the capability
 * sees them: a host that has it recorded the wide masks; without it the
 * fleet fields are fixed.  A host without the capability reports the masks
 * of its kernel as they are.
 */
static void fleet_masks(struct cm_profile *host, bool fleet)
{
	int s;

	/* Never writable, whatever an older revision of the kernel said. */
	for (s = 0; s < CM_NR_SLOTS; s++)
		host->r[s].mask = cm_host_mask(host, s);
	if (fleet || !(host->caps & CM_CAP_FLEET_ID_REGS))
		return;
	for (s = 0; s < CM_NR_SLOTS; s++)
		host->r[s].mask &= ~cm_fleet_mask(s);
}

/* ---- CPU implementations ------------------------------------------------ */

static bool impl_eq(const struct cm_impl *a, const struct cm_impl *b)
{
	return a->midr == b->midr && a->revidr == b->revidr && a->aidr == b->aidr;
}

static int impl_find(const struct cm_impl *l, int n, const struct cm_impl *x)
{
	int i;

	for (i = 0; i < n; i++)
		if (impl_eq(&l[i], x))
			return i;
	return -1;
}

/* The implementation a host's (or a model's) implementation registers describe. */
static struct cm_impl regs_impl(const struct cm_profile *p)
{
	return (struct cm_impl){ p->r[CM_SLOT_MIDR].val, p->r[CM_SLOT_REVIDR].val,
				 p->r[CM_SLOT_AIDR].val };
}

int cm_impls(const struct cm_profile *p, struct cm_impl *out)
{
	int n = 0, i;

	if (!p->is_model && p->r[CM_SLOT_MIDR].present)
		out[n++] = regs_impl(p);
	for (i = 0; i < p->nr_impls && n < CM_MAX_IMPLS; i++)
		if (impl_find(out, n, &p->impls[i]) < 0)
			out[n++] = p->impls[i];
	return n;
}

/* ---- fields ----------------------------------------------------------- */

uint64_t cm_field_mask(const struct cm_field *f)
{
	return (f->width == 64 ? ~0ULL : ((1ULL << f->width) - 1)) << f->shift;
}

int64_t cm_field_get(const struct cm_field *f, uint64_t reg)
{
	uint64_t v = (reg & cm_field_mask(f)) >> f->shift;

	if (f->sign && f->width < 64 && (v & (1ULL << (f->width - 1))))
		return (int64_t)(v | ~((1ULL << f->width) - 1));
	return (int64_t)v;
}

uint64_t cm_field_set(const struct cm_field *f, uint64_t reg, int64_t v)
{
	return (reg & ~cm_field_mask(f)) | (((uint64_t)v << f->shift) & cm_field_mask(f));
}

/* arm64_ftr_safe_value(): which of two values a host can offer. */
int64_t cm_field_safe(const struct cm_field *f, int64_t a, int64_t b)
{
	switch (f->rule) {
	case CM_RULE_LOWER:
		return a < b ? a : b;
	case CM_RULE_HIGHER:
		return a > b ? a : b;
	case CM_RULE_HIGHER_OR_ZERO:
		if (!a || !b)
			return 0;
		return a > b ? a : b;
	case CM_RULE_EXACT:
		return (int64_t)f->safe;
	}
	return b;
}

/* Would KVM accept @model for a field whose limit is @host?  (kvm_check_id_reg) */
bool cm_field_ok(const struct cm_field *f, int64_t model, int64_t host)
{
	return model == host || cm_field_safe(f, model, host) == model;
}

const char *cm_rule_name(int rule)
{
	switch (rule) {
	case CM_RULE_LOWER: return "lower-safe";
	case CM_RULE_HIGHER: return "higher-safe";
	case CM_RULE_HIGHER_OR_ZERO: return "higher-or-zero-safe";
	case CM_RULE_EXACT: return "exact";
	}
	return "fixed";
}

/* "1 (IMP)" */
const char *cm_field_value_str(const struct cm_field *f, int64_t v, char *buf, size_t len)
{
	const struct cm_enum *e;

	for (e = f->enums; e && e->name; e++) {
		if (cm_field_get(f, e->val << f->shift) == v) {
			snprintf(buf, len, "%lld (%s)", (long long)v, e->name);
			return buf;
		}
	}
	if (v < 0 || v > 9)
		snprintf(buf, len, "%lld (0x%llx)", (long long)v,
			 (unsigned long long)((uint64_t)v & (cm_field_mask(f) >> f->shift)));
	else
		snprintf(buf, len, "%lld", (long long)v);
	return buf;
}

/* CCSIDR_EL1 without FEAT_CCIDX (the demux register's 32 bits). */
const struct cm_field cm_ccsidr_fields[] = {
	{ "LineSize", 0, 3, 0, CM_RULE_NONE, 0, NULL },
	{ "Associativity", 3, 10, 0, CM_RULE_NONE, 0, NULL },
	{ "NumSets", 13, 15, 0, CM_RULE_NONE, 0, NULL },
	{ "WT/WB/RA/WA", 28, 4, 0, CM_RULE_NONE, 0, NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL }
};

const char *cm_field_names(int slot, uint64_t bits, char *buf, size_t len)
{
	const struct cm_regdesc *d = cm_slot_desc(slot);
	const struct cm_field *f = d ? d->fields : NULL;
	size_t o;
	char sep = '.';

	if (slot >= CM_SLOT_CCSIDR && slot < CM_SLOT_MIDR)
		f = cm_ccsidr_fields;
	o = snprintf(buf, len, "%s", cm_slot_name(slot));
	for (; f && f->name && o < len; f++) {
		if (!(bits & cm_field_mask(f)))
			continue;
		o += snprintf(buf + o, len - o, "%c%s", sep, f->name);
		sep = ',';
		bits &= ~cm_field_mask(f);
	}
	if (bits && o < len)
		snprintf(buf + o, len - o, "%cbits[0x%llx]", sep, (unsigned long long)bits);
	return buf;
}

/* ---- JSON ------------------------------------------------------------- */

/*
 * Exactly "0x" and 1 to 16 hex digits: no spaces, no sign, no second
 * "0x", nothing after (strtoull() alone accepts all of these).
 */
static int parse_u64(const char *s, uint64_t *v)
{
	size_t n;

	if (!s || strncmp(s, "0x", 2))
		return -1;
	n = strspn(s + 2, "0123456789abcdefABCDEF");
	if (!n || n > 16 || s[2 + n])
		return -1;
	*v = strtoull(s + 2, NULL, 16);
	return 0;
}

static int parse_reg(json_object *o, int slot, struct cm_reg *r, const char *what,
		     struct cm_report *rep)
{
	const char *name = slot >= 0 ? cm_slot_name(slot) : "(not modelled)";
	json_object *v, *m;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "value", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    parse_u64(json_object_get_string(v), &r->val)) {
		cm_report_add(rep, true, "%s: register %s: \"value\" must be a hex string such as \"0x0000000000000011\"",
			      what, name);
		return -1;
	}
	if (json_object_object_get_ex(o, "name", &m) && !json_object_is_type(m, json_type_string)) {
		cm_report_add(rep, true, "%s: register %s: \"name\" must be a string", what, name);
		return -1;
	}
	if (json_object_object_get_ex(o, "writable", &m) &&
	    (!json_object_is_type(m, json_type_string) ||
	     parse_u64(json_object_get_string(m), &r->mask))) {
		cm_report_add(rep, true, "%s: register %s: \"writable\" must be a hex string", what, name);
		return -1;
	}
	json_object_object_foreach(o, key, val) {
		(void)val;
		if (strcmp(key, "value") && strcmp(key, "writable") && strcmp(key, "fields") &&
		    strcmp(key, "name")) {
			cm_report_add(rep, true, "%s: register %s: unknown key \"%s\"", what, name, key);
			return -1;
		}
	}
	if (slot >= 0 && (cm_slot_kvm_id(slot) & (0xfULL << 52)) == CM_KVM_REG_SIZE_U32 &&
	    r->val >> 32) {
		cm_report_add(rep, true, "%s: register %s is 32 bits wide, value 0x%llx is not",
			      what, name, (unsigned long long)r->val);
		return -1;
	}
	r->present = true;
	return 0;
}

static int parse_names(json_object *a, const char *key, const char *what,
		       const char *(*name)(int), int max, unsigned int *out,
		       struct cm_report *rep)
{
	size_t i;
	int b;

	if (!json_object_is_type(a, json_type_array)) {
		cm_report_add(rep, true, "%s: \"%s\" must be an array of names", what, key);
		return -1;
	}
	*out = 0;
	for (i = 0; i < json_object_array_length(a); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(a, i));

		for (b = 0; b < max; b++)
			if (name(b) && s && !strcmp(name(b), s))
				break;
		if (b == max) {
			cm_report_add(rep, true, "%s: unknown entry \"%s\" in \"%s\"", what,
				      s ? s : "(not a string)", key);
			return -1;
		}
		*out |= 1u << b;
	}
	return 0;
}

/*
 * "implementations": [ { "midr": "0x...", "revidr": "0x...", "aidr": "0x..." }, ... ]
 * (distinct, at least one, at most CM_MAX_IMPLS).
 */
static int parse_impls(json_object *a, const char *what, struct cm_profile *p,
		       struct cm_report *rep)
{
	static const char *const keys[] = { "midr", "revidr", "aidr" };
	size_t i, n;
	int k, j;

	if (!json_object_is_type(a, json_type_array) || !(n = json_object_array_length(a))) {
		cm_report_add(rep, true, "%s: \"implementations\" must be a non-empty array of objects with \"midr\", \"revidr\" and \"aidr\" (leave the key out for none)",
			      what);
		return -1;
	}
	if (n > CM_MAX_IMPLS) {
		cm_report_add(rep, true, "%s: \"implementations\" has %zu entries, at most %d are supported",
			      what, n, CM_MAX_IMPLS);
		return -1;
	}
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(a, i), *v;
		uint64_t val[3];

		if (!json_object_is_type(e, json_type_object)) {
			cm_report_add(rep, true, "%s: implementations[%zu] must be an object with \"midr\", \"revidr\" and \"aidr\"",
				      what, i);
			return -1;
		}
		json_object_object_foreach(e, key, kval) {
			(void)kval;
			for (k = 0; k < 3; k++)
				if (!strcmp(key, keys[k]))
					break;
			if (k == 3) {
				cm_report_add(rep, true, "%s: implementations[%zu]: unknown key \"%s\"",
					      what, i, key);
				return -1;
			}
		}
		for (k = 0; k < 3; k++) {
			if (!json_object_object_get_ex(e, keys[k], &v) ||
			    !json_object_is_type(v, json_type_string) ||
			    parse_u64(json_object_get_string(v), &val[k])) {
				cm_report_add(rep, true, "%s: implementations[%zu]: \"%s\" must be a hex string such as \"0x00000000414fd0c1\"",
					      what, i, keys[k]);
				return -1;
			}
		}
		p->impls[i] = (struct cm_impl){ val[0], val[1], val[2] };
		j = impl_find(p->impls, (int)i, &p->impls[i]);
		if (j >= 0) {
			cm_report_add(rep, true, "%s: implementations[%zu] repeats implementations[%d]",
				      what, i, j);
			return -1;
		}
	}
	p->nr_impls = (int)n;
	return 0;
}

/*
 * Duplicate keys.  json-c (0.16, Debian bookworm) keeps the last of a
 * repeated key silently and has no flag to refuse it, so the raw text is
 * scanned after json-c accepted it in JSON_TOKENER_STRICT mode (plain
 * RFC 8259 JSON: no comments, no single quotes, so this scanner only
 * needs strings, objects and arrays).  Keys are compared decoded (json-c
 * decodes each), so "a" and "\u0061" are the same key.  json-c's depth
 * limit (32) bounds the recursion.  Returns 0, or -1 with the key in @dup.
 */
static void skip_ws(const char **t, const char *end)
{
	while (*t < end && strchr(" \t\r\n", **t) && **t)
		(*t)++;
}

static void skip_string(const char **t, const char *end)
{
	for ((*t)++; *t < end && **t != '"'; (*t)++)
		if (**t == '\\' && *t + 1 < end)
			(*t)++;
	if (*t < end)
		(*t)++;
}

static int dup_scan(const char **t, const char *end, char *dup, size_t duplen)
{
	json_object **keys = NULL, **nk;
	size_t n = 0, i;
	int ret = 0;

	skip_ws(t, end);
	if (*t >= end)
		return 0;
	if (**t == '"') {
		skip_string(t, end);
		return 0;
	}
	if (**t != '{' && **t != '[') {
		while (*t < end && !strchr(",]} \t\r\n", **t))
			(*t)++;
		return 0;
	}
	if (**t == '[') {
		(*t)++;
		for (;;) {
			skip_ws(t, end);
			if (*t >= end || **t == ']')
				break;
			if (dup_scan(t, end, dup, duplen))
				return -1;
			skip_ws(t, end);
			if (*t < end && **t == ',')
				(*t)++;
		}
		if (*t < end)
			(*t)++;
		return 0;
	}
	(*t)++;
	for (;;) {
		const char *k;
		json_object *key;
		char *raw;

		skip_ws(t, end);
		if (*t >= end || **t != '"')
			break;
		k = *t;
		skip_string(t, end);
		raw = strndup(k, (size_t)(*t - k));
		key = raw ? json_tokener_parse(raw) : NULL;
		free(raw);
		nk = key ? realloc(keys, (n + 1) * sizeof(*keys)) : NULL;
		if (!nk) {
			json_object_put(key);
			snprintf(dup, duplen, "(out of memory)");
			ret = -1;
			goto out;
		}
		keys = nk;
		for (i = 0; i < n; i++)
			if (json_object_get_string_len(keys[i]) == json_object_get_string_len(key) &&
			    !memcmp(json_object_get_string(keys[i]), json_object_get_string(key),
				    (size_t)json_object_get_string_len(key))) {
				snprintf(dup, duplen, "%s", json_object_get_string(key));
				json_object_put(key);
				ret = -1;
				goto out;
			}
		keys[n++] = key;
		skip_ws(t, end);
		if (*t < end && **t == ':')
			(*t)++;
		if (dup_scan(t, end, dup, duplen)) {
			ret = -1;
			goto out;
		}
		skip_ws(t, end);
		if (*t < end && **t == ',')
			(*t)++;
	}
	if (*t < end && **t == '}')
		(*t)++;
out:
	for (i = 0; i < n; i++)
		json_object_put(keys[i]);
	free(keys);
	return ret;
}

/* A JSON string of at most @max bytes into @buf, else a report. */
static int parse_str(json_object *v, const char *key, const char *what, char *buf,
		     size_t size, struct cm_report *rep)
{
	if (!json_object_is_type(v, json_type_string)) {
		cm_report_add(rep, true, "%s: \"%s\" must be a string", what, key);
		return -1;
	}
	if ((size_t)json_object_get_string_len(v) >= size ||
	    strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v)) {
		cm_report_add(rep, true, "%s: \"%s\" is longer than %zu characters (or holds a NUL)",
			      what, key, size - 1);
		return -1;
	}
	memcpy(buf, json_object_get_string(v), (size_t)json_object_get_string_len(v) + 1);
	return 0;
}

/*
 * A register of a version 1 or 2 profile, keyed by name: the library's
 * name, or, for a feature ID register, its encoding spelled as the sysreg
 * file spells an unnamed one ("S3_0_C0_C4_3"), so that a file written
 * when an encoding had no name still loads once a newer sysreg file names
 * it.
 */
static int v2_slot_by_name(const char *name)
{
	int crm, op2, n = 0, slot = cm_slot_by_name(name);

	if (slot >= 0)
		return slot;
	char exact[24];

	if (sscanf(name, "S3_0_C0_C%d_%d%n", &crm, &op2, &n) == 2 && !name[n] &&
	    crm >= 1 && crm <= 7 && op2 >= 0 && op2 <= 7) {
		/* Only the sysreg file's own spelling ("C4", not "C04" or "C+4"). */
		snprintf(exact, sizeof(exact), "S3_0_C0_C%d_%d", crm, op2);
		if (!strcmp(exact, name))
			return CM_SLOT_ID + (crm - 1) * 8 + op2;
	}
	return -1;
}

/* "0x" and 17 to 256 hex digits: a register wider than 64 bits (up to 1024). */
static bool wide_hex(const char *s)
{
	size_t n;

	if (!s || strncmp(s, "0x", 2))
		return false;
	n = strspn(s + 2, "0123456789abcdefABCDEF");
	return n > 16 && n <= 256 && !s[2 + n];
}

/* "0x" and 16 hex digits: a KVM register id as version 3 keys them. */
static int parse_id(const char *s, uint64_t *id)
{
	/* Lowercase, as written: one spelling per register. */
	return strlen(s) == 18 && strspn(s + 2, "0123456789abcdef") == 16 &&
	       !parse_u64(s, id) ? 0 : -1;
}

/* Is @id already among @p's unmodelled registers? */
static bool unmodelled_has(const struct cm_profile *p, uint64_t id)
{
	int i;

	for (i = 0; i < p->nr_unmodelled; i++)
		if (p->unmodelled[i].id == id)
			return true;
	return false;
}

/* Version 3 "registers": { "0x<KVM id>": { "name": ..., "value": ..., "writable": ... } } */
static int parse_regs_v3(json_object *val, const char *what, struct cm_profile *p,
			 struct cm_report *rep)
{
	json_object_object_foreach(val, rkey, rval) {
		uint64_t id;
		int slot;

		if (parse_id(rkey, &id)) {
			cm_report_add(rep, true, "%s: register key \"%s\" is not a KVM register id (\"0x\" and 16 lowercase hex digits)",
				      what, rkey);
			return -1;
		}
		slot = cm_slot_by_kvm_id(id);
		if (slot < 0 && p->is_model) {
			json_object *n;
			const char *name = json_object_is_type(rval, json_type_object) &&
				json_object_object_get_ex(rval, "name", &n) ?
				json_object_get_string(n) : NULL;

			cm_report_add(rep, true, "%s: register %s (%s): the model sets a register this library does not model, so it cannot apply it",
				      what, rkey, name ?: cm_kvm_id_name(id) ?: "no name");
			return -1;
		}
		if (slot < 0) {
			/* A host register a newer library modelled: kept, unmodelled. */
			struct cm_reg r = { 0 };
			json_object *v;

			if (unmodelled_has(p, id)) {
				cm_report_add(rep, true, "%s: register %s twice", what, rkey);
				return -1;
			}
			if (p->nr_unmodelled >= CM_MAX_UNMODELLED) {
				cm_report_add(rep, true, "%s: more than %d unmodelled registers", what,
					      CM_MAX_UNMODELLED);
				return -1;
			}
			if (!json_object_is_type(rval, json_type_object)) {
				cm_report_add(rep, true, "%s: register %s must be an object", what, rkey);
				return -1;
			}
			if (json_object_object_get_ex(rval, "value", &v) &&
			    json_object_is_type(v, json_type_string) &&
			    wide_hex(json_object_get_string(v))) {
				/* Wider than 64 bits (SVE_VLS, say): no value kept. */
				p->unmodelled[p->nr_unmodelled++] = (struct cm_unmodelled){ id, false, 0 };
				continue;
			}
			if (parse_reg(rval, -1, &r, what, rep))
				return -1;
			p->unmodelled[p->nr_unmodelled++] = (struct cm_unmodelled){ id, true, r.val };
			continue;
		}
		if (p->r[slot].present) {
			cm_report_add(rep, true, "%s: register %s (%s) twice", what, rkey,
				      cm_slot_name(slot));
			return -1;
		}
		if (parse_reg(rval, slot, &p->r[slot], what, rep))
			return -1;
	}
	return 0;
}

/* Version 3 "unmodelled": { "0x<KVM id>": { "name": ..., "value": ... } } (hosts). */
static int parse_unmodelled(json_object *val, const char *what, struct cm_profile *p,
			    struct cm_report *rep)
{
	if (p->is_model || !json_object_is_type(val, json_type_object)) {
		cm_report_add(rep, true, "%s: \"unmodelled\" must be an object, in host profiles only",
			      what);
		return -1;
	}
	json_object_object_foreach(val, rkey, rval) {
		struct cm_unmodelled *u = &p->unmodelled[p->nr_unmodelled];

		if (p->nr_unmodelled >= CM_MAX_UNMODELLED) {
			cm_report_add(rep, true, "%s: more than %d unmodelled registers", what,
				      CM_MAX_UNMODELLED);
			return -1;
		}
		memset(u, 0, sizeof(*u));
		if (parse_id(rkey, &u->id) || cm_slot_by_kvm_id(u->id) >= 0 ||
		    unmodelled_has(p, u->id) || !json_object_is_type(rval, json_type_object)) {
			cm_report_add(rep, true, "%s: \"unmodelled\": \"%s\" must be the KVM id of a register the library does not model (once), with an object",
				      what, rkey);
			return -1;
		}
		json_object_object_foreach(rval, k, kv) {
			if (!strcmp(k, "name") && json_object_is_type(kv, json_type_string))
				continue;
			if (!strcmp(k, "value") && json_object_is_type(kv, json_type_string) &&
			    !parse_u64(json_object_get_string(kv), &u->val)) {
				u->has_val = true;
				continue;
			}
			/* A register wider than 64 bits: recorded without its value. */
			if (!strcmp(k, "value") && json_object_is_type(kv, json_type_string) &&
			    wide_hex(json_object_get_string(kv)))
				continue;
			cm_report_add(rep, true, "%s: \"unmodelled\" %s: \"%s\" must be \"name\" (a string) or \"value\" (a hex string)",
				      what, rkey, k);
			return -1;
		}
		p->nr_unmodelled++;
	}
	return 0;
}

/* "writer": { "library": "1.0.0", "rules": "rules-..." } (version 3). */
static int parse_writer(json_object *val, const char *what, struct cm_profile *p,
			struct cm_report *rep)
{
	json_object *l, *r;

	/* Informational: members a later library adds are ignored. */
	if (!json_object_is_type(val, json_type_object) ||
	    !json_object_object_get_ex(val, "library", &l) ||
	    !json_object_object_get_ex(val, "rules", &r)) {
		cm_report_add(rep, true, "%s: \"writer\" must be an object with \"library\" and \"rules\"",
			      what);
		return -1;
	}
	if (!json_object_is_type(l, json_type_string) || !json_object_is_type(r, json_type_string)) {
		cm_report_add(rep, true, "%s: \"writer\": \"library\" and \"rules\" must be strings",
			      what);
		return -1;
	}
	/* Informational: kept as far as they fit, never refused for length. */
	snprintf(p->writer, sizeof(p->writer), "%s", json_object_get_string(l));
	snprintf(p->rules, sizeof(p->rules), "%s", json_object_get_string(r));
	return 0;
}

/* Keys every profile of @version has, by kind (NULL-terminated). */
static const char *missing_key(json_object *root, int version, bool model)
{
	static const char *const all[] = { "name", "vcpu_features", "pvtime", "registers", NULL };
	static const char *const host[] = { "kernel", "capabilities", NULL };
	static const char *const mdl[] = { "sources", NULL };
	const char *const *k;

	for (k = all; *k; k++)
		if (!json_object_object_get_ex(root, *k, NULL))
			return *k;
	for (k = model ? mdl : host; *k; k++)
		if (!json_object_object_get_ex(root, *k, NULL))
			return *k;
	if (version >= 3 && !json_object_object_get_ex(root, "writer", NULL))
		return "writer";
	return NULL;
}

/* A model that leaves registers to the host: an error unless @partial. */
static int check_complete(const struct cm_profile *p, const char *what, bool partial,
			  struct cm_report *rep)
{
	int s, n = 0;
	char list[1024];
	size_t o = 0;

	if (!p->is_model)
		return 0;
	/* An identity is whole: apply writes MIDR, REVIDR and AIDR together. */
	if ((p->r[CM_SLOT_MIDR].present + p->r[CM_SLOT_REVIDR].present +
	     p->r[CM_SLOT_AIDR].present) % 3) {
		char set[64];

		snprintf(set, sizeof(set), "%s%s%s%s%s", p->r[CM_SLOT_MIDR].present ? "MIDR_EL1" : "",
			 p->r[CM_SLOT_MIDR].present && p->r[CM_SLOT_REVIDR].present ? " and " : "",
			 p->r[CM_SLOT_REVIDR].present ? "REVIDR_EL1" : "",
			 p->r[CM_SLOT_AIDR].present && (p->r[CM_SLOT_MIDR].present ||
							p->r[CM_SLOT_REVIDR].present) ? " and " : "",
			 p->r[CM_SLOT_AIDR].present ? "AIDR_EL1" : "");
		cm_report_add(rep, true, "%s: the model sets %s but not all of MIDR_EL1, REVIDR_EL1 and AIDR_EL1: an identity is all three (or none: each host keeps its own)",
			      what, set);
		return -1;
	}
	list[0] = 0;
	for (s = 0; s < CM_NR_SLOTS; s++) {
		bool described = s >= CM_SLOT_CCSIDR && s < CM_SLOT_CCSIDR + CM_NR_CCSIDR &&
				 p->r[CM_SLOT_CLIDR].present &&
				 cm_cache_described(p->r[CM_SLOT_CLIDR].val, s - CM_SLOT_CCSIDR);

		if ((!cm_model_requires(s) && !described) || p->r[s].present)
			continue;
		n++;
		if (partial)
			cm_report_reg(rep, ARM64CM_WARNING, s, 0, NULL, NULL, NULL,
				      "%s: %s: left to the host (partial model): a VM sees each host's value",
				      what, cm_slot_name(s));
		else if (o < sizeof(list))
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", n > 1 ? ", " : "",
					      cm_slot_name(s));
	}
	if (!n || partial)
		return 0;
	cm_report_add(rep, true, "%s: the model sets no value for %d register%s (%s): a complete model sets every feature ID register, CTR_EL0, CLIDR_EL1 and the CCSIDR it describes, the firmware registers and hypercall bitmaps; use --partial (ARM64CM_LOAD_PARTIAL) to leave them to each host",
		      what, n, n > 1 ? "s" : "", list);
	return -1;
}

int cm_parse(const char *text, const char *what, struct cm_profile *p, struct cm_report *rep)
{
	return cm_parse_ext(text, what, 0, p, rep);
}

int cm_parse_ext(const char *text, const char *what, unsigned int flags, struct cm_profile *p,
		 struct cm_report *rep)
{
	struct json_tokener *tok = json_tokener_new();
	enum json_tokener_error jerr;
	json_object *root, *o;
	const char *kind;
	int ret = -1, version, i;
	size_t len = strlen(text);

	memset(p, 0, sizeof(*p));
	if (!tok)
		return -1;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!root && jerr == json_tokener_continue) {
		cm_report_add(rep, true, "%s: truncated JSON (ends before the document does)", what);
		goto out_tok;
	}
	if (!root) {
		cm_report_add(rep, true, "%s: JSON syntax error at byte %zu: %s", what,
			      json_tokener_get_parse_end(tok), json_tokener_error_desc(jerr));
		goto out_tok;
	}
	if (json_tokener_get_parse_end(tok) < len && text[json_tokener_get_parse_end(tok) +
			strspn(text + json_tokener_get_parse_end(tok), " \t\r\n")]) {
		cm_report_add(rep, true, "%s: trailing data after the JSON document", what);
		goto out;
	}
	if (!json_object_is_type(root, json_type_object)) {
		cm_report_add(rep, true, "%s: not a JSON object", what);
		goto out;
	}
	{
		const char *t = text;
		char dup[128];

		if (dup_scan(&t, text + len, dup, sizeof(dup))) {
			cm_report_add(rep, true, "%s: duplicate key \"%s\" in a JSON object", what, dup);
			goto out;
		}
	}
	if (!json_object_object_get_ex(root, "format", &o) ||
	    strcmp(json_object_get_string(o) ?: "", CM_FORMAT)) {
		cm_report_add(rep, true, "%s: not an %s profile (\"format\" must be \"%s\")", what,
			      CM_FORMAT, CM_FORMAT);
		goto out;
	}
	if (!json_object_object_get_ex(root, "version", &o) ||
	    !json_object_is_type(o, json_type_int) ||
	    json_object_get_int(o) < 1 || json_object_get_int(o) > CM_FORMAT_VERSION) {
		cm_report_add(rep, true, "%s: unsupported profile version %s (this tool reads versions 1 to %d)",
			      what, o ? json_object_to_json_string(o) : "(none)", CM_FORMAT_VERSION);
		goto out;
	}
	version = json_object_get_int(o);
	kind = json_object_object_get_ex(root, "kind", &o) ? json_object_get_string(o) : NULL;
	if (!kind || (strcmp(kind, "host") && strcmp(kind, "model"))) {
		cm_report_add(rep, true, "%s: \"kind\" must be \"host\" or \"model\"", what);
		goto out;
	}
	p->is_model = !strcmp(kind, "model");
	{
		const char *k = missing_key(root, version, p->is_model);

		if (k) {
			cm_report_add(rep, true, "%s: required key \"%s\" missing (a %s profile of version %d has it)",
				      what, k, kind, version);
			goto out;
		}
	}

	json_object_object_foreach(root, key, val) {
		if (!strcmp(key, "format") || !strcmp(key, "version") || !strcmp(key, "kind") ||
		    !strcmp(key, "comment")) {
			continue;
		} else if (!strcmp(key, "name")) {
			if (parse_str(val, key, what, p->name, sizeof(p->name), rep))
				goto out;
			/* A model lists its hosts' names joined with ','. */
			if (!p->is_model && strchr(p->name, ',')) {
				cm_report_add(rep, true, "%s: a host's \"name\" may not contain ','",
					      what);
				goto out;
			}
		} else if ((!strcmp(key, "kernel") && p->is_model) ||
			   (!strcmp(key, "sources") && !p->is_model)) {
			cm_report_add(rep, true, "%s: \"%s\" is a %s's key, this is a %s profile",
				      what, key, p->is_model ? "host" : "model", kind);
			goto out;
		} else if (!strcmp(key, "kernel")) {
			if (parse_str(val, key, what, p->kernel, sizeof(p->kernel), rep))
				goto out;
		} else if (!strcmp(key, "sources")) {
			size_t i, o2 = 0;

			if (!json_object_is_type(val, json_type_array)) {
				cm_report_add(rep, true, "%s: \"sources\" must be an array of host names", what);
				goto out;
			}
			/* Stored joined with ',' (cm_to_json() splits there). */
			for (i = 0; i < json_object_array_length(val); i++) {
				json_object *e = json_object_array_get_idx(val, i);
				const char *s = json_object_get_string(e);
				size_t l;

				if (!json_object_is_type(e, json_type_string) || !*s ||
				    strchr(s, ',') || strlen(s) != (size_t)json_object_get_string_len(e)) {
					cm_report_add(rep, true, "%s: \"sources\"[%zu] must be a non-empty host name without ','",
						      what, i);
					goto out;
				}
				l = strlen(s);
				if (o2 + !!i + l >= sizeof(p->sources)) {
					cm_report_add(rep, true, "%s: \"sources\" is longer than %zu characters (names joined with ',')",
						      what, sizeof(p->sources) - 1);
					goto out;
				}
				o2 += (size_t)sprintf(p->sources + o2, "%s%s", i ? "," : "", s);
			}
		} else if (!strcmp(key, "capabilities")) {
			unsigned int caps;

			if (parse_names(val, key, what, cm_cap_name, ARRAY_SIZE(cap_names), &caps, rep))
				goto out;
			/* A model's: the VM capabilities its VMs must enable. */
			if (p->is_model && (caps & ~CM_MODEL_CAPS)) {
				int b;

				for (b = 0; !(caps & ~CM_MODEL_CAPS & (1u << b)); b++)
					;
				cm_report_add(rep, true, "%s: a model's \"capabilities\" are the VM capabilities its VMs must enable; \"%s\" is a host's (a model may require only \"fleet-id-regs\")",
					      what, cap_names[b]);
				goto out;
			}
			if (p->is_model)
				p->vm_caps = caps;
			else
				p->caps = caps;
		} else if (!strcmp(key, "vcpu_features")) {
			if (parse_names(val, key, what, cm_feature_name, 32, &p->features, rep))
				goto out;
		} else if (!strcmp(key, "pvtime")) {
			if (!json_object_is_type(val, json_type_boolean)) {
				cm_report_add(rep, true, "%s: \"pvtime\" must be true or false", what);
				goto out;
			}
			p->pvtime = json_object_get_boolean(val);
		} else if (!strcmp(key, "implementations") || !strcmp(key, "pmu_counters")) {
			if (version < 2) {
				cm_report_add(rep, true, "%s: \"%s\" needs profile version 2 (the file says version %d)",
					      what, key, version);
				goto out;
			}
			if (key[0] == 'i') {
				if (parse_impls(val, what, p, rep))
					goto out;
			} else if (!json_object_is_type(val, json_type_int) ||
				   json_object_get_int64(val) < 0 || json_object_get_int64(val) > 31) {
				cm_report_add(rep, true, "%s: \"pmu_counters\" must be the number of event counters (PMCR_EL0.N), 0 to 31",
					      what);
				goto out;
			} else {
				p->pmu_counters_set = true;
				p->pmu_counters = (unsigned int)json_object_get_int64(val);
			}
		} else if (!strcmp(key, "writer") && version >= 3) {
			if (parse_writer(val, what, p, rep))
				goto out;
		} else if (!strcmp(key, "unmodelled") && version >= 3) {
			if (parse_unmodelled(val, what, p, rep))
				goto out;
		} else if (!strcmp(key, "registers")) {
			if (!json_object_is_type(val, json_type_object)) {
				cm_report_add(rep, true, "%s: \"registers\" must be an object", what);
				goto out;
			}
			if (version >= 3) {
				if (parse_regs_v3(val, what, p, rep))
					goto out;
				continue;
			}
			json_object_object_foreach(val, gkey, gval) {
				int g, slot;

				for (g = 0; g < CM_NR_GROUPS; g++)
					if (!strcmp(gkey, group_keys[g]))
						break;
				if (g == CM_NR_GROUPS || !json_object_is_type(gval, json_type_object)) {
					cm_report_add(rep, true, "%s: unknown register group \"%s\"", what, gkey);
					goto out;
				}
				json_object_object_foreach(gval, rkey, rval) {
					slot = v2_slot_by_name(rkey);
					if (slot < 0 || (int)cm_slot_group(slot) != g) {
						cm_report_add(rep, true, "%s: unknown register \"%s\" in group \"%s\"",
							      what, rkey, gkey);
						goto out;
					}
					if (p->r[slot].present) {
						cm_report_add(rep, true, "%s: register %s twice (\"%s\")",
							      what, cm_slot_name(slot), rkey);
						goto out;
					}
					if (parse_reg(rval, slot, &p->r[slot], what, rep))
						goto out;
				}
			}
		} else {
			cm_report_add(rep, true, "%s: unknown key \"%s\"", what, key);
			goto out;
		}
	}
	p->impl_set = p->r[CM_SLOT_MIDR].present;
	/* A host's masks in a model (one made from a host file) mean nothing. */
	for (i = 0; p->is_model && i < CM_NR_SLOTS; i++) {
		if (p->r[i].mask) {
			cm_report_warn(rep, "%s: \"writable\" (register %s and others) is a host's; ignored in a model",
				       what, cm_slot_name(i));
			break;
		}
	}
	for (i = 0; p->is_model && i < CM_NR_SLOTS; i++)
		p->r[i].mask = 0;
	if (check_complete(p, what, flags & CM_LOAD_PARTIAL, rep))
		goto out;
	if (p->is_model && p->features & ~CM_FEATURES) {
		cm_report_add(rep, true, "%s: vCPU feature %s: not one a model may use", what,
			      cm_feature_name(__builtin_ctz(p->features & ~CM_FEATURES)) ?: "?");
		goto out;
	}
	if (p->pmu_counters_set && !(p->features & (1u << CM_FEAT_PMU_V3))) {
		cm_report_add(rep, true, "%s: \"pmu_counters\" needs the pmu-v3 vCPU feature", what);
		goto out;
	}
	if (!p->is_model && p->r[CM_SLOT_MIDR].present) {
		/* A host keeps the CPUs other than its registers' one. */
		struct cm_impl own = regs_impl(p);
		int i, n = 0;

		for (i = 0; i < p->nr_impls; i++)
			if (!impl_eq(&p->impls[i], &own))
				p->impls[n++] = p->impls[i];
		p->nr_impls = n;
	}
	ret = 0;
out:
	json_object_put(root);
out_tok:
	json_tokener_free(tok);
	return ret;
}

int cm_load(const char *path, struct cm_profile *p, struct cm_report *rep)
{
	return cm_load_ext(path, 0, p, rep) ? -1 : 0;
}

int cm_load_ext(const char *path, unsigned int flags, struct cm_profile *p,
		struct cm_report *rep)
{
	FILE *f = fopen(path, "re");
	size_t n = 0, cap = 0;
	char *buf = NULL, *nb;
	struct stat st;
	int ret;

	if (!f) {
		cm_report_add(rep, true, "%s: %s", path, strerror(errno));
		return ARM64CM_BAD_INPUT;
	}
	/* A file or a pipe; not a device that never ends (/dev/zero). */
	if (fstat(fileno(f), &st) || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode))) {
		cm_report_add(rep, true, "%s: not a regular file or a pipe", path);
		fclose(f);
		return ARM64CM_BAD_INPUT;
	}
	for (;;) {
		if (n > CM_MAX_PROFILE_BYTES) {
			cm_report_add(rep, true, "%s: larger than %d bytes, not a profile", path,
				      CM_MAX_PROFILE_BYTES);
			fclose(f);
			free(buf);
			return ARM64CM_BAD_INPUT;
		}
		if (n + 4096 + 1 > cap) {
			cap = (cap + 4096) * 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				cm_report_add(rep, true, "%s: out of memory", path);
				return ARM64CM_HOST_ERROR;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, 4096, f);

		n += r;
		if (r < 4096)
			break;
	}
	if (ferror(f)) {
		cm_report_add(rep, true, "%s: read error", path);
		fclose(f);
		free(buf);
		return ARM64CM_HOST_ERROR;
	}
	fclose(f);
	buf[n] = 0;
	if (!n) {
		cm_report_add(rep, true, "%s: empty file, not a profile", path);
		free(buf);
		return ARM64CM_BAD_INPUT;
	}
	if (strlen(buf) != n) {
		cm_report_add(rep, true, "%s: not a text file (NUL byte)", path);
		free(buf);
		return ARM64CM_BAD_INPUT;
	}
	ret = cm_parse_ext(buf, path, flags, p, rep) ? ARM64CM_BAD_INPUT : ARM64CM_OK;
	free(buf);
	return ret;
}

static json_object *hex(uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "0x%016llx", (unsigned long long)v);
	return json_object_new_string(s);
}

char *cm_to_json(const struct cm_profile *p)
{
	json_object *root = json_object_new_object(), *a, *regs;
	struct cm_impl impls[CM_MAX_IMPLS];
	char *out, *save, *tok, key[24];
	int s, b, k, nimpls = cm_impls(p, impls), order[CM_NR_SLOTS];

	/* A host lists its implementations when it has more than one. */
	if (!p->is_model && nimpls < 2)
		nimpls = 0;
	json_object_object_add(root, "format", json_object_new_string(CM_FORMAT));
	json_object_object_add(root, "version", json_object_new_int(CM_FORMAT_VERSION));
	json_object_object_add(root, "kind", json_object_new_string(p->is_model ? "model" : "host"));
	json_object_object_add(root, "name", json_object_new_string(p->name));
	a = json_object_new_object();
	json_object_object_add(a, "library", json_object_new_string(arm64cm_version()));
	json_object_object_add(a, "rules", json_object_new_string(cm_rules_id));
	json_object_object_add(root, "writer", a);
	if (p->is_model) {
		char buf[sizeof(p->sources)];

		a = json_object_new_array();
		snprintf(buf, sizeof(buf), "%s", p->sources);
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			json_object_array_add(a, json_object_new_string(tok));
		json_object_object_add(root, "sources", a);
		/* The VM capabilities the model requires, if any. */
		if (p->vm_caps) {
			a = json_object_new_array();
			for (b = 0; b < (int)ARRAY_SIZE(cap_names); b++)
				if (p->vm_caps & (1u << b))
					json_object_array_add(a, json_object_new_string(cap_names[b]));
			json_object_object_add(root, "capabilities", a);
		}
	} else {
		json_object_object_add(root, "kernel", json_object_new_string(p->kernel));
		a = json_object_new_array();
		for (b = 0; b < (int)ARRAY_SIZE(cap_names); b++)
			if (p->caps & (1u << b))
				json_object_array_add(a, json_object_new_string(cap_names[b]));
		json_object_object_add(root, "capabilities", a);
	}
	a = json_object_new_array();
	for (b = 0; b < 32; b++)
		if (p->features & (1u << b) && cm_feature_name(b))
			json_object_array_add(a, json_object_new_string(cm_feature_name(b)));
	json_object_object_add(root, "vcpu_features", a);
	json_object_object_add(root, "pvtime", json_object_new_boolean(p->pvtime));
	if (p->pmu_counters_set)
		json_object_object_add(root, "pmu_counters", json_object_new_int((int)p->pmu_counters));
	if (nimpls) {
		a = json_object_new_array();
		for (b = 0; b < nimpls; b++) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "midr", hex(impls[b].midr));
			json_object_object_add(o, "revidr", hex(impls[b].revidr));
			json_object_object_add(o, "aidr", hex(impls[b].aidr));
			json_object_array_add(a, o);
		}
		json_object_object_add(root, "implementations", a);
	}

	/* Keyed by KVM register id, in write order; the name is an annotation. */
	regs = json_object_new_object();
	cm_write_order(order);
	for (k = 0; k < CM_NR_SLOTS; k++) {
		const struct cm_reg *r = &p->r[order[k]];
		json_object *o;

		s = order[k];
		if (!r->present)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(cm_slot_name(s)));
		json_object_object_add(o, "value", hex(r->val));
		if (!p->is_model && r->mask)
			json_object_object_add(o, "writable", hex(r->mask));
		snprintf(key, sizeof(key), "0x%016llx", (unsigned long long)cm_slot_kvm_id(s));
		json_object_object_add(regs, key, o);
	}
	json_object_object_add(root, "registers", regs);
	if (!p->is_model && p->nr_unmodelled) {
		a = json_object_new_object();
		for (k = 0; k < p->nr_unmodelled; k++) {
			const struct cm_unmodelled *u = &p->unmodelled[k];
			json_object *o = json_object_new_object();
			const char *n = cm_kvm_id_name(u->id);

			if (n)
				json_object_object_add(o, "name", json_object_new_string(n));
			if (u->has_val)
				json_object_object_add(o, "value", hex(u->val));
			snprintf(key, sizeof(key), "0x%016llx", (unsigned long long)u->id);
			json_object_object_add(a, key, o);
		}
		json_object_object_add(root, "unmodelled", a);
	}

	out = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_SPACED |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return out;
}

/* Write via a temporary file: a failed save never leaves half a profile. */
/*
 * Written to a new file next to @path (created with O_CREAT|O_EXCL under a
 * unique name, so that nothing planted there, a symlink at "@path.tmp"
 * say, can redirect the write), fsync()ed, then renamed over @path: @path
 * is either the old file, untouched, or the complete new one.
 */
/* The rename is durable once the directory holding @path is synced. */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	int fd;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	else
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int cm_save(const char *path, const struct cm_profile *p, struct cm_report *rep)
{
	static unsigned int seq;
	struct stat st;
	char *text = cm_to_json(p), tmp[4096];
	unsigned int n;
	FILE *f;
	int fd = -1, ok, tries, err;

	if (!text) {
		cm_report_add(rep, true, "%s: out of memory", path);
		return -1;
	}
	for (tries = 0; tries < 100 && fd < 0; tries++) {
		struct timespec ts;

		/* Unique per process (pid), call (seq) and, across reboots, time. */
		n = __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%d.%u.%ld", path, (int)getpid(), n,
				     (long)ts.tv_nsec) >= sizeof(tmp)) {
			cm_report_add(rep, true, "%s: path too long", path);
			free(text);
			return -1;
		}
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		cm_report_add(rep, true, "%s: cannot create a temporary file next to it: %s", path,
			      strerror(errno));
		free(text);
		return -1;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = errno;
		close(fd);
		unlink(tmp);
		cm_report_add(rep, true, "%s: cannot write: %s", path, strerror(err));
		free(text);
		return -1;
	}
	/* The file replaced keeps its permissions (not the umask's). */
	if (!stat(path, &st) && S_ISREG(st.st_mode))
		fchmod(fd, st.st_mode & 07777);
	errno = 0;
	ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF && !fflush(f) && !fsync(fd);
	err = errno;
	ok = !fclose(f) && ok;
	if (!err)
		err = errno;
	free(text);
	if (ok && rename(tmp, path))
		ok = 0, err = errno;
	if (!ok) {
		cm_report_add(rep, true, "%s: cannot write: %s", path, err ? strerror(err) : "I/O error");
		unlink(tmp);
		return -1;
	}
	sync_dir(path);
	return 0;
}

/* ---- firmware pseudo-registers ------------------------------------------ */

/* What KVM compares a written workaround level with (kvm_arm_set_fw_reg()). */
static uint64_t wa2_needed(uint64_t v)
{
	switch (v & 0xf) {
	case 0: case 1:
		return 0;		/* NOT_AVAIL, UNKNOWN: fine anywhere */
	default:
		return 3;		/* AVAIL, NOT_REQUIRED: host must be NOT_REQUIRED */
	}
}

bool cm_fw_ok(int slot, uint64_t model, uint64_t host, const char **why)
{
	switch (slot) {
	case CM_SLOT_PSCI:
		*why = "a PSCI version up to the host's";
		return model <= host;
	case CM_SLOT_WA1:
	case CM_SLOT_WA3:
		*why = "a level up to the host's (0 NOT_AVAIL, 1 AVAIL, 2 NOT_REQUIRED)";
		return model <= host;
	case CM_SLOT_WA2:
		*why = "AVAIL/NOT_REQUIRED (2, 3) only on a NOT_REQUIRED (3) host";
		return !(model & 0x10) && host >= wa2_needed(model);
	default:
		*why = "a subset of the host's services";
		return !(model & ~host);
	}
}

/* ---- cache geometry --------------------------------------------------- */

/* CLIDR_EL1 fields LoUIS (23:21), LoC (26:24), LoUU (29:27). */
#define CLIDR_LOUIS(v)	(((v) >> 21) & 7)
#define CLIDR_LOC(v)	(((v) >> 24) & 7)
#define CLIDR_LOUU(v)	(((v) >> 27) & 7)

/* No point of unification (set_clidr()'s no_pou): IDC 1 in effect. */
static bool clidr_no_pou(uint64_t v)
{
	return !CLIDR_LOC(v) || (!CLIDR_LOUIS(v) && !CLIDR_LOUU(v));
}

/*
 * @v with a point of coherence and of unification, for hosts whose
 * CTR_EL0.IDC is 0 (set_clidr() requires them there): LoC the last level
 * with a cache when it is 0, LoUIS and LoUU 1 when both are 0.  A guest
 * told so cleans its data cache to the PoU before invalidating
 * instructions, which is never wrong, only sometimes unneeded (on the
 * hosts whose CLIDR_EL1 has none, which then have IDC 1 in effect).  The
 * caches (Ctype fields) and their CCSIDR stay as they are.  0 when @v
 * describes no cache.
 */
static uint64_t clidr_add_pou(uint64_t v)
{
	int levels = 0;

	while (levels < 7 && ((v >> (3 * levels)) & 7))
		levels++;
	if (!levels)
		return 0;
	if (!CLIDR_LOC(v))
		v |= (uint64_t)levels << 24;
	if (!CLIDR_LOUIS(v) && !CLIDR_LOUU(v))
		v |= 1ULL << 21 | 1ULL << 27;
	return v;
}

/*
 * Does @clidr describe the cache CSSELR_EL1 = @csselr selects?  As KVM's
 * is_valid_cache(): the levels up to the first without a cache, an
 * instruction cache for InD = 1, a data or unified one for InD = 0.
 */
bool cm_cache_described(uint64_t clidr, int csselr)
{
	int level = csselr >> 1, i, ctype;

	if (csselr < 0 || csselr >= CM_NR_CCSIDR)
		return false;
	for (i = 0; i <= level; i++)
		if (!((clidr >> (3 * i)) & 7))
			return false;
	ctype = (clidr >> (3 * level)) & 7;
	switch (ctype) {
	case 1:
		return csselr & 1;
	case 2:
	case 4:
		return !(csselr & 1);
	case 3:
		return true;
	}
	return false;
}

/* A CCSIDR a host's KVM does not list (no such cache) reads as 0. */
static uint64_t ccsidr_of(const struct cm_profile *p, int i)
{
	return p->r[CM_SLOT_CCSIDR + i].present ? p->r[CM_SLOT_CCSIDR + i].val : 0;
}

/*
 * Would applying @model's cache geometry change @host's: a CLIDR_EL1 or a
 * CCSIDR the model sets that differs from the host's?
 */
bool cm_cache_differs(const struct cm_profile *model, const struct cm_profile *host)
{
	int i;

	if (model->r[CM_SLOT_CLIDR].present &&
	    model->r[CM_SLOT_CLIDR].val != host->r[CM_SLOT_CLIDR].val)
		return true;
	for (i = 0; i < CM_NR_CCSIDR; i++)
		if (model->r[CM_SLOT_CCSIDR + i].present &&
		    model->r[CM_SLOT_CCSIDR + i].val != ccsidr_of(host, i))
			return true;
	return false;
}

/*
 * Can @host's KVM take @model's cache geometry?  The kernel's set_clidr()
 * and kvm_vcpu_set_ccsidr(): a value equal to the current one always
 * succeeds; other values need the host to let a VMM change the geometry
 * (CLIDR_EL1's writable mask), and are checked against the host's own
 * (the system's) CTR_EL0, never the model's: CLIDR_EL1 without RES0 bits
 * and, if the host's CTR_EL0.IDC is 0, with a point of coherence and of
 * unification; a CCSIDR's line no smaller than the host's minimum line
 * for that kind of cache.  CCSIDR bits 31:28 are accepted.
 */
int cm_check_cache(const struct cm_profile *model, const struct cm_profile *host,
		   struct cm_report *rep)
{
	const struct cm_reg *clidr = &model->r[CM_SLOT_CLIDR];
	uint64_t ctr = host->r[CM_SLOT_CTR].val;
	int i, bad = 0;

	if (!cm_cache_differs(model, host))
		return 0;
	if (!host->r[CM_SLOT_CLIDR].present) {
		cm_report_add(rep, true, "CLIDR_EL1/CCSIDR_EL1: the model's cache geometry differs from the host's, and the host's KVM does not have CLIDR_EL1");
		return 1;
	}
	if (!host->r[CM_SLOT_CLIDR].mask) {
		for (i = CM_SLOT_CLIDR; i < CM_SLOT_MIDR; i++) {
			uint64_t h = i == CM_SLOT_CLIDR ? host->r[i].val : ccsidr_of(host, i - CM_SLOT_CCSIDR);

			if (model->r[i].present && model->r[i].val != h) {
				cm_report_reg(rep, ARM64CM_ERROR, i, 0, NULL, NULL, NULL, "%s: model 0x%llx, host 0x%llx, and this host does not let a VMM change the cache geometry",
					      cm_slot_name(i), (unsigned long long)model->r[i].val,
					      (unsigned long long)h);
				bad++;
			}
		}
		return bad;
	}
	if (clidr->present && clidr->val != host->r[CM_SLOT_CLIDR].val) {
		uint64_t v = clidr->val;
		bool no_pou = clidr_no_pou(v);

		if (v >> 47) {
			cm_report_add(rep, true, "CLIDR_EL1: 0x%llx sets RES0 bits 63:47",
				      (unsigned long long)v);
			bad++;
		} else if (!(ctr & (1ULL << 28)) && no_pou) {
			cm_report_add(rep, true, "CLIDR_EL1.LoC/LoUIS/LoUU: 0x%llx has no point of unification, which the host's CTR_EL0.IDC = 0 requires",
				      (unsigned long long)v);
			bad++;
		}
	}
	for (i = 0; i < CM_NR_CCSIDR; i++) {
		const struct cm_reg *c = &model->r[CM_SLOT_CCSIDR + i];
		unsigned int minline, line;

		if (!c->present || c->val == ccsidr_of(host, i))
			continue;
		minline = (i & 1) ? (ctr & 0xf) + 2 : ((ctr >> 16) & 0xf) + 2;
		line = (c->val & 7) + 4;
		if (line < minline) {
			cm_report_reg(rep, ARM64CM_ERROR, CM_SLOT_CCSIDR + i, 0, NULL, NULL, NULL, "%s.LineSize: %u-byte lines are smaller than the host's CTR_EL0.%s (%u bytes)",
				      cm_slot_name(CM_SLOT_CCSIDR + i), 1u << line,
				      (i & 1) ? "IminLine" : "DminLine", 1u << minline);
			bad++;
		}
	}
	return bad;
}

/* ---- vCPU features ------------------------------------------------------ */

/*
 * ID register fields KVM shows as 0 when the VM's vCPUs lack a feature
 * (read_id_reg() in arch/arm64/kvm/sys_regs.c; a NULL field: the whole
 * register reads as zero, id_visibility()).  Probe records a host with
 * every feature it offers (but SVE, which it does not enable); a model
 * without the feature sees these fields as 0 on that host.  Pointer
 * authentication needs both features.
 */
static const struct {
	unsigned int features;
	const char *reg, *field;
} feature_fields[] = {
	{ 1u << CM_FEAT_PMU_V3, "ID_AA64DFR0_EL1", "PMUVer" },
	{ 1u << CM_FEAT_PMU_V3, "ID_DFR0_EL1", "PerfMon" },
	{ 1u << CM_FEAT_SVE, "ID_AA64PFR0_EL1", "SVE" },
	{ 1u << CM_FEAT_SVE, "ID_AA64ZFR0_EL1", NULL },
#define PTRAUTH ((1u << CM_FEAT_PTRAUTH_ADDRESS) | (1u << CM_FEAT_PTRAUTH_GENERIC))
	{ PTRAUTH, "ID_AA64ISAR1_EL1", "APA" },
	{ PTRAUTH, "ID_AA64ISAR1_EL1", "API" },
	{ PTRAUTH, "ID_AA64ISAR1_EL1", "GPA" },
	{ PTRAUTH, "ID_AA64ISAR1_EL1", "GPI" },
	{ PTRAUTH, "ID_AA64ISAR2_EL1", "APA3" },
	{ PTRAUTH, "ID_AA64ISAR2_EL1", "GPA3" },
};

/*
 * @host as a VM with only @features would see it, with (@fleet) or without
 * KVM_CAP_ARM_OOT_FLEET_ID_REGS enabled.
 */
void cm_hide_features(struct cm_profile *p, unsigned int features)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(feature_fields); i++) {
		int slot = cm_slot_by_name(feature_fields[i].reg);
		const struct cm_field *f;

		if (slot < 0 || (features & feature_fields[i].features) == feature_fields[i].features)
			continue;
		if (!feature_fields[i].field) {
			p->r[slot].val = 0;
			continue;
		}
		f = cm_field_by_name(slot, feature_fields[i].field);
		if (f)
			p->r[slot].val &= ~cm_field_mask(f);
	}
}

static void host_view(const struct cm_profile *host, unsigned int features, bool fleet,
		      struct cm_profile *out)
{
	*out = *host;
	cm_hide_features(out, features);
	out->features &= features;
	fleet_masks(out, fleet);
	/*
	 * With the capability, a VM with SVE keeps the host's FP and AdvSIMD
	 * (kvm_check_fleet_fp_simd(): SVE requires FP16): for such a model they
	 * are as fixed as without it.
	 */
	if (fleet && (features & (1u << CM_FEAT_SVE)))
		out->r[cm_slot_by_name("ID_AA64PFR0_EL1")].mask &= ~FP_SIMD_MASK;
}

/* ---- compare ---------------------------------------------------------- */

/* KVM_CAP_ARM_OOT_FLEET_ID_REGS in a comparison. */
struct fleet_ctx {
	bool host;		/* the host has it */
	bool model;		/* the model requires it: its VMs enable it */
	bool sve;		/* the model's vCPUs have SVE */
	bool el1_32bit;		/* the model's EL1 is AArch32 (vCPU feature el1-32bit) */
};

/*
 * Values KVM refuses whatever the host has (set_id_aa64dfr0_el1() and
 * set_id_dfr0_el1()), in any value written that differs from the VM's: a
 * debug architecture older than ARMv8.0, and the ARMv7 PMU versions.
 * CopDbg 0 (AArch32 debug not implemented, the value of a host without
 * AArch32, whose ID_DFR0_EL1 reads 0) only in a VM that enabled
 * KVM_CAP_ARM_OOT_FLEET_ID_REGS (@fc: the model requires it and the host
 * has it) and whose EL1 is AArch64 (no el1-32bit); 1-5 never.  NULL when
 * @v is fine.
 */
static const char *kvm_refuses(int slot, const struct cm_field *f, int64_t v,
			       const struct fleet_ctx *fc)
{
	if (slot == cm_slot_by_name("ID_AA64DFR0_EL1") && !strcmp(f->name, "DebugVer") && v < 6)
		return "KVM needs at least 6 (Armv8)";
	if (is_copdbg(slot, f) && v < 6) {
		if (v)
			return "KVM needs at least 6 (Armv8), or 0 (AArch32 debug not implemented) with KVM_CAP_ARM_OOT_FLEET_ID_REGS";
		if (fc->el1_32bit)
			return "KVM needs at least 6 (Armv8) in a VM whose EL1 is AArch32 (el1-32bit), with KVM_CAP_ARM_OOT_FLEET_ID_REGS too";
		if (!fc->host)
			return "KVM needs at least 6 (Armv8); 0 (AArch32 debug not implemented) only with KVM_CAP_ARM_OOT_FLEET_ID_REGS, which this host lacks";
		if (!fc->model)
			return "KVM needs at least 6 (Armv8); 0 (AArch32 debug not implemented) only in a VM with KVM_CAP_ARM_OOT_FLEET_ID_REGS, which the model does not require (its \"capabilities\" lack \"fleet-id-regs\")";
	}
	if (slot == cm_slot_by_name("ID_DFR0_EL1") && !strcmp(f->name, "PerfMon") && (v == 1 || v == 2))
		return "KVM does not offer the ARMv7 PMU versions 1 and 2";
	return NULL;
}

/*
 * Values KVM refuses in a VM with KVM_CAP_ARM_OOT_FLEET_ID_REGS whatever the
 * host has (kvm_check_fleet_fields()), in any value written that differs
 * from the VM's: reserved encodings that the host's feature tables would
 * let through.  NULL when @v is fine.
 */
static const char *fleet_refuses(int slot, const struct cm_field *f, int64_t v)
{
	if (slot == CM_SLOT_CTR && (!strcmp(f->name, "CWG") || !strcmp(f->name, "ERG")) && v > 9)
		return "reserved (above 9, 2KB): KVM_CAP_ARM_OOT_FLEET_ID_REGS refuses it";
	if (slot == cm_slot_by_name("ID_AA64MMFR1_EL1") && !strcmp(f->name, "VMIDBits") && v == 1)
		return "reserved: KVM_CAP_ARM_OOT_FLEET_ID_REGS refuses it";
	return NULL;
}

static int compare_sysreg(int slot, const struct cm_reg *m, const struct cm_reg *h,
			  const struct fleet_ctx *fc, struct cm_report *rep)
{
	const struct cm_regdesc *d = cm_slot_desc(slot);
	uint64_t diff = m->val ^ h->val, checked = 0;
	const struct cm_field *f;
	char a[48], b[48], n[320];
	int bad = 0;

	if (!diff)
		return 0;
	for (f = d ? d->fields : NULL; f && f->name; f++) {
		uint64_t fm = cm_field_mask(f);
		int64_t mv = cm_field_get(f, m->val), hv = cm_field_get(f, h->val);
		uint64_t umv = (uint64_t)mv, uhv = (uint64_t)hv;
		const char *refused = kvm_refuses(slot, f, mv, fc);

		/* Only a VM that enabled the capability has its checks. */
		if (!refused && fc->model && fc->host)
			refused = fleet_refuses(slot, f, mv);

		/* KVM checks its minimums in the whole value written. */
		if (!(diff & fm) && !refused)
			continue;
		checked |= diff & fm;
		if (refused) {
			cm_report_reg(rep, ARM64CM_ERROR, slot, 0, f, &umv, &uhv,
				      "%s.%s: model %s: %s", cm_slot_name(slot), f->name,
				      cm_field_value_str(f, mv, a, sizeof(a)), refused);
			bad++;
		} else if ((h->mask & fm) != fm || f->rule == CM_RULE_NONE) {
			const char *why = "";

			if ((cm_fleet_mask(slot) & fm) && fc->host && !fc->model)
				why = " without KVM_CAP_ARM_OOT_FLEET_ID_REGS, which the model does not require (its \"capabilities\" lack \"fleet-id-regs\")";
			else if ((cm_fleet_mask(slot) & fm) && !fc->host)
				why = " (it lacks KVM_CAP_ARM_OOT_FLEET_ID_REGS, fleet-id-regs, which makes it writable)";
			else if ((cm_fleet_mask(slot) & fm & FP_SIMD_MASK) && slot == cm_slot_by_name("ID_AA64PFR0_EL1") && fc->sve)
				why = " in a VM with SVE, which requires FP16 (KVM_CAP_ARM_OOT_FLEET_ID_REGS changes FP and AdvSIMD only without the sve vCPU feature)";
			else if (retired_mask(slot) & fm)
				why = " (guest-observable: KVM_CAP_ARM_OOT_FLEET_ID_REGS does not make it writable, although its first revision did)";
			cm_report_reg(rep, ARM64CM_ERROR, slot, 0, f, &umv, &uhv,
				      "%s.%s: model %s, host %s, and this host does not let a VMM change it%s",
				      cm_slot_name(slot), f->name, cm_field_value_str(f, mv, a, sizeof(a)),
				      cm_field_value_str(f, hv, b, sizeof(b)), why);
			bad++;
		} else if (!cm_field_ok(f, mv, hv)) {
			cm_report_reg(rep, ARM64CM_ERROR, slot, 0, f, &umv, &uhv,
				      "%s.%s: model %s, host limit %s (%s%s)",
				      cm_slot_name(slot), f->name, cm_field_value_str(f, mv, a, sizeof(a)),
				      cm_field_value_str(f, hv, b, sizeof(b)), cm_rule_name(f->rule),
				      f->sign ? ", signed" : "");
			bad++;
		}
	}
	if (diff & ~checked) {
		cm_report_reg(rep, ARM64CM_ERROR, slot, 0, NULL, &m->val, &h->val,
			      "%s: model 0x%016llx, host 0x%016llx differ in bits 0x%016llx (%s), which this host does not let a VMM change",
			      cm_slot_name(slot), (unsigned long long)m->val, (unsigned long long)h->val,
			      (unsigned long long)(diff & ~checked),
			      cm_field_names(slot, diff & ~checked, n, sizeof(n)));
		bad++;
	}
	/*
	 * FP/AdvSIMD: the capability's own rule, on top of lower-safe (with
	 * SVE they are not writable at all: host_view()).
	 */
	if (fc->model && fc->host && !fc->sve && slot == cm_slot_by_name("ID_AA64PFR0_EL1") &&
	    fleet_fp_simd_ok(m->val, h->val, n, sizeof(n))) {
		cm_report_reg(rep, ARM64CM_ERROR, slot, 0, NULL, &m->val, &h->val, "%s", n);
		bad++;
	}
	return bad;
}

int cm_compare(const struct cm_profile *model, const struct cm_profile *host_full,
	       struct cm_report *rep)
{
	struct cm_profile view, *host = &view;
	struct fleet_ctx fc = {
		.host = host_full->caps & CM_CAP_FLEET_ID_REGS,
		.model = model->is_model && (model->vm_caps & CM_CAP_FLEET_ID_REGS),
		.sve = model->features & (1u << CM_FEAT_SVE),
		.el1_32bit = model->features & (1u << CM_FEAT_EL1_32BIT),
	};
	int s, b, bad = 0;

	host_view(host_full, model->features, fc.model, &view);
	/* The model's VMs enable the capability: the host must have it. */
	if (fc.model && !fc.host) {
		uint64_t bits[CM_NR_SLOTS];
		char list[1024];

		for (s = 0; s < CM_NR_SLOTS; s++)
			bits[s] = model->r[s].present && host->r[s].present ?
				  fleet_bits(s, model->r[s].val, host->r[s].val) : 0;
		field_list(bits, list, sizeof(list));
		cm_report_add(rep, true, "fleet-id-regs: the model requires KVM_CAP_ARM_OOT_FLEET_ID_REGS, which this host lacks (%s%s)",
			      list[0] ? "the model changes its " : "no fleet field differs from this host's, but the model's VMs enable the capability",
			      list);
		bad++;
	}
	for (b = 0; b < 32; b++) {
		if ((model->features & ~host_full->features) & (1u << b)) {
			cm_report_add(rep, true, "vCPU feature %s: the host does not offer it%s",
				      cm_feature_name(b) ?: "?",
				      b == CM_FEAT_SVE ? " (probe does not record SVE: a host profile offers it only if written so)" : "");
			bad++;
		}
	}
	if (model->pvtime && !(host->caps & CM_CAP_STEAL_TIME)) {
		cm_report_add(rep, true, "pvtime: the model needs PV stolen time (KVM_CAP_STEAL_TIME), the host has none");
		bad++;
	}
	/* CLIDR_EL1 and the CCSIDR: one geometry, checked as a whole. */
	bad += cm_check_cache(model, host, rep);
	/* PMCR_EL0.N: KVM keeps the host's number when asked for more. */
	if (model->pmu_counters_set && (model->features & host_full->features & (1u << CM_FEAT_PMU_V3))) {
		if (!host->pmu_counters_set) {
			cm_report_add(rep, true, "PMCR_EL0.N: the model has %u event counters; the host profile does not record its PMU's (probe it again with this version)",
				      model->pmu_counters);
			bad++;
		} else if (model->pmu_counters > host->pmu_counters) {
			cm_report_add(rep, true, "PMCR_EL0.N: model %u event counters, host %u (a VM may have fewer, not more)",
				      model->pmu_counters, host->pmu_counters);
			bad++;
		}
	}
	/* Target-implementation discovery must name the CPUs the VM runs on. */
	if (model->is_model && model->nr_impls) {
		struct cm_impl hl[CM_MAX_IMPLS];
		int hn = cm_impls(host_full, hl), i;

		for (i = 0; i < hn; i++) {
			if (impl_find(model->impls, model->nr_impls, &hl[i]) >= 0)
				continue;
			cm_report_add(rep, true, "implementations: the host's MIDR_EL1 0x%016llx REVIDR_EL1 0x%llx AIDR_EL1 0x%llx is not in the model's list (its guests would not learn this CPU's errata)",
				      (unsigned long long)hl[i].midr, (unsigned long long)hl[i].revidr,
				      (unsigned long long)hl[i].aidr);
			bad++;
		}
	}
	for (s = 0; s < CM_NR_SLOTS; s++) {
		const struct cm_reg *m = &model->r[s], *h = &host->r[s];
		enum cm_group g = cm_slot_group(s);
		const char *why;

		if (!m->present || (g == CM_G_CACHE && s != CM_SLOT_CTR))
			continue;
		if (!h->present) {
			cm_report_reg(rep, ARM64CM_ERROR, s, 0, NULL, NULL, NULL, "%s: the host's KVM does not have this register",
				      cm_slot_name(s));
			bad++;
			continue;
		}
		if (m->val == h->val)
			continue;
		switch (g) {
		case CM_G_ID:
		case CM_G_CACHE:
			bad += compare_sysreg(s, m, h, &fc, rep);
			break;
		case CM_G_IMPL:
			if (!(host->caps & CM_CAP_WRITABLE_IMP)) {
				cm_report_reg(rep, ARM64CM_ERROR, s, 0, NULL, NULL, NULL, "%s: model 0x%016llx, host 0x%016llx, and this host lacks KVM_CAP_ARM_WRITABLE_IMP_ID_REGS",
					      cm_slot_name(s), (unsigned long long)m->val,
					      (unsigned long long)h->val);
				bad++;
			} else if (h->mask && ((m->val ^ h->val) & ~h->mask)) {
				/* MIDR_EL1: bits 31:0 only (older profiles have no mask) */
				cm_report_reg(rep, ARM64CM_ERROR, s, 0, NULL, NULL, NULL, "%s: model 0x%016llx, host 0x%016llx differ in bits 0x%016llx, which this host does not let a VMM change",
					      cm_slot_name(s), (unsigned long long)m->val,
					      (unsigned long long)h->val,
					      (unsigned long long)((m->val ^ h->val) & ~h->mask));
				bad++;
			}
			break;
		case CM_G_FW:
		case CM_G_BMAP:
			if (!cm_fw_ok(s, m->val, h->val, &why)) {
				cm_report_reg(rep, ARM64CM_ERROR, s, 0, NULL, NULL, NULL, "%s: model 0x%llx, host 0x%llx (a VM may have %s)",
					      cm_slot_name(s), (unsigned long long)m->val,
					      (unsigned long long)h->val, why);
				bad++;
			}
			break;
		default:
			break;
		}
	}
	/* What the host has that no model describes: the VM gets the host's. */
	for (b = 0; b < host_full->nr_unmodelled; b++) {
		const struct cm_unmodelled *u = &host_full->unmodelled[b];
		char val[40] = "";

		if (u->has_val)
			snprintf(val, sizeof(val), " 0x%llx", (unsigned long long)u->val);
		cm_report_reg(rep, ARM64CM_WARNING, -1, u->id, NULL, NULL, NULL,
			      "%s (KVM id 0x%016llx): the host's KVM has it and this library does not model it: a VM gets the host's value%s, whatever the model",
			      cm_kvm_id_name(u->id) ?: "register", (unsigned long long)u->id, val);
	}
	return bad;
}

/* ---- baseline --------------------------------------------------------- */

static void host_list(const struct cm_profile *hosts, int n, const struct cm_field *f,
		      int slot, char *buf, size_t len)
{
	char v[48];
	size_t o = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < n && o < len; i++) {
		if (f)
			cm_field_value_str(f, cm_field_get(f, hosts[i].r[slot].val), v, sizeof(v));
		else
			snprintf(v, sizeof(v), "0x%llx", (unsigned long long)hosts[i].r[slot].val);
		o += snprintf(buf + o, len - o, "%s%s %s", i ? ", " : "", hosts[i].name, v);
	}
}

/*
 * @fleet_hint: why KVM_CAP_ARM_OOT_FLEET_ID_REGS does not make the fleet
 * fields writable for this model ("" when it does), for the errors.
 */
static int baseline_sysreg(const struct cm_profile *hosts, int n, int slot,
			   const char *fleet_hint, struct cm_profile *m, struct cm_report *rep)
{
	const struct cm_regdesc *d = cm_slot_desc(slot);
	uint64_t val = hosts[0].r[slot].val, covered = 0;
	const struct cm_field *f;
	char a[48], list[512];
	int i, bad = 0;

	for (f = d ? d->fields : NULL; f && f->name; f++) {
		uint64_t fm = cm_field_mask(f);
		int64_t v = cm_field_get(f, hosts[0].r[slot].val);
		int fixed = -1;
		bool same = true, fleet = cm_fleet_mask(slot) & fm, copdbg0 = false;
		const char *hint = fleet ? fleet_hint : "";

		/* Why a field the capability makes writable is fixed here. */
		if (fleet && !fleet_hint[0] && (fm & FP_SIMD_MASK) &&
		    slot == cm_slot_by_name("ID_AA64PFR0_EL1") && (m->features & (1u << CM_FEAT_SVE)))
			hint = " (a VM with SVE keeps the host's FP and AdvSIMD: KVM_CAP_ARM_OOT_FLEET_ID_REGS changes them only without the sve vCPU feature)";
		else if (retired_mask(slot) & fm)
			hint = " (guest-observable: KVM_CAP_ARM_OOT_FLEET_ID_REGS does not make it writable, although its first revision did)";
		covered |= fm;
		for (i = 0; i < n; i++) {
			int64_t h = cm_field_get(f, hosts[i].r[slot].val);

			same &= h == v;
			if ((hosts[i].r[slot].mask & fm) != fm || f->rule == CM_RULE_NONE) {
				if (fixed >= 0 && cm_field_get(f, hosts[fixed].r[slot].val) != h)
					fixed = -2;
				else if (fixed == -1)
					fixed = i;
			}
		}
		if (same)
			continue;
		host_list(hosts, n, f, slot, list, sizeof(list));
		if (fixed == -2) {
			cm_report_reg(rep, ARM64CM_ERROR, slot, 0, f, NULL, NULL,
				      "%s.%s: hosts differ (%s) and hosts that do not let a VMM change it disagree%s",
				      cm_slot_name(slot), f->name, list, hint);
			bad++;
			continue;
		}
		if (fixed >= 0) {
			v = cm_field_get(f, hosts[fixed].r[slot].val);
		} else {
			for (i = 1; i < n; i++) {
				int64_t h = cm_field_get(f, hosts[i].r[slot].val);

				if (h != v)
					v = cm_field_safe(f, v, h);
			}
		}
		for (i = 0; i < n; i++) {
			if (!cm_field_ok(f, v, cm_field_get(f, hosts[i].r[slot].val))) {
				cm_report_reg(rep, ARM64CM_ERROR, slot, 0, f, NULL, NULL,
					      "%s.%s: hosts differ (%s); %s cannot change it and %s cannot run its value%s",
					      cm_slot_name(slot), f->name, list,
					      fixed >= 0 ? hosts[fixed].name : "no host",
					      hosts[i].name, hint);
				bad++;
				break;
			}
		}
		val = cm_field_set(f, val, v);
		/* CopDbg 0 where a host has AArch32: with the capability only. */
		for (i = 0; i < n && !fleet_hint[0] && is_copdbg(slot, f) && !v; i++)
			copdbg0 |= cm_field_get(f, hosts[i].r[slot].val) != 0;
		/* Which hosts set the model's value: the reason for it. */
		{
			char by[256] = "";
			size_t o = 0;

			for (i = 0; i < n && o < sizeof(by); i++)
				if (cm_field_get(f, hosts[i].r[slot].val) == v)
					o += snprintf(by + o, sizeof(by) - o, "%s%s",
						      o ? ", " : "; limited by ", hosts[i].name);
			cm_report_reg(rep, ARM64CM_NOTE, slot, 0, f, NULL, NULL, "%s.%s = %s (%s%s%s): %s%s",
				      cm_slot_name(slot), f->name, cm_field_value_str(f, v, a, sizeof(a)),
				      fixed >= 0 ? "fixed on " : cm_rule_name(f->rule),
				      fixed >= 0 ? hosts[fixed].name : "",
				      (fixed < 0 && fleet) || copdbg0 ? ", with fleet-id-regs" : "", list,
				      fixed >= 0 ? "" : by);
		}
	}
	for (i = 1; i < n; i++) {
		uint64_t diff = (hosts[i].r[slot].val ^ hosts[0].r[slot].val) & ~covered;

		if (diff) {
			cm_report_reg(rep, ARM64CM_ERROR, slot, 0, NULL, NULL, NULL,
				      "%s: bits 0x%016llx differ between %s and %s and no field rule covers them",
				      cm_slot_name(slot), (unsigned long long)diff, hosts[0].name,
				      hosts[i].name);
			bad++;
		}
	}
	m->r[slot].val = val;
	return bad;
}

/* @m with the cache geometry of @h: its CLIDR_EL1 and the CCSIDR it describes. */
static void take_geometry(struct cm_profile *m, const struct cm_profile *h)
{
	int i;

	m->r[CM_SLOT_CLIDR].present = true;
	m->r[CM_SLOT_CLIDR].val = h->r[CM_SLOT_CLIDR].val;
	for (i = 0; i < CM_NR_CCSIDR; i++) {
		m->r[CM_SLOT_CCSIDR + i].present = cm_cache_described(h->r[CM_SLOT_CLIDR].val, i);
		m->r[CM_SLOT_CCSIDR + i].val = m->r[CM_SLOT_CCSIDR + i].present ? ccsidr_of(h, i) : 0;
		m->r[CM_SLOT_CCSIDR + i].mask = 0;
	}
}

/*
 * Cache geometry: one host's CLIDR_EL1 and the CCSIDR of the caches it
 * describes, taken whole (a geometry mixed from several hosts describes
 * no real CPU).  A host that cannot change its geometry imposes it;
 * otherwise the identity host's (@prefer), else the first host's whose
 * geometry every other host accepts (checked against each host's own
 * CTR_EL0, as KVM does).  On the host it comes from, and on hosts with
 * the same caches, applying it writes nothing: their VMs keep reading the
 * hardware's registers.
 */
static int baseline_cache(const struct cm_profile *hosts, int n, int prefer,
			  struct cm_profile *m, struct cm_report *rep)
{
	int i, k, pass, donor = -1, fixed = -1;
	bool differ = false, pou = false;
	char list[512], idc0[256] = "";
	size_t o = 0;

	for (i = 0; i < n; i++) {
		if (!hosts[i].r[CM_SLOT_CLIDR].mask) {
			if (fixed >= 0) {
				struct cm_profile t = *m;

				take_geometry(&t, &hosts[fixed]);
				if (cm_cache_differs(&t, &hosts[i])) {
					cm_report_add(rep, true, "CLIDR_EL1/CCSIDR_EL1: %s and %s have different caches and neither lets a VMM change its cache geometry",
						      hosts[fixed].name, hosts[i].name);
					return 1;
				}
			}
			fixed = i;
		}
	}
	/*
	 * Pass 0: a host's geometry as it is.  Pass 1 (no host's fits, and
	 * none is fixed): a geometry without a point of unification, with one
	 * added, for the hosts whose CTR_EL0.IDC is 0 (such a geometry has the
	 * larger lines, which the others' minimum rejects the other way round:
	 * A64FX's 256-byte lines and no PoU with another CPU's IDC 0).
	 */
	for (pass = 0; pass < 2 && donor < 0; pass++) {
		if (pass && fixed >= 0)
			break;
		for (k = -1; k < n && donor < 0; k++) {
			struct cm_profile t = *m;
			int cand = fixed >= 0 ? fixed : k < 0 ? prefer : k;
			int bad = 0;

			if (cand < 0 || cand >= n || (k >= 0 && cand == prefer && fixed < 0))
				continue;
			take_geometry(&t, &hosts[cand]);
			if (pass) {
				if (!clidr_no_pou(t.r[CM_SLOT_CLIDR].val) ||
				    !clidr_add_pou(t.r[CM_SLOT_CLIDR].val))
					continue;
				t.r[CM_SLOT_CLIDR].val = clidr_add_pou(t.r[CM_SLOT_CLIDR].val);
			}
			for (i = 0; i < n; i++)
				bad += cm_check_cache(&t, &hosts[i], NULL);
			if (!bad) {
				donor = cand;
				pou = pass;
			} else if (fixed >= 0) {
				break;
			}
		}
	}
	if (donor < 0) {
		struct cm_profile t = *m;
		int cand = fixed >= 0 ? fixed : prefer >= 0 && prefer < n ? prefer : 0;

		take_geometry(&t, &hosts[cand]);
		cm_report_add(rep, true, "CLIDR_EL1/CCSIDR_EL1: no host's cache geometry fits every host; %s's does not because:",
			      hosts[cand].name);
		for (i = 0; i < n; i++) {
			struct cm_report r2 = { 0 };

			char pre[80];

			cm_check_cache(&t, &hosts[i], &r2);
			snprintf(pre, sizeof(pre), "%s: ", hosts[i].name);
			cm_report_copy(rep, &r2, pre, true);
			cm_report_free(&r2);
		}
		return 1;
	}
	take_geometry(m, &hosts[donor]);
	if (pou) {
		uint64_t v = clidr_add_pou(m->r[CM_SLOT_CLIDR].val);

		for (i = 0, o = 0; i < n; i++)
			if (!(hosts[i].r[CM_SLOT_CTR].val & (1ULL << 28)))
				o += snprintf(idc0 + o, o < sizeof(idc0) ? sizeof(idc0) - o : 0, "%s%s",
					      o ? ", " : "", hosts[i].name);
		cm_report_add(rep, false, "CLIDR_EL1 = 0x%llx: %s's 0x%llx with a point of unification added (LoC %d, LoUIS %d, LoUU %d), which CTR_EL0.IDC = 0 on %s requires; its guests clean caches to the PoU where %s needs none, never the reverse",
			      (unsigned long long)v, hosts[donor].name,
			      (unsigned long long)m->r[CM_SLOT_CLIDR].val, (int)CLIDR_LOC(v),
			      (int)CLIDR_LOUIS(v), (int)CLIDR_LOUU(v), idc0, hosts[donor].name);
		m->r[CM_SLOT_CLIDR].val = v;
		o = 0;
	}
	for (i = 0; i < n; i++) {
		bool d = cm_cache_differs(m, &hosts[i]);

		differ |= d;
		if (d)
			o += snprintf(list + o, o < sizeof(list) ? sizeof(list) - o : 0, "%s%s",
				      o ? ", " : "", hosts[i].name);
	}
	if (differ)
		cm_report_add(rep, false, "CLIDR_EL1 = 0x%llx and its CCSIDR: cache geometry of %s%s; VMs on %s get it as their own (guest reads of CLIDR_EL1/CCSIDR_EL1 trap)",
			      (unsigned long long)m->r[CM_SLOT_CLIDR].val, hosts[donor].name,
			      donor == fixed ? " (its geometry is fixed)" :
			      pou ? " with a point of unification" :
			      donor == prefer ? " (the identity host)" : " (first host whose geometry fits all)",
			      list);
	return 0;
}

static int baseline_views(const struct cm_profile *hosts, int n, int impl_from, bool partial,
			  const char *fleet_hint, struct cm_profile *m, struct cm_report *rep);

/*
 * The model's implementations: every distinct one of every host, in host
 * order (guests learn them through target-implementation discovery).
 * PMCR_EL0.N: the fewest event counters, if the model has a PMU and every
 * host profile records it.
 */
static int baseline_impls_pmu(const struct cm_profile *hosts, int n, struct cm_profile *m,
			      struct cm_report *rep)
{
	struct cm_impl l[CM_MAX_IMPLS];
	char list[1024];
	size_t o = 0;
	int i, k, hn, missing = -1;
	bool differ = false;

	m->nr_impls = 0;
	for (i = 0; i < n; i++) {
		hn = cm_impls(&hosts[i], l);
		for (k = 0; k < hn; k++) {
			if (impl_find(m->impls, m->nr_impls, &l[k]) >= 0)
				continue;
			if (m->nr_impls == CM_MAX_IMPLS) {
				cm_report_add(rep, true, "implementations: the hosts have more than %d, which this tool cannot list",
					      CM_MAX_IMPLS);
				return 1;
			}
			m->impls[m->nr_impls++] = l[k];
			o += snprintf(list + o, o < sizeof(list) ? sizeof(list) - o : 0, "%s%s 0x%llx",
				      o ? ", " : "", hosts[i].name, (unsigned long long)l[k].midr);
		}
	}
	if (m->nr_impls > 1)
		cm_report_add(rep, false, "implementations: %d (%s): guests learn them with target-implementation discovery (DISCOVER_IMPL_CPUS)",
			      m->nr_impls, list);

	m->pmu_counters_set = false;
	if (!(m->features & (1u << CM_FEAT_PMU_V3)))
		return 0;
	m->pmu_counters = 31;
	for (i = 0; i < n; i++) {
		if (!hosts[i].pmu_counters_set) {
			missing = i;
			break;
		}
		if (hosts[i].pmu_counters < m->pmu_counters)
			m->pmu_counters = hosts[i].pmu_counters;
		differ |= hosts[i].pmu_counters != hosts[0].pmu_counters;
	}
	if (missing >= 0) {
		cm_report_add(rep, false, "PMCR_EL0.N: left out, %s's profile does not record its PMU's event counters (probe it again with this version)",
			      hosts[missing].name);
		return 0;
	}
	m->pmu_counters_set = true;
	if (differ) {
		o = 0;
		for (i = 0; i < n; i++)
			o += snprintf(list + o, o < sizeof(list) ? sizeof(list) - o : 0, "%s%s %u",
				      i ? ", " : "", hosts[i].name, hosts[i].pmu_counters);
		cm_report_add(rep, false, "PMCR_EL0.N = %u (fewest event counters): %s",
			      m->pmu_counters, list);
	}
	return 0;
}

int cm_baseline(const struct cm_profile *hosts, int n, int impl_from,
		const char *name, struct cm_profile *model, struct cm_report *rep)
{
	return cm_baseline_ext(hosts, n, impl_from, 0, name, model, rep);
}

/*
 * KVM_CAP_ARM_OOT_FLEET_ID_REGS: the fleet fields in which the model
 * differs from a host, and ID_DFR0_EL1.CopDbg 0 on a host whose CopDbg is
 * not 0 (fleet_bits()), need it; the model then requires it (its VMs
 * enable it).  Their names go to @list ("" when none).
 */
static void baseline_fleet(const struct cm_profile *hosts, int n, struct cm_profile *m,
			   char *list, size_t len)
{
	uint64_t bits[CM_NR_SLOTS] = { 0 }, any = 0;
	int s, i;

	list[0] = 0;
	for (s = 0; s < CM_NR_SLOTS; s++) {
		for (i = 0; i < n && m->r[s].present; i++)
			bits[s] |= fleet_bits(s, m->r[s].val, hosts[i].r[s].val);
		any |= bits[s];
	}
	if (!any)
		return;
	m->vm_caps |= CM_CAP_FLEET_ID_REGS;
	field_list(bits, list, len);
}

/* Registers the library does not model that the hosts do not agree on. */
static void baseline_unmodelled(const struct cm_profile *hosts, int n, struct cm_report *rep)
{
	int i, j, k, l;

	for (i = 0; i < n; i++) {
		for (k = 0; k < hosts[i].nr_unmodelled; k++) {
			const struct cm_unmodelled *u = &hosts[i].unmodelled[k];
			const char *why = NULL;

			/* Reported once, at its first host. */
			for (j = 0; j < i; j++)
				for (l = 0; l < hosts[j].nr_unmodelled; l++)
					if (hosts[j].unmodelled[l].id == u->id)
						goto next;
			for (j = 0; j < n && !why; j++) {
				for (l = 0; l < hosts[j].nr_unmodelled; l++)
					if (hosts[j].unmodelled[l].id == u->id)
						break;
				if (l == hosts[j].nr_unmodelled)
					why = "not every host has it";
				else if (hosts[j].unmodelled[l].has_val != u->has_val ||
					 hosts[j].unmodelled[l].val != u->val)
					why = "the hosts' values differ";
			}
			if (why)
				cm_report_reg(rep, ARM64CM_WARNING, -1, u->id, NULL, NULL, NULL,
					      "%s (KVM id 0x%016llx): not modelled by this library and %s: VMs see each host's own",
					      cm_kvm_id_name(u->id) ?: "register",
					      (unsigned long long)u->id, why);
next:
			;
		}
	}
}

int cm_baseline_ext(const struct cm_profile *hosts_full, int n, int impl_from, unsigned int flags,
		    const char *name, struct cm_profile *m, struct cm_report *rep)
{
	struct cm_profile *hosts;
	/* Its models have an AArch64 EL1: el1-32bit only in a model by hand. */
	unsigned int features = CM_FEATURES & ~(1u << CM_FEAT_EL1_32BIT);
	char hint[512], lack[256] = "", poolable[1024] = "";
	size_t o = 0;
	int i, ret, with = 0;
	bool fleet;

	memset(m, 0, sizeof(*m));
	if (n < 1) {
		cm_report_add(rep, true, "baseline needs at least one host profile");
		return -1;
	}
	for (i = 0; i < n; i++) {
		features &= hosts_full[i].features;
		if (hosts_full[i].caps & CM_CAP_FLEET_ID_REGS)
			with++;
		else
			o += snprintf(lack + o, o < sizeof(lack) ? sizeof(lack) - o : 0, "%s%s",
				      o ? ", " : "", hosts_full[i].name);
	}
	if ((features & PTRAUTH) != PTRAUTH)
		features &= ~PTRAUTH;
	/* The capability is the model's: usable only if every host has it. */
	fleet = !(flags & CM_BASELINE_NO_FLEET) && with == n;
	if (fleet)
		hint[0] = 0;
	else if (with == n)
		snprintf(hint, sizeof(hint), " (KVM_CAP_ARM_OOT_FLEET_ID_REGS would make it writable: not used, --no-fleet)");
	else
		snprintf(hint, sizeof(hint), " (KVM_CAP_ARM_OOT_FLEET_ID_REGS makes it writable; %s lack%s it)",
			 with ? lack : "the hosts", with && n - with == 1 ? "s" : "");
	hosts = calloc(n, sizeof(*hosts));
	if (!hosts) {
		cm_report_add(rep, true, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		host_view(&hosts_full[i], features, fleet, &hosts[i]);
	snprintf(m->name, sizeof(m->name), "%s", name);
	ret = baseline_views(hosts, n, impl_from, flags & CM_BASELINE_PARTIAL, hint, m, rep);
	if (!ret && fleet)
		baseline_fleet(hosts, n, m, poolable, sizeof(poolable));
	if (with && with < n && !(flags & CM_BASELINE_NO_FLEET)) {
		uint64_t differ = 0;
		int s;

		/* Say so where it would matter: the hosts differ in a fleet field. */
		for (s = 0; s < CM_NR_SLOTS; s++)
			for (i = 1; i < n; i++)
				differ |= fleet_bits(s, hosts_full[i].r[s].val, hosts_full[0].r[s].val) |
					  fleet_bits(s, hosts_full[0].r[s].val, hosts_full[i].r[s].val);
		if (differ)
			cm_report_add(rep, false, "fleet-id-regs: not used, %s lack%s KVM_CAP_ARM_OOT_FLEET_ID_REGS (a model that needs it runs only where every host has it)",
				      lack, n - with == 1 ? "s" : "");
	}
	for (i = 0; i < 32; i++)
		if (hosts_full[0].features & ~m->features & (1u << i))
			cm_report_add(rep, false, "vCPU feature %s: left out, %s",
				      cm_feature_name(i) ?: "?",
				      i == CM_FEAT_EL1_32BIT ? "baseline's models have an AArch64 EL1 (add it to a model by hand)" :
				      "not every host offers it");
	for (i = 0; i < n && !ret; i++) {
		struct cm_report r2 = { 0 };

		/* The model must pass compare on every host: proof, not hope. */
		if (cm_compare(m, &hosts_full[i], &r2)) {
			char pre[80];

			snprintf(pre, sizeof(pre), "%s: ", hosts_full[i].name);
			cm_report_copy(rep, &r2, pre, false);
			ret = -1;
		}
		cm_report_free(&r2);
	}
	baseline_unmodelled(hosts_full, n, rep);
	if (!ret && poolable[0])
		cm_report_add(rep, false, "fleet-id-regs: the model requires KVM_CAP_ARM_OOT_FLEET_ID_REGS (its VMs enable it before creating vCPUs), which makes poolable: %s",
			      poolable);
	free(hosts);
	return ret;
}

static int baseline_views(const struct cm_profile *hosts, int n, int impl_from, bool partial,
			  const char *fleet_hint, struct cm_profile *m, struct cm_report *rep)
{
	char list[512];
	size_t o = 0;
	int i, s, bad = 0, donor;

	m->is_model = true;
	m->features = CM_FEATURES & ~(1u << CM_FEAT_EL1_32BIT);
	m->pvtime = true;
	for (i = 0; i < n; i++) {
		if (hosts[i].is_model) {
			cm_report_add(rep, true, "%s: is a model, baseline takes host profiles (from probe)",
				      hosts[i].name);
			return -1;
		}
		m->features &= hosts[i].features;
		m->pvtime &= !!(hosts[i].caps & CM_CAP_STEAL_TIME);
		o += snprintf(m->sources + o, o < sizeof(m->sources) ? sizeof(m->sources) - o : 0,
			      "%s%s", i ? "," : "", hosts[i].name);
	}
	if (o >= sizeof(m->sources)) {
		cm_report_add(rep, true, "\"sources\": the %d hosts' names joined with ',' are longer than %zu characters",
			      n, sizeof(m->sources) - 1);
		return -1;
	}

	/* A register is in the model only if every host has it. */
	for (s = 0; s < CM_NR_SLOTS; s++) {
		m->r[s].present = true;
		for (i = 0; i < n; i++)
			m->r[s].present &= hosts[i].r[s].present;
		/* The CCSIDR a model sets follow its CLIDR_EL1 (baseline_cache()). */
		if (s >= CM_SLOT_CCSIDR && s < CM_SLOT_MIDR) {
			m->r[s].present = false;
			continue;
		}
		if (!m->r[s].present && cm_model_requires(s)) {
			for (i = 0; i < n && hosts[i].r[s].present; i++)
				;
			/* A complete model sets it; a partial one leaves it to each host. */
			cm_report_reg(rep, partial ? ARM64CM_WARNING : ARM64CM_ERROR, s, 0, NULL,
				      NULL, NULL, "%s: %s's KVM does not have it%s", cm_slot_name(s),
				      hosts[i < n ? i : 0].name,
				      partial ? "; left to each host (partial model)" :
				      ": no complete model (--partial leaves it to each host)");
			bad += !partial;
		}
	}

	for (s = 0; s < CM_NR_SLOTS; s++) {
		enum cm_group g = cm_slot_group(s);
		uint64_t v;

		if (!m->r[s].present || g == CM_G_IMPL || (g == CM_G_CACHE && s != CM_SLOT_CTR))
			continue;
		if (g == CM_G_ID || s == CM_SLOT_CTR) {
			bad += baseline_sysreg(hosts, n, s, fleet_hint, m, rep);
			continue;
		}
		v = hosts[0].r[s].val;
		for (i = 1; i < n; i++) {
			uint64_t h = hosts[i].r[s].val;

			if (g == CM_G_BMAP)
				v &= h;
			else if (s == CM_SLOT_WA2)
				v = (h & 0xf) < (v & 0xf) ? h & 0xf : v & 0xf;
			else
				v = h < v ? h : v;
		}
		if (s == CM_SLOT_WA2) {
			for (i = 0; i < n; i++)
				if (hosts[i].r[s].val < wa2_needed(v))
					v = 1;	/* UNKNOWN */
		}
		m->r[s].val = v;
		for (i = 0; i < n; i++) {
			if (hosts[i].r[s].val != v) {
				host_list(hosts, n, NULL, s, list, sizeof(list));
				cm_report_reg(rep, ARM64CM_NOTE, s, 0, NULL, NULL, NULL, "%s = 0x%llx (%s): %s", cm_slot_name(s),
					      (unsigned long long)v,
					      g == CM_G_BMAP ? "services all hosts offer" : "lowest level",
					      list);
				break;
			}
		}
	}
	if (m->r[CM_SLOT_STD_HYP_BMAP].present && !(m->r[CM_SLOT_STD_HYP_BMAP].val & 1))
		m->pvtime = false;

	/* Implementation registers: one host's identity, as a whole. */
	donor = -1;
	for (i = 0; i < n; i++) {
		if (!(hosts[i].caps & CM_CAP_WRITABLE_IMP)) {
			if (donor >= 0 &&
			    (hosts[i].r[CM_SLOT_MIDR].val != hosts[donor].r[CM_SLOT_MIDR].val ||
			     hosts[i].r[CM_SLOT_REVIDR].val != hosts[donor].r[CM_SLOT_REVIDR].val ||
			     hosts[i].r[CM_SLOT_AIDR].val != hosts[donor].r[CM_SLOT_AIDR].val)) {
				cm_report_add(rep, true, "MIDR_EL1/REVIDR_EL1/AIDR_EL1: %s and %s differ and neither has KVM_CAP_ARM_WRITABLE_IMP_ID_REGS",
					      hosts[donor].name, hosts[i].name);
				bad++;
			}
			donor = i;
		}
	}
	if (donor >= 0 && impl_from >= 0 && impl_from != donor)
		cm_report_add(rep, false, "implementation registers: %s cannot present another identity, using its own instead of %s's",
			      hosts[donor].name, hosts[impl_from].name);
	if (donor < 0)
		donor = impl_from >= 0 && impl_from < n ? impl_from : 0;
	m->impl_set = true;
	for (s = CM_SLOT_MIDR; s <= CM_SLOT_AIDR; s++) {
		m->r[s].present = true;
		m->r[s].val = hosts[donor].r[s].val;
		for (i = 0; i < n; i++)
			if (!hosts[i].r[s].present)
				m->r[s].present = false;
	}
	if (m->r[CM_SLOT_CLIDR].present)
		bad += baseline_cache(hosts, n, donor, m, rep);

	bad += baseline_impls_pmu(hosts, n, m, rep);

	for (i = 0; i < n; i++) {
		if (hosts[i].r[CM_SLOT_MIDR].val != m->r[CM_SLOT_MIDR].val ||
		    hosts[i].r[CM_SLOT_REVIDR].val != m->r[CM_SLOT_REVIDR].val ||
		    hosts[i].r[CM_SLOT_AIDR].val != m->r[CM_SLOT_AIDR].val) {
			cm_report_add(rep, false, "MIDR_EL1 = 0x%llx, REVIDR_EL1 = 0x%llx, AIDR_EL1 = 0x%llx: identity of %s",
				      (unsigned long long)m->r[CM_SLOT_MIDR].val,
				      (unsigned long long)m->r[CM_SLOT_REVIDR].val,
				      (unsigned long long)m->r[CM_SLOT_AIDR].val, hosts[donor].name);
			break;
		}
	}

	return bad ? -1 : 0;
}
