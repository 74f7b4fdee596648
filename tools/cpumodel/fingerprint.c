// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libarm64cpumodel: drift and fingerprint of host profiles.
 *
 * arm64cm_drift() says what of a host changed between two of its profiles
 * (a kernel or firmware update, a changed KVM): the kernel, capabilities,
 * vCPU features, PV time, PMU counters, CPU implementations, firmware
 * levels, every register value (decoded by field), every writable mask,
 * registers that appeared or went away, and the registers the library does
 * not model.  The question behind each severity is: can a model baselined
 * from the old profile still run on the host, and do its guests still see
 * what they saw?
 *
 *   ERROR    a model baselined from the old profile may fail to run (KVM
 *            refuses a value it sets), or its guests see something else:
 *            a field whose rule makes the old value unsafe now (a lower-safe
 *            field lowered, ...), any change of a field this host does not
 *            let a VMM change, capabilities, vCPU features, PV time or PMU
 *            counters lost, a new CPU implementation (a model's list does
 *            not name it), registers lost, writable masks narrowed,
 *            firmware levels KVM no longer accepts (a PSCI version or
 *            workaround level lowered, hypercall services lost), a cache
 *            geometry KVM no longer accepts;
 *   WARNING  changes a model baselined from the old profile cannot see: a
 *            field raised where the old value stays safe and writable,
 *            masks widened, new capabilities, features, registers and
 *            services, a firmware level KVM still lets a VM keep at the old
 *            one, the kernel version (uname -r), unmodelled registers that
 *            appeared or changed value (no rule says which way is safe).
 *
 * arm64cm_drift() returns ARM64CM_OK when no finding is an error (nothing,
 * or warnings only), ARM64CM_INCOMPATIBLE otherwise; ARM64CM_BAD_INPUT
 * when either profile is a model.
 *
 * arm64cm_fingerprint() digests exactly what arm64cm_drift() compares, in a
 * canonical serialisation (see fp_*() below), so that two profiles have the
 * same fingerprint exactly when drift finds nothing (but for a 64-bit
 * collision): neither the JSON text (key order, formatting, format version)
 * nor the profile's name (a label) nor the writer of the file (library
 * version, rule set) count.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm64-cpumodel.h"
#include "cpumodel.h"
#include "cpumodel-int.h"

#define FP_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- SHA-256 (FIPS 180-4), for the fingerprint -------------------------- */

struct fp_sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed */
	unsigned char buf[64];
	size_t n;		/* bytes in buf */
};

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static uint32_t ror32(uint32_t x, int n)
{
	return x >> n | x << (32 - n);
}

static void sha256_init(struct fp_sha256 *c)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(c->h, h0, sizeof(h0));
	c->len = 0;
	c->n = 0;
}

