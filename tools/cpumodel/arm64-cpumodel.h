/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libarm64cpumodel 1: guest CPU models for KVM/arm64 virtual machine
 * monitors.  The public interface; nothing else is installed.
 *
 * A profile is either a host's guest ABI (arm64cm_probe() on that host) or
 * a model, the ABI a VMM presents on several hosts (arm64cm_baseline() of
 * their profiles).  Both are JSON files of the same format (man page
 * arm64-cpumodel(1), tools/cpumodel/README.md).  A VMM applies a model
 * either with the library's own file descriptors (arm64cm_vm_*) or with
 * its own: arm64cm_plan_*() returns the capabilities to enable, the vCPU
 * features and the ordered (register id, value) writes.
 *
 * Handles are opaque.  Every function may be called from any thread: the
 * library's register and field tables are constant, generated at build
 * time, and its only global state is an atomic counter (unique names of
 * the temporary files arm64cm_profile_save() writes).  One handle is used by one thread at
 * a time, except that functions taking a const handle only read it, so
 * any number of threads may share a profile they do not modify.
 *
 * Functions returning int return one of enum arm64cm_status, the same
 * numbers the arm64-cpumodel tool uses as exit status, unless documented
 * otherwise.  What went wrong, or why a model cannot run, is described in
 * findings (struct arm64cm_findings), one per problem, naming register
 * and field.  Strings and JSON texts returned as char * are malloc()ed:
 * the caller free()s them.
 *
 * Symbols are versioned (node ARM64CPUMODEL_1.0); the soname is
 * libarm64cpumodel.so.1.
 */
#ifndef ARM64_CPUMODEL_PUBLIC_H
#define ARM64_CPUMODEL_PUBLIC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ARM64CM_VERSION_MAJOR	1
#define ARM64CM_VERSION_MINOR	0
#define ARM64CM_VERSION_PATCH	0

enum arm64cm_status {
	ARM64CM_OK = 0,			/* done; compatible; equal */
	ARM64CM_INCOMPATIBLE = 1,	/* the model cannot run / KVM rejected it / differs */
	ARM64CM_BAD_INPUT = 2,		/* malformed file, bad argument, wrong kind */
	ARM64CM_HOST_ERROR = 3,		/* KVM, the system or memory failed */
};

/* "1.0.0": the library's version. */
const char *arm64cm_version(void);
/*
 * The rule set compiled in: a digest of the generated register, field and
 * rule tables (which kernel's feature tables and which sysreg description
 * they come from), recorded in every profile the library writes.
 */
const char *arm64cm_rules_id(void);

/* ---- registers and fields ------------------------------------------------ */

/*
 * The name of the register with KVM_{GET,SET}_ONE_REG id @reg_id, from the
 * library's tables (the kernel's arch/arm64/tools/sysreg), or NULL.
 */
const char *arm64cm_reg_name(uint64_t reg_id);
/*
 * Field @i (0 first, most significant first) of register @reg_id: its name,
 * lowest bit and width, and the rule KVM's sanitiser applies ("lower-safe",
 * "higher-safe", "exact", ..., or "none").  ARM64CM_BAD_INPUT past the last
 * field or for a register without field descriptions.  Pointers may be NULL.
 */
int arm64cm_reg_field(uint64_t reg_id, size_t i, const char **name, unsigned int *shift,
		      unsigned int *width, const char **rule);
/* The architecture's name of value @value of field @i (e.g. "IMP"), or NULL. */
const char *arm64cm_field_value_name(uint64_t reg_id, size_t i, uint64_t value);

/* ---- findings ------------------------------------------------------------ */

enum arm64cm_severity {
	ARM64CM_NOTE = 0,		/* explanation: what was lowered, written, ... */
	ARM64CM_WARNING = 1,		/* not an error, but an operator should know */
	ARM64CM_ERROR = 2,		/* the reason of a non-zero status */
};

struct arm64cm_findings;

/* NULL only when out of memory. */
struct arm64cm_findings *arm64cm_findings_new(void);
void arm64cm_findings_free(struct arm64cm_findings *f);
size_t arm64cm_findings_count(const struct arm64cm_findings *f);
/* Number of findings of severity ARM64CM_ERROR. */
size_t arm64cm_findings_errors(const struct arm64cm_findings *f);
/*
 * Finding @i (< count).  Strings belong to the findings (valid until they
 * are freed); out of range: severity ARM64CM_NOTE, NULL, 0.
 */
