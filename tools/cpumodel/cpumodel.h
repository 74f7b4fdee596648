/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libarm64cpumodel: guest CPU models for KVM/arm64 virtual machine monitors.
 *
 * A profile describes the guest ABI one host's KVM offers (cm_probe(), on
 * the host) or the one a VMM wants to present on several hosts (a model,
 * from cm_baseline()).  Both are the same structure and the same JSON
 * format (docs in tools/cpumodel/README.md, "arm64-cpumodel" versions 1
 * to 3).  This is the library's internal, structure-based interface; the
 * public one is arm64-cpumodel.h.
 *
 * Everything except probe/apply/verify is plain computation on profiles
 * and works on any machine; the KVM half is built only for aarch64.
 *
 * Errors and findings are reported as text lines in a struct cm_report,
 * each naming the register and, for ID registers, the field.
 */
#ifndef ARM64_CPUMODEL_H
#define ARM64_CPUMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CM_FORMAT		"arm64-cpumodel"
/*
 * The newest profile format this library reads (it reads every older one)
 * and the one it writes.  Version 2 added "implementations" and
 * "pmu_counters"; version 3 keys registers by their KVM register id (the
 * name is an annotation) and adds "writer" and "unmodelled".
 */
#define CM_FORMAT_VERSION	3
#define CM_MAX_IMPLS		32
#define CM_MAX_UNMODELLED	64

/* Register slots of a profile; see cm_slot_name() for their names. */
enum {
	CM_SLOT_ID = 0,				/* 56 feature ID registers, */
	CM_NR_ID = 56,				/* op0=3 op1=0 CRn=0 CRm=1..7 */
	CM_SLOT_CTR = CM_SLOT_ID + CM_NR_ID,	/* CTR_EL0 */
	CM_SLOT_CLIDR,				/* CLIDR_EL1 */
	CM_SLOT_CCSIDR,				/* 14 CCSIDR_EL1, by CSSELR */
	CM_NR_CCSIDR = 14,
	CM_SLOT_MIDR = CM_SLOT_CCSIDR + CM_NR_CCSIDR,
	CM_SLOT_REVIDR,
	CM_SLOT_AIDR,
	CM_SLOT_PSCI,				/* firmware pseudo-registers */
	CM_SLOT_WA1,
	CM_SLOT_WA2,
	CM_SLOT_WA3,
	CM_SLOT_STD_BMAP,			/* hypercall service bitmaps */
	CM_SLOT_STD_HYP_BMAP,
	CM_SLOT_VENDOR_HYP_BMAP,
	CM_NR_SLOTS
};

enum cm_group { CM_G_ID, CM_G_CACHE, CM_G_IMPL, CM_G_FW, CM_G_BMAP, CM_NR_GROUPS };

/* vCPU features (KVM_ARM_VCPU_* bit numbers) a model may ask for. */
/*
 * EL1_32BIT: the VM's EL1 is AArch32.  Probe does not record it (its VM is
 * AArch64) and baseline never chooses it (its models have an AArch64 EL1),
 * but a model may ask for it: KVM then refuses ID_DFR0_EL1.CopDbg 0 even
 * with KVM_CAP_ARM_OOT_FLEET_ID_REGS, and guest code cannot verify it
 * (cm_verify_guest() runs A64 code).
 */
#define CM_FEAT_EL1_32BIT	1
#define CM_FEAT_PSCI_0_2	2
#define CM_FEAT_PMU_V3		3
/*
 * SVE: probe does not enable it (vector lengths are not part of a
 * profile), but a model may ask for it: KVM then keeps ID_AA64PFR0_EL1.FP
 * and AdvSIMD fixed even with KVM_CAP_ARM_OOT_FLEET_ID_REGS, and apply
 * gives the VM the host's vector lengths.
 */
#define CM_FEAT_SVE		4
#define CM_FEAT_PTRAUTH_ADDRESS	5
#define CM_FEAT_PTRAUTH_GENERIC	6
#define CM_FEATURES	((1u << CM_FEAT_EL1_32BIT) | \
			 (1u << CM_FEAT_PSCI_0_2) | (1u << CM_FEAT_PMU_V3) | \
			 (1u << CM_FEAT_SVE) | \
			 (1u << CM_FEAT_PTRAUTH_ADDRESS) | (1u << CM_FEAT_PTRAUTH_GENERIC))