static void sha256_block(struct fp_sha256 *c, const unsigned char *p)
{
	uint32_t w[64], s[8], t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + (ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ w[i - 15] >> 3) +
		       w[i - 7] + (ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ w[i - 2] >> 10);
	memcpy(s, c->h, sizeof(s));
	for (i = 0; i < 64; i++) {
		t1 = s[7] + (ror32(s[4], 6) ^ ror32(s[4], 11) ^ ror32(s[4], 25)) +
		     ((s[4] & s[5]) ^ (~s[4] & s[6])) + sha256_k[i] + w[i];
		t2 = (ror32(s[0], 2) ^ ror32(s[0], 13) ^ ror32(s[0], 22)) +
		     ((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]));
		memmove(&s[1], &s[0], 7 * sizeof(s[0]));
		s[4] += t1;
		s[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		c->h[i] += s[i];
}

static void sha256_update(struct fp_sha256 *c, const void *data, size_t len)
{
	const unsigned char *p = data;

	c->len += len;
	while (len) {
		size_t k = 64 - c->n < len ? 64 - c->n : len;

		memcpy(c->buf + c->n, p, k);
		c->n += k;
		p += k;
		len -= k;
		if (c->n == 64) {
			sha256_block(c, c->buf);
			c->n = 0;
		}
	}
}

static void sha256_final(struct fp_sha256 *c, unsigned char out[32])
{
	uint64_t bits = c->len * 8;
	unsigned char pad[72] = { 0x80 };
	size_t padlen = (c->n < 56 ? 56 : 120) - c->n;
	int i;

	for (i = 0; i < 8; i++)
		pad[padlen + i] = bits >> (56 - 8 * i);
	sha256_update(c, pad, padlen + 8);
	for (i = 0; i < 32; i++)
		out[i] = c->h[i / 4] >> (24 - 8 * (i % 4));
}

/* ---- canonical serialisation -------------------------------------------- */

/*
 * Version 1 of the fingerprint ("arm64cm1:"): SHA-256 over the following,
 * every integer little-endian of the width given, every string its length
 * (u32) and bytes; the first 8 bytes of the hash, as 16 hex digits.
 *
 *   "arm64cm-fingerprint-1" and a NUL byte
 *   u8  kind: 0 host, 1 model
 *   str kernel (uname -r; "" in models)
 *   u32 capabilities (CM_CAP_* bits; a model's: the VM capabilities it requires)
 *   u32 vCPU features (KVM_ARM_VCPU_* bits)
 *   u8  PV time
 *   u8  PMU counters recorded, u32 their number (0 when not recorded)
 *   u32 number of CPU implementations (cm_impls()), then each, sorted
 *       by MIDR, REVIDR, AIDR: u64 MIDR_EL1, u64 REVIDR_EL1, u64 AIDR_EL1
 *   u32 number of registers, modelled or not (unmodelled), then each,
 *       sorted by KVM register id: u64 id, u8 has a value, u64 value (0
 *       without one), u64 writable mask (cm_host_mask(); 0 in models and
 *       for unmodelled registers): one list, so that a register a later
 *       library models keeps its place
 *
 * Changing any of this changes the digest: a new layout is a new version
 * ("arm64cm2:"), so that digests of different layouts never compare equal
 * by accident.
 */
#define FP_MAGIC	"arm64cm-fingerprint-1"
#define FP_PREFIX	"arm64cm1:"

static void fp_u8(struct fp_sha256 *c, unsigned int v)
{
	unsigned char b = v;

	sha256_update(c, &b, 1);
}

/* @v as @len bytes, little-endian. */
static void fp_le(struct fp_sha256 *c, uint64_t v, size_t len)
{
	unsigned char b[8];
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = v >> (8 * i);
	sha256_update(c, b, len);
}

static void fp_u32(struct fp_sha256 *c, uint32_t v)
{
	fp_le(c, v, 4);
}

static void fp_u64(struct fp_sha256 *c, uint64_t v)
{
	fp_le(c, v, 8);
}

static void fp_str(struct fp_sha256 *c, const char *s)
{
	size_t n = strlen(s);

	fp_u32(c, n);
	sha256_update(c, s, n);
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_impl(const void *a, const void *b)
{
	const struct cm_impl *x = a, *y = b;

	return cmp_u64(x->midr, y->midr) ?: cmp_u64(x->revidr, y->revidr) ?:
	       cmp_u64(x->aidr, y->aidr);
}

/* A register, modelled or not (one list, see above). */
struct fp_reg {
	uint64_t id, val, mask;
	uint8_t has_val;
};

static int cmp_reg(const void *a, const void *b)
{
	return cmp_u64(((const struct fp_reg *)a)->id, ((const struct fp_reg *)b)->id);
}

/* The writable mask drift compares: the one the library uses. */
static uint64_t reg_mask(const struct cm_profile *p, int slot)
{
	return p->is_model ? 0 : cm_host_mask(p, slot);
}

static void fp_profile(struct fp_sha256 *c, const struct cm_profile *p)
{
	struct fp_reg regs[CM_NR_SLOTS + CM_MAX_UNMODELLED];
	struct cm_impl impls[CM_MAX_IMPLS];
	int n, i, s;

	sha256_update(c, FP_MAGIC, sizeof(FP_MAGIC));
	fp_u8(c, p->is_model);
	fp_str(c, p->is_model ? "" : p->kernel);
	fp_u32(c, p->is_model ? p->vm_caps : p->caps);
	fp_u32(c, p->features);
	fp_u8(c, p->pvtime);
	fp_u8(c, p->pmu_counters_set);
	fp_u32(c, p->pmu_counters_set ? p->pmu_counters : 0);

	n = cm_impls(p, impls);
	qsort(impls, n, sizeof(impls[0]), cmp_impl);
	fp_u32(c, n);
	for (i = 0; i < n; i++) {
		fp_u64(c, impls[i].midr);
		fp_u64(c, impls[i].revidr);
		fp_u64(c, impls[i].aidr);
	}

	for (n = 0, s = 0; s < CM_NR_SLOTS; s++)
		if (p->r[s].present)
			regs[n++] = (struct fp_reg){ cm_slot_kvm_id(s), p->r[s].val,
						     reg_mask(p, s), 1 };
	for (i = 0; i < p->nr_unmodelled && i < CM_MAX_UNMODELLED; i++)
		regs[n++] = (struct fp_reg){ p->unmodelled[i].id, p->unmodelled[i].val, 0,
					     p->unmodelled[i].has_val };
	qsort(regs, n, sizeof(regs[0]), cmp_reg);
	fp_u32(c, n);
	for (i = 0; i < n; i++) {
		fp_u64(c, regs[i].id);
		fp_u8(c, regs[i].has_val);
		fp_u64(c, regs[i].has_val ? regs[i].val : 0);
		fp_u64(c, regs[i].mask);
	}
}

char *arm64cm_fingerprint(const struct arm64cm_profile *p)
{
	unsigned char h[32];
	struct fp_sha256 c;
	char *s;
	int i;

	if (!p)
		return NULL;
	sha256_init(&c);
	fp_profile(&c, &p->p);
	sha256_final(&c, h);
	s = malloc(sizeof(FP_PREFIX) + 16);
	if (!s)
		return NULL;
	memcpy(s, FP_PREFIX, sizeof(FP_PREFIX) - 1);
	for (i = 0; i < 8; i++)
		snprintf(s + sizeof(FP_PREFIX) - 1 + 2 * i, 3, "%02x", h[i]);
	return s;
}

/* ---- drift -------------------------------------------------------------- */

struct drift {
	struct cm_report *rep;		/* NULL: findings not wanted */
	int errors;
	const struct cm_profile *a, *b;	/* before, now */
	bool geometry_bad;		/* KVM refuses the old cache geometry now */
};

/*
 * A finding about register @slot (or KVM id @id), field @f: with the old
 * and new value of the field (or register) when @ov/@nv are set.  @no_rule:
 * the field has no rule of the kernel's feature tables at all (cache
 * geometry, implementation registers), rather than "fixed".
 */
static void __attribute__((format(printf, 9, 10)))
drift_reg(struct drift *d, int sev, int slot, uint64_t id, const struct cm_field *f,
	  bool no_rule, const uint64_t *ov, const uint64_t *nv, const char *fmt, ...)
{
	size_t before = d->rep ? d->rep->n : 0;
	char *msg;
	va_list ap;
	int n;

	if (sev == ARM64CM_ERROR)
		d->errors++;
	if (!d->rep)
		return;
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	cm_report_reg(d->rep, sev, slot, id, f, ov, nv, "%s", msg);
	free(msg);
	if (no_rule && d->rep->n > before && d->rep->item)
		d->rep->item[d->rep->n - 1].rule = NULL;
}

/* A finding about no register. */
#define drift_msg(d, sev, ...) drift_reg(d, sev, -1, 0, NULL, false, NULL, NULL, __VA_ARGS__)

/* ---- kernel, capabilities, features, PMU, implementations ---------------- */

static const char *const cap_kvm[] = {
	"KVM_ARM_GET_REG_WRITABLE_MASKS", "KVM_CAP_ARM_WRITABLE_IMP_ID_REGS",
	"KVM_CAP_STEAL_TIME", "KVM_CAP_ARM_OOT_FLEET_ID_REGS",
};

static const char *const cap_lost_why[] = {
	"the host no longer reports which ID fields a VMM may change: models cannot be checked against it",
	"MIDR_EL1/REVIDR_EL1/AIDR_EL1 are no longer writable: a model with another host's identity cannot run",
	"PV stolen time is gone: a model that needs pvtime cannot run",
	"the fleet fields are no longer writable: a model that requires fleet-id-regs cannot run",
};

static void drift_host(struct drift *d)
{
	const struct cm_profile *a = d->a, *b = d->b;
	unsigned int lost, gained;
	int bit;

	if (strcmp(a->kernel, b->kernel))
		drift_msg(d, ARM64CM_WARNING, "kernel: was %s, now %s (uname -r)",
			  a->kernel[0] ? a->kernel : "(not recorded)",
			  b->kernel[0] ? b->kernel : "(not recorded)");

	lost = a->caps & ~b->caps;
	gained = b->caps & ~a->caps;
	for (bit = 0; bit < 32; bit++) {
		const char *name = cm_cap_name(bit) ?: "?";
		const char *kvm = bit < (int)FP_ARRAY_SIZE(cap_kvm) ? cap_kvm[bit] : "?";

		if (lost & (1u << bit))
			drift_msg(d, ARM64CM_ERROR, "capability %s (%s): lost; %s", name, kvm,
				  bit < (int)FP_ARRAY_SIZE(cap_lost_why) ? cap_lost_why[bit] :
				  "models that use it cannot run");
		if (gained & (1u << bit))
			drift_msg(d, ARM64CM_WARNING, "capability %s (%s): new", name, kvm);
	}

	lost = a->features & ~b->features;
	gained = b->features & ~a->features;
	for (bit = 0; bit < 32; bit++) {
		if (lost & (1u << bit))
			drift_msg(d, ARM64CM_ERROR,
				  "vCPU feature %s: no longer offered; a model that uses it cannot run",
				  cm_feature_name(bit) ?: "?");
		if (gained & (1u << bit))
			drift_msg(d, ARM64CM_WARNING, "vCPU feature %s: newly offered",
				  cm_feature_name(bit) ?: "?");
	}

	if (a->pvtime && !b->pvtime)
		drift_msg(d, ARM64CM_ERROR,
			  "PV time: no longer offered; a model that needs pvtime cannot run");
	else if (!a->pvtime && b->pvtime)
		drift_msg(d, ARM64CM_WARNING, "PV time: newly offered");

	if (a->pmu_counters_set && !b->pmu_counters_set)
		drift_msg(d, ARM64CM_ERROR,
			  "PMCR_EL0.N: was %u event counters, now not recorded; a model with counters cannot be checked against this host",
			  a->pmu_counters);
	else if (!a->pmu_counters_set && b->pmu_counters_set)
		drift_msg(d, ARM64CM_WARNING, "PMCR_EL0.N: now recorded, %u event counters",
			  b->pmu_counters);
	else if (a->pmu_counters_set && b->pmu_counters > a->pmu_counters)
		drift_msg(d, ARM64CM_WARNING,
			  "PMCR_EL0.N: was %u event counters, now %u; a model with %u still runs",
			  a->pmu_counters, b->pmu_counters, a->pmu_counters);
	else if (a->pmu_counters_set && b->pmu_counters < a->pmu_counters)
		drift_msg(d, ARM64CM_ERROR,
			  "PMCR_EL0.N: was %u event counters, now %u; a model with more than %u cannot run",
			  a->pmu_counters, b->pmu_counters, b->pmu_counters);
}

static bool impl_in(const struct cm_impl *l, int n, const struct cm_impl *x)
{
	int i;

	for (i = 0; i < n; i++)
		if (!cmp_impl(&l[i], x))
			return true;
	return false;
}

/* The host's CPU implementations, as a set. */
static void drift_impls(struct drift *d)
{
	struct cm_impl la[CM_MAX_IMPLS], lb[CM_MAX_IMPLS];
	int na = cm_impls(d->a, la), nb = cm_impls(d->b, lb), i;

	for (i = 0; i < nb; i++)
		if (!impl_in(la, na, &lb[i]))
			drift_msg(d, ARM64CM_ERROR,
				  "implementations: new CPU implementation MIDR_EL1 0x%016llx REVIDR_EL1 0x%llx AIDR_EL1 0x%llx; a model's implementations list does not name it (its guests would not learn this CPU's errata)",
				  (unsigned long long)lb[i].midr, (unsigned long long)lb[i].revidr,
				  (unsigned long long)lb[i].aidr);
	for (i = 0; i < na; i++)
		if (!impl_in(lb, nb, &la[i]))
			drift_msg(d, ARM64CM_WARNING,
				  "implementations: CPU implementation MIDR_EL1 0x%016llx REVIDR_EL1 0x%llx AIDR_EL1 0x%llx gone",
				  (unsigned long long)la[i].midr, (unsigned long long)la[i].revidr,
				  (unsigned long long)la[i].aidr);
}

/* ---- firmware pseudo-registers and hypercall bitmaps -------------------- */

/*
 * Levels of the firmware pseudo-registers (uapi asm/kvm.h and
 * Documentation/virt/kvm/arm/hypercalls.rst; what the kernel reports in
 * get_kernel_wa_level() of arch/arm64/kvm/hypercalls.c).  WORKAROUND_1 and
 * _3: 0 NOT_AVAIL, 1 AVAIL, 2 NOT_REQUIRED.  WORKAROUND_2 has its own
 * numbers: 0 NOT_AVAIL, 1 UNKNOWN, 2 AVAIL, 3 NOT_REQUIRED (bit 4 ENABLED
 * is a vCPU's state, never a host's).
 */
static const char *const wa13_levels[] = {
	"NOT_AVAIL: KVM offers guests no firmware workaround",
	"AVAIL: the workaround call is offered and guests need it",
	"NOT_REQUIRED: the workaround call is offered, this CPU does not need it",
};

static const char *const wa2_levels[] = {
	"NOT_AVAIL: KVM offers guests no firmware workaround",
	"UNKNOWN: the mitigation state is unknown, no firmware workaround",
	"AVAIL: the workaround is offered and a vCPU may disable it",
	"NOT_REQUIRED: the mitigation is always active or not needed",
};

static const char *fw_cve(int slot)
{
	switch (slot) {
	case CM_SLOT_WA1:
		return "CVE-2017-5715, Spectre v2";
	case CM_SLOT_WA2:
		return "CVE-2018-3639, Spectre v4";
	default:
		return "CVE-2022-23960, Spectre-BHB";
	}
}

static const char *fw_level(int slot, uint64_t v, char *buf, size_t len)
{
	const char *const *l = slot == CM_SLOT_WA2 ? wa2_levels : wa13_levels;
	size_t n = slot == CM_SLOT_WA2 ? FP_ARRAY_SIZE(wa2_levels) : FP_ARRAY_SIZE(wa13_levels);

	if (slot == CM_SLOT_PSCI)
		snprintf(buf, len, "0x%llx (PSCI %llu.%llu)", (unsigned long long)v,
			 (unsigned long long)(v >> 16), (unsigned long long)(v & 0xffff));
	else if (v < n)
		snprintf(buf, len, "%llu (%s)", (unsigned long long)v, l[v]);
	else
		snprintf(buf, len, "0x%llx (not a level KVM defines)", (unsigned long long)v);
	return buf;
}

static void drift_fw(struct drift *d, int slot)
{
	uint64_t ov = d->a->r[slot].val, nv = d->b->r[slot].val;
	char x[128], y[128], what[64];
	const char *why;
	/* Would KVM still take the old level (kvm_arm_set_fw_reg())? */
	bool ok = cm_fw_ok(slot, ov, nv, &why);

	if (slot == CM_SLOT_PSCI)
		snprintf(what, sizeof(what), "%s", cm_slot_name(slot));
	else
		snprintf(what, sizeof(what), "%s (%s)", cm_slot_name(slot), fw_cve(slot));
	fw_level(slot, ov, x, sizeof(x));
	fw_level(slot, nv, y, sizeof(y));
	if (ok)
		drift_reg(d, ARM64CM_WARNING, slot, 0, NULL, true, &ov, &nv,
			  "%s: was %s, now %s; a model with the old %s still runs", what, x, y,
			  slot == CM_SLOT_PSCI ? "version" : "level");
	else
		drift_reg(d, ARM64CM_ERROR, slot, 0, NULL, true, &ov, &nv,
			  "%s: was %s, now %s; KVM refuses the old %s now: a VM may have %s", what, x, y,
			  slot == CM_SLOT_PSCI ? "version" : "level", why);
}

/* Bits of the hypercall service bitmaps (uapi asm/kvm.h, hypercalls.rst). */
static const char *bmap_bit(int slot, int bit)
{
	switch (slot) {
	case CM_SLOT_STD_BMAP:
		return bit == 0 ? "TRNG_V1_0, Arm True Random Number Generator 1.0" : NULL;
	case CM_SLOT_STD_HYP_BMAP:
		return bit == 0 ? "PV_TIME, paravirtualized time" : NULL;
	default:
		return bit == 0 ? "FUNC_FEAT, KVM vendor hypercall discovery" :
		       bit == 1 ? "PTP, KVM PTP clock" : NULL;
	}
}

static const char *bmap_bits(int slot, uint64_t bits, char *buf, size_t len)
{
	size_t o = 0;
	int b;

	buf[0] = 0;
	for (b = 0; b < 64; b++) {
		const char *n = bmap_bit(slot, b);

		if (!(bits & (1ULL << b)))
			continue;
		if (n)
			o += snprintf(buf + o, o < len ? len - o : 0, "%sbit %d (%s)",
				      o ? ", " : "", b, n);
		else
			o += snprintf(buf + o, o < len ? len - o : 0, "%sbit %d", o ? ", " : "", b);
	}
	return buf;
}

static void drift_bmap(struct drift *d, int slot)
{
	uint64_t ov = d->a->r[slot].val, nv = d->b->r[slot].val;
	char names[256];

	if (ov & ~nv)
		drift_reg(d, ARM64CM_ERROR, slot, 0, NULL, true, &ov, &nv,
			  "%s: was 0x%llx, now 0x%llx: services lost: %s; a model that offers them cannot run (a VM may have a subset of the host's services)",
			  cm_slot_name(slot), (unsigned long long)ov, (unsigned long long)nv,
			  bmap_bits(slot, ov & ~nv, names, sizeof(names)));
	if (nv & ~ov)
		drift_reg(d, ARM64CM_WARNING, slot, 0, NULL, true, &ov, &nv,
			  "%s: was 0x%llx, now 0x%llx: new services: %s",
			  cm_slot_name(slot), (unsigned long long)ov, (unsigned long long)nv,
			  bmap_bits(slot, nv & ~ov, names, sizeof(names)));
}

/* ---- ID, cache and implementation registers ----------------------------- */

/* MIDR_EL1 (not in the generated tables: no feature table describes it). */
static const struct cm_field midr_fields[] = {
	{ "Implementer", 24, 8, 0, CM_RULE_NONE, 0, NULL },
	{ "Variant", 20, 4, 0, CM_RULE_NONE, 0, NULL },
	{ "Architecture", 16, 4, 0, CM_RULE_NONE, 0, NULL },
	{ "PartNum", 4, 12, 0, CM_RULE_NONE, 0, NULL },
	{ "Revision", 0, 4, 0, CM_RULE_NONE, 0, NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL }
};

static bool is_geometry(int slot)
{
	return slot == CM_SLOT_CLIDR || (slot >= CM_SLOT_CCSIDR && slot < CM_SLOT_MIDR);
}

/*
 * The fields of register @slot, or NULL; *@rules: they have the kernel's
 * feature-table rules (ID registers, CTR_EL0), else nothing says which
 * values are safe (cache geometry, implementation registers).
 */
static const struct cm_field *reg_fields(int slot, bool *rules)
{
	const struct cm_regdesc *desc;

	*rules = false;
	if (slot >= CM_SLOT_CCSIDR && slot < CM_SLOT_MIDR)
		return cm_ccsidr_fields;
	if (slot == CM_SLOT_MIDR)
		return midr_fields;
	if (slot == CM_SLOT_REVIDR || slot == CM_SLOT_AIDR)
		return NULL;		/* IMPLEMENTATION DEFINED */
	desc = cm_slot_desc(slot);
	*rules = slot != CM_SLOT_CLIDR;
	return desc ? desc->fields : NULL;
}

/* The raw (unsigned) bits of field @f of @v. */
static uint64_t field_bits(const struct cm_field *f, uint64_t v)
{
	return (v & cm_field_mask(f)) >> f->shift;
}

/*
 * Severity of a change of the bits @fm of register @slot that are not a
 * field with a feature-table rule, and why: cache geometry (does KVM take
 * the old geometry?), implementation registers (can a VMM still give a VM
 * the old identity?), anything else (fixed: a model with the old value
 * cannot run).
 */
static int other_sev(const struct drift *d, int slot, uint64_t fm, const char **why)
{
	const struct cm_reg *n = &d->b->r[slot];

	if (is_geometry(slot)) {
		*why = d->geometry_bad ?
		       "cache geometry: this host's KVM does not take the old one (a model keeps it)" :
		       "cache geometry: this host's KVM still takes the old one (a model keeps it)";
		return d->geometry_bad ? ARM64CM_ERROR : ARM64CM_WARNING;
	}
	if (cm_slot_group(slot) == CM_G_IMPL) {
		if (!(d->b->caps & CM_CAP_WRITABLE_IMP)) {
			*why = "identity: this host lacks KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, so a model with the old value cannot run";
			return ARM64CM_ERROR;
		}
		if (n->mask && (fm & ~n->mask)) {
			*why = "identity: this host does not let a VMM change these bits, so a model with the old value cannot run";
			return ARM64CM_ERROR;
		}
		*why = "identity: a model with the old value still runs (KVM_CAP_ARM_WRITABLE_IMP_ID_REGS)";
		return ARM64CM_WARNING;
	}
	*why = "this host does not let a VMM change it, so a model with the old value cannot run";
	return ARM64CM_ERROR;
}

/*
 * Severity of a change of field @f (with a feature-table rule) of an ID
 * register or CTR_EL0, and why: KVM must still take the old value (the
 * field writable on the host now, and the old value safe by its rule).
 */
static int field_sev(const struct drift *d, int slot, const struct cm_field *f, int64_t ov,
		     int64_t nv, char *why, size_t len)
{
	uint64_t fm = cm_field_mask(f);
	bool writable = (cm_host_mask(d->b, slot) & fm) == fm && f->rule != CM_RULE_NONE;
	char s[48];

	if (!writable) {
		snprintf(why, len, "%s",
			 "this host does not let a VMM change it, so a model with the old value cannot run");
		return ARM64CM_ERROR;
	}
	if (cm_field_ok(f, ov, nv)) {
		snprintf(why, len, "a model with the old value still runs");
		return ARM64CM_WARNING;
	}
	switch (f->rule) {
	case CM_RULE_LOWER:
		snprintf(why, len, "lowered: a model with the old value cannot run");
		break;
	case CM_RULE_EXACT:
		snprintf(why, len,
			 "a model with the old value cannot run (only the host's value or %s)",
			 cm_field_value_str(f, (int64_t)f->safe, s, sizeof(s)));
		break;
	default:
		snprintf(why, len, "a model with the old value cannot run");
		break;
	}
	return ARM64CM_ERROR;
}

static void drift_value(struct drift *d, int slot)
{
	uint64_t ov = d->a->r[slot].val, nv = d->b->r[slot].val, diff = ov ^ nv, covered = 0;
	const struct cm_field *f, *fields;
	char x[48], y[48], why[160], names[320];
	const char *w;
	bool rules;
	int sev;

	if (!diff)
		return;
	fields = reg_fields(slot, &rules);
	for (f = fields; f && f->name; f++) {
		uint64_t fm = cm_field_mask(f), fo = field_bits(f, ov), fn = field_bits(f, nv);
		int64_t so = cm_field_get(f, ov), sn = cm_field_get(f, nv);

		if (!(diff & fm))
			continue;
		covered |= fm;
		cm_field_value_str(f, so, x, sizeof(x));
		cm_field_value_str(f, sn, y, sizeof(y));
		if (rules) {
			sev = field_sev(d, slot, f, so, sn, why, sizeof(why));
			drift_reg(d, sev, slot, 0, f, false, &fo, &fn,
				  "%s.%s: was %s, now %s (%s%s): %s", cm_slot_name(slot), f->name, x, y, cm_rule_name(f->rule),
				  f->sign ? ", signed" : "", why);
		} else {
			sev = other_sev(d, slot, fm, &w);
			drift_reg(d, sev, slot, 0, f, true, &fo, &fn, "%s.%s: was %s, now %s: %s",
				  cm_slot_name(slot), f->name, x, y, w);
		}
	}
	if (!fields) {
		sev = other_sev(d, slot, diff, &w);
		drift_reg(d, sev, slot, 0, NULL, !rules, &ov, &nv,
			  "%s: was 0x%016llx, now 0x%016llx: %s", cm_slot_name(slot), (unsigned long long)ov, (unsigned long long)nv, w);
	} else if (diff & ~covered) {
		sev = other_sev(d, slot, diff & ~covered, &w);
		drift_reg(d, sev, slot, 0, NULL, !rules, &ov, &nv,
			  "%s: was 0x%016llx, now 0x%016llx, bits 0x%016llx (%s) changed: %s",
			  cm_slot_name(slot), (unsigned long long)ov, (unsigned long long)nv,
			  (unsigned long long)(diff & ~covered),
			  cm_field_names(slot, diff & ~covered, names, sizeof(names)), w);
	}
}

/* Writable masks: narrowed fields are errors, widened ones warnings. */
static void drift_mask(struct drift *d, int slot)
{
	uint64_t om = cm_host_mask(d->a, slot), nm = cm_host_mask(d->b, slot), covered = 0;
	const struct cm_field *f;
	char names[330], x[320];
	bool rules;
	int pass;

	if (om == nm)
		return;
	for (f = reg_fields(slot, &rules); f && f->name; f++) {
		uint64_t fm = cm_field_mask(f);

		if (!((om ^ nm) & fm))
			continue;
		covered |= fm;
		if (om & ~nm & fm)
			drift_reg(d, ARM64CM_ERROR, slot, 0, f, !rules, NULL, NULL,
				  "%s.%s: no longer writable (mask 0x%016llx, was 0x%016llx): a model that changes it cannot run",
				  cm_slot_name(slot), f->name, (unsigned long long)nm,
				  (unsigned long long)om);
		if (nm & ~om & fm)
			drift_reg(d, ARM64CM_WARNING, slot, 0, f, !rules, NULL, NULL,
				  "%s.%s: now writable (mask 0x%016llx, was 0x%016llx)",
				  cm_slot_name(slot), f->name, (unsigned long long)nm,
				  (unsigned long long)om);
	}
	for (pass = 0; pass < 2; pass++) {
		uint64_t bits = (pass ? nm & ~om : om & ~nm) & ~covered;

		if (!bits)
			continue;
		names[0] = 0;
		if (reg_fields(slot, &rules))
			snprintf(names, sizeof(names), " (%s)",
				 cm_field_names(slot, bits, x, sizeof(x)));
		drift_reg(d, pass ? ARM64CM_WARNING : ARM64CM_ERROR, slot, 0, NULL, !rules, NULL,
			  NULL, "%s: bits 0x%016llx%s %s (mask 0x%016llx, was 0x%016llx)%s",
			  cm_slot_name(slot), (unsigned long long)bits, names,
			  pass ? "now writable" : "no longer writable", (unsigned long long)nm,
			  (unsigned long long)om,
			  pass ? "" : ": a model that changes them cannot run");
	}
}

static void drift_presence(struct drift *d, int slot)
{
	const struct cm_reg *o = &d->a->r[slot], *n = &d->b->r[slot];
	uint64_t ov = o->val, nv = n->val;
	const char *w;
	int sev;

	if (o->present && !n->present) {
		if (is_geometry(slot)) {
			sev = other_sev(d, slot, ~0ULL, &w);
			drift_reg(d, sev, slot, 0, NULL, true, &ov, &nv,
				  "%s: gone (was 0x%016llx): the host's KVM no longer lists it; %s",
				  cm_slot_name(slot), (unsigned long long)ov, w);
		} else {
			drift_reg(d, ARM64CM_ERROR, slot, 0, NULL, true, &ov, NULL,
				  "%s: gone (was 0x%016llx): the host's KVM no longer has this register; a model that sets it cannot run",
				  cm_slot_name(slot), (unsigned long long)ov);
		}
	} else if (!o->present && n->present) {
		sev = is_geometry(slot) ? other_sev(d, slot, ~0ULL, &w) : ARM64CM_WARNING;
		drift_reg(d, sev, slot, 0, NULL, true, NULL, &nv,
			  "%s: new register, 0x%016llx%s%s", cm_slot_name(slot),
			  (unsigned long long)nv, is_geometry(slot) ? "; " : "",
			  is_geometry(slot) ? w : "");
	}
}

static void drift_regs(struct drift *d)
{
	int s;

	/* Does the host's KVM still take the old cache geometry (as a model's)? */
	{
		struct cm_profile *m = malloc(sizeof(*m));

		if (m) {
			*m = *d->a;
			m->is_model = true;
			d->geometry_bad = cm_check_cache(m, d->b, NULL) > 0;
			free(m);
		} else {
			d->geometry_bad = true;
		}
	}
	for (s = 0; s < CM_NR_SLOTS; s++) {
		const struct cm_reg *o = &d->a->r[s], *n = &d->b->r[s];

		if (o->present != n->present) {
			drift_presence(d, s);
			continue;
		}
		if (!o->present)
			continue;
		switch (cm_slot_group(s)) {
		case CM_G_FW:
			if (o->val != n->val)
				drift_fw(d, s);
			break;
		case CM_G_BMAP:
			drift_bmap(d, s);
			break;
		default:
			drift_value(d, s);
			break;
		}
		drift_mask(d, s);
	}
}

/* Registers the library does not model: by KVM id. */
static const struct cm_unmodelled *unmodelled_find(const struct cm_profile *p, uint64_t id)
{
	int i;

	for (i = 0; i < p->nr_unmodelled && i < CM_MAX_UNMODELLED; i++)
		if (p->unmodelled[i].id == id)
			return &p->unmodelled[i];
	return NULL;
}

/* "VENDOR_HYP_BMAP_2 (KVM id 0x..., not modelled)", "KVM register 0x... (not modelled)" */
static const char *unmodelled_name(uint64_t id, char *buf, size_t len)
{
	const char *n = cm_kvm_id_name(id);

	if (n)
		snprintf(buf, len, "%s (KVM id 0x%016llx, not modelled)", n,
			 (unsigned long long)id);
	else
		snprintf(buf, len, "KVM register 0x%016llx (not modelled)", (unsigned long long)id);
	return buf;
}

static void drift_unmodelled(struct drift *d)
{
	char name[96], x[24], y[24];
	int i;

	for (i = 0; i < d->a->nr_unmodelled && i < CM_MAX_UNMODELLED; i++) {
		const struct cm_unmodelled *o = &d->a->unmodelled[i];
		const struct cm_unmodelled *n = unmodelled_find(d->b, o->id);

		unmodelled_name(o->id, name, sizeof(name));
		if (!n) {
			drift_reg(d, ARM64CM_ERROR, -1, o->id, NULL, true, NULL, NULL,
				  "%s: gone: the host's KVM no longer has it; guests lose it whatever the model",
				  name);
			continue;
		}
		if (o->has_val == n->has_val && (!o->has_val || o->val == n->val))
			continue;
		snprintf(x, sizeof(x), o->has_val ? "0x%llx" : "no value", (unsigned long long)o->val);
		snprintf(y, sizeof(y), n->has_val ? "0x%llx" : "no value", (unsigned long long)n->val);
		drift_reg(d, ARM64CM_WARNING, -1, o->id, NULL, true,
			  o->has_val && n->has_val ? &o->val : NULL,
			  o->has_val && n->has_val ? &n->val : NULL,
			  "%s: was %s, now %s; no model sets it: guests get the new value", name, x, y);
	}
	for (i = 0; i < d->b->nr_unmodelled && i < CM_MAX_UNMODELLED; i++) {
		const struct cm_unmodelled *n = &d->b->unmodelled[i];

		if (unmodelled_find(d->a, n->id))
			continue;
		snprintf(y, sizeof(y), n->has_val ? ", 0x%llx" : "", (unsigned long long)n->val);
		drift_reg(d, ARM64CM_WARNING, -1, n->id, NULL, true, NULL,
			  n->has_val ? &n->val : NULL,
			  "%s: new register%s; no model sets it: guests get the host's value",
			  unmodelled_name(n->id, name, sizeof(name)), y);
	}
}

int arm64cm_drift(const struct arm64cm_profile *before, const struct arm64cm_profile *now,
		  struct arm64cm_findings *f)
{
	struct drift d = { .rep = cm_rep(f) };

	if (!before || !now) {
		cm_report_add(d.rep, true, "drift: a profile is missing");
		return ARM64CM_BAD_INPUT;
	}
	if (before->p.is_model || now->p.is_model) {
		const struct cm_profile *m = before->p.is_model ? &before->p : &now->p;

		cm_report_add(d.rep, true,
			      "\"%s\" is a model; drift compares two host profiles (from probe) of one host",
			      m->name);
		return ARM64CM_BAD_INPUT;
	}
	d.a = &before->p;
	d.b = &now->p;
	drift_host(&d);
	drift_impls(&d);
	drift_regs(&d);
	drift_unmodelled(&d);
	return d.errors ? ARM64CM_INCOMPATIBLE : ARM64CM_OK;
}
