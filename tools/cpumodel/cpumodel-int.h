/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals of libarm64cpumodel shared by its .c files. */
#ifndef ARM64_CPUMODEL_INT_H
#define ARM64_CPUMODEL_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "arm64-cpumodel.h"
#include "cpumodel.h"

/* One finding of a struct cm_report (arm64cm_finding_*() read it). */
struct arm64cm_finding {
	int severity;			/* enum arm64cm_severity */
	const char *message;
	const char *reg;		/* register name, or NULL */
	uint64_t reg_id;		/* its KVM id, or 0 */
	const char *field;		/* field name, or NULL */
	const char *rule;
	int has_values;
	uint64_t model_value, host_value;
};

/* A profile is some 20 KiB; a text beyond this is not one. */
#define CM_MAX_PROFILE_BYTES	(16 << 20)

/* The public handles are the internal structures. */
struct arm64cm_profile {
	struct cm_profile p;
};

struct arm64cm_findings {
	struct cm_report r;
};

/* A new handle holding a copy of @p; NULL when out of memory. */
struct arm64cm_profile *cm_profile_handle(const struct cm_profile *p);
/* The report of @f, or NULL (findings not wanted). */
static inline struct cm_report *cm_rep(struct arm64cm_findings *f)
{
	return f ? &f->r : NULL;
}

/*
 * The ID fields KVM hides from a VM without a vCPU feature (read_id_reg()):
 * zero them in @p for a VM with only the vCPU features @features.
 */
void cm_hide_features(struct cm_profile *p, unsigned int features);
/*
 * Would KVM take firmware register or hypercall bitmap @slot at @model on
 * a host at @host (kvm_arm_set_fw_reg())?  @why: the rule, for messages.
 */
bool cm_fw_ok(int slot, uint64_t model, uint64_t host, const char **why);

/* Name of a KVM register id the library knows, or NULL. */
const char *cm_kvm_id_name(uint64_t id);

/* KVM register index parts (uapi values; checked against the headers in cpumodel-kvm.c). */
#define CM_KVM_REG_ARM64	0x6000000000000000ULL
#define CM_KVM_REG_SIZE_U32	0x0020000000000000ULL
#define CM_KVM_REG_SIZE_U64	0x0030000000000000ULL
#define CM_KVM_DEMUX		(0x0011ULL << 16)	/* CCSIDR, by CSSELR */
#define CM_KVM_SYSREG		(0x0013ULL << 16)
#define CM_KVM_FW		(0x0014ULL << 16)
#define CM_KVM_FW_BMAP		(0x0016ULL << 16)

/* Rules of the kernel's feature tables (enum ftr_type), see gen-tables.py. */
enum { CM_RULE_NONE, CM_RULE_LOWER, CM_RULE_HIGHER, CM_RULE_HIGHER_OR_ZERO, CM_RULE_EXACT };

struct cm_enum {
	uint64_t val;
	const char *name;
};

struct cm_field {
	const char *name;
	int shift, width;
	int sign;
	int rule;
	uint64_t safe;			/* safe value of an exact field */
	const struct cm_enum *enums;
};

struct cm_regdesc {
	const char *name;
	int op0, op1, crn, crm, op2;
	int has_rules;			/* the kernel has a feature table for it */
	const struct cm_field *fields;
};

extern const struct cm_regdesc cm_regdescs[];
/* The fields of CCSIDR_EL1 without FEAT_CCIDX (KVM's 32-bit demux register). */
extern const struct cm_field cm_ccsidr_fields[];
/* Generated with the tables: names of the CM_NR_ID feature ID register slots. */
extern const char *const cm_id_slot_names[];
/*
 * The revision of the rules written by hand in cpumodel.c (the fleet
 * fields, the values KVM refuses although the feature tables allow them,
 * the fields KVM hides without a vCPU feature, the firmware and cache
 * rules): bump it with every change to them.
 */
#define CM_RULES_REVISION	".r1"
/*
 * The rule set a profile records and arm64cm_rules_id() returns:
 * "rules-", the generated tables' digest (16 hex digits), and
 * CM_RULES_REVISION.
 */
extern const char cm_rules_id[];

bool cm_slot_enc(int slot, int enc[5]);
int cm_mask_index(const int enc[5]);
const struct cm_regdesc *cm_slot_desc(int slot);
/* The field @name of register slot @slot, or NULL */
const struct cm_field *cm_field_by_name(int slot, const char *name);
uint64_t cm_field_mask(const struct cm_field *f);
int64_t cm_field_get(const struct cm_field *f, uint64_t reg);
uint64_t cm_field_set(const struct cm_field *f, uint64_t reg, int64_t v);
int64_t cm_field_safe(const struct cm_field *f, int64_t a, int64_t b);
bool cm_field_ok(const struct cm_field *f, int64_t model, int64_t host);
const char *cm_rule_name(int rule);
const char *cm_field_value_str(const struct cm_field *f, int64_t v, char *buf, size_t len);

#endif