enum arm64cm_severity arm64cm_finding_severity(const struct arm64cm_findings *f, size_t i);
/* The whole text, as the tool prints it. */
const char *arm64cm_finding_message(const struct arm64cm_findings *f, size_t i);
/* The register it is about (name and KVM_{GET,SET}_ONE_REG id), or NULL and 0. */
const char *arm64cm_finding_register(const struct arm64cm_findings *f, size_t i);
uint64_t arm64cm_finding_reg_id(const struct arm64cm_findings *f, size_t i);
/* The field (NULL: the whole register) and its rule ("lower-safe", ...), or NULL. */
const char *arm64cm_finding_field(const struct arm64cm_findings *f, size_t i);
const char *arm64cm_finding_rule(const struct arm64cm_findings *f, size_t i);
/*
 * The field's (or register's) value in the model and on the host (for
 * drift: before and now): 1 with both set, 0 when the finding has none.
 */
int arm64cm_finding_values(const struct arm64cm_findings *f, size_t i, uint64_t *model,
			   uint64_t *host);
/*
 * JSON: {"format": "arm64-cpumodel-findings", "version": 1, "errors": N,
 * "findings": [ { "severity": "note"|"warning"|"error", "message": ...,
 * and where they apply "register", "id", "field", "rule", "model",
 * "host" } ] }.  Members are only added, never renamed or removed, within
 * a version.  NULL when out of memory.
 */
char *arm64cm_findings_to_json(const struct arm64cm_findings *f);

/*
 * Every function taking a struct arm64cm_findings * appends to it and
 * accepts NULL (then nothing is recorded).
 */

/* ---- profiles ------------------------------------------------------------ */

struct arm64cm_profile;

/*
 * Accept a model that leaves registers to the host: without it a model
 * must set every register the format describes (a file without
 * "registers", or one that lost a register, is bad input).  With it, each
 * register left to the host is a warning finding.
 */
#define ARM64CM_LOAD_PARTIAL	(1u << 0)

int arm64cm_profile_load(const char *path, unsigned int flags, struct arm64cm_profile **out,
			 struct arm64cm_findings *f);
/* @what names the text in findings (a file name). */
int arm64cm_profile_parse(const char *json, const char *what, unsigned int flags,
			  struct arm64cm_profile **out, struct arm64cm_findings *f);
/*
 * Written atomically: a new temporary file next to @path (O_EXCL), fsync,
 * rename; on failure @path is as it was.
 */
int arm64cm_profile_save(const struct arm64cm_profile *p, const char *path,
			 struct arm64cm_findings *f);
/*
 * The JSON text, in the lowest format version that holds the content and
 * keys registers by KVM id: version 3 (this library writes no other).
 */
char *arm64cm_profile_to_json(const struct arm64cm_profile *p);
/* Human-readable, decoded by field (arm64-cpumodel show). */
char *arm64cm_profile_describe(const struct arm64cm_profile *p);
void arm64cm_profile_free(struct arm64cm_profile *p);

const char *arm64cm_profile_name(const struct arm64cm_profile *p);
/* 1: a model; 0: a host profile. */
int arm64cm_profile_is_model(const struct arm64cm_profile *p);
/* 1: a model needs PV stolen time (KVM_CAP_STEAL_TIME); a host has it. */
int arm64cm_profile_pvtime(const struct arm64cm_profile *p);
/* 1 and *@n: PMCR_EL0.N recorded (host) or given to VMs (model); 0: none. */
int arm64cm_profile_pmu_counters(const struct arm64cm_profile *p, unsigned int *n);
/*
 * CPU implementations: a model's (what guests learn through
 * target-implementation discovery), or a host's, its own first.
 */
size_t arm64cm_profile_nr_impls(const struct arm64cm_profile *p);
int arm64cm_profile_impl(const struct arm64cm_profile *p, size_t i, uint64_t *midr,
			 uint64_t *revidr, uint64_t *aidr);
/* A host profile's kernel release (uname -r when probed); NULL for a model. */
const char *arm64cm_profile_kernel(const struct arm64cm_profile *p);
/*
 * vCPU features (kvm_vcpu_init.features[0] bits, KVM_ARM_VCPU_*): those a
 * host offers, or a model's VMs use.
 */