/* Host capabilities recorded by probe. */
#define CM_CAP_WRITABLE_MASKS	(1u << 0)	/* KVM_ARM_GET_REG_WRITABLE_MASKS */
#define CM_CAP_WRITABLE_IMP	(1u << 1)	/* KVM_CAP_ARM_WRITABLE_IMP_ID_REGS */
#define CM_CAP_STEAL_TIME	(1u << 2)	/* KVM_CAP_STEAL_TIME (PV time) */
/*
 * KVM_CAP_ARM_OOT_FLEET_ID_REGS (1000, the series' out-of-tree VM
 * capability): more ID fields and CTR_EL0 fields writable (cm_fleet_mask()).
 * Host: the kernel has it, and the writable masks recorded are those of a
 * VM that enabled it.  Model (cm_profile.vm_caps): its VMs must enable it
 * before creating vCPUs, since the model changes a fleet field of a host.
 */
#define CM_CAP_FLEET_ID_REGS	(1u << 3)
#define CM_KVM_CAP_FLEET_ID_REGS	1000

/* A CPU implementation, as target-implementation discovery reports it. */
struct cm_impl {
	uint64_t midr, revidr, aidr;
};

/*
 * A register the host's KVM lists in the guest-ABI spaces (firmware
 * pseudo-registers, hypercall bitmaps, SVE, the ID space) that the library
 * does not model: recorded by probe, warned about by compare.
 */
struct cm_unmodelled {
	uint64_t id;
	bool has_val;		/* registers wider than 64 bits have none */
	uint64_t val;
};

struct cm_reg {
	bool present;		/* the host's KVM lists it / the model sets it */
	uint64_t val;
	uint64_t mask;		/* writable bits the host reports (0: none) */
};

struct cm_profile {
	char name[64];		/* host or model name */
	bool is_model;
	char kernel[65];	/* uname -r of a probed host */
	unsigned int caps;	/* CM_CAP_* (hosts) */
	unsigned int vm_caps;	/* model: VM capabilities its VMs must enable
				   (CM_CAP_FLEET_ID_REGS); JSON "capabilities" */
	unsigned int features;	/* vCPU features: offered (host) or used (model) */
	bool pvtime;		/* model: needs PV time; host: has it */
	bool impl_set;		/* model: sets MIDR/REVIDR/AIDR */
	char sources[4096];	/* model: comma-separated host names */
	struct cm_reg r[CM_NR_SLOTS];
	/*
	 * CPU implementations.  Host: its CPUs other than the one its
	 * implementation registers describe (0 for a host whose CPUs are all
	 * alike; cm_impls() gives the whole list).  Model: every
	 * implementation the VM may run on, which guests learn through
	 * target-implementation discovery (none: no discovery).
	 */
	int nr_impls;
	struct cm_impl impls[CM_MAX_IMPLS];
	/* PMCR_EL0.N, the PMU's event counters (pmu-v3), if recorded/set. */
	bool pmu_counters_set;
	unsigned int pmu_counters;
	/* Host: registers listed but not modelled. */
	int nr_unmodelled;
	struct cm_unmodelled unmodelled[CM_MAX_UNMODELLED];
	/* The library version and rule set (cm_rules_id) that wrote it ("" before version 3). */
	char writer[32];
	char rules[32];
};

/*
 * Findings (errors, warnings, explanations), each naming register and
 * field: the text lines, and the same as structured findings (item[i] is
 * line[i]; struct arm64cm_finding of the public header).
 */
struct arm64cm_finding;
struct cm_report {
	char **line;
	size_t n;
	size_t errors;
	struct arm64cm_finding *item;
};