uint32_t arm64cm_profile_vcpu_features(const struct arm64cm_profile *p);
/*
 * The registers a profile records (host) or sets (model), in write order:
 * @i from 0 to arm64cm_profile_nr_regs() - 1.  @writable: the bits the
 * host's KVM lets a VMM change (0 in models).  Pointers may be NULL.
 */
size_t arm64cm_profile_nr_regs(const struct arm64cm_profile *p);
int arm64cm_profile_reg(const struct arm64cm_profile *p, size_t i, uint64_t *reg_id,
			const char **name, uint64_t *value, uint64_t *writable);
/* By KVM register id: ARM64CM_OK, or ARM64CM_BAD_INPUT when not recorded. */
int arm64cm_profile_find(const struct arm64cm_profile *p, uint64_t reg_id, uint64_t *value,
			 uint64_t *writable);

/* ---- compare and baseline ------------------------------------------------ */

/*
 * Can a VM with @model run on the host @host was probed on?  OK, or
 * INCOMPATIBLE with one error finding per register/field; BAD_INPUT when
 * @host is a model.  Registers @host lists that the library does not
 * model are warnings.  @model may be a host profile too: can a VM that
 * presents exactly that host run on @host?
 */
int arm64cm_compare(const struct arm64cm_profile *model, const struct arm64cm_profile *host,
		    struct arm64cm_findings *f);

/* Mainline's writable masks only (no KVM_CAP_ARM_OOT_FLEET_ID_REGS). */
#define ARM64CM_BASELINE_NO_FLEET	(1u << 0)
/*
 * A register some host lacks is left to each host (a warning finding)
 * instead of failing: the model is partial (load it with
 * ARM64CM_LOAD_PARTIAL).
 */
#define ARM64CM_BASELINE_PARTIAL	(1u << 1)

/*
 * The most capable model every one of @n host profiles can run, named
 * @name.  @impl_from: the name of the host whose MIDR/REVIDR/AIDR the
 * model presents, or NULL.  Notes explain every lowered field; OK or
 * INCOMPATIBLE (conflicts no model resolves, as errors), BAD_INPUT for a
 * model among @hosts or an unknown @impl_from.
 */
int arm64cm_baseline(const struct arm64cm_profile *const *hosts, size_t n,
		     const char *impl_from, unsigned int flags, const char *name,
		     struct arm64cm_profile **model, struct arm64cm_findings *f);

/* ---- applying a model with the VMM's own file descriptors ---------------- */

/*
 * How the library reads the VMM's VM.  Return 0 or a negative errno.
 * get_reg of a 32-bit register (KVM_REG_SIZE_U32: CCSIDR_EL1) returns the
 * value in the low 32 bits of *value, zero-extended.
 * @size: the caller sets it to sizeof(struct arm64cm_host_ops); later
 * versions append members and read only those within @size.
 * check_extension: KVM_CHECK_EXTENSION on the VM fd (its result >= 0).
 * get_reg: KVM_GET_ONE_REG on vCPU 0 of the VM, before it ran (-ENOENT:
 * KVM does not have the register).  get_writable_masks: the 192 masks of
 * KVM_ARM_GET_REG_WRITABLE_MASKS (NULL, or -ENOTTY, where KVM lacks it).
 */
struct arm64cm_host_ops {
	size_t size;		/* sizeof(struct arm64cm_host_ops) of the caller */
	int (*check_extension)(void *opaque, unsigned long cap, int *result);
	int (*get_reg)(void *opaque, uint64_t reg_id, uint64_t *value);
	int (*get_writable_masks)(void *opaque, uint64_t masks[192]);
};

struct arm64cm_plan;

/*
 * Step 1, before the VM has vCPUs: what the VM needs.  Uses only
 * check_extension.  INCOMPATIBLE when the host lacks a capability or a
 * vCPU feature the model requires.
 */
int arm64cm_plan_vm(const struct arm64cm_profile *model, const struct arm64cm_host_ops *ops,
		    void *opaque, struct arm64cm_plan **plan, struct arm64cm_findings *f);