void cm_report_add(struct cm_report *rep, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A warning: neither an error nor a plain explanation. */
void cm_report_warn(struct cm_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * A finding about register @slot (or KVM id @id when @slot < 0), field
 * @field (NULL: the register), with the model's and host's values of the
 * field (or register) when @mv/@hv are not NULL.
 */
struct cm_field;
void cm_report_reg(struct cm_report *rep, int severity, int slot, uint64_t id,
		   const struct cm_field *field, const uint64_t *mv, const uint64_t *hv,
		   const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));
void cm_report_free(struct cm_report *rep);
/*
 * Append @src's findings to @rep, each prefixed with @prefix (may be ""),
 * keeping register, field, values; @force_error: every one as an error.
 */
void cm_report_copy(struct cm_report *rep, const struct cm_report *src, const char *prefix,
		    bool force_error);

/* Names, KVM register indexes and field descriptions. */
const char *cm_slot_name(int slot);
enum cm_group cm_slot_group(int slot);
uint64_t cm_slot_kvm_id(int slot);
int cm_slot_by_name(const char *name);
const char *cm_group_key(enum cm_group g);
const char *cm_feature_name(int bit);
const char *cm_cap_name(int bit);

/*
 * The bits of register @slot that KVM_CAP_ARM_OOT_FLEET_ID_REGS makes
 * writable (0 for other registers): the tool's copy of the kernel's
 * kvm_fleet_id_fields[] (arch/arm64/kvm/sys_regs.c, patch 0026).
 */
uint64_t cm_fleet_mask(int slot);

/*
 * The writable mask of register @slot of host profile @p as the library
 * uses it: the recorded one less the fields that no revision of the kernel
 * makes writable any more (ID_AA64MMFR2_EL1.IDS, which profiles probed on
 * the first revision of patch 0026 record as writable).
 */
uint64_t cm_host_mask(const struct cm_profile *p, int slot);

/*
 * Describe the field(s) of a register covering the bits in @bits, e.g.
 * "ID_AA64ISAR0_EL1.SHA3"; writes into @buf.
 */
const char *cm_field_names(int slot, uint64_t bits, char *buf, size_t len);

/*
 * The CPU implementations of @p into @out (CM_MAX_IMPLS entries): a model's
 * list, or a host's (its implementation registers first, then its other
 * CPUs).  Returns the count.
 */
int cm_impls(const struct cm_profile *p, struct cm_impl *out);

/*
 * JSON (json-c).  Load/parse: 0 or -1 with a message in @rep.  A model
 * must set every register of cm_model_requires() unless @flags has
 * CM_LOAD_PARTIAL (ARM64CM_LOAD_PARTIAL): then each register it leaves to
 * the host is a warning.  cm_load_ext() returns ARM64CM_OK, _BAD_INPUT
 * (the file is not a valid profile, or cannot be opened) or _HOST_ERROR
 * (out of memory, read error).
 */
#define CM_LOAD_PARTIAL		(1u << 0)
int cm_load(const char *path, struct cm_profile *p, struct cm_report *rep);
int cm_parse(const char *text, const char *what, struct cm_profile *p,
	     struct cm_report *rep);
int cm_load_ext(const char *path, unsigned int flags, struct cm_profile *p,
		struct cm_report *rep);
int cm_parse_ext(const char *text, const char *what, unsigned int flags,
		 struct cm_profile *p, struct cm_report *rep);
/*
 * Does a complete model set register @slot?  The feature ID registers,
 * CTR_EL0, CLIDR_EL1 (and the CCSIDR it describes), the firmware
 * pseudo-registers and the hypercall bitmaps; not MIDR/REVIDR/AIDR (a
 * model may keep each host's identity).
 */
bool cm_model_requires(int slot);
/* Slots in write order (dependencies first); returns CM_NR_SLOTS. */
int cm_write_order(int *order);
/* The slot of KVM register id @id, or -1. */
int cm_slot_by_kvm_id(uint64_t id);
/* Returns a malloc'ed JSON text. */
char *cm_to_json(const struct cm_profile *p);
int cm_save(const char *path, const struct cm_profile *p, struct cm_report *rep);

/*
 * Can a VM with @model run on @host?  0 when it can, otherwise the number
 * of incompatible registers/fields, each reported in @rep.
 */
int cm_compare(const struct cm_profile *model, const struct cm_profile *host,
	       struct cm_report *rep);

/*
 * The most capable model all @n hosts can run.  @impl_from: index of the
 * host whose MIDR/REVIDR/AIDR the model presents when the hosts differ
 * (-1: the first host that can present it).  Explanations of every lowered
 * field go to @rep as non-error lines; conflicts no model can resolve are
 * errors (return -1).
 */
int cm_baseline(const struct cm_profile *hosts, int n, int impl_from,
		const char *name, struct cm_profile *model, struct cm_report *rep);

/*
 * cm_baseline() with @flags.  By default the fleet fields (cm_fleet_mask())
 * are writable when every host has KVM_CAP_ARM_OOT_FLEET_ID_REGS; a model
 * that then differs from a host in one of them requires the capability
 * (vm_caps).  CM_BASELINE_NO_FLEET: never (mainline's masks).
 */
#define CM_BASELINE_NO_FLEET	(1u << 0)
/*
 * CM_BASELINE_PARTIAL: a register some host lacks is left to each host
 * (a warning) instead of failing the baseline.
 */
#define CM_BASELINE_PARTIAL	(1u << 1)
int cm_baseline_ext(const struct cm_profile *hosts, int n, int impl_from, unsigned int flags,
		    const char *name, struct cm_profile *model, struct cm_report *rep);

/*
 * Cache geometry.  A model sets CLIDR_EL1 and the CCSIDR of the caches
 * that CLIDR_EL1 describes; a host lists the CCSIDR of its own caches
 * (absent: no such cache, reads as 0).
 *
 * cm_cache_described(): does @clidr describe the cache of CSSELR_EL1
 * @csselr (KVM's is_valid_cache())?
 * cm_cache_differs(): would @model change @host's geometry (then guest
 * reads of CLIDR_EL1/CCSIDR_EL1 trap and return the model's values)?
 * cm_check_cache(): can @host's KVM take @model's geometry (its writable
 * mask, and the kernel's checks against the HOST's CTR_EL0 of every value
 * that differs from the host's)?  Returns the number of problems.
 */
bool cm_cache_described(uint64_t clidr, int csselr);
bool cm_cache_differs(const struct cm_profile *model, const struct cm_profile *host);
int cm_check_cache(const struct cm_profile *model, const struct cm_profile *host,
		   struct cm_report *rep);

/* ---- KVM side (aarch64 builds only) ---------------------------------- */

#define CM_APPLY_NO_PRECHECK	(1u << 0)	/* let KVM reject (tests) */
#define CM_APPLY_DISCOVERY	(1u << 1)	/* set up target-implementation
						   discovery (opt-in: the VMM must
						   answer KVM_EXIT_HYPERCALL with
						   cm_handle_hypercall()); error if
						   KVM or the model lacks it */
#define CM_APPLY_NO_DISCOVERY	(1u << 2)	/* the default; kept for callers */

/* Target-implementation discovery: function IDs the VMM answers. */
#define CM_SMCCC_DISCOVER_IMPL_VER	0xc6000040u
#define CM_SMCCC_DISCOVER_IMPL_CPUS	0xc6000041u
#define CM_DISCOVER_IMPL_VERSION	0x10000u	/* 1.0 */

struct cm_vm {
	int kvm, vm;
	int nr_vcpus;
	int vcpu[256];
	void *mem;		/* guest memory for cm_guest_read() */
	size_t mem_size;
	/*
	 * vCPU 0 as created, before anything was written: the host's
	 * defaults (the system's CTR_EL0, the host's cache geometry), which
	 * KVM checks writes against and the guest reads untrapped.  Its
	 * writable masks are this VM's: the wide ones only if it enabled
	 * KVM_CAP_ARM_OOT_FLEET_ID_REGS (vm_caps).
	 */
	struct cm_profile host;
	/*
	 * cm_apply() set up target-implementation discovery: the SMCCC
	 * filter forwards DISCOVER_IMPL_VER/_CPUS to the VMM, which answers
	 * them with cm_handle_hypercall().
	 */
	bool discovery;
	/* VM capabilities cm_vm_create() enabled (CM_CAP_FLEET_ID_REGS). */
	unsigned int vm_caps;
};

/* Record this host's profile from a scratch VM. */
int cm_probe(struct cm_profile *p, const char *name, struct cm_report *rep);

/*
 * Create a VM with @nr_vcpus vCPUs initialised for @model (capabilities
 * enabled before the vCPUs exist: KVM_CAP_ARM_WRITABLE_IMP_ID_REGS when the
 * model sets an identity and the host has it, KVM_CAP_ARM_OOT_FLEET_ID_REGS
 * when the model requires it; features at KVM_ARM_VCPU_INIT, SVE finalized
 * with the host's vector lengths).  Returns:
 *   0   the VM exists, with @nr_vcpus vCPUs (v->nr_vcpus);
 *   -1  error (named in @rep);
 *   > 0 the model cannot run on this host: the host lacks a capability or
 *       vCPU feature the model requires (named in @rep).
 * On any return but 0 there is no VM: *@v is left with nr_vcpus 0 and no
 * file descriptor open (kvm and vm -1, vcpu[] 0, which is not a vCPU).
 * cm_vm_destroy() on it does nothing, nor on a struct the caller only
 * zeroed and never passed to cm_vm_create() (kvm and vm both 0: fd 0 is
 * not closed), and it skips fds < 0; cm_apply(), cm_verify(),
 * cm_verify_guest() and cm_verify_guest_discovery() refuse it (-1 and a
 * report line, no ioctl), as they refuse a vCPU index the VM lacks.
 */
int cm_vm_create(struct cm_vm *v, const struct cm_profile *model, int nr_vcpus,
		 struct cm_report *rep);
void cm_vm_destroy(struct cm_vm *v);

/*
 * Write @model to every vCPU of @v, in dependency order: implementation
 * registers, ID registers (CTR_EL0 among them), cache geometry, firmware
 * registers, hypercall bitmaps.  The model is first compared with what
 * this VM offers; if it cannot run, nothing is written.  If KVM still
 * rejects a write, everything already written is put back.  Returns 0 or
 * the number of rejected registers (each named in @rep), -1 on error (no
 * VM: see cm_vm_create(); out of memory).
 */
int cm_apply(struct cm_vm *v, const struct cm_profile *model, unsigned int flags,
	     struct cm_report *rep);

/*
 * The VMM's part of target-implementation discovery: call on every
 * KVM_EXIT_HYPERCALL of a vCPU (@run its mmap'ed struct kvm_run).  Answers
 * DISCOVER_IMPL_VER (version 1.0, the number of @model's implementations)
 * and DISCOVER_IMPL_CPUS (x1 the index: MIDR, REVIDR, AIDR, or
 * INVALID_PARAMETER past the end) in the vCPU's x0-x3.  Returns 1 when it
 * answered, 0 when the exit is not one of these calls (the VMM's other
 * forwarded calls), -1 with errno set on failure.
 */
struct kvm_run;
int cm_handle_hypercall(const struct cm_profile *model, int vcpu_fd, struct kvm_run *run);

/*
 * Read back from userspace and diff against @model.  0 when equal, the
 * number of differences, or -1 for a VM without vCPUs (cm_vm_create()).
 */
int cm_verify(struct cm_vm *v, const struct cm_profile *model, struct cm_report *rep);

/*
 * Run guest code on vCPU @idx that reads the identification registers with
 * MRS (CCSIDR for each CSSELR) and diff against @model.  Makes the VM run.
 * The code is A64: a model with el1-32bit (AArch32 EL1) gets -1, as does
 * a VM without vCPU @idx.
 */
int cm_verify_guest(struct cm_vm *v, int idx, const struct cm_profile *model,
		    struct cm_report *rep);

/*
 * Run guest code on vCPU @idx that asks for the implementations (KVM
 * features call, DISCOVER_IMPL_VER, DISCOVER_IMPL_CPUS for each index and
 * one past the end), answered by cm_handle_hypercall(), and check that it
 * receives @model's list.  Needs @v->discovery and vCPU @idx (else -1);
 * makes the VM run.
 */
int cm_verify_guest_discovery(struct cm_vm *v, int idx, const struct cm_profile *model,
			      struct cm_report *rep);

/* Snapshot of every register KVM_GET_REG_LIST lists (tests). */
struct cm_snapshot {
	size_t n;
	uint64_t *id;
	uint64_t *val;
};
int cm_snapshot_take(struct cm_vm *v, int idx, struct cm_snapshot *s);
int cm_snapshot_diff(const struct cm_snapshot *a, const struct cm_snapshot *b,
		     struct cm_report *rep);
void cm_snapshot_free(struct cm_snapshot *s);

#endif