/* KVM_ENABLE_CAP these on the VM (args[0] 0) before creating vCPUs. */
size_t arm64cm_plan_nr_caps(const struct arm64cm_plan *plan);
unsigned long arm64cm_plan_cap(const struct arm64cm_plan *plan, size_t i);
/*
 * kvm_vcpu_init.features[0] bits (to OR into KVM_ARM_PREFERRED_TARGET's
 * answer).  SVE vector lengths are not part of a model: a VMM that gives
 * a model with KVM_ARM_VCPU_SVE to its VMs sets KVM_REG_ARM64_SVE_VLS
 * itself, the same on every host, before KVM_ARM_VCPU_FINALIZE.
 */
uint32_t arm64cm_plan_vcpu_features(const struct arm64cm_plan *plan);
/*
 * Step 2, once vCPU 0 exists and is initialised as step 1 says: read the
 * VM's defaults through @ops, check the model against them, and compute
 * the writes.  INCOMPATIBLE (nothing planned) when the model cannot run.
 */
int arm64cm_plan_writes(struct arm64cm_plan *plan, const struct arm64cm_host_ops *ops,
			void *opaque, struct arm64cm_findings *f);
/*
 * The writes, in order: KVM_SET_ONE_REG each on every vCPU, after
 * KVM_ARM_VCPU_INIT (and the PMU's KVM_ARM_VCPU_PMU_V3_SET_PMU, which
 * resets PMCR_EL0.N on newer kernels) and before the VM first runs.  Every
 * register the model sets is listed, equal to the VM's or not: a cache
 * register is per vCPU and the defaults of vCPUs on different CPUs may
 * differ.  KVM ignores a PMCR_EL0.N above the host's (step 2 checked it).
 * The SMCCC workaround levels are not writes: step 2 checks them.
 * Make the writes before the VMM reads back the vCPU's registers for its
 * own state (QEMU's cpreg list, a snapshot), so that what it writes back
 * on reset or restore is the model; after initialising a vCPU again
 * (KVM_ARM_VCPU_INIT on reset) write them again, as a re-initialised vCPU
 * may get per-vCPU registers (the cache geometry) from the host again.
 * A model with PV time (arm64cm_profile_pvtime()) needs the VMM to set up
 * stolen time (KVM_ARM_VCPU_PVTIME_CTRL) on every vCPU, as for any VM.
 * @name: the library's name of the register.  U32 registers (CCSIDR_EL1)
 * come as a uint64_t value, to be written as 32 bits (KVM_REG_SIZE_U32).
 */
size_t arm64cm_plan_nr_writes(const struct arm64cm_plan *plan);
int arm64cm_plan_write(const struct arm64cm_plan *plan, size_t i, uint64_t *reg_id,
		       uint64_t *value, const char **name);
/*
 * Target-implementation discovery, for a model with implementations: the
 * bits to set in KVM_REG_ARM_VENDOR_HYP_BMAP_2 (on one vCPU, VM-scoped) and
 * the SMCCC function range [@base, @base + @nr) to forward to the VMM with
 * the SMCCC filter (KVM_ARM_VM_SMCCC_FILTER, KVM_SMCCC_FILTER_FWD_TO_USER),
 * answered with arm64cm_handle_hypercall().  ARM64CM_BAD_INPUT for a model
 * without implementations (no discovery).
 */
int arm64cm_plan_discovery(const struct arm64cm_plan *plan, uint64_t *bmap2_bits,
			   uint32_t *base, uint32_t *nr);
void arm64cm_plan_free(struct arm64cm_plan *plan);

/* ---- the library's own VM (KVM hosts only) ------------------------------- */

struct arm64cm_vm;
struct kvm_run;

/* Record this host's profile from a scratch VM.  OK or HOST_ERROR. */
int arm64cm_probe(const char *name, struct arm64cm_profile **host, struct arm64cm_findings *f);

/*
 * A VM with @nr_vcpus vCPUs set up for @model (capabilities, features).
 * INCOMPATIBLE: the host lacks what the model requires; HOST_ERROR.
 */
int arm64cm_vm_create(const struct arm64cm_profile *model, int nr_vcpus,
		      struct arm64cm_vm **vm, struct arm64cm_findings *f);
void arm64cm_vm_destroy(struct arm64cm_vm *vm);
int arm64cm_vm_nr_vcpus(const struct arm64cm_vm *vm);
/* The VM's KVM fds, for a VMM that runs it (-1 when out of range). */
int arm64cm_vm_fd(const struct arm64cm_vm *vm);
int arm64cm_vm_vcpu_fd(const struct arm64cm_vm *vm, int idx);

/*
 * Set up target-implementation discovery (the VMM answers the calls).  The
 * SMCCC filter that forwards them is VM state KVM does not migrate: a VMM
 * sets it up again on the destination (apply with this flag there too)
 * before the guest runs, and answers from the same model.
 */
#define ARM64CM_APPLY_DISCOVERY		(1u << 0)
/* Skip the library's own check; let KVM reject (tests). */
#define ARM64CM_APPLY_NO_PRECHECK	(1u << 1)

/* Write @model to every vCPU; on rejection everything written is undone. */
int arm64cm_vm_apply(struct arm64cm_vm *vm, const struct arm64cm_profile *model,
		     unsigned int flags, struct arm64cm_findings *f);
/* Read back from userspace; OK or INCOMPATIBLE (differences). */
int arm64cm_vm_verify(struct arm64cm_vm *vm, const struct arm64cm_profile *model,
		      struct arm64cm_findings *f);
/* Guest code on vCPU @idx reads the registers with MRS (the VM runs). */
int arm64cm_vm_verify_guest(struct arm64cm_vm *vm, int idx, const struct arm64cm_profile *model,
			    struct arm64cm_findings *f);
/* 1 when arm64cm_vm_apply() set up discovery. */
int arm64cm_vm_discovery(const struct arm64cm_vm *vm);
int arm64cm_vm_verify_guest_discovery(struct arm64cm_vm *vm, int idx,
				      const struct arm64cm_profile *model,
				      struct arm64cm_findings *f);
/*
 * Answer a KVM_EXIT_HYPERCALL of target-implementation discovery from
 * @model: 1 answered, 0 not such a call, -1 with errno on failure.
 */
int arm64cm_handle_hypercall(const struct arm64cm_profile *model, int vcpu_fd,
			     struct kvm_run *run);

/* ---- bridges to VMMs and drift ------------------------------------------- */

/*
 * QEMU: in *@out the "-cpu host,..." property list of the arm64 KVM
 * CPU-model properties (SYSREG_<REGISTER>_<FIELD>=value), one per field
 * @host reports writable and @model sets (malloc()ed).  OK; INCOMPATIBLE
 * when QEMU cannot give a VM @model on @host (an error finding per
 * register and field); BAD_INPUT when @model is not a model or @host not a
 * host profile; HOST_ERROR when out of memory.  *@out is NULL on failure.
 */
int arm64cm_export_qemu(const struct arm64cm_profile *model,
			const struct arm64cm_profile *host, char **out,
			struct arm64cm_findings *f);
/*
 * Firecracker: in *@out a custom CPU template for aarch64 (reg_modifiers
 * with the KVM register id and a 0/1/x bitmap; vcpu_features), JSON,
 * malloc()ed.  Statuses as arm64cm_export_qemu()'s.
 */
int arm64cm_export_firecracker(const struct arm64cm_profile *model,
			       const struct arm64cm_profile *host, char **out,
			       struct arm64cm_findings *f);
/*
 * The model a Firecracker template gives on @host: @host's values with the
 * template's bits applied (what Firecracker writes).  OK; INCOMPATIBLE
 * when KVM (so Firecracker) would refuse the template on @host (findings
 * name the template entry, register and field); BAD_INPUT for a malformed
 * template or when @host is a model; HOST_ERROR when out of memory.
 * *@model is NULL on failure.
 */
int arm64cm_import_firecracker(const char *json, const struct arm64cm_profile *host,
			       struct arm64cm_profile **model, struct arm64cm_findings *f);

/*
 * Drift: what of a host changed between two of its profiles (kernel,
 * firmware levels, capabilities, features, registers, masks).  OK when
 * nothing the guest ABI depends on changed, INCOMPATIBLE otherwise (one
 * finding per change; warnings for changes models do not see).
 */
int arm64cm_drift(const struct arm64cm_profile *before, const struct arm64cm_profile *now,
		  struct arm64cm_findings *f);
/* A short digest of what drift compares ("arm64cm1:" and 16 hex digits). */
char *arm64cm_fingerprint(const struct arm64cm_profile *p);

#ifdef __cplusplus
}
#endif
#endif
